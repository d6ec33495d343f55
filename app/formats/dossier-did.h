// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-verification.h"

G_BEGIN_DECLS

#define DOSSIER_DID_MAX_LENGTH 4096
#define DOSSIER_DID_MAX_DOCUMENT (256 * 1024)
#define DOSSIER_DID_MAX_METHODS 64

gboolean   dossier_did_is_did            (const char        *text);
char      *dossier_did_without_fragment  (const char        *did_url);
char      *dossier_did_web_url           (const char        *did,
                                          GError           **error);
GPtrArray *dossier_did_document_keys     (JsonObject        *document,
                                          GError           **error);
GPtrArray *dossier_did_resolve_keys      (const char        *did_url,
                                          DossierKeySource  *source,
                                          GError           **error);

G_END_DECLS
