// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The addresses of the demo services a started dossier-demo-services serves. */
typedef struct
{
  char *moet;
  char *moh;
  char *shl;
} DossierDemoServices;

void                 dossier_demo_services_free          (DossierDemoServices  *services);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierDemoServices, dossier_demo_services_free)

void                 dossier_demo_services_start_async   (GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
/* Returns: (transfer full): the running child; stop it with dossier_demo_services_stop() */
GSubprocess         *dossier_demo_services_start_finish  (GAsyncResult         *result,
                                                          DossierDemoServices **services,
                                                          GError              **error);
void                 dossier_demo_services_stop          (GSubprocess          *child);

G_END_DECLS
