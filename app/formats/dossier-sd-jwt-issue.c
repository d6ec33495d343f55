// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-sd-jwt.h"
#include "dossier-sd-jwt-private.h"

#include "dossier-base64.h"
#include "dossier-format-error.h"
#include "dossier-json.h"
#include "dossier-jws.h"

#include <glib/gi18n-lib.h>
#include <openssl/rand.h>
#include <string.h>

/* Issuance and presentation.  Claims to conceal are named by JSON Pointer
 * (RFC 6901): "/address/street" is a member of a nested object,
 * "/nationalities/1" an array element. */

#define SALT_BYTES 16

typedef struct
{
  GHashTable *wanted;        /* JSON Pointer -> whether it was found */
  GPtrArray  *disclosures;   /* encoded disclosures, in order of creation */
  guint       decoys;
} Issuance;

static char *
pointer_append (const char *path,
                const char *name)
{
  g_autoptr(GString) escaped = g_string_new (NULL);

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '~')
        g_string_append (escaped, "~0");
      else if (*p == '/')
        g_string_append (escaped, "~1");
      else
        g_string_append_c (escaped, *p);
    }
  return g_strconcat (path, "/", escaped->str, NULL);
}

static char *
random_b64 (gsize size)
{
  guint8 bytes[32];

  g_assert (size <= sizeof bytes);
  if (RAND_bytes (bytes, (int) size) != 1)
    g_error ("The system's random number generator failed");
  return dossier_base64url_encode (bytes, size);
}

static char *
node_to_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* Makes the disclosure [salt, name, value] (or [salt, value] for an array
 * element when @name is NULL) and returns its digest. */
static char *
add_disclosure (Issuance   *issuance,
                const char *name,
                JsonNode   *value)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *salt = random_b64 (SALT_BYTES);
  g_autofree char *text = NULL;
  char *encoded;

  json_array_add_string_element (array, salt);
  if (name != NULL)
    json_array_add_string_element (array, name);
  json_array_add_element (array, json_node_copy (value));
  node = json_node_init_array (json_node_alloc (), array);
  text = node_to_text (node);
  encoded = dossier_base64url_encode (text, strlen (text));
  g_ptr_array_add (issuance->disclosures, encoded);
  return dossier_sd_jwt_sha256_b64 (encoded, strlen (encoded));
}

static gboolean
take_wanted (Issuance   *issuance,
             const char *path)
{
  if (!g_hash_table_contains (issuance->wanted, path))
    return FALSE;
  g_hash_table_insert (issuance->wanted, g_strdup (path), GINT_TO_POINTER (TRUE));
  return TRUE;
}

static JsonNode *conceal_node (Issuance *issuance, JsonNode *node, const char *path, guint depth, GError **error);

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static JsonNode *
conceal_object (Issuance    *issuance,
                JsonObject  *object,
                const char  *path,
                guint        depth,
                GError     **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func (g_free);
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      g_autofree char *child = pointer_append (path, name);
      g_autoptr(JsonNode) value = NULL;

      if (g_str_equal (name, "_sd") || g_str_equal (name, "...") || g_str_equal (name, "_sd_alg"))
        {
          g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE,
                       _("The claim name “%s” is reserved by SD-JWT"), name);
          return NULL;
        }
      if ((value = conceal_node (issuance, member, child, depth + 1, error)) == NULL)
        return NULL;
      if (take_wanted (issuance, child))
        g_ptr_array_add (digests, add_disclosure (issuance, name, value));
      else
        json_object_set_member (out, name, g_steal_pointer (&value));
    }
  if (digests->len > 0)
    {
      JsonArray *sd = json_array_new ();

      for (guint i = 0; i < issuance->decoys; i++)
        {
          g_autofree char *decoy = random_b64 (SALT_BYTES);

          g_ptr_array_add (digests, dossier_sd_jwt_sha256_b64 (decoy, strlen (decoy)));
        }
      /* sorted, so that the order says nothing about the claims */
      g_ptr_array_sort (digests, compare_strings);
      for (guint i = 0; i < digests->len; i++)
        json_array_add_string_element (sd, g_ptr_array_index (digests, i));
      json_object_set_array_member (out, "_sd", sd);
    }
  return json_node_init_object (json_node_alloc (), out);
}

static JsonNode *
conceal_node (Issuance    *issuance,
              JsonNode    *node,
              const char  *path,
              guint        depth,
              GError     **error)
{
  if (depth > DOSSIER_SD_JWT_MAX_DEPTH || issuance->disclosures->len > DOSSIER_SD_JWT_MAX_DISCLOSURES)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                           _("The claims nest too deeply or hold too many disclosures"));
      return NULL;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    return conceal_object (issuance, json_node_get_object (node), path, depth, error);
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(JsonArray) out = json_array_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *index = g_strdup_printf ("%u", i);
          g_autofree char *child = pointer_append (path, index);
          g_autoptr(JsonNode) value = conceal_node (issuance, json_array_get_element (array, i), child, depth + 1, error);

          if (value == NULL)
            return NULL;
          if (take_wanted (issuance, child))
            {
              g_autofree char *digest = add_disclosure (issuance, NULL, value);
              JsonObject *reference = json_object_new ();

              json_object_set_string_member (reference, "...", digest);
              json_array_add_object_element (out, reference);
            }
          else
            json_array_add_element (out, g_steal_pointer (&value));
        }
      /* the node takes its own reference to the array */
      return json_node_init_array (json_node_alloc (), out);
    }
  return json_node_copy (node);
}

static char *
sign_jwt (JsonObject  *header,
          JsonObject  *payload,
          const char  *alg,
          EVP_PKEY    *key,
          GError     **error)
{
  g_autoptr(JsonNode) header_node = json_node_init_object (json_node_alloc (), header);
  g_autoptr(JsonNode) payload_node = json_node_init_object (json_node_alloc (), payload);
  g_autofree char *header_json = node_to_text (header_node);
  g_autofree char *payload_json = node_to_text (payload_node);
  g_autofree char *header_b64 = dossier_base64url_encode (header_json, strlen (header_json));
  g_autofree char *payload_b64 = dossier_base64url_encode (payload_json, strlen (payload_json));
  g_autofree char *input = g_strconcat (header_b64, ".", payload_b64, NULL);
  g_autoptr(GBytes) signature = dossier_crypto_sign (alg, key, input, strlen (input), error);
  g_autofree char *signature_b64 = NULL;

  if (signature == NULL)
    return NULL;
  signature_b64 = dossier_base64url_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  return g_strconcat (input, ".", signature_b64, NULL);
}

/* Claims SD-JWT VC keeps in the clear, because verifiers need them before
 * anything is disclosed. */
static gboolean
may_conceal (const char *pointer)
{
  static const char * const visible[] = { "/iss", "/nbf", "/exp", "/iat", "/cnf", "/vct", "/vct#integrity", "/status", NULL };

  return *pointer == '/' && !g_strv_contains (visible, pointer);
}

/* Issues an SD-JWT VC (typ "dc+sd-jwt") over @claims: the members named in
 * options->disclosable become disclosures, each object that gets digests
 * also gets options->decoys decoy digests, and options->holder_jwk, when
 * given, is bound as "cnf".  Returns "<JWT>~<disclosure>~...~". */
char *
dossier_sd_jwt_issue (JsonObject                     *claims,
                      const DossierSdJwtIssueOptions *options,
                      GError                        **error)
{
  Issuance issuance = { NULL };
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) disclosures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), claims);
  g_autoptr(JsonNode) concealed = NULL;
  g_autoptr(JsonObject) header = json_object_new ();
  g_autofree char *jwt = NULL;
  g_autoptr(GString) out = NULL;
  GHashTableIter iter;
  gpointer path, found;
  JsonObject *payload;

  g_return_val_if_fail (claims != NULL && options != NULL && options->key != NULL && options->alg != NULL, NULL);

  for (guint i = 0; options->disclosable != NULL && options->disclosable[i] != NULL; i++)
    {
      if (!may_conceal (options->disclosable[i]))
        {
          g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
                       _("The claim “%s” cannot be made selectively disclosable"), options->disclosable[i]);
          return NULL;
        }
      g_hash_table_insert (wanted, g_strdup (options->disclosable[i]), GINT_TO_POINTER (FALSE));
    }
  issuance.wanted = wanted;
  issuance.disclosures = disclosures;
  issuance.decoys = MIN (options->decoys, 64);
  if ((concealed = conceal_node (&issuance, root, "", 0, error)) == NULL)
    return NULL;
  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &path, &found))
    if (!GPOINTER_TO_INT (found))
      {
        g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_NOT_FOUND,
                     _("There is no claim at “%s” to make selectively disclosable"), (const char *) path);
        return NULL;
      }

  payload = json_node_get_object (concealed);
  json_object_set_string_member (payload, "_sd_alg", "sha-256");
  if (options->holder_jwk != NULL)
    {
      JsonObject *cnf = json_object_new ();

      json_object_set_object_member (cnf, "jwk", json_object_ref (options->holder_jwk));
      json_object_set_object_member (payload, "cnf", cnf);
    }
  json_object_set_string_member (header, "alg", options->alg);
  json_object_set_string_member (header, "typ", "dc+sd-jwt");
  if (options->kid != NULL)
    json_object_set_string_member (header, "kid", options->kid);
  if ((jwt = sign_jwt (header, payload, options->alg, options->key, error)) == NULL)
    return NULL;

  out = g_string_new (jwt);
  g_string_append_c (out, '~');
  for (guint i = 0; i < disclosures->len; i++)
    {
      g_string_append (out, g_ptr_array_index (disclosures, i));
      g_string_append_c (out, '~');
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct
{
  GHashTable *by_digest;   /* digest -> Disclosure */
  GHashTable *wanted;      /* JSON Pointer -> whether it was seen */
  GPtrArray  *chosen;      /* Disclosure, borrowed */
  GHashTable *visited;     /* Disclosure: each is walked once, however often it is referenced */
} Selection;

static gboolean select_node (Selection *selection, JsonNode *node, const char *path, guint depth);

/* Chooses the disclosure of the claim at @path when it is wanted or when
 * something below it is: a nested claim is only readable with its parents. */
static gboolean
select_disclosed (Selection  *selection,
                  Disclosure *disclosure,
                  const char *path,
                  guint       depth)
{
  JsonNode *value = json_array_get_element (disclosure->array, json_array_get_length (disclosure->array) - 1);
  gboolean below, wanted;

  if (!g_hash_table_add (selection->visited, disclosure))
    return disclosure->used;
  below = select_node (selection, value, path, depth + 1);
  wanted = g_hash_table_contains (selection->wanted, path);

  if (wanted)
    g_hash_table_insert (selection->wanted, g_strdup (path), GINT_TO_POINTER (TRUE));
  if ((below || wanted) && !disclosure->used)
    {
      disclosure->used = TRUE;
      g_ptr_array_add (selection->chosen, disclosure);
    }
  return below || wanted;
}

static gboolean
select_node (Selection  *selection,
             JsonNode   *node,
             const char *path,
             guint       depth)
{
  gboolean any = FALSE;

  if (depth > DOSSIER_SD_JWT_MAX_DEPTH)
    return FALSE;
  if (g_hash_table_contains (selection->wanted, path))
    g_hash_table_insert (selection->wanted, g_strdup (path), GINT_TO_POINTER (TRUE));
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonArray *sd = dossier_json_get_array (object, "_sd");
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        if (!g_str_equal (name, "_sd"))
          {
            g_autofree char *child = pointer_append (path, name);

            any |= select_node (selection, member, child, depth + 1);
          }
      for (guint i = 0; sd != NULL && i < json_array_get_length (sd); i++)
        {
          JsonNode *item = json_array_get_element (sd, i);
          Disclosure *disclosure = JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING
                                   ? g_hash_table_lookup (selection->by_digest, json_node_get_string (item)) : NULL;
          g_autofree char *child = NULL;

          if (disclosure == NULL || json_array_get_length (disclosure->array) != 3 ||
              json_node_get_value_type (json_array_get_element (disclosure->array, 1)) != G_TYPE_STRING)
            continue;
          child = pointer_append (path, json_array_get_string_element (disclosure->array, 1));
          any |= select_disclosed (selection, disclosure, child, depth);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
          const char *digest = object != NULL && json_object_get_size (object) == 1 ? dossier_json_get_string (object, "...") : NULL;
          Disclosure *disclosure = digest != NULL ? g_hash_table_lookup (selection->by_digest, digest) : NULL;
          g_autofree char *index = g_strdup_printf ("%u", i);
          g_autofree char *child = pointer_append (path, index);

          if (disclosure != NULL && json_array_get_length (disclosure->array) == 2)
            any |= select_disclosed (selection, disclosure, child, depth);
          else
            any |= select_node (selection, item, child, depth + 1);
        }
    }
  return any;
}

static char *
key_binding_jwt (const char  *presented,
                 const char  *audience,
                 const char  *nonce,
                 gint64       issued_at,
                 const char  *alg,
                 EVP_PKEY    *holder_key,
                 GError     **error)
{
  g_autoptr(JsonObject) header = json_object_new ();
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autofree char *hash = dossier_sd_jwt_sha256_b64 (presented, strlen (presented));

  json_object_set_string_member (header, "alg", alg);
  json_object_set_string_member (header, "typ", "kb+jwt");
  json_object_set_int_member (payload, "iat", issued_at);
  json_object_set_string_member (payload, "aud", audience);
  json_object_set_string_member (payload, "nonce", nonce);
  json_object_set_string_member (payload, "sd_hash", hash);
  return sign_jwt (header, payload, alg, holder_key, error);
}

static GPtrArray *
parse_issued_disclosures (char      **parts,
                          guint       n,
                          GError    **error)
{
  g_autoptr(GPtrArray) disclosures = g_ptr_array_new_with_free_func ((GDestroyNotify) dossier_sd_jwt_disclosure_free);

  for (guint i = 1; i < n; i++)
    {
      g_autoptr(GBytes) decoded = NULL;
      g_autoptr(JsonNode) node = NULL;
      Disclosure *disclosure;

      if (*parts[i] == '\0')
        continue;
      decoded = dossier_base64url_decode (parts[i], -1, NULL);
      node = dossier_sd_jwt_parse_json_bytes (decoded);
      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
          json_array_get_length (json_node_get_array (node)) < 2 || json_array_get_length (json_node_get_array (node)) > 3)
        {
          g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                       _("Disclosure %u is not a JSON array of 2 or 3 items"), i);
          return NULL;
        }
      disclosure = g_new0 (Disclosure, 1);
      disclosure->encoded = parts[i];
      dossier_sd_jwt_sha256_b64_to (parts[i], strlen (parts[i]), disclosure->digest);
      disclosure->array = json_array_ref (json_node_get_array (node));
      g_ptr_array_add (disclosures, disclosure);
    }
  return g_steal_pointer (&disclosures);
}

/* The holder's side: from the issued SD-JWT @issued, keeps the disclosures
 * of the claims at the JSON Pointers @disclose (and of the objects that
 * hold them) and, when @holder_key is given, appends a key-binding JWT for
 * @audience and @nonce signed with it.  Without a key the presentation
 * ends with "~". */
char *
dossier_sd_jwt_present (const char          *issued,
                        const char * const  *disclose,
                        const char          *audience,
                        const char          *nonce,
                        gint64               issued_at,
                        const char          *alg,
                        EVP_PKEY            *holder_key,
                        GError             **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(DossierJws) jws = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) disclosures = NULL;
  g_autoptr(GHashTable) by_digest = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();
  g_autoptr(GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr(GString) out = NULL;
  g_autofree char *kb = NULL;
  Selection selection = { by_digest, wanted, chosen, visited };
  GHashTableIter iter;
  gpointer path, seen;
  guint n;

  g_return_val_if_fail (issued != NULL, NULL);
  g_return_val_if_fail (holder_key == NULL || (audience != NULL && nonce != NULL && alg != NULL), NULL);

  if (strlen (issued) > DOSSIER_JWS_MAX_SIZE || !dossier_sd_jwt_detect (issued, strlen (issued)))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("Not an SD-JWT: it must be a JWT followed by “~”"));
      return NULL;
    }
  parts = g_strsplit (issued, "~", DOSSIER_SD_JWT_MAX_DISCLOSURES + 3);
  n = g_strv_length (parts);
  if (*parts[n - 1] != '\0')
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The SD-JWT already ends with a key binding"));
      return NULL;
    }
  if ((jws = dossier_jws_parse (parts[0], strlen (parts[0]), error)) == NULL ||
      (disclosures = parse_issued_disclosures (parts, n, error)) == NULL)
    return NULL;
  root = dossier_sd_jwt_parse_json_bytes (dossier_jws_get_payload (jws));
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The issuer’s payload is not a JSON object"));
      return NULL;
    }
  for (guint i = 0; i < disclosures->len; i++)
    g_hash_table_insert (by_digest, ((Disclosure *) g_ptr_array_index (disclosures, i))->digest,
                         g_ptr_array_index (disclosures, i));
  for (guint i = 0; disclose != NULL && disclose[i] != NULL; i++)
    g_hash_table_insert (wanted, g_strdup (disclose[i]), GINT_TO_POINTER (FALSE));
  select_node (&selection, root, "", 0);
  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &path, &seen))
    if (!GPOINTER_TO_INT (seen))
      {
        g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_NOT_FOUND,
                     _("The credential holds no claim at “%s”"), (const char *) path);
        return NULL;
      }

  out = g_string_new (parts[0]);
  g_string_append_c (out, '~');
  for (guint i = 0; i < chosen->len; i++)
    {
      g_string_append (out, ((Disclosure *) g_ptr_array_index (chosen, i))->encoded);
      g_string_append_c (out, '~');
    }
  if (holder_key != NULL)
    {
      if ((kb = key_binding_jwt (out->str, audience, nonce, issued_at, alg, holder_key, error)) == NULL)
        return NULL;
      g_string_append (out, kb);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
