// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-jsonld-private.h"

#include <string.h>

/* Keywords, absolute IRIs, RFC 3986 reference resolution and language
 * tags, as the JSON-LD processor needs them. */

static const char * const keywords[] = {
  "@base", "@container", "@context", "@direction", "@graph", "@id", "@import",
  "@included", "@index", "@json", "@language", "@list", "@nest", "@none",
  "@prefix", "@propagate", "@protected", "@reverse", "@set", "@type",
  "@value", "@version", "@vocab",
};

gboolean
jsonld_is_keyword (const char *value)
{
  if (value == NULL || value[0] != '@')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strcmp (value, keywords[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
jsonld_has_keyword_form (const char *value)
{
  if (value == NULL || value[0] != '@' || value[1] == '\0')
    return FALSE;
  for (const char *p = value + 1; *p; p++)
    if (!g_ascii_isalpha (*p))
      return FALSE;
  return TRUE;
}

static gsize
scheme_length (const char *value)
{
  gsize i = 0;

  if (!g_ascii_isalpha (value[0]))
    return 0;
  for (i = 1; value[i]; i++)
    {
      char c = value[i];
      if (c == ':')
        return i;
      if (!g_ascii_isalnum (c) && c != '+' && c != '-' && c != '.')
        return 0;
    }
  return 0;
}

gboolean
jsonld_is_absolute_iri (const char *value)
{
  if (value == NULL)
    return FALSE;
  if (scheme_length (value) == 0)
    return FALSE;
  for (const char *p = value; *p; p++)
    if (g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* RFC 3986 section 5.2: references resolved against a base, with dot
 * segments removed, and no other normalization. */
typedef struct
{
  const char *scheme;
  gsize       scheme_len;
  const char *authority;
  gsize       authority_len;
  gboolean    has_authority;
  const char *path;
  gsize       path_len;
  const char *query;
  gsize       query_len;
  gboolean    has_query;
  const char *fragment;
  gboolean    has_fragment;
} IriParts;

static void
split_iri (const char *iri,
           IriParts   *parts)
{
  const char *p = iri;
  gsize scheme = scheme_length (iri);

  memset (parts, 0, sizeof *parts);
  if (scheme > 0)
    {
      parts->scheme = iri;
      parts->scheme_len = scheme;
      p = iri + scheme + 1;
    }
  if (p[0] == '/' && p[1] == '/')
    {
      p += 2;
      parts->has_authority = TRUE;
      parts->authority = p;
      parts->authority_len = strcspn (p, "/?#");
      p += parts->authority_len;
    }
  parts->path = p;
  parts->path_len = strcspn (p, "?#");
  p += parts->path_len;
  if (*p == '?')
    {
      p++;
      parts->has_query = TRUE;
      parts->query = p;
      parts->query_len = strcspn (p, "#");
      p += parts->query_len;
    }
  if (*p == '#')
    {
      parts->has_fragment = TRUE;
      parts->fragment = p + 1;
    }
}

static void
remove_last_segment (GString *out)
{
  char *slash = strrchr (out->str, '/');

  g_string_truncate (out, slash != NULL ? (gsize) (slash - out->str) : 0);
}

static void
append_without_dots (GString    *out,
                     const char *path,
                     gsize       length)
{
  g_autofree char *copy = g_strndup (path, length);
  const char *in = copy;
  g_autoptr(GString) result = g_string_new (NULL);

  while (*in)
    {
      if (g_str_has_prefix (in, "../"))
        in += 3;
      else if (g_str_has_prefix (in, "./"))
        in += 2;
      else if (g_str_has_prefix (in, "/./"))
        in += 2;
      else if (strcmp (in, "/.") == 0)
        in = "/";
      else if (g_str_has_prefix (in, "/../"))
        {
          in += 3;
          remove_last_segment (result);
        }
      else if (strcmp (in, "/..") == 0)
        {
          in = "/";
          remove_last_segment (result);
        }
      else if (strcmp (in, ".") == 0 || strcmp (in, "..") == 0)
        in = "";
      else
        {
          gsize n = (*in == '/') ? 1 + strcspn (in + 1, "/") : strcspn (in, "/");
          g_string_append_len (result, in, n);
          in += n;
        }
    }
  g_string_append_len (out, result->str, result->len);
}

char *
jsonld_resolve_iri (const char *base,
                    const char *reference)
{
  IriParts b, r;
  GString *out;

  if (base == NULL)
    return g_strdup (reference);
  split_iri (reference, &r);
  if (r.scheme != NULL)
    {
      out = g_string_new (NULL);
      g_string_append_len (out, r.scheme, r.scheme_len + 1);
      if (r.has_authority)
        {
          g_string_append (out, "//");
          g_string_append_len (out, r.authority, r.authority_len);
        }
      append_without_dots (out, r.path, r.path_len);
      goto query_fragment;
    }
  split_iri (base, &b);
  out = g_string_new (NULL);
  if (b.scheme != NULL)
    g_string_append_len (out, b.scheme, b.scheme_len + 1);
  if (r.has_authority)
    {
      g_string_append (out, "//");
      g_string_append_len (out, r.authority, r.authority_len);
      append_without_dots (out, r.path, r.path_len);
      goto query_fragment;
    }
  if (b.has_authority)
    {
      g_string_append (out, "//");
      g_string_append_len (out, b.authority, b.authority_len);
    }
  if (r.path_len == 0)
    {
      g_string_append_len (out, b.path, b.path_len);
      if (!r.has_query && b.has_query)
        {
          g_string_append_c (out, '?');
          g_string_append_len (out, b.query, b.query_len);
        }
    }
  else if (r.path[0] == '/')
    append_without_dots (out, r.path, r.path_len);
  else
    {
      g_autoptr(GString) merged = g_string_new (NULL);
      if (b.has_authority && b.path_len == 0)
        g_string_append_c (merged, '/');
      else
        {
          const char *slash = g_strrstr_len (b.path, b.path_len, "/");
          if (slash != NULL)
            g_string_append_len (merged, b.path, slash - b.path + 1);
        }
      g_string_append_len (merged, r.path, r.path_len);
      append_without_dots (out, merged->str, merged->len);
    }

query_fragment:
  if (r.has_query)
    {
      g_string_append_c (out, '?');
      g_string_append_len (out, r.query, r.query_len);
    }
  if (r.has_fragment)
    {
      g_string_append_c (out, '#');
      g_string_append (out, r.fragment);
    }
  return g_string_free (out, FALSE);
}

/* BCP 47 in the shape N-Quads accepts: a first subtag of letters, then
 * subtags of letters and digits, each one to eight long. */
static gboolean
is_language_tag (const char *tag)
{
  gsize run = 0;
  gboolean first = TRUE;

  if (tag == NULL || tag[0] == '\0')
    return FALSE;
  for (const char *p = tag; *p; p++)
    {
      if (*p == '-')
        {
          if (run == 0)
            return FALSE;
          run = 0;
          first = FALSE;
        }
      else if ((first ? g_ascii_isalpha (*p) : g_ascii_isalnum (*p)) && run < 8)
        run++;
      else
        return FALSE;
    }
  return run > 0;
}

gboolean
jsonld_is_language_tag (const char *tag)
{
  return is_language_tag (tag);
}
