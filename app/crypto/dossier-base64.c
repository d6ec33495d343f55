// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-base64.h"

#include "dossier-crypto-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (dossier-crypto-error-quark, dossier_crypto_error)

static int
value_of (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

/* Strict base64url as JOSE uses it: the URL-safe alphabet, no padding, no
 * white space, and no stray bits in the last character. */
GBytes *
dossier_base64url_decode (const char  *text,
                          gssize       length,
                          GError     **error)
{
  gsize len = length < 0 ? strlen (text) : (gsize) length;
  guint8 *out;
  gsize o = 0;
  guint32 acc = 0;
  int bits = 0;

  if (len % 4 == 1)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("Base64url text has an impossible length"));
      return NULL;
    }
  out = g_malloc (len * 3 / 4 + 1);
  for (gsize i = 0; i < len; i++)
    {
      int v = value_of (text[i]);

      if (v < 0)
        {
          g_free (out);
          g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                       _("Base64url text holds a character outside its alphabet at position %zu"), i);
          return NULL;
        }
      acc = (acc << 6) | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[o++] = (guint8) (acc >> bits);
        }
    }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    {
      g_free (out);
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("Base64url text does not end cleanly"));
      return NULL;
    }
  return g_bytes_new_take (out, o);
}

char *
dossier_base64url_encode (gconstpointer data,
                          gsize         length)
{
  g_autofree char *plain = g_base64_encode (data, length);
  gsize n = strlen (plain);

  while (n > 0 && plain[n - 1] == '=')
    plain[--n] = '\0';
  g_strdelimit (plain, "+", '-');
  g_strdelimit (plain, "/", '_');
  return g_steal_pointer (&plain);
}
