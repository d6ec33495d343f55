// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Which records to list: all filters are optional and combine with AND. */
typedef struct
{
  char   *text;        /* search words (diacritics and case do not matter), or NULL */
  int     category;    /* a DossierRecordCategory, or -1 for all */
  int     or_category; /* a second category listed with the first, or -1 */
  int     kind;        /* a DossierRecordKind, or -1 for all */
  gint64  person_id;   /* 0 for everyone */
  guint   offset;
  guint   limit;       /* 0 for no limit */
} DossierVaultQuery;

#define DOSSIER_TYPE_VAULT_QUERY (dossier_vault_query_get_type ())
GType              dossier_vault_query_get_type (void);
DossierVaultQuery *dossier_vault_query_new      (void);
DossierVaultQuery *dossier_vault_query_copy     (const DossierVaultQuery *query);
void               dossier_vault_query_free     (DossierVaultQuery       *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierVaultQuery, dossier_vault_query_free)

G_END_DECLS
