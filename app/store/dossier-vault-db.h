// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The SQLCipher connection of one vault.  Used only from the vault's worker
 * thread (and by tests and benchmarks that drive it directly). */
typedef struct _DossierVaultDb DossierVaultDb;

DossierVaultDb *dossier_vault_db_open         (const char      *path,
                                               const guint8    *key,
                                               gboolean         create,
                                               GError         **error);
void            dossier_vault_db_close        (DossierVaultDb  *db);
sqlite3        *dossier_vault_db_get_handle   (DossierVaultDb  *db);
sqlite3_stmt   *dossier_vault_db_prepare      (DossierVaultDb  *db,
                                               const char      *sql,
                                               GError         **error);
gboolean        dossier_vault_db_exec         (DossierVaultDb  *db,
                                               const char      *sql,
                                               GError         **error);
gboolean        dossier_vault_db_step_done    (DossierVaultDb  *db,
                                               sqlite3_stmt    *stmt,
                                               GError         **error);
gboolean        dossier_vault_db_begin        (DossierVaultDb  *db,
                                               GError         **error);
gboolean        dossier_vault_db_commit       (DossierVaultDb  *db,
                                               GError         **error);
void            dossier_vault_db_rollback     (DossierVaultDb  *db);
gboolean        dossier_vault_db_rekey        (DossierVaultDb  *db,
                                               const guint8    *key,
                                               GError         **error);
gboolean        dossier_vault_db_check        (DossierVaultDb  *db,
                                               GError         **error);
gboolean        dossier_vault_db_set_error    (DossierVaultDb  *db,
                                               int              rc,
                                               GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierVaultDb, dossier_vault_db_close)

G_END_DECLS
