// SPDX-License-Identifier: GPL-3.0-or-later
#include "issuer-fixture.h"

#include "dossier-multikey.h"

#include "dossier-base64.h"
#include "dossier-jws.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <string.h>
#include <zlib.h>

TestKey *
test_key_new (const char *curve)
{
  TestKey *key = g_new0 (TestKey, 1);

  if (g_str_equal (curve, "Ed25519"))
    key->pkey = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519"), key->alg = g_strdup ("EdDSA");
  else if (g_str_equal (curve, "P-384"))
    key->pkey = EVP_EC_gen ("P-384"), key->alg = g_strdup ("ES384");
  else
    key->pkey = EVP_EC_gen ("P-256"), key->alg = g_strdup ("ES256");
  g_assert_nonnull (key->pkey);
  return key;
}

void
test_key_free (TestKey *key)
{
  EVP_PKEY_free (key->pkey);
  g_free (key->alg);
  g_free (key);
}

/* The raw public key: 32 bytes for Ed25519, else the uncompressed point. */
static gsize
public_bytes (TestKey *key,
              guint8  *out,
              gsize    size)
{
  gsize length = size;

  if (EVP_PKEY_is_a (key->pkey, "ED25519"))
    g_assert_true (EVP_PKEY_get_raw_public_key (key->pkey, out, &length) == 1);
  else
    g_assert_true (EVP_PKEY_get_octet_string_param (key->pkey, OSSL_PKEY_PARAM_PUB_KEY, out, size, &length) == 1);
  return length;
}

char *
test_key_jwk (TestKey    *key,
              const char *kid)
{
  guint8 raw[133];
  gsize length = public_bytes (key, raw, sizeof raw);
  g_autofree char *kid_member = kid != NULL ? g_strdup_printf (",\"kid\":\"%s\"", kid) : g_strdup ("");

  if (EVP_PKEY_is_a (key->pkey, "ED25519"))
    {
      g_autofree char *x = dossier_base64url_encode (raw, length);

      return g_strdup_printf ("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"%s}", x, kid_member);
    }
  {
    gsize half = (length - 1) / 2;
    g_autofree char *x = dossier_base64url_encode (raw + 1, half);
    g_autofree char *y = dossier_base64url_encode (raw + 1 + half, half);

    return g_strdup_printf ("{\"kty\":\"EC\",\"crv\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"%s}",
                            half == 32 ? "P-256" : "P-384", x, y, kid_member);
  }
}

char *
test_base58_encode (const guint8 *data,
                    gsize         length)
{
  return dossier_base58btc_encode (data, length);
}

/* "z" + base58btc of the multicodec code and the (compressed) key. */
char *
test_key_multikey (TestKey *key)
{
  return dossier_multikey_encode (key->pkey, NULL);
}

/* A compact JWS over @payload, its header holding alg and @header_members. */
char *
test_key_sign (TestKey    *key,
               const char *header_members,
               const char *payload)
{
  g_autofree char *header_json = g_strdup_printf ("{\"alg\":\"%s\"%s%s}", key->alg,
                                                  header_members != NULL ? "," : "", header_members != NULL ? header_members : "");
  g_autofree char *header = dossier_base64url_encode (header_json, strlen (header_json));
  g_autofree char *body = dossier_base64url_encode (payload, strlen (payload));
  g_autofree char *input = g_strconcat (header, ".", body, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = dossier_crypto_sign (key->alg, key->pkey, input, strlen (input), &error);
  g_autofree char *sig = NULL;

  g_assert_no_error (error);
  sig = dossier_base64url_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  return g_strconcat (input, ".", sig, NULL);
}

/* base64url of @data compressed with gzip (@gzip) or zlib framing. */
char *
test_compress_base64url (const guint8 *data,
                         gsize         length,
                         gboolean      gzip)
{
  z_stream stream = { 0 };
  gsize bound = length + length / 100 + 1024;
  g_autofree guint8 *out = g_malloc (bound);

  g_assert_cmpint (deflateInit2 (&stream, Z_BEST_COMPRESSION, Z_DEFLATED, gzip ? 15 + 16 : 15, 9, Z_DEFAULT_STRATEGY), ==, Z_OK);
  stream.next_in = (Bytef *) data;
  stream.avail_in = (uInt) length;
  stream.next_out = out;
  stream.avail_out = (uInt) bound;
  g_assert_cmpint (deflate (&stream, Z_FINISH), ==, Z_STREAM_END);
  deflateEnd (&stream);
  return dossier_base64url_encode (out, stream.total_out);
}
