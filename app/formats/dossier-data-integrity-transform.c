// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-data-integrity.h"
#include "dossier-data-integrity-private.h"

#include "dossier-ecdsa-sd.h"
#include "dossier-format-error.h"
#include "dossier-jcs.h"
#include "dossier-jsonld.h"
#include "dossier-rdfc.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* What a Data Integrity proof signs: the proof's options and the document
 * without its proof, each in its canonical form (JCS, or RDFC-1.0 of the
 * JSON-LD meaning), hashed; and for ecdsa-sd-2023 derived proofs, the
 * revealed statements one by one. */

static JsonObject *
copy_without (JsonObject *object,
              const char *left_out)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    if (left_out == NULL || !g_str_equal (name, left_out))
      json_object_set_member (copy, name, json_node_copy (member));
  return copy;
}

static gboolean
same_json (JsonNode *a,
           JsonNode *b)
{
  g_autofree char *left = dossier_jcs_serialize (a, NULL, NULL);
  g_autofree char *right = dossier_jcs_serialize (b, NULL, NULL);

  return left != NULL && right != NULL && g_str_equal (left, right);
}

/* Whether the document's @context begins with the proof's, in order. */
static gboolean
context_starts_with (JsonNode *document,
                     JsonNode *proof)
{
  JsonArray *whole, *start;
  guint length;

  if (document == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (proof))
    {
      if (!JSON_NODE_HOLDS_ARRAY (document))
        return same_json (document, proof);
      whole = json_node_get_array (document);
      return json_array_get_length (whole) > 0 && same_json (json_array_get_element (whole, 0), proof);
    }
  start = json_node_get_array (proof);
  length = json_array_get_length (start);
  if (!JSON_NODE_HOLDS_ARRAY (document))
    return length == 0 || (length == 1 && same_json (document, json_array_get_element (start, 0)));
  whole = json_node_get_array (document);
  if (json_array_get_length (whole) < length)
    return FALSE;
  for (guint i = 0; i < length; i++)
    if (!same_json (json_array_get_element (whole, i), json_array_get_element (start, i)))
      return FALSE;
  return TRUE;
}

/* The canonical form of @object: its JCS serialization, or the RDFC-1.0
 * canonical N-Quads of its JSON-LD meaning (in safe mode, so that no term
 * drops out of what is signed unnoticed).  RDFC-1.0 hashes with the
 * suite's @hash, SHA-384 for P-384 keys, as the reference implementation
 * of ecdsa-rdfc-2019 does. */
static char *
canonicalize (JsonObject                 *object,
              DossierDiCanonicalization   canon,
              GChecksumType               hash,
              gsize                      *length,
              GError                    **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *nquads = NULL;
  char *canonical;

  if (canon == DOSSIER_DI_CANON_JCS)
    return dossier_jcs_serialize (node, length, error);
  nquads = dossier_jsonld_to_nquads (node, NULL, DOSSIER_JSONLD_SAFE_MODE, error);
  if (nquads == NULL)
    return NULL;
  canonical = dossier_rdfc_canonicalize_nquads (nquads, strlen (nquads),
                                                hash == G_CHECKSUM_SHA384 ? DOSSIER_RDFC_HASH_SHA384 : DOSSIER_RDFC_HASH_SHA256,
                                                NULL, error);
  if (canonical != NULL)
    *length = strlen (canonical);
  return canonical;
}

static gboolean
hash_canonical (JsonObject                 *object,
                DossierDiCanonicalization   canon,
                GChecksumType               hash,
                GByteArray                 *out,
                GError                    **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (hash);
  gsize length = 0, size = (gsize) g_checksum_type_get_length (hash);
  g_autofree char *canonical = canonicalize (object, canon, hash, &length, error);
  guint8 digest[64];

  if (canonical == NULL)
    return FALSE;
  g_checksum_update (checksum, (const guchar *) canonical, (gssize) length);
  g_checksum_get_digest (checksum, digest, &size);
  g_byte_array_append (out, digest, (guint) size);
  return TRUE;
}

/* The document without its proof (or, for a proof in a chain, with the
 * proofs it follows, @previous, as its proof) and the proof's options
 * (without its value, carrying the document's @context), as a suite
 * canonicalizes them. */
static gboolean
unsecured_and_options (JsonObject  *document,
                       JsonObject  *proof,
                       JsonArray   *previous,
                       JsonObject **unsecured,
                       JsonObject **config,
                       GError     **error)
{
  JsonNode *proof_context = json_object_get_member (proof, "@context");

  *unsecured = copy_without (document, "proof");
  *config = copy_without (proof, "proofValue");
  if (proof_context != NULL)
    {
      if (!context_starts_with (json_object_get_member (document, "@context"), proof_context))
        {
          g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH,
                               _("The proof’s @context is not the start of the credential’s"));
          return FALSE;
        }
      json_object_set_member (*unsecured, "@context", json_node_copy (proof_context));
    }
  if (json_object_has_member (*unsecured, "@context"))
    json_object_set_member (*config, "@context", json_node_copy (json_object_get_member (*unsecured, "@context")));
  if (previous != NULL)
    json_object_set_array_member (*unsecured, "proof", json_array_ref (previous));
  return TRUE;
}

/* The bytes a suite signs: the hash of the canonical proof options, then
 * that of the canonical document.  @document_failed tells whether it was
 * the document that could not be canonicalized. */
GBytes *
dossier_di_hash_data (JsonObject                 *document,
                      JsonObject                 *proof,
                      JsonArray                  *previous,
                      DossierDiCanonicalization   canon,
                      GChecksumType               hash,
                      gboolean                   *document_failed,
                      GError                    **error)
{
  g_autoptr(JsonObject) unsecured = NULL;
  g_autoptr(JsonObject) config = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();

  if (!unsecured_and_options (document, proof, previous, &unsecured, &config, error) ||
      !hash_canonical (config, canon, hash, out, error))
    return NULL;
  if (!hash_canonical (unsecured, canon, hash, out, error))
    {
      if (document_failed != NULL)
        *document_failed = TRUE;
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* A derived ecdsa-sd-2023 proof signs the proof options' hash and the
 * mandatory statements with @key, and every other revealed statement
 * with a key of the credential's own. */
gboolean
dossier_di_verify_derived (JsonObject  *document,
                           JsonObject  *proof,
                           JsonArray   *previous,
                           DossierJwk  *key,
                           GBytes      *value,
                           gboolean    *document_failed,
                           GError     **error)
{
  g_autoptr(JsonObject) unsecured = NULL;
  g_autoptr(JsonObject) config = NULL;
  g_autoptr(GByteArray) proof_hash = g_byte_array_new ();
  g_autoptr(GBytes) proof_hash_bytes = NULL;
  g_autofree char *canonical = NULL;
  gsize length;

  if (!unsecured_and_options (document, proof, previous, &unsecured, &config, error) ||
      !hash_canonical (config, DOSSIER_DI_CANON_RDFC, G_CHECKSUM_SHA256, proof_hash, error))
    return FALSE;
  if ((canonical = canonicalize (unsecured, DOSSIER_DI_CANON_RDFC, G_CHECKSUM_SHA256, &length, error)) == NULL)
    {
      *document_failed = TRUE;
      return FALSE;
    }
  proof_hash_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&proof_hash));
  return dossier_ecdsa_sd_verify_derived (proof_hash_bytes, canonical, value, dossier_jwk_get_pkey (key), error);
}

/* The bytes a JCS suite signs. */
GBytes *
dossier_data_integrity_hash_data (JsonObject     *document,
                                  JsonObject     *proof,
                                  JsonArray      *previous,
                                  GChecksumType   hash,
                                  GError        **error)
{
  g_return_val_if_fail (document != NULL && proof != NULL, NULL);

  return dossier_di_hash_data (document, proof, previous, DOSSIER_DI_CANON_JCS, hash, NULL, error);
}

/* The bytes an RDFC suite (or Ed25519Signature2020) signs. */
GBytes *
dossier_data_integrity_hash_data_rdfc (JsonObject     *document,
                                       JsonObject     *proof,
                                       JsonArray      *previous,
                                       GChecksumType   hash,
                                       GError        **error)
{
  g_return_val_if_fail (document != NULL && proof != NULL, NULL);

  return dossier_di_hash_data (document, proof, previous, DOSSIER_DI_CANON_RDFC, hash, NULL, error);
}
