// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-vault.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* The vault secret automatic backups are sealed with, and the vault
 * setting holding when the last one was written (ISO 8601, UTC). */
#define DOSSIER_BACKUP_SCHEDULE_KEY  "automatic-backup-key"
#define DOSSIER_BACKUP_SCHEDULE_LAST "automatic-backup-last"

/* How many automatic backups are kept in the folder; older ones go. */
#define DOSSIER_BACKUP_SCHEDULE_KEEP 5

gboolean  dossier_backup_schedule_is_on      (GSettings            *settings);
char     *dossier_backup_schedule_file_name  (GDateTime            *when);
void      dossier_backup_schedule_run_async  (DossierVault         *vault,
                                              GSettings            *settings,
                                              gboolean              force,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
char     *dossier_backup_schedule_run_finish (GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
