// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* What the files of the services share (dossier-services.c,
 * dossier-services-sync.c, dossier-services-offer.c). */

#include "dossier-oauth-client.h"
#include "dossier-oid4vci.h"
#include "dossier-services-private.h"
#include "dossier-wallet.h"

G_BEGIN_DECLS

#define CLIENT_ID "dossier"

struct _DossierServices
{
  GObject        parent_instance;
  DossierWallet *wallet;        /* owns this */
  GPtrArray     *connections;
  gboolean       sync_on_unlock;
};

typedef struct
{
  GPtrArray                *connections;  /* to sync */
  guint                     index;
  gboolean                  single;
  DossierServiceConnection *current;
  DossierOAuthClient       *client;
  DossierOAuthTokens       *tokens;
  DossierOid4vciIssuer     *issuer;
  EVP_PKEY                 *holder_key;
  DossierSyncProgressFunc   progress;
  gpointer                  progress_data;
  DossierSyncSummary       *summary;
  GHashTable               *seen;
  GPtrArray                *new_seen;     /* digests of what this sync keeps */
  GPtrArray                *records;
  JsonArray                *pending;
  guint                     n_new;
  guint                     n_unchanged;
  char                    **configuration_ids; /* an offer's, when its grant lists none */
  gint64                    person_id;         /* whom an offer is for */
} SyncJob;

DossierVault       *services_vault                (DossierServices          *self);
DossierNetSession  *services_net                  (DossierServices          *self);
GError             *services_error                (GError                   *error,
                                                   const char               *service);
void                services_return_error         (GTask                    *task,
                                                   GError                   *error,
                                                   const char               *service);
void                services_save_connections     (DossierServices          *self,
                                                   GTask                    *task);
char               *services_unique_id            (DossierServices          *self,
                                                   const char               *url);
gboolean            services_open_system_browser  (const char               *uri,
                                                   gpointer                  user_data,
                                                   GError                  **error);
DossierOAuthClient *services_client_for           (DossierServices          *self,
                                                   DossierServiceConnection *connection);
gpointer            services_finish_pointer       (GAsyncResult             *result,
                                                   GError                  **error);
void                services_sync_job_free        (SyncJob                  *job);
char               *services_seen_setting         (const char               *connection_id);
void                services_on_seen_loaded       (GObject                  *source,
                                                   GAsyncResult             *result,
                                                   gpointer                  user_data);

G_END_DECLS
