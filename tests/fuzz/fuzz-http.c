// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: the bytes are a server's whole answer (status line,
 * headers, body) to a request of the HTTP session, served from a socket on
 * 127.0.0.1; what the session hands on is read as the documents fetched
 * over the network are (key sets, DID documents, SMART Health Link
 * manifests and files).  Redirections are left out: they could lead
 * anywhere. */
#include "dossier-did.h"
#include "dossier-json.h"
#include "dossier-jwe.h"
#include "dossier-jwk.h"
#include "dossier-net-session.h"
#include "dossier-shl.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define REQUEST_LIMIT 65536

static GMutex answer_lock;
static GBytes *answer;

/* Serves one connection at a time: reads the request's head and sends the
 * current answer, then closes. */
static gpointer
serve (gpointer user_data)
{
  GSocket *listener = user_data;

  for (;;)
    {
      g_autoptr(GSocket) client = g_socket_accept (listener, NULL, NULL);
      g_autoptr(GString) request = g_string_new (NULL);
      g_autoptr(GBytes) bytes = NULL;
      char buffer[4096];
      gssize got;
      gsize sent = 0;

      if (client == NULL)
        continue;
      g_socket_set_timeout (client, 5);
      while (strstr (request->str, "\r\n\r\n") == NULL && request->len < REQUEST_LIMIT &&
             (got = g_socket_receive (client, buffer, sizeof buffer, NULL, NULL)) > 0)
        g_string_append_len (request, buffer, got);
      g_mutex_lock (&answer_lock);
      bytes = answer != NULL ? g_bytes_ref (answer) : NULL;
      g_mutex_unlock (&answer_lock);
      while (bytes != NULL && sent < g_bytes_get_size (bytes))
        {
          gssize n = g_socket_send (client, (const char *) g_bytes_get_data (bytes, NULL) + sent,
                                    g_bytes_get_size (bytes) - sent, NULL, NULL);

          if (n <= 0)
            break;
          sent += (gsize) n;
        }
      g_socket_shutdown (client, FALSE, TRUE, NULL);
      g_socket_close (client, NULL);
    }
  return NULL;
}

/* A copy of @data whose Location headers are renamed: a redirection is
 * followed to any host, and the fuzzer must not reach beyond this machine. */
static GBytes *
without_redirections (const uint8_t *data,
                      size_t         size)
{
  guint8 *copy = g_memdup2 (data, size);

  for (size_t i = 1; i + 8 <= size; i++)
    if (copy[i - 1] == '\n' && g_ascii_strncasecmp ((const char *) copy + i, "location", 8) == 0)
      copy[i] = 'X';
  return g_bytes_new_take (copy, size);
}

static char *
start_server (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  GSocket *listener;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert (listener != NULL);
  g_assert (g_socket_bind (listener, address, TRUE, NULL));
  g_assert (g_socket_listen (listener, NULL));
  bound = g_socket_get_local_address (listener, NULL);
  g_thread_unref (g_thread_new ("server", serve, listener));
  return g_strdup_printf ("http://127.0.0.1:%u/document",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* What the session hands on is read as each kind of fetched document. */
static void
read_documents (GBytes *body)
{
  const char *text = g_bytes_get_data (body, NULL);
  gsize length = g_bytes_get_size (body);
  g_autoptr(GPtrArray) keys = dossier_jwk_parse_set (text, length, NULL);
  g_autoptr(GPtrArray) manifest = dossier_shl_parse_manifest (text, length, NULL);
  g_autoptr(DossierJwe) jwe = dossier_jwe_parse (text, length, NULL);
  g_autoptr(JsonNode) root = dossier_json_parse (text, length);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autoptr(GPtrArray) document_keys = dossier_did_document_keys (json_node_get_object (root), NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static DossierNetSession *net;
  static char *uri;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  if (net == NULL)
    {
      uri = start_server ();
      net = dossier_net_session_new ();
      dossier_net_session_set_allow_http (net, TRUE);
    }
  g_mutex_lock (&answer_lock);
  g_clear_pointer (&answer, g_bytes_unref);
  answer = without_redirections (data, size);
  g_mutex_unlock (&answer_lock);

  /* reads and posts, as the callers do */
  if (size % 2 != 0)
    dossier_net_session_post_json_async (net, uri, "{\"recipient\":\"fuzz\"}", 32768, NULL, store_result, &result);
  else
    dossier_net_session_get_bytes_async (net, uri, 32768, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  body = dossier_net_session_get_bytes_finish (net, result, &error);
  g_object_unref (result);
  if (body != NULL)
    {
      g_assert (g_bytes_get_size (body) <= 32768);
      read_documents (body);
    }
  else
    g_assert (error != NULL && error->message != NULL);
  return 0;
}
