// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-wallet.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define DOSSIER_TYPE_RESTORE_WINDOW (dossier_restore_window_get_type ())
G_DECLARE_FINAL_TYPE (DossierRestoreWindow, dossier_restore_window, DOSSIER, RESTORE_WINDOW, AdwWindow)

DossierRestoreWindow *dossier_restore_window_new      (GtkWindow            *parent,
                                                       DossierWallet        *wallet);
void                  dossier_restore_window_use_file (DossierRestoreWindow *self,
                                                       GFile                *file);

G_END_DECLS
