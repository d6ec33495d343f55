// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

/* Window benchmarks: prints figures, asserts nothing about speed.
 *
 *   bench-window startup-minimal        a bare libadwaita window
 *   bench-window startup-dossier DIR    Dossier's window on the vault in DIR
 *       Both print the milliseconds from DOSSIER_BENCH_T0 (the launcher's
 *       clock, in µs of real time) to the window's first painted frame.
 *   bench-window unlock N               fills a vault with N records, then
 *       times the passphrase to the first page drawn, with the key
 *       derivation's share, and the resident memory after scrolling the
 *       whole list. */

#include "dossier-application.h"
#include "dossier-record-model.h"
#include "dossier-test-utils.h"
#include "dossier-window.h"

#include <stdio.h>
#include <stdlib.h>

#define PASSPHRASE "bench passphrase"

static gint64 launched;

static void
on_first_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  printf ("%.1f\n", (g_get_real_time () - launched) / 1e3);
  fflush (stdout);
  exit (0);
}

static void
on_map (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_first_paint), NULL);
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window)
{
  g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
}

static void
minimal_activate (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Hello");
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), page);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_present (GTK_WINDOW (window));
}

static int
startup (int    argc,
         char **argv,
         gboolean minimal)
{
  g_autoptr(GtkApplication) app = NULL;

  launched = g_ascii_strtoll (g_getenv ("DOSSIER_BENCH_T0") ?: "0", NULL, 10);
  if (minimal)
    {
      app = GTK_APPLICATION (adw_application_new ("io.github.dossierapp.BenchMinimal", G_APPLICATION_NON_UNIQUE));
      g_signal_connect (app, "activate", G_CALLBACK (minimal_activate), NULL);
    }
  else
    {
      app = GTK_APPLICATION (dossier_application_new ());
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
    }
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}

/* --- unlock and scroll --------------------------------------------------------- */

static void
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
fill_vault (const char *dir,
            guint       count)
{
  DossierVault *vault = dossier_vault_new (dir);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  dossier_vault_create_async (vault, PASSPHRASE, NULL, NULL, NULL, dossier_test_store_result, &result);
  wait_result (&result);
  g_assert_true (dossier_vault_create_finish (vault, result, &error));
  g_clear_object (&result);
  for (guint i = 0; i < count; i += 1000)
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint j = i; j < MIN (i + 1000, count); j++)
        {
          DossierRecord *record = dossier_test_bench_record (j);

          /* All in Learning, so that one list holds them all. */
          dossier_record_set_kind (record, DOSSIER_RECORD_KIND_DIPLOMA);
          g_ptr_array_add (records, record);
        }
      dossier_vault_add_records_async (vault, records, NULL, dossier_test_store_result, &result);
      wait_result (&result);
      g_assert_true (dossier_vault_add_records_finish (vault, result, &error));
      g_clear_object (&result);
    }
  dossier_vault_lock_async (vault, NULL, dossier_test_store_result, &result);
  wait_result (&result);
  g_clear_object (&result);
  g_object_unref (vault);
}

static gpointer
child (GtkWidget  *window,
       const char *name)
{
  return gtk_widget_get_template_child (window, DOSSIER_TYPE_WINDOW, name);
}

static GListModel *
learning (GtkWidget *window)
{
  return gtk_single_selection_get_model (GTK_SINGLE_SELECTION (gtk_list_view_get_model (child (window, "learning_list"))));
}

static gboolean
row_read (GListModel *model,
          guint       position)
{
  g_autoptr(DossierRecord) record = NULL;

  if (g_list_model_get_n_items (model) <= position)
    return FALSE;
  record = g_list_model_get_item (model, position);
  return !dossier_record_model_is_placeholder (record);
}

static gboolean painted;

static void
on_paint (GdkFrameClock *clock,
          gpointer       user_data)
{
  painted = TRUE;
}

static long
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return strtol (line + 6, NULL, 10);
}

static int
unlock_and_scroll (guint count)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault_dir = g_build_filename (dir, "vault", NULL);
  g_autoptr(DossierApplication) app = NULL;
  g_autoptr(DossierWallet) wallet = NULL;
  g_autoptr(DossierVaultConfig) config = NULL;
  g_autofree char *config_path = g_build_filename (vault_dir, "vault.json", NULL);
  g_autoptr(GError) error = NULL;
  guint8 key[DOSSIER_VAULT_KEY_SIZE];
  GtkWidget *window, *scrolled;
  GtkAdjustment *adjustment;
  gint64 start, opened = 0, drawn;
  double kdf;
  GListModel *model;

  printf ("filling a vault with %u records…\n", count);
  fill_vault (vault_dir, count);

  /* The vault alone, opened and locked again, for comparison. */
  {
    DossierVault *vault = dossier_vault_new (vault_dir);
    GAsyncResult *result = NULL;
    gint64 t0 = g_get_monotonic_time ();

    dossier_vault_open_async (vault, PASSPHRASE, NULL, dossier_test_store_result, &result);
    wait_result (&result);
    g_assert_true (dossier_vault_open_finish (vault, result, NULL));
    printf ("%u records: the vault alone opens in %.1f ms\n", count, (g_get_monotonic_time () - t0) / 1e3);
    g_clear_object (&result);
    dossier_vault_lock_async (vault, NULL, dossier_test_store_result, &result);
    wait_result (&result);
    g_clear_object (&result);
    g_object_unref (vault);
  }

  app = dossier_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  wallet = dossier_wallet_new (vault_dir);
  window = GTK_WIDGET (dossier_window_new (app, wallet, FALSE));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_paint), NULL);
  model = learning (window);

  gtk_editable_set_text (child (window, "unlock_entry"), PASSPHRASE);
  start = g_get_monotonic_time ();
  g_signal_emit_by_name (child (window, "unlock_button"), "clicked");
  while (!row_read (model, 0))
    {
      g_main_context_iteration (NULL, TRUE);
      if (opened == 0 && dossier_vault_get_is_open (dossier_wallet_get_vault (wallet)))
        opened = g_get_monotonic_time ();
    }
  painted = FALSE;
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  drawn = g_get_monotonic_time ();

  config = dossier_vault_config_load (config_path, &error);
  g_assert_no_error (error);
  {
    gint64 kdf_start = g_get_monotonic_time ();

    g_assert_true (dossier_vault_config_derive_key (config, PASSPHRASE, key, &error));
    kdf = (g_get_monotonic_time () - kdf_start) / 1e3;
  }
  printf ("%u records: passphrase to first page drawn %.1f ms; Argon2id %.1f ms; beyond the key derivation %.1f ms"
          " (vault open %.1f ms)\n",
          count, (drawn - start) / 1e3, kdf, (drawn - start) / 1e3 - kdf, (opened - start) / 1e3);

  /* Scroll through the whole list, a page at a time, letting each page
   * be read and drawn. */
  scrolled = gtk_widget_get_parent (child (window, "learning_list"));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  start = g_get_monotonic_time ();
  while (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) <
         gtk_adjustment_get_upper (adjustment) - 1)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) +
                                            gtk_adjustment_get_page_size (adjustment) * 4);
      painted = FALSE;
      while (!painted)
        g_main_context_iteration (NULL, TRUE);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (!row_read (model, g_list_model_get_n_items (model) - 1) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  printf ("%u records: scrolled to the end in %.1f s; resident memory %.1f MiB; last row read: %s\n",
          count, (g_get_monotonic_time () - start) / 1e6, resident_kib () / 1024.0,
          row_read (model, g_list_model_get_n_items (model) - 1) ? "yes" : "no");

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  dossier_test_rm_rf (dir);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc >= 2 && g_str_equal (argv[1], "startup-minimal"))
    return startup (1, argv, TRUE);
  if (argc >= 3 && g_str_equal (argv[1], "startup-dossier"))
    {
      char *args[] = { argv[0], (char *) "--vault", argv[2], NULL };

      return startup (3, args, FALSE);
    }
  if (argc >= 3 && g_str_equal (argv[1], "unlock"))
    {
      gtk_init ();
      adw_init ();
      return unlock_and_scroll ((guint) g_ascii_strtoull (argv[2], NULL, 10));
    }
  fprintf (stderr, "usage: bench-window startup-minimal | startup-dossier DIR | unlock N\n");
  return 2;
}
