// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-did.h"

#include "dossier-base64.h"
#include "dossier-format-error.h"
#include "dossier-json.h"
#include "dossier-multikey.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Decentralized identifiers that name an issuer's keys.  did:key and
 * did:jwk carry the key in the identifier itself; did:web points at a DID
 * document the issuer publishes over https.  A key found here proves who
 * signed, never that the signer is trusted: that takes a trust anchor. */

gboolean
dossier_did_is_did (const char *text)
{
  return text != NULL && g_str_has_prefix (text, "did:");
}

/* The DID of a DID URL: what comes before its fragment ("#..."). */
char *
dossier_did_without_fragment (const char *did_url)
{
  const char *hash;

  g_return_val_if_fail (did_url != NULL, NULL);

  hash = strchr (did_url, '#');
  return hash != NULL ? g_strndup (did_url, (gsize) (hash - did_url)) : g_strdup (did_url);
}

static gboolean
valid_segment (const char *segment,
               gboolean    host)
{
  if (*segment == '\0' || g_str_equal (segment, ".") || g_str_equal (segment, ".."))
    return FALSE;
  for (const char *c = segment; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr (host ? "-.%" : "-._~%", *c) == NULL)
      return FALSE;
  return TRUE;
}

/* Where a did:web document lives: did:web:example.com is
 * https://example.com/.well-known/did.json, did:web:example.com:a:b is
 * https://example.com/a/b/did.json, and a port is written %3A. */
char *
dossier_did_web_url (const char  *did,
                     GError     **error)
{
  g_auto(GStrv) segments = NULL;
  g_autofree char *host = NULL;
  GString *url;

  g_return_val_if_fail (did != NULL, NULL);

  if (!g_str_has_prefix (did, "did:web:") || strlen (did) > DOSSIER_DID_MAX_LENGTH || strchr (did, '#') != NULL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE, _("“%s” is not a did:web identifier"), did);
      return NULL;
    }
  segments = g_strsplit (did + strlen ("did:web:"), ":", 64);
  for (guint i = 0; segments[i] != NULL; i++)
    if (!valid_segment (segments[i], i == 0))
      {
        g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE, _("“%s” is not a did:web identifier"), did);
        return NULL;
      }
  host = g_uri_unescape_string (segments[0], "/?#@");
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE, _("“%s” names no host"), did);
      return NULL;
    }
  url = g_string_new ("https://");
  g_string_append (url, host);
  if (segments[1] == NULL)
    g_string_append (url, "/.well-known");
  for (guint i = 1; segments[i] != NULL; i++)
    g_string_append_printf (url, "/%s", segments[i]);
  g_string_append (url, "/did.json");
  return g_string_free (url, FALSE);
}

static JsonObject *
copy_object (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    json_object_set_member (copy, name, json_node_copy (member));
  return copy;
}

/* One verification method's key, with its absolute id as kid. */
static DossierJwk *
method_key (JsonObject  *method,
            const char  *did,
            GError     **error)
{
  const char *id = dossier_json_get_string (method, "id");
  const char *controller = dossier_json_get_string (method, "controller");
  const char *multibase = dossier_json_get_string (method, "publicKeyMultibase");
  JsonObject *jwk = dossier_json_get_object (method, "publicKeyJwk");
  g_autofree char *kid = NULL;
  DossierJwk *key = NULL;

  if (id == NULL)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("A verification method has no id"));
      return NULL;
    }
  kid = id[0] == '#' ? g_strconcat (did, id, NULL) : g_strdup (id);
  if (multibase != NULL)
    key = dossier_multikey_to_jwk (multibase, kid, error);
  else if (jwk != NULL)
    {
      g_autoptr(JsonObject) copy = copy_object (jwk);

      json_object_set_string_member (copy, "kid", kid);
      key = dossier_jwk_new_from_json (copy, error);
    }
  else
    g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
                 _("Verification method %s has neither publicKeyMultibase nor publicKeyJwk"), kid);
  if (key != NULL)
    dossier_jwk_add_issuer (key, controller != NULL ? controller : did);
  return key;
}

/* The keys of a DID document's verification methods, each bound to its
 * controller and named by its absolute id.  Methods whose keys Dossier
 * cannot use are left out; a document with none is an error. */
GPtrArray *
dossier_did_document_keys (JsonObject  *document,
                           GError     **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) last_error = NULL;
  const char *did = dossier_json_get_string (document, "id");
  JsonArray *methods = dossier_json_get_array (document, "verificationMethod");

  g_return_val_if_fail (document != NULL, NULL);

  if (!dossier_did_is_did (did) || methods == NULL)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("A DID document needs a DID as its id and a list of verification methods"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (methods) && i < DOSSIER_DID_MAX_METHODS; i++)
    {
      JsonNode *item = json_array_get_element (methods, i);
      DossierJwk *key;

      g_clear_error (&last_error);
      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      key = method_key (json_node_get_object (item), did, &last_error);
      if (key != NULL)
        g_ptr_array_add (keys, key);
    }
  if (keys->len == 0)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
                   _("DID document %s holds no key Dossier can use%s%s"), did,
                   last_error != NULL ? ": " : "", last_error != NULL ? last_error->message : "");
      return NULL;
    }
  return g_steal_pointer (&keys);
}

static GPtrArray *
single_key (DossierJwk *key,
            const char *did)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_object_unref);

  dossier_jwk_add_issuer (key, did);
  g_ptr_array_add (keys, key);
  return keys;
}

static GPtrArray *
resolve_did_key (const char  *did,
                 const char  *fragment,
                 GError     **error)
{
  const char *multibase = did + strlen ("did:key:");
  g_autofree char *kid = g_strconcat (did, "#", multibase, NULL);
  DossierJwk *key;

  if (fragment != NULL && !g_str_equal (fragment, multibase))
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH,
                   _("%s has no key “#%s”"), did, fragment);
      return NULL;
    }
  key = dossier_multikey_to_jwk (multibase, kid, error);
  return key != NULL ? single_key (key, did) : NULL;
}

static GPtrArray *
resolve_did_jwk (const char  *did,
                 const char  *fragment,
                 GError     **error)
{
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) jwk = NULL;
  g_autofree char *kid = g_strconcat (did, "#0", NULL);
  DossierJwk *key;

  if (fragment != NULL && !g_str_equal (fragment, "0"))
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH,
                   _("%s has no key “#%s”"), did, fragment);
      return NULL;
    }
  decoded = dossier_base64url_decode (did + strlen ("did:jwk:"), -1, NULL);
  if (decoded != NULL)
    root = dossier_json_parse (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded));
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) || json_object_has_member (json_node_get_object (root), "d"))
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                   _("%s does not hold a public JWK"), did);
      return NULL;
    }
  jwk = copy_object (json_node_get_object (root));
  json_object_set_string_member (jwk, "kid", kid);
  key = dossier_jwk_new_from_json (jwk, error);
  return key != NULL ? single_key (key, did) : NULL;
}

static GPtrArray *
resolve_did_web (const char        *did,
                 const char        *did_url,
                 gboolean           has_fragment,
                 DossierKeySource  *source,
                 GError           **error)
{
  g_autofree char *url = dossier_did_web_url (did, error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  GPtrArray *chosen;
  JsonObject *document;

  if (url == NULL)
    return NULL;
  if (source == NULL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE,
                   _("The key of %s is not available: its DID document cannot be fetched here"), did);
      return NULL;
    }
  bytes = dossier_key_source_get_document (source, url, DOSSIER_DID_MAX_DOCUMENT, NULL, error);
  if (bytes == NULL)
    {
      g_prefix_error (error, _("The key of %s is not available: "), did);
      return NULL;
    }
  root = dossier_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  document = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (document == NULL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE, _("The DID document of %s is not JSON"), did);
      return NULL;
    }
  if (g_strcmp0 (dossier_json_get_string (document, "id"), did) != 0)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH,
                   _("The document published for %s describes another DID"), did);
      return NULL;
    }
  keys = dossier_did_document_keys (document, error);
  if (keys == NULL || !has_fragment)
    return g_steal_pointer (&keys);
  chosen = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < keys->len; i++)
    if (g_strcmp0 (dossier_jwk_get_kid (g_ptr_array_index (keys, i)), did_url) == 0)
      g_ptr_array_add (chosen, g_object_ref (g_ptr_array_index (keys, i)));
  if (chosen->len == 0)
    {
      g_ptr_array_unref (chosen);
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH,
                   _("The DID document of %s has no key %s"), did, did_url);
      return NULL;
    }
  return chosen;
}

/* The public keys @did_url (a DID, or a DID URL naming one key) stands
 * for, each bound to the DID.  did:web documents come from @source. */
GPtrArray *
dossier_did_resolve_keys (const char        *did_url,
                          DossierKeySource  *source,
                          GError           **error)
{
  g_autofree char *did = NULL;
  const char *hash;

  g_return_val_if_fail (did_url != NULL, NULL);

  if (strlen (did_url) > DOSSIER_DID_MAX_LENGTH || !dossier_did_is_did (did_url))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("Not a DID, or a DID too long to be one"));
      return NULL;
    }
  did = dossier_did_without_fragment (did_url);
  hash = strchr (did_url, '#');
  if (g_str_has_prefix (did, "did:key:"))
    return resolve_did_key (did, hash != NULL ? hash + 1 : NULL, error);
  if (g_str_has_prefix (did, "did:jwk:"))
    return resolve_did_jwk (did, hash != NULL ? hash + 1 : NULL, error);
  if (g_str_has_prefix (did, "did:web:"))
    return resolve_did_web (did, did_url, hash != NULL, source, error);
  g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
               _("Dossier cannot resolve DIDs of the method in %s"), did);
  return NULL;
}
