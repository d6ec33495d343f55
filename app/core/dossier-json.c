// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-json.h"

JsonNode *
dossier_json_parse (const char *data,
                    gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (data == NULL || length == 0 || !json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

const char *
dossier_json_get_string (JsonObject *object,
                         const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
dossier_json_get_object (JsonObject *object,
                         const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
dossier_json_get_array (JsonObject *object,
                        const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* A whole number, or a JSON number with a fraction truncated (NumericDate). */
gboolean
dossier_json_get_number (JsonObject *object,
                         const char *name,
                         gint64     *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = (gint64) json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

/* A member that is a string, or null when @value is NULL. */
void
dossier_json_builder_add_string (JsonBuilder *builder,
                                 const char  *name,
                                 const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
