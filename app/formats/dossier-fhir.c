// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-fhir.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Maps the resources of a FHIR R4 bundle (an IPS, or the bundle inside a
 * SMART Health Card) to health records.  Unknown resources are skipped. */

#define MAX_ENTRIES 2000

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

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
  JsonArray *codings = array_member (concept, "coding");
  const char *text = string_member (concept, "text");

  if (text != NULL)
    return g_strdup (text);
  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonNode *node = json_array_get_element (codings, i);
      JsonObject *coding = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *display = string_member (coding, "display");
      const char *system = string_member (coding, "system");
      const char *code = string_member (coding, "code");

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
  JsonObject *name = first_object (array_member (patient, "name"));
  JsonArray *given = array_member (name, "given");
  GString *text;

  if (name == NULL)
    return NULL;
  if (string_member (name, "text") != NULL)
    return g_strdup (string_member (name, "text"));
  text = g_string_new (NULL);
  for (guint i = 0; given != NULL && i < json_array_get_length (given); i++)
    {
      JsonNode *part = json_array_get_element (given, i);

      if (JSON_NODE_HOLDS_VALUE (part) && json_node_get_value_type (part) == G_TYPE_STRING)
        g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", json_node_get_string (part));
    }
  if (string_member (name, "family") != NULL)
    g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", string_member (name, "family"));
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
  const char *type = string_member (resource, "resourceType");
  DossierRecordKind kind;
  g_autofree char *title = NULL;
  g_autofree char *date = NULL;
  const char *issuer = NULL;
  DossierRecord *record;

  if (g_strcmp0 (type, "Immunization") == 0)
    {
      JsonObject *performer = first_object (array_member (resource, "performer"));

      kind = DOSSIER_RECORD_KIND_IMMUNIZATION;
      title = concept_text (object_member (resource, "vaccineCode"));
      date = date_only (string_member (resource, "occurrenceDateTime"));
      issuer = string_member (object_member (performer, "actor"), "display");
    }
  else if (g_strcmp0 (type, "Observation") == 0)
    {
      kind = DOSSIER_RECORD_KIND_OBSERVATION;
      title = concept_text (object_member (resource, "code"));
      date = date_only (string_member (resource, "effectiveDateTime"));
    }
  else if (g_strcmp0 (type, "MedicationStatement") == 0 || g_strcmp0 (type, "MedicationRequest") == 0)
    {
      kind = DOSSIER_RECORD_KIND_MEDICATION;
      title = concept_text (object_member (resource, "medicationCodeableConcept"));
      date = date_only (string_member (resource, g_str_equal (type, "MedicationRequest") ? "authoredOn" : "dateAsserted"));
    }
  else if (g_strcmp0 (type, "AllergyIntolerance") == 0)
    {
      kind = DOSSIER_RECORD_KIND_ALLERGY;
      title = concept_text (object_member (resource, "code"));
      date = date_only (string_member (resource, "recordedDate"));
    }
  else if (g_strcmp0 (type, "Condition") == 0)
    {
      kind = DOSSIER_RECORD_KIND_CONDITION;
      title = concept_text (object_member (resource, "code"));
      date = date_only (string_member (resource, "onsetDateTime"));
    }
  else if (g_strcmp0 (type, "Procedure") == 0)
    {
      kind = DOSSIER_RECORD_KIND_PROCEDURE;
      title = concept_text (object_member (resource, "code"));
      date = date_only (string_member (resource, "performedDateTime"));
    }
  else if (g_strcmp0 (type, "Encounter") == 0)
    {
      kind = DOSSIER_RECORD_KIND_ENCOUNTER;
      title = concept_text (first_object (array_member (resource, "type")));
      date = date_only (string_member (object_member (resource, "period"), "start"));
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
  JsonArray *entries = array_member (bundle, "entry");

  if (subject_name != NULL)
    *subject_name = NULL;
  for (guint i = 0; entries != NULL && i < MIN (json_array_get_length (entries), MAX_ENTRIES); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *resource = JSON_NODE_HOLDS_OBJECT (node) ? object_member (json_node_get_object (node), "resource") : NULL;
      DossierRecord *record;

      if (resource == NULL)
        continue;
      if (g_strcmp0 (string_member (resource, "resourceType"), "Patient") == 0)
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
