// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-issuer-roster.h"
#include "dossier-test-utils.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* dossier-issuer run for real, its credentials checked by the real
 * dossier-cli: what a school signs, a citizen's Dossier verifies. */

#define PASSPHRASE "khóa trường học 2026"
#define SCHOOL_URL "https://thpt-cva.example.edu.vn"
#define SCHOOL_DID "did:web:thpt-cva.example.edu.vn"

static const char *cli_path;
static const char *issuer_path;

/* A spreadsheet's export: a byte order mark, CRLF line ends, quoted fields
 * holding commas, a line break and quotes, and an ignored "STT" column. */
static const char diploma_roster[] =
  "\xef\xbb\xbfSTT,Họ và tên,Ngày sinh,Giới tính,Nơi sinh,Số hiệu văn bằng,Số vào sổ cấp văn bằng,Năm tốt nghiệp\r\n"
  "1,Nguyễn Thị Ánh,05/03/2008,Nữ,\"Hà Nội, Việt Nam\",B2026-0001,SV-001,2026\r\n"
  "2,Trần Văn Đức,31/12/2008,Nam,\"Thừa Thiên Huế\",B2026-0002,SV-002,2026\r\n"
  "3,Lê Hoàng Yến,1/1/2008,Nữ,\"Phường 1,\nQuận \"\"Ba\"\"\",B2026-0003,SV-003,2026\r\n";

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

static void
run_program (Run                *run,
             const char         *program,
             const char         *passphrase,
             const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  if (passphrase != NULL)
    g_subprocess_launcher_setenv (launcher, "DOSSIER_PASSPHRASE", passphrase, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "DOSSIER_PASSPHRASE");
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_ptr_array_add (argv, (gpointer) program);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

#define ISSUER(run, pass, ...) run_program (run, issuer_path, pass, (const char * const[]) { __VA_ARGS__, NULL })
#define CLI(run, pass, ...) run_program (run, cli_path, pass, (const char * const[]) { __VA_ARGS__, NULL })

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

/* A school's identity in @dir/school. */
static char *
init_school (const char *dir)
{
  char *school = g_build_filename (dir, "school", NULL);
  g_auto(Run) run = { 0 };

  ISSUER (&run, PASSPHRASE, "init", "--name", "Trường THPT Chu Văn An", "--name-en", "Chu Van An High School",
          "--url", SCHOOL_URL, "--out", school);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, SCHOOL_DID));
  return school;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The files of @dir with @suffix, sorted. */
static GPtrArray *
files_in (const char *dir,
          const char *suffix)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, suffix) && !g_str_has_suffix (name, ".offer.json") && !g_str_equal (name, "issued.json"))
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (files, compare_paths);
  return files;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

static JsonObject *
parse_line (const char *text,
            guint       line)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_strv_length (lines), >, line);
  node = json_from_string (lines[line], &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static gboolean
has_check (JsonObject *result,
           const char *name,
           gboolean    ok,
           const char *detail_part)
{
  JsonArray *checks = json_object_get_array_member (result, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (g_str_equal (json_object_get_string_member (check, "name"), name) &&
          json_object_get_boolean_member (check, "ok") == ok &&
          (detail_part == NULL || strstr (json_object_get_string_member (check, "detail"), detail_part) != NULL))
        return TRUE;
    }
  return FALSE;
}

/* Verifies every file of @files offline with the school's public files as
 * trust; the n-th result is returned in @results. */
static GPtrArray *
verify_all (const char *school,
            const char *key_file,
            GPtrArray  *files,
            int        *status)
{
  g_autofree char *keys = g_build_filename (school, key_file, NULL);
  g_autofree char *revocation = g_build_filename (school, "status", "revocation.jwt", NULL);
  g_autofree char *suspension = g_build_filename (school, "status", "suspension.jwt", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_auto(Run) run = { 0 };
  const char *fixed[] = { "verify", "--json", "--offline", "--trust", keys, "--trust", revocation, "--trust", suspension };

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, (gpointer) fixed[i]);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (files, i));
  g_ptr_array_add (argv, NULL);
  run_program (&run, cli_path, NULL, (const char * const *) argv->pdata);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (results, parse_line (run.out, i));
  *status = run.status;
  return results;
}

static void
assert_valid_and_trusted (JsonObject *result)
{
  JsonObject *issuer = json_object_get_object_member (result, "issuer");

  g_assert_cmpstr (json_object_get_string_member (result, "verdict"), ==, "valid");
  g_assert_true (json_object_get_boolean_member (issuer, "trusted"));
  g_assert_cmpstr (json_object_get_string_member (issuer, "id"), ==, SCHOOL_DID);
  g_assert_true (json_object_get_boolean_member (result, "status_checked"));
  g_assert_true (has_check (result, "revoked", TRUE, "Not revoked"));
  g_assert_true (has_check (result, "revoked", TRUE, "Not suspended"));
}

static char *
run_tool (const char *tool,
          const char *path)
{
  g_autofree char *program = g_find_program_in_path (tool);
  const char *argv[] = { program, path, "-", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  if (g_str_equal (tool, "pdfinfo"))
    argv[2] = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  return out;
}

/* Beside each credential: a QR code that verifies (or, when the
 * credential is too large for one, holds the offer), the OpenID4VCI offer
 * and a one-page PDF with the student's name. */
static void
check_extras (const char *school,
              const char *out,
              const char *format)
{
  static const char * const stems[] = { "0002-B2026-0001", "0003-B2026-0002", "0004-B2026-0003" };
  static const char * const names[] = { "Nguyễn Thị Ánh", "Trần Văn Đức", "Lê Hoàng Yến" };
  g_autofree char *manifest_path = g_build_filename (out, "issued.json", NULL);
  g_autofree char *manifest_text = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
  gboolean have_poppler = pdftotext != NULL && pdfinfo != NULL;

  g_assert_true (g_file_get_contents (manifest_path, &manifest_text, NULL, NULL));
  manifest = json_from_string (manifest_text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (manifest)), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (stems); i++)
    {
      JsonObject *entry = json_array_get_object_element (json_node_get_array (manifest), i);
      g_autofree char *png = g_strdup_printf ("%s/%s.png", out, stems[i]);
      g_autofree char *pdf = g_strdup_printf ("%s/%s.pdf", out, stems[i]);
      g_autofree char *offer_path = g_strdup_printf ("%s/%s.offer.json", out, stems[i]);
      g_autofree char *offer_text = NULL;
      g_autoptr(JsonNode) offer = NULL;
      const char *code = json_object_get_string_member (entry, "pre-authorized_code");
      JsonObject *grants;

      g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, names[i]);
      g_assert_true (g_file_get_contents (offer_path, &offer_text, NULL, NULL));
      offer = json_from_string (offer_text, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (offer), "credential_issuer"), ==, SCHOOL_URL);
      grants = json_object_get_object_member (json_node_get_object (offer), "grants");
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (grants, "urn:ietf:params:oauth:grant-type:pre-authorized_code"),
                                                      "pre-authorized_code"), ==, code);
      g_assert_cmpuint (strlen (code), >=, 43);
      g_assert_true (g_str_has_prefix (json_object_get_string_member (entry, "offer_uri"), "openid-credential-offer://?credential_offer=%7B"));
      g_assert_nonnull (strstr (json_object_get_string_member (entry, "offer_uri"), code));

      g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
      if (g_str_equal (json_object_get_string_member (entry, "qr"), "credential"))
        {
          g_autoptr(GPtrArray) images = g_ptr_array_new ();
          g_autoptr(GPtrArray) results = NULL;
          int status;

          g_ptr_array_add (images, png);
          results = verify_all (school, "did.json", images, &status);
          g_assert_cmpint (status, ==, 0);
          assert_valid_and_trusted (g_ptr_array_index (results, 0));
        }
      else
        g_assert_cmpstr (json_object_get_string_member (entry, "qr"), ==, "offer");
      /* a VC-JWT always fits; an SD-JWT with its disclosures does not */
      if (g_str_equal (format, "vc-jwt"))
        g_assert_cmpstr (json_object_get_string_member (entry, "qr"), ==, "credential");

      g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
      if (have_poppler)
        {
          g_autofree char *info = run_tool ("pdfinfo", pdf);
          g_autofree char *text = run_tool ("pdftotext", pdf);

          const char *pages = strstr (info, "Pages:");

          g_assert_nonnull (pages);
          g_assert_cmpint (atoi (pages + strlen ("Pages:")), ==, 1);
          g_assert_nonnull (strstr (text, names[i]));
          g_assert_nonnull (strstr (text, "TRUNG HỌC"));
          g_assert_nonnull (strstr (text, "Trường THPT Chu Văn An"));
          g_assert_nonnull (strstr (text, json_object_get_string_member (entry, "id")));

          /* the printed QR code verifies: the page rendered at 300 dpi, as scanned */
          if (i == 0 && g_str_equal (json_object_get_string_member (entry, "qr"), "credential"))
            {
              g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
              g_autofree char *prefix = g_strdup_printf ("%s/page", out);
              g_autofree char *page = g_strdup_printf ("%s/page.png", out);
              const char *argv[] = { pdftoppm, "-r", "300", "-png", "-singlefile", pdf, prefix, NULL };
              g_autoptr(GPtrArray) images = g_ptr_array_new ();
              g_autoptr(GPtrArray) results = NULL;
              int status;

              g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, NULL));
              g_assert_cmpint (status, ==, 0);
              g_ptr_array_add (images, page);
              results = verify_all (school, "did.json", images, &status);
              g_assert_cmpint (status, ==, 0);
              assert_valid_and_trusted (g_ptr_array_index (results, 0));
              g_unlink (page);
            }
        }
      else
        g_test_message ("pdftotext and pdfinfo (poppler-utils) are missing: the PDF's text is not checked");
    }
}

static void
test_round_trip (void)
{
  static const struct
  {
    const char *format;
    const char *suffix;
    const char *format_seen;
    const char *cryptosuite;
  } formats[] = {
    { "vc-jwt", ".jwt", "vc-jwt", NULL },
    { "sd-jwt", ".sd-jwt", "sd-jwt", NULL },
    { "di", ".json", "vc-di", "eddsa-jcs-2022" },
    /* the same diplomas again in the other suite: a copy, not a second issue */
    { "di", ".json", "vc-di", "eddsa-rdfc-2022" },
  };
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *school = init_school (dir);
  g_autofree char *roster = write_file (dir, "lop-12a1.csv", diploma_roster, -1);

  /* a suite the issuer does not sign with, or one for a format without suites */
  {
    g_autofree char *out = g_build_filename (dir, "refused", NULL);
    g_auto(Run) run = { 0 };

    ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma",
            "--format", "di", "--cryptosuite", "ecdsa-sd-2023", "--out", out);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "--cryptosuite"));
    run_clear (&run);
    ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma",
            "--format", "vc-jwt", "--cryptosuite", "eddsa-rdfc-2022", "--out", out);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *out = g_build_filename (dir, formats[f].cryptosuite ?: formats[f].format, NULL);
      g_autoptr(GPtrArray) files = NULL;
      g_autoptr(GPtrArray) results = NULL;
      g_auto(Run) run = { 0 };
      int status;

      if (formats[f].cryptosuite != NULL)
        ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma",
                "--format", formats[f].format, "--cryptosuite", formats[f].cryptosuite, "--out", out);
      else
        ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma",
                "--format", formats[f].format, "--out", out);
      g_assert_cmpstr (run.err, ==, "");
      g_assert_cmpint (run.status, ==, 0);
      files = files_in (out, formats[f].suffix);
      for (guint i = 0; formats[f].cryptosuite != NULL && i < files->len; i++)
        {
          g_autofree char *contents = NULL;
          g_autofree char *expected = g_strdup_printf ("\"cryptosuite\" : \"%s\"", formats[f].cryptosuite);

          g_assert_true (g_file_get_contents (g_ptr_array_index (files, i), &contents, NULL, NULL));
          g_assert_nonnull (strstr (contents, expected));
        }
      g_assert_cmpuint (files->len, ==, 3);
      if (strstr (g_ptr_array_index (files, 0), "0002-B2026-0001") == NULL)
        g_error ("%s: first file %s", formats[f].format, (char *) g_ptr_array_index (files, 0));

      /* with the did:web document as trust, and with the JWK Set */
      results = verify_all (school, "did.json", files, &status);
      g_assert_cmpint (status, ==, 0);
      for (guint i = 0; i < results->len; i++)
        {
          JsonObject *result = g_ptr_array_index (results, i);
          JsonObject *record = json_array_get_object_element (json_object_get_array_member (result, "records"), 0);

          assert_valid_and_trusted (result);
          g_assert_cmpstr (json_object_get_string_member (result, "format"), ==, formats[f].format_seen);
          g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "diploma");
          g_assert_cmpstr (json_object_get_string_member (record, "title"), ==, "Bằng tốt nghiệp trung học phổ thông");
          g_assert_cmpstr (json_object_get_string_member (record, "issuer"), ==, "Trường THPT Chu Văn An");
        }
      g_clear_pointer (&results, g_ptr_array_unref);
      check_extras (school, out, formats[f].format);
      results = verify_all (school, "jwks.json", files, &status);
      g_assert_cmpint (status, ==, 0);
      for (guint i = 0; i < results->len; i++)
        assert_valid_and_trusted (g_ptr_array_index (results, i));

      /* a JWK Set of some other school vouches for nothing */
      {
        g_autofree char *other_dir = g_build_filename (dir, "other", NULL);
        g_autofree char *other = NULL;

        if (!g_file_test (other_dir, G_FILE_TEST_EXISTS))
          {
            g_assert_cmpint (g_mkdir (other_dir, 0700), ==, 0);
            g_free (init_school (other_dir));
          }
        other = g_build_filename (other_dir, "school", NULL);
        g_clear_pointer (&results, g_ptr_array_unref);
        results = verify_all (other, "jwks.json", files, &status);
        g_assert_cmpint (status, ==, 1);
        for (guint i = 0; i < results->len; i++)
          g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (results, i), "verdict"), !=, "valid");
      }
    }
  dossier_test_rm_rf (dir);
}

static JsonObject *
result_for (GPtrArray  *results,
            const char *part)
{
  for (guint i = 0; i < results->len; i++)
    if (strstr (json_object_get_string_member (g_ptr_array_index (results, i), "input"), part) != NULL)
      return g_ptr_array_index (results, i);
  g_assert_not_reached ();
}

static void
test_revoke (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *school = init_school (dir);
  g_autofree char *roster = write_file (dir, "lop.csv", diploma_roster, -1);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_auto(Run) run = { 0 };
  JsonObject *result;
  int status;

  ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma",
          "--format", "sd-jwt", "--out", out);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  files = files_in (out, ".sd-jwt");

  ISSUER (&run, PASSPHRASE, "revoke", "--issuer", school, "B2026-0002");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Trần Văn Đức"));
  run_clear (&run);
  ISSUER (&run, PASSPHRASE, "suspend", "--issuer", school, "SV-003");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  results = verify_all (school, "did.json", files, &status);
  g_assert_cmpint (status, ==, 1);
  assert_valid_and_trusted (result_for (results, "B2026-0001"));
  result = result_for (results, "B2026-0002");
  g_assert_cmpstr (json_object_get_string_member (result, "verdict"), ==, "invalid");
  g_assert_true (has_check (result, "revoked", FALSE, "Revoked by the issuer"));
  result = result_for (results, "B2026-0003");
  g_assert_cmpstr (json_object_get_string_member (result, "verdict"), ==, "invalid");
  g_assert_true (has_check (result, "revoked", FALSE, "Suspended by the issuer"));
  g_clear_pointer (&results, g_ptr_array_unref);

  /* a suspension is lifted; a revocation is final */
  ISSUER (&run, PASSPHRASE, "reinstate", "--issuer", school, "B2026-0003");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  ISSUER (&run, PASSPHRASE, "reinstate", "--issuer", school, "B2026-0002");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "final"));
  run_clear (&run);
  ISSUER (&run, PASSPHRASE, "revoke", "--issuer", school, "B2026-9999");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "B2026-9999"));
  run_clear (&run);
  /* while another run holds the identity, nothing is signed */
  {
    g_autofree char *lock_path = g_build_filename (school, ".lock", NULL);
    int fd = open (lock_path, O_RDWR | O_CREAT, 0600);

    g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);
    ISSUER (&run, PASSPHRASE, "revoke", "--issuer", school, "B2026-0001");
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "Another dossier-issuer"));
    run_clear (&run);
    close (fd);
  }
  ISSUER (&run, "not the passphrase", "revoke", "--issuer", school, "B2026-0001");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "Wrong passphrase"));
  run_clear (&run);

  ISSUER (&run, NULL, "list", "--issuer", school);
  g_assert_cmpint (run.status, ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (run.out, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 4);
    g_assert_true (g_str_has_prefix (lines[0], "B2026-0001") && strstr (lines[0], "Nguyễn Thị Ánh") && strstr (lines[0], " current "));
    g_assert_true (g_str_has_prefix (lines[1], "B2026-0002") && strstr (lines[1], " revoked "));
    g_assert_true (g_str_has_prefix (lines[2], "B2026-0003") && strstr (lines[2], " current "));
  }
  run_clear (&run);

  results = verify_all (school, "did.json", files, &status);
  g_assert_cmpint (status, ==, 1);
  assert_valid_and_trusted (result_for (results, "B2026-0001"));
  assert_valid_and_trusted (result_for (results, "B2026-0003"));
  g_assert_true (has_check (result_for (results, "B2026-0002"), "revoked", FALSE, "Revoked by the issuer"));
  dossier_test_rm_rf (dir);
}

static void
test_bad_rosters (void)
{
  static const struct
  {
    const char *roster;
    const char *expected[4];
  } cases[] = {
    /* an impossible date, an empty name, a number given twice */
    { "Họ và tên,Ngày sinh,Số hiệu văn bằng,Số vào sổ cấp văn bằng,Năm tốt nghiệp\n"
      "Nguyễn Văn A,31/02/2008,B1,S1,2026\n"
      ",01/01/2008,B2,S2,2026\n"
      "Phạm Thị C,02/02/2008,B1,S3,2026\n",
      { "row 2, column B (Ngày sinh): “31/02/2008” is an impossible date",
        "row 3, column A (Họ và tên): Họ và tên is empty",
        "row 4, column C (Số hiệu văn bằng): Số hiệu “B1” is also on row 2",
        "3 problems; nothing was issued" } },
    /* a missing required column, a column the template does not know */
    { "Full name,Date of birth,Serial number,Năm tốt nghiệp,Lớp\n"
      "An,2008-01-01,B1,2026,12A1\n",
      { "row 1: the required column “Số vào sổ gốc cấp văn bằng” is missing",
        "row 1, column E: the column “Lớp” is not a field of the template thpt-diploma",
        NULL } },
    /* Latin-1, as an old spreadsheet saves it, and a year that is not one */
    { "Họ và tên,Ngày sinh,Số hiệu,Số vào sổ,Năm tốt nghiệp\n"
      "Nguy\xe9n,01/01/2008,B1,S1,20x6\n",
      { "row 2, column A (Họ và tên): not UTF-8 text",
        "row 2, column E (Năm tốt nghiệp): “20x6” is not a year", NULL } },
    /* a quote never closed, and a date with a two-digit year */
    { "Họ và tên,Ngày sinh,Số hiệu,Số vào sổ,Năm tốt nghiệp\n"
      "An,1/1/08,B1,S1,2026\n"
      "\"Bình,01/01/2008,B2,S2,2026\n",
      { "row 2, column B (Ngày sinh): “1/1/08” is not a date; write the year with four digits",
        "row 3, column A (Họ và tên): a quoted field has no closing quote", NULL } },
    /* a value under no header */
    { "Họ và tên,Ngày sinh,Số hiệu,Số vào sổ,Năm tốt nghiệp\n"
      "An,01/01/2008,B1,S1,2026,12A1\n",
      { "row 2, column F: a value in a column with no header", NULL } },
    { "\xff\xfeH\0",
      { "UTF-16", NULL } },
    { "Họ và tên,Ngày sinh,Số hiệu,Số vào sổ,Năm tốt nghiệp\n",
      { "header row but no students", NULL } },
  };
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *school = init_school (dir);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *issued_before = NULL, *issued_after = NULL, *issued_path = g_build_filename (school, "issued.json", NULL);

  g_assert_true (g_file_get_contents (issued_path, &issued_before, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gssize length = g_str_has_prefix (cases[i].roster, "\xff\xfe") ? 5 : -1;
      g_autofree char *roster = write_file (dir, "roster.csv", cases[i].roster, length);

      for (guint check = 0; check < 2; check++)
        {
          g_auto(Run) run = { 0 };

          if (check)
            ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma", "--check");
          else
            ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma", "--out", out);
          g_assert_cmpint (run.status, ==, 1);
          for (guint e = 0; e < G_N_ELEMENTS (cases[i].expected) && cases[i].expected[e] != NULL; e++)
            if (strstr (run.err, cases[i].expected[e]) == NULL)
              g_error ("case %u: “%s” not in:\n%s", i, cases[i].expected[e], run.err);
          g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
          g_assert_cmpuint (count_entries (dir), ==, 2);   /* school and roster.csv: no partial folder */
        }
    }
  /* nothing was recorded as issued */
  g_assert_true (g_file_get_contents (issued_path, &issued_after, NULL, NULL));
  g_assert_cmpstr (issued_before, ==, issued_after);

  /* a good roster checks clean, and --check signs nothing */
  {
    g_autofree char *roster = write_file (dir, "roster.csv", diploma_roster, -1);
    g_auto(Run) run = { 0 };

    ISSUER (&run, NULL, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma", "--check");
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "no problems; 3 students"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    run_clear (&run);

    /* a wrong passphrase signs nothing either */
    ISSUER (&run, "sai mật khẩu", "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma", "--out", out);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "Wrong passphrase"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    run_clear (&run);

    /* issued once, the same numbers in the same format are refused */
    ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma", "--out", out);
    g_assert_cmpint (run.status, ==, 0);
    run_clear (&run);
    ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma", "--check");
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "row 2: the number “B2026-0001” was already issued"));
  }
  dossier_test_rm_rf (dir);
}

static void
test_import (void)
{
  static const struct
  {
    const char *template;
    const char *format;
    const char *roster;
    const char *kind;
    const char *title;
  } classes[] = {
    { "thpt-diploma", "vc-jwt", diploma_roster, "diploma", "Bằng tốt nghiệp trung học phổ thông" },
    { "degree", "sd-jwt",
      "Họ và tên,Ngày sinh,Tên văn bằng,Ngành,Xếp loại,Năm tốt nghiệp,Số hiệu,Số vào sổ\n"
      "Võ Thị Ngọc Hạnh,2002-07-14,Bằng kỹ sư,Kỹ thuật điện,giỏi,2024,DH-77,KS-77\n",
      "degree", "Bằng kỹ sư" },
    { "certificate", "di",
      "Full name,Date of birth,Course,Result,Certificate number\n"
      "Đặng Quốc Bảo,09/09/1999,Tiếng Anh B1,Đạt,CC-0042\n",
      "certificate", "Tiếng Anh B1" },
  };
  const char *names[] = { "Nguyễn Thị Ánh", "Trần Văn Đức", "Lê Hoàng Yến", "Võ Thị Ngọc Hạnh", "Đặng Quốc Bảo" };
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *school = init_school (dir);
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *did = g_build_filename (school, "did.json", NULL);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Run) run = { 0 };
  JsonArray *records;

  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      g_autofree char *name = g_strdup_printf ("roster-%u.csv", c);
      g_autofree char *roster = write_file (dir, name, classes[c].roster, -1);
      g_autofree char *out = g_strdup_printf ("%s/class-%u", dir, c);
      g_autoptr(GPtrArray) files = NULL;

      ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", classes[c].template,
              "--format", classes[c].format, "--out", out);
      g_assert_cmpstr (run.err, ==, "");
      g_assert_cmpint (run.status, ==, 0);
      run_clear (&run);
      files = files_in (out, g_str_equal (classes[c].format, "vc-jwt") ? ".jwt" : g_str_equal (classes[c].format, "sd-jwt") ? ".sd-jwt" : ".json");
      for (guint i = 0; i < files->len; i++)
        g_ptr_array_add (all, g_strdup (g_ptr_array_index (files, i)));
    }

  CLI (&run, PASSPHRASE, "--vault", vault, "init", "--owner", "Nguyễn Thị Ánh", "--kdf-iterations", "1", "--kdf-memory", "8192");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, PASSPHRASE, "--vault", vault, "trust", "add", did);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  g_ptr_array_add (argv, (gpointer) "--vault");
  g_ptr_array_add (argv, vault);
  g_ptr_array_add (argv, (gpointer) "import");
  for (guint i = 0; i < all->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (all, i));
  g_ptr_array_add (argv, NULL);
  run_program (&run, cli_path, PASSPHRASE, (const char * const *) argv->pdata);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  CLI (&run, PASSPHRASE, "--vault", vault, "list", "--json");
  g_assert_cmpint (run.status, ==, 0);
  list = json_from_string (run.out, &error);
  g_assert_no_error (error);
  records = json_node_get_array (list);
  g_assert_cmpuint (json_array_get_length (records), ==, 5);
  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *record = json_array_get_object_element (records, i);
          JsonObject *fields = json_object_get_object_member (record, "fields");
          JsonObject *subject = json_object_get_object_member (fields, "credentialSubject");
          JsonObject *verdict = json_object_get_object_member (record, "verdict");

          if (g_strcmp0 (json_object_get_string_member_with_default (subject, "name", NULL), names[n]) != 0)
            continue;
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (record, "category"), ==, "learning");
          g_assert_cmpstr (json_object_get_string_member (record, "issuer_name"), ==, "Trường THPT Chu Văn An");
          g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (verdict, "authentic"), "state"), ==, "passed");
          g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (verdict, "trusted"), "state"), ==, "passed");
          for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
            if (g_str_equal (json_object_get_string_member (record, "title"), classes[c].title))
              g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, classes[c].kind);
          if (n == 3)
            {
              g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "degree");
              g_assert_cmpstr (json_object_get_string_member (subject, "classification"), ==, "Giỏi");
              g_assert_cmpstr (json_object_get_string_member (subject, "fieldOfStudy"), ==, "Kỹ thuật điện");
            }
          if (n == 4)
            g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "certificate");
        }
      if (!found)
        g_error ("no record for %s in %s", names[n], run.out);
    }
  run_clear (&run);

  /* the vault finds them without accents, as a citizen types */
  CLI (&run, PASSPHRASE, "--vault", vault, "search", "dang quoc bao");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Tiếng Anh B1"));
  run_clear (&run);

  /* a vault that does not know the school still files each credential as
   * what it is, whatever its format, only not as trusted */
  {
    g_autofree char *stranger = g_build_filename (dir, "stranger", NULL);
    g_autoptr(GPtrArray) import = g_ptr_array_new ();
    g_autoptr(JsonNode) listed = NULL;
    JsonArray *seen;

    CLI (&run, PASSPHRASE, "--vault", stranger, "init", "--kdf-iterations", "1", "--kdf-memory", "8192");
    g_assert_cmpint (run.status, ==, 0);
    run_clear (&run);
    g_ptr_array_add (import, (gpointer) "--vault");
    g_ptr_array_add (import, stranger);
    g_ptr_array_add (import, (gpointer) "import");
    for (guint i = 0; i < all->len; i++)
      g_ptr_array_add (import, g_ptr_array_index (all, i));
    g_ptr_array_add (import, NULL);
    run_program (&run, cli_path, PASSPHRASE, (const char * const *) import->pdata);
    g_assert_cmpint (run.status, ==, 0);
    run_clear (&run);
    CLI (&run, PASSPHRASE, "--vault", stranger, "list", "--json");
    g_assert_cmpint (run.status, ==, 0);
    listed = json_from_string (run.out, &error);
    g_assert_no_error (error);
    seen = json_node_get_array (listed);
    g_assert_cmpuint (json_array_get_length (seen), ==, 5);
    for (guint i = 0; i < json_array_get_length (seen); i++)
      {
        JsonObject *record = json_array_get_object_element (seen, i);
        gboolean known = FALSE;

        g_assert_cmpstr (json_object_get_string_member (record, "category"), ==, "learning");
        for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
          if (g_str_equal (json_object_get_string_member (record, "title"), classes[c].title))
            {
              g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, classes[c].kind);
              known = TRUE;
            }
        if (g_str_equal (json_object_get_string_member (record, "format"), "sd-jwt"))
          {
            g_assert_true (known);
            g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "degree");
          }
      }
  }
  dossier_test_rm_rf (dir);
}

/* A diploma first issued on paper in 2001, signed now as of then. */
static void
test_issued_at (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *school = init_school (dir);
  g_autofree char *roster = write_file (dir, "lop.csv", diploma_roster, -1);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *path = g_build_filename (out, "0002-B2026-0001.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_auto(Run) run = { 0 };
  JsonObject *credential;
  int status;

  ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma",
          "--format", "di", "--issued-at", "2099-01-01", "--out", out);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  run_clear (&run);
  ISSUER (&run, PASSPHRASE, "issue", "--issuer", school, "--roster", roster, "--template", "thpt-diploma",
          "--format", "di", "--issued-at", "2001-06-30", "--out", out);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  node = json_from_string (text, NULL);
  credential = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (credential, "validFrom"), ==, "2001-06-30T00:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (credential, "proof"), "created"), ==,
                   "2001-06-30T00:00:00Z");
  files = files_in (out, ".json");
  results = verify_all (school, "did.json", files, &status);
  g_assert_cmpint (status, ==, 0);
  assert_valid_and_trusted (g_ptr_array_index (results, 0));
  dossier_test_rm_rf (dir);
}

static void
test_publish (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *school = init_school (dir);
  g_autofree char *site = g_build_filename (dir, "site", NULL);
  const char *served[][2] = {
    { ".well-known/jwks.json", "jwks.json" },
    { ".well-known/did.json", "did.json" },
    { ".well-known/openid-credential-issuer", "openid-credential-issuer.json" },
    { "status/revocation.jwt", "status/revocation.jwt" },
    { "status/suspension.jwt", "status/suspension.jwt" },
  };
  g_auto(Run) run = { 0 };

  ISSUER (&run, NULL, "publish", "--issuer", school, "--out", site);
  g_assert_cmpint (run.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (served); i++)
    {
      g_autofree char *published = g_build_filename (site, served[i][0], NULL);
      g_autofree char *source = g_build_filename (school, served[i][1], NULL);
      g_autofree char *url = g_strdup_printf (SCHOOL_URL "/%s", served[i][0]);
      g_autofree char *a = NULL, *b = NULL;

      g_assert_true (g_file_get_contents (published, &a, NULL, NULL));
      g_assert_true (g_file_get_contents (source, &b, NULL, NULL));
      g_assert_cmpstr (a, ==, b);
      g_assert_nonnull (strstr (run.out, url));
    }
  /* nothing secret is published */
  g_assert_cmpuint (count_entries (site), ==, 2);
  {
    g_autofree char *keys = g_build_filename (school, "keys.json", NULL);
    g_autofree char *text = NULL;
    GStatBuf buf;

    g_assert_cmpint (g_stat (keys, &buf), ==, 0);
    g_assert_cmpint (buf.st_mode & 0077, ==, 0);
    g_assert_true (g_file_get_contents (keys, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "argon2id"));
    g_assert_null (strstr (text, "PRIVATE"));
  }
  run_clear (&run);

  /* a faculty below a path, on another port: the DID and the places its
   * files are served agree with did:web resolution */
  {
    g_autofree char *faculty = g_build_filename (dir, "faculty", NULL);
    g_autofree char *faculty_site = g_build_filename (dir, "faculty-site", NULL);
    g_autofree char *did_path = g_build_filename (faculty_site, "khoa", "cntt", "did.json", NULL);
    g_autofree char *list_path = g_build_filename (faculty_site, "khoa", "cntt", "status", "revocation.jwt", NULL);

    ISSUER (&run, PASSPHRASE, "init", "--name", "Khoa Công nghệ thông tin", "--url", "https://dh.example.edu.vn:8443/khoa/cntt/",
            "--out", faculty);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "did:web:dh.example.edu.vn%3A8443:khoa:cntt\n"));
    run_clear (&run);
    ISSUER (&run, NULL, "publish", "--issuer", faculty, "--out", faculty_site);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "serve at https://dh.example.edu.vn:8443/khoa/cntt/did.json\n"));
    g_assert_nonnull (strstr (run.out, "serve at https://dh.example.edu.vn:8443/khoa/cntt/status/revocation.jwt\n"));
    g_assert_true (g_file_test (did_path, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_test (list_path, G_FILE_TEST_IS_REGULAR));
    run_clear (&run);
  }

  /* init refuses to overwrite an identity */
  ISSUER (&run, PASSPHRASE, "init", "--name", "Khác", "--url", "https://other.example", "--out", school);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "already holds"));
  run_clear (&run);
  ISSUER (&run, PASSPHRASE, "init", "--name", "Khác", "--url", "http://insecure.example", "--out", site);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "https://"));
  run_clear (&run);
  ISSUER (&run, NULL, "--help");
  g_assert_cmpint (run.status, ==, 0);
  for (guint i = 0; i < 7; i++)
    g_assert_nonnull (strstr (run.out, ((const char *[]) { "init", "issue", "list", "revoke", "suspend", "reinstate", "publish" })[i]));
  dossier_test_rm_rf (dir);
}

static DossierRoster *
parse (const char *text)
{
  return dossier_roster_parse (text, strlen (text));
}

static const char *
field (DossierRoster *roster,
       guint          row,
       guint          column)
{
  DossierRosterRow *r = g_ptr_array_index (roster->rows, row);

  g_assert_cmpuint (g_strv_length (r->fields), >, column);
  return r->fields[column];
}

static void
test_roster_parser (void)
{
  g_autoptr(DossierRoster) roster = parse ("\xef\xbb\xbf" "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line\r\nbreak\"\r\n\r\n1,,3");
  g_autofree char *big = NULL;

  g_assert_cmpuint (roster->problems->len, ==, 0);
  g_assert_cmpuint (roster->rows->len, ==, 3);
  g_assert_cmpstr (field (roster, 0, 0), ==, "a");
  g_assert_cmpstr (field (roster, 1, 0), ==, "x, y");
  g_assert_cmpstr (field (roster, 1, 1), ==, "say \"hi\"");
  g_assert_cmpstr (field (roster, 1, 2), ==, "line\nbreak");
  g_assert_cmpstr (field (roster, 2, 1), ==, "");
  /* the blank line still counts as a spreadsheet row */
  g_assert_cmpuint (((DossierRosterRow *) g_ptr_array_index (roster->rows, 2))->number, ==, 4);
  g_clear_pointer (&roster, dossier_roster_free);

  roster = parse ("Họ và tên;Ngày sinh\nAn;01/01/2000\n");
  g_assert_cmpuint (roster->problems->len, ==, 0);
  g_assert_cmpstr (field (roster, 1, 1), ==, "01/01/2000");
  g_clear_pointer (&roster, dossier_roster_free);

  roster = parse ("a\tb\n1\t2\n");
  g_assert_cmpstr (field (roster, 1, 1), ==, "2");
  g_clear_pointer (&roster, dossier_roster_free);

  roster = parse ("a,b\n\"x\"y,2\n");
  g_assert_cmpuint (roster->problems->len, ==, 1);
  g_clear_pointer (&roster, dossier_roster_free);

  roster = parse ("");
  g_assert_cmpuint (roster->problems->len, ==, 1);
  g_clear_pointer (&roster, dossier_roster_free);

  roster = parse ("a,b\nx\0y,2\n");   /* a NUL ends the C string: only "a,b\nx" */
  g_clear_pointer (&roster, dossier_roster_free);
  roster = dossier_roster_parse ("a,b\nx\0y,2\n", 10);
  g_assert_cmpuint (roster->problems->len, ==, 1);
  g_clear_pointer (&roster, dossier_roster_free);

  /* limits: a field too long, too many columns, a file too large */
  big = g_strnfill (DOSSIER_ROSTER_MAX_FIELD + 10, 'x');
  roster = parse (big);
  g_assert_cmpuint (roster->problems->len, ==, 1);
  g_assert_cmpuint (strlen (field (roster, 0, 0)), ==, DOSSIER_ROSTER_MAX_FIELD);
  g_clear_pointer (&roster, dossier_roster_free);
  g_free (big);
  big = g_strnfill (DOSSIER_ROSTER_MAX_COLUMNS * 2, ',');
  big[0] = 'a';
  roster = parse (big);
  g_assert_cmpuint (g_strv_length (((DossierRosterRow *) g_ptr_array_index (roster->rows, 0))->fields), ==, DOSSIER_ROSTER_MAX_COLUMNS);
  g_clear_pointer (&roster, dossier_roster_free);
  roster = dossier_roster_parse ("a", DOSSIER_ROSTER_MAX_SIZE + 1);
  g_assert_cmpuint (roster->problems->len, ==, 1);
  g_assert_cmpuint (roster->rows->len, ==, 0);
  g_clear_pointer (&roster, dossier_roster_free);

  {
    g_autofree char *a = dossier_roster_column_name (1);
    g_autofree char *z = dossier_roster_column_name (26);
    g_autofree char *aa = dossier_roster_column_name (27);

    g_assert_cmpstr (a, ==, "A");
    g_assert_cmpstr (z, ==, "Z");
    g_assert_cmpstr (aa, ==, "AA");
  }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  cli_path = g_getenv ("DOSSIER_CLI");
  issuer_path = g_getenv ("DOSSIER_ISSUER");
  g_assert_nonnull (cli_path);
  g_assert_nonnull (issuer_path);

  g_test_add_func ("/issuer/roster-parser", test_roster_parser);
  g_test_add_func ("/issuer/round-trip", test_round_trip);
  g_test_add_func ("/issuer/revoke", test_revoke);
  g_test_add_func ("/issuer/bad-rosters", test_bad_rosters);
  g_test_add_func ("/issuer/import", test_import);
  g_test_add_func ("/issuer/issued-at", test_issued_at);
  g_test_add_func ("/issuer/publish", test_publish);
  return g_test_run ();
}
