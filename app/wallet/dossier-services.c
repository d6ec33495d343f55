// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-services-private.h"

#include "dossier-json.h"
#include "dossier-oauth-client.h"
#include "dossier-oid4vci.h"
#include "dossier-secret.h"
#include "dossier-service-tokens.h"
#include "dossier-smart-client.h"
#include "dossier-wallet.h"

#include <glib/gi18n-lib.h>
#include <openssl/sha.h>
#include <string.h>

/* The wallet's connections to national services.
 *
 * The connections are kept in the vault's settings ("services", a JSON
 * array), their tokens among the vault's secrets.  A sync fetches what a
 * service holds, runs it through the wallet's intake and adds what is new
 * in one vault transaction.
 *
 * A second sync adds nothing: the vault's setting "service:<id>:seen"
 * keeps a SHA-256 digest of a key for every item already kept:
 *   - a FHIR resource: its type, id and version ("fhir:Immunization/7/_history/2"),
 *     or the digest of its JSON text when it has no id;
 *   - a SMART Health Card: the digest of the records it holds, since an
 *     issuer signs the same card afresh at each request;
 *   - an OpenID4VCI credential: the issuer's stable credential_identifier,
 *     else its jti or id, else the digest of its text. */

#define SETTING_CONNECTIONS "services"
#define SETTING_SYNC_ON_UNLOCK "services:sync-on-unlock"
#define CLIENT_ID "dossier"
#define HEALTH_SCOPE "openid fhirUser launch/patient patient/*.rs offline_access"
#define MAX_DISCOVERY_SIZE (256 * 1024)
#define MAX_SEEN_SIZE (8 * 1024 * 1024)

struct _DossierServices
{
  GObject        parent_instance;
  DossierWallet *wallet;        /* owns this */
  GPtrArray     *connections;
  gboolean       sync_on_unlock;
};

static void list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DossierServices, dossier_services, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_init))

static GType
get_item_type (GListModel *model)
{
  return DOSSIER_TYPE_SERVICE_CONNECTION;
}

static guint
get_n_items (GListModel *model)
{
  return DOSSIER_SERVICES (model)->connections->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  DossierServices *self = DOSSIER_SERVICES (model);

  if (position >= self->connections->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->connections, position));
}

static void
list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
dossier_services_finalize (GObject *object)
{
  DossierServices *self = DOSSIER_SERVICES (object);

  g_clear_pointer (&self->connections, g_ptr_array_unref);
  G_OBJECT_CLASS (dossier_services_parent_class)->finalize (object);
}

static void
dossier_services_class_init (DossierServicesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_services_finalize;
}

static void
dossier_services_init (DossierServices *self)
{
  self->connections = g_ptr_array_new_with_free_func (g_object_unref);
}

DossierServices *
dossier_services_new (DossierWallet *wallet)
{
  DossierServices *self = g_object_new (DOSSIER_TYPE_SERVICES, NULL);

  self->wallet = wallet;
  return self;
}

static DossierVault *
vault_of (DossierServices *self)
{
  return dossier_wallet_get_vault (self->wallet);
}

static DossierNetSession *
net_of (DossierServices *self)
{
  return dossier_wallet_get_net (self->wallet);
}

static char *
host_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : url);
}

/* Any error of the layers below, in the services' terms. */
static GError *
services_error (GError     *error,
                const char *service)
{
  g_autoptr(GError) owned = error;
  DossierServicesError code = DOSSIER_SERVICES_ERROR_SERVER_ERROR;

  if (error->domain == DOSSIER_SERVICES_ERROR || error->domain == DOSSIER_VAULT_ERROR)
    return g_steal_pointer (&owned);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CANCELLED, _("Stopped"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_TIMEOUT,
                        _("%s took too long to answer; try again later"), service);
  if (error->domain == DOSSIER_NET_ERROR)
    {
      switch ((DossierNetError) error->code)
        {
        case DOSSIER_NET_ERROR_CERTIFICATE_UNTRUSTED:
        case DOSSIER_NET_ERROR_CERTIFICATE_WRONG_HOST:
        case DOSSIER_NET_ERROR_CERTIFICATE_EXPIRED:
        case DOSSIER_NET_ERROR_CERTIFICATE_INVALID:
          return g_error_new_literal (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CERTIFICATE, error->message);
        case DOSSIER_NET_ERROR_TOO_LARGE:
          code = DOSSIER_SERVICES_ERROR_TOO_LARGE;
          break;
        case DOSSIER_NET_ERROR_MALFORMED:
        case DOSSIER_NET_ERROR_INVALID_URI:
        case DOSSIER_NET_ERROR_NOT_HTTPS:
          code = DOSSIER_SERVICES_ERROR_MALFORMED;
          break;
        case DOSSIER_NET_ERROR_UNAUTHORIZED:
          code = DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED;
          break;
        case DOSSIER_NET_ERROR_HTTP:
        default:
          break;
        }
      return g_error_new (DOSSIER_SERVICES_ERROR, code, "%s: %s", service, error->message);
    }
  if (error->domain == DOSSIER_OAUTH_ERROR)
    {
      switch ((DossierOAuthError) error->code)
        {
        case DOSSIER_OAUTH_ERROR_OFFLINE:
          code = DOSSIER_SERVICES_ERROR_OFFLINE;
          break;
        case DOSSIER_OAUTH_ERROR_REFUSED:
        case DOSSIER_OAUTH_ERROR_WRONG_STATE:
        case DOSSIER_OAUTH_ERROR_BROWSER:
          code = DOSSIER_SERVICES_ERROR_SIGN_IN_REFUSED;
          break;
        case DOSSIER_OAUTH_ERROR_CERTIFICATE:
          code = DOSSIER_SERVICES_ERROR_CERTIFICATE;
          break;
        case DOSSIER_OAUTH_ERROR_INVALID:
          code = DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED;
          break;
        case DOSSIER_OAUTH_ERROR_SERVER:
        case DOSSIER_OAUTH_ERROR_UNSUPPORTED:
        default:
          break;
        }
      return g_error_new_literal (DOSSIER_SERVICES_ERROR, code, error->message);
    }
  if (error->domain == DOSSIER_WALLET_ERROR)
    return g_error_new_literal (DOSSIER_SERVICES_ERROR,
                                error->code == DOSSIER_WALLET_ERROR_TOO_LARGE ? DOSSIER_SERVICES_ERROR_TOO_LARGE
                                                                              : DOSSIER_SERVICES_ERROR_MALFORMED,
                                error->message);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CERTIFICATE,
                        _("Could not set up a secure connection with %s: %s"), service, error->message);
  return g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_OFFLINE,
                      _("Could not reach %s. Check that this computer is online, then try again. (%s)"),
                      service, error->message);
}

static void
return_error (GTask      *task,
              GError     *error,
              const char *service)
{
  g_task_return_error (task, services_error (error, service));
}

/* Settings */

static char *
connections_text (DossierServices *self)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < self->connections->len; i++)
    json_array_add_element (array, dossier_service_connection_to_json (g_ptr_array_index (self->connections, i)));
  json_node_take_array (root, array);
  return json_to_string (root, FALSE);
}

static void
on_setting_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dossier_vault_set_setting_finish (DOSSIER_VAULT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Saves the connections, then finishes @task. */
static void
save_connections (DossierServices *self,
                  GTask           *task)
{
  g_autofree char *text = connections_text (self);

  dossier_vault_set_setting_async (vault_of (self), SETTING_CONNECTIONS, text, g_task_get_cancellable (task),
                                   on_setting_saved, task);
}

typedef struct
{
  char *connections;
} LoadData;

static void
on_sync_setting_loaded (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  const char *text = g_task_get_task_data (task);
  g_autofree char *flag = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint removed = self->connections->len;
  GError *error = NULL;

  flag = dossier_vault_get_setting_finish (DOSSIER_VAULT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  self->sync_on_unlock = g_strcmp0 (flag, "true") == 0;
  g_ptr_array_set_size (self->connections, 0);
  root = text != NULL ? dossier_json_parse (text, strlen (text)) : NULL;
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          DossierServiceConnection *connection = NULL;

          if (JSON_NODE_HOLDS_OBJECT (node))
            connection = dossier_service_connection_from_json (json_node_get_object (node));
          if (connection != NULL)
            g_ptr_array_add (self->connections, connection);
        }
    }
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->connections->len);
  g_task_return_boolean (task, TRUE);
}

static void
on_connections_loaded (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *text;

  text = dossier_vault_get_setting_finish (DOSSIER_VAULT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, text, g_free);
  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    dossier_vault_get_setting_async (DOSSIER_VAULT (source), SETTING_SYNC_ON_UNLOCK, cancellable,
                                     on_sync_setting_loaded, g_steal_pointer (&task));
  }
}

void
dossier_services_load_async (DossierServices     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DOSSIER_IS_SERVICES (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_services_load_async);
  dossier_vault_get_setting_async (vault_of (self), SETTING_CONNECTIONS, cancellable, on_connections_loaded, task);
}

gboolean
dossier_services_load_finish (DossierServices  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
same_url (const char *a,
          const char *b)
{
  gsize la = strlen (a), lb = strlen (b);

  while (la > 0 && a[la - 1] == '/')
    la--;
  while (lb > 0 && b[lb - 1] == '/')
    lb--;
  return la == lb && g_ascii_strncasecmp (a, b, la) == 0;
}

/**
 * dossier_services_lookup:
 * @name: a connection's id, display name or address
 *
 * Returns: (transfer none) (nullable): the connection
 */
DossierServiceConnection *
dossier_services_lookup (DossierServices *self,
                         const char      *name)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICES (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint pass = 0; pass < 3; pass++)
    for (guint i = 0; i < self->connections->len; i++)
      {
        DossierServiceConnection *connection = g_ptr_array_index (self->connections, i);

        if ((pass == 0 && g_strcmp0 (dossier_service_connection_get_id (connection), name) == 0) ||
            (pass == 1 && g_utf8_collate (dossier_service_connection_get_display_name (connection), name) == 0) ||
            (pass == 2 && (same_url (dossier_service_connection_get_base_url (connection), name) ||
                           same_url (dossier_service_connection_get_api_url (connection), name))))
          return connection;
      }
  return NULL;
}

gboolean
dossier_services_get_sync_on_unlock (DossierServices *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICES (self), FALSE);
  return self->sync_on_unlock;
}

void
dossier_services_set_sync_on_unlock_async (DossierServices     *self,
                                           gboolean             sync_on_unlock,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DOSSIER_IS_SERVICES (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_services_set_sync_on_unlock_async);
  self->sync_on_unlock = !!sync_on_unlock;
  dossier_vault_set_setting_async (vault_of (self), SETTING_SYNC_ON_UNLOCK, sync_on_unlock ? "true" : "false",
                                   cancellable, on_setting_saved, task);
}

gboolean
dossier_services_set_sync_on_unlock_finish (DossierServices  *self,
                                            GAsyncResult     *result,
                                            GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Adding a connection: discovery decides what kind of service it is. */

typedef struct
{
  char               *url;
  gint64              person_id;
  guint               probe;
  DossierServiceKind  kind;
  char               *auth_url;
  char               *api_url;
  char               *name;
} AddData;

static void
add_data_free (AddData *data)
{
  g_free (data->url);
  g_free (data->auth_url);
  g_free (data->api_url);
  g_free (data->name);
  g_free (data);
}

static char *
unique_id (DossierServices *self,
           const char      *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *path = uri != NULL ? g_uri_get_path (uri) : "";
  const char *slash = strrchr (path, '/');
  g_autofree char *base = NULL;
  g_autoptr(GString) id = g_string_new (NULL);

  base = slash != NULL && slash[1] != '\0' ? g_strdup (slash + 1) : host_of (url);
  for (const char *p = base; *p != '\0'; p++)
    g_string_append_c (id, g_ascii_isalnum (*p) || *p == '-' ? g_ascii_tolower (*p) : '-');
  if (id->len == 0)
    g_string_assign (id, "service");
  for (guint n = 2; dossier_services_lookup (self, id->str) != NULL; n++)
    {
      g_string_truncate (id, strlen (base));
      g_string_append_printf (id, "-%u", n);
    }
  return g_string_free (g_steal_pointer (&id), FALSE);
}

static void
finish_add (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);
  g_autofree char *id = unique_id (self, data->auth_url);
  DossierServiceConnection *connection;

  connection = dossier_service_connection_new (id, data->auth_url, data->kind);
  dossier_service_connection_set_api_url (connection, data->api_url);
  dossier_service_connection_set_display_name (connection, data->name != NULL ? data->name : id);
  dossier_service_connection_set_person_id (connection, data->person_id);
  g_ptr_array_add (self->connections, connection);
  g_list_model_items_changed (G_LIST_MODEL (self), self->connections->len - 1, 0, 1);
  g_object_set_data_full (G_OBJECT (task), "connection", g_object_ref (connection), g_object_unref);
  save_connections (self, task);
}

static void probe_next (GTask *task);

static void
on_fhir_probed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, NULL);
  /* a FHIR server answers its metadata, or refuses it without a sign-in */
  if (bytes != NULL && status != 404 && status < 500)
    {
      g_free (data->api_url);
      data->api_url = g_strdup_printf ("%s/fhir", data->auth_url);
    }
  finish_add (g_steal_pointer (&task));
}

/* The SMART configuration was found at @auth_url: the FHIR base is the
 * address given, or its "fhir" child when the service is its parent. */
static void
found_health (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);
  g_autofree char *probe = NULL;
  g_autofree char *short_name = unique_id (self, data->auth_url);

  data->kind = DOSSIER_SERVICE_KIND_HEALTH;
  /* Translators: the name of a health service, from its address */
  data->name = g_strdup_printf (_("Health book (%s)"), short_name);
  if (!g_str_equal (data->auth_url, data->api_url))
    {
      finish_add (task);
      return;
    }
  probe = g_strdup_printf ("%s/fhir/metadata", data->auth_url);
  dossier_net_session_send_async (net_of (self), "GET", probe, NULL, "application/fhir+json", NULL, NULL,
                                  MAX_DISCOVERY_SIZE, g_task_get_cancellable (task), on_fhir_probed, task);
}

static void
on_issuer_discovered (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddData *data = g_task_get_task_data (task);
  g_autoptr(DossierOid4vciIssuer) issuer = NULL;
  GError *error = NULL;

  issuer = dossier_oid4vci_discover_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (issuer == NULL)
    {
      if (g_error_matches (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP) ||
          g_error_matches (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_UNAUTHORIZED))
        {
          g_error_free (error);
          data->probe++;
          probe_next (g_steal_pointer (&task));
          return;
        }
      return_error (task, error, data->url);
      return;
    }
  data->kind = DOSSIER_SERVICE_KIND_LEARNING;
  data->auth_url = g_strdup (issuer->credential_issuer);
  data->api_url = g_strdup (issuer->credential_issuer);
  data->name = g_strdup (issuer->display_name);
  finish_add (g_steal_pointer (&task));
}

static void
on_smart_probed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, &error);
  if (bytes == NULL)
    {
      return_error (task, error, data->url);
      return;
    }
  if (status >= 200 && status < 300)
    root = dossier_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      dossier_json_get_string (json_node_get_object (root), "token_endpoint") != NULL)
    {
      found_health (g_steal_pointer (&task));
      return;
    }
  data->probe++;
  probe_next (g_steal_pointer (&task));
}

/* Looks, in turn, for OpenID4VCI issuer metadata at the address, SMART
 * configuration at the address, and SMART configuration at its parent
 * (for a FHIR base below the service's own address). */
static void
probe_next (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);
  g_autofree char *uri = NULL;

  switch (data->probe)
    {
    case 0:
      dossier_oid4vci_discover_async (net_of (self), data->url, g_task_get_cancellable (task),
                                      on_issuer_discovered, task);
      return;
    case 1:
      g_free (data->auth_url);
      data->auth_url = g_strdup (data->url);
      g_free (data->api_url);
      data->api_url = g_strdup (data->url);
      break;
    case 2:
      {
        const char *slash = strrchr (data->url, '/');

        if (slash != NULL && slash > strstr (data->url, "://") + 3)
          {
            g_free (data->auth_url);
            data->auth_url = g_strndup (data->url, (gsize) (slash - data->url));
            break;
          }
      }
      G_GNUC_FALLTHROUGH;
    default:
      g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SERVER_ERROR,
                               _("%s is neither a health service (SMART on FHIR) nor an issuer of "
                                 "credentials (OpenID4VCI) that Dossier knows how to use"), data->url);
      g_object_unref (task);
      return;
    }
  uri = g_strdup_printf ("%s/.well-known/smart-configuration", data->auth_url);
  dossier_net_session_send_async (net_of (self), "GET", uri, NULL, "application/json", NULL, NULL,
                                  MAX_DISCOVERY_SIZE, g_task_get_cancellable (task), on_smart_probed, task);
}

/**
 * dossier_services_add_async:
 * @url: the service's address
 * @person_id: whose records the service holds (0: the vault's owner)
 */
void
dossier_services_add_async (DossierServices     *self,
                            const char          *url,
                            gint64               person_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  AddData *data;
  GError *error = NULL;
  gsize length;

  g_return_if_fail (DOSSIER_IS_SERVICES (self));
  g_return_if_fail (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_services_add_async);
  data = g_new0 (AddData, 1);
  length = strlen (url);
  while (length > 0 && url[length - 1] == '/')
    length--;
  data->url = g_strndup (url, length);
  data->person_id = person_id;
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);
  if (!dossier_net_session_check_uri (net_of (self), data->url, &error))
    {
      return_error (task, error, url);
      g_object_unref (task);
      return;
    }
  if (dossier_services_lookup (self, data->url) != NULL)
    {
      g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_EXISTS,
                               _("Dossier is already connected to %s"), data->url);
      g_object_unref (task);
      return;
    }
  probe_next (task);
}

/**
 * dossier_services_add_finish:
 *
 * Returns: (transfer full): the new connection, kept in the vault
 */
DossierServiceConnection *
dossier_services_add_finish (DossierServices  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_object_ref (g_object_get_data (G_OBJECT (result), "connection"));
}

/* Signing in and out */

typedef struct
{
  DossierServiceConnection *connection;
  DossierOAuthClient       *client;
  DossierOAuthTokens       *tokens;
  DossierOAuthBrowserFunc   browser;
  gpointer                  browser_data;
  DossierAuditAction        action;
  gboolean                  removing;
} SignData;

static void
sign_data_free (SignData *data)
{
  g_clear_object (&data->connection);
  g_clear_object (&data->client);
  g_clear_pointer (&data->tokens, dossier_oauth_tokens_free);
  g_free (data);
}

static gboolean
open_system_browser (const char  *uri,
                     gpointer     user_data,
                     GError     **error)
{
  g_autoptr(GError) local = NULL;

  if (g_app_info_launch_default_for_uri (uri, NULL, &local))
    return TRUE;
  g_set_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_BROWSER,
               _("Could not open the web browser to sign in: %s"), local->message);
  return FALSE;
}

static gboolean
call_browser (const char  *uri,
              gpointer     user_data,
              GError     **error)
{
  SignData *data = user_data;

  return data->browser (uri, data->browser_data, error);
}

static void
on_audit_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dossier_vault_append_audit_finish (DOSSIER_VAULT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_sign_saved (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignData *data = g_task_get_task_data (task);
  DossierServices *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    dossier_vault_append_audit_async (vault_of (self), data->action, dossier_service_connection_get_id (data->connection),
                                      dossier_service_connection_get_display_name (data->connection),
                                      cancellable, on_audit_written, g_steal_pointer (&task));
  }
}

static void
on_tokens_kept (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SignData *data = g_task_get_task_data (task);
  GTask *save;
  GError *error = NULL;

  if (!dossier_service_tokens_save_finish (DOSSIER_VAULT (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  dossier_service_connection_set_signed_in (data->connection, data->action == DOSSIER_AUDIT_SERVICE_SIGN_IN);
  if (data->removing)
    {
      g_ptr_array_remove (self->connections, data->connection);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, self->connections->len + 1, self->connections->len);
    }
  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    save = g_task_new (self, cancellable, on_sign_saved, g_steal_pointer (&task));
  }
  save_connections (self, save);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SignData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->tokens = dossier_oauth_client_get_tokens_finish (DOSSIER_OAUTH_CLIENT (source), result, &error);
  if (data->tokens == NULL)
    {
      return_error (task, error, dossier_service_connection_get_display_name (data->connection));
      return;
    }
  if (dossier_service_connection_get_kind (data->connection) == DOSSIER_SERVICE_KIND_HEALTH &&
      data->tokens->patient == NULL)
    {
      g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SERVER_ERROR,
                               _("%s signed you in without saying whose health book to read"),
                               dossier_service_connection_get_display_name (data->connection));
      return;
    }
  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    dossier_service_tokens_save_async (vault_of (self), dossier_service_connection_get_base_url (data->connection),
                                       data->tokens, cancellable, on_tokens_kept,
                                       g_steal_pointer (&task));
  }
}

static char *
learning_details (DossierOid4vciIssuer *issuer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) ids = json_object_get_members (issuer->configurations);

  json_builder_begin_array (builder);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "openid_credential");
      json_builder_set_member_name (builder, "credential_configuration_id");
      json_builder_add_string_value (builder, l->data);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
on_sign_in_issuer (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignData *data = g_task_get_task_data (task);
  g_autoptr(DossierOid4vciIssuer) issuer = NULL;
  g_autofree char *details = NULL;
  GError *error = NULL;

  issuer = dossier_oid4vci_discover_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (issuer == NULL)
    {
      return_error (task, error, dossier_service_connection_get_display_name (data->connection));
      return;
    }
  if (issuer->authorization_endpoint == NULL)
    {
      g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SERVER_ERROR,
                               _("%s does not offer signing in; receive its credentials from an offer instead"),
                               dossier_service_connection_get_display_name (data->connection));
      return;
    }
  dossier_oauth_client_set_endpoints (data->client, issuer->authorization_endpoint, issuer->token_endpoint,
                                      issuer->revocation_endpoint);
  details = learning_details (issuer);
  dossier_oauth_client_set_authorization_details (data->client, details);
  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    dossier_oauth_client_sign_in_async (data->client, cancellable, on_signed_in,
                                        g_steal_pointer (&task));
  }
}

static DossierOAuthClient *
client_for (DossierServices          *self,
            DossierServiceConnection *connection)
{
  return dossier_oauth_client_new (net_of (self), dossier_service_connection_get_base_url (connection), CLIENT_ID);
}

void
dossier_services_sign_in_async (DossierServices          *self,
                                DossierServiceConnection *connection,
                                DossierOAuthBrowserFunc   browser,
                                gpointer                  browser_data,
                                GCancellable             *cancellable,
                                GAsyncReadyCallback       callback,
                                gpointer                  user_data)
{
  GTask *task;
  SignData *data;

  g_return_if_fail (DOSSIER_IS_SERVICES (self));
  g_return_if_fail (DOSSIER_IS_SERVICE_CONNECTION (connection));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_services_sign_in_async);
  data = g_new0 (SignData, 1);
  data->connection = g_object_ref (connection);
  data->browser = browser != NULL ? browser : open_system_browser;
  data->browser_data = browser_data;
  data->action = DOSSIER_AUDIT_SERVICE_SIGN_IN;
  data->client = client_for (self, connection);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_data_free);
  dossier_oauth_client_set_browser (data->client, call_browser, data, NULL);
  if (dossier_service_connection_get_kind (connection) == DOSSIER_SERVICE_KIND_HEALTH)
    {
      dossier_oauth_client_set_scope (data->client, HEALTH_SCOPE);
      dossier_oauth_client_sign_in_async (data->client, cancellable, on_signed_in, task);
      return;
    }
  dossier_oid4vci_discover_async (net_of (self), dossier_service_connection_get_api_url (connection), cancellable,
                                  on_sign_in_issuer, task);
}

gboolean
dossier_services_sign_in_finish (DossierServices  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
forget_tokens (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SignData *data = g_task_get_task_data (task);

  dossier_service_tokens_save_async (vault_of (self), dossier_service_connection_get_base_url (data->connection),
                                     NULL, g_task_get_cancellable (task), on_tokens_kept, task);
}

static void
on_revoked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;

  /* tokens the service could not revoke are forgotten all the same: the
   * person asked to sign out of this computer */
  dossier_oauth_client_sign_out_finish (DOSSIER_OAUTH_CLIENT (source), result, NULL);
  forget_tokens (task);
}

static void
on_sign_out_issuer (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  SignData *data = g_task_get_task_data (task);
  g_autoptr(DossierOid4vciIssuer) issuer = NULL;

  issuer = dossier_oid4vci_discover_finish (DOSSIER_NET_SESSION (source), result, NULL);
  if (issuer == NULL || issuer->token_endpoint == NULL)
    {
      forget_tokens (task);
      return;
    }
  dossier_oauth_client_set_endpoints (data->client, issuer->authorization_endpoint, issuer->token_endpoint,
                                      issuer->revocation_endpoint);
  dossier_oauth_client_sign_out_async (data->client, data->tokens, g_task_get_cancellable (task), on_revoked, task);
}

static void
on_sign_out_tokens (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SignData *data = g_task_get_task_data (task);

  data->tokens = dossier_service_tokens_load_finish (DOSSIER_VAULT (source), result, NULL);
  if (data->tokens == NULL)
    {
      forget_tokens (task);
      return;
    }
  if (dossier_service_connection_get_kind (data->connection) == DOSSIER_SERVICE_KIND_LEARNING)
    {
      dossier_oid4vci_discover_async (net_of (self), dossier_service_connection_get_api_url (data->connection),
                                      g_task_get_cancellable (task), on_sign_out_issuer, task);
      return;
    }
  dossier_oauth_client_sign_out_async (data->client, data->tokens, g_task_get_cancellable (task), on_revoked, task);
}

static void
start_sign_out (DossierServices          *self,
                DossierServiceConnection *connection,
                gboolean                  removing,
                GCancellable             *cancellable,
                gpointer                  source_tag,
                GAsyncReadyCallback       callback,
                gpointer                  user_data)
{
  GTask *task;
  SignData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  data = g_new0 (SignData, 1);
  data->connection = g_object_ref (connection);
  data->action = DOSSIER_AUDIT_SERVICE_SIGN_OUT;
  data->removing = removing;
  data->client = client_for (self, connection);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_data_free);
  dossier_service_tokens_load_async (vault_of (self), dossier_service_connection_get_base_url (connection),
                                     cancellable, on_sign_out_tokens, task);
}

/* Revokes the connection's tokens where the service allows it, and
 * forgets them. */
void
dossier_services_sign_out_async (DossierServices          *self,
                                 DossierServiceConnection *connection,
                                 GCancellable             *cancellable,
                                 GAsyncReadyCallback       callback,
                                 gpointer                  user_data)
{
  g_return_if_fail (DOSSIER_IS_SERVICES (self));
  g_return_if_fail (DOSSIER_IS_SERVICE_CONNECTION (connection));
  start_sign_out (self, connection, FALSE, cancellable, dossier_services_sign_out_async, callback, user_data);
}

gboolean
dossier_services_sign_out_finish (DossierServices  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dossier_services_remove_async (DossierServices          *self,
                               DossierServiceConnection *connection,
                               GCancellable             *cancellable,
                               GAsyncReadyCallback       callback,
                               gpointer                  user_data)
{
  g_return_if_fail (DOSSIER_IS_SERVICES (self));
  g_return_if_fail (DOSSIER_IS_SERVICE_CONNECTION (connection));
  start_sign_out (self, connection, TRUE, cancellable, dossier_services_remove_async, callback, user_data);
}

gboolean
dossier_services_remove_finish (DossierServices  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Keys of items already kept */

static char *
digest_hex (const char *text,
            gsize       length)
{
  guint8 digest[SHA256_DIGEST_LENGTH];
  char *hex = g_malloc (SHA256_DIGEST_LENGTH * 2 + 1);

  SHA256 ((const guint8 *) text, length, digest);
  for (guint i = 0; i < SHA256_DIGEST_LENGTH; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  return hex;
}

static char *
seen_digest (const char *connection_id,
             const char *key)
{
  g_autofree char *text = g_strconcat (connection_id, "\n", key, NULL);

  return digest_hex (text, strlen (text));
}

static char *
seen_setting (const char *connection_id)
{
  return g_strdup_printf ("service:%s:seen", connection_id);
}

static GHashTable *
seen_from_text (const char *text)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonNode) root = NULL;

  if (text != NULL && strlen (text) <= MAX_SEEN_SIZE)
    root = dossier_json_parse (text, strlen (text));
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_hash_table_add (seen, g_strdup (json_node_get_string (node)));
        }
    }
  return seen;
}

static char *
seen_to_text (GHashTable *seen)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    json_array_add_string_element (array, key);
  json_node_take_array (root, array);
  return json_to_string (root, FALSE);
}

static char *
fhir_key (JsonObject *resource)
{
  const char *type = dossier_json_get_string (resource, "resourceType");
  const char *id = dossier_json_get_string (resource, "id");
  JsonObject *meta = dossier_json_get_object (resource, "meta");
  const char *version = meta != NULL ? dossier_json_get_string (meta, "versionId") : NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *digest = NULL;

  if (id != NULL)
    return version != NULL ? g_strdup_printf ("fhir:%s/%s/_history/%s", type, id, version)
                           : g_strdup_printf ("fhir:%s/%s", type, id);
  node = json_node_init_object (json_node_alloc (), resource);
  text = json_to_string (node, FALSE);
  digest = digest_hex (text, strlen (text));
  return g_strdup_printf ("fhir:%s#%s", type, digest);
}

/* Syncing */

typedef struct
{
  GPtrArray                *connections;  /* to sync */
  guint                     index;
  gboolean                  single;
  DossierServiceConnection *current;
  DossierOAuthClient       *client;
  DossierOAuthTokens       *tokens;
  DossierOid4vciIssuer     *issuer;
  EVP_PKEY                 *holder_key;
  DossierSyncProgressFunc   progress;
  gpointer                  progress_data;
  DossierSyncSummary       *summary;
  GHashTable               *seen;
  GPtrArray                *new_seen;     /* digests of what this sync keeps */
  GPtrArray                *records;
  JsonArray                *pending;
  guint                     n_new;
  guint                     n_unchanged;
  char                    **configuration_ids; /* an offer's, when its grant lists none */
  gint64                    person_id;         /* whom an offer is for */
} SyncJob;

static void
sync_job_reset (SyncJob *job)
{
  g_clear_object (&job->current);
  g_clear_object (&job->client);
  g_clear_pointer (&job->tokens, dossier_oauth_tokens_free);
  g_clear_pointer (&job->issuer, dossier_oid4vci_issuer_free);
  g_clear_pointer (&job->holder_key, EVP_PKEY_free);
  g_clear_pointer (&job->seen, g_hash_table_unref);
  g_clear_pointer (&job->new_seen, g_ptr_array_unref);
  g_clear_pointer (&job->records, g_ptr_array_unref);
  g_clear_pointer (&job->pending, json_array_unref);
  g_clear_pointer (&job->configuration_ids, g_strfreev);
  job->n_new = 0;
  job->n_unchanged = 0;
}

static void
sync_job_free (SyncJob *job)
{
  sync_job_reset (job);
  g_clear_pointer (&job->connections, g_ptr_array_unref);
  g_clear_object (&job->summary);
  g_free (job);
}

static void
progress (SyncJob    *job,
          const char *what,
          double      fraction)
{
  g_autofree char *text = NULL;

  if (job->progress == NULL)
    return;
  /* Translators: "Health book (moh): Immunizations, page 2" */
  text = g_strdup_printf (_("%s: %s"), dossier_service_connection_get_display_name (job->current), what);
  job->progress (text, fraction, job->progress_data);
}

static void sync_next (GTask *task);

static void
on_failure_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  GError *error = g_object_steal_data (G_OBJECT (task), "dossier-sync-error");

  g_task_propagate_boolean (G_TASK (result), NULL);
  if (job->single)
    {
      g_task_return_error (task, error);
      return;
    }
  dossier_sync_summary_add (job->summary, dossier_service_connection_get_display_name (job->current),
                            DOSSIER_SYNC_ITEM_FAILED, error->message);
  g_error_free (error);
  sync_next (g_steal_pointer (&task));
}

/* A connection's sync failed: nothing it fetched is kept; the failure is
 * remembered on the connection for the window to show. */
static void
sync_failed (GTask  *task,
             GError *error)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  GError *mapped = services_error (error, dossier_service_connection_get_display_name (job->current));
  GTask *save;

  dossier_service_connection_set_last_error (job->current, mapped->message);
  if (mapped->code == DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED)
    dossier_service_connection_set_signed_in (job->current, FALSE);
  g_object_set_data (G_OBJECT (task), "dossier-sync-error", mapped);
  save = g_task_new (self, NULL, on_failure_saved, task);
  save_connections (self, save);
}

static void
on_sync_audited (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!dossier_vault_append_audit_finish (DOSSIER_VAULT (source), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  sync_next (task);
}

static void
on_sync_saved (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *detail = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* counts only: never what was fetched */
  detail = g_strdup_printf ("new=%u unchanged=%u pending=%u", job->n_new, job->n_unchanged,
                            job->pending != NULL ? json_array_get_length (job->pending) : 0);
  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    dossier_vault_append_audit_async (vault_of (self), DOSSIER_AUDIT_SERVICE_SYNC,
                                      dossier_service_connection_get_id (job->current), detail,
                                      cancellable, on_sync_audited, g_steal_pointer (&task));
  }
}

static void
on_seen_saved (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTask *save;
  GError *error = NULL;

  if (!dossier_vault_set_setting_finish (DOSSIER_VAULT (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  dossier_service_connection_set_last_sync (job->current, now);
  dossier_service_connection_set_last_error (job->current, NULL);
  dossier_service_connection_set_pending (job->current, job->pending);
  save = g_task_new (self, NULL, on_sync_saved, g_steal_pointer (&task));
  save_connections (self, save);
}

static void
save_seen (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *key = seen_setting (dossier_service_connection_get_id (job->current));
  g_autofree char *text = NULL;

  for (guint i = 0; i < job->new_seen->len; i++)
    g_hash_table_add (job->seen, g_strdup (g_ptr_array_index (job->new_seen, i)));
  text = seen_to_text (job->seen);
  dossier_vault_set_setting_async (vault_of (self), key, text, NULL, on_seen_saved, task);
}

static void
on_records_kept (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!dossier_vault_add_records_finish (DOSSIER_VAULT (source), result, &error))
    {
      sync_failed (task, error);
      return;
    }
  save_seen (task);
}

static void
keep_records (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  gint64 person = job->person_id > 0 ? job->person_id : dossier_service_connection_get_person_id (job->current);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (job->records->len == 0)
    {
      save_seen (task);
      return;
    }
  for (guint i = 0; i < job->records->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (job->records, i);

      dossier_record_set_source (record, dossier_service_connection_get_display_name (job->current));
      if (person > 0)
        dossier_record_set_person_id (record, person);
    }
  progress (job, _("Keeping the new records"), 0.95);
  /* one transaction: a failure keeps none of them */
  dossier_vault_add_records_async (vault_of (self), job->records, g_task_get_cancellable (task), on_records_kept,
                                   task);
}

static gboolean
was_seen (SyncJob    *job,
          const char *key,
          gboolean    mark)
{
  g_autofree char *digest = seen_digest (dossier_service_connection_get_id (job->current), key);
  gboolean seen = g_hash_table_contains (job->seen, digest);

  for (guint i = 0; !seen && i < job->new_seen->len; i++)
    seen = g_str_equal (g_ptr_array_index (job->new_seen, i), digest);
  if (!seen && mark)
    g_ptr_array_add (job->new_seen, g_steal_pointer (&digest));
  return seen;
}

/* Whether the item with @key is already kept; if not, it will be. */
static gboolean
is_seen (SyncJob    *job,
         const char *key)
{
  return was_seen (job, key, TRUE);
}

static gboolean
take_intake (SyncJob    *job,
             GPtrArray  *records,
             gboolean    card_counts)
{
  for (guint i = 0; i < records->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (records, i);

      g_ptr_array_add (job->records, g_object_ref (record));
      if (records->len == 1 || i > 0 || card_counts)
        {
          dossier_sync_summary_add (job->summary, dossier_record_get_title (record), DOSSIER_SYNC_ITEM_NEW, NULL);
          job->n_new++;
        }
    }
  return TRUE;
}

static char *
records_key (GPtrArray *records)
{
  g_autoptr(GString) text = g_string_new ("shc:");
  g_autofree char *digest = NULL;

  for (guint i = records->len > 1 ? 1 : 0; i < records->len; i++)
    {
      g_autofree char *fields = dossier_record_dup_fields_text (g_ptr_array_index (records, i));

      g_string_append (text, dossier_record_get_title (g_ptr_array_index (records, i)));
      g_string_append_c (text, '\n');
      g_string_append (text, fields != NULL ? fields : "");
      g_string_append_c (text, '\n');
    }
  digest = digest_hex (text->str, text->len);
  return g_strconcat ("shc:", digest, NULL);
}

/* The kinds of FHIR resources the intake keeps as records of their own. */
static gboolean
is_record_type (const char *type)
{
  static const char *const types[] = {
    "Immunization", "Observation", "MedicationStatement", "MedicationRequest", "AllergyIntolerance",
    "Condition", "Procedure", "Encounter",
  };

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (type, types[i]))
      return TRUE;
  return FALSE;
}

/* Turns what a health service sent into records; runs in a worker
 * thread, since checking health cards is cryptography and may fetch keys. */
static gboolean
build_health (DossierServices   *self,
              SyncJob           *job,
              DossierSmartPull  *pull,
              GError           **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  guint fresh = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "Bundle");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "collection");
  json_builder_set_member_name (builder, "entry");
  json_builder_begin_array (builder);
  for (guint i = 0; i < pull->resources->len; i++)
    {
      JsonObject *resource = g_ptr_array_index (pull->resources, i);
      const char *type = dossier_json_get_string (resource, "resourceType");
      g_autofree char *key = fhir_key (resource);
      gboolean is_record = is_record_type (type);

      /* the Patient (whose book it is), a summary's Composition and the
       * like go along with the new records, uncounted */
      if (is_record && is_seen (job, key))
        {
          dossier_sync_summary_add (job->summary, type, DOSSIER_SYNC_ITEM_UNCHANGED, NULL);
          job->n_unchanged++;
          continue;
        }
      if (is_record)
        fresh++;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "resource");
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), resource));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (fresh > 0)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GPtrArray) records = NULL;

      root = json_builder_get_root (builder);
      text = json_to_string (root, FALSE);
      bytes = g_bytes_new (text, strlen (text));
      /* Translators: a record's title: the service's name and the date of the sync */
      name = g_strdup_printf (_("%s, %s"), dossier_service_connection_get_display_name (job->current), date);
      records = dossier_wallet_intake (self->wallet, bytes, name, error);
      if (records == NULL)
        return FALSE;
      take_intake (job, records, FALSE);
    }
  for (guint i = 0; i < pull->health_cards->len; i++)
    {
      const char *card = g_ptr_array_index (pull->health_cards, i);
      g_autoptr(GBytes) bytes = g_bytes_new (card, strlen (card));
      g_autoptr(GPtrArray) records = dossier_wallet_intake (self->wallet, bytes, _("SMART Health Card"), error);
      g_autofree char *key = NULL;

      if (records == NULL)
        return FALSE;
      key = records_key (records);
      if (is_seen (job, key))
        {
          dossier_sync_summary_add (job->summary, _("SMART Health Card"), DOSSIER_SYNC_ITEM_UNCHANGED, NULL);
          job->n_unchanged++;
          continue;
        }
      take_intake (job, records, TRUE);
    }
  return TRUE;
}

static gboolean build_credentials (DossierServices *self,
                                   SyncJob         *job,
                                   GPtrArray       *deliveries,
                                   GError         **error);

static void
build_in_thread (GTask        *thread_task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GTask *task = task_data;
  SyncJob *job = g_task_get_task_data (task);
  gpointer fetched = g_object_get_data (G_OBJECT (thread_task), "dossier-fetched");
  GError *error = NULL;
  gboolean built;

  if (dossier_service_connection_get_kind (job->current) == DOSSIER_SERVICE_KIND_HEALTH)
    built = build_health (source_object, job, fetched, &error);
  else
    built = build_credentials (source_object, job, fetched, &error);
  if (!built)
    g_task_return_error (thread_task, error);
  else
    g_task_return_boolean (thread_task, TRUE);
}

static void
on_built (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    sync_failed (task, error);
  else
    keep_records (task);
}

/* Runs the intake of what was fetched off the main thread; the sync's
 * job is left alone by everything else until it is done. */
static void
build_records (GTask          *task,
               gpointer        fetched,
               GDestroyNotify  free_fetched)
{
  DossierServices *self = g_task_get_source_object (task);
  g_autoptr(GTask) thread_task = g_task_new (self, g_task_get_cancellable (task), on_built, task);

  g_task_set_task_data (thread_task, task, NULL);
  g_object_set_data_full (G_OBJECT (thread_task), "dossier-fetched", fetched, free_fetched);
  g_task_run_in_thread (thread_task, build_in_thread);
}

static void
on_health_pulled (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  DossierSmartPull *pull;
  GError *error = NULL;

  pull = dossier_smart_pull_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (pull == NULL)
    {
      sync_failed (task, error);
      return;
    }
  build_records (task, pull, (GDestroyNotify) dossier_smart_pull_free);
}

static void
on_health_progress (const char *what,
                    double      fraction,
                    gpointer    user_data)
{
  progress (user_data, what, fraction);
}

static gboolean
credential_seen (const char *key,
                 gpointer    user_data)
{
  SyncJob *job = user_data;

  if (!was_seen (job, key, FALSE))
    return FALSE;
  dossier_sync_summary_add (job->summary, key, DOSSIER_SYNC_ITEM_UNCHANGED, NULL);
  job->n_unchanged++;
  return TRUE;
}

static gboolean
build_credentials (DossierServices  *self,
                   SyncJob          *job,
                   GPtrArray        *deliveries,
                   GError          **error)
{
  for (guint i = 0; i < deliveries->len; i++)
    {
      DossierOid4vciDelivery *delivery = g_ptr_array_index (deliveries, i);
      g_autoptr(GBytes) bytes = g_bytes_new (delivery->credential, strlen (delivery->credential));
      g_autoptr(GPtrArray) records = NULL;

      if (is_seen (job, delivery->key))
        {
          dossier_sync_summary_add (job->summary, delivery->title, DOSSIER_SYNC_ITEM_UNCHANGED, NULL);
          job->n_unchanged++;
          continue;
        }
      records = dossier_wallet_intake (self->wallet, bytes,
                                       delivery->title != NULL ? delivery->title : _("Verifiable credential"), error);
      if (records == NULL)
        return FALSE;
      take_intake (job, records, TRUE);
    }
  for (guint i = 0; job->pending != NULL && i < json_array_get_length (job->pending); i++)
    dossier_sync_summary_add (job->summary, _("A credential the issuer will deliver later"),
                              DOSSIER_SYNC_ITEM_PENDING, NULL);
  return TRUE;
}

static void
on_credentials (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  GPtrArray *deliveries;
  GError *error = NULL;

  g_clear_pointer (&job->pending, json_array_unref);
  deliveries = dossier_oid4vci_fetch_finish (DOSSIER_NET_SESSION (source), result, &job->pending, &error);
  if (deliveries == NULL)
    {
      sync_failed (task, error);
      return;
    }
  build_records (task, deliveries, (GDestroyNotify) g_ptr_array_unref);
}

static void
fetch_credentials (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);

  progress (job, _("Diplomas and certificates"), 0.3);
  dossier_oid4vci_fetch_async (net_of (self), job->issuer, job->tokens, (const char * const *) job->configuration_ids,
                               dossier_service_connection_get_pending (job->current), job->holder_key,
                               credential_seen, job, g_task_get_cancellable (task), on_credentials, task);
}

static char *
holder_key_name (gint64 person_id)
{
  /* the owner's key, whichever id the owner has */
  return g_strdup_printf ("holder-key:%" G_GINT64_FORMAT, person_id);
}

static void
on_holder_key_saved (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!dossier_vault_set_secret_finish (DOSSIER_VAULT (source), result, &error))
    {
      sync_failed (task, error);
      return;
    }
  fetch_credentials (task);
}

/* Each person has a key of their own for credentials bound to a holder;
 * it is made the first time it is needed and kept among the secrets. */
static void
on_holder_key (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *name = holder_key_name (job->person_id > 0 ? job->person_id
                                                             : dossier_service_connection_get_person_id (job->current));
  guint8 *der;
  gsize length = 0;
  GError *error = NULL;

  der = dossier_vault_get_secret_finish (DOSSIER_VAULT (source), result, &length, &error);
  if (error != NULL)
    {
      sync_failed (task, error);
      return;
    }
  if (der != NULL)
    {
      job->holder_key = dossier_holder_key_load (der, length);
      dossier_secure_free (der, length);
      if (job->holder_key != NULL)
        {
          fetch_credentials (task);
          return;
        }
    }
  job->holder_key = dossier_holder_key_generate ();
  der = job->holder_key != NULL ? dossier_holder_key_save (job->holder_key, &length) : NULL;
  if (der == NULL)
    {
      sync_failed (task, g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SERVER_ERROR,
                                      _("Could not make a key to receive credentials with")));
      return;
    }
  dossier_vault_set_secret_async (DOSSIER_VAULT (source), name, der, length, NULL, on_holder_key_saved, task);
  dossier_secure_free (der, length);
}

static void
fetch_learning (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *name = holder_key_name (job->person_id > 0 ? job->person_id
                                                             : dossier_service_connection_get_person_id (job->current));

  dossier_vault_get_secret_async (vault_of (self), name, g_task_get_cancellable (task), on_holder_key, task);
}

static void
fetch (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);

  if (dossier_service_connection_get_kind (job->current) == DOSSIER_SERVICE_KIND_LEARNING)
    {
      fetch_learning (task);
      return;
    }
  if (job->tokens->patient == NULL)
    {
      sync_failed (task, g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED,
                                      _("Sign in to %s again to choose whose health book to read"),
                                      dossier_service_connection_get_display_name (job->current)));
      return;
    }
  dossier_smart_pull_async (net_of (self), dossier_service_connection_get_api_url (job->current),
                            job->tokens->patient, job->tokens->access_token, on_health_progress, job,
                            g_task_get_cancellable (task), on_health_pulled, task);
}

static void
on_refreshed_kept (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!dossier_service_tokens_save_finish (DOSSIER_VAULT (source), result, &error))
    {
      sync_failed (task, error);
      return;
    }
  fetch (task);
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  DossierOAuthTokens *tokens;
  GError *error = NULL;

  tokens = dossier_oauth_client_get_tokens_finish (DOSSIER_OAUTH_CLIENT (source), result, &error);
  if (tokens == NULL)
    {
      if (error->domain == DOSSIER_OAUTH_ERROR && error->code == DOSSIER_OAUTH_ERROR_REFUSED)
        {
          g_autoptr(GError) refused = error;

          error = g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED,
                               _("The sign-in to %s has expired: sign in again (%s)"),
                               dossier_service_connection_get_display_name (job->current), refused->message);
        }
      sync_failed (task, error);
      return;
    }
  g_clear_pointer (&job->tokens, dossier_oauth_tokens_free);
  job->tokens = tokens;
  dossier_service_tokens_save_async (vault_of (self), dossier_service_connection_get_base_url (job->current),
                                     tokens, NULL, on_refreshed_kept, task);
}

static void
refresh (GTask *task)
{
  SyncJob *job = g_task_get_task_data (task);

  dossier_oauth_client_refresh_async (job->client, job->tokens, g_task_get_cancellable (task), on_refreshed, task);
}

static void
on_refresh_issuer (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_pointer (&job->issuer, dossier_oid4vci_issuer_free);
  job->issuer = dossier_oid4vci_discover_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (job->issuer == NULL)
    {
      sync_failed (task, error);
      return;
    }
  if (job->issuer->token_endpoint != NULL)
    dossier_oauth_client_set_endpoints (job->client, job->issuer->authorization_endpoint,
                                        job->issuer->token_endpoint, job->issuer->revocation_endpoint);
  if (dossier_oauth_tokens_is_expired (job->tokens, g_get_real_time () / G_USEC_PER_SEC))
    refresh (task);
  else
    fetch (task);
}

static void
on_sync_tokens (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_pointer (&job->tokens, dossier_oauth_tokens_free);
  job->tokens = dossier_service_tokens_load_finish (DOSSIER_VAULT (source), result, &error);
  if (job->tokens == NULL)
    {
      sync_failed (task, error != NULL ? error
                                       : g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED,
                                                      _("Sign in to %s first"),
                                                      dossier_service_connection_get_display_name (job->current)));
      return;
    }
  g_clear_object (&job->client);
  job->client = client_for (self, job->current);
  if (dossier_service_connection_get_kind (job->current) == DOSSIER_SERVICE_KIND_LEARNING)
    {
      progress (job, _("What the service offers"), 0);
      dossier_oid4vci_discover_async (net_of (self), dossier_service_connection_get_api_url (job->current),
                                      g_task_get_cancellable (task), on_refresh_issuer, task);
      return;
    }
  if (dossier_oauth_tokens_is_expired (job->tokens, g_get_real_time () / G_USEC_PER_SEC))
    {
      progress (job, _("Renewing the sign-in"), 0);
      refresh (task);
      return;
    }
  fetch (task);
}

static void
on_seen_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *text = NULL;
  GError *error = NULL;

  text = dossier_vault_get_setting_finish (DOSSIER_VAULT (source), result, &error);
  if (error != NULL)
    {
      sync_failed (task, error);
      return;
    }
  g_clear_pointer (&job->seen, g_hash_table_unref);
  job->seen = seen_from_text (text);
  dossier_service_tokens_load_async (DOSSIER_VAULT (source), dossier_service_connection_get_base_url (job->current),
                                     g_task_get_cancellable (task), on_sync_tokens, task);
}

static void
sync_next (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *key = NULL;

  sync_job_reset (job);
  if (job->index >= job->connections->len)
    {
      g_task_return_pointer (task, g_object_ref (job->summary), g_object_unref);
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  job->current = g_object_ref (g_ptr_array_index (job->connections, job->index++));
  job->new_seen = g_ptr_array_new_with_free_func (g_free);
  job->records = g_ptr_array_new_with_free_func (g_object_unref);
  key = seen_setting (dossier_service_connection_get_id (job->current));
  dossier_vault_get_setting_async (vault_of (self), key, g_task_get_cancellable (task), on_seen_loaded, task);
}

void
dossier_services_sync_async (DossierServices          *self,
                             DossierServiceConnection *connection,
                             DossierSyncProgressFunc   progress_func,
                             gpointer                  progress_data,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  GTask *task;
  SyncJob *job;

  g_return_if_fail (DOSSIER_IS_SERVICES (self));
  g_return_if_fail (connection == NULL || DOSSIER_IS_SERVICE_CONNECTION (connection));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_services_sync_async);
  job = g_new0 (SyncJob, 1);
  job->single = connection != NULL;
  job->connections = g_ptr_array_new_with_free_func (g_object_unref);
  if (connection != NULL)
    g_ptr_array_add (job->connections, g_object_ref (connection));
  else
    for (guint i = 0; i < self->connections->len; i++)
      g_ptr_array_add (job->connections, g_object_ref (g_ptr_array_index (self->connections, i)));
  job->progress = progress_func;
  job->progress_data = progress_data;
  job->summary = dossier_sync_summary_new ();
  g_task_set_task_data (task, job, (GDestroyNotify) sync_job_free);
  sync_next (task);
}

/**
 * dossier_services_sync_finish:
 *
 * Returns: (transfer full): what the sync brought; syncing every
 *   connection lists a failed connection as a failed item
 */
DossierSyncSummary *
dossier_services_sync_finish (DossierServices  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Receiving a credential offer */

#define MAX_TX_CODE_ATTEMPTS 3

typedef struct
{
  DossierCredentialOffer  *offer;
  DossierTxCodeFunc        tx_code;
  gpointer                 tx_code_data;
  DossierOAuthBrowserFunc  browser;
  gpointer                 browser_data;
  guint                    attempts;
} ReceiveData;

static void
receive_data_free (ReceiveData *data)
{
  dossier_credential_offer_free (data->offer);
  g_free (data);
}

#define RECEIVE_KEY "dossier-receive"

static ReceiveData *
receive_data (GTask *task)
{
  return g_object_get_data (G_OBJECT (task), RECEIVE_KEY);
}

static void
receive_failed (GTask  *task,
                GError *error)
{
  SyncJob *job = g_task_get_task_data (task);
  const char *name = job->issuer != NULL && job->issuer->display_name != NULL ? job->issuer->display_name
                     : receive_data (task)->offer != NULL ? receive_data (task)->offer->credential_issuer
                                                          : _("The issuer");

  return_error (task, error, name);
  g_object_unref (task);
}

static void
on_offer_tokens_kept (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *key = NULL;
  GError *error = NULL;

  if (!dossier_service_tokens_save_finish (DOSSIER_VAULT (source), result, &error))
    {
      receive_failed (task, error);
      return;
    }
  if (job->tokens->refresh_token != NULL)
    dossier_service_connection_set_signed_in (job->current, TRUE);
  /* from here on, as a sync of the issuer's connection */
  job->new_seen = g_ptr_array_new_with_free_func (g_free);
  job->records = g_ptr_array_new_with_free_func (g_object_unref);
  key = seen_setting (dossier_service_connection_get_id (job->current));
  dossier_vault_get_setting_async (vault_of (self), key, g_task_get_cancellable (task), on_seen_loaded, task);
}

static void
keep_offer_tokens (GTask              *task,
                   DossierOAuthTokens *tokens)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);

  g_clear_pointer (&job->tokens, dossier_oauth_tokens_free);
  job->tokens = tokens;
  dossier_service_tokens_save_async (vault_of (self), dossier_service_connection_get_base_url (job->current), tokens,
                                     NULL, on_offer_tokens_kept, task);
}

static void ask_tx_code (GTask *task);

static void
on_offer_exchanged (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  ReceiveData *data = receive_data (task);
  DossierOAuthTokens *tokens;
  GError *error = NULL;

  tokens = dossier_oauth_client_get_tokens_finish (DOSSIER_OAUTH_CLIENT (source), result, &error);
  if (tokens == NULL)
    {
      /* a wrong transaction code is refused as an invalid grant */
      if (g_error_matches (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED) && data->offer->tx_code)
        {
          g_error_free (error);
          if (data->attempts < MAX_TX_CODE_ATTEMPTS)
            {
              ask_tx_code (task);
              return;
            }
          g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_WRONG_CODE,
                                   _("The issuer refused the transaction code"));
          g_object_unref (task);
          return;
        }
      receive_failed (task, error);
      return;
    }
  keep_offer_tokens (task, tokens);
}

static void
exchange_offer (GTask      *task,
                const char *tx_code)
{
  SyncJob *job = g_task_get_task_data (task);
  ReceiveData *data = receive_data (task);
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) dossier_secure_strfree);

  g_hash_table_insert (form, g_strdup ("grant_type"), dossier_secure_strdup ("urn:ietf:params:oauth:grant-type:pre-authorized_code"));
  g_hash_table_insert (form, g_strdup ("pre-authorized_code"), dossier_secure_strdup (data->offer->pre_authorized_code));
  if (tx_code != NULL)
    g_hash_table_insert (form, g_strdup ("tx_code"), dossier_secure_strdup (tx_code));
  data->attempts++;
  dossier_oauth_client_exchange_async (job->client, form, g_task_get_cancellable (task), on_offer_exchanged, task);
}

static void
on_tx_code (const char *code,
            gpointer    user_data)
{
  GTask *task = user_data;
  ReceiveData *data = receive_data (task);

  if (code == NULL)
    {
      if (data->attempts > 0)
        g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_WRONG_CODE,
                                 _("The issuer refused the transaction code"));
      else
        g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CANCELLED,
                                 _("No transaction code was given: the offer was not received"));
      g_object_unref (task);
      return;
    }
  exchange_offer (task, code);
}

static void
ask_tx_code (GTask *task)
{
  SyncJob *job = g_task_get_task_data (task);
  ReceiveData *data = receive_data (task);
  g_autoptr(DossierTxCodeRequest) request = NULL;

  if (data->tx_code == NULL)
    {
      on_tx_code (NULL, task);
      return;
    }
  request = dossier_tx_code_request_new (job->issuer->display_name != NULL ? job->issuer->display_name
                                                                           : job->issuer->credential_issuer,
                                         data->offer->tx_code_description, data->offer->tx_code_length,
                                         data->offer->tx_code_numeric, data->attempts > 0, on_tx_code, task);
  data->tx_code (request, data->tx_code_data);
}

static void
on_offer_signed_in (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  DossierOAuthTokens *tokens;
  GError *error = NULL;

  tokens = dossier_oauth_client_get_tokens_finish (DOSSIER_OAUTH_CLIENT (source), result, &error);
  if (tokens == NULL)
    {
      receive_failed (task, error);
      return;
    }
  keep_offer_tokens (task, tokens);
}

static gboolean
call_offer_browser (const char  *uri,
                    gpointer     user_data,
                    GError     **error)
{
  ReceiveData *data = user_data;

  return data->browser (uri, data->browser_data, error);
}

static void
on_offer_issuer (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  ReceiveData *data = receive_data (task);
  DossierServiceConnection *connection;
  GError *error = NULL;

  job->issuer = dossier_oid4vci_discover_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (job->issuer == NULL)
    {
      receive_failed (task, error);
      return;
    }
  /* the issuer becomes a connection, so that what it defers is fetched
   * at the next sync */
  connection = dossier_services_lookup (self, job->issuer->credential_issuer);
  if (connection == NULL)
    {
      g_autofree char *id = unique_id (self, job->issuer->credential_issuer);

      connection = dossier_service_connection_new (id, job->issuer->credential_issuer, DOSSIER_SERVICE_KIND_LEARNING);
      dossier_service_connection_set_display_name (connection, job->issuer->display_name != NULL
                                                                 ? job->issuer->display_name : id);
      dossier_service_connection_set_person_id (connection, job->person_id);
      g_ptr_array_add (self->connections, connection);
      g_list_model_items_changed (G_LIST_MODEL (self), self->connections->len - 1, 0, 1);
    }
  job->current = g_object_ref (connection);
  job->configuration_ids = g_strdupv (data->offer->configuration_ids);
  job->client = dossier_oauth_client_new (net_of (self), job->issuer->authorization_server, CLIENT_ID);
  dossier_oauth_client_set_endpoints (job->client, job->issuer->authorization_endpoint, job->issuer->token_endpoint,
                                      job->issuer->revocation_endpoint);
  if (data->offer->pre_authorized_code != NULL)
    {
      if (data->offer->tx_code)
        ask_tx_code (task);
      else
        exchange_offer (task, NULL);
      return;
    }
  if (job->issuer->authorization_endpoint == NULL)
    {
      g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SERVER_ERROR,
                               _("The offer can only be taken by signing in, but the issuer has no sign-in page"));
      g_object_unref (task);
      return;
    }
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *details = NULL;

    json_builder_begin_array (builder);
    for (guint i = 0; data->offer->configuration_ids[i] != NULL; i++)
      {
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "type");
        json_builder_add_string_value (builder, "openid_credential");
        json_builder_set_member_name (builder, "credential_configuration_id");
        json_builder_add_string_value (builder, data->offer->configuration_ids[i]);
        json_builder_end_object (builder);
      }
    json_builder_end_array (builder);
    root = json_builder_get_root (builder);
    details = json_to_string (root, FALSE);
    dossier_oauth_client_set_authorization_details (job->client, details);
  }
  dossier_oauth_client_set_browser (job->client, call_offer_browser, data, NULL);
  dossier_oauth_client_sign_in_async (job->client, g_task_get_cancellable (task), on_offer_signed_in, task);
}

static void
discover_offer_issuer (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  ReceiveData *data = receive_data (task);

  dossier_oid4vci_discover_async (net_of (self), data->offer->credential_issuer, g_task_get_cancellable (task),
                                  on_offer_issuer, task);
}

static void
on_offer_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  ReceiveData *data = receive_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, &error);
  if (bytes != NULL && (status < 200 || status >= 300))
    error = g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP,
                         _("The offer could not be fetched (the issuer answered %u); it may have expired"), status);
  if (error == NULL)
    data->offer = dossier_credential_offer_parse_json (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                                       &error);
  if (data->offer == NULL)
    {
      receive_failed (task, error);
      return;
    }
  discover_offer_issuer (task);
}

/**
 * dossier_services_receive_offer_async:
 * @person_id: whom the credentials are for (0: the vault's owner)
 * @tx_code: (nullable): asked for the transaction code when the offer
 *   needs one, again when the issuer refused it
 * @browser: (nullable): opens the issuer's sign-in page when the offer
 *   needs a sign-in; %NULL opens the system's web browser
 *
 * Receives the credentials @offer holds and keeps them, in one vault
 * transaction; the issuer becomes a connection if it was not one.
 */
void
dossier_services_receive_offer_async (DossierServices         *self,
                                      const char              *offer,
                                      gint64                   person_id,
                                      DossierTxCodeFunc        tx_code,
                                      gpointer                 tx_code_data,
                                      DossierOAuthBrowserFunc  browser,
                                      gpointer                 browser_data,
                                      GCancellable            *cancellable,
                                      GAsyncReadyCallback      callback,
                                      gpointer                 user_data)
{
  GTask *task;
  SyncJob *job;
  ReceiveData *data;
  g_autofree char *fetch_uri = NULL;
  g_autofree char *trimmed_offer = NULL;
  GError *error = NULL;

  g_return_if_fail (DOSSIER_IS_SERVICES (self));
  g_return_if_fail (offer != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_services_receive_offer_async);
  job = g_new0 (SyncJob, 1);
  job->single = TRUE;
  job->connections = g_ptr_array_new_with_free_func (g_object_unref);
  job->summary = dossier_sync_summary_new ();
  job->person_id = person_id;
  g_task_set_task_data (task, job, (GDestroyNotify) sync_job_free);
  data = g_new0 (ReceiveData, 1);
  data->tx_code = tx_code;
  data->tx_code_data = tx_code_data;
  data->browser = browser != NULL ? browser : open_system_browser;
  data->browser_data = browser_data;
  g_object_set_data_full (G_OBJECT (task), RECEIVE_KEY, data, (GDestroyNotify) receive_data_free);

  trimmed_offer = g_strstrip (g_strdup (offer));
  data->offer = dossier_credential_offer_parse_link (trimmed_offer, &fetch_uri, &error);
  if (data->offer == NULL && fetch_uri == NULL)
    {
      receive_failed (task, error);
      return;
    }
  if (fetch_uri != NULL)
    {
      dossier_net_session_send_async (net_of (self), "GET", fetch_uri, NULL, "application/json", NULL, NULL,
                                      DOSSIER_OID4VCI_MAX_OFFER_SIZE, cancellable, on_offer_fetched, task);
      return;
    }
  discover_offer_issuer (task);
}

/**
 * dossier_services_receive_offer_finish:
 *
 * Returns: (transfer full): what the offer brought
 */
DossierSyncSummary *
dossier_services_receive_offer_finish (DossierServices  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
