// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "dossier-record.h"
#include "dossier-vault-config.h"

G_BEGIN_DECLS

/* Cheap key derivation for tests that open vaults many times; the real
 * default is exercised by the tests that check it. */
extern const DossierKdfParams dossier_test_fast_kdf;

GAsyncResult *dossier_test_wait        (GAsyncResult **slot);
void          dossier_test_store_result (GObject      *source,
                                         GAsyncResult *result,
                                         gpointer      user_data);
char         *dossier_test_make_tmpdir  (void);
DossierRecord *dossier_test_bench_record (guint       i);
void          dossier_test_rm_rf        (const char   *path);
guint         dossier_test_count_in_dir (const char   *dir,
                                         const char   *needle,
                                         gsize         needle_len);
GHashTable   *dossier_test_snapshot_dir (const char   *dir);
void          dossier_test_assert_finalize (gpointer object);
gboolean      dossier_test_snapshots_equal (GHashTable *a,
                                            GHashTable *b);

/* Runs an async call and waits: RESULT is the GAsyncResult to finish. */
#define DOSSIER_TEST_CALL(slot, call) ((call), dossier_test_wait (&(slot)))

G_END_DECLS
