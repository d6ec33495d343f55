// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-services-private.h"

#include "dossier-json.h"

#include <glib/gi18n-lib.h>

/* A connection to a national service, the summary of a sync and a request
 * for an offer's transaction code: the small objects the services API
 * hands to windows and commands. */

G_DEFINE_QUARK (dossier-services-error-quark, dossier_services_error)
G_DEFINE_ENUM_TYPE (DossierServiceKind, dossier_service_kind,
  G_DEFINE_ENUM_VALUE (DOSSIER_SERVICE_KIND_HEALTH, "health"),
  G_DEFINE_ENUM_VALUE (DOSSIER_SERVICE_KIND_LEARNING, "learning"))

struct _DossierServiceConnection
{
  GObject             parent_instance;
  char               *id;
  char               *display_name;
  char               *base_url;
  char               *api_url;
  DossierServiceKind  kind;
  gint64              person_id;
  gboolean            signed_in;
  GDateTime          *last_sync;
  char               *last_error;
  JsonArray          *pending;
};

G_DEFINE_FINAL_TYPE (DossierServiceConnection, dossier_service_connection, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_BASE_URL,
  PROP_KIND,
  PROP_PERSON_ID,
  PROP_SIGNED_IN,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dossier_service_connection_finalize (GObject *object)
{
  DossierServiceConnection *self = DOSSIER_SERVICE_CONNECTION (object);

  g_free (self->id);
  g_free (self->display_name);
  g_free (self->base_url);
  g_free (self->api_url);
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_free (self->last_error);
  g_clear_pointer (&self->pending, json_array_unref);
  G_OBJECT_CLASS (dossier_service_connection_parent_class)->finalize (object);
}

static void
dossier_service_connection_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  DossierServiceConnection *self = DOSSIER_SERVICE_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_PERSON_ID:
      g_value_set_int64 (value, self->person_id);
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->signed_in);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dossier_service_connection_class_init (DossierServiceConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dossier_service_connection_finalize;
  object_class->get_property = dossier_service_connection_get_property;
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL, flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, DOSSIER_TYPE_SERVICE_KIND,
                                             DOSSIER_SERVICE_KIND_HEALTH, flags);
  properties[PROP_PERSON_ID] = g_param_spec_int64 ("person-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, flags);
  properties[PROP_LAST_SYNC] = g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dossier_service_connection_init (DossierServiceConnection *self)
{
}

DossierServiceConnection *
dossier_service_connection_new (const char         *id,
                                const char         *base_url,
                                DossierServiceKind  kind)
{
  DossierServiceConnection *self = g_object_new (DOSSIER_TYPE_SERVICE_CONNECTION, NULL);

  self->id = g_strdup (id);
  self->base_url = g_strdup (base_url);
  self->api_url = g_strdup (base_url);
  self->display_name = g_strdup (base_url);
  self->kind = kind;
  return self;
}

/* Reads a connection kept in the vault's settings; NULL when damaged. */
DossierServiceConnection *
dossier_service_connection_from_json (JsonObject *object)
{
  const char *id = dossier_json_get_string (object, "id");
  const char *url = dossier_json_get_string (object, "url");
  const char *kind = dossier_json_get_string (object, "kind");
  const char *text;
  JsonArray *pending;
  DossierServiceConnection *self;
  gint64 number;

  if (id == NULL || url == NULL || kind == NULL ||
      (!g_str_equal (kind, "health") && !g_str_equal (kind, "learning")))
    return NULL;
  self = dossier_service_connection_new (id, url, g_str_equal (kind, "health") ? DOSSIER_SERVICE_KIND_HEALTH
                                                                                : DOSSIER_SERVICE_KIND_LEARNING);
  if ((text = dossier_json_get_string (object, "name")) != NULL)
    dossier_service_connection_set_display_name (self, text);
  if ((text = dossier_json_get_string (object, "api")) != NULL)
    dossier_service_connection_set_api_url (self, text);
  if ((text = dossier_json_get_string (object, "last_error")) != NULL)
    self->last_error = g_strdup (text);
  if (dossier_json_get_number (object, "person_id", &number) && number >= 0)
    self->person_id = number;
  if (dossier_json_get_number (object, "last_sync", &number) && number > 0)
    self->last_sync = g_date_time_new_from_unix_utc (number);
  self->signed_in = json_object_has_member (object, "signed_in") &&
                    json_object_get_boolean_member_with_default (object, "signed_in", FALSE);
  pending = dossier_json_get_array (object, "pending");
  if (pending != NULL && json_array_get_length (pending) > 0)
    self->pending = json_array_ref (pending);
  return self;
}

JsonNode *
dossier_service_connection_to_json (DossierServiceConnection *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->display_name);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, self->base_url);
  json_builder_set_member_name (builder, "api");
  json_builder_add_string_value (builder, self->api_url);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, self->kind == DOSSIER_SERVICE_KIND_HEALTH ? "health" : "learning");
  json_builder_set_member_name (builder, "person_id");
  json_builder_add_int_value (builder, self->person_id);
  json_builder_set_member_name (builder, "signed_in");
  json_builder_add_boolean_value (builder, self->signed_in);
  if (self->last_sync != NULL)
    {
      json_builder_set_member_name (builder, "last_sync");
      json_builder_add_int_value (builder, g_date_time_to_unix (self->last_sync));
    }
  if (self->last_error != NULL)
    {
      json_builder_set_member_name (builder, "last_error");
      json_builder_add_string_value (builder, self->last_error);
    }
  if (self->pending != NULL)
    {
      json_builder_set_member_name (builder, "pending");
      json_builder_add_value (builder, json_node_init_array (json_node_alloc (), self->pending));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

const char *
dossier_service_connection_get_id (DossierServiceConnection *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICE_CONNECTION (self), NULL);
  return self->id;
}

const char *
dossier_service_connection_get_display_name (DossierServiceConnection *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICE_CONNECTION (self), NULL);
  return self->display_name;
}

void
dossier_service_connection_set_display_name (DossierServiceConnection *self,
                                             const char               *name)
{
  if (g_strcmp0 (self->display_name, name) == 0)
    return;
  g_free (self->display_name);
  self->display_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

const char *
dossier_service_connection_get_base_url (DossierServiceConnection *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICE_CONNECTION (self), NULL);
  return self->base_url;
}

const char *
dossier_service_connection_get_api_url (DossierServiceConnection *self)
{
  return self->api_url;
}

void
dossier_service_connection_set_api_url (DossierServiceConnection *self,
                                        const char               *url)
{
  g_free (self->api_url);
  self->api_url = g_strdup (url);
}

DossierServiceKind
dossier_service_connection_get_kind (DossierServiceConnection *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICE_CONNECTION (self), DOSSIER_SERVICE_KIND_HEALTH);
  return self->kind;
}

gint64
dossier_service_connection_get_person_id (DossierServiceConnection *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICE_CONNECTION (self), 0);
  return self->person_id;
}

void
dossier_service_connection_set_person_id (DossierServiceConnection *self,
                                          gint64                    person_id)
{
  if (self->person_id == person_id)
    return;
  self->person_id = person_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON_ID]);
}

gboolean
dossier_service_connection_get_signed_in (DossierServiceConnection *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICE_CONNECTION (self), FALSE);
  return self->signed_in;
}

void
dossier_service_connection_set_signed_in (DossierServiceConnection *self,
                                          gboolean                  signed_in)
{
  if (self->signed_in == !!signed_in)
    return;
  self->signed_in = !!signed_in;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

/* Returns: (nullable) (transfer none): when the last sync that worked ended */
GDateTime *
dossier_service_connection_get_last_sync (DossierServiceConnection *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICE_CONNECTION (self), NULL);
  return self->last_sync;
}

void
dossier_service_connection_set_last_sync (DossierServiceConnection *self,
                                          GDateTime                *when)
{
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  self->last_sync = when != NULL ? g_date_time_ref (when) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
}

/* Returns: (nullable): why the last sync failed, or %NULL when it worked */
const char *
dossier_service_connection_get_last_error (DossierServiceConnection *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICE_CONNECTION (self), NULL);
  return self->last_error;
}

void
dossier_service_connection_set_last_error (DossierServiceConnection *self,
                                           const char               *error)
{
  if (g_strcmp0 (self->last_error, error) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

JsonArray *
dossier_service_connection_get_pending (DossierServiceConnection *self)
{
  return self->pending;
}

void
dossier_service_connection_set_pending (DossierServiceConnection *self,
                                        JsonArray                *pending)
{
  g_clear_pointer (&self->pending, json_array_unref);
  if (pending != NULL && json_array_get_length (pending) > 0)
    self->pending = json_array_ref (pending);
}

/* The summary of a sync. */
struct _DossierSyncSummary
{
  GObject    parent_instance;
  GPtrArray *items;
  guint      counts[DOSSIER_SYNC_ITEM_FAILED + 1];
};

G_DEFINE_FINAL_TYPE (DossierSyncSummary, dossier_sync_summary, G_TYPE_OBJECT)

void
dossier_sync_item_free (DossierSyncItem *item)
{
  g_free (item->title);
  g_free (item->error);
  g_free (item);
}

static void
dossier_sync_summary_finalize (GObject *object)
{
  DossierSyncSummary *self = DOSSIER_SYNC_SUMMARY (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  G_OBJECT_CLASS (dossier_sync_summary_parent_class)->finalize (object);
}

static void
dossier_sync_summary_class_init (DossierSyncSummaryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_sync_summary_finalize;
}

static void
dossier_sync_summary_init (DossierSyncSummary *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) dossier_sync_item_free);
}

DossierSyncSummary *
dossier_sync_summary_new (void)
{
  return g_object_new (DOSSIER_TYPE_SYNC_SUMMARY, NULL);
}

void
dossier_sync_summary_add (DossierSyncSummary    *self,
                          const char            *title,
                          DossierSyncItemStatus  status,
                          const char            *error)
{
  DossierSyncItem *item = g_new0 (DossierSyncItem, 1);

  item->title = g_strdup (title);
  item->status = status;
  item->error = g_strdup (error);
  g_ptr_array_add (self->items, item);
  self->counts[status]++;
}

/* Counts a new item titled @title as unchanged after all (the vault held
 * it already); FALSE when no new item has that title. */
gboolean
dossier_sync_summary_mark_unchanged (DossierSyncSummary *self,
                                     const char         *title)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      DossierSyncItem *item = g_ptr_array_index (self->items, i);

      if (item->status == DOSSIER_SYNC_ITEM_NEW && g_strcmp0 (item->title, title) == 0)
        {
          item->status = DOSSIER_SYNC_ITEM_UNCHANGED;
          self->counts[DOSSIER_SYNC_ITEM_NEW]--;
          self->counts[DOSSIER_SYNC_ITEM_UNCHANGED]++;
          return TRUE;
        }
    }
  return FALSE;
}

guint
dossier_sync_summary_get_n_new (DossierSyncSummary *self)
{
  g_return_val_if_fail (DOSSIER_IS_SYNC_SUMMARY (self), 0);
  return self->counts[DOSSIER_SYNC_ITEM_NEW];
}

guint
dossier_sync_summary_get_n_unchanged (DossierSyncSummary *self)
{
  g_return_val_if_fail (DOSSIER_IS_SYNC_SUMMARY (self), 0);
  return self->counts[DOSSIER_SYNC_ITEM_UNCHANGED];
}

guint
dossier_sync_summary_get_n_pending (DossierSyncSummary *self)
{
  g_return_val_if_fail (DOSSIER_IS_SYNC_SUMMARY (self), 0);
  return self->counts[DOSSIER_SYNC_ITEM_PENDING];
}

guint
dossier_sync_summary_get_n_failed (DossierSyncSummary *self)
{
  g_return_val_if_fail (DOSSIER_IS_SYNC_SUMMARY (self), 0);
  return self->counts[DOSSIER_SYNC_ITEM_FAILED];
}

/* Returns: (transfer none) (element-type DossierSyncItem): the items */
GPtrArray *
dossier_sync_summary_get_items (DossierSyncSummary *self)
{
  g_return_val_if_fail (DOSSIER_IS_SYNC_SUMMARY (self), NULL);
  return self->items;
}

/* A request for an offer's transaction code, answered once. */
struct _DossierTxCodeRequest
{
  GObject                 parent_instance;
  char                   *issuer_name;
  char                   *description;
  guint                   length;
  gboolean                numeric;
  gboolean                retry;
  DossierTxCodeReplyFunc  reply;
  gpointer                reply_data;
};

G_DEFINE_FINAL_TYPE (DossierTxCodeRequest, dossier_tx_code_request, G_TYPE_OBJECT)

static void
answer (DossierTxCodeRequest *self,
        const char           *code)
{
  DossierTxCodeReplyFunc reply = self->reply;

  self->reply = NULL;
  if (reply != NULL)
    reply (code, self->reply_data);
}

static void
dossier_tx_code_request_finalize (GObject *object)
{
  DossierTxCodeRequest *self = DOSSIER_TX_CODE_REQUEST (object);

  /* a request dropped unanswered cancels the offer */
  answer (self, NULL);
  g_free (self->issuer_name);
  g_free (self->description);
  G_OBJECT_CLASS (dossier_tx_code_request_parent_class)->finalize (object);
}

static void
dossier_tx_code_request_class_init (DossierTxCodeRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_tx_code_request_finalize;
}

static void
dossier_tx_code_request_init (DossierTxCodeRequest *self)
{
}

DossierTxCodeRequest *
dossier_tx_code_request_new (const char             *issuer_name,
                             const char             *description,
                             guint                   length,
                             gboolean                numeric,
                             gboolean                retry,
                             DossierTxCodeReplyFunc  reply,
                             gpointer                reply_data)
{
  DossierTxCodeRequest *self = g_object_new (DOSSIER_TYPE_TX_CODE_REQUEST, NULL);

  self->issuer_name = g_strdup (issuer_name);
  self->description = g_strdup (description);
  self->length = length;
  self->numeric = numeric;
  self->retry = retry;
  self->reply = reply;
  self->reply_data = reply_data;
  return self;
}

const char *
dossier_tx_code_request_get_issuer_name (DossierTxCodeRequest *self)
{
  g_return_val_if_fail (DOSSIER_IS_TX_CODE_REQUEST (self), NULL);
  return self->issuer_name;
}

const char *
dossier_tx_code_request_get_description (DossierTxCodeRequest *self)
{
  g_return_val_if_fail (DOSSIER_IS_TX_CODE_REQUEST (self), NULL);
  return self->description;
}

guint
dossier_tx_code_request_get_length (DossierTxCodeRequest *self)
{
  g_return_val_if_fail (DOSSIER_IS_TX_CODE_REQUEST (self), 0);
  return self->length;
}

gboolean
dossier_tx_code_request_get_numeric (DossierTxCodeRequest *self)
{
  g_return_val_if_fail (DOSSIER_IS_TX_CODE_REQUEST (self), FALSE);
  return self->numeric;
}

gboolean
dossier_tx_code_request_get_retry (DossierTxCodeRequest *self)
{
  g_return_val_if_fail (DOSSIER_IS_TX_CODE_REQUEST (self), FALSE);
  return self->retry;
}

void
dossier_tx_code_request_reply (DossierTxCodeRequest *self,
                               const char           *code)
{
  g_return_if_fail (DOSSIER_IS_TX_CODE_REQUEST (self));
  g_return_if_fail (code != NULL);
  answer (self, code);
}

void
dossier_tx_code_request_cancel (DossierTxCodeRequest *self)
{
  g_return_if_fail (DOSSIER_IS_TX_CODE_REQUEST (self));
  answer (self, NULL);
}
