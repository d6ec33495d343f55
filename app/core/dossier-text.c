// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-text.h"

#include <string.h>

/* Search folding for Vietnamese and other Latin-script text: decompose,
 * drop every combining mark (so letters carrying two marks, such as ễ or ặ,
 * lose both), map đ/Đ to d, and lower-case.  SQLite's unicode61 tokenizer
 * does only part of this, so Dossier indexes and queries folded text. */

static gunichar
fold_char (gunichar c)
{
  switch (c)
    {
    case 0x0110: /* Đ */
    case 0x0111: /* đ */
    case 0x0189: /* Ɖ */
      return 'd';
    default:
      return g_unichar_tolower (c);
    }
}

char *
dossier_text_fold (const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *decomposed = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  decomposed = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_NON_SPACING_MARK ||
          type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK)
        continue;
      g_string_append_unichar (out, fold_char (c));
    }
  return g_string_free (out, FALSE);
}

/* The folded words of @text: runs of letters and digits, everything else
 * separates.  Used to build search queries that cannot carry operators. */
char **
dossier_text_fold_words (const char *text)
{
  g_autofree char *folded = dossier_text_fold (text);
  GPtrArray *words = g_ptr_array_new ();
  GString *word = g_string_new (NULL);

  for (const char *p = folded;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isalnum (c))
        {
          g_string_append_unichar (word, c);
          continue;
        }
      if (word->len > 0)
        {
          g_ptr_array_add (words, g_strdup (word->str));
          g_string_truncate (word, 0);
        }
      if (c == 0)
        break;
    }
  g_string_free (word, TRUE);
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}
