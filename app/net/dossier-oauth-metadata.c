// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-oauth-metadata.h"

#include "dossier-json.h"
#include "dossier-oauth-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* A service's published sign-in settings: the OpenID Connect discovery
 * document, RFC 8414's authorization server metadata or SMART App
 * Launch's configuration.  Only what signing in needs is read. */

static const char *const well_known_names[DOSSIER_OAUTH_N_METADATA_KINDS] = {
  "openid-configuration",
  "oauth-authorization-server",
  "smart-configuration",
};

/* The document's name under /.well-known/. */
const char *
dossier_oauth_metadata_document (DossierOAuthMetadataKind kind)
{
  g_return_val_if_fail (kind < DOSSIER_OAUTH_N_METADATA_KINDS, NULL);
  return well_known_names[kind];
}

void
dossier_oauth_metadata_free (DossierOAuthMetadata *metadata)
{
  if (metadata == NULL)
    return;
  g_free (metadata->authorization_endpoint);
  g_free (metadata->token_endpoint);
  g_free (metadata->revocation_endpoint);
  g_free (metadata);
}

/* The address of a settings document: OpenID Connect and SMART append the
 * well-known path to the issuer's, RFC 8414 puts it before. */
char *
dossier_oauth_metadata_uri (const char               *issuer,
                            DossierOAuthMetadataKind  kind)
{
  /* not normalized: the default port stays implicit, as in the issuer */
  g_autoptr(GUri) uri = g_uri_parse (issuer, G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GUri) document = NULL;
  gsize length;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;
  base = g_strdup (g_uri_get_path (uri));
  length = strlen (base);
  while (length > 0 && base[length - 1] == '/')
    base[--length] = '\0';
  if (kind == DOSSIER_OAUTH_METADATA_OAUTH)
    path = g_strdup_printf ("/.well-known/%s%s", well_known_names[kind], base);
  else
    path = g_strdup_printf ("%s/.well-known/%s", base, well_known_names[kind]);
  document = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                          path, NULL, NULL);
  return g_uri_to_string (document);
}

static gboolean
same_issuer (const char *a,
             const char *b)
{
  gsize la = strlen (a), lb = strlen (b);

  while (la > 0 && a[la - 1] == '/')
    la--;
  while (lb > 0 && b[lb - 1] == '/')
    lb--;
  return la == lb && strncmp (a, b, la) == 0;
}

/* An endpoint named @name in @metadata, checked as the session would. */
static gboolean
read_endpoint (const char          *issuer,
               DossierNetSession   *net,
               JsonObject          *metadata,
               const char          *name,
               gboolean             required,
               char               **endpoint,
               GError             **error)
{
  JsonNode *node = json_object_get_member (metadata, name);
  const char *value = dossier_json_get_string (metadata, name);
  g_autoptr(GError) local_error = NULL;

  if (node == NULL && !required)
    return TRUE;
  if (value == NULL)
    {
      g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                   node == NULL ? _("The sign-in settings of %s do not give “%s”")
                                : _("The sign-in settings of %s give “%s” as something else than an address"),
                   issuer, name);
      return FALSE;
    }
  if (!dossier_net_session_check_uri (net, value, &local_error))
    {
      g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_UNSUPPORTED,
                   _("The sign-in settings of %s give an unusable “%s”: %s"), issuer, name,
                   local_error->message);
      return FALSE;
    }
  *endpoint = g_strdup (value);
  return TRUE;
}

static gboolean
offers_s256 (const char          *issuer,
             JsonObject          *metadata,
             GError             **error)
{
  const char *name = "code_challenge_methods_supported";
  JsonArray *methods;

  /* servers that do not say may still support it: the token endpoint
   * will tell */
  if (!json_object_has_member (metadata, name))
    return TRUE;
  methods = dossier_json_get_array (metadata, name);
  for (guint i = 0; methods != NULL && i < json_array_get_length (methods); i++)
    {
      JsonNode *method = json_array_get_element (methods, i);

      if (JSON_NODE_HOLDS_VALUE (method) && json_node_get_value_type (method) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (method), "S256") == 0)
        return TRUE;
    }
  g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_UNSUPPORTED,
               _("%s does not offer PKCE with S256, which Dossier needs to sign in safely"), issuer);
  return FALSE;
}

/**
 * dossier_oauth_metadata_parse:
 * @issuer: the service's issuer address
 * @kind: which document @bytes is
 * @net: the session the endpoints will be used with, whose rules they
 *   must meet
 *
 * Reads what signing in needs from a service's settings document.
 */
DossierOAuthMetadata *
dossier_oauth_metadata_parse (const char                *issuer,
                              DossierOAuthMetadataKind   kind,
                              GBytes                    *bytes,
                              DossierNetSession         *net,
                              GError                   **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(DossierOAuthMetadata) result = NULL;
  JsonObject *metadata;
  const char *named;
  gsize length;
  const char *data;

  g_return_val_if_fail (issuer != NULL && bytes != NULL, NULL);
  g_return_val_if_fail (kind < DOSSIER_OAUTH_N_METADATA_KINDS, NULL);
  g_return_val_if_fail (DOSSIER_IS_NET_SESSION (net), NULL);

  data = g_bytes_get_data (bytes, &length);
  root = length > 0 && length <= DOSSIER_OAUTH_METADATA_MAX_SIZE ? dossier_json_parse (data, length) : NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                   _("The sign-in settings of %s (%s) are not a JSON object"), issuer,
                   well_known_names[kind]);
      return NULL;
    }
  metadata = json_node_get_object (root);
  /* a document naming another issuer could send the tokens elsewhere
   * (SMART's document need not name one) */
  named = dossier_json_get_string (metadata, "issuer");
  if ((kind != DOSSIER_OAUTH_METADATA_SMART && named == NULL) || (named != NULL && !same_issuer (named, issuer)))
    {
      g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                   _("The sign-in settings of %s name another issuer (“%s”)"), issuer, named ?: "");
      return NULL;
    }
  result = g_new0 (DossierOAuthMetadata, 1);
  if (!read_endpoint (issuer, net, metadata, "authorization_endpoint", TRUE, &result->authorization_endpoint,
                      error) ||
      !read_endpoint (issuer, net, metadata, "token_endpoint", TRUE, &result->token_endpoint, error) ||
      !read_endpoint (issuer, net, metadata, "revocation_endpoint", FALSE, &result->revocation_endpoint, error) ||
      !offers_s256 (issuer, metadata, error))
    return NULL;
  return g_steal_pointer (&result);
}
