// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-trust-registry.h"
#include "dossier-verification.h"

G_BEGIN_DECLS

#define DOSSIER_VERIFY_MAX_INPUT (8 * 1024 * 1024)

gboolean             dossier_verify_can_check (GBytes *bytes);
DossierVerification *dossier_verify_bytes (GBytes               *bytes,
                                           const char           *name,
                                           DossierTrustRegistry *trust,
                                           GDateTime            *at);
DossierVerification *dossier_verify_presentation (GBytes               *bytes,
                                                  const char           *name,
                                                  DossierTrustRegistry *trust,
                                                  GDateTime            *at,
                                                  const char           *audience,
                                                  const char           *nonce);

G_END_DECLS
