// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-oauth-tokens.h"

#include "dossier-json.h"
#include "dossier-oauth-error.h"
#include "dossier-secret.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#define MAX_SERIALIZED_SIZE 16384

G_DEFINE_QUARK (dossier-oauth-error-quark, dossier_oauth_error)
G_DEFINE_BOXED_TYPE (DossierOAuthTokens, dossier_oauth_tokens, dossier_oauth_tokens_copy, dossier_oauth_tokens_free)

DossierOAuthTokens *
dossier_oauth_tokens_new (void)
{
  return g_new0 (DossierOAuthTokens, 1);
}

DossierOAuthTokens *
dossier_oauth_tokens_copy (const DossierOAuthTokens *tokens)
{
  DossierOAuthTokens *copy;

  g_return_val_if_fail (tokens != NULL, NULL);

  copy = dossier_oauth_tokens_new ();
  copy->access_token = dossier_secure_strdup (tokens->access_token);
  copy->refresh_token = dossier_secure_strdup (tokens->refresh_token);
  copy->token_type = g_strdup (tokens->token_type);
  copy->scope = g_strdup (tokens->scope);
  copy->expires_at = tokens->expires_at;
  copy->patient = g_strdup (tokens->patient);
  copy->authorization_details = g_strdup (tokens->authorization_details);
  return copy;
}

void
dossier_oauth_tokens_free (DossierOAuthTokens *tokens)
{
  if (tokens == NULL)
    return;
  dossier_secure_strfree (tokens->access_token);
  dossier_secure_strfree (tokens->refresh_token);
  g_free (tokens->token_type);
  g_free (tokens->scope);
  g_free (tokens->patient);
  g_free (tokens->authorization_details);
  g_free (tokens);
}

/* Whether the access token has expired at @now (Unix time), with a
 * minute's margin for the clocks and the request on its way. */
gboolean
dossier_oauth_tokens_is_expired (const DossierOAuthTokens *tokens,
                                 gint64                    now)
{
  g_return_val_if_fail (tokens != NULL, TRUE);
  return tokens->expires_at != 0 && now + 60 >= tokens->expires_at;
}

static char *
append_string (char       *out,
               const char *name,
               const char *value)
{
  out += sprintf (out, "%s\"%s\":\"", out[-1] == '{' ? "" : ",", name);
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          *out++ = '\\';
          *out++ = (char) c;
        }
      else if (c < 0x20)
        out += sprintf (out, "\\u%04x", c);
      else
        *out++ = (char) c;
    }
  *out++ = '"';
  *out = '\0';
  return out;
}

/**
 * dossier_oauth_tokens_serialize:
 *
 * Writes @tokens as a small JSON object, for the vault.
 *
 * Returns: (transfer full): the text, in wiped memory: free it with
 *   dossier_secure_strfree()
 */
char *
dossier_oauth_tokens_serialize (const DossierOAuthTokens *tokens)
{
  const char *fields[][2] = {
    { "access_token", tokens->access_token },
    { "refresh_token", tokens->refresh_token },
    { "token_type", tokens->token_type },
    { "scope", tokens->scope },
    { "patient", tokens->patient },
    { "authorization_details", tokens->authorization_details },
  };
  gsize size = 64;
  char *text;
  char *out;

  g_return_val_if_fail (tokens != NULL && tokens->access_token != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i][1] != NULL)
      size += strlen (fields[i][0]) + 6 * strlen (fields[i][1]) + 8;

  /* written straight into wiped memory: no growing buffer leaves copies */
  text = dossier_secure_alloc (size);
  out = text;
  *out++ = '{';
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i][1] != NULL)
      out = append_string (out, fields[i][0], fields[i][1]);
  sprintf (out, ",\"expires_at\":%" G_GINT64_FORMAT "}", tokens->expires_at);
  return text;
}

/**
 * dossier_oauth_tokens_wipe_json:
 * @object: a parsed token answer or saved tokens
 *
 * Wipes the tokens' text in @object, before the tree is released: the
 * parser's copies would otherwise linger in freed memory.
 */
void
dossier_oauth_tokens_wipe_json (JsonObject *object)
{
  static const char *const names[] = { "access_token", "refresh_token", "id_token" };

  if (object == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = dossier_json_get_string (object, names[i]);

      if (value != NULL)
        dossier_secure_wipe ((char *) value, strlen (value));
    }
}

static gboolean
optional_string (JsonObject  *object,
                 const char  *name,
                 const char **value)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  *value = dossier_json_get_string (object, name);
  return *value != NULL;
}

/**
 * dossier_oauth_tokens_deserialize:
 *
 * Reads tokens written by dossier_oauth_tokens_serialize().
 */
DossierOAuthTokens *
dossier_oauth_tokens_deserialize (const char  *text,
                                  gsize        length,
                                  GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(DossierOAuthTokens) tokens = NULL;
  JsonObject *object;
  const char *access_token, *refresh_token, *token_type, *scope, *patient, *details;

  g_return_val_if_fail (text != NULL, NULL);

  if (length <= MAX_SERIALIZED_SIZE)
    root = dossier_json_parse (text, length);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL ||
      (access_token = dossier_json_get_string (object, "access_token")) == NULL ||
      (token_type = dossier_json_get_string (object, "token_type")) == NULL ||
      !optional_string (object, "refresh_token", &refresh_token) ||
      !optional_string (object, "scope", &scope) ||
      !optional_string (object, "patient", &patient) ||
      !optional_string (object, "authorization_details", &details))
    {
      dossier_oauth_tokens_wipe_json (object);
      g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_INVALID,
                   _("The saved sign-in to this service is damaged: sign in again"));
      return NULL;
    }
  tokens = dossier_oauth_tokens_new ();
  tokens->access_token = dossier_secure_strdup (access_token);
  tokens->refresh_token = dossier_secure_strdup (refresh_token);
  tokens->token_type = g_strdup (token_type);
  tokens->scope = g_strdup (scope);
  tokens->patient = g_strdup (patient);
  tokens->authorization_details = g_strdup (details);
  if (!dossier_json_get_number (object, "expires_at", &tokens->expires_at))
    tokens->expires_at = 0;
  dossier_oauth_tokens_wipe_json (object);
  return g_steal_pointer (&tokens);
}
