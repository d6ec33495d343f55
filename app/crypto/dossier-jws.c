// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-jws.h"

#include "dossier-base64.h"
#include "dossier-crypto-error.h"
#include "dossier-json.h"

#include <glib/gi18n-lib.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <string.h>

#define MAX_HEADER_SIZE (16 * 1024)

struct _DossierJws
{
  JsonObject *header;          /* built when first asked for if the header scanned */
  GBytes     *header_bytes;
  DossierJsonScan *header_scan;
  GPtrArray  *header_strings;  /* name, value, ...: strings read from the scan */
  GBytes     *payload;
  GBytes     *signature;
  const char *signing_input;   /* "<header>.<payload>" as received */
  gsize       signing_input_length;
  char       *signing_input_copy;   /* what @signing_input points to, unless in place */
  JsonNode   *payload_json;    /* parsed on first use, so detection and verification share it */
  gboolean    payload_parsed;
  DossierJsonScan *payload_scan;  /* likewise scanned */
  gboolean    payload_scanned;
};

void
dossier_jws_free (DossierJws *jws)
{
  if (jws == NULL)
    return;
  g_clear_pointer (&jws->header, json_object_unref);
  g_clear_pointer (&jws->header_scan, dossier_json_scan_free);
  g_clear_pointer (&jws->header_bytes, g_bytes_unref);
  g_clear_pointer (&jws->header_strings, g_ptr_array_unref);
  g_clear_pointer (&jws->payload, g_bytes_unref);
  g_clear_pointer (&jws->signature, g_bytes_unref);
  g_free (jws->signing_input_copy);
  g_clear_pointer (&jws->payload_json, json_node_unref);
  g_clear_pointer (&jws->payload_scan, dossier_json_scan_free);
  g_free (jws);
}

/* Three base64url parts and nothing else: no white space, no padding.
 * Every verification asks this first, so bytes are classed by table. */
/* The dots in @text, counted up to three. */
guint
dossier_jws_count_dots (const char *text,
                        gsize       length)
{
  const char *dot = text, *end = text + length;
  guint dots = 0;

  while (dots < 3 && (dot = memchr (dot, '.', (gsize) (end - dot))) != NULL)
    {
      dots++;
      dot++;
    }
  return dots;
}

gboolean
dossier_jws_looks_compact (const char *text,
                           gsize       length)
{
  /* 1 for the base64url alphabet and the dot */
  static const guint8 allowed[256] = {
    ['-'] = 1, ['_'] = 1, ['.'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
  };
  const guchar *p = (const guchar *) text;
  guint8 all = 1;
  gsize i = 0;

  /* the dots first, which memchr() finds fastest: most other texts have
   * another number of them */
  if (length == 0 || dossier_jws_count_dots (text, length) != 2)
    return FALSE;
  /* then the alphabet, without a branch per byte, in blocks so that other
   * text is left early */
  for (; i + 32 <= length && all; i += 32)
    for (guint j = 0; j < 32; j++)
      all &= allowed[p[i + j]];
  for (; i < length; i++)
    all &= allowed[p[i]];
  return all;
}

static DossierJws *
parse (const char  *compact,
       gsize        length,
       gboolean     in_place,
       GError     **error)
{
  g_autoptr(DossierJws) jws = g_new0 (DossierJws, 1);
  g_autoptr(JsonNode) header = NULL;
  const char *first_dot, *second_dot, *end = compact + length;
  gsize header_len;

  if (length > DOSSIER_JWS_MAX_SIZE)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE,
                   _("The token is larger than %d bytes"), DOSSIER_JWS_MAX_SIZE);
      return NULL;
    }
  first_dot = memchr (compact, '.', length);
  second_dot = first_dot != NULL ? memchr (first_dot + 1, '.', (gsize) (end - first_dot - 1)) : NULL;
  if (second_dot == NULL || memchr (second_dot + 1, '.', (gsize) (end - second_dot - 1)) != NULL)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("A compact JWS has exactly three parts separated by dots"));
      return NULL;
    }

  header_len = (gsize) (first_dot - compact);
  if (header_len > MAX_HEADER_SIZE)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE,
                           _("The JWS header is too large"));
      return NULL;
    }
  if (!(jws->header_bytes = dossier_base64url_decode (compact, (gssize) header_len, error)) ||
      !(jws->payload = dossier_base64url_decode (first_dot + 1, second_dot - first_dot - 1, error)) ||
      !(jws->signature = dossier_base64url_decode (second_dot + 1, end - second_dot - 1, error)))
    {
      g_prefix_error (error, _("The JWS is not well formed: "));
      return NULL;
    }
  /* a header of the plain subset is read from a scan, which json-glib
   * would read alike; any other is parsed now */
  jws->header_scan = dossier_json_scan_new (g_bytes_get_data (jws->header_bytes, NULL), g_bytes_get_size (jws->header_bytes));
  if (jws->header_scan != NULL &&
      dossier_json_scan_get_kind (jws->header_scan, DOSSIER_JSON_SCAN_ROOT) != DOSSIER_JSON_SCAN_OBJECT)
    g_clear_pointer (&jws->header_scan, dossier_json_scan_free);
  if (jws->header_scan == NULL)
    {
      header = dossier_json_parse (g_bytes_get_data (jws->header_bytes, NULL), g_bytes_get_size (jws->header_bytes));
      if (header == NULL || !JSON_NODE_HOLDS_OBJECT (header))
        {
          g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                               _("The JWS header is not a JSON object"));
          return NULL;
        }
      jws->header = json_object_ref (json_node_get_object (header));
    }
  jws->signing_input_length = (gsize) (second_dot - compact);
  if (in_place)
    jws->signing_input = compact;
  else
    jws->signing_input = jws->signing_input_copy = g_strndup (compact, jws->signing_input_length);
  return g_steal_pointer (&jws);
}

DossierJws *
dossier_jws_parse (const char  *compact,
                   gsize        length,
                   GError     **error)
{
  return parse (compact, length, FALSE, error);
}

/* As dossier_jws_parse(), for a JWS that reads its signing input from
 * @compact, which must outlive it: verification parses each token once
 * and drops it before the text, and a copy of a token is a large
 * allocation, which makes malloc tidy up all the small blocks freed
 * since the last. */
DossierJws *
dossier_jws_parse_in_place (const char  *compact,
                            gsize        length,
                            GError     **error)
{
  return parse (compact, length, TRUE, error);
}

JsonObject *
dossier_jws_get_header (DossierJws *jws)
{
  if (jws->header == NULL)
    {
      g_autoptr(JsonNode) header = dossier_json_parse (g_bytes_get_data (jws->header_bytes, NULL),
                                                       g_bytes_get_size (jws->header_bytes));

      /* the header scanned as an object, so it parses as one */
      jws->header = header != NULL && JSON_NODE_HOLDS_OBJECT (header) ? json_object_ref (json_node_get_object (header))
                                                                       : json_object_new ();
    }
  return jws->header;
}

const char *
dossier_jws_get_header_string (DossierJws *jws,
                               const char *name)
{
  JsonNode *node;
  guint member;
  char *value;

  if (jws->header_scan == NULL)
    {
      node = json_object_get_member (jws->header, name);
      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return NULL;
      return json_node_get_string (node);
    }
  for (guint i = 0; jws->header_strings != NULL && i < jws->header_strings->len; i += 2)
    if (g_str_equal (g_ptr_array_index (jws->header_strings, i), name))
      return g_ptr_array_index (jws->header_strings, i + 1);
  member = dossier_json_scan_get_member (jws->header_scan, DOSSIER_JSON_SCAN_ROOT, name);
  if ((value = dossier_json_scan_dup_string (jws->header_scan, member)) == NULL)
    return NULL;
  if (jws->header_strings == NULL)
    jws->header_strings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (jws->header_strings, g_strdup (name));
  g_ptr_array_add (jws->header_strings, value);
  return value;
}

GBytes *
dossier_jws_get_payload (DossierJws *jws)
{
  return jws->payload;
}

/* The payload as JSON, or NULL when it is not JSON. */
JsonNode *
dossier_jws_get_payload_json (DossierJws *jws)
{
  if (!jws->payload_parsed)
    {
      jws->payload_json = dossier_json_parse (g_bytes_get_data (jws->payload, NULL), g_bytes_get_size (jws->payload));
      jws->payload_parsed = TRUE;
    }
  return jws->payload_json;
}

/* A scan of the payload (see dossier_json_scan_new()), or NULL when it is
 * not JSON of the plain subset and dossier_jws_get_payload_json() must be
 * asked instead.  The scan reads the payload in place: it lives as long as
 * @jws. */
DossierJsonScan *
dossier_jws_get_payload_scan (DossierJws *jws)
{
  if (!jws->payload_scanned)
    {
      jws->payload_scan = dossier_json_scan_new (g_bytes_get_data (jws->payload, NULL), g_bytes_get_size (jws->payload));
      jws->payload_scanned = TRUE;
    }
  return jws->payload_scan;
}

/* Digests fetched from the provider once: EVP_sha256 () and friends make
 * OpenSSL 3 look the implementation up again on every use. */
static const EVP_MD *
digest_named (const char *name)
{
  static EVP_MD *sha256, *sha384;
  static gsize ready;

  if (g_once_init_enter (&ready))
    {
      sha256 = EVP_MD_fetch (NULL, "SHA256", NULL);
      sha384 = EVP_MD_fetch (NULL, "SHA384", NULL);
      g_once_init_leave (&ready, 1);
    }
  return g_str_equal (name, "SHA384") ? sha384 : sha256;
}

/* SHA-256 of @data, with the digest fetched once: SHA256 () fetches it
 * again on every call, which costs more than hashing a short text. */
static GPrivate thread_digest = G_PRIVATE_INIT ((GDestroyNotify) EVP_MD_CTX_free);

/* One digest context per thread, reused: allocating one per hash costs as
 * much as hashing a disclosure. */
static gboolean
digest (const EVP_MD  *md,
        gconstpointer  data,
        gsize          length,
        guint8        *out,
        unsigned int  *out_length)
{
  EVP_MD_CTX *ctx = g_private_get (&thread_digest);

  if (ctx == NULL)
    {
      ctx = EVP_MD_CTX_new ();
      g_private_set (&thread_digest, ctx);
    }
  return ctx != NULL && EVP_DigestInit_ex2 (ctx, md, NULL) == 1 && EVP_DigestUpdate (ctx, data, length) == 1 &&
         EVP_DigestFinal_ex (ctx, out, out_length) == 1;
}

void
dossier_crypto_sha256 (gconstpointer  data,
                       gsize          length,
                       guint8         out[32])
{
  unsigned int out_length = 0;

  if (!digest (digest_named ("SHA256"), data, length, out, &out_length) || out_length != 32)
    g_error ("OpenSSL cannot compute SHA-256");
}

#define MAX_ECDSA_HALF 120   /* bytes of r or s: any curve up to 960 bits */

/* Writes one DER INTEGER holding the unsigned big-endian @value and returns
 * its size; 0 for zero, which no valid signature holds. */
static gsize
write_der_integer (guint8       *out,
                   const guint8 *value,
                   gsize         length)
{
  gsize n = 0;

  while (length > 0 && value[0] == 0)
    {
      value++;
      length--;
    }
  if (length == 0)
    return 0;
  out[n++] = 0x02;
  out[n++] = (guint8) (length + (value[0] >= 0x80));
  if (value[0] >= 0x80)
    out[n++] = 0x00;
  memcpy (out + n, value, length);
  return n + length;
}

/* JOSE carries ECDSA signatures as r || s of fixed size; OpenSSL wants DER.
 * Only the exact size is accepted, so a DER signature in a JWS is refused. */
static guchar *
ecdsa_raw_to_der (const guint8 *raw,
                  gsize         raw_length,
                  gsize         half,
                  int          *der_length)
{
  guint8 body[2 * (3 + MAX_ECDSA_HALF)];
  gsize r_len, s_len, body_len, n = 0;
  guchar *der;

  if (raw_length != 2 * half || half > MAX_ECDSA_HALF)
    return NULL;
  if ((r_len = write_der_integer (body, raw, half)) == 0 ||
      (s_len = write_der_integer (body + r_len, raw + half, half)) == 0)
    return NULL;
  body_len = r_len + s_len;
  der = g_malloc (body_len + 3);
  der[n++] = 0x30;
  if (body_len >= 0x80)
    der[n++] = 0x81;
  der[n++] = (guint8) body_len;
  memcpy (der + n, body, body_len);
  *der_length = (int) (n + body_len);
  return der;
}

/* ECDSA verification contexts, one per key and thread: setting one up
 * (provider look-ups, key export) costs a tenth of the verification
 * itself.  A context holds a reference on its key, so no other key can
 * take a cached key's address; the cache is emptied when it grows large. */
#define MAX_CACHED_CONTEXTS 32

static void
contexts_free (gpointer data)
{
  g_hash_table_unref (data);
}

static GPrivate thread_contexts = G_PRIVATE_INIT (contexts_free);

static EVP_PKEY_CTX *
ecdsa_context_for (EVP_PKEY *pkey)
{
  GHashTable *contexts = g_private_get (&thread_contexts);
  EVP_PKEY_CTX *ctx;

  if (contexts == NULL)
    {
      contexts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) EVP_PKEY_CTX_free);
      g_private_set (&thread_contexts, contexts);
    }
  if ((ctx = g_hash_table_lookup (contexts, pkey)) != NULL)
    return ctx;
  ctx = EVP_PKEY_CTX_new_from_pkey (NULL, pkey, NULL);
  if (ctx == NULL || EVP_PKEY_verify_init (ctx) != 1)
    {
      EVP_PKEY_CTX_free (ctx);
      return NULL;
    }
  if (g_hash_table_size (contexts) >= MAX_CACHED_CONTEXTS)
    g_hash_table_remove_all (contexts);
  g_hash_table_insert (contexts, pkey, ctx);
  return ctx;
}

/* ECDSA over the digest of @data, as EVP_DigestVerify() would do it. */
static int
ecdsa_verify (EVP_PKEY      *pkey,
              const EVP_MD  *md,
              gconstpointer  data,
              gsize          data_length,
              const guchar  *der,
              gsize          der_length)
{
  EVP_PKEY_CTX *ctx = ecdsa_context_for (pkey);
  guint8 hash[EVP_MAX_MD_SIZE];
  unsigned int hash_length = 0;

  if (ctx == NULL || !digest (md, data, data_length, hash, &hash_length))
    return 0;
  return EVP_PKEY_verify (ctx, der, der_length, hash, hash_length);
}

static gboolean
key_fits (const char *alg,
          EVP_PKEY   *pkey)
{
  int bits = EVP_PKEY_get_bits (pkey);

  if (g_str_equal (alg, "ES256"))
    return EVP_PKEY_is_a (pkey, "EC") && bits == 256;
  if (g_str_equal (alg, "ECDSA-SHA256"))
    return EVP_PKEY_is_a (pkey, "EC");
  if (g_str_equal (alg, "ES384"))
    return EVP_PKEY_is_a (pkey, "EC") && bits == 384;
  if (g_str_equal (alg, "EdDSA"))
    return EVP_PKEY_is_a (pkey, "ED25519");
  if (g_str_equal (alg, "RS256") || g_str_equal (alg, "PS256"))
    return EVP_PKEY_is_a (pkey, "RSA") && bits >= 2048;
  return FALSE;
}

/* Verifies @signature (in JOSE form) over @data.  Only asymmetric
 * algorithms are accepted: "none" and the HMAC family never verify.
 * "ECDSA-SHA256" is COSE's ES256 as EU DCC signers use it: SHA-256 with
 * ECDSA on whatever curve the signer certificate has. */
gboolean
dossier_crypto_verify (const char    *alg,
                       EVP_PKEY      *pkey,
                       gconstpointer  data,
                       gsize          data_length,
                       gconstpointer  signature,
                       gsize          signature_length,
                       GError       **error)
{
  const EVP_MD *md = NULL;
  EVP_MD_CTX *ctx;
  EVP_PKEY_CTX *pctx = NULL;
  g_autofree guchar *der = NULL;
  const guchar *sig = signature;
  gsize sig_len = signature_length;
  int der_len = 0, rc;

  if (alg == NULL || !(g_str_equal (alg, "ES256") || g_str_equal (alg, "ES384") || g_str_equal (alg, "EdDSA") ||
                       g_str_equal (alg, "RS256") || g_str_equal (alg, "PS256") || g_str_equal (alg, "ECDSA-SHA256")))
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                   _("Signature algorithm “%s” is not accepted"), alg != NULL ? alg : "");
      return FALSE;
    }
  if (!key_fits (alg, pkey))
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                   _("The key does not fit algorithm %s"), alg);
      return FALSE;
    }
  if (g_str_equal (alg, "ES256") || g_str_equal (alg, "ES384") || g_str_equal (alg, "ECDSA-SHA256"))
    {
      gsize half = (gsize) (EVP_PKEY_get_bits (pkey) + 7) / 8;

      md = digest_named (g_str_equal (alg, "ES384") ? "SHA384" : "SHA256");
      der = ecdsa_raw_to_der (signature, signature_length, half, &der_len);
      if (der == NULL)
        {
          g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_SIGNATURE,
                       _("An %s signature must be %zu bytes of r and s"), alg, 2 * half);
          return FALSE;
        }
      sig = der;
      sig_len = (gsize) der_len;
    }
  else if (!g_str_equal (alg, "EdDSA"))
    md = digest_named ("SHA256");

  if (der != NULL)
    rc = ecdsa_verify (pkey, md, data, data_length, der, (gsize) der_len);
  else
    {
      ctx = EVP_MD_CTX_new ();
      rc = EVP_DigestVerifyInit (ctx, &pctx, md, NULL, pkey);
      if (rc == 1 && g_str_equal (alg, "PS256"))
        rc = EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md (pctx, digest_named ("SHA256")) == 1;
      else if (rc == 1 && g_str_equal (alg, "RS256"))
        rc = EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PADDING) == 1;
      if (rc == 1)
        rc = EVP_DigestVerify (ctx, sig, sig_len, data, data_length);
      EVP_MD_CTX_free (ctx);
    }
  if (rc != 1)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_SIGNATURE,
                           _("The signature does not match"));
      return FALSE;
    }
  return TRUE;
}

gboolean
dossier_jws_verify (DossierJws  *jws,
                    DossierJwk  *key,
                    GError     **error)
{
  return dossier_crypto_verify (dossier_jws_get_header_string (jws, "alg"), dossier_jwk_get_pkey (key),
                                jws->signing_input, jws->signing_input_length,
                                g_bytes_get_data (jws->signature, NULL), g_bytes_get_size (jws->signature),
                                error);
}

/* Signs @data and returns the signature in JOSE form (r || s for ECDSA). */
GBytes *
dossier_crypto_sign (const char    *alg,
                     EVP_PKEY      *pkey,
                     gconstpointer  data,
                     gsize          data_length,
                     GError       **error)
{
  const EVP_MD *md = NULL;
  EVP_MD_CTX *ctx;
  EVP_PKEY_CTX *pctx = NULL;
  g_autofree guchar *sig = NULL;
  gsize sig_len = 0;
  gsize half = 0;
  int rc;

  if (alg == NULL || !key_fits (alg, pkey))
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                   _("The key does not fit algorithm %s"), alg != NULL ? alg : "");
      return NULL;
    }
  if (g_str_equal (alg, "ES256"))
    md = EVP_sha256 (), half = 32;
  else if (g_str_equal (alg, "ES384"))
    md = EVP_sha384 (), half = 48;
  else if (!g_str_equal (alg, "EdDSA"))
    md = EVP_sha256 ();

  ctx = EVP_MD_CTX_new ();
  rc = EVP_DigestSignInit (ctx, &pctx, md, NULL, pkey);
  if (rc == 1 && g_str_equal (alg, "PS256"))
    rc = EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md (pctx, EVP_sha256 ()) == 1;
  if (rc == 1)
    rc = EVP_DigestSign (ctx, NULL, &sig_len, data, data_length);
  if (rc == 1)
    {
      sig = g_malloc (sig_len);
      rc = EVP_DigestSign (ctx, sig, &sig_len, data, data_length);
    }
  EVP_MD_CTX_free (ctx);
  if (rc != 1)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY, _("Signing failed"));
      return NULL;
    }
  if (half > 0)
    {
      const guchar *p = sig;
      ECDSA_SIG *ecdsa = d2i_ECDSA_SIG (NULL, &p, (long) sig_len);
      guint8 *raw = g_malloc0 (2 * half);

      if (ecdsa == NULL ||
          BN_bn2binpad (ECDSA_SIG_get0_r (ecdsa), raw, (int) half) < 0 ||
          BN_bn2binpad (ECDSA_SIG_get0_s (ecdsa), raw + half, (int) half) < 0)
        {
          ECDSA_SIG_free (ecdsa);
          g_free (raw);
          g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY, _("Signing failed"));
          return NULL;
        }
      ECDSA_SIG_free (ecdsa);
      return g_bytes_new_take (raw, 2 * half);
    }
  return g_bytes_new_take (g_steal_pointer (&sig), sig_len);
}
