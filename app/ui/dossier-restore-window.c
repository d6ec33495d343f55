// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-restore-window.h"

#include "dossier-backup-file.h"
#include "dossier-recovery-key.h"
#include "dossier-secret.h"
#include "dossier-widgets.h"

#include <glib/gi18n.h>
#include <string.h>

/* The restore window, offered while this computer has no vault yet: the
 * backup file, its passphrase or recovery key (the file's header says
 * which), and the passphrase of the new vault.  The restore checks the
 * whole backup before it writes anything; once done the vault is open and
 * the window says so with ::restored. */

#define MIN_PASSPHRASE_LENGTH 8

struct _DossierRestoreWindow
{
  AdwWindow                parent_instance;

  DossierWallet           *wallet;
  GCancellable            *cancellable;
  char                    *path;
  DossierBackupProtection  protection;

  GtkStack                *stack;
  AdwActionRow            *file_row;
  GtkEditable             *passphrase_entry;
  GtkEditable             *words_entry;
  GtkEditable             *new_entry;
  GtkEditable             *repeat_entry;
  GtkLabel                *error_label;
  GtkWidget               *restore_button;
  GtkSpinner              *spinner;
};

G_DEFINE_FINAL_TYPE (DossierRestoreWindow, dossier_restore_window, ADW_TYPE_WINDOW)

enum
{
  RESTORED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void
show_error (DossierRestoreWindow *self,
            const char           *message,
            GtkEditable          *focus)
{
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "form");
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (focus != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (focus));
}

/**
 * dossier_restore_window_use_file:
 *
 * Takes @file as the backup to restore, reading its header to ask for a
 * passphrase or for the recovery key; what the file chooser calls.
 */
void
dossier_restore_window_use_file (DossierRestoreWindow *self,
                                 GFile                *file)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  guint8 bytes[DOSSIER_BACKUP_HEADER_SIZE];
  DossierBackupHeader header;
  gsize length = 0;

  g_return_if_fail (DOSSIER_IS_RESTORE_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_clear_pointer (&self->path, g_free);
  self->protection = 0;
  gtk_widget_set_sensitive (self->restore_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_entry), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->words_entry), FALSE);
  adw_action_row_set_subtitle (self->file_row, name);

  stream = g_file_read (file, NULL, &error);
  if (stream != NULL)
    g_input_stream_read_all (G_INPUT_STREAM (stream), bytes, sizeof bytes, &length, NULL, &error);
  if (error == NULL)
    dossier_backup_header_parse (bytes, length, &header, &error);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("%s cannot be restored: %s"), name, error->message);

      show_error (self, message, NULL);
      return;
    }

  self->path = g_file_get_path (file);
  self->protection = header.protection;
  show_error (self, NULL, NULL);
  gtk_widget_set_sensitive (self->restore_button, self->path != NULL);
  if (header.protection == DOSSIER_BACKUP_RECOVERY_KEY)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->words_entry), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->words_entry));
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->passphrase_entry), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
    }
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  g_autoptr(DossierRestoreWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->stack != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      dossier_restore_window_use_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_file (DossierRestoreWindow *self)
{
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Choose a Backup"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_filter_set_name (filter, _("Dossier backups"));
  gtk_file_filter_add_suffix (filter, "backup");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (on_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DossierRestoreWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dossier_vault_restore_finish (DOSSIER_VAULT (source), result, &error))
    {
      GtkEditable *focus = self->protection == DOSSIER_BACKUP_RECOVERY_KEY ? self->words_entry
                                                                            : self->passphrase_entry;

      if (self->stack != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message, focus);
      return;
    }
  if (self->stack == NULL)
    return;
  g_signal_emit (self, signals[RESTORED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
restore_clicked (DossierRestoreWindow *self)
{
  const char *new_passphrase = gtk_editable_get_text (self->new_entry);
  const char *passphrase = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *key = NULL;

  if (self->path == NULL)
    return;
  if (self->protection == DOSSIER_BACKUP_RECOVERY_KEY)
    {
      key = dossier_secure_alloc (DOSSIER_RECOVERY_KEY_SIZE);
      if (!dossier_recovery_key_from_words (gtk_editable_get_text (self->words_entry), key, &error))
        {
          dossier_secure_free (key, DOSSIER_RECOVERY_KEY_SIZE);
          show_error (self, error->message, self->words_entry);
          return;
        }
    }
  else
    {
      passphrase = gtk_editable_get_text (self->passphrase_entry);
      if (*passphrase == '\0')
        {
          show_error (self, _("Type the passphrase the backup was made with"), self->passphrase_entry);
          return;
        }
    }
  if (g_utf8_strlen (new_passphrase, -1) < MIN_PASSPHRASE_LENGTH)
    show_error (self, _("Use a passphrase of at least 8 characters"), self->new_entry);
  else if (strcmp (new_passphrase, gtk_editable_get_text (self->repeat_entry)) != 0)
    show_error (self, _("The two passphrases differ"), self->repeat_entry);
  else
    {
      show_error (self, NULL, NULL);
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "busy");
      dossier_vault_restore_async (dossier_wallet_get_vault (self->wallet), self->path, passphrase, key,
                                   new_passphrase, NULL, self->cancellable, on_restored, g_object_ref (self));
    }
  if (key != NULL)
    dossier_secure_free (key, DOSSIER_RECOVERY_KEY_SIZE);
}

/* A restore under way finishes before the window can close. */
static gboolean
dossier_restore_window_close_request (GtkWindow *window)
{
  DossierRestoreWindow *self = DOSSIER_RESTORE_WINDOW (window);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "busy") == 0)
    return TRUE;
  return GTK_WINDOW_CLASS (dossier_restore_window_parent_class)->close_request (window);
}

static void
dossier_restore_window_dispose (GObject *object)
{
  DossierRestoreWindow *self = DOSSIER_RESTORE_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DOSSIER_TYPE_RESTORE_WINDOW);
  self->stack = NULL;

  G_OBJECT_CLASS (dossier_restore_window_parent_class)->dispose (object);
}

static void
dossier_restore_window_finalize (GObject *object)
{
  DossierRestoreWindow *self = DOSSIER_RESTORE_WINDOW (object);

  g_clear_object (&self->wallet);
  g_clear_object (&self->cancellable);
  g_free (self->path);

  G_OBJECT_CLASS (dossier_restore_window_parent_class)->finalize (object);
}

static void
dossier_restore_window_class_init (DossierRestoreWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dossier_restore_window_dispose;
  window_class->close_request = dossier_restore_window_close_request;
  object_class->finalize = dossier_restore_window_finalize;

  /**
   * DossierRestoreWindow::restored:
   *
   * The backup is restored and the new vault is open.
   */
  signals[RESTORED] = g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dossierapp/Dossier/ui/dossier-restore-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DossierRestoreWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DossierRestoreWindow, file_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRestoreWindow, passphrase_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierRestoreWindow, words_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierRestoreWindow, new_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierRestoreWindow, repeat_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierRestoreWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, DossierRestoreWindow, restore_button);
  gtk_widget_class_bind_template_child (widget_class, DossierRestoreWindow, spinner);
  gtk_widget_class_bind_template_callback (widget_class, choose_file);
  gtk_widget_class_bind_template_callback (widget_class, restore_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dossier_restore_window_init (DossierRestoreWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  dossier_name_peek_buttons (GTK_WIDGET (self));
  g_signal_connect_swapped (self->repeat_entry, "entry-activated", G_CALLBACK (restore_clicked), self);
}

DossierRestoreWindow *
dossier_restore_window_new (GtkWindow     *parent,
                            DossierWallet *wallet)
{
  DossierRestoreWindow *self;

  g_return_val_if_fail (DOSSIER_IS_WALLET (wallet), NULL);

  self = g_object_new (DOSSIER_TYPE_RESTORE_WINDOW, "transient-for", parent, NULL);
  self->wallet = g_object_ref (wallet);
  return self;
}
