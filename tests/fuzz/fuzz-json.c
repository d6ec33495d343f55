// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target for the JSON scanner: whatever it accepts must be JSON
 * that json-glib reads to the same values, member for member, and each
 * object's or array's text must parse back to that value on its own (the
 * health-card reader parses a FHIR bundle from its text later). */
#include "dossier-json.h"
#include "dossier-json-scan.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static gboolean
container_reparses (DossierJsonScan *scan,
                    guint            value,
                    JsonNode        *node)
{
  gsize length;
  const char *text = dossier_json_scan_get_text (scan, value, &length);
  g_autoptr(JsonNode) reparsed = dossier_json_parse (text, length);

  return reparsed != NULL && json_node_equal (reparsed, node);
}

static gboolean
scan_is_node (DossierJsonScan *scan,
              guint            value,
              JsonNode        *node)
{
  g_autofree char *string = NULL;
  gint64 integer;
  gsize length;

  dossier_json_scan_get_text (scan, value, &length);
  switch (dossier_json_scan_get_kind (scan, value))
    {
    case DOSSIER_JSON_SCAN_OBJECT:
      {
        JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
        g_autoptr(GList) names = object != NULL ? json_object_get_members (object) : NULL;

        if (object == NULL || json_object_get_size (object) != dossier_json_scan_get_size (scan, value) ||
            !container_reparses (scan, value, node))
          return FALSE;
        for (GList *l = names; l != NULL; l = l->next)
          if (!scan_is_node (scan, dossier_json_scan_get_member (scan, value, l->data), json_object_get_member (object, l->data)))
            return FALSE;
        return TRUE;
      }
    case DOSSIER_JSON_SCAN_ARRAY:
      {
        JsonArray *array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

        if (array == NULL || json_array_get_length (array) != dossier_json_scan_get_size (scan, value) ||
            !container_reparses (scan, value, node))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!scan_is_node (scan, dossier_json_scan_get_element (scan, value, i), json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case DOSSIER_JSON_SCAN_STRING:
      string = dossier_json_scan_dup_string (scan, value);
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
             g_str_equal (string, json_node_get_string (node)) && dossier_json_scan_equal (scan, value, string);
    case DOSSIER_JSON_SCAN_INTEGER:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
             dossier_json_scan_get_integer (scan, value, &integer) && integer == json_node_get_int (node);
    case DOSSIER_JSON_SCAN_BOOLEAN:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
             json_node_get_boolean (node) == (length == 4);
    case DOSSIER_JSON_SCAN_NULL:
      return JSON_NODE_HOLDS_NULL (node);
    case DOSSIER_JSON_SCAN_NONE:
    default:
      return FALSE;
    }
}

/* Whether walking @value's members or elements with
 * dossier_json_scan_get_next() finds those that get_member() and
 * get_element() do, and ends where @value does. */
static gboolean
walks_in_one_pass (DossierJsonScan *scan,
                   guint            value)
{
  DossierJsonScanKind kind = dossier_json_scan_get_kind (scan, value);
  guint item = value + 1;

  if (kind != DOSSIER_JSON_SCAN_OBJECT && kind != DOSSIER_JSON_SCAN_ARRAY)
    return dossier_json_scan_get_next (scan, value) == value + 1;
  for (guint i = 0; i < dossier_json_scan_get_size (scan, value); i++)
    {
      if (kind == DOSSIER_JSON_SCAN_OBJECT)
        {
          g_autofree char *name = dossier_json_scan_dup_string (scan, item);

          if (name == NULL || dossier_json_scan_get_member (scan, value, name) != item + 1)
            return FALSE;
          item++;
        }
      else if (dossier_json_scan_get_element (scan, value, i) != item)
        return FALSE;
      if (!walks_in_one_pass (scan, item))
        return FALSE;
      item = dossier_json_scan_get_next (scan, item);
    }
  return item == dossier_json_scan_get_next (scan, value);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(DossierJsonScan) scan = dossier_json_scan_new (text, size);
  g_autoptr(JsonParser) parser = NULL;

  if (scan == NULL)
    return 0;
  /* json-glib itself, not only dossier_json_parse()'s reader of the same subset */
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize) size, NULL) || json_parser_get_root (parser) == NULL)
    g_error ("the scanner accepted what json-glib refuses");
  if (!scan_is_node (scan, DOSSIER_JSON_SCAN_ROOT, json_parser_get_root (parser)))
    g_error ("the scanner reads other values than json-glib");
  if (!walks_in_one_pass (scan, DOSSIER_JSON_SCAN_ROOT))
    g_error ("walking the scan finds other values than looking them up");
  return 0;
}
