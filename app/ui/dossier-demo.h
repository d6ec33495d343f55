// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-wallet.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GFile     *dossier_demo_data_directory (void);
void       dossier_demo_trust_services (DossierWallet        *wallet,
                                        GCancellable         *cancellable);
JsonArray *dossier_demo_read_people    (void);
void       dossier_demo_fill_async     (DossierWallet        *wallet,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean   dossier_demo_fill_finish    (DossierWallet        *wallet,
                                        GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
