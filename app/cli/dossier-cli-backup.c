// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-cli-passphrase.h"
#include "dossier-cli-private.h"
#include "dossier-recovery-key.h"
#include "dossier-secret.h"

#include <glib/gi18n.h>
#include <string.h>

/* dossier-cli backup and restore.  A backup is protected by a passphrase
 * (the vault's own unless --backup-passphrase-file or
 * DOSSIER_BACKUP_PASSPHRASE gives another) or by a recovery key of 24 words
 * that is printed once, on standard output, and kept nowhere. */

static gboolean
kdf_params_from_options (int               iterations,
                         int               memory,
                         DossierKdfParams *params,
                         GError          **error)
{
  params->iterations = (guint) MAX (iterations, 0);
  params->memory_kib = (guint) MAX (memory, 0);
  params->parallelism = DOSSIER_VAULT_KDF_DEFAULT_PARALLELISM;
  return dossier_kdf_params_validate (params, error);
}

/* The backup's passphrase when one is given apart from the vault's, else
 * NULL (with no error). */
static char *
read_backup_passphrase (const char  *file,
                        GError     **error)
{
  if (file == NULL && g_getenv ("DOSSIER_BACKUP_PASSPHRASE") == NULL)
    return NULL;
  return dossier_cli_read_passphrase (file, "DOSSIER_BACKUP_PASSPHRASE", _("Backup passphrase: "), NULL, error);
}

static void
print_recovery_key (const char   *path,
                    const guint8 *key)
{
  char *words = dossier_recovery_key_to_words (key);
  char **list = g_strsplit (words, " ", -1);

  g_print (_("Recovery key for %s\n"
             "Write these 24 words down on paper and keep them somewhere safe. They are shown only this once,\n"
             "they are stored nowhere, and without them the backup cannot be opened.\n\n"), path);
  for (guint i = 0; list[i] != NULL; i++)
    g_print ("%s%s%s", i % 6 == 0 ? "  " : "", list[i], i % 6 == 5 ? "\n" : " ");
  g_print ("\n");
  for (guint i = 0; list[i] != NULL; i++)
    dossier_secure_wipe (list[i], strlen (list[i]));
  g_strfreev (list);
  dossier_secure_strfree (words);
}

int
dossier_cli_command_backup (Cli   *cli,
                            int    argc,
                            char **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *backup_passphrase_file = NULL;
  gboolean use_recovery_key = FALSE;
  int iterations = DOSSIER_VAULT_KDF_DEFAULT_ITERATIONS;
  int memory = DOSSIER_VAULT_KDF_DEFAULT_MEMORY_KIB;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write the backup to FILE"), N_("FILE") },
    { "recovery-key", 0, 0, G_OPTION_ARG_NONE, &use_recovery_key, N_("Protect the backup with a new 24-word recovery key, printed once"), NULL },
    { "backup-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &backup_passphrase_file, N_("Protect the backup with the passphrase in FILE instead of the vault’s"), N_("FILE") },
    { "kdf-iterations", 0, 0, G_OPTION_ARG_INT, &iterations, N_("Argon2id passes (default 3)"), N_("N") },
    { "kdf-memory", 0, 0, G_OPTION_ARG_INT, &memory, N_("Argon2id memory in KiB (default 65536)"), N_("KIB") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (NULL, _("Write an encrypted backup of the whole vault to one file."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  DossierKdfParams params;
  char *vault_passphrase = NULL;
  char *passphrase = NULL;
  guint8 *key = NULL;
  gboolean ok;
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc > 1)
    return dossier_cli_usage_error (context, _("backup takes no arguments"));
  if (out == NULL)
    return dossier_cli_usage_error (context, _("Name the backup file with --out FILE"));
  if (use_recovery_key && backup_passphrase_file != NULL)
    return dossier_cli_usage_error (context, _("Choose either --recovery-key or --backup-passphrase-file"));
  if (!kdf_params_from_options (iterations, memory, &params, &error))
    return dossier_cli_usage_error (context, error->message);

  if (!use_recovery_key)
    {
      passphrase = read_backup_passphrase (backup_passphrase_file, &error);
      if (passphrase == NULL && error != NULL)
        return dossier_cli_usage_error (context, error->message);
      if (passphrase != NULL && *passphrase == '\0')
        {
          dossier_secure_strfree (passphrase);
          return dossier_cli_usage_error (context, _("The passphrase must not be empty"));
        }
    }
  if ((status = dossier_cli_unlock_keep (cli, &vault_passphrase)) >= 0)
    {
      dossier_secure_strfree (passphrase);
      return status;
    }
  if (passphrase == NULL && !use_recovery_key)
    passphrase = g_steal_pointer (&vault_passphrase);
  dossier_secure_strfree (vault_passphrase);

  if (use_recovery_key)
    {
      key = dossier_secure_alloc (DOSSIER_RECOVERY_KEY_SIZE);
      if (!dossier_recovery_key_generate (key))
        {
          dossier_secure_free (key, DOSSIER_RECOVERY_KEY_SIZE);
          g_printerr (_("dossier-cli: the system’s random number generator is not available\n"));
          return DOSSIER_CLI_EXIT_FAILED;
        }
    }
  ok = dossier_vault_backup_finish (vault,
                                    CALL (cli, dossier_vault_backup_async (vault, out, passphrase, key, &params, NULL,
                                                                           dossier_cli_on_result, cli)),
                                    &error);
  dossier_secure_strfree (passphrase);
  if (ok && key != NULL)
    print_recovery_key (out, key);
  if (key != NULL)
    dossier_secure_free (key, DOSSIER_RECOVERY_KEY_SIZE);
  if (!ok)
    return dossier_cli_fail (error);
  g_print (_("Wrote an encrypted backup of the vault to %s\n"), out);
  return DOSSIER_CLI_EXIT_OK;
}

/* The 24 words from --recovery-key-file, DOSSIER_RECOVERY_KEY or a prompt,
 * as the key; NULL with @error set when they are missing or wrong. */
static guint8 *
read_recovery_key (const char  *file,
                   GError     **error)
{
  char *words = dossier_cli_read_passphrase (file, "DOSSIER_RECOVERY_KEY", _("Recovery key (24 words): "), NULL, error);
  guint8 *key;

  if (words == NULL)
    return NULL;
  key = dossier_secure_alloc (DOSSIER_RECOVERY_KEY_SIZE);
  if (!dossier_recovery_key_from_words (words, key, error))
    {
      dossier_secure_free (key, DOSSIER_RECOVERY_KEY_SIZE);
      key = NULL;
    }
  dossier_secure_strfree (words);
  return key;
}

typedef struct
{
  guint8 *key;
  char   *backup_passphrase;
  char   *new_passphrase;
} RestoreSecrets;

static void
restore_secrets_clear (RestoreSecrets *secrets)
{
  if (secrets->key != NULL)
    dossier_secure_free (secrets->key, DOSSIER_RECOVERY_KEY_SIZE);
  dossier_secure_strfree (secrets->backup_passphrase);
  dossier_secure_strfree (secrets->new_passphrase);
  memset (secrets, 0, sizeof *secrets);
}

int
dossier_cli_command_restore (Cli   *cli,
                             int    argc,
                             char **argv)
{
  g_autofree char *recovery_key_file = NULL;
  g_autofree char *backup_passphrase_file = NULL;
  gboolean use_recovery_key = FALSE;
  int iterations = DOSSIER_VAULT_KDF_DEFAULT_ITERATIONS;
  int memory = DOSSIER_VAULT_KDF_DEFAULT_MEMORY_KIB;
  GOptionEntry entries[] = {
    { "recovery-key", 0, 0, G_OPTION_ARG_NONE, &use_recovery_key, N_("Open the backup with its 24-word recovery key"), NULL },
    { "recovery-key-file", 0, 0, G_OPTION_ARG_FILENAME, &recovery_key_file, N_("Read the recovery key’s words from FILE"), N_("FILE") },
    { "backup-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &backup_passphrase_file, N_("Read the backup’s passphrase from FILE when it is not the new vault’s"), N_("FILE") },
    { "kdf-iterations", 0, 0, G_OPTION_ARG_INT, &iterations, N_("Argon2id passes for the new vault (default 3)"), N_("N") },
    { "kdf-memory", 0, 0, G_OPTION_ARG_INT, &memory, N_("Argon2id memory in KiB for the new vault (default 65536)"), N_("KIB") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (N_("FILE"), _("Create a new vault from an encrypted backup. The whole file is checked before anything is written."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GError) error = NULL;
  RestoreSecrets secrets = { 0 };
  DossierKdfParams params;
  const char *path;
  gboolean ok;
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 2)
    return dossier_cli_usage_error (context, _("Name one backup file to restore"));
  path = argv[1];
  use_recovery_key |= recovery_key_file != NULL;
  if (use_recovery_key && backup_passphrase_file != NULL)
    return dossier_cli_usage_error (context, _("Choose either --recovery-key or --backup-passphrase-file"));
  if (!kdf_params_from_options (iterations, memory, &params, &error))
    return dossier_cli_usage_error (context, error->message);
  if (dossier_vault_exists (vault))
    {
      g_printerr (_("dossier-cli: a vault already exists in %s; restore into a new, empty folder\n"), cli->vault_dir);
      return DOSSIER_CLI_EXIT_FAILED;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr (_("dossier-cli: cannot read the backup file %s\n"), path);
      return DOSSIER_CLI_EXIT_USAGE;
    }

  if (use_recovery_key && (secrets.key = read_recovery_key (recovery_key_file, &error)) == NULL)
    return dossier_cli_fail (error);
  if (!use_recovery_key)
    {
      secrets.backup_passphrase = read_backup_passphrase (backup_passphrase_file, &error);
      if (secrets.backup_passphrase == NULL && error != NULL)
        return dossier_cli_usage_error (context, error->message);
    }
  secrets.new_passphrase = dossier_cli_read_passphrase (cli->passphrase_file, "DOSSIER_PASSPHRASE",
                                                        _("New passphrase: "), _("Repeat the passphrase: "), &error);
  if (secrets.new_passphrase == NULL || *secrets.new_passphrase == '\0')
    {
      restore_secrets_clear (&secrets);
      return dossier_cli_usage_error (context, error != NULL ? error->message : _("The passphrase must not be empty"));
    }
  if (!use_recovery_key && secrets.backup_passphrase == NULL)
    secrets.backup_passphrase = dossier_secure_strdup (secrets.new_passphrase);

  ok = dossier_vault_restore_finish (vault,
                                     CALL (cli, dossier_vault_restore_async (vault, path, secrets.backup_passphrase, secrets.key,
                                                                             secrets.new_passphrase, &params, NULL,
                                                                             dossier_cli_on_result, cli)),
                                     &error);
  restore_secrets_clear (&secrets);
  if (!ok)
    return dossier_cli_fail (error);
  g_print (_("Restored the backup into a new vault in %s\n"), cli->vault_dir);
  return DOSSIER_CLI_EXIT_OK;
}
