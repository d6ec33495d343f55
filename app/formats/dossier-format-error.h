// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DOSSIER_FORMAT_ERROR (dossier_format_error_quark ())

typedef enum
{
  DOSSIER_FORMAT_ERROR_DECODE,
  DOSSIER_FORMAT_ERROR_DECOMPRESS,
  DOSSIER_FORMAT_ERROR_TOO_LARGE,
  DOSSIER_FORMAT_ERROR_UNKNOWN_FORMAT,
} DossierFormatError;

GQuark dossier_format_error_quark (void);

G_END_DECLS
