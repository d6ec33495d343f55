// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-verifier.h"

G_BEGIN_DECLS

/* Trust anchors from literal files, and one verification through the
 * same entry point as dossier-cli verify, at a fixed time. */
DossierTrustRegistry *test_registry_new   (const char          *first_anchor,
                                           ...) G_GNUC_NULL_TERMINATED;
DossierVerification  *test_verify         (const char          *input,
                                           DossierTrustRegistry *registry);
void                  test_assert_outcome (DossierVerification *result,
                                           const char          *verdict,
                                           const char          *failure,
                                           const char          *code);
const char           *test_check_detail   (DossierVerification *result,
                                           const char          *name);

G_END_DECLS
