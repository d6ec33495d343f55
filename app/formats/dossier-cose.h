// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <openssl/evp.h>

#include <glib.h>

G_BEGIN_DECLS

/* COSE algorithm identifiers (RFC 9053) that Dossier signs and verifies. */
#define DOSSIER_COSE_ALG_ES256 (-7)
#define DOSSIER_COSE_ALG_PS256 (-37)

#define DOSSIER_COSE_MAX_PAYLOAD (1024 * 1024)

guint8 *dossier_cose_sig_structure (GBytes    *protected_header,
                                    GBytes    *payload,
                                    gsize     *length);
GBytes *dossier_cose_sign1         (gint64     alg,
                                    EVP_PKEY  *key,
                                    GBytes    *kid,
                                    GBytes    *payload,
                                    GError   **error);

G_END_DECLS
