// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-test-utils.h"
#include "dossier-vault-db.h"
#include "dossier-vault-rows.h"
#include "dossier-vault-schema.h"
#include "dossier-secret.h"
#include "dossier-vault.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/prctl.h>

#define PASSPHRASE "correct horse battery"

typedef struct
{
  char         *dir;
  DossierVault *vault;
  GAsyncResult *result;
} Fixture;

static void
next (Fixture *f)
{
  g_clear_object (&f->result);
}

#define WAIT(f) dossier_test_wait (&(f)->result)

static gboolean
create_vault (Fixture    *f,
              const char *passphrase,
              GError    **error)
{
  next (f);
  dossier_vault_create_async (f->vault, passphrase, &dossier_test_fast_kdf, "Nguyễn Văn An", NULL,
                              dossier_test_store_result, &f->result);
  return dossier_vault_create_finish (f->vault, WAIT (f), error);
}

static gboolean
open_vault (Fixture      *f,
            DossierVault *vault,
            const char   *passphrase,
            GError      **error)
{
  next (f);
  dossier_vault_open_async (vault, passphrase, NULL, dossier_test_store_result, &f->result);
  return dossier_vault_open_finish (vault, WAIT (f), error);
}

static void
lock_vault (Fixture      *f,
            DossierVault *vault)
{
  g_autoptr(GError) error = NULL;

  next (f);
  dossier_vault_lock_async (vault, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_lock_finish (vault, WAIT (f), &error));
  g_assert_no_error (error);
}

static gboolean
add_records (Fixture   *f,
             GPtrArray *records,
             GError   **error)
{
  next (f);
  dossier_vault_add_records_async (f->vault, records, NULL, dossier_test_store_result, &f->result);
  return dossier_vault_add_records_finish (f->vault, WAIT (f), error);
}

static GPtrArray *
query (Fixture    *f,
       const char *text,
       GError    **error)
{
  g_autoptr(DossierVaultQuery) q = dossier_vault_query_new ();

  q->text = g_strdup (text);
  next (f);
  dossier_vault_query_records_async (f->vault, q, NULL, dossier_test_store_result, &f->result);
  return dossier_vault_query_records_finish (f->vault, WAIT (f), error);
}

static gint64
count_all (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 count;

  next (f);
  dossier_vault_count_records_async (f->vault, NULL, NULL, dossier_test_store_result, &f->result);
  count = dossier_vault_count_records_finish (f->vault, WAIT (f), &error);
  g_assert_no_error (error);
  return count;
}

static DossierRecord *
make_record (const char *title,
             const char *issuer,
             const char *body,
             const char *original)
{
  DossierRecord *record = dossier_record_new (DOSSIER_RECORD_KIND_DIPLOMA, title);
  g_autoptr(JsonObject) fields = json_object_new ();

  dossier_record_set_issuer_name (record, issuer);
  dossier_record_set_issued (record, "2019-06-15");
  dossier_record_set_format (record, "test");
  json_object_set_string_member (fields, "holder", body);
  dossier_record_set_fields (record, fields);
  if (original != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (original, strlen (original));
      dossier_record_set_original (record, bytes);
    }
  return record;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = dossier_test_make_tmpdir ();
  f->vault = dossier_vault_new (f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->result);
  dossier_test_assert_finalize (f->vault);
  dossier_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(DossierRecord) loaded = NULL;
  DossierVault *second;
  gint64 id;

  g_assert_false (dossier_vault_exists (f->vault));
  g_assert_true (create_vault (f, PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (dossier_vault_exists (f->vault));
  g_assert_true (dossier_vault_get_is_open (f->vault));

  g_ptr_array_add (records, make_record ("Bằng tốt nghiệp THPT", "Sở GDĐT Hà Nội", "Nguyễn Văn An", "original bytes \x01\x02"));
  g_ptr_array_add (records, make_record ("Bằng cử nhân", "Trường Đại học Bách khoa Hà Nội", "Nguyễn Văn An", NULL));
  g_assert_true (add_records (f, records, &error));
  g_assert_no_error (error);
  id = dossier_record_get_id (g_ptr_array_index (records, 0));
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (dossier_record_get_person_id (g_ptr_array_index (records, 0)), >, 0);
  lock_vault (f, f->vault);
  g_assert_false (dossier_vault_get_is_open (f->vault));

  /* A second vault object on the same folder sees the same records. */
  second = dossier_vault_new (f->dir);
  g_assert_true (open_vault (f, second, PASSPHRASE, &error));
  g_assert_no_error (error);
  next (f);
  dossier_vault_get_record_async (second, id, NULL, dossier_test_store_result, &f->result);
  loaded = dossier_vault_get_record_finish (second, WAIT (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dossier_record_get_title (loaded), ==, "Bằng tốt nghiệp THPT");
  g_assert_cmpstr (dossier_record_get_issuer_name (loaded), ==, "Sở GDĐT Hà Nội");
  g_assert_cmpstr (dossier_record_get_issued (loaded), ==, "2019-06-15");
  g_assert_cmpint (dossier_record_get_kind (loaded), ==, DOSSIER_RECORD_KIND_DIPLOMA);
  g_assert_cmpstr (json_object_get_string_member (dossier_record_get_fields (loaded), "holder"), ==, "Nguyễn Văn An");
  g_assert_cmpmem (g_bytes_get_data (dossier_record_get_original (loaded), NULL),
                   g_bytes_get_size (dossier_record_get_original (loaded)),
                   "original bytes \x01\x02", 17);
  g_assert_nonnull (dossier_record_get_created_at (loaded));

  next (f);
  dossier_vault_delete_record_async (second, id, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_delete_record_finish (second, WAIT (f), &error));
  g_assert_no_error (error);
  next (f);
  dossier_vault_get_record_async (second, id, NULL, dossier_test_store_result, &f->result);
  g_assert_null (dossier_vault_get_record_finish (second, WAIT (f), &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NO_SUCH_RECORD);
  g_clear_error (&error);

  next (f);
  dossier_vault_list_audit_async (second, 0, 0, NULL, dossier_test_store_result, &f->result);
  audit = dossier_vault_list_audit_finish (second, WAIT (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (dossier_audit_entry_get_action (g_ptr_array_index (audit, 0)), ==, DOSSIER_AUDIT_DELETE);
  g_assert_cmpint (dossier_audit_entry_get_action (g_ptr_array_index (audit, 1)), ==, DOSSIER_AUDIT_IMPORT);
  g_assert_cmpint (dossier_audit_entry_get_action (g_ptr_array_index (audit, 3)), ==, DOSSIER_AUDIT_CREATE);

  lock_vault (f, second);
  g_clear_object (&f->result);
  dossier_test_assert_finalize (second);

  g_assert_true (open_vault (f, f->vault, PASSPHRASE, &error));
  found = query (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (count_all (f), ==, 1);
}

static void
test_default_kdf (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "vault.json", NULL);
  g_autoptr(DossierVaultConfig) config = NULL;
  DossierKdfParams params;

  next (f);
  dossier_vault_create_async (f->vault, PASSPHRASE, NULL, NULL, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_create_finish (f->vault, WAIT (f), &error));
  g_assert_no_error (error);
  config = dossier_vault_config_load (path, &error);
  g_assert_no_error (error);
  dossier_vault_config_get_params (config, &params);
  g_assert_cmpuint (params.iterations, ==, 3);
  g_assert_cmpuint (params.memory_kib, ==, 65536);
  g_assert_cmpuint (params.parallelism, ==, 1);
  lock_vault (f, f->vault);
  g_assert_true (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_no_error (error);
}

static void
test_wrong_passphrase (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  /* No core dump while the vault is open. */
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
  g_ptr_array_add (records, make_record ("Chứng chỉ tiếng Anh", "British Council", "x", "payload"));
  g_assert_true (add_records (f, records, &error));
  lock_vault (f, f->vault);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);

  before = dossier_test_snapshot_dir (f->dir);
  g_assert_false (open_vault (f, f->vault, "not the passphrase", &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (dossier_vault_get_is_open (f->vault));
  after = dossier_test_snapshot_dir (f->dir);
  /* Only the count of failed attempts is new; the vault's files are as they were. */
  g_assert_true (g_hash_table_remove (after, "unlock-attempts"));
  g_assert_true (dossier_test_snapshots_equal (before, after));

  /* The failure is written to the audit log once the right passphrase is in. */
  g_assert_true (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) audit = NULL;

    next (f);
    dossier_vault_list_audit_async (f->vault, 0, 1, NULL, dossier_test_store_result, &f->result);
    audit = dossier_vault_list_audit_finish (f->vault, WAIT (f), &error);
    g_assert_no_error (error);
    g_assert_cmpint (dossier_audit_entry_get_action (g_ptr_array_index (audit, 0)), ==, DOSSIER_AUDIT_UNLOCK_FAILED);
  }
}

/* After a few wrong passphrases each attempt must wait longer, also for a
 * new process, and the right passphrase then logs every failure. */
static void
test_unlock_delay (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *attempts = g_build_filename (f->dir, "unlock-attempts", NULL);
  g_autofree char *text = NULL;
  DossierVault *restarted;

  g_assert_cmpuint (dossier_vault_unlock_delay (0), ==, 0);
  g_assert_cmpuint (dossier_vault_unlock_delay (2), ==, 0);
  g_assert_cmpuint (dossier_vault_unlock_delay (3), ==, 5);
  g_assert_cmpuint (dossier_vault_unlock_delay (4), ==, 10);
  g_assert_cmpuint (dossier_vault_unlock_delay (8), ==, 160);
  g_assert_cmpuint (dossier_vault_unlock_delay (9), ==, 300);
  g_assert_cmpuint (dossier_vault_unlock_delay (G_MAXUINT), ==, 300);

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  lock_vault (f, f->vault);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_false (open_vault (f, f->vault, "not the passphrase", &error));
      g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE);
      g_clear_error (&error);
    }

  /* Now even the right passphrase waits, and a restart changes nothing. */
  g_assert_false (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_TOO_MANY_ATTEMPTS);
  g_clear_error (&error);
  restarted = dossier_vault_new (f->dir);
  g_assert_false (open_vault (f, restarted, PASSPHRASE, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_TOO_MANY_ATTEMPTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (attempts, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "3 "));

  /* Once the wait is over (the last failure moved into the past), the right
   * passphrase opens the vault, logs the three failures and clears the count. */
  {
    g_autofree char *past = g_strdup_printf ("3 %" G_GINT64_FORMAT "\n", g_get_real_time () / G_USEC_PER_SEC - 6);
    g_autoptr(GPtrArray) audit = NULL;

    g_assert_true (g_file_set_contents (attempts, past, -1, NULL));
    g_assert_true (open_vault (f, restarted, PASSPHRASE, &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (attempts, G_FILE_TEST_EXISTS));
    next (f);
    dossier_vault_list_audit_async (restarted, 0, 10, NULL, dossier_test_store_result, &f->result);
    audit = dossier_vault_list_audit_finish (restarted, WAIT (f), &error);
    g_assert_no_error (error);
    guint failed = 0;

    for (guint i = 0; i < audit->len; i++)
      failed += dossier_audit_entry_get_action (g_ptr_array_index (audit, i)) == DOSSIER_AUDIT_UNLOCK_FAILED;
    g_assert_cmpuint (failed, ==, 3);
  }
  lock_vault (f, restarted);
  next (f);
  dossier_test_assert_finalize (restarted);
}

static void
flip_bytes (const char *path,
            gsize       offset,
            gsize       count)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (offset + count, <=, length);
  for (gsize i = 0; i < count; i++)
    contents[offset + i] ^= 0x5a;
  g_assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
}

static void
fill_vault (Fixture *f,
            guint    n)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Giấy chứng nhận số %u", i);
      g_autofree char *blob = g_strnfill (2000, (char) ('a' + i % 26));

      g_ptr_array_add (records, make_record (title, "Bệnh viện Bạch Mai", "Đặng Thị Hoa", blob));
    }
  g_assert_true (add_records (f, records, &error));
  g_assert_no_error (error);
}

static void
test_damaged_database (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *db_path = g_build_filename (f->dir, "vault.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  GStatBuf st;

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  fill_vault (f, 200);
  lock_vault (f, f->vault);

  /* Damage in the middle of the file: opening works (the first page is
   * whole), and the check, which reads every page, finds it. */
  g_assert_cmpint (g_stat (db_path, &st), ==, 0);
  flip_bytes (db_path, (gsize) st.st_size / 2, 64);
  g_assert_true (open_vault (f, f->vault, PASSPHRASE, &error));
  next (f);
  dossier_vault_check_async (f->vault, NULL, dossier_test_store_result, &f->result);
  g_assert_false (dossier_vault_check_finish (f->vault, WAIT (f), &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED);
  g_clear_error (&error);

  /* Reading every record either works or says the vault is damaged. */
  all = query (f, NULL, &error);
  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      g_autoptr(DossierRecord) record = NULL;

      next (f);
      dossier_vault_get_record_async (f->vault, dossier_record_get_id (g_ptr_array_index (all, i)), NULL,
                                      dossier_test_store_result, &f->result);
      record = dossier_vault_get_record_finish (f->vault, WAIT (f), &error);
      if (record == NULL)
        {
          g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED);
          g_clear_error (&error);
        }
    }
  if (all == NULL)
    g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED);
  g_clear_error (&error);
  lock_vault (f, f->vault);

  /* Damage to the first page: the key is right, the file is not. */
  flip_bytes (db_path, 100, 16);
  g_assert_false (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED);
  g_clear_error (&error);
  g_assert_false (dossier_vault_get_is_open (f->vault));
}

static void
test_damaged_settings (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *json_path = g_build_filename (f->dir, "vault.json", NULL);
  g_autoptr(GError) error = NULL;
  const char *bad[] = {
    "",
    "not json",
    "[]",
    "{\"format\": 1}",
    "{\"format\": \"1\", \"kdf\": {}}",
    "{\"format\": 1, \"kdf\": {\"algorithm\": \"argon2id\", \"version\": 19, \"iterations\": 0,"
    " \"memory_kib\": 8192, \"parallelism\": 1, \"salt\": \"AAAAAAAAAAAAAAAAAAAAAA==\"}, \"key_check\": \"x\"}",
    "{\"format\": 1, \"kdf\": {\"algorithm\": \"argon2id\", \"version\": 19, \"iterations\": 1,"
    " \"memory_kib\": 99999999999, \"parallelism\": 1, \"salt\": \"AAAAAAAAAAAAAAAAAAAAAA==\"}, \"key_check\": \"x\"}",
    "{\"format\": 1, \"kdf\": {\"algorithm\": \"argon2id\", \"version\": 19, \"iterations\": 1,"
    " \"memory_kib\": 8192, \"parallelism\": 1, \"salt\": \"short\"}, \"key_check\": \"x\"}",
  };

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  lock_vault (f, f->vault);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_true (g_file_set_contents (json_path, bad[i], -1, NULL));
      g_assert_false (open_vault (f, f->vault, PASSPHRASE, &error));
      g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED);
      g_clear_error (&error);
    }
}

static void
test_newer_format (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *json_path = g_build_filename (f->dir, "vault.json", NULL);
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = NULL;

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  lock_vault (f, f->vault);
  g_assert_true (g_file_get_contents (json_path, &saved, NULL, NULL));

  /* A newer vault.json format. */
  text = g_string_new (saved);
  g_string_replace (text, "\"format\" : 1", "\"format\" : 99", 1);
  g_assert_true (g_file_set_contents (json_path, text->str, -1, NULL));
  g_assert_false (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NEWER_FORMAT);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (json_path, saved, -1, NULL));

  /* A newer database schema. */
  {
    g_autoptr(DossierVaultConfig) config = dossier_vault_config_load (json_path, &error);
    g_autofree char *db_path = g_build_filename (f->dir, "vault.db", NULL);
    guint8 key[DOSSIER_VAULT_KEY_SIZE];
    g_autoptr(DossierVaultDb) db = NULL;

    g_assert_true (dossier_vault_config_derive_key (config, PASSPHRASE, key, &error));
    db = dossier_vault_db_open (db_path, key, FALSE, &error);
    g_assert_no_error (error);
    g_assert_true (dossier_vault_db_exec (db, "PRAGMA user_version = 99", &error));
  }
  g_assert_false (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NEWER_FORMAT);
}

static void
test_in_use (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DossierVault *other = dossier_vault_new (f->dir);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  fill_vault (f, 3);
  g_assert_false (open_vault (f, other, PASSPHRASE, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_IN_USE);
  g_clear_error (&error);

  /* Creating over an existing vault is refused and touches nothing. */
  lock_vault (f, f->vault);
  before = dossier_test_snapshot_dir (f->dir);
  next (f);
  dossier_vault_create_async (other, "another", &dossier_test_fast_kdf, NULL, NULL, dossier_test_store_result, &f->result);
  g_assert_false (dossier_vault_create_finish (other, WAIT (f), &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_EXISTS);
  g_clear_error (&error);
  after = dossier_test_snapshot_dir (f->dir);
  g_assert_true (dossier_test_snapshots_equal (before, after));

  g_assert_true (open_vault (f, other, PASSPHRASE, &error));
  g_assert_no_error (error);
  lock_vault (f, other);
  g_clear_object (&f->result);
  dossier_test_assert_finalize (other);
}

/* A vault written at schema version 1 (no search index) is upgraded on open
 * and its records become searchable. */
static void
test_migrate_from_1 (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *json_path = g_build_filename (f->dir, "vault.json", NULL);
  g_autofree char *db_path = g_build_filename (f->dir, "vault.db", NULL);
  g_autoptr(DossierVaultConfig) config = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[DOSSIER_VAULT_KEY_SIZE];

  config = dossier_vault_config_new (&dossier_test_fast_kdf, &error);
  g_assert_true (dossier_vault_config_derive_key (config, PASSPHRASE, key, &error));
  {
    g_autoptr(DossierVaultDb) db = dossier_vault_db_open (db_path, key, TRUE, &error);

    g_assert_no_error (error);
    g_assert_true (dossier_vault_schema_migrate (db, 1, &error));
    g_assert_cmpint (dossier_vault_schema_get_version (db, NULL), ==, 1);
    g_assert_true (dossier_vault_db_exec (db,
      "INSERT INTO persons (uuid, name, relation, created) VALUES ('p1', 'Đặng Văn Lâm', 'owner', '2020-01-01T00:00:00Z');"
      "INSERT INTO records (uuid, person_id, kind, category, title, issuer_name, format, fields, created, sort_date)"
      " VALUES ('r1', 1, 'degree', 'learning', 'Bằng Thạc sĩ Khoa học máy tính', 'Đại học Quốc gia Hà Nội', 'test',"
      " '{\"holder\":\"Đặng Văn Lâm\"}', '2020-01-01T00:00:00Z', '2008-07-01');",
      &error));
    g_assert_no_error (error);
  }
  g_assert_true (dossier_vault_config_save (config, json_path, &error));

  g_assert_true (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_no_error (error);
  found = query (f, "dang van lam thac si", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (dossier_record_get_title (g_ptr_array_index (found, 0)), ==, "Bằng Thạc sĩ Khoa học máy tính");
  lock_vault (f, f->vault);
  {
    g_autoptr(DossierVaultDb) db = dossier_vault_db_open (db_path, key, FALSE, &error);
    g_assert_cmpint (dossier_vault_schema_get_version (db, NULL), ==, DOSSIER_VAULT_SCHEMA_VERSION);
  }
}

static void
test_no_plaintext (Fixture       *f,
                   gconstpointer  data)
{
  static const char ascii_marker[] = "ZQX-MARKER-7f3a9c";
  static const char vn_marker[] = "Đặng Thị Ngọc Ánh Mã Đánh Dấu";
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *blob = g_strdup_printf ("%s|%s", ascii_marker, vn_marker);

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (records, make_record (ascii_marker, vn_marker, vn_marker, blob));
  g_assert_true (add_records (f, records, &error));
  /* while open too: the write-ahead log is encrypted */
  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, ascii_marker, strlen (ascii_marker)), ==, 0);
  lock_vault (f, f->vault);

  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, ascii_marker, strlen (ascii_marker)), ==, 0);
  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, vn_marker, strlen (vn_marker)), ==, 0);
  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, "MARKER", 6), ==, 0);
  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, "SQLite format", 13), ==, 0);

  /* The scan itself finds what is there. */
  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, "argon2id", 8), ==, 1);
}

static void
assert_search (Fixture    *f,
               const char *text,
               guint       expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = query (f, text, &error);

  g_assert_no_error (error);
  if (found->len != expected)
    g_error ("search “%s” found %u records, expected %u", text, found->len, expected);
}

static void
assert_category_count (Fixture    *f,
                       int         category,
                       int         or_category,
                       const char *text,
                       guint       expected)
{
  g_autoptr(DossierVaultQuery) q = dossier_vault_query_new ();
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count;

  q->category = category;
  q->or_category = or_category;
  q->text = g_strdup (text);
  next (f);
  dossier_vault_query_records_async (f->vault, q, NULL, dossier_test_store_result, &f->result);
  found = dossier_vault_query_records_finish (f->vault, WAIT (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, expected);
  next (f);
  dossier_vault_count_records_async (f->vault, q, NULL, dossier_test_store_result, &f->result);
  count = dossier_vault_count_records_finish (f->vault, WAIT (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, expected);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  g_ptr_array_add (records, make_record ("Bằng tốt nghiệp trung học phổ thông", "Sở Giáo dục và Đào tạo Hà Nội", "Nguyễn Văn An", NULL));
  g_ptr_array_add (records, make_record ("Giấy chứng nhận tiêm chủng", "Trạm Y tế phường Láng Thượng", "Đặng Thị Hoa", NULL));
  g_ptr_array_add (records, make_record ("Chứng chỉ IELTS", "British Council", "Nguyễn Thị Hoà", NULL));
  g_assert_true (add_records (f, records, &error));

  assert_search (f, "nguyen van an", 1);
  assert_search (f, "Nguyễn Văn An", 1);
  assert_search (f, "NGUYEN", 2);
  assert_search (f, "nguyễn", 2);
  assert_search (f, "dang", 1);
  assert_search (f, "Đặng", 1);
  assert_search (f, "DANG thi hoa", 1);
  assert_search (f, "hoa", 2);           /* Hoa and Hoà */
  assert_search (f, "tot nghiep", 1);
  assert_search (f, "tiem chung", 1);
  assert_search (f, "lang thuong", 1);
  assert_search (f, "dao tao", 1);       /* Đào tạo, in the issuer */
  assert_search (f, "chung", 2);         /* chứng chỉ; chứng nhận and chủng in one */
  assert_search (f, "ielts", 1);
  assert_search (f, "bach khoa", 0);
  assert_search (f, "\"* OR NEAR", 0);   /* operators are plain words */
  assert_search (f, "   ", 0);

  /* Categories: one, or two at once, with and without words. */
  g_ptr_array_set_size (records, 0);
  {
    DossierRecord *shot = make_record ("Sổ tiêm chủng", "Trạm Y tế", "Nguyễn Văn An", NULL);
    DossierRecord *scan = make_record ("Bản chụp học bạ", NULL, "Nguyễn Văn An", NULL);

    dossier_record_set_kind (shot, DOSSIER_RECORD_KIND_IMMUNIZATION);
    dossier_record_set_kind (scan, DOSSIER_RECORD_KIND_DOCUMENT);
    g_ptr_array_add (records, shot);
    g_ptr_array_add (records, scan);
  }
  g_assert_true (add_records (f, records, &error));
  assert_category_count (f, DOSSIER_RECORD_CATEGORY_LEARNING, -1, NULL, 3);
  assert_category_count (f, DOSSIER_RECORD_CATEGORY_HEALTH, -1, NULL, 1);
  assert_category_count (f, DOSSIER_RECORD_CATEGORY_LEARNING, DOSSIER_RECORD_CATEGORY_OTHER, NULL, 4);
  assert_category_count (f, DOSSIER_RECORD_CATEGORY_LEARNING, DOSSIER_RECORD_CATEGORY_OTHER, "nguyen van an", 2);
  assert_category_count (f, DOSSIER_RECORD_CATEGORY_HEALTH, -1, "nguyen van an", 1);
}

static void
test_change_passphrase (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *pending = g_build_filename (f->dir, "vault.json.pending", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  fill_vault (f, 5);

  next (f);
  dossier_vault_change_passphrase_async (f->vault, "wrong", "new one", NULL, dossier_test_store_result, &f->result);
  g_assert_false (dossier_vault_change_passphrase_finish (f->vault, WAIT (f), &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (dossier_vault_get_is_open (f->vault));

  next (f);
  dossier_vault_change_passphrase_async (f->vault, PASSPHRASE, "new one", NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_change_passphrase_finish (f->vault, WAIT (f), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (pending, G_FILE_TEST_EXISTS));
  lock_vault (f, f->vault);

  g_assert_false (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (open_vault (f, f->vault, "new one", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_all (f), ==, 5);
}

/* A passphrase change interrupted at either step opens with whichever
 * passphrase matches the database, and tidies up. */
static void
test_change_passphrase_interrupted (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *json_path = g_build_filename (f->dir, "vault.json", NULL);
  g_autofree char *pending = g_build_filename (f->dir, "vault.json.pending", NULL);
  g_autofree char *old_json = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[DOSSIER_VAULT_KEY_SIZE];

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  fill_vault (f, 2);
  lock_vault (f, f->vault);
  g_assert_true (g_file_get_contents (json_path, &old_json, NULL, NULL));

  /* Stopped before the rekey: the new settings exist, the database does not
   * use them.  The old passphrase opens it and the leftover goes. */
  {
    g_autoptr(DossierVaultConfig) next_config = dossier_vault_config_new (&dossier_test_fast_kdf, &error);

    g_assert_true (dossier_vault_config_derive_key (next_config, "new one", key, &error));
    g_assert_true (dossier_vault_config_save (next_config, pending, &error));
  }
  g_assert_false (open_vault (f, f->vault, "new one", &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (pending, G_FILE_TEST_EXISTS));

  /* Stopped after the rekey, before the rename: put the files back as they
   * were at that instant. */
  next (f);
  dossier_vault_change_passphrase_async (f->vault, PASSPHRASE, "new one", NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_change_passphrase_finish (f->vault, WAIT (f), &error));
  lock_vault (f, f->vault);
  g_assert_cmpint (g_rename (json_path, pending), ==, 0);
  g_assert_true (g_file_set_contents (json_path, old_json, -1, NULL));

  g_assert_false (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (open_vault (f, f->vault, "new one", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (pending, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_all (f), ==, 2);
}

static void
test_persons (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierPerson) child = dossier_person_new ("Nguyễn Minh Khang", "child");
  g_autoptr(GPtrArray) persons = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  DossierPerson *owner;

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  next (f);
  dossier_vault_save_person_async (f->vault, child, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_save_person_finish (f->vault, WAIT (f), &error));
  g_assert_cmpint (dossier_person_get_id (child), >, 0);

  next (f);
  dossier_vault_list_persons_async (f->vault, NULL, dossier_test_store_result, &f->result);
  persons = dossier_vault_list_persons_finish (f->vault, WAIT (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (persons->len, ==, 2);
  owner = g_ptr_array_index (persons, 0);
  g_assert_true (dossier_person_is_owner (owner));
  g_assert_cmpstr (dossier_person_get_name (owner), ==, "Nguyễn Văn An");
  g_assert_cmpstr (dossier_person_get_name (g_ptr_array_index (persons, 1)), ==, "Nguyễn Minh Khang");

  g_ptr_array_add (records, make_record ("Sổ tiêm chủng", "Trạm Y tế", "Khang", NULL));
  dossier_record_set_person_id (g_ptr_array_index (records, 0), dossier_person_get_id (child));
  g_assert_true (add_records (f, records, &error));

  next (f);
  dossier_vault_remove_person_async (f->vault, dossier_person_get_id (child), NULL, dossier_test_store_result, &f->result);
  g_assert_false (dossier_vault_remove_person_finish (f->vault, WAIT (f), &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_INVALID);
  g_clear_error (&error);

  next (f);
  dossier_vault_remove_person_async (f->vault, dossier_person_get_id (owner), NULL, dossier_test_store_result, &f->result);
  g_assert_false (dossier_vault_remove_person_finish (f->vault, WAIT (f), &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_INVALID);
  g_clear_error (&error);

  /* Renaming works, and a missing person is named as such. */
  dossier_person_set_name (child, "Nguyễn Minh Khôi");
  next (f);
  dossier_vault_save_person_async (f->vault, child, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_save_person_finish (f->vault, WAIT (f), &error));
  next (f);
  dossier_vault_remove_person_async (f->vault, 999, NULL, dossier_test_store_result, &f->result);
  g_assert_false (dossier_vault_remove_person_finish (f->vault, WAIT (f), &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NO_SUCH_PERSON);
  g_clear_error (&error);

  /* Moving a record to a person who does not exist changes nothing. */
  next (f);
  dossier_vault_move_record_async (f->vault, dossier_record_get_id (g_ptr_array_index (records, 0)), 999,
                                   NULL, dossier_test_store_result, &f->result);
  g_assert_false (dossier_vault_move_record_finish (f->vault, WAIT (f), &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NO_SUCH_PERSON);
  g_clear_error (&error);

  /* Once the record is given to the owner, the child can be removed. */
  next (f);
  dossier_vault_move_record_async (f->vault, dossier_record_get_id (g_ptr_array_index (records, 0)),
                                   dossier_person_get_id (owner), NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_move_record_finish (f->vault, WAIT (f), &error));
  g_assert_no_error (error);
  {
    g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
    g_autoptr(GPtrArray) owned = NULL;

    query->person_id = dossier_person_get_id (owner);
    next (f);
    dossier_vault_query_records_async (f->vault, query, NULL, dossier_test_store_result, &f->result);
    owned = dossier_vault_query_records_finish (f->vault, WAIT (f), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (owned->len, ==, 1);
    g_assert_cmpstr (dossier_record_get_title (g_ptr_array_index (owned, 0)), ==, "Sổ tiêm chủng");
  }
  next (f);
  dossier_vault_remove_person_async (f->vault, dossier_person_get_id (child), NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_remove_person_finish (f->vault, WAIT (f), &error));
  g_assert_no_error (error);
}

/* One bad record in a batch leaves the vault as it was. */
static void
test_atomic_add (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  fill_vault (f, 3);
  g_ptr_array_add (records, make_record ("good", "x", "y", "bytes"));
  g_ptr_array_add (records, make_record ("bad", "x", "y", "bytes"));
  dossier_record_set_person_id (g_ptr_array_index (records, 1), 4242);
  g_assert_false (add_records (f, records, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (dossier_record_get_id (g_ptr_array_index (records, 0)), ==, 0);
  g_assert_cmpint (count_all (f), ==, 3);
  assert_search (f, "good", 0);
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  g_assert_true (create_vault (f, PASSPHRASE, &error));
  lock_vault (f, f->vault);
  found = query (f, NULL, &error);
  g_assert_null (found);
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_LOCKED);
}

static void
test_missing (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (open_vault (f, f->vault, PASSPHRASE, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_NOT_FOUND);
}

/* Settings and secrets belong to the vault: they survive locking, stay
 * encrypted on disk, and are refused while locked. */
static void
test_settings_and_secrets (Fixture       *f,
                           gconstpointer  data)
{
  static const guint8 key[] = { 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x42 };
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  guint8 *secret;
  gsize length = 99;

  g_assert_true (create_vault (f, PASSPHRASE, &error));

  next (f);
  dossier_vault_get_setting_async (f->vault, "backup-last", NULL, dossier_test_store_result, &f->result);
  g_assert_null (dossier_vault_get_setting_finish (f->vault, WAIT (f), &error));
  g_assert_no_error (error);
  next (f);
  dossier_vault_set_setting_async (f->vault, "backup-last", "2026-11-30T08:00:00Z", NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_set_setting_finish (f->vault, WAIT (f), &error));
  next (f);
  dossier_vault_set_secret_async (f->vault, "backup-key", key, sizeof key, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_set_secret_finish (f->vault, WAIT (f), &error));
  g_assert_no_error (error);

  lock_vault (f, f->vault);
  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, "2026-11-30T08", 13), ==, 0);

  next (f);
  dossier_vault_get_secret_async (f->vault, "backup-key", NULL, dossier_test_store_result, &f->result);
  g_assert_null (dossier_vault_get_secret_finish (f->vault, WAIT (f), &length, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_LOCKED);
  g_clear_error (&error);

  g_assert_true (open_vault (f, f->vault, PASSPHRASE, &error));
  next (f);
  dossier_vault_get_setting_async (f->vault, "backup-last", NULL, dossier_test_store_result, &f->result);
  value = dossier_vault_get_setting_finish (f->vault, WAIT (f), &error);
  g_assert_cmpstr (value, ==, "2026-11-30T08:00:00Z");
  next (f);
  dossier_vault_get_secret_async (f->vault, "backup-key", NULL, dossier_test_store_result, &f->result);
  secret = dossier_vault_get_secret_finish (f->vault, WAIT (f), &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (secret, length, key, sizeof key);
  dossier_secure_free (secret, length);

  /* Removing leaves nothing to read. */
  next (f);
  dossier_vault_set_secret_async (f->vault, "backup-key", NULL, 0, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_set_secret_finish (f->vault, WAIT (f), &error));
  next (f);
  dossier_vault_set_setting_async (f->vault, "backup-last", NULL, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_set_setting_finish (f->vault, WAIT (f), &error));
  next (f);
  dossier_vault_get_secret_async (f->vault, "backup-key", NULL, dossier_test_store_result, &f->result);
  g_assert_null (dossier_vault_get_secret_finish (f->vault, WAIT (f), &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, 0);
  next (f);
  dossier_vault_get_setting_async (f->vault, "backup-last", NULL, dossier_test_store_result, &f->result);
  g_assert_null (dossier_vault_get_setting_finish (f->vault, WAIT (f), &error));
  g_assert_no_error (error);
}

/* Settings out of range are refused whether or not the caller asks why
 * (a leftover vault.json.pending is read without an error). */
static void
test_settings_out_of_range (void)
{
  static const char text[] =
    "{\"format\":1,\"kdf\":{\"algorithm\":\"argon2id\",\"version\":19,\"iterations\":1,"
    "\"memory_kib\":8129,\"parallelism\":1,\"salt\":\"nznLVgFygvczA6vPe9Ed0w==\"},"
    "\"key_check\":\"imx1jVBUoYM7,vVeLnVWX7qGmhps1OdOMq4IxULCmByA=\"}";
  g_autoptr(GError) error = NULL;

  g_assert_null (dossier_vault_config_parse (text, strlen (text), NULL));
  g_assert_null (dossier_vault_config_parse (text, strlen (text), &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "vault.json"));
  g_clear_error (&error);
  g_assert_null (dossier_vault_config_parse ("  \n", 3, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_DAMAGED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vault/settings-out-of-range", test_settings_out_of_range);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/vault/round-trip", test_round_trip);
  ADD ("/vault/default-kdf", test_default_kdf);
  ADD ("/vault/wrong-passphrase", test_wrong_passphrase);
  ADD ("/vault/unlock-delay", test_unlock_delay);
  ADD ("/vault/damaged-database", test_damaged_database);
  ADD ("/vault/damaged-settings", test_damaged_settings);
  ADD ("/vault/newer-format", test_newer_format);
  ADD ("/vault/in-use", test_in_use);
  ADD ("/vault/migrate-from-1", test_migrate_from_1);
  ADD ("/vault/no-plaintext", test_no_plaintext);
  ADD ("/vault/search", test_search);
  ADD ("/vault/change-passphrase", test_change_passphrase);
  ADD ("/vault/change-passphrase-interrupted", test_change_passphrase_interrupted);
  ADD ("/vault/persons", test_persons);
  ADD ("/vault/atomic-add", test_atomic_add);
  ADD ("/vault/locked", test_locked);
  ADD ("/vault/missing", test_missing);
  ADD ("/vault/settings-and-secrets", test_settings_and_secrets);
#undef ADD

  return g_test_run ();
}
