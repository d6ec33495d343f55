// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vc-jwt.h"

#include "dossier-issuer-key.h"
#include "dossier-json.h"
#include "dossier-jws.h"
#include "dossier-status-list.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* W3C Verifiable Credentials secured as a JWT: VC Data Model 1.1's JWT
 * encoding (the credential in the "vc" claim) and VC 2.0 with VC-JOSE
 * (the payload is the credential).  Open Badges 3.0 and CLR 2.0
 * AchievementCredentials become learning records.  A credential as plain
 * JSON with no proof at all is read the same way and kept as unsigned. */

#define CLOCK_SKEW_SECONDS 60

static JsonObject *
payload_object (DossierJws *jws)
{
  JsonNode *root = dossier_jws_get_payload_json (jws);

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

static gboolean
has_type (JsonObject *object,
          const char *type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, "type") : NULL;

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (node))
    return g_strcmp0 (json_node_get_string (node), type) == 0;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);

      if (JSON_NODE_HOLDS_VALUE (item) && g_strcmp0 (json_node_get_string (item), type) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The credential inside the claims: "vc" (VC 1.1 JWT) or the claims themselves (VC 2.0). */
static JsonObject *
credential_of (JsonObject *claims)
{
  JsonObject *vc = dossier_json_get_object (claims, "vc");

  return vc != NULL ? vc : claims;
}

/* Whether a parsed JWS is a VC-JWT: its payload is a credential. */
gboolean
dossier_vc_jwt_detect_jws (DossierJws *jws)
{
  JsonObject *claims = payload_object (jws);

  return claims != NULL && has_type (credential_of (claims), "VerifiableCredential");
}

gboolean
dossier_vc_jwt_detect (const char *text,
                       gsize       length)
{
  g_autoptr(DossierJws) jws = NULL;

  if (!dossier_jws_looks_compact (text, length) || (jws = dossier_jws_parse (text, length, NULL)) == NULL)
    return FALSE;
  return dossier_vc_jwt_detect_jws (jws);
}

static gint64
time_of (JsonObject *claims,
         const char *claim,
         JsonObject *vc,
         const char *member_11,
         const char *member_20)
{
  JsonNode *node = json_object_get_member (claims, claim);
  const char *text;
  g_autoptr(GDateTime) parsed = NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
    return json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node) : (gint64) json_node_get_double (node);
  text = dossier_json_get_string (vc, member_11);
  if (text == NULL)
    text = dossier_json_get_string (vc, member_20);
  parsed = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  return parsed != NULL ? g_date_time_to_unix (parsed) : G_MININT64;
}

static const char *
issuer_of (JsonObject *claims,
           JsonObject *vc)
{
  JsonObject *issuer = dossier_json_get_object (vc, "issuer");

  if (dossier_json_get_string (claims, "iss") != NULL)
    return dossier_json_get_string (claims, "iss");
  if (issuer != NULL)
    return dossier_json_get_string (issuer, "id");
  return dossier_json_get_string (vc, "issuer");
}

static DossierRecordKind
kind_of_achievement (const char *type)
{
  static const struct { const char *type; DossierRecordKind kind; } kinds[] = {
    { "DoctoralDegree", DOSSIER_RECORD_KIND_DEGREE },
    { "ResearchDoctorate", DOSSIER_RECORD_KIND_DEGREE },
    { "ProfessionalDoctorate", DOSSIER_RECORD_KIND_DEGREE },
    { "MasterDegree", DOSSIER_RECORD_KIND_DEGREE },
    { "BachelorDegree", DOSSIER_RECORD_KIND_DEGREE },
    { "AssociateDegree", DOSSIER_RECORD_KIND_DEGREE },
    { "Degree", DOSSIER_RECORD_KIND_DEGREE },
    { "Diploma", DOSSIER_RECORD_KIND_DIPLOMA },
    { "SecondarySchoolDiploma", DOSSIER_RECORD_KIND_DIPLOMA },
    { "GeneralEducationDevelopment", DOSSIER_RECORD_KIND_DIPLOMA },
    { "Certificate", DOSSIER_RECORD_KIND_CERTIFICATE },
    { "CertificateOfCompletion", DOSSIER_RECORD_KIND_CERTIFICATE },
    { "MasterCertificate", DOSSIER_RECORD_KIND_CERTIFICATE },
    { "ApprenticeshipCertificate", DOSSIER_RECORD_KIND_CERTIFICATE },
    { "JourneymanCertificate", DOSSIER_RECORD_KIND_CERTIFICATE },
    { "Certification", DOSSIER_RECORD_KIND_CERTIFICATE },
    { "License", DOSSIER_RECORD_KIND_LICENCE },
    { "Course", DOSSIER_RECORD_KIND_COURSE },
    { "Badge", DOSSIER_RECORD_KIND_BADGE },
  };

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (type, kinds[i].type))
      return kinds[i].kind;
  return DOSSIER_RECORD_KIND_BADGE;
}

static void
add_record (JsonObject          *vc,
            const char          *issuer,
            DossierVerification *result)
{
  JsonObject *subject = dossier_json_get_object (vc, "credentialSubject");
  JsonObject *achievement = dossier_json_get_object (subject, "achievement");
  JsonObject *issuer_object = dossier_json_get_object (vc, "issuer");
  const char *title = dossier_json_get_string (achievement, "name");
  g_autoptr(DossierRecord) record = NULL;
  const char *issued = dossier_json_get_string (vc, "validFrom");

  if (title == NULL)
    title = dossier_json_get_string (vc, "name");
  record = dossier_record_new (achievement != NULL ? kind_of_achievement (dossier_json_get_string (achievement, "achievementType"))
                                                   : DOSSIER_RECORD_KIND_CERTIFICATE,
                               title != NULL ? title : _("Verifiable credential"));
  if (issued == NULL)
    issued = dossier_json_get_string (vc, "issuanceDate");
  if (issued != NULL)
    {
      g_autofree char *day = g_strndup (issued, 10);
      dossier_record_set_issued (record, day);
    }
  dossier_record_set_issuer_id (record, issuer);
  dossier_record_set_issuer_name (record, dossier_json_get_string (issuer_object, "name") ?: issuer);
  dossier_record_set_format (record, "vc-jwt");
  dossier_record_set_fields (record, vc);
  dossier_verification_add_record (result, record);
}

static gboolean
check_times (JsonObject                 *claims,
             JsonObject                 *vc,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  gint64 now, from, until;

  if (options->at == NULL)
    return TRUE;
  now = g_date_time_to_unix (options->at);
  from = time_of (claims, "nbf", vc, "issuanceDate", "validFrom");
  until = time_of (claims, "exp", vc, "expirationDate", "validUntil");
  if (from != G_MININT64 && from > now + CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "not-yet-valid", "not-yet-valid", _("Not valid yet"));
  dossier_verification_check (result, "not-yet-valid", TRUE, _("Valid from before the time of checking"));
  if (until != G_MININT64 && until < now - CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "expired", "expired", _("Expired"));
  return dossier_verification_check (result, "expired", TRUE, _("Not expired"));
}

static void
verify_claims (DossierJws                 *jws,
               JsonObject                 *claims,
               const DossierVerifyOptions *options,
               DossierVerification        *result)
{
  g_autoptr(DossierJwk) key = NULL;
  JsonObject *vc;
  const char *alg, *issuer;
  gboolean trusted;

  dossier_verification_check (result, "decode", TRUE, _("Compact JWS"));
  alg = dossier_jws_get_header_string (jws, "alg");
  if (alg == NULL || g_str_equal (alg, "none") || g_str_has_prefix (alg, "HS"))
    {
      dossier_verification_fail (result, "header", "alg-refused", _("Signature algorithm “%s” is not accepted"), alg ?: "");
      return;
    }
  dossier_verification_check (result, "header", TRUE, "%s", alg);

  vc = credential_of (claims);
  issuer = issuer_of (claims, vc);
  if (!has_type (vc, "VerifiableCredential") || dossier_json_get_object (vc, "credentialSubject") == NULL || issuer == NULL)
    {
      dossier_verification_fail (result, "schema", "vc-schema",
                                 _("A credential needs a VerifiableCredential type, a subject and an issuer"));
      return;
    }
  dossier_verification_check (result, "schema", TRUE, "%s", has_type (vc, "AchievementCredential") ? "AchievementCredential" : "VerifiableCredential");
  add_record (vc, issuer, result);
  dossier_verification_set_issuer (result, issuer, issuer, FALSE);

  if ((key = dossier_issuer_key_verify (jws, issuer, options, result, &trusted)) == NULL)
    return;
  if (trusted)
    dossier_verification_check (result, "signature", TRUE, _("%s signature"), alg);
  else
    dossier_verification_check (result, "signature", TRUE, _("%s signature by %s, whose key no trust anchor holds"),
                                alg, dossier_jwk_get_kid (key) ?: issuer);
  if (!dossier_jwk_belongs_to (key, issuer))
    {
      dossier_verification_fail (result, "issuer", "key-issuer-mismatch", _("The key does not belong to issuer %s"), issuer);
      return;
    }
  if (trusted)
    {
      dossier_verification_check (result, "issuer", TRUE, "%s", issuer);
      dossier_verification_set_issuer (result, issuer, dossier_record_get_issuer_name (g_ptr_array_index (dossier_verification_get_records (result), 0)), TRUE);
    }
  if (!check_times (claims, vc, options, result))
    return;
  dossier_status_list_check (vc, claims, issuer, options, result);
}

void
dossier_vc_jwt_verify (const char                 *text,
                       gsize                       length,
                       const DossierVerifyOptions *options,
                       DossierVerification        *result)
{
  g_autoptr(DossierJws) jws = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *claims;

  dossier_verification_set_format (result, "vc-jwt");
  if (!dossier_jws_looks_compact (text, length) || (jws = dossier_jws_parse (text, length, &error)) == NULL ||
      (claims = payload_object (jws)) == NULL)
    {
      dossier_verification_fail (result, "decode", "jws-malformed", "%s",
                                 error != NULL ? error->message : _("Not a JWT with a JSON payload"));
      return;
    }
  verify_claims (jws, claims, options, result);
}

/* As dossier_vc_jwt_verify(), for a JWS already parsed (and detected). */
void
dossier_vc_jwt_verify_jws (DossierJws                 *jws,
                           const DossierVerifyOptions *options,
                           DossierVerification        *result)
{
  JsonObject *claims;

  dossier_verification_set_format (result, "vc-jwt");
  if ((claims = payload_object (jws)) == NULL)
    {
      dossier_verification_fail (result, "decode", "jws-malformed", "%s", _("Not a JWT with a JSON payload"));
      return;
    }
  verify_claims (jws, claims, options, result);
}

/* A credential as plain JSON without a proof: nothing vouches for it, but
 * what it says is still shown (a Data Integrity proof is another matter). */
static JsonNode *
parse_unsigned (const char *text,
                gsize       length)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *vc;

  while (length > 0 && g_ascii_isspace (*text))
    {
      text++;
      length--;
    }
  if (length == 0 || *text != '{' || (root = dossier_json_parse (text, length)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  vc = json_node_get_object (root);
  if (!has_type (vc, "VerifiableCredential") || json_object_has_member (vc, "proof"))
    return NULL;
  return g_steal_pointer (&root);
}

gboolean
dossier_vc_json_detect (const char *text,
                        gsize       length)
{
  g_autoptr(JsonNode) root = parse_unsigned (text, length);

  return root != NULL;
}

void
dossier_vc_json_verify (const char                 *text,
                        gsize                       length,
                        const DossierVerifyOptions *options,
                        DossierVerification        *result)
{
  g_autoptr(JsonNode) root = parse_unsigned (text, length);
  JsonObject *vc;
  const char *issuer;

  dossier_verification_set_format (result, "vc-json");
  if (root == NULL)
    {
      dossier_verification_fail (result, "decode", "vc-malformed", _("Not a credential in JSON"));
      return;
    }
  dossier_verification_check (result, "decode", TRUE, _("Credential in JSON without a proof"));
  vc = json_node_get_object (root);
  issuer = issuer_of (vc, vc);
  if (dossier_json_get_object (vc, "credentialSubject") == NULL || issuer == NULL)
    {
      dossier_verification_fail (result, "schema", "vc-schema",
                                 _("A credential needs a VerifiableCredential type, a subject and an issuer"));
      return;
    }
  dossier_verification_check (result, "schema", TRUE, "%s", has_type (vc, "AchievementCredential") ? "AchievementCredential" : "VerifiableCredential");
  add_record (vc, issuer, result);
  dossier_record_set_format (g_ptr_array_index (dossier_verification_get_records (result), 0), "vc-json");
  dossier_verification_set_issuer (result, issuer, dossier_record_get_issuer_name (g_ptr_array_index (dossier_verification_get_records (result), 0)), FALSE);
  dossier_verification_note_unsigned (result, _("The credential has no proof or signature; who issued it cannot be checked"));
  check_times (vc, vc, options, result);
}
