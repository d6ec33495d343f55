// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-net-session.h"

#include "dossier-secret.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

/* The application's one HTTP session.  Every request has a timeout and a
 * size limit, TLS errors are errors, and only https is used unless a test
 * or the demo services on this machine allow plain http, and then only to
 * this machine's loopback addresses.
 *
 * No certificate is ever accepted against the TLS library's verdict: the
 * messages' accept-certificate signal only records why a certificate was
 * refused, so that the error can say so. */

#define CHUNK_SIZE 16384
#define MAX_REDIRECTS 5

struct _DossierNetSession
{
  GObject      parent_instance;
  SoupSession *session;
  gboolean     allow_http;
};

G_DEFINE_FINAL_TYPE (DossierNetSession, dossier_net_session, G_TYPE_OBJECT)
G_DEFINE_QUARK (dossier-net-error-quark, dossier_net_error)

typedef struct
{
  gsize         max_size;
  guint         redirects;
  guint         status;
  gboolean      any_status;  /* hand back the body of any answer, with its status */
  char         *bearer;      /* wiped memory, or NULL */
  char         *accept;
  GByteArray   *body;
  GInputStream *stream;
  guint8        chunk[CHUNK_SIZE];
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_clear_object (&fetch->stream);
  dossier_secure_strfree (fetch->bearer);
  g_free (fetch->accept);
  g_free (fetch);
}

static void
dossier_net_session_finalize (GObject *object)
{
  DossierNetSession *self = DOSSIER_NET_SESSION (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (dossier_net_session_parent_class)->finalize (object);
}

static void
dossier_net_session_class_init (DossierNetSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_net_session_finalize;
}

static void
dossier_net_session_init (DossierNetSession *self)
{
  self->session = soup_session_new_with_options ("timeout", DOSSIER_NET_DEFAULT_TIMEOUT,
                                                 "idle-timeout", DOSSIER_NET_DEFAULT_TIMEOUT,
                                                 "user-agent", "Dossier/" PACKAGE_VERSION,
                                                 NULL);
}

DossierNetSession *
dossier_net_session_new (void)
{
  return g_object_new (DOSSIER_TYPE_NET_SESSION, NULL);
}

/* Trusts the certificate authorities in the PEM file @pem_file instead of
 * the system's, for a service with its own authority (the demo services,
 * tests).  Certificates are still checked in full: chain, validity period
 * and host name. */
gboolean
dossier_net_session_set_trust_anchors (DossierNetSession  *self,
                                       const char         *pem_file,
                                       GError            **error)
{
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_val_if_fail (DOSSIER_IS_NET_SESSION (self), FALSE);
  g_return_val_if_fail (pem_file != NULL, FALSE);

  database = g_tls_file_database_new (pem_file, error);
  if (database == NULL)
    return FALSE;
  soup_session_set_tls_database (self->session, database);
  return TRUE;
}

/* Plain http, for services on this machine (tests, the demo services):
 * other hosts still need https. */
void
dossier_net_session_set_allow_http (DossierNetSession *self,
                                    gboolean           allow)
{
  g_return_if_fail (DOSSIER_IS_NET_SESSION (self));
  self->allow_http = allow;
}

/* How long a request may wait for a connection or an answer. */
void
dossier_net_session_set_timeout (DossierNetSession *self,
                                 guint              seconds)
{
  g_return_if_fail (DOSSIER_IS_NET_SESSION (self));
  g_object_set (self->session, "timeout", seconds, NULL);
}

static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  /* an IPv6 literal may still be in its brackets */
  bare = host[0] == '[' ? g_strndup (host + 1, strlen (host) - 2) : g_strdup (host);
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static void read_next (GTask *task);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;
  gssize got = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (got < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  if (got == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&fetch->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (fetch->body->len + (gsize) got > fetch->max_size)
    {
      g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE,
                               _("The server’s answer is larger than %zu bytes"), fetch->max_size);
      return;
    }
  g_byte_array_append (fetch->body, fetch->chunk, (guint) got);
  read_next (g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_input_stream_read_async (fetch->stream, fetch->chunk, sizeof fetch->chunk, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), on_read, task);
}

#define TLS_ERRORS_KEY "dossier-tls-errors"

static void send_to (GTask      *task,
                     const char *method,
                     GUri       *uri,
                     const char *content_type,
                     GBytes     *body);

static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  g_object_set_data (G_OBJECT (message), TLS_ERRORS_KEY, GUINT_TO_POINTER (errors | G_TLS_CERTIFICATE_GENERIC_ERROR));
  return FALSE;
}

/* The reason a server's certificate was refused, in words, most serious
 * first: a certificate nobody trusted issued proves nothing else. */
static GError *
certificate_error (SoupMessage          *message,
                   GTlsCertificateFlags  errors)
{
  const char *host = g_uri_get_host (soup_message_get_uri (message));

  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_UNTRUSTED,
                        _("Refused the connection to %s: its security certificate was not issued by an authority "
                          "this computer trusts (it may be self-signed). Someone may be pretending to be this "
                          "service."), host);
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_WRONG_HOST,
                        _("Refused the connection to %s: its security certificate belongs to a different site. "
                          "Someone may be pretending to be this service."), host);
  if (errors & G_TLS_CERTIFICATE_EXPIRED)
    return g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_EXPIRED,
                        _("Refused the connection to %s: its security certificate has expired. If this "
                          "computer’s date is right, the service must renew its certificate."), host);
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_EXPIRED,
                        _("Refused the connection to %s: its security certificate is not valid yet. Check "
                          "this computer’s date and time."), host);
  return g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_INVALID,
                      _("Refused the connection to %s: its security certificate is revoked, insecure or "
                        "damaged."), host);
}

/* Redirections are followed here rather than by libsoup, so that each new
 * address is checked as the first one was: https only, and a few at most.
 * Only reads are redirected. */
static gboolean
is_followed_redirect (SoupMessage *message,
                      guint        status)
{
  if (status != SOUP_STATUS_MOVED_PERMANENTLY && status != SOUP_STATUS_FOUND && status != SOUP_STATUS_SEE_OTHER &&
      status != SOUP_STATUS_TEMPORARY_REDIRECT && status != SOUP_STATUS_PERMANENT_REDIRECT)
    return FALSE;
  return g_strcmp0 (soup_message_get_method (message), SOUP_METHOD_GET) == 0 &&
         soup_message_headers_get_one (soup_message_get_response_headers (message), "Location") != NULL;
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GError *error = NULL;
  guint status;
  goffset length;

  fetch->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (fetch->stream == NULL)
    {
      guint tls_errors = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (message), TLS_ERRORS_KEY));

      if (tls_errors != 0)
        {
          g_error_free (error);
          error = certificate_error (message, tls_errors);
        }
      g_task_return_error (task, error);
      return;
    }
  status = soup_message_get_status (message);
  if (is_followed_redirect (message, status))
    {
      const char *location = soup_message_headers_get_one (soup_message_get_response_headers (message), "Location");
      g_autoptr(GUri) next = g_uri_parse_relative (soup_message_get_uri (message), location, SOUP_HTTP_URI_FLAGS, NULL);

      if (next == NULL || g_uri_get_host (next) == NULL || ++fetch->redirects > MAX_REDIRECTS)
        {
          g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP,
                                   _("The server sent Dossier to a bad address or round in circles (%u %s)"),
                                   status, soup_message_get_reason_phrase (message) ?: "");
          return;
        }
      g_clear_object (&fetch->stream);
      send_to (g_steal_pointer (&task), SOUP_METHOD_GET, next, NULL, NULL);
      return;
    }
  fetch->status = status;
  if (!fetch->any_status && (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN))
    {
      g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_UNAUTHORIZED,
                               _("The server refused access (%u %s)"), status,
                               soup_message_get_reason_phrase (message) ?: "");
      return;
    }
  if (!fetch->any_status && (status < 200 || status >= 300))
    {
      g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP,
                               _("The server answered %u %s"), status,
                               soup_message_get_reason_phrase (message) ?: "");
      return;
    }
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (message));
  if (length > 0 && (guint64) length > fetch->max_size)
    {
      g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE,
                               _("The server’s answer is larger than %zu bytes"), fetch->max_size);
      return;
    }
  read_next (g_steal_pointer (&task));
}

static gboolean
uri_is_allowed (DossierNetSession *self,
                GUri              *uri)
{
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    return g_uri_get_host (uri) != NULL;
  return self->allow_http && g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 &&
         g_uri_get_host (uri) != NULL && is_loopback (g_uri_get_host (uri));
}

/**
 * dossier_net_session_check_uri:
 * @uri: a web address
 *
 * Checks that @uri is one this session would talk to (https, or plain
 * http to this machine when allowed), for addresses handed to something
 * else, such as the web browser.
 */
gboolean
dossier_net_session_check_uri (DossierNetSession  *self,
                               const char         *uri,
                               GError            **error)
{
  g_autoptr(GUri) parsed = NULL;

  g_return_val_if_fail (DOSSIER_IS_NET_SESSION (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);

  parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    {
      g_set_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_INVALID_URI, _("“%s” is not a web address"), uri);
      return FALSE;
    }
  if (!uri_is_allowed (self, parsed))
    {
      g_set_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_NOT_HTTPS,
                   _("Dossier talks to services only over https, not “%s”"), uri);
      return FALSE;
    }
  return TRUE;
}

/* Sends @method to @uri, checked first; the answer goes to on_sent(). */
static void
send_to (GTask      *task,
         const char *method,
         GUri       *uri,
         const char *content_type,
         GBytes     *body)
{
  DossierNetSession *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;

  if (!uri_is_allowed (self, uri))
    {
      g_autofree char *text = g_uri_to_string (uri);

      g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_NOT_HTTPS,
                               _("Dossier talks to services only over https, not “%s”"), text);
      g_object_unref (task);
      return;
    }
  message = soup_message_new_from_uri (method, uri);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect (message, "accept-certificate", G_CALLBACK (on_accept_certificate), NULL);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, content_type, body);
  if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") == 0)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  /* a redirection never carries the token on to another address */
  if (fetch->bearer != NULL && fetch->redirects == 0)
    {
      g_autofree char *value = g_strconcat ("Bearer ", fetch->bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", value);
      dossier_secure_wipe (value, strlen (value));
    }
  if (fetch->accept != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", fetch->accept);
  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_sent, task);
}

static void
send_request_full (DossierNetSession   *self,
                   const char          *method,
                   const char          *uri,
                   const char          *bearer,
                   const char          *accept,
                   const char          *content_type,
                   GBytes              *body,
                   gboolean             any_status,
                   gsize                max_size,
                   GCancellable        *cancellable,
                   gpointer             source_tag,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) parsed = NULL;
  Fetch *fetch;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  fetch = g_new0 (Fetch, 1);
  fetch->bearer = dossier_secure_strdup (bearer);
  fetch->accept = g_strdup (accept);
  fetch->max_size = max_size;
  fetch->any_status = any_status;
  /* answers carrying secrets are read into one allocation, so that the
   * caller can wipe them: no copies are left behind by reallocations */
  fetch->body = any_status ? g_byte_array_sized_new ((guint) MIN (max_size, 65536)) : g_byte_array_new ();
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    {
      g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_INVALID_URI,
                               _("“%s” is not a web address"), uri);
      return;
    }
  send_to (g_steal_pointer (&task), method, parsed, content_type, body);
}

static void
send_request (DossierNetSession   *self,
              const char          *method,
              const char          *uri,
              const char          *content_type,
              GBytes              *body,
              gboolean             any_status,
              gsize                max_size,
              GCancellable        *cancellable,
              gpointer             source_tag,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  send_request_full (self, method, uri, NULL, NULL, content_type, body, any_status, max_size, cancellable,
                     source_tag, callback, user_data);
}

/**
 * dossier_net_session_send_async:
 * @method: "GET" or "POST"
 * @bearer: (nullable): an OAuth 2.0 access token to send with it
 * @accept: (nullable): the media types asked for
 * @content_type: (nullable): the type of @body
 * @body: (nullable): what to post
 *
 * Sends a request to a service's API.  As with forms, the body of an answer
 * of any status is handed back with its status
 * (dossier_net_session_post_form_finish()); size limit, TLS and https rules
 * hold as for every request.  The token is not sent on to a redirection.
 */
void
dossier_net_session_send_async (DossierNetSession   *self,
                                const char          *method,
                                const char          *uri,
                                const char          *bearer,
                                const char          *accept,
                                const char          *content_type,
                                GBytes              *body,
                                gsize                max_size,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (DOSSIER_IS_NET_SESSION (self));
  g_return_if_fail (method != NULL && uri != NULL);

  send_request_full (self, method, uri, bearer, accept, content_type, body, TRUE, max_size, cancellable,
                     dossier_net_session_post_form_async, callback, user_data);
}

/* Fetches @uri and returns its body, refusing more than @max_size bytes:
 * the limit is checked against the announced length and while reading. */
void
dossier_net_session_get_bytes_async (DossierNetSession   *self,
                                     const char          *uri,
                                     gsize                max_size,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (DOSSIER_IS_NET_SESSION (self));
  g_return_if_fail (uri != NULL);

  send_request (self, SOUP_METHOD_GET, uri, NULL, NULL, FALSE, max_size, cancellable,
                dossier_net_session_get_bytes_async, callback, user_data);
}

/* Posts the JSON text @json_body to @uri; the answer is read as by
 * dossier_net_session_get_bytes_async() and finished with
 * dossier_net_session_get_bytes_finish(). */
void
dossier_net_session_post_json_async (DossierNetSession   *self,
                                     const char          *uri,
                                     const char          *json_body,
                                     gsize                max_size,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (DOSSIER_IS_NET_SESSION (self));
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (uri != NULL && json_body != NULL);

  body = g_bytes_new (json_body, strlen (json_body));
  send_request (self, SOUP_METHOD_POST, uri, "application/json", body, FALSE, max_size, cancellable,
                dossier_net_session_post_json_async, callback, user_data);
}

GBytes *
dossier_net_session_get_bytes_finish (DossierNetSession  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  g_return_val_if_fail (DOSSIER_IS_NET_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
form_free (gpointer data)
{
  dossier_secure_strfree (data);
}

/**
 * dossier_net_session_post_form_async:
 * @form: (element-type utf8 utf8): the fields to send, form-encoded
 *
 * Posts @form to @uri, as OAuth 2.0 token endpoints expect.  The encoded
 * body is wiped once sent, since it usually carries secrets.  Unlike the
 * other requests, the body of an answer with any status is handed back
 * (with the status, by dossier_net_session_post_form_finish()), since
 * such endpoints explain a refusal in the body of a 400 answer; the size
 * limit, TLS and https rules still hold.
 */
void
dossier_net_session_post_form_async (DossierNetSession   *self,
                                     const char          *uri,
                                     GHashTable          *form,
                                     gsize                max_size,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  char *encoded;
  char *secure;

  g_return_if_fail (DOSSIER_IS_NET_SESSION (self));
  g_return_if_fail (uri != NULL && form != NULL);

  encoded = soup_form_encode_hash (form);
  secure = dossier_secure_strdup (encoded);
  dossier_secure_wipe (encoded, strlen (encoded));
  g_free (encoded);
  body = g_bytes_new_with_free_func (secure, strlen (secure), form_free, secure);
  send_request (self, SOUP_METHOD_POST, uri, "application/x-www-form-urlencoded", body, TRUE, max_size,
                cancellable, dossier_net_session_post_form_async, callback, user_data);
}

/**
 * dossier_net_session_post_form_finish:
 * @status: (out): the answer's HTTP status
 *
 * Returns: the answer's body, whatever its status
 */
GBytes *
dossier_net_session_post_form_finish (DossierNetSession  *self,
                                      GAsyncResult       *result,
                                      guint              *status,
                                      GError            **error)
{
  Fetch *fetch;

  g_return_val_if_fail (DOSSIER_IS_NET_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  fetch = g_task_get_task_data (G_TASK (result));
  if (status != NULL)
    *status = fetch->status;
  return g_task_propagate_pointer (G_TASK (result), error);
}
