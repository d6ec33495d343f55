// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target for RDF dataset canonicalization: the N-Quads reader on
 * any bytes, then RDFC-1.0 with both hashes.  Whatever the input, it is
 * refused with an error or canonicalized within the work budget, and the
 * canonical form read back canonicalizes to itself. */
#include "dossier-format-error.h"
#include "dossier-rdfc.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* The work budget bounds the time an input takes; the size bound keeps the
 * budget within what a fuzzing run can afford per input. */
#define FUZZ_MAX_SIZE (64 * 1024)

static void
check_canonical (const char      *canonical,
                 DossierRdfcHash  hash)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) issued = NULL;
  g_autofree char *again = NULL;

  again = dossier_rdfc_canonicalize_nquads (canonical, strlen (canonical), hash, &issued, &error);
  /* Renaming the blank nodes can only make the graph cost the same. */
  if (again == NULL)
    {
      g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
      return;
    }
  g_assert_cmpstr (again, ==, canonical);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const DossierRdfcHash hashes[] = { DOSSIER_RDFC_HASH_SHA256, DOSSIER_RDFC_HASH_SHA384 };
  g_autoptr(DossierRdfcDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;

  if (size > FUZZ_MAX_SIZE)
    return 0;
  dataset = dossier_rdfc_dataset_parse ((const char *) data, size, &error);
  if (dataset == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_cmpuint (dossier_rdfc_dataset_get_n_quads (dataset), <=, DOSSIER_RDFC_MAX_QUADS);

  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++)
    {
      g_autoptr(GError) canon_error = NULL;
      g_autofree char *canonical = dossier_rdfc_canonicalize (dataset, hashes[i], NULL, &canon_error);

      if (canonical == NULL)
        {
          g_assert_error (canon_error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
          continue;
        }
      check_canonical (canonical, hashes[i]);
    }
  return 0;
}
