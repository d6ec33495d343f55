// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-jsonld-private.h"

#include "dossier-format-error.h"
#include "dossier-jcs.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* JSON-LD 1.1 deserialization to RDF (W3C JSON-LD 1.1 Processing
 * Algorithms, section 8), written straight to N-Quads.  The RDF is read
 * off the expanded form node by node, which gives the same quads as going
 * through a node map since the dataset is a set and duplicates are
 * dropped; blank nodes are named _:b0, _:b1, ... in the order met. */

#define RDF_NS       "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD_NS       "http://www.w3.org/2001/XMLSchema#"
#define I18N_NS      "https://www.w3.org/ns/i18n#"

typedef struct
{
  JsonLdState *state;
  GString     *out;
  GString     *line;
  GHashTable  *seen;
  GHashTable  *labels;
  GHashTable  *indexes;          /* node → its @index, which must agree wherever it appears */
  guint        next_label;
  guint        quads;
  guint        depth;
  gboolean     generalized;
  int          direction_mode;   /* 0 dropped, 1 i18n-datatype, 2 compound-literal */
} Rdf;

static char *
new_blank (Rdf *rdf)
{
  return g_strdup_printf ("_:b%u", rdf->next_label++);
}

static char *
blank_label (Rdf        *rdf,
             const char *label)
{
  const char *issued = g_hash_table_lookup (rdf->labels, label);
  char *fresh;

  if (issued != NULL)
    return g_strdup (issued);
  fresh = new_blank (rdf);
  g_hash_table_insert (rdf->labels, g_strdup (label), g_strdup (fresh));
  return fresh;
}

static gboolean
iri_is_well_formed (const char *iri)
{
  guint fragments = 0;

  if (!jsonld_is_absolute_iri (iri) || !g_utf8_validate (iri, -1, NULL))
    return FALSE;
  for (const guchar *p = (const guchar *) iri; *p; p++)
    {
      if (*p <= 0x20 || strchr ("<>\"{}|^`\\", *p) != NULL)
        return FALSE;
      if (*p == '#' && ++fragments > 1)
        return FALSE;
    }
  return TRUE;
}

/* The N-Quads term for an IRI or blank node, or NULL when it is not
 * well formed and the triple must be dropped. */
static char *
resource_term (Rdf        *rdf,
               const char *iri)
{
  if (iri == NULL)
    return NULL;
  if (g_str_has_prefix (iri, "_:"))
    return blank_label (rdf, iri);
  if (!iri_is_well_formed (iri))
    {
      jsonld_safe_refuse (rdf->state, _("The JSON-LD document uses “%s”, which is not an absolute IRI"), iri);
      return NULL;
    }
  return g_strdup_printf ("<%s>", iri);
}

static gboolean
emit (Rdf        *rdf,
      const char *subject,
      const char *predicate,
      const char *object,
      const char *graph)
{
  GString *line = rdf->line;

  g_string_truncate (line, 0);
  g_string_append (line, subject);
  g_string_append_c (line, ' ');
  g_string_append (line, predicate);
  g_string_append_c (line, ' ');
  g_string_append (line, object);
  if (graph != NULL)
    {
      g_string_append_c (line, ' ');
      g_string_append (line, graph);
    }
  g_string_append (line, " .\n");
  if (g_hash_table_contains (rdf->seen, line->str))
    return TRUE;
  if (++rdf->quads > DOSSIER_JSONLD_MAX_QUADS)
    return jsonld_fail (rdf->state, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                        _("The JSON-LD document makes more than %d statements"), DOSSIER_JSONLD_MAX_QUADS);
  g_hash_table_add (rdf->seen, g_strdup (line->str));
  g_string_append_len (rdf->out, line->str, line->len);
  return TRUE;
}

static void
append_escaped (GString    *out,
                const char *text,
                gsize       length)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < length; i++)
    {
      guchar c = text[i];
      switch (c)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '"': g_string_append (out, "\\\""); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04X", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

static char *
canonical_double (double value)
{
  char buffer[64];
  char *e, *end;
  int exponent;
  GString *out;

  if (value == 0)
    return g_strdup ("0.0E0");
  g_snprintf (buffer, sizeof buffer, "%.15E", value);
  e = strchr (buffer, 'E');
  if (e == NULL)
    return g_strdup (buffer);
  exponent = atoi (e + 1);
  *e = '\0';
  end = e - 1;
  while (end > buffer && *end == '0' && end[-1] != '.')
    *end-- = '\0';
  out = g_string_new (buffer);
  g_string_append_printf (out, "E%d", exponent);
  return g_string_free (out, FALSE);
}

static char *
literal_term (Rdf        *rdf,
              JsonObject *item,
              const char *graph);

static char *node_to_rdf (Rdf        *rdf,
                          JsonObject *node,
                          const char *graph);

static char *list_to_rdf (Rdf        *rdf,
                          JsonArray  *list,
                          const char *graph);

static char *
object_to_rdf (Rdf        *rdf,
               JsonNode   *item,
               const char *graph)
{
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (item))
    return NULL;
  object = json_node_get_object (item);
  if (json_object_has_member (object, "@value"))
    return literal_term (rdf, object, graph);
  if (json_object_has_member (object, "@list"))
    {
      JsonNode *list = json_object_get_member (object, "@list");
      if (!JSON_NODE_HOLDS_ARRAY (list))
        return NULL;
      return list_to_rdf (rdf, json_node_get_array (list), graph);
    }
  return node_to_rdf (rdf, object, graph);
}

static char *
list_to_rdf (Rdf        *rdf,
             JsonArray  *list,
             const char *graph)
{
  guint length = json_array_get_length (list);
  g_autofree char *head = NULL;
  g_autofree char *current = NULL;

  if (length == 0)
    return g_strdup ("<" RDF_NS "nil>");
  head = new_blank (rdf);
  current = g_strdup (head);
  for (guint i = 0; i < length; i++)
    {
      g_autofree char *object = object_to_rdf (rdf, json_array_get_element (list, i), graph);
      g_autofree char *next = NULL;

      if (jsonld_failed (rdf->state))
        return NULL;
      if (object != NULL && !emit (rdf, current, "<" RDF_NS "first>", object, graph))
        return NULL;
      next = i + 1 < length ? new_blank (rdf) : g_strdup ("<" RDF_NS "nil>");
      if (!emit (rdf, current, "<" RDF_NS "rest>", next, graph))
        return NULL;
      g_free (current);
      current = g_steal_pointer (&next);
    }
  return g_steal_pointer (&head);
}

static char *
literal_term (Rdf        *rdf,
              JsonObject *item,
              const char *graph)
{
  JsonNode *value = json_object_get_member (item, "@value");
  const char *type = jsonld_node_string (json_object_get_member (item, "@type"));
  const char *language = jsonld_node_string (json_object_get_member (item, "@language"));
  const char *direction = jsonld_node_string (json_object_get_member (item, "@direction"));
  g_autofree char *lexical = NULL;
  g_autofree char *datatype = NULL;
  GString *term;

  if (type != NULL && strcmp (type, "@json") != 0 && !iri_is_well_formed (type))
    {
      jsonld_safe_refuse (rdf->state, _("The JSON-LD datatype “%s” is not an absolute IRI"), type);
      return NULL;
    }
  if (language != NULL && !jsonld_is_language_tag (language))
    {
      jsonld_safe_refuse (rdf->state, _("The JSON-LD language tag “%s” is not well formed"), language);
      return NULL;
    }
  if (g_strcmp0 (type, "@json") == 0)
    {
      g_autoptr(GError) local_error = NULL;
      gsize length = 0;

      lexical = dossier_jcs_serialize (value, &length, &local_error);
      if (lexical == NULL)
        {
          jsonld_fail (rdf->state, DOSSIER_FORMAT_ERROR_DECODE, _("A JSON literal cannot be canonicalized: %s"),
                       local_error->message);
          return NULL;
        }
      datatype = g_strdup (RDF_NS "JSON");
    }
  else if (!JSON_NODE_HOLDS_VALUE (value))
    return NULL;
  else
    {
      GType value_type = json_node_get_value_type (value);

      if (value_type == G_TYPE_BOOLEAN)
        {
          lexical = g_strdup (json_node_get_boolean (value) ? "true" : "false");
          datatype = g_strdup (type ? type : XSD_NS "boolean");
        }
      else if (value_type == G_TYPE_INT64 || value_type == G_TYPE_DOUBLE)
        {
          double number = json_node_get_double (value);

          if ((value_type == G_TYPE_DOUBLE && (fmod (number, 1.0) != 0 || fabs (number) >= 1e21))
              || g_strcmp0 (type, XSD_NS "double") == 0)
            {
              lexical = canonical_double (number);
              datatype = g_strdup (type ? type : XSD_NS "double");
            }
          else
            {
              if (value_type == G_TYPE_INT64)
                lexical = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
              else
                lexical = g_strdup_printf ("%.0f", number == 0 ? 0.0 : number);
              datatype = g_strdup (type ? type : XSD_NS "integer");
            }
        }
      else if (value_type == G_TYPE_STRING)
        {
          lexical = g_strdup (json_node_get_string (value));
          if (type != NULL)
            datatype = g_strdup (type);
          else if (language == NULL)
            datatype = g_strdup (XSD_NS "string");
        }
      else
        return NULL;
    }

  if (!g_utf8_validate (lexical, -1, NULL))
    {
      /* json-glib turns a lone surrogate escape into bytes that are not UTF-8 */
      jsonld_fail (rdf->state, DOSSIER_FORMAT_ERROR_DECODE, _("A JSON-LD string is not valid UTF-8 text"));
      return NULL;
    }

  if (direction != NULL && rdf->direction_mode == 2)
    {
      g_autofree char *node = new_blank (rdf);
      g_autoptr(GString) value_term = g_string_new (NULL);

      append_escaped (value_term, lexical, strlen (lexical));
      if (!emit (rdf, node, "<" RDF_NS "value>", value_term->str, graph))
        return NULL;
      if (language != NULL)
        {
          g_autoptr(GString) language_term = g_string_new (NULL);
          append_escaped (language_term, language, strlen (language));
          if (!emit (rdf, node, "<" RDF_NS "language>", language_term->str, graph))
            return NULL;
        }
      {
        g_autoptr(GString) direction_term = g_string_new (NULL);
        append_escaped (direction_term, direction, strlen (direction));
        if (!emit (rdf, node, "<" RDF_NS "direction>", direction_term->str, graph))
          return NULL;
      }
      return g_steal_pointer (&node);
    }

  term = g_string_new (NULL);
  append_escaped (term, lexical, strlen (lexical));
  if (direction != NULL && rdf->direction_mode == 1)
    g_string_append_printf (term, "^^<" I18N_NS "%s_%s>", language ? language : "", direction);
  else if (language != NULL && type == NULL)
    g_string_append_printf (term, "@%s", language);
  else if (g_strcmp0 (datatype, XSD_NS "string") != 0)
    g_string_append_printf (term, "^^<%s>", datatype);
  return g_string_free (term, FALSE);
}

static char *
predicate_term (Rdf        *rdf,
                const char *property)
{
  if (g_str_has_prefix (property, "_:"))
    {
      if (!rdf->generalized)
        {
          jsonld_safe_refuse (rdf->state, _("The JSON-LD property “%s” is a blank node"), property);
          return NULL;
        }
      return blank_label (rdf, property);
    }
  return resource_term (rdf, property);
}

static gboolean
node_properties (Rdf        *rdf,
                 JsonObject *node,
                 const char *subject,
                 const char *graph)
{
  g_autoptr(GList) names = json_object_get_members (node);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *member = json_object_get_member (node, key);

      if (strcmp (key, "@type") == 0)
        {
          JsonArray *types = JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;
          for (guint i = 0; types != NULL && i < json_array_get_length (types); i++)
            {
              g_autofree char *type = resource_term (rdf, jsonld_node_string (json_array_get_element (types, i)));
              if (jsonld_failed (rdf->state))
                return FALSE;
              if (type != NULL && subject != NULL && !emit (rdf, subject, "<" RDF_NS "type>", type, graph))
                return FALSE;
            }
        }
      else if (strcmp (key, "@reverse") == 0)
        {
          JsonObject *reverse = JSON_NODE_HOLDS_OBJECT (member) ? json_node_get_object (member) : NULL;
          g_autoptr(GList) properties = reverse ? json_object_get_members (reverse) : NULL;

          for (GList *p = properties; p != NULL; p = p->next)
            {
              g_autofree char *predicate = predicate_term (rdf, p->data);
              JsonArray *items = json_node_get_array (json_object_get_member (reverse, p->data));

              if (jsonld_failed (rdf->state))
                return FALSE;
              for (guint i = 0; i < json_array_get_length (items); i++)
                {
                  JsonNode *item = json_array_get_element (items, i);
                  g_autofree char *other = JSON_NODE_HOLDS_OBJECT (item)
                                           ? node_to_rdf (rdf, json_node_get_object (item), graph) : NULL;
                  if (jsonld_failed (rdf->state))
                    return FALSE;
                  if (other != NULL && predicate != NULL && subject != NULL
                      && !emit (rdf, other, predicate, subject, graph))
                    return FALSE;
                }
            }
        }
      else if (strcmp (key, "@graph") == 0)
        {
          JsonArray *items = JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;

          for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
            {
              JsonNode *item = json_array_get_element (items, i);
              g_autofree char *ignored = NULL;
              /* a graph named by an ill-formed IRI is dropped whole */
              if (!jsonld_is_node_object (item) || subject == NULL)
                continue;
              ignored = node_to_rdf (rdf, json_node_get_object (item), subject);
              if (jsonld_failed (rdf->state))
                return FALSE;
            }
        }
      else if (strcmp (key, "@included") == 0)
        {
          JsonArray *items = JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;

          for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
            {
              g_autofree char *ignored = node_to_rdf (rdf, json_node_get_object (json_array_get_element (items, i)), graph);
              if (jsonld_failed (rdf->state))
                return FALSE;
            }
        }
      else if (key[0] != '@')
        {
          g_autofree char *predicate = predicate_term (rdf, key);
          JsonArray *items = JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;

          if (jsonld_failed (rdf->state))
            return FALSE;
          for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
            {
              g_autofree char *object = object_to_rdf (rdf, json_array_get_element (items, i), graph);
              if (jsonld_failed (rdf->state))
                return FALSE;
              if (object != NULL && predicate != NULL && subject != NULL
                  && !emit (rdf, subject, predicate, object, graph))
                return FALSE;
            }
        }
    }
  return TRUE;
}

static char *
node_to_rdf (Rdf        *rdf,
             JsonObject *node,
             const char *graph)
{
  const char *id = jsonld_node_string (json_object_get_member (node, "@id"));
  g_autofree char *subject = NULL;

  if (++rdf->depth > 4 * DOSSIER_JSONLD_MAX_DEPTH)
    {
      jsonld_fail (rdf->state, DOSSIER_FORMAT_ERROR_TOO_LARGE, _("The JSON-LD document nests too deeply"));
      rdf->depth--;
      return NULL;
    }
  if (id != NULL && json_object_has_member (node, "@index"))
    {
      const char *index = jsonld_node_string (json_object_get_member (node, "@index"));
      const char *seen = g_hash_table_lookup (rdf->indexes, id);

      if (seen != NULL && g_strcmp0 (seen, index) != 0)
        {
          jsonld_fail (rdf->state, DOSSIER_FORMAT_ERROR_DECODE,
                       _("The JSON-LD node “%s” has two different indexes (conflicting indexes)"), id);
          rdf->depth--;
          return NULL;
        }
      if (seen == NULL && index != NULL)
        g_hash_table_insert (rdf->indexes, g_strdup (id), g_strdup (index));
    }
  if (id != NULL)
    subject = resource_term (rdf, id);
  else if (json_object_has_member (node, "@id"))
    subject = NULL;
  else
    subject = new_blank (rdf);
  if (!jsonld_failed (rdf->state))
    node_properties (rdf, node, subject, graph);
  rdf->depth--;
  if (jsonld_failed (rdf->state))
    return NULL;
  return g_steal_pointer (&subject);
}

char *
jsonld_expanded_to_nquads (JsonLdState                *state,
                           JsonArray                  *expanded,
                           const DossierJsonLdOptions *options)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) indexes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  Rdf rdf = {
    .state = state, .out = out, .line = line, .seen = seen, .labels = labels, .indexes = indexes,
    .generalized = options->generalized_rdf,
    .direction_mode = g_strcmp0 (options->rdf_direction, "i18n-datatype") == 0 ? 1
                      : g_strcmp0 (options->rdf_direction, "compound-literal") == 0 ? 2 : 0,
  };

  for (guint i = 0; i < json_array_get_length (expanded); i++)
    {
      JsonNode *item = json_array_get_element (expanded, i);
      g_autofree char *ignored = NULL;

      if (!jsonld_is_node_object (item))
        continue;
      ignored = node_to_rdf (&rdf, json_node_get_object (item), NULL);
      if (jsonld_failed (state))
        return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
