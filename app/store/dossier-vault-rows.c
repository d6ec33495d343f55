// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vault-rows.h"

#include "dossier-text.h"
#include "dossier-utils.h"
#include "dossier-vault-error.h"

#include <glib/gi18n-lib.h>

#define RECORD_COLUMNS \
  "r.id, r.uuid, r.person_id, r.kind, r.title, r.issuer_id, r.issuer_name, r.issued," \
  " r.valid_from, r.valid_until, r.format, r.media_type, r.source, r.parent_uuid," \
  " r.fields, r.tags, r.verdict, r.checked_at, r.created"

static char *
now_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return dossier_format_timestamp (now);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

static void
set_record_fields_from_text (DossierRecord *record,
                             const char    *text)
{
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    dossier_record_set_fields (record, json_node_get_object (node));
}

static DossierRecord *
record_from_row (sqlite3_stmt *stmt)
{
  DossierRecord *record = g_object_new (DOSSIER_TYPE_RECORD, NULL);
  DossierRecordKind kind = DOSSIER_RECORD_KIND_DOCUMENT;
  g_autoptr(JsonNode) verdict_node = NULL;
  g_autoptr(GDateTime) checked = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_auto(GStrv) tags = NULL;
  const char *tags_text;

  dossier_record_set_id (record, sqlite3_column_int64 (stmt, 0));
  dossier_record_set_uuid (record, column_text (stmt, 1));
  dossier_record_set_person_id (record, sqlite3_column_int64 (stmt, 2));
  dossier_record_kind_from_string (column_text (stmt, 3), &kind);
  dossier_record_set_kind (record, kind);
  dossier_record_set_title (record, column_text (stmt, 4));
  dossier_record_set_issuer_id (record, column_text (stmt, 5));
  dossier_record_set_issuer_name (record, column_text (stmt, 6));
  dossier_record_set_issued (record, column_text (stmt, 7));
  dossier_record_set_valid_from (record, column_text (stmt, 8));
  dossier_record_set_valid_until (record, column_text (stmt, 9));
  dossier_record_set_format (record, column_text (stmt, 10));
  dossier_record_set_media_type (record, column_text (stmt, 11));
  dossier_record_set_source (record, column_text (stmt, 12));
  dossier_record_set_parent_uuid (record, column_text (stmt, 13));
  set_record_fields_from_text (record, column_text (stmt, 14));

  tags_text = column_text (stmt, 15);
  if (tags_text != NULL && *tags_text != '\0')
    {
      tags = g_strsplit (tags_text, "\n", -1);
      dossier_record_set_tags (record, (const char * const *) tags);
    }

  verdict_node = column_text (stmt, 16) != NULL ? json_from_string (column_text (stmt, 16), NULL) : NULL;
  if (verdict_node != NULL)
    {
      g_autoptr(DossierVerdict) verdict = dossier_verdict_new_from_json (verdict_node, NULL);

      if (verdict != NULL)
        dossier_record_set_verdict (record, verdict);
    }

  checked = dossier_parse_timestamp (column_text (stmt, 17));
  dossier_record_set_checked_at (record, checked);
  created = dossier_parse_timestamp (column_text (stmt, 18));
  dossier_record_set_created_at (record, created);
  return record;
}

static char *
join_tags (DossierRecord *record)
{
  const char * const *tags = dossier_record_get_tags (record);
  GString *joined = g_string_new (NULL);

  for (guint i = 0; tags[i] != NULL; i++)
    {
      g_autofree char *clean = g_strdelimit (g_strdup (tags[i]), "\n\r", ' ');

      if (joined->len > 0)
        g_string_append_c (joined, '\n');
      g_string_append (joined, clean);
    }
  return g_string_free (joined, FALSE);
}

static gboolean
index_record (DossierVaultDb  *db,
              DossierRecord   *record,
              GError         **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *title = dossier_text_fold (dossier_record_get_title (record));
  g_autofree char *issuer_text = g_strjoin (" ",
                                            dossier_record_get_issuer_name (record) ?: "",
                                            dossier_record_get_issuer_id (record) ?: "",
                                            NULL);
  g_autofree char *issuer = dossier_text_fold (issuer_text);
  g_autofree char *body_text = dossier_record_dup_search_text (record);
  g_autofree char *body = dossier_text_fold (body_text);

  stmt = dossier_vault_db_prepare (db,
                                   "INSERT INTO records_fts (docid, title, issuer, body)"
                                   " VALUES (?, ?, ?, ?)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dossier_record_get_id (record));
  bind_text (stmt, 2, title);
  bind_text (stmt, 3, issuer);
  bind_text (stmt, 4, body);
  return dossier_vault_db_step_done (db, stmt, error);
}

static gint64
insert_blob (DossierVaultDb  *db,
             GBytes          *bytes,
             GError         **error)
{
  g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  sqlite3_stmt *stmt;
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  stmt = dossier_vault_db_prepare (db, "INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) size);
  sqlite3_bind_blob64 (stmt, 3, data != NULL ? data : "", size, SQLITE_STATIC);
  if (!dossier_vault_db_step_done (db, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (dossier_vault_db_get_handle (db));
}

gboolean
dossier_vault_rows_insert_record (DossierVaultDb  *db,
                                  DossierRecord   *record,
                                  GError         **error)
{
  sqlite3_stmt *stmt;
  DossierRecordKind kind = dossier_record_get_kind (record);
  g_autofree char *fields = dossier_record_dup_fields_text (record);
  g_autofree char *tags = join_tags (record);
  g_autoptr(JsonNode) verdict_node = dossier_verdict_to_json (dossier_record_get_verdict (record));
  g_autofree char *verdict = json_to_string (verdict_node, FALSE);
  g_autofree char *checked = dossier_format_timestamp (dossier_record_get_checked_at (record));
  g_autofree char *created = NULL;
  const char *sort_date;
  gint64 blob_id = 0;
  gint64 person_id = dossier_record_get_person_id (record);

  if (dossier_record_get_created_at (record) == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      dossier_record_set_created_at (record, now);
    }
  created = dossier_format_timestamp (dossier_record_get_created_at (record));
  sort_date = dossier_record_get_issued (record) ?: created;

  if (person_id == 0)
    {
      person_id = dossier_vault_rows_get_owner_id (db, error);
      if (person_id == 0)
        return FALSE;
    }

  if (dossier_record_get_original (record) != NULL &&
      (blob_id = insert_blob (db, dossier_record_get_original (record), error)) == 0)
    return FALSE;

  stmt = dossier_vault_db_prepare (db,
                                   "INSERT INTO records (uuid, person_id, kind, category, title, issuer_id,"
                                   " issuer_name, issued, valid_from, valid_until, format, media_type, source,"
                                   " parent_uuid, blob_id, fields, tags, verdict, checked_at, created, sort_date)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, dossier_record_get_uuid (record));
  sqlite3_bind_int64 (stmt, 2, person_id);
  bind_text (stmt, 3, dossier_record_kind_to_string (kind));
  bind_text (stmt, 4, dossier_record_category_to_string (dossier_record_kind_get_category (kind)));
  bind_text (stmt, 5, dossier_record_get_title (record) ?: "");
  bind_text (stmt, 6, dossier_record_get_issuer_id (record));
  bind_text (stmt, 7, dossier_record_get_issuer_name (record));
  bind_text (stmt, 8, dossier_record_get_issued (record));
  bind_text (stmt, 9, dossier_record_get_valid_from (record));
  bind_text (stmt, 10, dossier_record_get_valid_until (record));
  bind_text (stmt, 11, dossier_record_get_format (record) ?: "document");
  bind_text (stmt, 12, dossier_record_get_media_type (record));
  bind_text (stmt, 13, dossier_record_get_source (record));
  bind_text (stmt, 14, dossier_record_get_parent_uuid (record));
  if (blob_id != 0)
    sqlite3_bind_int64 (stmt, 15, blob_id);
  bind_text (stmt, 16, fields);
  bind_text (stmt, 17, tags);
  bind_text (stmt, 18, verdict);
  bind_text (stmt, 19, checked);
  bind_text (stmt, 20, created);
  bind_text (stmt, 21, sort_date);
  if (!dossier_vault_db_step_done (db, stmt, error))
    return FALSE;

  dossier_record_set_id (record, sqlite3_last_insert_rowid (dossier_vault_db_get_handle (db)));
  dossier_record_set_person_id (record, person_id);

  return index_record (db, record, error) &&
         dossier_vault_rows_append_audit (db, DOSSIER_AUDIT_IMPORT,
                                          dossier_record_get_uuid (record),
                                          dossier_record_get_title (record), error);
}

DossierRecord *
dossier_vault_rows_get_record (DossierVaultDb  *db,
                               gint64           id,
                               GError         **error)
{
  g_autoptr(DossierRecord) record = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = dossier_vault_db_prepare (db,
                                   "SELECT " RECORD_COLUMNS ", b.data, b.sha256"
                                   " FROM records r LEFT JOIN blobs b ON b.id = r.blob_id"
                                   " WHERE r.id = ?",
                                   error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NO_SUCH_RECORD,
                   _("No record with number %lld in this vault"), (long long) id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      dossier_vault_db_set_error (db, rc, error);
      return NULL;
    }

  record = record_from_row (stmt);
  if (sqlite3_column_type (stmt, 19) != SQLITE_NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (sqlite3_column_blob (stmt, 19),
                                             (gsize) sqlite3_column_bytes (stmt, 19));
      g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

      if (g_strcmp0 (digest, column_text (stmt, 20)) != 0)
        {
          sqlite3_reset (stmt);
          g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                       _("The original file of record %lld does not match its checksum"), (long long) id);
          return NULL;
        }
      dossier_record_set_original (record, bytes);
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&record);
}

/* Builds "FROM ... WHERE ..." for a query; the bindings follow in the same order
 * as bind_query() adds them. */
static char *
query_where (const DossierVaultQuery *query)
{
  GString *sql = g_string_new (NULL);

  /* A search starts from the full-text index and looks each hit up in the
   * narrow records_search index, which holds all it needs to filter and
   * sort (reading the wide table rows would decrypt most of the table for a
   * common word); a plain listing walks the date index. */
  if (query->text != NULL)
    g_string_append (sql, " FROM records_fts JOIN records r INDEXED BY records_search"
                          " ON r.id = records_fts.docid WHERE records_fts MATCH ?");
  else
    g_string_append (sql, " FROM records r WHERE 1");
  if (query->category >= 0 && query->or_category >= 0)
    g_string_append (sql, " AND r.category IN (?, ?)");
  else if (query->category >= 0)
    g_string_append (sql, " AND r.category = ?");
  if (query->kind >= 0)
    g_string_append (sql, " AND r.kind = ?");
  if (query->person_id > 0)
    g_string_append (sql, " AND r.person_id = ?");
  return g_string_free (sql, FALSE);
}

/* Every folded word of the search must start a word of the record. */
static char *
match_expression (const char *text)
{
  g_auto(GStrv) words = dossier_text_fold_words (text);
  GString *match = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL && i < 32; i++)
    g_string_append_printf (match, "%s\"%s*\"", i > 0 ? " " : "", words[i]);
  return g_string_free (match, FALSE);
}

static int
bind_query (sqlite3_stmt            *stmt,
            const DossierVaultQuery *query)
{
  int index = 1;

  if (query->text != NULL)
    {
      g_autofree char *match = match_expression (query->text);
      sqlite3_bind_text (stmt, index++, match, -1, SQLITE_TRANSIENT);
    }
  if (query->category >= 0)
    bind_text (stmt, index++, dossier_record_category_to_string (query->category));
  if (query->category >= 0 && query->or_category >= 0)
    bind_text (stmt, index++, dossier_record_category_to_string (query->or_category));
  if (query->kind >= 0)
    bind_text (stmt, index++, dossier_record_kind_to_string (query->kind));
  if (query->person_id > 0)
    sqlite3_bind_int64 (stmt, index++, query->person_id);
  return index;
}

static gboolean
query_has_no_words (const DossierVaultQuery *query)
{
  g_auto(GStrv) words = NULL;

  if (query->text == NULL)
    return FALSE;
  words = dossier_text_fold_words (query->text);
  return words[0] == NULL;
}

GPtrArray *
dossier_vault_rows_query_records (DossierVaultDb           *db,
                                  const DossierVaultQuery  *query,
                                  GError                  **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int index, rc;

  if (query_has_no_words (query))
    return g_steal_pointer (&records);

  where = query_where (query);
  if (query->text != NULL)
    sql = g_strconcat ("SELECT " RECORD_COLUMNS " FROM records r WHERE r.id IN (SELECT r.id", where,
                       " ORDER BY r.sort_date DESC, r.id DESC LIMIT ? OFFSET ?)"
                       " ORDER BY r.sort_date DESC, r.id DESC", NULL);
  else
    sql = g_strconcat ("SELECT " RECORD_COLUMNS, where,
                       " ORDER BY r.sort_date DESC, r.id DESC LIMIT ? OFFSET ?", NULL);
  stmt = dossier_vault_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  index = bind_query (stmt, query);
  sqlite3_bind_int64 (stmt, index++, query->limit > 0 ? (sqlite3_int64) query->limit : -1);
  sqlite3_bind_int64 (stmt, index, query->offset);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, record_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dossier_vault_db_set_error (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&records);
}

gint64
dossier_vault_rows_count_records (DossierVaultDb           *db,
                                  const DossierVaultQuery  *query,
                                  GError                  **error)
{
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gint64 count = -1;
  int rc;

  if (query_has_no_words (query))
    return 0;

  where = query_where (query);
  sql = g_strconcat ("SELECT count(*)", where, NULL);
  stmt = dossier_vault_db_prepare (db, sql, error);
  if (stmt == NULL)
    return -1;
  bind_query (stmt, query);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    dossier_vault_db_set_error (db, rc, error);
  return count;
}

gboolean
dossier_vault_rows_delete_record (DossierVaultDb  *db,
                                  gint64           id,
                                  GError         **error)
{
  g_autoptr(DossierRecord) record = NULL;
  sqlite3_stmt *stmt;

  record = dossier_vault_rows_get_record (db, id, error);
  if (record == NULL)
    return FALSE;

  /* Blob rows are deleted after the record that refers to them. */
  stmt = dossier_vault_db_prepare (db, "SELECT blob_id FROM records WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  {
    gint64 blob_id = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
    sqlite3_reset (stmt);

    if (!(stmt = dossier_vault_db_prepare (db, "DELETE FROM records WHERE id = ?", error)))
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, id);
    if (!dossier_vault_db_step_done (db, stmt, error))
      return FALSE;
    if (!(stmt = dossier_vault_db_prepare (db, "DELETE FROM records_fts WHERE docid = ?", error)))
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, id);
    if (!dossier_vault_db_step_done (db, stmt, error))
      return FALSE;
    if (!(stmt = dossier_vault_db_prepare (db, "DELETE FROM blobs WHERE id = ?", error)))
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, blob_id);
    if (!dossier_vault_db_step_done (db, stmt, error))
      return FALSE;
  }
  return dossier_vault_rows_append_audit (db, DOSSIER_AUDIT_DELETE, dossier_record_get_uuid (record),
                                          dossier_record_get_title (record), error);
}

/* Gives the record @id, and the entries grouped under it, to another person. */
gboolean
dossier_vault_rows_move_record (DossierVaultDb  *db,
                                gint64           id,
                                gint64           person_id,
                                GError         **error)
{
  g_autoptr(DossierRecord) record = NULL;
  sqlite3_stmt *stmt;

  record = dossier_vault_rows_get_record (db, id, error);
  if (record == NULL)
    return FALSE;
  stmt = dossier_vault_db_prepare (db, "SELECT 1 FROM persons WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NO_SUCH_PERSON,
                   _("No person with number %lld in this vault"), (long long) person_id);
      return FALSE;
    }
  sqlite3_reset (stmt);

  stmt = dossier_vault_db_prepare (db, "UPDATE records SET person_id = ? WHERE id = ? OR parent_uuid = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  sqlite3_bind_int64 (stmt, 2, id);
  bind_text (stmt, 3, dossier_record_get_uuid (record));
  return dossier_vault_db_step_done (db, stmt, error) &&
         dossier_vault_rows_append_audit (db, DOSSIER_AUDIT_PERSON, dossier_record_get_uuid (record),
                                          dossier_record_get_title (record), error);
}

/* Stores a new verdict for @record and for the entries grouped under it. */
gboolean
dossier_vault_rows_update_verdict (DossierVaultDb  *db,
                                   DossierRecord   *record,
                                   GError         **error)
{
  g_autoptr(JsonNode) node = dossier_verdict_to_json (dossier_record_get_verdict (record));
  g_autofree char *verdict = json_to_string (node, FALSE);
  g_autofree char *checked = dossier_format_timestamp (dossier_record_get_checked_at (record));
  sqlite3_stmt *stmt;

  stmt = dossier_vault_db_prepare (db,
                                   "UPDATE records SET verdict = ?, checked_at = ? WHERE id = ? OR parent_uuid = ?",
                                   error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, verdict);
  bind_text (stmt, 2, checked);
  sqlite3_bind_int64 (stmt, 3, dossier_record_get_id (record));
  bind_text (stmt, 4, dossier_record_get_uuid (record));
  if (!dossier_vault_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (dossier_vault_db_get_handle (db)) == 0)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NO_SUCH_RECORD,
                   _("No record with number %lld in this vault"), (long long) dossier_record_get_id (record));
      return FALSE;
    }
  return dossier_vault_rows_append_audit (db, DOSSIER_AUDIT_VERIFY, dossier_record_get_uuid (record),
                                          dossier_verdict_summary_to_string (dossier_verdict_get_summary (dossier_record_get_verdict (record))),
                                          error);
}

gboolean
dossier_vault_rows_reindex_all (DossierVaultDb  *db,
                                GError         **error)
{
  g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
  g_autoptr(GPtrArray) records = NULL;

  if (!dossier_vault_db_exec (db, "DELETE FROM records_fts", error))
    return FALSE;
  records = dossier_vault_rows_query_records (db, query, error);
  if (records == NULL)
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    if (!index_record (db, g_ptr_array_index (records, i), error))
      return FALSE;
  return TRUE;
}

gboolean
dossier_vault_rows_insert_person (DossierVaultDb  *db,
                                  DossierPerson   *person,
                                  GError         **error)
{
  g_autofree char *now = now_text ();
  sqlite3_stmt *stmt;

  stmt = dossier_vault_db_prepare (db,
                                   "INSERT INTO persons (uuid, name, relation, birth_date, created)"
                                   " VALUES (?, ?, ?, ?, ?)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, dossier_person_get_uuid (person));
  bind_text (stmt, 2, dossier_person_get_name (person) ?: "");
  bind_text (stmt, 3, dossier_person_get_relation (person) ?: "other");
  bind_text (stmt, 4, dossier_person_get_birth_date (person));
  bind_text (stmt, 5, now);
  if (!dossier_vault_db_step_done (db, stmt, error))
    return FALSE;
  dossier_person_set_id (person, sqlite3_last_insert_rowid (dossier_vault_db_get_handle (db)));
  return dossier_vault_rows_append_audit (db, DOSSIER_AUDIT_PERSON, dossier_person_get_uuid (person),
                                          dossier_person_get_name (person), error);
}

static gboolean
expect_changed_person (DossierVaultDb  *db,
                       gint64           id,
                       GError         **error)
{
  if (sqlite3_changes (dossier_vault_db_get_handle (db)) > 0)
    return TRUE;
  g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NO_SUCH_PERSON,
               _("No person with number %lld in this vault"), (long long) id);
  return FALSE;
}

gboolean
dossier_vault_rows_update_person (DossierVaultDb  *db,
                                  DossierPerson   *person,
                                  GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = dossier_vault_db_prepare (db,
                                   "UPDATE persons SET name = ?, relation = ?, birth_date = ? WHERE id = ?",
                                   error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, dossier_person_get_name (person) ?: "");
  bind_text (stmt, 2, dossier_person_get_relation (person) ?: "other");
  bind_text (stmt, 3, dossier_person_get_birth_date (person));
  sqlite3_bind_int64 (stmt, 4, dossier_person_get_id (person));
  return dossier_vault_db_step_done (db, stmt, error) &&
         expect_changed_person (db, dossier_person_get_id (person), error) &&
         dossier_vault_rows_append_audit (db, DOSSIER_AUDIT_PERSON, dossier_person_get_uuid (person),
                                          dossier_person_get_name (person), error);
}

/* A person can be removed only once no record belongs to them, and the
 * owner never. */
gboolean
dossier_vault_rows_delete_person (DossierVaultDb  *db,
                                  gint64           id,
                                  GError         **error)
{
  sqlite3_stmt *stmt;

  if (id == dossier_vault_rows_get_owner_id (db, NULL))
    {
      g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_INVALID,
                           _("The owner of the vault cannot be removed"));
      return FALSE;
    }
  stmt = dossier_vault_db_prepare (db, "DELETE FROM persons WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_CONSTRAINT)
    {
      sqlite3_reset (stmt);
      g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_INVALID,
                           _("This person still has records; move or delete them first"));
      return FALSE;
    }
  sqlite3_reset (stmt);
  return expect_changed_person (db, id, error) &&
         dossier_vault_rows_append_audit (db, DOSSIER_AUDIT_PERSON, NULL, NULL, error);
}

GPtrArray *
dossier_vault_rows_list_persons (DossierVaultDb  *db,
                                 GError         **error)
{
  g_autoptr(GPtrArray) persons = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  stmt = dossier_vault_db_prepare (db,
                                   "SELECT id, uuid, name, relation, birth_date FROM persons"
                                   " ORDER BY relation <> 'owner', id",
                                   error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DossierPerson *person = dossier_person_new (column_text (stmt, 2), column_text (stmt, 3));

      dossier_person_set_id (person, sqlite3_column_int64 (stmt, 0));
      dossier_person_set_uuid (person, column_text (stmt, 1));
      dossier_person_set_birth_date (person, column_text (stmt, 4));
      g_ptr_array_add (persons, person);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dossier_vault_db_set_error (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&persons);
}

gint64
dossier_vault_rows_get_owner_id (DossierVaultDb  *db,
                                 GError         **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  stmt = dossier_vault_db_prepare (db, "SELECT id FROM persons WHERE relation = 'owner' ORDER BY id LIMIT 1", error);
  if (stmt == NULL)
    return 0;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED,
                         _("The vault has no owner"));
  else if (rc != SQLITE_ROW)
    dossier_vault_db_set_error (db, rc, error);
  return id;
}

/* A new anchor is inserted; one with an id (fetched again from its URL)
 * gets its new material and fetch time.  For an anchor fetched from a URL,
 * "added" is when it was fetched. */
gboolean
dossier_vault_rows_insert_anchor (DossierVaultDb      *db,
                                  DossierTrustAnchor  *anchor,
                                  GError             **error)
{
  GDateTime *fetched = dossier_trust_anchor_get_fetched (anchor);
  g_autofree char *when = fetched != NULL ? dossier_format_timestamp (fetched) : now_text ();
  GBytes *material = dossier_trust_anchor_get_material (anchor);
  gint64 id = dossier_trust_anchor_get_id (anchor);
  sqlite3_stmt *stmt;

  if (id != 0)
    stmt = dossier_vault_db_prepare (db, "UPDATE trust_entries SET material = ?, added = ? WHERE id = ?", error);
  else
    stmt = dossier_vault_db_prepare (db,
                                     "INSERT INTO trust_entries (material, added, name, source, scope, kind)"
                                     " VALUES (?, ?, ?, ?, ?, ?)",
                                     error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_blob64 (stmt, 1, g_bytes_get_data (material, NULL), g_bytes_get_size (material), SQLITE_TRANSIENT);
  bind_text (stmt, 2, when);
  if (id != 0)
    sqlite3_bind_int64 (stmt, 3, id);
  else
    {
      bind_text (stmt, 3, dossier_trust_anchor_get_name (anchor));
      bind_text (stmt, 4, dossier_trust_anchor_get_source (anchor));
      bind_text (stmt, 5, dossier_trust_anchor_get_scope (anchor));
      bind_text (stmt, 6, fetched != NULL ? "url" : "file");
    }
  if (!dossier_vault_db_step_done (db, stmt, error))
    return FALSE;
  if (id != 0 && sqlite3_changes (dossier_vault_db_get_handle (db)) == 0)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_INVALID,
                   _("No trust anchor with number %lld in this vault"), (long long) id);
      return FALSE;
    }
  if (id == 0)
    dossier_trust_anchor_set_id (anchor, sqlite3_last_insert_rowid (dossier_vault_db_get_handle (db)));
  return TRUE;
}

GPtrArray *
dossier_vault_rows_list_anchors (DossierVaultDb  *db,
                                 GError         **error)
{
  g_autoptr(GPtrArray) anchors = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  stmt = dossier_vault_db_prepare (db, "SELECT id, name, source, scope, material, kind, added FROM trust_entries ORDER BY id",
                                   error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GBytes) material = g_bytes_new (sqlite3_column_blob (stmt, 4), (gsize) sqlite3_column_bytes (stmt, 4));
      DossierTrustAnchor *anchor = dossier_trust_anchor_new (column_text (stmt, 1) ?: "", column_text (stmt, 2),
                                                             column_text (stmt, 3), material);

      dossier_trust_anchor_set_id (anchor, sqlite3_column_int64 (stmt, 0));
      if (g_strcmp0 (column_text (stmt, 5), "url") == 0)
        {
          g_autoptr(GDateTime) fetched = g_date_time_new_from_iso8601 (column_text (stmt, 6) ?: "", NULL);

          if (fetched != NULL)
            dossier_trust_anchor_set_fetched (anchor, material, fetched);
        }
      g_ptr_array_add (anchors, anchor);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dossier_vault_db_set_error (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&anchors);
}

gboolean
dossier_vault_rows_delete_anchor (DossierVaultDb  *db,
                                  gint64           id,
                                  GError         **error)
{
  sqlite3_stmt *stmt = dossier_vault_db_prepare (db, "DELETE FROM trust_entries WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!dossier_vault_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (dossier_vault_db_get_handle (db)) == 0)
    {
      g_set_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_INVALID,
                   _("No trust anchor with number %lld in this vault"), (long long) id);
      return FALSE;
    }
  return TRUE;
}

gboolean
dossier_vault_rows_append_audit (DossierVaultDb      *db,
                                 DossierAuditAction   action,
                                 const char          *subject,
                                 const char          *detail,
                                 GError             **error)
{
  g_autofree char *now = now_text ();
  sqlite3_stmt *stmt;

  stmt = dossier_vault_db_prepare (db,
                                   "INSERT INTO audit_log (at, action, subject, detail) VALUES (?, ?, ?, ?)",
                                   error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, now);
  bind_text (stmt, 2, dossier_audit_action_to_string (action));
  bind_text (stmt, 3, subject);
  bind_text (stmt, 4, detail);
  return dossier_vault_db_step_done (db, stmt, error);
}

GPtrArray *
dossier_vault_rows_list_audit (DossierVaultDb  *db,
                               guint            offset,
                               guint            limit,
                               GError         **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  stmt = dossier_vault_db_prepare (db,
                                   "SELECT id, at, action, subject, detail FROM audit_log"
                                   " ORDER BY id DESC LIMIT ? OFFSET ?",
                                   error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (sqlite3_int64) limit : -1);
  sqlite3_bind_int64 (stmt, 2, offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GDateTime) at = dossier_parse_timestamp (column_text (stmt, 1));
      DossierAuditAction action;

      if (at == NULL || !dossier_audit_action_from_string (column_text (stmt, 2), &action))
        continue;
      g_ptr_array_add (entries, dossier_audit_entry_new (sqlite3_column_int64 (stmt, 0), at, action,
                                                         column_text (stmt, 3), column_text (stmt, 4)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dossier_vault_db_set_error (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}
