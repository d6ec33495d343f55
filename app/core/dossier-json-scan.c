// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-json-scan.h"

#include <string.h>

/* Verifying a credential reads a handful of its members; building a
 * json-glib tree of all of it (a hash table per object, a copy of every
 * string) and tearing it down costs a fifth of the signature check.  The
 * accepted subset is exactly that of dossier_json_parse()'s own reader:
 * no floats, no \u escapes, no control characters, valid UTF-8, non-empty
 * member names, at most 32 levels, an object or array at the top, and
 * only space, tab, CR and LF between tokens.  Member names holding an
 * escape are refused too, so that names compare as raw text. */

#define MAX_DEPTH       32
#define MAX_DUPLICATE_CHECK 64   /* members compared pairwise; more go to json-glib */

typedef struct
{
  guint8  kind;
  guint8  escaped;   /* a string holding a backslash escape */
  guint32 start;     /* offset of the first byte (a string's opening quote) */
  guint32 end;       /* offset after the last byte */
  guint32 next;      /* index after this value and all it holds */
  union
  {
    guint32 size;    /* members or elements */
    gint64  integer;
  };
} Value;

struct _DossierJsonScan
{
  const char *data;
  gsize       length;
  GArray     *values;
};

typedef struct
{
  const char *data;
  gsize       length;
  gsize       pos;
  GArray     *values;   /* grown ahead in steps; values[0..count) are set */
  guint       count;
} Scanner;

static gboolean scan_value (Scanner *s,
                            guint    depth);

static inline void
skip_space (Scanner *s)
{
  while (s->pos < s->length &&
         (s->data[s->pos] == ' ' || s->data[s->pos] == '\n' || s->data[s->pos] == '\r' || s->data[s->pos] == '\t'))
    s->pos++;
}

static guint
push (Scanner *s,
      guint8   kind)
{
  /* appending one value at a time through GArray cost a tenth of
   * scanning a health card */
  if (s->count == s->values->len)
    g_array_set_size (s->values, MAX (64, s->values->len * 2));
  g_array_index (s->values, Value, s->count) = (Value) { .kind = kind, .start = (guint32) s->pos };
  return s->count++;
}

static inline Value *
value_at (Scanner *s,
          guint    index)
{
  return &g_array_index (s->values, Value, index);
}

#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

static gboolean
scan_string (Scanner *s)
{
  guint index = push (s, DOSSIER_JSON_SCAN_STRING);
  const guchar *p = (const guchar *) s->data + s->pos + 1;
  const guchar *end = (const guchar *) s->data + s->length;
  const guchar *content = p;
  /* 1 for the bytes that go on a string: not a quote, a backslash or a
   * control character */
  static const guint8 plain[256] = {
    [0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0xff] = 1,
  };
  gboolean escaped = FALSE;
  guchar high = 0;

  for (;;)
    {
      /* eight bytes at a time while none is a quote, a backslash or a
       * control character (each test is exact for the word as a whole) */
      while (end - p >= 8)
        {
          guint64 word, quotes, backslashes;

          memcpy (&word, p, sizeof word);
          quotes = word ^ (ONES * '"');
          backslashes = word ^ (ONES * '\\');
          if ((((quotes - ONES) & ~quotes) | ((backslashes - ONES) & ~backslashes) | ((word - ONES * 0x20) & ~word)) & HIGHS)
            break;
          if (word & HIGHS)
            high = 0x80;
          p += 8;
        }
      while (p < end && plain[*p])
        high |= *p++;
      if (p >= end || *p < 0x20)
        return FALSE;
      if (*p == '"')
        break;
      if (p + 1 >= end || strchr ("\"\\/bfnrt", p[1]) == NULL || p[1] == '\0')
        return FALSE;
      escaped = TRUE;
      p += 2;
    }
  /* escapes are ASCII: the raw text is valid UTF-8 when the decoded one is */
  if (high >= 0x80 && !g_utf8_validate_len ((const char *) content, (gsize) (p - content), NULL))
    return FALSE;
  s->pos = (gsize) ((const char *) p - s->data) + 1;
  value_at (s, index)->escaped = escaped;
  value_at (s, index)->end = (guint32) s->pos;
  value_at (s, index)->next = index + 1;
  return TRUE;
}

/* Whole numbers of up to 15 digits, without a leading zero (and not -0). */
static gboolean
scan_integer (Scanner *s)
{
  const char *start = s->data + s->pos, *p = start, *end = s->data + s->length;
  gboolean negative = *p == '-';
  gint64 integer = 0;
  guint digits = 0, index;

  if (negative)
    p++;
  if (p >= end || *p < '0' || *p > '9' || (*p == '0' && negative))
    return FALSE;
  while (p < end && *p >= '0' && *p <= '9' && digits < 16)
    {
      integer = integer * 10 + (*p - '0');
      digits++;
      p++;
    }
  if (digits > 15 || (digits > 1 && start[negative ? 1 : 0] == '0') ||
      (p < end && (*p == '.' || *p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9'))))
    return FALSE;
  index = push (s, DOSSIER_JSON_SCAN_INTEGER);
  s->pos = (gsize) (p - s->data);
  value_at (s, index)->integer = negative ? -integer : integer;
  value_at (s, index)->end = (guint32) s->pos;
  value_at (s, index)->next = index + 1;
  return TRUE;
}

static gboolean
scan_literal (Scanner    *s,
              guint8      kind,
              const char *word,
              gsize       length,
              gint64      integer)
{
  guint index;

  if (s->length - s->pos < length || memcmp (s->data + s->pos, word, length) != 0)
    return FALSE;
  index = push (s, kind);
  s->pos += length;
  value_at (s, index)->integer = integer;
  value_at (s, index)->end = (guint32) s->pos;
  value_at (s, index)->next = index + 1;
  return TRUE;
}

/* Whether two members of the object at @object share a name. */
static gboolean
has_duplicate_names (Scanner *s,
                     guint    object)
{
  guint keys[MAX_DUPLICATE_CHECK];
  guint n = 0;

  for (guint key = object + 1; n < value_at (s, object)->size; key = value_at (s, key + 1)->next)
    {
      const Value *a = value_at (s, key);

      for (guint i = 0; i < n; i++)
        {
          const Value *b = value_at (s, keys[i]);

          if (a->end - a->start == b->end - b->start &&
              memcmp (s->data + a->start, s->data + b->start, a->end - a->start) == 0)
            return TRUE;
        }
      keys[n++] = key;
    }
  return FALSE;
}

static gboolean
scan_object (Scanner *s,
             guint    depth)
{
  guint index = push (s, DOSSIER_JSON_SCAN_OBJECT);
  guint32 size = 0;

  s->pos++;
  skip_space (s);
  if (s->pos < s->length && s->data[s->pos] == '}')
    s->pos++;
  else
    for (;;)
      {
        guint key = s->count;

        if (s->pos >= s->length || s->data[s->pos] != '"' || !scan_string (s) ||
            value_at (s, key)->end - value_at (s, key)->start == 2 || value_at (s, key)->escaped)
          return FALSE;
        skip_space (s);
        if (s->pos >= s->length || s->data[s->pos] != ':')
          return FALSE;
        s->pos++;
        skip_space (s);
        if (!scan_value (s, depth + 1))
          return FALSE;
        if (++size > MAX_DUPLICATE_CHECK)
          return FALSE;
        skip_space (s);
        if (s->pos < s->length && s->data[s->pos] == ',')
          {
            s->pos++;
            skip_space (s);
            continue;
          }
        if (s->pos < s->length && s->data[s->pos] == '}')
          {
            s->pos++;
            break;
          }
        return FALSE;
      }
  value_at (s, index)->size = size;
  value_at (s, index)->end = (guint32) s->pos;
  value_at (s, index)->next = s->count;
  return !has_duplicate_names (s, index);
}

static gboolean
scan_array (Scanner *s,
            guint    depth)
{
  guint index = push (s, DOSSIER_JSON_SCAN_ARRAY);
  guint32 size = 0;

  s->pos++;
  skip_space (s);
  if (s->pos < s->length && s->data[s->pos] == ']')
    s->pos++;
  else
    for (;;)
      {
        if (!scan_value (s, depth + 1))
          return FALSE;
        size++;
        skip_space (s);
        if (s->pos < s->length && s->data[s->pos] == ',')
          {
            s->pos++;
            skip_space (s);
            continue;
          }
        if (s->pos < s->length && s->data[s->pos] == ']')
          {
            s->pos++;
            break;
          }
        return FALSE;
      }
  value_at (s, index)->size = size;
  value_at (s, index)->end = (guint32) s->pos;
  value_at (s, index)->next = s->count;
  return TRUE;
}

static gboolean
scan_value (Scanner *s,
            guint    depth)
{
  if (s->pos >= s->length || depth > MAX_DEPTH || s->count >= DOSSIER_JSON_SCAN_MAX_VALUES)
    return FALSE;
  switch (s->data[s->pos])
    {
    case '{':
      return scan_object (s, depth);
    case '[':
      return scan_array (s, depth);
    case '"':
      return scan_string (s);
    case 't':
      return scan_literal (s, DOSSIER_JSON_SCAN_BOOLEAN, "true", 4, 1);
    case 'f':
      return scan_literal (s, DOSSIER_JSON_SCAN_BOOLEAN, "false", 5, 0);
    case 'n':
      return scan_literal (s, DOSSIER_JSON_SCAN_NULL, "null", 4, 0);
    default:
      return scan_integer (s);
    }
}

/* Value arrays are kept per thread between scans, and so are the scans
 * themselves: a fresh array per text is a large allocation, which makes
 * malloc tidy up all the small blocks the last verification freed, and an
 * SD-JWT has a scan per disclosure alive at once. */
#define MAX_KEPT_VALUES (64 * 1024)
#define MAX_KEPT_ARRAYS 16

typedef struct
{
  GArray *arrays[MAX_KEPT_ARRAYS];
  guint   n_arrays;
} Kept;

static void
kept_free (gpointer data)
{
  Kept *kept = data;

  for (guint i = 0; i < kept->n_arrays; i++)
    g_array_unref (kept->arrays[i]);
  g_free (kept);
}

static GPrivate kept_values = G_PRIVATE_INIT (kept_free);

static GArray *
take_values (gsize length)
{
  Kept *kept = g_private_get (&kept_values);
  GArray *values;

  if (kept == NULL || kept->n_arrays == 0)
    return g_array_sized_new (FALSE, FALSE, sizeof (Value), MIN (length / 4 + 8, 4096));
  values = kept->arrays[--kept->n_arrays];
  g_array_set_size (values, 0);
  return values;
}

static void
give_back_values (GArray *values)
{
  Kept *kept = g_private_get (&kept_values);

  if (kept == NULL)
    {
      kept = g_new0 (Kept, 1);
      g_private_set (&kept_values, kept);
    }
  if (values->len <= MAX_KEPT_VALUES && kept->n_arrays < MAX_KEPT_ARRAYS)
    kept->arrays[kept->n_arrays++] = values;
  else
    g_array_unref (values);
}

/* The scan of @data, or NULL when it is not JSON of the plain subset (the
 * caller then asks dossier_json_parse()). */
DossierJsonScan *
dossier_json_scan_new (const char *data,
                       gsize       length)
{
  Scanner s = { data, length, 0, NULL, 0 };
  DossierJsonScan *scan;

  if (data == NULL || length == 0 || length > DOSSIER_JSON_SCAN_MAX_LENGTH)
    return NULL;
  s.values = take_values (length);
  skip_space (&s);
  if (s.pos >= length || (data[s.pos] != '{' && data[s.pos] != '[') || !scan_value (&s, 0) ||
      (skip_space (&s), s.pos != length))
    {
      g_array_set_size (s.values, s.count);
      give_back_values (s.values);
      return NULL;
    }
  g_array_set_size (s.values, s.count);
  scan = g_new (DossierJsonScan, 1);
  scan->data = data;
  scan->length = length;
  scan->values = s.values;
  return scan;
}

void
dossier_json_scan_free (DossierJsonScan *scan)
{
  if (scan == NULL)
    return;
  give_back_values (scan->values);
  g_free (scan);
}

static const Value *
get (DossierJsonScan *scan,
     guint            value)
{
  return value < scan->values->len ? &g_array_index (scan->values, Value, value) : NULL;
}

/* The kind of @value; DOSSIER_JSON_SCAN_NONE for DOSSIER_JSON_SCAN_MISSING. */
DossierJsonScanKind
dossier_json_scan_get_kind (DossierJsonScan *scan,
                            guint            value)
{
  const Value *v;

  g_return_val_if_fail (scan != NULL, DOSSIER_JSON_SCAN_NONE);
  v = get (scan, value);
  return v != NULL ? v->kind : DOSSIER_JSON_SCAN_NONE;
}

/* The value of member @name of @object, or DOSSIER_JSON_SCAN_MISSING when
 * @object is not an object or has no such member. */
guint
dossier_json_scan_get_member (DossierJsonScan *scan,
                              guint            object,
                              const char      *name)
{
  const Value *v;
  gsize name_length;
  guint key;

  g_return_val_if_fail (scan != NULL && name != NULL, DOSSIER_JSON_SCAN_MISSING);
  v = get (scan, object);
  if (v == NULL || v->kind != DOSSIER_JSON_SCAN_OBJECT)
    return DOSSIER_JSON_SCAN_MISSING;
  name_length = strlen (name);
  key = object + 1;
  for (guint i = 0; i < v->size; i++)
    {
      const Value *k = get (scan, key);

      if (k->end - k->start - 2 == name_length && memcmp (scan->data + k->start + 1, name, name_length) == 0)
        return key + 1;
      key = get (scan, key + 1)->next;
    }
  return DOSSIER_JSON_SCAN_MISSING;
}

/* The value after @value and all it holds: with it a reader walks an
 * object's members (name, value, name, ...) or an array's elements in
 * one pass.  DOSSIER_JSON_SCAN_MISSING for a missing value. */
guint
dossier_json_scan_get_next (DossierJsonScan *scan,
                            guint            value)
{
  const Value *v;

  g_return_val_if_fail (scan != NULL, DOSSIER_JSON_SCAN_MISSING);
  v = get (scan, value);
  return v != NULL ? v->next : DOSSIER_JSON_SCAN_MISSING;
}

/* The number of members of an object or elements of an array; 0 otherwise. */
guint
dossier_json_scan_get_size (DossierJsonScan *scan,
                            guint            value)
{
  const Value *v;

  g_return_val_if_fail (scan != NULL, 0);
  v = get (scan, value);
  return v != NULL && (v->kind == DOSSIER_JSON_SCAN_OBJECT || v->kind == DOSSIER_JSON_SCAN_ARRAY) ? v->size : 0;
}

/* Element @index of @array, or DOSSIER_JSON_SCAN_MISSING. */
guint
dossier_json_scan_get_element (DossierJsonScan *scan,
                               guint            array,
                               guint            index)
{
  const Value *v;
  guint element;

  g_return_val_if_fail (scan != NULL, DOSSIER_JSON_SCAN_MISSING);
  v = get (scan, array);
  if (v == NULL || v->kind != DOSSIER_JSON_SCAN_ARRAY || index >= v->size)
    return DOSSIER_JSON_SCAN_MISSING;
  element = array + 1;
  for (guint i = 0; i < index; i++)
    element = get (scan, element)->next;
  return element;
}

/* A string value, its escapes decoded; NULL when @value is not a string. */
char *
dossier_json_scan_dup_string (DossierJsonScan *scan,
                              guint            value)
{
  const Value *v;
  GString *out;

  g_return_val_if_fail (scan != NULL, NULL);
  v = get (scan, value);
  if (v == NULL || v->kind != DOSSIER_JSON_SCAN_STRING)
    return NULL;
  if (!v->escaped)
    return g_strndup (scan->data + v->start + 1, v->end - v->start - 2);
  out = g_string_sized_new (v->end - v->start);
  for (guint32 i = v->start + 1; i < v->end - 1; i++)
    {
      char c = scan->data[i];

      if (c == '\\')
        {
          c = scan->data[++i];
          c = c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
        }
      g_string_append_c (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Whether @value is a string equal to @text. */
gboolean
dossier_json_scan_equal (DossierJsonScan *scan,
                         guint            value,
                         const char      *text)
{
  const Value *v;
  g_autofree char *decoded = NULL;

  g_return_val_if_fail (scan != NULL && text != NULL, FALSE);
  v = get (scan, value);
  if (v == NULL || v->kind != DOSSIER_JSON_SCAN_STRING)
    return FALSE;
  if (!v->escaped)
    return strlen (text) == v->end - v->start - 2 && memcmp (scan->data + v->start + 1, text, v->end - v->start - 2) == 0;
  decoded = dossier_json_scan_dup_string (scan, value);
  return g_str_equal (decoded, text);
}

gboolean
dossier_json_scan_get_integer (DossierJsonScan *scan,
                               guint            value,
                               gint64          *integer)
{
  const Value *v;

  g_return_val_if_fail (scan != NULL && integer != NULL, FALSE);
  v = get (scan, value);
  if (v == NULL || v->kind != DOSSIER_JSON_SCAN_INTEGER)
    return FALSE;
  *integer = v->integer;
  return TRUE;
}

/* The JSON text of @value as it stands in the scanned text, not copied;
 * NULL for DOSSIER_JSON_SCAN_MISSING. */
const char *
dossier_json_scan_get_text (DossierJsonScan *scan,
                            guint            value,
                            gsize           *length)
{
  const Value *v;

  g_return_val_if_fail (scan != NULL && length != NULL, NULL);
  v = get (scan, value);
  if (v == NULL)
    return NULL;
  *length = v->end - v->start;
  return scan->data + v->start;
}
