// SPDX-License-Identifier: GPL-3.0-or-later
/* Builds every widget from its template: a template that names a missing
 * property, object or child fails here (warnings are fatal in tests). */
#include "dossier-window.h"

static void
test_window_template (void)
{
  GtkWidget *window = g_object_new (DOSSIER_TYPE_WINDOW, NULL);
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  g_assert_true (ADW_IS_APPLICATION_WINDOW (window));
  g_assert_nonnull (gtk_widget_get_template_child (window, DOSSIER_TYPE_WINDOW, "learning_list"));
  g_assert_nonnull (gtk_widget_get_template_child (window, DOSSIER_TYPE_WINDOW, "unlock_entry"));
  gtk_window_destroy (GTK_WINDOW (window));
  while (weak != NULL && g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (weak);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/window-template", test_window_template);
  return g_test_run ();
}
