// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vault.h"
#include "dossier-vault-private.h"

#include "dossier-recovery-key.h"
#include "dossier-secret.h"
#include "dossier-vault-db.h"
#include "dossier-vault-rows.h"
#include "dossier-vault-schema.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

/* A vault directory holds:
 *   vault.json          KDF parameters, salt, key check, format version
 *   vault.db            the SQLCipher database (plus -wal/-shm while open)
 *   vault.lock          held with flock() by the one process that has it open
 *   vault.json.pending  only while a passphrase change is under way
 *   vault.db.tmp        only while a new vault is being created
 *
 * One worker thread owns the connection; every call below is queued to it
 * in order, so the main thread never waits on disk or key derivation. */

G_DEFINE_FINAL_TYPE (DossierVault, dossier_vault, G_TYPE_OBJECT)

enum { PROP_0, PROP_DIRECTORY, PROP_IS_OPEN, N_PROPS };
static GParamSpec *properties[N_PROPS];

void
dossier_vault_call_free (Call *call)
{
  dossier_secure_strfree (call->passphrase);
  dossier_secure_strfree (call->new_passphrase);
  if (call->key != NULL)
    dossier_secure_free (call->key, DOSSIER_RECOVERY_KEY_SIZE);
  if (call->secret != NULL)
    dossier_secure_free (call->secret, call->secret_length);
  g_free (call->text);
  g_free (call->detail);
  g_clear_pointer (&call->objects, g_ptr_array_unref);
  g_clear_object (&call->object);
  g_clear_pointer (&call->query, dossier_vault_query_free);
  g_free (call);
}

char *
dossier_vault_build_path (DossierVault *self,
                          const char   *name)
{
  return g_build_filename (self->directory, name, NULL);
}

/* Set on the worker thread, where finalize must not wait for itself. */
static _Thread_local gboolean on_worker_thread;

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  DossierVault *self = g_task_get_source_object (job->task);

  on_worker_thread = TRUE;
  if (!g_task_return_error_if_cancelled (job->task))
    job->func (self, job->task, g_task_get_task_data (job->task));
  g_object_unref (job->task);
  g_free (job);
}

GTask *
dossier_vault_new_task (DossierVault        *self,
          gpointer             source_tag,
          Call                *call,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call != NULL ? call : g_new0 (Call, 1), (GDestroyNotify) dossier_vault_call_free);
  return task;
}

void
dossier_vault_queue_job (DossierVault *self,
           GTask        *task,
           JobFunc       func)
{
  Job *job = g_new0 (Job, 1);

  job->task = task;
  job->func = func;
  g_thread_pool_push (self->worker, job, NULL);
}

static gboolean
notify_is_open_cb (gpointer data)
{
  g_object_notify_by_pspec (data, properties[PROP_IS_OPEN]);
  return G_SOURCE_REMOVE;
}

/* While any vault is open, the process may not dump core or be traced by
 * other processes of the user: a core file would hold the key and records. */
static int open_vaults;

static void
note_open_vault (gboolean open)
{
  if (open && g_atomic_int_add (&open_vaults, 1) == 0)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  else if (!open && g_atomic_int_dec_and_test (&open_vaults))
    prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
}

void
dossier_vault_set_open (DossierVault *self,
                        GTask        *task,
                        gboolean      open)
{
  if (g_atomic_int_exchange (&self->is_open, open) == open)
    return;
  note_open_vault (open);
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                              notify_is_open_cb, g_object_ref (self), g_object_unref);
}

gboolean
dossier_vault_require_open (DossierVault  *self,
              GError       **error)
{
  if (self->db != NULL)
    return TRUE;
  g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_LOCKED,
                       _("The vault is locked; unlock it first"));
  return FALSE;
}

void
dossier_vault_return_result (GTask    *task,
               gboolean  ok,
               GError   *error)
{
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* --- files and locking ------------------------------------------------ */

gboolean
dossier_vault_take_lock (DossierVault  *self,
                         GError       **error)
{
  g_autofree char *path = dossier_vault_build_path (self, "vault.lock");
  int fd;

  if (self->lock_fd >= 0)
    return TRUE;
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_IO,
                   _("Cannot open the vault’s lock file %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_IN_USE,
                           _("The vault is open in another Dossier window or command. Close it there and try again."));
      return FALSE;
    }
  self->lock_fd = fd;
  return TRUE;
}

void
dossier_vault_release_lock (DossierVault *self)
{
  if (self->lock_fd < 0)
    return;
  flock (self->lock_fd, LOCK_UN);
  close (self->lock_fd);
  self->lock_fd = -1;
}

void
dossier_vault_close_all (DossierVault *self)
{
  g_clear_pointer (&self->db, dossier_vault_db_close);
  g_clear_pointer (&self->config, dossier_vault_config_free);
  dossier_vault_release_lock (self);
}

static void
sync_directory (DossierVault *self)
{
  int fd = g_open (self->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

gboolean
dossier_vault_rename_durably (DossierVault  *self,
                              const char    *from,
                              const char    *to,
                              GError       **error)
{
  if (g_rename (from, to) != 0)
    {
      int saved = errno;
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_IO,
                   _("Cannot rename %s: %s"), from, g_strerror (saved));
      return FALSE;
    }
  sync_directory (self);
  return TRUE;
}

void
dossier_vault_remove_database_files (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* Opens the database with a key derived from @passphrase under @config,
 * bringing its schema up to date. */
DossierVaultDb *
dossier_vault_open_database (DossierVault        *self,
                             DossierVaultConfig  *config,
                             const char          *passphrase,
                             GError             **error)
{
  g_autofree char *path = dossier_vault_build_path (self, "vault.db");
  guint8 *key = dossier_secure_alloc (DOSSIER_VAULT_KEY_SIZE);
  g_autoptr(DossierVaultDb) db = NULL;

  if (dossier_vault_config_derive_key (config, passphrase, key, error))
    db = dossier_vault_db_open (path, key, FALSE, error);
  dossier_secure_free (key, DOSSIER_VAULT_KEY_SIZE);
  if (db == NULL)
    return NULL;
  if (!dossier_vault_schema_migrate (db, DOSSIER_VAULT_SCHEMA_VERSION, error))
    return NULL;
  return g_steal_pointer (&db);
}

/* --- create ------------------------------------------------------------ */

static gboolean
build_new_database (DossierVault        *self,
                    DossierVaultConfig  *config,
                    const char          *passphrase,
                    const char          *owner_name,
                    const char          *path,
                    GError             **error)
{
  guint8 *key = dossier_secure_alloc (DOSSIER_VAULT_KEY_SIZE);
  g_autoptr(DossierVaultDb) db = NULL;
  g_autoptr(DossierPerson) owner = dossier_person_new (owner_name, "owner");

  dossier_vault_remove_database_files (path);
  if (dossier_vault_config_derive_key (config, passphrase, key, error))
    db = dossier_vault_db_open (path, key, TRUE, error);
  dossier_secure_free (key, DOSSIER_VAULT_KEY_SIZE);
  if (db == NULL)
    return FALSE;

  if (!dossier_vault_schema_migrate (db, DOSSIER_VAULT_SCHEMA_VERSION, error) ||
      !dossier_vault_db_begin (db, error))
    return FALSE;
  if (!dossier_vault_rows_insert_person (db, owner, error) ||
      !dossier_vault_rows_append_audit (db, DOSSIER_AUDIT_CREATE, NULL, NULL, error) ||
      !dossier_vault_db_commit (db, error))
    {
      dossier_vault_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

static void
create_job (DossierVault *self,
            GTask        *task,
            gpointer      data)
{
  Call *call = data;
  g_autofree char *json_path = dossier_vault_build_path (self, "vault.json");
  g_autofree char *db_path = dossier_vault_build_path (self, "vault.db");
  g_autofree char *tmp_path = dossier_vault_build_path (self, "vault.db.tmp");
  g_autoptr(DossierVaultConfig) config = NULL;
  GError *error = NULL;

  if (self->db != NULL)
    dossier_vault_close_all (self);

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;
      g_task_return_new_error (task, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_IO,
                               _("Cannot create the folder %s: %s"), self->directory, g_strerror (saved));
      return;
    }
  if (g_file_test (json_path, G_FILE_TEST_EXISTS) || g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_EXISTS,
                               _("A vault already exists in %s"), self->directory);
      return;
    }
  if (!dossier_vault_take_lock (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The database is built under a temporary name and renamed only once
   * vault.json is on disk, so a crash leaves either no vault or a whole one. */
  config = dossier_vault_config_new (call->has_params ? &call->params : NULL, &error);
  if (config == NULL ||
      !build_new_database (self, config, call->passphrase, call->text, tmp_path, &error) ||
      !dossier_vault_config_save (config, json_path, &error) ||
      !dossier_vault_rename_durably (self, tmp_path, db_path, &error) ||
      (self->db = dossier_vault_open_database (self, config, call->passphrase, &error)) == NULL)
    {
      dossier_vault_release_lock (self);
      g_task_return_error (task, error);
      return;
    }
  self->config = g_steal_pointer (&config);
  dossier_vault_set_open (self, task, TRUE);
  g_task_return_boolean (task, TRUE);
}

/* --- open ------------------------------------------------------------- */

static gboolean
finish_interrupted_create (DossierVault  *self,
                           GError       **error)
{
  g_autofree char *db_path = dossier_vault_build_path (self, "vault.db");
  g_autofree char *tmp_path = dossier_vault_build_path (self, "vault.db.tmp");

  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_file_test (tmp_path, G_FILE_TEST_EXISTS))
    return dossier_vault_rename_durably (self, tmp_path, db_path, error);
  g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
               _("The vault database %s is missing. Restore it from a backup."), db_path);
  return FALSE;
}

/* A passphrase change writes the new settings to vault.json.pending, rekeys
 * the database, then renames the file over vault.json.  After a crash in
 * between, whichever settings open the database are the right ones. */
static DossierVaultDb *
open_with_pending (DossierVault  *self,
                   const char    *passphrase,
                   GError       **error)
{
  g_autofree char *json_path = dossier_vault_build_path (self, "vault.json");
  g_autofree char *pending_path = dossier_vault_build_path (self, "vault.json.pending");
  g_autoptr(DossierVaultConfig) pending = NULL;
  g_autoptr(GError) first_error = NULL;
  DossierVaultDb *db;

  db = dossier_vault_open_database (self, self->config, passphrase, &first_error);
  if (!g_file_test (pending_path, G_FILE_TEST_EXISTS))
    {
      if (db == NULL)
        g_propagate_error (error, g_steal_pointer (&first_error));
      return db;
    }

  if (db != NULL)
    {
      /* The database still has the old key: the change never happened. */
      g_unlink (pending_path);
      return db;
    }

  pending = dossier_vault_config_load (pending_path, NULL);
  if (pending != NULL && (db = dossier_vault_open_database (self, pending, passphrase, NULL)) != NULL)
    {
      if (!dossier_vault_rename_durably (self, pending_path, json_path, error))
        {
          dossier_vault_db_close (db);
          return NULL;
        }
      g_clear_pointer (&self->config, dossier_vault_config_free);
      self->config = g_steal_pointer (&pending);
      return db;
    }

  /* The old passphrase no longer opens a rekeyed database. */
  if (g_error_matches (first_error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED))
    g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE,
                         _("Wrong passphrase"));
  else
    g_propagate_error (error, g_steal_pointer (&first_error));
  return NULL;
}

/* Failed unlocks are counted in a small file beside the database, so that
 * the delay they earn survives a restart: “FAILURES LAST-FAILURE-TIME”.
 * It holds nothing of the records.  Removing it resets the delay, which
 * only someone who could copy the vault file (and guess offline) can do. */
#define ATTEMPTS_FILE "unlock-attempts"
#define FREE_ATTEMPTS 3
#define FIRST_DELAY_SECONDS 5
#define MAX_DELAY_SECONDS 300

/* Seconds to wait after @failures wrong passphrases in a row: none for the
 * first few, then doubling from five seconds up to five minutes. */
guint
dossier_vault_unlock_delay (guint failures)
{
  guint steps;

  if (failures < FREE_ATTEMPTS)
    return 0;
  steps = MIN (failures - FREE_ATTEMPTS, 16);
  return MIN ((guint) FIRST_DELAY_SECONDS << steps, MAX_DELAY_SECONDS);
}

static void
read_attempts (DossierVault *self,
               guint        *failures,
               gint64       *last)
{
  g_autofree char *path = dossier_vault_build_path (self, ATTEMPTS_FILE);
  g_autofree char *text = NULL;
  guint64 count = 0;
  gint64 when = 0;

  *failures = 0;
  *last = 0;
  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      sscanf (text, "%" G_GUINT64_FORMAT " %" G_GINT64_FORMAT, &count, &when) != 2)
    return;
  *failures = (guint) MIN (count, G_MAXUINT);
  *last = when;
}

static void
write_attempts (DossierVault *self,
                guint         failures,
                gint64        last)
{
  g_autofree char *path = dossier_vault_build_path (self, ATTEMPTS_FILE);
  g_autofree char *text = g_strdup_printf ("%u %" G_GINT64_FORMAT "\n", failures, last);

  if (failures == 0)
    g_unlink (path);
  else
    g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
}

/* Refuses an attempt made before the delay earned by earlier failures. */
static gboolean
check_attempt_allowed (DossierVault  *self,
                       GError       **error)
{
  guint failures;
  gint64 last, wait;

  read_attempts (self, &failures, &last);
  wait = last + dossier_vault_unlock_delay (failures) - g_get_real_time () / G_USEC_PER_SEC;
  if (dossier_vault_unlock_delay (failures) == 0 || wait <= 0)
    return TRUE;
  wait = MIN (wait, MAX_DELAY_SECONDS);
  g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_TOO_MANY_ATTEMPTS,
               g_dngettext (GETTEXT_PACKAGE, "Too many wrong passphrases: try again in %u second",
                            "Too many wrong passphrases: try again in %u seconds", (gulong) wait),
               (guint) wait);
  return FALSE;
}

static void
count_failed_attempt (DossierVault *self)
{
  guint failures;
  gint64 last;

  read_attempts (self, &failures, &last);
  write_attempts (self, failures + 1, g_get_real_time () / G_USEC_PER_SEC);
}

static gboolean
log_failed_unlocks (DossierVault  *self,
                    GError       **error)
{
  gint64 last;

  read_attempts (self, &self->failed_unlocks, &last);
  if (self->failed_unlocks == 0)
    return TRUE;
  if (!dossier_vault_db_begin (self->db, error))
    return FALSE;
  for (; self->failed_unlocks > 0; self->failed_unlocks--)
    if (!dossier_vault_rows_append_audit (self->db, DOSSIER_AUDIT_UNLOCK_FAILED, NULL, NULL, error))
      {
        dossier_vault_db_rollback (self->db);
        return FALSE;
      }
  if (!dossier_vault_db_commit (self->db, error))
    return FALSE;
  write_attempts (self, 0, 0);
  return TRUE;
}

static void
open_job (DossierVault *self,
          GTask        *task,
          gpointer      data)
{
  Call *call = data;
  g_autofree char *json_path = dossier_vault_build_path (self, "vault.json");
  GError *error = NULL;

  if (self->db != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!g_file_test (json_path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NOT_FOUND,
                               _("There is no vault in %s"), self->directory);
      return;
    }
  if (!dossier_vault_take_lock (self, &error) ||
      !check_attempt_allowed (self, &error) ||
      (self->config = dossier_vault_config_load (json_path, &error)) == NULL ||
      !finish_interrupted_create (self, &error) ||
      (self->db = open_with_pending (self, call->passphrase, &error)) == NULL)
    {
      if (g_error_matches (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE))
        count_failed_attempt (self);
      dossier_vault_close_all (self);
      g_task_return_error (task, error);
      return;
    }
  if (!log_failed_unlocks (self, &error))
    {
      dossier_vault_close_all (self);
      g_task_return_error (task, error);
      return;
    }
  dossier_vault_set_open (self, task, TRUE);
  g_task_return_boolean (task, TRUE);
}

/* --- lock and passphrase ------------------------------------------------ */

static void
lock_job (DossierVault *self,
          GTask        *task,
          gpointer      data)
{
  dossier_vault_close_all (self);
  dossier_vault_set_open (self, task, FALSE);
  g_task_return_boolean (task, TRUE);
}

static void
change_passphrase_job (DossierVault *self,
                       GTask        *task,
                       gpointer      data)
{
  Call *call = data;
  g_autofree char *json_path = dossier_vault_build_path (self, "vault.json");
  g_autofree char *pending_path = dossier_vault_build_path (self, "vault.json.pending");
  g_autoptr(DossierVaultConfig) config = NULL;
  DossierKdfParams params;
  guint8 *key = NULL;
  GError *error = NULL;
  gboolean ok;

  if (!dossier_vault_require_open (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  key = dossier_secure_alloc (DOSSIER_VAULT_KEY_SIZE);
  dossier_vault_config_get_params (self->config, &params);
  ok = dossier_vault_config_derive_key (self->config, call->passphrase, key, &error) &&
       (config = dossier_vault_config_new (&params, &error)) != NULL &&
       dossier_vault_config_derive_key (config, call->new_passphrase, key, &error) &&
       dossier_vault_config_save (config, pending_path, &error) &&
       dossier_vault_db_rekey (self->db, key, &error) &&
       dossier_vault_rename_durably (self, pending_path, json_path, &error) &&
       dossier_vault_rows_append_audit (self->db, DOSSIER_AUDIT_CHANGE_PASSPHRASE, NULL, NULL, &error);
  dossier_secure_free (key, DOSSIER_VAULT_KEY_SIZE);

  if (ok)
    {
      g_clear_pointer (&self->config, dossier_vault_config_free);
      self->config = g_steal_pointer (&config);
    }
  else if (!g_error_matches (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE))
    {
      /* Whether the rekey went through is settled at the next open. */
      dossier_vault_close_all (self);
      dossier_vault_set_open (self, task, FALSE);
    }
  dossier_vault_return_result (task, ok, error);
}

static void
check_job (DossierVault *self,
           GTask        *task,
           gpointer      data)
{
  GError *error = NULL;
  gboolean ok = dossier_vault_require_open (self, &error) && dossier_vault_db_check (self->db, &error);

  dossier_vault_return_result (task, ok, error);
}

/* --- GObject ------------------------------------------------------------ */

static void
dossier_vault_finalize (GObject *object)
{
  DossierVault *self = DOSSIER_VAULT (object);

  /* Pending jobs hold a reference, so the queue is empty by now. */
  g_thread_pool_free (self->worker, FALSE, !on_worker_thread);
  dossier_vault_close_all (self);
  if (g_atomic_int_get (&self->is_open))
    note_open_vault (FALSE);
  g_free (self->directory);
  G_OBJECT_CLASS (dossier_vault_parent_class)->finalize (object);
}

static void
dossier_vault_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DossierVault *self = DOSSIER_VAULT (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;
    case PROP_IS_OPEN:
      g_value_set_boolean (value, dossier_vault_get_is_open (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dossier_vault_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DossierVault *self = DOSSIER_VAULT (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dossier_vault_class_init (DossierVaultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dossier_vault_finalize;
  object_class->get_property = dossier_vault_get_property;
  object_class->set_property = dossier_vault_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_OPEN] =
    g_param_spec_boolean ("is-open", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dossier_vault_init (DossierVault *self)
{
  self->lock_fd = -1;
  self->worker = g_thread_pool_new (run_job, NULL, 1, TRUE, NULL);
}

DossierVault *
dossier_vault_new (const char *directory)
{
  g_return_val_if_fail (directory != NULL, NULL);

  return g_object_new (DOSSIER_TYPE_VAULT, "directory", directory, NULL);
}

const char *
dossier_vault_get_directory (DossierVault *self)
{
  g_return_val_if_fail (DOSSIER_IS_VAULT (self), NULL);
  return self->directory;
}

gboolean
dossier_vault_exists (DossierVault *self)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (DOSSIER_IS_VAULT (self), FALSE);
  path = dossier_vault_build_path (self, "vault.json");
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

gboolean
dossier_vault_get_is_open (DossierVault *self)
{
  g_return_val_if_fail (DOSSIER_IS_VAULT (self), FALSE);
  return g_atomic_int_get (&self->is_open);
}

/* --- public calls ---------------------------------------------------------- */

gboolean
dossier_vault_finish_boolean (DossierVault  *self,
                GAsyncResult  *result,
                gpointer       tag,
                GError       **error)
{
  g_return_val_if_fail (DOSSIER_IS_VAULT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gpointer
dossier_vault_finish_pointer (DossierVault  *self,
                GAsyncResult  *result,
                gpointer       tag,
                GError       **error)
{
  g_return_val_if_fail (DOSSIER_IS_VAULT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
dossier_vault_create_async (DossierVault           *self,
                            const char             *passphrase,
                            const DossierKdfParams *params,
                            const char             *owner_name,
                            GCancellable           *cancellable,
                            GAsyncReadyCallback     callback,
                            gpointer                user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (passphrase != NULL);

  call = g_new0 (Call, 1);
  call->passphrase = dossier_secure_strdup (passphrase);
  call->text = g_strdup (owner_name != NULL && *owner_name != '\0' ? owner_name : _("Me"));
  if (params != NULL)
    {
      call->params = *params;
      call->has_params = TRUE;
    }
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_create_async, call, cancellable, callback, user_data),
             create_job);
}

gboolean
dossier_vault_create_finish (DossierVault  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_create_async, error);
}

void
dossier_vault_open_async (DossierVault        *self,
                          const char          *passphrase,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (passphrase != NULL);

  call = g_new0 (Call, 1);
  call->passphrase = dossier_secure_strdup (passphrase);
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_open_async, call, cancellable, callback, user_data),
             open_job);
}

gboolean
dossier_vault_open_finish (DossierVault  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_open_async, error);
}

void
dossier_vault_lock_async (DossierVault        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (DOSSIER_IS_VAULT (self));
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_lock_async, NULL, cancellable, callback, user_data),
             lock_job);
}

gboolean
dossier_vault_lock_finish (DossierVault  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_lock_async, error);
}

void
dossier_vault_change_passphrase_async (DossierVault        *self,
                                       const char          *old_passphrase,
                                       const char          *new_passphrase,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (old_passphrase != NULL);
  g_return_if_fail (new_passphrase != NULL);

  call = g_new0 (Call, 1);
  call->passphrase = dossier_secure_strdup (old_passphrase);
  call->new_passphrase = dossier_secure_strdup (new_passphrase);
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_change_passphrase_async, call, cancellable, callback, user_data),
             change_passphrase_job);
}

gboolean
dossier_vault_change_passphrase_finish (DossierVault  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_change_passphrase_async, error);
}

/* Reads the whole database to find damage early. */
void
dossier_vault_check_async (DossierVault        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (DOSSIER_IS_VAULT (self));
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_check_async, NULL, cancellable, callback, user_data),
             check_job);
}

gboolean
dossier_vault_check_finish (DossierVault  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_check_async, error);
}

