// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vault.h"
#include "dossier-vault-private.h"

#include "dossier-secret.h"

#include <string.h>

/* Small named values kept inside the encrypted database: settings that
 * belong to one vault rather than to the computer (such as when it was last
 * backed up), and secrets (such as the key automatic backups are sealed
 * with), which are held in wiped memory on their way in and out. */

#define MAX_SECRET_SIZE 16384  /* room for a service's tokens, which may be JWTs */

typedef struct
{
  guint8 *data;
  gsize   length;
} Secret;

static void
secret_free (Secret *secret)
{
  if (secret->data != NULL)
    dossier_secure_free (secret->data, secret->length);
  g_free (secret);
}

static void
get_value_job (DossierVault *self,
               GTask        *task,
               gpointer      data)
{
  Call *call = data;
  const char *sql = call->action ? "SELECT value FROM secrets WHERE key = ?"
                                 : "SELECT value FROM settings WHERE key = ?";
  GError *error = NULL;
  sqlite3_stmt *stmt;
  Secret *secret;
  int rc;

  if (!dossier_vault_require_open (self, &error) ||
      (stmt = dossier_vault_db_prepare (self->db, sql, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_text (stmt, 1, call->text, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dossier_vault_db_set_error (self->db, rc, &error);
      sqlite3_reset (stmt);
      g_task_return_error (task, error);
      return;
    }

  secret = g_new0 (Secret, 1);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      const void *value = sqlite3_column_blob (stmt, 0);

      secret->length = (gsize) sqlite3_column_bytes (stmt, 0);
      secret->data = dossier_secure_alloc (secret->length + 1);
      if (secret->length > 0)
        memcpy (secret->data, value, secret->length);
      secret->data[secret->length] = '\0';
      secret->length++;
    }
  sqlite3_reset (stmt);
  g_task_return_pointer (task, secret, (GDestroyNotify) secret_free);
}

static void
set_value_job (DossierVault *self,
               GTask        *task,
               gpointer      data)
{
  Call *call = data;
  const char *sql;
  GError *error = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (call->action)
    sql = call->secret != NULL ? "INSERT OR REPLACE INTO secrets (key, value) VALUES (?, ?)"
                               : "DELETE FROM secrets WHERE key = ?";
  else
    sql = call->detail != NULL ? "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"
                               : "DELETE FROM settings WHERE key = ?";

  ok = dossier_vault_require_open (self, &error) &&
       (stmt = dossier_vault_db_prepare (self->db, sql, &error)) != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, call->text, -1, SQLITE_TRANSIENT);
      if (call->action && call->secret != NULL)
        sqlite3_bind_blob (stmt, 2, call->secret, (int) call->secret_length, SQLITE_TRANSIENT);
      else if (!call->action && call->detail != NULL)
        sqlite3_bind_text (stmt, 2, call->detail, -1, SQLITE_TRANSIENT);
      ok = dossier_vault_db_step_done (self->db, stmt, &error);
    }
  dossier_vault_return_result (task, ok, error);
}

/**
 * dossier_vault_get_setting_async:
 * @key: the setting's name
 *
 * Reads one of the vault's own settings; the result is %NULL, without an
 * error, when the setting was never set.
 */
void
dossier_vault_get_setting_async (DossierVault        *self,
                                 const char          *key,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (key != NULL);

  call = g_new0 (Call, 1);
  call->text = g_strdup (key);
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_get_setting_async, call,
                                                         cancellable, callback, user_data),
                           get_value_job);
}

char *
dossier_vault_get_setting_finish (DossierVault  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  Secret *value = dossier_vault_finish_pointer (self, result, dossier_vault_get_setting_async, error);
  char *text;

  if (value == NULL || value->data == NULL)
    {
      g_clear_pointer (&value, secret_free);
      return NULL;
    }
  text = g_strdup ((const char *) value->data);
  secret_free (value);
  return text;
}

/**
 * dossier_vault_set_setting_async:
 * @value: (nullable): the new value, or %NULL to remove the setting
 */
void
dossier_vault_set_setting_async (DossierVault        *self,
                                 const char          *key,
                                 const char          *value,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (key != NULL);

  call = g_new0 (Call, 1);
  call->text = g_strdup (key);
  call->detail = g_strdup (value);
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_set_setting_async, call,
                                                         cancellable, callback, user_data),
                           set_value_job);
}

gboolean
dossier_vault_set_setting_finish (DossierVault  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_set_setting_async, error);
}

/**
 * dossier_vault_get_secret_async:
 *
 * Reads a secret; dossier_vault_get_secret_finish() hands it back in
 * secure memory, to be released with dossier_secure_free().
 */
void
dossier_vault_get_secret_async (DossierVault        *self,
                                const char          *key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (key != NULL);

  call = g_new0 (Call, 1);
  call->text = g_strdup (key);
  call->action = TRUE;
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_get_secret_async, call,
                                                         cancellable, callback, user_data),
                           get_value_job);
}

/* Returns %NULL with no error when there is no such secret (secrets are
 * never empty); else @length is set to the secret's size. */
guint8 *
dossier_vault_get_secret_finish (DossierVault  *self,
                                 GAsyncResult  *result,
                                 gsize         *length,
                                 GError       **error)
{
  Secret *value = dossier_vault_finish_pointer (self, result, dossier_vault_get_secret_async, error);
  guint8 *data = NULL;

  g_return_val_if_fail (length != NULL, NULL);

  *length = 0;
  if (value != NULL && value->data != NULL)
    {
      /* The reading added a terminating zero that secrets do not need. */
      *length = value->length - 1;
      if (*length > 0)
        {
          data = dossier_secure_alloc (*length);
          memcpy (data, value->data, *length);
        }
    }
  g_clear_pointer (&value, secret_free);
  return data;
}

/**
 * dossier_vault_set_secret_async:
 * @data: (nullable): the secret, or %NULL to remove it
 */
void
dossier_vault_set_secret_async (DossierVault        *self,
                                const char          *key,
                                const guint8        *data,
                                gsize                length,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (data == NULL || (length > 0 && length <= MAX_SECRET_SIZE));

  call = g_new0 (Call, 1);
  call->text = g_strdup (key);
  call->action = TRUE;
  if (data != NULL)
    {
      call->secret = dossier_secure_alloc (length);
      call->secret_length = length;
      memcpy (call->secret, data, length);
    }
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_set_secret_async, call,
                                                         cancellable, callback, user_data),
                           set_value_job);
}

gboolean
dossier_vault_set_secret_finish (DossierVault  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_set_secret_async, error);
}
