// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-window.h"

#include <glib/gi18n.h>

#define FIRST_PAGE_SIZE 200

struct _DossierWindow
{
  AdwApplicationWindow  parent_instance;

  DossierWallet        *wallet;
  gboolean              demo;
  GCancellable         *cancellable;

  GtkStack             *stack;
  GtkWidget            *lock_button;
  AdwStatusPage        *unlock_page;
  GtkPasswordEntry     *unlock_entry;
  GtkLabel             *unlock_error;
  GtkWidget            *unlock_button;
  GtkPasswordEntry     *create_entry;
  GtkPasswordEntry     *confirm_entry;
  GtkLabel             *create_error;
  GtkWidget            *create_button;
  GtkListBox           *record_list;
};

G_DEFINE_FINAL_TYPE (DossierWindow, dossier_window, ADW_TYPE_APPLICATION_WINDOW)

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_text (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static GtkWidget *
record_row_new (DossierRecord *record)
{
  GtkWidget *row = adw_action_row_new ();
  const char *issued = dossier_record_get_issued (record);
  g_autofree char *subtitle = NULL;

  if (issued != NULL)
    subtitle = g_strdup_printf ("%s · %s", dossier_record_kind_get_label (dossier_record_get_kind (record)), issued);
  else
    subtitle = g_strdup (dossier_record_kind_get_label (dossier_record_get_kind (record)));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dossier_record_get_title (record));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
on_records_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DossierWindow *self = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  records = dossier_vault_query_records_finish (DOSSIER_VAULT (source), result, &error);
  if (records == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_error (self->unlock_error, error->message);
          gtk_stack_set_visible_child_name (self->stack, "unlock");
        }
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->record_list))) != NULL)
    gtk_list_box_remove (self->record_list, child);
  for (guint i = 0; i < records->len; i++)
    gtk_list_box_append (self->record_list, record_row_new (g_ptr_array_index (records, i)));

  gtk_widget_set_visible (self->lock_button, TRUE);
  gtk_stack_set_visible_child_name (self->stack, records->len > 0 ? "records" : "empty");
}

static void
load_records (DossierWindow *self)
{
  g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();

  query->limit = FIRST_PAGE_SIZE;
  dossier_vault_query_records_async (dossier_wallet_get_vault (self->wallet), query, self->cancellable,
                                     on_records_loaded, self);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  DossierWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (self->unlock_button, TRUE);
  if (!dossier_vault_open_finish (DOSSIER_VAULT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self->unlock_error, error->message);
      gtk_stack_set_visible_child_name (self->stack, "unlock");
      gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
  show_error (self->unlock_error, NULL);
  load_records (self);
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
  gtk_stack_set_visible_child_name (self->stack, "busy");
  dossier_vault_open_async (dossier_wallet_get_vault (self->wallet), passphrase, self->cancellable,
                            on_opened, self);
}

static GFile *
demo_data_directory (void)
{
  if (g_file_test (DEMO_DATA_DIR, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (DEMO_DATA_DIR);
  return g_file_new_for_path (SOURCE_DEMO_DATA_DIR);
}

typedef struct
{
  DossierWindow *window;
  GList         *files;
} DemoImport;

static void import_next_demo_file (DemoImport *import);

static void
on_demo_file_imported (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  DemoImport *import = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  records = dossier_wallet_import_file_finish (DOSSIER_WALLET (source), result, &error);
  if (records == NULL)
    g_warning ("Demo record not imported: %s", error->message);
  import_next_demo_file (import);
}

static void
import_next_demo_file (DemoImport *import)
{
  GList *first = import->files;

  if (first == NULL)
    {
      load_records (import->window);
      g_free (import);
      return;
    }
  import->files = g_list_remove_link (import->files, first);
  dossier_wallet_import_file_async (import->window->wallet, first->data, 0, import->window->cancellable,
                                    on_demo_file_imported, import);
  g_list_free_full (first, g_object_unref);
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  g_autofree char *name_a = g_file_get_basename ((GFile *) a);
  g_autofree char *name_b = g_file_get_basename ((GFile *) b);

  return g_strcmp0 (name_a, name_b);
}

static void
import_demo_records (DossierWindow *self)
{
  g_autoptr(GFile) dir = demo_data_directory ();
  g_autoptr(GFileEnumerator) children = NULL;
  DemoImport *import = g_new0 (DemoImport, 1);
  GFileInfo *info;

  import->window = self;
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NONE, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
          !g_str_has_suffix (g_file_info_get_name (info), ".md"))
        import->files = g_list_prepend (import->files, g_file_get_child (dir, g_file_info_get_name (info)));
      g_object_unref (info);
    }
  import->files = g_list_sort (import->files, compare_files);
  import_next_demo_file (import);
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  DossierWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (self->create_button, TRUE);
  if (!dossier_vault_create_finish (DOSSIER_VAULT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self->create_error, error->message);
      gtk_stack_set_visible_child_name (self->stack, "create");
      return;
    }
  if (self->demo)
    import_demo_records (self);
  else
    load_records (self);
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
  gtk_widget_set_sensitive (self->create_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "busy");
  dossier_vault_create_async (dossier_wallet_get_vault (self->wallet), passphrase, NULL, NULL,
                              self->cancellable, on_created, self);
}

static void
on_locked (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  DossierWindow *self = user_data;
  GtkWidget *child;

  dossier_vault_lock_finish (DOSSIER_VAULT (source), result, NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->record_list))) != NULL)
    gtk_list_box_remove (self->record_list, child);
  gtk_widget_set_visible (self->lock_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "unlock");
  gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
}

static void
lock_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DossierWindow *self = DOSSIER_WINDOW (widget);

  dossier_vault_lock_async (dossier_wallet_get_vault (self->wallet), NULL, on_locked, self);
}

static void
dossier_window_dispose (GObject *object)
{
  DossierWindow *self = DOSSIER_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOSSIER_TYPE_WINDOW);
  G_OBJECT_CLASS (dossier_window_parent_class)->dispose (object);
}

static void
dossier_window_finalize (GObject *object)
{
  DossierWindow *self = DOSSIER_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->wallet);
  G_OBJECT_CLASS (dossier_window_parent_class)->finalize (object);
}

static void
dossier_window_class_init (DossierWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dossier_window_dispose;
  object_class->finalize = dossier_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dossierapp/Dossier/ui/dossier-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, lock_button);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, unlock_page);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, unlock_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, unlock_error);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, create_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, create_error);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, create_button);
  gtk_widget_class_bind_template_child (widget_class, DossierWindow, record_list);

  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
}

static void
dossier_window_init (DossierWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  g_signal_connect_swapped (self->unlock_button, "clicked", G_CALLBACK (unlock_clicked), self);
  g_signal_connect_swapped (self->unlock_entry, "activate", G_CALLBACK (unlock_clicked), self);
  g_signal_connect_swapped (self->create_button, "clicked", G_CALLBACK (create_clicked), self);
  g_signal_connect_swapped (self->confirm_entry, "activate", G_CALLBACK (create_clicked), self);
}

static void
start (DossierWindow *self)
{
  DossierVault *vault = dossier_wallet_get_vault (self->wallet);

  if (self->demo)
    {
      g_autofree char *description =
        g_strdup_printf (_("This is the demo vault of a fictional family. Its passphrase is “%s”."),
                         DOSSIER_DEMO_PASSPHRASE);

      adw_status_page_set_description (self->unlock_page, description);
    }

  if (dossier_vault_exists (vault))
    gtk_stack_set_visible_child_name (self->stack, "unlock");
  else if (self->demo)
    dossier_vault_create_async (vault, DOSSIER_DEMO_PASSPHRASE, NULL, "Nguyễn Văn An",
                                self->cancellable, on_created, self);
  else
    gtk_stack_set_visible_child_name (self->stack, "create");
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
