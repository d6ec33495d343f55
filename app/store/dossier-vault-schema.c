// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vault-schema.h"

#include "dossier-vault-error.h"
#include "dossier-vault-rows.h"

#include <glib/gi18n-lib.h>

/* Numbered migrations.  Each runs in its own transaction together with the
 * user_version bump, so a vault is always at exactly one version.  Never
 * change a migration once released: add the next one. */

static const char migration_1[] =
  "CREATE TABLE persons ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  relation TEXT NOT NULL DEFAULT 'other',"
  "  birth_date TEXT,"
  "  created TEXT NOT NULL);"
  "CREATE TABLE blobs ("
  "  id INTEGER PRIMARY KEY,"
  "  sha256 TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  data BLOB NOT NULL);"
  "CREATE TABLE records ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  person_id INTEGER NOT NULL REFERENCES persons (id),"
  "  kind TEXT NOT NULL,"
  "  category TEXT NOT NULL,"
  "  title TEXT NOT NULL,"
  "  issuer_id TEXT,"
  "  issuer_name TEXT,"
  "  issued TEXT,"
  "  valid_from TEXT,"
  "  valid_until TEXT,"
  "  format TEXT NOT NULL,"
  "  media_type TEXT,"
  "  source TEXT,"
  "  parent_uuid TEXT,"
  "  blob_id INTEGER REFERENCES blobs (id),"
  "  fields TEXT NOT NULL DEFAULT '{}',"
  "  tags TEXT NOT NULL DEFAULT '',"
  "  verdict TEXT NOT NULL DEFAULT '{}',"
  "  checked_at TEXT,"
  "  created TEXT NOT NULL,"
  "  sort_date TEXT NOT NULL);"
  "CREATE INDEX records_by_date ON records (sort_date DESC, id DESC);"
  "CREATE INDEX records_by_category ON records (category, sort_date DESC, id DESC);"
  "CREATE INDEX records_by_person ON records (person_id, sort_date DESC, id DESC);"
  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY,"
  "  at TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  subject TEXT,"
  "  detail TEXT);"
  "CREATE TABLE trust_entries ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  source TEXT,"
  "  scope TEXT NOT NULL DEFAULT 'all',"
  "  kind TEXT NOT NULL,"
  "  material BLOB NOT NULL,"
  "  added TEXT NOT NULL);"
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT);"
  "CREATE TABLE secrets ("
  "  key TEXT PRIMARY KEY,"
  "  value BLOB);";

/* Version 2: the full-text index over folded text, filled from the records
 * already there. */
static gboolean
migrate_2 (DossierVaultDb  *db,
           GError         **error)
{
  if (!dossier_vault_db_exec (db,
                              "CREATE VIRTUAL TABLE records_fts USING fts4 ("
                              "  title, issuer, body, tokenize=unicode61)",
                              error))
    return FALSE;
  return dossier_vault_rows_reindex_all (db, error);
}

static gboolean
migrate_1 (DossierVaultDb  *db,
           GError         **error)
{
  return dossier_vault_db_exec (db, migration_1, error);
}

/* Version 3: a narrow index that answers searches without reading the
 * wide record rows. */
static gboolean
migrate_3 (DossierVaultDb  *db,
           GError         **error)
{
  return dossier_vault_db_exec (db,
                                "CREATE INDEX records_search ON records"
                                " (id, sort_date, category, kind, person_id)",
                                error);
}

static gboolean (* const migrations[]) (DossierVaultDb *, GError **) = {
  migrate_1,
  migrate_2,
  migrate_3,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == DOSSIER_VAULT_SCHEMA_VERSION);

int
dossier_vault_schema_get_version (DossierVaultDb  *db,
                                  GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc, version = -1;

  rc = sqlite3_prepare_v2 (dossier_vault_db_get_handle (db), "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (version < 0)
    dossier_vault_db_set_error (db, rc, error);
  return version;
}

gboolean
dossier_vault_schema_migrate (DossierVaultDb  *db,
                              int              target,
                              GError         **error)
{
  int version = dossier_vault_schema_get_version (db, error);

  g_return_val_if_fail (target <= DOSSIER_VAULT_SCHEMA_VERSION, FALSE);

  if (version < 0)
    return FALSE;
  if (version > DOSSIER_VAULT_SCHEMA_VERSION)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NEWER_FORMAT,
                   _("This vault was written by a newer version of Dossier (schema %d; this version knows up to %d). Update Dossier to open it."),
                   version, DOSSIER_VAULT_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < target; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!dossier_vault_db_begin (db, error))
        return FALSE;
      if (!migrations[version] (db, error) ||
          !dossier_vault_db_exec (db, bump, error) ||
          !dossier_vault_db_commit (db, error))
        {
          dossier_vault_db_rollback (db);
          g_prefix_error (error, _("Upgrading the vault to version %d failed: "), version + 1);
          return FALSE;
        }
    }
  return TRUE;
}
