// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

#define DOSSIER_JWK_MAX_SET_SIZE (256 * 1024)

#define DOSSIER_TYPE_JWK (dossier_jwk_get_type ())
G_DECLARE_FINAL_TYPE (DossierJwk, dossier_jwk, DOSSIER, JWK, GObject)

DossierJwk *dossier_jwk_new_from_json   (JsonObject   *object,
                                         GError      **error);
GPtrArray  *dossier_jwk_parse_set       (const char   *data,
                                         gsize         length,
                                         GError      **error);
const char *dossier_jwk_get_kty         (DossierJwk   *self);
const char *dossier_jwk_get_crv         (DossierJwk   *self);
const char *dossier_jwk_get_kid         (DossierJwk   *self);
const char *dossier_jwk_get_alg         (DossierJwk   *self);
const char *dossier_jwk_get_use         (DossierJwk   *self);
JsonObject *dossier_jwk_get_json        (DossierJwk   *self);
EVP_PKEY   *dossier_jwk_get_pkey        (DossierJwk   *self);
char       *dossier_jwk_dup_thumbprint  (DossierJwk   *self);
void        dossier_jwk_add_issuer      (DossierJwk   *self,
                                         const char   *issuer);
gboolean    dossier_jwk_belongs_to      (DossierJwk   *self,
                                         const char   *issuer);
JsonObject *dossier_jwk_public_json_for_pkey (EVP_PKEY  *pkey,
                                              GError   **error);

G_END_DECLS
