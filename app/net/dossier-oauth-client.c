// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-oauth-client.h"

#include "dossier-json.h"
#include "dossier-oauth-metadata.h"
#include "dossier-oauth-redirect.h"
#include "dossier-secret.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <openssl/sha.h>
#include <string.h>

/* Signing in to a service with OAuth 2.0's authorization code flow, as a
 * native application does (RFC 8252): PKCE with S256 (RFC 7636), the
 * system's web browser for the consent page, a loopback redirect, and the
 * code exchanged at the token endpoint.  The service's endpoints come from
 * its published settings (OpenID Connect discovery, RFC 8414 or SMART App
 * Launch); tokens are refreshed and, at sign-out, revoked (RFC 7009) when
 * the service offers it.
 *
 * The code verifier, the state and the tokens stay in wiped memory; the
 * answers that carry them are wiped once read. */

#define MAX_TOKEN_RESPONSE_SIZE (64 * 1024)
#define MAX_REVOCATION_RESPONSE_SIZE 4096
#define MAX_EXPIRES_IN (10 * 365 * 24 * 3600)

struct _DossierOAuthClient
{
  GObject                  parent_instance;
  DossierNetSession       *net;
  char                    *issuer;
  char                    *client_id;
  char                    *scope;
  DossierOAuthBrowserFunc  browser;
  gpointer                 browser_data;
  GDestroyNotify           browser_destroy;
  gboolean                 discovered;
  char                    *authorization_endpoint;
  char                    *token_endpoint;
  char                    *revocation_endpoint;
  char                    *authorization_details;
};

G_DEFINE_FINAL_TYPE (DossierOAuthClient, dossier_oauth_client, G_TYPE_OBJECT)

static void
dossier_oauth_client_finalize (GObject *object)
{
  DossierOAuthClient *self = DOSSIER_OAUTH_CLIENT (object);

  if (self->browser_destroy != NULL)
    self->browser_destroy (self->browser_data);
  g_clear_object (&self->net);
  g_free (self->issuer);
  g_free (self->client_id);
  g_free (self->scope);
  g_free (self->authorization_details);
  g_free (self->authorization_endpoint);
  g_free (self->token_endpoint);
  g_free (self->revocation_endpoint);
  G_OBJECT_CLASS (dossier_oauth_client_parent_class)->finalize (object);
}

static void
dossier_oauth_client_class_init (DossierOAuthClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_oauth_client_finalize;
}

static gboolean
open_system_browser (const char  *uri,
                     gpointer     user_data,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_app_info_launch_default_for_uri (uri, NULL, &local_error))
    return TRUE;
  g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_BROWSER,
               _("Could not open a web browser to sign in: %s"), local_error->message);
  return FALSE;
}

static void
dossier_oauth_client_init (DossierOAuthClient *self)
{
  self->browser = open_system_browser;
}

/**
 * dossier_oauth_client_new:
 * @net: the session to talk to the service with
 * @issuer: the service's address, where its settings are published
 * @client_id: the name Dossier is registered under with the service
 */
DossierOAuthClient *
dossier_oauth_client_new (DossierNetSession *net,
                          const char        *issuer,
                          const char        *client_id)
{
  DossierOAuthClient *self;

  g_return_val_if_fail (DOSSIER_IS_NET_SESSION (net), NULL);
  g_return_val_if_fail (issuer != NULL && client_id != NULL, NULL);

  self = g_object_new (DOSSIER_TYPE_OAUTH_CLIENT, NULL);
  self->net = g_object_ref (net);
  self->issuer = g_strdup (issuer);
  self->client_id = g_strdup (client_id);
  return self;
}

const char *
dossier_oauth_client_get_issuer (DossierOAuthClient *self)
{
  g_return_val_if_fail (DOSSIER_IS_OAUTH_CLIENT (self), NULL);
  return self->issuer;
}

/* The access asked for, as space-separated scope names. */
void
dossier_oauth_client_set_scope (DossierOAuthClient *self,
                                const char         *scope)
{
  g_return_if_fail (DOSSIER_IS_OAUTH_CLIENT (self));
  g_free (self->scope);
  self->scope = g_strdup (scope);
}

/* Replaces the system's web browser, for tests. */
void
dossier_oauth_client_set_browser (DossierOAuthClient      *self,
                                  DossierOAuthBrowserFunc  func,
                                  gpointer                 user_data,
                                  GDestroyNotify           destroy)
{
  g_return_if_fail (DOSSIER_IS_OAUTH_CLIENT (self));
  g_return_if_fail (func != NULL);

  if (self->browser_destroy != NULL)
    self->browser_destroy (self->browser_data);
  self->browser = func;
  self->browser_data = user_data;
  self->browser_destroy = destroy;
}

/* The endpoints, once discovered (NULL before). */
const char *
dossier_oauth_client_get_authorization_endpoint (DossierOAuthClient *self)
{
  g_return_val_if_fail (DOSSIER_IS_OAUTH_CLIENT (self), NULL);
  return self->authorization_endpoint;
}

const char *
dossier_oauth_client_get_token_endpoint (DossierOAuthClient *self)
{
  g_return_val_if_fail (DOSSIER_IS_OAUTH_CLIENT (self), NULL);
  return self->token_endpoint;
}

const char *
dossier_oauth_client_get_revocation_endpoint (DossierOAuthClient *self)
{
  g_return_val_if_fail (DOSSIER_IS_OAUTH_CLIENT (self), NULL);
  return self->revocation_endpoint;
}

/* A network error, in the terms of a sign-in. */
static GError *
sign_in_error (DossierOAuthClient *self,
               GError             *error)
{
  g_autoptr(GError) owned = error;
  g_autoptr(GUri) uri = g_uri_parse (self->issuer, G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : self->issuer;

  if (error->domain == DOSSIER_OAUTH_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);
  if (error->domain == DOSSIER_NET_ERROR)
    switch ((DossierNetError) error->code)
      {
      case DOSSIER_NET_ERROR_CERTIFICATE_UNTRUSTED:
      case DOSSIER_NET_ERROR_CERTIFICATE_WRONG_HOST:
      case DOSSIER_NET_ERROR_CERTIFICATE_EXPIRED:
      case DOSSIER_NET_ERROR_CERTIFICATE_INVALID:
        return g_error_new_literal (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_CERTIFICATE, error->message);
      case DOSSIER_NET_ERROR_UNAUTHORIZED:
        return g_error_new_literal (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED, error->message);
      case DOSSIER_NET_ERROR_NOT_HTTPS:
        return g_error_new_literal (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_UNSUPPORTED, error->message);
      case DOSSIER_NET_ERROR_HTTP:
      case DOSSIER_NET_ERROR_TOO_LARGE:
      case DOSSIER_NET_ERROR_INVALID_URI:
      default:
        return g_error_new (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                            _("%s did not answer as expected: %s"), host, error->message);
      }
  if (error->domain == G_TLS_ERROR)
    return g_error_new (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                        _("Could not set up a secure connection with %s: %s"), host, error->message);
  return g_error_new (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_OFFLINE,
                      _("Could not reach %s. Check that this computer is online, then try again. (%s)"),
                      host, error->message);
}

static void
return_sign_in_error (GTask  *task,
                      GError *error)
{
  g_task_return_error (task, sign_in_error (g_task_get_source_object (task), error));
}

/* Wipes an answer that carried secrets, once read: the session read it
 * into one allocation, this one. */
static void
wipe_bytes (GBytes *bytes)
{
  gsize length;
  gconstpointer data = g_bytes_get_data (bytes, &length);

  dossier_secure_wipe ((gpointer) data, length);
}


static void
base64url_encode (const guint8 *data,
                  gsize         length,
                  char         *out)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  guint32 bits = 0;
  guint count = 0;

  for (gsize i = 0; i < length; i++)
    {
      bits = (bits << 8) | data[i];
      count += 8;
      while (count >= 6)
        {
          count -= 6;
          *out++ = alphabet[(bits >> count) & 0x3f];
        }
    }
  if (count > 0)
    *out++ = alphabet[(bits << (6 - count)) & 0x3f];
  *out = '\0';
  bits = 0;
}

static void fetch_metadata (GTask *task);

static void
on_metadata (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierOAuthClient *self = g_task_get_source_object (task);
  DossierOAuthMetadataKind *kind = g_task_get_task_data (task);
  g_autoptr(DossierOAuthMetadata) metadata = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = dossier_net_session_get_bytes_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      /* a service publishes one of the documents: look for the next one
       * when this one is not there */
      if ((g_error_matches (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP) ||
           g_error_matches (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_UNAUTHORIZED)) &&
          *kind + 1 < DOSSIER_OAUTH_N_METADATA_KINDS)
        {
          g_error_free (error);
          (*kind)++;
          fetch_metadata (g_steal_pointer (&task));
          return;
        }
      if (g_error_matches (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP) ||
          g_error_matches (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_UNAUTHORIZED))
        {
          g_error_free (error);
          g_task_return_new_error (task, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_UNSUPPORTED,
                                   _("%s does not publish how to sign in to it (no /.well-known/%s, %s or %s)"),
                                   self->issuer, dossier_oauth_metadata_document (DOSSIER_OAUTH_METADATA_OPENID),
                                   dossier_oauth_metadata_document (DOSSIER_OAUTH_METADATA_OAUTH),
                                   dossier_oauth_metadata_document (DOSSIER_OAUTH_METADATA_SMART));
          return;
        }
      return_sign_in_error (task, error);
      return;
    }
  metadata = dossier_oauth_metadata_parse (self->issuer, *kind, bytes, self->net, &error);
  if (metadata == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_free (self->authorization_endpoint);
  self->authorization_endpoint = g_steal_pointer (&metadata->authorization_endpoint);
  g_free (self->token_endpoint);
  self->token_endpoint = g_steal_pointer (&metadata->token_endpoint);
  g_free (self->revocation_endpoint);
  self->revocation_endpoint = g_steal_pointer (&metadata->revocation_endpoint);
  self->discovered = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void
fetch_metadata (GTask *task)
{
  DossierOAuthClient *self = g_task_get_source_object (task);
  DossierOAuthMetadataKind *kind = g_task_get_task_data (task);
  g_autofree char *uri = dossier_oauth_metadata_uri (self->issuer, *kind);

  if (uri == NULL)
    {
      g_task_return_new_error (task, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_UNSUPPORTED,
                               _("“%s” is not the address of a service"), self->issuer);
      g_object_unref (task);
      return;
    }
  dossier_net_session_get_bytes_async (self->net, uri, DOSSIER_OAUTH_METADATA_MAX_SIZE, g_task_get_cancellable (task),
                                       on_metadata, task);
}

/**
 * dossier_oauth_client_discover_async:
 *
 * Reads the service's sign-in settings: from
 * `/.well-known/openid-configuration`, else
 * `/.well-known/oauth-authorization-server`, else
 * `/.well-known/smart-configuration`.  Signing in does it when needed.
 */
void
dossier_oauth_client_discover_async (DossierOAuthClient  *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DOSSIER_IS_OAUTH_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_oauth_client_discover_async);
  g_task_set_task_data (task, g_new0 (DossierOAuthMetadataKind, 1), g_free);
  fetch_metadata (task);
}

gboolean
dossier_oauth_client_discover_finish (DossierOAuthClient  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (DOSSIER_IS_OAUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  DossierOAuthRedirect *redirect;       /* listening until the browser comes back */
  char                 *redirect_uri;
  char                 *verifier;       /* wiped memory */
  char                 *state;          /* wiped memory */
  char                 *code;           /* wiped memory */
  DossierOAuthTokens   *previous;       /* refreshing these */
  guint                 revoked;        /* signing out: how many tokens were revoked */
} Flow;

static void
flow_free (Flow *flow)
{
  g_clear_object (&flow->redirect);
  g_free (flow->redirect_uri);
  dossier_secure_strfree (flow->verifier);
  dossier_secure_strfree (flow->state);
  dossier_secure_strfree (flow->code);
  g_clear_pointer (&flow->previous, dossier_oauth_tokens_free);
  g_free (flow);
}

/* @length random bytes, in base64url without padding, in wiped memory. */
static char *
random_text (gsize length)
{
  guint8 random[32];
  char *text;

  g_assert (length <= sizeof random);
  if (!dossier_secure_random (random, length))
    return NULL;
  text = dossier_secure_alloc (length * 2);
  base64url_encode (random, length, text);
  dossier_secure_wipe (random, sizeof random);
  return text;
}

static char *
code_challenge (const char *verifier)
{
  guint8 digest[SHA256_DIGEST_LENGTH];
  char *challenge = g_malloc (SHA256_DIGEST_LENGTH * 2);

  SHA256 ((const guint8 *) verifier, strlen (verifier), digest);
  base64url_encode (digest, sizeof digest, challenge);
  return challenge;
}

static char *
authorization_uri (DossierOAuthClient *self,
                   Flow               *flow)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *challenge = code_challenge (flow->verifier);
  g_autofree char *query = NULL;

  g_hash_table_insert (form, "response_type", "code");
  g_hash_table_insert (form, "client_id", self->client_id);
  g_hash_table_insert (form, "redirect_uri", flow->redirect_uri);
  g_hash_table_insert (form, "state", flow->state);
  g_hash_table_insert (form, "code_challenge", challenge);
  g_hash_table_insert (form, "code_challenge_method", "S256");
  if (self->scope != NULL)
    g_hash_table_insert (form, "scope", self->scope);
  if (self->authorization_details != NULL)
    g_hash_table_insert (form, "authorization_details", self->authorization_details);
  query = soup_form_encode_hash (form);
  return g_strconcat (self->authorization_endpoint, strchr (self->authorization_endpoint, '?') ? "&" : "?",
                      query, NULL);
}

static gboolean
token_type_is_bearer (const char *type)
{
  return g_ascii_strcasecmp (type, "Bearer") == 0;
}

/* A token endpoint's refusal (RFC 6749 §5.2), in words. */
static GError *
token_error (DossierOAuthClient *self,
             JsonObject         *answer,
             guint               status)
{
  const char *code = answer != NULL ? dossier_json_get_string (answer, "error") : NULL;

  if (status >= 500 || (code == NULL && status != 401))
    return g_error_new (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                        _("%s could not complete the sign-in (it answered %u); try again later"),
                        self->issuer, status);
  if (g_strcmp0 (code, "invalid_grant") == 0)
    return g_error_new (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED,
                        _("%s refused the sign-in: it expired, was already used or did not match. Sign in again."),
                        self->issuer);
  return g_error_new (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED, _("%s refused the sign-in (%s)"),
                      self->issuer, code != NULL && g_str_is_ascii (code) && strlen (code) < 64 ? code : "?");
}

/* Reads a token endpoint's answer (RFC 6749 §5.1), parsed as @answer. */
static DossierOAuthTokens *
tokens_from_answer (DossierOAuthClient        *self,
                    JsonObject                *answer,
                    guint                      status,
                    const DossierOAuthTokens  *previous,
                    GError                   **error)
{
  g_autoptr(DossierOAuthTokens) tokens = NULL;
  const char *access_token, *token_type, *refresh_token, *scope, *patient;
  JsonNode *details;
  gint64 expires_in = 0;

  if (status < 200 || status >= 300)
    {
      g_propagate_error (error, token_error (self, answer, status));
      return NULL;
    }
  if (answer == NULL)
    {
      g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                   _("%s answered the sign-in with something other than a JSON object"), self->issuer);
      return NULL;
    }
  access_token = dossier_json_get_string (answer, "access_token");
  token_type = dossier_json_get_string (answer, "token_type");
  refresh_token = dossier_json_get_string (answer, "refresh_token");
  scope = dossier_json_get_string (answer, "scope");
  if (access_token == NULL || *access_token == '\0' || token_type == NULL)
    {
      g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                   _("%s answered the sign-in without “%s”"), self->issuer,
                   access_token == NULL || *access_token == '\0' ? "access_token" : "token_type");
      return NULL;
    }
  if (!token_type_is_bearer (token_type))
    {
      g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_UNSUPPORTED,
                   _("%s gave a token of type “%s”; Dossier uses only Bearer tokens"), self->issuer,
                   g_str_is_ascii (token_type) && strlen (token_type) < 32 ? token_type : "?");
      return NULL;
    }
  if (json_object_has_member (answer, "expires_in") &&
      (!dossier_json_get_number (answer, "expires_in", &expires_in) || expires_in < 0 ||
       expires_in > MAX_EXPIRES_IN))
    {
      g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                   _("%s answered the sign-in with an unusable “%s”"), self->issuer, "expires_in");
      return NULL;
    }

  tokens = dossier_oauth_tokens_new ();
  tokens->access_token = dossier_secure_strdup (access_token);
  tokens->token_type = g_strdup ("Bearer");
  /* a refresh may keep the refresh token (RFC 6749 §6) */
  if (refresh_token != NULL)
    tokens->refresh_token = dossier_secure_strdup (refresh_token);
  else if (previous != NULL)
    tokens->refresh_token = dossier_secure_strdup (previous->refresh_token);
  tokens->scope = g_strdup (scope != NULL ? scope : previous != NULL ? previous->scope : NULL);
  patient = dossier_json_get_string (answer, "patient");
  tokens->patient = g_strdup (patient != NULL ? patient : previous != NULL ? previous->patient : NULL);
  details = json_object_get_member (answer, "authorization_details");
  if (details != NULL && JSON_NODE_HOLDS_ARRAY (details))
    tokens->authorization_details = json_to_string (details, FALSE);
  else if (previous != NULL)
    tokens->authorization_details = g_strdup (previous->authorization_details);
  if (expires_in > 0)
    tokens->expires_at = g_get_real_time () / G_USEC_PER_SEC + expires_in;
  return g_steal_pointer (&tokens);
}

static DossierOAuthTokens *
read_tokens (DossierOAuthClient        *self,
             GBytes                    *bytes,
             guint                      status,
             const DossierOAuthTokens  *previous,
             GError                   **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *answer;
  DossierOAuthTokens *tokens;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  root = length > 0 ? dossier_json_parse (data, length) : NULL;
  answer = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  tokens = tokens_from_answer (self, answer, status, previous, error);
  dossier_oauth_tokens_wipe_json (answer);
  return tokens;
}

static void
on_tokens (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierOAuthClient *self = g_task_get_source_object (task);
  Flow *flow = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  DossierOAuthTokens *tokens;
  GError *error = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, &error);
  if (bytes == NULL)
    {
      return_sign_in_error (task, error);
      return;
    }
  tokens = read_tokens (self, bytes, status, flow->previous, &error);
  wipe_bytes (bytes);
  if (tokens == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tokens, (GDestroyNotify) dossier_oauth_tokens_free);
}

static void
on_code (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierOAuthClient *self = g_task_get_source_object (task);
  Flow *flow = g_task_get_task_data (task);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  GCancellable *cancellable;
  GError *error = NULL;

  flow->code = dossier_oauth_redirect_wait_finish (flow->redirect, result, &error);
  /* the loopback server has done its work: close it now */
  g_clear_object (&flow->redirect);
  if (flow->code == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_hash_table_insert (form, "grant_type", "authorization_code");
  g_hash_table_insert (form, "code", flow->code);
  g_hash_table_insert (form, "redirect_uri", flow->redirect_uri);
  g_hash_table_insert (form, "client_id", self->client_id);
  g_hash_table_insert (form, "code_verifier", flow->verifier);
  cancellable = g_task_get_cancellable (task);
  dossier_net_session_post_form_async (self->net, self->token_endpoint, form, MAX_TOKEN_RESPONSE_SIZE,
                                       cancellable, on_tokens, g_steal_pointer (&task));
}

static void
start_authorization (GTask *task)
{
  DossierOAuthClient *self = g_task_get_source_object (task);
  Flow *flow = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  flow->verifier = random_text (32);
  flow->state = random_text (16);
  if (flow->verifier == NULL || flow->state == NULL)
    {
      g_task_return_new_error (task, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_BROWSER,
                               _("This computer could not make the random numbers a sign-in needs"));
      g_object_unref (task);
      return;
    }
  flow->redirect = dossier_oauth_redirect_new (flow->state, self->issuer, &error);
  if (flow->redirect == NULL)
    {
      g_task_return_new_error (task, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_BROWSER,
                               _("Could not wait for the web browser’s answer: %s"), error->message);
      g_object_unref (task);
      return;
    }
  flow->redirect_uri = g_strdup (dossier_oauth_redirect_get_uri (flow->redirect));
  uri = authorization_uri (self, flow);
  if (!self->browser (uri, self->browser_data, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  dossier_oauth_redirect_wait_async (flow->redirect, g_task_get_cancellable (task), on_code, task);
}

static void
refresh_tokens (GTask *task)
{
  DossierOAuthClient *self = g_task_get_source_object (task);
  Flow *flow = g_task_get_task_data (task);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (form, "grant_type", "refresh_token");
  g_hash_table_insert (form, "refresh_token", flow->previous->refresh_token);
  g_hash_table_insert (form, "client_id", self->client_id);
  dossier_net_session_post_form_async (self->net, self->token_endpoint, form, MAX_TOKEN_RESPONSE_SIZE,
                                       g_task_get_cancellable (task), on_tokens, task);
}

static void revoke_next (GTask *task);

static void
exchange_form (GTask *task)
{
  DossierOAuthClient *self = g_task_get_source_object (task);
  GHashTable *form = g_object_get_data (G_OBJECT (task), "dossier-form");

  if (g_hash_table_lookup (form, "client_id") == NULL)
    g_hash_table_insert (form, g_strdup ("client_id"), g_strdup (self->client_id));
  dossier_net_session_post_form_async (self->net, self->token_endpoint, form, MAX_TOKEN_RESPONSE_SIZE,
                                       g_task_get_cancellable (task), on_tokens, task);
}

/* Runs @task's next step, discovering the service's endpoints first. */
typedef void (*Step) (GTask *task);

static void
on_discovered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Step step = g_object_get_data (G_OBJECT (task), "dossier-step");
  GError *error = NULL;

  if (!dossier_oauth_client_discover_finish (DOSSIER_OAUTH_CLIENT (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  step (g_steal_pointer (&task));
}

static void
run_discovered (GTask *task,
                Step   step)
{
  DossierOAuthClient *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (self->discovered)
    {
      step (task);
      return;
    }
  g_object_set_data (G_OBJECT (task), "dossier-step", step);
  dossier_oauth_client_discover_async (self, g_task_get_cancellable (task), on_discovered, task);
}

/**
 * dossier_oauth_client_sign_in_async:
 *
 * Signs in: opens the service's consent page in the web browser and waits
 * for it to come back, then exchanges the code it brings for tokens.
 * Finish with dossier_oauth_client_get_tokens_finish().
 */
void
dossier_oauth_client_sign_in_async (DossierOAuthClient  *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DOSSIER_IS_OAUTH_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_oauth_client_sign_in_async);
  g_task_set_task_data (task, g_new0 (Flow, 1), (GDestroyNotify) flow_free);
  run_discovered (task, start_authorization);
}

/**
 * dossier_oauth_client_exchange_async:
 * @form: (element-type utf8 utf8): the grant's fields, with grant_type;
 *   the table must own its keys and values (the client id is added)
 *
 * Asks the token endpoint for tokens with a grant other than a sign-in in
 * the browser, such as an OpenID4VCI pre-authorized code.  Finish with
 * dossier_oauth_client_get_tokens_finish().
 */
void
dossier_oauth_client_exchange_async (DossierOAuthClient  *self,
                                     GHashTable          *form,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DOSSIER_IS_OAUTH_CLIENT (self));
  g_return_if_fail (form != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_oauth_client_exchange_async);
  g_task_set_task_data (task, g_new0 (Flow, 1), (GDestroyNotify) flow_free);
  g_object_set_data_full (G_OBJECT (task), "dossier-form", g_hash_table_ref (form),
                          (GDestroyNotify) g_hash_table_unref);
  run_discovered (task, exchange_form);
}

/* RFC 9396 authorization details to ask for at sign-in, as JSON text. */
void
dossier_oauth_client_set_authorization_details (DossierOAuthClient *self,
                                                const char         *details)
{
  g_return_if_fail (DOSSIER_IS_OAUTH_CLIENT (self));
  g_free (self->authorization_details);
  self->authorization_details = g_strdup (details);
}

/* Endpoints read from elsewhere (an OpenID4VCI issuer names its
 * authorization server): discovery is then skipped. */
void
dossier_oauth_client_set_endpoints (DossierOAuthClient *self,
                                    const char         *authorization_endpoint,
                                    const char         *token_endpoint,
                                    const char         *revocation_endpoint)
{
  g_return_if_fail (DOSSIER_IS_OAUTH_CLIENT (self));
  g_return_if_fail (token_endpoint != NULL);
  g_free (self->authorization_endpoint);
  self->authorization_endpoint = g_strdup (authorization_endpoint);
  g_free (self->token_endpoint);
  self->token_endpoint = g_strdup (token_endpoint);
  g_free (self->revocation_endpoint);
  self->revocation_endpoint = g_strdup (revocation_endpoint);
  self->discovered = TRUE;
}

/**
 * dossier_oauth_client_refresh_async:
 * @tokens: tokens with a refresh token
 *
 * Gets a new access token with @tokens' refresh token; the result keeps
 * that refresh token unless the service gives a new one.  Finish with
 * dossier_oauth_client_get_tokens_finish().
 */
void
dossier_oauth_client_refresh_async (DossierOAuthClient       *self,
                                    const DossierOAuthTokens *tokens,
                                    GCancellable             *cancellable,
                                    GAsyncReadyCallback       callback,
                                    gpointer                  user_data)
{
  GTask *task;
  Flow *flow;

  g_return_if_fail (DOSSIER_IS_OAUTH_CLIENT (self));
  g_return_if_fail (tokens != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_oauth_client_refresh_async);
  flow = g_new0 (Flow, 1);
  flow->previous = dossier_oauth_tokens_copy (tokens);
  g_task_set_task_data (task, flow, (GDestroyNotify) flow_free);
  if (tokens->refresh_token == NULL)
    {
      g_task_return_new_error (task, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED,
                               _("The sign-in to %s has expired: sign in again"), self->issuer);
      g_object_unref (task);
      return;
    }
  run_discovered (task, refresh_tokens);
}

/**
 * dossier_oauth_client_get_tokens_finish:
 *
 * Finishes a sign-in or a refresh.
 *
 * Returns: (transfer full): the tokens
 */
DossierOAuthTokens *
dossier_oauth_client_get_tokens_finish (DossierOAuthClient  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (DOSSIER_IS_OAUTH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_revoked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierOAuthClient *self = g_task_get_source_object (task);
  Flow *flow = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, &error);
  if (bytes == NULL)
    {
      return_sign_in_error (task, error);
      return;
    }
  wipe_bytes (bytes);
  /* RFC 7009 §2.2: 200 even for a token the service no longer knows */
  if (status != 200)
    {
      g_task_return_new_error (task, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                               _("%s could not end the sign-in (it answered %u); try again later"),
                               self->issuer, status);
      return;
    }
  flow->revoked++;
  revoke_next (g_steal_pointer (&task));
}

/* Revokes the refresh token first: with it gone, so are the access
 * tokens it could bring. */
static void
revoke_next (GTask *task)
{
  DossierOAuthClient *self = g_task_get_source_object (task);
  Flow *flow = g_task_get_task_data (task);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  const char *tokens[2][2] = {
    { flow->previous->refresh_token, "refresh_token" },
    { flow->previous->access_token, "access_token" },
  };
  guint next = flow->revoked;

  if (next == 0 && tokens[0][0] == NULL)
    next = flow->revoked = 1;
  if (self->revocation_endpoint == NULL || next >= G_N_ELEMENTS (tokens) || tokens[next][0] == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_hash_table_insert (form, "token", (char *) tokens[next][0]);
  g_hash_table_insert (form, "token_type_hint", (char *) tokens[next][1]);
  g_hash_table_insert (form, "client_id", self->client_id);
  dossier_net_session_post_form_async (self->net, self->revocation_endpoint, form, MAX_REVOCATION_RESPONSE_SIZE,
                                       g_task_get_cancellable (task), on_revoked, task);
}

/**
 * dossier_oauth_client_sign_out_async:
 *
 * Revokes @tokens at the service, when it offers revocation; without it
 * there is nothing to do beyond forgetting them.
 */
void
dossier_oauth_client_sign_out_async (DossierOAuthClient       *self,
                                     const DossierOAuthTokens *tokens,
                                     GCancellable             *cancellable,
                                     GAsyncReadyCallback       callback,
                                     gpointer                  user_data)
{
  GTask *task;
  Flow *flow;

  g_return_if_fail (DOSSIER_IS_OAUTH_CLIENT (self));
  g_return_if_fail (tokens != NULL && tokens->access_token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_oauth_client_sign_out_async);
  flow = g_new0 (Flow, 1);
  flow->previous = dossier_oauth_tokens_copy (tokens);
  g_task_set_task_data (task, flow, (GDestroyNotify) flow_free);
  run_discovered (task, revoke_next);
}

gboolean
dossier_oauth_client_sign_out_finish (DossierOAuthClient  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (DOSSIER_IS_OAUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
