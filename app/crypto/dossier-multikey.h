// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-jwk.h"

G_BEGIN_DECLS

/* The longest base58btc text decoded: far more than any public key needs. */
#define DOSSIER_BASE58_MAX_INPUT 512

GBytes     *dossier_base58btc_decode (const char  *text,
                                      gsize        length,
                                      GError     **error);
GBytes     *dossier_multikey_decode  (const char  *multibase,
                                      guint       *codec,
                                      GError     **error);
DossierJwk *dossier_multikey_to_jwk  (const char  *multibase,
                                      const char  *kid,
                                      GError     **error);
char       *dossier_base58btc_encode (gconstpointer data,
                                      gsize         length);
char       *dossier_multikey_encode  (EVP_PKEY     *pkey,
                                      GError      **error);

/* Multicodec codes of the public keys Dossier reads. */
#define DOSSIER_MULTICODEC_ED25519_PUB 0xed
#define DOSSIER_MULTICODEC_P256_PUB    0x1200
#define DOSSIER_MULTICODEC_P384_PUB    0x1201

G_END_DECLS
