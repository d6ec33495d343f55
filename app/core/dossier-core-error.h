// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DOSSIER_CORE_ERROR (dossier_core_error_quark ())

typedef enum
{
  DOSSIER_CORE_ERROR_INVALID_DATA,
  DOSSIER_CORE_ERROR_TOO_LARGE,
  DOSSIER_CORE_ERROR_CHECKSUM,
} DossierCoreError;

GQuark dossier_core_error_quark (void);

G_END_DECLS
