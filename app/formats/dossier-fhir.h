// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "dossier-record.h"
#include "dossier-verification.h"

G_BEGIN_DECLS

GPtrArray *dossier_fhir_bundle_to_records (JsonObject  *bundle,
                                           char       **subject_name);
gboolean   dossier_fhir_detect            (const char                 *text,
                                           gsize                       length);
void       dossier_fhir_verify            (const char                 *text,
                                           gsize                       length,
                                           const DossierVerifyOptions *options,
                                           DossierVerification        *result);

G_END_DECLS
