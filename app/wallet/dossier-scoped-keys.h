// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-verification.h"

G_BEGIN_DECLS

#define DOSSIER_TYPE_SCOPED_KEYS (dossier_scoped_keys_get_type ())
G_DECLARE_FINAL_TYPE (DossierScopedKeys, dossier_scoped_keys, DOSSIER, SCOPED_KEYS, GObject)

DossierKeySource *dossier_scoped_keys_new     (DossierKeySource *keys,
                                               const char       *scope);
DossierKeySource *dossier_scoped_keys_get_for (DossierKeySource *keys,
                                               const char       *scope);

G_END_DECLS
