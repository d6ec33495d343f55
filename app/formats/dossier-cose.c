// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-cose.h"

#include "dossier-cbor.h"
#include "dossier-format-error.h"
#include "dossier-jws.h"

#include <cbor.h>
#include <glib/gi18n-lib.h>

/* COSE_Sign1 (RFC 9052, section 4.2): the signature covers the
 * Sig_structure ["Signature1", protected, external_aad, payload], never the
 * message itself, so both sides build it the same way from the same bytes. */

#define COSE_SIGN1_TAG 18
#define COSE_HEADER_ALG 1
#define COSE_HEADER_KID 4

static void
cbor_decref_single (cbor_item_t *item)
{
  cbor_decref (&item);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cbor_item_t, cbor_decref_single)

guint8 *
dossier_cose_sig_structure (GBytes *protected_header,
                            GBytes *payload,
                            gsize  *length)
{
  g_autoptr(cbor_item_t) array = cbor_new_definite_array (4);
  guint8 *buffer = NULL;
  size_t size = 0;

  g_return_val_if_fail (protected_header != NULL && payload != NULL && length != NULL, NULL);

  (void) cbor_array_push (array, cbor_move (cbor_build_string ("Signature1")));
  (void) cbor_array_push (array, cbor_move (cbor_build_bytestring (g_bytes_get_data (protected_header, NULL),
                                                                    g_bytes_get_size (protected_header))));
  (void) cbor_array_push (array, cbor_move (cbor_build_bytestring ((const guint8 *) "", 0)));
  (void) cbor_array_push (array, cbor_move (cbor_build_bytestring (g_bytes_get_data (payload, NULL),
                                                                    g_bytes_get_size (payload))));
  *length = cbor_serialize_alloc (array, &buffer, &size);
  return buffer;
}

static GBytes *
serialize (cbor_item_t *item)
{
  guint8 *buffer = NULL;
  size_t size = 0;
  gsize length = cbor_serialize_alloc (item, &buffer, &size);

  if (length == 0)
    {
      free (buffer);
      return NULL;
    }
  return g_bytes_new_with_free_func (buffer, length, free, buffer);
}

/* The protected header holds the algorithm and the key id, so that neither
 * can be swapped without breaking the signature. */
static GBytes *
protected_header (gint64  alg,
                  GBytes *kid)
{
  g_autoptr(cbor_item_t) map = cbor_new_definite_map (kid != NULL ? 2 : 1);

  (void) cbor_map_add (map, (struct cbor_pair) { .key = cbor_move (dossier_cbor_build_int (COSE_HEADER_ALG)),
                                                 .value = cbor_move (dossier_cbor_build_int (alg)) });
  if (kid != NULL)
    (void) cbor_map_add (map, (struct cbor_pair) {
      .key = cbor_move (dossier_cbor_build_int (COSE_HEADER_KID)),
      .value = cbor_move (cbor_build_bytestring (g_bytes_get_data (kid, NULL), g_bytes_get_size (kid))) });
  return serialize (map);
}

/* Signs @payload into a tagged COSE_Sign1 message with ES256 (P-256) or
 * PS256 (RSA, 2048 bits or more); @kid, when given, goes into the
 * protected header. */
GBytes *
dossier_cose_sign1 (gint64     alg,
                    EVP_PKEY  *key,
                    GBytes    *kid,
                    GBytes    *payload,
                    GError   **error)
{
  g_autoptr(GBytes) header = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(cbor_item_t) tag = NULL;
  g_autoptr(cbor_item_t) array = NULL;
  g_autofree guint8 *input = NULL;
  gsize input_length = 0;

  g_return_val_if_fail (key != NULL && payload != NULL, NULL);

  if (alg != DOSSIER_COSE_ALG_ES256 && alg != DOSSIER_COSE_ALG_PS256)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
                   _("COSE signature algorithm %lld is not supported"), (long long) alg);
      return NULL;
    }
  if (g_bytes_get_size (payload) > DOSSIER_COSE_MAX_PAYLOAD)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The payload to sign is larger than %d bytes"), DOSSIER_COSE_MAX_PAYLOAD);
      return NULL;
    }
  header = protected_header (alg, kid);
  input = dossier_cose_sig_structure (header, payload, &input_length);
  if (header == NULL || input == NULL)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE,
                           _("The COSE structure could not be encoded"));
      return NULL;
    }
  signature = dossier_crypto_sign (alg == DOSSIER_COSE_ALG_ES256 ? "ES256" : "PS256", key,
                                   input, input_length, error);
  if (signature == NULL)
    return NULL;

  array = cbor_new_definite_array (4);
  (void) cbor_array_push (array, cbor_move (cbor_build_bytestring (g_bytes_get_data (header, NULL),
                                                                    g_bytes_get_size (header))));
  (void) cbor_array_push (array, cbor_move (cbor_new_definite_map (0)));
  (void) cbor_array_push (array, cbor_move (cbor_build_bytestring (g_bytes_get_data (payload, NULL),
                                                                    g_bytes_get_size (payload))));
  (void) cbor_array_push (array, cbor_move (cbor_build_bytestring (g_bytes_get_data (signature, NULL),
                                                                    g_bytes_get_size (signature))));
  tag = cbor_new_tag (COSE_SIGN1_TAG);
  cbor_tag_set_item (tag, array);
  message = serialize (tag);
  if (message == NULL)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE,
                           _("The COSE structure could not be encoded"));
      return NULL;
    }
  return g_steal_pointer (&message);
}
