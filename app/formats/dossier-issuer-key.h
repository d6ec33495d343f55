// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-jws.h"
#include "dossier-verification.h"

G_BEGIN_DECLS

DossierJwk *dossier_issuer_key_verify (DossierJws                 *jws,
                                       const char                 *issuer,
                                       const DossierVerifyOptions *options,
                                       DossierVerification        *result,
                                       gboolean                   *trusted);
const char *dossier_issuer_key_anchor (DossierJwk                 *key,
                                       const char                 *issuer,
                                       const DossierVerifyOptions *options);

G_END_DECLS
