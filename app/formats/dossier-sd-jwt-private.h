// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* What verification (dossier-sd-jwt.c) and issuance and presentation
 * (dossier-sd-jwt-issue.c) share. */

#include "dossier-base64.h"
#include "dossier-json-scan.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOSSIER_SD_JWT_MAX_DISCLOSURES 1024
#define DOSSIER_SD_JWT_MAX_DEPTH 32

typedef struct
{
  const char      *encoded;   /* in the text split at "~", which outlives it */
  char             digest[DOSSIER_BASE64URL_ENCODED_SIZE (32)];
  JsonArray       *array;
  gboolean         used;
  GBytes          *decoded;   /* what @scan reads */
  DossierJsonScan *scan;
} Disclosure;

void      dossier_sd_jwt_disclosure_free  (Disclosure *disclosure);
void      dossier_sd_jwt_sha256_b64_to    (const char *text,
                                           gsize       length,
                                           char       *out);
char     *dossier_sd_jwt_sha256_b64       (const char *text,
                                           gsize       length);
JsonNode *dossier_sd_jwt_parse_json_bytes (GBytes     *bytes);

G_END_DECLS
