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
  DOSSIER_FORMAT_ERROR_UNSUPPORTED,      /* well formed, but a feature or algorithm Dossier refuses */
  DOSSIER_FORMAT_ERROR_ENCODE,           /* what was asked for cannot be encoded */
  DOSSIER_FORMAT_ERROR_EXPIRED,          /* a link or document past its expiry */
  DOSSIER_FORMAT_ERROR_PASSCODE_REQUIRED,
  DOSSIER_FORMAT_ERROR_NOT_FOUND,        /* a selected claim or a referenced file is not there */
  DOSSIER_FORMAT_ERROR_UNAVAILABLE,      /* a document that cannot be had here, offline or unreachable */
  DOSSIER_FORMAT_ERROR_MISMATCH,         /* parts that must agree do not (key and issuer, list and entry) */
  DOSSIER_FORMAT_ERROR_OUT_OF_RANGE,     /* an index past the end of a list */
} DossierFormatError;

GQuark dossier_format_error_quark (void);

G_END_DECLS
