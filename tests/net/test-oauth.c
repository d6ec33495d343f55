// SPDX-License-Identifier: GPL-3.0-or-later
/* Signing in with OAuth 2.0 and PKCE against an authorization server
 * written here on a SoupServer on 127.0.0.1: it publishes its settings,
 * issues codes at its authorize endpoint, checks the PKCE verifier at its
 * token endpoint, refreshes and revokes tokens, and guards a resource with
 * them.  The web browser is replaced by plain HTTP requests to the consent
 * page, which redirects to Dossier's loopback callback. */
#include "dossier-oauth-client.h"
#include "dossier-oauth-metadata.h"
#include "dossier-secret.h"

#include <libsoup/soup.h>
#include <openssl/sha.h>
#include <string.h>

#define CLIENT_ID "dossier-test"

typedef enum
{
  METADATA_OPENID,        /* openid-configuration, with revocation */
  METADATA_OAUTH_ONLY,    /* openid-configuration missing: RFC 8414's document */
  METADATA_SMART_ONLY,    /* only smart-configuration, without revocation */
  METADATA_NONE,
  METADATA_NO_TOKEN_ENDPOINT,
  METADATA_NO_S256,
  METADATA_OTHER_ISSUER,
  METADATA_MALFORMED,
  METADATA_OVERSIZED,
} MetadataMode;

typedef enum
{
  CONSENT_GRANT,
  CONSENT_DENY,
  CONSENT_WRONG_STATE,
} ConsentMode;

typedef enum
{
  TOKENS_OK,
  TOKENS_MALFORMED,
  TOKENS_OVERSIZED,
  TOKENS_NOT_BEARER,
} TokensMode;

typedef struct
{
  char *challenge;
  char *redirect_uri;
} Grant;

typedef struct
{
  SoupServer   *server;
  char         *issuer;
  MetadataMode  metadata;
  ConsentMode   consent;
  TokensMode    tokens;
  GHashTable   *grants;         /* code → Grant */
  GHashTable   *access_tokens;  /* valid ones */
  GHashTable   *refresh_tokens; /* valid ones */
  guint         issued;
  guint         token_requests;
  guint         pkce_failures;
  guint         revocations;
  guint         metadata_requests;

  /* the stand-in for the web browser */
  SoupSession  *browser;
  gboolean      drive_consent;
  gboolean      swap_challenge;
  char         *callback_uri;
  guint         browser_status;
  char         *browser_page;

  DossierNetSession  *net;
  DossierOAuthClient *client;
  GAsyncResult       *result;
} Fixture;

static void
grant_free (Grant *grant)
{
  g_free (grant->challenge);
  g_free (grant->redirect_uri);
  g_free (grant);
}

static void
reply_json (SoupServerMessage *message,
            guint              status,
            const char        *json)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static char *
s256 (const char *verifier)
{
  guint8 digest[SHA256_DIGEST_LENGTH];
  g_autofree char *base64 = NULL;
  char *p;

  SHA256 ((const guint8 *) verifier, strlen (verifier), digest);
  base64 = g_base64_encode (digest, sizeof digest);
  for (p = base64; *p != '\0'; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  if ((p = strchr (base64, '=')) != NULL)
    *p = '\0';
  return g_steal_pointer (&base64);
}

static char *
metadata_document (Fixture    *f,
                   const char *name)
{
  g_autofree char *endpoints = NULL;
  const char *issuer = f->metadata == METADATA_OTHER_ISSUER ? "https://elsewhere.example" : f->issuer;

  if (f->metadata == METADATA_MALFORMED)
    return g_strdup ("{\"issuer\": \"broken");
  if (f->metadata == METADATA_OVERSIZED)
    {
      g_autofree char *padding = g_strnfill (100000, 'x');

      return g_strdup_printf ("{\"issuer\":\"%s\",\"padding\":\"%s\"}", f->issuer, padding);
    }
  if (f->metadata == METADATA_NONE ||
      (f->metadata == METADATA_OAUTH_ONLY && !g_str_equal (name, "oauth-authorization-server")) ||
      (f->metadata == METADATA_SMART_ONLY && !g_str_equal (name, "smart-configuration")))
    return NULL;
  endpoints = g_strdup_printf ("\"authorization_endpoint\":\"%s/authorize\"", f->issuer);
  if (f->metadata != METADATA_NO_TOKEN_ENDPOINT)
    {
      g_autofree char *shorter = g_steal_pointer (&endpoints);

      endpoints = g_strdup_printf ("%s,\"token_endpoint\":\"%s/token\"", shorter, f->issuer);
    }
  if (f->metadata != METADATA_SMART_ONLY)
    {
      g_autofree char *shorter = g_steal_pointer (&endpoints);

      endpoints = g_strdup_printf ("%s,\"revocation_endpoint\":\"%s/revoke\"", shorter, f->issuer);
    }
  return g_strdup_printf ("{%s%s%s\"response_types_supported\":[\"code\"],%s,"
                          "\"code_challenge_methods_supported\":[%s]}",
                          f->metadata == METADATA_SMART_ONLY ? "" : "\"issuer\":\"",
                          f->metadata == METADATA_SMART_ONLY ? "" : issuer,
                          f->metadata == METADATA_SMART_ONLY ? "" : "\",",
                          endpoints, f->metadata == METADATA_NO_S256 ? "\"plain\"" : "\"S256\"");
}

static void
handle_metadata (Fixture           *f,
                 SoupServerMessage *message,
                 const char        *name)
{
  g_autofree char *document = metadata_document (f, name);

  f->metadata_requests++;
  if (document == NULL)
    soup_server_message_set_status (message, 404, NULL);
  else
    reply_json (message, 200, document);
}

static void
handle_authorize (Fixture           *f,
                  SoupServerMessage *message,
                  GHashTable        *query)
{
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *challenge = query ? g_hash_table_lookup (query, "code_challenge") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  g_autofree char *code = NULL;
  g_autofree char *location = NULL;
  g_autofree char *encoded_state = NULL;
  g_autofree char *encoded_issuer = NULL;
  Grant *grant;

  if (redirect_uri == NULL || challenge == NULL || state == NULL ||
      g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "client_id"), CLIENT_ID) != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "code_challenge_method"), "S256") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "scope"), "openid patient/*.read") != 0 ||
      !g_str_has_prefix (redirect_uri, "http://127.0.0.1:") || !g_str_has_suffix (redirect_uri, "/callback") ||
      strlen (challenge) != 43)
    {
      soup_server_message_set_status (message, 400, NULL);
      return;
    }
  encoded_issuer = g_uri_escape_string (f->issuer, NULL, FALSE);
  if (f->consent == CONSENT_DENY)
    {
      encoded_state = g_uri_escape_string (state, NULL, FALSE);
      location = g_strdup_printf ("%s?error=access_denied&state=%s&iss=%s", redirect_uri, encoded_state,
                                  encoded_issuer);
      soup_server_message_set_redirect (message, 302, location);
      return;
    }
  code = g_strdup_printf ("code-%u", ++f->issued);
  grant = g_new0 (Grant, 1);
  grant->challenge = g_strdup (challenge);
  grant->redirect_uri = g_strdup (redirect_uri);
  g_hash_table_insert (f->grants, g_strdup (code), grant);
  encoded_state = g_uri_escape_string (f->consent == CONSENT_WRONG_STATE ? "forged-state" : state, NULL, FALSE);
  location = g_strdup_printf ("%s?code=%s&state=%s&iss=%s", redirect_uri, code, encoded_state, encoded_issuer);
  soup_server_message_set_redirect (message, 302, location);
}

static void
issue_tokens (Fixture           *f,
              SoupServerMessage *message,
              gboolean           with_refresh)
{
  g_autofree char *access = g_strdup_printf ("access-%u", ++f->issued);
  g_autofree char *refresh = g_strdup_printf ("refresh-%u", f->issued);
  g_autofree char *json = NULL;

  if (f->tokens == TOKENS_MALFORMED)
    {
      reply_json (message, 200, "{\"access_token\":");
      return;
    }
  if (f->tokens == TOKENS_OVERSIZED)
    {
      g_autofree char *padding = g_strnfill (200000, 'a');

      json = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"Bearer\"}", padding);
      reply_json (message, 200, json);
      return;
    }
  g_hash_table_add (f->access_tokens, g_strdup (access));
  if (with_refresh)
    g_hash_table_add (f->refresh_tokens, g_strdup (refresh));
  json = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"%s\",\"expires_in\":3600,"
                          "\"scope\":\"openid patient/*.read\"%s%s%s}",
                          access, f->tokens == TOKENS_NOT_BEARER ? "DPoP" : "bearer",
                          with_refresh ? ",\"refresh_token\":\"" : "", with_refresh ? refresh : "",
                          with_refresh ? "\"" : "");
  reply_json (message, 200, json);
}

static GHashTable *
read_form (SoupServerMessage *message)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (message),
                                                             NULL);

  if (g_strcmp0 (type, "application/x-www-form-urlencoded") != 0 ||
      g_strcmp0 (soup_server_message_get_method (message), "POST") != 0)
    return NULL;
  return soup_form_decode (text);
}

static void
handle_token (Fixture           *f,
              SoupServerMessage *message)
{
  g_autoptr(GHashTable) form = read_form (message);
  const char *grant_type = form ? g_hash_table_lookup (form, "grant_type") : NULL;

  f->token_requests++;
  if (form == NULL || g_strcmp0 (g_hash_table_lookup (form, "client_id"), CLIENT_ID) != 0)
    reply_json (message, 401, "{\"error\":\"invalid_client\"}");
  else if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      const char *code = g_hash_table_lookup (form, "code");
      const char *verifier = g_hash_table_lookup (form, "code_verifier");
      Grant *grant = code != NULL ? g_hash_table_lookup (f->grants, code) : NULL;
      g_autofree char *challenge = verifier != NULL ? s256 (verifier) : NULL;

      if (grant == NULL || g_strcmp0 (grant->redirect_uri, g_hash_table_lookup (form, "redirect_uri")) != 0)
        reply_json (message, 400, "{\"error\":\"invalid_grant\"}");
      else if (verifier == NULL || strlen (verifier) < 43 || g_strcmp0 (challenge, grant->challenge) != 0)
        {
          f->pkce_failures++;
          reply_json (message, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"PKCE verification failed\"}");
        }
      else
        issue_tokens (f, message, TRUE);
      if (code != NULL)
        g_hash_table_remove (f->grants, code);  /* codes are single-use */
    }
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      const char *refresh = g_hash_table_lookup (form, "refresh_token");

      if (refresh == NULL || !g_hash_table_contains (f->refresh_tokens, refresh))
        reply_json (message, 400, "{\"error\":\"invalid_grant\"}");
      else
        issue_tokens (f, message, FALSE);
    }
  else
    reply_json (message, 400, "{\"error\":\"unsupported_grant_type\"}");
}

static void
handle_revoke (Fixture           *f,
               SoupServerMessage *message)
{
  g_autoptr(GHashTable) form = read_form (message);
  const char *token = form ? g_hash_table_lookup (form, "token") : NULL;

  if (token == NULL)
    {
      reply_json (message, 400, "{\"error\":\"invalid_request\"}");
      return;
    }
  f->revocations++;
  g_hash_table_remove (f->access_tokens, token);
  g_hash_table_remove (f->refresh_tokens, token);
  soup_server_message_set_status (message, 200, NULL);
}

/* A resource guarded by the tokens. */
static void
handle_resource (Fixture           *f,
                 SoupServerMessage *message)
{
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Authorization");

  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer ") &&
      g_hash_table_contains (f->access_tokens, authorization + 7))
    reply_json (message, 200, "{\"name\":\"Trần Thị Mai\"}");
  else
    soup_server_message_set_status (message, 401, NULL);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Fixture *f = user_data;

  if (g_str_has_prefix (path, "/.well-known/"))
    handle_metadata (f, message, path + strlen ("/.well-known/"));
  else if (g_str_equal (path, "/authorize"))
    handle_authorize (f, message, query);
  else if (g_str_equal (path, "/token"))
    handle_token (f, message);
  else if (g_str_equal (path, "/revoke"))
    handle_revoke (f, message);
  else if (g_str_equal (path, "/userinfo"))
    handle_resource (f, message);
  else
    soup_server_message_set_status (message, 404, NULL);
}

static void
on_browser_page (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  /* 1 when the page never came */
  f->browser_status = MAX (1, soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source), result)));
  if (page != NULL)
    {
      g_free (f->browser_page);
      f->browser_page = g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page));
    }
}

/* The web browser: loads the consent page, which (consent given) sends it
 * on to the callback. */
static gboolean
open_browser (const char  *uri,
              gpointer     user_data,
              GError     **error)
{
  Fixture *f = user_data;
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GHashTable) query = soup_form_decode (g_uri_get_query (parsed));
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *target = g_strdup (uri);

  g_assert_true (g_str_has_prefix (uri, f->issuer));
  g_free (f->callback_uri);
  f->callback_uri = g_strdup (g_hash_table_lookup (query, "redirect_uri"));
  if (!f->drive_consent)
    return TRUE;
  if (f->swap_challenge)
    {
      /* someone in between swaps the challenge for one of their own */
      const char *challenge = g_hash_table_lookup (query, "code_challenge");
      g_autofree char *forged = s256 ("an attacker's verifier, which is long enough to pass");
      GString *text = g_string_new (uri);

      g_string_replace (text, challenge, forged, 1);
      g_free (target);
      target = g_string_free (text, FALSE);
    }
  message = soup_message_new (SOUP_METHOD_GET, target);
  soup_session_send_and_read_async (f->browser, message, G_PRIORITY_DEFAULT, NULL, on_browser_page, f);
  return TRUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->issuer = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->grants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_free);
  f->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->browser = soup_session_new ();
  f->drive_consent = TRUE;

  f->net = dossier_net_session_new ();
  dossier_net_session_set_allow_http (f->net, TRUE);
  f->client = dossier_oauth_client_new (f->net, f->issuer, CLIENT_ID);
  dossier_oauth_client_set_scope (f->client, "openid patient/*.read");
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
  g_clear_object (&f->server);
  g_hash_table_unref (f->grants);
  g_hash_table_unref (f->access_tokens);
  g_hash_table_unref (f->refresh_tokens);
  g_free (f->issuer);
  g_free (f->callback_uri);
  g_free (f->browser_page);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = g_object_ref (result);
}

static void
wait_result (Fixture *f)
{
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static DossierOAuthTokens *
sign_in (Fixture       *f,
         GCancellable  *cancellable,
         GError       **error)
{
  g_clear_object (&f->result);
  dossier_oauth_client_sign_in_async (f->client, cancellable, store_result, f);
  wait_result (f);
  /* let the browser's page arrive too */
  while (f->drive_consent && f->browser_status == 0)
    g_main_context_iteration (NULL, TRUE);
  return dossier_oauth_client_get_tokens_finish (f->client, f->result, error);
}

static DossierOAuthTokens *
refresh (Fixture                  *f,
         const DossierOAuthTokens *tokens,
         GError                  **error)
{
  g_clear_object (&f->result);
  dossier_oauth_client_refresh_async (f->client, tokens, NULL, store_result, f);
  wait_result (f);
  return dossier_oauth_client_get_tokens_finish (f->client, f->result, error);
}

static gboolean
sign_out (Fixture                  *f,
          const DossierOAuthTokens *tokens,
          GError                  **error)
{
  g_clear_object (&f->result);
  dossier_oauth_client_sign_out_async (f->client, tokens, NULL, store_result, f);
  wait_result (f);
  return dossier_oauth_client_sign_out_finish (f->client, f->result, error);
}

static gboolean
discover (Fixture  *f,
          GError  **error)
{
  g_clear_object (&f->result);
  dossier_oauth_client_discover_async (f->client, NULL, store_result, f);
  wait_result (f);
  return dossier_oauth_client_discover_finish (f->client, f->result, error);
}

/* https to a server that speaks plain http: the TLS greeting is never
 * answered, and the session's timeout ends the wait */
static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *https = g_strconcat ("https", f->issuer + strlen ("http"), NULL);
  g_autoptr(DossierOAuthClient) client = dossier_oauth_client_new (f->net, https, CLIENT_ID);
  g_autoptr(GError) error = NULL;

  gint64 start = g_get_monotonic_time ();

  dossier_net_session_set_timeout (f->net, 1);
  g_clear_object (&f->result);
  dossier_oauth_client_discover_async (client, NULL, store_result, f);
  wait_result (f);
  g_assert_false (dossier_oauth_client_discover_finish (client, f->result, &error));
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_OFFLINE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->metadata_requests, ==, 0);
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Sends @message from the test's own session, with the servers in this
 * process still answering. */
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

/* The status the guarded resource answers @access_token with. */
static guint
use_token (Fixture    *f,
           const char *access_token)
{
  g_autofree char *uri = g_strconcat (f->issuer, "/userinfo", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", access_token, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  body = send_and_read (f, message, NULL);
  return soup_message_get_status (message);
}

/* Whether anything still listens at the callback address. */
static gboolean
callback_listens (Fixture *f)
{
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, f->callback_uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = send_and_read (f, message, &error);

  return body != NULL;
}

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = sign_in (f, NULL, &error);
  g_autofree char *revocation_endpoint = g_strconcat (f->issuer, "/revoke", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_assert_cmpstr (tokens->token_type, ==, "Bearer");
  g_assert_true (g_str_has_prefix (tokens->access_token, "access-"));
  g_assert_true (g_str_has_prefix (tokens->refresh_token, "refresh-"));
  g_assert_cmpstr (tokens->scope, ==, "openid patient/*.read");
  g_assert_cmpint (tokens->expires_at, >=, now + 3590);
  g_assert_cmpint (tokens->expires_at, <=, now + 3610);
  g_assert_false (dossier_oauth_tokens_is_expired (tokens, now));
  g_assert_true (dossier_oauth_tokens_is_expired (tokens, now + 3600));
  g_assert_cmpstr (dossier_oauth_client_get_revocation_endpoint (f->client), ==, revocation_endpoint);

  /* the tokens open the resource; the browser was told it worked */
  g_assert_cmpuint (use_token (f, tokens->access_token), ==, 200);
  g_assert_cmpuint (f->browser_status, ==, 200);
  g_assert_nonnull (strstr (f->browser_page, "Signed in"));
  g_assert_cmpuint (f->pkce_failures, ==, 0);
  g_assert_cmpuint (f->token_requests, ==, 1);
  g_assert_cmpuint (g_hash_table_size (f->grants), ==, 0);

  /* the callback server lived for this sign-in only */
  g_assert_true (g_str_has_prefix (f->callback_uri, "http://127.0.0.1:"));
  g_assert_false (callback_listens (f));
}

static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = sign_in (f, NULL, &error);
  g_autoptr(DossierOAuthTokens) renewed = NULL;
  g_autoptr(DossierOAuthTokens) refused = NULL;

  g_assert_no_error (error);
  renewed = refresh (f, tokens, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renewed->access_token, !=, tokens->access_token);
  /* the service gave no new refresh token: the old one is kept */
  g_assert_cmpstr (renewed->refresh_token, ==, tokens->refresh_token);
  g_assert_cmpuint (use_token (f, renewed->access_token), ==, 200);

  /* a refresh token the service no longer honours */
  g_hash_table_remove_all (f->refresh_tokens);
  refused = refresh (f, tokens, &error);
  g_assert_null (refused);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED);
}

static void
test_sign_out (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = sign_in (f, NULL, &error);
  g_autoptr(DossierOAuthTokens) refused = NULL;

  g_assert_no_error (error);
  g_assert_true (sign_out (f, tokens, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->revocations, ==, 2);
  g_assert_cmpuint (use_token (f, tokens->access_token), ==, 401);
  refused = refresh (f, tokens, &error);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED);
}

static void
test_smart_without_revocation (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = NULL;

  f->metadata = METADATA_SMART_ONLY;
  tokens = sign_in (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->metadata_requests, ==, 3);
  g_assert_null (dossier_oauth_client_get_revocation_endpoint (f->client));
  /* nothing to revoke at: signing out is forgetting the tokens */
  g_assert_true (sign_out (f, tokens, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->revocations, ==, 0);
}

static void
test_discovery_fallback (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token_endpoint = g_strconcat (f->issuer, "/token", NULL);

  f->metadata = METADATA_OAUTH_ONLY;
  g_assert_true (discover (f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->metadata_requests, ==, 2);
  g_assert_cmpstr (dossier_oauth_client_get_token_endpoint (f->client), ==, token_endpoint);
  g_assert_nonnull (dossier_oauth_client_get_revocation_endpoint (f->client));
}

static void
assert_discovery_fails (Fixture      *f,
                        MetadataMode  mode,
                        gint          code,
                        const char   *words)
{
  g_autoptr(GError) error = NULL;

  f->metadata = mode;
  g_assert_false (discover (f, &error));
  g_assert_error (error, DOSSIER_OAUTH_ERROR, code);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

static void
test_discovery_errors (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(DossierOAuthTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;

  assert_discovery_fails (f, METADATA_NONE, DOSSIER_OAUTH_ERROR_UNSUPPORTED, "openid-configuration");
  assert_discovery_fails (f, METADATA_NO_TOKEN_ENDPOINT, DOSSIER_OAUTH_ERROR_SERVER, "token_endpoint");
  assert_discovery_fails (f, METADATA_NO_S256, DOSSIER_OAUTH_ERROR_UNSUPPORTED, "S256");
  assert_discovery_fails (f, METADATA_OTHER_ISSUER, DOSSIER_OAUTH_ERROR_SERVER, "elsewhere.example");
  assert_discovery_fails (f, METADATA_MALFORMED, DOSSIER_OAUTH_ERROR_SERVER, "JSON");
  assert_discovery_fails (f, METADATA_OVERSIZED, DOSSIER_OAUTH_ERROR_SERVER, "larger");

  /* a failed discovery stops the sign-in before the browser opens */
  f->metadata = METADATA_NO_TOKEN_ENDPOINT;
  f->drive_consent = FALSE;
  tokens = sign_in (f, NULL, &error);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER);
  g_assert_null (f->callback_uri);
}

static void
test_wrong_state (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = NULL;

  f->consent = CONSENT_WRONG_STATE;
  tokens = sign_in (f, NULL, &error);
  g_assert_null (tokens);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_WRONG_STATE);
  /* the code was never used, and the browser was told */
  g_assert_cmpuint (f->token_requests, ==, 0);
  g_assert_cmpuint (f->browser_status, ==, 400);
  g_assert_nonnull (strstr (f->browser_page, "Sign-in failed"));
}

static void
test_denied (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = NULL;

  f->consent = CONSENT_DENY;
  tokens = sign_in (f, NULL, &error);
  g_assert_null (tokens);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "access_denied"));
  g_assert_cmpuint (f->token_requests, ==, 0);
}

static void
test_pkce_mismatch (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierOAuthTokens) tokens = NULL;

  f->swap_challenge = TRUE;
  tokens = sign_in (f, NULL, &error);
  g_assert_null (tokens);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED);
  g_assert_cmpuint (f->pkce_failures, ==, 1);
  g_assert_cmpuint (g_hash_table_size (f->access_tokens), ==, 0);
}

static void
test_token_answers (Fixture       *f,
                    gconstpointer  data)
{
  struct { TokensMode mode; gint code; const char *words; } cases[] = {
    { TOKENS_MALFORMED, DOSSIER_OAUTH_ERROR_SERVER, "JSON" },
    { TOKENS_OVERSIZED, DOSSIER_OAUTH_ERROR_SERVER, "larger" },
    { TOKENS_NOT_BEARER, DOSSIER_OAUTH_ERROR_UNSUPPORTED, "DPoP" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DossierOAuthTokens) tokens = NULL;

      f->tokens = cases[i].mode;
      f->browser_status = 0;
      tokens = sign_in (f, NULL, &error);
      g_assert_null (tokens);
      g_assert_error (error, DOSSIER_OAUTH_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].words) == NULL)
        g_error ("“%s” does not say “%s”", error->message, cases[i].words);
    }
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DossierOAuthTokens) tokens = NULL;

  /* the person never comes back from the browser */
  f->drive_consent = FALSE;
  g_timeout_add (100, cancel_later, cancellable);
  tokens = sign_in (f, cancellable, &error);
  g_assert_null (tokens);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (f->callback_uri);
  g_clear_object (&f->result);
  g_assert_false (callback_listens (f));
  g_assert_cmpuint (f->token_requests, ==, 0);
}

static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* nothing listens there any more */
  soup_server_disconnect (f->server);
  g_assert_false (discover (f, &error));
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_OFFLINE);
}

static void
test_not_https (void)
{
  g_autoptr(DossierNetSession) net = dossier_net_session_new ();
  g_autoptr(DossierOAuthClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* plain http to another machine is refused before anything is sent */
  dossier_net_session_set_allow_http (net, TRUE);
  client = dossier_oauth_client_new (net, "http://health.example", CLIENT_ID);
  dossier_oauth_client_discover_async (client, NULL, keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (dossier_oauth_client_discover_finish (client, result, &error));
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_UNSUPPORTED);
}

static void
test_tokens_serialize (void)
{
  g_autoptr(DossierOAuthTokens) tokens = dossier_oauth_tokens_new ();
  g_autoptr(DossierOAuthTokens) back = NULL;
  g_autoptr(DossierOAuthTokens) broken = NULL;
  g_autoptr(DossierSecretString) text = NULL;
  g_autoptr(GError) error = NULL;

  tokens->access_token = dossier_secure_strdup ("a\"b\\c\x01");
  tokens->token_type = g_strdup ("Bearer");
  tokens->scope = g_strdup ("openid");
  tokens->expires_at = 1900000000;
  text = dossier_oauth_tokens_serialize (tokens);
  back = dossier_oauth_tokens_deserialize (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->access_token, ==, tokens->access_token);
  g_assert_null (back->refresh_token);
  g_assert_cmpstr (back->scope, ==, "openid");
  g_assert_cmpint (back->expires_at, ==, 1900000000);

  {
    const char *answer = "{\"access_token\":\"secret-a\",\"refresh_token\":\"secret-r\",\"scope\":\"openid\"}";
    g_autoptr(JsonNode) root = json_from_string (answer, NULL);
    JsonObject *object = json_node_get_object (root);

    /* the parsed copies of the tokens are wiped, the rest is kept */
    dossier_oauth_tokens_wipe_json (object);
    g_assert_cmpstr (json_object_get_string_member (object, "access_token"), ==, "");
    g_assert_cmpstr (json_object_get_string_member (object, "refresh_token"), ==, "");
    g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==, "openid");
  }

  broken = dossier_oauth_tokens_deserialize ("{\"token_type\":\"Bearer\"}", 23, &error);
  g_assert_null (broken);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_INVALID);
}

static void
test_metadata_uri (void)
{
  struct { const char *issuer; DossierOAuthMetadataKind kind; const char *uri; } cases[] = {
    { "https://health.example/fhir/", DOSSIER_OAUTH_METADATA_OPENID,
      "https://health.example/fhir/.well-known/openid-configuration" },
    { "https://health.example/fhir", DOSSIER_OAUTH_METADATA_OAUTH,
      "https://health.example/.well-known/oauth-authorization-server/fhir" },
    { "https://health.example:8443/r4", DOSSIER_OAUTH_METADATA_SMART,
      "https://health.example:8443/r4/.well-known/smart-configuration" },
    { "https://school.example", DOSSIER_OAUTH_METADATA_OAUTH,
      "https://school.example/.well-known/oauth-authorization-server" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *uri = dossier_oauth_metadata_uri (cases[i].issuer, cases[i].kind);

      g_assert_cmpstr (uri, ==, cases[i].uri);
    }
  g_assert_null (dossier_oauth_metadata_uri ("not an address", DOSSIER_OAUTH_METADATA_OPENID));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/oauth/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("sign-in", test_sign_in);
  ADD ("refresh", test_refresh);
  ADD ("sign-out", test_sign_out);
  ADD ("smart-without-revocation", test_smart_without_revocation);
  ADD ("discovery-fallback", test_discovery_fallback);
  ADD ("discovery-errors", test_discovery_errors);
  ADD ("wrong-state", test_wrong_state);
  ADD ("denied", test_denied);
  ADD ("pkce-mismatch", test_pkce_mismatch);
  ADD ("token-answers", test_token_answers);
  ADD ("cancel", test_cancel);
  ADD ("offline", test_offline);
  ADD ("timeout", test_timeout);
#undef ADD
  g_test_add_func ("/oauth/not-https", test_not_https);
  g_test_add_func ("/oauth/metadata-uri", test_metadata_uri);
  g_test_add_func ("/oauth/tokens-serialize", test_tokens_serialize);
  return g_test_run ();
}
