// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target for the small parsers under the formats: JWK sets,
 * compact JWS and JWE, PEM certificates, base45, vault.json, raw DEFLATE,
 * SMART Health Links and their manifests, base58 and multikeys, DIDs and
 * DID documents, status lists, JSON canonicalization and Data Integrity
 * proofs (ecdsa-sd-2023 derived proof values too), the credentials baked
 * into badge images, lists of DCC signer
 * certificates, and COSE_Sign1 messages such as CWT status list tokens. */
#include "dossier-baked-badge.h"
#include "dossier-certificate.h"
#include "dossier-cose.h"
#include "dossier-data-integrity.h"
#include "dossier-did.h"
#include "dossier-dsc-list.h"
#include "dossier-ecdsa-sd.h"
#include "dossier-hcert.h"
#include "dossier-inflate.h"
#include "dossier-jcs.h"
#include "dossier-json.h"
#include "dossier-jwe.h"
#include "dossier-jwk.h"
#include "dossier-jws.h"
#include "dossier-multikey.h"
#include "dossier-shl.h"
#include "dossier-status-list.h"
#include "dossier-vault-config.h"

#include <openssl/ec.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* The bytes as a multikey, a DID, a DID document, and the encoded lists of
 * both kinds of status list, which are then read at a few indices. */
static void
fuzz_did_and_status (const uint8_t *data,
                     size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GBytes) base58 = dossier_base58btc_decode (text, strlen (text), NULL);
  g_autoptr(DossierJwk) multikey = dossier_multikey_to_jwk (text, "fuzz", NULL);
  g_autoptr(GPtrArray) resolved = dossier_did_resolve_keys (text, NULL, NULL);
  g_autofree char *url = dossier_did_web_url (text, NULL);
  g_autoptr(JsonNode) root = dossier_json_parse ((const char *) data, size);
  g_autoptr(GBytes) bitstring = dossier_status_list_decode_bitstring (text, strlen (text), NULL);
  g_autoptr(GBytes) token = dossier_status_list_decode_token (text, strlen (text), NULL);
  g_autoptr(GPtrArray) document_keys = NULL;
  guint value;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    document_keys = dossier_did_document_keys (json_node_get_object (root), NULL);
  for (guint bits = 1; bits <= 8; bits *= 2)
    {
      if (bitstring != NULL)
        dossier_status_list_read (bitstring, size * 8 / bits, bits, DOSSIER_STATUS_LIST_MSB_FIRST, &value, NULL);
      if (token != NULL)
        dossier_status_list_read (token, size, bits, DOSSIER_STATUS_LIST_LSB_FIRST, &value, NULL);
    }
}

/* The bytes canonicalized, the canonical form read back (it must give
 * itself again), and, for a credential, each proof's signed bytes. */
static void
fuzz_canonical (const uint8_t *data,
                size_t         size)
{
  g_autoptr(JsonNode) root = dossier_jcs_parse ((const char *) data, size, NULL);
  g_autofree char *canonical = NULL;
  g_autofree char *again = NULL;
  JsonObject *document;
  JsonNode *proof;
  gsize length = 0;

  if (root == NULL)
    return;
  canonical = dossier_jcs_serialize (root, &length, NULL);
  g_assert (canonical != NULL);
  again = dossier_jcs_canonicalize (canonical, length, NULL, NULL);
  g_assert (again != NULL && g_str_equal (canonical, again));
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return;
  document = json_node_get_object (root);
  proof = json_object_get_member (document, "proof");
  if (proof != NULL && JSON_NODE_HOLDS_OBJECT (proof))
    {
      g_autoptr(GBytes) hashed = dossier_data_integrity_hash_data (document, json_node_get_object (proof), NULL,
                                                                   G_CHECKSUM_SHA384, NULL);
    }
  else if (proof != NULL && JSON_NODE_HOLDS_ARRAY (proof))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (proof)) && i < 4; i++)
      {
        JsonNode *item = json_array_get_element (json_node_get_array (proof), i);
        g_autoptr(GBytes) hashed = NULL;

        if (JSON_NODE_HOLDS_OBJECT (item))
          hashed = dossier_data_integrity_hash_data (document, json_node_get_object (item), json_node_get_array (proof),
                                                     G_CHECKSUM_SHA256, NULL);
      }
}

/* The bytes as the CBOR of a derived ecdsa-sd-2023 proof value, checked
 * against a small fixed document with blank nodes. */
static void
fuzz_ecdsa_sd (const uint8_t *data,
               size_t         size)
{
  static EVP_PKEY *key;
  static const guint8 header[] = { 0xd9, 0x5d, 0x01 };
  static const guint8 zeros[32] = { 0 };
  const char *canonical = "_:c14n0 <https://example.org/p> \"_:c14n9 \\\" <x>\" _:c14n1 .\n"
                          "<https://example.org/s> <https://example.org/q> _:c14n0 .\n";
  g_autoptr(GByteArray) value = g_byte_array_new ();
  g_autoptr(GBytes) value_bytes = NULL;
  g_autoptr(GBytes) proof_hash = g_bytes_new_static (zeros, sizeof zeros);

  if (key == NULL)
    key = EVP_EC_gen ("P-256");
  g_byte_array_append (value, header, sizeof header);
  g_byte_array_append (value, data, (guint) MIN (size, G_MAXUINT / 2));
  value_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&value));
  dossier_ecdsa_sd_verify_derived (proof_hash, canonical, value_bytes, key, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(GPtrArray) keys = dossier_jwk_parse_set (text, size, NULL);
  g_autoptr(DossierJws) jws = dossier_jws_parse (text, size, NULL);
  GPtrArray *certificates = dossier_certificate_parse_pem (text, size, NULL);
  GBytes *base45 = dossier_base45_decode (text, size, NULL);
  GBytes *inflated = dossier_inflate (data, size, DOSSIER_INFLATE_RAW, 1 << 20, NULL);
  GBytes *zinflated = dossier_inflate (data, size, DOSSIER_INFLATE_ZLIB, 1 << 20, NULL);
  DossierVaultConfig *config = dossier_vault_config_parse (text, size, NULL);
  g_autoptr(DossierJwe) jwe = dossier_jwe_parse (text, size, NULL);
  g_autoptr(DossierShl) shl = dossier_shl_parse (text, size, NULL);
  GPtrArray *manifest = dossier_shl_parse_manifest (text, size, NULL);
  GBytes *badge = dossier_baked_badge_extract (data, size, NULL);
  GPtrArray *dscs = dossier_dsc_list_parse (text, size, NULL, NULL);
  DossierCoseSign1 *cose = dossier_cose_sign1_parse (data, size, NULL);
  g_autoptr(GBytes) whole = g_bytes_new_static (data, size);
  char *cwt_subject = dossier_status_list_cwt_subject (whole);

  g_clear_pointer (&certificates, g_ptr_array_unref);
  g_clear_pointer (&base45, g_bytes_unref);
  g_clear_pointer (&inflated, g_bytes_unref);
  g_clear_pointer (&zinflated, g_bytes_unref);
  g_clear_pointer (&config, dossier_vault_config_free);
  g_clear_pointer (&manifest, g_ptr_array_unref);
  g_clear_pointer (&badge, g_bytes_unref);
  g_clear_pointer (&dscs, g_ptr_array_unref);
  g_clear_pointer (&cose, dossier_cose_sign1_free);
  g_free (cwt_subject);

  if (jws != NULL && keys != NULL && keys->len > 0)
    dossier_jws_verify (jws, g_ptr_array_index (keys, 0), NULL);
  if (jwe != NULL)
    {
      static const guint8 key[DOSSIER_JWE_KEY_SIZE] = { 1, 2, 3 };
      GBytes *plain = dossier_jwe_decrypt (jwe, key, sizeof key, NULL);

      g_clear_pointer (&plain, g_bytes_unref);
    }
  if (shl != NULL)
    {
      char *request = dossier_shl_manifest_request (shl, "fuzz", "0000");
      char *direct = dossier_shl_direct_url (shl, "fuzz");

      g_free (request);
      g_free (direct);
    }
  fuzz_did_and_status (data, size);
  fuzz_canonical (data, size);
  fuzz_ecdsa_sd (data, size);
  return 0;
}
