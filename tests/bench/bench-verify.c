// SPDX-License-Identifier: GPL-3.0-or-later
/* Verification throughput: every valid file of a bench-peers corpus, per
 * format, verified one at a time in this process (read from memory, trust
 * loaded beforehand), for at least SECONDS each.  Prints figures only:
 * per wall-clock second, and per second of user CPU time, the divisor
 * `openssl speed` uses unless given -elapsed, so that the two compare
 * alike on a machine busy with other work. */
#include "dossier-verifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static double
user_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6;
}

static GPtrArray *
load_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      char *contents;
      gsize length;

      if (g_file_get_contents (file, &contents, &length, NULL))
        g_ptr_array_add (files, g_bytes_new_take (contents, length));
    }
  return files;
}

/* The corpus's trust/ folder: the bench-peers corpus's key set and
 * certificate bundle, or every file of a dossier-issuer corpus (the
 * school's DID document and status lists). */
static gboolean
load_trust (DossierTrustRegistry *trust,
            const char           *corpus)
{
  g_autofree char *path = g_build_filename (corpus, "trust", NULL);
  g_autofree char *jwks = g_build_filename (path, "jwks.json", NULL);
  g_autofree char *pem = g_build_filename (path, "dsc.pem", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint added = 0;

  if (g_file_test (jwks, G_FILE_TEST_EXISTS))
    return dossier_trust_registry_add_path (trust, jwks, NULL) && dossier_trust_registry_add_path (trust, pem, NULL);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      if (!dossier_trust_registry_add_path (trust, file, NULL))
        return FALSE;
      added++;
    }
  return added > 0;
}

int
main (int    argc,
      char **argv)
{
  const char *formats[] = { "shc-jws", "shc-qr", "hcert", "vc-jwt", "sd-jwt", "vc-di" };
  g_autoptr(DossierTrustRegistry) trust = dossier_trust_registry_new ();
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 ("2026-01-01T00:00:00Z", NULL);
  double seconds;

  if (argc != 3)
    {
      g_printerr ("usage: bench-verify CORPUS SECONDS\n");
      return 2;
    }
  seconds = atof (argv[2]);
  if (!load_trust (trust, argv[1]))
    {
      g_printerr ("bench-verify: no trust/ in %s\n", argv[1]);
      return 2;
    }

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *path = g_build_filename (argv[1], formats[f], NULL);
      g_autoptr(GPtrArray) files = load_folder (path);
      gint64 start = g_get_monotonic_time (), elapsed;
      double user_start = user_seconds (), user;
      guint64 done = 0, valid = 0;

      if (files->len == 0)
        continue;
      do
        {
          for (guint i = 0; i < files->len; i++)
            {
              g_autoptr(DossierVerification) result = dossier_verify_bytes (g_ptr_array_index (files, i), "bench", trust, at);

              valid += g_str_equal (dossier_verification_get_summary (result), "valid");
              done++;
            }
          elapsed = g_get_monotonic_time () - start;
        }
      while (elapsed < seconds * G_USEC_PER_SEC);
      user = user_seconds () - user_start;
      printf ("dossier format=%s files=%u verifications=%" G_GUINT64_FORMAT " seconds=%.2f per_second=%.0f"
              " user_seconds=%.2f per_user_second=%.0f valid=%" G_GUINT64_FORMAT "\n",
              formats[f], files->len, done, elapsed / 1e6, done / (elapsed / 1e6), user, done / user, valid);
      fflush (stdout);
    }
  return 0;
}
