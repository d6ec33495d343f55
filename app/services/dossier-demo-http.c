// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-services-private.h"

#include "dossier-base64.h"
#include "dossier-json.h"

#include <glib/gi18n-lib.h>
#include <openssl/rand.h>
#include <string.h>

gint64
demo_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

char *
demo_random_string (gsize bytes)
{
  guint8 random[64];

  g_assert (bytes <= sizeof random);
  g_assert (RAND_bytes (random, (int) bytes) == 1);
  return dossier_base64url_encode (random, bytes);
}

void
demo_send_typed_json (SoupServerMessage *msg,
                      guint              status,
                      const char        *content_type,
                      JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length = 0;
  char *text;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, text, length);
}

void
demo_send_json (SoupServerMessage *msg,
                guint              status,
                JsonObject        *object)
{
  demo_send_typed_json (msg, status, "application/json", object);
}

/* An OAuth-style error object: {"error": ..., "error_description": ...}. */
void
demo_send_error (SoupServerMessage *msg,
                 guint              status,
                 const char        *error,
                 const char        *description)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "error", error);
  if (description != NULL)
    json_object_set_string_member (object, "error_description", description);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                  g_str_equal (error, "invalid_token") ? "Bearer error=\"invalid_token\"" : "Bearer");
  demo_send_json (msg, status, object);
}

static gboolean
body_of (SoupServerMessage  *msg,
         const char        **data,
         gsize              *length)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  *data = body->data;
  *length = (gsize) body->length;
  if (*length > DOSSIER_DEMO_MAX_SMALL_BODY)
    {
      demo_send_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "invalid_request", "The request body is too large");
      return FALSE;
    }
  if (*length == 0 || !g_utf8_validate (*data, (gssize) *length, NULL) || memchr (*data, '\0', *length) != NULL)
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "The request body is empty or not UTF-8 text");
      return FALSE;
    }
  return TRUE;
}

static gboolean
has_content_type (SoupServerMessage *msg,
                  const char        *wanted)
{
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

  return type != NULL && g_ascii_strcasecmp (type, wanted) == 0;
}

/* The fields of an application/x-www-form-urlencoded body, or NULL after
 * answering 400. */
GHashTable *
demo_read_form (SoupServerMessage *msg)
{
  const char *data;
  gsize length;
  g_autofree char *text = NULL;

  if (!has_content_type (msg, "application/x-www-form-urlencoded"))
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "The body is not a form (application/x-www-form-urlencoded)");
      return NULL;
    }
  if (!body_of (msg, &data, &length))
    return NULL;
  text = g_strndup (data, length);
  return soup_form_decode (text);
}

/* The JSON object of an application/json body, or NULL after answering 400. */
JsonObject *
demo_read_json (SoupServerMessage *msg)
{
  const char *data;
  gsize length;
  g_autoptr(JsonNode) node = NULL;

  if (!has_content_type (msg, "application/json") && !has_content_type (msg, "application/fhir+json"))
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "The body is not JSON (application/json)");
      return NULL;
    }
  if (!body_of (msg, &data, &length))
    return NULL;
  node = dossier_json_parse (data, length);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "The body is not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

/* RFC 8252: a native app's redirect is plain http to the loopback
 * interface, on any port. */
gboolean
demo_is_loopback_redirect (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  const char *host;

  if (uri == NULL || strlen (uri) > 2048 || (parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL)) == NULL)
    return FALSE;
  host = g_uri_get_host (parsed);
  return g_strcmp0 (g_uri_get_scheme (parsed), "http") == 0 && g_uri_get_userinfo (parsed) == NULL &&
         g_uri_get_fragment (parsed) == NULL && host != NULL &&
         (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") || g_str_equal (host, "localhost"));
}

DemoGrant *
demo_grant_new (DemoService  service,
                const char  *person)
{
  DemoGrant *grant = g_new0 (DemoGrant, 1);

  grant->service = service;
  grant->person = g_strdup (person);
  return grant;
}

DemoGrant *
demo_grant_copy (DemoGrant *grant)
{
  DemoGrant *copy = demo_grant_new (grant->service, grant->person);

  copy->client_id = g_strdup (grant->client_id);
  copy->redirect_uri = g_strdup (grant->redirect_uri);
  copy->challenge = g_strdup (grant->challenge);
  copy->tx_code = g_strdup (grant->tx_code);
  copy->scope = g_strdup (grant->scope);
  copy->nonce = g_strdup (grant->nonce);
  copy->configurations = g_strdupv (grant->configurations);
  copy->expires = grant->expires;
  return copy;
}

void
demo_grant_free (DemoGrant *grant)
{
  if (grant == NULL)
    return;
  g_free (grant->person);
  g_free (grant->client_id);
  g_free (grant->redirect_uri);
  g_free (grant->challenge);
  g_free (grant->tx_code);
  g_free (grant->scope);
  g_free (grant->nonce);
  g_strfreev (grant->configurations);
  g_free (grant);
}

/* Adds @value under @key (both taken), first dropping what has expired;
 * FALSE when the table is still full. */
gboolean
demo_table_add (GHashTable *table,
                char       *key,
                gpointer    value)
{
  if (g_hash_table_size (table) >= DEMO_MAX_ENTRIES)
    {
      g_hash_table_remove_all (table);
      g_debug ("A table of the demo services was full and has been emptied");
    }
  g_hash_table_insert (table, key, value);
  return TRUE;
}

/* The grant of the request's Bearer token for @service, or NULL after
 * answering 401. */
DemoGrant *
demo_bearer (DossierDemoServices *self,
             SoupServerMessage   *msg,
             DemoService          service)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  DemoGrant *grant;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    {
      demo_send_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_request", "A Bearer access token is required");
      return NULL;
    }
  grant = g_hash_table_lookup (self->tokens, header + 7);
  if (grant == NULL || grant->service != service || (grant->expires != 0 && grant->expires < demo_now ()))
    {
      if (grant != NULL)
        g_hash_table_remove (self->tokens, header + 7);
      demo_send_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_token", "The access token is unknown or has expired");
      return NULL;
    }
  return grant;
}

char *
demo_url (const char *base,
          const char *format,
          ...)
{
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);
  return g_strconcat (base, path, NULL);
}

/* A deep copy: json-glib's copies share their members. */
JsonObject *
demo_json_copy (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(JsonNode) copy = dossier_json_parse (text, strlen (text));

  return json_object_ref (json_node_get_object (copy));
}
