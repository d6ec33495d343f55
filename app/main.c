// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-application.h"

#include <glib/gi18n.h>
#include <locale.h>

int
main (int    argc,
      char **argv)
{
  g_autoptr(DossierApplication) app = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  /* The language chosen in the preferences wins over the system's, unless
   * LANGUAGE is set for this run. */
  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APPLICATION_ID, TRUE);
  if (schema != NULL && g_getenv ("LANGUAGE") == NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
      g_autofree char *language = g_settings_get_string (settings, "language");

      if (*language != '\0')
        g_setenv ("LANGUAGE", language, TRUE);
    }

  setlocale (LC_ALL, "");
  /* DOSSIER_LOCALEDIR points an uninstalled build at its own catalogues. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DOSSIER_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = dossier_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
