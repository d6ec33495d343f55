// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-sd-jwt.h"
#include "dossier-sd-jwt-private.h"

#include "dossier-base64.h"
#include "dossier-credential.h"
#include "dossier-format-error.h"
#include "dossier-issuer-key.h"
#include "dossier-json.h"
#include "dossier-json-scan.h"
#include "dossier-jws.h"
#include "dossier-status-list.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Selective Disclosure JWT (draft-ietf-oauth-selective-disclosure-jwt) and
 * SD-JWT VC: "<issuer JWT>~<disclosure>~...~[<key binding JWT>]".  The
 * issuer signs digests; each disclosure reveals one claim and must match
 * exactly one digest; a key-binding JWT proves the holder presented it. */

#define CLOCK_SKEW_SECONDS 60

void
dossier_sd_jwt_disclosure_free (Disclosure *disclosure)
{
  g_clear_pointer (&disclosure->array, json_array_unref);
  g_clear_pointer (&disclosure->scan, dossier_json_scan_free);
  g_clear_pointer (&disclosure->decoded, g_bytes_unref);
  g_free (disclosure);
}

gboolean
dossier_sd_jwt_detect (const char *text,
                       gsize       length)
{
  const char *tilde = memchr (text, '~', length);

  return tilde != NULL && dossier_jws_looks_compact (text, (gsize) (tilde - text));
}

void
dossier_sd_jwt_sha256_b64_to (const char *text,
               gsize       length,
               char       *out)
{
  guint8 digest[32];

  /* OpenSSL's SHA-256 uses the CPU's SHA instructions; GChecksum's does not */
  dossier_crypto_sha256 (text, length, digest);
  dossier_base64url_encode_to (digest, sizeof digest, out);
}

char *
dossier_sd_jwt_sha256_b64 (const char *text,
            gsize       length)
{
  char *out = g_malloc (DOSSIER_BASE64URL_ENCODED_SIZE (32));

  dossier_sd_jwt_sha256_b64_to (text, length, out);
  return out;
}

/* Splits @text at "~" in place, as g_strsplit (@text, "~", @max) would
 * (the last part keeps any "~" beyond @max parts); returns the parts,
 * NULL-terminated, which point into @text. */
static char **
split_at_tildes (char  *text,
                 guint  max,
                 guint *n_parts)
{
  guint count = 1, n = 0;
  char **parts;
  char *p;

  for (p = text; count < max && (p = strchr (p, '~')) != NULL; p++)
    count++;
  parts = g_new (char *, count + 1);
  parts[n++] = p = text;
  while (n < count && (p = strchr (p, '~')) != NULL)
    {
      *p++ = '\0';
      parts[n++] = p;
    }
  parts[n] = NULL;
  *n_parts = n;
  return parts;
}

JsonNode *
dossier_sd_jwt_parse_json_bytes (GBytes *bytes)
{
  if (bytes == NULL)
    return NULL;
  return dossier_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A digest's hash: its first characters, which are already the base64url
 * of a hash; any other text looked up gets some hash all the same. */
static guint
digest_hash (gconstpointer key)
{
  const guchar *digest = key;
  guint hash = 0;

  for (guint i = 0; i < 6 && digest[i] != '\0'; i++)
    hash = (hash << 5) ^ (hash >> 27) ^ digest[i];
  return hash;
}

/* Disclosures by digest; of two alike, the first. */
static GHashTable *
index_disclosures (GPtrArray *disclosures)
{
  GHashTable *by_digest = g_hash_table_new (digest_hash, g_str_equal);

  for (guint i = 0; i < disclosures->len; i++)
    {
      Disclosure *disclosure = g_ptr_array_index (disclosures, i);

      if (!g_hash_table_contains (by_digest, disclosure->digest))
        g_hash_table_insert (by_digest, disclosure->digest, disclosure);
    }
  return by_digest;
}

static Disclosure *
find_disclosure (GHashTable *disclosures,
                 const char *digest)
{
  return digest != NULL ? g_hash_table_lookup (disclosures, digest) : NULL;
}

static JsonNode *unfold_node (JsonNode *node, GHashTable *disclosures, guint depth, GError **error);

static gboolean
use_disclosure (Disclosure  *disclosure,
                GError     **error)
{
  if (disclosure->used)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("A disclosure is referenced twice"));
      return FALSE;
    }
  disclosure->used = TRUE;
  return TRUE;
}

/* Replaces the digests of @object by the claims their disclosures reveal. */
static JsonNode *
unfold_object (JsonObject  *object,
               GHashTable  *disclosures,
               guint        depth,
               GError     **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  JsonNode *sd = json_object_get_member (object, "_sd");

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      JsonNode *value;

      if (g_str_equal (name, "_sd") || g_str_equal (name, "_sd_alg"))
        continue;
      if ((value = unfold_node (member, disclosures, depth + 1, error)) == NULL)
        return NULL;
      json_object_set_member (out, name, value);
    }
  if (sd != NULL && !JSON_NODE_HOLDS_ARRAY (sd))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“_sd” is not a list of digests"));
      return NULL;
    }
  for (guint i = 0; sd != NULL && i < json_array_get_length (json_node_get_array (sd)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (sd), i);
      Disclosure *disclosure;
      const char *claim;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("A digest in “_sd” is not a string"));
          return NULL;
        }
      disclosure = find_disclosure (disclosures, json_node_get_string (item));
      if (disclosure == NULL)
        continue;   /* undisclosed, or a decoy */
      if (!use_disclosure (disclosure, error))
        return NULL;
      if (json_array_get_length (disclosure->array) != 3 ||
          json_node_get_value_type (json_array_get_element (disclosure->array, 1)) != G_TYPE_STRING)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("A disclosure for an object member must hold a salt, a name and a value"));
          return NULL;
        }
      claim = json_array_get_string_element (disclosure->array, 1);
      if (g_str_equal (claim, "_sd") || g_str_equal (claim, "...") || json_object_has_member (out, claim))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The disclosed claim “%s” is not allowed here"), claim);
          return NULL;
        }
      if ((value = unfold_node (json_array_get_element (disclosure->array, 2), disclosures, depth + 1, error)) == NULL)
        return NULL;
      json_object_set_member (out, claim, value);
    }
  return json_node_init_object (json_node_alloc (), out);
}

static JsonNode *
unfold_array (JsonArray  *array,
              GHashTable *disclosures,
              guint       depth,
              GError    **error)
{
  g_autoptr(JsonArray) out = json_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      JsonNode *value;

      if (object != NULL && json_object_get_size (object) == 1 && json_object_has_member (object, "..."))
        {
          const char *digest = json_object_get_string_member_with_default (object, "...", "");
          Disclosure *disclosure = find_disclosure (disclosures, digest);

          if (disclosure == NULL)
            continue;
          if (!use_disclosure (disclosure, error))
            return NULL;
          if (json_array_get_length (disclosure->array) != 2)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   _("A disclosure for a list element must hold a salt and a value"));
              return NULL;
            }
          item = json_array_get_element (disclosure->array, 1);
        }
      if ((value = unfold_node (item, disclosures, depth + 1, error)) == NULL)
        return NULL;
      json_array_add_element (out, value);
    }
  return json_node_init_array (json_node_alloc (), out);
}

static JsonNode *
unfold_node (JsonNode   *node,
             GHashTable *disclosures,
             guint       depth,
             GError    **error)
{
  if (depth > DOSSIER_SD_JWT_MAX_DEPTH)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The claims nest too deeply"));
      return NULL;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    return unfold_object (json_node_get_object (node), disclosures, depth, error);
  if (JSON_NODE_HOLDS_ARRAY (node))
    return unfold_array (json_node_get_array (node), disclosures, depth, error);
  return json_node_copy (node);
}

/* The same unfolding, checked on scans of the payload and disclosures
 * without building anything: the common case of a verification that only
 * needs the verdict.  UNFOLD_UNSURE when the scans hold something whose
 * reading by json-glib the walk does not mirror; then, as on any failure,
 * unfold_node() is run on trees, and its error is the one reported. */
typedef enum
{
  UNFOLD_OK,
  UNFOLD_FAILED,
  UNFOLD_UNSURE,
} UnfoldCheck;

static UnfoldCheck walk_value (DossierJsonScan *scan, guint value, GHashTable *disclosures, guint depth);

static Disclosure *
find_scanned_disclosure (GHashTable      *disclosures,
                         DossierJsonScan *scan,
                         guint            value)
{
  char digest[64];
  gsize length;
  const char *text = dossier_json_scan_get_text (scan, value, &length);

  /* every digest is 43 characters: a longer string matches none, and an
   * escape in a string decodes to no base64url character */
  if (text == NULL || length < 2 || length - 2 >= sizeof digest || memchr (text + 1, '\\', length - 2) != NULL)
    return NULL;
  memcpy (digest, text + 1, length - 2);
  digest[length - 2] = '\0';
  return g_hash_table_lookup (disclosures, digest);
}

/* Whether the member @name (decoded) is already a member of @object other
 * than "_sd" and "_sd_alg", or one of the claims disclosed before it. */
static gboolean
scanned_claim_taken (DossierJsonScan *scan,
                     guint            object,
                     const char      *name,
                     GPtrArray       *disclosed)
{
  if (!g_str_equal (name, "_sd") && !g_str_equal (name, "_sd_alg") &&
      dossier_json_scan_get_member (scan, object, name) != DOSSIER_JSON_SCAN_MISSING)
    return TRUE;
  for (guint i = 0; i < disclosed->len; i++)
    if (g_str_equal (g_ptr_array_index (disclosed, i), name))
      return TRUE;
  return FALSE;
}

static UnfoldCheck
walk_object (DossierJsonScan *scan,
             guint            object,
             GHashTable      *disclosures,
             guint            depth)
{
  g_autoptr(GPtrArray) disclosed = NULL;
  guint size = dossier_json_scan_get_size (scan, object);
  guint key = object + 1, sd = DOSSIER_JSON_SCAN_MISSING, item;
  UnfoldCheck check;

  for (guint i = 0; i < size; i++)
    {
      gsize length;
      const char *name = dossier_json_scan_get_text (scan, key, &length);

      if (length == 5 && memcmp (name, "\"_sd\"", 5) == 0)
        sd = key + 1;
      else if (!(length == 9 && memcmp (name, "\"_sd_alg\"", 9) == 0) &&
               (check = walk_value (scan, key + 1, disclosures, depth + 1)) != UNFOLD_OK)
        return check;
      key = dossier_json_scan_get_next (scan, key + 1);
    }
  if (sd == DOSSIER_JSON_SCAN_MISSING)
    return UNFOLD_OK;
  if (dossier_json_scan_get_kind (scan, sd) != DOSSIER_JSON_SCAN_ARRAY)
    return UNFOLD_FAILED;
  disclosed = g_ptr_array_new_with_free_func (g_free);
  item = sd + 1;
  for (guint i = 0; i < dossier_json_scan_get_size (scan, sd); i++, item = dossier_json_scan_get_next (scan, item))
    {
      Disclosure *disclosure;
      char *claim;

      if (dossier_json_scan_get_kind (scan, item) != DOSSIER_JSON_SCAN_STRING)
        return UNFOLD_FAILED;
      if ((disclosure = find_scanned_disclosure (disclosures, scan, item)) == NULL)
        continue;
      if (disclosure->used || dossier_json_scan_get_size (disclosure->scan, DOSSIER_JSON_SCAN_ROOT) != 3)
        return UNFOLD_FAILED;
      disclosure->used = TRUE;
      claim = dossier_json_scan_dup_string (disclosure->scan, dossier_json_scan_get_element (disclosure->scan, DOSSIER_JSON_SCAN_ROOT, 1));
      if (claim == NULL)
        return UNFOLD_FAILED;
      if (g_str_equal (claim, "_sd") || g_str_equal (claim, "...") || scanned_claim_taken (scan, object, claim, disclosed))
        {
          g_free (claim);
          return UNFOLD_FAILED;
        }
      g_ptr_array_add (disclosed, claim);
      check = walk_value (disclosure->scan, dossier_json_scan_get_element (disclosure->scan, DOSSIER_JSON_SCAN_ROOT, 2),
                          disclosures, depth + 1);
      if (check != UNFOLD_OK)
        return check;
    }
  return UNFOLD_OK;
}

static UnfoldCheck
walk_array (DossierJsonScan *scan,
            guint            array,
            GHashTable      *disclosures,
            guint            depth)
{
  guint item = array + 1;

  for (guint i = 0; i < dossier_json_scan_get_size (scan, array); i++, item = dossier_json_scan_get_next (scan, item))
    {
      guint reference = dossier_json_scan_get_size (scan, item) == 1 ? dossier_json_scan_get_member (scan, item, "...")
                                                                      : DOSSIER_JSON_SCAN_MISSING;
      UnfoldCheck check;

      if (reference != DOSSIER_JSON_SCAN_MISSING)
        {
          Disclosure *disclosure;

          if (dossier_json_scan_get_kind (scan, reference) != DOSSIER_JSON_SCAN_STRING)
            return UNFOLD_UNSURE;
          if ((disclosure = find_scanned_disclosure (disclosures, scan, reference)) == NULL)
            continue;
          if (disclosure->used || dossier_json_scan_get_size (disclosure->scan, DOSSIER_JSON_SCAN_ROOT) != 2)
            return UNFOLD_FAILED;
          disclosure->used = TRUE;
          check = walk_value (disclosure->scan, dossier_json_scan_get_element (disclosure->scan, DOSSIER_JSON_SCAN_ROOT, 1),
                              disclosures, depth + 1);
        }
      else
        check = walk_value (scan, item, disclosures, depth + 1);
      if (check != UNFOLD_OK)
        return check;
    }
  return UNFOLD_OK;
}

static UnfoldCheck
walk_value (DossierJsonScan *scan,
            guint            value,
            GHashTable      *disclosures,
            guint            depth)
{
  if (depth > DOSSIER_SD_JWT_MAX_DEPTH)
    return UNFOLD_FAILED;
  switch (dossier_json_scan_get_kind (scan, value))
    {
    case DOSSIER_JSON_SCAN_OBJECT:
      return walk_object (scan, value, disclosures, depth);
    case DOSSIER_JSON_SCAN_ARRAY:
      return walk_array (scan, value, disclosures, depth);
    default:
      return UNFOLD_OK;
    }
}

/* What the verification reads of the issuer's claims, from a scan or from
 * json-glib's tree alike. */
typedef struct
{
  char     *issuer;
  char     *schema;      /* the "schema" check's detail */
  gboolean  has_vct;
  gboolean  sd_alg_ok;
  gboolean  has_nbf;
  gboolean  has_exp;
  gint64    nbf;
  gint64    exp;
} IssuerClaims;

static void
issuer_claims_clear (IssuerClaims *claims)
{
  g_clear_pointer (&claims->issuer, g_free);
  g_clear_pointer (&claims->schema, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IssuerClaims, issuer_claims_clear)

static void
issuer_claims_from_tree (JsonObject   *claims,
                         IssuerClaims *out)
{
  out->issuer = g_strdup (json_object_get_string_member_with_default (claims, "iss", NULL));
  out->schema = g_strdup_printf ("%s", json_object_get_string_member_with_default (claims, "vct", _("SD-JWT")));
  out->has_vct = json_object_has_member (claims, "vct");
  out->sd_alg_ok = !json_object_has_member (claims, "_sd_alg") ||
                   g_strcmp0 (json_object_get_string_member_with_default (claims, "_sd_alg", ""), "sha-256") == 0;
  out->has_nbf = dossier_json_get_number (claims, "nbf", &out->nbf);
  out->has_exp = dossier_json_get_number (claims, "exp", &out->exp);
}

/* Whether @name of the scanned payload is missing or a string. */
static gboolean
scanned_optional_string (DossierJsonScan *scan,
                         const char      *name,
                         guint           *value)
{
  *value = dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, name);
  return *value == DOSSIER_JSON_SCAN_MISSING || dossier_json_scan_get_kind (scan, *value) == DOSSIER_JSON_SCAN_STRING;
}

/* FALSE when the claims hold what only the tree is read for: a status
 * entry, or a claim of another type than expected. */
static gboolean
issuer_claims_from_scan (DossierJsonScan *scan,
                         IssuerClaims    *out)
{
  guint iss, vct, sd_alg;

  if (dossier_json_scan_get_kind (scan, DOSSIER_JSON_SCAN_ROOT) != DOSSIER_JSON_SCAN_OBJECT ||
      !scanned_optional_string (scan, "iss", &iss) || !scanned_optional_string (scan, "vct", &vct) ||
      !scanned_optional_string (scan, "_sd_alg", &sd_alg) ||
      dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "status") != DOSSIER_JSON_SCAN_MISSING ||
      dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "credentialStatus") != DOSSIER_JSON_SCAN_MISSING)
    return FALSE;
  out->issuer = dossier_json_scan_dup_string (scan, iss);
  out->has_vct = vct != DOSSIER_JSON_SCAN_MISSING;
  out->schema = out->has_vct ? dossier_json_scan_dup_string (scan, vct) : g_strdup (_("SD-JWT"));
  out->sd_alg_ok = sd_alg == DOSSIER_JSON_SCAN_MISSING || dossier_json_scan_equal (scan, sd_alg, "sha-256");
  out->has_nbf = dossier_json_scan_get_integer (scan, dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "nbf"), &out->nbf);
  out->has_exp = dossier_json_scan_get_integer (scan, dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "exp"), &out->exp);
  return TRUE;
}

static gboolean
check_times (const IssuerClaims         *claims,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  gint64 now;

  if (options->at == NULL)
    return TRUE;
  now = g_date_time_to_unix (options->at);
  if (claims->has_nbf && claims->nbf > now + CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "not-yet-valid", "not-yet-valid", _("Not valid yet"));
  dossier_verification_check (result, "not-yet-valid", TRUE, _("Valid from before the time of checking"));
  if (claims->has_exp && claims->exp < now - CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "expired", "expired", _("Expired"));
  return dossier_verification_check (result, "expired", TRUE, _("Not expired"));
}

/* The holder's key-binding JWT: signed with the key the issuer bound
 * ("cnf"), over exactly this presentation ("sd_hash"). */
static gboolean
check_key_binding (const char                 *text,
                   gsize                       presented_length,
                   const char                 *kb,
                   JsonObject                 *claims,
                   const DossierVerifyOptions *options,
                   DossierVerification        *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierJws) jws = dossier_jws_parse (kb, strlen (kb), &error);
  g_autoptr(DossierJwk) holder = NULL;
  g_autoptr(JsonNode) kb_root = NULL;
  g_autofree char *expected_hash = NULL;
  JsonObject *cnf = json_object_get_member (claims, "cnf") != NULL && JSON_NODE_HOLDS_OBJECT (json_object_get_member (claims, "cnf"))
                    ? json_object_get_object_member (claims, "cnf") : NULL;
  JsonNode *jwk = cnf != NULL ? json_object_get_member (cnf, "jwk") : NULL;
  JsonObject *kb_claims;
  gint64 iat;

  if (jws == NULL || g_strcmp0 (dossier_jws_get_header_string (jws, "typ"), "kb+jwt") != 0)
    return dossier_verification_fail (result, "key-binding", "kb-malformed", _("The key binding is not a kb+jwt token"));
  if (jwk == NULL || !JSON_NODE_HOLDS_OBJECT (jwk) ||
      (holder = dossier_jwk_new_from_json (json_node_get_object (jwk), NULL)) == NULL)
    return dossier_verification_fail (result, "key-binding", "kb-no-holder-key", _("The credential binds no usable holder key"));
  if (!dossier_jws_verify (jws, holder, &error))
    return dossier_verification_fail (result, "key-binding", "kb-signature", _("The key binding is not signed by the holder’s key"));
  kb_root = dossier_sd_jwt_parse_json_bytes (dossier_jws_get_payload (jws));
  kb_claims = kb_root != NULL && JSON_NODE_HOLDS_OBJECT (kb_root) ? json_node_get_object (kb_root) : NULL;
  expected_hash = dossier_sd_jwt_sha256_b64 (text, presented_length);
  if (kb_claims == NULL || g_strcmp0 (json_object_get_string_member_with_default (kb_claims, "sd_hash", ""), expected_hash) != 0)
    return dossier_verification_fail (result, "key-binding", "kb-sd-hash",
                                      _("The key binding does not cover this presentation (sd_hash)"));
  if (!json_object_has_member (kb_claims, "iat") || !json_object_has_member (kb_claims, "nonce") ||
      !json_object_has_member (kb_claims, "aud"))
    return dossier_verification_fail (result, "key-binding", "kb-claims", _("The key binding lacks iat, aud or nonce"));
  if (options->audience != NULL && g_strcmp0 (dossier_json_get_string (kb_claims, "aud"), options->audience) != 0)
    return dossier_verification_fail (result, "key-binding", "kb-audience",
                                      _("The presentation was made for another audience than %s"), options->audience);
  if (options->nonce != NULL && g_strcmp0 (dossier_json_get_string (kb_claims, "nonce"), options->nonce) != 0)
    return dossier_verification_fail (result, "key-binding", "kb-nonce",
                                      _("The presentation answers another request: its nonce differs"));
  if (options->at != NULL && dossier_json_get_number (kb_claims, "iat", &iat) &&
      iat > g_date_time_to_unix (options->at) + CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "key-binding", "kb-iat",
                                      _("The key binding was made after the time of checking"));
  return dossier_verification_check (result, "key-binding", TRUE, _("Presented by the holder (audience %s)"),
                                     json_object_get_string_member_with_default (kb_claims, "aud", ""));
}

/* SD-JWT VC with flat claims: the kind of achievement its type ("vct")
 * or an "achievement_type" claim names, as an Open Badges achievementType,
 * or NULL when it names none. */
static const char *
flat_achievement_type (JsonObject *shown)
{
  static const struct { const char *word; const char *type; } words[] = {
    { "diploma", "Diploma" },
    { "degree", "Degree" },
    { "certificate", "Certificate" },
    { "certification", "Certification" },
    { "course", "Course" },
    { "badge", "Badge" },
    { "achievement", "Badge" },
  };
  const char *sources[] = { dossier_json_get_string (shown, "achievement_type"), dossier_json_get_string (shown, "vct") };

  for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
    {
      const char *slash;
      g_autofree char *word = NULL;

      if (sources[s] == NULL)
        continue;
      /* the last segment of a URL or URN type */
      slash = strrchr (sources[s], '/');
      if (slash == NULL)
        slash = strrchr (sources[s], ':');
      word = g_ascii_strdown (slash != NULL ? slash + 1 : sources[s], -1);
      for (guint i = 0; i < G_N_ELEMENTS (words); i++)
        if (strstr (word, words[i].word) != NULL)
          return words[i].type;
    }
  return NULL;
}

static const char *
first_string (JsonObject         *object,
              const char * const *members)
{
  for (guint i = 0; members[i] != NULL; i++)
    if (dossier_json_get_string (object, members[i]) != NULL)
      return dossier_json_get_string (object, members[i]);
  return NULL;
}

/* The record @shown (the claims with their disclosures in place) becomes:
 * an Open Badges credential (its achievement in "credentialSubject"), or
 * an SD-JWT VC whose type names an achievement, maps as any Verifiable
 * Credential does, into a learning record; any other is a certificate. */
static void
add_record (JsonObject          *shown,
            const char          *issuer,
            DossierVerification *result)
{
  static const char * const title_claims[] = { "achievement_name", "achievement_title", "title", "degree_name", "credential_name", NULL };
  static const char * const date_claims[] = { "issuance_date", "issued", "awarded_date", "valid_from", NULL };
  g_autofree char *subject = g_strjoin (" ", dossier_json_get_string (shown, "given_name") ?: "",
                                        dossier_json_get_string (shown, "family_name") ?: "", NULL);
  const char *type;

  g_strstrip (subject);
  if (dossier_json_get_object (dossier_json_get_object (shown, "credentialSubject"), "achievement") != NULL)
    {
      dossier_verification_set_subject (result, dossier_json_get_string (dossier_json_get_object (shown, "credentialSubject"), "name"));
      dossier_credential_add_record (shown, issuer, "sd-jwt", result);
      return;
    }
  dossier_verification_set_subject (result, *subject != '\0' ? subject : dossier_json_get_string (shown, "name"));
  type = flat_achievement_type (shown);
  if (type != NULL)
    {
      /* the same credential as an Open Badges one would say it */
      g_autoptr(JsonObject) view = json_object_new ();
      JsonObject *view_subject = json_object_new ();
      JsonObject *achievement = json_object_new ();
      JsonObject *view_issuer = json_object_new ();
      const char *title = first_string (shown, title_claims);
      const char *issued = first_string (shown, date_claims);
      DossierRecord *record;

      json_object_set_string_member (achievement, "achievementType", type);
      if (title != NULL)
        json_object_set_string_member (achievement, "name", title);
      json_object_set_object_member (view_subject, "achievement", achievement);
      json_object_set_object_member (view, "credentialSubject", view_subject);
      json_object_set_string_member (view_issuer, "id", issuer != NULL ? issuer : "");
      json_object_set_string_member (view_issuer, "name", dossier_json_get_string (shown, "issuer_name") ?: (issuer ?: ""));
      json_object_set_object_member (view, "issuer", view_issuer);
      if (issued != NULL)
        json_object_set_string_member (view, "validFrom", issued);
      else if (json_object_has_member (shown, "iat") && JSON_NODE_HOLDS_VALUE (json_object_get_member (shown, "iat")) &&
               json_node_get_value_type (json_object_get_member (shown, "iat")) == G_TYPE_INT64)
        {
          g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (json_object_get_int_member (shown, "iat"));
          g_autofree char *text = at != NULL ? g_date_time_format (at, "%Y-%m-%d") : NULL;

          if (text != NULL)
            json_object_set_string_member (view, "validFrom", text);
        }
      record = dossier_credential_add_record (view, issuer, "sd-jwt", result);
      dossier_record_set_fields (record, shown);
      return;
    }
  {
    g_autoptr(DossierRecord) record = dossier_record_new (DOSSIER_RECORD_KIND_CERTIFICATE,
                                                          dossier_json_get_string (shown, "vct") ?: _("Credential"));

    dossier_record_set_issuer_id (record, issuer);
    dossier_record_set_issuer_name (record, issuer);
    dossier_record_set_format (record, "sd-jwt");
    dossier_record_set_fields (record, shown);
    dossier_verification_add_record (result, record);
  }
}

typedef struct
{
  GBytes *payload;
  char   *encoded;   /* the disclosures, between "~" */
  guint   n_disclosures;
  char   *issuer;
} SdJwtContent;

static void
sd_jwt_content_free (gpointer data)
{
  SdJwtContent *content = data;

  g_bytes_unref (content->payload);
  g_free (content->encoded);
  g_free (content->issuer);
  g_free (content);
}

/* The record of a credential whose unfolding was checked on scans, read
 * when first asked for: the texts were scanned, so they parse, and the
 * disclosures unfold. */
static void
read_sd_jwt_content (DossierVerification *result,
                     gpointer             data)
{
  SdJwtContent *content = data;
  g_autoptr(GPtrArray) disclosures = g_ptr_array_new_with_free_func ((GDestroyNotify) dossier_sd_jwt_disclosure_free);
  g_autoptr(GHashTable) by_digest = NULL;
  g_autoptr(JsonNode) root = dossier_sd_jwt_parse_json_bytes (content->payload);
  g_autoptr(JsonNode) unfolded = NULL;
  g_autofree char *text = g_strdup (content->encoded);
  g_autofree char **encoded = NULL;
  guint n = 0;

  encoded = split_at_tildes (text, G_MAXUINT, &n);
  for (guint i = 0; i < content->n_disclosures && i < n; i++)
    {
      Disclosure *disclosure = g_new0 (Disclosure, 1);
      g_autoptr(GBytes) decoded = dossier_base64url_decode (encoded[i], -1, NULL);
      g_autoptr(JsonNode) node = dossier_sd_jwt_parse_json_bytes (decoded);

      dossier_sd_jwt_sha256_b64_to (encoded[i], strlen (encoded[i]), disclosure->digest);
      g_ptr_array_add (disclosures, disclosure);
      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        return;
      disclosure->array = json_array_ref (json_node_get_array (node));
    }
  by_digest = index_disclosures (disclosures);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) && (unfolded = unfold_node (root, by_digest, 0, NULL)) != NULL)
    add_record (json_node_get_object (unfolded), content->issuer, result);
}

/* Decodes and scans disclosure @encoded; FALSE when it is not a scanned
 * array of 2 or 3 items, which json-glib's tree then tells about. */
static gboolean
scan_disclosure (Disclosure *disclosure)
{
  disclosure->decoded = dossier_base64url_decode (disclosure->encoded, -1, NULL);
  if (disclosure->decoded == NULL)
    return FALSE;
  disclosure->scan = dossier_json_scan_new (g_bytes_get_data (disclosure->decoded, NULL), g_bytes_get_size (disclosure->decoded));
  return disclosure->scan != NULL &&
         dossier_json_scan_get_kind (disclosure->scan, DOSSIER_JSON_SCAN_ROOT) == DOSSIER_JSON_SCAN_ARRAY &&
         dossier_json_scan_get_size (disclosure->scan, DOSSIER_JSON_SCAN_ROOT) >= 2 &&
         dossier_json_scan_get_size (disclosure->scan, DOSSIER_JSON_SCAN_ROOT) <= 3;
}

/* The disclosures as json-glib arrays; FALSE after failing the
 * verification on the first that is not an array of 2 or 3 items. */
static gboolean
parse_disclosures (GPtrArray           *disclosures,
                   DossierVerification *result)
{
  for (guint i = 0; i < disclosures->len; i++)
    {
      Disclosure *disclosure = g_ptr_array_index (disclosures, i);
      g_autoptr(GBytes) decoded = dossier_base64url_decode (disclosure->encoded, -1, NULL);
      g_autoptr(JsonNode) node = dossier_sd_jwt_parse_json_bytes (decoded);

      disclosure->used = FALSE;
      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
          json_array_get_length (json_node_get_array (node)) < 2 || json_array_get_length (json_node_get_array (node)) > 3)
        return dossier_verification_fail (result, "decode", "disclosure-malformed",
                                          _("Disclosure %u is not a JSON array of 2 or 3 items"), i + 1);
      disclosure->array = json_array_ref (json_node_get_array (node));
    }
  return TRUE;
}

/* The common case, read from scans without building trees: TRUE when the
 * payload and every disclosure were scanned and the disclosures unfold. */
static gboolean
read_scanned (DossierJws   *jws,
              GPtrArray    *disclosures,
              GHashTable   *by_digest,
              IssuerClaims *claims)
{
  DossierJsonScan *scan = dossier_jws_get_payload_scan (jws);

  for (guint i = 0; i < disclosures->len; i++)
    if (!scan_disclosure (g_ptr_array_index (disclosures, i)))
      return FALSE;
  if (scan == NULL || !issuer_claims_from_scan (scan, claims))
    return FALSE;
  return walk_value (scan, DOSSIER_JSON_SCAN_ROOT, by_digest, 0) == UNFOLD_OK;
}

void
dossier_sd_jwt_verify (const char                 *text,
                       gsize                       length,
                       const DossierVerifyOptions *options,
                       DossierVerification        *result)
{
  char stack_copy[4096];
  g_autofree char *heap_copy = NULL;
  char *split;
  g_autofree char **parts = NULL;
  g_autoptr(GPtrArray) disclosures = g_ptr_array_new_with_free_func ((GDestroyNotify) dossier_sd_jwt_disclosure_free);
  g_autoptr(GHashTable) by_digest = NULL;
  g_autoptr(DossierJws) jws = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) unfolded = NULL;
  g_autoptr(DossierJwk) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) unfold_error = NULL;
  g_auto(IssuerClaims) claims = { NULL };
  const char *kb, *issuer, *last_tilde;
  gboolean trusted, scanned;
  guint n;

  dossier_verification_set_format (result, "sd-jwt");
  if (!dossier_sd_jwt_detect (text, length) || memchr (text, '\0', length) != NULL)
    {
      dossier_verification_fail (result, "decode", "sd-jwt-malformed", _("Not an SD-JWT: it must be a JWT followed by “~”"));
      return;
    }
  /* a copy on the stack when it fits: see dossier_jws_parse_in_place() */
  if (length < sizeof stack_copy)
    split = stack_copy;
  else
    split = heap_copy = g_malloc (length + 1);
  memcpy (split, text, length);
  split[length] = '\0';
  parts = split_at_tildes (split, DOSSIER_SD_JWT_MAX_DISCLOSURES + 3, &n);
  kb = parts[n - 1];
  for (last_tilde = text + length - 1; *last_tilde != '~'; last_tilde--)
    ;
  jws = dossier_jws_parse_in_place (parts[0], strlen (parts[0]), &error);
  if (jws == NULL)
    {
      dossier_verification_fail (result, "decode", "jws-malformed", "%s", error->message);
      return;
    }
  for (guint i = 1; i + 1 < n; i++)
    {
      Disclosure *disclosure = g_new0 (Disclosure, 1);

      disclosure->encoded = parts[i];
      dossier_sd_jwt_sha256_b64_to (parts[i], strlen (parts[i]), disclosure->digest);
      g_ptr_array_add (disclosures, disclosure);
    }
  by_digest = index_disclosures (disclosures);
  scanned = read_scanned (jws, disclosures, by_digest, &claims);
  if (!scanned)
    {
      /* json-glib's trees, which also say what is wrong */
      issuer_claims_clear (&claims);
      if (!parse_disclosures (disclosures, result))
        return;
      root = dossier_sd_jwt_parse_json_bytes (dossier_jws_get_payload (jws));
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          dossier_verification_fail (result, "decode", "payload-not-json", _("The issuer’s payload is not a JSON object"));
          return;
        }
      issuer_claims_from_tree (json_node_get_object (root), &claims);
      unfolded = unfold_node (root, by_digest, 0, &unfold_error);
    }
  dossier_verification_check (result, "decode", TRUE, _("SD-JWT with %u disclosures"), disclosures->len);

  if (g_strcmp0 (dossier_jws_get_header_string (jws, "alg"), "none") == 0 || dossier_jws_get_header_string (jws, "alg") == NULL)
    {
      dossier_verification_fail (result, "header", "alg-refused", _("The issuer’s JWT must be signed"));
      return;
    }
  if (!claims.sd_alg_ok)
    {
      dossier_verification_fail (result, "header", "sd-alg", _("Only sha-256 disclosure digests are supported"));
      return;
    }
  dossier_verification_check (result, "header", TRUE, "%s", dossier_jws_get_header_string (jws, "alg"));

  /* The base specification does not require "iss"; SD-JWT VC does. */
  issuer = claims.issuer;
  if (issuer == NULL && claims.has_vct)
    {
      dossier_verification_fail (result, "schema", "no-issuer", _("The credential names no issuer (“iss”)"));
      return;
    }
  dossier_verification_check (result, "schema", TRUE, "%s", claims.schema);
  dossier_verification_set_issuer (result, issuer, issuer, FALSE);
  /* the record is what the credential says, whatever the checks below find
   * (a revoked diploma is still a diploma, shown as revoked) */
  if (scanned)
    {
      SdJwtContent *content = g_new (SdJwtContent, 1);

      content->payload = g_bytes_ref (dossier_jws_get_payload (jws));
      /* the disclosures as received, from the first to the last "~" */
      content->encoded = n > 2 ? g_strndup (text + (parts[1] - split), (gsize) (parts[n - 1] - parts[1]) - 1) : g_strdup ("");
      content->n_disclosures = disclosures->len;
      content->issuer = g_strdup (issuer);
      dossier_verification_defer_content (result, read_sd_jwt_content, content, sd_jwt_content_free);
    }
  else if (unfolded != NULL)
    add_record (json_node_get_object (unfolded), issuer, result);
  if ((key = dossier_issuer_key_verify (jws, issuer, options, result, &trusted)) == NULL)
    return;
  if (trusted)
    dossier_verification_check (result, "signature", TRUE, _("Signed by the issuer"));
  else
    dossier_verification_check (result, "signature", TRUE, _("Signed by %s, whose key no trust anchor holds"),
                                dossier_jwk_get_kid (key) ?: issuer);
  if (!dossier_jwk_belongs_to (key, issuer))
    {
      dossier_verification_fail (result, "issuer", "key-issuer-mismatch", _("The key does not belong to issuer %s"), issuer);
      return;
    }
  if (trusted)
    dossier_verification_set_issuer (result, issuer, g_object_get_data (G_OBJECT (key), "dossier-anchor"), TRUE);
  if (!check_times (&claims, options, result))
    return;
  /* an Open Badges credential issued as SD-JWT VC keeps its Bitstring
   * Status List entries in the clear; a scanned payload holds none */
  if (root != NULL &&
      !dossier_status_list_check (json_object_has_member (json_node_get_object (root), "credentialStatus") ? json_node_get_object (root) : NULL,
                                  json_node_get_object (root), issuer, options, result))
    return;

  if (!scanned && unfolded == NULL)
    {
      dossier_verification_fail (result, "disclosure", "disclosure-invalid", "%s", unfold_error->message);
      return;
    }
  for (guint i = 0; i < disclosures->len; i++)
    if (!((Disclosure *) g_ptr_array_index (disclosures, i))->used)
      {
        dossier_verification_fail (result, "disclosure", "disclosure-unreferenced",
                                   _("Disclosure %u matches no digest the issuer signed"), i + 1);
        return;
      }
  dossier_verification_check (result, "disclosure", TRUE, _("%u claims disclosed"), disclosures->len);
  if (*kb != '\0' && root == NULL)
    root = dossier_sd_jwt_parse_json_bytes (dossier_jws_get_payload (jws));
  if (*kb != '\0' && !check_key_binding (text, (gsize) (last_tilde - text) + 1, kb, json_node_get_object (root), options, result))
    return;
  if (*kb == '\0' && (options->audience != NULL || options->nonce != NULL))
    {
      dossier_verification_fail (result, "key-binding", "kb-missing",
                                 _("A presentation for an audience or a nonce must end with a key binding"));
      return;
    }
}
