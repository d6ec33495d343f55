// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-vault-query.h"

G_DEFINE_BOXED_TYPE (DossierVaultQuery, dossier_vault_query,
                     dossier_vault_query_copy, dossier_vault_query_free)

DossierVaultQuery *
dossier_vault_query_new (void)
{
  DossierVaultQuery *query = g_new0 (DossierVaultQuery, 1);

  query->category = -1;
  query->or_category = -1;
  query->kind = -1;
  return query;
}

DossierVaultQuery *
dossier_vault_query_copy (const DossierVaultQuery *query)
{
  DossierVaultQuery *copy;

  g_return_val_if_fail (query != NULL, NULL);

  copy = g_memdup2 (query, sizeof *query);
  copy->text = g_strdup (query->text);
  return copy;
}

void
dossier_vault_query_free (DossierVaultQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->text);
  g_free (query);
}
