// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target for the CBOR scan: whatever it accepts, libcbor must
 * load to the same items (integers, strings, sizes, integer-keyed map
 * look-ups), and each item's encoded form must load on its own (an HCERT's
 * record is read later from its certificate's encoded map). */
#include "dossier-cbor.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* The index after @item's subtree, having compared it with @tree. */
static guint
check_item (DossierCborScan *scan,
            guint            item,
            cbor_item_t     *tree)
{
  gsize length = 0, encoded_length = 0;
  const guint8 *encoded = dossier_cbor_scan_get_encoded (scan, item, &encoded_length);
  g_autoptr(cbor_item_t) alone = dossier_cbor_load (encoded, encoded_length);
  gint64 scanned = 0, loaded = 0;
  guint next = item + 1;

  if (alone == NULL)
    abort ();
  switch (cbor_typeof (tree))
    {
    case CBOR_TYPE_UINT:
    case CBOR_TYPE_NEGINT:
      if (dossier_cbor_scan_get_int (scan, item, &scanned) != dossier_cbor_get_int (tree, &loaded) || scanned != loaded)
        abort ();
      break;
    case CBOR_TYPE_BYTESTRING:
      {
        const guint8 *bytes = dossier_cbor_scan_get_data (scan, item, 2, &length);

        if (bytes == NULL || length != cbor_bytestring_length (tree) ||
            (length > 0 && memcmp (bytes, cbor_bytestring_handle (tree), length) != 0))
          abort ();
        break;
      }
    case CBOR_TYPE_STRING:
      {
        const guint8 *text = dossier_cbor_scan_get_data (scan, item, 3, &length);
        g_autofree char *made_valid = dossier_cbor_get_string (tree);

        if (text == NULL || made_valid == NULL || strlen (made_valid) != length ||
            (length > 0 && memcmp (text, made_valid, length) != 0))
          abort ();
        break;
      }
    case CBOR_TYPE_ARRAY:
      if (dossier_cbor_scan_get_major (scan, item) != 4 || dossier_cbor_scan_get_size (scan, item) != cbor_array_size (tree))
        abort ();
      for (gsize i = 0; i < cbor_array_size (tree); i++)
        {
          if (dossier_cbor_scan_get_element (scan, item, (guint) i) != next)
            abort ();
          next = check_item (scan, next, cbor_array_handle (tree)[i]);
        }
      break;
    case CBOR_TYPE_MAP:
      if (dossier_cbor_scan_get_major (scan, item) != 5 || dossier_cbor_scan_get_size (scan, item) != cbor_map_size (tree))
        abort ();
      for (gsize i = 0; i < cbor_map_size (tree); i++)
        {
          gint64 key;

          if (dossier_cbor_get_int (cbor_map_handle (tree)[i].key, &key) &&
              (dossier_cbor_map_get_int (tree, key) == NULL) != (dossier_cbor_scan_map_get_int (scan, item, key) == DOSSIER_CBOR_SCAN_MISSING))
            abort ();
          next = check_item (scan, next, cbor_map_handle (tree)[i].key);
          next = check_item (scan, next, cbor_map_handle (tree)[i].value);
        }
      break;
    case CBOR_TYPE_FLOAT_CTRL:
      if (dossier_cbor_scan_get_major (scan, item) != 7 || !cbor_float_ctrl_is_ctrl (tree))
        abort ();
      break;
    default:
      abort ();
    }
  return next;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(DossierCborScan) scan = dossier_cbor_scan_new (data, size);
  g_autoptr(cbor_item_t) tree = NULL;

  if (scan == NULL)
    return 0;
  /* a plain item is one libcbor loads */
  tree = dossier_cbor_load (data, size);
  if (tree == NULL || check_item (scan, 0, tree) == 0)
    abort ();
  return 0;
}
