// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "dossier-record.h"

G_BEGIN_DECLS

GPtrArray *dossier_fhir_bundle_to_records (JsonObject  *bundle,
                                           char       **subject_name);

G_END_DECLS
