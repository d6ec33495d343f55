// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-wallet.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define DOSSIER_TYPE_BACKUP_WINDOW (dossier_backup_window_get_type ())
G_DECLARE_FINAL_TYPE (DossierBackupWindow, dossier_backup_window, DOSSIER, BACKUP_WINDOW, AdwWindow)

DossierBackupWindow *dossier_backup_window_new        (GtkWindow           *parent,
                                                       DossierWallet       *wallet,
                                                       GSettings           *settings);
void                 dossier_backup_window_save_to    (DossierBackupWindow *self,
                                                       GFile               *file);
void                 dossier_backup_window_use_folder (DossierBackupWindow *self,
                                                       GFile               *folder);

G_END_DECLS
