// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-services-private.h"

#include "dossier-base64.h"
#include "dossier-json.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

/* The request parameters the consent form carries through, as hidden inputs. */
static const char * const carried[] = {
  "response_type", "client_id", "redirect_uri", "state", "code_challenge",
  "code_challenge_method", "scope", "authorization_details", "aud", "launch", "nonce",
};

static const char *
service_name (DemoService service)
{
  return service == DEMO_SERVICE_MOET ? "Bộ Giáo dục và Đào tạo · Ministry of Education and Training"
                                      : "Bộ Y tế · Ministry of Health";
}

/* The credential configurations an authorization request names, in its
 * scope or its authorization_details; NULL for all. */
static GStrv
requested_configurations (GHashTable *params)
{
  const char *details = g_hash_table_lookup (params, "authorization_details");
  const char *scope = g_hash_table_lookup (params, "scope");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint count = 0;

  if (details != NULL)
    {
      g_autoptr(JsonNode) node = dossier_json_parse (details, strlen (details));
      JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *detail = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
          const char *id = dossier_json_get_string (detail, "credential_configuration_id");

          if (id != NULL && count++ < 64)
            g_strv_builder_add (builder, id);
        }
    }
  if (scope != NULL)
    {
      g_auto(GStrv) words = g_strsplit (scope, " ", 64);

      /* other scopes (openid, offline_access, ...) restrict nothing */
      for (guint i = 0; words[i] != NULL; i++)
        if (demo_moet_is_configuration (words[i]) && count++ < 64)
          g_strv_builder_add (builder, words[i]);
    }
  return count > 0 ? g_strv_builder_end (builder) : NULL;
}

/* Checks an authorization request; the error to answer with, or NULL. */
static const char *
check_request (GHashTable *params)
{
  const char *challenge = g_hash_table_lookup (params, "code_challenge");

  if (g_strcmp0 (g_hash_table_lookup (params, "response_type"), "code") != 0)
    return "response_type must be code";
  if (g_hash_table_lookup (params, "client_id") == NULL || strlen (g_hash_table_lookup (params, "client_id")) > 256)
    return "client_id is missing";
  if (!demo_is_loopback_redirect (g_hash_table_lookup (params, "redirect_uri")))
    return "redirect_uri must be an http URL on the loopback interface";
  if (challenge == NULL || strlen (challenge) != 43)
    return "code_challenge must be a base64url SHA-256 (PKCE)";
  if (g_strcmp0 (g_hash_table_lookup (params, "code_challenge_method"), "S256") != 0)
    return "code_challenge_method must be S256";
  if (g_hash_table_lookup (params, "state") != NULL && strlen (g_hash_table_lookup (params, "state")) > 1024)
    return "state is too long";
  if (g_hash_table_lookup (params, "nonce") != NULL && strlen (g_hash_table_lookup (params, "nonce")) > 1024)
    return "nonce is too long";
  return NULL;
}

static void
send_page (SoupServerMessage *msg,
           guint              status,
           GString           *html)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, html->str, html->len);
  g_string_free (html, FALSE);
}

static void
send_bad_request_page (SoupServerMessage *msg,
                       const char        *problem)
{
  GString *html = g_string_new ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Yêu cầu không hợp lệ</title></head><body>");
  g_autofree char *escaped = g_markup_escape_text (problem, -1);

  g_string_append_printf (html, "<h1>Yêu cầu không hợp lệ · Invalid request</h1><p>%s</p></body></html>\n", escaped);
  send_page (msg, SOUP_STATUS_BAD_REQUEST, html);
}

static void
consent_page (DossierDemoServices *self,
              SoupServerMessage   *msg,
              DemoService          service,
              GHashTable          *params)
{
  GString *html = g_string_new (NULL);
  g_autofree char *title = g_markup_escape_text (service_name (service), -1);
  g_autofree char *action = g_strconcat (service == DEMO_SERVICE_MOET ? self->moet : self->moh, "/authorize", NULL);
  g_autofree char *client = g_markup_escape_text (g_hash_table_lookup (params, "client_id"), -1);

  g_string_append_printf (html,
                          "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>%s</title></head>\n"
                          "<body><h1>%s</h1>\n<p>Ứng dụng <b>%s</b> xin truy cập hồ sơ của bạn. · "
                          "The application <b>%s</b> asks for your records.</p>\n"
                          "<form method=\"post\" action=\"%s\">\n", title, title, client, client, action);
  for (guint i = 0; i < G_N_ELEMENTS (carried); i++)
    {
      const char *value = g_hash_table_lookup (params, carried[i]);
      g_autofree char *escaped = value != NULL ? g_markup_escape_text (value, -1) : NULL;

      if (value != NULL)
        g_string_append_printf (html, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", carried[i], escaped);
    }
  g_string_append (html, "<label>Người · Person <select name=\"person\">\n");
  for (guint i = 0; i < self->catalog->people->len; i++)
    {
      DossierDemoPerson *person = g_ptr_array_index (self->catalog->people, i);
      g_autofree char *name = g_markup_escape_text (person->name, -1);

      g_string_append_printf (html, "<option value=\"%s\">%s</option>\n", person->id, name);
    }
  g_string_append (html, "</select></label>\n"
                   "<button type=\"submit\" name=\"decision\" value=\"allow\">Đồng ý · Allow</button>\n"
                   "<button type=\"submit\" name=\"decision\" value=\"deny\">Từ chối · Deny</button>\n"
                   "</form></body></html>\n");
  send_page (msg, SOUP_STATUS_OK, html);
}

static void
redirect (SoupServerMessage *msg,
          const char        *redirect_uri,
          const char        *first,
          ...)
{
  GString *location = g_string_new (redirect_uri);
  gboolean has_query = strchr (redirect_uri, '?') != NULL;
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = NULL;

      if (value == NULL)
        continue;
      escaped = g_uri_escape_string (value, NULL, FALSE);
      g_string_append_printf (location, "%c%s=%s", has_query ? '&' : '?', name, escaped);
      has_query = TRUE;
    }
  va_end (args);
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location->str);
  g_string_free (location, TRUE);
}

void
demo_oauth_authorize (DossierDemoServices *self,
                      SoupServerMessage   *msg,
                      DemoService          service)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GHashTable) params = NULL;
  const char *problem, *redirect_uri, *state;
  DossierDemoPerson *person;
  DemoGrant *grant;

  if (g_str_equal (method, "GET"))
    {
      GUri *uri = soup_server_message_get_uri (msg);
      const char *query = g_uri_get_query (uri);

      params = query != NULL && strlen (query) <= DOSSIER_DEMO_MAX_SMALL_BODY ? soup_form_decode (query)
                                                                             : g_hash_table_new (g_str_hash, g_str_equal);
      if ((problem = check_request (params)) != NULL)
        send_bad_request_page (msg, problem);
      else
        consent_page (self, msg, service, params);
      return;
    }
  if (!g_str_equal (method, "POST"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if ((params = demo_read_form (msg)) == NULL)
    return;
  /* the hidden inputs come back from the browser: checked again */
  if ((problem = check_request (params)) != NULL)
    {
      send_bad_request_page (msg, problem);
      return;
    }
  redirect_uri = g_hash_table_lookup (params, "redirect_uri");
  state = g_hash_table_lookup (params, "state");
  if (g_strcmp0 (g_hash_table_lookup (params, "decision"), "allow") != 0)
    {
      redirect (msg, redirect_uri, "error", "access_denied", "state", state, NULL);
      return;
    }
  person = dossier_demo_catalog_find_person (self->catalog, g_hash_table_lookup (params, "person"));
  if (person == NULL || (service == DEMO_SERVICE_MOH && person->patient_id == NULL))
    {
      send_bad_request_page (msg, "No such person has records here");
      return;
    }
  grant = demo_grant_new (service, person->id);
  grant->client_id = g_strdup (g_hash_table_lookup (params, "client_id"));
  grant->redirect_uri = g_strdup (redirect_uri);
  grant->challenge = g_strdup (g_hash_table_lookup (params, "code_challenge"));
  grant->scope = g_strdup (g_hash_table_lookup (params, "scope"));
  grant->nonce = g_strdup (g_hash_table_lookup (params, "nonce"));
  grant->configurations = service == DEMO_SERVICE_MOET ? requested_configurations (params) : NULL;
  grant->expires = demo_now () + DEMO_CODE_LIFETIME;
  {
    g_autofree char *code = demo_random_string (32);

    demo_table_add (self->codes, g_strdup (code), grant);
    redirect (msg, redirect_uri, "code", code, "state", state, NULL);
  }
}

static gboolean
pkce_matches (const char *verifier,
              const char *challenge)
{
  guint8 digest[SHA256_DIGEST_LENGTH];
  g_autofree char *computed = NULL;
  gsize length = verifier != NULL ? strlen (verifier) : 0;

  /* RFC 7636: 43 to 128 characters of the unreserved set */
  if (length < 43 || length > 128)
    return FALSE;
  for (const char *p = verifier; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;
  SHA256 ((const guint8 *) verifier, length, digest);
  computed = dossier_base64url_encode (digest, sizeof digest);
  return strlen (computed) == strlen (challenge) && CRYPTO_memcmp (computed, challenge, strlen (computed)) == 0;
}

/* A fresh access token and refresh token for @grant's person; the token
 * response without the service's own members. */
JsonObject *
demo_oauth_issue_tokens (DossierDemoServices *self,
                         DemoGrant           *grant)
{
  JsonObject *response = json_object_new ();
  g_autofree char *access = demo_random_string (32);
  g_autofree char *refresh = demo_random_string (32);
  DemoGrant *access_grant = demo_grant_copy (grant);
  DemoGrant *refresh_grant = demo_grant_copy (grant);

  g_clear_pointer (&access_grant->challenge, g_free);
  g_clear_pointer (&access_grant->redirect_uri, g_free);
  g_clear_pointer (&access_grant->tx_code, g_free);
  access_grant->expires = demo_now () + DEMO_TOKEN_LIFETIME;
  g_clear_pointer (&refresh_grant->challenge, g_free);
  g_clear_pointer (&refresh_grant->redirect_uri, g_free);
  g_clear_pointer (&refresh_grant->tx_code, g_free);
  refresh_grant->expires = 0;
  demo_table_add (self->tokens, g_strdup (access), access_grant);
  demo_table_add (self->refresh, g_strdup (refresh), refresh_grant);
  json_object_set_string_member (response, "access_token", access);
  json_object_set_string_member (response, "token_type", "Bearer");
  json_object_set_int_member (response, "expires_in", DEMO_TOKEN_LIFETIME);
  json_object_set_string_member (response, "refresh_token", refresh);
  if (grant->scope != NULL)
    json_object_set_string_member (response, "scope", grant->scope);
  return response;
}

static gboolean
has_scope (const char *scope,
           const char *wanted)
{
  g_auto(GStrv) words = scope != NULL ? g_strsplit (scope, " ", 64) : NULL;

  return words != NULL && g_strv_contains ((const char * const *) words, wanted);
}

static void
send_tokens (DossierDemoServices *self,
             SoupServerMessage   *msg,
             DemoGrant           *grant)
{
  g_autoptr(JsonObject) response = demo_oauth_issue_tokens (self, grant);

  if (grant->service == DEMO_SERVICE_MOET)
    demo_moet_add_details (self, response, grant);
  else
    {
      DossierDemoPerson *person = dossier_demo_catalog_find_person (self->catalog, grant->person);

      json_object_set_string_member (response, "patient", person->patient_id);
      if (!json_object_has_member (response, "scope"))
        json_object_set_string_member (response, "scope", "launch/patient patient/*.rs offline_access");
      if (has_scope (grant->scope, "openid"))
        {
          g_autofree char *id_token = demo_moh_id_token (self, grant, person);

          if (id_token != NULL)
            json_object_set_string_member (response, "id_token", id_token);
        }
    }
  demo_send_json (msg, SOUP_STATUS_OK, response);
}

static void
token_for_code (DossierDemoServices *self,
                SoupServerMessage   *msg,
                DemoService          service,
                GHashTable          *form)
{
  const char *code = g_hash_table_lookup (form, "code");
  g_autofree char *key = NULL;
  DemoGrant *found = NULL;
  g_autoptr(DemoGrant) grant = NULL;

  /* a code is taken out of the table at its first use, right or wrong */
  if (code == NULL || !g_hash_table_steal_extended (self->codes, code, (gpointer *) &key, (gpointer *) &found))
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "The authorization code is unknown or was already used");
      return;
    }
  grant = found;
  if (grant->service != service || grant->expires < demo_now ())
    demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "The authorization code has expired");
  else if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), grant->redirect_uri) != 0)
    demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "redirect_uri differs from the authorization request's");
  else if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), grant->client_id) != 0)
    demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "client_id differs from the authorization request's");
  else if (!pkce_matches (g_hash_table_lookup (form, "code_verifier"), grant->challenge))
    demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "The PKCE code_verifier does not match the code_challenge");
  else
    send_tokens (self, msg, grant);
}

static void
token_for_refresh (DossierDemoServices *self,
                   SoupServerMessage   *msg,
                   DemoService          service,
                   GHashTable          *form)
{
  const char *token = g_hash_table_lookup (form, "refresh_token");
  g_autofree char *key = NULL;
  DemoGrant *found = NULL;
  g_autoptr(DemoGrant) grant = NULL;

  /* refresh tokens rotate: the one used is gone */
  if (token == NULL || !g_hash_table_steal_extended (self->refresh, token, (gpointer *) &key, (gpointer *) &found))
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "The refresh token is unknown or was already used");
      return;
    }
  grant = found;
  if (grant->service != service)
    demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "The refresh token is another service's");
  else if (g_hash_table_lookup (form, "client_id") != NULL && g_strcmp0 (g_hash_table_lookup (form, "client_id"), grant->client_id) != 0)
    demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "client_id differs from the one the token was issued to");
  else
    send_tokens (self, msg, grant);
}

void
demo_oauth_token (DossierDemoServices *self,
                  SoupServerMessage   *msg,
                  DemoService          service)
{
  g_autoptr(GHashTable) form = NULL;
  const char *grant_type;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      demo_send_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "invalid_request", "The token endpoint takes POST");
      return;
    }
  if ((form = demo_read_form (msg)) == NULL)
    return;
  grant_type = g_hash_table_lookup (form, "grant_type");
  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    token_for_code (self, msg, service, form);
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    token_for_refresh (self, msg, service, form);
  else if (service == DEMO_SERVICE_MOET && g_strcmp0 (grant_type, "urn:ietf:params:oauth:grant-type:pre-authorized_code") == 0)
    demo_moet_pre_authorized (self, msg, form);
  else
    demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type", "This grant type is not supported");
}

/* RFC 7009: 200 whether or not the token was known. */
void
demo_oauth_revoke (DossierDemoServices *self,
                   SoupServerMessage   *msg)
{
  g_autoptr(GHashTable) form = NULL;
  const char *token;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      demo_send_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "invalid_request", "The revocation endpoint takes POST");
      return;
    }
  if ((form = demo_read_form (msg)) == NULL)
    return;
  token = g_hash_table_lookup (form, "token");
  if (token == NULL)
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "token is missing");
      return;
    }
  g_hash_table_remove (self->tokens, token);
  g_hash_table_remove (self->refresh, token);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}
