// SPDX-License-Identifier: GPL-3.0-or-later
/* Credentials secured with Data Integrity proofs: the published JCS test
 * vectors, the same with one thing changed, and proofs made here with
 * fresh keys for what the vectors do not cover (P-384, DID issuers). */
#include "dossier-data-integrity.h"
#include "dossier-format-error.h"
#include "dossier-jcs.h"
#include "dossier-json.h"
#include "dossier-jws.h"
#include "issuer-fixture.h"
#include "verify-fixture.h"

#include <string.h>

#define EDDSA_VECTOR "vc-di/eddsa/eddsa-jcs-2022/signedJCS.json"
#define EDDSA_KEY    "vc-di/keys/eddsa/keyPair.json"
#define ECDSA_VECTOR "vc-di/ecdsa/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json"
#define ECDSA_KEY    "vc-di/keys/ecdsa/p256KeyPair.json"

static char *
read_vector (const char *relative)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), relative, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* @text with its one occurrence of @from replaced by @to. */
static char *
replaced (const char *text,
          const char *from,
          const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  return g_strjoinv (to, parts);
}

static DossierVerification *
verify_with (const char *input,
             const char *key_file)
{
  g_autofree char *key = key_file != NULL ? read_vector (key_file) : NULL;
  g_autoptr(DossierTrustRegistry) registry = key != NULL ? test_registry_new (key, NULL) : NULL;

  return test_verify (input, registry);
}

static void
test_vectors_verify (void)
{
  const char *cases[][2] = { { EDDSA_VECTOR, EDDSA_KEY }, { ECDSA_VECTOR, ECDSA_KEY } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *input = read_vector (cases[i][0]);
      g_autoptr(DossierVerification) result = NULL;
      DossierRecord *record;

      g_assert_true (dossier_data_integrity_detect (input, strlen (input)));
      result = verify_with (input, cases[i][1]);
      test_assert_outcome (result, "valid", NULL, NULL);
      g_assert_cmpstr (dossier_verification_get_format (result), ==, "vc-di");
      g_assert_cmpstr (test_check_detail (result, "key"), ==, "anchor 1");
      g_assert_cmpuint (dossier_verification_get_records (result)->len, ==, 1);
      record = g_ptr_array_index (dossier_verification_get_records (result), 0);
      g_assert_cmpstr (dossier_record_get_title (record), ==, "Alumni Credential");
      g_assert_cmpstr (dossier_record_get_issued (record), ==, "2023-01-01");
      g_assert_cmpstr (dossier_record_get_format (record), ==, "vc-di");
      g_assert_cmpint (dossier_record_get_kind (record), ==, DOSSIER_RECORD_KIND_CERTIFICATE);
      g_assert_finalize_object (g_steal_pointer (&result));
    }
}

/* Changing any signed byte breaks the signature; the vectors' keys
 * cannot stand in for each other; no key, no issuer. */
static void
test_vectors_changed (void)
{
  static const struct { const char *from, *to, *key, *failure, *code; } cases[] = {
    { "The School of Examples", "The School of Forgeries", EDDSA_KEY, "signature", "signature-mismatch" },
    { "2023-02-24T23:36:38Z", "2023-02-24T23:36:39Z", EDDSA_KEY, "signature", "signature-mismatch" },
    { "\"validFrom\": \"2023-01-01T00:00:00Z\",", "", EDDSA_KEY, "signature", "signature-mismatch" },
    { "z2HnFSSPPBzR36zd", "z2HnFSSPPBzR36ze", EDDSA_KEY, "signature", "signature-mismatch" },
    { "z2HnFSSPPBzR36zd", "u2HnFSSPPBzR36zd", EDDSA_KEY, "signature", "proof-malformed" },
    { "z2HnFSSPPBzR36zd", "z0HnFSSPPBzR36zd", EDDSA_KEY, "signature", "proof-malformed" },
    { "\"proofPurpose\": \"assertionMethod\"", "\"proofPurpose\": \"authentication\"", EDDSA_KEY, "signature", "proof-purpose" },
    { "\"cryptosuite\": \"eddsa-jcs-2022\"", "\"cryptosuite\": \"eddsa-rdfc-2022\"", EDDSA_KEY, "signature", "signature-mismatch" },
    { "\"cryptosuite\": \"eddsa-jcs-2022\"", "\"cryptosuite\": \"eddsa-2022\"", EDDSA_KEY, "signature", "signature-mismatch" },
    { "\"cryptosuite\": \"eddsa-jcs-2022\"", "\"cryptosuite\": \"ecdsa-sd-2023\"", EDDSA_KEY, "signature", "proof-malformed" },
    { "\"cryptosuite\": \"eddsa-jcs-2022\"", "\"cryptosuite\": \"eddsa-jcs-2099\"", EDDSA_KEY, "signature", "cryptosuite-unsupported" },
    { "\"cryptosuite\": \"eddsa-jcs-2022\"", "\"cryptosuite\": \"ecdsa-jcs-2019\"", EDDSA_KEY, "signature", "signature-mismatch" },
    { "\"type\": \"DataIntegrityProof\"", "\"type\": \"Ed25519Signature2020\"", EDDSA_KEY, "signature", "signature-mismatch" },
    { "\"type\": \"DataIntegrityProof\"", "\"type\": \"JsonWebSignature2020\"", EDDSA_KEY, "signature", "proof-type" },
    { "\"https://www.w3.org/ns/credentials/examples/v2\"\n    ],\n    \"proofValue\"",
      "\"https://example.org/other\"\n    ],\n    \"proofValue\"", EDDSA_KEY, "signature", "signature-mismatch" },
    { "\"proofPurpose\": \"assertionMethod\"", "\"proofPurpose\": \"assertionMethod\", \"type\": \"x\"", EDDSA_KEY, "decode", "vc-malformed" },
    { "The School of Examples", "The School of Examples", ECDSA_KEY, "signature", "signature-mismatch" },
    { "The School of Examples", "The School of Examples", NULL, "key", "kid-not-issuer" },
    { "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#", "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#wrong",
      EDDSA_KEY, "key", "did-unresolvable" },
    { "\"verificationMethod\": \"did:key:", "\"verificationMethod\": \"did:example:", EDDSA_KEY, "key", "did-unsupported" },
    { "\"verificationMethod\": \"did:key:", "\"verificationMethod\": \"https://vc.example/issuers/5678#", NULL, "key", "key-not-trusted" },
    { "\"issuer\": \"https://vc.example/issuers/5678\",", "", EDDSA_KEY, "schema", "vc-schema" },
  };
  g_autofree char *input = read_vector (EDDSA_VECTOR);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *changed = replaced (input, cases[i].from, cases[i].to);
      g_autoptr(DossierVerification) result = verify_with (changed, cases[i].key);

      g_test_message ("case %u", i);
      test_assert_outcome (result, "invalid", cases[i].failure, cases[i].code);
      g_assert_finalize_object (g_steal_pointer (&result));
    }
}

static char *
proof_member (const char *input)
{
  const char *start = strstr (input, "\"proof\": ");
  const char *end = strrchr (input, '}');

  g_assert_nonnull (start);
  return g_strndup (start + strlen ("\"proof\": "), (gsize) (end - start - strlen ("\"proof\": ")));
}

/* A proof set: every proof must verify. */
static void
test_proof_set (void)
{
  g_autofree char *input = read_vector (EDDSA_VECTOR);
  g_autofree char *proof = proof_member (input);
  g_autofree char *broken_proof = replaced (proof, "z2HnFSSPPBzR36zd", "z2HnFSSPPBzR36ze");
  g_autofree char *set = g_strdup_printf ("[%s, %s]", proof, proof);
  g_autofree char *broken_set = g_strdup_printf ("[%s, %s]", proof, broken_proof);
  g_autofree char *with_set = replaced (input, proof, set);
  g_autofree char *with_broken = replaced (input, proof, broken_set);
  g_autofree char *with_empty = replaced (input, proof, "[]");
  g_autofree char *with_string = replaced (input, proof, "\"z2HnFSSPPBzR36zd\"");
  g_autoptr(DossierVerification) result = verify_with (with_set, EDDSA_KEY);

  test_assert_outcome (result, "valid", NULL, NULL);
  g_assert_finalize_object (g_steal_pointer (&result));
  result = verify_with (with_broken, EDDSA_KEY);
  test_assert_outcome (result, "invalid", "signature", "signature-mismatch");
  g_assert_finalize_object (g_steal_pointer (&result));
  result = verify_with (with_empty, EDDSA_KEY);
  test_assert_outcome (result, "invalid", "signature", "proof-malformed");
  g_assert_finalize_object (g_steal_pointer (&result));
  result = verify_with (with_string, EDDSA_KEY);
  test_assert_outcome (result, "invalid", "signature", "proof-malformed");
  g_assert_finalize_object (g_steal_pointer (&result));
}

static void
test_detect (void)
{
  const char *no_proof = "{\"type\":[\"VerifiableCredential\"],\"issuer\":\"did:example:1\",\"credentialSubject\":{}}";
  const char *not_vc = "{\"type\":[\"Thing\"],\"proof\":{}}";

  g_assert_false (dossier_data_integrity_detect (no_proof, strlen (no_proof)));
  g_assert_false (dossier_data_integrity_detect (not_vc, strlen (not_vc)));
  g_assert_false (dossier_data_integrity_detect ("[]", 2));
  g_assert_false (dossier_data_integrity_detect ("", 0));
}

/* @document_text secured with a proof made here with @key: @proof_text
 * are the proof's options, to which the proof value is added. */
static char *
sign_document (TestKey    *key,
               const char *document_text,
               const char *proof_text)
{
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(JsonNode) proof = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *base58 = NULL;
  gboolean p384 = g_str_equal (key->alg, "ES384");

  document = dossier_jcs_parse (document_text, strlen (document_text), &error);
  g_assert_no_error (error);
  proof = dossier_jcs_parse (proof_text, strlen (proof_text), &error);
  g_assert_no_error (error);
  data = dossier_data_integrity_hash_data (json_node_get_object (document), json_node_get_object (proof), NULL,
                                           p384 ? G_CHECKSUM_SHA384 : G_CHECKSUM_SHA256, &error);
  g_assert_no_error (error);
  signature = dossier_crypto_sign (key->alg, key->pkey, g_bytes_get_data (data, NULL), g_bytes_get_size (data), &error);
  g_assert_no_error (error);
  base58 = test_base58_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  value = g_strdup_printf ("z%s", base58);
  json_object_set_string_member (json_node_get_object (proof), "proofValue", value);
  json_object_set_member (json_node_get_object (document), "proof", g_steal_pointer (&proof));
  return json_to_string (document, TRUE);
}

static char *
did_key_of (TestKey *key)
{
  g_autofree char *multikey = test_key_multikey (key);

  return g_strconcat ("did:key:", multikey, NULL);
}

/* A credential signed here with @key by its own did:key (or naming
 * another issuer). */
static char *
sign_credential (TestKey    *key,
                 const char *suite,
                 const char *issuer_override,
                 const char *created,
                 const char *extra_proof_members)
{
  g_autofree char *multikey = test_key_multikey (key);
  g_autofree char *did = did_key_of (key);
  g_autofree char *unsigned_text = NULL;
  g_autofree char *proof_text = NULL;

  unsigned_text = g_strdup_printf ("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
                                   "\"type\":[\"VerifiableCredential\",\"AchievementCredential\"],"
                                   "\"issuer\":{\"id\":\"%s\",\"name\":\"Trường Đại học Bách khoa\"},"
                                   "\"validFrom\":\"2024-09-01T00:00:00Z\",\"score\":95.50,\"count\":1e2,"
                                   "\"credentialSubject\":{\"id\":\"did:example:learner\",\"achievement\":"
                                   "{\"name\":\"Kỹ sư Điện\",\"achievementType\":\"BachelorDegree\"}}}",
                                   issuer_override != NULL ? issuer_override : did);
  proof_text = g_strdup_printf ("{\"type\":\"DataIntegrityProof\",\"cryptosuite\":\"%s\","
                                "\"created\":\"%s\",\"verificationMethod\":\"%s#%s\","
                                "\"proofPurpose\":\"assertionMethod\"%s}",
                                suite, created, did, multikey, extra_proof_members);
  return sign_document (key, unsigned_text, proof_text);
}

static void
test_signed_here (void)
{
  static const struct { const char *curve, *suite; } cases[] = {
    { "Ed25519", "eddsa-jcs-2022" },
    { "P-256", "ecdsa-jcs-2019" },
    { "P-384", "ecdsa-jcs-2019" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestKey) key = test_key_new (cases[i].curve);
      g_autoptr(TestKey) other = test_key_new (cases[i].curve);
      g_autofree char *signed_text = sign_credential (key, cases[i].suite, NULL, "2024-09-01T00:00:00Z", "");
      g_autofree char *multikey = test_key_multikey (key);
      g_autofree char *anchor = g_strdup_printf ("{\"publicKeyMultibase\":\"%s\"}", multikey);
      g_autofree char *other_issuer = sign_credential (key, cases[i].suite, "did:example:someone-else", "2024-09-01T00:00:00Z", "");
      g_autofree char *by_other = NULL;
      g_autofree char *expired = sign_credential (key, cases[i].suite, NULL, "2024-09-01T00:00:00Z",
                                                 ",\"expires\":\"2025-01-01T00:00:00Z\"");
      g_autofree char *future = sign_credential (key, cases[i].suite, NULL, "2030-01-01T00:00:00Z", "");
      g_autoptr(DossierTrustRegistry) registry = test_registry_new (anchor, NULL);
      g_autoptr(DossierVerification) result = test_verify (signed_text, NULL);
      g_autofree char *other_multikey = test_key_multikey (other);
      g_auto(GStrv) parts = NULL;
      DossierRecord *record;

      g_test_message ("%s with %s", cases[i].suite, cases[i].curve);
      /* signed by the issuer's own DID: authentic, but nobody vouches for it */
      test_assert_outcome (result, "unverified", NULL, NULL);
      record = g_ptr_array_index (dossier_verification_get_records (result), 0);
      g_assert_cmpint (dossier_record_get_kind (record), ==, DOSSIER_RECORD_KIND_DEGREE);
      g_assert_cmpstr (dossier_record_get_title (record), ==, "Kỹ sư Điện");
      g_assert_finalize_object (g_steal_pointer (&result));

      result = test_verify (signed_text, registry);
      test_assert_outcome (result, "valid", NULL, NULL);
      g_assert_finalize_object (g_steal_pointer (&result));

      result = test_verify (other_issuer, NULL);
      test_assert_outcome (result, "invalid", "key", "kid-not-issuer");
      g_assert_finalize_object (g_steal_pointer (&result));

      /* the proof names another DID's key than the one that signed */
      parts = g_strsplit (signed_text, multikey, -1);
      by_other = g_strjoinv (other_multikey, parts);
      result = test_verify (by_other, NULL);
      test_assert_outcome (result, "invalid", "signature", "signature-mismatch");
      g_assert_finalize_object (g_steal_pointer (&result));

      result = test_verify (expired, registry);
      test_assert_outcome (result, "invalid", "expired", "expired");
      g_assert_finalize_object (g_steal_pointer (&result));
      result = test_verify (future, registry);
      test_assert_outcome (result, "invalid", "not-yet-valid", "not-yet-valid");
      g_assert_finalize_object (g_steal_pointer (&result));
    }
}

/* A did:web issuer whose DID document lists a did:key method as its own:
 * a proof by that key is the issuer's; by a key the document does not
 * list, it is not. */
static void
test_listed_by_issuer (void)
{
  g_autoptr(TestKey) key = test_key_new ("Ed25519");
  g_autoptr(TestKey) other = test_key_new ("Ed25519");
  g_autofree char *multikey = test_key_multikey (key);
  g_autofree char *other_multikey = test_key_multikey (other);
  g_autofree char *signed_text = sign_credential (key, "eddsa-jcs-2022", "did:web:school.example", "2024-09-01T00:00:00Z", "");
  g_autofree char *listing = g_strdup_printf ("{\"id\":\"did:web:school.example\",\"verificationMethod\":[{"
                                              "\"id\":\"did:key:%s#%s\",\"type\":\"Multikey\","
                                              "\"controller\":\"did:key:%s\",\"publicKeyMultibase\":\"%s\"}]}",
                                              multikey, multikey, multikey, multikey);
  g_autofree char *not_listing = g_strdup_printf ("{\"id\":\"did:web:school.example\",\"verificationMethod\":[{"
                                                  "\"id\":\"did:web:school.example#k\",\"type\":\"Multikey\","
                                                  "\"publicKeyMultibase\":\"%s\"}]}", other_multikey);
  g_autoptr(DossierTrustRegistry) registry = test_registry_new (listing, NULL);
  g_autoptr(DossierTrustRegistry) other_registry = test_registry_new (not_listing, NULL);
  g_autoptr(DossierVerification) result = test_verify (signed_text, registry);

  test_assert_outcome (result, "unverified", NULL, NULL);
  g_assert_finalize_object (g_steal_pointer (&result));
  result = test_verify (signed_text, other_registry);
  test_assert_outcome (result, "invalid", "key", "kid-not-issuer");
  g_assert_finalize_object (g_steal_pointer (&result));
  result = test_verify (signed_text, NULL);
  test_assert_outcome (result, "invalid", "key", "kid-not-issuer");
  g_assert_finalize_object (g_steal_pointer (&result));
}

/* A presentation signed by its holder for a verifier's challenge and
 * domain, holding a credential of a trusted issuer. */
static char *
sign_presentation (TestKey    *holder,
                   const char *credential,
                   const char *purpose)
{
  g_autofree char *multikey = test_key_multikey (holder);
  g_autofree char *did = did_key_of (holder);
  g_autofree char *unsigned_text = NULL;
  g_autofree char *proof_text = NULL;

  unsigned_text = g_strdup_printf ("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
                                   "\"type\":[\"VerifiablePresentation\"],\"holder\":\"%s\","
                                   "\"verifiableCredential\":[%s]}", did, credential);
  proof_text = g_strdup_printf ("{\"type\":\"DataIntegrityProof\",\"cryptosuite\":\"eddsa-jcs-2022\","
                                "\"created\":\"2025-05-01T00:00:00Z\",\"verificationMethod\":\"%s#%s\","
                                "\"proofPurpose\":\"%s\",\"challenge\":\"n-0S6_WzA2Mj\","
                                "\"domain\":[\"https://verifier.example\"]}", did, multikey, purpose);
  return sign_document (holder, unsigned_text, proof_text);
}

static DossierVerification *
verify_presented (const char           *input,
                  DossierTrustRegistry *registry,
                  const char           *audience,
                  const char           *nonce)
{
  g_autoptr(GBytes) bytes = g_bytes_new (input, strlen (input));
  g_autoptr(GDateTime) at = g_date_time_new_utc (2025, 6, 1, 0, 0, 0);

  return dossier_verify_presentation (bytes, "test", registry, at, audience, nonce);
}

static void
test_presentation (void)
{
  g_autoptr(TestKey) issuer = test_key_new ("P-256");
  g_autoptr(TestKey) holder = test_key_new ("Ed25519");
  g_autofree char *issuer_multikey = test_key_multikey (issuer);
  g_autofree char *anchor = g_strdup_printf ("{\"publicKeyMultibase\":\"%s\"}", issuer_multikey);
  g_autofree char *credential = sign_credential (issuer, "ecdsa-jcs-2019", NULL, "2024-09-01T00:00:00Z", "");
  g_autofree char *presentation = sign_presentation (holder, credential, "authentication");
  g_autofree char *asserted = sign_presentation (holder, credential, "assertionMethod");
  g_autofree char *changed_credential = replaced (credential, "Kỹ sư Điện", "Tiến sĩ");
  g_autofree char *with_changed = sign_presentation (holder, changed_credential, "authentication");
  g_autoptr(DossierTrustRegistry) registry = test_registry_new (anchor, NULL);
  g_autoptr(DossierVerification) result = NULL;

  g_assert_true (dossier_data_integrity_detect (presentation, strlen (presentation)));
  result = verify_presented (presentation, registry, "https://verifier.example", "n-0S6_WzA2Mj");
  test_assert_outcome (result, "valid", NULL, NULL);
  g_assert_cmpuint (dossier_verification_get_records (result)->len, ==, 1);
  g_assert_cmpstr (test_check_detail (result, "key-binding"), ==, "Presented for this verifier");
  g_assert_finalize_object (g_steal_pointer (&result));

  result = verify_presented (presentation, NULL, NULL, NULL);
  test_assert_outcome (result, "unverified", NULL, NULL);
  g_assert_finalize_object (g_steal_pointer (&result));

  result = verify_presented (presentation, registry, "https://verifier.example", "another-nonce");
  test_assert_outcome (result, "invalid", "key-binding", "challenge-mismatch");
  g_assert_finalize_object (g_steal_pointer (&result));
  result = verify_presented (presentation, registry, "https://elsewhere.example", "n-0S6_WzA2Mj");
  test_assert_outcome (result, "invalid", "key-binding", "domain-mismatch");
  g_assert_finalize_object (g_steal_pointer (&result));

  result = verify_presented (asserted, registry, NULL, NULL);
  test_assert_outcome (result, "invalid", "signature", "proof-purpose");
  g_assert_finalize_object (g_steal_pointer (&result));

  /* the holder signed over a credential changed after it was issued */
  result = verify_presented (with_changed, registry, NULL, NULL);
  test_assert_outcome (result, "invalid", "signature", "signature-mismatch");
  g_assert_finalize_object (g_steal_pointer (&result));
}

/* Hostile shapes are refused with a reason, never a crash. */
static void
test_malformed (void)
{
  static const char *cases[] = {
    "",
    "   ",
    "[1]",
    "{\"type\":\"VerifiableCredential\"}",
    "{\"type\":\"VerifiableCredential\",\"proof\":{}",
    "{\"type\":\"VerifiablePresentation\",\"proof\":{},\"holder\":\"did:example:1\"}",
    "{\"type\":\"VerifiablePresentation\",\"proof\":{},\"holder\":\"did:example:1\",\"verifiableCredential\":\"eyJ\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DossierVerifyOptions options = { NULL, NULL, NULL, NULL };
      g_autoptr(DossierVerification) result = dossier_verification_new ("test");

      dossier_data_integrity_verify (cases[i], strlen (cases[i]), &options, result);
      g_assert_cmpstr (dossier_verification_get_summary (result), ==, "invalid");
      g_assert_finalize_object (g_steal_pointer (&result));
    }
}

/* The RDFC vectors: eddsa-rdfc-2022, ecdsa-rdfc-2019 with P-256, the
 * legacy Ed25519Signature2020, and a proof set and a proof chain. */
static void
test_rdfc_vectors (void)
{
  static const struct { const char *input, *key, *detail; } cases[] = {
    { "vc-di/eddsa/eddsa-rdfc-2022/signedDataInt.json", EDDSA_KEY, "eddsa-rdfc-2022 proof" },
    { "vc-di/ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json", ECDSA_KEY, "ecdsa-rdfc-2019 proof" },
    { "vc-di/eddsa/Ed25519Signature2020/signedEdSig.json", EDDSA_KEY, "Ed25519Signature2020 proof" },
    { "vc-di/eddsa/proof-set-chain/signedProofSet1.json", "vc-di/keys/eddsa/multiKeyPairs.json", "eddsa-rdfc-2022 proof" },
    { "vc-di/eddsa/proof-set-chain/signedProofChain2.json", "vc-di/keys/eddsa/multiKeyPairs.json", "eddsa-rdfc-2022 proof" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *input = read_vector (cases[i].input);
      g_autoptr(DossierVerification) result = verify_with (input, cases[i].key);
      g_autofree char *changed = NULL;

      g_test_message ("%s", cases[i].input);
      test_assert_outcome (result, "valid", NULL, NULL);
      g_assert_cmpstr (test_check_detail (result, "signature"), ==, cases[i].detail);
      g_assert_finalize_object (g_steal_pointer (&result));

      /* the RDF meaning changed, and with it what was signed */
      changed = replaced (input, "\"VerifiableCredential\",", "\"VerifiableCredential\", \"ExampleCredential\",");
      result = verify_with (changed, cases[i].key);
      test_assert_outcome (result, "invalid", "signature", "signature-mismatch");
      g_assert_finalize_object (g_steal_pointer (&result));
    }
}

static JsonObject *
rdfc_credential (const char *issuer,
                 const char *extra_members)
{
  g_autofree char *text = g_strdup_printf ("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
                                           "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
                                           "\"id\":\"urn:uuid:2b7c1d4e-8d51-4f0e-9a40-7f1a1d2c3b4a\","
                                           "\"type\":[\"VerifiableCredential\",\"AchievementCredential\"],"
                                           "\"name\":\"Bằng kỹ sư\","
                                           "\"issuer\":{\"id\":\"%s\",\"type\":[\"Profile\"],\"name\":\"Trường Đại học Bách khoa\"},"
                                           "\"validFrom\":\"2024-09-01T00:00:00Z\"%s,"
                                           "\"credentialSubject\":{\"type\":[\"AchievementSubject\"],\"achievement\":"
                                           "{\"id\":\"https://hust.example.edu.vn/achievements/ee\",\"type\":[\"Achievement\"],"
                                           "\"name\":\"Kỹ sư Điện\",\"achievementType\":\"BachelorDegree\","
                                           "\"criteria\":{\"narrative\":\"Hoàn thành chương trình\"}}}}",
                                           issuer, extra_members);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dossier_jcs_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static char *
to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, TRUE);
}

/* Proofs made here by dossier_data_integrity_sign with the RDFC suites:
 * valid with the key trusted, broken by any change of meaning, refused
 * for terms no context defines or a context Dossier does not bundle. */
static void
test_rdfc_signed_here (void)
{
  static const struct { const char *curve, *suite; } cases[] = {
    { "Ed25519", "eddsa-rdfc-2022" },
    { "P-256", "ecdsa-rdfc-2019" },
    { "P-384", "ecdsa-rdfc-2019" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestKey) key = test_key_new (cases[i].curve);
      g_autofree char *multikey = test_key_multikey (key);
      g_autofree char *did = did_key_of (key);
      g_autofree char *method = g_strdup_printf ("%s#%s", did, multikey);
      g_autofree char *anchor = g_strdup_printf ("{\"publicKeyMultibase\":\"%s\"}", multikey);
      g_autoptr(DossierTrustRegistry) registry = test_registry_new (anchor, NULL);
      g_autoptr(JsonObject) credential = rdfc_credential (did, "");
      g_autoptr(JsonObject) undefined_term = rdfc_credential (did, ",\"favouriteColour\":\"blue\"");
      g_autoptr(JsonObject) remote = rdfc_credential (did, "");
      g_autoptr(GError) error = NULL;
      g_autoptr(DossierVerification) result = NULL;
      g_autofree char *text = NULL;
      g_autofree char *changed = NULL;
      JsonObject *proof;

      g_test_message ("%s with %s", cases[i].suite, cases[i].curve);
      g_assert_true (dossier_data_integrity_sign (credential, cases[i].suite, key->pkey, method, "2024-09-01T00:00:00Z", &error));
      g_assert_no_error (error);
      proof = dossier_json_get_object (credential, "proof");
      /* an RDFC proof takes its terms from the credential's context */
      g_assert_false (json_object_has_member (proof, "@context"));
      g_assert_cmpstr (dossier_json_get_string (proof, "cryptosuite"), ==, cases[i].suite);
      text = to_text (credential);
      result = test_verify (text, registry);
      test_assert_outcome (result, "valid", NULL, NULL);
      g_assert_cmpstr (dossier_verification_get_format (result), ==, "vc-di");
      g_assert_finalize_object (g_steal_pointer (&result));

      changed = replaced (text, "Kỹ sư Điện", "Kỹ sư Cơ khí");
      result = test_verify (changed, registry);
      test_assert_outcome (result, "invalid", "signature", "signature-mismatch");
      g_assert_finalize_object (g_steal_pointer (&result));
      g_clear_pointer (&changed, g_free);

      /* JSON the RDF does not see: member order and spacing */
      changed = replaced (text, "\"name\" : \"Bằng kỹ sư\",", "\"name\":   \"Bằng kỹ sư\"   ,");
      result = test_verify (changed, registry);
      test_assert_outcome (result, "valid", NULL, NULL);
      g_assert_finalize_object (g_steal_pointer (&result));

      /* safe mode: a term no context defines is refused, not dropped */
      g_assert_false (dossier_data_integrity_sign (undefined_term, cases[i].suite, key->pkey, method, "2024-09-01T00:00:00Z",
                                                   &error));
      g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
      g_clear_error (&error);
      g_assert_true (dossier_data_integrity_sign (remote, cases[i].suite, key->pkey, method, "2024-09-01T00:00:00Z", &error));
      json_array_add_string_element (dossier_json_get_array (remote, "@context"), "https://contexts.example.org/unknown/v1");
      g_clear_pointer (&text, g_free);
      text = to_text (remote);
      result = test_verify (text, registry);
      test_assert_outcome (result, "invalid", "signature", "context-unavailable");
      g_assert_finalize_object (g_steal_pointer (&result));
    }
}

/* eddsa-2022, the name eddsa-rdfc-2022 had before it was standard, is
 * verified as that suite and says so. */
static void
test_rdfc_legacy_name (void)
{
  g_autoptr(TestKey) key = test_key_new ("Ed25519");
  g_autofree char *multikey = test_key_multikey (key);
  g_autofree char *did = did_key_of (key);
  g_autofree char *anchor = g_strdup_printf ("{\"publicKeyMultibase\":\"%s\"}", multikey);
  g_autoptr(DossierTrustRegistry) registry = test_registry_new (anchor, NULL);
  g_autoptr(JsonObject) credential = rdfc_credential (did, "");
  g_autoptr(JsonObject) proof = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(DossierVerification) result = NULL;
  g_autofree char *method = g_strdup_printf ("%s#%s", did, multikey);
  g_autofree char *base58 = NULL;
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;

  json_object_set_string_member (proof, "type", "DataIntegrityProof");
  json_object_set_string_member (proof, "cryptosuite", "eddsa-2022");
  json_object_set_string_member (proof, "created", "2024-09-01T00:00:00Z");
  json_object_set_string_member (proof, "verificationMethod", method);
  json_object_set_string_member (proof, "proofPurpose", "assertionMethod");
  data = dossier_data_integrity_hash_data_rdfc (credential, proof, NULL, G_CHECKSUM_SHA256, &error);
  g_assert_no_error (error);
  signature = dossier_crypto_sign ("EdDSA", key->pkey, g_bytes_get_data (data, NULL), g_bytes_get_size (data), &error);
  g_assert_no_error (error);
  base58 = test_base58_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  value = g_strconcat ("z", base58, NULL);
  json_object_set_string_member (proof, "proofValue", value);
  json_object_set_object_member (credential, "proof", json_object_ref (proof));
  text = to_text (credential);
  result = test_verify (text, registry);
  test_assert_outcome (result, "valid", NULL, NULL);
  g_assert_cmpstr (test_check_detail (result, "signature"), ==, "eddsa-2022 (a pre-standard name of eddsa-rdfc-2022) proof");
  g_assert_finalize_object (g_steal_pointer (&result));
}

/* An Ed25519Signature2020 proof made here, by a did:web issuer whose DID
 * document names its key as an Ed25519VerificationKey2020: valid with that
 * document trusted; a proof without the suite's context cannot be read. */
static void
test_ed25519_signature_2020 (void)
{
  g_autoptr(TestKey) key = test_key_new ("Ed25519");
  g_autofree char *multikey = test_key_multikey (key);
  g_autofree char *document = g_strdup_printf ("{\"@context\":[\"https://www.w3.org/ns/did/v1\","
                                               "\"https://w3id.org/security/suites/ed25519-2020/v1\"],"
                                               "\"id\":\"did:web:thpt.example.edu.vn\",\"verificationMethod\":[{"
                                               "\"id\":\"did:web:thpt.example.edu.vn#key-1\",\"type\":\"Ed25519VerificationKey2020\","
                                               "\"controller\":\"did:web:thpt.example.edu.vn\",\"publicKeyMultibase\":\"%s\"}],"
                                               "\"assertionMethod\":[\"did:web:thpt.example.edu.vn#key-1\"]}", multikey);
  g_autoptr(DossierTrustRegistry) registry = test_registry_new (document, NULL);
  g_autoptr(JsonObject) credential = rdfc_credential ("did:web:thpt.example.edu.vn", "");
  g_autoptr(JsonObject) proof = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(DossierVerification) result = NULL;
  g_autofree char *base58 = NULL;
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;
  g_autofree char *changed = NULL;

  json_array_add_string_element (dossier_json_get_array (credential, "@context"), "https://w3id.org/security/suites/ed25519-2020/v1");
  json_object_set_string_member (proof, "type", "Ed25519Signature2020");
  json_object_set_string_member (proof, "created", "2024-09-01T00:00:00Z");
  json_object_set_string_member (proof, "verificationMethod", "did:web:thpt.example.edu.vn#key-1");
  json_object_set_string_member (proof, "proofPurpose", "assertionMethod");
  data = dossier_data_integrity_hash_data_rdfc (credential, proof, NULL, G_CHECKSUM_SHA256, &error);
  g_assert_no_error (error);
  signature = dossier_crypto_sign ("EdDSA", key->pkey, g_bytes_get_data (data, NULL), g_bytes_get_size (data), &error);
  g_assert_no_error (error);
  base58 = test_base58_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  value = g_strconcat ("z", base58, NULL);
  json_object_set_string_member (proof, "proofValue", value);
  json_object_set_object_member (credential, "proof", json_object_ref (proof));
  text = to_text (credential);

  result = test_verify (text, registry);
  test_assert_outcome (result, "valid", NULL, NULL);
  g_assert_cmpstr (test_check_detail (result, "signature"), ==, "Ed25519Signature2020 proof");
  g_assert_finalize_object (g_steal_pointer (&result));

  /* without the suite's context, the proof's type means nothing */
  changed = replaced (text, ",\n    \"https://w3id.org/security/suites/ed25519-2020/v1\"", "");
  result = test_verify (changed, registry);
  test_assert_outcome (result, "invalid", "signature", "jsonld-safe-mode");
  g_assert_finalize_object (g_steal_pointer (&result));
}

/* A presentation by its holder with an eddsa-rdfc-2022 proof for the
 * verifier's challenge and domain, of a credential secured with
 * ecdsa-rdfc-2019: the same checks as for the JCS suites. */
static void
test_rdfc_presentation (void)
{
  g_autoptr(TestKey) issuer = test_key_new ("P-256");
  g_autoptr(TestKey) holder = test_key_new ("Ed25519");
  g_autofree char *issuer_multikey = test_key_multikey (issuer);
  g_autofree char *issuer_did = did_key_of (issuer);
  g_autofree char *issuer_method = g_strdup_printf ("%s#%s", issuer_did, issuer_multikey);
  g_autofree char *holder_multikey = test_key_multikey (holder);
  g_autofree char *holder_did = did_key_of (holder);
  g_autofree char *holder_method = g_strdup_printf ("%s#%s", holder_did, holder_multikey);
  g_autofree char *anchor = g_strdup_printf ("{\"publicKeyMultibase\":\"%s\"}", issuer_multikey);
  g_autoptr(DossierTrustRegistry) registry = test_registry_new (anchor, NULL);
  g_autoptr(JsonObject) credential = rdfc_credential (issuer_did, "");
  g_autoptr(JsonObject) presentation = json_object_new ();
  g_autoptr(JsonObject) proof = json_object_new ();
  g_autoptr(JsonArray) context = json_array_new ();
  g_autoptr(JsonArray) credentials = json_array_new ();
  g_autoptr(JsonArray) domain = json_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(DossierVerification) result = NULL;
  g_autofree char *base58 = NULL;
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;
  g_autofree char *changed = NULL;

  g_assert_true (dossier_data_integrity_sign (credential, "ecdsa-rdfc-2019", issuer->pkey, issuer_method, "2024-09-01T00:00:00Z", &error));
  g_assert_no_error (error);
  json_array_add_string_element (context, "https://www.w3.org/ns/credentials/v2");
  json_object_set_array_member (presentation, "@context", json_array_ref (context));
  json_object_set_string_member (presentation, "type", "VerifiablePresentation");
  json_object_set_string_member (presentation, "holder", holder_did);
  json_array_add_object_element (credentials, json_object_ref (credential));
  json_object_set_array_member (presentation, "verifiableCredential", json_array_ref (credentials));
  json_array_add_string_element (domain, "https://verifier.example");
  json_object_set_string_member (proof, "type", "DataIntegrityProof");
  json_object_set_string_member (proof, "cryptosuite", "eddsa-rdfc-2022");
  json_object_set_string_member (proof, "created", "2025-05-01T00:00:00Z");
  json_object_set_string_member (proof, "verificationMethod", holder_method);
  json_object_set_string_member (proof, "proofPurpose", "authentication");
  json_object_set_string_member (proof, "challenge", "n-0S6_WzA2Mj");
  json_object_set_array_member (proof, "domain", json_array_ref (domain));
  data = dossier_data_integrity_hash_data_rdfc (presentation, proof, NULL, G_CHECKSUM_SHA256, &error);
  g_assert_no_error (error);
  signature = dossier_crypto_sign ("EdDSA", holder->pkey, g_bytes_get_data (data, NULL), g_bytes_get_size (data), &error);
  g_assert_no_error (error);
  base58 = test_base58_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  value = g_strconcat ("z", base58, NULL);
  json_object_set_string_member (proof, "proofValue", value);
  json_object_set_object_member (presentation, "proof", json_object_ref (proof));
  text = to_text (presentation);

  result = verify_presented (text, registry, "https://verifier.example", "n-0S6_WzA2Mj");
  test_assert_outcome (result, "valid", NULL, NULL);
  g_assert_cmpstr (test_check_detail (result, "key-binding"), ==, "Presented for this verifier");
  g_assert_finalize_object (g_steal_pointer (&result));
  result = verify_presented (text, registry, "https://verifier.example", "another-nonce");
  test_assert_outcome (result, "invalid", "key-binding", "challenge-mismatch");
  g_assert_finalize_object (g_steal_pointer (&result));

  /* the credential changed inside what the holder signed */
  changed = replaced (text, "Kỹ sư Điện", "Tiến sĩ");
  result = verify_presented (changed, registry, "https://verifier.example", "n-0S6_WzA2Mj");
  test_assert_outcome (result, "invalid", "signature", "signature-mismatch");
  g_assert_finalize_object (g_steal_pointer (&result));
}

/* The Open Badges validator's RDFC credentials: each verifies with its key
 * trusted as a bare key, and becomes the record a JWT badge would; with the
 * key trusted through its did:key document too, but not when another DID
 * publishes the key. */
static void
test_rdfc_open_badges (void)
{
  static const struct { const char *input, *key, *detail, *kind; } cases[] = {
    { "ob3/ob30/simple-did-key-method.json", "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "eddsa-rdfc-2022 proof", "badge" },
    { "ob3/ob30/simple-context-alias.json", "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "eddsa-rdfc-2022 proof", "badge" },
    { "ob3/ob30/simple-eddsa-2022.json", "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
      "eddsa-2022 (a pre-standard name of eddsa-rdfc-2022) proof", "badge" },
    { "ob3/ob30/simple_v1.json", "z6MknNHHrBzPytzu6CUBP9Lg7fg4KSBjzimc2Frh693YbMiv", "Ed25519Signature2020 proof", "badge" },
    { "ob3/clr20/simple_v1.json", "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "Ed25519Signature2020 proof", "transcript" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *input = read_vector (cases[i].input);
      g_autofree char *bare = g_strdup_printf ("{\"publicKeyMultibase\":\"%s\"}", cases[i].key);
      g_autofree char *did_document = g_strdup_printf ("{\"id\":\"did:key:%s\",\"verificationMethod\":[{"
                                                       "\"id\":\"did:key:%s#%s\",\"type\":\"Multikey\","
                                                       "\"controller\":\"did:key:%s\",\"publicKeyMultibase\":\"%s\"}]}",
                                                       cases[i].key, cases[i].key, cases[i].key, cases[i].key, cases[i].key);
      g_autoptr(DossierTrustRegistry) registry = test_registry_new (bare, NULL);
      g_autofree char *other_document = g_strdup_printf ("{\"id\":\"did:web:other.example\",\"verificationMethod\":[{"
                                                         "\"id\":\"did:web:other.example#key-1\",\"type\":\"Multikey\","
                                                         "\"controller\":\"did:web:other.example\",\"publicKeyMultibase\":\"%s\"}]}",
                                                         cases[i].key);
      g_autoptr(DossierTrustRegistry) did_registry = test_registry_new (did_document, NULL);
      g_autoptr(DossierTrustRegistry) other_registry = test_registry_new (other_document, NULL);
      g_autoptr(DossierVerification) result = NULL;
      DossierRecord *record;

      g_test_message ("%s", cases[i].input);
      result = test_verify (input, registry);
      test_assert_outcome (result, "valid", NULL, NULL);
      g_assert_cmpstr (test_check_detail (result, "signature"), ==, cases[i].detail);
      record = g_ptr_array_index (dossier_verification_get_records (result), 0);
      g_assert_cmpstr (dossier_record_kind_to_string (dossier_record_get_kind (record)), ==, cases[i].kind);
      g_assert_finalize_object (g_steal_pointer (&result));

      /* a did:key is nothing but its key: its document vouches as the bare key does */
      result = test_verify (input, did_registry);
      test_assert_outcome (result, "valid", NULL, NULL);
      g_assert_finalize_object (g_steal_pointer (&result));

      /* the same key published by another DID is that DID's, and no one else's */
      result = test_verify (input, other_registry);
      g_assert_cmpstr (dossier_verification_get_summary (result), !=, "valid");
      g_assert_finalize_object (g_steal_pointer (&result));
    }
}

#define SD_DERIVED "ob3/ob30/sd/derivedcredential.json"
#define SD_KEY     "{\"publicKeyMultibase\":\"zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms1zFy89VHXtJSa9\"}"

/* A derived ecdsa-sd-2023 proof from the Open Badges validator's tests:
 * valid by the issuer's key; any revealed statement changed, dropped or
 * added breaks it; a proof value that is not a derived proof is refused. */
static void
test_ecdsa_sd_derived (void)
{
  static const struct { const char *from, *to, *code; } cases[] = {
    /* a mandatory statement (the issuer's name) and a selectively revealed one */
    { "\"Example Corp\"", "\"Example Corq\"", "signature-mismatch" },
    { "\"Teamwork\"", "\"Teamwork!\"", "signature-mismatch" },
    /* one statement fewer, or one more, than the proof signs */
    { "   \"name\": \"Teamwork\"\n", "   \"image\": \"https://example.com/badge.png\", \"name\": \"Teamwork\"\n", "signature-mismatch" },
    { "\"url\": \"https://www.imsglobal.org\",", "", "signature-mismatch" },
    { "\"proofValue\": \"u2V0Bh", "\"proofValue\": \"u2V0Ch", "proof-malformed" },
    { "\"proofValue\": \"u2V0Bh", "\"proofValue\": \"z2V0Bh", "proof-malformed" },
    { "\"proofValue\": \"u2V0Bh", "\"proofValue\": \"u2V0BhAAAA", "proof-malformed" },
  };
  g_autofree char *input = read_vector (SD_DERIVED);
  g_autoptr(DossierTrustRegistry) registry = test_registry_new (SD_KEY, NULL);
  g_autoptr(DossierVerification) result = test_verify (input, registry);

  test_assert_outcome (result, "valid", NULL, NULL);
  g_assert_cmpstr (test_check_detail (result, "signature"), ==, "ecdsa-sd-2023 proof");
  g_assert_finalize_object (g_steal_pointer (&result));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *changed = replaced (input, cases[i].from, cases[i].to);

      g_test_message ("case %u", i);
      result = test_verify (changed, registry);
      test_assert_outcome (result, "invalid", "signature", cases[i].code);
      g_assert_finalize_object (g_steal_pointer (&result));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data-integrity/vectors-verify", test_vectors_verify);
  g_test_add_func ("/data-integrity/vectors-changed", test_vectors_changed);
  g_test_add_func ("/data-integrity/proof-set", test_proof_set);
  g_test_add_func ("/data-integrity/detect", test_detect);
  g_test_add_func ("/data-integrity/signed-here", test_signed_here);
  g_test_add_func ("/data-integrity/listed-by-issuer", test_listed_by_issuer);
  g_test_add_func ("/data-integrity/presentation", test_presentation);
  g_test_add_func ("/data-integrity/malformed", test_malformed);
  g_test_add_func ("/data-integrity/rdfc-vectors", test_rdfc_vectors);
  g_test_add_func ("/data-integrity/rdfc-signed-here", test_rdfc_signed_here);
  g_test_add_func ("/data-integrity/rdfc-legacy-name", test_rdfc_legacy_name);
  g_test_add_func ("/data-integrity/ecdsa-sd-derived", test_ecdsa_sd_derived);
  g_test_add_func ("/data-integrity/ed25519-signature-2020", test_ed25519_signature_2020);
  g_test_add_func ("/data-integrity/rdfc-presentation", test_rdfc_presentation);
  g_test_add_func ("/data-integrity/rdfc-open-badges", test_rdfc_open_badges);
  return g_test_run ();
}
