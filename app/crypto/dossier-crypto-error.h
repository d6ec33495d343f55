// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DOSSIER_CRYPTO_ERROR (dossier_crypto_error_quark ())

typedef enum
{
  DOSSIER_CRYPTO_ERROR_MALFORMED,     /* bytes that do not parse */
  DOSSIER_CRYPTO_ERROR_UNSUPPORTED,   /* a valid but refused algorithm or key type */
  DOSSIER_CRYPTO_ERROR_KEY,           /* a key that is unusable or does not fit */
  DOSSIER_CRYPTO_ERROR_SIGNATURE,     /* the signature does not match */
  DOSSIER_CRYPTO_ERROR_TOO_LARGE,
  DOSSIER_CRYPTO_ERROR_DECRYPT,       /* a wrong key, or encrypted content that was changed */
} DossierCryptoError;

GQuark dossier_crypto_error_quark (void);

G_END_DECLS
