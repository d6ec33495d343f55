// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-verifier.h"

#include "dossier-shc.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static gboolean
is_image (const guint8 *data,
          gsize         length)
{
  return (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0) ||
         (length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0);
}

/* Detects the format of @bytes and verifies it.  @at is the time of
 * checking; NULL checks signatures and trust but no validity period. */
DossierVerification *
dossier_verify_bytes (GBytes               *bytes,
                      const char           *name,
                      DossierTrustRegistry *trust,
                      GDateTime            *at)
{
  DossierVerification *result = dossier_verification_new (name);
  DossierVerifyOptions options = { trust != NULL ? DOSSIER_KEY_SOURCE (trust) : NULL, at };
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  dossier_verification_note_time_checks (result, at == NULL);
  if (length > DOSSIER_VERIFY_MAX_INPUT)
    dossier_verification_fail (result, "decode", "too-large",
                               _("The input is larger than %d MiB"), DOSSIER_VERIFY_MAX_INPUT / (1024 * 1024));
  else if (length == 0)
    dossier_verification_fail (result, "decode", "empty", _("The input is empty"));
  else if (is_image ((const guint8 *) data, length))
    {
      dossier_verification_set_format (result, "image");
      dossier_verification_fail (result, "decode", "image-not-supported",
                                 _("Reading QR codes from images is not available in this version"));
    }
  else if (dossier_shc_detect (data, length))
    dossier_shc_verify (data, length, &options, result);
  else
    dossier_verification_fail (result, "decode", "unknown-format",
                               _("Not a format Dossier can verify"));
  return result;
}
