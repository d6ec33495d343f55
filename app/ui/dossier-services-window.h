// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-wallet.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define DOSSIER_TYPE_SERVICES_WINDOW (dossier_services_window_get_type ())
G_DECLARE_FINAL_TYPE (DossierServicesWindow, dossier_services_window, DOSSIER, SERVICES_WINDOW, AdwWindow)

GtkWidget *dossier_services_window_new           (GtkWindow               *parent,
                                                  DossierWallet           *wallet);
/* @browser: (nullable): opens consent pages; %NULL opens the system's browser */
void       dossier_services_window_set_browser   (DossierServicesWindow   *self,
                                                  DossierOAuthBrowserFunc  browser,
                                                  gpointer                 browser_data);
void       dossier_services_window_receive_offer (DossierServicesWindow   *self,
                                                  const char              *offer);
gboolean   dossier_services_window_get_busy      (DossierServicesWindow   *self);

char       *dossier_sync_summary_describe        (DossierSyncSummary      *summary);
const char *dossier_services_error_describe      (const GError            *error);

G_END_DECLS
