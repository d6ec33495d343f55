// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-credential.h"

#include "dossier-json.h"

#include <glib/gi18n-lib.h>

/* What every W3C Verifiable Credential format shares, however it is
 * secured: its type, its issuer, its validity period, and the record it
 * becomes.  Open Badges 3.0 and CLR 2.0 AchievementCredentials become
 * learning records. */

#define CLOCK_SKEW_SECONDS 60

/* Whether @object's "type" is @type or a list holding it. */
gboolean
dossier_credential_has_type (JsonObject *object,
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

static gint64
time_of (JsonObject *claims,
         const char *claim,
         JsonObject *vc,
         const char *member_11,
         const char *member_20)
{
  JsonNode *node = json_object_get_member (claims, claim);
  const char *text;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
    return json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node) : (gint64) json_node_get_double (node);
  text = dossier_json_get_string (vc, member_11);
  if (text == NULL)
    text = dossier_json_get_string (vc, member_20);
  return dossier_credential_parse_time (text);
}

/* The issuer's id: a JWT's "iss", else the credential's issuer or its id. */
const char *
dossier_credential_get_issuer (JsonObject *claims,
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

/* Maps @vc into a record on @result (an Open Badges achievement becomes a
 * diploma, certificate or badge, a CLR a transcript) and returns it. */
DossierRecord *
dossier_credential_add_record (JsonObject          *vc,
                               const char          *issuer,
                               const char          *format,
                               DossierVerification *result)
{
  JsonObject *subject = dossier_json_get_object (vc, "credentialSubject");
  JsonObject *achievement = dossier_json_get_object (subject, "achievement");
  JsonObject *issuer_object = dossier_json_get_object (vc, "issuer");
  const char *title = dossier_json_get_string (achievement, "name");
  DossierRecord *record;
  const char *issued = dossier_json_get_string (vc, "validFrom");

  DossierRecordKind kind;

  /* a CLR is a transcript: its name is the whole record's, and its
   * achievements stay among the fields */
  if (dossier_credential_has_type (vc, "ClrCredential"))
    {
      kind = DOSSIER_RECORD_KIND_TRANSCRIPT;
      title = dossier_json_get_string (vc, "name");
    }
  else
    kind = achievement != NULL ? kind_of_achievement (dossier_json_get_string (achievement, "achievementType"))
                               : DOSSIER_RECORD_KIND_CERTIFICATE;
  if (title == NULL)
    title = dossier_json_get_string (vc, "name");
  record = dossier_record_new (kind, title != NULL ? title : _("Verifiable credential"));
  if (issued == NULL)
    issued = dossier_json_get_string (vc, "issuanceDate");
  if (issued != NULL)
    {
      g_autofree char *day = g_strndup (issued, 10);
      dossier_record_set_issued (record, day);
    }
  dossier_record_set_issuer_id (record, issuer);
  dossier_record_set_issuer_name (record, dossier_json_get_string (issuer_object, "name") ?: issuer);
  dossier_record_set_format (record, format);
  dossier_record_set_fields (record, vc);
  dossier_verification_add_record (result, record);
  g_object_unref (record);
  return record;    /* held by @result */
}

/* The validity period, from the JWT claims when there are any, else from
 * the credential (VC 1.1 and 2.0 names); records the time checks. */
gboolean
dossier_credential_check_times (JsonObject                 *claims,
                                JsonObject                 *vc,
                                const DossierVerifyOptions *options,
                                DossierVerification        *result)
{
  if (options->at == NULL)
    return TRUE;
  return dossier_credential_check_period (time_of (claims, "nbf", vc, "issuanceDate", "validFrom"),
                                          time_of (claims, "exp", vc, "expirationDate", "validUntil"),
                                          options, result);
}

/* The time a credential written as @text (RFC 3339) stands for, as
 * dossier_credential_check_times() reads it; G_MININT64 for none. */
gint64
dossier_credential_parse_time (const char *text)
{
  g_autoptr(GDateTime) parsed = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return parsed != NULL ? g_date_time_to_unix (parsed) : G_MININT64;
}

/* As dossier_credential_check_times(), for a period already read: @from
 * and @until in Unix time, G_MININT64 where the credential sets none. */
gboolean
dossier_credential_check_period (gint64                      from,
                                 gint64                      until,
                                 const DossierVerifyOptions *options,
                                 DossierVerification        *result)
{
  gint64 now;

  if (options->at == NULL)
    return TRUE;
  now = g_date_time_to_unix (options->at);
  if (from != G_MININT64 && from > now + CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "not-yet-valid", "not-yet-valid", _("Not valid yet"));
  dossier_verification_check (result, "not-yet-valid", TRUE, _("Valid from before the time of checking"));
  if (until != G_MININT64 && until < now - CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "expired", "expired", _("Expired"));
  return dossier_verification_check (result, "expired", TRUE, _("Not expired"));
}
