// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-backup-schedule.h"

#include "dossier-recovery-key.h"
#include "dossier-secret.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>

/* Automatic backups.  The folder and the interval are settings of the
 * computer (GSettings); the recovery key the backups are sealed with and
 * the time of the last one are kept in the vault itself.  While the vault
 * is open, the window asks now and then whether a backup is due; one is
 * written when the last is older than the interval, and only the newest
 * few automatic backups stay in the folder. */

#define FILE_PREFIX "dossier-automatic-"
#define FILE_SUFFIX ".backup"

typedef struct
{
  DossierVault *vault;
  char         *folder;
  char         *path;
  guint         interval_days;
  gboolean      force;
} Run;

static void
run_free (Run *run)
{
  g_clear_object (&run->vault);
  g_free (run->folder);
  g_free (run->path);
  g_free (run);
}

gboolean
dossier_backup_schedule_is_on (GSettings *settings)
{
  g_autofree char *folder = g_settings_get_string (settings, "backup-folder");

  return *folder != '\0';
}

/* A name that sorts by time, so that the oldest backups are found first. */
char *
dossier_backup_schedule_file_name (GDateTime *when)
{
  g_autofree char *stamp = g_date_time_format (when, "%Y-%m-%d-%H%M%S-%f");

  return g_strconcat (FILE_PREFIX, stamp, FILE_SUFFIX, NULL);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Removes all but the newest DOSSIER_BACKUP_SCHEDULE_KEEP automatic
 * backups; other files in the folder are never touched. */
static void
prune (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, FILE_PREFIX) && g_str_has_suffix (name, FILE_SUFFIX))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i + DOSSIER_BACKUP_SCHEDULE_KEEP < names->len; i++)
    {
      g_autofree char *path = g_build_filename (folder, g_ptr_array_index (names, i), NULL);

      if (g_unlink (path) != 0)
        g_message ("Cannot remove the old backup %s", path);
    }
}

static void
on_last_saved (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (!dossier_vault_set_setting_finish (DOSSIER_VAULT (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  prune (run->folder);
  g_task_return_pointer (task, g_strdup (run->path), g_free);
}

static void
on_backed_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  GError *error = NULL;

  if (!dossier_vault_backup_finish (run->vault, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format_iso8601 (now);
  dossier_vault_set_setting_async (run->vault, DOSSIER_BACKUP_SCHEDULE_LAST, stamp, g_task_get_cancellable (task),
                                   on_last_saved, g_object_ref (task));
}

static void
on_key_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = dossier_backup_schedule_file_name (now);
  GError *error = NULL;
  guint8 *key;
  gsize length = 0;

  key = dossier_vault_get_secret_finish (run->vault, result, &length, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (key == NULL || length != DOSSIER_RECOVERY_KEY_SIZE)
    {
      if (key != NULL)
        dossier_secure_free (key, length);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                               _("This vault has no recovery key for automatic backups; turn them off and on again"));
      return;
    }
  if (g_mkdir_with_parents (run->folder, 0700) != 0)
    {
      dossier_secure_free (key, length);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errno),
                               _("Cannot use the backup folder %s: %s"), run->folder, g_strerror (errno));
      return;
    }
  run->path = g_build_filename (run->folder, name, NULL);
  dossier_vault_backup_async (run->vault, run->path, NULL, key, NULL, g_task_get_cancellable (task),
                              on_backed_up, g_object_ref (task));
  dossier_secure_free (key, length);
}

static gboolean
is_due (Run        *run,
        const char *last)
{
  g_autoptr(GDateTime) then = last != NULL ? g_date_time_new_from_iso8601 (last, NULL) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (run->force || then == NULL)
    return TRUE;
  /* A clock set back makes "then" later than now: back up anyway. */
  return g_date_time_difference (now, then) >= (GTimeSpan) run->interval_days * G_TIME_SPAN_DAY ||
         g_date_time_compare (then, now) > 0;
}

static void
on_last_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autofree char *last = NULL;
  GError *error = NULL;

  last = dossier_vault_get_setting_finish (run->vault, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!is_due (run, last))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  dossier_vault_get_secret_async (run->vault, DOSSIER_BACKUP_SCHEDULE_KEY, g_task_get_cancellable (task),
                                  on_key_read, g_object_ref (task));
}

/**
 * dossier_backup_schedule_run_async:
 * @force: back up even when the last backup is recent
 *
 * Writes an automatic backup of the open @vault when automatic backups are
 * on and one is due.  dossier_backup_schedule_run_finish() gives the new
 * file's path, or %NULL without an error when nothing was due.
 */
void
dossier_backup_schedule_run_async (DossierVault        *vault,
                                   GSettings           *settings,
                                   gboolean             force,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (DOSSIER_IS_VAULT (vault));
  g_return_if_fail (G_IS_SETTINGS (settings));

  task = g_task_new (vault, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_backup_schedule_run_async);
  run = g_new0 (Run, 1);
  run->vault = g_object_ref (vault);
  run->folder = g_settings_get_string (settings, "backup-folder");
  run->interval_days = MAX (g_settings_get_uint (settings, "backup-interval-days"), 1);
  run->force = force;
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  if (*run->folder == '\0' || !dossier_vault_get_is_open (vault))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  dossier_vault_get_setting_async (vault, DOSSIER_BACKUP_SCHEDULE_LAST, cancellable, on_last_read,
                                   g_steal_pointer (&task));
}

char *
dossier_backup_schedule_run_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dossier_backup_schedule_run_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
