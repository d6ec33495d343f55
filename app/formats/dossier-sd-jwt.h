// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-verification.h"

G_BEGIN_DECLS

typedef struct
{
  const char         *alg;           /* JWS algorithm of @key: ES256, EdDSA, PS256, ... */
  EVP_PKEY           *key;           /* the issuer's private key */
  const char         *kid;           /* put in the header when not NULL */
  const char * const *disclosable;   /* JSON Pointers of the claims to conceal */
  guint               decoys;        /* decoy digests added beside each object's digests */
  JsonObject         *holder_jwk;    /* the holder's public JWK, bound as "cnf"; may be NULL */
} DossierSdJwtIssueOptions;

gboolean dossier_sd_jwt_detect (const char                 *text,
                                gsize                       length);
void     dossier_sd_jwt_verify (const char                 *text,
                                gsize                       length,
                                const DossierVerifyOptions *options,
                                DossierVerification        *result);

char    *dossier_sd_jwt_issue   (JsonObject                     *claims,
                                 const DossierSdJwtIssueOptions *options,
                                 GError                        **error);
char    *dossier_sd_jwt_present (const char                     *issued,
                                 const char * const             *disclose,
                                 const char                     *audience,
                                 const char                     *nonce,
                                 gint64                          issued_at,
                                 const char                     *alg,
                                 EVP_PKEY                       *holder_key,
                                 GError                        **error);

G_END_DECLS
