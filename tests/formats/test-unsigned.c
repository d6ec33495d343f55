// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-fhir.h"
#include "dossier-vc-jwt.h"

#include <string.h>

static const char badge[] =
  "{\"@context\": [\"https://www.w3.org/ns/credentials/v2\","
  "                \"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
  " \"id\": \"urn:uuid:7f3c1c52-3f4e-4d8a-9a51-2f0b7d1e6a10\","
  " \"type\": [\"VerifiableCredential\", \"AchievementCredential\"],"
  " \"name\": \"Bằng tốt nghiệp trung học phổ thông\","
  " \"issuer\": {\"id\": \"https://issuer.example/so-gddt\", \"type\": [\"Profile\"],"
  "            \"name\": \"Sở Giáo dục và Đào tạo Hà Nội\"},"
  " \"validFrom\": \"1996-08-15T00:00:00Z\","
  " \"credentialSubject\": {\"type\": [\"AchievementSubject\"],"
  "   \"achievement\": {\"id\": \"https://issuer.example/thpt\", \"type\": [\"Achievement\"],"
  "     \"achievementType\": \"SecondarySchoolDiploma\", \"name\": \"Bằng tốt nghiệp trung học phổ thông\","
  "     \"criteria\": {\"narrative\": \"Đỗ kỳ thi tốt nghiệp\"}}}}";

static DossierVerification *
verify (void (*verify_func) (const char *, gsize, const DossierVerifyOptions *, DossierVerification *),
        const char *text)
{
  g_autoptr(GDateTime) at = g_date_time_new_utc (2026, 11, 23, 0, 0, 0);
  DossierVerifyOptions options = { NULL, at };
  DossierVerification *result = dossier_verification_new ("test");

  verify_func (text, strlen (text), &options, result);
  return result;
}

/* An Open Badges credential without a proof becomes the same learning
 * record as a signed one, and its verdict says it is unsigned. */
static void
test_vc_json_unsigned (void)
{
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(DossierVerdict) verdict = NULL;
  DossierRecord *record;

  g_assert_true (dossier_vc_json_detect (badge, strlen (badge)));
  g_assert_false (dossier_vc_jwt_detect (badge, strlen (badge)));
  result = verify (dossier_vc_json_verify, badge);
  g_assert_cmpstr (dossier_verification_get_format (result), ==, "vc-json");
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "unverified");
  g_assert_cmpuint (dossier_verification_get_records (result)->len, ==, 1);
  record = g_ptr_array_index (dossier_verification_get_records (result), 0);
  g_assert_cmpint (dossier_record_get_kind (record), ==, DOSSIER_RECORD_KIND_DIPLOMA);
  g_assert_cmpstr (dossier_record_get_title (record), ==, "Bằng tốt nghiệp trung học phổ thông");
  g_assert_cmpstr (dossier_record_get_issuer_name (record), ==, "Sở Giáo dục và Đào tạo Hà Nội");
  g_assert_cmpstr (dossier_record_get_issued (record), ==, "1996-08-15");
  g_assert_cmpstr (dossier_record_get_format (record), ==, "vc-json");

  verdict = dossier_verification_to_verdict (result);
  g_assert_cmpint (dossier_verdict_get_state (verdict, DOSSIER_VERDICT_PART_AUTHENTIC), ==, DOSSIER_CHECK_UNKNOWN);
  g_assert_cmpstr (dossier_verdict_get_reason_code (verdict, DOSSIER_VERDICT_PART_AUTHENTIC), ==, "unsigned");
  g_assert_cmpint (dossier_verdict_get_state (verdict, DOSSIER_VERDICT_PART_TRUSTED), ==, DOSSIER_CHECK_UNKNOWN);
  g_assert_finalize_object (g_steal_pointer (&verdict));
  g_assert_finalize_object (g_steal_pointer (&result));
}

/* A credential with a proof is not taken for an unsigned one, and what is
 * not a credential is left alone. */
static void
test_vc_json_refused (void)
{
  g_autofree char *head = g_strndup (badge, strlen (badge) - 1);
  g_autofree char *with_proof = g_strconcat (head, ", \"proof\": {\"type\": \"DataIntegrityProof\"}}", NULL);
  g_autoptr(DossierVerification) result = NULL;
  const char *not_vc = "{\"type\": [\"Achievement\"], \"name\": \"x\"}";
  const char *no_subject = "{\"type\": \"VerifiableCredential\", \"issuer\": \"did:example:1\"}";

  g_assert_false (dossier_vc_json_detect (with_proof, strlen (with_proof)));
  g_assert_false (dossier_vc_json_detect (not_vc, strlen (not_vc)));
  g_assert_false (dossier_vc_json_detect ("[1, 2]", 6));
  g_assert_false (dossier_vc_json_detect ("{\"type\": ", 9));

  result = verify (dossier_vc_json_verify, no_subject);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "invalid");
  g_assert_cmpuint (dossier_verification_get_records (result)->len, ==, 0);
}

/* A plain FHIR bundle yields one record per known resource, unsigned. */
static void
test_fhir_bundle_unsigned (void)
{
  const char *bundle =
    "  {\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": ["
    "  {\"resource\": {\"resourceType\": \"Patient\", \"name\": [{\"text\": \"Nguyễn Gia Huy\"}]}},"
    "  {\"resource\": {\"resourceType\": \"Immunization\", \"status\": \"completed\","
    "    \"vaccineCode\": {\"coding\": [{\"system\": \"http://hl7.org/fhir/sid/cvx\", \"code\": \"19\"}],"
    "                    \"text\": \"Vắc xin phòng lao (BCG)\"},"
    "    \"occurrenceDateTime\": \"2025-12-12\"}},"
    "  {\"resource\": {\"resourceType\": \"Observation\", \"status\": \"final\","
    "    \"code\": {\"text\": \"Cân nặng\"}, \"effectiveDateTime\": \"2026-03-06T08:00:00+07:00\"}},"
    "  {\"resource\": {\"resourceType\": \"Basic\"}}, 7]}";
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(DossierVerdict) verdict = NULL;
  GPtrArray *records;

  g_assert_true (dossier_fhir_detect (bundle, strlen (bundle)));
  g_assert_false (dossier_fhir_detect ("{\"resourceType\": \"Patient\"}", 27));
  result = verify (dossier_fhir_verify, bundle);
  g_assert_cmpstr (dossier_verification_get_format (result), ==, "fhir");
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "unverified");
  records = dossier_verification_get_records (result);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpint (dossier_record_get_kind (g_ptr_array_index (records, 0)), ==, DOSSIER_RECORD_KIND_IMMUNIZATION);
  g_assert_cmpstr (dossier_record_get_title (g_ptr_array_index (records, 0)), ==, "Vắc xin phòng lao (BCG)");
  g_assert_cmpint (dossier_record_get_kind (g_ptr_array_index (records, 1)), ==, DOSSIER_RECORD_KIND_OBSERVATION);
  g_assert_cmpstr (dossier_record_get_issued (g_ptr_array_index (records, 1)), ==, "2026-03-06");

  verdict = dossier_verification_to_verdict (result);
  g_assert_cmpstr (dossier_verdict_get_reason_code (verdict, DOSSIER_VERDICT_PART_AUTHENTIC), ==, "unsigned");
  g_assert_finalize_object (g_steal_pointer (&verdict));
  g_assert_finalize_object (g_steal_pointer (&result));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/unsigned/vc-json", test_vc_json_unsigned);
  g_test_add_func ("/unsigned/vc-json-refused", test_vc_json_refused);
  g_test_add_func ("/unsigned/fhir-bundle", test_fhir_bundle_unsigned);
  return g_test_run ();
}
