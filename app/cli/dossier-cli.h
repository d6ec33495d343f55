// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes shared by the command-line tools. */
enum
{
  DOSSIER_CLI_EXIT_OK = 0,
  DOSSIER_CLI_EXIT_FAILED = 1,
  DOSSIER_CLI_EXIT_USAGE = 2,
};

int dossier_cli_run (int    argc,
                     char **argv);

G_END_DECLS
