// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-services-private.h"

#include "dossier-json.h"

#include <string.h>

#define HUGE_BODY (50 * 1024 * 1024)
#define MAX_LINKS 1000

/* What a link holds: the file's id, its content type and the passcode
 * (empty for none). */
enum { LINK_FILE, LINK_TYPE, LINK_PASSCODE, LINK_FIELDS };

static void
send_text (SoupServerMessage *msg,
           guint              status,
           const char        *type,
           const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, text, strlen (text));
}

/* POST <shl>/links: stores an encrypted file (a compact JWE) and answers
 * with its manifest and file addresses.  ?contentType= names what the JWE
 * holds (a SMART Health Card by default), ?passcode= protects it. */
static void
new_link (DossierDemoServices *self,
          SoupServerMessage   *msg,
          GHashTable          *query)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  const char *content_type = query != NULL ? g_hash_table_lookup (query, "contentType") : NULL;
  const char *passcode = query != NULL ? g_hash_table_lookup (query, "passcode") : NULL;
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonObject) response = json_object_new ();
  g_autofree char *manifest_id = NULL, *file_id = NULL, *manifest = NULL, *file = NULL;
  GStrv link;
  gsize length = g_bytes_get_size (bytes);
  const char *data = g_bytes_get_data (bytes, NULL);
  guint dots = 0;

  if (g_strcmp0 (type, "application/jose") != 0)
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "The body must be a JWE (application/jose)");
      return;
    }
  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '.')
        dots++;
      else if (!g_ascii_isalnum (data[i]) && data[i] != '-' && data[i] != '_')
        dots = 99;
    }
  if (length == 0 || length > DOSSIER_DEMO_MAX_BODY || dots != 4)
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "The body is not a compact JWE");
      return;
    }
  if (content_type == NULL)
    content_type = "application/smart-health-card";
  if (strlen (content_type) > 100 || (passcode != NULL && strlen (passcode) > 100))
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "contentType or passcode is too long");
      return;
    }
  if (g_hash_table_size (self->links) >= MAX_LINKS)
    {
      demo_send_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "temporarily_unavailable", "Too many links are held");
      return;
    }
  manifest_id = demo_random_string (32);
  file_id = demo_random_string (32);
  link = g_new0 (char *, LINK_FIELDS + 1);
  link[LINK_FILE] = g_strdup (file_id);
  link[LINK_TYPE] = g_strdup (content_type);
  link[LINK_PASSCODE] = g_strdup (passcode != NULL ? passcode : "");
  g_hash_table_insert (self->links, g_strdup (manifest_id), link);
  g_hash_table_insert (self->files, g_strdup (file_id), g_bytes_ref (bytes));
  manifest = g_strconcat (self->shl, "/manifest/", manifest_id, NULL);
  file = g_strconcat (self->shl, "/file/", file_id, NULL);
  json_object_set_string_member (response, "manifest", manifest);
  json_object_set_string_member (response, "file", file);
  demo_send_json (msg, SOUP_STATUS_CREATED, response);
}

/* POST <shl>/manifest/<id> with {"recipient": ..., "passcode": ...}. */
static void
manifest (DossierDemoServices *self,
          SoupServerMessage   *msg,
          const char          *id)
{
  GStrv link = g_hash_table_lookup (self->links, id);
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autofree char *location = NULL;
  JsonArray *files;
  JsonObject *file;

  if (link == NULL)
    {
      demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such link");
      return;
    }
  if ((request = demo_read_json (msg)) == NULL)
    return;
  if (dossier_json_get_string (request, "recipient") == NULL)
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "recipient is missing");
      return;
    }
  if (link[LINK_PASSCODE][0] != '\0' && g_strcmp0 (dossier_json_get_string (request, "passcode"), link[LINK_PASSCODE]) != 0)
    {
      g_autoptr(JsonObject) refusal = json_object_new ();

      json_object_set_string_member (refusal, "error", "invalid_passcode");
      json_object_set_int_member (refusal, "remainingAttempts", 10);
      demo_send_json (msg, SOUP_STATUS_UNAUTHORIZED, refusal);
      return;
    }
  response = json_object_new ();
  files = json_array_new ();
  file = json_object_new ();
  location = g_strconcat (self->shl, "/file/", link[LINK_FILE], NULL);
  json_object_set_string_member (file, "contentType", link[LINK_TYPE]);
  json_object_set_string_member (file, "location", location);
  json_array_add_object_element (files, file);
  json_object_set_array_member (response, "files", files);
  demo_send_json (msg, SOUP_STATUS_OK, response);
}

static void
file (DossierDemoServices *self,
      SoupServerMessage   *msg,
      const char          *id)
{
  GBytes *bytes = g_hash_table_lookup (self->files, id);

  if (bytes == NULL)
    {
      demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such file");
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "application/jose", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

void
demo_shl_handle (DossierDemoServices *self,
                 SoupServerMessage   *msg,
                 const char          *path)
{
  const char *method = soup_server_message_get_method (msg);
  const char *query_text = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) query = query_text != NULL ? soup_form_decode (query_text) : NULL;

  if (g_str_equal (method, "POST") && g_str_equal (path, "/links"))
    new_link (self, msg, query);
  else if (g_str_equal (method, "POST") && g_str_has_prefix (path, "/manifest/"))
    manifest (self, msg, path + strlen ("/manifest/"));
  else if (g_str_equal (method, "GET") && g_str_has_prefix (path, "/file/"))
    file (self, msg, path + strlen ("/file/"));
  else
    demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "There is nothing at this address");
}

/* Answers a status line and the start of a body, then closes the
 * connection, as a server that fails mid-answer. */
void
demo_drop_connection (SoupServerMessage *msg)
{
  static const char partial[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"resourceType\": \"Bundle\", \"entry\": [";
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream == NULL)
    return;
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), partial, sizeof partial - 1, NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

gboolean
demo_fault_handle (DossierDemoServices *self,
                   SoupServerMessage   *msg,
                   const char          *path)
{
  if (!self->faults || !g_str_has_prefix (path, "/fault/"))
    return FALSE;
  path += strlen ("/fault/");
  if (g_str_equal (path, "slow"))
    {
      /* never answered: the connection stays open until the client goes */
      soup_server_message_pause (msg);
    }
  else if (g_str_equal (path, "huge"))
    {
      if (self->huge == NULL)
        {
          char *body = g_malloc (HUGE_BODY);

          memset (body, 'a', HUGE_BODY);
          body[0] = '"';
          body[HUGE_BODY - 1] = '"';
          self->huge = g_bytes_new_take (body, HUGE_BODY);
        }
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "application/json", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), self->huge);
    }
  else if (g_str_equal (path, "malformed"))
    send_text (msg, SOUP_STATUS_OK, "application/json", "{\"credentials\": [{\"credential\": \"eyJ");
  else if (g_str_equal (path, "drop"))
    demo_drop_connection (msg);
  else
    return FALSE;
  return TRUE;
}
