// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest N-Quads document read, and the most quads it may hold. */
#define DOSSIER_RDFC_MAX_SIZE  (4 * 1024 * 1024)
#define DOSSIER_RDFC_MAX_QUADS 100000

/* Canonicalization gives up after this many steps (calls of the Hash
 * N-Degree Quads algorithm and permutations tried) per blank node, and
 * when the hashing recurses deeper than the depth below. */
#define DOSSIER_RDFC_WORK_PER_BLANK_NODE 400
#define DOSSIER_RDFC_MAX_DEPTH           256

typedef enum
{
  DOSSIER_RDFC_HASH_SHA256,
  DOSSIER_RDFC_HASH_SHA384,
} DossierRdfcHash;

typedef struct _DossierRdfcDataset DossierRdfcDataset;

DossierRdfcDataset *dossier_rdfc_dataset_parse        (const char          *text,
                                                       gsize                length,
                                                       GError             **error);
guint               dossier_rdfc_dataset_get_n_quads  (DossierRdfcDataset  *dataset);
void                dossier_rdfc_dataset_free         (DossierRdfcDataset  *dataset);

char               *dossier_rdfc_canonicalize         (DossierRdfcDataset  *dataset,
                                                       DossierRdfcHash      hash,
                                                       GHashTable         **issued,
                                                       GError             **error);
char               *dossier_rdfc_canonicalize_nquads  (const char          *text,
                                                       gsize                length,
                                                       DossierRdfcHash      hash,
                                                       GHashTable         **issued,
                                                       GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierRdfcDataset, dossier_rdfc_dataset_free)

G_END_DECLS
