// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-cli.h"

#include "dossier-cli-passphrase.h"
#include "dossier-secret.h"
#include "dossier-utils.h"
#include "dossier-verifier.h"
#include "dossier-wallet.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  char          *vault_dir;
  char          *passphrase_file;
  DossierWallet *wallet;
  GAsyncResult  *result;
} Cli;

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
static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Cli *cli = user_data;

  cli->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (Cli *cli)
{
  g_clear_object (&cli->result);
  while (cli->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return cli->result;
}

#define CALL(cli, expr) ((expr), wait_result (cli))

static int
fail (GError *error)
{
  g_printerr ("dossier-cli: %s\n", error->message);
  return DOSSIER_CLI_EXIT_FAILED;
}

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("dossier-cli: %s\n\n%s", message, help);
  return DOSSIER_CLI_EXIT_USAGE;
}

static GOptionContext *
command_context (const char   *parameters,
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
static int
parse_command (GOptionContext  *context,
               int             *argc,
               char          ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    return usage_error (context, error->message);
  return -1;
}

static int
unlock (Cli *cli)
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
  ok = dossier_vault_open_finish (vault, CALL (cli, dossier_vault_open_async (vault, passphrase, NULL, on_result, cli)),
                                  &error);
  dossier_secure_strfree (passphrase);
  return ok ? -1 : fail (error);
}

/* The trust anchors kept in the vault join those given on the command line. */
static int
load_vault_trust (Cli *cli)
{
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(GError) error = NULL;

  anchors = dossier_vault_list_anchors_finish (vault, CALL (cli, dossier_vault_list_anchors_async (vault, NULL, on_result, cli)),
                                               &error);
  if (anchors == NULL)
    return fail (error);
  for (guint i = 0; i < anchors->len; i++)
    dossier_trust_registry_add_anchor (dossier_wallet_get_trust (cli->wallet), g_ptr_array_index (anchors, i));
  return -1;
}

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

static void
print_json (JsonNode *node)
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
      print_json (node);
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
  g_autoptr(GOptionContext) context = command_context (NULL, _("Create a new encrypted vault."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  DossierKdfParams params;
  char *passphrase;
  gboolean ok;
  int status;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return usage_error (context, _("init takes no arguments"));
  params.iterations = (guint) MAX (iterations, 0);
  params.memory_kib = (guint) MAX (memory, 0);
  params.parallelism = DOSSIER_VAULT_KDF_DEFAULT_PARALLELISM;
  if (!dossier_kdf_params_validate (&params, &error))
    return usage_error (context, error->message);

  passphrase = dossier_cli_read_passphrase (cli->passphrase_file, "DOSSIER_PASSPHRASE",
                                            _("New passphrase: "), _("Repeat the passphrase: "), &error);
  if (passphrase == NULL)
    return usage_error (context, error->message);
  if (*passphrase == '\0')
    {
      dossier_secure_strfree (passphrase);
      return usage_error (context, _("The passphrase must not be empty"));
    }
  ok = dossier_vault_create_finish (vault,
                                    CALL (cli, dossier_vault_create_async (vault, passphrase, &params, owner,
                                                                           NULL, on_result, cli)),
                                    &error);
  dossier_secure_strfree (passphrase);
  if (!ok)
    return fail (error);
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
  g_autoptr(GOptionContext) context = command_context (N_("FILE…"), _("Keep files in the vault, each in one step: a file that fails changes nothing."), entries);
  int status, exit_code = DOSSIER_CLI_EXIT_OK;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return usage_error (context, _("Name at least one file to import"));
  if ((status = unlock (cli)) >= 0 || (status = load_vault_trust (cli)) >= 0)
    return status;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GError) error = NULL;

      records = dossier_wallet_import_file_finish (cli->wallet,
                                                   CALL (cli, dossier_wallet_import_file_async (cli->wallet, file, person,
                                                                                                NULL, on_result, cli)),
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

  if ((status = unlock (cli)) >= 0)
    return status;
  records = dossier_vault_query_records_finish (vault,
                                                CALL (cli, dossier_vault_query_records_async (vault, query, NULL,
                                                                                              on_result, cli)),
                                                &error);
  if (records == NULL)
    return fail (error);
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
  g_autoptr(GOptionContext) context = command_context (NULL, _("List the records in the vault, newest first."), entries);
  g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
  int status;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return usage_error (context, _("list takes no arguments"));
  if (kind != NULL)
    {
      DossierRecordKind k;

      if (!dossier_record_kind_from_string (kind, &k))
        return usage_error (context, _("Unknown record kind"));
      query->kind = k;
    }
  if (category != NULL)
    {
      DossierRecordCategory c;

      if (!dossier_record_category_from_string (category, &c))
        return usage_error (context, _("Unknown category: use learning, health or other"));
      query->category = c;
    }
  if (limit < 0 || offset < 0)
    return usage_error (context, _("--limit and --offset take numbers of zero or more"));
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
  g_autoptr(GOptionContext) context = command_context (N_("WORDS…"), _("Find records by words of their title, issuer or content; accents and case do not matter."), entries);
  g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
  int status;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return usage_error (context, _("Say what to search for"));
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
  g_autoptr(GOptionContext) context = command_context (N_("ID"), _("Show one record in full."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(DossierRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  DossierVerdict *verdict;
  gint64 id;
  int status;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 2 || !parse_id (argv[1], &id))
    return usage_error (context, _("Give the number of one record, as “list” shows it"));
  if ((status = unlock (cli)) >= 0)
    return status;
  record = dossier_vault_get_record_finish (vault,
                                            CALL (cli, dossier_vault_get_record_async (vault, id, NULL, on_result, cli)),
                                            &error);
  if (record == NULL)
    return fail (error);

  if (as_json)
    {
      g_autoptr(JsonNode) node = dossier_record_to_json (record);
      GBytes *original = dossier_record_get_original (record);

      if (original != NULL)
        {
          g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, original);
          json_object_set_string_member (json_node_get_object (node), "sha256", digest);
        }
      print_json (node);
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
  g_autoptr(GOptionContext) context = command_context (N_("ID"), _("Delete one record and its original file."), NULL);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 2 || !parse_id (argv[1], &id))
    return usage_error (context, _("Give the number of one record, as “list” shows it"));
  if ((status = unlock (cli)) >= 0)
    return status;
  if (!dossier_vault_delete_record_finish (vault,
                                           CALL (cli, dossier_vault_delete_record_async (vault, id, NULL, on_result, cli)),
                                           &error))
    return fail (error);
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
  g_autoptr(GOptionContext) context = command_context (NULL, _("Show the audit log: what was imported, verified, shared, exported or deleted, and when."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GPtrArray) entries_found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int status;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc > 1 || limit < 0)
    return usage_error (context, _("log takes no arguments"));
  if ((status = unlock (cli)) >= 0)
    return status;
  entries_found = dossier_vault_list_audit_finish (vault,
                                                   CALL (cli, dossier_vault_list_audit_async (vault, 0, (guint) limit,
                                                                                              NULL, on_result, cli)),
                                                   &error);
  if (entries_found == NULL)
    return fail (error);

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
      print_json (root);
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
  g_autoptr(GOptionContext) context = command_context (NULL, _("Change the vault’s passphrase; the database is re-encrypted under the new key."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  char *old_passphrase, *new_passphrase;
  gboolean ok;
  int status;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return usage_error (context, _("passwd takes no arguments"));
  old_passphrase = dossier_cli_read_passphrase (cli->passphrase_file, "DOSSIER_PASSPHRASE",
                                                _("Current passphrase: "), NULL, &error);
  if (old_passphrase == NULL)
    return usage_error (context, error->message);
  new_passphrase = dossier_cli_read_passphrase (new_file, "DOSSIER_NEW_PASSPHRASE", _("New passphrase: "),
                                                _("Repeat the new passphrase: "), &error);
  if (new_passphrase == NULL || *new_passphrase == '\0')
    {
      dossier_secure_strfree (old_passphrase);
      dossier_secure_strfree (new_passphrase);
      return usage_error (context, error != NULL ? error->message : _("The passphrase must not be empty"));
    }
  ok = dossier_vault_open_finish (vault, CALL (cli, dossier_vault_open_async (vault, old_passphrase, NULL,
                                                                             on_result, cli)), &error) &&
       dossier_vault_change_passphrase_finish (vault,
                                               CALL (cli, dossier_vault_change_passphrase_async (vault, old_passphrase,
                                                                                                 new_passphrase, NULL,
                                                                                                 on_result, cli)),
                                               &error);
  dossier_secure_strfree (old_passphrase);
  dossier_secure_strfree (new_passphrase);
  if (!ok)
    return fail (error);
  g_print (_("Passphrase changed\n"));
  return DOSSIER_CLI_EXIT_OK;
}


static GBytes *
read_input (const char  *path,
            GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) file_stream = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[65536];
  gssize got;

  if (g_str_equal (path, "-"))
    stream = g_unix_input_stream_new (0, FALSE);
  else
    {
      file = g_file_new_for_commandline_arg (path);
      file_stream = g_file_read (file, NULL, error);
      if (file_stream == NULL)
        return NULL;
      stream = G_INPUT_STREAM (g_steal_pointer (&file_stream));
    }
  /* Read one byte past the limit, so that an oversized input is told apart. */
  while ((got = g_input_stream_read (stream, buffer, sizeof buffer, NULL, error)) > 0)
    {
      g_byte_array_append (data, buffer, (guint) got);
      if (data->len > DOSSIER_VERIFY_MAX_INPUT)
        break;
    }
  if (got < 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static void
print_verification (DossierVerification *result,
                    gboolean             as_json)
{
  g_autoptr(JsonNode) node = dossier_verification_to_json (result);
  JsonObject *object = json_node_get_object (node);
  JsonArray *checks = json_object_get_array_member (object, "checks");

  if (as_json)
    {
      print_json (node);
      return;
    }
  g_print ("%s: %s (%s)\n", json_object_get_string_member (object, "input"),
           json_object_get_string_member (object, "verdict"), json_object_get_string_member (object, "format"));
  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      g_print ("  %s %-14s %s\n", json_object_get_boolean_member (check, "ok") ? "✓" : "✗",
               json_object_get_string_member (check, "name"),
               json_object_get_string_member_with_default (check, "detail", ""));
    }
  if (!json_object_get_boolean_member (object, "time_checked"))
    g_print (_("  Validity period not checked (--no-time-check)\n"));
  for (guint i = 0; i < dossier_verification_get_records (result)->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (dossier_verification_get_records (result), i);

      g_print ("  • %s %s\n", dossier_record_get_issued (record) ?: "", dossier_record_get_title (record));
    }
}

static int
command_verify (Cli   *cli,
                int    argc,
                char **argv)
{
  g_auto(GStrv) trust = NULL;
  g_autofree char *at_text = NULL;
  g_autofree char *aud = NULL;
  g_autofree char *nonce = NULL;
  gboolean no_time_check = FALSE, offline = FALSE, as_json = FALSE;
  GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust, N_("Trust the keys in PATH (a JWK or JWKS file, or a folder of them) for this run"), N_("PATH") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("Check validity as of this RFC 3339 time instead of now"), N_("TIME") },
    { "no-time-check", 0, 0, G_OPTION_ARG_NONE, &no_time_check, N_("Check signatures and trust but no validity period"), NULL },
    { "aud", 0, 0, G_OPTION_ARG_STRING, &aud, N_("The audience a presentation’s key binding must name"), N_("A") },
    { "nonce", 0, 0, G_OPTION_ARG_STRING, &nonce, N_("The nonce a presentation’s key binding must carry"), N_("N") },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline, N_("Use no network: keys and status only from --trust"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object per input"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (N_("INPUT…"), _("Check the signature, issuer and validity of health cards and credentials. INPUT is a file or - for standard input. Nothing is stored."), entries);
  g_autoptr(DossierTrustRegistry) registry = dossier_trust_registry_new ();
  g_autoptr(GDateTime) at = NULL;
  int status, exit_code = DOSSIER_CLI_EXIT_OK;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return usage_error (context, _("Name at least one input to verify"));
  if (at_text != NULL && no_time_check)
    return usage_error (context, _("--at and --no-time-check exclude each other"));
  if (at_text != NULL && (at = g_date_time_new_from_iso8601 (at_text, NULL)) == NULL)
    return usage_error (context, _("--at takes an RFC 3339 time such as 2024-06-01T00:00:00Z"));
  if (at == NULL && !no_time_check)
    at = g_date_time_new_now_utc ();
  for (guint i = 0; trust != NULL && trust[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!dossier_trust_registry_add_path (registry, trust[i], &error))
        {
          g_printerr ("dossier-cli: --trust %s: %s\n", trust[i], error->message);
          return DOSSIER_CLI_EXIT_USAGE;
        }
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = read_input (argv[i], &error);
      g_autoptr(DossierVerification) result = NULL;

      if (bytes == NULL)
        {
          result = dossier_verification_new (argv[i]);
          dossier_verification_set_error (result, "unreadable", error->message);
          print_verification (result, as_json);
          exit_code = DOSSIER_CLI_EXIT_USAGE;
          continue;
        }
      result = dossier_verify_bytes (bytes, argv[i], registry, at);
      print_verification (result, as_json);
      if (!g_str_equal (dossier_verification_get_summary (result), "valid") && exit_code == DOSSIER_CLI_EXIT_OK)
        exit_code = DOSSIER_CLI_EXIT_FAILED;
    }
  return exit_code;
}

static int
reverify_one (Cli    *cli,
              gint64  id,
              guint  *failures)
{
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(DossierRecord) record = NULL;
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(DossierVerdict) verdict = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  record = dossier_vault_get_record_finish (vault, CALL (cli, dossier_vault_get_record_async (vault, id, NULL, on_result, cli)),
                                            &error);
  if (record == NULL)
    return fail (error);
  if (dossier_record_get_original (record) == NULL || g_strcmp0 (dossier_record_get_format (record), "document") == 0 ||
      dossier_record_get_parent_uuid (record) != NULL)
    return -1;   /* nothing of its own to check */

  result = dossier_verify_bytes (dossier_record_get_original (record), dossier_record_get_title (record),
                                 dossier_wallet_get_trust (cli->wallet), now);
  verdict = dossier_verification_to_verdict (result);
  dossier_record_set_verdict (record, verdict);
  dossier_record_set_checked_at (record, now);
  if (!dossier_vault_update_verdict_finish (vault, CALL (cli, dossier_vault_update_verdict_async (vault, record, NULL,
                                                                                                  on_result, cli)),
                                            &error))
    return fail (error);
  g_print ("%6lld  %-10s  %s\n", (long long) id, dossier_verification_get_summary (result), dossier_record_get_title (record));
  if (!g_str_equal (dossier_verification_get_summary (result), "valid"))
    (*failures)++;
  return -1;
}

static int
command_reverify (Cli   *cli,
                  int    argc,
                  char **argv)
{
  g_auto(GStrv) trust = NULL;
  GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust, N_("Also trust the keys in PATH for this run"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (N_("[ID…]"), _("Check the kept records again (all when no number is given) and store the new verdicts."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint failures = 0;
  int status;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  for (int i = 1; i < argc; i++)
    {
      gint64 id;

      if (!parse_id (argv[i], &id))
        return usage_error (context, _("Give the numbers of records, as “list” shows them"));
      g_array_append_val (ids, id);
    }
  for (guint i = 0; trust != NULL && trust[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!dossier_trust_registry_add_path (dossier_wallet_get_trust (cli->wallet), trust[i], &error))
        {
          g_printerr ("dossier-cli: --trust %s: %s\n", trust[i], error->message);
          return DOSSIER_CLI_EXIT_USAGE;
        }
    }
  if ((status = unlock (cli)) >= 0 || (status = load_vault_trust (cli)) >= 0)
    return status;
  if (ids->len == 0)
    {
      g_autoptr(GPtrArray) all = NULL;
      g_autoptr(GError) error = NULL;

      all = dossier_vault_query_records_finish (vault, CALL (cli, dossier_vault_query_records_async (vault, NULL, NULL,
                                                                                                     on_result, cli)),
                                                &error);
      if (all == NULL)
        return fail (error);
      for (guint i = 0; i < all->len; i++)
        {
          gint64 id = dossier_record_get_id (g_ptr_array_index (all, i));
          g_array_append_val (ids, id);
        }
    }
  for (guint i = 0; i < ids->len; i++)
    if ((status = reverify_one (cli, g_array_index (ids, gint64, i), &failures)) >= 0)
      return status;
  return failures > 0 ? DOSSIER_CLI_EXIT_FAILED : DOSSIER_CLI_EXIT_OK;
}

static int
trust_add (Cli        *cli,
           const char *path,
           const char *name,
           const char *scope)
{
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(DossierTrustRegistry) check = dossier_trust_registry_new ();
  g_autoptr(DossierTrustAnchor) anchor = NULL;
  g_autoptr(GBytes) material = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("dossier-cli: %s\n", error->message);
      return DOSSIER_CLI_EXIT_USAGE;
    }
  material = g_bytes_new_take (g_steal_pointer (&contents), length);
  anchor = dossier_trust_anchor_new (name != NULL ? name : base, path, scope, material);
  dossier_trust_registry_add_anchor (check, anchor);
  keys = dossier_key_source_find_keys (DOSSIER_KEY_SOURCE (check), NULL, NULL);
  certificates = dossier_key_source_find_certificates (DOSSIER_KEY_SOURCE (check), NULL);
  if (keys->len == 0 && certificates->len == 0)
    {
      g_printerr (_("dossier-cli: %s holds no key or certificate Dossier can use\n"), path);
      return DOSSIER_CLI_EXIT_FAILED;
    }
  if (!dossier_vault_add_anchor_finish (vault, CALL (cli, dossier_vault_add_anchor_async (vault, anchor, NULL, on_result, cli)),
                                        &error))
    return fail (error);
  g_print (_("Trusted %s as anchor %lld\n"), dossier_trust_anchor_get_name (anchor),
           (long long) dossier_trust_anchor_get_id (anchor));
  return DOSSIER_CLI_EXIT_OK;
}

static int
command_trust (Cli   *cli,
               int    argc,
               char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *scope = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("A name for the anchor (default: the file name)"), N_("NAME") },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope, N_("What it may vouch for: learning, health or all (default)"), N_("SCOPE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (N_("add PATH | list | remove ID"), _("Keep the issuer keys and signer certificates you trust in the vault; imports and reverify use them."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (scope != NULL && !g_strv_contains ((const char *[]) { "learning", "health", "all", NULL }, scope))
    return usage_error (context, _("--scope takes learning, health or all"));
  if (!(argc == 3 && g_str_equal (argv[1], "add")) && !(argc == 2 && g_str_equal (argv[1], "list")) &&
      !(argc == 3 && g_str_equal (argv[1], "remove")))
    return usage_error (context, _("Say “add PATH”, “list” or “remove ID”"));
  if ((status = unlock (cli)) >= 0)
    return status;

  if (g_str_equal (argv[1], "add"))
    return trust_add (cli, argv[2], name, scope);
  if (g_str_equal (argv[1], "remove"))
    {
      gint64 id;

      if (!parse_id (argv[2], &id))
        return usage_error (context, _("Give the number of one anchor, as “trust list” shows it"));
      if (!dossier_vault_remove_anchor_finish (vault, CALL (cli, dossier_vault_remove_anchor_async (vault, id, NULL, on_result, cli)),
                                               &error))
        return fail (error);
      return DOSSIER_CLI_EXIT_OK;
    }
  {
    g_autoptr(GPtrArray) anchors = dossier_vault_list_anchors_finish (vault, CALL (cli, dossier_vault_list_anchors_async (vault, NULL,
                                                                                                                         on_result, cli)),
                                                                      &error);
    if (anchors == NULL)
      return fail (error);
    for (guint i = 0; i < anchors->len; i++)
      {
        DossierTrustAnchor *anchor = g_ptr_array_index (anchors, i);

        g_print ("%6lld  %-9s %s  (%s)\n", (long long) dossier_trust_anchor_get_id (anchor),
                 dossier_trust_anchor_get_scope (anchor), dossier_trust_anchor_get_name (anchor),
                 dossier_trust_anchor_get_source (anchor) ?: "");
      }
  }
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
  { "reverify", N_("[ID…]"), N_("Check kept records again and store the new verdicts"), command_reverify },
  { "trust", N_("add|list|remove"), N_("Manage the keys and certificates you trust"), command_trust },
  { "verify", N_("INPUT…"), N_("Check health cards and credentials; nothing is stored"), command_verify },
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
  context = command_context (N_("COMMAND [ARGUMENTS…]"), _("Keep, search and check personal records in an encrypted Dossier vault."), entries);
  g_option_context_set_description (context, description);
  /* Options after the command name belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (version)
    {
      g_print ("dossier-cli %s\n", PACKAGE_VERSION);
      return DOSSIER_CLI_EXIT_OK;
    }
  if (argc < 2)
    return usage_error (context, _("Name a command"));

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
