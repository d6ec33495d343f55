// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-test-utils.h"
#include "dossier-vault.h"
#include "issuer-fixture.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#define PASSPHRASE "mật khẩu thử nghiệm"

static const char *cli_path;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static GSubprocessLauncher *
launcher_new (const char *passphrase)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDIN_PIPE);

  if (passphrase != NULL)
    g_subprocess_launcher_setenv (launcher, "DOSSIER_PASSPHRASE", passphrase, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "DOSSIER_PASSPHRASE");
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  return launcher;
}

/* Runs dossier-cli with @argv (NULL-terminated, after the program name),
 * with @variable set to @value in its environment when it is not NULL. */
static void
run_cli_with (Run                *run,
              const char         *passphrase,
              const char         *variable,
              const char         *value,
              const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (passphrase);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  if (variable != NULL)
    g_subprocess_launcher_setenv (launcher, variable, value, TRUE);
  g_ptr_array_add (argv, (gpointer) cli_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("dossier-cli %s died of signal %d:\n%s", args[0], g_subprocess_get_term_sig (process), run->err);
  run->status = g_subprocess_get_exit_status (process);
}

#define CLI(run, pass, ...) run_cli_with (run, pass, NULL, NULL, (const char * const[]) { __VA_ARGS__, NULL })
#define CLI_ENV(run, pass, variable, value, ...) \
  run_cli_with (run, pass, variable, value, (const char * const[]) { __VA_ARGS__, NULL })

static char *
write_file (const char *dir,
            const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
init_vault (const char *vault)
{
  g_auto(Run) run = { 0 };

  CLI (&run, PASSPHRASE, "--vault", vault, "init", "--owner", "Nguyễn Văn An",
       "--kdf-iterations", "1", "--kdf-memory", "8192");
  g_assert_cmpint (run.status, ==, 0);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *a = write_file (dir, "Bằng tốt nghiệp.json", "{\"ho_ten\": \"Đặng Văn Lâm\"}", -1);
  g_autofree char *b = write_file (dir, "scan.bin", "\x00\x01\x02\x03 binary", 11);
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) "\x00\x01\x02\x03 binary", 11);
  g_autofree char *new_pass = write_file (dir, "new-pass", "mật khẩu mới\n", -1);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) shown = NULL;
  g_autoptr(JsonNode) log = NULL;
  JsonArray *records;
  gint64 binary_id = 0;

  init_vault (vault);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", a, b);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "as record 1"));
  g_assert_nonnull (strstr (run.out, "as record 2"));
  run_clear (&run);

  CLI (&run, PASSPHRASE, "--vault", vault, "list", "--json");
  g_assert_cmpint (run.status, ==, 0);
  list = parse_json (run.out);
  records = json_node_get_array (list);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "document");
      if (g_strcmp0 (json_object_get_string_member (record, "title"), "scan") == 0)
        binary_id = json_object_get_int_member (record, "id");
    }
  g_assert_cmpint (binary_id, >, 0);
  run_clear (&run);

  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, binary_id);

    CLI (&run, PASSPHRASE, "--vault", vault, "show", id, "--json");
    g_assert_cmpint (run.status, ==, 0);
    shown = parse_json (run.out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (shown), "sha256"), ==, digest);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (shown), "size"), ==, 11);
    run_clear (&run);
  }

  CLI (&run, PASSPHRASE, "--vault", vault, "search", "dang", "van", "lam");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Bằng tốt nghiệp"));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "search", "Đặng", "--json");
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonNode) found = parse_json (run.out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (found)), ==, 1);
  }
  run_clear (&run);

  CLI (&run, PASSPHRASE, "--vault", vault, "delete", "1");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "delete", "1");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "No record"));
  run_clear (&run);

  CLI (&run, PASSPHRASE, "--vault", vault, "log", "--json");
  g_assert_cmpint (run.status, ==, 0);
  log = parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (log), 0), "action"),
                   ==, "delete");
  run_clear (&run);

  CLI (&run, PASSPHRASE, "--vault", vault, "passwd", "--new-passphrase-file", new_pass);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "list");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "Wrong passphrase"));
  run_clear (&run);
  CLI (&run, NULL, "--vault", vault, "--passphrase-file", new_pass, "list");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "scan"));

  dossier_test_rm_rf (dir);
}

static void
test_errors (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *empty = write_file (dir, "empty.pdf", "", 0);
  g_autofree char *missing = g_build_filename (dir, "missing.pdf", NULL);
  const char *commands[] = {
    "init", "import", "list", "show", "search", "delete", "log", "passwd", "verify", "reverify", "trust", "backup", "restore",
  };
  g_auto(Run) run = { 0 };

  CLI (&run, PASSPHRASE, "frobnicate");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--no-such-option", "list");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "list");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "no vault"));
  run_clear (&run);
  CLI (&run, NULL, "--vault", vault, "init");   /* no passphrase, no terminal */
  g_assert_cmpint (run.status, ==, 2);
  g_assert_false (g_file_test (vault, G_FILE_TEST_EXISTS));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "init", "--kdf-memory", "12");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  init_vault (vault);
  CLI (&run, PASSPHRASE, "--vault", vault, "init");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "already exists"));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", missing);
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", empty);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "empty"));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", dir);
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "list", "--json");
  g_assert_cmpstr (g_strstrip (run.out), ==, "[]");
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "show", "abc");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "list", "--kind", "spaceship");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      CLI (&run, PASSPHRASE, "--vault", vault, commands[i], "--help");
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, commands[i]));
      run_clear (&run);
    }
  CLI (&run, PASSPHRASE, "--help");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "passwd"));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "backup");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--out"));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "restore", missing);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "already exists"));

  dossier_test_rm_rf (dir);
}

static char *
vector (const char *relative)
{
  return g_build_filename (g_getenv ("DOSSIER_VECTORS"), relative, NULL);
}

static void
test_verify_and_reverify (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *card = vector ("shc-spec/examples/example-00-e-file.smart-health-card");
  g_autofree char *keys = vector ("shc-spec/issuer/.well-known/jwks.json");
  g_autofree char *missing = g_build_filename (dir, "missing.txt", NULL);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *object;

  CLI (&run, NULL, "verify", "--json", "--trust", keys, "--at", "2024-06-01T00:00:00Z", card);
  g_assert_cmpint (run.status, ==, 0);
  node = parse_json (run.out);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "verdict"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (object, "format"), ==, "shc");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "records")), ==, 3);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (object, "issuer"), "trusted"));
  run_clear (&run);

  /* without the key: invalid, and it says which check failed */
  CLI (&run, NULL, "verify", "--json", "--no-time-check", card);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, "\"name\":\"key\",\"ok\":false"));
  g_assert_nonnull (strstr (run.out, "\"time_checked\":false"));
  run_clear (&run);

  CLI (&run, NULL, "verify", "--json", missing);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.out, "unreadable"));
  run_clear (&run);
  CLI (&run, NULL, "verify", "--at", "yesterday", card);
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  CLI (&run, NULL, "verify", "--at", "2024-06-01T00:00:00Z", "--no-time-check", card);
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  /* import keeps the card and its three immunizations; reverify with the
   * key stores the new verdict on all of them */
  init_vault (vault);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", card);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "list", "--kind", "immunization", "--json");
  list = parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (json_node_get_array (list), 0), "verdict"), "summary"),
                   ==, "invalid");
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "reverify");
  g_assert_cmpint (run.status, ==, 1);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "reverify", "--trust", keys);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  g_clear_pointer (&list, json_node_unref);
  CLI (&run, PASSPHRASE, "--vault", vault, "list", "--kind", "immunization", "--json");
  list = parse_json (run.out);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (json_node_get_array (list), i), "verdict"), "summary"),
                     ==, "valid");
  run_clear (&run);

  /* trust kept in the vault: imports verify against it from then on */
  CLI (&run, PASSPHRASE, "--vault", vault, "trust", "add", missing);
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "trust", "add", card);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "no key"));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "trust", "add", "--name", "SMART example issuer", "--scope", "health", keys);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "trust", "list");
  g_assert_nonnull (strstr (run.out, "SMART example issuer"));
  g_assert_nonnull (strstr (run.out, "health"));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", card);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "reverify");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "trust", "remove", "1");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "trust", "remove", "1");
  g_assert_cmpint (run.status, ==, 1);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "reverify");
  g_assert_cmpint (run.status, ==, 1);

  dossier_test_rm_rf (dir);
}

/* --- crash safety ------------------------------------------------------------ */

#define N_FILES 30

/* Each crash loop runs DOSSIER_CRASH_ROUNDS rounds, 100 unless set (the
 * unit suite runs fewer, the slow suite 100), and at most
 * DOSSIER_CRASH_ROUNDS_MAX when that is set: the sanitizer build, where each
 * round is several times slower, runs fewer still. */
static guint
crash_rounds (void)
{
  const char *rounds = g_getenv ("DOSSIER_CRASH_ROUNDS");
  const char *most = g_getenv ("DOSSIER_CRASH_ROUNDS_MAX");
  guint n = rounds != NULL ? (guint) g_ascii_strtoull (rounds, NULL, 10) : 100;

  return most != NULL ? MIN (n, (guint) g_ascii_strtoull (most, NULL, 10)) : n;
}

/* The longest delay before a kill: a little more than the operation took
 * once uninterrupted (@started is when it began), so that kills fall all
 * along it on any machine and build. */
static guint
longest_delay (gint64 started)
{
  gint64 took_ms = (g_get_monotonic_time () - started) / 1000;

  g_test_message ("one uninterrupted run took %" G_GINT64_FORMAT " ms", took_ms);
  return (guint) MAX (took_ms * 5 / 4, 20);
}

typedef struct
{
  char       *dir;
  char       *vault;
  char       *files[N_FILES];
  GHashTable *digests;   /* title -> SHA-256 of the file */
} CrashFixture;

static gint64
count_records (const char *vault)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) list = NULL;

  CLI (&run, PASSPHRASE, "--vault", vault, "list", "--json");
  if (run.status != 0)
    g_error ("the vault does not open after a crash: %s", run.err);
  list = parse_json (run.out);
  return json_array_get_length (json_node_get_array (list));
}

static void
on_wait_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Starts an import of all files, kills it after @delay_ms, and returns how
 * many imports it reported as done. */
static guint
import_and_kill (CrashFixture *f,
                 guint         delay_ms)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (PASSPHRASE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gboolean exited = FALSE, timed_out = FALSE;
  guint reported = 0, timer;

  g_ptr_array_add (argv, (gpointer) cli_path);
  g_ptr_array_add (argv, (gpointer) "--vault");
  g_ptr_array_add (argv, f->vault);
  g_ptr_array_add (argv, (gpointer) "import");
  for (guint i = 0; i < N_FILES; i++)
    g_ptr_array_add (argv, f->files[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, on_wait_done, &exited);
  timer = g_timeout_add (delay_ms, on_timeout, &timed_out);
  while (!exited && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!exited)
    g_subprocess_send_signal (process, SIGKILL);
  while (!exited)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timer);

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  for (const char *p = out; (p = strstr (p, "Imported ")) != NULL; p++)
    reported++;
  return reported;
}

/* Every record in the vault is whole: its original bytes are those of the
 * file it came from. */
static void
check_records_whole (CrashFixture *f,
                     gint64        expected)
{
  DossierVault *vault = dossier_vault_new (f->vault);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  dossier_vault_open_async (vault, PASSPHRASE, NULL, dossier_test_store_result, &result);
  g_assert_true (dossier_vault_open_finish (vault, dossier_test_wait (&result), &error));
  g_clear_object (&result);
  dossier_vault_query_records_async (vault, NULL, NULL, dossier_test_store_result, &result);
  records = dossier_vault_query_records_finish (vault, dossier_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (records->len, ==, expected);

  for (guint i = 0; i < records->len; i++)
    {
      DossierRecord *listed = g_ptr_array_index (records, i);
      g_autoptr(DossierRecord) record = NULL;
      g_autofree char *digest = NULL;

      dossier_vault_get_record_async (vault, dossier_record_get_id (listed), NULL, dossier_test_store_result, &result);
      record = dossier_vault_get_record_finish (vault, dossier_test_wait (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);
      g_assert_nonnull (dossier_record_get_original (record));
      digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, dossier_record_get_original (record));
      g_assert_cmpstr (digest, ==, g_hash_table_lookup (f->digests, dossier_record_get_title (record)));
    }
  dossier_vault_lock_async (vault, NULL, dossier_test_store_result, &result);
  dossier_test_wait (&result);
  g_clear_object (&result);
  dossier_test_assert_finalize (vault);
}

static void
test_crash_safety (void)
{
  CrashFixture f = { 0 };
  g_autoptr(GRand) rand = g_rand_new ();
  gint64 committed = 0, started;
  guint kills = 0, max_delay, rounds = crash_rounds ();

  f.dir = dossier_test_make_tmpdir ();
  f.vault = g_build_filename (f.dir, "vault", NULL);
  f.digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("record-%02u.pdf", i);
      g_autofree char *content = g_strdup_printf ("%u:%s", i, "Nguyễn Văn An — hồ sơ");
      g_autoptr(GString) big = g_string_new ("%PDF-1.4\n");

      for (guint k = 0; k < 2000; k++)
        g_string_append_printf (big, "%s/%u;", content, k);
      f.files[i] = write_file (f.dir, name, big->str, (gssize) big->len);
      g_hash_table_insert (f.digests, g_strdup_printf ("record-%02u", i),
                           g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) big->str, big->len));
    }
  init_vault (f.vault);
  started = g_get_monotonic_time ();
  g_assert_cmpuint (import_and_kill (&f, G_MAXINT), ==, N_FILES);
  max_delay = longest_delay (started);
  committed = count_records (f.vault);
  g_assert_cmpint (committed, ==, N_FILES);

  for (guint round = 0; round < rounds; round++)
    {
      guint delay = (guint) g_rand_int_range (rand, 5, (gint32) max_delay);
      guint reported = import_and_kill (&f, delay);
      gint64 now = count_records (f.vault);

      /* Each reported import is committed; one more may have committed
       * just before the kill, before it could be reported. */
      if (now < committed + reported || now > committed + reported + 1)
        g_error ("round %u (kill after %u ms): %" G_GINT64_FORMAT " records, expected %" G_GINT64_FORMAT " + %u (+1)",
                 round, delay, now, committed, reported);
      if (reported < N_FILES)
        kills++;
      committed = now;
      if (g_getenv ("DOSSIER_TEST_TRACE") != NULL)
        g_printerr ("round %u delay %u reported %u total %" G_GINT64_FORMAT " at %" G_GINT64_FORMAT "\n", round, delay, reported, now, g_get_monotonic_time () / 1000);
      if (round % 25 == 24)
        check_records_whole (&f, committed);
    }
  check_records_whole (&f, committed);
  g_test_message ("%u of %u imports killed part way; %" G_GINT64_FORMAT " records committed", kills, rounds, committed);
  g_assert_cmpuint (kills, >, rounds / 4);

  for (guint i = 0; i < N_FILES; i++)
    g_free (f.files[i]);
  g_hash_table_unref (f.digests);
  dossier_test_rm_rf (f.dir);
  g_free (f.dir);
  g_free (f.vault);
}

static char *
output_line (const char *out,
             guint       n)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), >, n);
  return g_strdup (lines[n]);
}

/* Status lists and DID documents given with --trust, offline: a revoked
 * entry fails, a list no one gave leaves the status unchecked, and a
 * did:key issuer is trusted only when its document is given. */
static void
test_verify_status_and_did (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *anchors = g_build_filename (dir, "anchors", NULL);
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autoptr(TestKey) key = test_key_new ("P-256");
  g_autoptr(TestKey) did_key = test_key_new ("Ed25519");
  g_autofree char *jwk = test_key_jwk (key, "k1");
  g_autofree char *jwks = g_strdup_printf ("{\"keys\":[%s]}", jwk);
  g_autofree guint8 *bits = g_malloc0 (16384);
  g_autofree char *encoded = NULL, *list = NULL, *multikey = test_key_multikey (did_key), *did = NULL;
  g_autofree char *jwks_path = NULL, *list_path = NULL, *document_path = NULL, *revoked_path = NULL, *current_path = NULL, *did_path = NULL;
  g_auto(Run) run = { 0 };

  g_assert_cmpint (g_mkdir (anchors, 0700), ==, 0);
  bits[0] = 0x04;   /* entry 5 */
  encoded = test_compress_base64url (bits, 16384, TRUE);
  list = g_strdup_printf ("{\"id\":\"https://truong.example.edu.vn/status/1\",\"type\":[\"VerifiableCredential\",\"BitstringStatusListCredential\"],"
                          "\"issuer\":\"https://truong.example.edu.vn\",\"credentialSubject\":{\"type\":\"BitstringStatusList\","
                          "\"statusPurpose\":\"revocation\",\"encodedList\":\"u%s\"}}", encoded);
  jwks_path = write_file (anchors, "truong.jwks", jwks, -1);
  list_path = write_file (anchors, "status-1.json", list, -1);
  for (guint index = 5; index <= 6; index++)
    {
      g_autofree char *payload = g_strdup_printf ("{\"type\":[\"VerifiableCredential\"],\"issuer\":\"https://truong.example.edu.vn\","
                                                  "\"credentialSubject\":{\"id\":\"did:example:an\"},\"credentialStatus\":{"
                                                  "\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"revocation\",\"statusListIndex\":\"%u\","
                                                  "\"statusListCredential\":\"https://truong.example.edu.vn/status/1\"}}", index);
      g_autofree char *token = test_key_sign (key, "\"kid\":\"k1\"", payload);
      g_autofree char *name = g_strdup_printf ("credential-%u.jwt", index);
      char *path = write_file (dir, name, token, -1);

      if (index == 5)
        revoked_path = path;
      else
        current_path = path;
    }
  did = g_strconcat ("did:key:", multikey, NULL);
  {
    g_autofree char *payload = g_strdup_printf ("{\"type\":[\"VerifiableCredential\"],\"issuer\":\"%s\","
                                                "\"credentialSubject\":{\"id\":\"did:example:an\"}}", did);
    g_autofree char *header = g_strdup_printf ("\"kid\":\"%s#%s\"", did, multikey);
    g_autofree char *token = test_key_sign (did_key, header, payload);
    g_autofree char *document = g_strdup_printf ("{\"id\":\"%s\",\"verificationMethod\":[{\"id\":\"%s#%s\",\"type\":\"Multikey\","
                                                 "\"controller\":\"%s\",\"publicKeyMultibase\":\"%s\"}]}", did, did, multikey, did, multikey);

    did_path = write_file (dir, "did-credential.jwt", token, -1);
    document_path = write_file (anchors, "did.json", document, -1);
  }

  CLI (&run, NULL, "verify", "--json", "--offline", "--trust", jwks_path, "--trust", list_path, revoked_path, current_path);
  g_assert_cmpint (run.status, ==, 1);
  {
    g_autofree char *first = output_line (run.out, 0);
    g_autofree char *second = output_line (run.out, 1);

    g_assert_nonnull (strstr (first, "\"verdict\":\"invalid\""));
    g_assert_nonnull (strstr (first, "\"name\":\"revoked\",\"ok\":false"));
    g_assert_nonnull (strstr (second, "\"verdict\":\"valid\""));
    g_assert_nonnull (strstr (second, "\"status_checked\":true"));
  }
  run_clear (&run);

  /* no one gave the list and the network is off */
  CLI (&run, NULL, "verify", "--json", "--offline", "--trust", jwks_path, revoked_path);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "\"status_checked\":false"));
  run_clear (&run);
  CLI (&run, NULL, "verify", "--offline", "--trust", jwks_path, revoked_path);
  g_assert_nonnull (strstr (run.out, "Status not checked: https://truong.example.edu.vn/status/1 is not available offline"));
  run_clear (&run);

  CLI (&run, NULL, "verify", "--json", "--offline", did_path);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, "\"verdict\":\"unverified\""));
  run_clear (&run);

  /* a folder of anchors: the key set, the list and the DID document */
  CLI (&run, NULL, "verify", "--json", "--offline", "--trust", anchors, did_path, current_path);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, NULL, "verify", "--offline", "--trust", anchors, revoked_path);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, "Revoked by the issuer"));
  run_clear (&run);

  /* kept records are checked against the same lists */
  init_vault (vault);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", current_path, revoked_path);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "reverify", "--offline", "--trust", anchors);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, "  valid "));
  g_assert_nonnull (strstr (run.out, "  invalid "));
  run_clear (&run);
  dossier_test_rm_rf (dir);
}

/* A credential secured with a Data Integrity proof: verified, imported as
 * a record, and verified again when kept. */
static void
test_data_integrity (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *credential = vector ("vc-di/ecdsa/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json");
  g_autofree char *key = vector ("vc-di/keys/ecdsa/p256KeyPair.json");
  g_autofree char *other_key = vector ("vc-di/keys/eddsa/keyPair.json");
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *object, *record;

  CLI (&run, NULL, "verify", "--json", "--trust", key, "--at", "2025-06-01T00:00:00Z", credential);
  g_assert_cmpint (run.status, ==, 0);
  node = parse_json (run.out);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "verdict"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (object, "format"), ==, "vc-di");
  record = json_array_get_object_element (json_object_get_array_member (object, "records"), 0);
  g_assert_cmpstr (json_object_get_string_member (record, "title"), ==, "Alumni Credential");
  g_assert_cmpstr (json_object_get_string_member (record, "date"), ==, "2023-01-01");
  run_clear (&run);

  CLI (&run, NULL, "verify", "--json", "--trust", other_key, "--no-time-check", credential);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, "\"name\":\"signature\",\"ok\":false"));
  run_clear (&run);

  init_vault (vault);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", credential);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "reverify", "--trust", key);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "list", "--json");
  list = parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  record = json_array_get_object_element (json_node_get_array (list), 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "verdict"), "summary"), ==, "valid");
  dossier_test_rm_rf (dir);
}

/* An Open Badges credential from the 1EdTech vectors, secured with an
 * eddsa-rdfc-2022 proof by a did:key: with that key trusted, verified and
 * imported as the same kind of record as a JWT badge would make. */
static void
test_data_integrity_rdfc (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *credential = vector ("ob3/ob30/simple-did-key-method.json");
  g_autofree char *key = g_build_filename (dir, "key.json", NULL);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object, *record;

  g_file_set_contents (key, "{\"publicKeyMultibase\":\"z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi\"}", -1, &error);
  g_assert_no_error (error);
  CLI (&run, NULL, "verify", "--json", "--trust", key, "--at", "2025-06-01T00:00:00Z", credential);
  g_assert_cmpint (run.status, ==, 0);
  node = parse_json (run.out);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "verdict"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (object, "format"), ==, "vc-di");
  g_assert_nonnull (strstr (run.out, "eddsa-rdfc-2022 proof"));
  record = json_array_get_object_element (json_object_get_array_member (object, "records"), 0);
  g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "badge");
  run_clear (&run);

  init_vault (vault);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", credential);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "reverify", "--offline", "--trust", key);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "list", "--json");
  list = parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  record = json_array_get_object_element (json_node_get_array (list), 0);
  g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "badge");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "verdict"), "summary"), ==, "valid");
  dossier_test_rm_rf (dir);
}

#define FAST_KDF "--kdf-iterations", "1", "--kdf-memory", "8192"
#define MARKER "MARKER-Nguyễn-Thị-Bình-42"

/* The 24 words that `backup --recovery-key` printed. */
static char *
words_from_output (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autoptr(GString) words = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "  "))
      g_string_append_printf (words, "%s%s", words->len > 0 ? " " : "", g_strstrip (lines[i]));
  return g_string_free (g_steal_pointer (&words), FALSE);
}

static void
assert_restored (const char *vault,
                 const char *passphrase,
                 const char *digest)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) shown = NULL;

  CLI (&run, passphrase, "--vault", vault, "show", "1", "--json");
  g_assert_cmpint (run.status, ==, 0);
  shown = parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (shown), "sha256"), ==, digest);
  run_clear (&run);
  CLI (&run, passphrase, "--vault", vault, "log", "--json");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "\"restore\""));
  g_assert_nonnull (strstr (run.out, "\"import\""));
}

static void
test_backup_restore (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *other = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *record = write_file (dir, "giấy khám sức khỏe.json", "{\"benh_nhan\": \"" MARKER "\"}", -1);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "{\"benh_nhan\": \"" MARKER "\"}", -1);
  g_autofree char *with_pass = g_build_filename (other, "backup-pass.dbk", NULL);
  g_autofree char *with_words = g_build_filename (other, "backup-words.dbk", NULL);
  g_autofree char *restored = g_build_filename (other, "restored", NULL);
  g_autofree char *restored_words = g_build_filename (other, "restored-words", NULL);
  g_autofree char *restored_file = g_build_filename (other, "restored-file", NULL);
  g_autofree char *refused = g_build_filename (other, "refused", NULL);
  g_autofree char *words = NULL;
  g_autofree char *words_file = NULL;
  g_autofree char *words_file_missing = g_build_filename (other, "no-such-backup", NULL);
  g_autofree char *mistyped = NULL;
  g_auto(Run) run = { 0 };

  init_vault (vault);
  CLI (&run, PASSPHRASE, "--vault", vault, "import", record);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  /* With the vault's passphrase, restored on "another machine" with it. */
  CLI (&run, PASSPHRASE, "--vault", vault, "backup", "--out", with_pass, FAST_KDF);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  g_assert_cmpuint (dossier_test_count_in_dir (other, MARKER, strlen (MARKER)), ==, 0);
  CLI (&run, "sai mật khẩu", "--vault", restored, "restore", with_pass, FAST_KDF);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "Wrong passphrase for this backup"));
  g_assert_false (g_file_test (restored, G_FILE_TEST_EXISTS));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", restored, "restore", with_pass, FAST_KDF);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  assert_restored (restored, PASSPHRASE, digest);

  /* Never from a file that is not there, nor into a vault that exists. */
  CLI (&run, PASSPHRASE, "--vault", refused, "restore", words_file_missing, FAST_KDF);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", restored, "restore", with_pass, FAST_KDF);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "already exists"));
  run_clear (&run);

  /* With a recovery key: printed once on standard output, nowhere else. */
  CLI (&run, PASSPHRASE, "--vault", vault, "backup", "--out", with_words, "--recovery-key");
  g_assert_cmpint (run.status, ==, 0);
  words = words_from_output (run.out);
  {
    g_auto(GStrv) list = g_strsplit (words, " ", -1);
    g_autofree char *first_three = g_strdup_printf ("%s %s %s", list[0], list[1], list[2]);

    g_assert_cmpuint (g_strv_length (list), ==, 24);
    g_assert_null (strstr (run.err, list[0]));
    g_assert_cmpuint (dossier_test_count_in_dir (dir, first_three, strlen (first_three)), ==, 0);
    g_assert_cmpuint (dossier_test_count_in_dir (other, first_three, strlen (first_three)), ==, 0);

    /* One word swapped for another is caught by the checksum (or, one time
     * in 256, by the key check), and nothing is written. */
    g_free (list[10]);
    list[10] = g_strdup (g_strcmp0 (list[11], "abandon") == 0 ? "ability" : "abandon");
    mistyped = g_strjoinv (" ", list);
  }
  run_clear (&run);
  g_assert_cmpuint (dossier_test_count_in_dir (other, MARKER, strlen (MARKER)), ==, 0);

  CLI_ENV (&run, PASSPHRASE, "DOSSIER_RECOVERY_KEY", mistyped,
           "--vault", refused, "restore", "--recovery-key", with_words, FAST_KDF);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (strstr (run.err, "mistyped") != NULL || strstr (run.err, "do not belong") != NULL);
  g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", refused, "restore", with_words, FAST_KDF);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "recovery key"));
  g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  run_clear (&run);

  CLI_ENV (&run, "mật khẩu mới", "DOSSIER_RECOVERY_KEY", words,
           "--vault", restored_words, "restore", "--recovery-key", with_words, FAST_KDF);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  assert_restored (restored_words, "mật khẩu mới", digest);

  words_file = write_file (dir, "words.txt", words, -1);
  CLI (&run, PASSPHRASE, "--vault", restored_file, "restore", "--recovery-key-file", words_file, with_words, FAST_KDF);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  assert_restored (restored_file, PASSPHRASE, digest);

  CLI (&run, PASSPHRASE, "--vault", vault, "log", "--json");
  g_assert_nonnull (strstr (run.out, "\"backup\""));

  dossier_test_rm_rf (dir);
  dossier_test_rm_rf (other);
}

/* --- killed at random moments ----------------------------------------------- */

/* Runs dossier-cli with @args, the passphrase @passphrase and, when not
 * NULL, the new passphrase @new_passphrase, and kills it with SIGKILL after
 * @delay_ms unless it ended first.  TRUE when it ended by itself, with
 * status 0. */
static gboolean
run_and_kill (const char         *passphrase,
              const char         *new_passphrase,
              guint               delay_ms,
              const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (passphrase);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE, timed_out = FALSE, finished;
  guint timer;

  if (new_passphrase != NULL)
    g_subprocess_launcher_setenv (launcher, "DOSSIER_NEW_PASSPHRASE", new_passphrase, TRUE);
  g_ptr_array_add (argv, (gpointer) cli_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, on_wait_done, &exited);
  timer = g_timeout_add (delay_ms, on_timeout, &timed_out);
  while (!exited && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  finished = exited;
  if (!exited)
    g_subprocess_send_signal (process, SIGKILL);
  while (!exited)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timer);
  return finished && g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
}

#define RUN_AND_KILL(pass, new_pass, delay, ...) \
  run_and_kill (pass, new_pass, delay, (const char * const[]) { __VA_ARGS__, NULL })

/* A vault of @n records of some size, and the SHA-256 of each file by its
 * title. */
static GHashTable *
fill_vault (const char *dir,
            const char *vault,
            guint       n)
{
  GHashTable *digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(Run) run = { 0 };

  init_vault (vault);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("hồ sơ %u", i);
      g_autofree char *name = g_strconcat (title, ".pdf", NULL);
      g_autoptr(GString) big = g_string_new ("%PDF-1.4\n");
      g_autofree char *path = NULL;

      for (guint k = 0; k < 4000; k++)
        g_string_append_printf (big, "%u/%u;", i, k);
      path = write_file (dir, name, big->str, (gssize) big->len);
      CLI (&run, PASSPHRASE, "--vault", vault, "import", path);
      g_assert_cmpint (run.status, ==, 0);
      run_clear (&run);
      g_hash_table_insert (digests, g_steal_pointer (&title),
                           g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) big->str, big->len));
    }
  return digests;
}

/* Opens @path with @passphrase in this process; FALSE when the passphrase
 * is not the vault's.  When it opens, every record of @digests is in it
 * and whole, and nothing else is. */
static gboolean
vault_opens_whole (const char *path,
                   const char *passphrase,
                   GHashTable *digests)
{
  DossierVault *vault = dossier_vault_new (path);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  gboolean opened;

  dossier_vault_open_async (vault, passphrase, NULL, dossier_test_store_result, &result);
  opened = dossier_vault_open_finish (vault, dossier_test_wait (&result), &error);
  g_clear_object (&result);
  if (!opened)
    {
      g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_WRONG_PASSPHRASE);
      dossier_test_assert_finalize (vault);
      return FALSE;
    }
  dossier_vault_query_records_async (vault, NULL, NULL, dossier_test_store_result, &result);
  records = dossier_vault_query_records_finish (vault, dossier_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (records->len, ==, g_hash_table_size (digests));
  for (guint i = 0; i < records->len; i++)
    {
      DossierRecord *listed = g_ptr_array_index (records, i);
      g_autoptr(DossierRecord) record = NULL;
      g_autofree char *digest = NULL;

      dossier_vault_get_record_async (vault, dossier_record_get_id (listed), NULL, dossier_test_store_result, &result);
      record = dossier_vault_get_record_finish (vault, dossier_test_wait (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);
      digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, dossier_record_get_original (record));
      g_assert_cmpstr (digest, ==, g_hash_table_lookup (digests, dossier_record_get_title (record)));
    }
  dossier_vault_lock_async (vault, NULL, dossier_test_store_result, &result);
  dossier_test_wait (&result);
  g_clear_object (&result);
  dossier_test_assert_finalize (vault);
  return TRUE;
}

/* A restore killed at any moment leaves either no vault (and a second
 * restore into the same folder works) or the whole one. */
static void
test_restore_crash (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *backup = g_build_filename (dir, "vault.backup", NULL);
  g_autofree char *target = g_build_filename (dir, "restored", NULL);
  g_autofree char *json = g_build_filename (target, "vault.json", NULL);
  g_autoptr(GHashTable) digests = fill_vault (dir, vault, 8);
  g_autoptr(GRand) rand = g_rand_new ();
  g_auto(Run) run = { 0 };
  guint kills = 0, left_whole = 0, max_delay, rounds = crash_rounds ();
  gint64 started;

  CLI (&run, PASSPHRASE, "--vault", vault, "backup", "--out", backup, FAST_KDF);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  /* the faster of two: the first one reads the backup from a cold cache */
  max_delay = G_MAXUINT;
  for (guint i = 0; i < 2; i++)
    {
      started = g_get_monotonic_time ();
      guint longest;

      g_assert_true (RUN_AND_KILL (PASSPHRASE, NULL, G_MAXINT, "--vault", target, "restore", backup, FAST_KDF));
      longest = longest_delay (started);
      max_delay = MIN (max_delay, longest);
      dossier_test_rm_rf (target);
    }

  for (guint round = 0; round < rounds; round++)
    {
      guint delay = (guint) g_rand_int_range (rand, 1, (gint32) max_delay);

      if (!RUN_AND_KILL (PASSPHRASE, NULL, delay, "--vault", target, "restore", backup, FAST_KDF))
        {
          kills++;
          left_whole += g_file_test (json, G_FILE_TEST_EXISTS);
          if (!g_file_test (json, G_FILE_TEST_EXISTS))
            {
              CLI (&run, PASSPHRASE, "--vault", target, "restore", backup, FAST_KDF);
              if (run.status != 0)
                g_error ("round %u (kill after %u ms): restoring again failed: %s", round, delay, run.err);
              run_clear (&run);
            }
        }
      if (!vault_opens_whole (target, PASSPHRASE, digests))
        g_error ("round %u (kill after %u ms): the restored vault does not open", round, delay);
      dossier_test_rm_rf (target);
    }
  g_test_message ("%u of %u restores killed part way, %u of them after the vault was whole",
                  kills, rounds, left_whole);
  g_assert_cmpuint (kills, >, rounds / 4);
  dossier_test_rm_rf (dir);
}

/* A backup killed at any moment leaves nothing at the name asked for, or
 * the whole backup; the vault is untouched either way. */
static void
test_backup_crash (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *backup = g_build_filename (dir, "vault.backup", NULL);
  g_autofree char *restored = g_build_filename (dir, "restored", NULL);
  g_autoptr(GHashTable) digests = fill_vault (dir, vault, 8);
  g_autoptr(GRand) rand = g_rand_new ();
  g_auto(Run) run = { 0 };
  guint kills = 0, left_whole = 0, max_delay, rounds = crash_rounds ();
  gint64 started = g_get_monotonic_time ();

  g_assert_true (RUN_AND_KILL (PASSPHRASE, NULL, G_MAXINT, "--vault", vault, "backup", "--out", backup, FAST_KDF));
  max_delay = longest_delay (started);

  for (guint round = 0; round < rounds; round++)
    {
      guint delay = (guint) g_rand_int_range (rand, 1, (gint32) max_delay);

      g_unlink (backup);
      if (RUN_AND_KILL (PASSPHRASE, NULL, delay, "--vault", vault, "backup", "--out", backup, FAST_KDF))
        g_assert_true (g_file_test (backup, G_FILE_TEST_EXISTS));
      else
        {
          kills++;
          if (g_file_test (backup, G_FILE_TEST_EXISTS))
            {
              /* killed after the rename: the file must restore whole */
              left_whole++;
              CLI (&run, PASSPHRASE, "--vault", restored, "restore", backup, FAST_KDF);
              if (run.status != 0)
                g_error ("round %u (kill after %u ms): the backup left behind does not restore: %s",
                         round, delay, run.err);
              run_clear (&run);
              g_assert_true (vault_opens_whole (restored, PASSPHRASE, digests));
              dossier_test_rm_rf (restored);
            }
        }
      if (!vault_opens_whole (vault, PASSPHRASE, digests))
        g_error ("round %u (kill after %u ms): the vault does not open", round, delay);
    }
  g_test_message ("%u of %u backups killed part way, %u of them after the file was whole",
                  kills, rounds, left_whole);
  g_assert_cmpuint (kills, >, rounds / 4);

  /* and the last complete one restores */
  CLI (&run, PASSPHRASE, "--vault", vault, "backup", "--out", backup, FAST_KDF);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", restored, "restore", backup, FAST_KDF);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (vault_opens_whole (restored, PASSPHRASE, digests));
  dossier_test_rm_rf (dir);
}

/* A passphrase change killed at any moment leaves a vault that opens with
 * the old passphrase or the new one, with every record whole. */
static void
test_passwd_crash (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autoptr(GHashTable) digests = fill_vault (dir, vault, 8);
  g_autoptr(GRand) rand = g_rand_new ();
  g_autofree char *current = g_strdup ("mật khẩu đầu tiên");
  guint kills = 0, changed = 0, max_delay, rounds = crash_rounds ();
  gint64 started = g_get_monotonic_time ();

  g_assert_true (RUN_AND_KILL (PASSPHRASE, current, G_MAXINT, "--vault", vault, "passwd"));
  max_delay = longest_delay (started);
  g_assert_true (vault_opens_whole (vault, current, digests));

  for (guint round = 0; round < rounds; round++)
    {
      g_autofree char *next = g_strdup_printf ("mật khẩu số %u", round);
      guint delay = (guint) g_rand_int_range (rand, 1, (gint32) max_delay);

      if (!RUN_AND_KILL (current, next, delay, "--vault", vault, "passwd"))
        kills++;
      if (vault_opens_whole (vault, current, digests))
        continue;
      if (!vault_opens_whole (vault, next, digests))
        g_error ("round %u (kill after %u ms): the vault opens with neither the old nor the new passphrase",
                 round, delay);
      changed++;
      g_free (current);
      current = g_steal_pointer (&next);
    }
  g_test_message ("%u of %u passphrase changes killed part way; %u changes took effect", kills, rounds, changed);
  g_assert_cmpuint (kills, >, rounds / 4);
  g_assert_cmpuint (changed, >, 0);
  dossier_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli_path = g_getenv ("DOSSIER_CLI");
  g_assert_nonnull (cli_path);

  g_test_add_func ("/cli/round-trip", test_round_trip);
  g_test_add_func ("/cli/errors", test_errors);
  g_test_add_func ("/cli/verify-and-reverify", test_verify_and_reverify);
  g_test_add_func ("/cli/crash-safety", test_crash_safety);
  g_test_add_func ("/cli/backup-restore", test_backup_restore);
  g_test_add_func ("/cli/restore-crash", test_restore_crash);
  g_test_add_func ("/cli/backup-crash", test_backup_crash);
  g_test_add_func ("/cli/passwd-crash", test_passwd_crash);
  g_test_add_func ("/cli/verify-status-and-did", test_verify_status_and_did);
  g_test_add_func ("/cli/data-integrity", test_data_integrity);
  g_test_add_func ("/cli/data-integrity-rdfc", test_data_integrity_rdfc);
  return g_test_run ();
}
