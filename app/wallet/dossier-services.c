// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-services-internal.h"

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
 *     else the digest of its text. */

#define SETTING_CONNECTIONS "services"
#define SETTING_SYNC_ON_UNLOCK "services:sync-on-unlock"
#define HEALTH_SCOPE "openid fhirUser launch/patient patient/*.rs offline_access"
#define MAX_DISCOVERY_SIZE (256 * 1024)

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

DossierVault *
services_vault (DossierServices *self)
{
  return dossier_wallet_get_vault (self->wallet);
}

DossierNetSession *
services_net (DossierServices *self)
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
GError *
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
  /* the service was reached, and broke off in the middle of its answer */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    return g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SERVER_ERROR,
                        _("%s broke off its answer before the end; try again later"), service);
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

void
services_return_error (GTask      *task,
              GError     *error,
              const char *service)
{
  g_task_return_error (task, services_error (error, service));
}

/* A stopped call ends with the services' own error, as every other
 * failure does. */
static gboolean
cancelled_in_terms (GError **error)
{
  if (error != NULL && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      g_set_error_literal (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CANCELLED, _("Stopped"));
    }
  return FALSE;
}

static gboolean
finish_boolean (GAsyncResult  *result,
                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error) || cancelled_in_terms (error);
}

gpointer
services_finish_pointer (GAsyncResult  *result,
                GError       **error)
{
  gpointer value = g_task_propagate_pointer (G_TASK (result), error);

  if (value == NULL)
    cancelled_in_terms (error);
  return value;
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
void
services_save_connections (DossierServices *self,
                  GTask           *task)
{
  g_autofree char *text = connections_text (self);

  dossier_vault_set_setting_async (services_vault (self), SETTING_CONNECTIONS, text, g_task_get_cancellable (task),
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
  GCancellable *cancellable;
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
  cancellable = g_task_get_cancellable (task);
  dossier_vault_get_setting_async (DOSSIER_VAULT (source), SETTING_SYNC_ON_UNLOCK, cancellable,
                                   on_sync_setting_loaded, g_steal_pointer (&task));
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
  dossier_vault_get_setting_async (services_vault (self), SETTING_CONNECTIONS, cancellable, on_connections_loaded, task);
}

gboolean
dossier_services_load_finish (DossierServices  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_boolean (result, error);
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
  dossier_vault_set_setting_async (services_vault (self), SETTING_SYNC_ON_UNLOCK, sync_on_unlock ? "true" : "false",
                                   cancellable, on_setting_saved, task);
}

gboolean
dossier_services_set_sync_on_unlock_finish (DossierServices  *self,
                                            GAsyncResult     *result,
                                            GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_boolean (result, error);
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

char *
services_unique_id (DossierServices *self,
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
  g_autofree char *id = services_unique_id (self, data->auth_url);
  DossierServiceConnection *connection;

  connection = dossier_service_connection_new (id, data->auth_url, data->kind);
  dossier_service_connection_set_api_url (connection, data->api_url);
  dossier_service_connection_set_display_name (connection, data->name != NULL ? data->name : id);
  dossier_service_connection_set_person_id (connection, data->person_id);
  g_ptr_array_add (self->connections, connection);
  g_list_model_items_changed (G_LIST_MODEL (self), self->connections->len - 1, 0, 1);
  g_object_set_data_full (G_OBJECT (task), "connection", g_object_ref (connection), g_object_unref);
  services_save_connections (self, task);
}

static void probe_next (GTask *task);

/* The longest service name taken from a server's own description. */
#define MAX_SERVICE_NAME 120

/* The name a FHIR server's CapabilityStatement gives itself (its
 * implementation's description, else its publisher), or NULL. */
static char *
name_of_capabilities (GBytes *bytes)
{
  gsize length = 0;
  const char *text = g_bytes_get_data (bytes, &length);
  g_autoptr(JsonNode) root = dossier_json_parse (text, length);
  JsonObject *statement = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *name;

  if (g_strcmp0 (dossier_json_get_string (statement, "resourceType"), "CapabilityStatement") != 0)
    return NULL;
  name = dossier_json_get_string (dossier_json_get_object (statement, "implementation"), "description");
  if (name == NULL)
    name = dossier_json_get_string (statement, "publisher");
  if (name == NULL || *name == '\0' || strlen (name) > MAX_SERVICE_NAME || !g_utf8_validate (name, -1, NULL))
    return NULL;
  return g_strstrip (g_strdup (name));
}

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
      g_autofree char *name = status == 200 ? name_of_capabilities (bytes) : NULL;

      g_free (data->api_url);
      data->api_url = g_strdup_printf ("%s/fhir", data->auth_url);
      if (name != NULL)
        {
          g_free (data->name);
          data->name = g_steal_pointer (&name);
        }
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
  g_autofree char *short_name = services_unique_id (self, data->auth_url);

  data->kind = DOSSIER_SERVICE_KIND_HEALTH;
  /* Translators: the name of a health service, from its address */
  data->name = g_strdup_printf (_("Health book (%s)"), short_name);
  if (!g_str_equal (data->auth_url, data->api_url))
    {
      finish_add (task);
      return;
    }
  probe = g_strdup_printf ("%s/fhir/metadata", data->auth_url);
  dossier_net_session_send_async (services_net (self), "GET", probe, NULL, "application/fhir+json", NULL, NULL,
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
      services_return_error (task, error, data->url);
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
      services_return_error (task, error, data->url);
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
      dossier_oid4vci_discover_async (services_net (self), data->url, g_task_get_cancellable (task),
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
  dossier_net_session_send_async (services_net (self), "GET", uri, NULL, "application/json", NULL, NULL,
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
  if (!dossier_net_session_check_uri (services_net (self), data->url, &error))
    {
      services_return_error (task, error, url);
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
  if (!finish_boolean (result, error))
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

gboolean
services_open_system_browser (const char  *uri,
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
  GCancellable *cancellable;
  g_autoptr(GTask) task = user_data;
  SignData *data = g_task_get_task_data (task);
  DossierServices *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  dossier_vault_append_audit_async (services_vault (self), data->action, dossier_service_connection_get_id (data->connection),
                                    dossier_service_connection_get_display_name (data->connection),
                                    cancellable, on_audit_written, g_steal_pointer (&task));
}

static void
on_tokens_kept (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GCancellable *cancellable;
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
  cancellable = g_task_get_cancellable (task);
  save = g_task_new (self, cancellable, on_sign_saved, g_steal_pointer (&task));
  services_save_connections (self, save);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GCancellable *cancellable;
  g_autoptr(GTask) task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SignData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->tokens = dossier_oauth_client_get_tokens_finish (DOSSIER_OAUTH_CLIENT (source), result, &error);
  if (data->tokens == NULL)
    {
      services_return_error (task, error, dossier_service_connection_get_display_name (data->connection));
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
  cancellable = g_task_get_cancellable (task);
  dossier_service_tokens_save_async (services_vault (self), dossier_service_connection_get_base_url (data->connection),
                                     data->tokens, cancellable, on_tokens_kept,
                                     g_steal_pointer (&task));
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
  GCancellable *cancellable;
  g_autoptr(GTask) task = user_data;
  SignData *data = g_task_get_task_data (task);
  g_autoptr(DossierOid4vciIssuer) issuer = NULL;
  g_autofree char *details = NULL;
  GError *error = NULL;

  issuer = dossier_oid4vci_discover_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (issuer == NULL)
    {
      services_return_error (task, error, dossier_service_connection_get_display_name (data->connection));
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
  cancellable = g_task_get_cancellable (task);
  dossier_oauth_client_sign_in_async (data->client, cancellable, on_signed_in,
                                      g_steal_pointer (&task));
}

DossierOAuthClient *
services_client_for (DossierServices          *self,
            DossierServiceConnection *connection)
{
  return dossier_oauth_client_new (services_net (self), dossier_service_connection_get_base_url (connection), CLIENT_ID);
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
  data->browser = browser != NULL ? browser : services_open_system_browser;
  data->browser_data = browser_data;
  data->action = DOSSIER_AUDIT_SERVICE_SIGN_IN;
  data->client = services_client_for (self, connection);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_data_free);
  dossier_oauth_client_set_browser (data->client, call_browser, data, NULL);
  if (dossier_service_connection_get_kind (connection) == DOSSIER_SERVICE_KIND_HEALTH)
    {
      dossier_oauth_client_set_scope (data->client, HEALTH_SCOPE);
      dossier_oauth_client_sign_in_async (data->client, cancellable, on_signed_in, task);
      return;
    }
  dossier_oid4vci_discover_async (services_net (self), dossier_service_connection_get_api_url (connection), cancellable,
                                  on_sign_in_issuer, task);
}

gboolean
dossier_services_sign_in_finish (DossierServices  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_boolean (result, error);
}

static void
forget_tokens (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SignData *data = g_task_get_task_data (task);

  dossier_service_tokens_save_async (services_vault (self), dossier_service_connection_get_base_url (data->connection),
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
      dossier_oid4vci_discover_async (services_net (self), dossier_service_connection_get_api_url (data->connection),
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
  data->client = services_client_for (self, connection);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_data_free);
  dossier_service_tokens_load_async (services_vault (self), dossier_service_connection_get_base_url (connection),
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
  return finish_boolean (result, error);
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
  return finish_boolean (result, error);
}
