// SPDX-License-Identifier: GPL-3.0-or-later
/* Signs with Dossier's code for third-party libraries to check, and
 * writes the public keys beside what it signed.
 *   dossier-sign jws DIR                compact JWS, one per algorithm
 *   dossier-sign di DIR                 Open Badges credentials with eddsa-rdfc-2022 and ecdsa-rdfc-2019
 *                                       (P-256, P-384) proofs by did:key, as di-SUITE-CURVE.json
 *   dossier-sign sd-jwt DIR AUD NONCE   an SD-JWT VC and a presentation with key binding
 *   dossier-sign hcert DIR              HCERTs signed ES256 and PS256, with their certificates
 *   dossier-sign jws-verify JWK TOKEN   exit 0 when Dossier accepts the JWS in TOKEN
 *   dossier-sign jwe-encrypt DIR        dir/A256GCM JWEs under a fresh key, plain and zip DEF
 *   dossier-sign jwe-decrypt DIR FILE   exit 0 when FILE decrypts to FILE's .txt twin */
#include "dossier-base64.h"
#include "dossier-data-integrity.h"
#include "dossier-hcert.h"
#include "dossier-jws.h"
#include "dossier-json.h"
#include "dossier-sd-jwt.h"
#include "dossier-shl.h"
#include "dossier-jwe.h"
#include "dossier-multikey.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
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

static int
verify_jws (const char *jwk_path,
            const char *token_path)
{
  g_autofree char *jwk_text = NULL, *token = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(DossierJws) jws = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!g_file_get_contents (jwk_path, &jwk_text, &length, &error) ||
      (keys = dossier_jwk_parse_set (jwk_text, length, &error)) == NULL || keys->len != 1 ||
      !g_file_get_contents (token_path, &token, NULL, &error) ||
      (jws = dossier_jws_parse (g_strstrip (token), strlen (token), &error)) == NULL ||
      !dossier_jws_verify (jws, g_ptr_array_index (keys, 0), &error))
    {
      g_print ("%s: refused: %s\n", token_path, error != NULL ? error->message : "no usable key");
      return 1;
    }
  g_print ("%s: accepted\n", token_path);
  return 0;
}

static GBytes *
read_key (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "key.txt", NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return dossier_base64url_decode (g_strstrip (text), -1, NULL);
}

static int
encrypt_jwe (const char *dir)
{
  guint8 key[DOSSIER_JWE_KEY_SIZE];
  g_autofree char *key_text = NULL;
  g_autoptr(GString) text = g_string_new ("{\"resourceType\":\"Bundle\",\"entry\":[");
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = NULL, *zipped = NULL;

  for (guint i = 0; i < 50; i++)
    g_string_append_printf (text, "%s{\"resource\":{\"resourceType\":\"Immunization\",\"note\":\"Mũi %u\"}}", i ? "," : "", i + 1);
  g_string_append (text, "]}");
  if (RAND_bytes (key, sizeof key) != 1)
    return 1;
  key_text = dossier_base64url_encode (key, sizeof key);
  plain = dossier_jwe_encrypt (text->str, text->len, key, sizeof key, NULL, FALSE, &error);
  if (plain != NULL)
    zipped = dossier_shl_encrypt (key, text->str, text->len, DOSSIER_SHL_CONTENT_FHIR, &error);
  OPENSSL_cleanse (key, sizeof key);
  if (zipped == NULL)
    {
      g_printerr ("dossier-sign: jwe: %s\n", error->message);
      return 1;
    }
  return write_text (dir, "key.txt", key_text) && write_text (dir, "plaintext.txt", text->str) &&
         write_text (dir, "dossier-plain.jwe", plain) && write_text (dir, "dossier-zip.jwe", zipped) ? 0 : 1;
}

static int
decrypt_jwe (const char *dir,
             const char *file)
{
  g_autoptr(GBytes) key = read_key (dir);
  g_autofree char *jwe_path = g_build_filename (dir, file, NULL);
  g_autofree char *base = g_strndup (file, strlen (file) - strlen (".jwe"));
  g_autofree char *text_path = g_strconcat (dir, "/", base, ".txt", NULL);
  g_autofree char *compact = NULL, *expected = NULL, *link = NULL;
  g_autoptr(DossierShl) shl = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) error = NULL;
  gsize expected_length = 0;

  if (key == NULL || g_bytes_get_size (key) != DOSSIER_JWE_KEY_SIZE || !g_file_get_contents (jwe_path, &compact, NULL, &error))
    return 2;
  /* through a link, as a SMART Health Link's file is opened */
  link = dossier_shl_encode ("https://files.example/m", g_bytes_get_data (key, NULL), 0, 0, NULL);
  shl = dossier_shl_parse (link, strlen (link), &error);
  plain = shl != NULL ? dossier_shl_decrypt (shl, compact, strlen (compact), NULL, &error) : NULL;
  if (plain == NULL)
    {
      g_print ("%s: refused: %s\n", file, error->message);
      return 1;
    }
  if (!g_file_get_contents (text_path, &expected, &expected_length, NULL) ||
      g_bytes_get_size (plain) != expected_length || memcmp (g_bytes_get_data (plain, NULL), expected, expected_length) != 0)
    {
      g_print ("%s: decrypted to something else than %s\n", file, text_path);
      return 3;
    }
  g_print ("%s: decrypted\n", file);
  return 0;
}

/* An Open Badges diploma secured with @suite by @pkey's own did:key. */
static gboolean
write_data_integrity (const char *dir,
                      const char *suite,
                      const char *curve,
                      EVP_PKEY   *pkey)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *multikey = dossier_multikey_encode (pkey, &error);
  g_autofree char *did = NULL, *method = NULL, *text = NULL, *name = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (multikey == NULL)
    {
      g_printerr ("dossier-sign: %s\n", error->message);
      return FALSE;
    }
  did = g_strconcat ("did:key:", multikey, NULL);
  method = g_strdup_printf ("%s#%s", did, multikey);
  text = g_strdup_printf ("{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
                          "\"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"],"
                          "\"id\":\"urn:uuid:0e5f8c1a-6b0d-4d8e-9a51-3c2b7d9e4f10\","
                          "\"type\":[\"VerifiableCredential\",\"AchievementCredential\"],\"name\":\"Bằng cử nhân\","
                          "\"issuer\":{\"id\":\"%s\",\"type\":[\"Profile\"],\"name\":\"Trường Đại học Cần Thơ\"},"
                          "\"validFrom\":\"2026-06-30T00:00:00Z\",\"credentialSubject\":{\"type\":[\"AchievementSubject\"],"
                          "\"result\":[{\"type\":[\"Result\"],\"value\":\"A\"},{\"type\":[\"Result\"],\"value\":\"B\"}],"
                          "\"achievement\":{\"id\":\"https://ctu.example.edu.vn/achievements/ba\",\"type\":[\"Achievement\"],"
                          "\"achievementType\":\"BachelorDegree\",\"name\":\"Cử nhân Nông học\","
                          "\"description\":\"Tốt nghiệp đại học\",\"criteria\":{\"narrative\":\"Hoàn thành chương trình\"}}}}",
                          did);
  node = json_from_string (text, &error);
  if (node == NULL ||
      !dossier_data_integrity_sign (json_node_get_object (node), suite, pkey, method, "2026-06-30T00:00:00Z", &error))
    {
      g_printerr ("dossier-sign: %s: %s\n", suite, error->message);
      return FALSE;
    }
  name = g_strdup_printf ("di-%s-%s.json", suite, curve);
  return write_json (dir, name, json_node_get_object (node));
}

static int
sign_data_integrity (const char *dir)
{
  EVP_PKEY *p256 = EVP_EC_gen ("P-256"), *p384 = EVP_EC_gen ("P-384");
  EVP_PKEY *ed = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519");
  gboolean ok;

  ok = write_data_integrity (dir, "eddsa-rdfc-2022", "Ed25519", ed) &&
       write_data_integrity (dir, "ecdsa-rdfc-2019", "P-256", p256) &&
       write_data_integrity (dir, "ecdsa-rdfc-2019", "P-384", p384);
  EVP_PKEY_free (p256);
  EVP_PKEY_free (p384);
  EVP_PKEY_free (ed);
  return ok ? 0 : 1;
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "di"))
    return sign_data_integrity (argv[2]);
  if (argc == 3 && g_str_equal (argv[1], "jws"))
    return sign_jws (argv[2]);
  if (argc == 5 && g_str_equal (argv[1], "sd-jwt"))
    return sign_sd_jwt (argv[2], argv[3], argv[4]);
  if (argc == 3 && g_str_equal (argv[1], "hcert"))
    return sign_hcert (argv[2]);
  if (argc == 4 && g_str_equal (argv[1], "jws-verify"))
    return verify_jws (argv[2], argv[3]);
  if (argc == 3 && g_str_equal (argv[1], "jwe-encrypt"))
    return encrypt_jwe (argv[2]);
  if (argc == 4 && g_str_equal (argv[1], "jwe-decrypt"))
    return decrypt_jwe (argv[2], argv[3]);
  g_printerr ("usage: dossier-sign jws DIR | di DIR | sd-jwt DIR AUD NONCE | hcert DIR | jws-verify JWK TOKEN |"
              " jwe-encrypt DIR | jwe-decrypt DIR FILE\n");
  return 2;
}
