// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-services-private.h"

#include "dossier-base64.h"
#include "dossier-jcs.h"
#include "dossier-json.h"
#include "dossier-jws.h"
#include "dossier-vc-jwt.h"

#include <string.h>
#include <zlib.h>

#define FHIR_JSON "application/fhir+json"
#define DEFAULT_PAGE 10
#define MAX_PAGE 100

/* The resource types a patient's records may be searched by. */
static const char * const searchable[] = {
  "AllergyIntolerance", "Condition", "Encounter", "Immunization", "MedicationRequest", "MedicationStatement",
  "Observation",
};

static JsonArray *
strings (const char *first,
         ...)
{
  JsonArray *array = json_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    json_array_add_string_element (array, s);
  va_end (args);
  return array;
}

static void
outcome (SoupServerMessage *msg,
         guint              status,
         const char        *code,
         const char        *text)
{
  g_autoptr(JsonObject) resource = json_object_new ();
  JsonArray *issues = json_array_new ();
  JsonObject *issue = json_object_new ();

  json_object_set_string_member (resource, "resourceType", "OperationOutcome");
  json_object_set_string_member (issue, "severity", "error");
  json_object_set_string_member (issue, "code", code);
  json_object_set_string_member (issue, "diagnostics", text);
  json_array_add_object_element (issues, issue);
  json_object_set_array_member (resource, "issue", issues);
  demo_send_typed_json (msg, status, FHIR_JSON, resource);
}

static void
smart_configuration (DossierDemoServices *self,
                     SoupServerMessage   *msg,
                     gboolean             openid)
{
  g_autoptr(JsonObject) config = json_object_new ();
  g_autofree char *authorize = g_strconcat (self->moh, "/authorize", NULL);
  g_autofree char *token = g_strconcat (self->moh, "/token", NULL);
  g_autofree char *revoke = g_strconcat (self->moh, "/revoke", NULL);
  g_autofree char *jwks = g_strconcat (self->moh, "/.well-known/jwks.json", NULL);

  json_object_set_string_member (config, "issuer", self->moh);
  json_object_set_string_member (config, "authorization_endpoint", authorize);
  json_object_set_string_member (config, "token_endpoint", token);
  json_object_set_string_member (config, "revocation_endpoint", revoke);
  json_object_set_string_member (config, "jwks_uri", jwks);
  json_object_set_array_member (config, "capabilities",
                                strings ("launch-standalone", "client-public", "context-standalone-patient",
                                         "permission-patient", "permission-offline", "sso-openid-connect", NULL));
  json_object_set_array_member (config, "code_challenge_methods_supported", strings ("S256", NULL));
  json_object_set_array_member (config, "scopes_supported",
                                strings ("openid", "fhirUser", "launch/patient", "patient/*.rs", "patient/*.read",
                                         "offline_access", NULL));
  json_object_set_array_member (config, "response_types_supported", strings ("code", NULL));
  json_object_set_array_member (config, "grant_types_supported", strings ("authorization_code", "refresh_token", NULL));
  json_object_set_array_member (config, "token_endpoint_auth_methods_supported", strings ("none", NULL));
  if (openid)
    {
      json_object_set_array_member (config, "subject_types_supported", strings ("public", NULL));
      json_object_set_array_member (config, "id_token_signing_alg_values_supported", strings ("ES256", NULL));
    }
  demo_send_json (msg, SOUP_STATUS_OK, config);
}

static JsonObject *
operation (const char *name,
           const char *definition)
{
  JsonObject *op = json_object_new ();

  json_object_set_string_member (op, "name", name);
  json_object_set_string_member (op, "definition", definition);
  return op;
}

static JsonArray *
interactions (const char *first,
              ...)
{
  JsonArray *array = json_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    {
      JsonObject *interaction = json_object_new ();

      json_object_set_string_member (interaction, "code", s);
      json_array_add_object_element (array, interaction);
    }
  va_end (args);
  return array;
}

static void
capability_statement (DossierDemoServices *self,
                      SoupServerMessage   *msg)
{
  g_autoptr(JsonObject) statement = json_object_new ();
  g_autofree char *base = g_strconcat (self->moh, "/fhir", NULL);
  JsonObject *implementation = json_object_new ();
  JsonObject *rest = json_object_new ();
  JsonObject *patient = json_object_new ();
  JsonArray *resources = json_array_new ();
  JsonArray *operations = json_array_new ();
  JsonArray *rests = json_array_new ();

  json_object_set_string_member (statement, "resourceType", "CapabilityStatement");
  json_object_set_string_member (statement, "status", "active");
  json_object_set_string_member (statement, "date", "2026-01-01");
  json_object_set_string_member (statement, "kind", "instance");
  json_object_set_string_member (statement, "fhirVersion", "4.0.1");
  json_object_set_array_member (statement, "format", strings ("json", NULL));
  json_object_set_string_member (implementation, "description", "Bộ Y tế · Sổ sức khỏe điện tử (demo)");
  json_object_set_string_member (implementation, "url", base);
  json_object_set_object_member (statement, "implementation", implementation);
  json_object_set_string_member (rest, "mode", "server");

  json_object_set_string_member (patient, "type", "Patient");
  json_object_set_array_member (patient, "interaction", interactions ("read", NULL));
  if (!self->no_summary)
    json_array_add_object_element (operations, operation ("summary", "http://hl7.org/fhir/uv/ips/OperationDefinition/summary"));
  json_array_add_object_element (operations, operation ("everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything"));
  json_array_add_object_element (operations, operation ("health-cards-issue",
                                                        "https://smarthealth.cards/OperationDefinition/Patient-i-health-cards-issue"));
  json_object_set_array_member (patient, "operation", operations);
  json_array_add_object_element (resources, patient);
  for (guint i = 0; i < G_N_ELEMENTS (searchable); i++)
    {
      JsonObject *resource = json_object_new ();
      JsonArray *params = json_array_new ();
      JsonObject *param = json_object_new ();

      json_object_set_string_member (resource, "type", searchable[i]);
      json_object_set_array_member (resource, "interaction", interactions ("read", "search-type", NULL));
      json_object_set_string_member (param, "name", "patient");
      json_object_set_string_member (param, "type", "reference");
      json_array_add_object_element (params, param);
      json_object_set_array_member (resource, "searchParam", params);
      json_array_add_object_element (resources, resource);
    }
  json_object_set_array_member (rest, "resource", resources);
  json_array_add_object_element (rests, rest);
  json_object_set_array_member (statement, "rest", rests);
  demo_send_typed_json (msg, SOUP_STATUS_OK, FHIR_JSON, statement);
}

/* The person whose records @patient_id names, when the token may read
 * them; NULL after answering 401, 403 or 404. */
static DossierDemoPerson *
authorized_patient (DossierDemoServices *self,
                    SoupServerMessage   *msg,
                    const char          *patient_id)
{
  DemoGrant *grant = demo_bearer (self, msg, DEMO_SERVICE_MOH);
  DossierDemoPerson *person;

  if (grant == NULL)
    return NULL;
  person = dossier_demo_catalog_find_person (self->catalog, grant->person);
  if (person == NULL || g_strcmp0 (person->patient_id, patient_id) != 0)
    {
      outcome (msg, SOUP_STATUS_FORBIDDEN, "forbidden", "The access token is for another patient");
      return NULL;
    }
  return person;
}

static char *
full_url (DossierDemoServices *self,
          JsonObject          *resource)
{
  return g_strdup_printf ("%s/fhir/%s/%s", self->moh, dossier_json_get_string (resource, "resourceType"),
                          dossier_json_get_string (resource, "id"));
}

static JsonObject *
bundle_entry (DossierDemoServices *self,
              JsonObject          *resource,
              gboolean             search)
{
  JsonObject *entry = json_object_new ();
  g_autofree char *url = full_url (self, resource);

  json_object_set_string_member (entry, "fullUrl", url);
  json_object_set_object_member (entry, "resource", json_object_ref (resource));
  if (search)
    {
      JsonObject *mode = json_object_new ();

      json_object_set_string_member (mode, "mode", "match");
      json_object_set_object_member (entry, "search", mode);
    }
  return entry;
}

static gboolean
read_count (GHashTable *query,
            const char *name,
            guint       fallback,
            guint       max,
            guint      *value)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  guint64 parsed = 0;

  if (text == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &parsed, NULL))
    return FALSE;
  *value = (guint) parsed;
  return TRUE;
}

/* A searchset page of @resources from @offset, with self and next links
 * built on @path and the other query parameters; at most @most entries
 * whatever _count asks (FHIR lets a server send fewer). */
static void
send_page (DossierDemoServices *self,
           SoupServerMessage   *msg,
           const char          *path,
           GHashTable          *query,
           GPtrArray           *resources,
           guint                most)
{
  g_autoptr(JsonObject) bundle = json_object_new ();
  JsonArray *entries = json_array_new ();
  JsonArray *links = json_array_new ();
  guint count = DEFAULT_PAGE, offset = 0;
  g_autofree char *id = demo_random_string (12);

  if (!read_count (query, "_count", DEFAULT_PAGE, MAX_PAGE, &count) || count == 0 ||
      !read_count (query, "_offset", 0, G_MAXINT, &offset))
    {
      json_array_unref (entries);
      json_array_unref (links);
      outcome (msg, SOUP_STATUS_BAD_REQUEST, "invalid", "_count must be 1 to 100 and _offset a whole number");
      return;
    }
  count = MIN (count, most);
  if (offset > 0 && self->drop_pages > 0)
    {
      json_array_unref (entries);
      json_array_unref (links);
      self->drop_pages--;
      demo_drop_connection (msg);
      return;
    }
  for (guint i = offset; i < resources->len && i < (guint64) offset + count; i++)
    json_array_add_object_element (entries, bundle_entry (self, g_ptr_array_index (resources, i), TRUE));
  for (guint which = 0; which < 2; which++)
    {
      g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *offset_text = g_strdup_printf ("%u", which == 0 ? offset : offset + count);
      g_autofree char *count_text = g_strdup_printf ("%u", count);
      g_autofree char *encoded = NULL, *url = NULL;
      GHashTableIter iter;
      gpointer key, value;
      JsonObject *link;

      if (which == 1 && (guint64) offset + count >= resources->len)
        break;
      if (query != NULL)
        {
          g_hash_table_iter_init (&iter, query);
          while (g_hash_table_iter_next (&iter, &key, &value))
            g_hash_table_insert (params, key, value);
        }
      g_hash_table_insert (params, (gpointer) "_count", count_text);
      g_hash_table_insert (params, (gpointer) "_offset", offset_text);
      encoded = soup_form_encode_hash (params);
      url = g_strdup_printf ("%s%s?%s", self->moh, path, encoded);
      link = json_object_new ();
      json_object_set_string_member (link, "relation", which == 0 ? "self" : "next");
      json_object_set_string_member (link, "url", url);
      json_array_add_object_element (links, link);
    }
  json_object_set_string_member (bundle, "resourceType", "Bundle");
  json_object_set_string_member (bundle, "id", id);
  json_object_set_string_member (bundle, "type", "searchset");
  json_object_set_int_member (bundle, "total", resources->len);
  json_object_set_array_member (bundle, "link", links);
  json_object_set_array_member (bundle, "entry", entries);
  demo_send_typed_json (msg, SOUP_STATUS_OK, FHIR_JSON, bundle);
}

static GPtrArray *
resources_of (DossierDemoPerson *person,
              const char        *type,
              gboolean           with_patient)
{
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  if (with_patient)
    g_ptr_array_add (found, json_object_ref (person->patient));
  for (guint i = 0; i < person->resources->len; i++)
    {
      JsonObject *resource = g_ptr_array_index (person->resources, i);

      if (type == NULL || g_strcmp0 (dossier_json_get_string (resource, "resourceType"), type) == 0)
        g_ptr_array_add (found, json_object_ref (resource));
    }
  return found;
}

static const struct
{
  const char *code;
  const char *title;
  const char *type;
  const char *other_type;
} ips_sections[] = {
  { "48765-2", "Dị ứng · Allergies and intolerances", "AllergyIntolerance", NULL },
  { "10160-0", "Thuốc · Medication summary", "MedicationStatement", "MedicationRequest" },
  { "11450-4", "Bệnh · Problem list", "Condition", NULL },
  { "11369-6", "Tiêm chủng · Immunizations", "Immunization", NULL },
  { "30954-2", "Kết quả · Results", "Observation", NULL },
  { "46240-8", "Khám bệnh · History of encounters", "Encounter", NULL },
};

static JsonObject *
coding (const char *system,
        const char *code,
        const char *display)
{
  JsonObject *concept = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *one = json_object_new ();

  json_object_set_string_member (one, "system", system);
  json_object_set_string_member (one, "code", code);
  if (display != NULL)
    json_object_set_string_member (one, "display", display);
  json_array_add_object_element (codings, one);
  json_object_set_array_member (concept, "coding", codings);
  return concept;
}

static JsonObject *
reference_to (JsonObject *resource)
{
  JsonObject *reference = json_object_new ();
  g_autofree char *text = g_strdup_printf ("%s/%s", dossier_json_get_string (resource, "resourceType"),
                                           dossier_json_get_string (resource, "id"));

  json_object_set_string_member (reference, "reference", text);
  return reference;
}

/* An International Patient Summary: a document Bundle whose Composition
 * lists each section's resources. */
static void
summary (DossierDemoServices *self,
         SoupServerMessage   *msg,
         DossierDemoPerson   *person)
{
  g_autoptr(JsonObject) bundle = json_object_new ();
  g_autoptr(JsonObject) composition = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *composition_id = demo_random_string (12);
  g_autofree char *bundle_id = demo_random_string (12);
  JsonArray *entries = json_array_new ();
  JsonArray *sections = json_array_new ();
  JsonArray *authors = json_array_new ();
  JsonObject *author = json_object_new ();
  JsonObject *identifier = json_object_new ();
  g_autofree char *identifier_value = g_strconcat ("urn:uuid:", composition_id, NULL);

  json_object_set_string_member (composition, "resourceType", "Composition");
  json_object_set_string_member (composition, "id", composition_id);
  json_object_set_string_member (composition, "status", "final");
  json_object_set_object_member (composition, "type", coding ("http://loinc.org", "60591-5", "Patient summary Document"));
  json_object_set_object_member (composition, "subject", reference_to (person->patient));
  json_object_set_string_member (composition, "date", stamp);
  json_object_set_string_member (author, "display", "Bộ Y tế · Ministry of Health");
  json_array_add_object_element (authors, author);
  json_object_set_array_member (composition, "author", authors);
  json_object_set_string_member (composition, "title", "Tóm tắt hồ sơ sức khỏe · Patient Summary");
  for (guint s = 0; s < G_N_ELEMENTS (ips_sections); s++)
    {
      JsonObject *section = json_object_new ();
      JsonArray *refs = json_array_new ();

      json_object_set_string_member (section, "title", ips_sections[s].title);
      json_object_set_object_member (section, "code", coding ("http://loinc.org", ips_sections[s].code, NULL));
      for (guint i = 0; i < person->resources->len; i++)
        {
          JsonObject *resource = g_ptr_array_index (person->resources, i);
          const char *type = dossier_json_get_string (resource, "resourceType");

          if (g_strcmp0 (type, ips_sections[s].type) == 0 || g_strcmp0 (type, ips_sections[s].other_type) == 0)
            json_array_add_object_element (refs, reference_to (resource));
        }
      if (json_array_get_length (refs) > 0)
        json_object_set_array_member (section, "entry", refs);
      else
        {
          json_array_unref (refs);
          json_object_set_object_member (section, "emptyReason",
                                         coding ("http://terminology.hl7.org/CodeSystem/list-empty-reason", "nilknown", "Nil Known"));
        }
      json_array_add_object_element (sections, section);
    }
  json_object_set_array_member (composition, "section", sections);

  json_array_add_object_element (entries, bundle_entry (self, composition, FALSE));
  json_array_add_object_element (entries, bundle_entry (self, person->patient, FALSE));
  for (guint i = 0; i < person->resources->len; i++)
    json_array_add_object_element (entries, bundle_entry (self, g_ptr_array_index (person->resources, i), FALSE));
  json_object_set_string_member (bundle, "resourceType", "Bundle");
  json_object_set_string_member (bundle, "id", bundle_id);
  json_object_set_string_member (identifier, "system", "urn:ietf:rfc:3986");
  json_object_set_string_member (identifier, "value", identifier_value);
  json_object_set_object_member (bundle, "identifier", identifier);
  json_object_set_string_member (bundle, "type", "document");
  json_object_set_string_member (bundle, "timestamp", stamp);
  json_object_set_array_member (bundle, "entry", entries);
  demo_send_typed_json (msg, SOUP_STATUS_OK, FHIR_JSON, bundle);
}

static GBytes *
raw_deflate (const char *data,
             gsize       length)
{
  z_stream stream = { 0 };
  gsize bound;
  guint8 *out;
  int status;

  if (deflateInit2 (&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return NULL;
  bound = deflateBound (&stream, length);
  out = g_malloc (bound);
  stream.next_in = (Bytef *) data;
  stream.avail_in = (uInt) length;
  stream.next_out = out;
  stream.avail_out = (uInt) bound;
  status = deflate (&stream, Z_FINISH);
  deflateEnd (&stream);
  if (status != Z_STREAM_END)
    {
      g_free (out);
      return NULL;
    }
  return g_bytes_new_take (out, stream.total_out);
}

/* A SMART Health Card: a compact JWS with a raw-DEFLATE payload. */
static char *
sign_health_card (DossierDemoServices  *self,
                  JsonObject           *payload,
                  GError              **error)
{
  g_autoptr(JsonObject) header = json_object_new ();
  g_autoptr(JsonNode) header_node = NULL, payload_node = NULL;
  g_autofree char *header_json = NULL, *payload_json = NULL, *header_b64 = NULL, *payload_b64 = NULL;
  g_autofree char *input = NULL, *signature_b64 = NULL;
  g_autoptr(GBytes) compressed = NULL, signature = NULL;
  gsize header_length = 0, payload_length = 0;

  json_object_set_string_member (header, "alg", "ES256");
  json_object_set_string_member (header, "zip", "DEF");
  json_object_set_string_member (header, "kid", self->catalog->moh_p256_kid);
  header_node = json_node_init_object (json_node_alloc (), header);
  payload_node = json_node_init_object (json_node_alloc (), payload);
  if ((header_json = dossier_jcs_serialize (header_node, &header_length, error)) == NULL ||
      (payload_json = dossier_jcs_serialize (payload_node, &payload_length, error)) == NULL)
    return NULL;
  if ((compressed = raw_deflate (payload_json, payload_length)) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The health card cannot be compressed");
      return NULL;
    }
  header_b64 = dossier_base64url_encode (header_json, header_length);
  payload_b64 = dossier_base64url_encode (g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed));
  input = g_strconcat (header_b64, ".", payload_b64, NULL);
  if ((signature = dossier_crypto_sign ("ES256", self->catalog->moh_p256, input, strlen (input), error)) == NULL)
    return NULL;
  signature_b64 = dossier_base64url_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  return g_strconcat (input, ".", signature_b64, NULL);
}

static void
copy_members (JsonObject         *from,
              JsonObject         *to,
              const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (json_object_has_member (from, names[i]))
      json_object_set_member (to, names[i], json_node_copy (json_object_get_member (from, names[i])));
}

/* The minimal FHIR bundle of a health card: the patient's identity and
 * the immunizations, referenced as resource:N. */
static JsonObject *
card_bundle (DossierDemoPerson *person)
{
  static const char * const patient_members[] = { "name", "birthDate", NULL };
  static const char * const immunization_members[] = { "status", "vaccineCode", "occurrenceDateTime", "lotNumber", NULL };
  JsonObject *bundle = json_object_new ();
  JsonArray *entries = json_array_new ();
  JsonObject *patient = json_object_new ();
  JsonObject *entry = json_object_new ();
  guint n = 1;

  json_object_set_string_member (patient, "resourceType", "Patient");
  copy_members (person->patient, patient, patient_members);
  json_object_set_string_member (entry, "fullUrl", "resource:0");
  json_object_set_object_member (entry, "resource", patient);
  json_array_add_object_element (entries, entry);
  for (guint i = 0; i < person->resources->len; i++)
    {
      JsonObject *resource = g_ptr_array_index (person->resources, i);
      JsonObject *immunization, *reference;
      g_autofree char *url = NULL;

      if (g_strcmp0 (dossier_json_get_string (resource, "resourceType"), "Immunization") != 0)
        continue;
      immunization = json_object_new ();
      reference = json_object_new ();
      json_object_set_string_member (immunization, "resourceType", "Immunization");
      copy_members (resource, immunization, immunization_members);
      json_object_set_string_member (reference, "reference", "resource:0");
      json_object_set_object_member (immunization, "patient", reference);
      url = g_strdup_printf ("resource:%u", n++);
      entry = json_object_new ();
      json_object_set_string_member (entry, "fullUrl", url);
      json_object_set_object_member (entry, "resource", immunization);
      json_array_add_object_element (entries, entry);
    }
  json_object_set_string_member (bundle, "resourceType", "Bundle");
  json_object_set_string_member (bundle, "type", "collection");
  json_object_set_array_member (bundle, "entry", entries);
  return bundle;
}

/* Whether @parameters ask for immunization cards; @named counts the
 * credential types they name at all. */
static gboolean
asks_for_immunizations (JsonObject *parameters,
                        guint      *named)
{
  JsonArray *list = dossier_json_get_array (parameters, "parameter");
  gboolean wanted = FALSE;

  for (guint i = 0; list != NULL && i < json_array_get_length (list) && i < 64; i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      JsonObject *parameter = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *type = dossier_json_get_string (parameter, "valueUri");

      if (g_strcmp0 (dossier_json_get_string (parameter, "name"), "credentialType") != 0 || type == NULL)
        continue;
      (*named)++;
      if (g_str_equal (type, "https://smarthealth.cards#immunization") || g_str_equal (type, "Immunization") ||
          g_str_equal (type, "https://smarthealth.cards#health-card"))
        wanted = TRUE;
    }
  return wanted;
}

static void
health_cards_issue (DossierDemoServices *self,
                    SoupServerMessage   *msg,
                    DossierDemoPerson   *person)
{
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *out = json_array_new ();
  gboolean has_immunization = FALSE, wanted;
  guint named = 0;

  json_object_set_string_member (response, "resourceType", "Parameters");
  json_object_set_array_member (response, "parameter", out);
  if ((request = demo_read_json (msg)) == NULL)
    return;
  if (g_strcmp0 (dossier_json_get_string (request, "resourceType"), "Parameters") != 0)
    {
      outcome (msg, SOUP_STATUS_BAD_REQUEST, "invalid", "The body is not a FHIR Parameters resource");
      return;
    }
  wanted = asks_for_immunizations (request, &named);
  if (named == 0)
    {
      outcome (msg, SOUP_STATUS_BAD_REQUEST, "required", "The Parameters name no credentialType (a valueUri)");
      return;
    }
  for (guint i = 0; i < person->resources->len; i++)
    has_immunization |= g_strcmp0 (dossier_json_get_string (g_ptr_array_index (person->resources, i), "resourceType"),
                                   "Immunization") == 0;
  if (wanted && has_immunization)
    {
      g_autoptr(JsonObject) payload = json_object_new ();
      JsonObject *vc = json_object_new ();
      JsonObject *subject = json_object_new ();
      JsonObject *parameter = json_object_new ();
      g_autofree char *card = NULL;

      json_object_set_string_member (payload, "iss", self->moh);
      json_object_set_int_member (payload, "nbf", demo_now ());
      json_object_set_array_member (vc, "type", strings ("https://smarthealth.cards#health-card",
                                                         "https://smarthealth.cards#immunization", NULL));
      json_object_set_string_member (subject, "fhirVersion", "4.0.1");
      json_object_set_object_member (subject, "fhirBundle", card_bundle (person));
      json_object_set_object_member (vc, "credentialSubject", subject);
      json_object_set_object_member (payload, "vc", vc);
      if ((card = sign_health_card (self, payload, &error)) == NULL)
        {
          json_object_unref (parameter);
          outcome (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "exception", error->message);
          return;
        }
      json_object_set_string_member (parameter, "name", "verifiableCredential");
      json_object_set_string_member (parameter, "valueString", card);
      json_array_add_object_element (out, parameter);
    }
  demo_send_typed_json (msg, SOUP_STATUS_OK, FHIR_JSON, response);
}

/* An OpenID Connect ID token naming the person's FHIR Patient as the
 * fhirUser, signed with the ministry's key. */
char *
demo_moh_id_token (DossierDemoServices *self,
                   DemoGrant           *grant,
                   DossierDemoPerson   *person)
{
  g_autoptr(JsonObject) claims = json_object_new ();
  g_autofree char *fhir_user = g_strdup_printf ("%s/fhir/Patient/%s", self->moh, person->patient_id);
  gint64 now = demo_now ();

  json_object_set_string_member (claims, "iss", self->moh);
  json_object_set_string_member (claims, "sub", person->id);
  json_object_set_string_member (claims, "aud", grant->client_id != NULL ? grant->client_id : "");
  json_object_set_int_member (claims, "iat", now);
  json_object_set_int_member (claims, "exp", now + DEMO_TOKEN_LIFETIME);
  json_object_set_string_member (claims, "fhirUser", fhir_user);
  json_object_set_string_member (claims, "name", person->name);
  if (grant->nonce != NULL)
    json_object_set_string_member (claims, "nonce", grant->nonce);
  return dossier_vc_jwt_sign (claims, "JWT", "ES256", self->catalog->moh_p256, self->catalog->moh_p256_kid, NULL);
}

/* GET <moh>/fault/set?mode=...: drop-after-first-page makes the next page
 * after the first of a paged read drop its connection (the next "times"
 * such pages, when given: a reader that retries fails anyway); no-summary makes
 * the FHIR server stop offering Patient/$summary (so readers page through
 * $everything), and summary offers it again. */
static void
set_fault (DossierDemoServices *self,
           SoupServerMessage   *msg,
           GHashTable          *query)
{
  const char *mode = query != NULL ? g_hash_table_lookup (query, "mode") : NULL;
  guint times = 1;

  if (self->faults && g_strcmp0 (mode, "drop-after-first-page") == 0 && read_count (query, "times", 1, 100, &times))
    self->drop_pages = times;
  else if (self->faults && g_strcmp0 (mode, "no-summary") == 0)
    self->no_summary = TRUE;
  else if (self->faults && g_strcmp0 (mode, "summary") == 0)
    self->no_summary = FALSE;
  else
    {
      demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "There is nothing at this address");
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static void
fhir (DossierDemoServices *self,
      SoupServerMessage   *msg,
      const char          *path,
      GHashTable          *query)
{
  g_auto(GStrv) parts = g_strsplit (path + 1, "/", 4);
  guint n = g_strv_length (parts);
  const char *method = soup_server_message_get_method (msg);
  gboolean get = g_str_equal (method, "GET");
  g_autofree char *full_path = g_strconcat ("/fhir", path, NULL);
  DossierDemoPerson *person;

  if (get && n == 1 && g_str_equal (parts[0], "metadata"))
    {
      capability_statement (self, msg);
      return;
    }
  if (n >= 2 && g_str_equal (parts[0], "Patient"))
    {
      if ((person = authorized_patient (self, msg, parts[1])) == NULL)
        return;
      if (get && n == 2)
        demo_send_typed_json (msg, SOUP_STATUS_OK, FHIR_JSON, person->patient);
      else if (get && n == 3 && g_str_equal (parts[2], "$summary") && !self->no_summary)
        summary (self, msg, person);
      else if (get && n == 3 && g_str_equal (parts[2], "$everything"))
        {
          g_autoptr(GPtrArray) resources = resources_of (person, NULL, TRUE);

          /* a whole record comes in small pages, so that the demo's baby's
           * vaccination schedule spans several */
          send_page (self, msg, full_path, query, resources, DEFAULT_PAGE);
        }
      else if (g_str_equal (method, "POST") && n == 3 && g_str_equal (parts[2], "$health-cards-issue"))
        health_cards_issue (self, msg, person);
      else
        outcome (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such operation");
      return;
    }
  for (guint i = 0; get && n == 1 && i < G_N_ELEMENTS (searchable); i++)
    if (g_str_equal (parts[0], searchable[i]))
      {
        const char *patient = query != NULL ? g_hash_table_lookup (query, "patient") : NULL;
        g_autoptr(GPtrArray) resources = NULL;

        if (patient == NULL && query != NULL && g_hash_table_lookup (query, "subject") != NULL)
          patient = g_hash_table_lookup (query, "subject");
        if (patient != NULL && g_str_has_prefix (patient, "Patient/"))
          patient += strlen ("Patient/");
        if (patient == NULL)
          {
            if (demo_bearer (self, msg, DEMO_SERVICE_MOH) != NULL)
              outcome (msg, SOUP_STATUS_BAD_REQUEST, "required", "Searches need a patient parameter");
            return;
          }
        if ((person = authorized_patient (self, msg, patient)) == NULL)
          return;
        resources = resources_of (person, searchable[i], FALSE);
        send_page (self, msg, full_path, query, resources, MAX_PAGE);
        return;
      }
  outcome (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource or operation");
}

void
demo_moh_handle (DossierDemoServices *self,
                 SoupServerMessage   *msg,
                 const char          *path)
{
  gboolean get = g_str_equal (soup_server_message_get_method (msg), "GET");
  GHashTable *query = soup_server_message_get_uri (msg) != NULL && g_uri_get_query (soup_server_message_get_uri (msg)) != NULL
                      ? soup_form_decode (g_uri_get_query (soup_server_message_get_uri (msg))) : NULL;

  if (get && g_str_equal (path, "/.well-known/smart-configuration"))
    smart_configuration (self, msg, FALSE);
  else if (get && g_str_equal (path, "/.well-known/openid-configuration"))
    smart_configuration (self, msg, TRUE);
  else if (get && g_str_equal (path, "/.well-known/jwks.json"))
    demo_send_json (msg, SOUP_STATUS_OK, json_node_get_object (self->catalog->moh_jwks));
  else if (g_str_equal (path, "/authorize"))
    demo_oauth_authorize (self, msg, DEMO_SERVICE_MOH);
  else if (g_str_equal (path, "/token"))
    demo_oauth_token (self, msg, DEMO_SERVICE_MOH);
  else if (g_str_equal (path, "/revoke"))
    demo_oauth_revoke (self, msg);
  else if (get && g_str_equal (path, "/fault/set"))
    set_fault (self, msg, query);
  else if (g_str_has_prefix (path, "/fhir/"))
    fhir (self, msg, path + strlen ("/fhir"), query);
  else
    demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "There is nothing at this address");
  g_clear_pointer (&query, g_hash_table_unref);
}

/* RFC 8414 places an issuer's metadata at the host's root, before its path. */
gboolean
demo_moh_handle_root (DossierDemoServices *self,
                      SoupServerMessage   *msg,
                      const char          *path)
{
  if (!g_str_equal (soup_server_message_get_method (msg), "GET") ||
      !g_str_equal (path, "/.well-known/oauth-authorization-server/moh"))
    return FALSE;
  smart_configuration (self, msg, FALSE);
  return TRUE;
}
