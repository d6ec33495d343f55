// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-test-utils.h"

#include <glib/gstdio.h>
#include <string.h>

const DossierKdfParams dossier_test_fast_kdf = { 1, DOSSIER_VAULT_KDF_MIN_MEMORY_KIB, 1 };

void
dossier_test_store_result (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Iterates the default main context until *slot is filled; the caller owns
 * the result until the next call with the same slot. */
GAsyncResult *
dossier_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

char *
dossier_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("dossier-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
dossier_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        dossier_test_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* How many times @needle occurs in all the files below @dir. */
guint
dossier_test_count_in_dir (const char *dir,
                           const char *needle,
                           gsize       needle_len)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint hits = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          hits += dossier_test_count_in_dir (path, needle, needle_len);
          continue;
        }
      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      for (const char *p = contents; length >= needle_len && p <= contents + length - needle_len; p++)
        if (memcmp (p, needle, needle_len) == 0)
          hits++;
    }
  return hits;
}

/* File name -> SHA-256 of the contents, for every file in @dir. */
GHashTable *
dossier_test_snapshot_dir (const char *dir)
{
  GHashTable *snapshot = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_hash_table_insert (snapshot, g_strdup (name),
                           g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length));
    }
  return snapshot;
}

gboolean
dossier_test_snapshots_equal (GHashTable *a,
                              GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
      return FALSE;
  return TRUE;
}

/* Drops the caller's reference and checks that the object goes away.  The
 * vault's worker thread may still hold a reference for an instant after a
 * call has answered, so this waits (a bounded time) for it to let go. */
void
dossier_test_assert_finalize (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  while (weak != NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_null (weak);
}

static const char * const bench_family[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ" };
static const char * const bench_given[] = { "An", "Bình", "Chi", "Dũng", "Hà", "Khang", "Lan", "Minh", "Ngọc", "Thảo" };
static const char * const bench_titles[] = {
  "Bằng tốt nghiệp trung học phổ thông", "Bằng cử nhân", "Chứng chỉ tiếng Anh B1",
  "Giấy chứng nhận tiêm chủng", "Kết quả xét nghiệm đường huyết", "Đơn thuốc", "Huy hiệu khóa học",
};

/* A made-up record, different for each @i, as the benchmarks fill vaults
 * with: a learning or health record with a 1.5 KB original. */
DossierRecord *
dossier_test_bench_record (guint i)
{
  DossierRecord *record = dossier_record_new (i % 2 ? DOSSIER_RECORD_KIND_IMMUNIZATION : DOSSIER_RECORD_KIND_DIPLOMA,
                                              bench_titles[i % G_N_ELEMENTS (bench_titles)]);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *holder = g_strdup_printf ("%s Văn %s", bench_family[i % G_N_ELEMENTS (bench_family)],
                                             bench_given[(i / 8) % G_N_ELEMENTS (bench_given)]);
  g_autofree char *issued = g_strdup_printf ("%04u-%02u-%02u", 1990 + i % 35, 1 + i % 12, 1 + i % 28);
  g_autofree char *serial = g_strdup_printf ("SO-%08u", i);
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GString) body = g_string_new (NULL);

  json_object_set_string_member (fields, "holder", holder);
  json_object_set_string_member (fields, "serial", serial);
  dossier_record_set_fields (record, fields);
  dossier_record_set_issuer_name (record, "Sở Giáo dục và Đào tạo Hà Nội");
  dossier_record_set_issued (record, issued);
  dossier_record_set_format (record, "bench");
  while (body->len < 1500)
    g_string_append_printf (body, "{\"holder\":\"%s\",\"serial\":\"%s\"}", holder, serial);
  original = g_bytes_new (body->str, body->len);
  dossier_record_set_original (record, original);
  return record;
}
