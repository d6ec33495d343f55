// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-trust-registry.h"

#include "dossier-did.h"
#include "dossier-dsc-list.h"
#include "dossier-format-error.h"
#include "dossier-json.h"
#include "dossier-jws.h"
#include "dossier-multikey.h"
#include "dossier-net-session.h"
#include "dossier-status-list.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The keys the user trusts, each from an anchor with a name and a source.
 * An anchor read from a folder laid out as an issuer publishes it
 * (".../.well-known/jwks.json") also answers for that issuer's other
 * documents there, such as revocation lists.  Status list credentials and
 * DID documents given as anchors answer for their own ids; with a network
 * session, other documents are fetched once per registry and kept. */

#define MAX_ANCHOR_FILE (1024 * 1024)
#define MAX_FOLDER_ENTRIES 1000
#define MAX_KEY_PAIRS 64
#define ANCHOR_FETCH_TIMEOUT 20

typedef struct
{
  char      *name;
  char      *source;
  char      *published_root;   /* folder holding .well-known/, or NULL */
  GPtrArray *keys;
  GPtrArray *certificates;
  GBytes    *material;         /* as fetched from source, for an anchor from a URL */
  GDateTime *fetched;          /* when, or NULL for an anchor from a file */
} Anchor;

struct _DossierTrustRegistry
{
  GObject            parent_instance;
  GPtrArray         *anchors;
  GHashTable        *documents;   /* id or URL -> GBytes, from the anchors */
  GHashTable        *fetched;     /* URL -> GBytes, fetched by this registry */
  GHashTable        *unreachable; /* URL -> why it could not be fetched */
  DossierNetSession *net;         /* NULL when offline */
  DossierNetSession *anchor_net;  /* fetches anchors from URLs, made when first needed */
  GMainContext      *context;     /* where fetches run while verification waits */
  GMutex             lock;        /* one document look-up at a time, from any thread */
  GPtrArray         *warnings;    /* what the anchors held that could not be trusted */
};

static void dossier_trust_registry_key_source_init (DossierKeySourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DossierTrustRegistry, dossier_trust_registry, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DOSSIER_TYPE_KEY_SOURCE, dossier_trust_registry_key_source_init))

static void
anchor_free (Anchor *anchor)
{
  g_free (anchor->name);
  g_free (anchor->source);
  g_free (anchor->published_root);
  g_ptr_array_unref (anchor->keys);
  g_ptr_array_unref (anchor->certificates);
  g_clear_pointer (&anchor->material, g_bytes_unref);
  g_clear_pointer (&anchor->fetched, g_date_time_unref);
  g_free (anchor);
}

static GPtrArray *
find_keys (DossierKeySource *source,
           const char       *issuer,
           const char       *kid)
{
  DossierTrustRegistry *self = DOSSIER_TRUST_REGISTRY (source);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint a = 0; a < self->anchors->len; a++)
    {
      Anchor *anchor = g_ptr_array_index (self->anchors, a);

      for (guint k = 0; k < anchor->keys->len; k++)
        {
          DossierJwk *key = g_ptr_array_index (anchor->keys, k);

          /* a key given without an id answers to any */
          if (kid == NULL || dossier_jwk_get_kid (key) == NULL || g_strcmp0 (dossier_jwk_get_kid (key), kid) == 0)
            g_ptr_array_add (found, g_object_ref (key));
        }
    }
  return found;
}

static GPtrArray *
find_certificates (DossierKeySource *source,
                   GBytes           *kid)
{
  DossierTrustRegistry *self = DOSSIER_TRUST_REGISTRY (source);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint a = 0; a < self->anchors->len; a++)
    {
      Anchor *anchor = g_ptr_array_index (self->anchors, a);

      for (guint c = 0; c < anchor->certificates->len; c++)
        {
          DossierCertificate *certificate = g_ptr_array_index (anchor->certificates, c);

          if (kid == NULL || g_bytes_equal (dossier_certificate_get_kid (certificate), kid))
            g_ptr_array_add (found, g_object_ref (certificate));
        }
    }
  return found;
}

static GBytes *
get_issuer_document (DossierKeySource *source,
                     const char       *issuer,
                     DossierJwk       *key,
                     const char       *path)
{
  DossierTrustRegistry *self = DOSSIER_TRUST_REGISTRY (source);

  if (strstr (path, "..") != NULL)
    return NULL;
  for (guint a = 0; a < self->anchors->len; a++)
    {
      Anchor *anchor = g_ptr_array_index (self->anchors, a);
      g_autofree char *file = NULL;
      g_autofree char *contents = NULL;
      gsize length;

      if (anchor->published_root == NULL || !g_ptr_array_find (anchor->keys, key, NULL))
        continue;
      file = g_build_filename (anchor->published_root, path, NULL);
      if (g_file_get_contents (file, &contents, &length, NULL) && length <= MAX_ANCHOR_FILE)
        return g_bytes_new_take (g_steal_pointer (&contents), length);
    }
  return NULL;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Verification is synchronous: the fetch runs in a private main context
 * that this call iterates until the answer is in. */
static GBytes *
fetch (DossierTrustRegistry  *self,
       DossierNetSession     *net,
       const char            *uri,
       gsize                  max_size,
       GError               **error)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  g_main_context_push_thread_default (self->context);
  dossier_net_session_get_bytes_async (net, uri, max_size, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (self->context, TRUE);
  /* the response stream closes with the result, in the context it was read in */
  bytes = dossier_net_session_get_bytes_finish (net, result, &local_error);
  g_object_unref (result);
  g_main_context_pop_thread_default (self->context);
  if (bytes != NULL)
    return bytes;
  if (g_error_matches (local_error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE))
    g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE, "%s", local_error->message);
  else
    g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE,
                 _("%s cannot be fetched: %s"), uri, local_error->message);
  return NULL;
}

static GBytes *
get_document (DossierKeySource       *source,
              const char             *uri,
              gsize                   max_size,
              DossierDocumentOrigin  *origin,
              GError                **error)
{
  DossierTrustRegistry *self = DOSSIER_TRUST_REGISTRY (source);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  if ((bytes = g_hash_table_lookup (self->documents, uri)) != NULL)
    *origin = DOSSIER_DOCUMENT_TRUSTED;
  else if ((bytes = g_hash_table_lookup (self->fetched, uri)) != NULL)
    *origin = DOSSIER_DOCUMENT_FETCHED;
  if (bytes != NULL && g_bytes_get_size (bytes) > max_size)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("%s is larger than %zu bytes"), uri, max_size);
      return NULL;
    }
  if (bytes != NULL)
    return g_bytes_ref (bytes);
  if (self->net == NULL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE,
                   _("%s is not available offline"), uri);
      return NULL;
    }
  /* a document that could not be fetched is not tried again in this run */
  if (g_hash_table_contains (self->unreachable, uri))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE,
                           g_hash_table_lookup (self->unreachable, uri));
      return NULL;
    }
  if ((bytes = fetch (self, self->net, uri, max_size, &local_error)) == NULL)
    {
      if (g_error_matches (local_error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE))
        g_hash_table_insert (self->unreachable, g_strdup (uri), g_strdup (local_error->message));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_hash_table_insert (self->fetched, g_strdup (uri), g_bytes_ref (bytes));
  *origin = DOSSIER_DOCUMENT_FETCHED;
  return bytes;
}

static void
dossier_trust_registry_key_source_init (DossierKeySourceInterface *iface)
{
  iface->find_keys = find_keys;
  iface->find_certificates = find_certificates;
  iface->get_issuer_document = get_issuer_document;
  iface->get_document = get_document;
}

/* The session's sources belong to the registry's context: it goes there. */
static void
drop_net (DossierTrustRegistry  *self,
          DossierNetSession    **net)
{
  if (*net == NULL)
    return;
  g_main_context_push_thread_default (self->context);
  g_clear_object (net);
  g_main_context_pop_thread_default (self->context);
}

static void
dossier_trust_registry_finalize (GObject *object)
{
  DossierTrustRegistry *self = DOSSIER_TRUST_REGISTRY (object);

  g_ptr_array_unref (self->anchors);
  g_hash_table_unref (self->documents);
  g_hash_table_unref (self->fetched);
  g_hash_table_unref (self->unreachable);
  drop_net (self, &self->net);
  drop_net (self, &self->anchor_net);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_ptr_array_unref (self->warnings);
  G_OBJECT_CLASS (dossier_trust_registry_parent_class)->finalize (object);
}

static void
dossier_trust_registry_class_init (DossierTrustRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_trust_registry_finalize;
}

static void
dossier_trust_registry_init (DossierTrustRegistry *self)
{
  self->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) anchor_free);
  self->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  self->fetched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  self->unreachable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->context = g_main_context_new ();
  g_mutex_init (&self->lock);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
}

DossierTrustRegistry *
dossier_trust_registry_new (void)
{
  return g_object_new (DOSSIER_TYPE_TRUST_REGISTRY, NULL);
}

/* Lets the registry fetch the documents no anchor holds (status lists,
 * did:web documents); offline it never does.  Verification waits for these
 * fetches, so the registry keeps its own HTTP session in a private main
 * context rather than re-entering the application's main loop.
 * @allow_http is for services on this machine (tests, demo services). */
void
dossier_trust_registry_set_online (DossierTrustRegistry *self,
                                   gboolean              online,
                                   gboolean              allow_http)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (DOSSIER_IS_TRUST_REGISTRY (self));

  locker = g_mutex_locker_new (&self->lock);
  drop_net (self, &self->net);
  if (!online)
    return;
  /* the session's sources belong to the context it is made in */
  g_main_context_push_thread_default (self->context);
  self->net = dossier_net_session_new ();
  g_main_context_pop_thread_default (self->context);
  dossier_net_session_set_allow_http (self->net, allow_http);
}

guint
dossier_trust_registry_get_n_anchors (DossierTrustRegistry *self)
{
  g_return_val_if_fail (DOSSIER_IS_TRUST_REGISTRY (self), 0);
  return self->anchors->len;
}

static char *
published_root_of (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (dir);
  g_autofree char *file = g_path_get_basename (path);

  if (g_str_equal (base, ".well-known") && g_str_equal (file, "jwks.json"))
    return g_path_get_dirname (dir);
  return NULL;
}

/* An issuers.json beside a key set says which issuer each key belongs
 * to, as each issuer's own published key set would: a key used for an
 * issuer it does not belong to is then refused. */
static void
bind_issuers (GPtrArray  *keys,
              const char *key_file)
{
  g_autofree char *dir = g_path_get_dirname (key_file);
  g_autofree char *path = g_build_filename (dir, "issuers.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root, *list;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || !json_parser_load_from_mapped_file (parser, path, NULL))
    return;
  root = json_parser_get_root (parser);
  list = JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "issuers") : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (list), i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *iss = entry != NULL ? json_object_get_string_member_with_default (entry, "iss", NULL) : NULL;
      JsonNode *kids = entry != NULL ? json_object_get_member (entry, "kids") : NULL;

      if (iss == NULL || kids == NULL || !JSON_NODE_HOLDS_ARRAY (kids))
        continue;
      for (guint k = 0; k < json_array_get_length (json_node_get_array (kids)); k++)
        {
          JsonNode *kid = json_array_get_element (json_node_get_array (kids), k);

          if (!JSON_NODE_HOLDS_VALUE (kid) || json_node_get_value_type (kid) != G_TYPE_STRING)
            continue;
          for (guint j = 0; j < keys->len; j++)
            if (g_strcmp0 (dossier_jwk_get_kid (g_ptr_array_index (keys, j)), json_node_get_string (kid)) == 0)
              dossier_jwk_add_issuer (g_ptr_array_index (keys, j), iss);
        }
    }
}

static gboolean
has_type (JsonObject *object,
          const char *type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, "type") : NULL;
  JsonArray *types;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    return g_strcmp0 (json_node_get_string (node), type) == 0;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  types = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      JsonNode *item = json_array_get_element (types, i);

      if (JSON_NODE_HOLDS_VALUE (item) && g_strcmp0 (json_node_get_string (item), type) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
remember (DossierTrustRegistry *self,
          const char           *id,
          const char           *contents,
          gsize                 length)
{
  if (id != NULL)
    g_hash_table_insert (self->documents, g_strdup (id), g_bytes_new (contents, length));
}

/* A status list as a JWT: a statuslist+jwt token answers for its "sub",
 * a Bitstring Status List credential for its id. */
static void
remember_jwt (DossierTrustRegistry *self,
              const char           *contents,
              gsize                 length)
{
  g_autoptr(DossierJws) jws = dossier_jws_parse (contents, length, NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *claims, *credential;
  GBytes *payload;

  if (jws == NULL)
    return;
  payload = dossier_jws_get_payload (jws);
  root = dossier_json_parse (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  claims = json_node_get_object (root);
  credential = dossier_json_get_object (claims, "vc") ?: claims;
  if (g_strcmp0 (dossier_jws_get_header_string (jws, "typ"), "statuslist+jwt") == 0)
    remember (self, dossier_json_get_string (claims, "sub"), contents, length);
  else if (has_type (credential, "BitstringStatusListCredential"))
    remember (self, dossier_json_get_string (credential, "id") ?: dossier_json_get_string (claims, "jti"), contents, length);
}

/* A file naming several key pairs, each an object with publicKeyMultibase
 * (as the Data Integrity test vectors give them); NULL when it holds none. */
static GPtrArray *
key_pairs_of (JsonObject *object)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member) && keys->len < MAX_KEY_PAIRS)
    {
      const char *multibase = JSON_NODE_HOLDS_OBJECT (member)
                              ? dossier_json_get_string (json_node_get_object (member), "publicKeyMultibase") : NULL;
      DossierJwk *key = multibase != NULL ? dossier_multikey_to_jwk (multibase, NULL, NULL) : NULL;

      if (key != NULL)
        g_ptr_array_add (keys, key);
    }
  return keys->len > 0 ? g_steal_pointer (&keys) : NULL;
}

static GPtrArray *
unbound_copies (GPtrArray *keys)
{
  GPtrArray *copies = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < keys->len; i++)
    {
      DossierJwk *copy = dossier_jwk_new_from_json (dossier_jwk_get_json (g_ptr_array_index (keys, i)), NULL);

      if (copy != NULL)
        g_ptr_array_add (copies, copy);
    }
  g_ptr_array_unref (keys);
  return copies;
}

/* The keys of a trust file: a JWK or JWK Set, a DID document, a Multikey
 * (or key pair) with publicKeyMultibase, or an object of named key pairs.  A status list given
 * here holds no key; it is kept to answer for its id. */
static GPtrArray *
keys_of_document (DossierTrustRegistry *self,
                  const char           *contents,
                  gsize                 length)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *multibase, *id;
  gsize trimmed = length;
  GPtrArray *keys;
  g_autoptr(GBytes) bytes = g_bytes_new_static (contents, length);
  g_autofree char *cwt_subject = dossier_status_list_cwt_subject (bytes);

  /* a status list token in CWT form answers for its "sub" */
  if (cwt_subject != NULL)
    {
      remember (self, cwt_subject, contents, length);
      return NULL;
    }
  while (trimmed > 0 && g_ascii_isspace (contents[trimmed - 1]))
    trimmed--;
  if (dossier_jws_looks_compact (contents, trimmed))
    {
      remember_jwt (self, contents, trimmed);
      return NULL;
    }
  root = dossier_json_parse (contents, length);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  id = dossier_json_get_string (object, "id");
  multibase = dossier_json_get_string (object, "publicKeyMultibase");
  if (object != NULL && json_object_has_member (object, "verificationMethod"))
    {
      if (id != NULL && g_str_has_prefix (id, "did:web:"))
        {
          g_autofree char *url = dossier_did_web_url (id, NULL);

          remember (self, url, contents, length);
        }
      keys = dossier_did_document_keys (object, NULL);
      /* a did:key is its key and names no one else: trusting its document
       * is trusting the bare key, for whichever issuer names it its own */
      if (keys != NULL && id != NULL && g_str_has_prefix (id, "did:key:"))
        return unbound_copies (keys);
      return keys;
    }
  if (multibase != NULL)
    {
      DossierJwk *key = dossier_multikey_to_jwk (multibase, id, NULL);

      keys = g_ptr_array_new_with_free_func (g_object_unref);
      if (key != NULL && dossier_json_get_string (object, "controller") != NULL)
        dossier_jwk_add_issuer (key, dossier_json_get_string (object, "controller"));
      if (key != NULL)
        g_ptr_array_add (keys, key);
      return keys;
    }
  if (has_type (object, "BitstringStatusListCredential"))
    {
      remember (self, id, contents, length);
      return NULL;
    }
  if (object != NULL && !json_object_has_member (object, "keys") && !json_object_has_member (object, "kty"))
    {
      GPtrArray *pairs = key_pairs_of (object);

      if (pairs != NULL)
        return pairs;
    }
  return dossier_jwk_parse_set (contents, length, NULL);
}

/* A file that cannot be read is an error; one that can be read but holds no
 * usable key still becomes an anchor, with no keys, so that what it was
 * meant to vouch for reports "no trusted key" rather than vanishing. */
static Anchor *
new_anchor (DossierTrustRegistry *self,
            const char           *name,
            const char           *path,
            const char           *contents,
            gsize                 length)
{
  Anchor *anchor;
  GPtrArray *keys = NULL;
  GPtrArray *certificates = NULL;

  if (length <= MAX_ANCHOR_FILE && g_strstr_len (contents, (gssize) length, "-----BEGIN CERTIFICATE-----") != NULL)
    certificates = dossier_certificate_parse_pem (contents, length, NULL);
  else if (dossier_dsc_list_detect (contents, length))
    {
      g_autoptr(GPtrArray) refused = NULL;

      certificates = dossier_dsc_list_parse (contents, length, &refused, NULL);
      for (guint i = 0; refused != NULL && i < refused->len; i++)
        g_ptr_array_add (self->warnings, g_strdup_printf ("%s: %s", name, (const char *) g_ptr_array_index (refused, i)));
    }
  else if (length <= MAX_ANCHOR_FILE)
    keys = keys_of_document (self, contents, length);

  anchor = g_new0 (Anchor, 1);
  anchor->name = g_strdup (name);
  anchor->source = g_strdup (path);
  anchor->published_root = path != NULL ? published_root_of (path) : NULL;
  anchor->keys = keys != NULL ? keys : g_ptr_array_new_with_free_func (g_object_unref);
  if (path != NULL)
    bind_issuers (anchor->keys, path);
  anchor->certificates = certificates != NULL ? certificates : g_ptr_array_new_with_free_func (g_object_unref);
  /* a DSC from a list is named after its country and subject */
  for (guint i = 0; i < anchor->certificates->len; i++)
    if (g_object_get_data (g_ptr_array_index (anchor->certificates, i), "dossier-anchor") == NULL)
      g_object_set_data_full (g_ptr_array_index (anchor->certificates, i), "dossier-anchor", g_strdup (name), g_free);
  for (guint i = 0; i < anchor->keys->len; i++)
    g_object_set_data_full (g_ptr_array_index (anchor->keys, i), "dossier-anchor", g_strdup (name), g_free);
  return anchor;
}

static void
add_data (DossierTrustRegistry *self,
          const char           *name,
          const char           *path,
          const char           *contents,
          gsize                 length)
{
  g_ptr_array_add (self->anchors, new_anchor (self, name, path, contents, length));
}

/* An anchor fetched from @url at @fetched: the URL is its source. */
static Anchor *
new_fetched_anchor (DossierTrustRegistry *self,
                    const char           *name,
                    const char           *url,
                    GBytes               *material,
                    GDateTime            *fetched)
{
  gsize length;
  const char *data = g_bytes_get_data (material, &length);
  Anchor *anchor = new_anchor (self, name, NULL, data, length);

  anchor->source = g_strdup (url);
  anchor->material = g_bytes_ref (material);
  anchor->fetched = g_date_time_ref (fetched);
  return anchor;
}

static gboolean
add_file (DossierTrustRegistry  *self,
          const char            *path,
          GError               **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  add_data (self, path, path, contents, length);
  return TRUE;
}

/* Marks the keys and certificates of @anchor with the kind of records
 * they may vouch for, as data "dossier-anchor-scope" (see
 * dossier-scoped-keys.c); "all" is not marked. */
static void
tag_scope (Anchor     *anchor,
           const char *scope)
{
  if (scope == NULL || g_str_equal (scope, "all"))
    return;
  for (guint i = 0; i < anchor->keys->len; i++)
    g_object_set_data_full (g_ptr_array_index (anchor->keys, i), "dossier-anchor-scope", g_strdup (scope), g_free);
  for (guint i = 0; i < anchor->certificates->len; i++)
    g_object_set_data_full (g_ptr_array_index (anchor->certificates, i), "dossier-anchor-scope", g_strdup (scope), g_free);
}

/* Adds an anchor kept in the vault. */
void
dossier_trust_registry_add_anchor (DossierTrustRegistry *self,
                                   DossierTrustAnchor   *anchor)
{
  gsize length;
  const char *data;

  g_return_if_fail (DOSSIER_IS_TRUST_REGISTRY (self));
  g_return_if_fail (DOSSIER_IS_TRUST_ANCHOR (anchor));

  if (dossier_trust_anchor_get_fetched (anchor) != NULL && dossier_trust_anchor_get_source (anchor) != NULL)
    g_ptr_array_add (self->anchors,
                     new_fetched_anchor (self, dossier_trust_anchor_get_name (anchor), dossier_trust_anchor_get_source (anchor),
                                         dossier_trust_anchor_get_material (anchor), dossier_trust_anchor_get_fetched (anchor)));
  else
    {
      data = g_bytes_get_data (dossier_trust_anchor_get_material (anchor), &length);
      add_data (self, dossier_trust_anchor_get_name (anchor), NULL, data, length);
    }
  tag_scope (g_ptr_array_index (self->anchors, self->anchors->len - 1), dossier_trust_anchor_get_scope (anchor));
}

/* Forgets every anchor and every document held or fetched, as when the
 * vault whose anchors these were is locked. */
void
dossier_trust_registry_clear (DossierTrustRegistry *self)
{
  g_return_if_fail (DOSSIER_IS_TRUST_REGISTRY (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->anchors, 0);
  g_hash_table_remove_all (self->documents);
  g_hash_table_remove_all (self->fetched);
  g_hash_table_remove_all (self->unreachable);
  g_mutex_unlock (&self->lock);
}

/* Adds the anchors in @path: a key file, or a folder of them (its
 * .well-known/jwks.json included). */
gboolean
dossier_trust_registry_add_path (DossierTrustRegistry  *self,
                                 const char            *path,
                                 GError               **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint seen = 0;

  g_return_val_if_fail (DOSSIER_IS_TRUST_REGISTRY (self), FALSE);

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return add_file (self, path, error);

  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL && seen++ < MAX_FOLDER_ENTRIES)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_REGULAR) &&
          !g_str_equal (name, "issuers.json") &&
          (g_str_has_suffix (name, ".json") || g_str_has_suffix (name, ".jwks") ||
           g_str_has_suffix (name, ".pem") || g_str_has_suffix (name, ".crt") || g_str_has_suffix (name, ".cwt")) &&
          !add_file (self, child, error))
        return FALSE;
    }
  {
    g_autofree char *published = g_build_filename (path, ".well-known", "jwks.json", NULL);

    if (g_file_test (published, G_FILE_TEST_IS_REGULAR))
      return add_file (self, published, error);
  }
  return TRUE;
}

/* Whether @uri names a document on the web rather than a file. */
gboolean
dossier_trust_registry_is_url (const char *uri)
{
  return g_str_has_prefix (uri, "https://") || g_str_has_prefix (uri, "http://");
}

static Anchor *
find_fetched (DossierTrustRegistry *self,
              const char           *url)
{
  for (guint i = 0; i < self->anchors->len; i++)
    {
      Anchor *anchor = g_ptr_array_index (self->anchors, i);

      if (anchor->fetched != NULL && g_strcmp0 (anchor->source, url) == 0)
        return anchor;
    }
  return NULL;
}

/* Fetches @url and checks that it holds a key or certificate. */
static GBytes *
fetch_material (DossierTrustRegistry  *self,
                const char            *url,
                GError               **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DossierTrustRegistry) check = NULL;
  Anchor *anchor;
  gsize length;
  const char *data;

  if (self->anchor_net == NULL)
    {
      g_main_context_push_thread_default (self->context);
      self->anchor_net = dossier_net_session_new ();
      g_main_context_pop_thread_default (self->context);
      /* plain http reaches this machine only: services run for tests and demos */
      dossier_net_session_set_allow_http (self->anchor_net, TRUE);
      dossier_net_session_set_timeout (self->anchor_net, ANCHOR_FETCH_TIMEOUT);
    }
  bytes = fetch (self, self->anchor_net, url, DOSSIER_DSC_LIST_MAX_SIZE, error);
  if (bytes == NULL)
    return NULL;
  check = dossier_trust_registry_new ();
  data = g_bytes_get_data (bytes, &length);
  anchor = new_anchor (check, url, NULL, data, length);
  g_ptr_array_add (check->anchors, anchor);
  if (anchor->keys->len == 0 && anchor->certificates->len == 0)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                   _("%s holds no key or certificate Dossier can use"), url);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

/* A trust anchor for the key set, DID document or certificates at @url,
 * named after it, with the time it was fetched.  Unless @refresh, a copy
 * this registry already fetched is used again. */
DossierTrustAnchor *
dossier_trust_registry_fetch_anchor (DossierTrustRegistry  *self,
                                     const char            *url,
                                     gboolean               refresh,
                                     GError               **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GBytes) material = NULL;
  g_autoptr(GDateTime) now = NULL;
  DossierTrustAnchor *anchor;
  Anchor *cached;

  g_return_val_if_fail (DOSSIER_IS_TRUST_REGISTRY (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  cached = find_fetched (self, url);
  if (cached != NULL && !refresh)
    {
      anchor = dossier_trust_anchor_new (url, url, NULL, cached->material);
      dossier_trust_anchor_set_fetched (anchor, cached->material, cached->fetched);
      return anchor;
    }
  if ((material = fetch_material (self, url, error)) == NULL)
    return NULL;
  now = g_date_time_new_now_utc ();
  anchor = dossier_trust_anchor_new (url, url, NULL, material);
  dossier_trust_anchor_set_fetched (anchor, material, now);
  return anchor;
}

/* Trusts the keys at @url for as long as the registry lives. */
gboolean
dossier_trust_registry_add_url (DossierTrustRegistry  *self,
                                const char            *url,
                                GError               **error)
{
  g_autoptr(DossierTrustAnchor) anchor = NULL;

  g_return_val_if_fail (DOSSIER_IS_TRUST_REGISTRY (self), FALSE);

  if (find_fetched (self, url) != NULL)
    return TRUE;
  anchor = dossier_trust_registry_fetch_anchor (self, url, FALSE, error);
  if (anchor == NULL)
    return FALSE;
  dossier_trust_registry_add_anchor (self, anchor);
  return TRUE;
}

/* Fetches the anchors that came from URLs again (only those from @url
 * when it is not NULL) and trusts what they hold now instead.  An anchor
 * that cannot be fetched keeps its earlier keys, and the first such
 * failure is reported. */
gboolean
dossier_trust_registry_refresh (DossierTrustRegistry  *self,
                                const char            *url,
                                GError               **error)
{
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (DOSSIER_IS_TRUST_REGISTRY (self), FALSE);

  locker = g_mutex_locker_new (&self->lock);
  for (guint i = 0; i < self->anchors->len; i++)
    {
      Anchor *anchor = g_ptr_array_index (self->anchors, i);
      g_autoptr(GBytes) material = NULL;
      g_autoptr(GDateTime) now = NULL;
      g_autoptr(GError) local_error = NULL;

      if (anchor->fetched == NULL || (url != NULL && g_strcmp0 (anchor->source, url) != 0))
        continue;
      material = fetch_material (self, anchor->source, &local_error);
      if (material == NULL)
        {
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
          continue;
        }
      now = g_date_time_new_now_utc ();
      self->anchors->pdata[i] = new_fetched_anchor (self, anchor->name, anchor->source, material, now);
      anchor_free (anchor);
    }
  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}

/* When the anchor from @url was fetched, or NULL when no anchor came
 * from there. */
GDateTime *
dossier_trust_registry_get_fetched (DossierTrustRegistry *self,
                                    const char           *url)
{
  Anchor *anchor;

  g_return_val_if_fail (DOSSIER_IS_TRUST_REGISTRY (self), NULL);

  anchor = find_fetched (self, url);
  return anchor != NULL ? anchor->fetched : NULL;
}

/* The entries of the anchors added so far that were refused, such as a
 * DSC whose key id is not the one its list gives, as messages. */
GPtrArray *
dossier_trust_registry_get_warnings (DossierTrustRegistry *self)
{
  g_return_val_if_fail (DOSSIER_IS_TRUST_REGISTRY (self), NULL);
  return self->warnings;
}
