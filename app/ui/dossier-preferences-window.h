// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "dossier-wallet.h"

G_BEGIN_DECLS

#define DOSSIER_TYPE_PREFERENCES_WINDOW (dossier_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (DossierPreferencesWindow, dossier_preferences_window, DOSSIER, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *dossier_preferences_window_new (DossierWallet *wallet,
                                           GSettings     *settings);
void       dossier_apply_style            (GSettings     *settings);
void       dossier_preferences_window_trust_file (DossierPreferencesWindow *self,
                                                  GFile                    *file);

G_END_DECLS
