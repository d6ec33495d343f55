// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-base64.h"
#include "dossier-format-error.h"
#include "dossier-json.h"
#include "dossier-sd-jwt.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <string.h>

/* A key source holding one key: the issuer key of the SD-JWT drafts. */
#define TEST_TYPE_KEYS (test_keys_get_type ())
G_DECLARE_FINAL_TYPE (TestKeys, test_keys, TEST, KEYS, GObject)

struct _TestKeys
{
  GObject    parent_instance;
  GPtrArray *keys;
};

static GPtrArray *
find_keys (DossierKeySource *source,
           const char       *issuer,
           const char       *kid)
{
  return g_ptr_array_ref (TEST_KEYS (source)->keys);
}

static void
test_keys_iface_init (DossierKeySourceInterface *iface)
{
  iface->find_keys = find_keys;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestKeys, test_keys, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DOSSIER_TYPE_KEY_SOURCE, test_keys_iface_init))

static void
test_keys_finalize (GObject *object)
{
  g_ptr_array_unref (TEST_KEYS (object)->keys);
  G_OBJECT_CLASS (test_keys_parent_class)->finalize (object);
}

static void
test_keys_class_init (TestKeysClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_keys_finalize;
}

static void
test_keys_init (TestKeys *self)
{
}

static TestKeys *
load_keys (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "sd-jwt", "keys", "issuer-key.jwk.json", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  TestKeys *self = g_object_new (TEST_TYPE_KEYS, NULL);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  self->keys = dossier_jwk_parse_set (contents, length, NULL);
  g_assert_cmpuint (self->keys->len, ==, 1);
  return self;
}

static char *
read_vector (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "sd-jwt", name, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_strstrip (contents);
}

static char *
first_failure (const char *text,
               TestKeys   *keys)
{
  g_autoptr(DossierVerification) result = dossier_verification_new ("test");
  DossierVerifyOptions options = { DOSSIER_KEY_SOURCE (keys), NULL };

  dossier_sd_jwt_verify (text, strlen (text), &options, result);
  return g_strdup (dossier_verification_get_first_failure (result));
}

static void
test_tampering (void)
{
  g_autoptr(TestKeys) keys = load_keys ();
  g_autofree char *presentation = read_vector ("sd-jwt-draft/section-A.3-presentation-kb.txt");
  g_autofree char *issued = read_vector ("sd-jwt-draft/section-A.3-sd-jwt.txt");
  g_autofree char *ok = first_failure (presentation, keys);
  g_auto(GStrv) parts = g_strsplit (issued, "~", -1);
  const char *fake_json = "[\"c2FsdA\", \"given_name\", \"Mallory\"]";
  g_autofree char *fake = dossier_base64url_encode (fake_json, strlen (fake_json));

  g_assert_null (ok);
  {
    /* one disclosure less: the key binding no longer covers the
     * presentation (or a disclosure nested in the dropped one dangles) */
    g_autofree char *head = g_strndup (presentation, (gsize) (strchr (presentation, '~') - presentation));
    g_autofree char *dropped = g_strconcat (head, strchr (strchr (presentation, '~') + 1, '~'), NULL);
    g_autofree char *failure = first_failure (dropped, keys);

    g_assert_true (g_strcmp0 (failure, "key-binding") == 0 || g_strcmp0 (failure, "disclosure") == 0);
  }
  {
    /* a disclosure the issuer never signed */
    g_autofree char *added = g_strdup_printf ("%s%s~", issued, fake);
    g_autofree char *failure = first_failure (added, keys);

    g_assert_cmpstr (failure, ==, "disclosure");
  }
  {
    /* the same disclosure twice */
    g_autofree char *twice = g_strdup_printf ("%s%s~", issued, parts[1]);
    g_autofree char *failure = first_failure (twice, keys);

    g_assert_cmpstr (failure, ==, "disclosure");
  }
  {
    /* a changed issuer signature */
    g_autofree char *forged = g_strdup (issued);
    char *sig = strchr (forged, '~');
    g_autofree char *failure = NULL;

    while (sig > forged && sig[-1] != '.')
      sig--;
    sig += 5;

    *sig = *sig == 'A' ? 'B' : 'A';
    failure = first_failure (forged, keys);
    g_assert_cmpstr (failure, ==, "signature");
  }
}

static void
test_mutations (void)
{
  g_autoptr(TestKeys) keys = load_keys ();
  g_autofree char *original = read_vector ("sd-jwt-vc-draft/section-2.3.2-presentation-kb.txt");
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize length = strlen (original);

  for (guint round = 0; round < 500; round++)
    {
      g_autofree char *copy = g_strdup (original);
      gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) length);
      g_autofree char *failure = NULL;

      copy[at] = (char) g_rand_int_range (rand, 1, 128);
      if (g_str_equal (copy, original))
        continue;
      failure = first_failure (copy, keys);
      g_assert_nonnull (failure);
    }
}

static TestKeys *
keys_for (EVP_PKEY *pkey)
{
  g_autoptr(JsonObject) json = dossier_jwk_public_json_for_pkey (pkey, NULL);
  TestKeys *self = g_object_new (TEST_TYPE_KEYS, NULL);

  self->keys = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->keys, dossier_jwk_new_from_json (json, NULL));
  g_assert_nonnull (g_ptr_array_index (self->keys, 0));
  return self;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonNode) node = dossier_json_parse (text, strlen (text));

  g_assert_true (node != NULL && JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static DossierVerification *
verify_with (const char *text,
             TestKeys   *keys,
             const char *audience,
             const char *nonce)
{
  DossierVerification *result = dossier_verification_new ("test");
  DossierVerifyOptions options = { DOSSIER_KEY_SOURCE (keys), NULL, audience, nonce };

  dossier_sd_jwt_verify (text, strlen (text), &options, result);
  return result;
}

static guint
count_parts (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '~';
  return n;
}

/* Issue with nested and array disclosures and decoys, present a subset
 * with key binding, and check what the verifier sees. */
static void
test_issue_present (void)
{
  EVP_PKEY *issuer = EVP_EC_gen ("P-256");
  EVP_PKEY *holder = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519");
  g_autoptr(TestKeys) keys = keys_for (issuer);
  g_autoptr(JsonObject) holder_jwk = dossier_jwk_public_json_for_pkey (holder, NULL);
  g_autoptr(JsonObject) claims = parse_object (
    "{\"iss\":\"https://registrar.example\",\"vct\":\"https://example.edu/diploma\",\"iat\":1700000000,"
    "\"given_name\":\"An\",\"family_name\":\"Nguyễn\",\"degree\":{\"name\":\"Cử nhân\",\"field\":\"Toán\"},"
    "\"languages\":[\"vi\",\"en\",\"fr\"],\"grade\":8.5}");
  const char * const disclosable[] = {
    "/given_name", "/family_name", "/degree", "/degree/field", "/languages/1", "/languages/2", "/grade", NULL
  };
  DossierSdJwtIssueOptions options = { "ES256", issuer, "k1", disclosable, 3, holder_jwk };
  g_autoptr(GError) error = NULL;
  g_autofree char *issued = dossier_sd_jwt_issue (claims, &options, &error);
  g_autofree char *presented = NULL;
  g_autoptr(DossierVerification) all = NULL;
  g_autoptr(DossierVerification) some = NULL;
  JsonObject *fields;

  g_assert_no_error (error);
  g_assert_cmpuint (count_parts (issued), ==, 8);
  {
    /* 4 digests and 3 decoys at the top, 1 and 3 in "degree", 2 of 3 list elements concealed */
    g_autofree char *jwt = g_strndup (issued, (gsize) (strchr (issued, '~') - issued));
    g_auto(GStrv) parts = g_strsplit (jwt, ".", -1);
    g_autoptr(GBytes) payload = dossier_base64url_decode (parts[1], -1, NULL);
    g_autoptr(JsonNode) root = dossier_json_parse (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
    JsonObject *top = json_node_get_object (root);
    JsonArray *languages = dossier_json_get_array (top, "languages");

    g_assert_cmpuint (json_array_get_length (dossier_json_get_array (top, "_sd")), ==, 7);
    g_assert_false (json_object_has_member (top, "given_name"));
    g_assert_false (json_object_has_member (top, "degree"));
    g_assert_cmpstr (dossier_json_get_string (top, "_sd_alg"), ==, "sha-256");
    g_assert_nonnull (dossier_json_get_object (dossier_json_get_object (top, "cnf"), "jwk"));
    g_assert_cmpuint (json_array_get_length (languages), ==, 3);
    g_assert_cmpstr (json_array_get_string_element (languages, 0), ==, "vi");
    g_assert_nonnull (dossier_json_get_string (json_array_get_object_element (languages, 1), "..."));
  }
  all = verify_with (issued, keys, NULL, NULL);
  g_assert_null (dossier_verification_get_first_failure (all));
  fields = dossier_record_get_fields (g_ptr_array_index (dossier_verification_get_records (all), 0));
  g_assert_cmpstr (dossier_json_get_string (dossier_json_get_object (fields, "degree"), "field"), ==, "Toán");
  g_assert_cmpuint (json_array_get_length (dossier_json_get_array (fields, "languages")), ==, 3);

  /* "/degree/field" brings "/degree" along; "/languages/2" shows only that element */
  presented = dossier_sd_jwt_present (issued, (const char * const[]) { "/degree/field", "/languages/2", NULL },
                                      "https://verifier.example", "n-0S6_WzA2Mj", 1700000100, "EdDSA", holder, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_parts (presented), ==, 4);
  some = verify_with (presented, keys, "https://verifier.example", "n-0S6_WzA2Mj");
  g_assert_null (dossier_verification_get_first_failure (some));
  fields = dossier_record_get_fields (g_ptr_array_index (dossier_verification_get_records (some), 0));
  g_assert_false (json_object_has_member (fields, "given_name"));
  g_assert_cmpstr (dossier_json_get_string (dossier_json_get_object (fields, "degree"), "field"), ==, "Toán");
  g_assert_cmpstr (dossier_json_get_string (dossier_json_get_object (fields, "degree"), "name"), ==, "Cử nhân");
  g_assert_cmpuint (json_array_get_length (dossier_json_get_array (fields, "languages")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (dossier_json_get_array (fields, "languages"), 1), ==, "fr");

  {
    g_autoptr(DossierVerification) other = verify_with (presented, keys, "https://other.example", "n-0S6_WzA2Mj");
    g_autoptr(DossierVerification) replayed = verify_with (presented, keys, "https://verifier.example", "other");
    g_autoptr(DossierVerification) unbound = verify_with (issued, keys, "https://verifier.example", NULL);
    g_autofree char *dropped = g_strdup (presented);
    g_autoptr(DossierVerification) shortened = NULL;

    g_assert_cmpstr (dossier_verification_get_first_failure (other), ==, "key-binding");
    g_assert_cmpstr (dossier_verification_get_first_failure (replayed), ==, "key-binding");
    g_assert_cmpstr (dossier_verification_get_first_failure (unbound), ==, "key-binding");
    {
      /* a key binding made after the time of checking */
      g_autoptr(DossierVerification) early = dossier_verification_new ("test");
      g_autoptr(GDateTime) before = g_date_time_new_from_unix_utc (1700000000);
      DossierVerifyOptions at_options = { DOSSIER_KEY_SOURCE (keys), before, "https://verifier.example", "n-0S6_WzA2Mj" };

      dossier_sd_jwt_verify (presented, strlen (presented), &at_options, early);
      g_assert_cmpstr (dossier_verification_get_first_failure (early), ==, "key-binding");
    }
    /* drop the last disclosure (the parent "degree"): the nested one it
     * held dangles, and sd_hash no longer covers the presentation */
    {
      char *kb = strrchr (dropped, '~');
      char *before = kb - 1;

      while (*before != '~')
        before--;
      memmove (before + 1, kb + 1, strlen (kb + 1) + 1);
    }
    shortened = verify_with (dropped, keys, "https://verifier.example", "n-0S6_WzA2Mj");
    g_assert_cmpstr (dossier_verification_get_first_failure (shortened), ==, "disclosure");
  }

  EVP_PKEY_free (issuer);
  EVP_PKEY_free (holder);
}

static void
test_issue_refusals (void)
{
  EVP_PKEY *issuer = EVP_EC_gen ("P-256");
  g_autoptr(JsonObject) claims = parse_object ("{\"iss\":\"https://registrar.example\",\"name\":\"An\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL, *visible = NULL, *issued = NULL, *presented = NULL;
  DossierSdJwtIssueOptions options = { "ES256", issuer, NULL, (const char * const[]) { "/nickname", NULL }, 0, NULL };

  missing = dossier_sd_jwt_issue (claims, &options, &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);

  options.disclosable = (const char * const[]) { "/iss", NULL };
  visible = dossier_sd_jwt_issue (claims, &options, &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
  g_assert_null (visible);
  g_clear_error (&error);

  options.disclosable = (const char * const[]) { "/name", NULL };
  issued = dossier_sd_jwt_issue (claims, &options, &error);
  g_assert_no_error (error);
  presented = dossier_sd_jwt_present (issued, (const char * const[]) { "/age", NULL }, NULL, NULL, 0, NULL, NULL, &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_NOT_FOUND);
  g_assert_null (presented);
  EVP_PKEY_free (issuer);
}

static char *
digest_of (const char *text)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) text, -1);
  g_checksum_get_digest (checksum, digest, &length);
  return dossier_base64url_encode (digest, length);
}

/* A credential whose every disclosure is referenced twice, 30 levels
 * deep: choosing from it must take linear time, not 2^30 steps. */
static void
test_present_repeated (void)
{
  g_autoptr(GString) tail = g_string_new ("");
  g_autofree char *inner = g_strdup ("\"leaf\"");
  g_autofree char *payload = NULL, *payload_b64 = NULL, *issued = NULL, *presented = NULL;
  g_autoptr(GError) error = NULL;

  for (guint level = 0; level < 30; level++)
    {
      g_autofree char *json = g_strdup_printf ("[\"c2FsdA\",\"n\",%s]", inner);
      g_autofree char *encoded = dossier_base64url_encode (json, strlen (json));
      g_autofree char *digest = digest_of (encoded);

      g_string_prepend_c (tail, '~');
      g_string_prepend (tail, encoded);
      g_free (inner);
      inner = g_strdup_printf ("{\"_sd\":[\"%s\",\"%s\"]}", digest, digest);
    }
  payload = g_strdup_printf ("{\"iss\":\"https://x.example\",\"a\":%s}", inner);
  payload_b64 = dossier_base64url_encode (payload, strlen (payload));
  issued = g_strdup_printf ("eyJhbGciOiJFUzI1NiJ9.%s.AAAA~%s", payload_b64, tail->str);
  presented = dossier_sd_jwt_present (issued, (const char * const[]) { "/a/n", NULL }, NULL, NULL, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (presented);
}

/* SD-JWT VCs of achievements become learning records, by the Open Badges
 * mapping: an OB3 credential carried as SD-JWT, and one with flat claims
 * whose type names a diploma; a credential that fails its checks still
 * reads as what it is. */
static DossierRecord *
only_record (DossierVerification *result)
{
  GPtrArray *records = dossier_verification_get_records (result);

  g_assert_cmpuint (records->len, ==, 1);
  return g_ptr_array_index (records, 0);
}

static void
test_achievement_records (void)
{
  EVP_PKEY *issuer = EVP_EC_gen ("P-256");
  EVP_PKEY *other = EVP_EC_gen ("P-256");
  g_autoptr(TestKeys) keys = keys_for (issuer);
  g_autoptr(TestKeys) wrong_keys = keys_for (other);
  g_autoptr(JsonObject) flat = parse_object (
    "{\"iss\":\"https://moet.example\",\"vct\":\"https://moet.example/credentials/diploma\",\"iat\":1700000000,"
    "\"given_name\":\"Khang\",\"family_name\":\"Nguyễn Minh\",\"title\":\"Bằng tốt nghiệp THPT\","
    "\"issuer_name\":\"Bộ Giáo dục và Đào tạo\",\"ranking\":\"Giỏi\"}");
  g_autoptr(JsonObject) badge = parse_object (
    "{\"iss\":\"https://school.example\",\"vct\":\"https://school.example/credentials/degree\",\"iat\":1700000000,"
    "\"type\":[\"VerifiableCredential\",\"AchievementCredential\"],\"validFrom\":\"2024-06-30T00:00:00Z\","
    "\"issuer\":{\"id\":\"https://school.example\",\"name\":\"Trường Đại học Bách khoa\"},"
    "\"credentialSubject\":{\"name\":\"Trần Thị Thu Hà\",\"result\":\"Xuất sắc\","
    "\"achievement\":{\"achievementType\":\"BachelorDegree\",\"name\":\"Bằng kỹ sư\"}}}");
  g_autoptr(JsonObject) identity = parse_object (
    "{\"iss\":\"https://registry.example\",\"vct\":\"https://registry.example/person\",\"iat\":1700000000,"
    "\"given_name\":\"An\",\"family_name\":\"Lê\"}");
  const char * const flat_disclosable[] = { "/given_name", "/family_name", "/title", "/ranking", NULL };
  const char * const identity_disclosable[] = { "/given_name", "/family_name", NULL };
  const char * const badge_disclosable[] = { "/credentialSubject/name", "/credentialSubject/result", NULL };
  DossierSdJwtIssueOptions options = { "ES256", issuer, "k1", flat_disclosable, 0, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *flat_text = dossier_sd_jwt_issue (flat, &options, &error);
  g_autofree char *badge_text = NULL;
  g_autofree char *identity_text = NULL;

  g_assert_no_error (error);
  options.disclosable = badge_disclosable;
  badge_text = dossier_sd_jwt_issue (badge, &options, &error);
  g_assert_no_error (error);
  options.disclosable = identity_disclosable;
  identity_text = dossier_sd_jwt_issue (identity, &options, &error);
  g_assert_no_error (error);

  for (guint trusted = 0; trusted < 2; trusted++)
    {
      g_autoptr(DossierVerification) flat_result = verify_with (flat_text, trusted ? keys : wrong_keys, NULL, NULL);
      g_autoptr(DossierVerification) badge_result = verify_with (badge_text, trusted ? keys : wrong_keys, NULL, NULL);
      DossierRecord *record;

      g_assert_true ((dossier_verification_get_first_failure (flat_result) == NULL) == trusted);
      g_assert_true ((dossier_verification_get_first_failure (badge_result) == NULL) == trusted);

      record = only_record (flat_result);
      g_assert_cmpint (dossier_record_get_kind (record), ==, DOSSIER_RECORD_KIND_DIPLOMA);
      g_assert_cmpint (dossier_record_kind_get_category (dossier_record_get_kind (record)), ==, DOSSIER_RECORD_CATEGORY_LEARNING);
      g_assert_cmpstr (dossier_record_get_title (record), ==, "Bằng tốt nghiệp THPT");
      g_assert_cmpstr (dossier_record_get_issuer_name (record), ==, "Bộ Giáo dục và Đào tạo");
      g_assert_cmpstr (dossier_record_get_issued (record), ==, "2023-11-14");
      g_assert_cmpstr (dossier_json_get_string (dossier_record_get_fields (record), "ranking"), ==, "Giỏi");

      record = only_record (badge_result);
      g_assert_cmpint (dossier_record_get_kind (record), ==, DOSSIER_RECORD_KIND_DEGREE);
      g_assert_cmpstr (dossier_record_get_title (record), ==, "Bằng kỹ sư");
      g_assert_cmpstr (dossier_record_get_issuer_name (record), ==, "Trường Đại học Bách khoa");
      g_assert_cmpstr (dossier_record_get_issued (record), ==, "2024-06-30");
      g_assert_cmpstr (dossier_json_get_string (dossier_json_get_object (dossier_record_get_fields (record), "credentialSubject"),
                                                "result"), ==, "Xuất sắc");
    }
  {
    /* a type that names no achievement stays a plain credential */
    g_autoptr(DossierVerification) result = verify_with (identity_text, keys, NULL, NULL);

    g_assert_null (dossier_verification_get_first_failure (result));
    g_assert_cmpint (dossier_record_get_kind (only_record (result)), ==, DOSSIER_RECORD_KIND_CERTIFICATE);
  }
  EVP_PKEY_free (issuer);
  EVP_PKEY_free (other);
}

/* A payload the JSON scanner reads (checked on scans, the record read
 * later) and one it leaves to json-glib (a fraction) verify alike and
 * unfold to the same claims, nested objects and list elements included. */
static void
test_scanned_and_parsed (void)
{
  EVP_PKEY *issuer = EVP_EC_gen ("P-256");
  g_autoptr(TestKeys) keys = keys_for (issuer);
  const char *head = "{\"iss\":\"https://moet.example\",\"vct\":\"https://moet.example/credentials/diploma\","
                     "\"iat\":1700000000,\"exp\":4102358400,\"title\":\"Bằng cử nhân\",";
  const char *tail = "\"address\":{\"city\":\"Huế\",\"street\":\"Lê Lợi\"},\"languages\":[\"vi\",\"en\",\"fr\"]}";
  const char * const disclosable[] = { "/title", "/address", "/address/street", "/languages/1", NULL };
  DossierSdJwtIssueOptions options = { "ES256", issuer, "k1", disclosable, 2, NULL };
  JsonNode *fields[2] = { NULL, NULL };

  for (guint parsed = 0; parsed < 2; parsed++)
    {
      g_autofree char *text = g_strconcat (head, parsed ? "\"gpa\":3.5," : "", tail, NULL);
      g_autoptr(JsonObject) object = parse_object (text);
      g_autoptr(GError) error = NULL;
      g_autofree char *issued = dossier_sd_jwt_issue (object, &options, &error);
      g_autoptr(DossierVerification) result = NULL;
      JsonObject *shown;

      g_assert_no_error (error);
      result = verify_with (issued, keys, NULL, NULL);
      g_assert_null (dossier_verification_get_first_failure (result));
      g_assert_cmpstr (dossier_verification_get_summary (result), ==, "valid");
      shown = dossier_record_get_fields (only_record (result));
      g_assert_cmpstr (dossier_record_get_title (only_record (result)), ==, "Bằng cử nhân");
      g_assert_cmpstr (dossier_json_get_string (dossier_json_get_object (shown, "address"), "street"), ==, "Lê Lợi");
      g_assert_cmpuint (json_array_get_length (dossier_json_get_array (shown, "languages")), ==, 3);
      g_assert_cmpstr (json_array_get_string_element (dossier_json_get_array (shown, "languages"), 1), ==, "en");
      g_assert_null (json_object_get_member (shown, "_sd"));
      json_object_remove_member (shown, "gpa");
      /* member order follows the random digests: compared as values */
      fields[parsed] = json_node_init_object (json_node_alloc (), shown);
      {
        /* a disclosure presented twice matches one digest only */
        const char *first = strchr (issued, '~') + 1;
        g_autofree char *disclosure = g_strndup (first, (gsize) (strchr (first, '~') - first));
        g_autofree char *twice = g_strconcat (issued, disclosure, "~", NULL);
        g_autoptr(DossierVerification) repeated = verify_with (twice, keys, NULL, NULL);

        g_assert_cmpstr (dossier_verification_get_first_failure (repeated), ==, "disclosure");
      }
    }
  g_assert_true (json_node_equal (fields[0], fields[1]));
  json_node_unref (fields[0]);
  json_node_unref (fields[1]);
  EVP_PKEY_free (issuer);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd-jwt/tampering", test_tampering);
  g_test_add_func ("/sd-jwt/mutations", test_mutations);
  g_test_add_func ("/sd-jwt/issue-present", test_issue_present);
  g_test_add_func ("/sd-jwt/issue-refusals", test_issue_refusals);
  g_test_add_func ("/sd-jwt/present-repeated", test_present_repeated);
  g_test_add_func ("/sd-jwt/achievement-records", test_achievement_records);
  g_test_add_func ("/sd-jwt/scanned-and-parsed", test_scanned_and_parsed);
  return g_test_run ();
}
