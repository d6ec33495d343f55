// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-jcs.h"

#include "dossier-format-error.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The JSON Canonicalization Scheme (RFC 8785), which Data Integrity proofs
 * hash: members sorted by their names' UTF-16 code units, strings with the
 * fewest escapes, numbers as ECMAScript prints a double.  The input must be
 * I-JSON (RFC 7493): valid UTF-8, no lone surrogates, no repeated member
 * names, numbers a double can hold.  Anything else is refused rather than
 * guessed at, since two readers that disagree about a signed document are
 * how signatures get forged.  Every number is kept as a double, which is
 * what the canonical form prints, whatever its literal looked like. */

typedef struct
{
  const char *text;
  const char *end;
  const char *at;
  GError    **error;
} Parser;

static gboolean
parse_failed (Parser     *parser,
              const char *message)
{
  g_set_error (parser->error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
               _("Not canonicalizable JSON at byte %zu: %s"), (gsize) (parser->at - parser->text), message);
  return FALSE;
}

static void
skip_space (Parser *parser)
{
  while (parser->at < parser->end && (*parser->at == ' ' || *parser->at == '\t' || *parser->at == '\n' || *parser->at == '\r'))
    parser->at++;
}

static JsonNode *parse_value (Parser *parser,
                              guint   depth);

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Parser   *parser,
           gunichar *unit)
{
  *unit = 0;
  if (parser->end - parser->at < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int digit = hex_digit (parser->at[i]);

      if (digit < 0)
        return FALSE;
      *unit = (*unit << 4) | (gunichar) digit;
    }
  parser->at += 4;
  return TRUE;
}

/* One \u escape, or a pair of them for a character beyond the BMP. */
static gboolean
read_unicode_escape (Parser   *parser,
                     gunichar *c)
{
  gunichar low;

  if (!read_hex4 (parser, c))
    return parse_failed (parser, _("a \\u escape needs four hexadecimal digits"));
  if (*c >= 0xDC00 && *c <= 0xDFFF)
    return parse_failed (parser, _("a lone low surrogate"));
  if (*c < 0xD800 || *c > 0xDBFF)
    return TRUE;
  if (parser->end - parser->at < 2 || parser->at[0] != '\\' || parser->at[1] != 'u')
    return parse_failed (parser, _("a lone high surrogate"));
  parser->at += 2;
  if (!read_hex4 (parser, &low) || low < 0xDC00 || low > 0xDFFF)
    return parse_failed (parser, _("a lone high surrogate"));
  *c = 0x10000 + ((*c - 0xD800) << 10) + (low - 0xDC00);
  return TRUE;
}

static gboolean
read_escape (Parser  *parser,
             GString *out)
{
  static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
  gunichar c;

  if (parser->at >= parser->end)
    return parse_failed (parser, _("the text ends inside a string"));
  for (guint i = 0; i + 1 < sizeof simple; i += 2)
    if (*parser->at == simple[i])
      {
        g_string_append_c (out, simple[i + 1]);
        parser->at++;
        return TRUE;
      }
  if (*parser->at != 'u')
    return parse_failed (parser, _("an unknown escape"));
  parser->at++;
  if (!read_unicode_escape (parser, &c))
    return FALSE;
  /* strings are kept NUL-terminated: "a\u0000b" must not read as "a" */
  if (c == 0)
    return parse_failed (parser, _("a string holds the character U+0000"));
  g_string_append_unichar (out, c);
  return TRUE;
}

/* A string after its opening quote, unescaped. */
static char *
parse_string (Parser *parser)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (;;)
    {
      const char *run = parser->at;

      while (parser->at < parser->end && *parser->at != '"' && *parser->at != '\\' && (guchar) *parser->at >= 0x20)
        parser->at++;
      if (!g_utf8_validate_len (run, (gsize) (parser->at - run), NULL))
        {
          parse_failed (parser, _("a string is not valid UTF-8"));
          return NULL;
        }
      g_string_append_len (out, run, parser->at - run);
      if (parser->at >= parser->end)
        {
          parse_failed (parser, _("the text ends inside a string"));
          return NULL;
        }
      if (*parser->at == '"')
        {
          parser->at++;
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if (*parser->at != '\\')
        {
          parse_failed (parser, _("a control character inside a string"));
          return NULL;
        }
      parser->at++;
      if (!read_escape (parser, out))
        return NULL;
    }
}

static gsize
skip_digits (Parser *parser)
{
  const char *start = parser->at;

  while (parser->at < parser->end && g_ascii_isdigit (*parser->at))
    parser->at++;
  return (gsize) (parser->at - start);
}

/* A number in the strict JSON grammar, read as the nearest double. */
static JsonNode *
parse_number (Parser *parser)
{
  const char *start = parser->at;
  g_autofree char *literal = NULL;
  double value;

  if (parser->at < parser->end && *parser->at == '-')
    parser->at++;
  if (parser->at < parser->end && *parser->at == '0')
    parser->at++;
  else if (skip_digits (parser) == 0)
    return parse_failed (parser, _("a malformed number")), NULL;
  if (parser->at < parser->end && *parser->at == '.')
    {
      parser->at++;
      if (skip_digits (parser) == 0)
        return parse_failed (parser, _("a malformed number")), NULL;
    }
  if (parser->at < parser->end && (*parser->at == 'e' || *parser->at == 'E'))
    {
      parser->at++;
      if (parser->at < parser->end && (*parser->at == '+' || *parser->at == '-'))
        parser->at++;
      if (skip_digits (parser) == 0)
        return parse_failed (parser, _("a malformed number")), NULL;
    }
  literal = g_strndup (start, (gsize) (parser->at - start));
  value = g_ascii_strtod (literal, NULL);
  if (!isfinite (value))
    return parse_failed (parser, _("a number too large for a double")), NULL;
  return json_node_init_double (json_node_alloc (), value);
}

static gboolean
expect_literal (Parser     *parser,
                const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (parser->end - parser->at) < length || memcmp (parser->at, word, length) != 0)
    return parse_failed (parser, _("an unexpected character"));
  parser->at += length;
  return TRUE;
}

static JsonNode *
parse_array (Parser *parser,
             guint   depth)
{
  g_autoptr(JsonArray) array = json_array_new ();

  skip_space (parser);
  if (parser->at < parser->end && *parser->at == ']')
    {
      parser->at++;
      return json_node_init_array (json_node_alloc (), array);
    }
  for (;;)
    {
      JsonNode *item = parse_value (parser, depth + 1);

      if (item == NULL)
        return NULL;
      json_array_add_element (array, item);
      skip_space (parser);
      if (parser->at < parser->end && *parser->at == ',')
        parser->at++;
      else if (parser->at < parser->end && *parser->at == ']')
        {
          parser->at++;
          return json_node_init_array (json_node_alloc (), array);
        }
      else
        return parse_failed (parser, _("an array needs a comma or a closing bracket")), NULL;
    }
}

static JsonNode *
parse_object (Parser *parser,
              guint   depth)
{
  g_autoptr(JsonObject) object = json_object_new ();

  skip_space (parser);
  if (parser->at < parser->end && *parser->at == '}')
    {
      parser->at++;
      return json_node_init_object (json_node_alloc (), object);
    }
  for (;;)
    {
      g_autofree char *name = NULL;
      JsonNode *member;

      skip_space (parser);
      if (parser->at >= parser->end || *parser->at != '"')
        return parse_failed (parser, _("a member name must be a string")), NULL;
      parser->at++;
      if ((name = parse_string (parser)) == NULL)
        return NULL;
      if (json_object_has_member (object, name))
        return parse_failed (parser, _("a member name is repeated")), NULL;
      skip_space (parser);
      if (parser->at >= parser->end || *parser->at != ':')
        return parse_failed (parser, _("a member name needs a colon")), NULL;
      parser->at++;
      if ((member = parse_value (parser, depth + 1)) == NULL)
        return NULL;
      json_object_set_member (object, name, member);
      skip_space (parser);
      if (parser->at < parser->end && *parser->at == ',')
        parser->at++;
      else if (parser->at < parser->end && *parser->at == '}')
        {
          parser->at++;
          return json_node_init_object (json_node_alloc (), object);
        }
      else
        return parse_failed (parser, _("an object needs a comma or a closing brace")), NULL;
    }
}

static JsonNode *
parse_string_value (Parser *parser)
{
  g_autofree char *string = parse_string (parser);

  return string != NULL ? json_node_init_string (json_node_alloc (), string) : NULL;
}

static JsonNode *
parse_value (Parser *parser,
             guint   depth)
{

  if (depth > DOSSIER_JCS_MAX_DEPTH)
    return parse_failed (parser, _("nested too deeply")), NULL;
  skip_space (parser);
  if (parser->at >= parser->end)
    return parse_failed (parser, _("the text ends where a value was expected")), NULL;
  switch (*parser->at)
    {
    case '{':
      parser->at++;
      return parse_object (parser, depth);
    case '[':
      parser->at++;
      return parse_array (parser, depth);
    case '"':
      parser->at++;
      return parse_string_value (parser);
    case 't':
      return expect_literal (parser, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return expect_literal (parser, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return expect_literal (parser, "null") ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      if (*parser->at == '-' || g_ascii_isdigit (*parser->at))
        return parse_number (parser);
      return parse_failed (parser, _("an unexpected character")), NULL;
    }
}

/* Reads @text as I-JSON into a tree whose numbers are all doubles. */
JsonNode *
dossier_jcs_parse (const char  *text,
                   gsize        length,
                   GError     **error)
{
  Parser parser = { text, text + length, text, error };
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length > DOSSIER_JCS_MAX_SIZE)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The JSON text is larger than %d MiB"), DOSSIER_JCS_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  if ((root = parse_value (&parser, 0)) == NULL)
    return NULL;
  skip_space (&parser);
  if (parser.at != parser.end)
    {
      parse_failed (&parser, _("text after the JSON value"));
      return NULL;
    }
  return g_steal_pointer (&root);
}

/* @value rounded to @precision significant decimal digits: the digits as
 * an integer, and the decimal exponent of the first one. */
static guint64
rounded_digits (double  value,
                int     precision,
                int    *exponent)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];
  char *mantissa_end;
  guint64 digits = 0;

  /* in the C locale: the digits are all that is kept */
  g_snprintf (format, sizeof format, "%%.%de", precision - 1);
  g_ascii_formatd (buffer, sizeof buffer, format, value);
  mantissa_end = strchr (buffer, 'e');
  *exponent = atoi (mantissa_end + 1);
  for (const char *c = buffer; c < mantissa_end; c++)
    if (g_ascii_isdigit (*c))
      digits = digits * 10 + (guint64) (*c - '0');
  return digits;
}

/* The double nearest to @digits × 10^@scale. */
static double
value_of (guint64 digits,
          int     scale)
{
  char buffer[48];

  g_snprintf (buffer, sizeof buffer, "%" G_GUINT64_FORMAT "e%d", digits, scale);
  return g_ascii_strtod (buffer, NULL);
}

/* The fewest decimal digits that read back as @value (positive and finite),
 * the nearest to it when several do, and the exponent n such that @value is
 * 0.DIGITS × 10^n. */
static int
shortest_digits (double value,
                 char   digits[32])
{
  guint64 found = 0;
  int exponent = 0, scale = 0;
  gsize count;

  for (int precision = 1; precision <= 17 && found == 0; precision++)
    {
      guint64 rounded = rounded_digits (value, precision, &exponent);
      guint64 neighbour;
      double back;

      scale = exponent - precision + 1;
      back = value_of (rounded, scale);
      if (back == value)
        {
          found = rounded;
          break;
        }
      /* next to a power of two the gap below a double is half the gap
       * above: the nearest decimal may miss while its neighbour on the
       * other side of the value reads back */
      neighbour = back < value ? rounded + 1 : rounded - 1;
      if (neighbour > 0 && value_of (neighbour, scale) == value)
        found = neighbour;
    }
  g_snprintf (digits, 32, "%" G_GUINT64_FORMAT, found);
  count = strlen (digits);
  exponent = (int) count + scale;
  while (count > 1 && digits[count - 1] == '0')
    count--;
  digits[count] = '\0';
  return exponent;
}

/* Appends @value as ECMAScript's Number.prototype.toString() writes it;
 * FALSE for NaN and the infinities, which JSON cannot hold. */
gboolean
dossier_jcs_append_number (GString *out,
                           double   value)
{
  char digits[32];
  int n, k;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!isfinite (value))
    return FALSE;
  if (value == 0)
    {
      g_string_append_c (out, '0');
      return TRUE;
    }
  if (value < 0)
    {
      g_string_append_c (out, '-');
      value = -value;
    }
  n = shortest_digits (value, digits);
  k = (int) strlen (digits);
  if (k <= n && n <= 21)
    {
      g_string_append (out, digits);
      for (int i = k; i < n; i++)
        g_string_append_c (out, '0');
    }
  else if (0 < n && n <= 21)
    {
      g_string_append_len (out, digits, n);
      g_string_append_c (out, '.');
      g_string_append (out, digits + n);
    }
  else if (-6 < n && n <= 0)
    {
      g_string_append (out, "0.");
      for (int i = n; i < 0; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (k > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%d", n - 1 < 0 ? '-' : '+', ABS (n - 1));
    }
  return TRUE;
}

static void
append_string (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *c = text; *c != '\0'; c++)
    {
      switch (*c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if ((guchar) *c < 0x20)
            g_string_append_printf (out, "\\u%04x", (guint) (guchar) *c);
          else
            g_string_append_c (out, *c);
        }
    }
  g_string_append_c (out, '"');
}

typedef struct
{
  const char *name;
  gunichar2  *units;
  glong       length;
} Member;

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  const Member *left = a, *right = b;
  glong common = MIN (left->length, right->length);

  for (glong i = 0; i < common; i++)
    if (left->units[i] != right->units[i])
      return left->units[i] < right->units[i] ? -1 : 1;
  return left->length < right->length ? -1 : left->length > right->length ? 1 : 0;
}

static void
clear_member (gpointer data)
{
  g_free (((Member *) data)->units);
}

static gboolean serialize_node (JsonNode  *node,
                                GString   *out,
                                guint      depth,
                                GError   **error);

static gboolean
serialize_object (JsonObject  *object,
                  GString     *out,
                  guint        depth,
                  GError     **error)
{
  g_autoptr(GArray) members = g_array_new (FALSE, TRUE, sizeof (Member));
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_array_set_clear_func (members, clear_member);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    {
      Member member = { name, NULL, 0 };

      member.units = g_utf8_to_utf16 (name, -1, NULL, &member.length, NULL);

      if (member.units == NULL)
        {
          g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE,
                               _("A member name is not valid UTF-8"));
          return FALSE;
        }
      g_array_append_val (members, member);
    }
  g_array_sort (members, compare_members);
  g_string_append_c (out, '{');
  for (guint i = 0; i < members->len; i++)
    {
      const char *member = g_array_index (members, Member, i).name;

      if (i > 0)
        g_string_append_c (out, ',');
      append_string (out, member);
      g_string_append_c (out, ':');
      if (!serialize_node (json_object_get_member (object, member), out, depth + 1, error))
        return FALSE;
    }
  g_string_append_c (out, '}');
  return TRUE;
}

static gboolean
serialize_value (JsonNode  *node,
                 GString   *out,
                 GError   **error)
{
  double number;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      if (!g_utf8_validate (json_node_get_string (node), -1, NULL))
        break;
      append_string (out, json_node_get_string (node));
      return TRUE;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      return TRUE;
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      number = json_node_get_value_type (node) == G_TYPE_INT64 ? (double) json_node_get_int (node)
                                                                : json_node_get_double (node);
      if (!dossier_jcs_append_number (out, number))
        break;
      return TRUE;
    default:
      break;
    }
  g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE,
                       _("A value that JSON cannot hold"));
  return FALSE;
}

static gboolean
serialize_node (JsonNode  *node,
                GString   *out,
                guint      depth,
                GError   **error)
{
  JsonArray *array;

  if (depth > DOSSIER_JCS_MAX_DEPTH)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                           _("The JSON is nested too deeply"));
      return FALSE;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return serialize_object (json_node_get_object (node), out, depth, error);
    case JSON_NODE_ARRAY:
      array = json_node_get_array (node);
      g_string_append_c (out, '[');
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          if (!serialize_node (json_array_get_element (array, i), out, depth + 1, error))
            return FALSE;
        }
      g_string_append_c (out, ']');
      return TRUE;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      return TRUE;
    case JSON_NODE_VALUE:
    default:
      return serialize_value (node, out, error);
    }
}

/* The canonical form of @node.  Whole numbers held as gint64 are printed as
 * the double nearest to them, as the canonical form requires. */
char *
dossier_jcs_serialize (JsonNode  *node,
                       gsize     *length,
                       GError   **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  if (!serialize_node (node, out, 0, error))
    return NULL;
  if (length != NULL)
    *length = out->len;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The canonical form of the JSON text @text. */
char *
dossier_jcs_canonicalize (const char  *text,
                          gsize        length,
                          gsize       *canonical_length,
                          GError     **error)
{
  g_autoptr(JsonNode) root = dossier_jcs_parse (text, length, error);

  return root != NULL ? dossier_jcs_serialize (root, canonical_length, error) : NULL;
}
