// SPDX-License-Identifier: GPL-3.0-or-later
#include "verify-fixture.h"

#include <string.h>

DossierTrustRegistry *
test_registry_new (const char *first_anchor,
                   ...)
{
  DossierTrustRegistry *registry = dossier_trust_registry_new ();
  va_list args;
  guint n = 0;

  va_start (args, first_anchor);
  for (const char *text = first_anchor; text != NULL; text = va_arg (args, const char *))
    {
      g_autofree char *name = g_strdup_printf ("anchor %u", ++n);
      g_autoptr(GBytes) material = g_bytes_new (text, strlen (text));
      g_autoptr(DossierTrustAnchor) anchor = dossier_trust_anchor_new (name, "test", "all", material);

      dossier_trust_registry_add_anchor (registry, anchor);
    }
  va_end (args);
  return registry;
}

DossierVerification *
test_verify (const char           *input,
             DossierTrustRegistry *registry)
{
  g_autoptr(GBytes) bytes = g_bytes_new (input, strlen (input));
  g_autoptr(GDateTime) at = g_date_time_new_utc (2025, 6, 1, 0, 0, 0);

  return dossier_verify_bytes (bytes, "test", registry, at);
}

/* The verdict, the first failing check (or NULL) and the error code (or NULL). */
void
test_assert_outcome (DossierVerification *result,
                     const char          *verdict,
                     const char          *failure,
                     const char          *code)
{
  g_autoptr(JsonNode) json = dossier_verification_to_json (result);
  JsonObject *object = json_node_get_object (json);
  JsonNode *error = json_object_get_member (object, "error");

  if (g_strcmp0 (dossier_verification_get_summary (result), verdict) != 0 ||
      g_strcmp0 (dossier_verification_get_first_failure (result), failure) != 0)
    {
      g_autofree char *text = json_to_string (json, FALSE);

      g_test_message ("%s", text);
    }
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, verdict);
  g_assert_cmpstr (dossier_verification_get_first_failure (result), ==, failure);
  if (code == NULL)
    g_assert_true (JSON_NODE_HOLDS_NULL (error));
  else
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (error), "code"), ==, code);
}

/* The detail of the last check named @name. */
const char *
test_check_detail (DossierVerification *result,
                   const char          *name)
{
  g_autoptr(JsonNode) json = dossier_verification_to_json (result);
  JsonArray *checks = json_object_get_array_member (json_node_get_object (json), "checks");
  const char *detail = NULL;

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (g_str_equal (json_object_get_string_member (check, "name"), name))
        detail = json_object_get_string_member (check, "detail");
    }
  /* the strings live in @result's checks, not in the JSON copy */
  return detail != NULL ? g_intern_string (detail) : NULL;
}
