// SPDX-License-Identifier: GPL-3.0-or-later
/* Writes compact JWS tokens signed by Dossier's crypto layer, one per
 * algorithm, with the public JWK of each signer, for a third-party library
 * to verify.  usage: dossier-sign DIR */
#include "dossier-base64.h"
#include "dossier-jws.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <string.h>

static char *
public_jwk (EVP_PKEY *pkey)
{
  if (EVP_PKEY_is_a (pkey, "EC"))
    {
      guint8 point[133];
      gsize len = 0, half;
      g_autofree char *x = NULL, *y = NULL;

      EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len);
      half = (len - 1) / 2;
      x = dossier_base64url_encode (point + 1, half);
      y = dossier_base64url_encode (point + 1 + half, half);
      return g_strdup_printf ("{\"kty\":\"EC\",\"crv\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}", half == 32 ? "P-256" : "P-384", x, y);
    }
  if (EVP_PKEY_is_a (pkey, "ED25519"))
    {
      guint8 raw[32];
      gsize len = sizeof raw;
      g_autofree char *x = NULL;

      EVP_PKEY_get_raw_public_key (pkey, raw, &len);
      x = dossier_base64url_encode (raw, len);
      return g_strdup_printf ("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}", x);
    }
  {
    BIGNUM *n = NULL, *e = NULL;
    guint8 buf[512];
    g_autofree char *n64 = NULL, *e64 = NULL;
    int len;

    EVP_PKEY_get_bn_param (pkey, OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param (pkey, OSSL_PKEY_PARAM_RSA_E, &e);
    len = BN_bn2bin (n, buf);
    n64 = dossier_base64url_encode (buf, (gsize) len);
    len = BN_bn2bin (e, buf);
    e64 = dossier_base64url_encode (buf, (gsize) len);
    BN_free (n);
    BN_free (e);
    return g_strdup_printf ("{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}", n64, e64);
  }
}

static gboolean
write_token (const char *dir,
             const char *alg,
             EVP_PKEY   *pkey)
{
  g_autofree char *header_json = g_strdup_printf ("{\"alg\":\"%s\",\"typ\":\"JWT\"}", alg);
  const char *payload_json = "{\"iss\":\"https://dossier.example/issuer\",\"name\":\"Nguyễn Văn An\",\"n\":1}";
  g_autofree char *header = dossier_base64url_encode (header_json, strlen (header_json));
  g_autofree char *payload = dossier_base64url_encode (payload_json, strlen (payload_json));
  g_autofree char *input = g_strconcat (header, ".", payload, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = dossier_crypto_sign (alg, pkey, input, strlen (input), &error);
  g_autofree char *sig64 = NULL, *token = NULL, *jwk = NULL;
  g_autofree char *token_path = g_strdup_printf ("%s/%s.jws", dir, alg);
  g_autofree char *key_path = g_strdup_printf ("%s/%s.jwk.json", dir, alg);

  if (signature == NULL)
    {
      g_printerr ("dossier-sign: %s: %s\n", alg, error->message);
      return FALSE;
    }
  sig64 = dossier_base64url_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  token = g_strconcat (input, ".", sig64, NULL);
  jwk = public_jwk (pkey);
  return g_file_set_contents (token_path, token, -1, NULL) && g_file_set_contents (key_path, jwk, -1, NULL);
}

int
main (int    argc,
      char **argv)
{
  EVP_PKEY *p256 = EVP_EC_gen ("P-256"), *p384 = EVP_EC_gen ("P-384");
  EVP_PKEY *ed = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519"), *rsa = EVP_RSA_gen (2048);
  gboolean ok;

  if (argc != 2)
    return 2;
  ok = write_token (argv[1], "ES256", p256) && write_token (argv[1], "ES384", p384) &&
       write_token (argv[1], "EdDSA", ed) && write_token (argv[1], "RS256", rsa) && write_token (argv[1], "PS256", rsa);
  EVP_PKEY_free (p256);
  EVP_PKEY_free (p384);
  EVP_PKEY_free (ed);
  EVP_PKEY_free (rsa);
  return ok ? 0 : 1;
}
