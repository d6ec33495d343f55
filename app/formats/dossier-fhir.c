// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-fhir.h"

#include "dossier-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Maps the resources of a FHIR R4 bundle (an IPS, or the bundle inside a
 * SMART Health Card) to health records.  Unknown resources are skipped.
 * A bundle on its own, as a health service exports it, carries no
 * signature: it is read and kept as unsigned. */

#define MAX_ENTRIES 2000

static JsonObject *
first_object (JsonArray *array)
{
  JsonNode *node;

  if (array == NULL || json_array_get_length (array) == 0)
    return NULL;
  node = json_array_get_element (array, 0);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Names of the vaccines most often seen in health cards, by CVX code. */
static const char *
cvx_name (const char *code)
{
  static const struct { const char *code, *name; } names[] = {
    { "207", "COVID-19 vaccine, Moderna (mRNA)" },
    { "208", "COVID-19 vaccine, Pfizer-BioNTech (mRNA)" },
    { "210", "COVID-19 vaccine, AstraZeneca (viral vector)" },
    { "211", "COVID-19 vaccine, Novavax" },
    { "212", "COVID-19 vaccine, Janssen (viral vector)" },
    { "213", "COVID-19 vaccine" },
    { "229", "COVID-19 vaccine, Moderna bivalent (mRNA)" },
    { "300", "COVID-19 vaccine, Pfizer-BioNTech bivalent (mRNA)" },
    { "88", "Influenza vaccine" },
    { "03", "MMR vaccine" },
    { "08", "Hepatitis B vaccine" },
  };

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (code, names[i].code))
      return names[i].name;
  return NULL;
}

/* The human-readable name of a CodeableConcept. */
static char *
concept_text (JsonObject *concept)
{
  JsonArray *codings = dossier_json_get_array (concept, "coding");
  const char *text = dossier_json_get_string (concept, "text");

  if (text != NULL)
    return g_strdup (text);
  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonNode *node = json_array_get_element (codings, i);
      JsonObject *coding = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *display = dossier_json_get_string (coding, "display");
      const char *system = dossier_json_get_string (coding, "system");
      const char *code = dossier_json_get_string (coding, "code");

      if (display != NULL)
        return g_strdup (display);
      if (g_strcmp0 (system, "http://hl7.org/fhir/sid/cvx") == 0 && cvx_name (code) != NULL)
        return g_strdup (cvx_name (code));
      if (code != NULL && g_strcmp0 (system, "http://hl7.org/fhir/sid/cvx") == 0)
        return g_strdup_printf (_("Vaccine (CVX %s)"), code);
      if (code != NULL)
        return g_strdup (code);
    }
  return NULL;
}

static char *
human_name (JsonObject *patient)
{
  JsonObject *name = first_object (dossier_json_get_array (patient, "name"));
  JsonArray *given = dossier_json_get_array (name, "given");
  GString *text;

  if (name == NULL)
    return NULL;
  if (dossier_json_get_string (name, "text") != NULL)
    return g_strdup (dossier_json_get_string (name, "text"));
  text = g_string_new (NULL);
  for (guint i = 0; given != NULL && i < json_array_get_length (given); i++)
    {
      JsonNode *part = json_array_get_element (given, i);

      if (JSON_NODE_HOLDS_VALUE (part) && json_node_get_value_type (part) == G_TYPE_STRING)
        g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", json_node_get_string (part));
    }
  if (dossier_json_get_string (name, "family") != NULL)
    g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", dossier_json_get_string (name, "family"));
  return g_string_free (text, text->len == 0);
}

static char *
date_only (const char *datetime)
{
  if (datetime == NULL)
    return NULL;
  return g_strndup (datetime, MIN (strlen (datetime), 10));
}

static DossierRecord *
resource_record (JsonObject *resource)
{
  const char *type = dossier_json_get_string (resource, "resourceType");
  DossierRecordKind kind;
  g_autofree char *title = NULL;
  g_autofree char *date = NULL;
  const char *issuer = NULL;
  DossierRecord *record;

  if (g_strcmp0 (type, "Immunization") == 0)
    {
      JsonObject *performer = first_object (dossier_json_get_array (resource, "performer"));

      kind = DOSSIER_RECORD_KIND_IMMUNIZATION;
      title = concept_text (dossier_json_get_object (resource, "vaccineCode"));
      date = date_only (dossier_json_get_string (resource, "occurrenceDateTime"));
      issuer = dossier_json_get_string (dossier_json_get_object (performer, "actor"), "display");
    }
  else if (g_strcmp0 (type, "Observation") == 0)
    {
      kind = DOSSIER_RECORD_KIND_OBSERVATION;
      title = concept_text (dossier_json_get_object (resource, "code"));
      date = date_only (dossier_json_get_string (resource, "effectiveDateTime"));
    }
  else if (g_strcmp0 (type, "MedicationStatement") == 0 || g_strcmp0 (type, "MedicationRequest") == 0)
    {
      kind = DOSSIER_RECORD_KIND_MEDICATION;
      title = concept_text (dossier_json_get_object (resource, "medicationCodeableConcept"));
      date = date_only (dossier_json_get_string (resource, g_str_equal (type, "MedicationRequest") ? "authoredOn" : "dateAsserted"));
    }
  else if (g_strcmp0 (type, "AllergyIntolerance") == 0)
    {
      kind = DOSSIER_RECORD_KIND_ALLERGY;
      title = concept_text (dossier_json_get_object (resource, "code"));
      date = date_only (dossier_json_get_string (resource, "recordedDate"));
    }
  else if (g_strcmp0 (type, "Condition") == 0)
    {
      kind = DOSSIER_RECORD_KIND_CONDITION;
      title = concept_text (dossier_json_get_object (resource, "code"));
      date = date_only (dossier_json_get_string (resource, "onsetDateTime"));
    }
  else if (g_strcmp0 (type, "Procedure") == 0)
    {
      kind = DOSSIER_RECORD_KIND_PROCEDURE;
      title = concept_text (dossier_json_get_object (resource, "code"));
      date = date_only (dossier_json_get_string (resource, "performedDateTime"));
    }
  else if (g_strcmp0 (type, "Encounter") == 0)
    {
      kind = DOSSIER_RECORD_KIND_ENCOUNTER;
      title = concept_text (first_object (dossier_json_get_array (resource, "type")));
      date = date_only (dossier_json_get_string (dossier_json_get_object (resource, "period"), "start"));
    }
  else
    return NULL;

  record = dossier_record_new (kind, title != NULL ? title : dossier_record_kind_get_label (kind));
  dossier_record_set_issued (record, date);
  dossier_record_set_issuer_name (record, issuer);
  dossier_record_set_format (record, "fhir");
  dossier_record_set_fields (record, resource);
  return record;
}

GPtrArray *
dossier_fhir_bundle_to_records (JsonObject  *bundle,
                                char       **subject_name)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *entries = dossier_json_get_array (bundle, "entry");

  if (subject_name != NULL)
    *subject_name = NULL;
  for (guint i = 0; entries != NULL && i < MIN (json_array_get_length (entries), MAX_ENTRIES); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *resource = JSON_NODE_HOLDS_OBJECT (node) ? dossier_json_get_object (json_node_get_object (node), "resource") : NULL;
      DossierRecord *record;

      if (resource == NULL)
        continue;
      if (g_strcmp0 (dossier_json_get_string (resource, "resourceType"), "Patient") == 0)
        {
          if (subject_name != NULL && *subject_name == NULL)
            *subject_name = human_name (resource);
          continue;
        }
      record = resource_record (resource);
      if (record != NULL)
        g_ptr_array_add (records, record);
    }
  return records;
}

static JsonNode *
parse_bundle (const char *text,
              gsize       length)
{
  g_autoptr(JsonNode) root = NULL;

  while (length > 0 && g_ascii_isspace (*text))
    {
      text++;
      length--;
    }
  if (length == 0 || *text != '{' || (root = dossier_json_parse (text, length)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root) ||
      g_strcmp0 (dossier_json_get_string (json_node_get_object (root), "resourceType"), "Bundle") != 0)
    return NULL;
  return g_steal_pointer (&root);
}

gboolean
dossier_fhir_detect (const char *text,
                     gsize       length)
{
  g_autoptr(JsonNode) root = parse_bundle (text, length);

  return root != NULL;
}

void
dossier_fhir_verify (const char                 *text,
                     gsize                       length,
                     const DossierVerifyOptions *options,
                     DossierVerification        *result)
{
  g_autoptr(JsonNode) root = parse_bundle (text, length);
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *subject = NULL;

  dossier_verification_set_format (result, "fhir");
  if (root == NULL)
    {
      dossier_verification_fail (result, "decode", "fhir-malformed", _("Not a FHIR bundle"));
      return;
    }
  dossier_verification_check (result, "decode", TRUE, _("FHIR R4 bundle"));
  records = dossier_fhir_bundle_to_records (json_node_get_object (root), &subject);
  dossier_verification_set_subject (result, subject);
  for (guint i = 0; i < records->len; i++)
    dossier_verification_add_record (result, g_ptr_array_index (records, i));
  dossier_verification_note_unsigned (result, _("A FHIR bundle carries no signature; it is only as good as its source"));
}
