// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

/* Builds every widget from its template: a template that names a missing
 * property, object or child fails here (warnings are fatal in tests). */
#include "dossier-backup-window.h"
#include "dossier-services-window.h"
#include "dossier-preferences-window.h"
#include "dossier-record-view.h"
#include "dossier-window.h"

static void
destroy_and_wait (GtkWidget *widget)
{
  gpointer weak = widget;

  g_object_add_weak_pointer (G_OBJECT (widget), &weak);
  if (GTK_IS_WINDOW (widget))
    gtk_window_destroy (GTK_WINDOW (widget));
  else
    g_object_unref (g_object_ref_sink (widget));
  while (weak != NULL && g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (weak);
}

static void
test_window_template (void)
{
  GtkWidget *window = g_object_new (DOSSIER_TYPE_WINDOW, NULL);

  g_assert_true (ADW_IS_APPLICATION_WINDOW (window));
  g_assert_nonnull (gtk_widget_get_template_child (window, DOSSIER_TYPE_WINDOW, "learning_list"));
  g_assert_nonnull (gtk_widget_get_template_child (window, DOSSIER_TYPE_WINDOW, "unlock_entry"));
  g_assert_nonnull (gtk_widget_get_template_child (window, DOSSIER_TYPE_WINDOW, "record_view"));
  destroy_and_wait (window);
}

static void
test_record_view_template (void)
{
  GtkWidget *view = dossier_record_view_new ();
  g_autoptr(DossierRecord) record = dossier_record_new (DOSSIER_RECORD_KIND_DIPLOMA, "Bằng tốt nghiệp THPT");
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) school = json_object_new ();

  json_object_set_string_member (school, "name", "Trường THPT Chu Văn An");
  json_object_set_object_member (fields, "school", g_steal_pointer (&school));
  json_object_set_int_member (fields, "graduationYear", 1996);
  dossier_record_set_fields (record, fields);
  dossier_record_set_issued (record, "1996-06-30");
  dossier_record_view_set_record (DOSSIER_RECORD_VIEW (view), record, "Nguyễn Minh Đức");
  g_assert_true (dossier_record_view_get_record (DOSSIER_RECORD_VIEW (view)) == record);
  dossier_record_view_set_record (DOSSIER_RECORD_VIEW (view), NULL, NULL);
  destroy_and_wait (view);
}

static void
test_preferences_template (void)
{
  g_autoptr(DossierWallet) wallet = dossier_wallet_new ("/nonexistent/dossier-test");
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *window = dossier_preferences_window_new (wallet, settings);

  g_assert_true (ADW_IS_PREFERENCES_WINDOW (window));
  destroy_and_wait (window);
}

static void
test_backup_template (void)
{
  g_autoptr(DossierWallet) wallet = dossier_wallet_new ("/nonexistent/dossier-test");
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *window = GTK_WIDGET (dossier_backup_window_new (NULL, wallet, settings));

  g_assert_true (DOSSIER_IS_BACKUP_WINDOW (window));
  g_assert_nonnull (gtk_widget_get_template_child (window, DOSSIER_TYPE_BACKUP_WINDOW, "words_grid"));
  destroy_and_wait (window);
}

static void
test_services_template (void)
{
  g_autoptr(DossierWallet) wallet = dossier_wallet_new ("/nonexistent/dossier-test");
  GtkWidget *window = dossier_services_window_new (NULL, wallet);

  g_assert_true (DOSSIER_IS_SERVICES_WINDOW (window));
  g_assert_nonnull (gtk_widget_get_template_child (window, DOSSIER_TYPE_SERVICES_WINDOW, "service_list"));
  g_assert_false (dossier_services_window_get_busy (DOSSIER_SERVICES_WINDOW (window)));
  destroy_and_wait (window);
}

static void
test_help_overlay (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/dossierapp/Dossier/gtk/help-overlay.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/window-template", test_window_template);
  g_test_add_func ("/ui/record-view-template", test_record_view_template);
  g_test_add_func ("/ui/preferences-template", test_preferences_template);
  g_test_add_func ("/ui/backup-template", test_backup_template);
  g_test_add_func ("/ui/services-template", test_services_template);
  g_test_add_func ("/ui/help-overlay", test_help_overlay);
  return g_test_run ();
}
