// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-verifier.h"

#include "dossier-baked-badge.h"
#include "dossier-data-integrity.h"
#include "dossier-fhir.h"
#include "dossier-format-error.h"
#include "dossier-hcert.h"
#include "dossier-qr-image.h"
#include "dossier-scoped-keys.h"
#include "dossier-sd-jwt.h"
#include "dossier-shc.h"
#include "dossier-vc-jwt.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static gboolean verify_compact_jws (const char *data, gsize length, const DossierVerifyOptions *options,
                                    DossierVerification *result);

/* @options with only the keys trusted for records of @scope. */
typedef struct
{
  DossierVerifyOptions  options;
  DossierKeySource     *keys;
} Scoped;

static const DossierVerifyOptions *
scoped (Scoped                     *scoped,
        const DossierVerifyOptions *options,
        const char                 *scope)
{
  scoped->options = *options;
  scoped->keys = options->keys != NULL ? dossier_scoped_keys_get_for (options->keys, scope) : NULL;
  scoped->options.keys = scoped->keys;
  return &scoped->options;
}

static void
scoped_clear (Scoped *scoped)
{
  g_clear_object (&scoped->keys);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scoped, scoped_clear)

#define HEALTH   "health"
#define LEARNING "learning"

/* The formats that arrive as text, by their format: tokens and JSON
 * documents. */
static void
verify_text (const char                 *data,
             gsize                       length,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  g_auto(Scoped) health = { 0 };
  g_auto(Scoped) learning = { 0 };

  if (verify_compact_jws (data, length, options, result))
    return;
  if (dossier_shc_detect (data, length))
    dossier_shc_verify (data, length, scoped (&health, options, HEALTH), result);
  else if (dossier_hcert_detect (data, length))
    dossier_hcert_verify (data, length, scoped (&health, options, HEALTH), result);
  else if (dossier_sd_jwt_detect (data, length))
    dossier_sd_jwt_verify (data, length, scoped (&learning, options, LEARNING), result);
  else if (dossier_vc_jwt_detect (data, length))
    dossier_vc_jwt_verify (data, length, scoped (&learning, options, LEARNING), result);
  else if (dossier_data_integrity_detect (data, length))
    dossier_data_integrity_verify (data, length, scoped (&learning, options, LEARNING), result);
  else if (dossier_vc_json_detect (data, length))
    dossier_vc_json_verify (data, length, scoped (&learning, options, LEARNING), result);
  else if (dossier_fhir_detect (data, length))
    dossier_fhir_verify (data, length, scoped (&health, options, HEALTH), result);
  else
    dossier_verification_fail (result, "decode", "unknown-format",
                               _("Not a format Dossier can verify"));
}

/* The QR codes of an image, one scanned payload per line, verified as if
 * they had been typed in. */
static void
verify_image (GBytes                     *bytes,
              const DossierVerifyOptions *options,
              DossierVerification        *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = dossier_qr_image_decode (bytes, &error);
  g_autofree char *joined = NULL;
  g_auto(Scoped) health = { 0 };

  if (texts == NULL)
    {
      dossier_verification_set_format (result, "image");
      dossier_verification_fail (result, "decode", "qr-unreadable", "%s", error->message);
      return;
    }
  g_ptr_array_add (texts, NULL);
  joined = g_strjoinv ("\n", (char **) texts->pdata);
  if (dossier_shc_detect (joined, strlen (joined)))
    dossier_shc_verify (joined, strlen (joined), scoped (&health, options, HEALTH), result);
  else if (dossier_hcert_detect (joined, strlen (joined)))
    dossier_hcert_verify (joined, strlen (joined), scoped (&health, options, HEALTH), result);
  /* one code may hold a whole credential: a VC-JWT, SD-JWT or JSON */
  else if (texts->len == 2 && (dossier_sd_jwt_detect (joined, strlen (joined)) || dossier_vc_jwt_detect (joined, strlen (joined)) ||
                               dossier_data_integrity_detect (joined, strlen (joined)) ||
                               dossier_vc_json_detect (joined, strlen (joined))))
    verify_text (joined, strlen (joined), options, result);
  else
    dossier_verification_fail (result, "decode", "unknown-format",
                               _("The image’s QR code holds nothing Dossier can verify"));
}

/* A compact JWS is parsed once, for detection and verification alike.
 * FALSE when it is neither a health card nor a VC-JWT, so that the other
 * formats get their turn. */
static gboolean
verify_compact_jws (const char                 *data,
                    gsize                       length,
                    const DossierVerifyOptions *options,
                    DossierVerification        *result)
{
  g_autoptr(DossierJws) jws = NULL;
  g_auto(Scoped) health = { 0 };
  g_auto(Scoped) learning = { 0 };

  /* an SD-JWT starts with a compact JWS; a tilde tells it apart quickly */
  if (memchr (data, '~', length) != NULL || !dossier_jws_looks_compact (data, length) ||
      (jws = dossier_jws_parse_in_place (data, length, NULL)) == NULL)
    return FALSE;
  if (dossier_shc_detect_jws (jws))
    dossier_shc_verify_jws (jws, scoped (&health, options, HEALTH), result);
  else if (dossier_vc_jwt_detect_jws (jws))
    dossier_vc_jwt_verify_jws (jws, scoped (&learning, options, LEARNING), result);
  else
    return FALSE;
  return TRUE;
}

/* An Open Badge with its credential baked into the image: the credential
 * is verified as if it had come on its own. */
static void
verify_badge (const char                 *data,
              gsize                       length,
              const DossierVerifyOptions *options,
              DossierVerification        *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) credential = dossier_baked_badge_extract (data, length, &error);

  if (credential == NULL)
    {
      dossier_verification_set_format (result, "ob3");
      dossier_verification_fail (result, "decode",
                                 g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE)
                                 ? "too-large" : "badge-malformed", "%s", error->message);
      return;
    }
  verify_text (g_bytes_get_data (credential, NULL), g_bytes_get_size (credential), options, result);
}

/* Whether @bytes are in a format Dossier verifies (an image counts when it
 * holds a QR code). */
gboolean
dossier_verify_can_check (GBytes *bytes)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  if (length == 0 || length > DOSSIER_VERIFY_MAX_INPUT)
    return FALSE;
  if (dossier_baked_badge_detect (data, length))
    return TRUE;
  if (!dossier_qr_image_detect (data, length) && data[length - 1] == '\n')
    length -= (length > 1 && data[length - 2] == '\r') ? 2 : 1;
  if (dossier_qr_image_detect (data, length))
    {
      g_autoptr(GPtrArray) texts = dossier_qr_image_decode (bytes, NULL);
      return texts != NULL;
    }
  return dossier_shc_detect (data, length) || dossier_hcert_detect (data, length) ||
         dossier_sd_jwt_detect (data, length) || dossier_vc_jwt_detect (data, length) ||
         dossier_data_integrity_detect (data, length) || dossier_vc_json_detect (data, length) ||
         dossier_fhir_detect (data, length);
}

/* Detects the format of @bytes and verifies it.  @at is the time of
 * checking; NULL checks signatures and trust but no validity period. */
DossierVerification *
dossier_verify_bytes (GBytes               *bytes,
                      const char           *name,
                      DossierTrustRegistry *trust,
                      GDateTime            *at)
{
  return dossier_verify_presentation (bytes, name, trust, at, NULL, NULL);
}

/* As dossier_verify_bytes(), for a presentation that must be bound to
 * @audience and @nonce (either may be NULL: not checked). */
DossierVerification *
dossier_verify_presentation (GBytes               *bytes,
                             const char           *name,
                             DossierTrustRegistry *trust,
                             GDateTime            *at,
                             const char           *audience,
                             const char           *nonce)
{
  DossierVerification *result = dossier_verification_new (name);
  DossierVerifyOptions options = { trust != NULL ? DOSSIER_KEY_SOURCE (trust) : NULL, at, audience, nonce };
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  dossier_verification_note_time_checks (result, at == NULL);
  /* A text file normally ends with one line break, which is not part of
   * the token; anything more is, and is refused by the formats. */
  if (length > 0 && data[length - 1] == '\n' && !dossier_qr_image_detect (data, length))
    length -= (length > 1 && data[length - 2] == '\r') ? 2 : 1;
  if (length > DOSSIER_VERIFY_MAX_INPUT)
    dossier_verification_fail (result, "decode", "too-large",
                               _("The input is larger than %d MiB"), DOSSIER_VERIFY_MAX_INPUT / (1024 * 1024));
  else if (length == 0)
    dossier_verification_fail (result, "decode", "empty", _("The input is empty"));
  else if (dossier_baked_badge_detect (data, length))
    verify_badge (data, length, &options, result);
  else if (dossier_qr_image_detect (data, length))
    verify_image (bytes, &options, result);
  else
    verify_text (data, length, &options, result);
  return result;
}
