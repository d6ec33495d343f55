// SPDX-License-Identifier: GPL-3.0-or-later
/* did:key, did:jwk and did:web keys, and the trust their issuers get. */
#include "dossier-base64.h"
#include "dossier-crypto-error.h"
#include "dossier-did.h"
#include "dossier-format-error.h"
#include "dossier-json.h"
#include "dossier-multikey.h"
#include "issuer-fixture.h"
#include "verify-fixture.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <string.h>

static char *
credential (const char *issuer)
{
  return g_strdup_printf ("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
                          "\"type\":[\"VerifiableCredential\",\"AchievementCredential\"],\"issuer\":\"%s\","
                          "\"validFrom\":\"2024-09-01T00:00:00Z\",\"name\":\"Bằng tốt nghiệp\","
                          "\"credentialSubject\":{\"id\":\"did:example:learner\"}}", issuer);
}

static char *
jwk_member (DossierJwk *key,
            const char *name)
{
  return g_strdup (dossier_json_get_string (dossier_jwk_get_json (key), name));
}

/* The did:key specification's Ed25519 example. */
static void
test_did_key_vector (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = dossier_did_resolve_keys ("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", NULL, &error);
  g_autofree char *x = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 1);
  x = jwk_member (g_ptr_array_index (keys, 0), "x");
  g_assert_cmpstr (x, ==, "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik");
  g_assert_cmpstr (dossier_jwk_get_kid (g_ptr_array_index (keys, 0)), ==,
                   "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
  g_assert_true (dossier_jwk_belongs_to (g_ptr_array_index (keys, 0), "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"));
  g_assert_false (dossier_jwk_belongs_to (g_ptr_array_index (keys, 0), "did:example:someone-else"));
}

static JsonObject *
read_key_pair (const char *relative,
               JsonNode  **root)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), relative, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  *root = dossier_json_parse (contents, length);
  g_assert_nonnull (*root);
  return json_node_get_object (*root);
}

/* The public multikey of each Data Integrity key pair is the public key
 * OpenSSL derives from its secret multikey. */
static void
test_multikey_pairs (void)
{
  static const struct { const char *file; const char *secret; guint secret_codec; const char *group; } pairs[] = {
    { "vc-di/keys/eddsa/keyPair.json", "privateKeyMultibase", 0x1300, NULL },
    { "vc-di/keys/ecdsa/p256KeyPair.json", "secretKeyMultibase", 0x1306, "prime256v1" },
    { "vc-di/keys/ecdsa/p384KeyPair.json", "secretKeyMultibase", 0x1307, "secp384r1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autoptr(JsonNode) root = NULL;
      JsonObject *pair = read_key_pair (pairs[i].file, &root);
      g_autoptr(GError) error = NULL;
      g_autoptr(DossierJwk) jwk = dossier_multikey_to_jwk (dossier_json_get_string (pair, "publicKeyMultibase"), NULL, &error);
      g_autoptr(GBytes) secret = NULL;
      EVP_PKEY *derived = NULL;
      guint codec;
      int match;

      g_assert_no_error (error);
      secret = dossier_multikey_decode (dossier_json_get_string (pair, pairs[i].secret), &codec, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (codec, ==, pairs[i].secret_codec);
      if (pairs[i].group == NULL)
        derived = EVP_PKEY_new_raw_private_key (EVP_PKEY_ED25519, NULL, g_bytes_get_data (secret, NULL), g_bytes_get_size (secret));
      else
        {
          /* the public point is d·G; the JWK must hold its coordinates */
          EC_GROUP *group = EC_GROUP_new_by_curve_name (OBJ_sn2nid (pairs[i].group));
          EC_POINT *point = EC_POINT_new (group);
          BIGNUM *d = BN_bin2bn (g_bytes_get_data (secret, NULL), (int) g_bytes_get_size (secret), NULL);
          guint8 encoded[97];
          gsize length;
          g_autoptr(GBytes) x = dossier_base64url_decode (dossier_json_get_string (dossier_jwk_get_json (jwk), "x"), -1, NULL);
          g_autoptr(GBytes) y = dossier_base64url_decode (dossier_json_get_string (dossier_jwk_get_json (jwk), "y"), -1, NULL);

          g_assert_true (EC_POINT_mul (group, point, d, NULL, NULL, NULL) == 1);
          length = EC_POINT_point2oct (group, point, POINT_CONVERSION_UNCOMPRESSED, encoded, sizeof encoded, NULL);
          g_assert_cmpuint (length, ==, 1 + 2 * g_bytes_get_size (x));
          g_assert_cmpmem (encoded + 1, g_bytes_get_size (x), g_bytes_get_data (x, NULL), g_bytes_get_size (x));
          g_assert_cmpmem (encoded + 1 + g_bytes_get_size (x), g_bytes_get_size (y), g_bytes_get_data (y, NULL), g_bytes_get_size (y));
          BN_free (d);
          EC_POINT_free (point);
          EC_GROUP_free (group);
          continue;
        }
      g_assert_nonnull (derived);
      match = EVP_PKEY_eq (derived, dossier_jwk_get_pkey (jwk));
      EVP_PKEY_free (derived);
      g_assert_cmpint (match, ==, 1);
    }
}

static void
test_base58 (void)
{
  static const guint8 expected[] = { 0, 0, 0x28, 0x7f, 0xb4, 0xcd };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *encoded = test_base58_encode (expected, sizeof expected);
  g_autofree char *huge = g_strnfill (DOSSIER_BASE58_MAX_INPUT + 1, 'z');
  guint codec;

  g_assert_true (g_str_has_prefix (encoded, "11"));
  bytes = dossier_base58btc_decode (encoded, strlen (encoded), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, sizeof expected);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* 0, O, I and l are not in the alphabet */
  g_assert_null (dossier_base58btc_decode ("abc0", 4, &error));
  g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (dossier_base58btc_decode (huge, strlen (huge), &error));
  g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_null (dossier_multikey_decode ("uAQID", &codec, &error));
  g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED);
  g_clear_error (&error);
  /* a secp256k1 key (0xe7) is well-formed but not supported */
  {
    guint8 k1[35] = { 0xe7, 0x01, 0x02 };
    g_autofree char *text = test_base58_encode (k1, sizeof k1);
    g_autofree char *multikey = g_strconcat ("z", text, NULL);

    g_assert_null (dossier_multikey_to_jwk (multikey, NULL, &error));
    g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }
  /* a P-256 "point" whose x is not on the curve */
  {
    guint8 bad[35] = { 0x80, 0x24, 0x02 };
    g_autofree char *text = NULL;
    g_autofree char *multikey = NULL;

    memset (bad + 3, 0xff, 32);
    text = test_base58_encode (bad, sizeof bad);
    multikey = g_strconcat ("z", text, NULL);
    g_assert_null (dossier_multikey_to_jwk (multikey, NULL, &error));
    g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY);
  }
}

/* The ob3 vector keys: the did:key documents' keys are the keys their
 * DIDs resolve to. */
static void
test_did_documents (void)
{
  static const char * const files[] = { "did-key-z6MkjZRZv3aez3r1.json", "did-key-zDnaekGZTbQBerwc.json" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *relative = g_build_filename ("ob3", "keys", files[i], NULL);
      g_autoptr(JsonNode) root = NULL;
      JsonObject *document = read_key_pair (relative, &root);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) from_document = dossier_did_document_keys (document, &error);
      g_autoptr(GPtrArray) resolved = NULL;
      g_autofree char *a = NULL, *b = NULL;

      g_assert_no_error (error);
      resolved = dossier_did_resolve_keys (dossier_jwk_get_kid (g_ptr_array_index (from_document, 0)), NULL, &error);
      g_assert_no_error (error);
      a = dossier_jwk_dup_thumbprint (g_ptr_array_index (from_document, 0));
      b = dossier_jwk_dup_thumbprint (g_ptr_array_index (resolved, 0));
      g_assert_cmpstr (a, ==, b);
      g_assert_cmpstr (dossier_jwk_get_kty (g_ptr_array_index (resolved, 0)), ==, i == 0 ? "OKP" : "EC");
    }
}

static void
test_did_web_urls (void)
{
  static const struct { const char *did; const char *url; } good[] = {
    { "did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json" },
    { "did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json" },
    { "did:web:example.com%3A3000:truong", "https://example.com:3000/truong/did.json" },
  };
  static const char * const bad[] = { "did:web:", "did:web:a::b", "did:web:a:..", "did:web:ex/ample.com", "did:web:a#k", "did:key:z6Mk" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = dossier_did_web_url (good[i].did, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, good[i].url);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = dossier_did_web_url (bad[i], &error);

      g_assert_null (url);
      g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
    }
}

/* A credential signed with a did:key: authentic on its own, trusted only
 * when an anchor names that DID or key. */
static void
test_did_key_issuer (void)
{
  static const char * const curves[] = { "Ed25519", "P-256", "P-384" };

  for (guint i = 0; i < G_N_ELEMENTS (curves); i++)
    {
      g_autoptr(TestKey) key = test_key_new (curves[i]);
      g_autofree char *multikey = test_key_multikey (key);
      g_autofree char *did = g_strconcat ("did:key:", multikey, NULL);
      g_autofree char *header = g_strdup_printf ("\"typ\":\"vc+jwt\",\"kid\":\"%s#%s\"", did, multikey);
      g_autofree char *payload = credential (did);
      g_autofree char *token = test_key_sign (key, header, payload);
      g_autofree char *document = g_strdup_printf ("{\"id\":\"%s\",\"verificationMethod\":[{\"id\":\"%s#%s\",\"type\":\"Multikey\","
                                                   "\"controller\":\"%s\",\"publicKeyMultibase\":\"%s\"}]}",
                                                   did, did, multikey, did, multikey);
      g_autofree char *multikey_file = g_strdup_printf ("{\"type\":\"Multikey\",\"controller\":\"%s\",\"publicKeyMultibase\":\"%s\"}",
                                                        did, multikey);
      g_autoptr(DossierTrustRegistry) none = test_registry_new (NULL, NULL);
      g_autoptr(DossierTrustRegistry) by_document = test_registry_new (document, NULL);
      g_autoptr(DossierTrustRegistry) by_multikey = test_registry_new (multikey_file, NULL);
      g_autoptr(DossierVerification) alone = test_verify (token, none);
      g_autoptr(DossierVerification) anchored = test_verify (token, by_document);
      g_autoptr(DossierVerification) anchored_key = test_verify (token, by_multikey);

      test_assert_outcome (alone, "unverified", NULL, NULL);
      g_assert_nonnull (strstr (test_check_detail (alone, "signature"), "no trust anchor"));
      test_assert_outcome (anchored, "valid", NULL, NULL);
      test_assert_outcome (anchored_key, "valid", NULL, NULL);
      g_assert_cmpstr (test_check_detail (anchored_key, "key"), ==, "anchor 1");
      {
        /* a trusted key without an id answers to any kid, but does not
         * stand in the way of the DID's own key */
        g_autoptr(TestKey) unrelated = test_key_new ("P-256");
        g_autofree char *unrelated_jwk = test_key_jwk (unrelated, NULL);
        g_autoptr(DossierTrustRegistry) other = test_registry_new (unrelated_jwk, NULL);
        g_autoptr(DossierTrustRegistry) both = test_registry_new (unrelated_jwk, document, NULL);
        g_autoptr(DossierVerification) beside_other = test_verify (token, other);
        g_autoptr(DossierVerification) beside_both = test_verify (token, both);

        test_assert_outcome (beside_other, "unverified", NULL, NULL);
        test_assert_outcome (beside_both, "valid", NULL, NULL);
        g_assert_cmpstr (test_check_detail (beside_both, "key"), ==, "anchor 2");
      }
    }
}

static void
test_did_jwk_issuer (void)
{
  g_autoptr(TestKey) key = test_key_new ("P-256");
  g_autofree char *jwk = test_key_jwk (key, NULL);
  g_autofree char *encoded = dossier_base64url_encode (jwk, strlen (jwk));
  g_autofree char *did = g_strconcat ("did:jwk:", encoded, NULL);
  g_autofree char *header = g_strdup_printf ("\"kid\":\"%s#0\"", did);
  g_autofree char *payload = credential (did);
  g_autofree char *token = test_key_sign (key, header, payload);
  g_autofree char *anchor = test_key_jwk (key, NULL);
  g_autoptr(DossierTrustRegistry) none = test_registry_new (NULL, NULL);
  g_autoptr(DossierTrustRegistry) trusted = test_registry_new (anchor, NULL);
  g_autoptr(DossierVerification) alone = test_verify (token, none);
  g_autoptr(DossierVerification) anchored = test_verify (token, trusted);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) wrong_fragment = dossier_did_resolve_keys ("did:jwk:e30#1", NULL, &error);

  test_assert_outcome (alone, "unverified", NULL, NULL);
  /* the same key in a plain JWK file makes the DID's issuer trusted */
  test_assert_outcome (anchored, "valid", NULL, NULL);
  {
    /* an SD-JWT VC from the same DID */
    g_autofree char *claims = g_strdup_printf ("{\"iss\":\"%s\",\"vct\":\"https://credentials.example/the\",\"iat\":1717200000}", did);
    g_autofree char *jwt = test_key_sign (key, header, claims);
    g_autofree char *sd_jwt = g_strconcat (jwt, "~", NULL);
    g_autoptr(DossierVerification) sd_alone = test_verify (sd_jwt, none);
    g_autoptr(DossierVerification) sd_anchored = test_verify (sd_jwt, trusted);

    g_assert_cmpstr (dossier_verification_get_format (sd_alone), ==, "sd-jwt");
    test_assert_outcome (sd_alone, "unverified", NULL, NULL);
    test_assert_outcome (sd_anchored, "valid", NULL, NULL);
  }
  g_assert_null (wrong_fragment);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH);
}

/* A DID key must belong to the issuer; a forged signature stays forged. */
static void
test_did_mismatch (void)
{
  g_autoptr(TestKey) key = test_key_new ("Ed25519");
  g_autoptr(TestKey) other = test_key_new ("Ed25519");
  g_autofree char *multikey = test_key_multikey (key);
  g_autofree char *other_multikey = test_key_multikey (other);
  g_autofree char *did = g_strconcat ("did:key:", multikey, NULL);
  g_autofree char *other_did = g_strconcat ("did:key:", other_multikey, NULL);
  g_autofree char *header = g_strdup_printf ("\"kid\":\"%s#%s\"", did, multikey);
  g_autofree char *for_other = credential (other_did);
  g_autofree char *for_web = credential ("https://truong.example.edu.vn");
  g_autofree char *for_self = credential (did);
  g_autofree char *claims_other = test_key_sign (key, header, for_other);
  g_autofree char *claims_web = test_key_sign (key, header, for_web);
  g_autofree char *forged = test_key_sign (other, header, for_self);
  g_autofree char *no_kid = test_key_sign (key, NULL, for_self);
  g_autoptr(DossierTrustRegistry) none = test_registry_new (NULL, NULL);
  g_autoptr(DossierVerification) a = test_verify (claims_other, none);
  g_autoptr(DossierVerification) b = test_verify (claims_web, none);
  g_autoptr(DossierVerification) c = test_verify (forged, none);
  g_autoptr(DossierVerification) d = test_verify (no_kid, none);

  test_assert_outcome (a, "invalid", "key", "kid-not-issuer");
  test_assert_outcome (b, "invalid", "key", "kid-not-issuer");
  test_assert_outcome (c, "invalid", "signature", "signature-mismatch");
  /* with no kid, the issuer's did:key names the key */
  test_assert_outcome (d, "unverified", NULL, NULL);
}

/* did:web: the document comes from a trust anchor (it registers under its
 * https address) or the network; offline and unknown, the key is not
 * available. */
static void
test_did_web (void)
{
  g_autoptr(TestKey) key = test_key_new ("P-256");
  g_autofree char *jwk = test_key_jwk (key, NULL);
  const char *did = "did:web:truong.example.edu.vn:khoa:cntt";
  g_autofree char *document = g_strdup_printf ("{\"id\":\"%s\",\"verificationMethod\":[{\"id\":\"#key-1\",\"type\":\"JsonWebKey\","
                                               "\"controller\":\"%s\",\"publicKeyJwk\":%s}]}", did, did, jwk);
  g_autofree char *payload = credential (did);
  g_autofree char *token = test_key_sign (key, "\"kid\":\"#key-1\"", payload);
  g_autoptr(DossierTrustRegistry) offline = test_registry_new (NULL, NULL);
  g_autoptr(DossierTrustRegistry) trusted = test_registry_new (document, NULL);
  g_autoptr(DossierVerification) unknown = test_verify (token, offline);
  g_autoptr(DossierVerification) known = test_verify (token, trusted);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = dossier_did_resolve_keys ("did:web:truong.example.edu.vn:khoa:cntt#key-1",
                                                        DOSSIER_KEY_SOURCE (trusted), &error);

  test_assert_outcome (unknown, "invalid", "key", "key-not-available");
  g_assert_nonnull (strstr (test_check_detail (unknown, "key"), "https://truong.example.edu.vn/khoa/cntt/did.json"));
  g_assert_true (g_str_has_prefix (test_check_detail (unknown, "key"), "The key of did:web:truong.example.edu.vn:khoa:cntt is not available"));
  test_assert_outcome (known, "valid", NULL, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 1);
  g_assert_cmpstr (dossier_jwk_get_kid (g_ptr_array_index (keys, 0)), ==, "did:web:truong.example.edu.vn:khoa:cntt#key-1");
  g_clear_pointer (&keys, g_ptr_array_unref);
  keys = dossier_did_resolve_keys ("did:web:truong.example.edu.vn:khoa:cntt#key-2", DOSSIER_KEY_SOURCE (trusted), &error);
  g_assert_null (keys);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/did/key-vector", test_did_key_vector);
  g_test_add_func ("/did/multikey-pairs", test_multikey_pairs);
  g_test_add_func ("/did/base58", test_base58);
  g_test_add_func ("/did/documents", test_did_documents);
  g_test_add_func ("/did/web-urls", test_did_web_urls);
  g_test_add_func ("/did/key-issuer", test_did_key_issuer);
  g_test_add_func ("/did/jwk-issuer", test_did_jwk_issuer);
  g_test_add_func ("/did/mismatch", test_did_mismatch);
  g_test_add_func ("/did/web", test_did_web);
  return g_test_run ();
}
