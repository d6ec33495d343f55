// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-verification.h"

G_BEGIN_DECLS

gboolean    dossier_credential_has_type     (JsonObject                 *object,
                                             const char                 *type);
const char *dossier_credential_get_issuer   (JsonObject                 *claims,
                                             JsonObject                 *credential);
DossierRecord *dossier_credential_add_record (JsonObject                *credential,
                                              const char                *issuer,
                                              const char                *format,
                                              DossierVerification       *result);
gboolean    dossier_credential_check_times  (JsonObject                 *claims,
                                             JsonObject                 *credential,
                                             const DossierVerifyOptions *options,
                                             DossierVerification        *result);
gint64      dossier_credential_parse_time   (const char                 *text);
gboolean    dossier_credential_check_period (gint64                      from,
                                             gint64                      until,
                                             const DossierVerifyOptions *options,
                                             DossierVerification        *result);

G_END_DECLS
