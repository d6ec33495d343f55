// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-jws.h"
#include "dossier-verification.h"

G_BEGIN_DECLS

gboolean dossier_vc_jwt_detect (const char                 *text,
                                gsize                       length);
void     dossier_vc_jwt_verify (const char                 *text,
                                gsize                       length,
                                const DossierVerifyOptions *options,
                                DossierVerification        *result);

gboolean dossier_vc_jwt_detect_jws (DossierJws                 *jws);
void     dossier_vc_jwt_verify_jws (DossierJws                 *jws,
                                    const DossierVerifyOptions *options,
                                    DossierVerification        *result);
gboolean dossier_vc_json_detect (const char                 *text,
                                 gsize                       length);
void     dossier_vc_json_verify (const char                 *text,
                                 gsize                       length,
                                 const DossierVerifyOptions *options,
                                 DossierVerification        *result);

char    *dossier_vc_jwt_sign   (JsonObject                 *payload,
                                const char                 *typ,
                                const char                 *alg,
                                EVP_PKEY                   *key,
                                const char                 *kid,
                                GError                    **error);

G_END_DECLS
