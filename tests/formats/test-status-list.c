// SPDX-License-Identifier: GPL-3.0-or-later
/* Bitstring Status Lists and Token Status Lists: real lists, compressed
 * with zlib, signed with the issuer's key, read from trust anchors and from
 * a loopback server. */
#include "dossier-cbor.h"
#include "dossier-cose.h"
#include "dossier-format-error.h"
#include "dossier-inflate.h"
#include "dossier-status-list.h"
#include "issuer-fixture.h"
#include "verify-fixture.h"

#include <cbor.h>
#include <libsoup/soup.h>
#include <string.h>

#define ISSUER "https://truong.example.edu.vn"
#define LIST_URL ISSUER "/status/1"
#define TOKEN_URL ISSUER "/statuslists/1"
#define LIST_BYTES (16 * 1024)

typedef struct
{
  TestKey *key;
  char    *jwks;   /* the issuer's key, as the trust anchor */
} Issuer;

static void
issuer_init (Issuer *issuer)
{
  g_autofree char *jwk = NULL;

  issuer->key = test_key_new ("P-256");
  jwk = test_key_jwk (issuer->key, "k1");
  issuer->jwks = g_strdup_printf ("{\"keys\":[%s]}", jwk);
}

static void
issuer_clear (Issuer *issuer)
{
  g_clear_pointer (&issuer->key, test_key_free);
  g_clear_pointer (&issuer->jwks, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Issuer, issuer_clear)

/* A VC-JWT whose credentialStatus is @status (a JSON object). */
static char *
credential_with_status (Issuer     *issuer,
                        const char *status)
{
  g_autofree char *payload = g_strdup_printf ("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
                                              "\"type\":[\"VerifiableCredential\"],\"issuer\":\"" ISSUER "\","
                                              "\"validFrom\":\"2024-09-01T00:00:00Z\",\"name\":\"Bằng cử nhân\","
                                              "\"credentialSubject\":{\"id\":\"did:example:learner\"},"
                                              "\"credentialStatus\":%s}", status);

  return test_key_sign (issuer->key, "\"typ\":\"vc+jwt\",\"kid\":\"k1\"", payload);
}

static char *
entry (const char *purpose,
       const char *index,
       const char *url)
{
  return g_strdup_printf ("{\"id\":\"%s#entry\",\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"%s\","
                          "\"statusListIndex\":%s,\"statusListCredential\":\"%s\"}", url, purpose, index, url);
}

/* The bits with @set (a -1-terminated list of indices) on, MSB first. */
static guint8 *
bitstring (gsize      size,
           const int *set)
{
  guint8 *bits = g_malloc0 (size);

  for (guint i = 0; set[i] >= 0; i++)
    bits[set[i] / 8] |= (guint8) (0x80 >> (set[i] % 8));
  return bits;
}

static char *
list_subject (const char   *purpose,
              const guint8 *bits,
              gsize         size)
{
  g_autofree char *encoded = test_compress_base64url (bits, size, TRUE);

  return g_strdup_printf ("{\"id\":\"" LIST_URL "#list\",\"type\":\"BitstringStatusList\","
                          "\"statusPurpose\":\"%s\",\"encodedList\":\"u%s\"}", purpose, encoded);
}

static char *
list_credential (const char *url,
                 const char *issuer,
                 const char *subject)
{
  return g_strdup_printf ("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"id\":\"%s\","
                          "\"type\":[\"VerifiableCredential\",\"BitstringStatusListCredential\"],\"issuer\":\"%s\","
                          "\"validFrom\":\"2024-01-01T00:00:00Z\",\"credentialSubject\":%s}", url, issuer, subject);
}

static char *
revocation_list (const char *issuer)
{
  static const int revoked[] = { 42, 7, -1 };
  g_autofree guint8 *bits = bitstring (LIST_BYTES, revoked);
  g_autofree char *subject = list_subject ("revocation", bits, LIST_BYTES);

  return list_credential (LIST_URL, issuer, subject);
}

static void
assert_status (const char *credential,
               const char *list_anchor,
               const char *jwks,
               const char *verdict,
               const char *failure,
               const char *code)
{
  g_autoptr(DossierTrustRegistry) registry = test_registry_new (jwks, list_anchor, NULL);
  g_autoptr(DossierVerification) result = test_verify (credential, registry);

  test_assert_outcome (result, verdict, failure, code);
}

static void
test_read_order (void)
{
  static const guint8 bytes[] = { 0xe4, 0x80 };
  g_autoptr(GBytes) list = g_bytes_new_static (bytes, sizeof bytes);
  g_autoptr(GError) error = NULL;
  guint value;

  /* Token Status List: two bits an entry, from the low bits up: 0, 1, 2, 3 */
  for (guint i = 0; i < 4; i++)
    {
      g_assert_true (dossier_status_list_read (list, i, 2, DOSSIER_STATUS_LIST_LSB_FIRST, &value, &error));
      g_assert_cmpuint (value, ==, i);
    }
  /* Bitstring Status List: index 0 is the high bit of the first byte */
  g_assert_true (dossier_status_list_read (list, 0, 1, DOSSIER_STATUS_LIST_MSB_FIRST, &value, &error));
  g_assert_cmpuint (value, ==, 1);
  g_assert_true (dossier_status_list_read (list, 7, 1, DOSSIER_STATUS_LIST_MSB_FIRST, &value, &error));
  g_assert_cmpuint (value, ==, 0);
  g_assert_true (dossier_status_list_read (list, 8, 1, DOSSIER_STATUS_LIST_MSB_FIRST, &value, &error));
  g_assert_cmpuint (value, ==, 1);
  g_assert_true (dossier_status_list_read (list, 0, 4, DOSSIER_STATUS_LIST_MSB_FIRST, &value, &error));
  g_assert_cmpuint (value, ==, 0xe);
  g_assert_no_error (error);
  g_assert_false (dossier_status_list_read (list, 16, 1, DOSSIER_STATUS_LIST_MSB_FIRST, &value, &error));
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (dossier_status_list_read (list, G_MAXUINT64, 8, DOSSIER_STATUS_LIST_LSB_FIRST, &value, &error));
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (dossier_status_list_read (list, 0, 3, DOSSIER_STATUS_LIST_LSB_FIRST, &value, &error));
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
}

static char *
vector_encoded_list (const char *relative)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "status-list", relative, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  root = json_from_string (contents, NULL);
  g_assert_nonnull (root);
  return g_strdup (json_object_get_string_member (json_object_get_object_member (json_node_get_object (root), "credentialSubject"),
                                                  "encodedList"));
}

/* The lists of the status-list vector set: the W3C example is 131072 zero
 * bits; 1EdTech's test list has only bit 23 set. */
static void
test_vector_lists (void)
{
  g_autofree char *w3c = vector_encoded_list ("w3c/status-list-credential-3.json");
  g_autofree char *edtech = vector_encoded_list ("1edtech/testlist.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) w3c_list = dossier_status_list_decode_bitstring (w3c, strlen (w3c), &error);
  g_autoptr(GBytes) edtech_list = dossier_status_list_decode_bitstring (edtech, strlen (edtech), &error);
  guint value;

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (w3c_list), ==, 16384);
  g_assert_true (dossier_status_list_read (w3c_list, 94567, 1, DOSSIER_STATUS_LIST_MSB_FIRST, &value, &error));
  g_assert_cmpuint (value, ==, 0);
  for (guint64 i = 0; i < 131072; i++)
    {
      g_assert_true (dossier_status_list_read (edtech_list, i, 1, DOSSIER_STATUS_LIST_MSB_FIRST, &value, &error));
      if (value != 0)
        g_assert_cmpuint (i, ==, 23);
    }
  g_assert_true (dossier_status_list_read (edtech_list, 23, 1, DOSSIER_STATUS_LIST_MSB_FIRST, &value, &error));
  g_assert_cmpuint (value, ==, 1);
}

static void
test_bitstring_revocation (void)
{
  g_auto(Issuer) issuer = { 0 };
  g_autofree char *list = NULL;
  g_autofree char *e42 = entry ("revocation", "\"42\"", LIST_URL);
  g_autofree char *e43 = entry ("revocation", "\"43\"", LIST_URL);
  g_autofree char *e42_number = entry ("revocation", "42", LIST_URL);
  g_autofree char *e_bad = entry ("revocation", "\"-1\"", LIST_URL);
  g_autofree char *revoked = NULL, *current = NULL, *revoked_number = NULL, *malformed = NULL;
  g_autoptr(DossierTrustRegistry) registry = NULL;
  g_autoptr(DossierVerification) result = NULL;

  issuer_init (&issuer);
  list = revocation_list (ISSUER);
  revoked = credential_with_status (&issuer, e42);
  current = credential_with_status (&issuer, e43);
  revoked_number = credential_with_status (&issuer, e42_number);
  malformed = credential_with_status (&issuer, e_bad);

  assert_status (revoked, list, issuer.jwks, "invalid", "revoked", "revoked");
  assert_status (revoked_number, list, issuer.jwks, "invalid", "revoked", "revoked");
  assert_status (malformed, list, issuer.jwks, "invalid", "revocation", "status-entry-malformed");

  registry = test_registry_new (issuer.jwks, list, NULL);
  result = test_verify (current, registry);
  test_assert_outcome (result, "valid", NULL, NULL);
  g_assert_cmpstr (test_check_detail (result, "revoked"), ==, "Not revoked");
  g_assert_nonnull (strstr (test_check_detail (result, "revocation"), "accepted because you chose to trust it"));
}

static void
test_bitstring_suspension (void)
{
  static const int suspended[] = { 7, -1 };
  g_auto(Issuer) issuer = { 0 };
  g_autofree guint8 *bits = bitstring (LIST_BYTES, suspended);
  g_autofree char *subject = list_subject ("suspension", bits, LIST_BYTES);
  g_autofree char *list = list_credential (LIST_URL, ISSUER, subject);
  g_autofree char *e7 = entry ("suspension", "\"7\"", LIST_URL);
  g_autofree char *e7_revocation = entry ("revocation", "\"7\"", LIST_URL);
  g_autofree char *e8 = entry ("suspension", "\"8\"", LIST_URL);
  g_autofree char *held = NULL, *wrong_purpose = NULL, *fine = NULL;

  issuer_init (&issuer);
  held = credential_with_status (&issuer, e7);
  wrong_purpose = credential_with_status (&issuer, e7_revocation);
  fine = credential_with_status (&issuer, e8);
  assert_status (held, list, issuer.jwks, "invalid", "revoked", "suspended");
  assert_status (wrong_purpose, list, issuer.jwks, "invalid", "revocation", "status-purpose-mismatch");
  assert_status (fine, list, issuer.jwks, "valid", NULL, NULL);
}

/* A list must come from the credential's own issuer, and when signed, be
 * signed by that issuer's key. */
static void
test_list_issuer_and_signature (void)
{
  static const int revoked[] = { 42, -1 };
  g_auto(Issuer) issuer = { 0 };
  g_autoptr(TestKey) intruder = test_key_new ("P-256");
  g_autofree guint8 *bits = bitstring (LIST_BYTES, revoked);
  g_autofree char *subject = list_subject ("revocation", bits, LIST_BYTES);
  g_autofree char *foreign = list_credential (LIST_URL, "https://other.example", subject);
  g_autofree char *own = list_credential (LIST_URL, ISSUER, subject);
  g_autofree char *signed_list = NULL, *forged_list = NULL, *e42 = entry ("revocation", "\"42\"", LIST_URL);
  g_autofree char *e1 = entry ("revocation", "\"1\"", LIST_URL);
  g_autofree char *revoked_credential = NULL, *current_credential = NULL;
  g_autoptr(DossierTrustRegistry) registry = NULL;
  g_autoptr(DossierVerification) result = NULL;

  issuer_init (&issuer);
  signed_list = test_key_sign (issuer.key, "\"typ\":\"vc+jwt\",\"kid\":\"k1\"", own);
  forged_list = test_key_sign (intruder, "\"typ\":\"vc+jwt\",\"kid\":\"k1\"", own);
  revoked_credential = credential_with_status (&issuer, e42);
  current_credential = credential_with_status (&issuer, e1);

  assert_status (revoked_credential, foreign, issuer.jwks, "invalid", "revocation", "status-list-issuer");
  assert_status (revoked_credential, signed_list, issuer.jwks, "invalid", "revoked", "revoked");
  assert_status (current_credential, forged_list, issuer.jwks, "invalid", "revocation", "status-list-signature");

  registry = test_registry_new (issuer.jwks, signed_list, NULL);
  result = test_verify (current_credential, registry);
  test_assert_outcome (result, "valid", NULL, NULL);
  g_assert_nonnull (strstr (test_check_detail (result, "revocation"), "signed by the issuer"));
}

static void
assert_undecodable (Issuer     *issuer,
                    const char *subject,
                    const char *index,
                    const char *message)
{
  g_autofree char *list = list_credential (LIST_URL, ISSUER, subject);
  g_autofree char *status = entry ("revocation", index, LIST_URL);
  g_autofree char *credential = credential_with_status (issuer, status);
  g_autoptr(DossierTrustRegistry) registry = test_registry_new (issuer->jwks, list, NULL);
  g_autoptr(DossierVerification) result = test_verify (credential, registry);

  test_assert_outcome (result, "invalid", "revocation", "status-list-undecodable");
  g_assert_nonnull (strstr (test_check_detail (result, "revocation"), message));
}

/* Garbage, a decompression bomb, a short list and an index past the end
 * are refused with a reason, never read. */
static void
test_hostile_lists (void)
{
  static const int none[] = { -1 };
  g_auto(Issuer) issuer = { 0 };
  gsize bomb_size = DOSSIER_STATUS_LIST_MAX_BYTES * 4;
  g_autofree guint8 *zeros = g_malloc0 (bomb_size);
  g_autofree char *bomb = test_compress_base64url (zeros, bomb_size, TRUE);
  g_autofree char *short_list = test_compress_base64url (zeros, 1024, TRUE);
  g_autofree char *zlib_list = test_compress_base64url (zeros, LIST_BYTES, FALSE);
  g_autofree guint8 *bits = bitstring (LIST_BYTES, none);
  g_autofree char *fine = list_subject ("revocation", bits, LIST_BYTES);
  g_autofree char *s_garbage = g_strdup ("{\"statusPurpose\":\"revocation\",\"encodedList\":\"u!!!!\"}");
  g_autofree char *s_truncated = g_strdup ("{\"statusPurpose\":\"revocation\",\"encodedList\":\"uH4sIAAAAAAAAAA\"}");
  g_autofree char *s_no_multibase = g_strdup_printf ("{\"statusPurpose\":\"revocation\",\"encodedList\":\"%s\"}", bomb + 1);
  g_autofree char *s_bomb = g_strdup_printf ("{\"statusPurpose\":\"revocation\",\"encodedList\":\"u%s\"}", bomb);
  g_autofree char *s_short = g_strdup_printf ("{\"statusPurpose\":\"revocation\",\"encodedList\":\"u%s\"}", short_list);
  g_autofree char *s_zlib = g_strdup_printf ("{\"statusPurpose\":\"revocation\",\"encodedList\":\"u%s\"}", zlib_list);

  issuer_init (&issuer);
  assert_undecodable (&issuer, s_garbage, "\"1\"", "not base64url");
  assert_undecodable (&issuer, s_truncated, "\"1\"", "damaged or incomplete");
  assert_undecodable (&issuer, s_no_multibase, "\"1\"", "starting with “u”");
  assert_undecodable (&issuer, s_bomb, "\"1\"", "expands beyond");
  assert_undecodable (&issuer, s_short, "\"1\"", "at least 16 KB");
  assert_undecodable (&issuer, s_zlib, "\"1\"", "damaged or incomplete");
  assert_undecodable (&issuer, fine, "\"131072\"", "past the end");
  {
    /* an index beyond 64 bits is a malformed entry, not a wrap-around */
    g_autofree char *list = list_credential (LIST_URL, ISSUER, fine);
    g_autofree char *status = entry ("revocation", "\"99999999999999999999999\"", LIST_URL);
    g_autofree char *credential = credential_with_status (&issuer, status);

    assert_status (credential, list, issuer.jwks, "invalid", "revocation", "status-entry-malformed");
  }
}

/* No anchor holds the list and there is no network: the verdict says the
 * status was not checked instead of calling the credential current. */
static void
test_offline (void)
{
  g_auto(Issuer) issuer = { 0 };
  g_autofree char *status = entry ("revocation", "\"42\"", "https://elsewhere.example/status/9");
  g_autofree char *credential = NULL;
  g_autoptr(DossierTrustRegistry) registry = NULL;
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(DossierVerdict) verdict = NULL;

  issuer_init (&issuer);
  credential = credential_with_status (&issuer, status);
  registry = test_registry_new (issuer.jwks, NULL);
  result = test_verify (credential, registry);
  json = dossier_verification_to_json (result);
  verdict = dossier_verification_to_verdict (result);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (json), "status_checked"));
  g_assert_null (test_check_detail (result, "revoked"));
  g_assert_cmpint (dossier_verdict_get_state (verdict, DOSSIER_VERDICT_PART_CURRENT), ==, DOSSIER_CHECK_UNKNOWN);
  g_assert_cmpstr (dossier_verdict_get_reason_code (verdict, DOSSIER_VERDICT_PART_CURRENT), ==, "status-not-checked");
}

static char *
status_token (TestKey    *key,
              const char *issuer,
              const char *sub)
{
  /* entries 0 to 3 hold statuses 0 (valid), 1 (invalid), 2 (suspended), 3 */
  static const guint8 lst[] = { 0xe4 };
  g_autofree char *encoded = test_compress_base64url (lst, sizeof lst, FALSE);
  g_autofree char *payload = g_strdup_printf ("{\"iss\":\"%s\",\"sub\":\"%s\",\"iat\":1717200000,"
                                              "\"status_list\":{\"bits\":2,\"lst\":\"%s\"}}", issuer, sub, encoded);

  return test_key_sign (key, "\"typ\":\"statuslist+jwt\",\"kid\":\"k1\"", payload);
}

static char *
sd_jwt_with_status (Issuer *issuer,
                    guint   idx)
{
  g_autofree char *payload = g_strdup_printf ("{\"iss\":\"" ISSUER "\",\"vct\":\"https://credentials.example/bang-tot-nghiep\","
                                              "\"iat\":1717200000,\"given_name\":\"An\",\"family_name\":\"Nguyễn\","
                                              "\"status\":{\"status_list\":{\"idx\":%u,\"uri\":\"" TOKEN_URL "\"}}}", idx);
  g_autofree char *jwt = test_key_sign (issuer->key, "\"typ\":\"dc+sd-jwt\",\"kid\":\"k1\"", payload);

  return g_strconcat (jwt, "~", NULL);
}

static void
test_token_status_list (void)
{
  static const struct { const char *verdict; const char *failure; const char *code; } expected[] = {
    { "valid", NULL, NULL },
    { "invalid", "revoked", "revoked" },
    { "invalid", "revoked", "suspended" },
    { "invalid", "revoked", "status-flagged" },
    { "invalid", "revocation", "status-list-undecodable" },
  };
  g_auto(Issuer) issuer = { 0 };
  g_autoptr(TestKey) intruder = test_key_new ("P-256");
  g_autofree char *token = NULL, *forged = NULL, *foreign = NULL;

  issuer_init (&issuer);
  token = status_token (issuer.key, ISSUER, TOKEN_URL);
  forged = status_token (intruder, ISSUER, TOKEN_URL);
  foreign = status_token (issuer.key, "https://other.example", TOKEN_URL);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *credential = sd_jwt_with_status (&issuer, i);

      assert_status (credential, token, issuer.jwks, expected[i].verdict, expected[i].failure, expected[i].code);
    }
  {
    g_autofree char *credential = sd_jwt_with_status (&issuer, 1);

    assert_status (credential, forged, issuer.jwks, "invalid", "revocation", "status-list-signature");
    assert_status (credential, foreign, issuer.jwks, "invalid", "revocation", "status-list-issuer");
  }
}

/* A Token Status List in CWT form, signed with @key under kid "k1":
 * entries 0 to 3 hold statuses 0, 1, 2 and 3. */
static GBytes *
cwt_token (TestKey    *key,
           const char *issuer,
           const char *sub,
           gint64      exp,
           const char *typ)
{
  static const guint8 lst[] = { 0xe4 };
  g_autoptr(GBytes) packed = dossier_deflate (lst, sizeof lst, DOSSIER_INFLATE_ZLIB);
  g_autoptr(GBytes) kid = g_bytes_new_static ("k1", 2);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;
  cbor_item_t *claims = cbor_new_definite_map (5);
  cbor_item_t *status = cbor_new_definite_map (2);
  guint8 *buffer = NULL;
  size_t size = 0, length;
  GBytes *token;

  (void) cbor_map_add (status, (struct cbor_pair) { .key = cbor_move (cbor_build_string ("bits")),
                                                    .value = cbor_move (dossier_cbor_build_int (2)) });
  (void) cbor_map_add (status, (struct cbor_pair) {
    .key = cbor_move (cbor_build_string ("lst")),
    .value = cbor_move (cbor_build_bytestring (g_bytes_get_data (packed, NULL), g_bytes_get_size (packed))) });
  (void) cbor_map_add (claims, (struct cbor_pair) { .key = cbor_move (dossier_cbor_build_int (1)),
                                                    .value = cbor_move (cbor_build_string (issuer)) });
  (void) cbor_map_add (claims, (struct cbor_pair) { .key = cbor_move (dossier_cbor_build_int (2)),
                                                    .value = cbor_move (cbor_build_string (sub)) });
  (void) cbor_map_add (claims, (struct cbor_pair) { .key = cbor_move (dossier_cbor_build_int (6)),
                                                    .value = cbor_move (dossier_cbor_build_int (1717200000)) });
  (void) cbor_map_add (claims, (struct cbor_pair) { .key = cbor_move (dossier_cbor_build_int (4)),
                                                    .value = cbor_move (dossier_cbor_build_int (exp)) });
  (void) cbor_map_add (claims, (struct cbor_pair) { .key = cbor_move (dossier_cbor_build_int (65533)),
                                                    .value = cbor_move (status) });
  length = cbor_serialize_alloc (claims, &buffer, &size);
  cbor_decref (&claims);
  g_assert_cmpuint (length, >, 0);
  payload = g_bytes_new_with_free_func (buffer, length, free, buffer);
  token = dossier_cose_sign1_typed (DOSSIER_COSE_ALG_ES256, key->pkey, kid, typ, payload, &error);
  g_assert_no_error (error);
  return token;
}

static void
assert_cwt_status (const char *credential,
                   GBytes     *token,
                   const char *jwks,
                   const char *verdict,
                   const char *failure,
                   const char *code)
{
  g_autoptr(DossierTrustRegistry) registry = test_registry_new (jwks, NULL);
  g_autoptr(DossierTrustAnchor) anchor = dossier_trust_anchor_new ("status list", "test", "all", token);
  g_autoptr(DossierVerification) result = NULL;

  dossier_trust_registry_add_anchor (registry, anchor);
  result = test_verify (credential, registry);
  test_assert_outcome (result, verdict, failure, code);
}

static void
test_token_status_list_cwt (void)
{
  static const struct { const char *verdict; const char *failure; const char *code; } expected[] = {
    { "valid", NULL, NULL },
    { "invalid", "revoked", "revoked" },
    { "invalid", "revoked", "suspended" },
    { "invalid", "revoked", "status-flagged" },
    { "invalid", "revocation", "status-list-undecodable" },
  };
  g_auto(Issuer) issuer = { 0 };
  g_autoptr(TestKey) intruder = test_key_new ("P-256");
  gint64 later = 1900000000, earlier = 1735689600;   /* 2030, and 2025-01-01 */
  g_autoptr(GBytes) token = NULL;
  g_autoptr(GBytes) forged = NULL, foreign = NULL, untyped = NULL, expired = NULL;
  g_autofree char *subject = NULL;

  issuer_init (&issuer);
  token = cwt_token (issuer.key, ISSUER, TOKEN_URL, later, "application/statuslist+cwt");
  subject = dossier_status_list_cwt_subject (token);
  g_assert_cmpstr (subject, ==, TOKEN_URL);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *credential = sd_jwt_with_status (&issuer, i);

      assert_cwt_status (credential, token, issuer.jwks, expected[i].verdict, expected[i].failure, expected[i].code);
    }

  forged = cwt_token (intruder, ISSUER, TOKEN_URL, later, "application/statuslist+cwt");
  foreign = cwt_token (issuer.key, "https://other.example", TOKEN_URL, later, "application/statuslist+cwt");
  expired = cwt_token (issuer.key, ISSUER, TOKEN_URL, earlier, "application/statuslist+cwt");
  untyped = cwt_token (issuer.key, ISSUER, TOKEN_URL, later, NULL);
  {
    g_autofree char *credential = sd_jwt_with_status (&issuer, 1);

    assert_cwt_status (credential, forged, issuer.jwks, "invalid", "revocation", "status-list-signature");
    assert_cwt_status (credential, foreign, issuer.jwks, "invalid", "revocation", "status-list-issuer");
    assert_cwt_status (credential, expired, issuer.jwks, "invalid", "revocation", "status-list-expired");
    /* a COSE message of another type is no status list: the status stays unchecked */
    g_assert_null (dossier_status_list_cwt_subject (untyped));
    assert_cwt_status (credential, untyped, issuer.jwks, "valid", NULL, NULL);
  }
}

/* Lists a loopback server publishes: fetched once per registry, and an
 * unsigned fetched list is not taken at its word. */
typedef struct
{
  char   *signed_list;
  char   *unsigned_list;
  GBytes *cwt;
  guint   hits;
} Server;

static void
serve (SoupServer        *soup,
       SoupServerMessage *message,
       const char        *path,
       GHashTable        *query,
       gpointer           user_data)
{
  Server *server = user_data;
  const char *body = g_str_equal (path, "/signed") ? server->signed_list
                     : g_str_equal (path, "/unsigned") ? server->unsigned_list : NULL;

  server->hits++;
  if (g_str_equal (path, "/cwt"))
    {
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/statuslist+cwt", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (server->cwt, NULL), g_bytes_get_size (server->cwt));
      return;
    }
  if (body == NULL)
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/vc+jwt", SOUP_MEMORY_COPY, body, strlen (body));
}

static gpointer
run_server (gpointer loop)
{
  /* the server's connections attach their sources to the thread default */
  g_main_context_push_thread_default (g_main_loop_get_context (loop));
  g_main_loop_run (loop);
  g_main_context_pop_thread_default (g_main_loop_get_context (loop));
  return NULL;
}

static void
test_fetched (void)
{
  g_auto(Issuer) issuer = { 0 };
  g_autoptr(GMainContext) server_context = g_main_context_new ();
  g_autoptr(GMainLoop) server_loop = g_main_loop_new (server_context, FALSE);
  g_autoptr(SoupServer) soup = NULL;
  GThread *thread;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *signed_url = NULL, *unsigned_url = NULL, *missing_url = NULL;
  g_autofree char *revoked = NULL, *current = NULL, *from_unsigned = NULL, *from_missing = NULL;
  g_autoptr(DossierTrustRegistry) registry = NULL;
  Server server = { 0 };
  GSList *uris;

  issuer_init (&issuer);
  /* the server answers from its own thread, as a remote one would, while
   * verification waits for the list */
  g_main_context_push_thread_default (server_context);
  soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (soup, NULL, serve, &server, NULL);
  g_assert_true (soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_main_context_pop_thread_default (server_context);
  thread = g_thread_new ("server", run_server, server_loop);
  uris = soup_server_get_uris (soup);
  base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  signed_url = g_strconcat (base, "signed", NULL);
  unsigned_url = g_strconcat (base, "unsigned", NULL);
  missing_url = g_strconcat (base, "missing", NULL);
  {
    static const int set[] = { 42, -1 };
    g_autofree guint8 *bits = bitstring (LIST_BYTES, set);
    g_autofree char *subject = list_subject ("revocation", bits, LIST_BYTES);
    g_autofree char *list = list_credential (signed_url, ISSUER, subject);
    g_autofree char *e42 = entry ("revocation", "\"42\"", signed_url);
    g_autofree char *e1 = entry ("revocation", "\"1\"", signed_url);
    g_autofree char *e_unsigned = entry ("revocation", "\"1\"", unsigned_url);
    g_autofree char *e_missing = entry ("revocation", "\"1\"", missing_url);

    server.signed_list = test_key_sign (issuer.key, "\"typ\":\"vc+jwt\",\"kid\":\"k1\"", list);
    server.unsigned_list = list_credential (unsigned_url, ISSUER, subject);
    revoked = credential_with_status (&issuer, e42);
    current = credential_with_status (&issuer, e1);
    from_unsigned = credential_with_status (&issuer, e_unsigned);
    from_missing = credential_with_status (&issuer, e_missing);
  }

  registry = test_registry_new (issuer.jwks, NULL);
  dossier_trust_registry_set_online (registry, TRUE, TRUE);
  {
    g_autoptr(DossierVerification) a = test_verify (revoked, registry);
    g_autoptr(DossierVerification) b = test_verify (current, registry);
    g_autoptr(DossierVerification) c = test_verify (from_unsigned, registry);
    g_autoptr(DossierVerification) d = test_verify (from_missing, registry);
    g_autoptr(JsonNode) c_json = dossier_verification_to_json (c);
    g_autoptr(JsonNode) d_json = dossier_verification_to_json (d);

    test_assert_outcome (a, "invalid", "revoked", "revoked");
    test_assert_outcome (b, "valid", NULL, NULL);
    /* the signed list was fetched once for both credentials */
    g_assert_cmpuint (server.hits, ==, 3);
    test_assert_outcome (c, "valid", NULL, NULL);
    g_assert_false (json_object_get_boolean_member (json_node_get_object (c_json), "status_checked"));
    test_assert_outcome (d, "valid", NULL, NULL);
    g_assert_false (json_object_get_boolean_member (json_node_get_object (d_json), "status_checked"));
  }
  {
    /* nor is a list that could not be had asked for again */
    g_autoptr(DossierVerification) again = test_verify (from_missing, registry);
    g_autoptr(DossierVerdict) verdict = dossier_verification_to_verdict (again);

    g_assert_cmpuint (server.hits, ==, 3);
    g_assert_nonnull (strstr (dossier_verdict_get_reason (verdict, DOSSIER_VERDICT_PART_CURRENT), "404"));
  }
  {
    /* a Token Status List served in its CWT form */
    g_autofree char *cwt_url = g_strconcat (base, "cwt", NULL);

    server.cwt = cwt_token (issuer.key, ISSUER, cwt_url, 1900000000, "application/statuslist+cwt");
    for (guint idx = 0; idx < 3; idx++)
      {
        g_autofree char *payload = g_strdup_printf ("{\"iss\":\"" ISSUER "\",\"vct\":\"https://credentials.example/the\","
                                                    "\"status\":{\"status_list\":{\"idx\":%u,\"uri\":\"%s\"}}}", idx, cwt_url);
        g_autofree char *jwt = test_key_sign (issuer.key, "\"kid\":\"k1\"", payload);
        g_autofree char *credential = g_strconcat (jwt, "~", NULL);
        g_autoptr(DossierVerification) result = test_verify (credential, registry);

        if (idx == 0)
          test_assert_outcome (result, "valid", NULL, NULL);
        else
          test_assert_outcome (result, "invalid", "revoked", idx == 1 ? "revoked" : "suspended");
        g_assert_nonnull (strstr (test_check_detail (result, "revocation"), "CWT"));
      }
    /* fetched once for the three */
    g_assert_cmpuint (server.hits, ==, 4);
  }
  g_main_loop_quit (server_loop);
  g_thread_join (thread);
  /* the server goes away in its own context, which then runs dry */
  g_main_context_push_thread_default (server_context);
  g_clear_object (&soup);
  while (g_main_context_iteration (server_context, FALSE))
    ;
  g_main_context_pop_thread_default (server_context);
  g_free (server.signed_list);
  g_free (server.unsigned_list);
  g_clear_pointer (&server.cwt, g_bytes_unref);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/status-list/read-order", test_read_order);
  g_test_add_func ("/status-list/vector-lists", test_vector_lists);
  g_test_add_func ("/status-list/bitstring-revocation", test_bitstring_revocation);
  g_test_add_func ("/status-list/bitstring-suspension", test_bitstring_suspension);
  g_test_add_func ("/status-list/issuer-and-signature", test_list_issuer_and_signature);
  g_test_add_func ("/status-list/hostile-lists", test_hostile_lists);
  g_test_add_func ("/status-list/offline", test_offline);
  g_test_add_func ("/status-list/token-status-list", test_token_status_list);
  g_test_add_func ("/status-list/token-status-list-cwt", test_token_status_list_cwt);
  g_test_add_func ("/status-list/fetched", test_fetched);
  return g_test_run ();
}
