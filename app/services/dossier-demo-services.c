// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-services-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static void
free_value (gpointer value)
{
  g_free (value);
}

DossierDemoServices *
dossier_demo_services_new (const char  *data_dir,
                           gboolean     faults,
                           GError     **error)
{
  g_autoptr(DossierDemoServices) self = g_new0 (DossierDemoServices, 1);

  g_return_val_if_fail (data_dir != NULL, NULL);

  if ((self->catalog = dossier_demo_catalog_load (data_dir, error)) == NULL)
    return NULL;
  self->faults = faults;
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) demo_grant_free);
  self->pre_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) demo_grant_free);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) demo_grant_free);
  self->refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) demo_grant_free);
  self->nonces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_value);
  self->offers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->deferred = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  return g_steal_pointer (&self);
}

void
dossier_demo_services_free (DossierDemoServices *self)
{
  if (self == NULL)
    return;
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->catalog, dossier_demo_catalog_free);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->pre_codes, g_hash_table_unref);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->refresh, g_hash_table_unref);
  g_clear_pointer (&self->nonces, g_hash_table_unref);
  g_clear_pointer (&self->offers, g_hash_table_unref);
  g_clear_pointer (&self->deferred, g_hash_table_unref);
  g_clear_pointer (&self->links, g_hash_table_unref);
  g_clear_pointer (&self->files, g_hash_table_unref);
  g_clear_pointer (&self->huge, g_bytes_unref);
  g_free (self->moet);
  g_free (self->moh);
  g_free (self->shl);
  g_free (self);
}

/* Refuses, before reading it, a body larger than the endpoint takes, or
 * one whose length is not announced. */
static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset limit = g_str_has_suffix (path, "/shl/links") ? DOSSIER_DEMO_MAX_BODY : DOSSIER_DEMO_MAX_SMALL_BODY;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    demo_send_error (msg, SOUP_STATUS_LENGTH_REQUIRED, "invalid_request", "The request body must have a Content-Length");
  else if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
           soup_message_headers_get_content_length (headers) > limit)
    {
      demo_send_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "invalid_request", "The request body is too large");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
    }
}

static gboolean
strip_prefix (const char  *path,
              const char  *prefix,
              const char **rest)
{
  gsize length = strlen (prefix);

  if (strncmp (path, prefix, length) != 0 || (path[length] != '\0' && path[length] != '/'))
    return FALSE;
  *rest = path + length;
  return TRUE;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  DossierDemoServices *self = user_data;
  const char *rest = NULL;

  /* the early handler has already answered */
  if (soup_server_message_get_status (msg) != SOUP_STATUS_NONE)
    return;
  if (strip_prefix (path, "/moet", &rest))
    {
      if (!demo_fault_handle (self, msg, rest))
        demo_moet_handle (self, msg, rest);
    }
  else if (strip_prefix (path, "/moh", &rest))
    {
      if (!demo_fault_handle (self, msg, rest))
        demo_moh_handle (self, msg, rest);
    }
  else if (strip_prefix (path, "/shl", &rest))
    {
      if (!demo_fault_handle (self, msg, rest))
        demo_shl_handle (self, msg, rest);
    }
  else if (!demo_moet_handle_root (self, msg, path) && !demo_moh_handle_root (self, msg, path))
    demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "There is nothing at this address");
}

/* Listens on 127.0.0.1 only, at @port or, when 0, at a free port. */
gboolean
dossier_demo_services_listen (DossierDemoServices  *self,
                              guint                 port,
                              GError              **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  GSList *uris;
  guint bound;

  g_return_val_if_fail (self != NULL && self->server == NULL, FALSE);
  g_return_val_if_fail (port <= 65535, FALSE);

  self->server = soup_server_new ("server-header", "dossier-demo-services", NULL);
  soup_server_add_early_handler (self->server, NULL, early_handler, self, NULL);
  soup_server_add_handler (self->server, NULL, handler, self, NULL);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, (guint16) port);
  if (!soup_server_listen (self->server, address, 0, error))
    return FALSE;
  uris = soup_server_get_uris (self->server);
  bound = uris != NULL ? (guint) g_uri_get_port (uris->data) : 0;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (bound == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The demo services could not listen on 127.0.0.1"));
      return FALSE;
    }
  self->moet = g_strdup_printf ("http://127.0.0.1:%u/moet", bound);
  self->moh = g_strdup_printf ("http://127.0.0.1:%u/moh", bound);
  self->shl = g_strdup_printf ("http://127.0.0.1:%u/shl", bound);
  return TRUE;
}

const char *
dossier_demo_services_get_moet (DossierDemoServices *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->moet;
}

const char *
dossier_demo_services_get_moh (DossierDemoServices *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->moh;
}

const char *
dossier_demo_services_get_shl (DossierDemoServices *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->shl;
}
