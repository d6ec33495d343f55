// SPDX-License-Identifier: GPL-3.0-or-later
/* Starts the real dossier-demo-services through the launcher, reads its
 * addresses, talks to it, and opens a SMART Health Link it hosts with the
 * wallet's own client; and checks the launcher's failures: a program that
 * never prints, one that exits, one that prints something else. */
#include "dossier-demo-services-launcher.h"
#include "dossier-net-session.h"
#include "dossier-oauth-client.h"
#include "dossier-shl-client.h"
#include "dossier-shl.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <openssl/rand.h>
#include <signal.h>
#include <string.h>

static const char *program;
static const char *demo_dir;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
start (DossierDemoServicesLauncher  *launcher,
       guint                         timeout,
       GError                      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dossier_demo_services_launcher_start_async (launcher, timeout, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return dossier_demo_services_launcher_start_finish (launcher, result, error);
}

static GBytes *
http (SoupSession  *session,
      const char   *method,
      const char   *url,
      const char   *content_type,
      const char   *body,
      guint        *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, request);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  *status = error == NULL ? soup_message_get_status (msg) : 0;
  return bytes;
}

static void
test_start_and_talk (void)
{
  const char *arguments[] = { "--data", demo_dir, NULL };
  g_autoptr(DossierDemoServicesLauncher) launcher = dossier_demo_services_launcher_new (program, arguments);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *metadata_url = NULL;
  g_autofree char *port_prefix = NULL;
  const char *moet;
  guint status = 0;

  g_assert_null (dossier_demo_services_launcher_get_moet (launcher));
  g_assert_true (start (launcher, 30, &error));
  g_assert_no_error (error);
  g_assert_true (dossier_demo_services_launcher_is_running (launcher));
  moet = dossier_demo_services_launcher_get_moet (launcher);
  g_assert_true (g_str_has_prefix (moet, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (moet, "/moet"));
  port_prefix = g_strndup (moet, strlen (moet) - strlen ("moet"));
  g_assert_true (g_str_has_prefix (dossier_demo_services_launcher_get_moh (launcher), port_prefix));
  g_assert_true (g_str_has_suffix (dossier_demo_services_launcher_get_moh (launcher), "/moh"));
  g_assert_true (g_str_has_suffix (dossier_demo_services_launcher_get_shl (launcher), "/shl"));

  metadata_url = g_strconcat (moet, "/.well-known/openid-credential-issuer", NULL);
  body = http (session, "GET", metadata_url, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "\"credential_issuer\""));

  /* a second start is refused while the first runs */
  g_assert_false (start (launcher, 5, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  dossier_demo_services_launcher_stop (launcher);
  g_assert_null (dossier_demo_services_launcher_get_moet (launcher));
  g_clear_pointer (&body, g_bytes_unref);
  /* the server goes away */
  for (guint i = 0; i < 100 && status != 0; i++)
    {
      g_clear_pointer (&body, g_bytes_unref);
      body = http (session, "GET", metadata_url, NULL, NULL, &status);
      if (status != 0)
        g_usleep (50000);
    }
  g_assert_cmpuint (status, ==, 0);
}

static void
opened (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A link the wallet shares through the demo host opens with the wallet's
 * own SMART Health Link client. */
static void
test_shl_round_trip (void)
{
  const char *arguments[] = { "--data", demo_dir, NULL };
  g_autoptr(DossierDemoServicesLauncher) launcher = dossier_demo_services_launcher_new (program, arguments);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(DossierNetSession) net = dossier_net_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) contents = NULL;
  g_autofree char *jwe = NULL, *links = NULL, *link = NULL;
  const char *plain = "{\"verifiableCredential\": [\"demo\"]}";
  const char *manifest;
  DossierShlContent *content;
  guint8 key[32];
  guint status = 0;

  g_assert_true (start (launcher, 30, &error));
  g_assert_no_error (error);
  g_assert_cmpint (RAND_bytes (key, sizeof key), ==, 1);
  jwe = dossier_shl_encrypt (key, plain, strlen (plain), "application/smart-health-card", &error);
  g_assert_no_error (error);
  links = g_strconcat (dossier_demo_services_launcher_get_shl (launcher), "/links?passcode=4321", NULL);
  body = http (session, "POST", links, "application/jose", jwe, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error));
  manifest = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "manifest");
  g_assert_true (g_str_has_prefix (manifest, dossier_demo_services_launcher_get_shl (launcher)));

  link = dossier_shl_encode (manifest, key, 0, DOSSIER_SHL_FLAG_PASSCODE, "Sổ tiêm chủng");
  dossier_net_session_set_allow_http (net, TRUE);
  dossier_shl_open_async (net, link, strlen (link), "Phòng khám", "4321", NULL, NULL, opened, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  contents = dossier_shl_open_finish (net, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contents->len, ==, 1);
  content = g_ptr_array_index (contents, 0);
  g_assert_cmpstr (content->content_type, ==, "application/smart-health-card");
  g_assert_cmpmem (g_bytes_get_data (content->contents, NULL), g_bytes_get_size (content->contents), plain, strlen (plain));

  /* the wrong passcode is refused by the host */
  g_clear_object (&result);
  dossier_shl_open_async (net, link, strlen (link), "Phòng khám", "0000", NULL, NULL, opened, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (dossier_shl_open_finish (net, result, &error));
  g_assert_nonnull (error);
}

/* The system browser, as the person at the keyboard: the consent page is
 * read, its hidden inputs kept, a person chosen and "allow" pressed; the
 * redirect back to the wallet's loopback listener is followed. */
typedef struct
{
  SoupSession *session;
  const char  *person;
  gboolean     done;
  guint        status;
} Browser;

static char *
unescape (const char *text,
          gsize       length)
{
  static const struct { const char *entity; char c; } entities[] = {
    { "&amp;", '&' }, { "&quot;", '"' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&#39;", '\'' }, { "&apos;", '\'' },
  };
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < length; i++)
    {
      gboolean replaced = FALSE;

      for (guint e = 0; text[i] == '&' && e < G_N_ELEMENTS (entities); e++)
        if (strncmp (text + i, entities[e].entity, strlen (entities[e].entity)) == 0)
          {
            g_string_append_c (out, entities[e].c);
            i += strlen (entities[e].entity) - 1;
            replaced = TRUE;
            break;
          }
      if (!replaced)
        g_string_append_c (out, text[i]);
    }
  return g_string_free (out, FALSE);
}

/* The value of attribute @name in the tag starting at @tag. */
static char *
attribute (const char *tag,
           const char *name)
{
  g_autofree char *pattern = g_strdup_printf (" %s=\"", name);
  const char *end = strchr (tag, '>');
  const char *start = strstr (tag, pattern);
  const char *close;

  if (start == NULL || end == NULL || start > end)
    return NULL;
  start += strlen (pattern);
  close = strchr (start, '"');
  return close != NULL ? unescape (start, close - start) : NULL;
}

static void
consented (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Browser *browser = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  browser->status = soup_message_get_status (msg);
  browser->done = TRUE;
}

static void
consent_page (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Browser *browser = user_data;
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  g_autofree char *text = page != NULL ? g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page)) : g_strdup ("");
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *action = NULL;
  const char *tag;
  SoupMessage *post;

  g_assert_nonnull ((tag = strstr (text, "<form method=\"post\"")));
  action = attribute (tag, "action");
  g_assert_nonnull (action);
  for (tag = strstr (text, "<input "); tag != NULL; tag = strstr (tag + 1, "<input "))
    {
      char *name = attribute (tag, "name");
      char *value = attribute (tag, "value");

      g_assert_nonnull (name);
      g_hash_table_insert (form, name, value != NULL ? value : g_strdup (""));
    }
  g_assert_nonnull (strstr (text, browser->person));
  g_hash_table_insert (form, g_strdup ("person"), g_strdup (browser->person));
  g_hash_table_insert (form, g_strdup ("decision"), g_strdup ("allow"));
  post = soup_message_new_from_encoded_form (SOUP_METHOD_POST, action, soup_form_encode_hash (form));
  soup_session_send_and_read_async (browser->session, post, G_PRIORITY_DEFAULT, NULL, consented, browser);
  g_object_unref (post);
}

static gboolean
open_browser (const char  *uri,
              gpointer     user_data,
              GError     **error)
{
  Browser *browser = user_data;
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);

  soup_session_send_and_read_async (browser->session, msg, G_PRIORITY_DEFAULT, NULL, consent_page, browser);
  return TRUE;
}

static DossierOAuthTokens *
sign_in (DossierOAuthClient  *client,
         Browser             *browser,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dossier_oauth_client_discover_async (client, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!dossier_oauth_client_discover_finish (client, result, error))
    return NULL;
  g_clear_object (&result);
  browser->done = FALSE;
  dossier_oauth_client_sign_in_async (client, NULL, store_result, &result);
  while (result == NULL || !browser->done)
    g_main_context_iteration (NULL, TRUE);
  return dossier_oauth_client_get_tokens_finish (client, result, error);
}

/* The wallet's own OAuth client (PKCE, loopback redirect) signs in to both
 * ministries; the tokens read the person's records. */
static void
test_wallet_sign_in (void)
{
  const char *arguments[] = { "--data", demo_dir, NULL };
  g_autoptr(DossierDemoServicesLauncher) launcher = dossier_demo_services_launcher_new (program, arguments);
  g_autoptr(DossierNetSession) net = dossier_net_session_new ();
  Browser browser = { soup_session_new (), "nguyen-gia-huy", FALSE, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (start (launcher, 30, &error));
  g_assert_no_error (error);
  dossier_net_session_set_allow_http (net, TRUE);
  for (guint i = 0; i < 2; i++)
    {
      const char *issuer = i == 0 ? dossier_demo_services_launcher_get_moh (launcher)
                                  : dossier_demo_services_launcher_get_moet (launcher);
      g_autoptr(DossierOAuthClient) client = dossier_oauth_client_new (net, issuer, "dossier-test");
      g_autoptr(DossierOAuthTokens) tokens = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *authorization = NULL, *url = NULL;

      dossier_oauth_client_set_scope (client, i == 0 ? "openid launch/patient patient/*.rs offline_access"
                                                     : "diploma_jwt_vc_json");
      dossier_oauth_client_set_browser (client, open_browser, &browser, NULL);
      tokens = sign_in (client, &browser, &error);
      g_assert_no_error (error);
      g_assert_nonnull (tokens);
      g_assert_cmpuint (browser.status, ==, 200);
      g_assert_cmpstr (tokens->token_type, ==, "Bearer");
      g_assert_nonnull (tokens->refresh_token);
      g_assert_cmpint (tokens->expires_at, >, g_get_real_time () / G_USEC_PER_SEC);
      /* the token reads the records it was given for (Gia Huy's Patient id in data/demo) */
      url = i == 0 ? g_strconcat (issuer, "/fhir/Immunization?patient=e9f70e03-b1ec-55d8-a829-b5f6f4446e02", NULL)
                   : g_strconcat (issuer, "/nonce", NULL);
      msg = soup_message_new (i == 0 ? SOUP_METHOD_GET : SOUP_METHOD_POST, url);
      authorization = g_strconcat ("Bearer ", tokens->access_token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
      body = soup_session_send_and_read (browser.session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      g_assert_finalize_object (g_steal_pointer (&client));
    }
  g_clear_object (&browser.session);
}

/* The services end with the process that started them, even when it
 * never stops them: here a child of this test starts them and is killed. */
static void
test_ends_with_parent (void)
{
  if (g_test_subprocess ())
    {
      const char *arguments[] = { "--data", demo_dir, NULL };
      DossierDemoServicesLauncher *launcher = dossier_demo_services_launcher_new (program, arguments);
      g_autoptr(GError) error = NULL;

      g_assert_true (start (launcher, 30, &error));
      g_assert_true (g_file_set_contents (g_getenv ("DOSSIER_TEST_MOET_FILE"),
                                          dossier_demo_services_launcher_get_moet (launcher), -1, NULL));
      /* gone without a word, as a crash would */
      raise (SIGKILL);
    }
  else
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(GBytes) body = NULL;
      g_autofree char *dir = g_dir_make_tmp ("demo-launcher-XXXXXX", NULL);
      g_autofree char *file = g_build_filename (dir, "moet", NULL);
      g_autofree char *moet = NULL, *url = NULL;
      guint status = 1;

      g_setenv ("DOSSIER_TEST_MOET_FILE", file, TRUE);
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_failed ();
      g_assert_true (g_file_get_contents (file, &moet, NULL, NULL));
      g_unlink (file);
      g_rmdir (dir);
      g_assert_true (g_str_has_prefix (moet, "http://127.0.0.1:"));
      url = g_strconcat (moet, "/.well-known/openid-credential-issuer", NULL);
      for (guint i = 0; i < 100 && status != 0; i++)
        {
          g_clear_pointer (&body, g_bytes_unref);
          body = http (session, "GET", url, NULL, NULL, &status);
          if (status != 0)
            g_usleep (50000);
        }
      g_assert_cmpuint (status, ==, 0);
    }
}

static void
test_timeout (void)
{
  const char *arguments[] = { "30", NULL };
  g_autoptr(DossierDemoServicesLauncher) launcher = dossier_demo_services_launcher_new ("/bin/sleep", arguments);
  g_autoptr(GError) error = NULL;
  gint64 began = g_get_monotonic_time ();

  g_assert_false (start (launcher, 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - began, <, 10 * G_USEC_PER_SEC);
  g_assert_false (dossier_demo_services_launcher_is_running (launcher));
}

static void
test_exits_early (void)
{
  g_autoptr(DossierDemoServicesLauncher) launcher = dossier_demo_services_launcher_new ("/bin/true", NULL);
  g_autoptr(DossierDemoServicesLauncher) missing = dossier_demo_services_launcher_new ("/nonexistent/dossier-demo-services", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (start (launcher, 10, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (start (missing, 10, &error));
  g_assert_nonnull (error);
}

static void
test_wrong_output (void)
{
  const char *lines[] = { "-c", "printf 'moet=http://127.0.0.1:1/moet\\nmoh=https://example.org/moh\\nshl=x\\n'; exec sleep 30", NULL };
  const char *flood[] = { "-c", "yes moet", NULL };
  g_autoptr(DossierDemoServicesLauncher) launcher = dossier_demo_services_launcher_new ("/bin/sh", lines);
  g_autoptr(DossierDemoServicesLauncher) noisy = dossier_demo_services_launcher_new ("/bin/sh", flood);
  g_autoptr(GError) error = NULL;

  g_assert_false (start (launcher, 10, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "moh"));
  g_clear_error (&error);
  /* "yes" prints lines, but not the addresses: refused at once */
  g_assert_false (start (noisy, 10, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_cancel (void)
{
  const char *arguments[] = { "30", NULL };
  g_autoptr(DossierDemoServicesLauncher) launcher = dossier_demo_services_launcher_new ("/bin/sleep", arguments);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dossier_demo_services_launcher_start_async (launcher, 30, cancellable, store_result, &result);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (dossier_demo_services_launcher_start_finish (launcher, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  program = g_getenv ("DOSSIER_DEMO_SERVICES");
  demo_dir = g_getenv ("DOSSIER_DEMO_DATA");
  g_assert_nonnull (program);
  g_assert_nonnull (demo_dir);
  g_test_add_func ("/demo-services-launcher/start-and-talk", test_start_and_talk);
  g_test_add_func ("/demo-services-launcher/shl-round-trip", test_shl_round_trip);
  g_test_add_func ("/demo-services-launcher/wallet-sign-in", test_wallet_sign_in);
  g_test_add_func ("/demo-services-launcher/ends-with-parent", test_ends_with_parent);
  g_test_add_func ("/demo-services-launcher/timeout", test_timeout);
  g_test_add_func ("/demo-services-launcher/exits-early", test_exits_early);
  g_test_add_func ("/demo-services-launcher/wrong-output", test_wrong_output);
  g_test_add_func ("/demo-services-launcher/cancel", test_cancel);
  return g_test_run ();
}
