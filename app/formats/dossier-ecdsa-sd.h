// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

/* The most statements a derived ecdsa-sd-2023 proof may sign one by one. */
#define DOSSIER_ECDSA_SD_MAX_STATEMENTS 4096

gboolean dossier_ecdsa_sd_is_derived     (GBytes      *proof_value);
gboolean dossier_ecdsa_sd_verify_derived (GBytes      *proof_hash,
                                          const char  *canonical,
                                          GBytes      *proof_value,
                                          EVP_PKEY    *issuer_key,
                                          GError     **error);

G_END_DECLS
