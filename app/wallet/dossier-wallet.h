// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "dossier-net-session.h"
#include "dossier-services.h"
#include "dossier-trust-registry.h"
#include "dossier-vault.h"

G_BEGIN_DECLS

#define DOSSIER_WALLET_ERROR (dossier_wallet_error_quark ())

typedef enum
{
  DOSSIER_WALLET_ERROR_TOO_LARGE,
  DOSSIER_WALLET_ERROR_EMPTY,
  DOSSIER_WALLET_ERROR_UNREADABLE,
  DOSSIER_WALLET_ERROR_CREDENTIAL_OFFER,   /* the file is an offer to receive, not a record */
} DossierWalletError;

/* The largest file Dossier imports; larger ones are refused before reading. */
#define DOSSIER_WALLET_MAX_IMPORT_SIZE (32 * 1024 * 1024)

GQuark dossier_wallet_error_quark (void);

#define DOSSIER_TYPE_WALLET (dossier_wallet_get_type ())
G_DECLARE_FINAL_TYPE (DossierWallet, dossier_wallet, DOSSIER, WALLET, GObject)

DossierWallet *dossier_wallet_new                  (const char           *vault_directory);
DossierVault  *dossier_wallet_get_vault            (DossierWallet        *self);
DossierTrustRegistry *dossier_wallet_get_trust     (DossierWallet        *self);
DossierNetSession    *dossier_wallet_get_net       (DossierWallet        *self);
DossierServices      *dossier_wallet_get_services  (DossierWallet        *self);

GPtrArray     *dossier_wallet_intake               (DossierWallet        *self,
                                                    GBytes               *bytes,
                                                    const char           *name,
                                                    GError              **error);
void           dossier_wallet_import_file_async    (DossierWallet        *self,
                                                    GFile                *file,
                                                    gint64                person_id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GPtrArray     *dossier_wallet_import_file_finish   (DossierWallet        *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
char          *dossier_wallet_import_file_dup_offer (DossierWallet       *self,
                                                     GAsyncResult        *result);
char          *dossier_wallet_find_credential_offer (GBytes              *bytes);

char          *dossier_wallet_get_default_vault_directory (void);
char          *dossier_wallet_get_demo_vault_directory    (void);

G_END_DECLS
