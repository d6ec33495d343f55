// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Starts dossier-demo-services as a child process and reads the base
 * addresses it prints: the ministry of education (moet), the ministry of
 * health (moh) and the SMART Health Links host (shl).  The child is
 * stopped with SIGTERM by dossier_demo_services_launcher_stop (), when the
 * launcher is finalized, or when the thread that started it ends (start it
 * from the main thread), so that it never outlives Dossier. */

#define DOSSIER_TYPE_DEMO_SERVICES_LAUNCHER (dossier_demo_services_launcher_get_type ())
G_DECLARE_FINAL_TYPE (DossierDemoServicesLauncher, dossier_demo_services_launcher, DOSSIER, DEMO_SERVICES_LAUNCHER, GObject)

/* How long the program may take to print its addresses by default. */
#define DOSSIER_DEMO_SERVICES_DEFAULT_TIMEOUT 15

char                        *dossier_demo_services_launcher_find_program (void);
DossierDemoServicesLauncher *dossier_demo_services_launcher_new          (const char                  *program,
                                                                          const char * const          *arguments);
void                         dossier_demo_services_launcher_start_async  (DossierDemoServicesLauncher *self,
                                                                          guint                        timeout_seconds,
                                                                          GCancellable                *cancellable,
                                                                          GAsyncReadyCallback          callback,
                                                                          gpointer                     user_data);
gboolean                     dossier_demo_services_launcher_start_finish (DossierDemoServicesLauncher *self,
                                                                          GAsyncResult                *result,
                                                                          GError                     **error);
const char                  *dossier_demo_services_launcher_get_moet     (DossierDemoServicesLauncher *self);
const char                  *dossier_demo_services_launcher_get_moh      (DossierDemoServicesLauncher *self);
const char                  *dossier_demo_services_launcher_get_shl      (DossierDemoServicesLauncher *self);
gboolean                     dossier_demo_services_launcher_is_running   (DossierDemoServicesLauncher *self);
void                         dossier_demo_services_launcher_stop         (DossierDemoServicesLauncher *self);

G_END_DECLS
