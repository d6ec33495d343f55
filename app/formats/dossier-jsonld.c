// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-jsonld.h"
#include "dossier-jsonld-private.h"

#include "dossier-format-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* JSON-LD 1.1 expansion (W3C JSON-LD 1.1 Processing Algorithms, section
 * 5), built as json-glib nodes, and the public entry points; the RDF is
 * read off the expanded form in dossier-jsonld-rdf.c. */

gboolean
jsonld_failed (JsonLdState *state)
{
  return *state->error != NULL;
}

const char *
jsonld_node_string (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static gboolean
is_scalar (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node);
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

/* Takes VALUE and wraps it in an array unless it is one. */
static JsonNode *
as_array (JsonNode *value)
{
  JsonArray *array;

  if (value != NULL && JSON_NODE_HOLDS_ARRAY (value))
    return value;
  array = json_array_new ();
  if (value != NULL)
    json_array_add_element (array, value);
  return array_node (array);
}

/* Adds VALUE (taken) under KEY, as an array when AS_ARRAY or when KEY
 * already holds a value. */
static void
add_value (JsonObject *object,
           const char *key,
           JsonNode   *value,
           gboolean    as_array_always)
{
  JsonNode *existing = json_object_get_member (object, key);
  JsonArray *array;

  if (existing == NULL && !as_array_always && !JSON_NODE_HOLDS_ARRAY (value))
    {
      json_object_set_member (object, key, value);
      return;
    }
  if (existing == NULL)
    {
      json_object_set_member (object, key, array_node (json_array_new ()));
      existing = json_object_get_member (object, key);
    }
  else if (!JSON_NODE_HOLDS_ARRAY (existing))
    {
      JsonArray *wrapped = json_array_new ();
      json_array_add_element (wrapped, json_node_ref (existing));
      json_object_set_member (object, key, array_node (wrapped));
      existing = json_object_get_member (object, key);
    }
  array = json_node_get_array (existing);
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *items = json_node_get_array (value);
      for (guint i = 0; i < json_array_get_length (items); i++)
        json_array_add_element (array, json_node_ref (json_array_get_element (items, i)));
      json_node_unref (value);
    }
  else
    json_array_add_element (array, value);
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (a, b);
}

static gint
compare_string_pointers (gconstpointer a,
                         gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GList *
sorted_members (JsonObject *object)
{
  return g_list_sort (json_object_get_members (object), compare_strings);
}

static gboolean
is_value_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node)
         && json_object_has_member (json_node_get_object (node), "@value");
}

static gboolean
is_list_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node)
         && json_object_has_member (json_node_get_object (node), "@list");
}

static gboolean
is_graph_object (JsonNode *node)
{
  JsonObject *object;
  g_autoptr(GList) names = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "@graph"))
    return FALSE;
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    if (strcmp (l->data, "@graph") != 0 && strcmp (l->data, "@id") != 0 && strcmp (l->data, "@index") != 0)
      return FALSE;
  return TRUE;
}

gboolean
jsonld_is_node_object (JsonNode *node)
{
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  return !json_object_has_member (object, "@value") && !json_object_has_member (object, "@list")
         && !json_object_has_member (object, "@set");
}

gboolean
jsonld_safe_refuse (JsonLdState *state,
                    const char  *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (!(state->flags & DOSSIER_JSONLD_SAFE_MODE))
    return TRUE;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return jsonld_fail (state, DOSSIER_FORMAT_ERROR_UNSUPPORTED, "%s", message);
}

static gboolean
decode_error (JsonLdState *state,
              const char  *message)
{
  return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, "%s", message);
}

static gboolean
is_absolute_or_blank (const char *iri)
{
  return iri != NULL && (g_str_has_prefix (iri, "_:") || jsonld_is_absolute_iri (iri));
}

/* Value Expansion, section 5.3.2. */
static JsonNode *
expand_value (JsonLdState   *state,
              JsonLdContext *active,
              const char    *active_property,
              JsonNode      *value)
{
  JsonLdTerm *definition = jsonld_context_lookup (active, active_property);
  const char *type = definition ? definition->type_mapping : NULL;
  JsonObject *result;

  if (type != NULL && jsonld_node_string (value) != NULL
      && (strcmp (type, "@id") == 0 || strcmp (type, "@vocab") == 0))
    {
      g_autofree char *iri = jsonld_expand_iri (state, active, jsonld_node_string (value), TRUE,
                                                strcmp (type, "@vocab") == 0);
      if (jsonld_failed (state))
        return NULL;
      if (!is_absolute_or_blank (iri))
        {
          if (!jsonld_safe_refuse (state, _("The JSON-LD value “%s” is not an absolute IRI"), jsonld_node_string (value)))
            return NULL;
        }
      result = json_object_new ();
      if (iri != NULL)
        json_object_set_string_member (result, "@id", iri);
      else
        json_object_set_null_member (result, "@id");
      return object_node (result);
    }
  result = json_object_new ();
  json_object_set_member (result, "@value", json_node_ref (value));
  if (type != NULL && strcmp (type, "@id") != 0 && strcmp (type, "@vocab") != 0 && strcmp (type, "@none") != 0)
    json_object_set_string_member (result, "@type", type);
  else if (jsonld_node_string (value) != NULL)
    {
      const char *language = definition && definition->has_language ? definition->language : active->language;
      const char *direction = definition && definition->has_direction ? definition->direction : active->direction;

      if (language != NULL)
        json_object_set_string_member (result, "@language", language);
      if (direction != NULL)
        json_object_set_string_member (result, "@direction", direction);
    }
  return object_node (result);
}

typedef struct
{
  JsonLdContext *active;
  JsonLdContext *type_scoped;
  const char    *active_property;
  const char    *input_type;
  const char    *base_url;
  JsonObject    *result;
  GPtrArray     *nests;
} ObjectScope;

static JsonNode *expand (JsonLdState   *state,
                         JsonLdContext *active,
                         const char    *active_property,
                         JsonNode      *element,
                         const char    *base_url,
                         gboolean       from_map,
                         gboolean       inside_list);

static gboolean expand_members (JsonLdState *state,
                                ObjectScope *scope,
                                JsonObject  *element);

static JsonNode *
expand_type_value (JsonLdState *state,
                   ObjectScope *scope,
                   JsonNode    *value)
{
  g_autoptr(GList) items = NULL;
  JsonArray *array;

  if (jsonld_node_string (value) != NULL)
    {
      g_autofree char *iri = jsonld_expand_iri (state, scope->type_scoped, jsonld_node_string (value), TRUE, TRUE);
      if (jsonld_failed (state))
        return NULL;
      if (!is_absolute_or_blank (iri) && !jsonld_safe_refuse (state, _("The JSON-LD type “%s” is not an absolute IRI"), jsonld_node_string (value)))
        return NULL;
      return iri ? string_node (iri) : json_node_new (JSON_NODE_NULL);
    }
  if (!JSON_NODE_HOLDS_ARRAY (value))
    {
      decode_error (state, _("A JSON-LD @type value must be a string or an array of strings (invalid type value)"));
      return NULL;
    }
  array = json_array_new ();
  items = json_array_get_elements (json_node_get_array (value));
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autofree char *iri = NULL;

      if (jsonld_node_string (l->data) == NULL)
        {
          json_array_unref (array);
          decode_error (state, _("A JSON-LD @type value must be a string or an array of strings (invalid type value)"));
          return NULL;
        }
      iri = jsonld_expand_iri (state, scope->type_scoped, jsonld_node_string (l->data), TRUE, TRUE);
      if (jsonld_failed (state)
          || (!is_absolute_or_blank (iri)
              && !jsonld_safe_refuse (state, _("The JSON-LD type “%s” is not an absolute IRI"), jsonld_node_string (l->data))))
        {
          json_array_unref (array);
          return NULL;
        }
      if (iri != NULL)
        json_array_add_string_element (array, iri);
    }
  return array_node (array);
}

static gboolean
expand_reverse (JsonLdState *state,
                ObjectScope *scope,
                JsonNode    *value)
{
  g_autoptr(JsonNode) expanded = NULL;
  JsonObject *object, *reverse_map;
  g_autoptr(GList) names = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    return decode_error (state, _("A JSON-LD @reverse value must be an object (invalid @reverse value)"));
  expanded = expand (state, scope->active, "@reverse", value, scope->base_url, FALSE, FALSE);
  if (jsonld_failed (state))
    return FALSE;
  if (expanded == NULL || !JSON_NODE_HOLDS_OBJECT (expanded))
    return TRUE;
  object = json_node_get_object (expanded);
  if (json_object_has_member (object, "@reverse"))
    {
      JsonObject *inner = json_object_get_object_member (object, "@reverse");
      g_autoptr(GList) properties = json_object_get_members (inner);

      for (GList *l = properties; l != NULL; l = l->next)
        add_value (scope->result, l->data, json_node_ref (json_object_get_member (inner, l->data)), TRUE);
    }
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonArray *items;

      if (strcmp (l->data, "@reverse") == 0)
        continue;
      if (!json_object_has_member (scope->result, "@reverse"))
        json_object_set_object_member (scope->result, "@reverse", json_object_new ());
      reverse_map = json_object_get_object_member (scope->result, "@reverse");
      items = json_node_get_array (json_object_get_member (object, l->data));
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonNode *item = json_array_get_element (items, i);
          if (is_value_object (item) || is_list_object (item))
            return decode_error (state, _("A JSON-LD reverse property cannot hold a value or a list (invalid reverse property value)"));
          add_value (reverse_map, l->data, json_node_ref (item), TRUE);
        }
    }
  return TRUE;
}

/* Steps 13.4: an entry whose key expands to a keyword. */
static gboolean
expand_keyword (JsonLdState *state,
                ObjectScope *scope,
                const char  *key,
                const char  *property,
                JsonNode    *value)
{
  JsonObject *result = scope->result;
  JsonNode *expanded = NULL;

  if (g_strcmp0 (scope->active_property, "@reverse") == 0)
    return decode_error (state, _("A JSON-LD @reverse map cannot hold keywords (invalid reverse property map)"));
  if (json_object_has_member (result, property) && strcmp (property, "@included") != 0 && strcmp (property, "@type") != 0)
    return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("The JSON-LD object has “%s” twice (colliding keywords)"), property);

  if (strcmp (property, "@id") == 0)
    {
      g_autofree char *iri = NULL;

      if (jsonld_node_string (value) == NULL)
        return decode_error (state, _("A JSON-LD @id must be a string (invalid @id value)"));
      iri = jsonld_expand_iri (state, scope->active, jsonld_node_string (value), TRUE, FALSE);
      if (jsonld_failed (state))
        return FALSE;
      if (!is_absolute_or_blank (iri)
          && !jsonld_safe_refuse (state, _("The JSON-LD @id “%s” is not an absolute IRI"), jsonld_node_string (value)))
        return FALSE;
      expanded = iri ? string_node (iri) : json_node_new (JSON_NODE_NULL);
    }
  else if (strcmp (property, "@type") == 0)
    {
      expanded = expand_type_value (state, scope, value);
      if (expanded == NULL)
        return !jsonld_failed (state);
      if (json_object_has_member (result, "@type"))
        {
          JsonArray *merged = json_array_new ();
          JsonNode *old = as_array (json_node_ref (json_object_get_member (result, "@type")));
          JsonNode *new = as_array (expanded);
          for (guint i = 0; i < json_array_get_length (json_node_get_array (old)); i++)
            json_array_add_element (merged, json_node_ref (json_array_get_element (json_node_get_array (old), i)));
          for (guint i = 0; i < json_array_get_length (json_node_get_array (new)); i++)
            json_array_add_element (merged, json_node_ref (json_array_get_element (json_node_get_array (new), i)));
          json_node_unref (old);
          json_node_unref (new);
          expanded = array_node (merged);
        }
    }
  else if (strcmp (property, "@graph") == 0)
    {
      expanded = as_array (expand (state, scope->active, "@graph", value, scope->base_url, FALSE, FALSE));
      if (jsonld_failed (state))
        return FALSE;
    }
  else if (strcmp (property, "@included") == 0)
    {
      JsonArray *items;

      if (state->mode_10)
        return TRUE;
      /* expanded as a property value, so that nothing is dropped as
       * free-floating before it is checked */
      expanded = as_array (expand (state, scope->active, "@included", value, scope->base_url, FALSE, FALSE));
      if (jsonld_failed (state))
        {
          json_node_unref (expanded);
          return FALSE;
        }
      items = json_node_get_array (expanded);
      for (guint i = 0; i < json_array_get_length (items); i++)
        if (!jsonld_is_node_object (json_array_get_element (items, i)) || is_graph_object (json_array_get_element (items, i)))
          {
            json_node_unref (expanded);
            return decode_error (state, _("A JSON-LD @included value must hold node objects (invalid @included value)"));
          }
    }
  else if (strcmp (property, "@value") == 0)
    {
      if (g_strcmp0 (scope->input_type, "@json") == 0)
        expanded = json_node_ref (value);
      else if (!JSON_NODE_HOLDS_VALUE (value) && !JSON_NODE_HOLDS_NULL (value))
        return decode_error (state, _("A JSON-LD @value must be a string, number, boolean or null (invalid value object value)"));
      else
        expanded = json_node_ref (value);
    }
  else if (strcmp (property, "@language") == 0)
    {
      if (jsonld_node_string (value) == NULL)
        return decode_error (state, _("A JSON-LD @language must be a string (invalid language-tagged string)"));
      if (!jsonld_is_language_tag (jsonld_node_string (value))
          && !jsonld_safe_refuse (state, _("The JSON-LD language tag “%s” is not well formed"), jsonld_node_string (value)))
        return FALSE;
      {
        g_autofree char *lower = g_ascii_strdown (jsonld_node_string (value), -1);
        expanded = string_node (lower);
      }
    }
  else if (strcmp (property, "@direction") == 0)
    {
      if (state->mode_10)
        return TRUE;
      if (g_strcmp0 (jsonld_node_string (value), "ltr") != 0 && g_strcmp0 (jsonld_node_string (value), "rtl") != 0)
        return decode_error (state, _("A JSON-LD @direction must be “ltr” or “rtl” (invalid base direction)"));
      expanded = json_node_ref (value);
    }
  else if (strcmp (property, "@index") == 0)
    {
      if (jsonld_node_string (value) == NULL)
        return decode_error (state, _("A JSON-LD @index must be a string (invalid @index value)"));
      expanded = json_node_ref (value);
    }
  else if (strcmp (property, "@list") == 0)
    {
      if (scope->active_property == NULL || strcmp (scope->active_property, "@graph") == 0)
        return jsonld_safe_refuse (state, "%s", _("The JSON-LD document has a list outside any property, which would be dropped"));
      expanded = as_array (expand (state, scope->active, scope->active_property, value, scope->base_url, FALSE, TRUE));
      if (jsonld_failed (state))
        {
          json_node_unref (expanded);
          return FALSE;
        }
    }
  else if (strcmp (property, "@set") == 0)
    {
      expanded = expand (state, scope->active, scope->active_property, value, scope->base_url, FALSE, FALSE);
      if (jsonld_failed (state))
        return FALSE;
      if (expanded == NULL)
        expanded = array_node (json_array_new ());
    }
  else if (strcmp (property, "@reverse") == 0)
    return expand_reverse (state, scope, value);
  else if (strcmp (property, "@nest") == 0)
    {
      g_ptr_array_add (scope->nests, g_strdup (key));
      return TRUE;
    }
  else
    return TRUE;

  if (strcmp (property, "@included") == 0 && json_object_has_member (result, "@included"))
    {
      add_value (result, "@included", expanded, TRUE);
      return TRUE;
    }
  json_object_set_member (result, property, expanded);
  return TRUE;
}

/* Step 13.7: a language map. */
static JsonNode *
expand_language_map (JsonLdState   *state,
                     JsonLdContext *active,
                     JsonLdTerm    *definition,
                     JsonObject    *map)
{
  JsonArray *result = json_array_new ();
  const char *direction = definition->has_direction ? definition->direction : active->direction;
  g_autoptr(GList) languages = sorted_members (map);

  for (GList *l = languages; l != NULL; l = l->next)
    {
      g_autoptr(JsonNode) values = as_array (json_node_ref (json_object_get_member (map, l->data)));
      g_autofree char *expanded_language = jsonld_expand_iri (state, active, l->data, FALSE, TRUE);
      JsonArray *items = json_node_get_array (values);

      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonNode *item = json_array_get_element (items, i);
          JsonObject *value;

          if (JSON_NODE_HOLDS_NULL (item))
            continue;
          if (jsonld_node_string (item) == NULL)
            {
              json_array_unref (result);
              decode_error (state, _("A JSON-LD language map must hold strings (invalid language map value)"));
              return NULL;
            }
          value = json_object_new ();
          json_object_set_member (value, "@value", json_node_ref (item));
          if (g_strcmp0 (expanded_language, "@none") != 0)
            {
              g_autofree char *lower = g_ascii_strdown (l->data, -1);
              if (!jsonld_is_language_tag (l->data)
                  && !jsonld_safe_refuse (state, _("The JSON-LD language tag “%s” is not well formed"), (const char *) l->data))
                {
                  json_object_unref (value);
                  json_array_unref (result);
                  return NULL;
                }
              json_object_set_string_member (value, "@language", lower);
            }
          if (direction != NULL)
            json_object_set_string_member (value, "@direction", direction);
          json_array_add_element (result, object_node (value));
        }
    }
  return array_node (result);
}

/* Step 13.8: an index, id or type map. */
static JsonNode *
expand_index_map (JsonLdState   *state,
                  ObjectScope   *scope,
                  const char    *key,
                  JsonLdTerm    *definition,
                  JsonObject    *map)
{
  JsonLdContext *active = scope->active;
  JsonArray *result = json_array_new ();
  const char *index_key = definition->index ? definition->index : "@index";
  guint container = definition->container;
  g_autoptr(GList) indexes = sorted_members (map);

  for (GList *l = indexes; l != NULL; l = l->next)
    {
      const char *index = l->data;
      g_autoptr(JsonLdContext) map_context = NULL;
      g_autofree char *expanded_index = NULL;
      g_autoptr(JsonNode) values = NULL;
      JsonArray *items;

      if (container & (CONTAINER_ID | CONTAINER_TYPE))
        map_context = jsonld_context_ref (active->previous ? active->previous : active);
      else
        map_context = jsonld_context_ref (active);
      if (container & CONTAINER_TYPE)
        {
          JsonLdTerm *index_term = jsonld_context_lookup (map_context, index);
          if (index_term != NULL && index_term->context != NULL)
            {
              JsonLdContext *scoped = jsonld_apply_scoped (state, map_context, index_term, FALSE, TRUE);
              if (scoped == NULL)
                goto fail;
              g_clear_pointer (&map_context, jsonld_context_unref);
              map_context = scoped;
            }
        }
      expanded_index = jsonld_expand_iri (state, active, index, FALSE, TRUE);
      values = expand (state, map_context, key,
                       json_object_get_member (map, index), scope->base_url, TRUE, FALSE);
      if (jsonld_failed (state))
        goto fail;
      values = as_array (g_steal_pointer (&values));
      items = json_node_get_array (values);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonNode *item = json_node_ref (json_array_get_element (items, i));
          JsonObject *object;

          if ((container & CONTAINER_GRAPH) && !is_graph_object (item))
            {
              JsonObject *graph = json_object_new ();
              json_object_set_member (graph, "@graph", as_array (item));
              item = object_node (graph);
            }
          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              json_node_unref (item);
              continue;
            }
          object = json_node_get_object (item);
          if ((container & CONTAINER_INDEX) && strcmp (index_key, "@index") != 0
              && g_strcmp0 (expanded_index, "@none") != 0)
            {
              g_autoptr(JsonNode) index_node = string_node (index);
              JsonNode *reexpanded = expand_value (state, active, index_key, index_node);
              g_autofree char *expanded_key = jsonld_expand_iri (state, active, index_key, FALSE, TRUE);
              JsonArray *merged = json_array_new ();

              if (reexpanded == NULL || expanded_key == NULL || jsonld_failed (state))
                {
                  json_array_unref (merged);
                  json_node_unref (item);
                  g_clear_pointer (&reexpanded, json_node_unref);
                  goto fail;
                }
              json_array_add_element (merged, reexpanded);
              if (json_object_has_member (object, expanded_key))
                {
                  g_autoptr(JsonNode) old = as_array (json_node_ref (json_object_get_member (object, expanded_key)));
                  for (guint k = 0; k < json_array_get_length (json_node_get_array (old)); k++)
                    json_array_add_element (merged, json_node_ref (json_array_get_element (json_node_get_array (old), k)));
                }
              json_object_set_member (object, expanded_key, array_node (merged));
              if (is_value_object (item))
                {
                  json_node_unref (item);
                  decode_error (state, _("A JSON-LD property-valued index cannot index a value (invalid value object)"));
                  goto fail;
                }
            }
          else if ((container & CONTAINER_INDEX) && !json_object_has_member (object, "@index")
                   && g_strcmp0 (expanded_index, "@none") != 0)
            json_object_set_string_member (object, "@index", index);
          else if ((container & CONTAINER_ID) && !json_object_has_member (object, "@id")
                   && g_strcmp0 (expanded_index, "@none") != 0)
            {
              g_autofree char *id = jsonld_expand_iri (state, active, index, TRUE, FALSE);
              if (!is_absolute_or_blank (id)
                  && !jsonld_safe_refuse (state, _("The JSON-LD @id “%s” is not an absolute IRI"), index))
                {
                  json_node_unref (item);
                  goto fail;
                }
              if (id != NULL)
                json_object_set_string_member (object, "@id", id);
            }
          else if ((container & CONTAINER_TYPE) && g_strcmp0 (expanded_index, "@none") != 0)
            {
              JsonArray *types = json_array_new ();
              json_array_add_string_element (types, expanded_index);
              if (json_object_has_member (object, "@type"))
                {
                  g_autoptr(JsonNode) old = as_array (json_node_ref (json_object_get_member (object, "@type")));
                  for (guint k = 0; k < json_array_get_length (json_node_get_array (old)); k++)
                    json_array_add_element (types, json_node_ref (json_array_get_element (json_node_get_array (old), k)));
                }
              json_object_set_member (object, "@type", array_node (types));
            }
          json_array_add_element (result, item);
        }
    }
  return array_node (result);

fail:
  json_array_unref (result);
  return NULL;
}

/* Steps 13.5 to 13.14: an entry whose key is a term or an IRI. */
static gboolean
expand_property (JsonLdState *state,
                 ObjectScope *scope,
                 const char  *key,
                 const char  *property,
                 JsonNode    *value)
{
  JsonLdContext *active = scope->active;
  JsonLdTerm *definition = jsonld_context_lookup (active, key);
  guint container = definition ? definition->container : 0;
  JsonNode *expanded;

  if (definition != NULL && g_strcmp0 (definition->type_mapping, "@json") == 0)
    {
      JsonObject *object = json_object_new ();
      json_object_set_member (object, "@value", json_node_ref (value));
      json_object_set_string_member (object, "@type", "@json");
      expanded = object_node (object);
    }
  else if ((container & CONTAINER_LANGUAGE) && JSON_NODE_HOLDS_OBJECT (value))
    expanded = expand_language_map (state, active, definition, json_node_get_object (value));
  else if ((container & (CONTAINER_INDEX | CONTAINER_TYPE | CONTAINER_ID)) && JSON_NODE_HOLDS_OBJECT (value))
    expanded = expand_index_map (state, scope, key, definition, json_node_get_object (value));
  else
    expanded = expand (state, active, key, value, scope->base_url, FALSE, FALSE);
  if (jsonld_failed (state))
    {
      g_clear_pointer (&expanded, json_node_unref);
      return FALSE;
    }
  if (expanded == NULL)
    return TRUE;

  if ((container & CONTAINER_LIST) && !is_list_object (expanded))
    {
      JsonObject *list = json_object_new ();
      json_object_set_member (list, "@list", as_array (expanded));
      expanded = object_node (list);
    }
  if ((container & CONTAINER_GRAPH) && !(container & CONTAINER_ID) && !(container & CONTAINER_INDEX))
    {
      g_autoptr(JsonNode) items = as_array (expanded);
      JsonArray *wrapped = json_array_new ();
      JsonArray *array = json_node_get_array (items);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *graph = json_object_new ();
          json_object_set_member (graph, "@graph", as_array (json_node_ref (json_array_get_element (array, i))));
          json_array_add_element (wrapped, object_node (graph));
        }
      expanded = array_node (wrapped);
    }
  if (definition != NULL && definition->reverse)
    {
      g_autoptr(JsonNode) items = as_array (expanded);
      JsonArray *array = json_node_get_array (items);
      JsonObject *reverse_map;

      if (!json_object_has_member (scope->result, "@reverse"))
        json_object_set_object_member (scope->result, "@reverse", json_object_new ());
      reverse_map = json_object_get_object_member (scope->result, "@reverse");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          if (is_value_object (item) || is_list_object (item))
            return decode_error (state, _("A JSON-LD reverse property cannot hold a value or a list (invalid reverse property value)"));
          add_value (reverse_map, property, json_node_ref (item), TRUE);
        }
      return TRUE;
    }
  add_value (scope->result, property, expanded, TRUE);
  return TRUE;
}

static gboolean
expand_nests (JsonLdState *state,
              ObjectScope *scope,
              JsonObject  *element)
{
  g_autoptr(GPtrArray) nests = g_steal_pointer (&scope->nests);

  scope->nests = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_sort (nests, compare_string_pointers);
  for (guint i = 0; i < nests->len; i++)
    {
      const char *nesting_key = nests->pdata[i];
      g_autoptr(JsonNode) values = as_array (json_node_ref (json_object_get_member (element, nesting_key)));
      JsonArray *array = json_node_get_array (values);

      for (guint k = 0; k < json_array_get_length (array); k++)
        {
          JsonNode *nested = json_array_get_element (array, k);
          JsonObject *nested_object;
          g_autoptr(GList) names = NULL;
          JsonLdTerm *definition;
          g_autoptr(JsonLdContext) nested_context = NULL;
          ObjectScope inner;

          if (!JSON_NODE_HOLDS_OBJECT (nested))
            return decode_error (state, _("A JSON-LD @nest value must be an object (invalid @nest value)"));
          nested_object = json_node_get_object (nested);
          names = json_object_get_members (nested_object);
          for (GList *l = names; l != NULL; l = l->next)
            {
              g_autofree char *expanded = jsonld_expand_iri (state, scope->active, l->data, FALSE, TRUE);
              if (g_strcmp0 (expanded, "@value") == 0)
                return decode_error (state, _("A JSON-LD @nest value cannot be a value object (invalid @nest value)"));
            }
          inner = *scope;
          definition = jsonld_context_lookup (scope->active, nesting_key);
          if (definition != NULL && definition->context != NULL)
            {
              nested_context = jsonld_apply_scoped (state, scope->active, definition, TRUE, TRUE);
              if (nested_context == NULL)
                return FALSE;
              inner.active = nested_context;
            }
          inner.nests = g_ptr_array_new_with_free_func (g_free);
          if (!expand_members (state, &inner, nested_object))
            {
              g_ptr_array_unref (inner.nests);
              return FALSE;
            }
          g_ptr_array_unref (inner.nests);
        }
    }
  return TRUE;
}

/* Steps 13 and 14. */
static gboolean
expand_members (JsonLdState *state,
                ObjectScope *scope,
                JsonObject  *element)
{
  g_autoptr(GList) names = json_object_get_members (element);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (element, key);
      g_autofree char *property = NULL;

      if (strcmp (key, "@context") == 0)
        continue;
      property = jsonld_expand_iri (state, scope->active, key, FALSE, TRUE);
      if (jsonld_failed (state))
        return FALSE;
      if (property == NULL || (strchr (property, ':') == NULL && !jsonld_is_keyword (property)))
        {
          if (!jsonld_safe_refuse (state, _("The JSON-LD property “%s” is not defined by any context"), key))
            return FALSE;
          continue;
        }
      if (jsonld_is_keyword (property))
        {
          if (!expand_keyword (state, scope, key, property, value))
            return FALSE;
          continue;
        }
      if (!g_str_has_prefix (property, "_:") && !jsonld_is_absolute_iri (property)
          && !jsonld_safe_refuse (state, _("The JSON-LD property “%s” is not an absolute IRI"), key))
        return FALSE;
      if (!expand_property (state, scope, key, property, value))
        return FALSE;
    }
  return expand_nests (state, scope, element);
}

static gboolean
only_member (JsonObject *object,
             const char *name)
{
  return json_object_get_size (object) == 1 && json_object_has_member (object, name);
}

/* Steps 15 to 20. */
static JsonNode *
finish_object (JsonLdState *state,
               JsonObject  *result,
               const char  *active_property)
{
  if (json_object_has_member (result, "@value"))
    {
      JsonNode *value = json_object_get_member (result, "@value");
      JsonNode *type = json_object_get_member (result, "@type");
      g_autoptr(GList) names = json_object_get_members (result);

      for (GList *l = names; l != NULL; l = l->next)
        if (strcmp (l->data, "@direction") != 0 && strcmp (l->data, "@index") != 0 && strcmp (l->data, "@language") != 0
            && strcmp (l->data, "@type") != 0 && strcmp (l->data, "@value") != 0)
          goto invalid_value;
      if (type != NULL && (json_object_has_member (result, "@language") || json_object_has_member (result, "@direction")))
        goto invalid_value;
      if (g_strcmp0 (jsonld_node_string (type), "@json") == 0)
        return object_node (json_object_ref (result));
      if (JSON_NODE_HOLDS_NULL (value))
        return NULL;
      if (jsonld_node_string (value) == NULL && json_object_has_member (result, "@language"))
        {
          decode_error (state, _("A JSON-LD language-tagged value must be a string (invalid language-tagged value)"));
          return NULL;
        }
      if (type != NULL && (jsonld_node_string (type) == NULL || !is_absolute_or_blank (jsonld_node_string (type))
                           || g_str_has_prefix (jsonld_node_string (type), "_:")))
        {
          decode_error (state, _("A JSON-LD typed value needs an absolute IRI as its type (invalid typed value)"));
          return NULL;
        }
      return object_node (json_object_ref (result));

    invalid_value:
      decode_error (state, _("A JSON-LD value object has entries it may not have (invalid value object)"));
      return NULL;
    }
  if (json_object_has_member (result, "@type") && !JSON_NODE_HOLDS_ARRAY (json_object_get_member (result, "@type")))
    json_object_set_member (result, "@type", as_array (json_node_ref (json_object_get_member (result, "@type"))));
  if (json_object_has_member (result, "@set") || json_object_has_member (result, "@list"))
    {
      guint size = json_object_get_size (result);

      if (size > 2 || (size == 2 && !json_object_has_member (result, "@index")))
        {
          decode_error (state, _("A JSON-LD list or set object has other entries (invalid set or list object)"));
          return NULL;
        }
      if (json_object_has_member (result, "@set"))
        return json_node_ref (json_object_get_member (result, "@set"));
    }
  if (only_member (result, "@language"))
    return NULL;
  if (active_property == NULL || strcmp (active_property, "@graph") == 0)
    {
      if (json_object_has_member (result, "@value") || json_object_has_member (result, "@list"))
        {
          jsonld_safe_refuse (state, "%s", _("The JSON-LD document has a value outside any property, which would be dropped"));
          return NULL;
        }
      if (json_object_get_size (result) == 0)
        return NULL;
      if (only_member (result, "@id"))
        return NULL;
    }
  return object_node (json_object_ref (result));
}

static JsonNode *
expand_object (JsonLdState   *state,
               JsonLdContext *active_in,
               const char    *active_property,
               JsonObject    *element,
               const char    *base_url,
               gboolean       from_map,
               JsonLdTerm    *property_definition)
{
  g_autoptr(JsonLdContext) active = jsonld_context_ref (active_in);
  g_autoptr(JsonLdContext) type_scoped = NULL;
  g_autoptr(GList) names = sorted_members (element);
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(GPtrArray) nests = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *input_type = NULL;
  JsonNode *context_node;
  ObjectScope scope;

  /* step 7: a non-propagated context is reverted */
  if (active->previous != NULL && !from_map)
    {
      gboolean keep = FALSE;
      guint id_entries = 0, entries = 0;

      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *expanded = jsonld_expand_iri (state, active, l->data, FALSE, TRUE);
          if (g_strcmp0 (expanded, "@value") == 0)
            keep = TRUE;
          if (g_strcmp0 (expanded, "@id") == 0)
            id_entries++;
          entries++;
        }
      if (entries == 1 && id_entries == 1)
        keep = TRUE;
      if (!keep)
        {
          JsonLdContext *previous = jsonld_context_ref (active->previous);
          g_clear_pointer (&active, jsonld_context_unref);
          active = previous;
        }
    }
  /* step 8 */
  if (property_definition != NULL && property_definition->context != NULL)
    {
      JsonLdContext *scoped = jsonld_apply_scoped (state, active, property_definition, TRUE, TRUE);
      if (scoped == NULL)
        return NULL;
      g_clear_pointer (&active, jsonld_context_unref);
      active = scoped;
    }
  /* step 9 */
  if ((context_node = json_object_get_member (element, "@context")) != NULL)
    {
      JsonLdContext *processed = jsonld_process_context (state, active, context_node, base_url, FALSE, TRUE);
      if (processed == NULL)
        return NULL;
      g_clear_pointer (&active, jsonld_context_unref);
      active = processed;
    }
  /* steps 10 and 11: type-scoped contexts */
  type_scoped = jsonld_context_ref (active);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *expanded = jsonld_expand_iri (state, active, l->data, FALSE, TRUE);
      g_autoptr(JsonNode) types = NULL;
      g_autoptr(GList) sorted = NULL;
      JsonArray *array;

      if (g_strcmp0 (expanded, "@type") != 0)
        continue;
      types = as_array (json_node_ref (json_object_get_member (element, l->data)));
      array = json_node_get_array (types);
      for (guint i = 0; i < json_array_get_length (array); i++)
        if (jsonld_node_string (json_array_get_element (array, i)) != NULL)
          sorted = g_list_prepend (sorted, (gpointer) jsonld_node_string (json_array_get_element (array, i)));
      sorted = g_list_sort (sorted, compare_strings);
      for (GList *t = sorted; t != NULL; t = t->next)
        {
          JsonLdTerm *definition = jsonld_context_lookup (type_scoped, t->data);
          if (definition != NULL && definition->context != NULL)
            {
              JsonLdContext *scoped = jsonld_apply_scoped (state, active, definition, FALSE, FALSE);
              if (scoped == NULL)
                return NULL;
              g_clear_pointer (&active, jsonld_context_unref);
              active = scoped;
            }
        }
    }
  /* step 12: the input type */
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *expanded = jsonld_expand_iri (state, active, l->data, FALSE, TRUE);
      JsonNode *value;

      if (g_strcmp0 (expanded, "@type") != 0)
        continue;
      value = json_object_get_member (element, l->data);
      if (JSON_NODE_HOLDS_ARRAY (value) && json_array_get_length (json_node_get_array (value)) > 0)
        {
          JsonArray *array = json_node_get_array (value);
          value = json_array_get_element (array, json_array_get_length (array) - 1);
        }
      if (jsonld_node_string (value) != NULL)
        input_type = jsonld_expand_iri (state, active, jsonld_node_string (value), FALSE, TRUE);
      break;
    }
  if (jsonld_failed (state))
    return NULL;

  scope = (ObjectScope) {
    .active = active, .type_scoped = type_scoped, .active_property = active_property,
    .input_type = input_type, .base_url = base_url, .result = result, .nests = g_steal_pointer (&nests),
  };
  if (!expand_members (state, &scope, element))
    {
      g_ptr_array_unref (scope.nests);
      return NULL;
    }
  g_ptr_array_unref (scope.nests);
  return finish_object (state, result, active_property);
}

static JsonNode *
expand (JsonLdState   *state,
        JsonLdContext *active,
        const char    *active_property,
        JsonNode      *element,
        const char    *base_url,
        gboolean       from_map,
        gboolean       inside_list)
{
  JsonLdTerm *property_definition;
  JsonNode *result = NULL;

  if (element == NULL || JSON_NODE_HOLDS_NULL (element))
    return NULL;
  if (!jsonld_add_work (state, 1))
    return NULL;
  if (++state->depth > DOSSIER_JSONLD_MAX_DEPTH)
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_TOO_LARGE, _("The JSON-LD document nests deeper than %d levels"),
                   DOSSIER_JSONLD_MAX_DEPTH);
      state->depth--;
      return NULL;
    }
  property_definition = jsonld_context_lookup (active, active_property);

  if (is_scalar (element))
    {
      if (active_property == NULL || strcmp (active_property, "@graph") == 0)
        {
          jsonld_safe_refuse (state, "%s", _("The JSON-LD document has a value outside any property, which would be dropped"));
          result = NULL;
        }
      else if (property_definition != NULL && property_definition->context != NULL)
        {
          g_autoptr(JsonLdContext) scoped = jsonld_apply_scoped (state, active, property_definition, FALSE, TRUE);
          if (scoped != NULL)
            result = expand_value (state, scoped, active_property, element);
        }
      else
        result = expand_value (state, active, active_property, element);
    }
  else if (JSON_NODE_HOLDS_ARRAY (element))
    {
      JsonArray *items = json_node_get_array (element);
      JsonArray *array = json_array_new ();
      gboolean list_container = inside_list
                                || (property_definition != NULL && (property_definition->container & CONTAINER_LIST));

      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonNode *item = expand (state, active, active_property, json_array_get_element (items, i),
                                   base_url, from_map, inside_list);
          if (jsonld_failed (state))
            {
              g_clear_pointer (&item, json_node_unref);
              json_array_unref (array);
              array = NULL;
              break;
            }
          if (item != NULL && list_container && JSON_NODE_HOLDS_ARRAY (item))
            {
              JsonObject *list = json_object_new ();
              json_object_set_member (list, "@list", item);
              item = object_node (list);
            }
          if (item == NULL)
            continue;
          if (JSON_NODE_HOLDS_ARRAY (item))
            {
              JsonArray *inner = json_node_get_array (item);
              for (guint k = 0; k < json_array_get_length (inner); k++)
                json_array_add_element (array, json_node_ref (json_array_get_element (inner, k)));
              json_node_unref (item);
            }
          else
            json_array_add_element (array, item);
        }
      if (array != NULL)
        result = array_node (array);
    }
  else
    result = expand_object (state, active, active_property, json_node_get_object (element), base_url,
                            from_map, property_definition);
  state->depth--;
  if (jsonld_failed (state))
    g_clear_pointer (&result, json_node_unref);
  return result;
}

char *
dossier_jsonld_to_nquads_with_options (JsonNode                   *document,
                                       const DossierJsonLdOptions *options,
                                       DossierJsonLdFlags          flags,
                                       GError                    **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonLdState state = { .error = &local_error, .flags = flags, .mode_10 = options->processing_mode_10 };
  g_autoptr(JsonLdContext) active = NULL;
  g_autoptr(JsonNode) expanded = NULL;
  char *nquads = NULL;

  g_return_val_if_fail (document != NULL, NULL);

  active = jsonld_context_initial (options->base, options->processing_mode_10);
  if (options->expand_context != NULL)
    {
      JsonNode *local = options->expand_context;
      JsonLdContext *processed;

      if (JSON_NODE_HOLDS_OBJECT (local) && json_object_has_member (json_node_get_object (local), "@context"))
        local = json_object_get_member (json_node_get_object (local), "@context");
      processed = jsonld_process_context (&state, active, local, options->base, FALSE, TRUE);
      if (processed == NULL)
        goto out;
      g_clear_pointer (&active, jsonld_context_unref);
      active = processed;
    }

  expanded = expand (&state, active, NULL, document, options->base, FALSE, FALSE);
  if (jsonld_failed (&state))
    goto out;
  if (expanded != NULL && JSON_NODE_HOLDS_OBJECT (expanded) && only_member (json_node_get_object (expanded), "@graph"))
    {
      JsonNode *graph = json_node_ref (json_object_get_member (json_node_get_object (expanded), "@graph"));
      g_clear_pointer (&expanded, json_node_unref);
      expanded = graph;
    }
  expanded = as_array (g_steal_pointer (&expanded));
  nquads = jsonld_expanded_to_nquads (&state, json_node_get_array (expanded), options);

out:
  g_clear_pointer (&state.documents, g_hash_table_unref);
  g_clear_pointer (&state.scoped, g_hash_table_unref);
  g_clear_pointer (&state.keep, g_ptr_array_unref);
  if (local_error != NULL)
    {
      g_free (nquads);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return nquads;
}

char *
dossier_jsonld_to_nquads (JsonNode            *document,
                          const char          *base_iri,
                          DossierJsonLdFlags   flags,
                          GError             **error)
{
  DossierJsonLdOptions options = { .base = base_iri };

  g_return_val_if_fail (document != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return dossier_jsonld_to_nquads_with_options (document, &options, flags, error);
}
