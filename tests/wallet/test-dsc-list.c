// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-cose.h"
#include "dossier-dsc-list.h"
#include "dossier-format-error.h"
#include "dossier-hcert.h"
#include "dossier-json.h"
#include "dossier-test-utils.h"
#include "dossier-verifier.h"

#include <openssl/ec.h>
#include <openssl/x509v3.h>
#include <string.h>

/* Lists of EU DCC document signer certificates, in the DCC Gateway's and
 * the DSC trust list's forms, built here from the vectors' certificates
 * and from certificates made by the test, then used to verify HCERTs. */

static char *
vector_path (const char *name)
{
  return g_build_filename (g_getenv ("DOSSIER_VECTORS"), "hcert", name, NULL);
}

static char *
read_vector (const char *name)
{
  g_autofree char *path = vector_path (name);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* The base64 of the DER certificate: the body of its PEM form. */
static char *
raw_data_of_pem (const char *pem)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (pem, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (!g_str_has_prefix (lines[i], "-----"))
      g_string_append (body, g_strstrip (lines[i]));
  return g_string_free (g_steal_pointer (&body), FALSE);
}

/* The DCC key id of a DER certificate given in base64. */
static char *
kid_of (const char *raw_data)
{
  gsize length;
  g_autofree guint8 *der = g_base64_decode (raw_data, &length);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  g_checksum_update (checksum, der, (gssize) length);
  g_checksum_get_digest (checksum, digest, &digest_length);
  return g_base64_encode (digest, 8);
}

static char *
write_list (const char *dir,
            const char *name,
            const char *json)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

static DossierVerification *
verify_text (const char           *text,
             DossierTrustRegistry *trust,
             const char           *at)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (at, NULL);

  return dossier_verify_bytes (bytes, "hcert", trust, when);
}

static char *
error_code (DossierVerification *result)
{
  g_autoptr(JsonNode) node = dossier_verification_to_json (result);
  JsonObject *error = json_object_get_object_member (json_node_get_object (node), "error");

  return error != NULL ? g_strdup (json_object_get_string_member (error, "code")) : NULL;
}

static char *
key_detail (DossierVerification *result)
{
  g_autoptr(JsonNode) node = dossier_verification_to_json (result);
  JsonArray *checks = json_object_get_array_member (json_node_get_object (node), "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (g_str_equal (json_object_get_string_member (check, "name"), "key"))
        return g_strdup (json_object_get_string_member (check, "detail"));
    }
  return NULL;
}

static DossierTrustRegistry *
registry_for (const char *path)
{
  DossierTrustRegistry *trust = dossier_trust_registry_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (dossier_trust_registry_add_path (trust, path, &error));
  g_assert_no_error (error);
  return trust;
}

static gboolean
has_warning (DossierTrustRegistry *trust,
             const char           *part)
{
  GPtrArray *warnings = dossier_trust_registry_get_warnings (trust);

  for (guint i = 0; i < warnings->len; i++)
    if (strstr (g_ptr_array_index (warnings, i), part) != NULL)
      return TRUE;
  return FALSE;
}

/* The United Arab Emirates vectors' signer in each list form. */
static void
test_vector_lists (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *pem = read_vector ("AE/2DCode/raw/vaccine.dsc.pem");
  g_autofree char *raw = raw_data_of_pem (pem);
  g_autofree char *kid = kid_of (raw);
  g_autofree char *other_pem = read_vector ("AT/2DCode/raw/1.dsc.pem");
  g_autofree char *other_raw = raw_data_of_pem (other_pem);
  g_autofree char *other_kid = kid_of (other_raw);
  g_autofree char *hcert_text = read_vector ("AE/2DCode/raw/vaccine.prefix.txt");
  const char *at = "2021-10-10T18:00:00Z";
  g_autofree char *gateway = g_strdup_printf ("[{\"kid\":\"%s\",\"timestamp\":\"2021-06-01T00:00:00Z\",\"country\":\"AT\","
                                              "\"certificateType\":\"CSCA\",\"thumbprint\":\"x\",\"signature\":\"x\",\"rawData\":\"%s\"},"
                                              "{\"kid\":\"%s\",\"timestamp\":\"2021-06-01T00:00:00Z\",\"country\":\"AE\","
                                              "\"certificateType\":\"DSC\",\"thumbprint\":\"x\",\"signature\":\"x\",\"rawData\":\"%s\"}]",
                                              other_kid, other_raw, kid, raw);
  g_autofree char *wrapped_bad_kid = g_strdup_printf ("{\"certificates\":[{\"certificateType\":\"DSC\",\"country\":\"AE\","
                                                      "\"kid\":\"%s\",\"rawData\":\"%s\"}]}", other_kid, raw);
  g_autofree char *trust_list = g_strdup_printf ("{\"dsc_trust_list\":{\"AE\":{\"keys\":[{\"kid\":\"%s\",\"x5c\":[\"%s\"]}]},"
                                                 "\"AT\":{\"keys\":[{\"kid\":\"%s\",\"x5c\":[\"%s\"]}]}}}",
                                                 kid, raw, kid, raw);
  g_autofree char *gateway_path = write_list (dir, "gateway.json", gateway);
  g_autofree char *bad_path = write_list (dir, "bad-kid.json", wrapped_bad_kid);
  g_autofree char *list_path = write_list (dir, "dsc-tl.json", trust_list);
  g_autoptr(DossierTrustRegistry) trust = NULL;
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *cli_err = NULL;
  int status;

  g_strstrip (hcert_text);
  g_assert_true (dossier_dsc_list_detect (gateway, strlen (gateway)));
  g_assert_false (dossier_dsc_list_detect ("{\"keys\":[]}", 11));

  /* the gateway list: the CSCA is left out, the DSC verifies the card */
  trust = registry_for (gateway_path);
  certificates = dossier_key_source_find_certificates (DOSSIER_KEY_SOURCE (trust), NULL);
  g_assert_cmpuint (certificates->len, ==, 1);
  g_assert_cmpuint (dossier_trust_registry_get_warnings (trust)->len, ==, 0);
  result = verify_text (hcert_text, trust, at);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "valid");
  detail = key_detail (result);
  g_assert_true (g_str_has_prefix (detail, "DSC AE "));
  g_clear_object (&result);
  g_clear_object (&trust);

  /* a DSC listed with another key id is refused, and the card with it */
  trust = registry_for (bad_path);
  g_assert_true (has_warning (trust, "not the one listed"));
  result = verify_text (hcert_text, trust, at);
  g_assert_cmpstr (dossier_verification_get_first_failure (result), ==, "key");
  g_clear_object (&result);
  g_clear_object (&trust);

  /* the DSC trust list form; listed under a country that did not issue it, refused */
  trust = registry_for (list_path);
  g_assert_true (has_warning (trust, "issued in AE"));
  g_clear_pointer (&certificates, g_ptr_array_unref);
  certificates = dossier_key_source_find_certificates (DOSSIER_KEY_SOURCE (trust), NULL);
  g_assert_cmpuint (certificates->len, ==, 1);
  result = verify_text (hcert_text, trust, at);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "valid");
  g_clear_object (&result);

  /* dossier-cli says which entries it did not trust */
  {
    const char *argv[] = { g_getenv ("DOSSIER_CLI"), "verify", "--trust", bad_path, "--at", at, "-", NULL };
    g_autofree char *input_path = write_list (dir, "card.txt", hcert_text);

    argv[6] = input_path;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, (char *[]) { "LANGUAGE=C", NULL }, G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, &cli_err, &status, NULL));
    g_assert_nonnull (strstr (cli_err, "not trusted"));
    g_assert_nonnull (strstr (cli_err, "not the one listed"));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
  }
  dossier_test_rm_rf (dir);
}

/* A signer certificate made here: valid from @from to @until (seconds
 * from now), for @country, with a key usage and extended key usages when
 * given. */
static char *
make_dsc (EVP_PKEY   *pkey,
          const char *country,
          long        from,
          long        until,
          const char *key_usage,
          const char *eku)
{
  X509 *x509 = X509_new ();
  X509V3_CTX ctx;
  unsigned char *der = NULL;
  int length;
  char *encoded;

  X509_set_version (x509, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (x509), 42);
  X509_gmtime_adj (X509_getm_notBefore (x509), from);
  X509_gmtime_adj (X509_getm_notAfter (x509), until);
  X509_set_pubkey (x509, pkey);
  X509_NAME_add_entry_by_txt (X509_get_subject_name (x509), "C", MBSTRING_UTF8, (const guchar *) country, -1, -1, 0);
  X509_NAME_add_entry_by_txt (X509_get_subject_name (x509), "CN", MBSTRING_UTF8, (const guchar *) "Bộ Y tế DSC", -1, -1, 0);
  X509_set_issuer_name (x509, X509_get_subject_name (x509));
  X509V3_set_ctx (&ctx, x509, x509, NULL, NULL, 0);
  if (key_usage != NULL)
    {
      X509_EXTENSION *extension = X509V3_EXT_conf_nid (NULL, &ctx, NID_key_usage, key_usage);

      X509_add_ext (x509, extension, -1);
      X509_EXTENSION_free (extension);
    }
  if (eku != NULL)
    {
      X509_EXTENSION *extension = X509V3_EXT_conf_nid (NULL, &ctx, NID_ext_key_usage, eku);

      X509_add_ext (x509, extension, -1);
      X509_EXTENSION_free (extension);
    }
  g_assert_cmpint (X509_sign (x509, pkey, EVP_sha256 ()), >, 0);
  length = i2d_X509 (x509, &der);
  g_assert_cmpint (length, >, 0);
  encoded = g_base64_encode (der, (gsize) length);
  OPENSSL_free (der);
  X509_free (x509);
  return encoded;
}

static JsonObject *
vaccination (void)
{
  const char *text =
    "{\"ver\":\"1.3.0\",\"nam\":{\"fn\":\"Lê\",\"fnt\":\"LE\",\"gn\":\"Hoa\",\"gnt\":\"HOA\"},\"dob\":\"1990-01-31\","
    "\"v\":[{\"tg\":\"840539006\",\"vp\":\"1119349007\",\"mp\":\"EU/1/20/1528\",\"ma\":\"ORG-100030215\",\"dn\":2,"
    "\"sd\":2,\"dt\":\"2021-08-02\",\"co\":\"VN\",\"is\":\"Bộ Y tế\",\"ci\":\"URN:UVCI:01:VN:DSC#2\"}]}";
  g_autoptr(JsonNode) node = dossier_json_parse (text, strlen (text));

  return json_object_ref (json_node_get_object (node));
}

/* Signs a vaccination with @pkey as the holder of the DSC @raw, for the
 * issuing country @issuer, and verifies it at @at seconds from now with a
 * gateway list holding only that DSC.  Returns the error code, or NULL
 * when the card is valid. */
static char *
check_signed (EVP_PKEY   *pkey,
              const char *raw,
              const char *issuer,
              gint64      at)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *kid = kid_of (raw);
  g_autofree char *list = g_strdup_printf ("[{\"certificateType\":\"DSC\",\"country\":\"VN\",\"kid\":\"%s\",\"rawData\":\"%s\"}]",
                                           kid, raw);
  g_autofree char *path = write_list (dir, "vn.json", list);
  g_autoptr(DossierTrustRegistry) trust = registry_for (path);
  g_autoptr(JsonObject) dcc = vaccination ();
  gsize kid_length;
  g_autofree guint8 *kid_bytes = g_base64_decode (kid, &kid_length);
  g_autoptr(GBytes) kid_value = g_bytes_new (kid_bytes, kid_length);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  g_autofree char *hcert = dossier_hcert_encode (dcc, issuer, now - 60, now + 30 * 86400, DOSSIER_COSE_ALG_ES256, pkey,
                                                 kid_value, &error);
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (now + at);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DossierVerification) result = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (dossier_trust_registry_get_warnings (trust)->len, ==, 0);
  bytes = g_bytes_new (hcert, strlen (hcert));
  result = dossier_verify_bytes (bytes, "hcert", trust, when);
  dossier_test_rm_rf (dir);
  if (g_str_equal (dossier_verification_get_summary (result), "valid"))
    return NULL;
  return error_code (result);
}

static void
test_refused_at_verify_time (void)
{
  EVP_PKEY *pkey = EVP_EC_gen ("P-256");
  g_autofree char *good = make_dsc (pkey, "VN", -86400, 7 * 86400, "critical,digitalSignature", NULL);
  g_autofree char *ca_only = make_dsc (pkey, "VN", -86400, 7 * 86400, "critical,keyCertSign,cRLSign", NULL);
  g_autofree char *tests_only = make_dsc (pkey, "VN", -86400, 7 * 86400, "critical,digitalSignature", "1.3.6.1.4.1.1847.2021.1.1");
  g_autofree char *later = make_dsc (pkey, "VN", 86400, 7 * 86400, NULL, NULL);
  g_autofree char *code = NULL;

  g_assert_null (check_signed (pkey, good, "VN", 0));
  /* the card runs for 30 days, its signer's certificate for 7 */
  code = check_signed (pkey, good, "VN", 10 * 86400);
  g_assert_cmpstr (code, ==, "dsc-expired");
  g_clear_pointer (&code, g_free);
  code = check_signed (pkey, later, "VN", 0);
  g_assert_cmpstr (code, ==, "dsc-not-yet-valid");
  g_clear_pointer (&code, g_free);
  code = check_signed (pkey, ca_only, "VN", 0);
  g_assert_cmpstr (code, ==, "dsc-key-usage");
  g_clear_pointer (&code, g_free);
  code = check_signed (pkey, tests_only, "VN", 0);
  g_assert_cmpstr (code, ==, "dsc-key-usage");
  g_clear_pointer (&code, g_free);
  /* a DSC listed for Viet Nam does not sign for France */
  code = check_signed (pkey, good, "FR", 0);
  g_assert_cmpstr (code, ==, "dsc-country-mismatch");
  EVP_PKEY_free (pkey);
}

static void
test_malformed (void)
{
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GError) error = NULL;
  const char *entries = "{\"certificates\":[7,{\"certificateType\":\"DSC\",\"country\":\"VN\",\"kid\":\"AAAAAAAAAAA=\","
                        "\"rawData\":\"not base64!\"},{\"certificateType\":\"DSC\",\"kid\":\"AAAAAAAAAAA=\",\"rawData\":\"AAAA\"},"
                        "{\"certificateType\":\"DSC\",\"country\":\"VN\",\"kid\":\"AAAAAAAAAAA=\",\"rawData\":\"MAMCAQA=\"}]}";
  g_autoptr(GString) many = g_string_new ("[");

  certificates = dossier_dsc_list_parse (entries, strlen (entries), &refused, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certificates->len, ==, 0);
  g_assert_cmpuint (refused->len, ==, 4);
  g_clear_pointer (&certificates, g_ptr_array_unref);

  certificates = dossier_dsc_list_parse ("{\"keys\":[]}", 11, NULL, &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNKNOWN_FORMAT);
  g_clear_error (&error);

  for (guint i = 0; i <= DOSSIER_DSC_LIST_MAX_ENTRIES; i++)
    g_string_append (many, "{\"certificateType\":\"CSCA\",\"rawData\":\"\"},");
  g_string_truncate (many, many->len - 1);
  g_string_append_c (many, ']');
  certificates = dossier_dsc_list_parse (many->str, many->len, NULL, &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
  g_assert_null (certificates);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dsc-list/vector-lists", test_vector_lists);
  g_test_add_func ("/dsc-list/refused-at-verify-time", test_refused_at_verify_time);
  g_test_add_func ("/dsc-list/malformed", test_malformed);
  return g_test_run ();
}
