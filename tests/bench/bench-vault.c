// SPDX-License-Identifier: GPL-3.0-or-later
/* Vault benchmarks: prints figures, asserts nothing about speed. */
#include "dossier-test-utils.h"
#include "dossier-vault-db.h"
#include "dossier-vault-rows.h"
#include "dossier-vault-schema.h"
#include "dossier-vault.h"

#include <stdio.h>
#include <string.h>

static DossierVaultDb *
new_db (const char   *dir,
        const char   *name,
        const guint8 *key)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(DossierPerson) owner = dossier_person_new ("Nguyễn Văn An", "owner");
  g_autoptr(GError) error = NULL;
  DossierVaultDb *db = dossier_vault_db_open (path, key, TRUE, &error);

  g_assert_no_error (error);
  g_assert_true (dossier_vault_schema_migrate (db, DOSSIER_VAULT_SCHEMA_VERSION, &error));
  g_assert_true (dossier_vault_db_begin (db, &error));
  g_assert_true (dossier_vault_rows_insert_person (db, owner, &error));
  g_assert_true (dossier_vault_db_commit (db, &error));
  return db;
}

/* Imports @count records in transactions of @batch, as an import of many
 * files does; returns seconds. */
static double
import_records (DossierVaultDb *db,
                guint           first,
                guint           count,
                guint           batch)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  for (guint i = first; i < first + count; i += batch)
    {
      g_assert_true (dossier_vault_db_begin (db, &error));
      for (guint j = i; j < MIN (i + batch, first + count); j++)
        {
          g_autoptr(DossierRecord) record = dossier_test_bench_record (j);
          g_assert_true (dossier_vault_rows_insert_record (db, record, &error));
        }
      g_assert_true (dossier_vault_db_commit (db, &error));
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
median_ms (DossierVaultDb          *db,
           const DossierVaultQuery *query,
           guint                   *found)
{
  double times[15];
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) records = dossier_vault_rows_query_records (db, query, &error);

      g_assert_no_error (error);
      times[i] = (g_get_monotonic_time () - start) / 1e3;
      *found = records->len;
    }
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (times); j++)
      if (times[j] < times[i])
        {
          double t = times[i];
          times[i] = times[j];
          times[j] = t;
        }
  return times[G_N_ELEMENTS (times) / 2];
}

static void
bench_import (const char *dir)
{
  guint8 key[DOSSIER_VAULT_KEY_SIZE];
  DossierVaultDb *encrypted, *plain;
  double t_enc, t_plain;
  const guint n = 10000, batch = 100;

  memset (key, 0x42, sizeof key);
  encrypted = new_db (dir, "encrypted.db", key);
  plain = new_db (dir, "plain.db", NULL);
  t_plain = import_records (plain, 0, n, batch);
  t_enc = import_records (encrypted, 0, n, batch);
  printf ("import %u records (%u per transaction): encrypted %.2f s (%.0f/s), plain SQLite %.2f s (%.0f/s), ratio %.2f (goal <= 1.5)\n",
          n, batch, t_enc, n / t_enc, t_plain, n / t_plain, t_enc / t_plain);
  dossier_vault_db_close (encrypted);
  dossier_vault_db_close (plain);
}

static void
bench_queries (const char *dir)
{
  guint8 key[DOSSIER_VAULT_KEY_SIZE];
  g_autoptr(DossierVaultQuery) first_page = dossier_vault_query_new ();
  g_autoptr(DossierVaultQuery) health_page = dossier_vault_query_new ();
  g_autoptr(DossierVaultQuery) learning_page = dossier_vault_query_new ();
  g_autoptr(DossierVaultQuery) common = dossier_vault_query_new ();
  g_autoptr(DossierVaultQuery) rare = dossier_vault_query_new ();
  g_autoptr(DossierVaultQuery) deep = dossier_vault_query_new ();
  g_autoptr(DossierVaultQuery) everywhere = dossier_vault_query_new ();
  DossierVaultDb *db;
  const guint n = 100000;
  guint found = 0;
  double t;

  memset (key, 0x24, sizeof key);
  db = new_db (dir, "large.db", key);
  t = import_records (db, 0, n, 1000);
  printf ("filled an encrypted vault with %u records in %.1f s\n", n, t);

  first_page->limit = 50;
  health_page->limit = 50;
  health_page->category = DOSSIER_RECORD_CATEGORY_HEALTH;
  /* What the window's Learning section lists: learning records and kept
   * documents. */
  learning_page->limit = 100;
  learning_page->category = DOSSIER_RECORD_CATEGORY_LEARNING;
  learning_page->or_category = DOSSIER_RECORD_CATEGORY_OTHER;
  common->limit = 50;
  common->text = g_strdup ("nguyen");
  rare->limit = 50;
  rare->text = g_strdup ("SO-00031337");
  everywhere->limit = 50;
  everywhere->text = g_strdup ("ha noi");
  deep->limit = 50;
  deep->offset = 90000;

  t = median_ms (db, first_page, &found);
  printf ("first page of the list at %u records: %.2f ms (%u rows; goal < 16 ms)\n", n, t, found);
  t = median_ms (db, health_page, &found);
  printf ("first page of health records: %.2f ms (%u rows)\n", t, found);
  t = median_ms (db, learning_page, &found);
  printf ("first page of learning records and documents: %.2f ms (%u rows)\n", t, found);
  {
    gint64 start = g_get_monotonic_time ();
    gint64 count = dossier_vault_rows_count_records (db, learning_page, NULL);

    printf ("count of learning records and documents: %.2f ms (%" G_GINT64_FORMAT ")\n",
            (g_get_monotonic_time () - start) / 1e3, count);
  }
  t = median_ms (db, deep, &found);
  printf ("page at offset 90000: %.2f ms (%u rows)\n", t, found);
  t = median_ms (db, common, &found);
  printf ("search “nguyen” (1 in 8 records match), first page: %.2f ms (%u rows; goal < 16 ms)\n", t, found);
  t = median_ms (db, everywhere, &found);
  printf ("search “ha noi” (every record matches), first page: %.2f ms (%u rows)\n", t, found);
  t = median_ms (db, rare, &found);
  printf ("search for one serial number: %.2f ms (%u rows)\n", t, found);
  dossier_vault_db_close (db);
}

static void
bench_unlock (const char *dir)
{
  g_autofree char *vault_dir = g_build_filename (dir, "unlock", NULL);
  g_autofree char *json_path = g_build_filename (vault_dir, "vault.json", NULL);
  DossierVault *vault = dossier_vault_new (vault_dir);
  g_autoptr(DossierVaultConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  guint8 key[DOSSIER_VAULT_KEY_SIZE];
  gint64 start;
  double t_open, t_kdf;

  dossier_vault_create_async (vault, "bench passphrase", NULL, NULL, NULL, dossier_test_store_result, &result);
  g_assert_true (dossier_vault_create_finish (vault, dossier_test_wait (&result), &error));
  g_clear_object (&result);
  dossier_vault_lock_async (vault, NULL, dossier_test_store_result, &result);
  dossier_test_wait (&result);
  g_clear_object (&result);

  start = g_get_monotonic_time ();
  dossier_vault_open_async (vault, "bench passphrase", NULL, dossier_test_store_result, &result);
  g_assert_true (dossier_vault_open_finish (vault, dossier_test_wait (&result), &error));
  t_open = (g_get_monotonic_time () - start) / 1e3;
  g_clear_object (&result);

  config = dossier_vault_config_load (json_path, &error);
  start = g_get_monotonic_time ();
  g_assert_true (dossier_vault_config_derive_key (config, "bench passphrase", key, &error));
  t_kdf = (g_get_monotonic_time () - start) / 1e3;
  printf ("unlock: %.1f ms in all, of which Argon2id (t=3, m=64 MiB, p=1) %.1f ms, the rest %.1f ms\n",
          t_open, t_kdf, t_open - t_kdf);
  dossier_test_assert_finalize (vault);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();

  setvbuf (stdout, NULL, _IOLBF, 0);
  bench_unlock (dir);
  bench_import (dir);
  bench_queries (dir);
  dossier_test_rm_rf (dir);
  return 0;
}
