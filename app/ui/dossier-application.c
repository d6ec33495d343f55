// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-application.h"

#include "dossier-demo.h"
#include "dossier-demo-services-launcher.h"

#include "dossier-preferences-window.h"
#include "dossier-record-view.h"
#include "dossier-resources.h"

#include "dossier-wallet.h"
#include "dossier-window.h"

#include <glib/gi18n.h>

struct _DossierApplication
{
  AdwApplication  parent_instance;
  DossierWallet  *wallet;
  char           *vault_dir;
  gboolean        demo;
  GCancellable   *demo_start;              /* while dossier-demo-services starts */
  DossierDemoServicesLauncher *demo_services;
  gboolean        demo_fixed_port;
};

/* A fixed port first, so that the demo vault's connections keep their
 * address from one run to the next; any free port when it is taken. */
#define DEMO_SERVICES_PORT "47291"

G_DEFINE_FINAL_TYPE (DossierApplication, dossier_application, ADW_TYPE_APPLICATION)

static int
dossier_application_handle_local_options (GApplication *application,
                                          GVariantDict *options)
{
  DossierApplication *self = DOSSIER_APPLICATION (application);
  const char *vault = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("dossier %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->demo = g_variant_dict_contains (options, "demo");
  if (g_variant_dict_lookup (options, "vault", "^&ay", &vault))
    self->vault_dir = g_strdup (vault);
  return -1;
}

static void
give_demo_services (DossierApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL && DOSSIER_IS_WINDOW (window) && self->demo_services != NULL &&
      dossier_demo_services_launcher_is_running (self->demo_services))
    dossier_window_set_demo_services (DOSSIER_WINDOW (window),
                                      dossier_demo_services_launcher_get_moet (self->demo_services),
                                      dossier_demo_services_launcher_get_moh (self->demo_services));
}

/* Next to the running dossier (a build tree keeps it in services/), else
 * where the launcher looks. */
static char *
find_demo_services (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  g_autofree char *built = dir != NULL ? g_build_filename (dir, "services", "dossier-demo-services", NULL) : NULL;

  if (g_getenv ("DOSSIER_DEMO_SERVICES") == NULL && built != NULL && g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);
  return dossier_demo_services_launcher_find_program ();
}

static void launch_demo_services (DossierApplication *self);

static void
on_demo_services_started (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(DossierApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dossier_demo_services_launcher_start_finish (DOSSIER_DEMO_SERVICES_LAUNCHER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (self->demo_fixed_port)
        {
          self->demo_fixed_port = FALSE;
          launch_demo_services (self);
          return;
        }
      g_clear_object (&self->demo_start);
      g_message ("The demo services did not start: %s", error->message);
      return;
    }
  g_clear_object (&self->demo_start);
  give_demo_services (self);
}

static void
launch_demo_services (DossierApplication *self)
{
  g_autofree char *program = find_demo_services ();
  g_autoptr(GFile) data = dossier_demo_data_directory ();
  const char *arguments[] = { "--data", g_file_peek_path (data), "--port", DEMO_SERVICES_PORT, NULL };

  if (program == NULL)
    {
      g_clear_object (&self->demo_start);
      g_message ("dossier-demo-services is not installed: the demo has no services to sync with");
      return;
    }
  if (!self->demo_fixed_port)
    arguments[2] = NULL;
  g_clear_object (&self->demo_services);
  self->demo_services = dossier_demo_services_launcher_new (program, arguments);
  dossier_demo_services_launcher_start_async (self->demo_services, DOSSIER_DEMO_SERVICES_DEFAULT_TIMEOUT,
                                              self->demo_start, on_demo_services_started, g_object_ref (self));
}

/* The demo plays the national services on 127.0.0.1 for as long as the
 * application runs. */
static void
start_demo_services (DossierApplication *self)
{
  /* the demo's services answer in plain http on 127.0.0.1 only */
  dossier_net_session_set_allow_http (dossier_wallet_get_net (self->wallet), TRUE);
  if (self->demo_start != NULL)
    return;
  if (self->demo_services != NULL && dossier_demo_services_launcher_is_running (self->demo_services))
    {
      give_demo_services (self);
      return;
    }
  self->demo_start = g_cancellable_new ();
  self->demo_fixed_port = TRUE;
  launch_demo_services (self);
}

static void
dossier_application_activate (GApplication *application)
{
  DossierApplication *self = DOSSIER_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      if (self->wallet == NULL)
        {
          g_autofree char *dir = self->vault_dir != NULL ? g_strdup (self->vault_dir)
                                 : self->demo ? dossier_wallet_get_demo_vault_directory ()
                                 : dossier_wallet_get_default_vault_directory ();
          self->wallet = dossier_wallet_new (dir);
        }
      window = GTK_WINDOW (dossier_window_new (self, self->wallet, self->demo));
    }
  gtk_window_present (window);
  if (self->demo)
    start_demo_services (self);
}

/* Links given on the command line or by the desktop: credential offers. */
static void
dossier_application_open (GApplication  *application,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  GtkWindow *window;

  g_application_activate (application);
  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  for (int i = 0; i < n_files && window != NULL; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (g_str_has_prefix (uri, "openid-credential-offer:"))
        dossier_window_receive_offer (DOSSIER_WINDOW (window), uri);
      else
        g_message ("Not a credential offer: %s", uri);
    }
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { _("The Dossier developers"), NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Dossier"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "comments", _("Your diplomas, certificates and health book, in one encrypted place of your own"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/dossierapp/dossier",
                         "issue-url", "https://github.com/dossierapp/dossier/issues",
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         "copyright", "© 2026 The Dossier developers",
                         NULL);
}

/* Leaves the vault on screen for the demo family's, in a window of its own. */
static void
open_demo_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  DossierApplication *self = user_data;
  GtkWindow *old = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *dir = dossier_wallet_get_demo_vault_directory ();
  GtkWindow *window;

  if (self->demo)
    {
      if (old != NULL)
        gtk_window_present (old);
      return;
    }
  self->demo = TRUE;
  g_clear_object (&self->wallet);
  self->wallet = dossier_wallet_new (dir);
  window = GTK_WINDOW (dossier_window_new (self, self->wallet, TRUE));
  gtk_window_present (window);
  if (old != NULL)
    gtk_window_destroy (old);
  start_demo_services (self);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
  { "open-demo", open_demo_activated, NULL, NULL, NULL, { 0 } },
};

static void
dossier_application_startup (GApplication *application)
{
  const char *quit_accels[] = { "<Control>q", NULL };
  g_autoptr(GSettings) settings = NULL;

  G_APPLICATION_CLASS (dossier_application_parent_class)->startup (application);
  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions, G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  settings = g_settings_new (APPLICATION_ID);
  dossier_apply_style (settings);
}

static void
dossier_application_shutdown (GApplication *application)
{
  DossierApplication *self = DOSSIER_APPLICATION (application);

  dossier_remove_opened_files ();
  if (self->demo_start != NULL)
    g_cancellable_cancel (self->demo_start);
  if (self->demo_services != NULL)
    dossier_demo_services_launcher_stop (self->demo_services);
  G_APPLICATION_CLASS (dossier_application_parent_class)->shutdown (application);
}

static void
dossier_application_finalize (GObject *object)
{
  DossierApplication *self = DOSSIER_APPLICATION (object);

  g_clear_object (&self->wallet);
  g_clear_object (&self->demo_start);
  g_clear_object (&self->demo_services);
  g_free (self->vault_dir);
  G_OBJECT_CLASS (dossier_application_parent_class)->finalize (object);
}

static void
dossier_application_class_init (DossierApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  /* Referencing the bundle keeps it (and its registration) in the link. */
  (void) dossier_get_resource ();

  G_OBJECT_CLASS (klass)->finalize = dossier_application_finalize;
  app_class->handle_local_options = dossier_application_handle_local_options;
  app_class->activate = dossier_application_activate;
  app_class->open = dossier_application_open;
  app_class->startup = dossier_application_startup;
  app_class->shutdown = dossier_application_shutdown;
}

static void
dossier_application_init (DossierApplication *self)
{
  const GOptionEntry options[] = {
    { "vault", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Open the vault in DIR"), N_("DIR") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open the demo vault of a fictional family"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

DossierApplication *
dossier_application_new (void)
{
  /* One instance: starting Dossier again brings its window forward. */
  return g_object_new (DOSSIER_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/dossierapp/Dossier",
                       NULL);
}
