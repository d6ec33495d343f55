// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-hcert.h"

#include "dossier-cbor.h"
#include "dossier-cose.h"
#include "dossier-format-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

/* The issuing side of HCERT: the certificate in CWT claims, signed,
 * compressed and base45 encoded. */

/* Base45 (RFC 9285): each pair of bytes becomes three characters, a last
 * odd byte two. */
char *
dossier_base45_encode (gconstpointer data,
                       gsize         length)
{
  static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  const guint8 *bytes = data;
  GString *out;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  out = g_string_sized_new (length / 2 * 3 + 3);
  for (gsize i = 0; i < length; i += 2)
    {
      guint value = i + 1 < length ? (guint) bytes[i] << 8 | bytes[i + 1] : bytes[i];
      guint digits = i + 1 < length ? 3 : 2;

      for (guint k = 0; k < digits; k++, value /= 45)
        g_string_append_c (out, alphabet[value % 45]);
    }
  return g_string_free (out, FALSE);
}

static GBytes *
cwt_claims (JsonObject  *dcc,
            const char  *issuer,
            gint64       issued_at,
            gint64       expires_at,
            GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), dcc);
  g_autoptr(cbor_item_t) claims = cbor_new_definite_map (4);
  g_autoptr(cbor_item_t) hcert = cbor_new_definite_map (1);
  cbor_item_t *certificate = dossier_cbor_from_json (node, 0);
  guint8 *buffer = NULL;
  size_t size = 0;
  gsize length;

  if (certificate == NULL)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE,
                           _("The certificate cannot be written as CBOR: it nests too deeply or holds an unsupported value"));
      return NULL;
    }
  (void) cbor_map_add (hcert, (struct cbor_pair) { .key = cbor_move (cbor_build_uint8 (1)), .value = cbor_move (certificate) });
  (void) cbor_map_add (claims, (struct cbor_pair) { .key = cbor_move (cbor_build_uint8 (1)),
                                                    .value = cbor_move (cbor_build_string (issuer)) });
  (void) cbor_map_add (claims, (struct cbor_pair) { .key = cbor_move (cbor_build_uint8 (4)),
                                                    .value = cbor_move (dossier_cbor_build_int (expires_at)) });
  (void) cbor_map_add (claims, (struct cbor_pair) { .key = cbor_move (cbor_build_uint8 (6)),
                                                    .value = cbor_move (dossier_cbor_build_int (issued_at)) });
  (void) cbor_map_add (claims, (struct cbor_pair) { .key = cbor_move (dossier_cbor_build_int (-260)), .value = hcert });
  length = cbor_serialize_alloc (claims, &buffer, &size);
  if (length == 0)
    {
      free (buffer);
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE,
                           _("The certificate cannot be written as CBOR"));
      return NULL;
    }
  return g_bytes_new_with_free_func (buffer, length, free, buffer);
}

/* Issues an HCERT: the certificate @dcc (DCC JSON) in CWT claims (1 iss,
 * 4 exp, 6 iat, -260/1), signed as COSE_Sign1 with @key under @alg
 * (DOSSIER_COSE_ALG_ES256 or _PS256) and @kid (the signer certificate's
 * COSE key id), compressed with zlib, base45 encoded, prefixed "HC1:". */
char *
dossier_hcert_encode (JsonObject  *dcc,
                      const char  *issuer,
                      gint64       issued_at,
                      gint64       expires_at,
                      gint64       alg,
                      EVP_PKEY    *key,
                      GBytes      *kid,
                      GError     **error)
{
  g_autoptr(GBytes) claims = NULL;
  g_autoptr(GBytes) cose = NULL;
  g_autofree guint8 *packed = NULL;
  g_autofree char *text = NULL;
  uLongf packed_length;

  g_return_val_if_fail (dcc != NULL && issuer != NULL && key != NULL, NULL);
  g_return_val_if_fail (issued_at >= 0 && expires_at >= issued_at, NULL);

  if ((claims = cwt_claims (dcc, issuer, issued_at, expires_at, error)) == NULL ||
      (cose = dossier_cose_sign1 (alg, key, kid, claims, error)) == NULL)
    return NULL;
  packed_length = compressBound ((uLong) g_bytes_get_size (cose));
  packed = g_malloc (packed_length);
  if (compress2 (packed, &packed_length, g_bytes_get_data (cose, NULL), (uLong) g_bytes_get_size (cose), 9) != Z_OK)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE,
                           _("The certificate could not be compressed"));
      return NULL;
    }
  text = dossier_base45_encode (packed, packed_length);
  if (strlen (text) + 4 > DOSSIER_HCERT_MAX_TEXT)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The certificate is longer than %d characters once encoded"), DOSSIER_HCERT_MAX_TEXT);
      return NULL;
    }
  return g_strconcat ("HC1:", text, NULL);
}
