// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-window.h"

#include "dossier-backup-schedule.h"
#include "dossier-backup-window.h"
#include "dossier-demo.h"
#include "dossier-restore-window.h"
#include "dossier-services-window.h"

#include "dossier-lock-monitor.h"
#include "dossier-preferences-window.h"
#include "dossier-record-model.h"
#include "dossier-record-view.h"

#include "dossier-json.h"
#include "dossier-keyring.h"
#include "dossier-verifier.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define ACTIVITY_PAGE_SIZE 200
#define IDLE_CHECK_SECONDS 15
#define BACKUP_CHECK_SECONDS (60 * 60)

struct _DossierWindow
{
  AdwApplicationWindow  parent_instance;

  DossierWallet        *wallet;
  GSettings            *settings;
  DossierLockMonitor   *lock_monitor;
  gboolean              demo;
  GCancellable         *cancellable;

  DossierRecordModel   *learning_model;
  DossierRecordModel   *health_model;
  GPtrArray            *persons;          /* DossierPerson, owner first */
  gint64                person_id;        /* whose records are shown, 0 for everyone */
  DossierRecord        *deleted;          /* kept for undo */
  gint64                last_activity;    /* monotonic µs */
  guint                 idle_source;
  guint                 search_source;
  guint                 backup_source;
  GtkWindow            *backup_window;    /* weak */
  GtkWindow            *services_window;  /* weak */
  GCancellable         *unlock_sync;      /* the sync on unlock, while it runs */
  char                 *pending_offer;    /* an offer link opened while the vault was locked */
  char                 *demo_moet;        /* the demo services' addresses, once started */
  char                 *demo_moh;
  gboolean              services_loaded;
  GtkWindow            *preferences;      /* weak */
  GList                *import_queue;     /* GFile */
  guint                 import_total;
  guint                 import_done;
  guint                 import_records;
  GString              *import_errors;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwStatusPage        *busy_page;
  GtkSpinner           *busy_spinner;
  AdwStatusPage        *unlock_page;
  GtkPasswordEntry     *unlock_entry;
  GtkLabel             *unlock_error;
  GtkWidget            *unlock_button;
  GtkPasswordEntry     *create_entry;
  GtkLevelBar          *strength_bar;
  GtkLabel             *strength_label;
  GtkPasswordEntry     *confirm_entry;
  GtkLabel             *create_error;
  GtkWidget            *create_button;
  GtkWidget            *demo_button;
  AdwLeaflet           *leaflet;
  GtkWidget            *browse_pane;
  GtkWidget            *detail_pane;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *person_button;
  GtkToggleButton      *search_button;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkRevealer          *progress_revealer;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  AdwViewStack         *view_stack;
  GtkStack             *learning_stack;
  GtkListView          *learning_list;
  AdwStatusPage        *learning_empty;
  GtkStack             *health_stack;
  GtkListView          *health_list;
  AdwStatusPage        *health_empty;
  GtkListBox           *activity_list;
  AdwWindowTitle       *detail_title;
  GtkMenuButton        *record_menu_button;
  GtkStack             *detail_stack;
  DossierRecordView    *record_view;
};

G_DEFINE_FINAL_TYPE (DossierWindow, dossier_window, ADW_TYPE_APPLICATION_WINDOW)

static void load_persons (DossierWindow *self);
static void load_trust (DossierWindow *self);
static gboolean can_recheck (DossierRecord *record);
static void load_activity (DossierWindow *self);
static void import_files (DossierWindow *self,
                          GList         *files);

/* An answer that arrives after the window was closed finds it disposed:
 * callbacks hold a reference and check this first. */
static gboolean
window_gone (DossierWindow *self)
{
  return self->stack == NULL;
}

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_text (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
toast (DossierWindow *self,
       const char    *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
show_busy (DossierWindow *self,
           const char    *title)
{
  adw_status_page_set_title (self->busy_page, title);
  gtk_spinner_start (self->busy_spinner);
  gtk_stack_set_visible_child_name (self->stack, "busy");
}

static const char *
person_name (DossierWindow *self,
             gint64         id)
{
  for (guint i = 0; self->persons != NULL && i < self->persons->len; i++)
    if (dossier_person_get_id (g_ptr_array_index (self->persons, i)) == id)
      return dossier_person_get_name (g_ptr_array_index (self->persons, i));
  return NULL;
}

/* --- the record lists ----------------------------------------------------- */

static void
setup_record_row (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *verdict = gtk_image_new ();

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_image_set_icon_size (GTK_IMAGE (icon), GTK_ICON_SIZE_LARGE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);

  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), verdict);
  gtk_list_item_set_child (item, box);
}

static char *
record_subtitle (DossierRecord *record)
{
  g_autofree char *date = dossier_format_date (dossier_record_get_issued (record));
  const char *issuer = dossier_record_get_issuer_name (record);
  g_autoptr(GString) text = g_string_new (dossier_record_kind_get_label (dossier_record_get_kind (record)));

  if (date != NULL)
    g_string_append_printf (text, " · %s", date);
  if (issuer != NULL && *issuer != '\0')
    g_string_append_printf (text, " · %s", issuer);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
verdict_words (DossierVerdict *verdict)
{
  switch (dossier_verdict_get_summary (verdict))
    {
    case DOSSIER_VERDICT_VALID: return _("Verified");
    case DOSSIER_VERDICT_INVALID: return _("Failed verification");
    case DOSSIER_VERDICT_UNVERIFIED:
    default: return _("Not verified");
    }
}

static void
bind_record_row (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  DossierRecord *record = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *labels = gtk_widget_get_next_sibling (icon);
  GtkWidget *verdict = gtk_widget_get_next_sibling (labels);
  GtkWidget *title = gtk_widget_get_first_child (labels);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  g_autofree char *description = NULL;

  if (dossier_record_model_is_placeholder (record))
    {
      gtk_image_clear (GTK_IMAGE (icon));
      gtk_image_clear (GTK_IMAGE (verdict));
      gtk_label_set_text (GTK_LABEL (title), "…");
      gtk_label_set_text (GTK_LABEL (subtitle), "");
      return;
    }
  description = record_subtitle (record);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), dossier_kind_icon_name (dossier_record_get_kind (record)));
  gtk_image_set_from_icon_name (GTK_IMAGE (verdict), dossier_verdict_icon_name (dossier_record_get_verdict (record)));
  gtk_widget_set_tooltip_text (verdict, verdict_words (dossier_record_get_verdict (record)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (verdict), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  verdict_words (dossier_record_get_verdict (record)), -1);
  gtk_label_set_text (GTK_LABEL (title), dossier_record_get_title (record));
  gtk_label_set_text (GTK_LABEL (subtitle), description);
}

static void
update_empty_state (DossierWindow      *self,
                    DossierRecordModel *model)
{
  gboolean health = model == self->health_model;
  GtkStack *stack = health ? self->health_stack : self->learning_stack;
  AdwStatusPage *empty = health ? self->health_empty : self->learning_empty;
  gboolean searching = dossier_record_model_get_query (model)->text != NULL;

  if (searching)
    {
      adw_status_page_set_icon_name (empty, "edit-find-symbolic");
      adw_status_page_set_title (empty, _("No Results Found"));
      adw_status_page_set_description (empty, _("Try other words; accents and capitals do not matter."));
    }
  else if (health)
    {
      adw_status_page_set_icon_name (empty, "emblem-favorite-symbolic");
      adw_status_page_set_title (empty, _("No Health Records Yet"));
      adw_status_page_set_description (empty, _("Add a vaccination card, a SMART Health Card or a health record file with the + button, or drop it here."));
    }
  else
    {
      adw_status_page_set_icon_name (empty, "accessories-dictionary-symbolic");
      adw_status_page_set_title (empty, _("No Learning Records Yet"));
      adw_status_page_set_description (empty, _("Add a diploma, certificate, transcript or badge with the + button, or drop its file here."));
    }
  gtk_stack_set_visible_child_name (stack, g_list_model_get_n_items (G_LIST_MODEL (model)) > 0 ? "list" : "empty");
}

static void
on_model_loaded (DossierRecordModel *model,
                 DossierWindow      *self)
{
  update_empty_state (self, model);
}

static void
on_model_failed (DossierRecordModel *model,
                 const GError       *error,
                 DossierWindow      *self)
{
  toast (self, error->message);
}

static void
reload_records (DossierWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (!gtk_search_bar_get_search_mode (self->search_bar))
    text = NULL;
  dossier_record_model_set_filter (self->learning_model, text, self->person_id);
  dossier_record_model_set_filter (self->health_model, text, self->person_id);
  dossier_record_model_reload (self->learning_model);
  dossier_record_model_reload (self->health_model);
}

static gboolean
search_timeout (gpointer user_data)
{
  DossierWindow *self = user_data;

  self->search_source = 0;
  reload_records (self);
  return G_SOURCE_REMOVE;
}

static void
search_changed (DossierWindow *self)
{
  g_clear_handle_id (&self->search_source, g_source_remove);
  self->search_source = g_timeout_add (150, search_timeout, self);
}

static void
search_mode_changed (DossierWindow *self)
{
  const char *visible = adw_view_stack_get_visible_child_name (self->view_stack);

  /* Searching is over records: from Verify or Activity it goes to Learning. */
  if (gtk_search_bar_get_search_mode (self->search_bar) &&
      g_strcmp0 (visible, "learning") != 0 && g_strcmp0 (visible, "health") != 0)
    adw_view_stack_set_visible_child_name (self->view_stack, "learning");
  search_changed (self);
}

/* --- the record shown ------------------------------------------------------ */

static void
show_record (DossierWindow *self,
             DossierRecord *record,
             const char    *person)
{
  gboolean stored = record != NULL && dossier_record_get_id (record) > 0;

  dossier_record_view_set_record (self->record_view, record, person);
  gtk_stack_set_visible_child_name (self->detail_stack, record != NULL ? "record" : "none");
  adw_window_title_set_title (self->detail_title, record != NULL ? dossier_record_kind_get_label (dossier_record_get_kind (record)) : "");
  adw_window_title_set_subtitle (self->detail_title, record != NULL && !stored ? _("Not kept in your vault") : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->record_menu_button), stored);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-record", stored);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.recheck-record", can_recheck (record));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.move-record", stored && self->persons != NULL && self->persons->len > 1);
  if (record != NULL)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_record_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(DossierRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  if (window_gone (self))
    return;

  record = dossier_vault_get_record_finish (DOSSIER_VAULT (source), result, &error);
  if (record == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  show_record (self, record, person_name (self, dossier_record_get_person_id (record)));
}

static void
open_record (DossierWindow *self,
             gint64         id)
{
  dossier_vault_get_record_async (dossier_wallet_get_vault (self->wallet), id, self->cancellable,
                                  on_record_read, g_object_ref (self));
}

static void
list_activated (GtkListView *list,
                guint        position,
                gpointer     user_data)
{
  DossierWindow *self = user_data;
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (list));
  g_autoptr(DossierRecord) record = g_list_model_get_item (model, position);

  if (record != NULL && !dossier_record_model_is_placeholder (record))
    open_record (self, dossier_record_get_id (record));
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* --- delete with undo, move to another person ------------------------------ */

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (window_gone (self))
    return;

  if (!dossier_vault_add_records_finish (DOSSIER_VAULT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  reload_records (self);
  load_activity (self);
}

static void
undo_delete_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->deleted == NULL)
    return;
  dossier_record_set_id (self->deleted, 0);
  g_ptr_array_add (records, g_steal_pointer (&self->deleted));
  dossier_vault_add_records_async (dossier_wallet_get_vault (self->wallet), records, self->cancellable,
                                   on_restored, g_object_ref (self));
}

static void
on_deleted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *note;

  if (window_gone (self))
    return;

  if (!dossier_vault_delete_record_finish (DOSSIER_VAULT (source), result, &error))
    {
      g_clear_object (&self->deleted);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  if (self->deleted == NULL)
    return;
  dossier_record_model_remove_id (self->learning_model, dossier_record_get_id (self->deleted));
  dossier_record_model_remove_id (self->health_model, dossier_record_get_id (self->deleted));
  update_empty_state (self, self->learning_model);
  update_empty_state (self, self->health_model);
  show_record (self, NULL, NULL);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  load_activity (self);

  title = g_strdup_printf (_("“%s” deleted"), dossier_record_get_title (self->deleted));
  note = adw_toast_new (title);
  adw_toast_set_button_label (note, _("_Undo"));
  adw_toast_set_priority (note, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_action_name (note, "win.undo-delete");
  adw_toast_overlay_add_toast (self->toast_overlay, note);
}

static void
delete_record_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);
  DossierRecord *record = dossier_record_view_get_record (self->record_view);

  if (record == NULL || dossier_record_get_id (record) <= 0)
    return;
  /* The whole record, original included, is kept until another delete, so
   * that undo can put it back. */
  g_set_object (&self->deleted, record);
  dossier_vault_delete_record_async (dossier_wallet_get_vault (self->wallet), dossier_record_get_id (record),
                                     self->cancellable, on_deleted, g_object_ref (self));
}

static void
on_moved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  DossierRecord *record = dossier_record_view_get_record (self->record_view);

  if (window_gone (self))
    return;

  if (!dossier_vault_move_record_finish (DOSSIER_VAULT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  reload_records (self);
  load_activity (self);
  if (record != NULL)
    open_record (self, dossier_record_get_id (record));
}

static void
move_record_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);
  DossierRecord *record = dossier_record_view_get_record (self->record_view);
  gint64 person = g_variant_get_int64 (parameter);
  g_autofree char *title = NULL;

  if (record == NULL || dossier_record_get_id (record) <= 0 || person == dossier_record_get_person_id (record))
    return;
  title = g_strdup_printf (_("Moved to %s"), person_name (self, person));
  dossier_vault_move_record_async (dossier_wallet_get_vault (self->wallet), dossier_record_get_id (record), person,
                                   self->cancellable, on_moved, g_object_ref (self));
  toast (self, title);
}

/* --- persons --------------------------------------------------------------- */

static void
update_person_menus (DossierWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) people = g_menu_new ();
  g_autoptr(GMenu) manage = g_menu_new ();
  g_autoptr(GMenu) record_menu = g_menu_new ();
  g_autoptr(GMenu) move = g_menu_new ();
  g_autoptr(GMenu) actions = g_menu_new ();
  g_autoptr(GMenuItem) everyone = g_menu_item_new (_("Everyone"), NULL);
  const char *name;

  g_menu_item_set_action_and_target_value (everyone, "win.person", g_variant_new_int64 (0));
  g_menu_append_item (people, everyone);
  for (guint i = 0; i < self->persons->len; i++)
    {
      DossierPerson *person = g_ptr_array_index (self->persons, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (dossier_person_get_name (person), NULL);
      g_autoptr(GMenuItem) target = g_menu_item_new (dossier_person_get_name (person), NULL);

      g_menu_item_set_action_and_target_value (item, "win.person", g_variant_new_int64 (dossier_person_get_id (person)));
      g_menu_append_item (people, item);
      g_menu_item_set_action_and_target_value (target, "win.move-record", g_variant_new_int64 (dossier_person_get_id (person)));
      g_menu_append_item (move, target);
    }
  g_menu_append (manage, _("_Manage Family…"), "win.family");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (people));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (manage));
  gtk_menu_button_set_menu_model (self->person_button, G_MENU_MODEL (menu));

  g_menu_append (actions, _("_Check Again"), "win.recheck-record");
  g_menu_append_submenu (actions, _("_Move To"), G_MENU_MODEL (move));
  g_menu_append (actions, _("_Delete"), "win.delete-record");
  g_menu_append_section (record_menu, NULL, G_MENU_MODEL (actions));
  gtk_menu_button_set_menu_model (self->record_menu_button, G_MENU_MODEL (record_menu));

  name = self->person_id != 0 ? person_name (self, self->person_id) : NULL;
  adw_view_switcher_title_set_subtitle (self->switcher_title, name != NULL ? name : _("Everyone"));
}

static void
on_persons_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GPtrArray) persons = NULL;
  g_autoptr(GError) error = NULL;

  if (window_gone (self))
    return;

  persons = dossier_vault_list_persons_finish (DOSSIER_VAULT (source), result, &error);
  if (persons == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->persons, g_ptr_array_unref);
  self->persons = g_steal_pointer (&persons);
  if (self->person_id != 0 && person_name (self, self->person_id) == NULL)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "person");

      self->person_id = 0;
      g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_int64 (0));
      reload_records (self);
    }
  update_person_menus (self);
}

static void
load_persons (DossierWindow *self)
{
  dossier_vault_list_persons_async (dossier_wallet_get_vault (self->wallet), self->cancellable,
                                    on_persons_listed, g_object_ref (self));
}

static void
person_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  DossierWindow *self = user_data;

  g_simple_action_set_state (action, parameter);
  self->person_id = g_variant_get_int64 (parameter);
  if (self->persons != NULL)
    update_person_menus (self);
  reload_records (self);
}

static void
on_persons_changed (DossierWindow *self)
{
  load_persons (self);
  reload_records (self);
  load_activity (self);
}

static void
open_preferences (DossierWindow *self,
                  const char    *page)
{
  GtkWindow *preferences = GTK_WINDOW (dossier_preferences_window_new (self->wallet, self->settings));

  if (self->preferences != NULL)
    gtk_window_destroy (self->preferences);
  self->preferences = preferences;
  g_object_add_weak_pointer (G_OBJECT (preferences), (gpointer *) &self->preferences);
  gtk_window_set_transient_for (preferences, GTK_WINDOW (self));
  g_signal_connect_object (preferences, "persons-changed", G_CALLBACK (on_persons_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (preferences, "trust-changed", G_CALLBACK (load_trust), self, G_CONNECT_SWAPPED);
  if (page != NULL)
    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), page);
  gtk_window_present (preferences);
}

static void
family_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  open_preferences (DOSSIER_WINDOW (widget), "family");
}

static void
preferences_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  open_preferences (DOSSIER_WINDOW (widget), NULL);
}

/* --- activity -------------------------------------------------------------- */

/* A service's entries name the service by its id and count what a sync
 * brought as "new=N unchanged=N pending=N": put both in words. */
static char *
activity_detail (DossierWindow     *self,
                 DossierAuditEntry *entry)
{
  DossierAuditAction action = dossier_audit_entry_get_action (entry);
  const char *detail = dossier_audit_entry_get_detail (entry);
  DossierServiceConnection *connection;
  const char *service;
  guint n_new = 0, n_unchanged = 0, n_pending = 0;
  g_autofree char *counts = NULL;

  if (action != DOSSIER_AUDIT_SERVICE_SYNC)
    return g_strdup (detail);
  connection = dossier_services_lookup (dossier_wallet_get_services (self->wallet),
                                        dossier_audit_entry_get_subject (entry));
  service = connection != NULL ? dossier_service_connection_get_display_name (connection) : NULL;
  if (detail == NULL || sscanf (detail, "new=%u unchanged=%u pending=%u", &n_new, &n_unchanged, &n_pending) < 2)
    return g_strdup (service != NULL ? service : detail);
  if (n_new == 0)
    counts = g_strdup (_("nothing new"));
  else
    counts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new record", "%u new records", n_new), n_new);
  if (n_pending > 0)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u more will arrive later",
                                                            "%u more will arrive later", n_pending), n_pending);
      char *both = g_strdup_printf ("%s, %s", counts, more);

      g_free (counts);
      counts = both;
    }
  if (service == NULL)
    return g_steal_pointer (&counts);
  /* Translators: a service's name and what its sync brought */
  return g_strdup_printf (_("%s: %s"), service, counts);
}

static void
on_activity_listed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  if (window_gone (self))
    return;

  entries = dossier_vault_list_audit_finish (DOSSIER_VAULT (source), result, &error);
  if (entries == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->activity_list))) != NULL)
    gtk_list_box_remove (self->activity_list, child);
  for (guint i = 0; i < entries->len; i++)
    {
      DossierAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GDateTime) local = g_date_time_to_local (dossier_audit_entry_get_timestamp (entry));
      g_autofree char *when = g_date_time_format (local, C_("date and time", "%-d %B %Y, %H:%M"));
      g_autofree char *detail = activity_detail (self, entry);
      g_autofree char *subtitle = detail != NULL && *detail != '\0' ? g_strdup_printf ("%s · %s", when, detail)
                                                                   : g_strdup (when);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dossier_audit_entry_get_description (entry));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->activity_list, row);
    }
}

/* The log is read when its section is shown, not before: building its rows
 * would only delay the first records on screen. */
static void
load_activity (DossierWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "activity") != 0)
    {
      GtkWidget *row;

      while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->activity_list))) != NULL)
        gtk_list_box_remove (self->activity_list, row);
      return;
    }
  dossier_vault_list_audit_async (dossier_wallet_get_vault (self->wallet), 0, ACTIVITY_PAGE_SIZE,
                                  self->cancellable, on_activity_listed, g_object_ref (self));
}

/* --- backups ------------------------------------------------------------------- */

static void
on_automatic_backup (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = dossier_backup_schedule_run_finish (result, &error);

  if (window_gone (self) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Automatic backup failed: %s"), error->message);

      toast (self, title);
      return;
    }
  if (path != NULL)
    {
      load_activity (self);
      toast (self, _("Backed up automatically"));
    }
}

/* Writes an automatic backup when one is due; checked when the vault
 * opens and every hour while it stays open. */
static void
back_up_if_due (DossierWindow *self)
{
  if (!dossier_backup_schedule_is_on (self->settings) ||
      !dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    return;
  dossier_backup_schedule_run_async (dossier_wallet_get_vault (self->wallet), self->settings, FALSE,
                                     self->cancellable, on_automatic_backup, g_object_ref (self));
}

static gboolean
backup_check (gpointer user_data)
{
  back_up_if_due (DOSSIER_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
backup_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);

  if (!dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    return;
  if (self->backup_window == NULL)
    {
      self->backup_window = GTK_WINDOW (dossier_backup_window_new (GTK_WINDOW (self), self->wallet, self->settings));
      g_object_add_weak_pointer (G_OBJECT (self->backup_window), (gpointer *) &self->backup_window);
    }
  gtk_window_present (self->backup_window);
}

/* --- national services ------------------------------------------------------ */

static void
on_services_records_changed (DossierWindow *self)
{
  if (window_gone (self))
    return;
  reload_records (self);
  load_activity (self);
}

static DossierServicesWindow *
present_services (DossierWindow *self)
{
  if (!dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    return NULL;
  if (self->services_window == NULL)
    {
      self->services_window = GTK_WINDOW (dossier_services_window_new (GTK_WINDOW (self), self->wallet));
      g_object_add_weak_pointer (G_OBJECT (self->services_window), (gpointer *) &self->services_window);
      g_signal_connect_object (self->services_window, "records-changed", G_CALLBACK (on_services_records_changed),
                               self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (self->services_window);
  return DOSSIER_SERVICES_WINDOW (self->services_window);
}

static void
services_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  present_services (DOSSIER_WINDOW (widget));
}

/**
 * dossier_window_receive_offer:
 * @offer: an openid-credential-offer:// link
 *
 * Opens the services window to receive @offer, once the vault is open.
 */
void
dossier_window_receive_offer (DossierWindow *self,
                              const char    *offer)
{
  DossierServicesWindow *services;

  g_return_if_fail (DOSSIER_IS_WINDOW (self));
  g_return_if_fail (offer != NULL);

  services = present_services (self);
  if (services == NULL)
    {
      g_free (self->pending_offer);
  g_free (self->demo_moet);
  g_free (self->demo_moh);
      self->pending_offer = g_strdup (offer);
      toast (self, _("Unlock the vault to receive the offered credentials"));
      return;
    }
  dossier_services_window_receive_offer (services, offer);
}

static void
on_unlock_synced (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierSyncSummary) summary = dossier_services_sync_finish (DOSSIER_SERVICES (source), result, &error);
  g_autofree char *words = NULL;
  g_autofree char *text = NULL;

  if (window_gone (self))
    return;
  g_clear_object (&self->unlock_sync);
  if (summary == NULL)
    {
      if (!g_error_matches (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CANCELLED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          text = g_strdup_printf (_("Services not synced: %s"), dossier_services_error_describe (error));
          toast (self, text);
        }
      return;
    }
  words = dossier_sync_summary_describe (summary);
  /* Translators: the summary of a sync made on unlocking, as "Nothing new" */
  text = g_strdup_printf (_("Services synced: %s"), words);
  toast (self, text);
  if (dossier_sync_summary_get_n_new (summary) > 0)
    reload_records (self);
  load_activity (self);
}

/* --- the demo's services ---------------------------------------------------- */

/* The demo services still to connect, one after the other, as each is
 * kept in the vault's settings. */
typedef struct
{
  DossierWindow *window;
  GPtrArray     *urls;   /* char*, owned */
} DemoConnect;

static void
demo_connect_free (DemoConnect *connect)
{
  g_object_unref (connect->window);
  g_ptr_array_unref (connect->urls);
  g_free (connect);
}

static void demo_connect_next (DemoConnect *connect);

static void
on_demo_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DemoConnect *connect = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierServiceConnection) connection = dossier_services_add_finish (DOSSIER_SERVICES (source), result, &error);

  if (connection == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      demo_connect_free (connect);
      return;
    }
  if (connection == NULL)
    g_message ("A demo service was not connected: %s", error->message);
  g_ptr_array_remove_index (connect->urls, 0);
  demo_connect_next (connect);
}

static void
demo_connect_next (DemoConnect *connect)
{
  DossierWallet *wallet = connect->window->wallet;

  if (window_gone (connect->window) || connect->urls->len == 0 ||
      !dossier_vault_get_is_open (dossier_wallet_get_vault (wallet)))
    {
      demo_connect_free (connect);
      return;
    }
  dossier_services_add_async (dossier_wallet_get_services (wallet), g_ptr_array_index (connect->urls, 0), 0,
                              connect->window->cancellable, on_demo_connected, connect);
}

static void
on_demo_stale_removed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dossier_services_remove_finish (DOSSIER_SERVICES (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("An old demo service was not removed: %s", error->message);
}

/* The demo vault is connected to the demo's ministries, for its owner, and
 * trusts their keys; connections to an earlier run's port go. */
static void
connect_demo_services (DossierWindow *self)
{
  DossierServices *services = dossier_wallet_get_services (self->wallet);
  GListModel *model = G_LIST_MODEL (services);
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_object_unref);
  DemoConnect *connect;
  gboolean first = TRUE;
  const char *wanted[2];

  if (!self->demo || self->demo_moet == NULL || !self->services_loaded ||
      !dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    return;
  wanted[0] = self->demo_moet;
  wanted[1] = self->demo_moh;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DossierServiceConnection) connection = g_list_model_get_item (model, i);
      const char *base = dossier_service_connection_get_base_url (connection);

      if (!g_str_has_prefix (base, "http://127.0.0.1:"))
        continue;
      first = FALSE;
      if (g_strcmp0 (base, wanted[0]) != 0 && g_strcmp0 (base, wanted[1]) != 0)
        g_ptr_array_add (stale, g_steal_pointer (&connection));
    }
  for (guint i = 0; i < stale->len; i++)
    dossier_services_remove_async (services, g_ptr_array_index (stale, i), self->cancellable,
                                   on_demo_stale_removed, NULL);
  if (first)
    dossier_demo_trust_services (self->wallet, self->cancellable);
  connect = g_new0 (DemoConnect, 1);
  connect->window = g_object_ref (self);
  connect->urls = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    if (dossier_services_lookup (services, wanted[i]) == NULL)
      g_ptr_array_add (connect->urls, g_strdup (wanted[i]));
  demo_connect_next (connect);
}

/**
 * dossier_window_set_demo_services:
 *
 * Tells the demo window where the demo's ministries answer.
 */
void
dossier_window_set_demo_services (DossierWindow *self,
                                  const char    *moet,
                                  const char    *moh)
{
  g_return_if_fail (DOSSIER_IS_WINDOW (self));
  g_return_if_fail (moet != NULL && moh != NULL);

  g_free (self->demo_moet);
  g_free (self->demo_moh);
  self->demo_moet = g_strdup (moet);
  self->demo_moh = g_strdup (moh);
  connect_demo_services (self);
}

static void
on_services_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  DossierServices *services = DOSSIER_SERVICES (source);

  if (!dossier_services_load_finish (services, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The vault's services cannot be read: %s", error->message);
      return;
    }
  if (window_gone (self) || !dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    return;
  self->services_loaded = TRUE;
  connect_demo_services (self);
  if (self->pending_offer != NULL)
    {
      g_autofree char *offer = g_steal_pointer (&self->pending_offer);

      dossier_window_receive_offer (self, offer);
      return;
    }
  if (!dossier_services_get_sync_on_unlock (services) || g_list_model_get_n_items (G_LIST_MODEL (services)) == 0 ||
      self->unlock_sync != NULL)
    return;
  self->unlock_sync = g_cancellable_new ();
  dossier_services_sync_async (services, NULL, NULL, NULL, self->unlock_sync, on_unlock_synced, g_object_ref (self));
}

/* The services kept in the vault, read after each unlock; then synced when
 * the vault asks for it. */
static void
load_services (DossierWindow *self)
{
  dossier_services_load_async (dossier_wallet_get_services (self->wallet), self->cancellable,
                               on_services_loaded, g_object_ref (self));
}

/* The windows that show what the vault holds close as it locks. */
static void
close_vault_windows (DossierWindow *self)
{
  self->services_loaded = FALSE;
  if (self->unlock_sync != NULL)
    g_cancellable_cancel (self->unlock_sync);
  g_clear_object (&self->unlock_sync);
  if (self->services_window != NULL)
    gtk_window_destroy (self->services_window);
  if (self->backup_window != NULL)
    gtk_window_destroy (self->backup_window);
  if (self->preferences != NULL)
    gtk_window_destroy (self->preferences);
}

/* --- trust ---------------------------------------------------------------------- */

static void
on_anchors_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(GError) error = NULL;
  DossierTrustRegistry *trust;

  anchors = dossier_vault_list_anchors_finish (DOSSIER_VAULT (source), result, &error);
  if (window_gone (self) || anchors == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The vault's trust anchors cannot be read: %s", error->message);
      return;
    }
  trust = dossier_wallet_get_trust (self->wallet);
  dossier_trust_registry_clear (trust);
  for (guint i = 0; i < anchors->len; i++)
    dossier_trust_registry_add_anchor (trust, g_ptr_array_index (anchors, i));
}

/* The keys the vault trusts decide which records show as from a trusted
 * issuer, in imports and checks alike. */
static void
load_trust (DossierWindow *self)
{
  dossier_vault_list_anchors_async (dossier_wallet_get_vault (self->wallet), self->cancellable,
                                    on_anchors_listed, g_object_ref (self));
}

/* --- opening, locking ------------------------------------------------------ */

static void
show_main (DossierWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restore", FALSE);
  gtk_spinner_stop (self->busy_spinner);
  gtk_stack_set_visible_child_name (self->stack, "main");
  show_record (self, NULL, NULL);
  adw_leaflet_set_visible_child (self->leaflet, self->browse_pane);
  self->last_activity = g_get_monotonic_time ();
  load_persons (self);
  reload_records (self);
  load_activity (self);
  load_trust (self);
  load_services (self);
  back_up_if_due (self);
}

/* A vault call from a page failed: back to the page, with the error. */
static void
back_to_page (DossierWindow    *self,
              const char       *page,
              GtkLabel         *error_label,
              GtkPasswordEntry *entry,
              const GError     *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->busy_spinner);
  show_error (error_label, error->message);
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
}

/* --- the keyring ------------------------------------------------------------- */

static void
on_keyring_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dossier_keyring_store_finish (result, &error) && error != NULL)
    g_message ("The keyring did not keep the passphrase: %s", error->message);
}

static void
on_keyring_cleared (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dossier_keyring_clear_finish (result, &error) && error != NULL)
    g_message ("The keyring did not forget the passphrase: %s", error->message);
}

/* After an unlock with a typed passphrase, when the user asked for it. */
static void
remember_passphrase (DossierWindow *self,
                     const char    *passphrase)
{
  if (passphrase == NULL || *passphrase == '\0' || !g_settings_get_boolean (self->settings, "remember-passphrase"))
    return;
  dossier_keyring_store_async (dossier_vault_get_directory (dossier_wallet_get_vault (self->wallet)), passphrase,
                               NULL, on_keyring_stored, NULL);
}

static void
remember_changed (DossierWindow *self)
{
  if (!g_settings_get_boolean (self->settings, "remember-passphrase"))
    dossier_keyring_clear_async (dossier_vault_get_directory (dossier_wallet_get_vault (self->wallet)),
                                 NULL, on_keyring_cleared, NULL);
}

static void on_opened (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
on_remembered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *passphrase = dossier_keyring_lookup_finish (result, &error);

  if (window_gone (self))
    {
      dossier_keyring_free_passphrase (passphrase);
      return;
    }
  if (passphrase == NULL)
    {
      if (error != NULL)
        g_message ("No passphrase from the keyring: %s", error->message);
      gtk_spinner_stop (self->busy_spinner);
      gtk_stack_set_visible_child_name (self->stack, "unlock");
      gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
      return;
    }
  dossier_vault_open_async (dossier_wallet_get_vault (self->wallet), passphrase, self->cancellable,
                            on_opened, g_object_ref (self));
  dossier_keyring_free_passphrase (passphrase);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (window_gone (self))
    return;

  gtk_widget_set_sensitive (self->unlock_button, TRUE);
  if (!dossier_vault_open_finish (DOSSIER_VAULT (source), result, &error))
    {
      back_to_page (self, "unlock", self->unlock_error, self->unlock_entry, error);
      return;
    }
  remember_passphrase (self, gtk_editable_get_text (GTK_EDITABLE (self->unlock_entry)));
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
  show_error (self->unlock_error, NULL);
  show_main (self);
}

static void
unlock_clicked (DossierWindow *self)
{
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->unlock_entry));

  if (*passphrase == '\0')
    {
      show_error (self->unlock_error, _("Enter the passphrase first"));
      return;
    }
  gtk_widget_set_sensitive (self->unlock_button, FALSE);
  show_busy (self, _("Opening the Vault…"));
  dossier_vault_open_async (dossier_wallet_get_vault (self->wallet), passphrase, self->cancellable,
                            on_opened, g_object_ref (self));
}

static void
clear_content (DossierWindow *self)
{
  GtkWidget *child;

  dossier_record_model_clear (self->learning_model);
  dossier_record_model_clear (self->health_model);
  show_record (self, NULL, NULL);
  g_clear_object (&self->deleted);
  g_clear_pointer (&self->persons, g_ptr_array_unref);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->activity_list))) != NULL)
    gtk_list_box_remove (self->activity_list, child);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  dossier_remove_opened_files ();
}

static void
on_locked (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;

  if (window_gone (self))
    return;

  dossier_vault_lock_finish (DOSSIER_VAULT (source), result, NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "unlock") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
}

static void
lock_vault (DossierWindow *self)
{
  if (!dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    return;
  /* Nothing of the vault stays in the widgets once it is locked. */
  close_vault_windows (self);
  clear_content (self);
  dossier_trust_registry_clear (dossier_wallet_get_trust (self->wallet));
  gtk_stack_set_visible_child_name (self->stack, "unlock");
  dossier_vault_lock_async (dossier_wallet_get_vault (self->wallet), NULL, on_locked, g_object_ref (self));
}

static void
lock_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  lock_vault (DOSSIER_WINDOW (widget));
}

static void
on_lock_requested (DossierLockMonitor *monitor,
                   const char         *why,
                   DossierWindow      *self)
{
  g_debug ("Locking the vault: %s", why);
  lock_vault (self);
}

static gboolean
idle_check (gpointer user_data)
{
  DossierWindow *self = user_data;
  guint minutes = g_settings_get_uint (self->settings, "auto-lock-minutes");

  if (minutes > 0 && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "main") == 0 &&
      self->import_queue == NULL &&
      g_get_monotonic_time () - self->last_activity > (gint64) minutes * 60 * G_USEC_PER_SEC)
    lock_vault (self);
  return G_SOURCE_CONTINUE;
}

static void
note_activity (DossierWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

/* --- creating the vault ---------------------------------------------------- */

/* A rough guess at how hard a passphrase is to guess: its length and the
 * kinds of characters in it, from 0 (weak) to 4 (strong). */
static guint
passphrase_strength (const char *passphrase)
{
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, other = FALSE, spaces = FALSE;
  glong length = g_utf8_strlen (passphrase, -1);
  double bits, pool = 0;

  for (const char *p = passphrase; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_islower (c))
        lower = TRUE;
      else if (g_unichar_isupper (c))
        upper = TRUE;
      else if (g_unichar_isdigit (c))
        digit = TRUE;
      else if (g_unichar_isspace (c))
        spaces = TRUE;
      else
        other = TRUE;
    }
  pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0) + (spaces ? 1 : 0);
  if (pool == 0)
    return 0;
  bits = length * log2 (pool);
  /* Words separated by spaces are as long as they look. */
  if (spaces && length >= 16)
    bits += 10;
  if (length < 8 || bits < 40)
    return length == 0 ? 0 : 1;
  if (bits < 60)
    return 2;
  if (bits < 80)
    return 3;
  return 4;
}

static void
create_entry_changed (DossierWindow *self)
{
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->create_entry));
  guint strength = passphrase_strength (passphrase);
  const char *words[] = {
    "",
    N_("Weak: add more words or characters"),
    N_("Fair: longer is better"),
    N_("Good"),
    N_("Strong"),
  };

  gtk_level_bar_set_value (self->strength_bar, strength);
  gtk_label_set_text (self->strength_label, strength > 0 ? _(words[strength]) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->strength_label), strength > 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->strength_bar), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                  strength > 0 ? _(words[strength]) : "", -1);
}

static void
on_demo_filled (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dossier_demo_fill_finish (DOSSIER_WALLET (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (window_gone (self))
    return;
  show_main (self);
}

static void
import_demo_records (DossierWindow *self)
{
  show_busy (self, _("Filling the Demo Vault…"));
  dossier_demo_fill_async (self->wallet, self->cancellable, on_demo_filled, g_object_ref (self));
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (window_gone (self))
    return;

  gtk_widget_set_sensitive (self->create_button, TRUE);
  if (!dossier_vault_create_finish (DOSSIER_VAULT (source), result, &error))
    {
      back_to_page (self, "create", self->create_error, self->create_entry, error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->create_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_entry), "");
  if (self->demo)
    import_demo_records (self);
  else
    show_main (self);
}

static void
create_clicked (DossierWindow *self)
{
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->create_entry));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_entry));

  if (g_utf8_strlen (passphrase, -1) < 8)
    {
      show_error (self->create_error, _("Use a passphrase of at least 8 characters"));
      return;
    }
  if (g_strcmp0 (passphrase, confirm) != 0)
    {
      show_error (self->create_error, _("The two passphrases differ"));
      return;
    }
  show_error (self->create_error, NULL);
  gtk_widget_set_sensitive (self->create_button, FALSE);
  show_busy (self, _("Creating the Vault…"));
  dossier_vault_create_async (dossier_wallet_get_vault (self->wallet), passphrase, NULL, NULL,
                              self->cancellable, on_created, g_object_ref (self));
}

static void
restore_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);
  DossierRestoreWindow *restore;

  /* A backup becomes a new vault; an existing one is never replaced. */
  if (dossier_vault_exists (dossier_wallet_get_vault (self->wallet)))
    return;
  restore = dossier_restore_window_new (GTK_WINDOW (self), self->wallet);
  g_signal_connect_object (restore, "restored", G_CALLBACK (show_main), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (restore));
}

/* --- checking a kept record again ----------------------------------------- */

/* Verifies the record's original again, with the trust and the status
 * lists of now, on a worker thread. */
static void
recheck_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DossierWallet *wallet = source;
  DossierRecord *record = task_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(DossierVerification) result = NULL;

  result = dossier_verify_bytes (dossier_record_get_original (record), dossier_record_get_title (record),
                                 dossier_wallet_get_trust (wallet), now);
  g_task_return_pointer (task, dossier_verification_to_verdict (result), g_object_unref);
}

typedef struct
{
  DossierWindow *window;
  DossierRecord *record;
} Recheck;

static void
recheck_free (Recheck *recheck)
{
  g_object_unref (recheck->window);
  g_object_unref (recheck->record);
  g_free (recheck);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recheck, recheck_free)

static void
on_recheck_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Recheck) recheck = user_data;
  DossierWindow *self = recheck->window;
  DossierRecord *shown;
  g_autoptr(GError) error = NULL;

  if (window_gone (self))
    return;
  if (!dossier_vault_update_verdict_finish (DOSSIER_VAULT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  toast (self, _("Checked again"));
  reload_records (self);
  load_activity (self);
  shown = dossier_record_view_get_record (self->record_view);
  if (shown != NULL && dossier_record_get_id (shown) == dossier_record_get_id (recheck->record))
    open_record (self, dossier_record_get_id (recheck->record));
}

static void
on_rechecked (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(DossierVerdict) verdict = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  Recheck *recheck;

  if (window_gone (self) || verdict == NULL)
    return;
  recheck = g_new0 (Recheck, 1);
  recheck->window = g_object_ref (self);
  recheck->record = g_object_ref (g_task_get_task_data (G_TASK (result)));
  dossier_record_set_verdict (recheck->record, verdict);
  dossier_record_set_checked_at (recheck->record, now);
  dossier_vault_update_verdict_async (dossier_wallet_get_vault (self->wallet), recheck->record, self->cancellable,
                                      on_recheck_saved, recheck);
}

static gboolean
can_recheck (DossierRecord *record)
{
  return record != NULL && dossier_record_get_id (record) > 0 && dossier_record_get_original (record) != NULL &&
         g_strcmp0 (dossier_record_get_format (record), "document") != 0 &&
         dossier_record_get_parent_uuid (record) == NULL;
}

static void
recheck_record_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);
  DossierRecord *record = dossier_record_view_get_record (self->record_view);
  g_autoptr(GTask) task = NULL;

  if (!can_recheck (record))
    return;
  task = g_task_new (self->wallet, self->cancellable, on_rechecked, g_object_ref (self));
  g_task_set_task_data (task, g_object_ref (record), g_object_unref);
  g_task_run_in_thread (task, recheck_thread);
}

/* --- adding records -------------------------------------------------------- */

static void import_next (DossierWindow *self);

static void
import_finished (DossierWindow *self)
{
  g_autofree char *summary = NULL;

  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  reload_records (self);
  load_activity (self);

  if (self->import_errors->len > 0)
    {
      AdwMessageDialog *dialog;
      g_autofree char *heading = g_strdup_printf (ngettext ("%u File Not Added", "%u Files Not Added",
                                                            self->import_total - self->import_done),
                                                  self->import_total - self->import_done);

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, self->import_errors->str));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  if (self->import_records > 0)
    {
      summary = g_strdup_printf (ngettext ("%u record added", "%u records added", self->import_records),
                                 self->import_records);
      toast (self, summary);
    }
  g_string_truncate (self->import_errors, 0);
}

static void
on_file_imported (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  if (window_gone (self))
    return;

  records = dossier_wallet_import_file_finish (DOSSIER_WALLET (source), result, &error);
  if (records == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  file = self->import_queue->data;
  self->import_queue = g_list_delete_link (self->import_queue, self->import_queue);
  if (g_error_matches (error, DOSSIER_WALLET_ERROR, DOSSIER_WALLET_ERROR_CREDENTIAL_OFFER))
    {
      /* an offer's QR code or link: received from its issuer, not kept as a file */
      g_autofree char *offer = dossier_wallet_import_file_dup_offer (DOSSIER_WALLET (source), result);

      self->import_done++;
      dossier_window_receive_offer (self, offer);
    }
  else if (records != NULL)
    {
      self->import_done++;
      self->import_records += records->len;
    }
  else
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *display = g_filename_display_name (name);

      g_string_append_printf (self->import_errors, "%s%s: %s", self->import_errors->len > 0 ? "\n\n" : "",
                              display, error->message);
    }
  import_next (self);
}

static void
import_next (DossierWindow *self)
{
  guint position = self->import_total - g_list_length (self->import_queue);
  g_autofree char *text = NULL;
  gint64 person = self->person_id;

  if (self->import_queue == NULL)
    {
      import_finished (self);
      return;
    }
  text = g_strdup_printf (_("Adding file %u of %u…"), position + 1, self->import_total);
  gtk_label_set_text (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) position / self->import_total);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  dossier_wallet_import_file_async (self->wallet, self->import_queue->data, person, self->cancellable,
                                    on_file_imported, g_object_ref (self));
}

/* Files are added one after the other off the main thread; each is its own
 * transaction, so one bad file leaves the others and the vault as they are. */
static void
import_files (DossierWindow *self,
              GList         *files)
{
  gboolean idle = self->import_queue == NULL;

  if (!dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    return;
  if (idle)
    {
      self->import_total = 0;
      self->import_done = 0;
      self->import_records = 0;
    }
  for (GList *l = files; l != NULL; l = l->next)
    {
      self->import_queue = g_list_append (self->import_queue, g_object_ref (l->data));
      self->import_total++;
    }
  if (idle)
    import_next (self);
}

static void
on_add_response (GtkNativeDialog *dialog,
                 int              response,
                 gpointer         user_data)
{
  DossierWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      GList *list = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        list = g_list_append (list, g_list_model_get_item (files, i));
      import_files (self, list);
      g_list_free_full (list, g_object_unref);
    }
  g_object_unref (dialog);
}

static void
add_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);
  GtkFileChooserNative *dialog;

  if (!dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    return;
  dialog = gtk_file_chooser_native_new (_("Add Records"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_add_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         gpointer       user_data)
{
  DossierWindow *self = user_data;
  GSList *files;
  GList *list = NULL;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) ||
      !dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    return FALSE;
  files = g_value_get_boxed (value);
  for (GSList *l = files; l != NULL; l = l->next)
    list = g_list_append (list, l->data);
  import_files (self, list);
  g_list_free (list);
  return TRUE;
}

/* --- verifying someone else's record --------------------------------------- */

static void
verify_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DossierWallet *wallet = source;
  GFile *file = task_data;
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr(GBytes) bytes = NULL;
  GPtrArray *records;
  GError *error = NULL;

  bytes = g_file_load_bytes (file, cancellable, NULL, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  records = dossier_wallet_intake (wallet, bytes, name, &error);
  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DossierWindow) self = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  if (window_gone (self))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->view_stack), TRUE);
  records = g_task_propagate_pointer (G_TASK (result), &error);
  if (records == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  if (records->len > 0)
    show_record (self, g_ptr_array_index (records, 0), NULL);
}

static void
on_verify_response (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  DossierWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GTask) task = g_task_new (self->wallet, self->cancellable, on_verified, g_object_ref (self));

      g_task_set_task_data (task, g_object_ref (file), g_object_unref);
      gtk_widget_set_sensitive (GTK_WIDGET (self->view_stack), FALSE);
      g_task_run_in_thread (task, verify_thread);
    }
  g_object_unref (dialog);
}

static void
verify_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Check a Record"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Check"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_verify_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --- keyboard -------------------------------------------------------------- */

static void
search_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "main") != 0)
    return;
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
section_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
}

static void
visible_section_changed (DossierWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "activity") == 0 &&
      dossier_vault_get_is_open (dossier_wallet_get_vault (self->wallet)))
    load_activity (self);
}

/* --- the window ------------------------------------------------------------ */

static gboolean
dossier_window_close_request (GtkWindow *window)
{
  DossierWindow *self = DOSSIER_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  dossier_remove_opened_files ();
  return GTK_WINDOW_CLASS (dossier_window_parent_class)->close_request (window);
}

static void
dossier_window_dispose (GObject *object)
{
  DossierWindow *self = DOSSIER_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->search_source, g_source_remove);
  g_clear_handle_id (&self->backup_source, g_source_remove);
  close_vault_windows (self);
  g_list_free_full (g_steal_pointer (&self->import_queue), g_object_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOSSIER_TYPE_WINDOW);
  G_OBJECT_CLASS (dossier_window_parent_class)->dispose (object);
}

static void
dossier_window_finalize (GObject *object)
{
  DossierWindow *self = DOSSIER_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->unlock_sync);
  g_free (self->pending_offer);
  g_clear_object (&self->learning_model);
  g_clear_object (&self->health_model);
  g_clear_object (&self->deleted);
  g_clear_object (&self->settings);
  g_clear_object (&self->lock_monitor);
  g_clear_object (&self->wallet);
  g_clear_pointer (&self->persons, g_ptr_array_unref);
  g_string_free (self->import_errors, TRUE);
  G_OBJECT_CLASS (dossier_window_parent_class)->finalize (object);
}

static void
dossier_window_class_init (DossierWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dossier_window_dispose;
  object_class->finalize = dossier_window_finalize;
  window_class->close_request = dossier_window_close_request;

  g_type_ensure (DOSSIER_TYPE_RECORD_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dossierapp/Dossier/ui/dossier-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, busy_page);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, unlock_page);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, unlock_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, unlock_error);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, create_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, strength_label);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, create_error);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, create_button);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, demo_button);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, browse_pane);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, person_button);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, learning_stack);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, learning_list);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, learning_empty);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, health_stack);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, health_list);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, health_empty);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, activity_list);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, detail_title);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, record_menu_button);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, record_view);

  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_activated);
  gtk_widget_class_install_action (widget_class, "win.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "win.verify", NULL, verify_activated);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);
  gtk_widget_class_install_action (widget_class, "win.section", "s", section_activated);
  gtk_widget_class_install_action (widget_class, "win.family", NULL, family_activated);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_activated);
  gtk_widget_class_install_action (widget_class, "win.delete-record", NULL, delete_record_activated);
  gtk_widget_class_install_action (widget_class, "win.move-record", "x", move_record_activated);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", NULL, undo_delete_activated);
  gtk_widget_class_install_action (widget_class, "win.backup", NULL, backup_activated);
  gtk_widget_class_install_action (widget_class, "win.services", NULL, services_activated);
  gtk_widget_class_install_action (widget_class, "win.restore", NULL, restore_activated);
  gtk_widget_class_install_action (widget_class, "win.recheck-record", NULL, recheck_record_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.services", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.section", "s", "learning");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.section", "s", "health");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.section", "s", "verify");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK, "win.section", "s", "activity");
}

static GtkListItemFactory *
record_factory_new (void)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_record_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_record_row), NULL);
  return factory;
}

static void
setup_list (DossierWindow      *self,
            GtkListView        *list,
            DossierRecordModel *model)
{
  g_autoptr(GtkListItemFactory) factory = record_factory_new ();
  GtkSingleSelection *selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (model)));

  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_list_view_set_factory (list, factory);
  gtk_list_view_set_model (list, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  g_signal_connect (list, "activate", G_CALLBACK (list_activated), self);
  g_signal_connect_object (model, "loaded", G_CALLBACK (on_model_loaded), self, 0);
  g_signal_connect_object (model, "failed", G_CALLBACK (on_model_failed), self, 0);
}

static void
dossier_window_init (DossierWindow *self)
{
  GtkEventController *controller;
  GtkDropTarget *drop;
  const GActionEntry entries[] = {
    { "person", person_activated, "x", "int64 0", NULL, { 0 } },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APPLICATION_ID);
  self->import_errors = g_string_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);

  g_signal_connect_swapped (self->unlock_button, "clicked", G_CALLBACK (unlock_clicked), self);
  g_signal_connect_swapped (self->unlock_entry, "activate", G_CALLBACK (unlock_clicked), self);
  g_signal_connect_swapped (self->create_button, "clicked", G_CALLBACK (create_clicked), self);
  g_signal_connect_swapped (self->confirm_entry, "activate", G_CALLBACK (create_clicked), self);
  g_signal_connect_swapped (self->create_entry, "changed", G_CALLBACK (create_entry_changed), self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed), self);
  g_signal_connect_swapped (self->search_bar, "notify::search-mode-enabled", G_CALLBACK (search_mode_changed), self);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child", G_CALLBACK (visible_section_changed), self);
  g_object_bind_property (self->search_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  /* Any key, click or pointer movement counts as activity for auto-lock. */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (note_activity), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (note_activity), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "pressed", G_CALLBACK (note_activity), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  self->idle_source = g_timeout_add_seconds (IDLE_CHECK_SECONDS, idle_check, self);
  self->backup_source = g_timeout_add_seconds (BACKUP_CHECK_SECONDS, backup_check, self);
  g_signal_connect_object (self->settings, "changed::remember-passphrase", G_CALLBACK (remember_changed), self,
                           G_CONNECT_SWAPPED);
  self->lock_monitor = dossier_lock_monitor_new ();
  g_signal_connect_object (self->lock_monitor, "lock-requested", G_CALLBACK (on_lock_requested), self, 0);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->leaflet), GTK_EVENT_CONTROLLER (drop));
}

static void
start (DossierWindow *self)
{
  DossierVault *vault = dossier_wallet_get_vault (self->wallet);

  /* Kept files in no known format (a scanned diploma, say) are listed with
   * learning records. */
  self->learning_model = dossier_record_model_new (vault, DOSSIER_RECORD_CATEGORY_LEARNING,
                                                   DOSSIER_RECORD_CATEGORY_OTHER);
  self->health_model = dossier_record_model_new (vault, DOSSIER_RECORD_CATEGORY_HEALTH, -1);
  setup_list (self, self->learning_list, self->learning_model);
  setup_list (self, self->health_list, self->health_model);
  gtk_widget_set_visible (self->demo_button, !self->demo);

  if (self->demo)
    {
      g_autofree char *description =
        g_strdup_printf (_("This is the demo vault of a fictional family. Its passphrase is “%s”."),
                         DOSSIER_DEMO_PASSPHRASE);

      adw_status_page_set_description (self->unlock_page, description);
      adw_view_switcher_title_set_title (self->switcher_title, _("Dossier Demo"));
    }

  /* Only a computer without a vault restores one. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restore", !dossier_vault_exists (vault) && !self->demo);
  if (dossier_vault_exists (vault) && g_settings_get_boolean (self->settings, "remember-passphrase") &&
      !g_settings_get_boolean (self->settings, "start-locked"))
    {
      show_busy (self, _("Opening the Vault…"));
      dossier_keyring_lookup_async (dossier_vault_get_directory (vault), self->cancellable,
                                    on_remembered, g_object_ref (self));
    }
  else if (dossier_vault_exists (vault))
    {
      gtk_stack_set_visible_child_name (self->stack, "unlock");
      gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
    }
  else if (self->demo)
    {
      g_autoptr(JsonArray) people = dossier_demo_read_people ();
      JsonNode *first = people != NULL && json_array_get_length (people) > 0 ? json_array_get_element (people, 0) : NULL;
      const char *owner = first != NULL && JSON_NODE_HOLDS_OBJECT (first)
                          ? dossier_json_get_string (json_node_get_object (first), "name") : NULL;

      show_busy (self, _("Creating the Demo Vault…"));
      dossier_vault_create_async (vault, DOSSIER_DEMO_PASSPHRASE, NULL, owner ?: _("Demo owner"),
                                  self->cancellable, on_created, g_object_ref (self));
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "create");
      gtk_widget_grab_focus (GTK_WIDGET (self->create_entry));
    }
}

DossierWindow *
dossier_window_new (DossierApplication *application,
                    DossierWallet      *wallet,
                    gboolean            demo)
{
  DossierWindow *self;

  g_return_val_if_fail (DOSSIER_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (DOSSIER_IS_WALLET (wallet), NULL);

  self = g_object_new (DOSSIER_TYPE_WINDOW, "application", application, NULL);
  self->wallet = g_object_ref (wallet);
  self->demo = demo;
  start (self);
  return self;
}
