// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui-test-utils.h"

/* Runs the main loop until @condition holds, failing the test after
 * @seconds; @what says what was awaited. */
void
dossier_test_wait_seconds_until (GtkWidget            *window,
                                 guint                 seconds,
                                 DossierTestCondition  condition,
                                 gconstpointer         data,
                                 const char           *what)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!condition (window, data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting until %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
dossier_test_wait_until (GtkWidget            *window,
                         DossierTestCondition  condition,
                         gconstpointer         data,
                         const char           *what)
{
  dossier_test_wait_seconds_until (window, 60, condition, data, what);
}

/* Lets queued vault calls and redraws run. */
void
dossier_test_settle (void)
{
  for (int i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

gboolean
dossier_test_is_drawn (GtkWidget     *window,
                       gconstpointer  data)
{
  return gtk_widget_get_mapped (window) && gtk_widget_get_width (window) > 0;
}

/* Saves what @window shows, once it is on screen, as a PNG at @path. */
void
dossier_test_save_screenshot (GtkWidget  *window,
                              const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;

  dossier_test_wait_until (window, dossier_test_is_drawn, NULL, "the window is on screen");
  dossier_test_settle ();
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}
