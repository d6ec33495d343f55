// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-verification.h"

G_BEGIN_DECLS

/* The most proofs read from one proof set or chain. */
#define DOSSIER_DATA_INTEGRITY_MAX_PROOFS 8

gboolean dossier_data_integrity_detect     (const char                 *text,
                                            gsize                       length);
void     dossier_data_integrity_verify     (const char                 *text,
                                            gsize                       length,
                                            const DossierVerifyOptions *options,
                                            DossierVerification        *result);
GBytes  *dossier_data_integrity_hash_data  (JsonObject                 *document,
                                            JsonObject                 *proof,
                                            JsonArray                  *previous,
                                            GChecksumType               hash,
                                            GError                    **error);
GBytes  *dossier_data_integrity_hash_data_rdfc
                                           (JsonObject                 *document,
                                            JsonObject                 *proof,
                                            JsonArray                  *previous,
                                            GChecksumType               hash,
                                            GError                    **error);

gboolean dossier_data_integrity_sign       (JsonObject                 *document,
                                            const char                 *cryptosuite,
                                            EVP_PKEY                   *key,
                                            const char                 *verification_method,
                                            const char                 *created,
                                            GError                    **error);

G_END_DECLS
