// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-base64.h"

#include "dossier-crypto-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (dossier-crypto-error-quark, dossier_crypto_error)

/* The value of each byte in the base64url alphabet, or -1. */
static const gint8 base64url_values[256] = {
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1,
  52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
  -1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
  15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
  -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int
value_of (char c)
{
  return base64url_values[(guchar) c];
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
  gsize start = 0;

  if (len % 4 == 1)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("Base64url text has an impossible length"));
      return NULL;
    }
  out = g_malloc (len * 3 / 4 + 1);
  for (gsize i = 0; i + 4 <= len; i += 4)
    {
      int a = value_of (text[i]), b = value_of (text[i + 1]), c = value_of (text[i + 2]), d = value_of (text[i + 3]);
      guint32 quad;

      if ((a | b | c | d) < 0)
        break;
      quad = (guint32) a << 18 | (guint32) b << 12 | (guint32) c << 6 | (guint32) d;
      out[o++] = (guint8) (quad >> 16);
      out[o++] = (guint8) (quad >> 8);
      out[o++] = (guint8) quad;
      start = i + 4;
    }
  for (gsize i = start; i < len; i++)
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

/* Unpadded base64url, written directly: disclosure digests and key
 * thumbprints are encoded on every verification. */
/* Writes the base64url form of @data, without padding, and a NUL to
 * @out, which holds DOSSIER_BASE64URL_ENCODED_SIZE (@length) bytes. */
void
dossier_base64url_encode_to (gconstpointer  data,
                             gsize          length,
                             char          *out)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const guint8 *in = data;
  char *o = out;
  gsize i = 0;

  for (; i + 3 <= length; i += 3)
    {
      guint32 triple = (guint32) in[i] << 16 | (guint32) in[i + 1] << 8 | in[i + 2];

      *o++ = alphabet[triple >> 18];
      *o++ = alphabet[(triple >> 12) & 63];
      *o++ = alphabet[(triple >> 6) & 63];
      *o++ = alphabet[triple & 63];
    }
  if (length - i == 1)
    {
      *o++ = alphabet[in[i] >> 2];
      *o++ = alphabet[(in[i] & 3) << 4];
    }
  else if (length - i == 2)
    {
      *o++ = alphabet[in[i] >> 2];
      *o++ = alphabet[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
      *o++ = alphabet[(in[i + 1] & 15) << 2];
    }
  *o = '\0';
}

char *
dossier_base64url_encode (gconstpointer data,
                          gsize         length)
{
  char *out;

  g_return_val_if_fail (length <= G_MAXSIZE / 2, NULL);
  out = g_malloc (DOSSIER_BASE64URL_ENCODED_SIZE (length));
  dossier_base64url_encode_to (data, length, out);
  return out;
}
