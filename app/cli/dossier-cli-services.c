// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-cli-private.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

/* dossier-cli service …: connections to national services, and
 * dossier-cli receive: taking a credential offer. */

typedef struct
{
  char     *browser_command;
  char     *cafile;
  gboolean  loopback_http;
  int       timeout;
} NetOptions;

static void
net_options_clear (NetOptions *options)
{
  g_free (options->browser_command);
  g_free (options->cafile);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NetOptions, net_options_clear)

static void
add_net_entries (GOptionContext *context,
                 NetOptions     *options)
{
  GOptionEntry entries[] = {
    { "cafile", 0, 0, G_OPTION_ARG_FILENAME, &options->cafile,
      N_("Trust only the certificate authorities in FILE (PEM) for the services"), N_("FILE") },
    { "loopback-http", 0, 0, G_OPTION_ARG_NONE, &options->loopback_http,
      N_("Allow plain http to services on this computer (the demo services)"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &options->timeout,
      N_("Give up on a service that does not answer within SECONDS (default 30)"), N_("SECONDS") },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("network", _("Network options:"), _("Show the network options"),
                                            NULL, NULL);

  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_add_group (context, group);
}

static int
apply_net_options (Cli        *cli,
                   NetOptions *options)
{
  DossierNetSession *net = dossier_wallet_get_net (cli->wallet);
  g_autoptr(GError) error = NULL;

  dossier_net_session_set_allow_http (net, options->loopback_http);
  /* what arrives is checked in full, status lists included */
  dossier_trust_registry_set_online (dossier_wallet_get_trust (cli->wallet), TRUE, options->loopback_http);
  if (options->timeout > 0)
    dossier_net_session_set_timeout (net, (guint) options->timeout);
  if (options->cafile != NULL && !dossier_net_session_set_trust_anchors (net, options->cafile, &error))
    {
      g_printerr (_("dossier-cli: cannot read the certificate authorities in %s: %s\n"), options->cafile,
                  error->message);
      return DOSSIER_CLI_EXIT_USAGE;
    }
  return -1;
}

/* Opens the sign-in page with the command the person chose: the page's
 * address is added as its last argument.  The command runs beside
 * dossier-cli, which waits for the browser to come back. */
static gboolean
run_browser_command (const char  *uri,
                     gpointer     user_data,
                     GError     **error)
{
  const char *command = user_data;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) full = NULL;
  int argc = 0;

  if (!g_shell_parse_argv (command, &argc, &argv, error))
    return FALSE;
  g_strv_builder_addv (builder, (const char **) argv);
  g_strv_builder_add (builder, uri);
  full = g_strv_builder_end (builder);
  return g_spawn_async (NULL, full, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, error);
}

static const char *
kind_name (DossierServiceKind kind)
{
  return kind == DOSSIER_SERVICE_KIND_HEALTH ? _("health") : _("learning");
}

static int
services_fail (GError *error)
{
  g_autofree char *nick = NULL;

  if (error->domain == DOSSIER_SERVICES_ERROR)
    {
      static const char *const nicks[] = {
        "offline", "sign-in-refused", "sign-in-needed", "server-error", "certificate", "timeout",
        "too-large", "malformed", "cancelled", "wrong-code", "not-found", "exists",
      };

      if (error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (nicks))
        nick = g_strdup (nicks[error->code]);
    }
  if (nick != NULL)
    g_printerr ("dossier-cli: %s [%s]\n", error->message, nick);
  else
    g_printerr ("dossier-cli: %s\n", error->message);
  return DOSSIER_CLI_EXIT_FAILED;
}

static int
load_services (Cli *cli)
{
  DossierServices *services = dossier_wallet_get_services (cli->wallet);
  g_autoptr(GError) error = NULL;
  int status = dossier_cli_unlock (cli);

  if (status >= 0)
    return status;
  /* what is received is checked against the keys the vault trusts */
  if ((status = dossier_cli_load_vault_trust (cli)) >= 0)
    return status;
  if (!dossier_services_load_finish (services,
                                     CALL (cli, dossier_services_load_async (services, NULL, dossier_cli_on_result, cli)),
                                     &error))
    return dossier_cli_fail (error);
  return -1;
}

static DossierServiceConnection *
find_connection (Cli        *cli,
                 const char *name)
{
  DossierServiceConnection *connection = dossier_services_lookup (dossier_wallet_get_services (cli->wallet), name);

  if (connection == NULL)
    g_printerr (_("dossier-cli: no service is called “%s”; see “dossier-cli service list”\n"), name);
  return connection;
}

static void
on_progress (const char *what,
             double      fraction,
             gpointer    user_data)
{
  if (fraction >= 0)
    g_printerr ("[%3d%%] %s\n", (int) (fraction * 100), what);
  else
    g_printerr ("%s\n", what);
}

static void
print_summary (DossierSyncSummary *summary)
{
  GPtrArray *items = dossier_sync_summary_get_items (summary);

  for (guint i = 0; i < items->len; i++)
    {
      DossierSyncItem *item = g_ptr_array_index (items, i);

      if (item->status == DOSSIER_SYNC_ITEM_NEW)
        g_print (_("new: %s\n"), item->title);
      else if (item->status == DOSSIER_SYNC_ITEM_PENDING)
        g_print (_("later: %s\n"), item->title);
      else if (item->status == DOSSIER_SYNC_ITEM_FAILED)
        g_print (_("failed: %s: %s\n"), item->title, item->error != NULL ? item->error : "");
    }
  g_print (_("%u new, %u unchanged, %u to come later, %u failed\n"), dossier_sync_summary_get_n_new (summary),
           dossier_sync_summary_get_n_unchanged (summary), dossier_sync_summary_get_n_pending (summary),
           dossier_sync_summary_get_n_failed (summary));
}

static int
service_list (Cli *cli)
{
  GListModel *model = G_LIST_MODEL (dossier_wallet_get_services (cli->wallet));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DossierServiceConnection) connection = g_list_model_get_item (model, i);
      GDateTime *last = dossier_service_connection_get_last_sync (connection);
      g_autofree char *when = last != NULL ? g_date_time_format_iso8601 (last) : g_strdup ("-");
      const char *error = dossier_service_connection_get_last_error (connection);

      g_print ("%s\t%s\t%s\t%s\t%s\t%s%s%s\n", dossier_service_connection_get_id (connection),
               kind_name (dossier_service_connection_get_kind (connection)),
               dossier_service_connection_get_signed_in (connection) ? _("signed in") : _("signed out"), when,
               dossier_service_connection_get_display_name (connection),
               dossier_service_connection_get_base_url (connection), error != NULL ? "\t" : "",
               error != NULL ? error : "");
    }
  return DOSSIER_CLI_EXIT_OK;
}

int
dossier_cli_command_service (Cli   *cli,
                             int    argc,
                             char **argv)
{
  DossierServices *services = dossier_wallet_get_services (cli->wallet);
  g_auto(NetOptions) options = { 0 };
  g_autofree char *person = NULL;
  GOptionEntry entries[] = {
    { "person", 0, 0, G_OPTION_ARG_STRING, &person, N_("add: whose records the service holds (a number from the vault)"), N_("ID") },
    { "browser-command", 0, 0, G_OPTION_ARG_STRING, &options.browser_command,
      N_("sign-in: open the sign-in page with COMMAND instead of the web browser"), N_("COMMAND") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  DossierServiceConnection *connection = NULL;
  const char *action;
  gint64 person_id = 0;
  int status;

  context = dossier_cli_command_context (N_("add URL | list | sign-in NAME | sync [NAME] | sign-out NAME | remove NAME"),
                                         _("Connect to national services and fetch your records from them.\n\n"
                                           "add URL finds out whether the address is a health service (SMART on FHIR)\n"
                                           "or an issuer of diplomas and certificates (OpenID4VCI). NAME is a\n"
                                           "service’s short name, as “list” shows it, its full name or its address.\n"
                                           "sync fetches from every service, or from NAME, and keeps what is new."),
                                         entries);
  add_net_entries (context, &options);
  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return dossier_cli_usage_error (context, _("Say what to do: add, list, sign-in, sync, sign-out or remove"));
  action = argv[1];
  if (person != NULL && !dossier_cli_parse_id (person, &person_id))
    return dossier_cli_usage_error (context, _("--person takes the number of a family member"));
  if (g_str_equal (action, "list") || g_str_equal (action, "sync") ? argc > 3 : argc != 3)
    return dossier_cli_usage_error (context, _("Wrong number of arguments"));
  if (!g_str_equal (action, "add") && !g_str_equal (action, "list") && !g_str_equal (action, "sync") &&
      !g_str_equal (action, "sign-in") && !g_str_equal (action, "sign-out") && !g_str_equal (action, "remove"))
    return dossier_cli_usage_error (context, _("Say what to do: add, list, sign-in, sync, sign-out or remove"));
  if ((status = apply_net_options (cli, &options)) >= 0)
    return status;
  if ((status = load_services (cli)) >= 0)
    return status;

  if (g_str_equal (action, "list"))
    return service_list (cli);
  if (g_str_equal (action, "add"))
    {
      g_autoptr(DossierServiceConnection) added = NULL;

      added = dossier_services_add_finish (services,
                                           CALL (cli, dossier_services_add_async (services, argv[2], person_id, NULL,
                                                                                  dossier_cli_on_result, cli)),
                                           &error);
      if (added == NULL)
        return services_fail (error);
      g_print (_("Added %s (%s): %s\n"), dossier_service_connection_get_id (added),
               kind_name (dossier_service_connection_get_kind (added)),
               dossier_service_connection_get_display_name (added));
      return DOSSIER_CLI_EXIT_OK;
    }
  if (argc == 3 && (connection = find_connection (cli, argv[2])) == NULL)
    return DOSSIER_CLI_EXIT_FAILED;
  if (g_str_equal (action, "sync"))
    {
      g_autoptr(DossierSyncSummary) summary = NULL;

      summary = dossier_services_sync_finish (services,
                                              CALL (cli, dossier_services_sync_async (services, connection, on_progress,
                                                                                      NULL, NULL, dossier_cli_on_result,
                                                                                      cli)),
                                              &error);
      if (summary == NULL)
        return services_fail (error);
      print_summary (summary);
      return dossier_sync_summary_get_n_failed (summary) > 0 ? DOSSIER_CLI_EXIT_FAILED : DOSSIER_CLI_EXIT_OK;
    }
  if (g_str_equal (action, "sign-in"))
    {
      if (!dossier_services_sign_in_finish (services,
                                            CALL (cli, dossier_services_sign_in_async (services, connection,
                                                                                       options.browser_command != NULL
                                                                                         ? run_browser_command : NULL,
                                                                                       options.browser_command, NULL,
                                                                                       dossier_cli_on_result, cli)),
                                            &error))
        return services_fail (error);
      g_print (_("Signed in to %s\n"), dossier_service_connection_get_display_name (connection));
      return DOSSIER_CLI_EXIT_OK;
    }
  if (g_str_equal (action, "sign-out"))
    {
      if (!dossier_services_sign_out_finish (services,
                                             CALL (cli, dossier_services_sign_out_async (services, connection, NULL,
                                                                                         dossier_cli_on_result, cli)),
                                             &error))
        return services_fail (error);
      g_print (_("Signed out of %s\n"), dossier_service_connection_get_display_name (connection));
      return DOSSIER_CLI_EXIT_OK;
    }
  g_object_ref (connection);
  if (!dossier_services_remove_finish (services,
                                       CALL (cli, dossier_services_remove_async (services, connection, NULL,
                                                                                 dossier_cli_on_result, cli)),
                                       &error))
    {
      g_object_unref (connection);
      return services_fail (error);
    }
  g_print (_("Removed %s; the records it brought stay in the vault\n"),
           dossier_service_connection_get_display_name (connection));
  g_object_unref (connection);
  return DOSSIER_CLI_EXIT_OK;
}

typedef struct
{
  const char *code;
} TxCodeAnswer;

/* The code given on the command line is tried once; without one, it is
 * asked for on the terminal. */
static void
answer_tx_code (DossierTxCodeRequest *request,
                gpointer              user_data)
{
  TxCodeAnswer *answer = user_data;
  char line[256];

  if (dossier_tx_code_request_get_retry (request) && answer->code != NULL)
    {
      dossier_tx_code_request_cancel (request);
      return;
    }
  if (answer->code != NULL)
    {
      dossier_tx_code_request_reply (request, answer->code);
      return;
    }
  if (dossier_tx_code_request_get_retry (request))
    g_printerr (_("That code was refused.\n"));
  if (dossier_tx_code_request_get_description (request) != NULL)
    g_printerr ("%s\n", dossier_tx_code_request_get_description (request));
  g_printerr (_("Transaction code from %s: "), dossier_tx_code_request_get_issuer_name (request));
  if (fgets (line, sizeof line, stdin) == NULL)
    {
      dossier_tx_code_request_cancel (request);
      return;
    }
  line[strcspn (line, "\r\n")] = '\0';
  dossier_tx_code_request_reply (request, line);
}

int
dossier_cli_command_receive (Cli   *cli,
                             int    argc,
                             char **argv)
{
  DossierServices *services = dossier_wallet_get_services (cli->wallet);
  g_auto(NetOptions) options = { 0 };
  g_autofree char *person = NULL;
  g_autofree char *tx_code = NULL;
  GOptionEntry entries[] = {
    { "tx-code", 0, 0, G_OPTION_ARG_STRING, &tx_code, N_("The transaction code the issuer sent you"), N_("CODE") },
    { "person", 0, 0, G_OPTION_ARG_STRING, &person, N_("Whom the credentials are for (a number from the vault)"), N_("ID") },
    { "browser-command", 0, 0, G_OPTION_ARG_STRING, &options.browser_command,
      N_("Open a sign-in page with COMMAND instead of the web browser"), N_("COMMAND") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(DossierSyncSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  TxCodeAnswer answer = { 0 };
  gint64 person_id = 0;
  int status;

  context = dossier_cli_command_context (N_("OFFER"),
                                         _("Receive the credentials of an offer (an openid-credential-offer:// link\n"
                                           "or an https link to one) and keep them in the vault."),
                                         entries);
  add_net_entries (context, &options);
  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 2)
    return dossier_cli_usage_error (context, _("Give one offer"));
  if (person != NULL && !dossier_cli_parse_id (person, &person_id))
    return dossier_cli_usage_error (context, _("--person takes the number of a family member"));
  if ((status = apply_net_options (cli, &options)) >= 0)
    return status;
  if ((status = load_services (cli)) >= 0)
    return status;
  answer.code = tx_code;
  summary = dossier_services_receive_offer_finish (services,
                                                   CALL (cli, dossier_services_receive_offer_async (
                                                           services, argv[1], person_id, answer_tx_code, &answer,
                                                           options.browser_command != NULL ? run_browser_command : NULL,
                                                           options.browser_command, NULL, dossier_cli_on_result, cli)),
                                                   &error);
  if (summary == NULL)
    return services_fail (error);
  print_summary (summary);
  return DOSSIER_CLI_EXIT_OK;
}
