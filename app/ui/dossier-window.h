// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "dossier-application.h"
#include "dossier-wallet.h"

G_BEGIN_DECLS

#define DOSSIER_TYPE_WINDOW (dossier_window_get_type ())
G_DECLARE_FINAL_TYPE (DossierWindow, dossier_window, DOSSIER, WINDOW, AdwApplicationWindow)

DossierWindow *dossier_window_new           (DossierApplication *application,
                                             DossierWallet      *wallet,
                                             gboolean            demo);
void           dossier_window_receive_offer (DossierWindow      *self,
                                             const char         *offer);
void           dossier_window_set_demo_services (DossierWindow  *self,
                                                 const char     *moet,
                                                 const char     *moh);

G_END_DECLS
