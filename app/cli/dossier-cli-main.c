// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-cli.h"

int
main (int    argc,
      char **argv)
{
  return dossier_cli_run (argc, argv);
}
