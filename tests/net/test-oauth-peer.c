// SPDX-License-Identifier: GPL-3.0-or-later
/* Signing in to a third-party authorization server: the oidc-provider
 * OpenID Connect server from npm, started on 127.0.0.1 by
 * tests/peers/run-oauth-peer.sh, which passes its issuer in
 * DOSSIER_OAUTH_PEER_ISSUER.  The web browser is replaced by plain HTTP
 * requests (with cookies) that fill in its login and consent pages. */
#include "dossier-oauth-client.h"

#include <libsoup/soup.h>
#include <string.h>

#define CLIENT_ID "dossier-test"
#define MAX_PAGES 10

typedef struct
{
  const char         *issuer;
  SoupSession        *browser;
  DossierNetSession  *net;
  DossierOAuthClient *client;
  GAsyncResult       *result;
  gboolean            forge_state;
  gboolean            swap_challenge;
  guint               pages;
  guint               final_status;
  gboolean            done;
} Fixture;

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GBytes *
send_and_read (Fixture      *f,
               SoupMessage  *message,
               GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  soup_session_send_and_read_async (f->browser, message, G_PRIORITY_DEFAULT, NULL, keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return soup_session_send_and_read_finish (f->browser, result, error);
}

/* The value of the first `name="value"` after @after in @page. */
static char *
attribute_after (const char *page,
                 const char *after,
                 const char *name)
{
  const char *at = strstr (page, after);
  g_autofree char *pattern = g_strdup_printf ("%s=\"", name);
  const char *start;
  const char *end;

  if (at == NULL || (start = strstr (at, pattern)) == NULL)
    return NULL;
  start += strlen (pattern);
  end = strchr (start, '"');
  return end != NULL ? g_strndup (start, end - start) : NULL;
}

static void drive_page (Fixture *f, SoupMessage *message);

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  g_autofree char *text = page != NULL ? g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page)) : NULL;
  g_autofree char *action = text != NULL ? attribute_after (text, "<form", "action") : NULL;
  g_autofree char *prompt = text != NULL ? attribute_after (text, "name=\"prompt\"", "value") : NULL;
  GUri *at = soup_message_get_uri (message);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GUri) target = NULL;
  g_autofree char *target_uri = NULL;
  g_autoptr(SoupMessage) next = NULL;

  /* back at Dossier's callback, or a page without a form: the end */
  if (action == NULL || prompt == NULL || ++f->pages > MAX_PAGES || g_str_has_suffix (g_uri_get_path (at), "/callback"))
    {
      f->final_status = MAX (1, soup_message_get_status (message));
      f->done = TRUE;
      return;
    }
  /* the development login page takes any name and password */
  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, "prompt", prompt);
  g_hash_table_insert (form, "login", "tran-thi-mai");
  g_hash_table_insert (form, "password", "any");
  target = g_uri_parse_relative (at, action, SOUP_HTTP_URI_FLAGS, NULL);
  g_assert_nonnull (target);
  target_uri = g_uri_to_string (target);
  next = soup_message_new_from_encoded_form (SOUP_METHOD_POST, target_uri, soup_form_encode_hash (form));
  drive_page (f, next);
}

static void
drive_page (Fixture     *f,
            SoupMessage *message)
{
  soup_session_send_and_read_async (f->browser, message, G_PRIORITY_DEFAULT, NULL, on_page, f);
}

static char *
replace_parameter (const char *uri,
                   const char *name,
                   const char *value)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(GHashTable) query = soup_form_decode (g_uri_get_query (parsed));
  g_autofree char *encoded = NULL;
  g_autoptr(GUri) changed = NULL;

  g_hash_table_replace (query, g_strdup (name), g_strdup (value));
  encoded = soup_form_encode_hash (query);
  changed = soup_uri_copy (parsed, SOUP_URI_QUERY, encoded, SOUP_URI_NONE);
  return g_uri_to_string (changed);
}

static gboolean
open_browser (const char  *uri,
              gpointer     user_data,
              GError     **error)
{
  Fixture *f = user_data;
  g_autofree char *target = g_strdup (uri);
  g_autoptr(SoupMessage) message = NULL;

  g_assert_true (g_str_has_prefix (uri, f->issuer));
  if (f->forge_state)
    {
      g_autofree char *forged = replace_parameter (target, "state", "forged-by-someone-else");

      g_free (target);
      target = g_steal_pointer (&forged);
    }
  if (f->swap_challenge)
    {
      /* the challenge of a verifier someone else holds */
      g_autofree char *forged = replace_parameter (target, "code_challenge",
                                                   "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");

      g_free (target);
      target = g_steal_pointer (&forged);
    }
  message = soup_message_new (SOUP_METHOD_GET, target);
  drive_page (f, message);
  return TRUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SoupCookieJar) jar = soup_cookie_jar_new ();

  f->issuer = g_getenv ("DOSSIER_OAUTH_PEER_ISSUER");
  g_assert_nonnull (f->issuer);
  f->browser = soup_session_new ();
  soup_session_add_feature (f->browser, SOUP_SESSION_FEATURE (jar));
  f->net = dossier_net_session_new ();
  dossier_net_session_set_allow_http (f->net, TRUE);
  f->client = dossier_oauth_client_new (f->net, f->issuer, CLIENT_ID);
  dossier_oauth_client_set_scope (f->client, "openid");
  dossier_oauth_client_set_browser (f->client, open_browser, f, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->result);
  g_assert_finalize_object (f->client);
  g_assert_finalize_object (f->net);
  g_clear_object (&f->browser);
}

static DossierOAuthTokens *
sign_in (Fixture  *f,
         GError  **error)
{
  g_clear_object (&f->result);
  f->done = FALSE;
  f->pages = 0;
  dossier_oauth_client_sign_in_async (f->client, NULL, keep_result, &f->result);
  while (f->result == NULL || !f->done)
    g_main_context_iteration (NULL, TRUE);
  return dossier_oauth_client_get_tokens_finish (f->client, f->result, error);
}

static DossierOAuthTokens *
refresh (Fixture                  *f,
         const DossierOAuthTokens *tokens,
         GError                  **error)
{
  g_clear_object (&f->result);
  dossier_oauth_client_refresh_async (f->client, tokens, NULL, keep_result, &f->result);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return dossier_oauth_client_get_tokens_finish (f->client, f->result, error);
}

/* What the server's userinfo endpoint answers to @access_token. */
static guint
userinfo (Fixture    *f,
          const char *access_token)
{
  g_autofree char *uri = g_strconcat (f->issuer, "/me", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", access_token, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  body = send_and_read (f, message, NULL);
  return soup_message_get_status (message);
}

static void
test_sign_in_refresh_sign_out (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = sign_in (f, &error);
  g_autoptr(DossierOAuthTokens) renewed = NULL;
  g_autoptr(DossierOAuthTokens) refused = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_assert_cmpuint (f->final_status, ==, 200);
  g_assert_cmpstr (tokens->token_type, ==, "Bearer");
  g_assert_nonnull (tokens->refresh_token);
  g_assert_cmpint (tokens->expires_at, >, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_nonnull (dossier_oauth_client_get_revocation_endpoint (f->client));
  g_assert_cmpuint (userinfo (f, tokens->access_token), ==, 200);

  renewed = refresh (f, tokens, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renewed->access_token, !=, tokens->access_token);
  g_assert_nonnull (renewed->refresh_token);
  g_assert_cmpuint (userinfo (f, renewed->access_token), ==, 200);

  g_clear_object (&f->result);
  dossier_oauth_client_sign_out_async (f->client, renewed, NULL, keep_result, &f->result);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (dossier_oauth_client_sign_out_finish (f->client, f->result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (userinfo (f, renewed->access_token), ==, 401);
  refused = refresh (f, renewed, &error);
  g_assert_null (refused);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED);
}

static void
test_wrong_state (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = NULL;

  f->forge_state = TRUE;
  tokens = sign_in (f, &error);
  g_assert_null (tokens);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_WRONG_STATE);
  g_assert_cmpuint (f->final_status, ==, 400);
}

static void
test_pkce_mismatch (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = NULL;

  f->swap_challenge = TRUE;
  tokens = sign_in (f, &error);
  g_assert_null (tokens);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/oauth-peer/sign-in-refresh-sign-out", Fixture, NULL, fixture_set_up, test_sign_in_refresh_sign_out,
              fixture_tear_down);
  g_test_add ("/oauth-peer/wrong-state", Fixture, NULL, fixture_set_up, test_wrong_state, fixture_tear_down);
  g_test_add ("/oauth-peer/pkce-mismatch", Fixture, NULL, fixture_set_up, test_pkce_mismatch, fixture_tear_down);
  return g_test_run ();
}
