// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-multikey.h"

#include "dossier-base64.h"
#include "dossier-crypto-error.h"

#include <glib/gi18n-lib.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <string.h>

/* Multikey public keys (W3C Controlled Identifiers): multibase base58btc
 * ("z...") of a multicodec varint naming the key type, then the key bytes,
 * EC points in compressed form.  did:key identifiers are exactly these. */

static const char base58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

GBytes *
dossier_base58btc_decode (const char  *text,
                          gsize        length,
                          GError     **error)
{
  g_autofree guint8 *number = NULL;
  gsize size, zeros = 0, start;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length > DOSSIER_BASE58_MAX_INPUT)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE,
                   _("The base58 text is longer than %d characters"), DOSSIER_BASE58_MAX_INPUT);
      return NULL;
    }
  /* each character carries log2(58) < 5.86 bits: 733/1000 bytes is enough */
  size = length * 733 / 1000 + 1;
  number = g_malloc0 (size);
  while (zeros < length && text[zeros] == '1')
    zeros++;
  for (gsize i = zeros; i < length; i++)
    {
      const char *found = text[i] != '\0' ? strchr (base58_alphabet, text[i]) : NULL;
      guint carry;

      if (found == NULL)
        {
          g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                       _("“%c” is not a base58 character"), g_ascii_isprint (text[i]) ? text[i] : '?');
          return NULL;
        }
      carry = (guint) (found - base58_alphabet);
      for (gsize j = size; j-- > 0;)
        {
          carry += 58u * number[j];
          number[j] = (guint8) (carry & 0xff);
          carry >>= 8;
        }
      /* the size bound above makes an overflow impossible */
      g_assert (carry == 0);
    }
  for (start = 0; start < size && number[start] == 0; start++)
    ;
  {
    /* each leading "1" stands for one leading zero byte */
    guint8 *out = g_malloc0 (zeros + size - start + 1);

    memcpy (out + zeros, number + start, size - start);
    return g_bytes_new_take (out, zeros + size - start);
  }
}

/* Decodes a multibase base58btc multikey into its key bytes, and its
 * multicodec code into @codec. */
GBytes *
dossier_multikey_decode (const char  *multibase,
                         guint       *codec,
                         GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize length, used = 0;
  guint value = 0;

  g_return_val_if_fail (multibase != NULL, NULL);
  g_return_val_if_fail (codec != NULL, NULL);

  if (multibase[0] != 'z')
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("A multikey must be multibase base58btc text starting with “z”"));
      return NULL;
    }
  bytes = dossier_base58btc_decode (multibase + 1, strlen (multibase + 1), error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  /* an unsigned varint, seven bits a byte, of at most three bytes here */
  for (guint shift = 0; used < length && used < 3; shift += 7)
    {
      value |= (guint) (data[used] & 0x7f) << shift;
      if ((data[used++] & 0x80) == 0)
        break;
      if (used == 3 || used == length)
        {
          used = 0;
          break;
        }
    }
  if (used == 0)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("The multikey does not start with a key type code"));
      return NULL;
    }
  *codec = value;
  return g_bytes_new_from_bytes (bytes, used, length - used);
}

static gboolean
decompress_point (int           nid,
                  const guint8 *point,
                  gsize         length,
                  gsize         size,
                  guint8       *x_out,
                  guint8       *y_out)
{
  EC_GROUP *group = EC_GROUP_new_by_curve_name (nid);
  EC_POINT *decoded = group != NULL ? EC_POINT_new (group) : NULL;
  BN_CTX *ctx = BN_CTX_new ();
  BIGNUM *x = BN_new (), *y = BN_new ();
  gboolean ok;

  ok = decoded != NULL && ctx != NULL && x != NULL && y != NULL &&
       length == size + 1 && (point[0] == 0x02 || point[0] == 0x03) &&
       EC_POINT_oct2point (group, decoded, point, length, ctx) == 1 &&
       EC_POINT_get_affine_coordinates (group, decoded, x, y, ctx) == 1 &&
       BN_bn2binpad (x, x_out, (int) size) == (int) size &&
       BN_bn2binpad (y, y_out, (int) size) == (int) size;
  BN_free (x);
  BN_free (y);
  BN_CTX_free (ctx);
  EC_POINT_free (decoded);
  EC_GROUP_free (group);
  return ok;
}

static void
set_b64 (JsonObject   *json,
         const char   *name,
         const guint8 *data,
         gsize         length)
{
  g_autofree char *text = dossier_base64url_encode (data, length);

  json_object_set_string_member (json, name, text);
}

/* The public key a multikey holds, as a JWK with @kid (when not NULL). */
DossierJwk *
dossier_multikey_to_jwk (const char  *multibase,
                         const char  *kid,
                         GError     **error)
{
  g_autoptr(GBytes) key = NULL;
  g_autoptr(JsonObject) json = json_object_new ();
  const guint8 *data;
  gsize length, size = 0;
  guint codec;
  int nid = 0;

  g_return_val_if_fail (multibase != NULL, NULL);

  key = dossier_multikey_decode (multibase, &codec, error);
  if (key == NULL)
    return NULL;
  data = g_bytes_get_data (key, &length);
  if (codec == DOSSIER_MULTICODEC_ED25519_PUB)
    {
      if (length != 32)
        {
          g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                       _("An Ed25519 multikey holds %zu bytes instead of 32"), length);
          return NULL;
        }
      json_object_set_string_member (json, "kty", "OKP");
      json_object_set_string_member (json, "crv", "Ed25519");
      set_b64 (json, "x", data, length);
    }
  else if (codec == DOSSIER_MULTICODEC_P256_PUB || codec == DOSSIER_MULTICODEC_P384_PUB)
    {
      guint8 x[48], y[48];

      if (codec == DOSSIER_MULTICODEC_P256_PUB)
        nid = NID_X9_62_prime256v1, size = 32;
      else
        nid = NID_secp384r1, size = 48;
      if (!decompress_point (nid, data, length, size, x, y))
        {
          g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                               _("The multikey does not hold a compressed point on its curve"));
          return NULL;
        }
      json_object_set_string_member (json, "kty", "EC");
      json_object_set_string_member (json, "crv", size == 32 ? "P-256" : "P-384");
      set_b64 (json, "x", x, size);
      set_b64 (json, "y", y, size);
    }
  else
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                   _("Multikey type 0x%x is not supported"), codec);
      return NULL;
    }
  if (kid != NULL)
    json_object_set_string_member (json, "kid", kid);
  return dossier_jwk_new_from_json (json, error);
}

/* Base58 (Bitcoin alphabet) of @data: each leading zero byte becomes "1". */
char *
dossier_base58btc_encode (gconstpointer data,
                          gsize         length)
{
  static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  const guint8 *bytes = data;
  g_autofree guint8 *digits = NULL;
  gsize n = 0, zeros = 0;
  GString *out;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (length <= DOSSIER_BASE58_MAX_INPUT, NULL);

  digits = g_malloc0 (length * 2 + 1);
  out = g_string_new (NULL);
  while (zeros < length && bytes[zeros] == 0)
    zeros++;
  for (gsize i = zeros; i < length; i++)
    {
      guint carry = bytes[i];

      for (gsize j = 0; j < n; j++)
        {
          carry += (guint) digits[j] << 8;
          digits[j] = (guint8) (carry % 58);
          carry /= 58;
        }
      while (carry > 0)
        {
          digits[n++] = (guint8) (carry % 58);
          carry /= 58;
        }
    }
  for (gsize i = 0; i < zeros; i++)
    g_string_append_c (out, '1');
  while (n > 0)
    g_string_append_c (out, alphabet[digits[--n]]);
  return g_string_free (out, FALSE);
}

/* The Multikey of @pkey's public half: "z" + base58btc of the multicodec
 * code and the key (compressed for the NIST curves). */
char *
dossier_multikey_encode (EVP_PKEY  *pkey,
                         GError   **error)
{
  guint8 raw[133], encoded[2 + 49];
  gsize length = sizeof raw, size;
  g_autofree char *text = NULL;

  g_return_val_if_fail (pkey != NULL, NULL);

  if (EVP_PKEY_is_a (pkey, "ED25519"))
    {
      if (EVP_PKEY_get_raw_public_key (pkey, raw, &length) != 1 || length != 32)
        goto unsupported;
      encoded[0] = 0xed, encoded[1] = 0x01;
      memcpy (encoded + 2, raw, 32);
      size = 2 + 32;
    }
  else if (EVP_PKEY_is_a (pkey, "EC"))
    {
      gsize half;

      if (EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_PUB_KEY, raw, sizeof raw, &length) != 1 ||
          (length != 65 && length != 97) || raw[0] != 0x04)
        goto unsupported;
      half = (length - 1) / 2;
      encoded[0] = half == 32 ? 0x80 : 0x81, encoded[1] = 0x24;
      encoded[2] = 0x02 | (raw[length - 1] & 1);
      memcpy (encoded + 3, raw + 1, half);
      size = 3 + half;
    }
  else
    goto unsupported;
  text = dossier_base58btc_encode (encoded, size);
  return g_strconcat ("z", text, NULL);

unsupported:
  g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                       _("Only Ed25519, P-256 and P-384 keys can be written as a Multikey"));
  return NULL;
}
