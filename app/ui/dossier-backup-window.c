// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-backup-window.h"

#include "dossier-backup-schedule.h"
#include "dossier-recovery-key.h"
#include "dossier-secret.h"
#include "dossier-widgets.h"

#include <glib/gi18n.h>
#include <qrencode.h>
#include <string.h>

/* The backup window: a backup now, to a file the user chooses, protected
 * by a passphrase or by a recovery key shown once as 24 words and a QR
 * code; and automatic backups to a folder (see dossier-backup-schedule.c),
 * sealed with a recovery key shown the same way when they are turned on.
 * The window closes when the vault locks, taking the words with it. */

#define MIN_PASSPHRASE_LENGTH 8
#define QR_MODULE_PIXELS      5
#define QR_QUIET_MODULES      4

typedef enum
{
  PENDING_NONE,
  PENDING_SAVE,
  PENDING_AUTOMATIC,
} Pending;

struct _DossierBackupWindow
{
  AdwWindow         parent_instance;

  DossierWallet    *wallet;
  GSettings        *settings;
  GCancellable     *cancellable;
  guint8           *key;            /* secure memory, DOSSIER_RECOVERY_KEY_SIZE bytes */
  Pending           pending;
  char             *folder;
  char             *saving;         /* the file being written */
  gboolean          folder_then_key;

  GtkStack         *stack;
  GtkCheckButton   *passphrase_check;
  GtkCheckButton   *key_check;
  GtkEditable      *passphrase_entry;
  GtkEditable      *confirm_entry;
  GtkLabel         *error_label;
  GtkButton        *save_button;
  GtkSwitch        *auto_switch;
  AdwActionRow     *folder_row;
  AdwComboRow      *interval_row;
  AdwActionRow     *last_row;
  GtkGrid          *words_grid;
  GtkPicture       *qr_picture;
  GtkCheckButton   *written_check;
  GtkButton        *key_button;
  GtkSpinner       *spinner;
  AdwStatusPage    *done_page;
};

G_DEFINE_FINAL_TYPE (DossierBackupWindow, dossier_backup_window, ADW_TYPE_WINDOW)

static const guint interval_days[] = { 1, 7, 30 };

static gboolean
window_gone (DossierBackupWindow *self)
{
  return self->stack == NULL;
}

static DossierVault *
vault (DossierBackupWindow *self)
{
  return dossier_wallet_get_vault (self->wallet);
}

static void
show_error (DossierBackupWindow *self,
            const char          *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
forget_words (DossierBackupWindow *self)
{
  GtkWidget *child;

  if (window_gone (self))
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->words_grid))) != NULL)
    gtk_grid_remove (self->words_grid, child);
  gtk_picture_set_paintable (self->qr_picture, NULL);
}

static void
forget_key (DossierBackupWindow *self)
{
  if (self->key != NULL)
    dossier_secure_free (self->key, DOSSIER_RECOVERY_KEY_SIZE);
  self->key = NULL;
  self->pending = PENDING_NONE;
  forget_words (self);
}

static void
show_choices (DossierBackupWindow *self,
              const GError        *error)
{
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "choose");
  show_error (self, error != NULL ? error->message : NULL);
}

/* --- the recovery key ------------------------------------------------------- */

typedef struct
{
  guint8 *data;
  gsize   length;
} Pixels;

static void
pixels_free (gpointer data)
{
  Pixels *pixels = data;

  dossier_secure_wipe (pixels->data, pixels->length);
  g_free (pixels->data);
  g_free (pixels);
}

/* The words as a QR code, black on white with the quiet zone around. */
static GdkTexture *
qr_texture_new (const char *text)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  Pixels *pixels;
  GBytes *bytes;
  GdkTexture *texture;
  int modules, size;

  if (code == NULL)
    return NULL;
  modules = code->width + 2 * QR_QUIET_MODULES;
  size = modules * QR_MODULE_PIXELS;
  pixels = g_new0 (Pixels, 1);
  pixels->length = (gsize) size * size * 3;
  pixels->data = g_malloc (pixels->length);
  memset (pixels->data, 0xff, pixels->length);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        if (!(code->data[y * code->width + x] & 1))
          continue;
        for (int dy = 0; dy < QR_MODULE_PIXELS; dy++)
          {
            int row = (y + QR_QUIET_MODULES) * QR_MODULE_PIXELS + dy;
            int column = (x + QR_QUIET_MODULES) * QR_MODULE_PIXELS;

            memset (pixels->data + ((gsize) row * size + column) * 3, 0, QR_MODULE_PIXELS * 3);
          }
      }
  dossier_secure_wipe (code->data, (gsize) code->width * code->width);
  QRcode_free (code);

  bytes = g_bytes_new_with_free_func (pixels->data, pixels->length, pixels_free, pixels);
  texture = gdk_memory_texture_new (size, size, GDK_MEMORY_R8G8B8, bytes, (gsize) size * 3);
  g_bytes_unref (bytes);
  return texture;
}

static void
show_key (DossierBackupWindow *self,
          Pending              pending)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_auto(GStrv) words = NULL;
  char *text;

  if (self->key == NULL)
    {
      self->key = dossier_secure_alloc (DOSSIER_RECOVERY_KEY_SIZE);
      if (!dossier_recovery_key_generate (self->key))
        {
          forget_key (self);
          show_error (self, _("The system gave no random numbers for a recovery key"));
          return;
        }
    }
  /* Shown again (after a failed save), the same key shows the same words. */
  forget_words (self);
  self->pending = pending;

  text = dossier_recovery_key_to_words (self->key);
  words = g_strsplit (text, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *numbered = g_strdup_printf ("%2u. %s", i + 1, words[i]);
      GtkWidget *label = gtk_label_new (numbered);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), FALSE);
      gtk_widget_add_css_class (label, "monospace");
      /* Down the columns, as the words are written on paper. */
      gtk_grid_attach (self->words_grid, label, (int) (i / 8), (int) (i % 8), 1, 1);
    }
  texture = qr_texture_new (text);
  dossier_secure_strfree (text);
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));

  gtk_check_button_set_active (self->written_check, FALSE);
  gtk_button_set_label (self->key_button, pending == PENDING_AUTOMATIC ? _("_Turn On Automatic Backups")
                                                                       : _("C_ontinue"));
  show_error (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "key");
  gtk_widget_grab_focus (GTK_WIDGET (self->written_check));
}

/* --- backing up now ---------------------------------------------------------- */

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DossierBackupWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;

  if (!dossier_vault_backup_finish (DOSSIER_VAULT (source), result, &error))
    {
      if (!window_gone (self) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_choices (self, error);
      return;
    }
  if (window_gone (self))
    return;

  forget_key (self);
  gtk_editable_set_text (self->passphrase_entry, "");
  gtk_editable_set_text (self->confirm_entry, "");
  gtk_spinner_stop (self->spinner);
  description = g_strdup_printf (_("Saved as %s. Keep the file and its passphrase or recovery key in different places."),
                                 self->saving);
  adw_status_page_set_title (self->done_page, _("Backup Saved"));
  adw_status_page_set_description (self->done_page, description);
  gtk_stack_set_visible_child_name (self->stack, "done");
  gtk_widget_grab_focus (gtk_widget_get_first_child (GTK_WIDGET (self->done_page)));
}

/* The passphrase typed for the backup, or NULL with the reason shown. */
static const char *
checked_passphrase (DossierBackupWindow *self)
{
  const char *passphrase = gtk_editable_get_text (self->passphrase_entry);

  if (g_utf8_strlen (passphrase, -1) < MIN_PASSPHRASE_LENGTH)
    {
      show_choices (self, NULL);
      show_error (self, _("The backup passphrase needs at least 8 characters"));
      gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
      return NULL;
    }
  if (strcmp (passphrase, gtk_editable_get_text (self->confirm_entry)) != 0)
    {
      show_choices (self, NULL);
      show_error (self, _("The two backup passphrases differ"));
      gtk_widget_grab_focus (GTK_WIDGET (self->confirm_entry));
      return NULL;
    }
  return passphrase;
}

/**
 * dossier_backup_window_save_to:
 *
 * Writes the backup to @file, protected as chosen in the window: what the
 * file chooser calls once a place is chosen.
 */
void
dossier_backup_window_save_to (DossierBackupWindow *self,
                               GFile               *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree DossierSecretString *passphrase = NULL;

  g_return_if_fail (DOSSIER_IS_BACKUP_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (path == NULL)
    {
      show_choices (self, NULL);
      show_error (self, _("Backups can only be saved to a folder on this computer or a mounted drive"));
      return;
    }
  if (gtk_check_button_get_active (self->passphrase_check))
    {
      const char *typed = checked_passphrase (self);

      if (typed == NULL)
        return;
      passphrase = dossier_secure_strdup (typed);
    }
  else if (self->key == NULL)
    {
      show_key (self, PENDING_SAVE);
      return;
    }

  show_error (self, NULL);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "busy");
  dossier_vault_backup_async (vault (self), path, passphrase, passphrase == NULL ? self->key : NULL, NULL,
                              self->cancellable, on_saved, g_object_ref (self));
  g_free (self->saving);
  self->saving = g_steal_pointer (&path);
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  g_autoptr(DossierBackupWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && !window_gone (self))
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      dossier_backup_window_save_to (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_file (DossierBackupWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = g_strdup_printf ("dossier-%s.backup", stamp);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Save the Backup"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (on_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
save_clicked (DossierBackupWindow *self)
{
  show_error (self, NULL);
  if (gtk_check_button_get_active (self->passphrase_check))
    {
      if (checked_passphrase (self) != NULL)
        choose_file (self);
    }
  else
    show_key (self, PENDING_SAVE);
}

/* --- automatic backups ------------------------------------------------------ */

static void
on_last_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DossierBackupWindow) self = user_data;
  g_autofree char *last = dossier_vault_get_setting_finish (DOSSIER_VAULT (source), result, NULL);
  g_autoptr(GDateTime) utc = last != NULL ? g_date_time_new_from_iso8601 (last, NULL) : NULL;
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autofree char *shown = local != NULL ? g_date_time_format (local, "%x %H:%M") : NULL;

  if (window_gone (self))
    return;
  adw_action_row_set_subtitle (self->last_row, shown != NULL ? shown : _("Never"));
}

static void
update_automatic (DossierBackupWindow *self)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "backup-folder");
  gboolean on = *folder != '\0';
  const char *shown = on ? folder : self->folder;

  gtk_switch_set_state (self->auto_switch, on);
  gtk_switch_set_active (self->auto_switch, on);
  adw_action_row_set_subtitle (self->folder_row, shown != NULL ? shown : _("None chosen"));
  gtk_widget_set_visible (GTK_WIDGET (self->last_row), on);
  if (on)
    dossier_vault_get_setting_async (vault (self), DOSSIER_BACKUP_SCHEDULE_LAST, self->cancellable, on_last_read,
                                     g_object_ref (self));
}

static void
on_first_automatic (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DossierBackupWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = dossier_backup_schedule_run_finish (result, &error);
  g_autofree char *description = NULL;

  if (window_gone (self))
    return;
  update_automatic (self);
  if (path == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_choices (self, error);
      return;
    }
  gtk_spinner_stop (self->spinner);
  description = g_strdup_printf (_("The first one is %s. Keep the recovery key apart from the backups."), path);
  adw_status_page_set_title (self->done_page, _("Automatic Backups Are On"));
  adw_status_page_set_description (self->done_page, description);
  gtk_stack_set_visible_child_name (self->stack, "done");
}

static void
on_key_stored (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DossierBackupWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dossier_vault_set_secret_finish (DOSSIER_VAULT (source), result, &error))
    {
      if (!window_gone (self) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_choices (self, error);
      return;
    }
  if (window_gone (self))
    return;
  forget_key (self);
  g_settings_set_string (self->settings, "backup-folder", self->folder);
  dossier_backup_schedule_run_async (vault (self), self->settings, TRUE, self->cancellable, on_first_automatic,
                                     g_object_ref (self));
}

static void
turn_on_automatic (DossierBackupWindow *self)
{
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "busy");
  dossier_vault_set_secret_async (vault (self), DOSSIER_BACKUP_SCHEDULE_KEY, self->key, DOSSIER_RECOVERY_KEY_SIZE,
                                  self->cancellable, on_key_stored, g_object_ref (self));
}

static void choose_folder (DossierBackupWindow *self);

/**
 * dossier_backup_window_use_folder:
 *
 * Makes @folder the place for automatic backups: what the folder chooser
 * calls.  When automatic backups were being turned on, the recovery key
 * comes next.
 */
void
dossier_backup_window_use_folder (DossierBackupWindow *self,
                                  GFile               *folder)
{
  g_autofree char *path = g_file_get_path (folder);

  g_return_if_fail (DOSSIER_IS_BACKUP_WINDOW (self));

  if (path == NULL)
    {
      show_error (self, _("Backups can only be saved to a folder on this computer or a mounted drive"));
      return;
    }
  g_free (self->folder);
  self->folder = g_steal_pointer (&path);
  if (dossier_backup_schedule_is_on (self->settings))
    g_settings_set_string (self->settings, "backup-folder", self->folder);
  update_automatic (self);
  if (self->folder_then_key)
    {
      self->folder_then_key = FALSE;
      show_key (self, PENDING_AUTOMATIC);
    }
}

static void
on_folder_chosen (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  g_autoptr(DossierBackupWindow) self = user_data;

  if (!window_gone (self))
    {
      if (response == GTK_RESPONSE_ACCEPT)
        {
          g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

          dossier_backup_window_use_folder (self, folder);
        }
      else
        self->folder_then_key = FALSE;
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_folder (DossierBackupWindow *self)
{
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Folder for Automatic Backups"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_folder_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_automatic_forgotten (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dossier_vault_set_secret_finish (DOSSIER_VAULT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The key of automatic backups stays in the vault: %s", error->message);
}

static gboolean
auto_switch_state_set (DossierBackupWindow *self,
                       gboolean             state)
{
  if (state == dossier_backup_schedule_is_on (self->settings))
    return FALSE;
  if (!state)
    {
      g_settings_set_string (self->settings, "backup-folder", "");
      dossier_vault_set_secret_async (vault (self), DOSSIER_BACKUP_SCHEDULE_KEY, NULL, 0, NULL,
                                      on_automatic_forgotten, NULL);
      update_automatic (self);
      return TRUE;
    }
  /* Turning on: a folder first, then the recovery key; the switch shows
   * "on" only once the key is written down and the first backup made. */
  if (self->folder == NULL)
    {
      self->folder_then_key = TRUE;
      choose_folder (self);
    }
  else
    show_key (self, PENDING_AUTOMATIC);
  return TRUE;
}

static void
key_clicked (DossierBackupWindow *self)
{
  if (self->pending == PENDING_AUTOMATIC)
    turn_on_automatic (self);
  else
    choose_file (self);
}

static void
interval_changed (DossierBackupWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->interval_row);

  if (selected < G_N_ELEMENTS (interval_days))
    g_settings_set_uint (self->settings, "backup-interval-days", interval_days[selected]);
}

/* --- the window ---------------------------------------------------------------- */

static void
dossier_backup_window_dispose (GObject *object)
{
  DossierBackupWindow *self = DOSSIER_BACKUP_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  forget_key (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOSSIER_TYPE_BACKUP_WINDOW);
  self->stack = NULL;

  G_OBJECT_CLASS (dossier_backup_window_parent_class)->dispose (object);
}

static void
dossier_backup_window_finalize (GObject *object)
{
  DossierBackupWindow *self = DOSSIER_BACKUP_WINDOW (object);

  g_clear_object (&self->wallet);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_free (self->folder);
  g_free (self->saving);

  G_OBJECT_CLASS (dossier_backup_window_parent_class)->finalize (object);
}

static void
dossier_backup_window_class_init (DossierBackupWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dossier_backup_window_dispose;
  object_class->finalize = dossier_backup_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dossierapp/Dossier/ui/dossier-backup-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, passphrase_check);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, key_check);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, passphrase_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, auto_switch);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, interval_row);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, last_row);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, words_grid);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, written_check);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, key_button);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, DossierBackupWindow, done_page);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, key_clicked);
  gtk_widget_class_bind_template_callback (widget_class, auto_switch_state_set);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder);
  gtk_widget_class_bind_template_callback (widget_class, interval_changed);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dossier_backup_window_init (DossierBackupWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  dossier_name_peek_buttons (GTK_WIDGET (self));

  g_object_bind_property (self->passphrase_check, "active", self->passphrase_entry, "visible", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->passphrase_check, "active", self->confirm_entry, "visible", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->written_check, "active", self->key_button, "sensitive", G_BINDING_SYNC_CREATE);
}

DossierBackupWindow *
dossier_backup_window_new (GtkWindow     *parent,
                           DossierWallet *wallet,
                           GSettings     *settings)
{
  DossierBackupWindow *self;
  guint days;
  guint selected = 0;

  g_return_val_if_fail (DOSSIER_IS_WALLET (wallet), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DOSSIER_TYPE_BACKUP_WINDOW, "transient-for", parent, NULL);
  self->wallet = g_object_ref (wallet);
  self->settings = g_object_ref (settings);

  days = g_settings_get_uint (settings, "backup-interval-days");
  while (selected + 1 < G_N_ELEMENTS (interval_days) && days > interval_days[selected])
    selected++;
  adw_combo_row_set_selected (self->interval_row, selected);
  self->folder = g_settings_get_string (settings, "backup-folder");
  if (*self->folder == '\0')
    g_clear_pointer (&self->folder, g_free);
  update_automatic (self);
  return self;
}
