// SPDX-License-Identifier: GPL-3.0-or-later
/* The HTTP session against a real SoupServer on 127.0.0.1 in this process. */
#include "dossier-net-session.h"

#include <libsoup/soup.h>
#include <string.h>

typedef struct
{
  SoupServer        *server;
  char              *base;
  DossierNetSession *net;
  GAsyncResult      *result;
} Fixture;

static void
handle (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  if (g_str_equal (path, "/jwks.json"))
    {
      const char *body = "{\"keys\":[]}";

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
    }
  else if (g_str_equal (path, "/big"))
    {
      g_autofree char *body = g_strnfill (100000, 'x');

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_COPY, body, strlen (body));
    }
  else if (g_str_equal (path, "/chunked"))
    {
      SoupMessageBody *response = soup_server_message_get_response_body (message);

      /* no Content-Length: the limit must hold while reading */
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (message), SOUP_ENCODING_CHUNKED);
      soup_server_message_set_status (message, 200, NULL);
      for (guint i = 0; i < 50; i++)
        soup_message_body_append (response, SOUP_MEMORY_TAKE, g_strnfill (4096, 'y'), 4096);
      soup_message_body_complete (response);
    }
  else if (g_str_equal (path, "/echo") && g_strcmp0 (soup_server_message_get_method (message), "POST") == 0)
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
      const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (message), NULL);

      soup_server_message_set_status (message, g_strcmp0 (type, "application/json") == 0 ? 200 : 415, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    }
  else if (g_str_equal (path, "/private"))
    soup_server_message_set_status (message, 401, NULL);
  else
    soup_server_message_set_status (message, 404, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle, NULL, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->net = dossier_net_session_new ();
  dossier_net_session_set_allow_http (f->net, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->result);
  g_assert_finalize_object (f->net);
  g_clear_object (&f->server);
  g_free (f->base);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = g_object_ref (result);
}

static GBytes *
get (Fixture     *f,
     const char  *path,
     gsize        max_size,
     GError     **error)
{
  g_autofree char *uri = g_strconcat (f->base, path + 1, NULL);

  g_clear_object (&f->result);
  dossier_net_session_get_bytes_async (f->net, uri, max_size, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return dossier_net_session_get_bytes_finish (f->net, f->result, error);
}

static void
test_fetch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = get (f, "/jwks.json", 1024, &error);

  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "{\"keys\":[]}", 11);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = get (f, "/missing", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP);
  g_clear_error (&error);

  bytes = get (f, "/big", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE);
  g_clear_error (&error);

  bytes = get (f, "/chunked", 10000, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* even with it, plain http goes to this machine only */
  g_clear_object (&f->result);
  dossier_net_session_get_bytes_async (f->net, "http://192.0.2.1/jwks.json", 1024, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (dossier_net_session_get_bytes_finish (f->net, f->result, &error));
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_NOT_HTTPS);
  g_clear_error (&error);

  /* without the test's permission, plain http is refused before connecting */
  dossier_net_session_set_allow_http (f->net, FALSE);
  bytes = get (f, "/jwks.json", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_NOT_HTTPS);
  g_clear_error (&error);

  g_clear_object (&f->result);
  dossier_net_session_get_bytes_async (f->net, "not a uri", 10, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (dossier_net_session_get_bytes_finish (f->net, f->result, &error));
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_INVALID_URI);
}

static void
test_post (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *echo = g_strconcat (f->base, "echo", NULL);
  g_autofree char *private = g_strconcat (f->base, "private", NULL);
  const char *body = "{\"recipient\":\"Bác sĩ\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) refused = NULL;

  dossier_net_session_post_json_async (f->net, echo, body, 1024, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  answer = dossier_net_session_get_bytes_finish (f->net, f->result, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), body, strlen (body));

  g_clear_object (&f->result);
  dossier_net_session_post_json_async (f->net, private, body, 1024, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  refused = dossier_net_session_get_bytes_finish (f->net, f->result, &error);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_UNAUTHORIZED);
  g_assert_null (refused);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/net/fetch", Fixture, NULL, fixture_set_up, test_fetch, fixture_tear_down);
  g_test_add ("/net/errors", Fixture, NULL, fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/net/post", Fixture, NULL, fixture_set_up, test_post, fixture_tear_down);
  return g_test_run ();
}
