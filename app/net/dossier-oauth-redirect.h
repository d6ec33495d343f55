// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOSSIER_TYPE_OAUTH_REDIRECT (dossier_oauth_redirect_get_type ())
G_DECLARE_FINAL_TYPE (DossierOAuthRedirect, dossier_oauth_redirect, DOSSIER, OAUTH_REDIRECT, GObject)

DossierOAuthRedirect *dossier_oauth_redirect_new         (const char            *state,
                                                          const char            *issuer,
                                                          GError               **error);
const char           *dossier_oauth_redirect_get_uri     (DossierOAuthRedirect  *self);
void                  dossier_oauth_redirect_wait_async  (DossierOAuthRedirect  *self,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
char                 *dossier_oauth_redirect_wait_finish (DossierOAuthRedirect  *self,
                                                          GAsyncResult          *result,
                                                          GError               **error);

G_END_DECLS
