// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-record-model.h"

/* A list of the vault's records that reads them a page at a time, only when
 * a page is first looked at: the count comes first, every position holds a
 * placeholder until its page arrives, then the placeholders are swapped for
 * the real records.  A list view over it stays smooth at any size. */

#define PAGE_SIZE 100

/* A record object never stored, standing for a row not read yet. */
static GQuark placeholder_quark;

struct _DossierRecordModel
{
  GObject            parent_instance;

  DossierVault      *vault;
  DossierVaultQuery *query;
  GPtrArray         *items;       /* DossierRecord, placeholders where not read yet */
  GHashTable        *requested;   /* page numbers asked for */
  GCancellable      *cancellable;
  guint              generation;
  gboolean           loading;
};

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

enum {
  LOADED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DossierRecordModel, dossier_record_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_init))

typedef struct
{
  DossierRecordModel *model;
  guint               generation;
  guint               offset;
} PageRequest;

static DossierRecord *
placeholder_new (void)
{
  DossierRecord *record = dossier_record_new (DOSSIER_RECORD_KIND_DOCUMENT, "");

  g_object_set_qdata (G_OBJECT (record), placeholder_quark, GINT_TO_POINTER (TRUE));
  return record;
}

gboolean
dossier_record_model_is_placeholder (DossierRecord *record)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD (record), FALSE);
  return g_object_get_qdata (G_OBJECT (record), placeholder_quark) != NULL;
}

static void
set_loading (DossierRecordModel *self,
             gboolean            loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
on_page_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree PageRequest *request = user_data;
  g_autoptr(DossierRecordModel) self = request->model;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  guint first = G_MAXUINT, last = 0;

  records = dossier_vault_query_records_finish (DOSSIER_VAULT (source), result, &error);
  if (request->generation != self->generation)
    return;
  if (records == NULL)
    {
      g_hash_table_remove (self->requested, GUINT_TO_POINTER (request->offset / PAGE_SIZE));
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }

  /* Only placeholders are replaced: a row removed meanwhile shifts the
   * positions after it, and the rows already read stay as they are. */
  for (guint i = 0; i < records->len && request->offset + i < self->items->len; i++)
    {
      guint position = request->offset + i;

      if (!dossier_record_model_is_placeholder (g_ptr_array_index (self->items, position)))
        continue;
      g_object_unref (g_ptr_array_index (self->items, position));
      g_ptr_array_index (self->items, position) = g_object_ref (g_ptr_array_index (records, i));
      first = MIN (first, position);
      last = MAX (last, position);
    }
  if (first <= last)
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
}

static void
request_page (DossierRecordModel *self,
              guint               page)
{
  g_autoptr(DossierVaultQuery) query = NULL;
  PageRequest *request;

  if (g_hash_table_contains (self->requested, GUINT_TO_POINTER (page)))
    return;
  g_hash_table_add (self->requested, GUINT_TO_POINTER (page));

  query = dossier_vault_query_copy (self->query);
  query->offset = page * PAGE_SIZE;
  query->limit = PAGE_SIZE;
  request = g_new0 (PageRequest, 1);
  request->model = g_object_ref (self);
  request->generation = self->generation;
  request->offset = query->offset;
  dossier_vault_query_records_async (self->vault, query, self->cancellable, on_page_loaded, request);
}

static GType
dossier_record_model_get_item_type (GListModel *model)
{
  return DOSSIER_TYPE_RECORD;
}

static guint
dossier_record_model_get_n_items (GListModel *model)
{
  return DOSSIER_RECORD_MODEL (model)->items->len;
}

static gpointer
dossier_record_model_get_item (GListModel *model,
                               guint       position)
{
  DossierRecordModel *self = DOSSIER_RECORD_MODEL (model);
  DossierRecord *record;

  if (position >= self->items->len)
    return NULL;
  record = g_ptr_array_index (self->items, position);
  if (dossier_record_model_is_placeholder (record))
    request_page (self, position / PAGE_SIZE);
  return g_object_ref (record);
}

static void
list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = dossier_record_model_get_item_type;
  iface->get_n_items = dossier_record_model_get_n_items;
  iface->get_item = dossier_record_model_get_item;
}

static void
replace_items (DossierRecordModel *self,
               guint               n_items)
{
  guint removed = self->items->len;

  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; i < n_items; i++)
    g_ptr_array_add (self->items, placeholder_new ());
  g_hash_table_remove_all (self->requested);
  if (removed > 0 || n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, n_items);
}

typedef struct
{
  DossierRecordModel *model;
  guint               generation;
} CountRequest;

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree CountRequest *request = user_data;
  g_autoptr(DossierRecordModel) self = request->model;
  g_autoptr(GError) error = NULL;
  gint64 count;

  count = dossier_vault_count_records_finish (DOSSIER_VAULT (source), result, &error);
  if (request->generation != self->generation)
    return;
  set_loading (self, FALSE);
  if (count < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  replace_items (self, (guint) MIN (count, G_MAXINT));
  /* The first page is read at once, so the first rows show with no delay. */
  if (self->items->len > 0)
    request_page (self, 0);
  g_signal_emit (self, signals[LOADED], 0);
}

/* Counts again and starts over from the first page. */
void
dossier_record_model_reload (DossierRecordModel *self)
{
  CountRequest *request;

  g_return_if_fail (DOSSIER_IS_RECORD_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  set_loading (self, TRUE);

  request = g_new0 (CountRequest, 1);
  request->model = g_object_ref (self);
  request->generation = self->generation;
  dossier_vault_count_records_async (self->vault, self->query, self->cancellable, on_counted, request);
}

/* Forgets every row, as when the vault locks. */
void
dossier_record_model_clear (DossierRecordModel *self)
{
  g_return_if_fail (DOSSIER_IS_RECORD_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  self->generation++;
  set_loading (self, FALSE);
  replace_items (self, 0);
}

void
dossier_record_model_set_filter (DossierRecordModel *self,
                                 const char         *text,
                                 gint64              person_id)
{
  g_return_if_fail (DOSSIER_IS_RECORD_MODEL (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  g_free (self->query->text);
  self->query->text = g_strdup (text);
  self->query->person_id = person_id;
}

const DossierVaultQuery *
dossier_record_model_get_query (DossierRecordModel *self)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD_MODEL (self), NULL);
  return self->query;
}

gboolean
dossier_record_model_get_loading (DossierRecordModel *self)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD_MODEL (self), FALSE);
  return self->loading;
}

/* Takes out the row of a record just deleted from the vault. */
gboolean
dossier_record_model_remove_id (DossierRecordModel *self,
                                gint64              id)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD_MODEL (self), FALSE);

  for (guint i = 0; i < self->items->len; i++)
    if (dossier_record_get_id (g_ptr_array_index (self->items, i)) == id &&
        !dossier_record_model_is_placeholder (g_ptr_array_index (self->items, i)))
      {
        g_ptr_array_remove_index (self->items, i);
        /* The pages not read yet now start one row earlier in the vault. */
        g_hash_table_remove_all (self->requested);
        g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
        return TRUE;
      }
  return FALSE;
}

static void
dossier_record_model_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DossierRecordModel *self = DOSSIER_RECORD_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dossier_record_model_dispose (GObject *object)
{
  DossierRecordModel *self = DOSSIER_RECORD_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (dossier_record_model_parent_class)->dispose (object);
}

static void
dossier_record_model_finalize (GObject *object)
{
  DossierRecordModel *self = DOSSIER_RECORD_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->vault);
  g_clear_pointer (&self->query, dossier_vault_query_free);
  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->requested);
  G_OBJECT_CLASS (dossier_record_model_parent_class)->finalize (object);
}

static void
dossier_record_model_class_init (DossierRecordModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  placeholder_quark = g_quark_from_static_string ("dossier-record-placeholder");

  object_class->get_property = dossier_record_model_get_property;
  object_class->dispose = dossier_record_model_dispose;
  object_class->finalize = dossier_record_model_finalize;

  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when the count has arrived and the rows are in place. */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Emitted with the GError when reading from the vault failed. */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
dossier_record_model_init (DossierRecordModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->requested = g_hash_table_new (NULL, NULL);
  self->query = dossier_vault_query_new ();
  self->cancellable = g_cancellable_new ();
}

/* @category is a DossierRecordCategory, or -1 for every record;
 * @or_category a second one listed with it, or -1. */
DossierRecordModel *
dossier_record_model_new (DossierVault *vault,
                          int           category,
                          int           or_category)
{
  DossierRecordModel *self;

  g_return_val_if_fail (DOSSIER_IS_VAULT (vault), NULL);

  self = g_object_new (DOSSIER_TYPE_RECORD_MODEL, NULL);
  self->vault = g_object_ref (vault);
  self->query->category = category;
  self->query->or_category = or_category;
  return self;
}
