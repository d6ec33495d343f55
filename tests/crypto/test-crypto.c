// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-base64.h"
#include "dossier-crypto-error.h"
#include "dossier-jwe.h"
#include "dossier-jwk.h"
#include "dossier-jws.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <string.h>

static void
test_base64url (void)
{
  struct { const char *text; gssize len; } bad[] = {
    { "AQI=", -1 }, { "A", -1 }, { "AQ+D", -1 }, { "AQ/D", -1 }, { "AR", -1 }, { "AQ D", -1 }, { "AQ\nD", -1 },
  };
  g_autoptr(GBytes) ok = NULL;
  g_autofree char *encoded = NULL;

  ok = dossier_base64url_decode ("AQID_-8", -1, NULL);
  g_assert_nonnull (ok);
  g_assert_cmpmem (g_bytes_get_data (ok, NULL), g_bytes_get_size (ok), "\x01\x02\x03\xff\xef", 5);
  encoded = dossier_base64url_encode ("\x01\x02\x03\xff\xef", 5);
  g_assert_cmpstr (encoded, ==, "AQID_-8");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) decoded = dossier_base64url_decode (bad[i].text, bad[i].len, &error);

      g_assert_null (decoded);
      g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED);
    }

  /* lengths 0 to 70 over varied bytes: GLib's base64 with the URL-safe
   * alphabet and no padding, and back */
  for (gsize length = 0; length <= 70; length++)
    {
      guint8 bytes[70];
      g_autofree char *ours = NULL, *glib = NULL;
      g_autoptr(GBytes) back = NULL;

      for (gsize i = 0; i < length; i++)
        bytes[i] = (guint8) (i * 37 + length * 11);
      ours = dossier_base64url_encode (bytes, length);
      glib = g_base64_encode (bytes, length);
      g_strdelimit (glib, "+", '-');
      g_strdelimit (glib, "/", '_');
      g_strdelimit (glib, "=", '\0');
      g_assert_cmpstr (ours, ==, glib);
      back = dossier_base64url_decode (ours, -1, NULL);
      g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), bytes, length);
    }
}

/* A JWK for the public half of @pkey, built from OpenSSL's parameters. */
static DossierJwk *
jwk_for (EVP_PKEY *pkey)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GError) error = NULL;
  DossierJwk *jwk;

  if (EVP_PKEY_is_a (pkey, "EC"))
    {
      guint8 point[133];
      gsize len = 0, half;
      g_autofree char *x = NULL, *y = NULL;

      g_assert_true (EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len));
      half = (len - 1) / 2;
      x = dossier_base64url_encode (point + 1, half);
      y = dossier_base64url_encode (point + 1 + half, half);
      json_object_set_string_member (object, "kty", "EC");
      json_object_set_string_member (object, "crv", half == 32 ? "P-256" : "P-384");
      json_object_set_string_member (object, "x", x);
      json_object_set_string_member (object, "y", y);
    }
  else if (EVP_PKEY_is_a (pkey, "ED25519"))
    {
      guint8 raw[32];
      gsize len = sizeof raw;
      g_autofree char *x = NULL;

      g_assert_true (EVP_PKEY_get_raw_public_key (pkey, raw, &len));
      x = dossier_base64url_encode (raw, len);
      json_object_set_string_member (object, "kty", "OKP");
      json_object_set_string_member (object, "crv", "Ed25519");
      json_object_set_string_member (object, "x", x);
    }
  else
    {
      BIGNUM *n = NULL, *e = NULL;
      guint8 buf[512];
      g_autofree char *n64 = NULL, *e64 = NULL;
      int len;

      g_assert_true (EVP_PKEY_get_bn_param (pkey, OSSL_PKEY_PARAM_RSA_N, &n));
      g_assert_true (EVP_PKEY_get_bn_param (pkey, OSSL_PKEY_PARAM_RSA_E, &e));
      len = BN_bn2bin (n, buf);
      n64 = dossier_base64url_encode (buf, (gsize) len);
      len = BN_bn2bin (e, buf);
      e64 = dossier_base64url_encode (buf, (gsize) len);
      BN_free (n);
      BN_free (e);
      json_object_set_string_member (object, "kty", "RSA");
      json_object_set_string_member (object, "n", n64);
      json_object_set_string_member (object, "e", e64);
    }
  jwk = dossier_jwk_new_from_json (object, &error);
  g_assert_no_error (error);
  return jwk;
}

static char *
make_jws (const char *alg,
          EVP_PKEY   *pkey,
          const char *payload)
{
  g_autofree char *header_json = g_strdup_printf ("{\"alg\":\"%s\"}", alg);
  g_autofree char *header = dossier_base64url_encode (header_json, strlen (header_json));
  g_autofree char *body = dossier_base64url_encode (payload, strlen (payload));
  g_autofree char *input = g_strconcat (header, ".", body, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sig = dossier_crypto_sign (alg, pkey, input, strlen (input), &error);
  g_autofree char *sig64 = NULL;

  g_assert_no_error (error);
  sig64 = dossier_base64url_encode (g_bytes_get_data (sig, NULL), g_bytes_get_size (sig));
  return g_strconcat (input, ".", sig64, NULL);
}

static void
verify_expect (const char *compact,
               DossierJwk *key,
               int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierJws) jws = dossier_jws_parse (compact, strlen (compact), &error);

  g_assert_no_error (error);
  if (code < 0)
    {
      g_assert_true (dossier_jws_verify (jws, key, &error));
      g_assert_no_error (error);
    }
  else
    {
      g_assert_false (dossier_jws_verify (jws, key, &error));
      g_assert_error (error, DOSSIER_CRYPTO_ERROR, code);
    }
}

static void
round_trip (const char *alg,
            EVP_PKEY   *pkey,
            EVP_PKEY   *other)
{
  g_autoptr(DossierJwk) key = jwk_for (pkey);
  g_autoptr(DossierJwk) wrong = jwk_for (other);
  g_autofree char *jws = make_jws (alg, pkey, "{\"hello\":\"xin chào\"}");
  g_autofree char *tampered = g_strdup (jws);
  char *payload = strchr (tampered, '.') + 1;

  verify_expect (jws, key, -1);
  verify_expect (jws, wrong, DOSSIER_CRYPTO_ERROR_SIGNATURE);
  payload[2] = payload[2] == 'A' ? 'B' : 'A';
  verify_expect (tampered, key, DOSSIER_CRYPTO_ERROR_SIGNATURE);
}

static void
test_jws_algorithms (void)
{
  EVP_PKEY *p256 = EVP_EC_gen ("P-256"), *p256b = EVP_EC_gen ("P-256");
  EVP_PKEY *p384 = EVP_EC_gen ("P-384"), *p384b = EVP_EC_gen ("P-384");
  EVP_PKEY *ed = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519"), *edb = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519");
  EVP_PKEY *rsa = EVP_RSA_gen (2048), *rsab = EVP_RSA_gen (2048);

  round_trip ("ES256", p256, p256b);
  round_trip ("ES384", p384, p384b);
  round_trip ("EdDSA", ed, edb);
  round_trip ("RS256", rsa, rsab);
  round_trip ("PS256", rsa, rsab);

  {
    /* A key of the wrong type or size for the algorithm is refused. */
    g_autoptr(DossierJwk) p256_key = jwk_for (p256);
    g_autofree char *es384 = make_jws ("ES384", p384, "{}");

    verify_expect (es384, p256_key, DOSSIER_CRYPTO_ERROR_KEY);
  }
  EVP_PKEY_free (p256); EVP_PKEY_free (p256b); EVP_PKEY_free (p384); EVP_PKEY_free (p384b);
  EVP_PKEY_free (ed); EVP_PKEY_free (edb); EVP_PKEY_free (rsa); EVP_PKEY_free (rsab);
}

static void
test_jws_refused (void)
{
  EVP_PKEY *p256 = EVP_EC_gen ("P-256");
  g_autoptr(DossierJwk) key = jwk_for (p256);
  g_autofree char *good = make_jws ("ES256", p256, "{}");
  const char *malformed[] = { "", "a.b", "a.b.c.d", "e30.e30", "!!.e30.AA", "e30.e30.A", "WyJ4Il0.e30.AA" };
  const char *algs[] = { "none", "HS256", "ES512", "RS1" };

  for (guint i = 0; i < G_N_ELEMENTS (algs); i++)
    {
      g_autofree char *header_json = g_strdup_printf ("{\"alg\":\"%s\"}", algs[i]);
      g_autofree char *header = dossier_base64url_encode (header_json, strlen (header_json));
      g_autofree char *forged = g_strconcat (header, strchr (good, '.'), NULL);

      verify_expect (forged, key, DOSSIER_CRYPTO_ERROR_UNSUPPORTED);
    }
  {
    /* the same signature in DER form is not a JOSE signature */
    g_autofree char *input = g_strndup (good, strrchr (good, '.') - good);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
    guint8 der[80];
    gsize der_len = sizeof der;
    g_autofree char *der64 = NULL, *forged = NULL;

    g_assert_true (EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, p256) == 1);
    g_assert_true (EVP_DigestSign (ctx, der, &der_len, (const guchar *) input, strlen (input)) == 1);
    EVP_MD_CTX_free (ctx);
    der64 = dossier_base64url_encode (der, der_len);
    forged = g_strconcat (input, ".", der64, NULL);
    verify_expect (forged, key, DOSSIER_CRYPTO_ERROR_SIGNATURE);
  }
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DossierJws) jws = dossier_jws_parse (malformed[i], strlen (malformed[i]), &error);

      g_assert_null (jws);
      g_assert_nonnull (error);
    }
  EVP_PKEY_free (p256);
}

static void
test_jwk_refused (void)
{
  const char *bad[] = {
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}",
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw\",\"y\":\"11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw\"}",
    "{\"kty\":\"EC\",\"crv\":\"P-521\",\"x\":\"AA\",\"y\":\"AA\"}",
    "{\"kty\":\"oct\",\"k\":\"AAAA\"}",
    "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}",
    "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}",
    "{\"kty\":7}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(DossierJwk) key = dossier_jwk_new_from_json (json_node_get_object (node), &error);

      g_assert_null (key);
      g_assert_nonnull (error);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) set = dossier_jwk_parse_set ("not json", 8, &error);

    g_assert_null (set);
    g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED);
  }
}

/* The SMART Health Cards example issuer names its keys by their RFC 7638
 * thumbprints. */
static void
test_thumbprint (void)
{
  const char *vectors = g_getenv ("DOSSIER_VECTORS");
  g_autofree char *path = g_build_filename (vectors, "shc-spec", "issuer", ".well-known", "jwks.json", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GPtrArray) keys = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  keys = dossier_jwk_parse_set (contents, length, NULL);
  g_assert_cmpuint (keys->len, >=, 2);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *thumbprint = dossier_jwk_dup_thumbprint (g_ptr_array_index (keys, i));
      g_assert_cmpstr (thumbprint, ==, dossier_jwk_get_kid (g_ptr_array_index (keys, i)));
    }
}

static const guint8 jwe_key[32] = {
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
  0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static GBytes *
jwe_open (const char  *compact,
          const guint8 *key,
          gsize        key_length,
          GError     **error)
{
  g_autoptr(DossierJwe) jwe = dossier_jwe_parse (compact, strlen (compact), error);

  return jwe != NULL ? dossier_jwe_decrypt (jwe, key, key_length, error) : NULL;
}

/* Replaces part @index (0-4) of a compact JWE. */
static char *
jwe_replace_part (const char *compact,
                  guint       index,
                  const char *part)
{
  g_auto(GStrv) parts = g_strsplit (compact, ".", -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 5);
  g_free (parts[index]);
  parts[index] = g_strdup (part);
  return g_strjoinv (".", parts);
}

static char *
jwe_with_header (const char *compact,
                 const char *header_json)
{
  g_autofree char *header = dossier_base64url_encode (header_json, strlen (header_json));

  return jwe_replace_part (compact, 0, header);
}

static void
test_jwe_round_trip (void)
{
  const char *text = "{\"resourceType\":\"Bundle\",\"note\":\"Sổ sức khỏe\"}";
  g_autoptr(GError) error = NULL;
  g_autofree char *compact = dossier_jwe_encrypt (text, strlen (text), jwe_key, sizeof jwe_key, "application/fhir+json", FALSE, &error);
  g_autofree char *again = dossier_jwe_encrypt (text, strlen (text), jwe_key, sizeof jwe_key, NULL, FALSE, &error);
  g_autoptr(DossierJwe) jwe = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) empty = NULL;
  g_autofree char *nothing = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (compact, !=, again);   /* a fresh IV each time */
  jwe = dossier_jwe_parse (compact, strlen (compact), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dossier_jwe_get_content_type (jwe), ==, "application/fhir+json");
  g_assert_false (dossier_jwe_is_deflated (jwe));
  plain = dossier_jwe_decrypt (jwe, jwe_key, sizeof jwe_key, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), text, strlen (text));

  nothing = dossier_jwe_encrypt ("", 0, jwe_key, sizeof jwe_key, NULL, FALSE, &error);
  g_assert_no_error (error);
  empty = jwe_open (nothing, jwe_key, sizeof jwe_key, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
}

static void
test_jwe_refused (void)
{
  const char *text = "plaintext";
  g_autofree char *compact = dossier_jwe_encrypt (text, strlen (text), jwe_key, sizeof jwe_key, NULL, FALSE, NULL);
  g_auto(GStrv) parts = g_strsplit (compact, ".", -1);
  guint8 wrong_key[32];
  g_autofree char *short_tag = g_strndup (parts[4], strlen (parts[4]) - 2);
  g_autofree char *other_iv = dossier_base64url_encode ("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 12);
  g_autofree char *long_iv = dossier_base64url_encode ("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16);
  g_autofree char *flipped = g_strdup (parts[3]);
  struct { char *compact; int code; } cases[] = {
    { jwe_replace_part (compact, 4, short_tag), DOSSIER_CRYPTO_ERROR_MALFORMED },
    { jwe_replace_part (compact, 4, ""), DOSSIER_CRYPTO_ERROR_MALFORMED },
    { jwe_replace_part (compact, 2, long_iv), DOSSIER_CRYPTO_ERROR_MALFORMED },
    { jwe_replace_part (compact, 2, other_iv), DOSSIER_CRYPTO_ERROR_DECRYPT },
    { jwe_replace_part (compact, 1, "AAAA"), DOSSIER_CRYPTO_ERROR_MALFORMED },
    { jwe_replace_part (compact, 3, (flipped[0] = flipped[0] == 'A' ? 'B' : 'A', flipped)), DOSSIER_CRYPTO_ERROR_DECRYPT },
    { jwe_with_header (compact, "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"cty\":\"x\"}"), DOSSIER_CRYPTO_ERROR_DECRYPT },
    { jwe_with_header (compact, "{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}"), DOSSIER_CRYPTO_ERROR_UNSUPPORTED },
    { jwe_with_header (compact, "{\"alg\":\"dir\",\"enc\":\"A128GCM\"}"), DOSSIER_CRYPTO_ERROR_UNSUPPORTED },
    { jwe_with_header (compact, "{\"alg\":\"dir\",\"enc\":\"A256CBC-HS512\"}"), DOSSIER_CRYPTO_ERROR_UNSUPPORTED },
    { jwe_with_header (compact, "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"zip\":\"GZ\"}"), DOSSIER_CRYPTO_ERROR_UNSUPPORTED },
    { jwe_with_header (compact, "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"crit\":[\"exp\"],\"exp\":1}"), DOSSIER_CRYPTO_ERROR_UNSUPPORTED },
    { jwe_with_header (compact, "{\"alg\":\"none\"}"), DOSSIER_CRYPTO_ERROR_UNSUPPORTED },
    { jwe_with_header (compact, "[1]"), DOSSIER_CRYPTO_ERROR_MALFORMED },
    { g_strconcat (compact, ".", NULL), DOSSIER_CRYPTO_ERROR_MALFORMED },
    { g_strndup (compact, (gsize) (strrchr (compact, '.') - compact)), DOSSIER_CRYPTO_ERROR_MALFORMED },
    { g_strdup (""), DOSSIER_CRYPTO_ERROR_MALFORMED },
    { g_strdup ("...."), DOSSIER_CRYPTO_ERROR_MALFORMED },
  };

  memcpy (wrong_key, jwe_key, sizeof wrong_key);
  wrong_key[31] ^= 0x80;
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) plain = jwe_open (compact, wrong_key, sizeof wrong_key, &error);

    g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_DECRYPT);
    g_assert_null (plain);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) plain = jwe_open (compact, jwe_key, 16, &error);

    g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY);
    g_assert_null (plain);
  }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) plain = jwe_open (cases[i].compact, jwe_key, sizeof jwe_key, &error);

      if (error == NULL || error->code != cases[i].code)
        g_test_message ("case %u: %s", i, error != NULL ? error->message : "accepted");
      g_assert_error (error, DOSSIER_CRYPTO_ERROR, cases[i].code);
      g_assert_null (plain);
      g_free (cases[i].compact);
    }
}

/* A third party's JWE: the SMART Health Link example of the IPS
 * implementation guide, whose key is in its link, decrypts to exactly the
 * bundle it was made from. */
static void
test_jwe_known_answer (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "shc-spec", "shl", NULL);
  g_autofree char *enc_path = g_build_filename (dir, "IPS_IG-bundle-01-enc.txt", NULL);
  g_autofree char *json_path = g_build_filename (dir, "IPS_IG-bundle-01.json", NULL);
  g_autofree char *compact = NULL, *expected = NULL;
  g_autoptr(GBytes) key = dossier_base64url_decode ("rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q", -1, NULL);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) error = NULL;
  gsize expected_length;

  g_assert_true (g_file_get_contents (enc_path, &compact, NULL, NULL));
  g_assert_true (g_file_get_contents (json_path, &expected, &expected_length, NULL));
  g_strstrip (compact);
  plain = jwe_open (compact, g_bytes_get_data (key, NULL), g_bytes_get_size (key), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), expected, expected_length);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crypto/base64url", test_base64url);
  g_test_add_func ("/crypto/jws-algorithms", test_jws_algorithms);
  g_test_add_func ("/crypto/jws-refused", test_jws_refused);
  g_test_add_func ("/crypto/jwk-refused", test_jwk_refused);
  g_test_add_func ("/crypto/thumbprint", test_thumbprint);
  g_test_add_func ("/crypto/jwe-round-trip", test_jwe_round_trip);
  g_test_add_func ("/crypto/jwe-refused", test_jwe_refused);
  g_test_add_func ("/crypto/jwe-known-answer", test_jwe_known_answer);
  return g_test_run ();
}
