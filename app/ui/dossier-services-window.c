// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-services-window.h"

#include <glib/gi18n.h>
#include <string.h>

/* The national services window: the services the vault is connected to,
 * each with its sign-in and last sync, a Sync button per service and for
 * all of them, adding one by its address, and receiving a credential
 * offer.  One job runs at a time: signing in, syncing, adding or
 * receiving; closing the window (as locking does) stops it. */

#define MAX_TITLE_GROUPS 3

struct _DossierServicesWindow
{
  AdwWindow                parent_instance;

  DossierWallet           *wallet;
  GCancellable            *cancellable;   /* the window's life */
  GCancellable            *job;           /* the running job, or NULL */
  DossierOAuthBrowserFunc  browser;
  gpointer                 browser_data;
  GPtrArray               *persons;       /* DossierPerson */
  GtkStringList           *person_names;
  GPtrArray               *watched;       /* DossierServiceConnection whose changes redraw the list */
  GQueue                   queue;         /* DossierServiceConnection still to sync */
  DossierServiceConnection *current;
  guint                    n_new;
  guint                    n_learning;    /* of the new records, from learning services */
  guint                    n_health;
  guint                    n_pending;
  guint                    n_failed;
  guint                    n_errors;
  GPtrArray               *new_titles;
  AdwMessageDialog        *waiting_dialog;
  AdwMessageDialog        *code_dialog;
  DossierTxCodeRequest    *code_request;

  AdwToastOverlay         *toast_overlay;
  AdwPreferencesPage      *page;
  AdwPreferencesGroup     *status_group;
  GtkWidget               *progress_row;
  GtkSpinner              *progress_spinner;
  GtkLabel                *progress_label;
  GtkProgressBar          *progress_bar;
  AdwActionRow            *message_row;
  GtkImage                *message_icon;
  GtkButton               *dismiss_button;
  GtkListBox              *service_list;
  AdwEntryRow             *url_row;
  AdwComboRow             *person_row;
  AdwEntryRow             *offer_row;
  AdwComboRow             *offer_person_row;
};

G_DEFINE_FINAL_TYPE (DossierServicesWindow, dossier_services_window, ADW_TYPE_WINDOW)

enum {
  RECORDS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void rebuild_rows (DossierServicesWindow *self);
static void sync_next (DossierServicesWindow *self);

static gboolean
window_gone (DossierServicesWindow *self)
{
  return self->page == NULL;
}

static DossierServices *
services (DossierServicesWindow *self)
{
  return dossier_wallet_get_services (self->wallet);
}

static void
toast (DossierServicesWindow *self,
       const char            *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* --- words for people ------------------------------------------------------ */

/**
 * dossier_services_error_describe:
 *
 * Returns: what went wrong in a few plain words, for a heading or a toast;
 * the error's own message says the details.
 */
const char *
dossier_services_error_describe (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != DOSSIER_SERVICES_ERROR)
    return _("Something went wrong");
  switch ((DossierServicesError) error->code)
    {
    case DOSSIER_SERVICES_ERROR_OFFLINE: return _("The service cannot be reached: you may be offline");
    case DOSSIER_SERVICES_ERROR_SIGN_IN_REFUSED: return _("The sign-in was refused");
    case DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED: return _("You need to sign in again");
    case DOSSIER_SERVICES_ERROR_SERVER_ERROR: return _("The service had a problem; try again later");
    case DOSSIER_SERVICES_ERROR_CERTIFICATE: return _("The service's security certificate is not valid");
    case DOSSIER_SERVICES_ERROR_TIMEOUT: return _("The service took too long to answer");
    case DOSSIER_SERVICES_ERROR_TOO_LARGE: return _("The service sent more than Dossier accepts");
    case DOSSIER_SERVICES_ERROR_MALFORMED: return _("The service's answer could not be read");
    case DOSSIER_SERVICES_ERROR_CANCELLED: return _("Stopped");
    case DOSSIER_SERVICES_ERROR_WRONG_CODE: return _("The transaction code was refused");
    case DOSSIER_SERVICES_ERROR_NOT_FOUND: return _("No such service");
    case DOSSIER_SERVICES_ERROR_EXISTS: return _("This service is already connected");
    default: return _("Something went wrong");
    }
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CANCELLED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* "3 new records: 2 diplomas or certificates, 1 health record" when the
 * kinds are known; the titles when they are few ("1 new record: Bằng tốt
 * nghiệp"); else the first titles, the same ones counted together. */
static char *
describe_counts (guint      n_new,
                 guint      n_learning,
                 guint      n_health,
                 GPtrArray *titles,
                 guint      n_pending,
                 guint      n_failed)
{
  GString *text = g_string_new (NULL);

  if (n_new == 0)
    g_string_append (text, _("Nothing new"));
  else if (titles != NULL && titles->len == n_new && n_new <= MAX_TITLE_GROUPS)
    {
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u new record", "%u new records", n_new), n_new);
      for (guint i = 0; i < titles->len; i++)
        {
          /* Translators: between the count of new records and their titles, then between titles */
          g_string_append (text, i == 0 ? _(": ") : _(", "));
          g_string_append (text, g_ptr_array_index (titles, i));
        }
    }
  else if (n_learning + n_health == n_new)
    {
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u new record", "%u new records", n_new), n_new);
      g_string_append (text, _(": "));
      if (n_learning > 0)
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u diploma or certificate",
                                                   "%u diplomas or certificates", n_learning), n_learning);
      if (n_learning > 0 && n_health > 0)
        g_string_append (text, _(", "));
      if (n_health > 0)
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u health record", "%u health records", n_health),
                                n_health);
    }
  else
    {
      g_autoptr(GPtrArray) order = g_ptr_array_new ();
      g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);

      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u new record", "%u new records", n_new), n_new);
      for (guint i = 0; titles != NULL && i < titles->len; i++)
        {
          const char *title = g_ptr_array_index (titles, i);
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, title));

          if (count == 0)
            g_ptr_array_add (order, (gpointer) title);
          g_hash_table_insert (counts, (gpointer) title, GUINT_TO_POINTER (count + 1));
        }
      for (guint i = 0; i < order->len && i < MAX_TITLE_GROUPS; i++)
        {
          const char *title = g_ptr_array_index (order, i);
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, title));

          /* Translators: between the count of new records and their titles, then between titles */
          g_string_append (text, i == 0 ? _(": ") : _(", "));
          if (count > 1)
            /* Translators: a record title and how many of it arrived */
            g_string_append_printf (text, _("%s (%u)"), title, count);
          else
            g_string_append (text, title);
        }
      if (order->len > MAX_TITLE_GROUPS)
        g_string_append (text, _(", …"));
    }
  if (n_pending > 0)
    {
      g_string_append (text, "; ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u more will arrive later",
                                                 "%u more will arrive later", n_pending), n_pending);
    }
  if (n_failed > 0)
    {
      g_string_append (text, "; ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u could not be read",
                                                 "%u could not be read", n_failed), n_failed);
    }
  return g_string_free (text, FALSE);
}

static void
collect_summary (DossierSyncSummary *summary,
                 GPtrArray          *titles)
{
  GPtrArray *items = dossier_sync_summary_get_items (summary);

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      DossierSyncItem *item = g_ptr_array_index (items, i);

      if (item->status == DOSSIER_SYNC_ITEM_NEW)
        g_ptr_array_add (titles, g_strdup (item->title != NULL ? item->title : _("Record")));
    }
}

/**
 * dossier_sync_summary_describe:
 *
 * Returns: what a sync brought, in words: "Nothing new", or "3 new
 * records: …" with the titles that arrived.
 */
char *
dossier_sync_summary_describe (DossierSyncSummary *summary)
{
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (DOSSIER_IS_SYNC_SUMMARY (summary), NULL);

  collect_summary (summary, titles);
  return describe_counts (dossier_sync_summary_get_n_new (summary), 0, 0, titles,
                          dossier_sync_summary_get_n_pending (summary),
                          dossier_sync_summary_get_n_failed (summary));
}

/* --- the banner and the progress -------------------------------------------- */

static void
update_status_group (DossierServicesWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->status_group),
                          gtk_widget_get_visible (self->progress_row) ||
                          gtk_widget_get_visible (GTK_WIDGET (self->message_row)));
}

static void
show_message (DossierServicesWindow *self,
              const char            *icon,
              const char            *title,
              const char            *detail)
{
  gtk_image_set_from_icon_name (self->message_icon, icon);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->message_row), title);
  adw_action_row_set_subtitle (self->message_row, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_row), TRUE);
  if (g_str_has_prefix (icon, "dialog-warning"))
    gtk_widget_add_css_class (GTK_WIDGET (self->message_icon), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_icon), "error");
  update_status_group (self);
}

static void
hide_message (DossierServicesWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->message_row), FALSE);
  update_status_group (self);
}

static void
show_error (DossierServicesWindow *self,
            const GError          *error)
{
  const char *words = dossier_services_error_describe (error);

  show_message (self, "dialog-warning-symbolic", words, error->message);
  toast (self, words);
}

static void
set_busy (DossierServicesWindow *self,
          gboolean               busy,
          const char            *what)
{
  static const char * const actions[] = { "services.sync-all", "services.sync", "services.sign-in",
                                          "services.sign-out", "services.remove" };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], !busy);
  /* the entries stay sensitive (focus stays put); their apply waits for the job */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "services.cancel", busy);
  gtk_widget_set_visible (self->progress_row, busy);
  if (busy)
    {
      g_clear_object (&self->job);
      self->job = g_cancellable_new ();
      gtk_label_set_text (self->progress_label, what);
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_spinner_start (self->progress_spinner);
      hide_message (self);
    }
  else
    {
      g_clear_object (&self->job);
      gtk_spinner_stop (self->progress_spinner);
    }
  update_status_group (self);
}

static void
on_progress (const char *what,
             double      fraction,
             gpointer    user_data)
{
  DossierServicesWindow *self = user_data;

  if (window_gone (self))
    return;
  gtk_label_set_text (self->progress_label, what);
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
}

/* --- the list of services ---------------------------------------------------- */

static const char *
person_name (DossierServicesWindow *self,
             gint64                 id)
{
  for (guint i = 0; self->persons != NULL && i < self->persons->len; i++)
    {
      DossierPerson *person = g_ptr_array_index (self->persons, i);

      if (dossier_person_get_id (person) == id || (id == 0 && dossier_person_is_owner (person)))
        return dossier_person_get_name (person);
    }
  return NULL;
}

static gint64
selected_person (DossierServicesWindow *self,
                 AdwComboRow           *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->persons == NULL || selected >= self->persons->len)
    return 0;
  return dossier_person_get_id (g_ptr_array_index (self->persons, selected));
}

static char *
connection_subtitle (DossierServicesWindow    *self,
                     DossierServiceConnection *connection)
{
  GDateTime *last = dossier_service_connection_get_last_sync (connection);
  const char *error = dossier_service_connection_get_last_error (connection);
  const char *who = person_name (self, dossier_service_connection_get_person_id (connection));
  const char *kind = dossier_service_connection_get_kind (connection) == DOSSIER_SERVICE_KIND_HEALTH
                     ? _("Health book") : _("Diplomas and certificates");
  g_autofree char *first = NULL;
  g_autofree char *when = NULL;
  const char *state = dossier_service_connection_get_signed_in (connection) ? _("Signed in") : _("Not signed in");

  /* Translators: what a service holds and whose records they are */
  first = who != NULL ? g_strdup_printf (_("%s · for %s"), kind, who) : g_strdup (kind);
  if (last != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (last);
      g_autofree char *date = g_date_time_format (local, C_("date and time", "%-d %B %Y, %H:%M"));

      /* the error itself is the row's tooltip, and the banner's when it happens */
      when = error != NULL && *error != '\0' ? g_strdup_printf (_("Last sync failed on %s"), date)
                                             : g_strdup_printf (_("Last synced %s"), date);
    }
  else if (error != NULL && *error != '\0')
    when = g_strdup (_("Last sync failed"));
  else
    when = g_strdup (_("Never synced"));
  return g_strdup_printf ("%s\n%s · %s", first, state, when);
}

static GtkWidget *
connection_row_new (DossierServicesWindow    *self,
                    DossierServiceConnection *connection)
{
  const char *id = dossier_service_connection_get_id (connection);
  const char *name = dossier_service_connection_get_display_name (connection);
  gboolean health = dossier_service_connection_get_kind (connection) == DOSSIER_SERVICE_KIND_HEALTH;
  g_autofree char *subtitle = connection_subtitle (self, connection);
  g_autofree char *sync_label = g_strdup_printf (_("Sync %s"), name);
  g_autofree char *sign_in_label = g_strdup_printf (_("Sign in to %s"), name);
  g_autofree char *more_label = g_strdup_printf (_("More about %s"), name);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) sign_out = NULL;
  g_autoptr(GMenuItem) remove = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (health ? "emblem-favorite-symbolic" : "accessories-dictionary-symbolic");
  GtkWidget *button;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (dossier_service_connection_get_last_error (connection) != NULL)
    gtk_widget_set_tooltip_text (row, dossier_service_connection_get_last_error (connection));
  gtk_image_set_icon_size (GTK_IMAGE (icon), GTK_ICON_SIZE_LARGE);
  gtk_widget_set_tooltip_text (icon, health ? _("Health") : _("Learning"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  health ? _("Health") : _("Learning"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  if (!dossier_service_connection_get_signed_in (connection))
    {
      button = gtk_button_new_with_mnemonic (_("Sign _In"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "services.sign-in");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
      /* its label says "Sign In"; the description says where */
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sign_in_label, -1);
      gtk_widget_set_tooltip_text (button, sign_in_label);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, sync_label);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "services.sync");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, sync_label, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  if (dossier_service_connection_get_signed_in (connection))
    {
      sign_out = g_menu_item_new (_("Sign _Out"), NULL);
      g_menu_item_set_action_and_target (sign_out, "services.sign-out", "s", id);
      g_menu_append_item (menu, sign_out);
    }
  remove = g_menu_item_new (_("_Remove…"), NULL);
  g_menu_item_set_action_and_target (remove, "services.remove", "s", id);
  g_menu_append_item (menu, remove);
  button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, more_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, more_label, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
on_connection_changed (DossierServicesWindow *self)
{
  if (!window_gone (self))
    rebuild_rows (self);
}

static void
unwatch (DossierServicesWindow *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
rebuild_rows (DossierServicesWindow *self)
{
  GListModel *model = G_LIST_MODEL (services (self));
  GtkWidget *child;
  guint n = g_list_model_get_n_items (model);

  unwatch (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->service_list))) != NULL)
    gtk_list_box_remove (self->service_list, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DossierServiceConnection) connection = g_list_model_get_item (model, i);

      gtk_list_box_append (self->service_list, connection_row_new (self, connection));
      g_signal_connect_swapped (connection, "notify", G_CALLBACK (on_connection_changed), self);
      g_ptr_array_add (self->watched, g_object_ref (connection));
    }
  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No services yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Connect one below with the address its ministry published"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->service_list, row);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "services.sync-all", n > 0 && self->job == NULL);
}

static DossierServiceConnection *
connection_of (DossierServicesWindow *self,
               GVariant              *parameter)
{
  return dossier_services_lookup (services (self), g_variant_get_string (parameter, NULL));
}

/* --- signing in -------------------------------------------------------------- */

static void
close_waiting (DossierServicesWindow *self)
{
  if (self->waiting_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->waiting_dialog));
}

static void
on_waiting_response (DossierServicesWindow *self,
                     const char            *response)
{
  if (self->job != NULL)
    g_cancellable_cancel (self->job);
}

static void
show_waiting (DossierServicesWindow    *self,
              DossierServiceConnection *connection)
{
  g_autofree char *body = g_strdup_printf (_("Waiting for you to sign in to %s in your browser…"),
                                           dossier_service_connection_get_display_name (connection));
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign In in Your Browser"), body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_waiting_response), self, G_CONNECT_SWAPPED);
  close_waiting (self);
  self->waiting_dialog = ADW_MESSAGE_DIALOG (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->waiting_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
finish_job (DossierServicesWindow *self)
{
  set_busy (self, FALSE, NULL);
  rebuild_rows (self);
  if (self->n_new > 0)
    g_signal_emit (self, signals[RECORDS_CHANGED], 0);
}

static void
job_failed (DossierServicesWindow *self,
            const GError          *error)
{
  g_queue_clear_full (&self->queue, g_object_unref);
  g_clear_object (&self->current);
  finish_job (self);
  if (is_cancelled (error))
    toast (self, _("Stopped"));
  else
    show_error (self, error);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DossierServicesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = dossier_services_sign_in_finish (DOSSIER_SERVICES (source), result, &error);

  if (window_gone (self))
    return;
  close_waiting (self);
  gtk_window_present (GTK_WINDOW (self));
  if (!ok)
    {
      job_failed (self, error);
      return;
    }
  if (self->current != NULL)
    {
      /* signed in on the way to a sync: go on with it */
      g_queue_push_head (&self->queue, g_steal_pointer (&self->current));
      sync_next (self);
      return;
    }
  finish_job (self);
  toast (self, _("Signed in"));
}

static void
sign_in (DossierServicesWindow    *self,
         DossierServiceConnection *connection)
{
  g_autofree char *what = g_strdup_printf (_("Signing in to %s"), dossier_service_connection_get_display_name (connection));

  gtk_label_set_text (self->progress_label, what);
  gtk_progress_bar_pulse (self->progress_bar);
  show_waiting (self, connection);
  dossier_services_sign_in_async (services (self), connection, self->browser, self->browser_data, self->job,
                                  on_signed_in, g_object_ref (self));
}

static void
sign_in_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DossierServicesWindow *self = DOSSIER_SERVICES_WINDOW (widget);
  DossierServiceConnection *connection = connection_of (self, parameter);

  if (connection == NULL || self->job != NULL)
    return;
  set_busy (self, TRUE, _("Signing in"));
  self->n_new = 0;
  g_clear_object (&self->current);
  sign_in (self, connection);
}

static void
on_signed_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DossierServicesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (window_gone (self))
    return;
  if (!dossier_services_sign_out_finish (DOSSIER_SERVICES (source), result, &error))
    {
      job_failed (self, error);
      return;
    }
  finish_job (self);
  toast (self, _("Signed out"));
}

static void
sign_out_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DossierServicesWindow *self = DOSSIER_SERVICES_WINDOW (widget);
  DossierServiceConnection *connection = connection_of (self, parameter);

  if (connection == NULL || self->job != NULL)
    return;
  self->n_new = 0;
  set_busy (self, TRUE, _("Signing out"));
  dossier_services_sign_out_async (services (self), connection, self->job, on_signed_out, g_object_ref (self));
}

/* --- syncing ------------------------------------------------------------------- */

static void
sync_done (DossierServicesWindow *self)
{
  g_autofree char *summary = describe_counts (self->n_new, self->n_learning, self->n_health, self->new_titles,
                                              self->n_pending, self->n_failed);

  finish_job (self);
  if (self->n_errors == 0)
    show_message (self, self->n_new > 0 ? "emblem-ok-symbolic" : "emblem-default-symbolic", summary, NULL);
  toast (self, summary);
}

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DossierServicesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierSyncSummary) summary = dossier_services_sync_finish (DOSSIER_SERVICES (source), result, &error);
  DossierServiceKind kind;

  if (window_gone (self))
    return;
  kind = dossier_service_connection_get_kind (self->current);
  g_clear_object (&self->current);
  if (summary == NULL)
    {
      if (is_cancelled (error))
        {
          job_failed (self, error);
          return;
        }
      /* one service failing does not stop the others */
      self->n_errors++;
      show_error (self, error);
      sync_next (self);
      return;
    }
  self->n_new += dossier_sync_summary_get_n_new (summary);
  if (kind == DOSSIER_SERVICE_KIND_HEALTH)
    self->n_health += dossier_sync_summary_get_n_new (summary);
  else
    self->n_learning += dossier_sync_summary_get_n_new (summary);
  self->n_pending += dossier_sync_summary_get_n_pending (summary);
  self->n_failed += dossier_sync_summary_get_n_failed (summary);
  collect_summary (summary, self->new_titles);
  sync_next (self);
}

/* Syncs the queued services one after the other, signing in first to those
 * that need it. */
static void
sync_next (DossierServicesWindow *self)
{
  DossierServiceConnection *connection = g_queue_pop_head (&self->queue);

  if (connection == NULL)
    {
      sync_done (self);
      return;
    }
  self->current = connection;
  if (!dossier_service_connection_get_signed_in (connection))
    {
      sign_in (self, connection);
      return;
    }
  {
    g_autofree char *what = g_strdup_printf (_("Syncing %s"), dossier_service_connection_get_display_name (connection));

    gtk_label_set_text (self->progress_label, what);
  }
  dossier_services_sync_async (services (self), connection, on_progress, self, self->job, on_synced,
                               g_object_ref (self));
}

static void
start_sync (DossierServicesWindow    *self,
            DossierServiceConnection *only)
{
  GListModel *model = G_LIST_MODEL (services (self));

  if (self->job != NULL)
    return;
  set_busy (self, TRUE, _("Syncing"));
  self->n_new = self->n_learning = self->n_health = self->n_pending = self->n_failed = self->n_errors = 0;
  g_ptr_array_set_size (self->new_titles, 0);
  if (only != NULL)
    g_queue_push_tail (&self->queue, g_object_ref (only));
  else
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      g_queue_push_tail (&self->queue, g_list_model_get_item (model, i));
  sync_next (self);
}

static void
sync_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DossierServicesWindow *self = DOSSIER_SERVICES_WINDOW (widget);
  DossierServiceConnection *connection = connection_of (self, parameter);

  if (connection != NULL)
    start_sync (self, connection);
}

static void
sync_all_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  start_sync (DOSSIER_SERVICES_WINDOW (widget), NULL);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DossierServicesWindow *self = DOSSIER_SERVICES_WINDOW (widget);

  if (self->job != NULL)
    g_cancellable_cancel (self->job);
}

/* --- adding and removing --------------------------------------------------- */

static void
on_added (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DossierServicesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierServiceConnection) connection = dossier_services_add_finish (DOSSIER_SERVICES (source), result, &error);
  g_autofree char *text = NULL;

  if (window_gone (self))
    return;
  if (connection == NULL)
    {
      /* an address that is no service's is a mistake in the address */
      if (g_error_matches (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_MALFORMED))
        {
          finish_job (self);
          show_message (self, "dialog-warning-symbolic", _("Dossier cannot use this address"), error->message);
        }
      else
        job_failed (self, error);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), "");
  finish_job (self);
  text = g_strdup_printf (_("Connected to %s"), dossier_service_connection_get_display_name (connection));
  toast (self, text);
}

static void
url_applied (DossierServicesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));

  if (self->job != NULL)
    return;
  if (*url == '\0')
    {
      show_message (self, "dialog-warning-symbolic", _("Type the service's address first"), NULL);
      return;
    }
  self->n_new = 0;
  set_busy (self, TRUE, _("Finding out what the service offers"));
  gtk_progress_bar_pulse (self->progress_bar);
  dossier_services_add_async (services (self), url, selected_person (self, self->person_row), self->job,
                              on_added, g_object_ref (self));
}

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DossierServicesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (window_gone (self))
    return;
  if (!dossier_services_remove_finish (DOSSIER_SERVICES (source), result, &error))
    {
      job_failed (self, error);
      return;
    }
  finish_job (self);
  toast (self, _("Service removed"));
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  DossierServicesWindow *self = user_data;
  const char *id = g_object_get_data (G_OBJECT (dialog), "dossier-connection");
  DossierServiceConnection *connection;

  if (window_gone (self) || g_strcmp0 (response, "remove") != 0 || self->job != NULL)
    return;
  connection = dossier_services_lookup (services (self), id);
  if (connection == NULL)
    return;
  self->n_new = 0;
  set_busy (self, TRUE, _("Removing the service"));
  dossier_services_remove_async (services (self), connection, self->job, on_removed, g_object_ref (self));
}

static void
remove_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DossierServicesWindow *self = DOSSIER_SERVICES_WINDOW (widget);
  DossierServiceConnection *connection = connection_of (self, parameter);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (connection == NULL)
    return;
  heading = g_strdup_printf (_("Remove %s?"), dossier_service_connection_get_display_name (connection));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Dossier signs out of it and stops syncing. The records it already "
                                     "brought stay in your vault."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "dossier-connection",
                          g_strdup (dossier_service_connection_get_id (connection)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- offers ------------------------------------------------------------------- */

static gboolean
code_is_complete (const char *code,
                  guint       length,
                  gboolean    numeric)
{
  gsize n = strlen (code);

  if (n == 0 || (length > 0 && n != length))
    return FALSE;
  for (gsize i = 0; numeric && i < n; i++)
    if (!g_ascii_isdigit (code[i]))
      return FALSE;
  return TRUE;
}

static void
code_changed (GtkEditable           *entry,
              DossierServicesWindow *self)
{
  if (self->code_dialog == NULL || self->code_request == NULL)
    return;
  adw_message_dialog_set_response_enabled (self->code_dialog, "receive",
                                           code_is_complete (gtk_editable_get_text (entry),
                                                             dossier_tx_code_request_get_length (self->code_request),
                                                             dossier_tx_code_request_get_numeric (self->code_request)));
}

static void
on_code_response (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  DossierServicesWindow *self = user_data;
  g_autoptr(DossierTxCodeRequest) request = g_steal_pointer (&self->code_request);
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "dossier-entry");

  if (request == NULL)
    return;
  if (g_strcmp0 (response, "receive") == 0)
    dossier_tx_code_request_reply (request, gtk_editable_get_text (entry));
  else
    dossier_tx_code_request_cancel (request);
}

static void
on_code_activate (GtkEntry         *entry,
                  AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "receive"))
    adw_message_dialog_response (dialog, "receive");
}

static void
ask_tx_code (DossierTxCodeRequest *request,
             gpointer              user_data)
{
  DossierServicesWindow *self = user_data;
  const char *issuer = dossier_tx_code_request_get_issuer_name (request);
  const char *description = dossier_tx_code_request_get_description (request);
  guint length = dossier_tx_code_request_get_length (request);
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *entry;

  if (window_gone (self))
    {
      dossier_tx_code_request_cancel (request);
      return;
    }
  if (length > 0 && dossier_tx_code_request_get_numeric (request))
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s sent you a code of %u digit, by text message or letter. Enter it to receive the credential.",
                                         "%s sent you a code of %u digits, by text message or letter. Enter it to receive the credential.",
                                         length), issuer != NULL ? issuer : _("The issuer"), length);
  else if (length > 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s sent you a code of %u character, by text message or letter. Enter it to receive the credential.",
                                         "%s sent you a code of %u characters, by text message or letter. Enter it to receive the credential.",
                                         length), issuer != NULL ? issuer : _("The issuer"), length);
  else
    body = g_strdup_printf (_("%s sent you a code, by text message or letter. Enter it to receive the credential."),
                            issuer != NULL ? issuer : _("The issuer"));
  if (description != NULL && *description != '\0')
    {
      char *longer = g_strdup_printf ("%s\n\n%s", body, description);

      g_free (body);
      body = longer;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   dossier_tx_code_request_get_retry (request) ? _("That Code Was Refused: Try Again")
                                                                               : _("Enter the Transaction Code"),
                                   body);
  entry = gtk_entry_new ();
  gtk_entry_set_input_purpose (GTK_ENTRY (entry),
                               dossier_tx_code_request_get_numeric (request) ? GTK_INPUT_PURPOSE_DIGITS
                                                                             : GTK_INPUT_PURPOSE_FREE_FORM);
  if (length > 0)
    {
      gtk_entry_set_max_length (GTK_ENTRY (entry), (int) length);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), (int) length + 2);
    }
  gtk_widget_set_halign (entry, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Transaction code"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "receive", _("_Receive"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "receive", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "receive", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "dossier-entry", entry);
  g_clear_object (&self->code_request);
  self->code_request = g_object_ref (request);
  self->code_dialog = ADW_MESSAGE_DIALOG (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->code_dialog);
  g_signal_connect (entry, "changed", G_CALLBACK (code_changed), self);
  g_signal_connect (entry, "activate", G_CALLBACK (on_code_activate), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_code_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
on_offer_received (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DossierServicesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierSyncSummary) summary = dossier_services_receive_offer_finish (DOSSIER_SERVICES (source), result, &error);

  if (window_gone (self))
    return;
  close_waiting (self);
  if (self->code_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->code_dialog));
  if (summary == NULL)
    {
      job_failed (self, error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->offer_row), "");
  self->n_new = self->n_learning = dossier_sync_summary_get_n_new (summary);
  self->n_health = 0;
  self->n_pending = dossier_sync_summary_get_n_pending (summary);
  self->n_failed = dossier_sync_summary_get_n_failed (summary);
  self->n_errors = 0;
  g_ptr_array_set_size (self->new_titles, 0);
  collect_summary (summary, self->new_titles);
  sync_done (self);
}

static gboolean
offer_browser (const char  *uri,
               gpointer     user_data,
               GError     **error)
{
  DossierServicesWindow *self = user_data;

  /* an offer that needs a sign-in: the person signs in as for a service */
  if (self->browser != NULL)
    return self->browser (uri, self->browser_data, error);
  return g_app_info_launch_default_for_uri (uri, NULL, error);
}

/**
 * dossier_services_window_receive_offer:
 * @offer: an openid-credential-offer:// link or an https link to one
 *
 * Receives the credentials offered, for the person chosen in the window,
 * asking for the transaction code when the offer needs one.
 */
void
dossier_services_window_receive_offer (DossierServicesWindow *self,
                                       const char            *offer)
{
  g_autofree char *link = NULL;

  g_return_if_fail (DOSSIER_IS_SERVICES_WINDOW (self));
  g_return_if_fail (offer != NULL);

  if (self->job != NULL)
    {
      toast (self, _("Wait for the current task to finish first"));
      return;
    }
  link = g_strstrip (g_strdup (offer));
  if (*link == '\0')
    {
      show_message (self, "dialog-warning-symbolic", _("Paste the offer link first"), NULL);
      return;
    }
  self->n_new = 0;
  set_busy (self, TRUE, _("Receiving the offered credentials"));
  gtk_progress_bar_pulse (self->progress_bar);
  dossier_services_receive_offer_async (services (self), link, selected_person (self, self->offer_person_row),
                                        ask_tx_code, self, offer_browser, self, self->job,
                                        on_offer_received, g_object_ref (self));
}

static void
offer_applied (DossierServicesWindow *self)
{
  dossier_services_window_receive_offer (self, gtk_editable_get_text (GTK_EDITABLE (self->offer_row)));
}

/* --- persons ------------------------------------------------------------------- */

static void
on_persons_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DossierServicesWindow) self = user_data;
  g_autoptr(GPtrArray) persons = dossier_vault_list_persons_finish (DOSSIER_VAULT (source), result, NULL);
  guint n;

  if (window_gone (self) || persons == NULL)
    return;
  g_clear_pointer (&self->persons, g_ptr_array_unref);
  self->persons = g_steal_pointer (&persons);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->person_names));
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new ();

    for (guint i = 0; i < self->persons->len; i++)
      g_ptr_array_add (names, (gpointer) dossier_person_get_name (g_ptr_array_index (self->persons, i)));
    g_ptr_array_add (names, NULL);
    gtk_string_list_splice (self->person_names, 0, n, (const char * const *) names->pdata);
  }
  rebuild_rows (self);
}

/* --- the window -------------------------------------------------------------- */

static void
on_services_changed (DossierServicesWindow *self)
{
  if (!window_gone (self))
    rebuild_rows (self);
}

static void
dossier_services_window_dispose (GObject *object)
{
  DossierServicesWindow *self = DOSSIER_SERVICES_WINDOW (object);

  /* closing, or locking, stops what runs */
  g_cancellable_cancel (self->cancellable);
  if (self->job != NULL)
    g_cancellable_cancel (self->job);
  if (self->code_request != NULL)
    dossier_tx_code_request_cancel (self->code_request);
  g_clear_object (&self->code_request);
  if (self->watched != NULL)
    unwatch (self);
  if (self->wallet != NULL)
    g_signal_handlers_disconnect_by_data (services (self), self);
  close_waiting (self);
  if (self->code_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->code_dialog));
  gtk_widget_dispose_template (GTK_WIDGET (self), DOSSIER_TYPE_SERVICES_WINDOW);
  self->page = NULL;

  G_OBJECT_CLASS (dossier_services_window_parent_class)->dispose (object);
}

static void
dossier_services_window_finalize (GObject *object)
{
  DossierServicesWindow *self = DOSSIER_SERVICES_WINDOW (object);

  g_queue_clear_full (&self->queue, g_object_unref);
  g_clear_object (&self->current);
  g_clear_object (&self->wallet);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->job);
  g_clear_object (&self->person_names);
  g_clear_pointer (&self->persons, g_ptr_array_unref);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer (&self->new_titles, g_ptr_array_unref);

  G_OBJECT_CLASS (dossier_services_window_parent_class)->finalize (object);
}

static void
dossier_services_window_class_init (DossierServicesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dossier_services_window_dispose;
  object_class->finalize = dossier_services_window_finalize;

  /* records arrived: the main window reloads its lists */
  signals[RECORDS_CHANGED] = g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dossierapp/Dossier/ui/dossier-services-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, page);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, status_group);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, progress_row);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, progress_spinner);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, message_row);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, message_icon);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, dismiss_button);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, service_list);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, person_row);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, offer_row);
  gtk_widget_class_bind_template_child (widget_class, DossierServicesWindow, offer_person_row);

  gtk_widget_class_install_action (widget_class, "services.sync-all", NULL, sync_all_activated);
  gtk_widget_class_install_action (widget_class, "services.sync", "s", sync_activated);
  gtk_widget_class_install_action (widget_class, "services.sign-in", "s", sign_in_activated);
  gtk_widget_class_install_action (widget_class, "services.sign-out", "s", sign_out_activated);
  gtk_widget_class_install_action (widget_class, "services.remove", "s", remove_activated);
  gtk_widget_class_install_action (widget_class, "services.cancel", NULL, cancel_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "services.sync-all", NULL);
}

static void
dossier_services_window_init (DossierServicesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->new_titles = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->queue);
  self->person_names = gtk_string_list_new (NULL);
  adw_combo_row_set_model (self->person_row, G_LIST_MODEL (self->person_names));
  adw_combo_row_set_model (self->offer_person_row, G_LIST_MODEL (self->person_names));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "services.cancel", FALSE);
  g_signal_connect_swapped (self->url_row, "apply", G_CALLBACK (url_applied), self);
  g_signal_connect_swapped (self->url_row, "entry-activated", G_CALLBACK (url_applied), self);
  g_signal_connect_swapped (self->offer_row, "apply", G_CALLBACK (offer_applied), self);
  g_signal_connect_swapped (self->offer_row, "entry-activated", G_CALLBACK (offer_applied), self);
  g_signal_connect_swapped (self->dismiss_button, "clicked", G_CALLBACK (hide_message), self);
}

GtkWidget *
dossier_services_window_new (GtkWindow     *parent,
                             DossierWallet *wallet)
{
  DossierServicesWindow *self;

  g_return_val_if_fail (DOSSIER_IS_WALLET (wallet), NULL);

  self = g_object_new (DOSSIER_TYPE_SERVICES_WINDOW, "transient-for", parent, NULL);
  self->wallet = g_object_ref (wallet);
  g_signal_connect_swapped (services (self), "items-changed", G_CALLBACK (on_services_changed), self);
  rebuild_rows (self);
  dossier_vault_list_persons_async (dossier_wallet_get_vault (wallet), self->cancellable, on_persons_listed,
                                    g_object_ref (self));
  return GTK_WIDGET (self);
}

void
dossier_services_window_set_browser (DossierServicesWindow   *self,
                                     DossierOAuthBrowserFunc  browser,
                                     gpointer                 browser_data)
{
  g_return_if_fail (DOSSIER_IS_SERVICES_WINDOW (self));

  self->browser = browser;
  self->browser_data = browser_data;
}

gboolean
dossier_services_window_get_busy (DossierServicesWindow *self)
{
  g_return_val_if_fail (DOSSIER_IS_SERVICES_WINDOW (self), FALSE);

  return self->job != NULL;
}
