// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-verification.h"

G_BEGIN_DECLS

gboolean dossier_hcert_detect (const char                 *text,
                               gsize                       length);
void     dossier_hcert_verify (const char                 *text,
                               gsize                       length,
                               const DossierVerifyOptions *options,
                               DossierVerification        *result);

GBytes  *dossier_base45_decode (const char                *text,
                                gsize                      length,
                                GError                   **error);

G_END_DECLS
