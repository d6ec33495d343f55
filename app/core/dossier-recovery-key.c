// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-recovery-key.h"

#include "dossier-core-error.h"
#include "dossier-secret.h"
#include "dossier-words-resources.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#define WORD_COUNT 2048
#define WORD_BITS 11
#define MAX_WORD_LENGTH 8
/* Longer input than 24 of the longest words with generous spacing is not a
 * recovery key. */
#define MAX_TEXT_LENGTH 1024

/* The list, loaded once from the resource; never freed. */
static const char * const *
word_list (void)
{
  static const char **words;

  if (g_once_init_enter (&words))
    {
      g_autoptr(GBytes) bytes = NULL;
      const char **list = g_new0 (const char *, WORD_COUNT + 1);
      char **lines;
      guint n = 0;

      bytes = g_resource_lookup_data (dossier_words_get_resource (),
                                      "/io/github/dossierapp/Dossier/recovery-words/english.txt",
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_assert (bytes != NULL);
      lines = g_strsplit (g_bytes_get_data (bytes, NULL), "\n", WORD_COUNT + 1);
      for (; lines[n] != NULL && n < WORD_COUNT; n++)
        list[n] = g_intern_string (lines[n]);
      g_strfreev (lines);
      g_assert (n == WORD_COUNT);
      g_once_init_leave (&words, list);
    }
  return words;
}

static int
find_word (const char *word)
{
  const char * const *words = word_list ();
  int low = 0, high = WORD_COUNT - 1;

  while (low <= high)
    {
      int middle = (low + high) / 2;
      int order = strcmp (word, words[middle]);

      if (order == 0)
        return middle;
      if (order < 0)
        high = middle - 1;
      else
        low = middle + 1;
    }
  return -1;
}

/* The key followed by its checksum byte: 264 bits, 24 words of 11. */
static void
fill_bits (const guint8 *key,
           guint8       *bits)
{
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, key, DOSSIER_RECOVERY_KEY_SIZE);
  g_checksum_get_digest (checksum, digest, &length);
  memcpy (bits, key, DOSSIER_RECOVERY_KEY_SIZE);
  bits[DOSSIER_RECOVERY_KEY_SIZE] = digest[0];
}

static guint
get_word_index (const guint8 *bits,
                guint         n)
{
  guint index = 0;

  for (guint i = 0; i < WORD_BITS; i++)
    {
      guint bit = n * WORD_BITS + i;
      index = (index << 1) | ((bits[bit / 8] >> (7 - bit % 8)) & 1);
    }
  return index;
}

gboolean
dossier_recovery_key_generate (guint8 *key)
{
  g_return_val_if_fail (key != NULL, FALSE);
  return dossier_secure_random (key, DOSSIER_RECOVERY_KEY_SIZE);
}

/* The 24 words separated by single spaces, in secure memory: free with
 * dossier_secure_strfree(). */
char *
dossier_recovery_key_to_words (const guint8 *key)
{
  const char * const *words = word_list ();
  guint8 bits[DOSSIER_RECOVERY_KEY_SIZE + 1];
  char *text, *p;

  g_return_val_if_fail (key != NULL, NULL);

  fill_bits (key, bits);
  text = dossier_secure_alloc (DOSSIER_RECOVERY_KEY_WORDS * (MAX_WORD_LENGTH + 1) + 1);
  p = text;
  for (guint n = 0; n < DOSSIER_RECOVERY_KEY_WORDS; n++)
    {
      const char *word = words[get_word_index (bits, n)];
      gsize length = strlen (word);

      if (n > 0)
        *p++ = ' ';
      memcpy (p, word, length);
      p += length;
    }
  *p = '\0';
  dossier_secure_wipe (bits, sizeof bits);
  return text;
}

static void
set_word_bits (guint8 *bits,
               guint   n,
               guint   index)
{
  for (guint i = 0; i < WORD_BITS; i++)
    {
      guint bit = n * WORD_BITS + i;

      if ((index >> (WORD_BITS - 1 - i)) & 1)
        bits[bit / 8] |= (guint8) (0x80 >> (bit % 8));
    }
}

/* Reads the words back, in any case and with any spacing or line breaks
 * between them.  A word outside the list, a missing or extra word, and a
 * checksum that does not match are each told apart. */
gboolean
dossier_recovery_key_from_words (const char  *text,
                                 guint8      *key,
                                 GError     **error)
{
  guint8 bits[DOSSIER_RECOVERY_KEY_SIZE + 1] = { 0 };
  guint8 expected[DOSSIER_RECOVERY_KEY_SIZE + 1];
  char word[MAX_WORD_LENGTH + 2];
  const char *p = text;
  guint count = 0;
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (strnlen (text, MAX_TEXT_LENGTH + 1) > MAX_TEXT_LENGTH)
    {
      g_set_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_TOO_LARGE,
                   _("The recovery key is too long: it has %d words"), DOSSIER_RECOVERY_KEY_WORDS);
      return FALSE;
    }
  while (*p != '\0')
    {
      gsize length = 0;
      int index;

      while (*p != '\0' && g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;
      while (*p != '\0' && !g_ascii_isspace (*p))
        {
          if (length <= MAX_WORD_LENGTH)
            word[length++] = g_ascii_tolower (*p);
          p++;
        }
      word[length] = '\0';
      index = length <= MAX_WORD_LENGTH ? find_word (word) : -1;
      count++;
      if (index < 0)
        {
          dossier_secure_wipe (word, sizeof word);
          dossier_secure_wipe (bits, sizeof bits);
          g_set_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_INVALID_DATA,
                       _("Word %u of the recovery key is not one of the recovery words; check its spelling"), count);
          return FALSE;
        }
      if (count <= DOSSIER_RECOVERY_KEY_WORDS)
        set_word_bits (bits, count - 1, (guint) index);
    }
  dossier_secure_wipe (word, sizeof word);
  if (count != DOSSIER_RECOVERY_KEY_WORDS)
    {
      dossier_secure_wipe (bits, sizeof bits);
      g_set_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_INVALID_DATA,
                   _("A recovery key has %d words, not %u"), DOSSIER_RECOVERY_KEY_WORDS, count);
      return FALSE;
    }

  fill_bits (bits, expected);
  ok = expected[DOSSIER_RECOVERY_KEY_SIZE] == bits[DOSSIER_RECOVERY_KEY_SIZE];
  if (ok)
    memcpy (key, bits, DOSSIER_RECOVERY_KEY_SIZE);
  dossier_secure_wipe (bits, sizeof bits);
  dossier_secure_wipe (expected, sizeof expected);
  if (!ok)
    g_set_error_literal (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_CHECKSUM,
                         _("The recovery key’s words do not add up: one of them is mistyped or out of order"));
  return ok;
}
