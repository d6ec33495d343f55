// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vault-config.h"

#include "dossier-json.h"
#include "dossier-secret.h"
#include "dossier-vault-error.h"

#include <argon2.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define SALT_SIZE 16
#define CHECK_SIZE 32
#define MAX_CONFIG_SIZE (64 * 1024)

struct _DossierVaultConfig
{
  guint             format;
  DossierKdfParams  kdf;
  guint8            salt[SALT_SIZE];
  char             *key_check;   /* base64 SHA-256 of the check half of the KDF output */
};

gboolean
dossier_kdf_params_validate (const DossierKdfParams  *params,
                             GError                 **error)
{
  if (params->iterations < 1 || params->iterations > DOSSIER_VAULT_KDF_MAX_ITERATIONS ||
      params->memory_kib < DOSSIER_VAULT_KDF_MIN_MEMORY_KIB ||
      params->memory_kib > DOSSIER_VAULT_KDF_MAX_MEMORY_KIB ||
      params->parallelism < 1 || params->parallelism > 16)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_INVALID,
                   _("Key derivation settings out of range: %u iterations (1–%u), %u KiB of memory (%u–%u), %u lanes (1–16)"),
                   params->iterations, DOSSIER_VAULT_KDF_MAX_ITERATIONS, params->memory_kib,
                   DOSSIER_VAULT_KDF_MIN_MEMORY_KIB, DOSSIER_VAULT_KDF_MAX_MEMORY_KIB, params->parallelism);
      return FALSE;
    }
  return TRUE;
}

DossierVaultConfig *
dossier_vault_config_new (const DossierKdfParams  *params,
                          GError                 **error)
{
  g_autoptr(DossierVaultConfig) self = g_new0 (DossierVaultConfig, 1);
  DossierKdfParams defaults = {
    DOSSIER_VAULT_KDF_DEFAULT_ITERATIONS,
    DOSSIER_VAULT_KDF_DEFAULT_MEMORY_KIB,
    DOSSIER_VAULT_KDF_DEFAULT_PARALLELISM,
  };

  self->format = DOSSIER_VAULT_FORMAT_VERSION;
  self->kdf = params != NULL ? *params : defaults;
  if (!dossier_kdf_params_validate (&self->kdf, error))
    return NULL;
  if (!dossier_secure_random (self->salt, sizeof self->salt))
    {
      g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_FAILED,
                           _("The system’s random number generator is not available"));
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
dossier_vault_config_free (DossierVaultConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->key_check);
  g_free (self);
}

void
dossier_vault_config_get_params (DossierVaultConfig *self,
                                 DossierKdfParams   *params)
{
  *params = self->kdf;
}

static gboolean
get_uint_member (JsonObject  *object,
                 const char  *name,
                 guint       *value,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                   _("vault.json is damaged: “%s” is missing or not a whole number"), name);
      return FALSE;
    }
  v = json_node_get_int (node);
  if (v < 0 || v > G_MAXUINT)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                   _("vault.json is damaged: “%s” is out of range"), name);
      return FALSE;
    }
  *value = (guint) v;
  return TRUE;
}

static const char *
get_string_member (JsonObject  *object,
                   const char  *name,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                   _("vault.json is damaged: “%s” is missing or not a string"), name);
      return NULL;
    }
  return json_node_get_string (node);
}

static JsonObject *
get_object_member (JsonObject  *object,
                   const char  *name,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                   _("vault.json is damaged: “%s” is missing or not an object"), name);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
parse_kdf (DossierVaultConfig  *self,
           JsonObject          *kdf,
           GError             **error)
{
  const char *algorithm, *salt;
  g_autofree guint8 *salt_bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize salt_len = 0;
  guint version;

  if (!(algorithm = get_string_member (kdf, "algorithm", error)) ||
      !get_uint_member (kdf, "version", &version, error) ||
      !get_uint_member (kdf, "iterations", &self->kdf.iterations, error) ||
      !get_uint_member (kdf, "memory_kib", &self->kdf.memory_kib, error) ||
      !get_uint_member (kdf, "parallelism", &self->kdf.parallelism, error) ||
      !(salt = get_string_member (kdf, "salt", error)))
    return FALSE;

  if (g_strcmp0 (algorithm, "argon2id") != 0 || version != ARGON2_VERSION_13)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NEWER_FORMAT,
                   _("vault.json names a key derivation this version of Dossier does not know (%s, version %u)"),
                   algorithm, version);
      return FALSE;
    }
  if (!dossier_kdf_params_validate (&self->kdf, &local_error))
    {
      /* (the caller may pass no error at all) */
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED, "vault.json: %s", local_error->message);
      return FALSE;
    }
  if (strlen (salt) < 4 * SALT_SIZE / 3 || strlen (salt) > 4 * (SALT_SIZE + 2) / 3 + 4 ||
      (salt_bytes = g_base64_decode (salt, &salt_len)) == NULL || salt_len != SALT_SIZE)
    {
      g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                           _("vault.json is damaged: the salt is not 16 bytes of base64"));
      return FALSE;
    }
  memcpy (self->salt, salt_bytes, SALT_SIZE);
  return TRUE;
}

DossierVaultConfig *
dossier_vault_config_parse (const char  *data,
                            gsize        length,
                            GError     **error)
{
  g_autoptr(DossierVaultConfig) self = g_new0 (DossierVaultConfig, 1);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root, *kdf;
  const char *check;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                           _("vault.json is damaged: it is empty"));
      return NULL;
    }
  if (length > MAX_CONFIG_SIZE)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                   _("vault.json is damaged: it is larger than %u bytes"), MAX_CONFIG_SIZE);
      return NULL;
    }

  /* one JSON value, read as everywhere else in Dossier */
  node = dossier_json_parse (data, length);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                           _("vault.json is damaged: it is not a JSON object"));
      return NULL;
    }
  root = json_node_get_object (node);

  if (!get_uint_member (root, "format", &self->format, error))
    return NULL;
  if (self->format > DOSSIER_VAULT_FORMAT_VERSION)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NEWER_FORMAT,
                   _("This vault was written by a newer version of Dossier (format %u; this version reads up to %u). Update Dossier to open it."),
                   self->format, DOSSIER_VAULT_FORMAT_VERSION);
      return NULL;
    }
  if (self->format < 1)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                   _("vault.json is damaged: format %u does not exist"), self->format);
      return NULL;
    }
  if (!(kdf = get_object_member (root, "kdf", error)) ||
      !parse_kdf (self, kdf, error) ||
      !(check = get_string_member (root, "key_check", error)))
    return NULL;
  if (strlen (check) != 44)
    {
      g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                           _("vault.json is damaged: the key check is malformed"));
      return NULL;
    }
  self->key_check = g_strdup (check);
  return g_steal_pointer (&self);
}

DossierVaultConfig *
dossier_vault_config_load (const char  *path,
                           GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local_error = NULL;

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      int code = g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                 ? DOSSIER_VAULT_ERROR_NOT_FOUND : DOSSIER_VAULT_ERROR_IO;
      g_set_error (error, DOSSIER_VAULT_ERROR, code,
                   _("Cannot read the vault settings: %s"), local_error->message);
      return NULL;
    }
  return dossier_vault_config_parse (g_mapped_file_get_contents (file),
                                     g_mapped_file_get_length (file), error);
}

gboolean
dossier_vault_config_save (DossierVaultConfig  *self,
                           const char          *path,
                           GError             **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *salt = g_base64_encode (self->salt, sizeof self->salt);
  g_autofree char *text = NULL;

  g_return_val_if_fail (self->key_check != NULL, FALSE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, self->format);
  json_builder_set_member_name (builder, "kdf");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "algorithm");
  json_builder_add_string_value (builder, "argon2id");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, ARGON2_VERSION_13);
  json_builder_set_member_name (builder, "iterations");
  json_builder_add_int_value (builder, self->kdf.iterations);
  json_builder_set_member_name (builder, "memory_kib");
  json_builder_add_int_value (builder, self->kdf.memory_kib);
  json_builder_set_member_name (builder, "parallelism");
  json_builder_add_int_value (builder, self->kdf.parallelism);
  json_builder_set_member_name (builder, "salt");
  json_builder_add_string_value (builder, salt);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "key_check");
  json_builder_add_string_value (builder, self->key_check);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  if (!g_file_set_contents_full (path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_IO,
                   _("Cannot write the vault settings: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Argon2id gives 64 bytes: the first half is the database key, the second
 * half only proves the passphrase right, so a wrong one is caught before the
 * database is touched and a damaged database is told apart from a typo. */
gboolean
dossier_vault_config_derive_key (DossierVaultConfig  *self,
                                 const char          *passphrase,
                                 guint8              *key,
                                 GError             **error)
{
  guint8 *output = dossier_secure_alloc (DOSSIER_VAULT_KEY_SIZE + CHECK_SIZE);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *check = NULL;
  int rc;

  rc = argon2id_hash_raw (self->kdf.iterations, self->kdf.memory_kib, self->kdf.parallelism,
                          passphrase, strlen (passphrase), self->salt, sizeof self->salt,
                          output, DOSSIER_VAULT_KEY_SIZE + CHECK_SIZE);
  if (rc != ARGON2_OK)
    {
      dossier_secure_free (output, DOSSIER_VAULT_KEY_SIZE + CHECK_SIZE);
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_FAILED,
                   _("Key derivation failed: %s"), argon2_error_message (rc));
      return FALSE;
    }

  g_checksum_update (checksum, output + DOSSIER_VAULT_KEY_SIZE, CHECK_SIZE);
  g_checksum_get_digest (checksum, digest, &digest_len);
  check = g_base64_encode (digest, digest_len);

  if (self->key_check == NULL)
    self->key_check = g_strdup (check);
  else if (strlen (self->key_check) != strlen (check) ||
           !dossier_secure_equal (self->key_check, check, strlen (check)))
    {
      dossier_secure_free (output, DOSSIER_VAULT_KEY_SIZE + CHECK_SIZE);
      g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE,
                           _("Wrong passphrase"));
      return FALSE;
    }

  memcpy (key, output, DOSSIER_VAULT_KEY_SIZE);
  dossier_secure_free (output, DOSSIER_VAULT_KEY_SIZE + CHECK_SIZE);
  return TRUE;
}
