// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-issuer.h"

int
main (int    argc,
      char **argv)
{
  return dossier_issuer_run (argc, argv);
}
