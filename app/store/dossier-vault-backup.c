// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vault.h"
#include "dossier-vault-private.h"

#include "dossier-backup-content.h"
#include "dossier-backup-file.h"
#include "dossier-recovery-key.h"
#include "dossier-secret.h"
#include "dossier-vault-rows.h"
#include "dossier-vault-schema.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Backup and restore, on the vault's worker thread.
 *
 * A backup is a logical copy: every row of the vault's tables, read inside
 * one read transaction (so a consistent snapshot even while other calls
 * wait in the queue), framed by dossier-backup-content.c and streamed
 * through the AES-256-GCM chunks of dossier-backup-file.c into FILE.tmp,
 * which is synced and renamed over FILE.  The rows pass through memory
 * only: exporting the database file itself would need a plaintext or
 * second database on disk, which the vault never writes.
 *
 * A restore decrypts the whole file in memory first, checking every tag,
 * then checks the content's structure; only then does it create the new
 * vault, under a temporary database name as a new vault is created, fill
 * it in one transaction and rename it into place.  Any failure removes
 * what it wrote. */

static const char * const tables[] = {
  "persons", "blobs", "records", "trust_entries", "audit_log", "settings", "secrets",
};

/* --- backup ---------------------------------------------------------------- */

static gboolean
flush_frame (DossierBackupWriter  *writer,
             GByteArray           *frame,
             gboolean              all,
             GError              **error)
{
  gboolean ok;

  if (!all && frame->len < DOSSIER_BACKUP_CHUNK_SIZE)
    return TRUE;
  ok = dossier_backup_writer_write (writer, frame->data, frame->len, error);
  dossier_secure_wipe (frame->data, frame->len);
  g_byte_array_set_size (frame, 0);
  return ok;
}

static void
put_column (GByteArray   *frame,
            sqlite3_stmt *stmt,
            int           column)
{
  DossierBackupValue value = { 0 };

  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_INTEGER:
      value.type = DOSSIER_BACKUP_VALUE_INTEGER;
      value.integer = sqlite3_column_int64 (stmt, column);
      break;
    case SQLITE_FLOAT:
      value.type = DOSSIER_BACKUP_VALUE_REAL;
      value.real = sqlite3_column_double (stmt, column);
      break;
    case SQLITE_TEXT:
      value.type = DOSSIER_BACKUP_VALUE_TEXT;
      value.data = sqlite3_column_text (stmt, column);
      value.length = (gsize) sqlite3_column_bytes (stmt, column);
      break;
    case SQLITE_BLOB:
      value.type = DOSSIER_BACKUP_VALUE_BLOB;
      value.data = sqlite3_column_blob (stmt, column);
      value.length = (gsize) sqlite3_column_bytes (stmt, column);
      break;
    default:
      value.type = DOSSIER_BACKUP_VALUE_NULL;
      break;
    }
  dossier_backup_content_put_value (frame, &value);
}

static gboolean
dump_table (DossierVaultDb       *db,
            const char           *table,
            DossierBackupWriter  *writer,
            GByteArray           *frame,
            GError              **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY rowid", table);
  const char *columns[DOSSIER_BACKUP_MAX_COLUMNS];
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc, n;

  rc = sqlite3_prepare_v2 (dossier_vault_db_get_handle (db), sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return dossier_vault_db_set_error (db, rc, error);
  n = sqlite3_column_count (stmt);
  g_assert (n > 0 && n <= DOSSIER_BACKUP_MAX_COLUMNS);
  for (int i = 0; i < n; i++)
    columns[i] = sqlite3_column_name (stmt, i);
  dossier_backup_content_put_table (frame, table, (guint) n, columns);

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      dossier_backup_content_put_row (frame);
      for (int i = 0; i < n; i++)
        put_column (frame, stmt, i);
      ok = flush_frame (writer, frame, FALSE, error);
    }
  if (ok && rc != SQLITE_DONE)
    ok = dossier_vault_db_set_error (db, rc, error);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
write_snapshot (DossierVaultDb       *db,
                DossierBackupWriter  *writer,
                GError              **error)
{
  g_autoptr(GByteArray) frame = g_byte_array_sized_new (2 * DOSSIER_BACKUP_CHUNK_SIZE);
  gboolean ok;
  int version;

  /* A deferred transaction: its first read fixes the snapshot. */
  if (!dossier_vault_db_exec (db, "BEGIN", error))
    return FALSE;
  version = dossier_vault_schema_get_version (db, error);
  ok = version >= 0;
  if (ok)
    dossier_backup_content_put_version (frame, (guint) version);
  for (guint i = 0; ok && i < G_N_ELEMENTS (tables); i++)
    ok = dump_table (db, tables[i], writer, frame, error);
  if (ok)
    {
      dossier_backup_content_put_end (frame);
      ok = flush_frame (writer, frame, TRUE, error);
    }
  dossier_secure_wipe (frame->data, frame->len);
  dossier_vault_db_rollback (db);
  return ok;
}

static gboolean set_io_error (GError     **error,
                              const char  *format,
                              ...) G_GNUC_PRINTF (2, 3);

static gboolean
set_io_error (GError     **error,
              const char  *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_IO, message);
  return FALSE;
}

/* Syncs and closes @fd, renames @from over @to and syncs the folder. */
static gboolean
commit_file (int          *fd,
             const char   *from,
             const char   *to,
             GError      **error)
{
  g_autofree char *folder = g_path_get_dirname (to);
  int folder_fd, rc;

  rc = fsync (*fd);
  rc = close (*fd) == 0 && rc == 0 ? 0 : -1;
  *fd = -1;
  if (rc != 0)
    return set_io_error (error, _("Cannot write the backup file %s: %s"), from, g_strerror (errno));
  if (g_rename (from, to) != 0)
    return set_io_error (error, _("Cannot rename the backup file to %s: %s"), to, g_strerror (errno));
  folder_fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (folder_fd >= 0)
    {
      fsync (folder_fd);
      close (folder_fd);
    }
  return TRUE;
}

static void
backup_job (DossierVault *self,
            GTask        *task,
            gpointer      data)
{
  Call *call = data;
  g_autofree char *tmp_path = g_strconcat (call->text, ".tmp", NULL);
  g_autofree char *name = g_path_get_basename (call->text);
  g_autoptr(DossierBackupWriter) writer = NULL;
  GError *error = NULL;
  gboolean ok;
  int fd;

  if (!dossier_vault_require_open (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  fd = g_open (tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      set_io_error (&error, _("Cannot create the backup file %s: %s"), tmp_path, g_strerror (errno));
      g_task_return_error (task, error);
      return;
    }
  writer = dossier_backup_writer_new (fd, call->passphrase, call->key, call->has_params ? &call->params : NULL,
                                      DOSSIER_BACKUP_CHUNK_SIZE, &error);
  ok = writer != NULL &&
       write_snapshot (self->db, writer, &error) &&
       dossier_backup_writer_finish (writer, &error) &&
       commit_file (&fd, tmp_path, call->text, &error);
  if (fd >= 0)
    close (fd);
  if (!ok)
    {
      g_unlink (tmp_path);
      g_task_return_error (task, error);
      return;
    }

  ok = dossier_vault_db_begin (self->db, &error);
  if (ok && !(ok = dossier_vault_rows_append_audit (self->db, DOSSIER_AUDIT_BACKUP, name,
                                                    call->key != NULL ? "recovery-key" : "passphrase", &error)))
    dossier_vault_db_rollback (self->db);
  if (ok)
    ok = dossier_vault_db_commit (self->db, &error);
  dossier_vault_return_result (task, ok, error);
}

/* --- restore --------------------------------------------------------------- */

typedef struct
{
  DossierVaultDb *db;        /* NULL while only checking */
  sqlite3_stmt   *insert;
} Filler;

static gboolean
check_version (gpointer   user_data,
               guint      version,
               GError   **error)
{
  if (version < 1)
    {
      g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_DAMAGED,
                           _("The backup’s content is malformed (no schema version); nothing was restored from it"));
      return FALSE;
    }
  if (version > DOSSIER_VAULT_SCHEMA_VERSION)
    {
      g_set_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_UNSUPPORTED_VERSION,
                   _("This backup comes from a newer version of Dossier (vault schema %u; this version knows up to %d). Update Dossier to restore it."),
                   version, DOSSIER_VAULT_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean
start_table (gpointer   user_data,
             const char *name,
             guint      n_columns,
             char     **columns,
             GError   **error)
{
  Filler *filler = user_data;
  g_autoptr(GString) sql = NULL;
  gboolean known = FALSE;
  int rc;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    known |= strcmp (name, tables[i]) == 0;
  if (!known)
    {
      g_set_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_DAMAGED,
                   _("The backup’s content is malformed (unknown table “%s”); nothing was restored from it"), name);
      return FALSE;
    }
  if (filler->db == NULL)
    return TRUE;

  /* Names are checked to be [a-z0-9_] by the parser. */
  sql = g_string_new (NULL);
  g_string_append_printf (sql, "INSERT INTO \"%s\" (", name);
  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (sql, "%s\"%s\"", i > 0 ? ", " : "", columns[i]);
  g_string_append (sql, ") VALUES (");
  for (guint i = 0; i < n_columns; i++)
    g_string_append (sql, i > 0 ? ", ?" : "?");
  g_string_append_c (sql, ')');

  g_clear_pointer (&filler->insert, sqlite3_finalize);
  rc = sqlite3_prepare_v2 (dossier_vault_db_get_handle (filler->db), sql->str, -1, &filler->insert, NULL);
  if (rc != SQLITE_OK)
    return dossier_vault_db_set_error (filler->db, rc, error);
  return TRUE;
}

static gboolean
insert_row (gpointer                   user_data,
            guint                      n_values,
            const DossierBackupValue  *values,
            GError                   **error)
{
  Filler *filler = user_data;
  sqlite3_stmt *stmt = filler->insert;

  if (filler->db == NULL)
    return TRUE;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  for (guint i = 0; i < n_values; i++)
    {
      const DossierBackupValue *value = &values[i];
      int column = (int) i + 1;

      switch (value->type)
        {
        case DOSSIER_BACKUP_VALUE_INTEGER:
          sqlite3_bind_int64 (stmt, column, value->integer);
          break;
        case DOSSIER_BACKUP_VALUE_REAL:
          sqlite3_bind_double (stmt, column, value->real);
          break;
        case DOSSIER_BACKUP_VALUE_TEXT:
          sqlite3_bind_text (stmt, column, (const char *) value->data, (int) value->length, SQLITE_STATIC);
          break;
        case DOSSIER_BACKUP_VALUE_BLOB:
          sqlite3_bind_blob (stmt, column, value->data, (int) value->length, SQLITE_STATIC);
          break;
        default:
          sqlite3_bind_null (stmt, column);
          break;
        }
    }
  return dossier_vault_db_step_done (filler->db, stmt, error);
}

static const DossierBackupContentFuncs fill_funcs = { check_version, start_table, insert_row };

static gboolean
fill_database (DossierVaultDb  *db,
               GByteArray      *content,
               const char      *backup_name,
               GError         **error)
{
  Filler filler = { db, NULL };
  gboolean ok;

  if (!dossier_vault_db_begin (db, error))
    return FALSE;
  ok = dossier_backup_content_parse (content->data, content->len, &fill_funcs, &filler, error);
  g_clear_pointer (&filler.insert, sqlite3_finalize);
  ok = ok &&
       dossier_vault_rows_reindex_all (db, error) &&
       dossier_vault_rows_append_audit (db, DOSSIER_AUDIT_RESTORE, backup_name, NULL, error);
  if (!ok)
    {
      dossier_vault_db_rollback (db);
      return FALSE;
    }
  return dossier_vault_db_commit (db, error);
}

static gboolean
build_restored_database (DossierVaultConfig  *config,
                         const char          *passphrase,
                         GByteArray          *content,
                         const char          *backup_name,
                         const char          *path,
                         GError             **error)
{
  guint8 *key = dossier_secure_alloc (DOSSIER_VAULT_KEY_SIZE);
  g_autoptr(DossierVaultDb) db = NULL;

  dossier_vault_remove_database_files (path);
  if (dossier_vault_config_derive_key (config, passphrase, key, error))
    db = dossier_vault_db_open (path, key, TRUE, error);
  dossier_secure_free (key, DOSSIER_VAULT_KEY_SIZE);
  return db != NULL &&
         dossier_vault_schema_migrate (db, DOSSIER_VAULT_SCHEMA_VERSION, error) &&
         fill_database (db, content, backup_name, error);
}

static GByteArray *
read_and_check (const char    *path,
                const char    *passphrase,
                const guint8  *recovery_key,
                GError       **error)
{
  g_autofree char *data = NULL;
  GByteArray *content;
  GStatBuf info;
  gsize length = 0;
  Filler checker = { NULL, NULL };
  g_autoptr(GError) read_error = NULL;

  if (g_stat (path, &info) != 0)
    {
      set_io_error (error, _("Cannot read the backup file %s: %s"), path, g_strerror (errno));
      return NULL;
    }
  if ((guint64) info.st_size > DOSSIER_BACKUP_MAX_CONTENT_SIZE + DOSSIER_BACKUP_MAX_CONTENT_SIZE / 16)
    {
      g_set_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_TOO_LARGE,
                   _("The backup file %s is too large for this version of Dossier"), path);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &length, &read_error))
    {
      set_io_error (error, _("Cannot read the backup file %s: %s"), path, read_error->message);
      return NULL;
    }
  content = dossier_backup_decrypt ((const guint8 *) data, length, passphrase, recovery_key, error);
  if (content != NULL &&
      !dossier_backup_content_parse (content->data, content->len, &fill_funcs, &checker, error))
    g_clear_pointer (&content, dossier_backup_content_free);
  return content;
}

/* Removes what a failed restore wrote; the folder was empty of any vault
 * before it began. */
static void
undo_restore (DossierVault *self,
              gboolean      created_folder)
{
  const char *names[] = { "vault.db.tmp", "vault.db", "vault.json", "vault.json.pending", "vault.lock" };

  dossier_vault_close_all (self);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = dossier_vault_build_path (self, names[i]);

      if (g_str_has_prefix (names[i], "vault.db"))
        dossier_vault_remove_database_files (path);
      else
        g_unlink (path);
    }
  if (created_folder)
    g_rmdir (self->directory);
}

static void
restore_job (DossierVault *self,
             GTask        *task,
             gpointer      data)
{
  Call *call = data;
  g_autofree char *json_path = dossier_vault_build_path (self, "vault.json");
  g_autofree char *db_path = dossier_vault_build_path (self, "vault.db");
  g_autofree char *tmp_path = dossier_vault_build_path (self, "vault.db.tmp");
  g_autofree char *name = g_path_get_basename (call->text);
  g_autoptr(DossierVaultConfig) config = NULL;
  GByteArray *content = NULL;
  gboolean created_folder;
  GError *error = NULL;
  gboolean ok;

  if (self->db != NULL || g_file_test (json_path, G_FILE_TEST_EXISTS) || g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_EXISTS,
                               _("A vault already exists in %s; restore into a new, empty folder"), self->directory);
      return;
    }

  /* Every tag and the whole structure are checked before anything is
   * written. */
  content = read_and_check (call->text, call->passphrase, call->key, &error);
  if (content == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  created_folder = !g_file_test (self->directory, G_FILE_TEST_IS_DIR);
  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;
      dossier_backup_content_free (content);
      g_task_return_new_error (task, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_IO,
                               _("Cannot create the folder %s: %s"), self->directory, g_strerror (saved));
      return;
    }
  ok = dossier_vault_take_lock (self, &error) &&
       (config = dossier_vault_config_new (call->has_params ? &call->params : NULL, &error)) != NULL &&
       build_restored_database (config, call->new_passphrase, content, name, tmp_path, &error) &&
       dossier_vault_config_save (config, json_path, &error) &&
       dossier_vault_rename_durably (self, tmp_path, db_path, &error) &&
       (self->db = dossier_vault_open_database (self, config, call->new_passphrase, &error)) != NULL;
  dossier_backup_content_free (content);
  if (!ok)
    {
      undo_restore (self, created_folder);
      g_task_return_error (task, error);
      return;
    }
  self->config = g_steal_pointer (&config);
  dossier_vault_set_open (self, task, TRUE);
  g_task_return_boolean (task, TRUE);
}

/* --- public calls ------------------------------------------------------------ */

static Call *
new_call (const char             *path,
          const char             *passphrase,
          const guint8           *recovery_key,
          const DossierKdfParams *params)
{
  Call *call = g_new0 (Call, 1);

  call->text = g_strdup (path);
  call->passphrase = dossier_secure_strdup (passphrase);
  if (recovery_key != NULL)
    {
      call->key = dossier_secure_alloc (DOSSIER_RECOVERY_KEY_SIZE);
      memcpy (call->key, recovery_key, DOSSIER_RECOVERY_KEY_SIZE);
    }
  if (params != NULL)
    {
      call->params = *params;
      call->has_params = TRUE;
    }
  return call;
}

/* Writes an encrypted backup of the open vault to @path, protected by
 * @passphrase (through Argon2id with @params, or the defaults when NULL) or
 * by the 32-byte @recovery_key: exactly one of them. */
void
dossier_vault_backup_async (DossierVault           *self,
                            const char             *path,
                            const char             *passphrase,
                            const guint8           *recovery_key,
                            const DossierKdfParams *params,
                            GCancellable           *cancellable,
                            GAsyncReadyCallback     callback,
                            gpointer                user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail ((passphrase == NULL) != (recovery_key == NULL));

  call = new_call (path, passphrase, recovery_key, params);
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_backup_async, call, cancellable, callback, user_data),
                           backup_job);
}

gboolean
dossier_vault_backup_finish (DossierVault  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_backup_async, error);
}

/* Creates the vault, which must not exist yet, from the backup at @path,
 * opened with @backup_passphrase or @recovery_key; the new vault is locked
 * with @new_passphrase under @params and left open. */
void
dossier_vault_restore_async (DossierVault           *self,
                             const char             *path,
                             const char             *backup_passphrase,
                             const guint8           *recovery_key,
                             const char             *new_passphrase,
                             const DossierKdfParams *params,
                             GCancellable           *cancellable,
                             GAsyncReadyCallback     callback,
                             gpointer                user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail ((backup_passphrase == NULL) != (recovery_key == NULL));
  g_return_if_fail (new_passphrase != NULL);

  call = new_call (path, backup_passphrase, recovery_key, params);
  call->new_passphrase = dossier_secure_strdup (new_passphrase);
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_restore_async, call, cancellable, callback, user_data),
                           restore_job);
}

gboolean
dossier_vault_restore_finish (DossierVault  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_restore_async, error);
}
