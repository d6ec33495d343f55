// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-issuer-identity.h"

#include "dossier-base64.h"
#include "dossier-jcs.h"
#include "dossier-json.h"
#include "dossier-jwk.h"
#include "dossier-multikey.h"
#include "dossier-secret.h"
#include "dossier-status-list.h"
#include "dossier-vc-jwt.h"

#include <argon2.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <string.h>
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#define FORMAT_VERSION   1
#define KDF_ITERATIONS   3
#define KDF_MEMORY_KIB   (64 * 1024)
#define KDF_PARALLELISM  1
#define SALT_SIZE        16
#define IV_SIZE          12
#define TAG_SIZE         16
#define KEY_SIZE         32
#define MAX_SMALL_FILE   (1024 * 1024)
#define MAX_ISSUED_FILE  (64 * 1024 * 1024)
#define STATUS_BYTES     (DOSSIER_ISSUER_STATUS_ENTRIES / 8)

G_DEFINE_QUARK (dossier-issuer-error-quark, dossier_issuer_error)

void
dossier_issuer_free (DossierIssuer *self)
{
  if (self == NULL)
    return;
  g_free (self->dir);
  g_free (self->id);
  g_free (self->url);
  g_free (self->name_vi);
  g_free (self->name_en);
  g_free (self->logo);
  g_free (self->p256_kid);
  g_free (self->ed25519_kid);
  EVP_PKEY_free (self->p256);
  EVP_PKEY_free (self->ed25519);
  g_clear_pointer (&self->issued, json_object_unref);
  g_clear_pointer (&self->bits, g_hash_table_unref);
  if (self->lock_fd > 0)
    close (self->lock_fd);   /* 0 in an identity never unlocked */
  g_free (self);
}

/* Written whole or not at all; private files readable by their owner only. */
gboolean
dossier_issuer_write_file (const char  *path,
                           const char  *contents,
                           gssize       length,
                           gboolean     secret,
                           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot create the folder %s: %s"),
                   dir, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_CONSISTENT, secret ? 0600 : 0644, error);
}

static gboolean
write_json (const char  *path,
            JsonNode    *node,
            gboolean     secret,
            GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  return dossier_issuer_write_file (path, text, -1, secret, error);
}

static gboolean
write_object (const char  *path,
              JsonObject  *object,
              gboolean     secret,
              GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return write_json (path, node, secret, error);
}

static JsonObject *
read_object (const char  *path,
             gsize        limit,
             GError     **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  g_autoptr(JsonNode) root = NULL;

  if (file == NULL)
    return NULL;
  if (g_mapped_file_get_length (file) > limit ||
      (root = dossier_json_parse (g_mapped_file_get_contents (file), g_mapped_file_get_length (file))) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_DAMAGED, _("%s is damaged: not a JSON object"), path);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* https://school.example.edu.vn/khoa -> did:web:school.example.edu.vn:khoa */
char *
dossier_issuer_did_for_url (const char  *url,
                            GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_auto(GStrv) segments = NULL;
  GString *did;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL ||
      *g_uri_get_host (uri) == '\0' || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_INVALID,
                   _("“%s” is not an https:// address of the school’s web site"), url);
      return NULL;
    }
  did = g_string_new ("did:web:");
  g_string_append (did, g_uri_get_host (uri));
  if (g_uri_get_port (uri) > 0 && g_uri_get_port (uri) != 443)
    g_string_append_printf (did, "%%3A%d", g_uri_get_port (uri));
  segments = g_strsplit (g_uri_get_path (uri), "/", 32);
  for (guint i = 0; segments[i] != NULL; i++)
    if (*segments[i] != '\0')
      {
        g_string_append_c (did, ':');
        g_string_append (did, segments[i]);
      }
  return g_string_free (did, FALSE);
}

static gboolean
derive_key (JsonObject  *kdf,
            const char  *passphrase,
            guint8      *key,
            GError     **error)
{
  gint64 iterations = json_object_get_int_member_with_default (kdf, "iterations", 0);
  gint64 memory = json_object_get_int_member_with_default (kdf, "memory_kib", 0);
  gint64 parallelism = json_object_get_int_member_with_default (kdf, "parallelism", 0);
  g_autoptr(GBytes) salt = NULL;
  int rc;

  if (g_strcmp0 (dossier_json_get_string (kdf, "algorithm"), "argon2id") != 0 ||
      iterations < 1 || iterations > 64 || memory < 8 * 1024 || memory > 4 * 1024 * 1024 ||
      parallelism < 1 || parallelism > 16 || dossier_json_get_string (kdf, "salt") == NULL ||
      (salt = dossier_base64url_decode (dossier_json_get_string (kdf, "salt"), -1, NULL)) == NULL ||
      g_bytes_get_size (salt) != SALT_SIZE)
    {
      g_set_error_literal (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_DAMAGED,
                           _("keys.json is damaged: its key derivation settings are not readable"));
      return FALSE;
    }
  rc = argon2id_hash_raw ((uint32_t) iterations, (uint32_t) memory, (uint32_t) parallelism,
                          passphrase, strlen (passphrase), g_bytes_get_data (salt, NULL), SALT_SIZE, key, KEY_SIZE);
  if (rc != ARGON2_OK)
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_FAILED, _("Key derivation failed: %s"),
                   argon2_error_message (rc));
      return FALSE;
    }
  return TRUE;
}

/* AES-256-GCM of @plain under @key, authenticated with @aad. */
static gboolean
seal (const guint8  *key,
      const char    *aad,
      const guint8  *plain,
      gsize          length,
      JsonObject    *out)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  guint8 iv[IV_SIZE];
  g_autofree guint8 *sealed = g_malloc (length + TAG_SIZE);
  int written = 0, final = 0;
  gboolean ok;

  ok = ctx != NULL && RAND_bytes (iv, sizeof iv) == 1 &&
       EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, iv) == 1 &&
       EVP_EncryptUpdate (ctx, NULL, &written, (const guchar *) aad, (int) strlen (aad)) == 1 &&
       EVP_EncryptUpdate (ctx, sealed, &written, plain, (int) length) == 1 &&
       EVP_EncryptFinal_ex (ctx, sealed + written, &final) == 1 &&
       EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_SIZE, sealed + length) == 1;
  EVP_CIPHER_CTX_free (ctx);
  if (ok)
    {
      g_autofree char *iv_text = dossier_base64url_encode (iv, sizeof iv);
      g_autofree char *sealed_text = dossier_base64url_encode (sealed, length + TAG_SIZE);

      json_object_set_string_member (out, "iv", iv_text);
      json_object_set_string_member (out, "ciphertext", sealed_text);
    }
  dossier_secure_wipe (sealed, length + TAG_SIZE);
  return ok;
}

static EVP_PKEY *
open_sealed (const guint8  *key,
             JsonObject    *entry,
             GError       **error)
{
  const char *kid = dossier_json_get_string (entry, "kid");
  g_autoptr(GBytes) iv = NULL, sealed = NULL;
  EVP_CIPHER_CTX *ctx;
  guint8 *plain;
  gsize length;
  int written = 0, final = 0;
  gboolean ok;
  EVP_PKEY *pkey = NULL;

  if (kid == NULL || dossier_json_get_string (entry, "iv") == NULL || dossier_json_get_string (entry, "ciphertext") == NULL ||
      (iv = dossier_base64url_decode (dossier_json_get_string (entry, "iv"), -1, NULL)) == NULL ||
      (sealed = dossier_base64url_decode (dossier_json_get_string (entry, "ciphertext"), -1, NULL)) == NULL ||
      g_bytes_get_size (iv) != IV_SIZE || g_bytes_get_size (sealed) <= TAG_SIZE || g_bytes_get_size (sealed) > 4096)
    {
      g_set_error_literal (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_DAMAGED, _("keys.json is damaged"));
      return NULL;
    }
  length = g_bytes_get_size (sealed) - TAG_SIZE;
  plain = dossier_secure_alloc (length);
  ctx = EVP_CIPHER_CTX_new ();
  ok = ctx != NULL && EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, g_bytes_get_data (iv, NULL)) == 1 &&
       EVP_DecryptUpdate (ctx, NULL, &written, (const guchar *) kid, (int) strlen (kid)) == 1 &&
       EVP_DecryptUpdate (ctx, plain, &written, g_bytes_get_data (sealed, NULL), (int) length) == 1 &&
       EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, TAG_SIZE,
                            (guint8 *) g_bytes_get_data (sealed, NULL) + length) == 1 &&
       EVP_DecryptFinal_ex (ctx, plain + written, &final) == 1;
  EVP_CIPHER_CTX_free (ctx);
  if (ok)
    {
      const guchar *p = plain;
      PKCS8_PRIV_KEY_INFO *info = d2i_PKCS8_PRIV_KEY_INFO (NULL, &p, (long) length);

      pkey = info != NULL ? EVP_PKCS82PKEY (info) : NULL;
      PKCS8_PRIV_KEY_INFO_free (info);
    }
  dossier_secure_free (plain, length);
  if (!ok)
    g_set_error_literal (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_PASSPHRASE,
                         _("Wrong passphrase for the signing keys"));
  else if (pkey == NULL)
    g_set_error_literal (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_DAMAGED, _("keys.json holds an unreadable key"));
  return pkey;
}

static gboolean
seal_key (const guint8 *key,
          EVP_PKEY     *pkey,
          const char   *kid,
          const char   *alg,
          JsonArray    *keys)
{
  PKCS8_PRIV_KEY_INFO *info = EVP_PKEY2PKCS8 (pkey);
  guchar *der = NULL;
  int length = info != NULL ? i2d_PKCS8_PRIV_KEY_INFO (info, &der) : -1;
  JsonObject *entry = json_object_new ();
  gboolean ok;

  json_object_set_string_member (entry, "kid", kid);
  json_object_set_string_member (entry, "alg", alg);
  ok = length > 0 && seal (key, kid, der, (gsize) length, entry);
  if (der != NULL)
    {
      OPENSSL_cleanse (der, (gsize) length);
      OPENSSL_free (der);
    }
  PKCS8_PRIV_KEY_INFO_free (info);
  json_array_add_object_element (keys, entry);
  return ok;
}

static JsonObject *
public_jwk (EVP_PKEY   *pkey,
            const char *kid,
            const char *alg)
{
  JsonObject *jwk = dossier_jwk_public_json_for_pkey (pkey, NULL);

  json_object_set_string_member (jwk, "kid", kid);
  json_object_set_string_member (jwk, "alg", alg);
  json_object_set_string_member (jwk, "use", "sig");
  return jwk;
}

static JsonObject *
did_document (const char *did,
              EVP_PKEY   *p256,
              const char *p256_kid,
              EVP_PKEY   *ed25519,
              const char *ed25519_kid)
{
  JsonObject *document = json_object_new ();
  JsonArray *context = json_array_new ();
  JsonArray *methods = json_array_new ();
  JsonArray *assertion = json_array_new ();
  JsonArray *authentication = json_array_new ();
  JsonObject *method = json_object_new ();

  json_array_add_string_element (context, "https://www.w3.org/ns/did/v1");
  json_array_add_string_element (context, "https://w3id.org/security/multikey/v1");
  json_array_add_string_element (context, "https://w3id.org/security/suites/jws-2020/v1");
  json_object_set_array_member (document, "@context", context);
  json_object_set_string_member (document, "id", did);
  json_object_set_string_member (method, "id", p256_kid);
  json_object_set_string_member (method, "type", "JsonWebKey2020");
  json_object_set_string_member (method, "controller", did);
  json_object_set_object_member (method, "publicKeyJwk", dossier_jwk_public_json_for_pkey (p256, NULL));
  json_array_add_object_element (methods, method);
  json_array_add_string_element (assertion, p256_kid);
  json_array_add_string_element (authentication, p256_kid);
  if (ed25519 != NULL)
    {
      g_autofree char *multikey = dossier_multikey_encode (ed25519, NULL);

      method = json_object_new ();
      json_object_set_string_member (method, "id", ed25519_kid);
      json_object_set_string_member (method, "type", "Multikey");
      json_object_set_string_member (method, "controller", did);
      json_object_set_string_member (method, "publicKeyMultibase", multikey);
      json_array_add_object_element (methods, method);
      json_array_add_string_element (assertion, ed25519_kid);
      json_array_add_string_element (authentication, ed25519_kid);
    }
  json_object_set_array_member (document, "verificationMethod", methods);
  json_object_set_array_member (document, "assertionMethod", assertion);
  json_object_set_array_member (document, "authentication", authentication);
  return document;
}

static JsonObject *
display (const char *name,
         const char *locale,
         const char *logo)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", name);
  json_object_set_string_member (object, "locale", locale);
  if (logo != NULL)
    {
      JsonObject *image = json_object_new ();

      json_object_set_string_member (image, "uri", logo);
      json_object_set_object_member (object, "logo", image);
    }
  return object;
}

/* OpenID4VCI credential issuer metadata, as .well-known/openid-credential-issuer */
static JsonObject *
issuer_metadata (DossierIssuer *self)
{
  static const char * const templates[] = { "thpt-diploma", "degree", "certificate" };
  static const char * const formats[][2] = { { "vc-jwt", "jwt_vc_json" }, { "sd-jwt", "dc+sd-jwt" }, { "di", "ldp_vc" } };
  JsonObject *metadata = json_object_new ();
  JsonArray *names = json_array_new ();
  JsonObject *configurations = json_object_new ();
  g_autofree char *endpoint = g_strconcat (self->url, "/credential", NULL);

  json_object_set_string_member (metadata, "credential_issuer", self->url);
  json_object_set_string_member (metadata, "credential_endpoint", endpoint);
  json_array_add_object_element (names, display (self->name_vi, "vi", self->logo));
  json_array_add_object_element (names, display (self->name_en, "en", self->logo));
  json_object_set_array_member (metadata, "display", names);
  for (guint t = 0; t < G_N_ELEMENTS (templates); t++)
    for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
      {
        g_autofree char *id = g_strdup_printf ("%s-%s", templates[t], formats[f][0]);
        JsonObject *configuration = json_object_new ();
        JsonArray *algs = json_array_new ();

        json_object_set_string_member (configuration, "format", formats[f][1]);
        if (g_str_equal (formats[f][0], "di"))
          json_array_add_string_element (algs, "eddsa-jcs-2022");
        else
          json_array_add_string_element (algs, "ES256");
        json_object_set_array_member (configuration, "credential_signing_alg_values_supported", algs);
        if (g_str_equal (formats[f][0], "sd-jwt"))
          {
            g_autofree char *vct = g_strdup_printf ("%s/credentials/%s", self->url, templates[t]);

            json_object_set_string_member (configuration, "vct", vct);
          }
        json_object_set_object_member (configurations, id, configuration);
      }
  json_object_set_object_member (metadata, "credential_configurations_supported", configurations);
  return metadata;
}

static char *
path_in (DossierIssuer *self,
         const char    *name)
{
  return g_build_filename (self->dir, name, NULL);
}

static char *
status_path (DossierIssuer *self,
             const char    *purpose,
             const char    *extension)
{
  g_autofree char *file = g_strconcat (purpose, extension, NULL);

  return g_build_filename (self->dir, "status", file, NULL);
}

gboolean
dossier_issuer_create (const char  *dir,
                       const char  *name_vi,
                       const char  *name_en,
                       const char  *url,
                       const char  *logo,
                       gboolean     with_ed25519,
                       const char  *passphrase,
                       GError     **error)
{
  g_autoptr(DossierIssuer) self = g_new0 (DossierIssuer, 1);
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(JsonObject) keyfile = json_object_new ();
  g_autoptr(JsonObject) kdf = json_object_new ();
  g_autoptr(JsonObject) jwks = json_object_new ();
  g_autoptr(JsonObject) did = NULL;
  g_autoptr(JsonObject) metadata = NULL;
  g_autofree guint8 *zeros = g_malloc0 (STATUS_BYTES);
  g_autofree char *config_path = g_build_filename (dir, "issuer.json", NULL);
  JsonArray *sealed = json_array_new ();
  JsonArray *keys = json_array_new ();
  JsonObject *names;
  guint8 salt[SALT_SIZE];
  guint8 *key;
  gboolean ok;

  g_return_val_if_fail (dir != NULL && name_vi != NULL && url != NULL && passphrase != NULL, FALSE);

  json_object_set_array_member (keyfile, "keys", sealed);
  json_object_set_array_member (jwks, "keys", keys);
  if (g_file_test (config_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_EXISTS,
                   _("%s already holds a school’s signing identity; choose another folder"), dir);
      return FALSE;
    }
  if (strlen (passphrase) < 8)
    {
      g_set_error_literal (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_PASSPHRASE,
                           _("The passphrase must be at least 8 characters long"));
      return FALSE;
    }
  self->dir = g_strdup (dir);
  if ((self->id = dossier_issuer_did_for_url (url, error)) == NULL)
    return FALSE;
  self->url = g_strdup (url);
  while (g_str_has_suffix (self->url, "/"))
    self->url[strlen (self->url) - 1] = '\0';
  self->name_vi = g_strdup (name_vi);
  self->name_en = g_strdup (name_en != NULL ? name_en : name_vi);
  self->logo = g_strdup (logo);
  self->p256_kid = g_strconcat (self->id, "#key-p256", NULL);
  self->p256 = EVP_EC_gen ("P-256");
  if (with_ed25519)
    {
      self->ed25519_kid = g_strconcat (self->id, "#key-ed25519", NULL);
      self->ed25519 = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519");
    }
  if (self->p256 == NULL || (with_ed25519 && self->ed25519 == NULL) || RAND_bytes (salt, sizeof salt) != 1)
    {
      g_set_error_literal (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_FAILED, _("Cannot make the signing keys"));
      return FALSE;
    }

  {
    g_autofree char *salt_text = dossier_base64url_encode (salt, sizeof salt);

    json_object_set_string_member (kdf, "algorithm", "argon2id");
    json_object_set_int_member (kdf, "version", ARGON2_VERSION_13);
    json_object_set_int_member (kdf, "iterations", KDF_ITERATIONS);
    json_object_set_int_member (kdf, "memory_kib", KDF_MEMORY_KIB);
    json_object_set_int_member (kdf, "parallelism", KDF_PARALLELISM);
    json_object_set_string_member (kdf, "salt", salt_text);
  }
  key = dossier_secure_alloc (KEY_SIZE);
  ok = derive_key (kdf, passphrase, key, error);
  if (ok)
    ok = seal_key (key, self->p256, self->p256_kid, "ES256", sealed) &&
         (self->ed25519 == NULL || seal_key (key, self->ed25519, self->ed25519_kid, "EdDSA", sealed));
  dossier_secure_free (key, KEY_SIZE);
  if (!ok)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_FAILED, _("Cannot encrypt the signing keys"));
      return FALSE;
    }
  json_object_set_int_member (keyfile, "format", FORMAT_VERSION);
  json_object_set_object_member (keyfile, "kdf", json_object_ref (kdf));

  json_array_add_object_element (keys, public_jwk (self->p256, self->p256_kid, "ES256"));
  if (self->ed25519 != NULL)
    json_array_add_object_element (keys, public_jwk (self->ed25519, self->ed25519_kid, "EdDSA"));
  did = did_document (self->id, self->p256, self->p256_kid, self->ed25519, self->ed25519_kid);
  metadata = issuer_metadata (self);

  json_object_set_int_member (config, "format", FORMAT_VERSION);
  json_object_set_string_member (config, "id", self->id);
  json_object_set_string_member (config, "url", self->url);
  names = json_object_new ();
  json_object_set_string_member (names, "vi", self->name_vi);
  json_object_set_string_member (names, "en", self->name_en);
  json_object_set_object_member (config, "name", names);
  if (logo != NULL)
    json_object_set_string_member (config, "logo", logo);
  json_object_set_string_member (config, "p256_kid", self->p256_kid);
  if (self->ed25519_kid != NULL)
    json_object_set_string_member (config, "ed25519_kid", self->ed25519_kid);
  self->issued = json_object_new ();
  json_object_set_int_member (self->issued, "next_index", 0);
  json_object_set_array_member (self->issued, "credentials", json_array_new ());

  {
    g_autofree char *keys_path = path_in (self, "keys.json");
    g_autofree char *jwks_path = path_in (self, "jwks.json");
    g_autofree char *did_path = path_in (self, "did.json");
    g_autofree char *metadata_path = path_in (self, "openid-credential-issuer.json");
    g_autofree char *issued_path = path_in (self, "issued.json");
    g_autofree char *revocation = status_path (self, "revocation", ".bits");
    g_autofree char *suspension = status_path (self, "suspension", ".bits");

    if (g_mkdir_with_parents (dir, 0700) != 0)
      {
        int saved = errno;

        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot create the folder %s: %s"),
                     dir, g_strerror (saved));
        return FALSE;
      }
    /* issuer.json last: a folder without it is not an identity yet */
    return write_object (keys_path, keyfile, TRUE, error) &&
           write_object (jwks_path, jwks, FALSE, error) &&
           write_object (did_path, did, FALSE, error) &&
           write_object (metadata_path, metadata, FALSE, error) &&
           write_object (issued_path, self->issued, FALSE, error) &&
           dossier_issuer_write_file (revocation, (const char *) zeros, STATUS_BYTES, FALSE, error) &&
           dossier_issuer_write_file (suspension, (const char *) zeros, STATUS_BYTES, FALSE, error) &&
           dossier_issuer_write_status_lists (self, error) &&
           write_object (config_path, config, FALSE, error);
  }
}

DossierIssuer *
dossier_issuer_open (const char  *dir,
                     GError     **error)
{
  g_autoptr(DossierIssuer) self = g_new0 (DossierIssuer, 1);
  g_autofree char *config_path = g_build_filename (dir, "issuer.json", NULL);
  g_autofree char *issued_path = g_build_filename (dir, "issued.json", NULL);
  g_autoptr(JsonObject) config = NULL;
  JsonObject *names;

  g_return_val_if_fail (dir != NULL, NULL);

  if (!g_file_test (config_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_NOT_FOUND,
                   _("%s holds no signing identity; create one with “dossier-issuer init”"), dir);
      return NULL;
    }
  if ((config = read_object (config_path, MAX_SMALL_FILE, error)) == NULL ||
      (self->issued = read_object (issued_path, MAX_ISSUED_FILE, error)) == NULL)
    return NULL;
  names = dossier_json_get_object (config, "name");
  self->dir = g_strdup (dir);
  self->id = g_strdup (dossier_json_get_string (config, "id"));
  self->url = g_strdup (dossier_json_get_string (config, "url"));
  self->name_vi = g_strdup (dossier_json_get_string (names, "vi"));
  self->name_en = g_strdup (dossier_json_get_string (names, "en") ?: self->name_vi);
  self->logo = g_strdup (dossier_json_get_string (config, "logo"));
  self->p256_kid = g_strdup (dossier_json_get_string (config, "p256_kid"));
  self->ed25519_kid = g_strdup (dossier_json_get_string (config, "ed25519_kid"));
  if (self->id == NULL || !g_str_has_prefix (self->id, "did:web:") || self->url == NULL || self->name_vi == NULL ||
      self->p256_kid == NULL || dossier_json_get_array (self->issued, "credentials") == NULL)
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_DAMAGED, _("%s is damaged"), config_path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

gboolean
dossier_issuer_unlock (DossierIssuer  *self,
                       const char     *passphrase,
                       GError        **error)
{
  g_autofree char *path = path_in (self, "keys.json");
  g_autoptr(JsonObject) keyfile = NULL;
  JsonArray *sealed;
  guint8 *key;
  gboolean ok;

  g_return_val_if_fail (self != NULL && passphrase != NULL, FALSE);

  if (self->p256 != NULL)
    return TRUE;
  /* one run at a time signs with an identity: two would hand out the same
   * status entries */
  {
    g_autofree char *lock_path = path_in (self, ".lock");

    self->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (self->lock_fd < 0 || flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
      {
        g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_FAILED,
                     _("Another dossier-issuer is using %s; try again when it has finished"), self->dir);
        return FALSE;
      }
  }
  if ((keyfile = read_object (path, MAX_SMALL_FILE, error)) == NULL)
    return FALSE;
  sealed = dossier_json_get_array (keyfile, "keys");
  if (sealed == NULL || dossier_json_get_object (keyfile, "kdf") == NULL)
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_DAMAGED, _("%s is damaged"), path);
      return FALSE;
    }
  key = dossier_secure_alloc (KEY_SIZE);
  ok = derive_key (dossier_json_get_object (keyfile, "kdf"), passphrase, key, error);
  for (guint i = 0; ok && i < json_array_get_length (sealed) && i < 8; i++)
    {
      JsonNode *node = json_array_get_element (sealed, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *kid = dossier_json_get_string (entry, "kid");
      EVP_PKEY *pkey = entry != NULL ? open_sealed (key, entry, error) : NULL;

      if (pkey == NULL)
        ok = FALSE;
      else if (g_strcmp0 (kid, self->p256_kid) == 0 && EVP_PKEY_is_a (pkey, "EC"))
        self->p256 = pkey;
      else if (g_strcmp0 (kid, self->ed25519_kid) == 0 && EVP_PKEY_is_a (pkey, "ED25519"))
        self->ed25519 = pkey;
      else
        EVP_PKEY_free (pkey);
    }
  dossier_secure_free (key, KEY_SIZE);
  if (ok && (self->p256 == NULL || (self->ed25519_kid != NULL && self->ed25519 == NULL)))
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_DAMAGED, _("%s lacks a signing key"), path);
      ok = FALSE;
    }
  if (!ok)
    {
      g_clear_pointer (&self->p256, EVP_PKEY_free);
      g_clear_pointer (&self->ed25519, EVP_PKEY_free);
    }
  return ok;
}

char *
dossier_issuer_status_url (DossierIssuer *self,
                           const char    *purpose)
{
  return g_strdup_printf ("%s/status/%s.jwt", self->url, purpose);
}

guint
dossier_issuer_next_index (DossierIssuer *self)
{
  return (guint) json_object_get_int_member_with_default (self->issued, "next_index", 0);
}

/* Adds @entries (JsonObject, each with its "index") to issued.json. */
gboolean
dossier_issuer_record (DossierIssuer  *self,
                       GPtrArray      *entries,
                       GError        **error)
{
  g_autofree char *path = path_in (self, "issued.json");
  JsonArray *credentials = dossier_json_get_array (self->issued, "credentials");
  guint next = dossier_issuer_next_index (self);

  for (guint i = 0; i < entries->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (entries, i);

      next = MAX (next, (guint) json_object_get_int_member (entry, "index") + 1);
      json_array_add_object_element (credentials, json_object_ref (entry));
    }
  json_object_set_int_member (self->issued, "next_index", next);
  return write_object (path, self->issued, FALSE, error);
}

/* The issued credentials whose id, diploma number or register number is
 * @id: one diploma may have been issued in several formats. */
GPtrArray *
dossier_issuer_find_all (DossierIssuer *self,
                         const char    *id)
{
  JsonArray *credentials = dossier_json_get_array (self->issued, "credentials");
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (credentials); i++)
    {
      JsonNode *node = json_array_get_element (credentials, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (entry != NULL && (g_strcmp0 (dossier_json_get_string (entry, "id"), id) == 0 ||
                            g_strcmp0 (dossier_json_get_string (entry, "diplomaNumber"), id) == 0 ||
                            g_strcmp0 (dossier_json_get_string (entry, "registerNumber"), id) == 0))
        g_ptr_array_add (found, entry);
    }
  return found;
}

JsonObject *
dossier_issuer_find (DossierIssuer *self,
                     const char    *id)
{
  g_autoptr(GPtrArray) found = dossier_issuer_find_all (self, id);

  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

static GBytes *
read_bits (DossierIssuer  *self,
           const char     *purpose,
           GError        **error)
{
  g_autofree char *path = status_path (self, purpose, ".bits");
  char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  if (length != STATUS_BYTES)
    {
      g_free (data);
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_DAMAGED, _("%s is damaged"), path);
      return NULL;
    }
  return g_bytes_new_take (data, length);
}

gboolean
dossier_issuer_get_status (DossierIssuer *self,
                           const char    *purpose,
                           guint          index)
{
  GBytes *bits;

  if (self->bits == NULL)
    self->bits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  bits = g_hash_table_lookup (self->bits, purpose);
  if (bits == NULL && (bits = read_bits (self, purpose, NULL)) != NULL)
    g_hash_table_insert (self->bits, g_strdup (purpose), bits);

  if (bits == NULL || index >= DOSSIER_ISSUER_STATUS_ENTRIES)
    return FALSE;
  return (((const guint8 *) g_bytes_get_data (bits, NULL))[index / 8] >> (7 - index % 8)) & 1;
}

/* Index 0 is the first byte's high bit, as Bitstring Status List says. */
gboolean
dossier_issuer_set_status (DossierIssuer  *self,
                           const char     *purpose,
                           guint           index,
                           gboolean        set,
                           GError        **error)
{
  g_autoptr(GBytes) bits = read_bits (self, purpose, error);
  g_autofree char *path = status_path (self, purpose, ".bits");
  g_autofree guint8 *data = NULL;
  gsize length;

  if (bits == NULL)
    return FALSE;
  if (index >= DOSSIER_ISSUER_STATUS_ENTRIES)
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_INVALID, _("No status entry %u"), index);
      return FALSE;
    }
  if (self->bits != NULL)
    g_hash_table_remove (self->bits, purpose);
  data = g_bytes_unref_to_data (g_steal_pointer (&bits), &length);
  if (set)
    data[index / 8] |= (guint8) (0x80 >> (index % 8));
  else
    data[index / 8] &= (guint8) ~(0x80 >> (index % 8));
  return dossier_issuer_write_file (path, (const char *) data, (gssize) length, FALSE, error);
}

/* Each list as a Bitstring Status List credential, secured as a VC-JWT by
 * the P-256 key, in status/<purpose>.jwt. */
gboolean
dossier_issuer_write_status_lists (DossierIssuer  *self,
                                   GError        **error)
{
  static const char * const purposes[] = { "revocation", "suspension" };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *valid_from = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  g_return_val_if_fail (self->p256 != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    {
      g_autoptr(GBytes) bits = read_bits (self, purposes[i], error);
      g_autoptr(JsonObject) credential = json_object_new ();
      g_autofree char *url = dossier_issuer_status_url (self, purposes[i]);
      g_autofree char *subject_id = g_strconcat (url, "#list", NULL);
      g_autofree char *encoded = NULL, *token = NULL, *path = status_path (self, purposes[i], ".jwt");
      JsonArray *context = json_array_new ();
      JsonArray *types = json_array_new ();
      JsonObject *subject = json_object_new ();

      json_array_add_string_element (context, "https://www.w3.org/ns/credentials/v2");
      json_array_add_string_element (types, "VerifiableCredential");
      json_array_add_string_element (types, "BitstringStatusListCredential");
      json_object_set_array_member (credential, "@context", context);
      json_object_set_string_member (credential, "id", url);
      json_object_set_array_member (credential, "type", types);
      json_object_set_string_member (credential, "issuer", self->id);
      json_object_set_string_member (credential, "validFrom", valid_from);
      json_object_set_string_member (subject, "id", subject_id);
      json_object_set_string_member (subject, "type", "BitstringStatusList");
      json_object_set_string_member (subject, "statusPurpose", purposes[i]);
      json_object_set_object_member (credential, "credentialSubject", subject);
      if (bits == NULL ||
          (encoded = dossier_status_list_encode_bitstring (g_bytes_get_data (bits, NULL), g_bytes_get_size (bits), error)) == NULL)
        return FALSE;
      json_object_set_string_member (subject, "encodedList", encoded);
      if ((token = dossier_vc_jwt_sign (credential, "vc+jwt", "ES256", self->p256, self->p256_kid, error)) == NULL ||
          !dossier_issuer_write_file (path, token, -1, FALSE, error))
        return FALSE;
    }
  return TRUE;
}
