// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "dossier-json-scan.h"

#include "dossier-jwk.h"

G_BEGIN_DECLS

#define DOSSIER_JWS_MAX_SIZE (4 * 1024 * 1024)

/* A compact JWS (RFC 7515), split and decoded but not yet verified. */
typedef struct _DossierJws DossierJws;

guint       dossier_jws_count_dots         (const char    *text,
                                            gsize          length);
gboolean    dossier_jws_looks_compact      (const char    *text,
                                            gsize          length);
DossierJws *dossier_jws_parse              (const char    *compact,
                                            gsize          length,
                                            GError       **error);
DossierJws *dossier_jws_parse_in_place     (const char    *compact,
                                            gsize          length,
                                            GError       **error);
void        dossier_jws_free               (DossierJws    *jws);
JsonObject *dossier_jws_get_header         (DossierJws    *jws);
const char *dossier_jws_get_header_string  (DossierJws    *jws,
                                            const char    *name);
GBytes     *dossier_jws_get_payload        (DossierJws    *jws);
JsonNode   *dossier_jws_get_payload_json   (DossierJws    *jws);
DossierJsonScan *dossier_jws_get_payload_scan (DossierJws  *jws);
gboolean    dossier_jws_verify             (DossierJws    *jws,
                                            DossierJwk    *key,
                                            GError       **error);

gboolean    dossier_crypto_verify          (const char    *alg,
                                            EVP_PKEY      *pkey,
                                            gconstpointer  data,
                                            gsize          data_length,
                                            gconstpointer  signature,
                                            gsize          signature_length,
                                            GError       **error);

void        dossier_crypto_sha256          (gconstpointer  data,
                                            gsize          length,
                                            guint8         digest[32]);

GBytes     *dossier_crypto_sign            (const char    *alg,
                                            EVP_PKEY      *pkey,
                                            gconstpointer  data,
                                            gsize          data_length,
                                            GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierJws, dossier_jws_free)

G_END_DECLS
