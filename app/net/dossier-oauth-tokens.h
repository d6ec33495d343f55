// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What a sign-in to a service yields.  The tokens are secrets: they live
 * in wiped memory and are never logged. */
typedef struct
{
  char   *access_token;   /* wiped memory */
  char   *refresh_token;  /* wiped memory, or NULL when the service gives none */
  char   *token_type;     /* always "Bearer" */
  char   *scope;          /* what the service granted, or NULL when it did not say */
  gint64  expires_at;     /* Unix time the access token stops working, or 0 when unknown */
  char   *patient;        /* SMART: the FHIR Patient id the tokens are for, or NULL */
  char   *authorization_details; /* RFC 9396 details granted, as JSON text, or NULL */
} DossierOAuthTokens;

#define DOSSIER_TYPE_OAUTH_TOKENS (dossier_oauth_tokens_get_type ())
GType               dossier_oauth_tokens_get_type      (void) G_GNUC_CONST;

DossierOAuthTokens *dossier_oauth_tokens_new           (void);
DossierOAuthTokens *dossier_oauth_tokens_copy          (const DossierOAuthTokens *tokens);
void                dossier_oauth_tokens_free          (DossierOAuthTokens       *tokens);
gboolean            dossier_oauth_tokens_is_expired    (const DossierOAuthTokens *tokens,
                                                        gint64                    now);
char               *dossier_oauth_tokens_serialize     (const DossierOAuthTokens *tokens);
DossierOAuthTokens *dossier_oauth_tokens_deserialize   (const char               *text,
                                                        gsize                     length,
                                                        GError                  **error);

void                dossier_oauth_tokens_wipe_json     (JsonObject               *object);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierOAuthTokens, dossier_oauth_tokens_free)

G_END_DECLS
