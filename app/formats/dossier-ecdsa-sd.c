// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-ecdsa-sd.h"

#include "dossier-base64.h"
#include "dossier-cbor.h"
#include "dossier-format-error.h"
#include "dossier-jws.h"
#include "dossier-multikey.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* ecdsa-sd-2023 (W3C Data Integrity ECDSA Cryptosuites 1.0), on the
 * verifier's side.  The issuer signs the statements every disclosure must
 * keep (the mandatory ones) with its own key, and each other statement
 * with a key made for this one credential; its blank nodes are relabelled
 * with an HMAC so that labels tell nothing.  The holder keeps some
 * statements and derives a proof carrying the signatures of those, the
 * labels of their blank nodes and which of them are mandatory.  Checking
 * it needs the revealed document's canonical N-Quads, relabelled by that
 * map and sorted, and the hash of the proof's options. */

#define P256_SIGNATURE_SIZE   64
#define P256_MULTIKEY_SIZE    35   /* multicodec header and a compressed point */
#define MAX_LABEL_HMAC_SIZE   64

static const guint8 derived_header[] = { 0xd9, 0x5d, 0x01 };

typedef struct
{
  GBytes     *base_signature;
  GBytes     *public_key;
  GPtrArray  *signatures;   /* of GBytes, one per non-mandatory statement */
  GHashTable *labels;       /* canonical blank node label -> label used */
  GArray     *mandatory;    /* of guint, indexes into the sorted statements */
} Derived;

static void
derived_clear (Derived *derived)
{
  g_clear_pointer (&derived->base_signature, g_bytes_unref);
  g_clear_pointer (&derived->public_key, g_bytes_unref);
  g_clear_pointer (&derived->signatures, g_ptr_array_unref);
  g_clear_pointer (&derived->labels, g_hash_table_unref);
  g_clear_pointer (&derived->mandatory, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Derived, derived_clear)

gboolean
dossier_ecdsa_sd_is_derived (GBytes *proof_value)
{
  gsize length = 0;
  const guint8 *data = proof_value != NULL ? g_bytes_get_data (proof_value, &length) : NULL;

  return length > sizeof derived_header && memcmp (data, derived_header, sizeof derived_header) == 0;
}

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
               _("The ecdsa-sd-2023 derived proof is malformed: %s"), what);
  return FALSE;
}

static gboolean
bytes_of_size (cbor_item_t  *item,
               gsize         size,
               GBytes      **out)
{
  *out = dossier_cbor_get_bytes (item);
  return *out != NULL && g_bytes_get_size (*out) == size;
}

/* The label map: integers N for the canonical labels "c14nN", each to the
 * bytes of its HMAC, written as multibase base64url. */
static gboolean
read_labels (cbor_item_t  *map,
             GHashTable   *labels,
             GError      **error)
{
  struct cbor_pair *pairs = cbor_map_handle (map);

  if (cbor_map_size (map) > DOSSIER_ECDSA_SD_MAX_STATEMENTS)
    return malformed (error, _("too many blank node labels"));
  for (gsize i = 0; i < cbor_map_size (map); i++)
    {
      g_autoptr(GBytes) hmac = dossier_cbor_get_bytes (pairs[i].value);
      g_autofree char *encoded = NULL;
      gint64 number;

      if (!dossier_cbor_get_int (pairs[i].key, &number) || number < 0 || hmac == NULL ||
          g_bytes_get_size (hmac) == 0 || g_bytes_get_size (hmac) > MAX_LABEL_HMAC_SIZE)
        return malformed (error, _("a blank node label is not a number and bytes"));
      encoded = dossier_base64url_encode (g_bytes_get_data (hmac, NULL), g_bytes_get_size (hmac));
      g_hash_table_insert (labels, g_strdup_printf ("c14n%" G_GINT64_FORMAT, number), g_strconcat ("u", encoded, NULL));
    }
  return TRUE;
}

static gboolean
parse_derived (GBytes   *proof_value,
               Derived  *derived,
               GError  **error)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (proof_value, &length);
  g_autoptr(cbor_item_t) root = NULL;
  cbor_item_t **items;

  if (!dossier_ecdsa_sd_is_derived (proof_value) ||
      (root = dossier_cbor_load (data + sizeof derived_header, length - sizeof derived_header)) == NULL ||
      !cbor_isa_array (root) || cbor_array_size (root) != 5)
    return malformed (error, _("not a CBOR list of five parts after the derived proof header"));
  items = cbor_array_handle (root);
  if (!bytes_of_size (items[0], P256_SIGNATURE_SIZE, &derived->base_signature) ||
      !bytes_of_size (items[1], P256_MULTIKEY_SIZE, &derived->public_key))
    return malformed (error, _("the base signature or the statements’ key has the wrong size"));
  if (!cbor_isa_array (items[2]) || !cbor_isa_map (items[3]) || !cbor_isa_array (items[4]) ||
      cbor_array_size (items[2]) > DOSSIER_ECDSA_SD_MAX_STATEMENTS || cbor_array_size (items[4]) > DOSSIER_ECDSA_SD_MAX_STATEMENTS)
    return malformed (error, _("the signatures, labels or mandatory indexes are not lists and a map of a usable size"));

  derived->signatures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (gsize i = 0; i < cbor_array_size (items[2]); i++)
    {
      GBytes *signature = NULL;

      if (!bytes_of_size (cbor_array_handle (items[2])[i], P256_SIGNATURE_SIZE, &signature))
        {
          g_clear_pointer (&signature, g_bytes_unref);
          return malformed (error, _("a statement’s signature has the wrong size"));
        }
      g_ptr_array_add (derived->signatures, signature);
    }
  derived->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!read_labels (items[3], derived->labels, error))
    return FALSE;
  derived->mandatory = g_array_new (FALSE, FALSE, sizeof (guint));
  for (gsize i = 0; i < cbor_array_size (items[4]); i++)
    {
      gint64 index;
      guint value;

      if (!dossier_cbor_get_int (cbor_array_handle (items[4])[i], &index) || index < 0 || index >= DOSSIER_ECDSA_SD_MAX_STATEMENTS)
        return malformed (error, _("a mandatory index is not a statement’s number"));
      value = (guint) index;
      g_array_append_val (derived->mandatory, value);
    }
  return TRUE;
}

/* One canonical N-Quads line with each blank node label replaced by the
 * one the label map gives it; labels are read outside IRIs and literals. */
static char *
relabel_line (const char  *line,
              const char  *end,
              GHashTable  *labels,
              GError     **error)
{
  g_autoptr(GString) out = g_string_sized_new ((gsize) (end - line) + 64);
  gboolean in_literal = FALSE, in_iri = FALSE;

  for (const char *c = line; c < end; c++)
    {
      const char *stop;
      g_autofree char *label = NULL;
      const char *replacement;

      if (in_literal || in_iri)
        {
          g_string_append_c (out, *c);
          if (in_literal && *c == '\\' && c + 1 < end)
            g_string_append_c (out, *++c);
          else if ((in_literal && *c == '"') || (in_iri && *c == '>'))
            in_literal = in_iri = FALSE;
          continue;
        }
      if (*c != '_' || c + 1 >= end || c[1] != ':')
        {
          in_literal = *c == '"';
          in_iri = *c == '<';
          g_string_append_c (out, *c);
          continue;
        }
      for (stop = c + 2; stop < end && (g_ascii_isalnum (*stop) || *stop == '_' || *stop == '-'); stop++)
        ;
      label = g_strndup (c + 2, (gsize) (stop - c - 2));
      if ((replacement = g_hash_table_lookup (labels, label)) == NULL)
        {
          g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH,
                       _("The ecdsa-sd-2023 proof gives no label for the blank node %s"), label);
          return NULL;
        }
      g_string_append_printf (out, "_:%s", replacement);
      c = stop - 1;
    }
  g_string_append_c (out, '\n');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The revealed statements as the issuer labelled them, sorted. */
static GPtrArray *
relabelled_statements (const char  *canonical,
                       GHashTable  *labels,
                       GError     **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (const char *p = canonical; *p != '\0';)
    {
      const char *end = strchr (p, '\n');
      char *line;

      if (end == NULL || lines->len >= DOSSIER_ECDSA_SD_MAX_STATEMENTS)
        {
          g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                               _("The credential holds too many statements for an ecdsa-sd-2023 proof"));
          return NULL;
        }
      if ((line = relabel_line (p, end, labels, error)) == NULL)
        return NULL;
      g_ptr_array_add (lines, line);
      p = end + 1;
    }
  g_ptr_array_sort (lines, compare_lines);
  return g_steal_pointer (&lines);
}

/* The key the issuer made for this credential's statements. */
static DossierJwk *
statements_key (GBytes  *public_key,
                GError **error)
{
  g_autofree char *base58 = dossier_base58btc_encode (g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key));
  g_autofree char *multibase = g_strconcat ("z", base58, NULL);

  return dossier_multikey_to_jwk (multibase, NULL, error);
}

/* Verifies a derived ecdsa-sd-2023 proof: @proof_hash is the SHA-256 of the
 * proof options' canonical form, @canonical the revealed document's RDFC-1.0
 * canonical N-Quads, @proof_value the proof value's bytes (after its
 * multibase prefix) and @issuer_key the issuer's P-256 key. */
gboolean
dossier_ecdsa_sd_verify_derived (GBytes      *proof_hash,
                                 const char  *canonical,
                                 GBytes      *proof_value,
                                 EVP_PKEY    *issuer_key,
                                 GError     **error)
{
  g_auto(Derived) derived = { 0 };
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GByteArray) signed_data = g_byte_array_new ();
  g_autoptr(GChecksum) mandatory_hash = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(DossierJwk) key = NULL;
  g_autofree gboolean *is_mandatory = NULL;
  guint8 digest[32];
  gsize digest_size = sizeof digest;
  guint next = 0, mandatory = 0;

  g_return_val_if_fail (proof_hash != NULL && canonical != NULL && proof_value != NULL && issuer_key != NULL, FALSE);

  if (!parse_derived (proof_value, &derived, error) ||
      (statements = relabelled_statements (canonical, derived.labels, error)) == NULL)
    return FALSE;
  is_mandatory = g_new0 (gboolean, statements->len);
  for (guint i = 0; i < derived.mandatory->len; i++)
    {
      guint index = g_array_index (derived.mandatory, guint, i);

      if (index >= statements->len)
        {
          g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH,
                               _("The ecdsa-sd-2023 proof names a mandatory statement the credential does not hold"));
          return FALSE;
        }
      mandatory += !is_mandatory[index];
      is_mandatory[index] = TRUE;
    }
  for (guint i = 0; i < statements->len; i++)
    if (is_mandatory[i])
      g_checksum_update (mandatory_hash, g_ptr_array_index (statements, i), (gssize) strlen (g_ptr_array_index (statements, i)));
  if (statements->len - mandatory != derived.signatures->len)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH,
                   _("The ecdsa-sd-2023 proof signs %u statements one by one, but the credential reveals %u"),
                   derived.signatures->len, statements->len - mandatory);
      return FALSE;
    }
  g_checksum_get_digest (mandatory_hash, digest, &digest_size);
  g_byte_array_append (signed_data, g_bytes_get_data (proof_hash, NULL), (guint) g_bytes_get_size (proof_hash));
  g_byte_array_append (signed_data, g_bytes_get_data (derived.public_key, NULL), P256_MULTIKEY_SIZE);
  g_byte_array_append (signed_data, digest, (guint) digest_size);
  if (!dossier_crypto_verify ("ES256", issuer_key, signed_data->data, signed_data->len,
                              g_bytes_get_data (derived.base_signature, NULL), P256_SIGNATURE_SIZE, error))
    return FALSE;

  if ((key = statements_key (derived.public_key, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < statements->len; i++)
    {
      const char *statement = g_ptr_array_index (statements, i);
      GBytes *signature;

      if (is_mandatory[i])
        continue;
      signature = g_ptr_array_index (derived.signatures, next++);
      if (!dossier_crypto_verify ("ES256", dossier_jwk_get_pkey (key), statement, strlen (statement),
                                  g_bytes_get_data (signature, NULL), P256_SIGNATURE_SIZE, error))
        {
          g_prefix_error (error, _("Revealed statement %u: "), i + 1);
          return FALSE;
        }
    }
  return TRUE;
}
