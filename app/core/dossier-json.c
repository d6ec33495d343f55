// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-json.h"

#include <string.h>
/* A parser for the plain JSON that credentials carry, building the same
 * tree as json-glib's parser at a fraction of the cost: json-glib's scanner
 * and per-member signals cost more than the signature check they guard.
 * Trees are not sealed: sealing hashes every string of the tree, and
 * nothing hashes or shares parsed trees.  Anything outside the plain subset (floats, \u escapes,
 * control characters, invalid UTF-8, duplicate or empty member names, deep
 * nesting, top-level scalars, other white space) is handed to json-glib, so
 * that every input gets exactly json-glib's verdict and tree. */

#define FAST_MAX_DEPTH 32

typedef struct
{
  const char *p;
  const char *end;
  GString    *scratch;
} FastParser;

static JsonNode *fast_value (FastParser *parser,
                             guint       depth);

static void
fast_skip_space (FastParser *parser)
{
  while (parser->p < parser->end &&
         (*parser->p == ' ' || *parser->p == '\n' || *parser->p == '\r' || *parser->p == '\t'))
    parser->p++;
}

/* Reads a string into the scratch buffer; FALSE for anything unusual. */
static gboolean
fast_string (FastParser *parser)
{
  const char *p = parser->p + 1;
  gboolean ascii = TRUE;

  g_string_truncate (parser->scratch, 0);
  for (;;)
    {
      const char *start = p;
      guchar c = 0;

      while (p < parser->end && (c = (guchar) *p) != '"' && c != '\\' && c >= 0x20)
        {
          ascii &= c < 0x80;
          p++;
        }
      g_string_append_len (parser->scratch, start, p - start);
      if (p >= parser->end || c < 0x20)
        return FALSE;
      if (c == '"')
        break;
      if (p + 1 >= parser->end)
        return FALSE;
      switch (p[1])
        {
        case '"': case '\\': case '/':
          g_string_append_c (parser->scratch, p[1]);
          break;
        case 'b':
          g_string_append_c (parser->scratch, '\b');
          break;
        case 'f':
          g_string_append_c (parser->scratch, '\f');
          break;
        case 'n':
          g_string_append_c (parser->scratch, '\n');
          break;
        case 'r':
          g_string_append_c (parser->scratch, '\r');
          break;
        case 't':
          g_string_append_c (parser->scratch, '\t');
          break;
        default:
          return FALSE;
        }
      p += 2;
    }
  parser->p = p + 1;
  return ascii || g_utf8_validate_len (parser->scratch->str, parser->scratch->len, NULL);
}

/* Whole numbers of up to 15 digits, without a leading zero (and not -0). */
static JsonNode *
fast_number (FastParser *parser)
{
  const char *p = parser->p;
  gboolean negative = *p == '-';
  gint64 value = 0;
  guint digits = 0;

  if (negative)
    p++;
  if (p >= parser->end || *p < '0' || *p > '9' || (*p == '0' && negative))
    return NULL;
  while (p < parser->end && *p >= '0' && *p <= '9' && digits < 16)
    {
      value = value * 10 + (*p - '0');
      digits++;
      p++;
    }
  if (digits > 15 || (digits > 1 && parser->p[negative ? 1 : 0] == '0') || (p < parser->end && (*p == '.' || *p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9'))))
    return NULL;
  parser->p = p;
  return json_node_init_int (json_node_alloc (), negative ? -value : value);
}

static gboolean
fast_literal (FastParser *parser,
              const char *word,
              gsize       length)
{
  if ((gsize) (parser->end - parser->p) < length || memcmp (parser->p, word, length) != 0)
    return FALSE;
  parser->p += length;
  return TRUE;
}

static JsonNode *
fast_object (FastParser *parser,
             guint       depth)
{
  g_autoptr(JsonObject) object = json_object_new ();
  guint members = 0;

  parser->p++;
  fast_skip_space (parser);
  if (parser->p < parser->end && *parser->p == '}')
    {
      parser->p++;
      return json_node_init_object (json_node_alloc (), object);
    }
  for (;;)
    {
      JsonNode *member;
      char short_name[64];
      g_autofree char *long_name = NULL;
      char *name = short_name;

      if (parser->p >= parser->end || *parser->p != '"' || !fast_string (parser) || parser->scratch->len == 0)
        return NULL;
      if (parser->scratch->len < sizeof short_name)
        memcpy (short_name, parser->scratch->str, parser->scratch->len + 1);
      else
        name = long_name = g_strndup (parser->scratch->str, parser->scratch->len);
      fast_skip_space (parser);
      if (parser->p >= parser->end || *parser->p != ':')
        return NULL;
      parser->p++;
      fast_skip_space (parser);
      if ((member = fast_value (parser, depth + 1)) == NULL)
        return NULL;
      json_object_set_member (object, name, member);
      members++;
      fast_skip_space (parser);
      if (parser->p < parser->end && *parser->p == ',')
        {
          parser->p++;
          fast_skip_space (parser);
          continue;
        }
      if (parser->p < parser->end && *parser->p == '}')
        break;
      return NULL;
    }
  /* a member named twice replaced the first: json-glib decides */
  if (json_object_get_size (object) != members)
    return NULL;
  parser->p++;
  return json_node_init_object (json_node_alloc (), object);
}

static JsonNode *
fast_array (FastParser *parser,
            guint       depth)
{
  g_autoptr(JsonArray) array = json_array_new ();

  parser->p++;
  fast_skip_space (parser);
  if (parser->p < parser->end && *parser->p == ']')
    {
      parser->p++;
      return json_node_init_array (json_node_alloc (), array);
    }
  for (;;)
    {
      JsonNode *element = fast_value (parser, depth + 1);

      if (element == NULL)
        return NULL;
      json_array_add_element (array, element);
      fast_skip_space (parser);
      if (parser->p < parser->end && *parser->p == ',')
        {
          parser->p++;
          fast_skip_space (parser);
          continue;
        }
      if (parser->p < parser->end && *parser->p == ']')
        break;
      return NULL;
    }
  parser->p++;
  return json_node_init_array (json_node_alloc (), array);
}

static JsonNode *
fast_value (FastParser *parser,
            guint       depth)
{
  if (parser->p >= parser->end || depth > FAST_MAX_DEPTH)
    return NULL;
  switch (*parser->p)
    {
    case '{':
      return fast_object (parser, depth);
    case '[':
      return fast_array (parser, depth);
    case '"':
      return fast_string (parser) ? json_node_init_string (json_node_alloc (), parser->scratch->str) : NULL;
    case 't':
      return fast_literal (parser, "true", 4) ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return fast_literal (parser, "false", 5) ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return fast_literal (parser, "null", 4) ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      return fast_number (parser);
    }
}

/* The plain-subset tree of @data, or NULL when json-glib must decide.
 * @trailing tells that a whole value was read but more text follows it. */
static JsonNode *
fast_parse (const char *data,
            gsize       length,
            gboolean   *trailing)
{
  FastParser parser = { data, data + length, NULL };
  g_autoptr(JsonNode) root = NULL;

  parser.scratch = g_string_sized_new (256);
  fast_skip_space (&parser);
  if (parser.p < parser.end && (*parser.p == '{' || *parser.p == '['))
    {
      root = fast_value (&parser, 0);
      fast_skip_space (&parser);
    }
  g_string_free (parser.scratch, TRUE);
  *trailing = root != NULL && parser.p != parser.end;
  if (root == NULL || parser.p != parser.end)
    return NULL;
  return g_steal_pointer (&root);
}

JsonNode *
dossier_json_parse (const char *data,
                    gsize       length)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  gboolean trailing = FALSE;

  if (data == NULL || length == 0)
    return NULL;
  if ((root = fast_parse (data, length, &trailing)) != NULL)
    return root;
  /* A JSON text is one value.  json-glib would take the last of several
   * (and lose the others' memory): a reader must not see another value
   * than the signer did. */
  if (trailing)
    return NULL;
  parser = json_parser_new ();
  /* blank text loads, with no root */
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL) || json_parser_get_root (parser) == NULL)
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
