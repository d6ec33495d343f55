// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-dsc-list.h"
#include "dossier-format-error.h"
#include "dossier-test-utils.h"
#include "dossier-verifier.h"

#include <libsoup/soup.h>
#include <string.h>

/* Trust anchors fetched from URLs, served by a loopback SoupServer that
 * runs in a thread of its own: verification waits for its fetches, and the
 * dossier-cli the test starts reaches the server while the test waits. */

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *base;
  GMutex        lock;
  GCond         ready;
  char         *jwks;      /* what /jwks.json serves now */
  char         *did;
  guint         jwks_requests;
} Server;

static char *
read_vector (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
respond (SoupServerMessage *message,
         const char        *type,
         const char        *body)
{
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
handle (SoupServer        *soup,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Server *server = user_data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&server->lock);

  if (g_str_equal (path, "/jwks.json"))
    {
      server->jwks_requests++;
      respond (message, "application/jwk-set+json", server->jwks);
    }
  else if (g_str_equal (path, "/did.json"))
    respond (message, "application/did+json", server->did);
  else if (g_str_equal (path, "/hello.json"))
    respond (message, "application/json", "{\"hello\": \"xin chào\"}");
  else if (g_str_equal (path, "/big.json"))
    {
      g_autofree char *body = g_strnfill (DOSSIER_DSC_LIST_MAX_SIZE + 1, ' ');

      respond (message, "application/json", body);
    }
  else
    soup_server_message_set_status (message, 404, NULL);
}

static gpointer
serve (gpointer data)
{
  Server *server = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (server->context);
  server->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->server, NULL, handle, server, NULL);
  g_assert_true (soup_server_listen_local (server->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server->server);
  g_mutex_lock (&server->lock);
  server->base = g_uri_to_string (uris->data);
  g_cond_signal (&server->ready);
  g_mutex_unlock (&server->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (server->loop);
  g_clear_object (&server->server);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static Server *
server_start (void)
{
  Server *server = g_new0 (Server, 1);

  g_mutex_init (&server->lock);
  g_cond_init (&server->ready);
  server->jwks = read_vector ("shc-spec/issuer/.well-known/jwks.json");
  server->did = read_vector ("ob3/keys/did-key-z6MkjZRZv3aez3r1.json");
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  g_mutex_lock (&server->lock);
  server->thread = g_thread_new ("loopback-server", serve, server);
  while (server->base == NULL)
    g_cond_wait (&server->ready, &server->lock);
  g_mutex_unlock (&server->lock);
  return server;
}

static void
server_stop (Server *server)
{
  g_main_loop_quit (server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_free (server->base);
  g_free (server->jwks);
  g_free (server->did);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->ready);
  g_free (server);
}

static void
server_set_jwks_text (Server *server,
                      char   *text)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&server->lock);

  g_free (server->jwks);
  server->jwks = text;
}

static void
server_set_jwks (Server     *server,
                 const char *vector)
{
  server_set_jwks_text (server, read_vector (vector));
}

static guint
server_jwks_requests (Server *server)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&server->lock);

  return server->jwks_requests;
}

static DossierVerification *
verify_card (DossierTrustRegistry *trust)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "shc-spec", "examples",
                                            "example-00-e-file.smart-health-card", NULL);
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 ("2024-06-01T00:00:00Z", NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes (file);

  return dossier_verify_bytes (bytes, "card", trust, at);
}

static void
test_registry (void)
{
  Server *server = server_start ();
  g_autofree char *jwks_url = g_strconcat (server->base, "jwks.json", NULL);
  g_autoptr(DossierTrustRegistry) trust = dossier_trust_registry_new ();
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(DossierTrustAnchor) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  GDateTime *fetched;

  g_assert_true (dossier_trust_registry_is_url (jwks_url));
  g_assert_true (dossier_trust_registry_add_url (trust, jwks_url, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dossier_trust_registry_get_n_anchors (trust), ==, 1);
  g_assert_cmpuint (server_jwks_requests (server), ==, 1);
  fetched = dossier_trust_registry_get_fetched (trust, jwks_url);
  g_assert_nonnull (fetched);
  g_assert_cmpint (g_date_time_compare (fetched, before), >=, 0);

  /* the card verifies by the fetched key, and the verdict names the URL */
  result = verify_card (trust);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "valid");
  g_clear_object (&result);

  /* the fetched copy is used again until a refresh is asked for */
  g_assert_true (dossier_trust_registry_add_url (trust, jwks_url, &error));
  again = dossier_trust_registry_fetch_anchor (trust, jwks_url, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dossier_trust_anchor_get_source (again), ==, jwks_url);
  g_assert_true (g_date_time_equal (dossier_trust_anchor_get_fetched (again), fetched));
  g_assert_cmpuint (server_jwks_requests (server), ==, 1);
  g_assert_cmpuint (dossier_trust_registry_get_n_anchors (trust), ==, 1);

  /* the issuer replaces its key set: after a refresh the old key is gone */
  server_set_jwks (server, "sd-jwt/keys/issuer-key.jwk.json");
  g_assert_true (dossier_trust_registry_refresh (trust, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (server_jwks_requests (server), ==, 2);
  result = verify_card (trust);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "invalid");
  g_assert_cmpstr (dossier_verification_get_first_failure (result), ==, "key");
  g_clear_object (&result);

  /* refreshing that URL alone brings the first key set back */
  server_set_jwks (server, "shc-spec/issuer/.well-known/jwks.json");
  g_assert_true (dossier_trust_registry_refresh (trust, jwks_url, &error));
  g_assert_no_error (error);
  result = verify_card (trust);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "valid");
  g_clear_object (&result);

  /* a refresh that fails keeps the keys of the last good fetch */
  server_set_jwks_text (server, g_strdup ("{\"keys\": \"none\"}"));
  g_assert_false (dossier_trust_registry_refresh (trust, NULL, &error));
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
  g_clear_error (&error);
  g_assert_cmpuint (server_jwks_requests (server), ==, 4);
  result = verify_card (trust);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "valid");
  g_clear_object (&result);

  g_assert_finalize_object (g_steal_pointer (&trust));
  server_stop (server);
}

static void
test_did_document (void)
{
  Server *server = server_start ();
  g_autofree char *did_url = g_strconcat (server->base, "did.json", NULL);
  g_autoptr(DossierTrustRegistry) trust = dossier_trust_registry_new ();
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (dossier_trust_registry_add_url (trust, did_url, &error));
  g_assert_no_error (error);
  keys = dossier_key_source_find_keys (DOSSIER_KEY_SOURCE (trust), NULL, NULL);
  g_assert_cmpuint (keys->len, ==, 1);
  g_assert_cmpstr (dossier_jwk_get_crv (g_ptr_array_index (keys, 0)), ==, "Ed25519");
  g_assert_cmpstr (g_object_get_data (g_ptr_array_index (keys, 0), "dossier-anchor"), ==, did_url);
  server_stop (server);
}

static void
test_refused (void)
{
  Server *server = server_start ();
  g_autoptr(DossierTrustRegistry) trust = dossier_trust_registry_new ();
  g_autofree char *big = g_strconcat (server->base, "big.json", NULL);
  g_autofree char *missing = g_strconcat (server->base, "missing.json", NULL);
  g_autofree char *hello = g_strconcat (server->base, "hello.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (dossier_trust_registry_add_url (trust, big, &error));
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (dossier_trust_registry_add_url (trust, missing, &error));
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "404"));
  g_clear_error (&error);
  g_assert_false (dossier_trust_registry_add_url (trust, hello, &error));
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
  g_clear_error (&error);
  /* plain http is for this machine only: refused before connecting */
  g_assert_false (dossier_trust_registry_add_url (trust, "http://192.0.2.1/jwks.json", &error));
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);
  g_assert_cmpuint (dossier_trust_registry_get_n_anchors (trust), ==, 0);
  server_stop (server);
}

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
run_cli (Run                *run,
         const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "DOSSIER_PASSPHRASE", "mật khẩu thử nghiệm", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_ptr_array_add (argv, (gpointer) g_getenv ("DOSSIER_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

#define CLI(run, ...) run_cli (run, (const char * const[]) { __VA_ARGS__, NULL })

static void
test_cli (void)
{
  Server *server = server_start ();
  g_autofree char *jwks_url = g_strconcat (server->base, "jwks.json", NULL);
  g_autofree char *missing = g_strconcat (server->base, "missing.json", NULL);
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault = g_build_filename (dir, "vault", NULL);
  g_autofree char *card = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "shc-spec", "examples",
                                            "example-00-e-file.smart-health-card", NULL);
  g_auto(Run) run = { 0 };

  /* for one run */
  CLI (&run, "verify", "--trust", jwks_url, "--at", "2024-06-01T00:00:00Z", card);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, jwks_url));
  run_clear (&run);
  CLI (&run, "verify", "--offline", "--trust", jwks_url, "--at", "2024-06-01T00:00:00Z", card);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--offline"));
  run_clear (&run);
  CLI (&run, "verify", "--trust", missing, "--at", "2024-06-01T00:00:00Z", card);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "404"));
  run_clear (&run);

  /* kept in the vault, with the time it was fetched */
  CLI (&run, "--vault", vault, "init", "--owner", "Trần Thị Mai", "--kdf-iterations", "1", "--kdf-memory", "8192");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, "--vault", vault, "trust", "add", "--scope", "health", "--name", "Bộ Y tế", jwks_url);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Bộ Y tế"));
  run_clear (&run);
  CLI (&run, "--vault", vault, "trust", "add", missing);
  g_assert_cmpint (run.status, ==, 1);
  run_clear (&run);
  CLI (&run, "--vault", vault, "trust", "list");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, jwks_url));
  g_assert_nonnull (strstr (run.out, "fetched 20"));
  run_clear (&run);
  CLI (&run, "--vault", vault, "import", card);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  CLI (&run, "--vault", vault, "reverify", "--offline");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  /* the issuer replaces its key set; refresh fetches it, reverify then fails */
  server_set_jwks (server, "sd-jwt/keys/issuer-key.jwk.json");
  g_assert_cmpuint (server_jwks_requests (server), ==, 2);
  CLI (&run, "--vault", vault, "trust", "refresh");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Fetched anchor 1 again"));
  g_assert_cmpuint (server_jwks_requests (server), ==, 3);
  run_clear (&run);
  CLI (&run, "--vault", vault, "reverify", "--offline");
  g_assert_cmpint (run.status, ==, 1);
  run_clear (&run);
  CLI (&run, "--vault", vault, "trust", "refresh", "x");
  g_assert_cmpint (run.status, ==, 2);

  dossier_test_rm_rf (dir);
  server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trust-url/registry", test_registry);
  g_test_add_func ("/trust-url/did-document", test_did_document);
  g_test_add_func ("/trust-url/refused", test_refused);
  g_test_add_func ("/trust-url/cli", test_cli);
  return g_test_run ();
}
