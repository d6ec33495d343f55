// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-cose.h"

#include "dossier-cbor.h"
#include "dossier-format-error.h"
#include "dossier-jws.h"

#include <cbor.h>
#include <glib/gi18n-lib.h>
#include <string.h>

/* COSE_Sign1 (RFC 9052, section 4.2): the signature covers the
 * Sig_structure ["Signature1", protected, external_aad, payload], never the
 * message itself, so both sides build it the same way from the same bytes. */

#define COSE_SIGN1_TAG 18
#define COSE_HEADER_ALG 1
#define COSE_HEADER_KID 4
#define COSE_HEADER_TYP 16
#define CWT_TAG 61

/* A CBOR head in its shortest form; returns the bytes written. */
static gsize
put_head (guint8  *out,
          guint8   major,
          guint64  value)
{
  guint size = value < 24 ? 0 : value <= G_MAXUINT8 ? 1 : value <= G_MAXUINT16 ? 2 : value <= G_MAXUINT32 ? 4 : 8;

  out[0] = (guint8) (major << 5) | (size == 0 ? (guint8) value : size == 1 ? 24 : size == 2 ? 25 : size == 4 ? 26 : 27);
  for (guint i = 0; i < size; i++)
    out[1 + i] = (guint8) (value >> (8 * (size - 1 - i)));
  return 1 + size;
}

/* The Sig_structure, encoded by hand as libcbor would (shortest heads):
 * it is built for every verification, and four items and a serializer
 * for one array of byte strings cost a tenth of the rest. */
guint8 *
dossier_cose_sig_structure_data (gconstpointer  protected_header,
                                 gsize          protected_length,
                                 gconstpointer  payload,
                                 gsize          payload_length,
                                 gsize         *length)
{
  static const char context[] = "Signature1";
  guint8 *out, *p;

  g_return_val_if_fail (length != NULL, NULL);
  g_return_val_if_fail (protected_length < G_MAXSIZE / 2 && payload_length < G_MAXSIZE / 2, NULL);

  out = p = g_malloc (1 + 1 + strlen (context) + 9 + protected_length + 1 + 9 + payload_length);
  p += put_head (p, 4, 4);
  p += put_head (p, 3, strlen (context));
  memcpy (p, context, strlen (context));
  p += strlen (context);
  p += put_head (p, 2, protected_length);
  if (protected_length > 0)
    memcpy (p, protected_header, protected_length);
  p += protected_length;
  p += put_head (p, 2, 0);
  p += put_head (p, 2, payload_length);
  if (payload_length > 0)
    memcpy (p, payload, payload_length);
  p += payload_length;
  *length = (gsize) (p - out);
  return out;
}

guint8 *
dossier_cose_sig_structure (GBytes *protected_header,
                            GBytes *payload,
                            gsize  *length)
{
  g_return_val_if_fail (protected_header != NULL && payload != NULL && length != NULL, NULL);

  return dossier_cose_sig_structure_data (g_bytes_get_data (protected_header, NULL), g_bytes_get_size (protected_header),
                                          g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), length);
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

/* The protected header holds the algorithm, the key id and the type, so
 * that none can be swapped without breaking the signature. */
static GBytes *
protected_header (gint64      alg,
                  GBytes     *kid,
                  const char *typ)
{
  g_autoptr(cbor_item_t) map = cbor_new_definite_map (1 + (kid != NULL) + (typ != NULL));

  (void) cbor_map_add (map, (struct cbor_pair) { .key = cbor_move (dossier_cbor_build_int (COSE_HEADER_ALG)),
                                                 .value = cbor_move (dossier_cbor_build_int (alg)) });
  if (kid != NULL)
    (void) cbor_map_add (map, (struct cbor_pair) {
      .key = cbor_move (dossier_cbor_build_int (COSE_HEADER_KID)),
      .value = cbor_move (cbor_build_bytestring (g_bytes_get_data (kid, NULL), g_bytes_get_size (kid))) });
  if (typ != NULL)
    (void) cbor_map_add (map, (struct cbor_pair) { .key = cbor_move (dossier_cbor_build_int (COSE_HEADER_TYP)),
                                                   .value = cbor_move (cbor_build_string (typ)) });
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
  return dossier_cose_sign1_typed (alg, key, kid, NULL, payload, error);
}

/* As dossier_cose_sign1(), with the media type @typ (such as
 * "application/statuslist+cwt") in the protected header when given. */
GBytes *
dossier_cose_sign1_typed (gint64       alg,
                          EVP_PKEY    *key,
                          GBytes      *kid,
                          const char  *typ,
                          GBytes      *payload,
                          GError     **error)
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
  header = protected_header (alg, kid, typ);
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

void
dossier_cose_sign1_free (DossierCoseSign1 *message)
{
  if (message == NULL)
    return;
  g_clear_pointer (&message->protected_bytes, g_bytes_unref);
  g_clear_pointer (&message->payload, g_bytes_unref);
  g_clear_pointer (&message->signature, g_bytes_unref);
  g_clear_pointer (&message->kid, g_bytes_unref);
  g_free (message->typ);
  g_free (message);
}

static gboolean
malformed (GError     **error,
           const char  *why)
{
  g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE, _("Not a COSE_Sign1 message: %s"), why);
  return FALSE;
}

/* The header parameters Dossier reads: alg from the protected header, kid
 * and typ from either (the protected one first). */
static gboolean
read_headers (DossierCoseSign1  *message,
              cbor_item_t       *unprotected,
              GError           **error)
{
  g_autoptr(cbor_item_t) protected_map = NULL;
  cbor_item_t *maps[2];

  protected_map = dossier_cbor_load (g_bytes_get_data (message->protected_bytes, NULL), g_bytes_get_size (message->protected_bytes));
  if (protected_map == NULL || !cbor_isa_map (protected_map))
    return malformed (error, _("the protected header is not a map"));
  if (!dossier_cbor_get_int (dossier_cbor_map_get_int (protected_map, COSE_HEADER_ALG), &message->alg))
    return malformed (error, _("the protected header names no algorithm"));
  maps[0] = protected_map;
  maps[1] = unprotected;
  for (guint i = 0; i < 2; i++)
    {
      cbor_item_t *kid = dossier_cbor_map_get_int (maps[i], COSE_HEADER_KID);
      cbor_item_t *typ = dossier_cbor_map_get_int (maps[i], COSE_HEADER_TYP);

      if (message->kid == NULL && kid != NULL)
        message->kid = dossier_cbor_get_bytes (kid);
      if (message->typ == NULL && typ != NULL)
        message->typ = dossier_cbor_get_string (typ);
    }
  return TRUE;
}

/* A COSE_Sign1 message, tagged (18, and 61 for a CWT) or not, with
 * nothing after it. */
DossierCoseSign1 *
dossier_cose_sign1_parse (gconstpointer   data,
                          gsize           length,
                          GError        **error)
{
  g_autoptr(cbor_item_t) root = NULL;
  const guint8 *bytes = data;
  gsize offset = 0;
  cbor_item_t *item;
  DossierCoseSign1 *message;

  if (length > DOSSIER_COSE_MAX_PAYLOAD + 64 * 1024)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The COSE message is larger than %d bytes"), DOSSIER_COSE_MAX_PAYLOAD + 64 * 1024);
      return NULL;
    }
  /* the tags are read here: libcbor 0.8 refuses an item that starts with one */
  for (guint i = 0; i < 2 && offset < length && (bytes[offset] & 0xe0) == 0xc0; i++)
    {
      guint64 tag;

      if (bytes[offset] <= 0xd7)
        tag = bytes[offset] & 0x1f, offset += 1;
      else if (bytes[offset] == 0xd8 && offset + 1 < length)
        tag = bytes[offset + 1], offset += 2;
      else
        tag = 0;
      if (tag != COSE_SIGN1_TAG && tag != CWT_TAG)
        {
          malformed (error, _("it is tagged as something else"));
          return NULL;
        }
    }
  root = offset < length ? dossier_cbor_load (bytes + offset, length - offset) : NULL;
  if (root == NULL)
    {
      malformed (error, _("it is not one CBOR item"));
      return NULL;
    }
  item = root;
  if (!cbor_isa_array (item) || cbor_array_size (item) != 4 || !cbor_isa_map (cbor_array_handle (item)[1]))
    {
      malformed (error, _("it is not an array of four with a header map"));
      return NULL;
    }
  message = g_new0 (DossierCoseSign1, 1);
  message->protected_bytes = dossier_cbor_get_bytes (cbor_array_handle (item)[0]);
  message->payload = dossier_cbor_get_bytes (cbor_array_handle (item)[2]);
  message->signature = dossier_cbor_get_bytes (cbor_array_handle (item)[3]);
  if (message->protected_bytes == NULL || message->payload == NULL || message->signature == NULL)
    {
      dossier_cose_sign1_free (message);
      malformed (error, _("its header, payload or signature is not a byte string"));
      return NULL;
    }
  if (!read_headers (message, cbor_array_handle (item)[1], error))
    {
      dossier_cose_sign1_free (message);
      return NULL;
    }
  return message;
}

/* The JOSE name of a COSE algorithm Dossier verifies, or NULL. */
const char *
dossier_cose_alg_name (gint64 alg)
{
  switch (alg)
    {
    case DOSSIER_COSE_ALG_ES256:
      return "ES256";
    case DOSSIER_COSE_ALG_ES384:
      return "ES384";
    case DOSSIER_COSE_ALG_EDDSA:
      return "EdDSA";
    case DOSSIER_COSE_ALG_PS256:
      return "PS256";
    default:
      return NULL;
    }
}

/* Checks the message's signature with @key over its Sig_structure. */
gboolean
dossier_cose_sign1_verify (DossierCoseSign1  *message,
                           EVP_PKEY          *key,
                           GError           **error)
{
  const char *alg = dossier_cose_alg_name (message->alg);
  g_autofree guint8 *input = NULL;
  gsize length = 0;

  if (alg == NULL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
                   _("COSE signature algorithm %lld is not accepted"), (long long) message->alg);
      return FALSE;
    }
  input = dossier_cose_sig_structure (message->protected_bytes, message->payload, &length);
  return dossier_crypto_verify (alg, key, input, length, g_bytes_get_data (message->signature, NULL),
                                g_bytes_get_size (message->signature), error);
}
