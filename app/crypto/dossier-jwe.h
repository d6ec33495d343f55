// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOSSIER_JWE_KEY_SIZE 32
#define DOSSIER_JWE_MAX_SIZE (16 * 1024 * 1024)

/* A compact JWE (RFC 7516) with direct encryption ("alg": "dir") under
 * AES-256-GCM ("enc": "A256GCM"), split and checked but not decrypted. */
typedef struct _DossierJwe DossierJwe;

DossierJwe *dossier_jwe_parse              (const char     *compact,
                                            gsize           length,
                                            GError        **error);
void        dossier_jwe_free               (DossierJwe     *jwe);
JsonObject *dossier_jwe_get_header         (DossierJwe     *jwe);
const char *dossier_jwe_get_content_type   (DossierJwe     *jwe);
gboolean    dossier_jwe_is_deflated        (DossierJwe     *jwe);
GBytes     *dossier_jwe_decrypt            (DossierJwe     *jwe,
                                            const guint8   *key,
                                            gsize           key_length,
                                            GError        **error);
char       *dossier_jwe_encrypt            (gconstpointer   plaintext,
                                            gsize           length,
                                            const guint8   *key,
                                            gsize           key_length,
                                            const char     *content_type,
                                            gboolean        deflated,
                                            GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierJwe, dossier_jwe_free)

G_END_DECLS
