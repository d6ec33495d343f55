// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-oauth-redirect.h"

#include "dossier-oauth-error.h"
#include "dossier-secret.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

/* Where the web browser comes back after a sign-in (RFC 8252's loopback
 * redirect): a small web server on 127.0.0.1, on a port the system picks,
 * that lives for one sign-in only.  It takes the first answer at
 * /callback: the authorization code when the `state` matches the one this
 * sign-in sent, an error otherwise, and the browser gets a short page
 * saying what happened. */

#define MAX_PARAMETER_LENGTH 4096

struct _DossierOAuthRedirect
{
  GObject     parent_instance;
  SoupServer *server;
  char       *uri;
  char       *state;     /* wiped memory */
  char       *issuer;
  GTask      *waiting;   /* the wait, until the browser comes back */
  GSource    *cancelled; /* the wait's cancellation, seen from the main loop */
  char       *code;      /* wiped memory: an answer that came before the wait */
  GError     *error;     /* or the error it brought */
  gboolean    answered;  /* the browser came back */
  gboolean    delivered; /* and its page was sent */
};

G_DEFINE_FINAL_TYPE (DossierOAuthRedirect, dossier_oauth_redirect, G_TYPE_OBJECT)

static void
dossier_oauth_redirect_dispose (GObject *object)
{
  DossierOAuthRedirect *self = DOSSIER_OAUTH_REDIRECT (object);

  if (self->cancelled != NULL)
    g_source_destroy (self->cancelled);
  g_clear_pointer (&self->cancelled, g_source_unref);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  G_OBJECT_CLASS (dossier_oauth_redirect_parent_class)->dispose (object);
}

static void
dossier_oauth_redirect_finalize (GObject *object)
{
  DossierOAuthRedirect *self = DOSSIER_OAUTH_REDIRECT (object);

  g_free (self->uri);
  g_free (self->issuer);
  dossier_secure_strfree (self->state);
  dossier_secure_strfree (self->code);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (dossier_oauth_redirect_parent_class)->finalize (object);
}

static void
dossier_oauth_redirect_class_init (DossierOAuthRedirectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dossier_oauth_redirect_dispose;
  object_class->finalize = dossier_oauth_redirect_finalize;
}

static void
dossier_oauth_redirect_init (DossierOAuthRedirect *self)
{
}

static gboolean
same_secret (const char *a,
             const char *b)
{
  gsize length = strlen (a);

  return length == strlen (b) && dossier_secure_equal (a, b, length);
}

static void
answer_page (SoupServerMessage *message,
             guint              status,
             const char        *title,
             const char        *text)
{
  g_autofree char *page = NULL;
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *escaped_text = g_markup_escape_text (text, -1);

  page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>"
                          "<body><h1>%s</h1><p>%s</p></body></html>\n",
                          escaped_title, escaped_title, escaped_text);
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Cache-Control", "no-store");
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Referrer-Policy",
                                "no-referrer");
}

static const char *
parameter (GHashTable *query,
           const char *name)
{
  const char *value = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  return value != NULL && strlen (value) <= MAX_PARAMETER_LENGTH ? value : NULL;
}

static void
deliver (DossierOAuthRedirect *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->waiting);

  self->delivered = TRUE;
  if (self->cancelled != NULL)
    g_source_destroy (self->cancelled);
  g_clear_pointer (&self->cancelled, g_source_unref);
  if (task == NULL)
    return;
  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&self->code), (GDestroyNotify) dossier_secure_strfree);
}

/* Reads the browser's answer into self->code or self->error. */
static void
read_answer (DossierOAuthRedirect *self,
             GHashTable           *query)
{
  const char *state = parameter (query, "state");
  const char *code = parameter (query, "code");
  const char *error = parameter (query, "error");
  const char *issuer = parameter (query, "iss");

  /* RFC 9207: an answer naming another service is a mix-up attack */
  if (state == NULL || !same_secret (state, self->state) ||
      (issuer != NULL && self->issuer != NULL && g_strcmp0 (issuer, self->issuer) != 0))
    self->error = g_error_new (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_WRONG_STATE,
                               _("The answer to the web browser did not come from this sign-in, so Dossier ignored "
                                 "it. Try signing in again."));
  else if (error != NULL)
    self->error = g_error_new (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED,
                               _("The service refused the sign-in (%s)"),
                               g_str_is_ascii (error) && strlen (error) < 64 ? error : "?");
  else if (code == NULL || *code == '\0')
    self->error = g_error_new (DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_SERVER,
                               _("The service sent the web browser back without a sign-in code"));
  else
    self->code = dossier_secure_strdup (code);
}

static gboolean
deliver_later (gpointer user_data)
{
  deliver (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_page_sent (DossierOAuthRedirect *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, deliver_later, g_object_ref (self), g_object_unref);
}

static void
handle_callback (SoupServer        *server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  DossierOAuthRedirect *self = user_data;

  if (!g_str_equal (path, "/callback") || g_strcmp0 (soup_server_message_get_method (message), "GET") != 0)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (self->answered)
    {
      answer_page (message, SOUP_STATUS_GONE, _("Sign-in already finished"),
                   _("You can close this page and go back to Dossier."));
      return;
    }
  self->answered = TRUE;
  read_answer (self, query);
  if (self->error != NULL)
    answer_page (message, SOUP_STATUS_BAD_REQUEST, _("Sign-in failed"), self->error->message);
  else
    answer_page (message, SOUP_STATUS_OK, _("Signed in"),
                 _("You can close this page and go back to Dossier."));
  /* the answer is handed on once the page is sent, and from the main
   * loop, since whoever waits may close the server as soon as it has it */
  g_signal_connect_object (message, "finished", G_CALLBACK (on_page_sent), self, G_CONNECT_SWAPPED);
}

/**
 * dossier_oauth_redirect_new:
 * @state: the `state` this sign-in sends the service
 * @issuer: (nullable): the service's issuer identifier, checked against an
 *   `iss` in the answer
 *
 * Starts listening on a free port of 127.0.0.1.
 */
DossierOAuthRedirect *
dossier_oauth_redirect_new (const char  *state,
                            const char  *issuer,
                            GError     **error)
{
  g_autoptr(DossierOAuthRedirect) self = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (state != NULL, NULL);

  self = g_object_new (DOSSIER_TYPE_OAUTH_REDIRECT, NULL);
  self->state = dossier_secure_strdup (state);
  self->issuer = g_strdup (issuer);
  self->server = soup_server_new ("server-header", "Dossier", NULL);
  soup_server_add_handler (self->server, NULL, handle_callback, self, NULL);

  /* a socket of our own, whose port is known without asking the server */
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, address, FALSE, error) || !g_socket_listen (socket, error) ||
      (bound = g_socket_get_local_address (socket, error)) == NULL ||
      !soup_server_listen_socket (self->server, socket, 0, error))
    return NULL;
  self->uri = g_strdup_printf ("http://127.0.0.1:%u/callback",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return g_steal_pointer (&self);
}

/* The redirect_uri to send the service. */
const char *
dossier_oauth_redirect_get_uri (DossierOAuthRedirect *self)
{
  g_return_val_if_fail (DOSSIER_IS_OAUTH_REDIRECT (self), NULL);
  return self->uri;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  DossierOAuthRedirect *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->waiting);

  g_clear_pointer (&self->cancelled, g_source_unref);
  if (task != NULL)
    g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

/**
 * dossier_oauth_redirect_wait_async:
 *
 * Waits for the web browser to come back.  Only one wait at a time.
 */
void
dossier_oauth_redirect_wait_async (DossierOAuthRedirect *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOSSIER_IS_OAUTH_REDIRECT (self));
  g_return_if_fail (self->waiting == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_oauth_redirect_wait_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  self->waiting = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      /* a source rather than a signal handler: the wait ends from the
       * main loop, never inside g_cancellable_cancel() */
      self->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancelled, G_SOURCE_FUNC (on_cancelled), self, NULL);
      g_source_attach (self->cancelled, g_task_get_context (self->waiting));
    }
  if (self->delivered)
    deliver (self);
}

/**
 * dossier_oauth_redirect_wait_finish:
 *
 * Returns: (transfer full): the authorization code, in wiped memory: free
 *   it with dossier_secure_strfree()
 */
char *
dossier_oauth_redirect_wait_finish (DossierOAuthRedirect  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (DOSSIER_IS_OAUTH_REDIRECT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
