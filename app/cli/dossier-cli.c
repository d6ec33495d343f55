// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-cli.h"

#include "dossier-cli-passphrase.h"
#include "dossier-cli-private.h"
#include "dossier-secret.h"
#include "dossier-utils.h"
#include "dossier-wallet.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>


typedef int (*CommandFunc) (Cli   *cli,
                            int    argc,
                            char **argv);

typedef struct
{
  const char  *name;
  const char  *args;
  const char  *summary;
  CommandFunc  func;
} Command;

/* Runs the default main context until the pending call has answered. */
void
dossier_cli_on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Cli *cli = user_data;

  cli->result = g_object_ref (result);
}

GAsyncResult *
dossier_cli_wait_result (Cli *cli)
{
  g_clear_object (&cli->result);
  while (cli->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return cli->result;
}


int
dossier_cli_fail (GError *error)
{
  g_printerr ("dossier-cli: %s\n", error->message);
  return DOSSIER_CLI_EXIT_FAILED;
}

int
dossier_cli_usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("dossier-cli: %s\n\n%s", message, help);
  return DOSSIER_CLI_EXIT_USAGE;
}

GOptionContext *
dossier_cli_command_context (const char   *parameters,
                 const char   *summary,
                 GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  return context;
}

/* Parses a command's options; returns -1 to go on, or an exit code. */
int
dossier_cli_parse_command (GOptionContext  *context,
               int             *argc,
               char          ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    return dossier_cli_usage_error (context, error->message);
  return -1;
}

/* Opens the vault; the passphrase is handed back in @kept when it is not
 * NULL (free it with dossier_secure_strfree()). */
int
dossier_cli_unlock_keep (Cli   *cli,
                         char **kept)
{
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  char *passphrase;
  gboolean ok;

  if (!dossier_vault_exists (vault))
    {
      g_printerr (_("dossier-cli: there is no vault in %s; create one with “dossier-cli --vault %s init”\n"),
                  cli->vault_dir, cli->vault_dir);
      return DOSSIER_CLI_EXIT_FAILED;
    }
  passphrase = dossier_cli_read_passphrase (cli->passphrase_file, "DOSSIER_PASSPHRASE",
                                            _("Passphrase: "), NULL, &error);
  if (passphrase == NULL)
    {
      g_printerr ("dossier-cli: %s\n", error->message);
      return DOSSIER_CLI_EXIT_USAGE;
    }
  ok = dossier_vault_open_finish (vault, CALL (cli, dossier_vault_open_async (vault, passphrase, NULL, dossier_cli_on_result, cli)),
                                  &error);
  if (ok && kept != NULL)
    *kept = passphrase;
  else
    dossier_secure_strfree (passphrase);
  return ok ? -1 : dossier_cli_fail (error);
}

int
dossier_cli_unlock (Cli *cli)
{
  return dossier_cli_unlock_keep (cli, NULL);
}

/* The trust anchors kept in the vault join those given on the command line. */
int
dossier_cli_load_vault_trust (Cli *cli)
{
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(GError) error = NULL;

  anchors = dossier_vault_list_anchors_finish (vault, CALL (cli, dossier_vault_list_anchors_async (vault, NULL, dossier_cli_on_result, cli)),
                                               &error);
  if (anchors == NULL)
    return dossier_cli_fail (error);
  for (guint i = 0; i < anchors->len; i++)
    dossier_trust_registry_add_anchor (dossier_wallet_get_trust (cli->wallet), g_ptr_array_index (anchors, i));
  return -1;
}

gboolean
dossier_cli_parse_id (const char *text,
          gint64     *id)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

void
dossier_cli_print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  g_print ("%s\n", text);
}

static void
print_records (GPtrArray *records,
               gboolean   as_json)
{
  if (as_json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < records->len; i++)
        json_array_add_element (array, dossier_record_to_json (g_ptr_array_index (records, i)));
      json_node_set_array (node, array);
      dossier_cli_print_json (node);
      return;
    }
  for (guint i = 0; i < records->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (records, i);
      const char *issued = dossier_record_get_issued (record);

      g_print ("%6" G_GINT64_FORMAT "  %-10.10s  %-16s  %s\n",
               dossier_record_get_id (record), issued != NULL ? issued : "—",
               dossier_record_kind_get_label (dossier_record_get_kind (record)),
               dossier_record_get_title (record));
    }
}

/* --- commands ------------------------------------------------------------ */

static int
command_init (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autofree char *owner = NULL;
  int iterations = DOSSIER_VAULT_KDF_DEFAULT_ITERATIONS;
  int memory = DOSSIER_VAULT_KDF_DEFAULT_MEMORY_KIB;
  GOptionEntry entries[] = {
    { "owner", 0, 0, G_OPTION_ARG_STRING, &owner, N_("Name of the vault’s owner"), N_("NAME") },
    { "kdf-iterations", 0, 0, G_OPTION_ARG_INT, &iterations, N_("Argon2id passes (default 3)"), N_("N") },
    { "kdf-memory", 0, 0, G_OPTION_ARG_INT, &memory, N_("Argon2id memory in KiB (default 65536)"), N_("KIB") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (NULL, _("Create a new encrypted vault."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  DossierKdfParams params;
  char *passphrase;
  gboolean ok;
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return dossier_cli_usage_error (context, _("init takes no arguments"));
  params.iterations = (guint) MAX (iterations, 0);
  params.memory_kib = (guint) MAX (memory, 0);
  params.parallelism = DOSSIER_VAULT_KDF_DEFAULT_PARALLELISM;
  if (!dossier_kdf_params_validate (&params, &error))
    return dossier_cli_usage_error (context, error->message);

  passphrase = dossier_cli_read_passphrase (cli->passphrase_file, "DOSSIER_PASSPHRASE",
                                            _("New passphrase: "), _("Repeat the passphrase: "), &error);
  if (passphrase == NULL)
    return dossier_cli_usage_error (context, error->message);
  if (*passphrase == '\0')
    {
      dossier_secure_strfree (passphrase);
      return dossier_cli_usage_error (context, _("The passphrase must not be empty"));
    }
  ok = dossier_vault_create_finish (vault,
                                    CALL (cli, dossier_vault_create_async (vault, passphrase, &params, owner,
                                                                           NULL, dossier_cli_on_result, cli)),
                                    &error);
  dossier_secure_strfree (passphrase);
  if (!ok)
    return dossier_cli_fail (error);
  g_print (_("Created a vault in %s\n"), cli->vault_dir);
  return DOSSIER_CLI_EXIT_OK;
}

static int
command_import (Cli   *cli,
                int    argc,
                char **argv)
{
  gint64 person = 0;
  GOptionEntry entries[] = {
    { "person", 0, 0, G_OPTION_ARG_INT64, &person, N_("Number of the person the records belong to (default: the owner)"), N_("ID") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (N_("FILE…"), _("Keep files in the vault, each in one step: a file that fails changes nothing."), entries);
  int status, exit_code = DOSSIER_CLI_EXIT_OK;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return dossier_cli_usage_error (context, _("Name at least one file to import"));
  if ((status = dossier_cli_unlock (cli)) >= 0 || (status = dossier_cli_load_vault_trust (cli)) >= 0)
    return status;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GError) error = NULL;

      records = dossier_wallet_import_file_finish (cli->wallet,
                                                   CALL (cli, dossier_wallet_import_file_async (cli->wallet, file, person,
                                                                                                NULL, dossier_cli_on_result, cli)),
                                                   &error);
      if (records == NULL)
        {
          g_printerr ("dossier-cli: %s: %s\n", argv[i], error->message);
          if (g_error_matches (error, DOSSIER_WALLET_ERROR, DOSSIER_WALLET_ERROR_UNREADABLE))
            exit_code = DOSSIER_CLI_EXIT_USAGE;
          else if (exit_code == DOSSIER_CLI_EXIT_OK)
            exit_code = DOSSIER_CLI_EXIT_FAILED;
          continue;
        }
      for (guint r = 0; r < records->len; r++)
        {
          DossierRecord *record = g_ptr_array_index (records, r);

          g_print (_("Imported %s as record %lld (%s)\n"), argv[i],
                   (long long) dossier_record_get_id (record), dossier_record_kind_get_label (dossier_record_get_kind (record)));
        }
      fflush (stdout);
    }
  return exit_code;
}

static int
run_query (Cli               *cli,
           DossierVaultQuery *query,
           gboolean           as_json)
{
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = dossier_cli_unlock (cli)) >= 0)
    return status;
  records = dossier_vault_query_records_finish (vault,
                                                CALL (cli, dossier_vault_query_records_async (vault, query, NULL,
                                                                                              dossier_cli_on_result, cli)),
                                                &error);
  if (records == NULL)
    return dossier_cli_fail (error);
  print_records (records, as_json);
  return DOSSIER_CLI_EXIT_OK;
}

static int
command_list (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autofree char *kind = NULL;
  g_autofree char *category = NULL;
  gboolean as_json = FALSE;
  gint64 person = 0;
  int limit = 0, offset = 0;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("Only records of this kind (diploma, immunization, document, …)"), N_("KIND") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("Only learning, health or other records"), N_("CATEGORY") },
    { "person", 0, 0, G_OPTION_ARG_INT64, &person, N_("Only this person’s records"), N_("ID") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many records"), N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip this many records first"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (NULL, _("List the records in the vault, newest first."), entries);
  g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return dossier_cli_usage_error (context, _("list takes no arguments"));
  if (kind != NULL)
    {
      DossierRecordKind k;

      if (!dossier_record_kind_from_string (kind, &k))
        return dossier_cli_usage_error (context, _("Unknown record kind"));
      query->kind = k;
    }
  if (category != NULL)
    {
      DossierRecordCategory c;

      if (!dossier_record_category_from_string (category, &c))
        return dossier_cli_usage_error (context, _("Unknown category: use learning, health or other"));
      query->category = c;
    }
  if (limit < 0 || offset < 0)
    return dossier_cli_usage_error (context, _("--limit and --offset take numbers of zero or more"));
  query->person_id = person;
  query->limit = (guint) limit;
  query->offset = (guint) offset;
  return run_query (cli, query, as_json);
}

static int
command_search (Cli   *cli,
                int    argc,
                char **argv)
{
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (N_("WORDS…"), _("Find records by words of their title, issuer or content; accents and case do not matter."), entries);
  g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return dossier_cli_usage_error (context, _("Say what to search for"));
  query->text = g_strjoinv (" ", argv + 1);
  return run_query (cli, query, as_json);
}

static int
command_show (Cli   *cli,
              int    argc,
              char **argv)
{
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (N_("ID"), _("Show one record in full."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(DossierRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  DossierVerdict *verdict;
  gint64 id;
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 2 || !dossier_cli_parse_id (argv[1], &id))
    return dossier_cli_usage_error (context, _("Give the number of one record, as “list” shows it"));
  if ((status = dossier_cli_unlock (cli)) >= 0)
    return status;
  record = dossier_vault_get_record_finish (vault,
                                            CALL (cli, dossier_vault_get_record_async (vault, id, NULL, dossier_cli_on_result, cli)),
                                            &error);
  if (record == NULL)
    return dossier_cli_fail (error);

  if (as_json)
    {
      g_autoptr(JsonNode) node = dossier_record_to_json (record);
      GBytes *original = dossier_record_get_original (record);

      if (original != NULL)
        {
          g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, original);
          json_object_set_string_member (json_node_get_object (node), "sha256", digest);
        }
      dossier_cli_print_json (node);
      return DOSSIER_CLI_EXIT_OK;
    }

  verdict = dossier_record_get_verdict (record);
  g_print ("%s\n", dossier_record_get_title (record));
  g_print (_("  Number:    %lld\n"), (long long) dossier_record_get_id (record));
  g_print (_("  Kind:      %s\n"), dossier_record_kind_get_label (dossier_record_get_kind (record)));
  if (dossier_record_get_issuer_name (record) != NULL)
    g_print (_("  Issuer:    %s\n"), dossier_record_get_issuer_name (record));
  if (dossier_record_get_issued (record) != NULL)
    g_print (_("  Issued:    %s\n"), dossier_record_get_issued (record));
  if (dossier_record_get_source (record) != NULL)
    g_print (_("  Source:    %s\n"), dossier_record_get_source (record));
  if (dossier_record_get_media_type (record) != NULL)
    g_print (_("  Type:      %s\n"), dossier_record_get_media_type (record));
  if (dossier_record_get_original (record) != NULL)
    g_print (_("  Size:      %zu bytes\n"), g_bytes_get_size (dossier_record_get_original (record)));
  for (guint i = 0; i < DOSSIER_N_VERDICT_PARTS; i++)
    g_print ("  %-10s %s: %s\n", dossier_verdict_part_to_string (i),
             dossier_check_state_to_string (dossier_verdict_get_state (verdict, i)),
             dossier_verdict_get_reason (verdict, i) ?: "");
  return DOSSIER_CLI_EXIT_OK;
}

static int
command_delete (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = dossier_cli_command_context (N_("ID"), _("Delete one record and its original file."), NULL);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 2 || !dossier_cli_parse_id (argv[1], &id))
    return dossier_cli_usage_error (context, _("Give the number of one record, as “list” shows it"));
  if ((status = dossier_cli_unlock (cli)) >= 0)
    return status;
  if (!dossier_vault_delete_record_finish (vault,
                                           CALL (cli, dossier_vault_delete_record_async (vault, id, NULL, dossier_cli_on_result, cli)),
                                           &error))
    return dossier_cli_fail (error);
  g_print (_("Deleted record %lld\n"), (long long) id);
  return DOSSIER_CLI_EXIT_OK;
}

static int
command_log (Cli   *cli,
             int    argc,
             char **argv)
{
  gboolean as_json = FALSE;
  int limit = 100;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many entries (default 100, 0 for all)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (NULL, _("Show the audit log: what was imported, verified, shared, exported or deleted, and when."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GPtrArray) entries_found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc > 1 || limit < 0)
    return dossier_cli_usage_error (context, _("log takes no arguments"));
  if ((status = dossier_cli_unlock (cli)) >= 0)
    return status;
  entries_found = dossier_vault_list_audit_finish (vault,
                                                   CALL (cli, dossier_vault_list_audit_async (vault, 0, (guint) limit,
                                                                                              NULL, dossier_cli_on_result, cli)),
                                                   &error);
  if (entries_found == NULL)
    return dossier_cli_fail (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries_found->len; i++)
    {
      DossierAuditEntry *entry = g_ptr_array_index (entries_found, i);
      g_autofree char *when = dossier_format_timestamp (dossier_audit_entry_get_timestamp (entry));
      const char *detail = dossier_audit_entry_get_detail (entry);

      if (!as_json)
        {
          g_print ("%s  %-28s  %s\n", when, dossier_audit_entry_get_description (entry), detail ?: "");
          continue;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "at");
      json_builder_add_string_value (builder, when);
      json_builder_set_member_name (builder, "action");
      json_builder_add_string_value (builder, dossier_audit_action_to_string (dossier_audit_entry_get_action (entry)));
      json_builder_set_member_name (builder, "subject");
      json_builder_add_string_value (builder, dossier_audit_entry_get_subject (entry));
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (as_json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      dossier_cli_print_json (root);
    }
  return DOSSIER_CLI_EXIT_OK;
}

static int
command_passwd (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autofree char *new_file = NULL;
  GOptionEntry entries[] = {
    { "new-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file, N_("Read the new passphrase from FILE (else DOSSIER_NEW_PASSPHRASE, else a prompt)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (NULL, _("Change the vault’s passphrase; the database is re-encrypted under the new key."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  char *old_passphrase, *new_passphrase;
  gboolean ok;
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return dossier_cli_usage_error (context, _("passwd takes no arguments"));
  old_passphrase = dossier_cli_read_passphrase (cli->passphrase_file, "DOSSIER_PASSPHRASE",
                                                _("Current passphrase: "), NULL, &error);
  if (old_passphrase == NULL)
    return dossier_cli_usage_error (context, error->message);
  new_passphrase = dossier_cli_read_passphrase (new_file, "DOSSIER_NEW_PASSPHRASE", _("New passphrase: "),
                                                _("Repeat the new passphrase: "), &error);
  if (new_passphrase == NULL || *new_passphrase == '\0')
    {
      dossier_secure_strfree (old_passphrase);
      dossier_secure_strfree (new_passphrase);
      return dossier_cli_usage_error (context, error != NULL ? error->message : _("The passphrase must not be empty"));
    }
  ok = dossier_vault_open_finish (vault, CALL (cli, dossier_vault_open_async (vault, old_passphrase, NULL,
                                                                             dossier_cli_on_result, cli)), &error) &&
       dossier_vault_change_passphrase_finish (vault,
                                               CALL (cli, dossier_vault_change_passphrase_async (vault, old_passphrase,
                                                                                                 new_passphrase, NULL,
                                                                                                 dossier_cli_on_result, cli)),
                                               &error);
  dossier_secure_strfree (old_passphrase);
  dossier_secure_strfree (new_passphrase);
  if (!ok)
    return dossier_cli_fail (error);
  g_print (_("Passphrase changed\n"));
  return DOSSIER_CLI_EXIT_OK;
}


static const Command commands[] = {
  { "init", "", N_("Create a new encrypted vault"), command_init },
  { "import", N_("FILE…"), N_("Keep files in the vault"), command_import },
  { "list", "", N_("List records, newest first"), command_list },
  { "show", N_("ID"), N_("Show one record"), command_show },
  { "search", N_("WORDS…"), N_("Find records; accents and case do not matter"), command_search },
  { "delete", N_("ID"), N_("Delete a record"), command_delete },
  { "log", "", N_("Show the audit log"), command_log },
  { "passwd", "", N_("Change the passphrase"), command_passwd },
  { "reverify", N_("[ID…]"), N_("Check kept records again and store the new verdicts"), dossier_cli_command_reverify },
  { "backup", N_("--out FILE"), N_("Write an encrypted backup of the vault"), dossier_cli_command_backup },
  { "restore", N_("FILE"), N_("Create the vault from an encrypted backup"), dossier_cli_command_restore },
  { "trust", N_("add|list|refresh|remove"), N_("Manage the keys and certificates you trust"), dossier_cli_command_trust },
  { "service", N_("ACTION…"), N_("Fetch your records from national services"), dossier_cli_command_service },
  { "receive", N_("OFFER"), N_("Receive the credentials of an issuer’s offer"), dossier_cli_command_receive },
  { "verify", N_("INPUT…"), N_("Check health cards and credentials; nothing is stored"), dossier_cli_command_verify },
};

static char *
commands_description (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *head = g_strdup_printf ("%s %s", commands[i].name, _(commands[i].args));
      g_string_append_printf (text, "  %-18s %s\n", head, _(commands[i].summary));
    }
  g_string_append (text, _("\nThe passphrase comes from --passphrase-file, the DOSSIER_PASSPHRASE variable, or a prompt.\n"
                           "“dossier-cli COMMAND --help” tells more about each command."));
  return g_string_free (text, FALSE);
}

int
dossier_cli_run (int    argc,
                 char **argv)
{
  Cli cli = { 0 };
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "vault", 0, 0, G_OPTION_ARG_FILENAME, &cli.vault_dir, N_("The vault folder (default: ~/.local/share/dossier)"), N_("DIR") },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &cli.passphrase_file, N_("Read the passphrase from FILE"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  int status = DOSSIER_CLI_EXIT_USAGE;

  setlocale (LC_ALL, "");
  /* DOSSIER_LOCALEDIR points an uninstalled build at its own catalogues. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DOSSIER_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  description = commands_description ();
  context = dossier_cli_command_context (N_("COMMAND [ARGUMENTS…]"), _("Keep, search and check personal records in an encrypted Dossier vault."), entries);
  g_option_context_set_description (context, description);
  /* Options after the command name belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return dossier_cli_usage_error (context, error->message);
  if (version)
    {
      g_print ("dossier-cli %s\n", PACKAGE_VERSION);
      return DOSSIER_CLI_EXIT_OK;
    }
  if (argc < 2)
    return dossier_cli_usage_error (context, _("Name a command"));

  if (cli.vault_dir == NULL)
    cli.vault_dir = dossier_wallet_get_default_vault_directory ();
  cli.wallet = dossier_wallet_new (cli.vault_dir);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (argv[1], commands[i].name) == 0)
      {
        g_autofree char *prgname = g_strdup_printf ("dossier-cli %s", commands[i].name);

        g_set_prgname (prgname);
        status = commands[i].func (&cli, argc - 1, argv + 1);
        goto out;
      }
  g_printerr (_("dossier-cli: unknown command “%s”; see dossier-cli --help\n"), argv[1]);

out:
  g_clear_object (&cli.result);
  g_clear_object (&cli.wallet);
  g_free (cli.vault_dir);
  g_free (cli.passphrase_file);
  return status;
}
