// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-cose.h"
#include "dossier-verification.h"

G_BEGIN_DECLS

/* The longest "HC1:" text read or written. */
#define DOSSIER_HCERT_MAX_TEXT (64 * 1024)

gboolean dossier_hcert_detect (const char                 *text,
                               gsize                       length);
void     dossier_hcert_verify (const char                 *text,
                               gsize                       length,
                               const DossierVerifyOptions *options,
                               DossierVerification        *result);

GBytes  *dossier_base45_decode (const char                *text,
                                gsize                      length,
                                GError                   **error);
char    *dossier_base45_encode (gconstpointer              data,
                                gsize                      length);
char    *dossier_hcert_encode  (JsonObject                *dcc,
                                const char                *issuer,
                                gint64                     issued_at,
                                gint64                     expires_at,
                                gint64                     alg,
                                EVP_PKEY                  *key,
                                GBytes                    *kid,
                                GError                   **error);

G_END_DECLS
