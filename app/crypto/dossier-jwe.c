// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-jwe.h"

#include "dossier-base64.h"
#include "dossier-crypto-error.h"
#include "dossier-json.h"

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

/* Only the one JWE profile SMART Health Links use is accepted: a shared
 * 256-bit key used directly ("dir") with AES-256-GCM, a 96-bit IV and a
 * 128-bit tag, the payload optionally raw DEFLATE ("zip": "DEF", inflated
 * by the caller under its own size cap).  Anything else is refused rather
 * than guessed at. */

#define MAX_HEADER_SIZE (8 * 1024)
#define IV_SIZE 12
#define TAG_SIZE 16

struct _DossierJwe
{
  JsonObject *header;
  char       *protected_b64;   /* the additional authenticated data */
  GBytes     *iv;
  GBytes     *ciphertext;
  GBytes     *tag;
};

void
dossier_jwe_free (DossierJwe *jwe)
{
  if (jwe == NULL)
    return;
  g_clear_pointer (&jwe->header, json_object_unref);
  g_free (jwe->protected_b64);
  g_clear_pointer (&jwe->iv, g_bytes_unref);
  g_clear_pointer (&jwe->ciphertext, g_bytes_unref);
  g_clear_pointer (&jwe->tag, g_bytes_unref);
  g_free (jwe);
}

static const char *
header_string (JsonObject *header,
               const char *name)
{
  JsonNode *node = json_object_get_member (header, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
check_header (JsonObject  *header,
              GError     **error)
{
  static const char * const known[] = { "alg", "enc", "zip", "cty", "kid", "typ", NULL };
  const char *zip = header_string (header, "zip");
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (g_strcmp0 (header_string (header, "alg"), "dir") != 0)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                           _("Only JWE with direct encryption (“alg”: “dir”) is accepted"));
      return FALSE;
    }
  if (g_strcmp0 (header_string (header, "enc"), "A256GCM") != 0)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                           _("Only JWE encrypted with A256GCM is accepted"));
      return FALSE;
    }
  if (json_object_has_member (header, "zip") && g_strcmp0 (zip, "DEF") != 0)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                           _("The JWE names a compression other than DEF"));
      return FALSE;
    }
  /* "crit" and any extension we do not know could change the meaning */
  json_object_iter_init (&iter, header);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_strv_contains (known, name))
      {
        g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                     _("The JWE header member “%s” is not supported"), name);
        return FALSE;
      }
  return TRUE;
}

static JsonObject *
parse_header (const char  *text,
              gsize        length,
              GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (length > MAX_HEADER_SIZE)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE,
                           _("The JWE header is too large"));
      return NULL;
    }
  if ((bytes = dossier_base64url_decode (text, (gssize) length, error)) == NULL)
    return NULL;
  root = dossier_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("The JWE header is not a JSON object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

DossierJwe *
dossier_jwe_parse (const char  *compact,
                   gsize        length,
                   GError     **error)
{
  g_autoptr(DossierJwe) jwe = NULL;
  const char *parts[5];
  gsize lengths[5];
  const char *at = compact, *end;

  g_return_val_if_fail (compact != NULL || length == 0, NULL);

  if (length == 0)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("A compact JWE has exactly five parts separated by dots"));
      return NULL;
    }
  end = compact + length;

  if (length > DOSSIER_JWE_MAX_SIZE)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE,
                   _("The encrypted content is larger than %d bytes"), DOSSIER_JWE_MAX_SIZE);
      return NULL;
    }
  for (guint i = 0; i < 5; i++)
    {
      const char *dot = memchr (at, '.', (gsize) (end - at));

      if ((i < 4) != (dot != NULL))
        {
          g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                               _("A compact JWE has exactly five parts separated by dots"));
          return NULL;
        }
      parts[i] = at;
      lengths[i] = (gsize) ((dot != NULL ? dot : end) - at);
      at = dot != NULL ? dot + 1 : end;
    }
  jwe = g_new0 (DossierJwe, 1);
  if ((jwe->header = parse_header (parts[0], lengths[0], error)) == NULL || !check_header (jwe->header, error))
    return NULL;
  if (lengths[1] != 0)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("A JWE with direct encryption carries no encrypted key"));
      return NULL;
    }
  if ((jwe->iv = dossier_base64url_decode (parts[2], (gssize) lengths[2], error)) == NULL ||
      (jwe->ciphertext = dossier_base64url_decode (parts[3], (gssize) lengths[3], error)) == NULL ||
      (jwe->tag = dossier_base64url_decode (parts[4], (gssize) lengths[4], error)) == NULL)
    {
      g_prefix_error (error, _("The JWE is not well formed: "));
      return NULL;
    }
  if (g_bytes_get_size (jwe->iv) != IV_SIZE || g_bytes_get_size (jwe->tag) != TAG_SIZE)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                   _("A JWE encrypted with A256GCM has a %d-byte IV and a %d-byte tag"), IV_SIZE, TAG_SIZE);
      return NULL;
    }
  jwe->protected_b64 = g_strndup (parts[0], lengths[0]);
  return g_steal_pointer (&jwe);
}

JsonObject *
dossier_jwe_get_header (DossierJwe *jwe)
{
  g_return_val_if_fail (jwe != NULL, NULL);
  return jwe->header;
}

const char *
dossier_jwe_get_content_type (DossierJwe *jwe)
{
  g_return_val_if_fail (jwe != NULL, NULL);
  return header_string (jwe->header, "cty");
}

/* Whether the plaintext is raw DEFLATE, for the caller to inflate. */
gboolean
dossier_jwe_is_deflated (DossierJwe *jwe)
{
  g_return_val_if_fail (jwe != NULL, FALSE);
  return g_strcmp0 (header_string (jwe->header, "zip"), "DEF") == 0;
}

static void
wipe_bytes (gpointer data)
{
  GByteArray *array = data;

  OPENSSL_cleanse (array->data, array->len);
  g_byte_array_unref (array);
}

/* Decrypts and authenticates: a wrong key and any changed bit of the
 * header, IV, ciphertext or tag fail alike, with nothing decrypted handed
 * out.  The plaintext is wiped when the returned bytes are released. */
GBytes *
dossier_jwe_decrypt (DossierJwe    *jwe,
                     const guint8  *key,
                     gsize          key_length,
                     GError       **error)
{
  EVP_CIPHER_CTX *ctx;
  GByteArray *plain;
  gsize size;
  int out_length = 0, final_length = 0;
  gboolean ok;

  g_return_val_if_fail (jwe != NULL && key != NULL, NULL);

  if (key_length != DOSSIER_JWE_KEY_SIZE)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                   _("An A256GCM key is %d bytes long"), DOSSIER_JWE_KEY_SIZE);
      return NULL;
    }
  size = g_bytes_get_size (jwe->ciphertext);
  plain = g_byte_array_sized_new ((guint) size + 1);
  g_byte_array_set_size (plain, (guint) size + 1);
  ctx = EVP_CIPHER_CTX_new ();
  ok = ctx != NULL &&
       EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) == 1 &&
       EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, IV_SIZE, NULL) == 1 &&
       EVP_DecryptInit_ex (ctx, NULL, NULL, key, g_bytes_get_data (jwe->iv, NULL)) == 1 &&
       EVP_DecryptUpdate (ctx, NULL, &out_length, (const guint8 *) jwe->protected_b64,
                          (int) strlen (jwe->protected_b64)) == 1 &&
       EVP_DecryptUpdate (ctx, plain->data, &out_length, g_bytes_get_data (jwe->ciphertext, NULL), (int) size) == 1 &&
       EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, TAG_SIZE, (gpointer) g_bytes_get_data (jwe->tag, NULL)) == 1 &&
       EVP_DecryptFinal_ex (ctx, plain->data + out_length, &final_length) == 1;
  EVP_CIPHER_CTX_free (ctx);
  if (!ok)
    {
      wipe_bytes (plain);
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_DECRYPT,
                           _("The content cannot be decrypted: the key is wrong or the content was changed"));
      return NULL;
    }
  g_byte_array_set_size (plain, (guint) (out_length + final_length));
  return g_bytes_new_with_free_func (plain->data, plain->len, wipe_bytes, plain);
}

/* Encrypts @plaintext into a compact JWE under @key with a fresh random
 * IV.  @content_type becomes "cty" when given; @deflated says that the
 * caller has already compressed @plaintext with raw DEFLATE ("zip": "DEF"). */
char *
dossier_jwe_encrypt (gconstpointer   plaintext,
                     gsize           length,
                     const guint8   *key,
                     gsize           key_length,
                     const char     *content_type,
                     gboolean        deflated,
                     GError        **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *header_json = NULL, *header_b64 = NULL, *iv_b64 = NULL, *ciphertext_b64 = NULL, *tag_b64 = NULL;
  g_autofree guint8 *ciphertext = NULL;
  guint8 iv[IV_SIZE], tag[TAG_SIZE];
  EVP_CIPHER_CTX *ctx;
  int out_length = 0, final_length = 0;
  gboolean ok;

  g_return_val_if_fail (plaintext != NULL || length == 0, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (key_length != DOSSIER_JWE_KEY_SIZE)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                   _("An A256GCM key is %d bytes long"), DOSSIER_JWE_KEY_SIZE);
      return NULL;
    }
  if (length > DOSSIER_JWE_MAX_SIZE / 2)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE,
                   _("The content to encrypt is larger than %d bytes"), DOSSIER_JWE_MAX_SIZE / 2);
      return NULL;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "alg");
  json_builder_add_string_value (builder, "dir");
  json_builder_set_member_name (builder, "enc");
  json_builder_add_string_value (builder, "A256GCM");
  if (deflated)
    {
      json_builder_set_member_name (builder, "zip");
      json_builder_add_string_value (builder, "DEF");
    }
  if (content_type != NULL)
    {
      json_builder_set_member_name (builder, "cty");
      json_builder_add_string_value (builder, content_type);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  header_json = json_generator_to_data (generator, NULL);
  header_b64 = dossier_base64url_encode (header_json, strlen (header_json));

  if (RAND_bytes (iv, sizeof iv) != 1)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                           _("No random numbers are available for the IV"));
      return NULL;
    }
  ciphertext = g_malloc (length + 1);
  ctx = EVP_CIPHER_CTX_new ();
  ok = ctx != NULL &&
       EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) == 1 &&
       EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, IV_SIZE, NULL) == 1 &&
       EVP_EncryptInit_ex (ctx, NULL, NULL, key, iv) == 1 &&
       EVP_EncryptUpdate (ctx, NULL, &out_length, (const guint8 *) header_b64, (int) strlen (header_b64)) == 1 &&
       EVP_EncryptUpdate (ctx, ciphertext, &out_length, plaintext, (int) length) == 1 &&
       EVP_EncryptFinal_ex (ctx, ciphertext + out_length, &final_length) == 1 &&
       EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_SIZE, tag) == 1;
  EVP_CIPHER_CTX_free (ctx);
  if (!ok)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY, _("Encryption failed"));
      return NULL;
    }
  iv_b64 = dossier_base64url_encode (iv, sizeof iv);
  ciphertext_b64 = dossier_base64url_encode (ciphertext, (gsize) (out_length + final_length));
  tag_b64 = dossier_base64url_encode (tag, sizeof tag);
  return g_strjoin (".", header_b64, "", iv_b64, ciphertext_b64, tag_b64, NULL);
}
