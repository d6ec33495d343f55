// SPDX-License-Identifier: GPL-3.0-or-later
/* Signs with Dossier's code for third-party libraries to check, and
 * writes the public keys beside what it signed.
 *   dossier-sign jws DIR                compact JWS, one per algorithm
 *   dossier-sign sd-jwt DIR AUD NONCE   an SD-JWT VC and a presentation with key binding
 *   dossier-sign hcert DIR              HCERTs signed ES256 and PS256, with their certificates */
#include "dossier-base64.h"
#include "dossier-hcert.h"
#include "dossier-jws.h"
#include "dossier-json.h"
#include "dossier-sd-jwt.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
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

static gboolean
write_json (const char *dir,
            const char *name,
            JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_set_contents (path, text, -1, NULL);
}

static gboolean
write_text (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return text != NULL && g_file_set_contents (path, text, -1, NULL);
}

static int
sign_jws (const char *dir)
{
  EVP_PKEY *p256 = EVP_EC_gen ("P-256"), *p384 = EVP_EC_gen ("P-384");
  EVP_PKEY *ed = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519"), *rsa = EVP_RSA_gen (2048);
  gboolean ok;

  ok = write_token (dir, "ES256", p256) && write_token (dir, "ES384", p384) &&
       write_token (dir, "EdDSA", ed) && write_token (dir, "RS256", rsa) && write_token (dir, "PS256", rsa);
  EVP_PKEY_free (p256);
  EVP_PKEY_free (p384);
  EVP_PKEY_free (ed);
  EVP_PKEY_free (rsa);
  return ok ? 0 : 1;
}

/* An SD-JWT VC with concealed top-level, nested and array claims and
 * decoys, bound to an Ed25519 holder key; then the holder presents part of
 * it to AUD with NONCE. */
static int
sign_sd_jwt (const char *dir,
             const char *audience,
             const char *nonce)
{
  EVP_PKEY *issuer = EVP_EC_gen ("P-256"), *holder = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519");
  g_autoptr(JsonObject) issuer_jwk = dossier_jwk_public_json_for_pkey (issuer, NULL);
  g_autoptr(JsonObject) holder_jwk = dossier_jwk_public_json_for_pkey (holder, NULL);
  g_autofree char *claims_text = g_strdup_printf (
    "{\"iss\":\"https://registrar.example\",\"vct\":\"https://example.edu/diploma\",\"iat\":%" G_GINT64_FORMAT ","
    "\"exp\":%" G_GINT64_FORMAT ",\"given_name\":\"An\",\"family_name\":\"Nguyễn\","
    "\"degree\":{\"name\":\"Cử nhân Toán học\",\"grade\":\"Giỏi\"},\"languages\":[\"vi\",\"en\",\"fr\"]}",
    g_get_real_time () / G_USEC_PER_SEC - 60, g_get_real_time () / G_USEC_PER_SEC + 365 * 86400);
  g_autoptr(JsonNode) claims = dossier_json_parse (claims_text, strlen (claims_text));
  const char * const disclosable[] = {
    "/given_name", "/family_name", "/degree", "/degree/grade", "/languages/0", "/languages/2", NULL
  };
  const char * const disclose[] = { "/family_name", "/degree/grade", "/languages/2", NULL };
  DossierSdJwtIssueOptions options = { "ES256", issuer, "registrar-1", disclosable, 2, holder_jwk };
  g_autoptr(GError) error = NULL;
  g_autofree char *issued = NULL, *presented = NULL;

  json_object_set_string_member (issuer_jwk, "kid", "registrar-1");
  if ((issued = dossier_sd_jwt_issue (json_node_get_object (claims), &options, &error)) == NULL ||
      (presented = dossier_sd_jwt_present (issued, disclose, audience, nonce, g_get_real_time () / G_USEC_PER_SEC,
                                           "EdDSA", holder, &error)) == NULL)
    g_printerr ("dossier-sign: sd-jwt: %s\n", error->message);
  EVP_PKEY_free (issuer);
  EVP_PKEY_free (holder);
  return write_json (dir, "issuer.jwk.json", issuer_jwk) && write_text (dir, "issued.txt", issued) &&
         write_text (dir, "presentation.txt", presented) ? 0 : 1;
}

/* A self-signed document signer certificate for @pkey, in PEM. */
static char *
self_signed_pem (EVP_PKEY   *pkey,
                 const char *name)
{
  X509 *x509 = X509_new ();
  X509_NAME *subject = X509_get_subject_name (x509);
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL, *pem;
  long length;

  X509_set_version (x509, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (x509), 1);
  X509_gmtime_adj (X509_getm_notBefore (x509), -86400);
  X509_gmtime_adj (X509_getm_notAfter (x509), 2L * 365 * 86400);
  X509_set_pubkey (x509, pkey);
  X509_NAME_add_entry_by_txt (subject, "C", MBSTRING_UTF8, (const guchar *) "VN", -1, -1, 0);
  X509_NAME_add_entry_by_txt (subject, "CN", MBSTRING_UTF8, (const guchar *) name, -1, -1, 0);
  X509_set_issuer_name (x509, subject);
  X509_sign (x509, pkey, EVP_sha256 ());
  PEM_write_bio_X509 (bio, x509);
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, (gsize) length);
  BIO_free (bio);
  X509_free (x509);
  return pem;
}

static gboolean
write_hcert (const char *dir,
             const char *name,
             gint64      alg,
             EVP_PKEY   *pkey)
{
  const char *dcc_text =
    "{\"ver\":\"1.3.0\",\"nam\":{\"fn\":\"Nguyễn\",\"fnt\":\"NGUYEN\",\"gn\":\"Văn An\",\"gnt\":\"VAN<AN\"},"
    "\"dob\":\"1990-01-02\",\"v\":[{\"tg\":\"840539006\",\"vp\":\"1119349007\",\"mp\":\"EU/1/20/1528\","
    "\"ma\":\"ORG-100030215\",\"dn\":2,\"sd\":2,\"dt\":\"2021-06-01\",\"co\":\"VN\",\"is\":\"Bộ Y tế (TEST)\","
    "\"ci\":\"URN:UVCI:01:VN:DOSSIER#X\"}]}";
  g_autoptr(JsonNode) dcc = dossier_json_parse (dcc_text, strlen (dcc_text));
  g_autofree char *pem = self_signed_pem (pkey, name);
  g_autoptr(GPtrArray) certificates = dossier_certificate_parse_pem (pem, strlen (pem), NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *hcert = NULL;
  g_autofree char *pem_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *text_name = g_strconcat (name, ".txt", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (certificates == NULL || certificates->len != 1)
    return FALSE;
  hcert = dossier_hcert_encode (json_node_get_object (dcc), "VN", now - 60, now + 365 * 86400, alg, pkey,
                                dossier_certificate_get_kid (g_ptr_array_index (certificates, 0)), &error);
  if (hcert == NULL)
    {
      g_printerr ("dossier-sign: hcert: %s\n", error->message);
      return FALSE;
    }
  return write_text (dir, pem_name, pem) && write_text (dir, text_name, hcert);
}

static int
sign_hcert (const char *dir)
{
  EVP_PKEY *p256 = EVP_EC_gen ("P-256"), *rsa = EVP_RSA_gen (2048);
  gboolean ok = write_hcert (dir, "es256", DOSSIER_COSE_ALG_ES256, p256) &&
                write_hcert (dir, "ps256", DOSSIER_COSE_ALG_PS256, rsa);

  EVP_PKEY_free (p256);
  EVP_PKEY_free (rsa);
  return ok ? 0 : 1;
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "jws"))
    return sign_jws (argv[2]);
  if (argc == 5 && g_str_equal (argv[1], "sd-jwt"))
    return sign_sd_jwt (argv[2], argv[3], argv[4]);
  if (argc == 3 && g_str_equal (argv[1], "hcert"))
    return sign_hcert (argv[2]);
  g_printerr ("usage: dossier-sign jws DIR | sd-jwt DIR AUD NONCE | hcert DIR\n");
  return 2;
}
