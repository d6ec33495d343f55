// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-backup-content.h"
#include "dossier-backup-file.h"
#include "dossier-recovery-key.h"
#include "dossier-secret.h"
#include "dossier-test-utils.h"
#include "dossier-vault.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define PASSPHRASE "mật khẩu của kho"
#define BACKUP_PASSPHRASE "mật khẩu bản sao lưu"
#define NEW_PASSPHRASE "mật khẩu trên máy mới"
#define MARKER_TITLE "Bằng cử nhân MARKER-TITLE-7Q"
#define MARKER_BODY "MARKER-BODY-Đặng-Văn-Lâm"
#define MARKER_ORIGINAL "MARKER-ORIGINAL-\x01\x02"

/* A vault on "this machine" and a folder on "another machine". */
typedef struct
{
  char         *dir;
  char         *other_dir;
  char         *backup;
  DossierVault *vault;
  GAsyncResult *result;
} Fixture;

static void
reset_result (Fixture *f)
{
  g_clear_object (&f->result);
}

/* Runs an asynchronous call and waits for its result. */
#define CALL(f, expr) (reset_result (f), (expr), dossier_test_wait (&(f)->result))

static DossierRecord *
make_record (const char *title,
             const char *body,
             GBytes     *original)
{
  DossierRecord *record = dossier_record_new (DOSSIER_RECORD_KIND_DIPLOMA, title);
  g_autoptr(JsonObject) fields = json_object_new ();

  dossier_record_set_issuer_name (record, "Trường Đại học Bách khoa");
  dossier_record_set_issued (record, "2019-06-15");
  dossier_record_set_format (record, "test");
  json_object_set_string_member (fields, "holder", body);
  dossier_record_set_fields (record, fields);
  if (original != NULL)
    dossier_record_set_original (record, original);
  return record;
}

static GBytes *
binary_original (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 131 + (i >> 8));
  memcpy (data, MARKER_ORIGINAL, sizeof MARKER_ORIGINAL - 1);
  return g_bytes_new_take (data, size);
}

/* A vault with a family member, three records (one with a large binary
 * original when @large), a trust anchor and a few audit entries. */
static void
fill_vault (Fixture  *f,
            gboolean  large)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierPerson) child = dossier_person_new ("Nguyễn Minh Khang", "child");
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) material = g_bytes_new_static ("{\"kty\":\"EC\",\"crv\":\"P-256\"}", 27);
  g_autoptr(DossierTrustAnchor) anchor = dossier_trust_anchor_new ("Bộ Giáo dục", "test", "all", material);
  g_autoptr(GBytes) small = g_bytes_new_static ("{\"ho_ten\":\"" MARKER_BODY "\"}", strlen (MARKER_BODY) + 13);
  g_autoptr(GBytes) big = binary_original (large ? 300 * 1024 : 700);

  dossier_vault_create_async (f->vault, PASSPHRASE, &dossier_test_fast_kdf, "Nguyễn Văn An", NULL,
                              dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_create_finish (f->vault, dossier_test_wait (&f->result), &error));
  g_assert_no_error (error);
  g_assert_true (dossier_vault_save_person_finish (f->vault, CALL (f, dossier_vault_save_person_async (f->vault, child, NULL, dossier_test_store_result, &f->result)), &error));

  g_ptr_array_add (records, make_record (MARKER_TITLE, MARKER_BODY, small));
  g_ptr_array_add (records, make_record ("Sổ tiêm chủng", "Khang", big));
  g_ptr_array_add (records, make_record ("Chứng chỉ tiếng Anh", "An", NULL));
  dossier_record_set_person_id (g_ptr_array_index (records, 1), dossier_person_get_id (child));
  g_assert_true (dossier_vault_add_records_finish (f->vault, CALL (f, dossier_vault_add_records_async (f->vault, records, NULL, dossier_test_store_result, &f->result)), &error));
  g_assert_true (dossier_vault_add_anchor_finish (f->vault, CALL (f, dossier_vault_add_anchor_async (f->vault, anchor, NULL, dossier_test_store_result, &f->result)), &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = dossier_test_make_tmpdir ();
  f->other_dir = dossier_test_make_tmpdir ();
  f->backup = g_build_filename (f->other_dir, "sao-lưu.dossier-backup", NULL);
  f->vault = dossier_vault_new (f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->result);
  dossier_test_assert_finalize (f->vault);
  dossier_test_rm_rf (f->dir);
  dossier_test_rm_rf (f->other_dir);
  g_free (f->dir);
  g_free (f->other_dir);
  g_free (f->backup);
}

static gboolean
backup (Fixture      *f,
        const char   *passphrase,
        const guint8 *key,
        GError      **error)
{
  return dossier_vault_backup_finish (f->vault,
                                      CALL (f, dossier_vault_backup_async (f->vault, f->backup, passphrase, key,
                                                                           &dossier_test_fast_kdf, NULL,
                                                                           dossier_test_store_result, &f->result)),
                                      error);
}

/* Restores f->backup into a new vault in @dir, returned open. */
static DossierVault *
restore (Fixture      *f,
         const char   *dir,
         const char   *passphrase,
         const guint8 *key,
         GError      **error)
{
  g_autoptr(DossierVault) vault = dossier_vault_new (dir);
  gboolean ok;

  ok = dossier_vault_restore_finish (vault,
                                     CALL (f, dossier_vault_restore_async (vault, f->backup, passphrase, key, NEW_PASSPHRASE,
                                                                           &dossier_test_fast_kdf, NULL,
                                                                           dossier_test_store_result, &f->result)),
                                     error);
  g_clear_object (&f->result);
  if (!ok)
    {
      dossier_test_assert_finalize (g_steal_pointer (&vault));
      return NULL;
    }
  return g_steal_pointer (&vault);
}

static GPtrArray *
all_records (Fixture      *f,
             DossierVault *vault)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
  GPtrArray *list, *full = g_ptr_array_new_with_free_func (g_object_unref);

  list = dossier_vault_query_records_finish (vault, CALL (f, dossier_vault_query_records_async (vault, query, NULL, dossier_test_store_result, &f->result)), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      gint64 id = dossier_record_get_id (g_ptr_array_index (list, i));
      DossierRecord *record;

      record = dossier_vault_get_record_finish (vault, CALL (f, dossier_vault_get_record_async (vault, id, NULL, dossier_test_store_result, &f->result)), &error);
      g_assert_no_error (error);
      g_ptr_array_add (full, record);
    }
  g_ptr_array_unref (list);
  return full;
}

static GPtrArray *
all_audit (Fixture      *f,
           DossierVault *vault)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  entries = dossier_vault_list_audit_finish (vault, CALL (f, dossier_vault_list_audit_async (vault, 0, 1000, NULL, dossier_test_store_result, &f->result)), &error);
  g_assert_no_error (error);
  return entries;
}

/* Everything in @restored is as in the source vault, byte for byte. */
static void
assert_same_vault (Fixture      *f,
                   DossierVault *restored,
                   GPtrArray    *audit_before)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) want = all_records (f, f->vault);
  g_autoptr(GPtrArray) got = all_records (f, restored);
  g_autoptr(GPtrArray) want_persons = NULL, got_persons = NULL, want_anchors = NULL, got_anchors = NULL;
  g_autoptr(GPtrArray) got_audit = all_audit (f, restored);

  g_assert_cmpuint (got->len, ==, 3);
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    {
      DossierRecord *a = g_ptr_array_index (want, i), *b = g_ptr_array_index (got, i);

      g_assert_cmpint (dossier_record_get_id (a), ==, dossier_record_get_id (b));
      g_assert_cmpstr (dossier_record_get_uuid (a), ==, dossier_record_get_uuid (b));
      g_assert_cmpstr (dossier_record_get_title (a), ==, dossier_record_get_title (b));
      g_assert_cmpint (dossier_record_get_person_id (a), ==, dossier_record_get_person_id (b));
      g_assert_true ((dossier_record_get_original (a) == NULL) == (dossier_record_get_original (b) == NULL));
      if (dossier_record_get_original (a) != NULL)
        g_assert_true (g_bytes_equal (dossier_record_get_original (a), dossier_record_get_original (b)));
    }

  want_persons = dossier_vault_list_persons_finish (f->vault, CALL (f, dossier_vault_list_persons_async (f->vault, NULL, dossier_test_store_result, &f->result)), &error);
  got_persons = dossier_vault_list_persons_finish (restored, CALL (f, dossier_vault_list_persons_async (restored, NULL, dossier_test_store_result, &f->result)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got_persons->len, ==, 2);
  for (guint i = 0; i < want_persons->len; i++)
    {
      DossierPerson *a = g_ptr_array_index (want_persons, i), *b = g_ptr_array_index (got_persons, i);

      g_assert_cmpstr (dossier_person_get_uuid (a), ==, dossier_person_get_uuid (b));
      g_assert_cmpstr (dossier_person_get_name (a), ==, dossier_person_get_name (b));
      g_assert_cmpstr (dossier_person_get_relation (a), ==, dossier_person_get_relation (b));
    }

  want_anchors = dossier_vault_list_anchors_finish (f->vault, CALL (f, dossier_vault_list_anchors_async (f->vault, NULL, dossier_test_store_result, &f->result)), &error);
  got_anchors = dossier_vault_list_anchors_finish (restored, CALL (f, dossier_vault_list_anchors_async (restored, NULL, dossier_test_store_result, &f->result)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got_anchors->len, ==, 1);
  g_assert_cmpstr (dossier_trust_anchor_get_name (g_ptr_array_index (got_anchors, 0)), ==, "Bộ Giáo dục");
  g_assert_true (g_bytes_equal (dossier_trust_anchor_get_material (g_ptr_array_index (want_anchors, 0)),
                                dossier_trust_anchor_get_material (g_ptr_array_index (got_anchors, 0))));

  /* The log as it was when the backup was taken, then the restore. */
  g_assert_cmpuint (got_audit->len, ==, audit_before->len + 1);
  g_assert_cmpint (dossier_audit_entry_get_action (g_ptr_array_index (got_audit, 0)), ==, DOSSIER_AUDIT_RESTORE);
  for (guint i = 0; i < audit_before->len; i++)
    {
      DossierAuditEntry *a = g_ptr_array_index (audit_before, i), *b = g_ptr_array_index (got_audit, i + 1);

      g_assert_cmpint (dossier_audit_entry_get_id (a), ==, dossier_audit_entry_get_id (b));
      g_assert_cmpint (dossier_audit_entry_get_action (a), ==, dossier_audit_entry_get_action (b));
      g_assert_cmpstr (dossier_audit_entry_get_subject (a), ==, dossier_audit_entry_get_subject (b));
    }

  /* The search index is rebuilt. */
  {
    g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
    g_autoptr(GPtrArray) found = NULL;

    query->text = g_strdup ("dang van lam");
    found = dossier_vault_query_records_finish (restored, CALL (f, dossier_vault_query_records_async (restored, query, NULL, dossier_test_store_result, &f->result)), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
  }
}

static void
assert_no_markers (const char *dir)
{
  const char *markers[] = { MARKER_TITLE, MARKER_BODY, MARKER_ORIGINAL, "Nguyễn Minh Khang", "Bộ Giáo dục" };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    g_assert_cmpuint (dossier_test_count_in_dir (dir, markers[i], strlen (markers[i])), ==, 0);
}

static void
reopen (Fixture      *f,
        DossierVault *vault)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dossier_vault_lock_finish (vault, CALL (f, dossier_vault_lock_async (vault, NULL, dossier_test_store_result, &f->result)), &error));
  g_assert_true (dossier_vault_open_finish (vault, CALL (f, dossier_vault_open_async (vault, NEW_PASSPHRASE, NULL, dossier_test_store_result, &f->result)), &error));
  g_assert_no_error (error);
}

static void
test_round_trip_passphrase (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit_before = NULL;
  g_autoptr(GPtrArray) audit_after = NULL;
  g_autofree char *target = g_build_filename (f->other_dir, "kho mới", NULL);
  g_autofree char *tmp = g_strconcat (f->backup, ".tmp", NULL);
  g_autoptr(DossierVault) restored = NULL;

  fill_vault (f, TRUE);
  audit_before = all_audit (f, f->vault);
  g_assert_true (backup (f, BACKUP_PASSPHRASE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->backup, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  assert_no_markers (f->other_dir);

  audit_after = all_audit (f, f->vault);
  g_assert_cmpuint (audit_after->len, ==, audit_before->len + 1);
  g_assert_cmpint (dossier_audit_entry_get_action (g_ptr_array_index (audit_after, 0)), ==, DOSSIER_AUDIT_BACKUP);

  restored = restore (f, target, BACKUP_PASSPHRASE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (restored);
  assert_same_vault (f, restored, audit_before);
  reopen (f, restored);
  g_assert_true (dossier_vault_check_finish (restored, CALL (f, dossier_vault_check_async (restored, NULL, dossier_test_store_result, &f->result)), &error));
  g_assert_no_error (error);
  g_clear_object (&f->result);
  dossier_test_assert_finalize (g_steal_pointer (&restored));
  assert_no_markers (f->other_dir);
}

static void
test_round_trip_recovery_key (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit_before = NULL;
  g_autofree char *target = g_build_filename (f->other_dir, "restored", NULL);
  g_autoptr(DossierVault) restored = NULL;
  guint8 key[DOSSIER_RECOVERY_KEY_SIZE], back[DOSSIER_RECOVERY_KEY_SIZE], wrong[DOSSIER_RECOVERY_KEY_SIZE];
  char *words;

  fill_vault (f, FALSE);
  audit_before = all_audit (f, f->vault);
  g_assert_true (dossier_recovery_key_generate (key));
  g_assert_true (backup (f, NULL, key, &error));
  g_assert_no_error (error);
  assert_no_markers (f->other_dir);

  /* Nothing of the key is in the file or the vault. */
  g_assert_cmpuint (dossier_test_count_in_dir (f->other_dir, (const char *) key, sizeof key), ==, 0);
  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, (const char *) key, sizeof key), ==, 0);

  /* Another key, and a passphrase, are refused with their own errors. */
  g_assert_true (dossier_recovery_key_generate (wrong));
  g_assert_null (restore (f, target, NULL, wrong, &error));
  g_assert_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_WRONG_KEY);
  g_clear_error (&error);
  g_assert_null (restore (f, target, PASSPHRASE, NULL, &error));
  g_assert_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_NEEDS_RECOVERY_KEY);
  g_clear_error (&error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));

  words = dossier_recovery_key_to_words (key);
  g_assert_true (dossier_recovery_key_from_words (words, back, &error));
  dossier_secure_strfree (words);
  restored = restore (f, target, NULL, back, &error);
  g_assert_no_error (error);
  assert_same_vault (f, restored, audit_before);
  g_clear_object (&f->result);
  dossier_test_assert_finalize (g_steal_pointer (&restored));
}

static void
test_wrong_passphrase (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (f->other_dir, "restored", NULL);

  fill_vault (f, FALSE);
  g_assert_true (backup (f, BACKUP_PASSPHRASE, NULL, &error));
  g_assert_null (restore (f, target, PASSPHRASE, NULL, &error));
  g_assert_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_WRONG_KEY);
  g_assert_nonnull (strstr (error->message, "Wrong passphrase"));
  g_clear_error (&error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));

  {
    guint8 key[DOSSIER_RECOVERY_KEY_SIZE] = { 0 };

    g_assert_null (restore (f, target, NULL, key, &error));
    g_assert_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_NEEDS_PASSPHRASE);
  }
}

static GByteArray *
read_backup (Fixture *f)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (f->backup, &data, &length, NULL));
  return g_byte_array_new_take ((guint8 *) g_steal_pointer (&data), length);
}

static GError *
try_decrypt (const guint8 *data,
             gsize         length,
             const char   *passphrase,
             const guint8 *key)
{
  GError *error = NULL;
  GByteArray *content = dossier_backup_decrypt (data, length, passphrase, key, &error);

  if (content != NULL)
    {
      dossier_backup_content_free (content);
      return NULL;
    }
  g_assert_nonnull (error);
  return error;
}

/* Every single-byte change anywhere in a small backup is refused, and none
 * of them is taken for a wrong key. */
static void
test_every_byte_flip (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) file = NULL;
  guint8 key[DOSSIER_RECOVERY_KEY_SIZE];
  GByteArray *content;

  fill_vault (f, FALSE);
  g_assert_true (dossier_recovery_key_generate (key));
  g_assert_true (backup (f, NULL, key, &error));
  file = read_backup (f);
  content = dossier_backup_decrypt (file->data, file->len, NULL, key, &error);
  g_assert_no_error (error);
  g_assert_true (dossier_backup_content_parse (content->data, content->len, NULL, NULL, &error));
  dossier_backup_content_free (content);
  g_assert_cmpuint (file->len, <, 16 * 1024);

  for (guint i = 0; i < file->len; i++)
    {
      g_autoptr(GError) flip_error = NULL;

      file->data[i] ^= 0x5a;
      flip_error = try_decrypt (file->data, file->len, NULL, key);
      file->data[i] ^= 0x5a;
      if (flip_error == NULL)
        g_error ("a change at byte %u of %u went unnoticed", i, file->len);
      g_assert_true (flip_error->domain == DOSSIER_BACKUP_ERROR);
      g_assert_cmpint (flip_error->code, !=, DOSSIER_BACKUP_ERROR_WRONG_KEY);
    }
}

/* A passphrase backup with several chunks: changes at a sample of places,
 * chunks dropped, swapped or cut, and the restore writes nothing. */
static void
test_tampered_chunks (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) file = NULL;
  g_autofree char *target = g_build_filename (f->other_dir, "restored", NULL);
  gsize chunk = 5 + DOSSIER_BACKUP_CHUNK_SIZE + 16;
  guint positions[] = { 0, 9, 10, 13, 30, 44, 50, 62, 63, 64, 65, 68, 69, 1000, 40000 };

  fill_vault (f, TRUE);
  g_assert_true (backup (f, BACKUP_PASSPHRASE, NULL, &error));
  file = read_backup (f);
  g_assert_cmpuint (file->len, >, DOSSIER_BACKUP_HEADER_SIZE + 4 * chunk);

  for (guint i = 0; i < G_N_ELEMENTS (positions) + 8; i++)
    {
      g_autoptr(GError) flip_error = NULL;
      guint at = i < G_N_ELEMENTS (positions) ? positions[i] : (guint) g_test_rand_int_range (0, (gint32) file->len);

      file->data[at] ^= 0x01;
      flip_error = try_decrypt (file->data, file->len, BACKUP_PASSPHRASE, NULL);
      file->data[at] ^= 0x01;
      g_assert_nonnull (flip_error);
      g_assert_true (flip_error->domain == DOSSIER_BACKUP_ERROR);
      g_assert_cmpint (flip_error->code, !=, DOSSIER_BACKUP_ERROR_WRONG_KEY);
    }

  /* The second chunk dropped; the first two swapped; cut after a chunk, in
   * a chunk and in the last tag; something appended. */
  {
    g_autoptr(GByteArray) dropped = g_byte_array_new ();
    g_autoptr(GByteArray) swapped = g_byte_array_new ();
    g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;
    gsize first = DOSSIER_BACKUP_HEADER_SIZE;

    g_byte_array_append (dropped, file->data, (guint) (first + chunk));
    g_byte_array_append (dropped, file->data + first + 2 * chunk, (guint) (file->len - first - 2 * chunk));
    e1 = try_decrypt (dropped->data, dropped->len, BACKUP_PASSPHRASE, NULL);
    g_assert_error (e1, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_DAMAGED);

    g_byte_array_append (swapped, file->data, (guint) first);
    g_byte_array_append (swapped, file->data + first + chunk, (guint) chunk);
    g_byte_array_append (swapped, file->data + first, (guint) chunk);
    g_byte_array_append (swapped, file->data + first + 2 * chunk, (guint) (file->len - first - 2 * chunk));
    e2 = try_decrypt (swapped->data, swapped->len, BACKUP_PASSPHRASE, NULL);
    g_assert_error (e2, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_DAMAGED);

    g_byte_array_append (file, (const guint8 *) "x", 1);
    e3 = try_decrypt (file->data, file->len, BACKUP_PASSPHRASE, NULL);
    g_assert_error (e3, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_DAMAGED);
    g_byte_array_set_size (file, file->len - 1);
  }
  {
    gsize after_one = DOSSIER_BACKUP_HEADER_SIZE + chunk;
    gsize after_three = DOSSIER_BACKUP_HEADER_SIZE + 3 * chunk;
    gsize cuts[] = { 0, 4, 9, 40, 63, 64, 66, 69, 5000, after_one, after_three, file->len - 17, file->len - 1 };

    for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
      {
        g_autoptr(GError) cut_error = try_decrypt (file->data, cuts[i], BACKUP_PASSPHRASE, NULL);

        if (cuts[i] < 8)
          g_assert_error (cut_error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_NOT_A_BACKUP);
        else
          g_assert_error (cut_error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_TRUNCATED);
      }
  }

  /* Through a restore: the damaged file is refused and nothing is left. */
  file->data[file->len - 20] ^= 0x80;
  g_assert_true (g_file_set_contents (f->backup, (const char *) file->data, file->len, NULL));
  g_assert_null (restore (f, target, BACKUP_PASSPHRASE, NULL, &error));
  g_assert_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_DAMAGED);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (f->backup, (const char *) file->data, file->len / 2, NULL));
  g_assert_null (restore (f, target, BACKUP_PASSPHRASE, NULL, &error));
  g_assert_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_TRUNCATED);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

static void
test_versions_and_strangers (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) file = NULL;
  g_autoptr(GError) e1 = NULL, e2 = NULL;
  guint8 key[DOSSIER_RECOVERY_KEY_SIZE] = { 1 };
  const char *stranger = "SQLite format 3\0 this is not a backup at all";

  fill_vault (f, FALSE);
  g_assert_true (backup (f, NULL, key, &error));
  file = read_backup (f);
  file->data[9] = 2;
  e1 = try_decrypt (file->data, file->len, NULL, key);
  g_assert_error (e1, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_UNSUPPORTED_VERSION);
  g_assert_nonnull (strstr (e1->message, "version 2"));
  e2 = try_decrypt ((const guint8 *) stranger, 45, NULL, key);
  g_assert_error (e2, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_NOT_A_BACKUP);
}

static void
test_existing_vault_refused (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierVault) other = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;

  fill_vault (f, FALSE);
  g_assert_true (backup (f, BACKUP_PASSPHRASE, NULL, &error));
  g_assert_true (dossier_vault_lock_finish (f->vault, CALL (f, dossier_vault_lock_async (f->vault, NULL, dossier_test_store_result, &f->result)), &error));
  before = dossier_test_snapshot_dir (f->dir);

  /* Into the vault's own folder, open or not. */
  g_assert_null (restore (f, f->dir, BACKUP_PASSPHRASE, NULL, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_EXISTS);
  g_clear_error (&error);
  after = dossier_test_snapshot_dir (f->dir);
  g_assert_true (dossier_test_snapshots_equal (before, after));
}

/* A backup whose content the new vault cannot take (a column it does not
 * have) fails half-way through filling it: no vault is left behind. */
static void
test_failed_restore_leaves_nothing (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierBackupWriter) writer = NULL;
  g_autoptr(GByteArray) content = g_byte_array_new ();
  g_autofree char *target = g_build_filename (f->other_dir, "restored", NULL);
  const char *columns[] = { "id", "no_such_column" };
  DossierBackupValue value = { DOSSIER_BACKUP_VALUE_INTEGER, 1, 0, NULL, 0 };
  guint8 key[DOSSIER_RECOVERY_KEY_SIZE] = { 7 };
  int fd;

  dossier_backup_content_put_version (content, 3);
  dossier_backup_content_put_table (content, "persons", 2, columns);
  dossier_backup_content_put_row (content);
  dossier_backup_content_put_value (content, &value);
  dossier_backup_content_put_value (content, &value);
  dossier_backup_content_put_end (content);

  fd = g_open (f->backup, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  writer = dossier_backup_writer_new (fd, NULL, key, NULL, DOSSIER_BACKUP_MIN_CHUNK_SIZE, &error);
  g_assert_no_error (error);
  g_assert_true (dossier_backup_writer_write (writer, content->data, content->len, &error));
  g_assert_true (dossier_backup_writer_finish (writer, &error));
  close (fd);

  g_assert_null (restore (f, target, NULL, key, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/backup/round-trip/passphrase", test_round_trip_passphrase);
  ADD ("/backup/round-trip/recovery-key", test_round_trip_recovery_key);
  ADD ("/backup/wrong-passphrase", test_wrong_passphrase);
  ADD ("/backup/every-byte-flip", test_every_byte_flip);
  ADD ("/backup/tampered-chunks", test_tampered_chunks);
  ADD ("/backup/versions-and-strangers", test_versions_and_strangers);
  ADD ("/backup/existing-vault-refused", test_existing_vault_refused);
  ADD ("/backup/failed-restore-leaves-nothing", test_failed_restore_leaves_nothing);
#undef ADD

  return g_test_run ();
}
