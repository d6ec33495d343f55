// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: any bytes through format detection and verification,
 * as dossier-cli verify and import see them.  DOSSIER_FUZZ_FORMAT narrows
 * the run to one decoder so that each gets its own time. */
#include "dossier-data-integrity.h"
#include "dossier-fhir.h"
#include "dossier-hcert.h"
#include "dossier-sd-jwt.h"
#include "dossier-shc.h"
#include "dossier-verifier.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *format;
  static gboolean started;
  DossierVerifyOptions options = { NULL, NULL };
  g_autoptr(DossierVerification) result = dossier_verification_new ("fuzz");

  if (!started)
    {
      format = g_getenv ("DOSSIER_FUZZ_FORMAT");
      started = TRUE;
    }
  if (g_strcmp0 (format, "shc") == 0)
    dossier_shc_verify ((const char *) data, size, &options, result);
  else if (g_strcmp0 (format, "hcert") == 0)
    dossier_hcert_verify ((const char *) data, size, &options, result);
  else if (g_strcmp0 (format, "fhir") == 0)
    dossier_fhir_verify ((const char *) data, size, &options, result);
  else if (g_strcmp0 (format, "vc-di") == 0)
    dossier_data_integrity_verify ((const char *) data, size, &options, result);
  else if (g_strcmp0 (format, "sd-jwt") == 0)
    {
      /* and the holder's side: choosing disclosures from an issued SD-JWT */
      static const char * const chosen[] = { "/given_name", "/address/street_address", "/nationalities/1", NULL };
      g_autofree char *text = g_strndup ((const char *) data, size);

      g_free (dossier_sd_jwt_present (text, chosen, NULL, NULL, 0, NULL, NULL, NULL));
      dossier_sd_jwt_verify ((const char *) data, size, &options, result);
    }
  else
    {
      g_autoptr(GBytes) bytes = g_bytes_new (data, size);
      g_autoptr(DossierVerification) any = dossier_verify_bytes (bytes, "fuzz", NULL, NULL);
      json_node_unref (dossier_verification_to_json (any));
    }
  /* records and subject are read when first asked for: ask */
  json_node_unref (dossier_verification_to_json (result));
  return 0;
}
