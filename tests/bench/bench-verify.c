// SPDX-License-Identifier: GPL-3.0-or-later
/* Verification throughput: every valid file of a bench-peers corpus, per
 * format, verified one at a time in this process (read from memory, trust
 * loaded beforehand), for at least SECONDS each.  Prints figures only:
 * per wall-clock second, and per second of user CPU time, the divisor
 * `openssl speed` uses unless given -elapsed, so that the two compare
 * alike on a machine busy with other work.
 *
 * On a shared machine the speed of a CPU second changes with the load, so
 * the raw ES256 verification that `openssl speed ecdsap256` times (one
 * EVP_PKEY_verify() of a digest, context set up once) is also timed here,
 * in turns of a fifth of a second with Dossier's, on this thread's CPU
 * clock: the ratio of the two is what the load changes least. */
#include "dossier-verifier.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TURN_SECONDS 0.2

typedef struct
{
  EVP_PKEY_CTX *ctx;
  guint8        digest[32];
  guint8        signature[80];
  size_t        signature_length;
} RawVerify;

static double
thread_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

static gboolean
raw_verify_init (RawVerify *raw)
{
  EVP_PKEY *key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  EVP_PKEY_CTX *sign = key != NULL ? EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL) : NULL;
  gboolean ok;

  memset (raw->digest, 0x5a, sizeof raw->digest);
  raw->signature_length = sizeof raw->signature;
  raw->ctx = key != NULL ? EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL) : NULL;
  ok = sign != NULL && raw->ctx != NULL && EVP_PKEY_sign_init (sign) == 1 &&
       EVP_PKEY_sign (sign, raw->signature, &raw->signature_length, raw->digest, sizeof raw->digest) == 1 &&
       EVP_PKEY_verify_init (raw->ctx) == 1 &&
       EVP_PKEY_verify (raw->ctx, raw->signature, raw->signature_length, raw->digest, sizeof raw->digest) == 1;
  EVP_PKEY_CTX_free (sign);
  EVP_PKEY_free (key);
  return ok;
}

/* Raw verifications for one turn; adds their count and CPU time. */
static void
raw_verify_turn (RawVerify *raw,
                 guint64   *count,
                 double    *cpu)
{
  double start = thread_seconds (), now;

  do
    {
      for (guint i = 0; i < 64; i++)
        if (EVP_PKEY_verify (raw->ctx, raw->signature, raw->signature_length, raw->digest, sizeof raw->digest) != 1)
          g_error ("raw ES256 verification failed");
      *count += 64;
      now = thread_seconds ();
    }
  while (now - start < TURN_SECONDS);
  *cpu += now - start;
}

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
  RawVerify raw;

  if (argc != 3)
    {
      g_printerr ("usage: bench-verify CORPUS SECONDS\n");
      return 2;
    }
  seconds = atof (argv[2]);
  if (!raw_verify_init (&raw))
    {
      g_printerr ("bench-verify: OpenSSL cannot make a P-256 key\n");
      return 2;
    }
  if (!load_trust (trust, argv[1]))
    {
      g_printerr ("bench-verify: no trust/ in %s\n", argv[1]);
      return 2;
    }

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *path = g_build_filename (argv[1], formats[f], NULL);
      g_autoptr(GPtrArray) files = load_folder (path);
      gint64 start = g_get_monotonic_time (), wall = 0;
      double user = 0, cpu = 0, raw_cpu = 0;
      guint64 done = 0, valid = 0, raw_done = 0;
      guint next = 0;

      if (files->len == 0)
        continue;
      /* turns of Dossier and of raw verification, until Dossier has had
       * SECONDS of the clock */
      do
        {
          gint64 turn_wall = g_get_monotonic_time ();
          double turn_user = user_seconds (), turn_cpu = thread_seconds (), now;

          /* the thread's CPU clock is a system call: read it every 16 */
          do
            {
              for (guint i = 0; i < 16; i++)
                {
                  g_autoptr(DossierVerification) result = dossier_verify_bytes (g_ptr_array_index (files, next), "bench", trust, at);

                  valid += g_str_equal (dossier_verification_get_summary (result), "valid");
                  done++;
                  next = (next + 1) % files->len;
                }
              now = thread_seconds ();
            }
          while (now - turn_cpu < TURN_SECONDS);
          cpu += now - turn_cpu;
          user += user_seconds () - turn_user;
          wall += g_get_monotonic_time () - turn_wall;
          raw_verify_turn (&raw, &raw_done, &raw_cpu);
        }
      while (wall < seconds * G_USEC_PER_SEC || g_get_monotonic_time () - start < 2 * G_USEC_PER_SEC);
      printf ("dossier format=%s files=%u verifications=%" G_GUINT64_FORMAT " seconds=%.2f per_second=%.0f"
              " user_seconds=%.2f per_user_second=%.0f valid=%" G_GUINT64_FORMAT
              " cpu_per_second=%.0f raw_es256_cpu_per_second=%.0f interleaved_ratio=%.3f\n",
              formats[f], files->len, done, wall / 1e6, done / (wall / 1e6), user, done / user, valid,
              done / cpu, raw_done / raw_cpu, (done / cpu) / (raw_done / raw_cpu));
      fflush (stdout);
    }
  EVP_PKEY_CTX_free (raw.ctx);
  return 0;
}
