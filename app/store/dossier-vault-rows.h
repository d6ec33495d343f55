// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-audit-entry.h"
#include "dossier-person.h"
#include "dossier-record.h"
#include "dossier-trust-anchor.h"
#include "dossier-vault-db.h"
#include "dossier-vault-query.h"

G_BEGIN_DECLS

/* Row-level reads and writes on an open vault database.  Callers that change
 * several rows wrap them in one transaction. */

gboolean       dossier_vault_rows_insert_record  (DossierVaultDb     *db,
                                                  DossierRecord      *record,
                                                  GError            **error);
DossierRecord *dossier_vault_rows_get_record     (DossierVaultDb     *db,
                                                  gint64              id,
                                                  GError            **error);
GPtrArray     *dossier_vault_rows_query_records  (DossierVaultDb     *db,
                                                  const DossierVaultQuery *query,
                                                  GError            **error);
gint64         dossier_vault_rows_count_records  (DossierVaultDb     *db,
                                                  const DossierVaultQuery *query,
                                                  GError            **error);
gboolean       dossier_vault_rows_delete_record  (DossierVaultDb     *db,
                                                  gint64              id,
                                                  GError            **error);
gboolean       dossier_vault_rows_move_record    (DossierVaultDb     *db,
                                                  gint64              id,
                                                  gint64              person_id,
                                                  GError            **error);
gboolean       dossier_vault_rows_update_verdict (DossierVaultDb     *db,
                                                  DossierRecord      *record,
                                                  GError            **error);
gboolean       dossier_vault_rows_reindex_all    (DossierVaultDb     *db,
                                                  GError            **error);

gboolean       dossier_vault_rows_insert_person  (DossierVaultDb     *db,
                                                  DossierPerson      *person,
                                                  GError            **error);
gboolean       dossier_vault_rows_update_person  (DossierVaultDb     *db,
                                                  DossierPerson      *person,
                                                  GError            **error);
gboolean       dossier_vault_rows_delete_person  (DossierVaultDb     *db,
                                                  gint64              id,
                                                  GError            **error);
GPtrArray     *dossier_vault_rows_list_persons   (DossierVaultDb     *db,
                                                  GError            **error);
gint64         dossier_vault_rows_get_owner_id   (DossierVaultDb     *db,
                                                  GError            **error);

gboolean       dossier_vault_rows_insert_anchor  (DossierVaultDb     *db,
                                                  DossierTrustAnchor *anchor,
                                                  GError            **error);
GPtrArray     *dossier_vault_rows_list_anchors   (DossierVaultDb     *db,
                                                  GError            **error);
gboolean       dossier_vault_rows_delete_anchor  (DossierVaultDb     *db,
                                                  gint64              id,
                                                  GError            **error);

gboolean       dossier_vault_rows_append_audit   (DossierVaultDb     *db,
                                                  DossierAuditAction  action,
                                                  const char         *subject,
                                                  const char         *detail,
                                                  GError            **error);
GPtrArray     *dossier_vault_rows_list_audit     (DossierVaultDb     *db,
                                                  guint               offset,
                                                  guint               limit,
                                                  GError            **error);

G_END_DECLS
