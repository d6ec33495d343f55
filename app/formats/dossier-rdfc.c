// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-rdfc.h"

#include "dossier-format-error.h"

#include <glib/gi18n-lib.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* RDF Dataset Canonicalization (W3C RDFC-1.0): an N-Quads reader into a
 * dataset held in memory, and the algorithm that names its blank nodes
 * c14n0, c14n1, ... from the shape of the graph alone, so that two
 * serializations of the same dataset give the same bytes to sign.  The
 * hashing of blank nodes that look alike tries permutations of their
 * neighbours, which a hostile graph can make exponential; a budget of work
 * per blank node stops it with an error instead. */

#define XSD_STRING "http://www.w3.org/2001/XMLSchema#string"

typedef enum
{
  TERM_NONE,
  TERM_IRI,
  TERM_BLANK,
  TERM_LITERAL,
} TermKind;

typedef struct
{
  TermKind  kind;
  char     *value;     /* may hold NUL bytes for a literal, hence length */
  gsize     length;
  char     *datatype;  /* NULL for xsd:string and language-tagged strings */
  char     *language;
} Term;

enum { SUBJECT, PREDICATE, OBJECT, GRAPH, N_POSITIONS };

typedef struct
{
  Term terms[N_POSITIONS];
} Quad;

struct _DossierRdfcDataset
{
  GPtrArray *quads;
};

static void
quad_free (Quad *quad)
{
  for (guint i = 0; i < N_POSITIONS; i++)
    {
      g_free (quad->terms[i].value);
      g_free (quad->terms[i].datatype);
      g_free (quad->terms[i].language);
    }
  g_free (quad);
}

void
dossier_rdfc_dataset_free (DossierRdfcDataset *dataset)
{
  if (dataset == NULL)
    return;
  g_ptr_array_unref (dataset->quads);
  g_free (dataset);
}

guint
dossier_rdfc_dataset_get_n_quads (DossierRdfcDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, 0);

  return dataset->quads->len;
}

/* Canonical N-Quads */

static void
append_literal_value (GString    *out,
                      const char *value,
                      gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      guchar c = value[i];

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
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
}

/* The name a blank node is written with; NULL keeps its own label. */
typedef const char *(*BlankNamer) (const char *label,
                                   gpointer    user_data);

static void
append_term (GString     *out,
             const Term  *term,
             BlankNamer   namer,
             gpointer     user_data)
{
  const char *name;

  switch (term->kind)
    {
    case TERM_IRI:
      g_string_append_c (out, '<');
      g_string_append (out, term->value);
      g_string_append_c (out, '>');
      break;
    case TERM_BLANK:
      name = namer != NULL ? namer (term->value, user_data) : NULL;
      g_string_append (out, "_:");
      g_string_append (out, name != NULL ? name : term->value);
      break;
    case TERM_LITERAL:
      g_string_append_c (out, '"');
      append_literal_value (out, term->value, term->length);
      g_string_append_c (out, '"');
      if (term->language != NULL)
        g_string_append_printf (out, "@%s", term->language);
      else if (term->datatype != NULL)
        g_string_append_printf (out, "^^<%s>", term->datatype);
      break;
    case TERM_NONE:
    default:
      g_assert_not_reached ();
    }
}

static void
append_quad (GString    *out,
             const Quad *quad,
             BlankNamer  namer,
             gpointer    user_data)
{
  for (guint i = 0; i < N_POSITIONS; i++)
    {
      if (quad->terms[i].kind == TERM_NONE)
        continue;
      append_term (out, &quad->terms[i], namer, user_data);
      g_string_append_c (out, ' ');
    }
  g_string_append (out, ".\n");
}

/* The N-Quads reader */

typedef struct
{
  const char *at;
  const char *end;
  guint       line;
  GError    **error;
} Reader;

static gboolean
read_failed (Reader     *reader,
             const char *message)
{
  g_set_error (reader->error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
               _("Not valid N-Quads on line %u: %s"), reader->line, message);
  return FALSE;
}

static void
skip_spaces (Reader *reader)
{
  while (reader->at < reader->end && (*reader->at == ' ' || *reader->at == '\t'))
    reader->at++;
}

static gboolean
read_hex (Reader  *reader,
          guint    digits,
          gunichar *out)
{
  gunichar value = 0;

  if ((gsize) (reader->end - reader->at) < digits)
    return read_failed (reader, _("a \\u or \\U escape is cut short"));
  for (guint i = 0; i < digits; i++)
    {
      int digit = g_ascii_xdigit_value (reader->at[i]);

      if (digit < 0)
        return read_failed (reader, _("a \\u or \\U escape needs hexadecimal digits"));
      value = value * 16 + digit;
    }
  reader->at += digits;
  if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
    return read_failed (reader, _("an escape names no Unicode character"));
  *out = value;
  return TRUE;
}

/* Reads UCHAR after its backslash. */
static gboolean
read_uchar (Reader   *reader,
            gunichar *out)
{
  if (reader->at >= reader->end)
    return read_failed (reader, _("a backslash ends the line"));
  if (*reader->at == 'u' || *reader->at == 'U')
    {
      guint digits = *reader->at == 'u' ? 4 : 8;

      reader->at++;
      return read_hex (reader, digits, out);
    }
  return read_failed (reader, _("an unknown backslash escape"));
}

static gboolean
iri_char_allowed (gunichar c)
{
  return c > 0x20 && (c >= 0x80 || strchr ("<>\"{}|^`\\", (int) c) == NULL);
}

static gboolean
read_iri (Reader  *reader,
          char   **out)
{
  g_autoptr(GString) iri = g_string_new (NULL);
  gsize scheme = 0;

  reader->at++;  /* '<' */
  for (;;)
    {
      gunichar c;

      if (reader->at >= reader->end || *reader->at == '\n' || *reader->at == '\r')
        return read_failed (reader, _("an IRI has no closing “>”"));
      if (*reader->at == '>')
        break;
      if (*reader->at == '\\')
        {
          reader->at++;
          if (!read_uchar (reader, &c))
            return FALSE;
        }
      else
        {
          c = g_utf8_get_char (reader->at);
          reader->at = g_utf8_next_char (reader->at);
        }
      if (!iri_char_allowed (c))
        return read_failed (reader, _("an IRI holds a character IRIs may not hold"));
      g_string_append_unichar (iri, c);
    }
  reader->at++;

  /* N-Quads holds absolute IRIs only: a scheme, then a colon. */
  while (scheme < iri->len && (g_ascii_isalpha (iri->str[scheme]) ||
                               (scheme > 0 && (g_ascii_isdigit (iri->str[scheme]) ||
                                               strchr ("+-.", iri->str[scheme]) != NULL))))
    scheme++;
  if (scheme == 0 || scheme >= iri->len || iri->str[scheme] != ':')
    return read_failed (reader, _("an IRI is relative; N-Quads needs absolute IRIs"));

  *out = g_string_free (g_steal_pointer (&iri), FALSE);
  return TRUE;
}

static gboolean
in_ranges (gunichar         c,
           const gunichar (*ranges)[2],
           guint            n_ranges)
{
  for (guint i = 0; i < n_ranges; i++)
    if (c >= ranges[i][0] && c <= ranges[i][1])
      return TRUE;
  return FALSE;
}

/* PN_CHARS_U, and PN_CHARS when @more is set. */
static gboolean
is_label_char (gunichar c,
               gboolean more)
{
  static const gunichar base[][2] = {
    { 'A', 'Z' }, { 'a', 'z' }, { 0xc0, 0xd6 }, { 0xd8, 0xf6 }, { 0xf8, 0x2ff },
    { 0x370, 0x37d }, { 0x37f, 0x1fff }, { 0x200c, 0x200d }, { 0x2070, 0x218f },
    { 0x2c00, 0x2fef }, { 0x3001, 0xd7ff }, { 0xf900, 0xfdcf }, { 0xfdf0, 0xfffd },
    { 0x10000, 0xeffff }, { '_', '_' }, { ':', ':' },
  };
  static const gunichar extra[][2] = {
    { '-', '-' }, { '0', '9' }, { 0xb7, 0xb7 }, { 0x300, 0x36f }, { 0x203f, 0x2040 },
  };

  return in_ranges (c, base, G_N_ELEMENTS (base)) ||
         (more && in_ranges (c, extra, G_N_ELEMENTS (extra)));
}

static gboolean
read_blank (Reader  *reader,
            char   **out)
{
  const char *start;
  const char *last_good;

  if (reader->end - reader->at < 3 || reader->at[1] != ':')
    return read_failed (reader, _("a blank node needs a label after “_:”"));
  reader->at += 2;
  start = reader->at;
  if (!is_label_char (g_utf8_get_char (reader->at), FALSE) && !g_ascii_isdigit (*reader->at))
    return read_failed (reader, _("a blank node label starts with a character labels may not start with"));
  reader->at = g_utf8_next_char (reader->at);
  last_good = reader->at;
  while (reader->at < reader->end)
    {
      gunichar c = g_utf8_get_char (reader->at);

      if (c != '.' && !is_label_char (c, TRUE))
        break;
      reader->at = g_utf8_next_char (reader->at);
      if (c != '.')
        last_good = reader->at;
    }
  /* A label never ends with a dot: a trailing dot ends the statement. */
  reader->at = last_good;
  *out = g_strndup (start, reader->at - start);
  return TRUE;
}

static gboolean
read_language (Reader  *reader,
               char   **out)
{
  const char *start = ++reader->at;
  gboolean first = TRUE;

  for (;;)
    {
      const char *part = reader->at;

      while (reader->at < reader->end &&
             (g_ascii_isalpha (*reader->at) || (!first && g_ascii_isdigit (*reader->at))))
        reader->at++;
      if (reader->at == part)
        return read_failed (reader, _("a language tag is malformed"));
      first = FALSE;
      if (reader->at >= reader->end || *reader->at != '-')
        break;
      reader->at++;
    }
  *out = g_strndup (start, reader->at - start);
  return TRUE;
}

static gboolean
read_literal (Reader *reader,
              Term   *term)
{
  g_autoptr(GString) value = g_string_new (NULL);

  reader->at++;  /* '"' */
  for (;;)
    {
      gunichar c;

      if (reader->at >= reader->end || *reader->at == '\n' || *reader->at == '\r')
        return read_failed (reader, _("a literal has no closing quote"));
      if (*reader->at == '"')
        break;
      if (*reader->at != '\\')
        {
          g_string_append_c (value, *reader->at++);
          continue;
        }
      reader->at++;
      if (reader->at >= reader->end)
        return read_failed (reader, _("a backslash ends the line"));
      switch (*reader->at)
        {
        case 't': c = '\t'; break;
        case 'b': c = '\b'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 'f': c = '\f'; break;
        case '"': c = '"'; break;
        case '\'': c = '\''; break;
        case '\\': c = '\\'; break;
        default:
          if (!read_uchar (reader, &c))
            return FALSE;
          reader->at--;
        }
      reader->at++;
      if (c == 0)
        g_string_append_len (value, "", 1);
      else
        g_string_append_unichar (value, c);
    }
  reader->at++;

  term->kind = TERM_LITERAL;
  term->length = value->len;
  term->value = g_string_free (g_steal_pointer (&value), FALSE);
  if (reader->at < reader->end && *reader->at == '@')
    return read_language (reader, &term->language);
  if (reader->end - reader->at >= 2 && reader->at[0] == '^' && reader->at[1] == '^')
    {
      reader->at += 2;
      if (reader->at >= reader->end || *reader->at != '<')
        return read_failed (reader, _("a datatype must be an IRI"));
      if (!read_iri (reader, &term->datatype))
        return FALSE;
      /* A plain string and one typed xsd:string are the same literal. */
      if (strcmp (term->datatype, XSD_STRING) == 0)
        g_clear_pointer (&term->datatype, g_free);
    }
  return TRUE;
}

static gboolean
read_term (Reader   *reader,
           guint     position,
           Term     *term)
{
  skip_spaces (reader);
  if (reader->at < reader->end && *reader->at == '<')
    {
      term->kind = TERM_IRI;
      if (!read_iri (reader, &term->value))
        return FALSE;
      term->length = strlen (term->value);
      return TRUE;
    }
  if (position != PREDICATE && reader->at < reader->end && *reader->at == '_')
    {
      term->kind = TERM_BLANK;
      if (!read_blank (reader, &term->value))
        return FALSE;
      term->length = strlen (term->value);
      return TRUE;
    }
  if (position == OBJECT && reader->at < reader->end && *reader->at == '"')
    return read_literal (reader, term);

  switch (position)
    {
    case SUBJECT:
      return read_failed (reader, _("a subject must be an IRI or a blank node"));
    case PREDICATE:
      return read_failed (reader, _("a predicate must be an IRI"));
    case OBJECT:
      return read_failed (reader, _("an object must be an IRI, a blank node or a literal"));
    default:
      return read_failed (reader, _("a graph name must be an IRI or a blank node"));
    }
}

static gboolean
at_line_end (Reader *reader)
{
  return reader->at >= reader->end || *reader->at == '\n' || *reader->at == '\r' || *reader->at == '#';
}

static void
skip_to_next_line (Reader *reader)
{
  while (reader->at < reader->end && *reader->at != '\n' && *reader->at != '\r')
    reader->at++;
  if (reader->at < reader->end && *reader->at == '\r')
    reader->at++;
  if (reader->at < reader->end && *reader->at == '\n')
    reader->at++;
  reader->line++;
}

/* One statement, from its first term to its final dot. */
static Quad *
read_quad (Reader *reader)
{
  Quad *quad = g_new0 (Quad, 1);

  for (guint i = SUBJECT; i <= OBJECT; i++)
    if (!read_term (reader, i, &quad->terms[i]))
      goto failed;
  skip_spaces (reader);
  if (reader->at < reader->end && *reader->at != '.' && !read_term (reader, GRAPH, &quad->terms[GRAPH]))
    goto failed;
  skip_spaces (reader);
  if (reader->at >= reader->end || *reader->at != '.')
    {
      read_failed (reader, _("a statement must end with “.”"));
      goto failed;
    }
  reader->at++;
  skip_spaces (reader);
  if (!at_line_end (reader))
    {
      read_failed (reader, _("there is more after the end of the statement"));
      goto failed;
    }
  return quad;

failed:
  quad_free (quad);
  return NULL;
}

DossierRdfcDataset *
dossier_rdfc_dataset_parse (const char  *text,
                            gsize        length,
                            GError     **error)
{
  g_autoptr(DossierRdfcDataset) dataset = g_new0 (DossierRdfcDataset, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Reader reader = { text, text + length, 1, error };

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  dataset->quads = g_ptr_array_new_with_free_func ((GDestroyNotify) quad_free);
  if (length > DOSSIER_RDFC_MAX_SIZE)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The N-Quads document is larger than %u bytes."), (guint) DOSSIER_RDFC_MAX_SIZE);
      return NULL;
    }
  if (length > 0 && !g_utf8_validate_len (text, length, NULL))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The N-Quads document is not valid UTF-8 text."));
      return NULL;
    }

  while (reader.at < reader.end)
    {
      g_autoptr(GString) key = NULL;
      Quad *quad;

      skip_spaces (&reader);
      if (at_line_end (&reader))
        {
          skip_to_next_line (&reader);
          continue;
        }
      quad = read_quad (&reader);
      if (quad == NULL)
        return NULL;
      skip_to_next_line (&reader);

      /* A dataset is a set: a repeated statement counts once. */
      key = g_string_new (NULL);
      append_quad (key, quad, NULL, NULL);
      if (!g_hash_table_add (seen, g_string_free (g_steal_pointer (&key), FALSE)))
        {
          quad_free (quad);
          continue;
        }
      if (dataset->quads->len >= DOSSIER_RDFC_MAX_QUADS)
        {
          quad_free (quad);
          g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                       _("The N-Quads document holds more than %u statements."), (guint) DOSSIER_RDFC_MAX_QUADS);
          return NULL;
        }
      g_ptr_array_add (dataset->quads, quad);
    }

  return g_steal_pointer (&dataset);
}

/* Identifier issuers */

typedef struct
{
  const char *prefix;
  guint       counter;
  GHashTable *ids;     /* label -> issued identifier */
  GPtrArray  *order;   /* labels, in the order their identifiers were issued */
} Issuer;

static Issuer *
issuer_new (const char *prefix)
{
  Issuer *issuer = g_new0 (Issuer, 1);

  issuer->prefix = prefix;
  issuer->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  issuer->order = g_ptr_array_new ();
  return issuer;
}

static void
issuer_free (Issuer *issuer)
{
  if (issuer == NULL)
    return;
  g_hash_table_unref (issuer->ids);
  g_ptr_array_unref (issuer->order);
  g_free (issuer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Issuer, issuer_free)

static const char *
issuer_lookup (Issuer     *issuer,
               const char *label)
{
  return g_hash_table_lookup (issuer->ids, label);
}

static const char *
issuer_issue (Issuer     *issuer,
              const char *label)
{
  const char *id = g_hash_table_lookup (issuer->ids, label);
  char *key;

  if (id != NULL)
    return id;
  key = g_strdup (label);
  id = g_strdup_printf ("%s%u", issuer->prefix, issuer->counter++);
  g_hash_table_insert (issuer->ids, key, (char *) id);
  g_ptr_array_add (issuer->order, key);
  return id;
}

static Issuer *
issuer_copy (Issuer *issuer)
{
  Issuer *copy = issuer_new (issuer->prefix);

  for (guint i = 0; i < issuer->order->len; i++)
    issuer_issue (copy, issuer->order->pdata[i]);
  g_assert (copy->counter == issuer->counter);
  return copy;
}

/* The canonicalization state */

typedef struct
{
  const EVP_MD *md;
  GHashTable   *blank_quads;   /* label -> GPtrArray of the quads that mention it */
  GPtrArray    *blank_order;   /* labels, as they first appear */
  Issuer       *canonical;
  guint64       work;
  guint64       work_limit;
  guint         depth;
} State;

static char *
hash_hex (State      *state,
          const char *data,
          gsize       length)
{
  guchar digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  char *hex;

  if (!EVP_Digest (data, length, digest, &digest_length, state->md, NULL))
    g_error ("EVP_Digest failed");
  hex = g_malloc (digest_length * 2 + 1);
  for (guint i = 0; i < digest_length; i++)
    {
      hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
      hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 0xf];
    }
  hex[digest_length * 2] = '\0';
  return hex;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

static const char *
first_degree_name (const char *label,
                   gpointer    user_data)
{
  return strcmp (label, user_data) == 0 ? "a" : "z";
}

/* Hash First Degree Quads: the quads around one blank node, with that node
 * written _:a and every other blank node _:z. */
static char *
hash_first_degree (State      *state,
                   const char *label)
{
  GPtrArray *quads = g_hash_table_lookup (state->blank_quads, label);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) data = g_string_new (NULL);

  for (guint i = 0; i < quads->len; i++)
    {
      GString *line = g_string_new (NULL);

      append_quad (line, quads->pdata[i], first_degree_name, (gpointer) label);
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append (data, lines->pdata[i]);
  return hash_hex (state, data->str, data->len);
}

/* Hash Related Blank Node */
static char *
hash_related (State      *state,
              const char *related,
              const Quad *quad,
              Issuer     *issuer,
              guint       position)
{
  g_autoptr(GString) data = g_string_new (NULL);
  const char *id;

  g_string_append_c (data, position == SUBJECT ? 's' : position == OBJECT ? 'o' : 'g');
  if (position != GRAPH)
    g_string_append_printf (data, "<%s>", quad->terms[PREDICATE].value);
  id = issuer_lookup (state->canonical, related);
  if (id == NULL)
    id = issuer_lookup (issuer, related);
  if (id != NULL)
    {
      g_string_append (data, "_:");
      g_string_append (data, id);
    }
  else
    {
      g_autofree char *first = hash_first_degree (state, related);

      g_string_append (data, first);
    }
  return hash_hex (state, data->str, data->len);
}

static gboolean
spend_work (State   *state,
            guint    units,
            GError **error)
{
  state->work += units;
  if (state->work <= state->work_limit && state->depth <= DOSSIER_RDFC_MAX_DEPTH)
    return TRUE;
  g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
                       _("The dataset’s blank nodes are too alike to be put in canonical order "
                         "within the work allowed; it may have been made to exhaust the verifier."));
  return FALSE;
}

/* Steps to the next permutation of @indices in lexicographic order; FALSE
 * after the last. */
static gboolean
next_permutation (guint *indices,
                  guint  n)
{
  guint i, j;

  if (n < 2)
    return FALSE;
  i = n - 1;
  while (i > 0 && indices[i - 1] >= indices[i])
    i--;
  if (i == 0)
    return FALSE;
  j = n - 1;
  while (indices[j] <= indices[i - 1])
    j--;
  { guint t = indices[i - 1]; indices[i - 1] = indices[j]; indices[j] = t; }
  for (j = n - 1; i < j; i++, j--)
    { guint t = indices[i]; indices[i] = indices[j]; indices[j] = t; }
  return TRUE;
}

static gboolean
path_worse (GString *path,
            GString *chosen)
{
  return chosen != NULL && path->len >= chosen->len && strcmp (path->str, chosen->str) > 0;
}

static Issuer *hash_n_degree (State       *state,
                              const char  *label,
                              Issuer      *issuer,
                              char       **out_hash,
                              GError     **error);

/* One permutation of the blank nodes related by one hash: the path it gives,
 * and the issuer after it, or FALSE with @path left NULL when it cannot
 * beat @chosen. */
static gboolean
try_permutation (State       *state,
                 GPtrArray   *related,
                 const guint *indices,
                 GString     *chosen,
                 Issuer     **inout_issuer,
                 GString    **out_path,
                 GError     **error)
{
  g_autoptr(Issuer) issuer = *inout_issuer;
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GPtrArray) recursion = g_ptr_array_new ();

  *inout_issuer = NULL;
  *out_path = NULL;
  for (guint i = 0; i < related->len; i++)
    {
      const char *label = related->pdata[indices[i]];
      const char *id = issuer_lookup (state->canonical, label);

      if (id == NULL)
        {
          if (issuer_lookup (issuer, label) == NULL)
            g_ptr_array_add (recursion, (gpointer) label);
          id = issuer_issue (issuer, label);
        }
      g_string_append (path, "_:");
      g_string_append (path, id);
      if (path_worse (path, chosen))
        return TRUE;
    }
  for (guint i = 0; i < recursion->len; i++)
    {
      const char *label = recursion->pdata[i];
      g_autofree char *hash = NULL;

      issuer = hash_n_degree (state, label, g_steal_pointer (&issuer), &hash, error);
      if (issuer == NULL)
        return FALSE;
      g_string_append (path, "_:");
      g_string_append (path, issuer_issue (issuer, label));
      g_string_append_printf (path, "<%s>", hash);
      if (path_worse (path, chosen))
        return TRUE;
    }
  *inout_issuer = g_steal_pointer (&issuer);
  *out_path = g_steal_pointer (&path);
  return TRUE;
}

/* The best path through the blank nodes related by one hash, over every
 * order they can be visited in. */
static gboolean
choose_path (State      *state,
             GPtrArray  *related,
             Issuer     *issuer,
             GString   **out_chosen,
             Issuer    **out_issuer,
             GError    **error)
{
  g_autofree guint *indices = g_new (guint, related->len);
  g_autoptr(GString) chosen = NULL;
  g_autoptr(Issuer) chosen_issuer = NULL;

  for (guint i = 0; i < related->len; i++)
    indices[i] = i;
  do
    {
      Issuer *copy = issuer_copy (issuer);
      GString *path = NULL;

      /* A permutation costs about as much as the issuer it copies. */
      if (!spend_work (state, 1 + issuer->order->len, error))
        {
          issuer_free (copy);
          return FALSE;
        }
      if (!try_permutation (state, related, indices, chosen, &copy, &path, error))
        return FALSE;
      if (path != NULL && (chosen == NULL || strcmp (path->str, chosen->str) < 0))
        {
          if (chosen != NULL)
            g_string_free (chosen, TRUE);
          chosen = path;
          issuer_free (chosen_issuer);
          chosen_issuer = copy;
        }
      else
        {
          if (path != NULL)
            g_string_free (path, TRUE);
          issuer_free (copy);
        }
    }
  while (next_permutation (indices, related->len));

  *out_chosen = g_steal_pointer (&chosen);
  *out_issuer = g_steal_pointer (&chosen_issuer);
  return TRUE;
}

/* Hash N-Degree Quads.  Takes @issuer and returns the issuer that comes
 * out, or NULL once the work allowed runs out. */
static Issuer *
hash_n_degree (State       *state,
               const char  *label,
               Issuer      *issuer_in,
               char       **out_hash,
               GError     **error)
{
  g_autoptr(Issuer) issuer = issuer_in;
  g_autoptr(GHashTable) by_hash = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) hashes = NULL;
  g_autoptr(GString) data = g_string_new (NULL);
  GPtrArray *quads = g_hash_table_lookup (state->blank_quads, label);
  static const guint positions[] = { SUBJECT, OBJECT, GRAPH };
  Issuer *result = NULL;

  state->depth++;
  if (!spend_work (state, 1 + quads->len, error))
    goto out;

  for (guint i = 0; i < quads->len; i++)
    {
      const Quad *quad = quads->pdata[i];

      for (guint p = 0; p < G_N_ELEMENTS (positions); p++)
        {
          const Term *term = &quad->terms[positions[p]];
          char *hash;
          GPtrArray *list;

          if (term->kind != TERM_BLANK || strcmp (term->value, label) == 0)
            continue;
          hash = hash_related (state, term->value, quad, issuer, positions[p]);
          list = g_hash_table_lookup (by_hash, hash);
          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_hash_table_insert (by_hash, hash, list);
            }
          else
            g_free (hash);
          g_ptr_array_add (list, term->value);
        }
    }

  hashes = sorted_keys (by_hash);
  for (guint i = 0; i < hashes->len; i++)
    {
      g_autoptr(GString) chosen = NULL;
      Issuer *chosen_issuer = NULL;

      g_string_append (data, hashes->pdata[i]);
      if (!choose_path (state, g_hash_table_lookup (by_hash, hashes->pdata[i]), issuer,
                        &chosen, &chosen_issuer, error))
        goto out;
      g_string_append (data, chosen->str);
      issuer_free (issuer);
      issuer = chosen_issuer;
    }

  *out_hash = hash_hex (state, data->str, data->len);
  result = g_steal_pointer (&issuer);

out:
  state->depth--;
  return result;
}

static void
note_blank (State      *state,
            const Term *term,
            Quad       *quad)
{
  GPtrArray *quads;

  if (term->kind != TERM_BLANK)
    return;
  quads = g_hash_table_lookup (state->blank_quads, term->value);
  if (quads == NULL)
    {
      quads = g_ptr_array_new ();
      g_hash_table_insert (state->blank_quads, term->value, quads);
      g_ptr_array_add (state->blank_order, term->value);
    }
  /* A node in two places of one quad still lists that quad once. */
  if (quads->len == 0 || quads->pdata[quads->len - 1] != quad)
    g_ptr_array_add (quads, quad);
}

/* Names the blank nodes whose first-degree hash is shared, in the order of
 * the hashes of their n-degree paths. */
static gboolean
issue_shared (State      *state,
              GPtrArray  *labels,
              GError    **error)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) issuers = g_ptr_array_new_with_free_func ((GDestroyNotify) issuer_free);

  for (guint i = 0; i < labels->len; i++)
    {
      Issuer *temporary;
      char *hash = NULL;

      if (issuer_lookup (state->canonical, labels->pdata[i]) != NULL)
        continue;
      temporary = issuer_new ("b");
      issuer_issue (temporary, labels->pdata[i]);
      temporary = hash_n_degree (state, labels->pdata[i], temporary, &hash, error);
      if (temporary == NULL)
        return FALSE;
      /* Each result is its hash with its issuer's index behind it. */
      g_ptr_array_add (results, g_strdup_printf ("%s %08u", hash, issuers->len));
      g_ptr_array_add (issuers, temporary);
      g_free (hash);
    }
  g_ptr_array_sort (results, compare_strings);
  for (guint i = 0; i < results->len; i++)
    {
      Issuer *issuer = issuers->pdata[atoi (strchr (results->pdata[i], ' ') + 1)];

      for (guint j = 0; j < issuer->order->len; j++)
        issuer_issue (state->canonical, issuer->order->pdata[j]);
    }
  return TRUE;
}

static const char *
canonical_name (const char *label,
                gpointer    user_data)
{
  return issuer_lookup (user_data, label);
}

static char *
serialize_canonical (DossierRdfcDataset *dataset,
                     Issuer             *canonical)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < dataset->quads->len; i++)
    {
      GString *line = g_string_new (NULL);

      append_quad (line, dataset->quads->pdata[i], canonical_name, canonical);
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    {
      /* Distinct quads can meet once their blank nodes are renamed only if
       * they were the same quad, but stay safe: a set is written once. */
      if (i > 0 && strcmp (lines->pdata[i], lines->pdata[i - 1]) == 0)
        continue;
      g_string_append (out, lines->pdata[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
dossier_rdfc_canonicalize (DossierRdfcDataset  *dataset,
                           DossierRdfcHash      hash,
                           GHashTable         **issued,
                           GError             **error)
{
  g_autoptr(GHashTable) blank_quads = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                             (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) blank_order = g_ptr_array_new ();
  g_autoptr(Issuer) canonical = issuer_new ("c14n");
  g_autoptr(GHashTable) by_hash = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) hashes = NULL;
  State state = { 0 };

  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (issued == NULL || *issued == NULL, NULL);

  state.md = hash == DOSSIER_RDFC_HASH_SHA384 ? EVP_sha384 () : EVP_sha256 ();
  state.blank_quads = blank_quads;
  state.blank_order = blank_order;
  state.canonical = canonical;

  for (guint i = 0; i < dataset->quads->len; i++)
    {
      Quad *quad = dataset->quads->pdata[i];

      note_blank (&state, &quad->terms[SUBJECT], quad);
      note_blank (&state, &quad->terms[OBJECT], quad);
      note_blank (&state, &quad->terms[GRAPH], quad);
    }
  state.work_limit = MIN ((guint64) DOSSIER_RDFC_WORK_PER_BLANK_NODE * blank_order->len, DOSSIER_RDFC_MAX_WORK);

  for (guint i = 0; i < blank_order->len; i++)
    {
      char *first = hash_first_degree (&state, blank_order->pdata[i]);
      GPtrArray *list = g_hash_table_lookup (by_hash, first);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_hash, first, list);
        }
      else
        g_free (first);
      g_ptr_array_add (list, blank_order->pdata[i]);
    }

  hashes = sorted_keys (by_hash);
  for (guint i = 0; i < hashes->len; i++)
    {
      GPtrArray *list = g_hash_table_lookup (by_hash, hashes->pdata[i]);

      if (list->len == 1)
        issuer_issue (canonical, list->pdata[0]);
    }
  for (guint i = 0; i < hashes->len; i++)
    {
      GPtrArray *list = g_hash_table_lookup (by_hash, hashes->pdata[i]);

      if (list->len > 1 && !issue_shared (&state, list, error))
        return NULL;
    }

  if (issued != NULL)
    {
      *issued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; i < canonical->order->len; i++)
        {
          const char *label = canonical->order->pdata[i];

          g_hash_table_insert (*issued, g_strdup (label), g_strdup (issuer_lookup (canonical, label)));
        }
    }
  return serialize_canonical (dataset, canonical);
}

char *
dossier_rdfc_canonicalize_nquads (const char       *text,
                                  gsize             length,
                                  DossierRdfcHash   hash,
                                  GHashTable      **issued,
                                  GError          **error)
{
  g_autoptr(DossierRdfcDataset) dataset = dossier_rdfc_dataset_parse (text, length, error);

  if (dataset == NULL)
    return NULL;
  return dossier_rdfc_canonicalize (dataset, hash, issued, error);
}
