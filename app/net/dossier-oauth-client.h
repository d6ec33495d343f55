// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "dossier-net-session.h"
#include "dossier-oauth-error.h"
#include "dossier-oauth-tokens.h"

G_BEGIN_DECLS

/**
 * DossierOAuthBrowserFunc:
 * @uri: the service's consent page, with this sign-in's parameters
 *
 * Opens @uri for the person signing in.  The default opens the system's
 * web browser; tests drive the page over HTTP instead.
 */
typedef gboolean (*DossierOAuthBrowserFunc) (const char  *uri,
                                             gpointer     user_data,
                                             GError     **error);

#define DOSSIER_TYPE_OAUTH_CLIENT (dossier_oauth_client_get_type ())
G_DECLARE_FINAL_TYPE (DossierOAuthClient, dossier_oauth_client, DOSSIER, OAUTH_CLIENT, GObject)

DossierOAuthClient *dossier_oauth_client_new                       (DossierNetSession        *net,
                                                                    const char               *issuer,
                                                                    const char               *client_id);
const char         *dossier_oauth_client_get_issuer                (DossierOAuthClient       *self);
void                dossier_oauth_client_set_scope                 (DossierOAuthClient       *self,
                                                                    const char               *scope);
void                dossier_oauth_client_set_browser               (DossierOAuthClient       *self,
                                                                    DossierOAuthBrowserFunc   func,
                                                                    gpointer                  user_data,
                                                                    GDestroyNotify            destroy);
const char         *dossier_oauth_client_get_authorization_endpoint (DossierOAuthClient      *self);
const char         *dossier_oauth_client_get_token_endpoint        (DossierOAuthClient       *self);
const char         *dossier_oauth_client_get_revocation_endpoint   (DossierOAuthClient       *self);

void                dossier_oauth_client_discover_async            (DossierOAuthClient       *self,
                                                                    GCancellable             *cancellable,
                                                                    GAsyncReadyCallback       callback,
                                                                    gpointer                  user_data);
gboolean            dossier_oauth_client_discover_finish           (DossierOAuthClient       *self,
                                                                    GAsyncResult             *result,
                                                                    GError                  **error);
void                dossier_oauth_client_sign_in_async             (DossierOAuthClient       *self,
                                                                    GCancellable             *cancellable,
                                                                    GAsyncReadyCallback       callback,
                                                                    gpointer                  user_data);
void                dossier_oauth_client_refresh_async             (DossierOAuthClient       *self,
                                                                    const DossierOAuthTokens *tokens,
                                                                    GCancellable             *cancellable,
                                                                    GAsyncReadyCallback       callback,
                                                                    gpointer                  user_data);
DossierOAuthTokens *dossier_oauth_client_get_tokens_finish         (DossierOAuthClient       *self,
                                                                    GAsyncResult             *result,
                                                                    GError                  **error);
void                dossier_oauth_client_exchange_async            (DossierOAuthClient       *self,
                                                                    GHashTable               *form,
                                                                    GCancellable             *cancellable,
                                                                    GAsyncReadyCallback       callback,
                                                                    gpointer                  user_data);
void                dossier_oauth_client_set_authorization_details (DossierOAuthClient      *self,
                                                                    const char               *details);
void                dossier_oauth_client_set_endpoints             (DossierOAuthClient       *self,
                                                                    const char               *authorization_endpoint,
                                                                    const char               *token_endpoint,
                                                                    const char               *revocation_endpoint);
void                dossier_oauth_client_sign_out_async            (DossierOAuthClient       *self,
                                                                    const DossierOAuthTokens *tokens,
                                                                    GCancellable             *cancellable,
                                                                    GAsyncReadyCallback       callback,
                                                                    gpointer                  user_data);
gboolean            dossier_oauth_client_sign_out_finish           (DossierOAuthClient       *self,
                                                                    GAsyncResult             *result,
                                                                    GError                  **error);

G_END_DECLS
