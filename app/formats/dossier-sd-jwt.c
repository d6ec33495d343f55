// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-sd-jwt.h"

#include "dossier-base64.h"
#include "dossier-issuer-key.h"
#include "dossier-json.h"
#include "dossier-jws.h"
#include "dossier-status-list.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Selective Disclosure JWT (draft-ietf-oauth-selective-disclosure-jwt) and
 * SD-JWT VC: "<issuer JWT>~<disclosure>~...~[<key binding JWT>]".  The
 * issuer signs digests; each disclosure reveals one claim and must match
 * exactly one digest; a key-binding JWT proves the holder presented it. */

#define MAX_DISCLOSURES 1024
#define MAX_DEPTH 32
#define CLOCK_SKEW_SECONDS 60

typedef struct
{
  char       *encoded;
  char       *digest;
  JsonArray  *array;
  gboolean    used;
} Disclosure;

static void
disclosure_free (Disclosure *disclosure)
{
  g_free (disclosure->encoded);
  g_free (disclosure->digest);
  g_clear_pointer (&disclosure->array, json_array_unref);
  g_free (disclosure);
}

gboolean
dossier_sd_jwt_detect (const char *text,
                       gsize       length)
{
  const char *tilde = memchr (text, '~', length);

  return tilde != NULL && dossier_jws_looks_compact (text, (gsize) (tilde - text));
}

static char *
sha256_b64 (const char *text,
            gsize       length)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_checksum_update (checksum, (const guchar *) text, (gssize) length);
  g_checksum_get_digest (checksum, digest, &digest_len);
  return dossier_base64url_encode (digest, digest_len);
}

static JsonNode *
parse_json_bytes (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (bytes == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                    (gssize) g_bytes_get_size (bytes), NULL))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static Disclosure *
find_disclosure (GPtrArray  *disclosures,
                 const char *digest)
{
  for (guint i = 0; i < disclosures->len; i++)
    {
      Disclosure *disclosure = g_ptr_array_index (disclosures, i);

      if (g_str_equal (disclosure->digest, digest))
        return disclosure;
    }
  return NULL;
}

static JsonNode *unfold_node (JsonNode *node, GPtrArray *disclosures, guint depth, GError **error);

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
               GPtrArray   *disclosures,
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
              GPtrArray  *disclosures,
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
             GPtrArray  *disclosures,
             guint       depth,
             GError    **error)
{
  if (depth > MAX_DEPTH)
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

static gboolean
check_times (JsonObject                 *claims,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  gint64 now, nbf, exp;

  if (options->at == NULL)
    return TRUE;
  now = g_date_time_to_unix (options->at);
  if (dossier_json_get_number (claims, "nbf", &nbf) && nbf > now + CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "not-yet-valid", "not-yet-valid", _("Not valid yet"));
  dossier_verification_check (result, "not-yet-valid", TRUE, _("Valid from before the time of checking"));
  if (dossier_json_get_number (claims, "exp", &exp) && exp < now - CLOCK_SKEW_SECONDS)
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

  if (jws == NULL || g_strcmp0 (dossier_jws_get_header_string (jws, "typ"), "kb+jwt") != 0)
    return dossier_verification_fail (result, "key-binding", "kb-malformed", _("The key binding is not a kb+jwt token"));
  if (jwk == NULL || !JSON_NODE_HOLDS_OBJECT (jwk) ||
      (holder = dossier_jwk_new_from_json (json_node_get_object (jwk), NULL)) == NULL)
    return dossier_verification_fail (result, "key-binding", "kb-no-holder-key", _("The credential binds no usable holder key"));
  if (!dossier_jws_verify (jws, holder, &error))
    return dossier_verification_fail (result, "key-binding", "kb-signature", _("The key binding is not signed by the holder’s key"));
  kb_root = parse_json_bytes (dossier_jws_get_payload (jws));
  kb_claims = kb_root != NULL && JSON_NODE_HOLDS_OBJECT (kb_root) ? json_node_get_object (kb_root) : NULL;
  expected_hash = sha256_b64 (text, presented_length);
  if (kb_claims == NULL || g_strcmp0 (json_object_get_string_member_with_default (kb_claims, "sd_hash", ""), expected_hash) != 0)
    return dossier_verification_fail (result, "key-binding", "kb-sd-hash",
                                      _("The key binding does not cover this presentation (sd_hash)"));
  if (!json_object_has_member (kb_claims, "iat") || !json_object_has_member (kb_claims, "nonce") ||
      !json_object_has_member (kb_claims, "aud"))
    return dossier_verification_fail (result, "key-binding", "kb-claims", _("The key binding lacks iat, aud or nonce"));
  return dossier_verification_check (result, "key-binding", TRUE, _("Presented by the holder (audience %s)"),
                                     json_object_get_string_member_with_default (kb_claims, "aud", ""));
}

void
dossier_sd_jwt_verify (const char                 *text,
                       gsize                       length,
                       const DossierVerifyOptions *options,
                       DossierVerification        *result)
{
  g_autofree char *copy = g_strndup (text, length);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) disclosures = g_ptr_array_new_with_free_func ((GDestroyNotify) disclosure_free);
  g_autoptr(DossierJws) jws = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) unfolded = NULL;
  g_autoptr(DossierJwk) key = NULL;
  g_autoptr(GError) error = NULL;
  const char *kb, *issuer, *last_tilde;
  JsonObject *claims;
  gboolean trusted;
  guint n;

  dossier_verification_set_format (result, "sd-jwt");
  if (!dossier_sd_jwt_detect (text, length) || memchr (text, '\0', length) != NULL)
    {
      dossier_verification_fail (result, "decode", "sd-jwt-malformed", _("Not an SD-JWT: it must be a JWT followed by “~”"));
      return;
    }
  parts = g_strsplit (copy, "~", MAX_DISCLOSURES + 3);
  n = g_strv_length (parts);
  kb = parts[n - 1];
  last_tilde = strrchr (copy, '~');
  jws = dossier_jws_parse (parts[0], strlen (parts[0]), &error);
  if (jws == NULL)
    {
      dossier_verification_fail (result, "decode", "jws-malformed", "%s", error->message);
      return;
    }
  for (guint i = 1; i + 1 < n; i++)
    {
      Disclosure *disclosure = g_new0 (Disclosure, 1);
      g_autoptr(GBytes) decoded = dossier_base64url_decode (parts[i], -1, NULL);
      g_autoptr(JsonNode) node = parse_json_bytes (decoded);

      disclosure->encoded = g_strdup (parts[i]);
      disclosure->digest = sha256_b64 (parts[i], strlen (parts[i]));
      g_ptr_array_add (disclosures, disclosure);
      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
          json_array_get_length (json_node_get_array (node)) < 2 || json_array_get_length (json_node_get_array (node)) > 3)
        {
          dossier_verification_fail (result, "decode", "disclosure-malformed", _("Disclosure %u is not a JSON array of 2 or 3 items"), i);
          return;
        }
      disclosure->array = json_array_ref (json_node_get_array (node));
    }
  root = parse_json_bytes (dossier_jws_get_payload (jws));
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      dossier_verification_fail (result, "decode", "payload-not-json", _("The issuer’s payload is not a JSON object"));
      return;
    }
  dossier_verification_check (result, "decode", TRUE, _("SD-JWT with %u disclosures"), disclosures->len);

  if (g_strcmp0 (dossier_jws_get_header_string (jws, "alg"), "none") == 0 || dossier_jws_get_header_string (jws, "alg") == NULL)
    {
      dossier_verification_fail (result, "header", "alg-refused", _("The issuer’s JWT must be signed"));
      return;
    }
  claims = json_node_get_object (root);
  if (json_object_has_member (claims, "_sd_alg") &&
      g_strcmp0 (json_object_get_string_member_with_default (claims, "_sd_alg", ""), "sha-256") != 0)
    {
      dossier_verification_fail (result, "header", "sd-alg", _("Only sha-256 disclosure digests are supported"));
      return;
    }
  dossier_verification_check (result, "header", TRUE, "%s", dossier_jws_get_header_string (jws, "alg"));

  /* The base specification does not require "iss"; SD-JWT VC does. */
  issuer = json_object_get_string_member_with_default (claims, "iss", NULL);
  if (issuer == NULL && json_object_has_member (claims, "vct"))
    {
      dossier_verification_fail (result, "schema", "no-issuer", _("The credential names no issuer (“iss”)"));
      return;
    }
  dossier_verification_check (result, "schema", TRUE, "%s",
                              json_object_get_string_member_with_default (claims, "vct", _("SD-JWT")));
  dossier_verification_set_issuer (result, issuer, issuer, FALSE);
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
  if (!check_times (claims, options, result))
    return;
  if (!dossier_status_list_check (NULL, claims, issuer, options, result))
    return;

  unfolded = unfold_node (root, disclosures, 0, &error);
  if (unfolded == NULL)
    {
      dossier_verification_fail (result, "disclosure", "disclosure-invalid", "%s", error->message);
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
  if (*kb != '\0' && !check_key_binding (copy, (gsize) (last_tilde - copy) + 1, kb, claims, result))
    return;

  {
    JsonObject *shown = json_node_get_object (unfolded);
    g_autofree char *subject = g_strjoin (" ", json_object_get_string_member_with_default (shown, "given_name", ""),
                                          json_object_get_string_member_with_default (shown, "family_name", ""), NULL);
    g_autoptr(DossierRecord) record = dossier_record_new (DOSSIER_RECORD_KIND_CERTIFICATE,
                                                          json_object_get_string_member_with_default (shown, "vct", _("Credential")));

    g_strstrip (subject);
    dossier_verification_set_subject (result, *subject != '\0' ? subject : NULL);
    dossier_record_set_issuer_id (record, issuer);
    dossier_record_set_issuer_name (record, issuer);
    dossier_record_set_format (record, "sd-jwt");
    dossier_record_set_fields (record, shown);
    dossier_verification_add_record (result, record);
  }
}
