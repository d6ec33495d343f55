// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "dossier-services.h"

G_BEGIN_DECLS

typedef struct _DossierWallet DossierWallet;

DossierServices          *dossier_services_new                    (DossierWallet            *wallet);

DossierServiceConnection *dossier_service_connection_new          (const char               *id,
                                                                   const char               *base_url,
                                                                   DossierServiceKind        kind);
DossierServiceConnection *dossier_service_connection_from_json    (JsonObject               *object);
JsonNode                 *dossier_service_connection_to_json      (DossierServiceConnection *self);
void                      dossier_service_connection_set_display_name (DossierServiceConnection *self,
                                                                   const char               *name);
void                      dossier_service_connection_set_person_id (DossierServiceConnection *self,
                                                                   gint64                    person_id);
void                      dossier_service_connection_set_signed_in (DossierServiceConnection *self,
                                                                   gboolean                  signed_in);
void                      dossier_service_connection_set_last_sync (DossierServiceConnection *self,
                                                                   GDateTime                *when);
void                      dossier_service_connection_set_last_error (DossierServiceConnection *self,
                                                                   const char               *error);
/* the address signing in and reading go to, learnt at discovery */
const char               *dossier_service_connection_get_api_url  (DossierServiceConnection *self);
void                      dossier_service_connection_set_api_url  (DossierServiceConnection *self,
                                                                   const char               *url);
/* deferred credentials still owed: a JSON array, or NULL */
JsonArray                *dossier_service_connection_get_pending  (DossierServiceConnection *self);
void                      dossier_service_connection_set_pending  (DossierServiceConnection *self,
                                                                   JsonArray                *pending);

DossierSyncSummary       *dossier_sync_summary_new                (void);
void                      dossier_sync_summary_add                (DossierSyncSummary       *self,
                                                                   const char               *title,
                                                                   DossierSyncItemStatus     status,
                                                                   const char               *error);
gboolean                  dossier_sync_summary_mark_unchanged     (DossierSyncSummary       *self,
                                                                   const char               *title);
void                      dossier_sync_item_free                  (DossierSyncItem          *item);

typedef void (*DossierTxCodeReplyFunc) (const char *code,
                                        gpointer    user_data);

DossierTxCodeRequest     *dossier_tx_code_request_new             (const char               *issuer_name,
                                                                   const char               *description,
                                                                   guint                     length,
                                                                   gboolean                  numeric,
                                                                   gboolean                  retry,
                                                                   DossierTxCodeReplyFunc    reply,
                                                                   gpointer                  reply_data);

G_END_DECLS
