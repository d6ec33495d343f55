// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-services.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

static gboolean
quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static char *
default_data_dir (void)
{
  if (g_file_test (DEMO_DATA_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (DEMO_DATA_DIR);
  return g_strdup (SOURCE_DEMO_DATA_DIR);
}

int
main (int   argc,
      char *argv[])
{
  gint port = 0;
  gboolean faults = FALSE;
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("Listen on PORT of 127.0.0.1 (a free port when not given)"), N_("PORT") },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Read the demo family from DIR"), N_("DIR") },
    { "faults", 0, 0, G_OPTION_ARG_NONE, &faults, N_("Serve the fault endpoints tests use"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierDemoServices) services = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DOSSIER_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Plays the national education and health services on 127.0.0.1 for the demo."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535)
    {
      g_printerr (_("The port must be between 0 and 65535\n"));
      return 2;
    }
  if (data_dir == NULL)
    data_dir = default_data_dir ();
  services = dossier_demo_services_new (data_dir, faults, &error);
  if (services == NULL || !dossier_demo_services_listen (services, (guint) port, &error))
    {
      g_printerr (_("The demo services cannot start: %s\n"), error->message);
      return 1;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_unix_signal_add (SIGINT, quit, loop);
  printf ("moet=%s\nmoh=%s\nshl=%s\n", dossier_demo_services_get_moet (services),
          dossier_demo_services_get_moh (services), dossier_demo_services_get_shl (services));
  fflush (stdout);
  g_main_loop_run (loop);
  return 0;
}
