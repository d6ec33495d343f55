// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-data-integrity.h"
#include "dossier-data-integrity-private.h"

#include "dossier-base64.h"
#include "dossier-credential.h"
#include "dossier-crypto-error.h"
#include "dossier-did.h"
#include "dossier-ecdsa-sd.h"
#include "dossier-format-error.h"
#include "dossier-issuer-key.h"
#include "dossier-jcs.h"
#include "dossier-json.h"
#include "dossier-jws.h"
#include "dossier-multikey.h"
#include "dossier-status-list.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* W3C Verifiable Credentials secured with Data Integrity proofs (VC Data
 * Integrity 1.0): the credential as JSON with a "proof" member, or a set
 * of them, or a chain; and presentations of such credentials, proved by
 * their holder for the verifier's challenge and domain.  Each proof names a cryptosuite, which says how the
 * document and the proof's options are turned into the bytes that are
 * signed.  The JCS suites hash the JSON canonical forms; the RDFC suites
 * (and the older Ed25519Signature2020 proofs) hash the RDFC-1.0 canonical
 * N-Quads of the JSON-LD documents, whose contexts must all be bundled. */

#define CLOCK_SKEW_SECONDS 60
#define MAX_CREDENTIALS    16

typedef enum
{
  SUITE_EDDSA,
  SUITE_ECDSA,
} SuiteFamily;

typedef struct
{
  const char                 *name;
  SuiteFamily                 family;
  DossierDiCanonicalization   canon;
  const char                 *standard_name;   /* for a pre-standard alias, the suite's name now */
} Cryptosuite;

static const Cryptosuite cryptosuites[] = {
  { "eddsa-jcs-2022", SUITE_EDDSA, DOSSIER_DI_CANON_JCS, NULL },
  { "ecdsa-jcs-2019", SUITE_ECDSA, DOSSIER_DI_CANON_JCS, NULL },
  { "eddsa-rdfc-2022", SUITE_EDDSA, DOSSIER_DI_CANON_RDFC, NULL },
  { "ecdsa-rdfc-2019", SUITE_ECDSA, DOSSIER_DI_CANON_RDFC, NULL },
  { "ecdsa-sd-2023", SUITE_ECDSA, DOSSIER_DI_CANON_SD, NULL },
  { "eddsa-2022", SUITE_EDDSA, DOSSIER_DI_CANON_RDFC, "eddsa-rdfc-2022" },
};

/* The legacy proof type, signed as eddsa-rdfc-2022 is, with no cryptosuite
 * member of its own. */
static const Cryptosuite ed25519_signature_2020 = { "Ed25519Signature2020", SUITE_EDDSA, DOSSIER_DI_CANON_RDFC, NULL };

static const Cryptosuite *
cryptosuite_named (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (cryptosuites); i++)
    if (g_str_equal (cryptosuites[i].name, name))
      return &cryptosuites[i];
  return NULL;
}

static gboolean
secured_type (JsonObject *document)
{
  return (dossier_credential_has_type (document, "VerifiableCredential") ||
          dossier_credential_has_type (document, "VerifiablePresentation")) &&
         json_object_has_member (document, "proof");
}

/* The credential or presentation, if @text is a JSON object of either type
 * with a proof member. */
static JsonNode *
parse_secured (const char  *text,
               gsize        length,
               GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *vc;

  while (length > 0 && g_ascii_isspace (*text))
    {
      text++;
      length--;
    }
  if (length == 0 || *text != '{')
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE, _("Not a JSON object"));
      return NULL;
    }
  if ((root = dossier_jcs_parse (text, length, error)) == NULL)
    return NULL;
  vc = json_node_get_object (root);
  if (!secured_type (vc))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNKNOWN_FORMAT,
                           _("Not a credential with a Data Integrity proof"));
      return NULL;
    }
  return g_steal_pointer (&root);
}

gboolean
dossier_data_integrity_detect (const char *text,
                               gsize       length)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *vc;

  /* read leniently here, so that a malformed one is reported, not ignored */
  while (length > 0 && g_ascii_isspace (*text))
    {
      text++;
      length--;
    }
  if (length == 0 || *text != '{' || (root = dossier_json_parse (text, length)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  vc = json_node_get_object (root);
  return secured_type (vc);
}

static const char *
code_of (GError *error)
{
  if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE))
    return "key-not-available";
  if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED))
    return "did-unsupported";
  return "did-unresolvable";
}

/* A method of another DID is the issuer's when the issuer's own DID
 * document lists it among its verification methods. */
static void
add_listed_by_issuer (GPtrArray                  *keys,
                      const char                 *method,
                      const char                 *issuer,
                      const DossierVerifyOptions *options)
{
  g_autoptr(GPtrArray) listed = NULL;

  if (!dossier_did_is_did (issuer) || strchr (issuer, '#') != NULL)
    return;
  listed = dossier_did_resolve_keys (issuer, options->keys, NULL);
  for (guint i = 0; listed != NULL && i < listed->len; i++)
    {
      DossierJwk *key = g_ptr_array_index (listed, i);
      const char *anchor = dossier_issuer_key_anchor (key, issuer, options);

      if (g_strcmp0 (dossier_jwk_get_kid (key), method) != 0)
        continue;
      if (anchor != NULL)
        g_object_set_data_full (G_OBJECT (key), "dossier-anchor", g_strdup (anchor), g_free);
      dossier_jwk_add_issuer (key, issuer);
      g_ptr_array_add (keys, g_object_ref (key));
    }
}

/* A method named by the issuer's own id with a Multikey as its fragment,
 * as Open Badges issuers name theirs, is that key.  Like a DID's own key it
 * is the issuer's word only: trusted when an anchor holds the same key for
 * the issuer. */
static void
add_named_multikey (GPtrArray                  *keys,
                    const char                 *method,
                    const char                 *issuer,
                    const DossierVerifyOptions *options)
{
  const char *fragment = strchr (method, '#');
  g_autoptr(DossierJwk) key = NULL;
  const char *anchor;

  if (fragment == NULL || fragment[1] != 'z' || strlen (issuer) != (gsize) (fragment - method) ||
      strncmp (method, issuer, (gsize) (fragment - method)) != 0)
    return;
  if ((key = dossier_multikey_to_jwk (fragment + 1, method, NULL)) == NULL)
    return;
  dossier_jwk_add_issuer (key, issuer);
  anchor = dossier_issuer_key_anchor (key, issuer, options);
  if (anchor != NULL)
    g_object_set_data_full (G_OBJECT (key), "dossier-anchor", g_strdup (anchor), g_free);
  g_ptr_array_add (keys, g_steal_pointer (&key));
}

/* The keys that may have made a proof by @method for @issuer: trusted keys
 * of that id first, then the keys a DID names.  A DID's key stands for the
 * issuer only when the DID is the issuer's, or when a trust anchor holds the
 * same key for the issuer.  Trusted keys carry their anchor's name as data
 * "dossier-anchor".  NULL after recording a "key" failure. */
static GPtrArray *
method_keys (const char                 *method,
             const char                 *issuer,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) trusted = NULL;
  g_autoptr(GPtrArray) resolved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *did = NULL;
  guint named = 0;

  if (options->keys != NULL)
    trusted = dossier_key_source_find_keys (options->keys, issuer, method);
  for (guint i = 0; trusted != NULL && i < trusted->len; i++)
    if (dossier_jwk_belongs_to (g_ptr_array_index (trusted, i), issuer))
      {
        g_ptr_array_add (keys, g_object_ref (g_ptr_array_index (trusted, i)));
        named += g_strcmp0 (dossier_jwk_get_kid (g_ptr_array_index (trusted, i)), method) == 0;
      }
  if (!dossier_did_is_did (method))
    {
      if (keys->len == 0)
        add_named_multikey (keys, method, issuer, options);
      if (keys->len == 0)
        {
          dossier_verification_fail (result, "key", "key-not-trusted", _("No trusted key %s for issuer %s"), method, issuer);
          return NULL;
        }
      return g_steal_pointer (&keys);
    }

  did = dossier_did_without_fragment (method);
  /* a DID URL naming no key is refused, unless a trust anchor names it */
  resolved = dossier_did_resolve_keys (method, options->keys, &error);
  if (resolved == NULL && named == 0)
    {
      dossier_verification_fail (result, "key", code_of (error), "%s", error->message);
      return NULL;
    }
  for (guint i = 0; resolved != NULL && i < resolved->len; i++)
    {
      DossierJwk *key = g_ptr_array_index (resolved, i);
      const char *anchor = dossier_issuer_key_anchor (key, issuer, options);

      if (anchor != NULL)
        g_object_set_data_full (G_OBJECT (key), "dossier-anchor", g_strdup (anchor), g_free);
      if (anchor != NULL || (g_strcmp0 (did, issuer) == 0 && dossier_jwk_belongs_to (key, issuer)))
        g_ptr_array_add (keys, g_object_ref (key));
    }
  if (keys->len == 0 && g_strcmp0 (did, issuer) != 0)
    add_listed_by_issuer (keys, method, issuer, options);
  if (keys->len == 0)
    {
      dossier_verification_fail (result, "key", "kid-not-issuer", _("The verification method %s belongs to %s, not to the issuer %s"),
                                 method, did, issuer);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

/* The signature algorithm for @key in @suite, or NULL when they do not fit. */
static const char *
algorithm_for (const Cryptosuite *suite,
               DossierJwk        *key,
               GChecksumType     *hash)
{
  EVP_PKEY *pkey = dossier_jwk_get_pkey (key);

  *hash = G_CHECKSUM_SHA256;
  if (pkey == NULL)
    return NULL;
  if (suite->family == SUITE_EDDSA)
    return EVP_PKEY_is_a (pkey, "ED25519") ? "EdDSA" : NULL;
  if (!EVP_PKEY_is_a (pkey, "EC"))
    return NULL;
  if (EVP_PKEY_get_bits (pkey) == 256)
    return "ES256";
  if (suite->canon == DOSSIER_DI_CANON_SD)
    return NULL;
  *hash = G_CHECKSUM_SHA384;
  return EVP_PKEY_get_bits (pkey) == 384 ? "ES384" : NULL;
}

/* Why a proof's suite cannot be checked; FALSE after recording it. */
static gboolean
check_suite (JsonObject          *proof,
             const Cryptosuite  **suite,
             DossierVerification *result)
{
  const char *type = dossier_json_get_string (proof, "type");
  const char *name = dossier_json_get_string (proof, "cryptosuite");
  const char *value = dossier_json_get_string (proof, "proofValue");

  if (g_strcmp0 (type, "Ed25519Signature2020") == 0)
    {
      *suite = &ed25519_signature_2020;
      return TRUE;
    }
  if (g_strcmp0 (type, "DataIntegrityProof") != 0)
    return dossier_verification_fail (result, "signature", "proof-type", _("Proof type “%s” is not a Data Integrity proof"),
                                      type != NULL ? type : "");
  *suite = cryptosuite_named (name);
  if (*suite == NULL)
    return dossier_verification_fail (result, "signature", "cryptosuite-unsupported", _("Cryptosuite “%s” is not supported"),
                                      name != NULL ? name : "");
  /* a base proof is for its holder, who derives what a verifier gets */
  if (g_str_equal (name, "ecdsa-sd-2023") && value != NULL && g_str_has_prefix (value, "u2V0A"))
    return dossier_verification_fail (result, "signature", "proof-not-derived",
                                      _("This is an ecdsa-sd-2023 base proof, which only its holder uses; a verifier needs the derived proof"));
  return TRUE;
}

/* The proofs @proof follows in a chain (an array, possibly empty), or NULL
 * when it names one that is not in the set. */
static JsonArray *
previous_proofs (JsonObject *proof,
                 JsonArray  *all)
{
  g_autoptr(JsonArray) previous = json_array_new ();
  JsonNode *named = json_object_get_member (proof, "previousProof");
  JsonArray *names = NULL;
  guint count = 1;

  if (named == NULL)
    return g_steal_pointer (&previous);
  if (JSON_NODE_HOLDS_ARRAY (named))
    count = json_array_get_length (names = json_node_get_array (named));
  for (guint i = 0; i < count; i++)
    {
      JsonNode *name = names != NULL ? json_array_get_element (names, i) : named;
      gboolean found = FALSE;

      if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
        return NULL;
      for (guint p = 0; p < json_array_get_length (all) && !found; p++)
        {
          JsonObject *other = json_array_get_object_element (all, p);

          if (g_strcmp0 (dossier_json_get_string (other, "id"), json_node_get_string (name)) == 0)
            {
              json_array_add_element (previous, json_node_copy (json_array_get_element (all, p)));
              found = TRUE;
            }
        }
      if (!found)
        return NULL;
    }
  return g_steal_pointer (&previous);
}

/* Checks the proof's own fields a verifier relies on; FALSE after
 * recording what is wrong. */
static gboolean
check_proof_options (JsonObject          *proof,
                     const Cryptosuite   *suite,
                     const char          *expected_purpose,
                     GBytes             **signature,
                     DossierVerification *result)
{
  const char *purpose = dossier_json_get_string (proof, "proofPurpose");
  const char *value = dossier_json_get_string (proof, "proofValue");
  const char *created = dossier_json_get_string (proof, "created");
  g_autoptr(GDateTime) parsed = NULL;

  if (g_strcmp0 (purpose, expected_purpose) != 0)
    return dossier_verification_fail (result, "signature", "proof-purpose",
                                      _("The proof must be for %s, not “%s”"), expected_purpose, purpose != NULL ? purpose : "");
  if (created != NULL && (parsed = g_date_time_new_from_iso8601 (created, NULL)) == NULL)
    return dossier_verification_fail (result, "signature", "proof-malformed", _("The proof’s creation time “%s” is not a date and time"), created);
  if (suite->canon == DOSSIER_DI_CANON_SD)
    {
      if (value == NULL || value[0] != 'u' || (*signature = dossier_base64url_decode (value + 1, -1, NULL)) == NULL ||
          !dossier_ecdsa_sd_is_derived (*signature))
        return dossier_verification_fail (result, "signature", "proof-malformed",
                                          _("The proof value is not a multibase base64url ecdsa-sd-2023 derived proof"));
      return TRUE;
    }
  if (value == NULL || value[0] != 'z' ||
      (*signature = dossier_base58btc_decode (value + 1, strlen (value + 1), NULL)) == NULL)
    return dossier_verification_fail (result, "signature", "proof-malformed", _("The proof value is not multibase base58btc"));
  return TRUE;
}

/* Records why the document could not be turned into the bytes signed.  A
 * credential using a term or type none of its contexts defines does not
 * follow its own vocabulary, which is a schema failure; the proof's own
 * options failing the same way make the proof unusable. */
static void
fail_transform (DossierVerification *result,
                const Cryptosuite   *suite,
                gboolean             document_failed,
                GError              *error)
{
  const char *code = "canonicalization";

  if (document_failed && g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED))
    {
      dossier_verification_fail (result, "schema", "jsonld-undefined-term",
                                 _("The credential uses what none of its JSON-LD contexts defines: %s"), error->message);
      return;
    }
  if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH))
    code = "signature-mismatch";
  else if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE))
    code = "context-unavailable";
  else if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED))
    code = "jsonld-safe-mode";
  else if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE))
    code = "too-large";
  dossier_verification_fail (result, "signature", code, _("Cannot compute what the %s proof signs: %s"), suite->name, error->message);
}

/* Verifies one proof of @document; the key that verified it, or NULL after
 * recording the failure. */
static DossierJwk *
verify_proof (JsonObject                 *document,
              JsonObject                 *proof,
              JsonArray                  *all,
              const char                 *issuer,
              const char                 *purpose,
              const DossierVerifyOptions *options,
              DossierVerification        *result)
{
  const char *method = dossier_json_get_string (proof, "verificationMethod");
  const Cryptosuite *suite = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(JsonArray) previous = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  GChecksumType data_hash = G_CHECKSUM_SHA256;

  if (method == NULL)
    {
      dossier_verification_fail (result, "key", "key-not-named", _("The proof names no verification method"));
      return NULL;
    }
  if ((keys = method_keys (method, issuer, options, result)) == NULL ||
      !check_suite (proof, &suite, result) || !check_proof_options (proof, suite, purpose, &signature, result))
    return NULL;
  previous = previous_proofs (proof, all);
  if (previous == NULL)
    {
      dossier_verification_fail (result, "signature", "previous-proof-missing", _("The proof follows a proof that is not there"));
      return NULL;
    }
  /* what is signed depends only on the hash, so keys of one kind share it */
  for (guint i = 0; i < keys->len; i++)
    {
      DossierJwk *key = g_ptr_array_index (keys, i);
      gboolean document_failed = FALSE;
      GChecksumType hash;
      const char *alg = algorithm_for (suite, key, &hash);

      g_clear_error (&error);
      if (alg == NULL)
        {
          g_set_error (&error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH,
                       _("The key of %s does not fit cryptosuite %s"), method, suite->name);
          continue;
        }
      if (suite->canon == DOSSIER_DI_CANON_SD)
        {
          if (dossier_di_verify_derived (document, proof, json_array_get_length (previous) > 0 ? previous : NULL, key, signature,
                              &document_failed, &error))
            return g_object_ref (key);
          if (g_error_matches (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_SIGNATURE))
            continue;
          if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE) && !document_failed)
            dossier_verification_fail (result, "signature", "proof-malformed", "%s", error->message);
          else
            fail_transform (result, suite, document_failed, error);
          return NULL;
        }
      if (data == NULL || data_hash != hash)
        {
          g_clear_pointer (&data, g_bytes_unref);
          data_hash = hash;
          data = dossier_di_hash_data (document, proof, json_array_get_length (previous) > 0 ? previous : NULL, suite->canon, hash,
                            &document_failed, &error);
          if (data == NULL)
            {
              fail_transform (result, suite, document_failed, error);
              return NULL;
            }
        }
      if (dossier_crypto_verify (alg, dossier_jwk_get_pkey (key), g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                 g_bytes_get_data (signature, NULL), g_bytes_get_size (signature), &error))
        return g_object_ref (key);
    }
  dossier_verification_fail (result, "signature", "signature-mismatch", "%s", error->message);
  return NULL;
}

static gboolean
check_proof_times (JsonArray                  *proofs,
                   const DossierVerifyOptions *options,
                   DossierVerification        *result)
{
  gint64 now;

  if (options->at == NULL)
    return TRUE;
  now = g_date_time_to_unix (options->at);
  for (guint i = 0; i < json_array_get_length (proofs); i++)
    {
      JsonObject *proof = json_array_get_object_element (proofs, i);
      const char *created = dossier_json_get_string (proof, "created");
      const char *expires = dossier_json_get_string (proof, "expires");
      g_autoptr(GDateTime) from = created != NULL ? g_date_time_new_from_iso8601 (created, NULL) : NULL;
      g_autoptr(GDateTime) until = expires != NULL ? g_date_time_new_from_iso8601 (expires, NULL) : NULL;

      if (from != NULL && g_date_time_to_unix (from) > now + CLOCK_SKEW_SECONDS)
        return dossier_verification_fail (result, "not-yet-valid", "not-yet-valid", _("The proof was made after the time of checking"));
      if (expires != NULL && (until == NULL || g_date_time_to_unix (until) < now - CLOCK_SKEW_SECONDS))
        return dossier_verification_fail (result, "expired", "expired", _("The proof has expired"));
    }
  return TRUE;
}

/* The proofs as an array of objects, or NULL after recording why not. */
static JsonArray *
proofs_of (JsonObject          *vc,
           DossierVerification *result)
{
  JsonNode *node = json_object_get_member (vc, "proof");
  JsonArray *proofs = json_array_new ();

  if (JSON_NODE_HOLDS_OBJECT (node))
    json_array_add_element (proofs, json_node_copy (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
      json_array_add_element (proofs, json_node_copy (json_array_get_element (json_node_get_array (node), i)));
  for (guint i = 0; i < json_array_get_length (proofs); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (proofs, i)))
      g_clear_pointer (&proofs, json_array_unref);
  if (proofs == NULL || json_array_get_length (proofs) == 0)
    {
      g_clear_pointer (&proofs, json_array_unref);
      dossier_verification_fail (result, "signature", "proof-malformed", _("The proof is not an object or a list of objects"));
    }
  else if (json_array_get_length (proofs) > DOSSIER_DATA_INTEGRITY_MAX_PROOFS)
    {
      g_clear_pointer (&proofs, json_array_unref);
      dossier_verification_fail (result, "signature", "too-many-proofs", _("More than %d proofs"), DOSSIER_DATA_INTEGRITY_MAX_PROOFS);
    }
  return proofs;
}

/* How a verified proof is named in its check: its cryptosuite, or its
 * type for a legacy proof, and a pre-standard name flagged as such. */
static char *
suite_label (JsonObject *proof)
{
  const char *name = dossier_json_get_string (proof, "cryptosuite");
  const Cryptosuite *suite = cryptosuite_named (name);

  if (name == NULL)
    return g_strdup (dossier_json_get_string (proof, "type"));
  if (suite != NULL && suite->standard_name != NULL)
    return g_strdup_printf (_("%s (a pre-standard name of %s)"), name, suite->standard_name);
  return g_strdup (name);
}

/* Every proof must verify (a proof set), each by a key of the issuer. */
static gboolean
verify_proofs (JsonObject                 *vc,
               JsonArray                  *proofs,
               const char                 *issuer,
               const char                 *purpose,
               const DossierVerifyOptions *options,
               DossierVerification        *result,
               gboolean                   *trusted)
{
  const char *anchor = NULL;

  for (guint i = 0; i < json_array_get_length (proofs); i++)
    {
      JsonObject *proof = json_array_get_object_element (proofs, i);
      g_autoptr(DossierJwk) key = verify_proof (vc, proof, proofs, issuer, purpose, options, result);
      g_autofree char *label = NULL;

      if (key == NULL)
        return FALSE;
      anchor = g_object_get_data (G_OBJECT (key), "dossier-anchor");
      if (anchor != NULL)
        dossier_verification_check (result, "key", TRUE, "%s", anchor);
      *trusted = i == 0 ? anchor != NULL : *trusted && anchor != NULL;
      label = suite_label (proof);
      if (anchor != NULL)
        dossier_verification_check (result, "signature", TRUE, _("%s proof"), label);
      else
        dossier_verification_check (result, "signature", TRUE, _("%s proof by %s, whose key no trust anchor holds"),
                                    label, dossier_json_get_string (proof, "verificationMethod"));
    }
  return TRUE;
}

/* One credential with its proofs, alone or inside a presentation. */
static gboolean
verify_credential (JsonObject                 *vc,
                   const DossierVerifyOptions *options,
                   DossierVerification        *result)
{
  g_autoptr(JsonArray) proofs = NULL;
  const char *issuer = dossier_credential_get_issuer (vc, vc);
  DossierRecord *record;
  gboolean trusted = FALSE;

  if (!dossier_credential_has_type (vc, "VerifiableCredential") ||
      dossier_json_get_object (vc, "credentialSubject") == NULL || issuer == NULL)
    return dossier_verification_fail (result, "schema", "vc-schema",
                                      _("A credential needs a VerifiableCredential type, a subject and an issuer"));
  dossier_verification_check (result, "schema", TRUE, "%s",
                              dossier_credential_has_type (vc, "AchievementCredential") ? "AchievementCredential" : "VerifiableCredential");
  record = dossier_credential_add_record (vc, issuer, "vc-di", result);
  dossier_verification_set_issuer (result, issuer, issuer, FALSE);

  if (!json_object_has_member (vc, "proof"))
    return dossier_verification_fail (result, "signature", "no-proof", _("The credential has no proof"));
  if ((proofs = proofs_of (vc, result)) == NULL || !verify_proofs (vc, proofs, issuer, "assertionMethod", options, result, &trusted))
    return FALSE;
  if (trusted)
    {
      dossier_verification_check (result, "issuer", TRUE, "%s", issuer);
      dossier_verification_set_issuer (result, issuer, dossier_record_get_issuer_name (record), TRUE);
    }
  if (!dossier_credential_check_times (vc, vc, options, result) || !check_proof_times (proofs, options, result))
    return FALSE;
  dossier_status_list_check (vc, vc, issuer, options, result);
  return !dossier_verification_has_failed (result);
}

/* Whether @node is the string @expected or a list holding it. */
static gboolean
names (JsonNode   *node,
       const char *expected)
{
  JsonArray *array;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_str_equal (json_node_get_string (node), expected);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (item), expected))
        return TRUE;
    }
  return FALSE;
}

/* A presentation's proofs must answer the verifier's challenge and name
 * its domain, when the verifier gives them. */
static gboolean
check_binding (JsonArray                  *proofs,
               const DossierVerifyOptions *options,
               DossierVerification        *result)
{
  for (guint i = 0; i < json_array_get_length (proofs); i++)
    {
      JsonObject *proof = json_array_get_object_element (proofs, i);

      if (options->nonce != NULL && g_strcmp0 (dossier_json_get_string (proof, "challenge"), options->nonce) != 0)
        return dossier_verification_fail (result, "key-binding", "challenge-mismatch",
                                          _("The presentation does not answer the challenge “%s”"), options->nonce);
      if (options->audience != NULL && !names (json_object_get_member (proof, "domain"), options->audience))
        return dossier_verification_fail (result, "key-binding", "domain-mismatch",
                                          _("The presentation is not meant for %s"), options->audience);
    }
  if (options->nonce != NULL || options->audience != NULL)
    dossier_verification_check (result, "key-binding", TRUE, _("Presented for this verifier"));
  return TRUE;
}

/* A presentation proved by its holder (proof purpose authentication), then
 * each credential embedded in it. */
static void
verify_presentation (JsonObject                 *vp,
                     const DossierVerifyOptions *options,
                     DossierVerification        *result)
{
  JsonObject *holder_object = dossier_json_get_object (vp, "holder");
  const char *holder = holder_object != NULL ? dossier_json_get_string (holder_object, "id") : dossier_json_get_string (vp, "holder");
  JsonNode *embedded = json_object_get_member (vp, "verifiableCredential");
  g_autoptr(JsonArray) proofs = NULL;
  g_autoptr(JsonArray) credentials = json_array_new ();
  gboolean trusted = FALSE;

  if (embedded != NULL && JSON_NODE_HOLDS_ARRAY (embedded))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (embedded)); i++)
      json_array_add_element (credentials, json_node_copy (json_array_get_element (json_node_get_array (embedded), i)));
  else if (embedded != NULL)
    json_array_add_element (credentials, json_node_copy (embedded));
  if (holder == NULL || json_array_get_length (credentials) == 0 || json_array_get_length (credentials) > MAX_CREDENTIALS)
    {
      dossier_verification_fail (result, "schema", "vp-schema",
                                 _("A presentation needs a holder and from one to %d credentials"), MAX_CREDENTIALS);
      return;
    }
  dossier_verification_set_subject (result, holder);
  if ((proofs = proofs_of (vp, result)) == NULL ||
      !verify_proofs (vp, proofs, holder, "authentication", options, result, &trusted) ||
      !check_proof_times (proofs, options, result) || !check_binding (proofs, options, result))
    return;
  for (guint i = 0; i < json_array_get_length (credentials); i++)
    {
      JsonNode *credential = json_array_get_element (credentials, i);

      if (!JSON_NODE_HOLDS_OBJECT (credential))
        {
          dossier_verification_fail (result, "schema", "vp-schema", _("Only credentials embedded as JSON are read in a presentation"));
          return;
        }
      if (!verify_credential (json_node_get_object (credential), options, result))
        return;
    }
}

void
dossier_data_integrity_verify (const char                 *text,
                               gsize                       length,
                               const DossierVerifyOptions *options,
                               DossierVerification        *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = parse_secured (text, length, &error);
  JsonObject *document;

  dossier_verification_set_format (result, "vc-di");
  if (root == NULL)
    {
      dossier_verification_fail (result, "decode", "vc-malformed", "%s", error->message);
      return;
    }
  document = json_node_get_object (root);
  if (dossier_credential_has_type (document, "VerifiablePresentation"))
    {
      dossier_verification_check (result, "decode", TRUE, _("Presentation in JSON with a Data Integrity proof"));
      verify_presentation (document, options, result);
      return;
    }
  dossier_verification_check (result, "decode", TRUE, _("Credential in JSON with a Data Integrity proof"));
  verify_credential (document, options, result);
}

/* Secures @document with a new proof made with @key: the proof's options
 * are @cryptosuite ("eddsa-jcs-2022" or "eddsa-rdfc-2022" with an Ed25519
 * key, "ecdsa-jcs-2019" or "ecdsa-rdfc-2019" with a P-256 or P-384 one), @verification_method, the assertionMethod
 * purpose and @created; the value is added to them and the proof to
 * @document. */
gboolean
dossier_data_integrity_sign (JsonObject  *document,
                             const char  *cryptosuite,
                             EVP_PKEY    *key,
                             const char  *verification_method,
                             const char  *created,
                             GError     **error)
{
  const Cryptosuite *suite;
  g_autoptr(JsonObject) proof = json_object_new ();
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *base58 = NULL;
  const char *alg;
  gboolean p384;

  g_return_val_if_fail (document != NULL && cryptosuite != NULL && key != NULL, FALSE);
  g_return_val_if_fail (verification_method != NULL && created != NULL, FALSE);

  suite = cryptosuite_named (cryptosuite);
  p384 = EVP_PKEY_is_a (key, "EC") && EVP_PKEY_get_bits (key) == 384;
  if (suite == NULL || suite->canon == DOSSIER_DI_CANON_SD || suite->standard_name != NULL ||
      (suite->family == SUITE_EDDSA) != (EVP_PKEY_is_a (key, "ED25519") != 0) ||
      (suite->family != SUITE_EDDSA && !EVP_PKEY_is_a (key, "EC")))
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
                   _("Cannot sign with the cryptosuite %s and this key"), cryptosuite);
      return FALSE;
    }
  alg = suite->family == SUITE_EDDSA ? "EdDSA" : p384 ? "ES384" : "ES256";

  /* the proof carries the document's @context, as the JCS suites say the
   * signer puts it there; verifiers hash the proof options as they are.
   * An RDFC proof takes its terms from the document's context instead. */
  if (suite->canon == DOSSIER_DI_CANON_JCS && json_object_has_member (document, "@context"))
    json_object_set_member (proof, "@context", json_node_copy (json_object_get_member (document, "@context")));
  json_object_set_string_member (proof, "type", "DataIntegrityProof");
  json_object_set_string_member (proof, "cryptosuite", cryptosuite);
  json_object_set_string_member (proof, "created", created);
  json_object_set_string_member (proof, "verificationMethod", verification_method);
  json_object_set_string_member (proof, "proofPurpose", "assertionMethod");
  data = dossier_di_hash_data (document, proof, NULL, suite->canon, p384 ? G_CHECKSUM_SHA384 : G_CHECKSUM_SHA256, NULL, error);
  if (data == NULL)
    return FALSE;
  signature = dossier_crypto_sign (alg, key, g_bytes_get_data (data, NULL), g_bytes_get_size (data), error);
  if (signature == NULL)
    return FALSE;
  base58 = dossier_base58btc_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  {
    g_autofree char *value = g_strconcat ("z", base58, NULL);

    json_object_set_string_member (proof, "proofValue", value);
  }
  json_object_set_object_member (document, "proof", g_steal_pointer (&proof));
  return TRUE;
}
