// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-vault-db.h"

G_BEGIN_DECLS

#define DOSSIER_VAULT_SCHEMA_VERSION 3

int      dossier_vault_schema_get_version (DossierVaultDb  *db,
                                           GError         **error);
gboolean dossier_vault_schema_migrate     (DossierVaultDb  *db,
                                           int              target,
                                           GError         **error);

G_END_DECLS
