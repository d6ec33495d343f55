// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* What the files of dossier-cli share: the state of one run and the helpers
 * every command uses. */

#include "dossier-cli.h"
#include "dossier-wallet.h"

G_BEGIN_DECLS

typedef struct
{
  char          *vault_dir;
  char          *passphrase_file;
  DossierWallet *wallet;
  GAsyncResult  *result;
} Cli;

/* Runs an asynchronous call and waits for its result. */
#define CALL(cli, expr) ((expr), dossier_cli_wait_result (cli))

void            dossier_cli_on_result        (GObject         *source,
                                              GAsyncResult    *result,
                                              gpointer         user_data);
GAsyncResult   *dossier_cli_wait_result      (Cli             *cli);
int             dossier_cli_fail             (GError          *error);
int             dossier_cli_usage_error      (GOptionContext  *context,
                                              const char      *message);
GOptionContext *dossier_cli_command_context  (const char      *parameters,
                                              const char      *summary,
                                              GOptionEntry    *entries);
int             dossier_cli_parse_command    (GOptionContext  *context,
                                              int             *argc,
                                              char          ***argv);
int             dossier_cli_unlock           (Cli             *cli);
int             dossier_cli_unlock_keep      (Cli             *cli,
                                              char           **kept);
int             dossier_cli_load_vault_trust (Cli             *cli);
gboolean        dossier_cli_parse_id         (const char      *text,
                                              gint64          *id);
void            dossier_cli_print_json       (JsonNode        *node);

int             dossier_cli_command_verify   (Cli             *cli,
                                              int              argc,
                                              char           **argv);
int             dossier_cli_command_reverify (Cli             *cli,
                                              int              argc,
                                              char           **argv);
int             dossier_cli_command_trust    (Cli             *cli,
                                              int              argc,
                                              char           **argv);
int             dossier_cli_command_service  (Cli             *cli,
                                              int              argc,
                                              char           **argv);
int             dossier_cli_command_receive  (Cli             *cli,
                                              int              argc,
                                              char           **argv);
int             dossier_cli_command_backup   (Cli             *cli,
                                              int              argc,
                                              char           **argv);
int             dossier_cli_command_restore  (Cli             *cli,
                                              int              argc,
                                              char           **argv);

G_END_DECLS
