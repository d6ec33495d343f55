// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-preferences-window.h"

#include "dossier-trust-registry.h"

#include <glib/gi18n.h>

/* Preferences: locking, style and language, the family whose records the
 * vault holds, and the issuers it trusts. */

#define MAX_TRUST_FILE (8 * 1024 * 1024)

struct _DossierPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  DossierWallet        *wallet;
  GSettings            *settings;
  GCancellable         *cancellable;
  GPtrArray            *family_rows;
  GPtrArray            *trust_rows;

  GtkSpinButton        *auto_lock_spin;
  GtkSwitch            *remember_switch;
  GtkSwitch            *start_locked_switch;
  GtkWidget            *start_locked_row;
  GtkSwitch            *sync_on_unlock_switch;
  AdwComboRow          *style_row;
  AdwComboRow          *language_row;
  AdwPreferencesGroup  *family_group;
  AdwEntryRow          *add_row;
  AdwPreferencesGroup  *trust_group;
  AdwComboRow          *scope_row;
  GtkWidget            *trust_file_button;
};

enum {
  PERSONS_CHANGED,
  TRUST_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DossierPreferencesWindow, dossier_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char * const styles[] = { "default", "light", "dark" };
static const char * const languages[] = { "", "vi", "en" };
static const char * const scopes[] = { "learning", "health", "all" };

static void load_family (DossierPreferencesWindow *self);
static void report (DossierPreferencesWindow *self,
                    const char               *message);
static void load_trust (DossierPreferencesWindow *self);

static void
report (DossierPreferencesWindow *self,
        const char               *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

void
dossier_apply_style (GSettings *settings)
{
  g_autofree char *style = g_settings_get_string (settings, "style");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (style, "light") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (style, "dark") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static guint
index_of (const char * const *values,
          guint               n_values,
          const char         *value)
{
  for (guint i = 0; i < n_values; i++)
    if (g_strcmp0 (values[i], value) == 0)
      return i;
  return 0;
}

static void
style_selected (DossierPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->style_row);

  if (selected < G_N_ELEMENTS (styles))
    g_settings_set_string (self->settings, "style", styles[selected]);
  dossier_apply_style (self->settings);
}

static void
language_selected (DossierPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->language_row);

  if (selected < G_N_ELEMENTS (languages))
    g_settings_set_string (self->settings, "language", languages[selected]);
}

/* --- family ------------------------------------------------------------------ */

static void
on_person_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DossierPreferencesWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_async_result_is_tagged (result, dossier_vault_remove_person_async))
    ok = dossier_vault_remove_person_finish (DOSSIER_VAULT (source), result, &error);
  else
    ok = dossier_vault_save_person_finish (DOSSIER_VAULT (source), result, &error);
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }
  g_signal_emit (self, signals[PERSONS_CHANGED], 0);
  load_family (self);
}

static void
rename_applied (AdwEntryRow              *row,
                DossierPreferencesWindow *self)
{
  DossierPerson *person = g_object_get_data (G_OBJECT (row), "dossier-person");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*name == '\0')
    {
      report (self, _("A person needs a name"));
      return;
    }
  dossier_person_set_name (person, name);
  dossier_vault_save_person_async (dossier_wallet_get_vault (self->wallet), person, self->cancellable,
                                   on_person_written, self);
}

static void
remove_clicked (GtkButton                *button,
                DossierPreferencesWindow *self)
{
  DossierPerson *person = g_object_get_data (G_OBJECT (button), "dossier-person");

  dossier_vault_remove_person_async (dossier_wallet_get_vault (self->wallet), dossier_person_get_id (person),
                                     self->cancellable, on_person_written, self);
}

static void
add_applied (DossierPreferencesWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->add_row))));
  g_autoptr(DossierPerson) person = NULL;

  if (*name == '\0')
    return;
  person = dossier_person_new (name, "family");
  gtk_editable_set_text (GTK_EDITABLE (self->add_row), "");
  dossier_vault_save_person_async (dossier_wallet_get_vault (self->wallet), person, self->cancellable,
                                   on_person_written, self);
}

static void
on_family_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DossierPreferencesWindow *self = user_data;
  g_autoptr(GPtrArray) persons = NULL;
  g_autoptr(GError) error = NULL;

  persons = dossier_vault_list_persons_finish (DOSSIER_VAULT (source), result, &error);
  if (persons == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }
  for (guint i = 0; i < self->family_rows->len; i++)
    adw_preferences_group_remove (self->family_group, g_ptr_array_index (self->family_rows, i));
  g_ptr_array_set_size (self->family_rows, 0);

  for (guint i = 0; i < persons->len; i++)
    {
      DossierPerson *person = g_ptr_array_index (persons, i);
      GtkWidget *row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     dossier_person_is_owner (person) ? _("Owner of the vault") : _("Family member"));
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (row), dossier_person_get_name (person));
      g_object_set_data_full (G_OBJECT (row), "dossier-person", g_object_ref (person), g_object_unref);
      g_signal_connect (row, "apply", G_CALLBACK (rename_applied), self);
      if (!dossier_person_is_owner (person))
        {
          GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
          g_autofree char *label = g_strdup_printf (_("Remove %s"), dossier_person_get_name (person));

          gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (remove, "flat");
          gtk_widget_set_tooltip_text (remove, label);
          gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          g_object_set_data_full (G_OBJECT (remove), "dossier-person", g_object_ref (person), g_object_unref);
          g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked), self);
          adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), remove);
        }
      adw_preferences_group_add (self->family_group, row);
      g_ptr_array_add (self->family_rows, row);
    }
}

static void
load_family (DossierPreferencesWindow *self)
{
  dossier_vault_list_persons_async (dossier_wallet_get_vault (self->wallet), self->cancellable,
                                    on_family_listed, self);
}

/* --- trusted issuers ------------------------------------------------------- */

static const char *
scope_words (const char *scope)
{
  if (g_strcmp0 (scope, "learning") == 0)
    return _("For learning records");
  if (g_strcmp0 (scope, "health") == 0)
    return _("For health records");
  return _("For all records");
}

static void
on_trust_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DossierPreferencesWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_async_result_is_tagged (result, dossier_vault_remove_anchor_async))
    ok = dossier_vault_remove_anchor_finish (DOSSIER_VAULT (source), result, &error);
  else
    ok = dossier_vault_add_anchor_finish (DOSSIER_VAULT (source), result, &error);
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }
  g_signal_emit (self, signals[TRUST_CHANGED], 0);
  load_trust (self);
}

static void
untrust_clicked (GtkButton                *button,
                 DossierPreferencesWindow *self)
{
  DossierTrustAnchor *anchor = g_object_get_data (G_OBJECT (button), "dossier-anchor");
  g_autofree char *message = g_strdup_printf (_("“%s” is no longer trusted"), dossier_trust_anchor_get_name (anchor));

  dossier_vault_remove_anchor_async (dossier_wallet_get_vault (self->wallet), dossier_trust_anchor_get_id (anchor),
                                     self->cancellable, on_trust_written, self);
  report (self, message);
}

static void
on_trust_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DossierPreferencesWindow *self = user_data;
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(GError) error = NULL;

  anchors = dossier_vault_list_anchors_finish (DOSSIER_VAULT (source), result, &error);
  if (anchors == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }
  for (guint i = 0; i < self->trust_rows->len; i++)
    adw_preferences_group_remove (self->trust_group, g_ptr_array_index (self->trust_rows, i));
  g_ptr_array_set_size (self->trust_rows, 0);

  for (guint i = 0; i < anchors->len; i++)
    {
      DossierTrustAnchor *anchor = g_ptr_array_index (anchors, i);
      const char *source_name = dossier_trust_anchor_get_source (anchor);
      g_autofree char *subtitle = source_name != NULL
                                  ? g_strdup_printf ("%s · %s", scope_words (dossier_trust_anchor_get_scope (anchor)), source_name)
                                  : g_strdup (scope_words (dossier_trust_anchor_get_scope (anchor)));
      g_autofree char *label = g_strdup_printf (_("Stop trusting %s"), dossier_trust_anchor_get_name (anchor));
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dossier_trust_anchor_get_name (anchor));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (remove), "dossier-anchor", g_object_ref (anchor), g_object_unref);
      g_signal_connect (remove, "clicked", G_CALLBACK (untrust_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->trust_group, row);
      g_ptr_array_add (self->trust_rows, row);
    }
  if (anchors->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No issuer is trusted yet"));
      adw_preferences_group_add (self->trust_group, row);
      g_ptr_array_add (self->trust_rows, row);
    }
}

static void
load_trust (DossierPreferencesWindow *self)
{
  dossier_vault_list_anchors_async (dossier_wallet_get_vault (self->wallet), self->cancellable,
                                    on_trust_listed, self);
}

/**
 * dossier_preferences_window_trust_file:
 *
 * Keeps the keys in @file as a trust anchor for the records chosen in the
 * window: what the file chooser calls.  A file with no key or certificate
 * Dossier can use is refused with a message.
 */
void
dossier_preferences_window_trust_file (DossierPreferencesWindow *self,
                                       GFile                    *file)
{
  g_autoptr(DossierTrustRegistry) check = dossier_trust_registry_new ();
  g_autoptr(DossierTrustAnchor) anchor = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GBytes) material = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *contents = NULL;
  guint selected = adw_combo_row_get_selected (self->scope_row);
  gsize length;

  g_return_if_fail (DOSSIER_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, &error);
  if (info != NULL && g_file_info_get_size (info) > MAX_TRUST_FILE)
    {
      g_autofree char *message = g_strdup_printf (_("%s is too large to be a file of keys"), name);

      report (self, message);
      return;
    }
  if (info == NULL || !g_file_load_contents (file, NULL, &contents, &length, NULL, &error))
    {
      report (self, error->message);
      return;
    }
  material = g_bytes_new_take (g_steal_pointer (&contents), length);
  anchor = dossier_trust_anchor_new (name, path != NULL ? path : name,
                                     scopes[selected < G_N_ELEMENTS (scopes) ? selected : 0], material);
  dossier_trust_registry_add_anchor (check, anchor);
  keys = dossier_key_source_find_keys (DOSSIER_KEY_SOURCE (check), NULL, NULL);
  certificates = dossier_key_source_find_certificates (DOSSIER_KEY_SOURCE (check), NULL);
  if ((keys == NULL || keys->len == 0) && (certificates == NULL || certificates->len == 0))
    {
      g_autofree char *message = g_strdup_printf (_("%s holds no key or certificate Dossier can use"), name);

      report (self, message);
      return;
    }
  dossier_vault_add_anchor_async (dossier_wallet_get_vault (self->wallet), anchor, self->cancellable,
                                  on_trust_written, self);
}

static void
on_trust_file_chosen (GtkNativeDialog *dialog,
                      int              response,
                      gpointer         user_data)
{
  g_autoptr(DossierPreferencesWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && !g_cancellable_is_cancelled (self->cancellable))
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      dossier_preferences_window_trust_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
trust_file_clicked (DossierPreferencesWindow *self)
{
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Trust the Keys in a File"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Trust"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_trust_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --- the window ---------------------------------------------------------------- */

static void
dossier_preferences_window_dispose (GObject *object)
{
  DossierPreferencesWindow *self = DOSSIER_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOSSIER_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (dossier_preferences_window_parent_class)->dispose (object);
}

static void
dossier_preferences_window_finalize (GObject *object)
{
  DossierPreferencesWindow *self = DOSSIER_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->wallet);
  g_clear_object (&self->settings);
  g_ptr_array_unref (self->family_rows);
  g_ptr_array_unref (self->trust_rows);
  G_OBJECT_CLASS (dossier_preferences_window_parent_class)->finalize (object);
}

static void
dossier_preferences_window_class_init (DossierPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dossier_preferences_window_dispose;
  object_class->finalize = dossier_preferences_window_finalize;

  /* Emitted after a person was added, renamed or removed. */
  signals[PERSONS_CHANGED] = g_signal_new ("persons-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Emitted after an issuer was trusted or no longer trusted. */
  signals[TRUST_CHANGED] = g_signal_new ("trust-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dossierapp/Dossier/ui/dossier-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, auto_lock_spin);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, start_locked_switch);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, start_locked_row);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, sync_on_unlock_switch);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, family_group);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, add_row);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, trust_group);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, scope_row);
  gtk_widget_class_bind_template_child (widget_class, DossierPreferencesWindow, trust_file_button);
}

static void sync_on_unlock_toggled (DossierPreferencesWindow *self);

static void
on_sync_on_unlock_set (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(DossierPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  DossierServices *services = DOSSIER_SERVICES (source);

  if (dossier_services_set_sync_on_unlock_finish (services, result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->sync_on_unlock_switch == NULL)
    return;
  report (self, error->message);
  g_signal_handlers_block_by_func (self->sync_on_unlock_switch, sync_on_unlock_toggled, self);
  gtk_switch_set_active (self->sync_on_unlock_switch, dossier_services_get_sync_on_unlock (services));
  g_signal_handlers_unblock_by_func (self->sync_on_unlock_switch, sync_on_unlock_toggled, self);
}

/* A setting of the vault, not of this computer: it travels with backups. */
static void
sync_on_unlock_toggled (DossierPreferencesWindow *self)
{
  dossier_services_set_sync_on_unlock_async (dossier_wallet_get_services (self->wallet),
                                             gtk_switch_get_active (self->sync_on_unlock_switch),
                                             self->cancellable, on_sync_on_unlock_set, g_object_ref (self));
}

static void
dossier_preferences_window_init (DossierPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->family_rows = g_ptr_array_new ();
  self->trust_rows = g_ptr_array_new ();
  g_signal_connect_swapped (self->add_row, "apply", G_CALLBACK (add_applied), self);
  g_signal_connect_swapped (self->trust_file_button, "clicked", G_CALLBACK (trust_file_clicked), self);
}

GtkWidget *
dossier_preferences_window_new (DossierWallet *wallet,
                                GSettings     *settings)
{
  DossierPreferencesWindow *self;
  g_autofree char *style = NULL;
  g_autofree char *language = NULL;

  g_return_val_if_fail (DOSSIER_IS_WALLET (wallet), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DOSSIER_TYPE_PREFERENCES_WINDOW, NULL);
  self->wallet = g_object_ref (wallet);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "auto-lock-minutes", gtk_spin_button_get_adjustment (self->auto_lock_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "remember-passphrase", self->remember_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "start-locked", self->start_locked_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_object_bind_property (self->remember_switch, "active", self->start_locked_row, "sensitive", G_BINDING_SYNC_CREATE);
  gtk_switch_set_active (self->sync_on_unlock_switch, dossier_services_get_sync_on_unlock (dossier_wallet_get_services (wallet)));
  g_signal_connect_swapped (self->sync_on_unlock_switch, "notify::active", G_CALLBACK (sync_on_unlock_toggled), self);
  style = g_settings_get_string (settings, "style");
  language = g_settings_get_string (settings, "language");
  adw_combo_row_set_selected (self->style_row, index_of (styles, G_N_ELEMENTS (styles), style));
  adw_combo_row_set_selected (self->language_row, index_of (languages, G_N_ELEMENTS (languages), language));
  g_signal_connect_swapped (self->style_row, "notify::selected", G_CALLBACK (style_selected), self);
  g_signal_connect_swapped (self->language_row, "notify::selected", G_CALLBACK (language_selected), self);

  if (dossier_vault_get_is_open (dossier_wallet_get_vault (wallet)))
    {
      load_family (self);
      load_trust (self);
    }
  return GTK_WIDGET (self);
}
