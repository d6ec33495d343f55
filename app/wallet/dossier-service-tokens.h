// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "dossier-oauth-tokens.h"
#include "dossier-vault.h"

G_BEGIN_DECLS

/* The largest tokens a service may leave in the vault. */
#define DOSSIER_SERVICE_TOKENS_MAX_SIZE 16384

char               *dossier_service_tokens_key         (const char                *issuer);
void                dossier_service_tokens_save_async  (DossierVault              *vault,
                                                        const char                *issuer,
                                                        const DossierOAuthTokens  *tokens,
                                                        GCancellable              *cancellable,
                                                        GAsyncReadyCallback        callback,
                                                        gpointer                   user_data);
gboolean            dossier_service_tokens_save_finish (DossierVault              *vault,
                                                        GAsyncResult              *result,
                                                        GError                   **error);
void                dossier_service_tokens_load_async  (DossierVault              *vault,
                                                        const char                *issuer,
                                                        GCancellable              *cancellable,
                                                        GAsyncReadyCallback        callback,
                                                        gpointer                   user_data);
DossierOAuthTokens *dossier_service_tokens_load_finish (DossierVault              *vault,
                                                        GAsyncResult              *result,
                                                        GError                   **error);

G_END_DECLS
