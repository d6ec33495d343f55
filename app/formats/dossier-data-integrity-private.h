// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-jwk.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  DOSSIER_DI_CANON_JCS,
  DOSSIER_DI_CANON_RDFC,
  DOSSIER_DI_CANON_SD,     /* RDFC, each revealed statement signed apart (ecdsa-sd-2023) */
} DossierDiCanonicalization;

GBytes   *dossier_di_hash_data      (JsonObject                 *document,
                                     JsonObject                 *proof,
                                     JsonArray                  *previous,
                                     DossierDiCanonicalization   canon,
                                     GChecksumType               hash,
                                     gboolean                   *document_failed,
                                     GError                    **error);
gboolean  dossier_di_verify_derived (JsonObject                 *document,
                                     JsonObject                 *proof,
                                     JsonArray                  *previous,
                                     DossierJwk                 *key,
                                     GBytes                     *value,
                                     gboolean                   *document_failed,
                                     GError                    **error);

G_END_DECLS
