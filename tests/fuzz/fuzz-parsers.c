// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target for the small parsers under the formats: JWK sets,
 * compact JWS and JWE, PEM certificates, base45, vault.json, raw DEFLATE,
 * SMART Health Links and their manifests. */
#include "dossier-certificate.h"
#include "dossier-hcert.h"
#include "dossier-inflate.h"
#include "dossier-jwe.h"
#include "dossier-jwk.h"
#include "dossier-jws.h"
#include "dossier-shl.h"
#include "dossier-vault-config.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(GPtrArray) keys = dossier_jwk_parse_set (text, size, NULL);
  g_autoptr(DossierJws) jws = dossier_jws_parse (text, size, NULL);
  GPtrArray *certificates = dossier_certificate_parse_pem (text, size, NULL);
  GBytes *base45 = dossier_base45_decode (text, size, NULL);
  GBytes *inflated = dossier_inflate (data, size, DOSSIER_INFLATE_RAW, 1 << 20, NULL);
  GBytes *zinflated = dossier_inflate (data, size, DOSSIER_INFLATE_ZLIB, 1 << 20, NULL);
  DossierVaultConfig *config = dossier_vault_config_parse (text, size, NULL);
  g_autoptr(DossierJwe) jwe = dossier_jwe_parse (text, size, NULL);
  g_autoptr(DossierShl) shl = dossier_shl_parse (text, size, NULL);
  GPtrArray *manifest = dossier_shl_parse_manifest (text, size, NULL);

  g_clear_pointer (&certificates, g_ptr_array_unref);
  g_clear_pointer (&base45, g_bytes_unref);
  g_clear_pointer (&inflated, g_bytes_unref);
  g_clear_pointer (&zinflated, g_bytes_unref);
  g_clear_pointer (&config, dossier_vault_config_free);
  g_clear_pointer (&manifest, g_ptr_array_unref);

  if (jws != NULL && keys != NULL && keys->len > 0)
    dossier_jws_verify (jws, g_ptr_array_index (keys, 0), NULL);
  if (jwe != NULL)
    {
      static const guint8 key[DOSSIER_JWE_KEY_SIZE] = { 1, 2, 3 };
      GBytes *plain = dossier_jwe_decrypt (jwe, key, sizeof key, NULL);

      g_clear_pointer (&plain, g_bytes_unref);
    }
  if (shl != NULL)
    {
      char *request = dossier_shl_manifest_request (shl, "fuzz", "0000");
      char *direct = dossier_shl_direct_url (shl, "fuzz");

      g_free (request);
      g_free (direct);
    }
  return 0;
}
