// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vault-db.h"

#include "dossier-secret.h"
#include "dossier-vault-config.h"
#include "dossier-vault-error.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

struct _DossierVaultDb
{
  sqlite3    *handle;
  GHashTable *statements;   /* SQL text -> prepared statement */
};

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

gboolean
dossier_vault_db_set_error (DossierVaultDb  *db,
                            int              rc,
                            GError         **error)
{
  const char *message = db != NULL && db->handle != NULL ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                   _("The vault database is damaged (%s). Restore it from a backup."), message);
      break;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_IO,
                   _("Cannot read or write the vault database: %s"), message);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_IN_USE,
                   _("The vault database is busy: %s"), message);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_INVALID,
                   _("The change breaks a rule of the vault: %s"), message);
      break;
    default:
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_FAILED,
                   _("Vault database error: %s"), message);
      break;
    }
  return FALSE;
}

/* SQLCipher takes a raw key as the text x'<64 hex digits>'. */
static char *
format_raw_key (const guint8 *key)
{
  static const char hex[] = "0123456789ABCDEF";
  char *text = dossier_secure_alloc (3 + 2 * DOSSIER_VAULT_KEY_SIZE + 1);
  char *p = text;

  *p++ = 'x';
  *p++ = '\'';
  for (guint i = 0; i < DOSSIER_VAULT_KEY_SIZE; i++)
    {
      *p++ = hex[key[i] >> 4];
      *p++ = hex[key[i] & 0xf];
    }
  *p++ = '\'';
  *p = '\0';
  return text;
}

/* Explicit cipher settings, so the file is the same whichever SQLCipher
 * opens it: 3.4 (Debian 12) defaults to these, 4.x must be told. */
static gboolean
apply_cipher_settings (DossierVaultDb  *db,
                       GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int major = 3;

  if (sqlite3_prepare_v2 (db->handle, "PRAGMA cipher_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    major = atoi ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (major >= 4 &&
      !dossier_vault_db_exec (db,
                              "PRAGMA cipher_hmac_algorithm = HMAC_SHA1;"
                              "PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA1;",
                              error))
    return FALSE;

  return dossier_vault_db_exec (db,
                                "PRAGMA cipher_page_size = 4096;"
                                "PRAGMA kdf_iter = 64000;"
                                "PRAGMA cipher_use_hmac = ON;",
                                error);
}

DossierVaultDb *
dossier_vault_db_open (const char    *path,
                       const guint8  *key,
                       gboolean       create,
                       GError       **error)
{
  g_autoptr(DossierVaultDb) db = g_new0 (DossierVaultDb, 1);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc;

  db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);

  rc = sqlite3_open_v2 (path, &db->handle, flags, NULL);
  if (rc != SQLITE_OK)
    {
      dossier_vault_db_set_error (db, rc, error);
      return NULL;
    }
  /* SQLite creates files with the umask's mode; the journal files copy the
   * mode of the database, so this keeps them all private to the owner. */
  if (create)
    g_chmod (path, 0600);
  sqlite3_extended_result_codes (db->handle, 0);

  if (key != NULL)
    {
      char *key_text = format_raw_key (key);

      rc = sqlite3_key (db->handle, key_text, (int) strlen (key_text));
      dossier_secure_strfree (key_text);
      if (rc != SQLITE_OK)
        {
          dossier_vault_db_set_error (db, rc, error);
          return NULL;
        }
      if (!apply_cipher_settings (db, error))
        return NULL;
    }

  /* The first read proves the key: a wrong key or a damaged first page
   * both end here as "not a database". */
  if (!dossier_vault_db_exec (db, "SELECT count(*) FROM sqlite_master", error))
    return NULL;

  if (!dossier_vault_db_exec (db,
                              "PRAGMA journal_mode = WAL;"
                              "PRAGMA synchronous = FULL;"
                              "PRAGMA foreign_keys = ON;"
                              "PRAGMA temp_store = MEMORY;"
                              "PRAGMA cache_size = -32768;"
                              "PRAGMA secure_delete = ON;",
                              error))
    return NULL;
  sqlite3_busy_timeout (db->handle, 5000);

  return g_steal_pointer (&db);
}

void
dossier_vault_db_close (DossierVaultDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->statements, g_hash_table_unref);
  if (db->handle != NULL)
    sqlite3_close_v2 (db->handle);
  g_free (db);
}

sqlite3 *
dossier_vault_db_get_handle (DossierVaultDb *db)
{
  return db->handle;
}

/* A prepared statement from the cache, reset and with its bindings
 * cleared. */
sqlite3_stmt *
dossier_vault_db_prepare (DossierVaultDb  *db,
                          const char      *sql,
                          GError         **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      dossier_vault_db_set_error (db, rc, error);
      return NULL;
    }
  g_hash_table_insert (db->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
dossier_vault_db_exec (DossierVaultDb  *db,
                       const char      *sql,
                       GError         **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return dossier_vault_db_set_error (db, rc, error);
  return TRUE;
}

gboolean
dossier_vault_db_step_done (DossierVaultDb  *db,
                            sqlite3_stmt    *stmt,
                            GError         **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return dossier_vault_db_set_error (db, rc, error);
  return TRUE;
}

gboolean
dossier_vault_db_begin (DossierVaultDb  *db,
                        GError         **error)
{
  return dossier_vault_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
dossier_vault_db_commit (DossierVaultDb  *db,
                         GError         **error)
{
  if (dossier_vault_db_exec (db, "COMMIT", error))
    return TRUE;
  dossier_vault_db_rollback (db);
  return FALSE;
}

void
dossier_vault_db_rollback (DossierVaultDb *db)
{
  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
dossier_vault_db_rekey (DossierVaultDb  *db,
                        const guint8    *key,
                        GError         **error)
{
  char *key_text = format_raw_key (key);
  int rc;

  /* Statements hold pages of the old cipher; rekey wants none open. */
  g_hash_table_remove_all (db->statements);
  rc = sqlite3_rekey (db->handle, key_text, (int) strlen (key_text));
  dossier_secure_strfree (key_text);
  if (rc != SQLITE_OK)
    return dossier_vault_db_set_error (db, rc, error);
  return TRUE;
}

/* Reads every page: each one's HMAC is checked on the way, and SQLite
 * checks the structure of what it reads. */
gboolean
dossier_vault_db_check (DossierVaultDb  *db,
                        GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *verdict = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA quick_check(1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    verdict = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (verdict == NULL)
    return dossier_vault_db_set_error (db, rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
  if (g_strcmp0 (verdict, "ok") != 0)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                   _("The vault database is damaged (%s). Restore it from a backup."), verdict);
      return FALSE;
    }
  return TRUE;
}
