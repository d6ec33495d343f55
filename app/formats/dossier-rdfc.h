// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest N-Quads document read, and the most quads it may hold. */
#define DOSSIER_RDFC_MAX_SIZE  (4 * 1024 * 1024)
#define DOSSIER_RDFC_MAX_QUADS 100000

/* Canonicalization gives up after this much work per blank node, or in
 * all, and when the hashing recurses deeper than the depth below.  A unit
 * of work is about one quad hashed or one identifier copied: each call of
 * the Hash N-Degree Quads algorithm costs one plus the quads of its node,
 * each permutation tried one plus the identifiers issued so far.  The W3C
 * suite's hardest legitimate graphs need under 1,900 units per blank node;
 * the whole budget takes about a second. */
#define DOSSIER_RDFC_WORK_PER_BLANK_NODE 3000
#define DOSSIER_RDFC_MAX_WORK            4000000
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
