// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "dossier-audit-entry.h"
#include "dossier-backup-file.h"
#include "dossier-person.h"
#include "dossier-record.h"
#include "dossier-trust-anchor.h"
#include "dossier-vault-config.h"
#include "dossier-vault-error.h"
#include "dossier-vault-query.h"

G_BEGIN_DECLS

#define DOSSIER_TYPE_VAULT (dossier_vault_get_type ())
G_DECLARE_FINAL_TYPE (DossierVault, dossier_vault, DOSSIER, VAULT, GObject)

DossierVault  *dossier_vault_new                      (const char              *directory);
const char    *dossier_vault_get_directory            (DossierVault            *self);
gboolean       dossier_vault_exists                   (DossierVault            *self);
gboolean       dossier_vault_get_is_open              (DossierVault            *self);
guint          dossier_vault_unlock_delay             (guint                    failures);

void           dossier_vault_create_async             (DossierVault            *self,
                                                       const char              *passphrase,
                                                       const DossierKdfParams  *params,
                                                       const char              *owner_name,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_create_finish            (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_open_async               (DossierVault            *self,
                                                       const char              *passphrase,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_open_finish              (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_lock_async               (DossierVault            *self,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_lock_finish              (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_change_passphrase_async  (DossierVault            *self,
                                                       const char              *old_passphrase,
                                                       const char              *new_passphrase,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_change_passphrase_finish (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);

void           dossier_vault_check_async              (DossierVault            *self,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_check_finish             (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);

void           dossier_vault_add_records_async        (DossierVault            *self,
                                                       GPtrArray               *records,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_add_records_finish       (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_get_record_async         (DossierVault            *self,
                                                       gint64                   id,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
DossierRecord *dossier_vault_get_record_finish        (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_query_records_async      (DossierVault            *self,
                                                       const DossierVaultQuery *query,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
GPtrArray     *dossier_vault_query_records_finish     (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_count_records_async      (DossierVault            *self,
                                                       const DossierVaultQuery *query,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gint64         dossier_vault_count_records_finish     (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_update_verdict_async     (DossierVault            *self,
                                                       DossierRecord           *record,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_update_verdict_finish    (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_delete_record_async      (DossierVault            *self,
                                                       gint64                   id,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_delete_record_finish     (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);

void           dossier_vault_move_record_async        (DossierVault            *self,
                                                       gint64                   id,
                                                       gint64                   person_id,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_move_record_finish       (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_list_persons_async       (DossierVault            *self,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
GPtrArray     *dossier_vault_list_persons_finish      (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_save_person_async        (DossierVault            *self,
                                                       DossierPerson           *person,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_save_person_finish       (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_remove_person_async      (DossierVault            *self,
                                                       gint64                   id,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_remove_person_finish     (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);

void           dossier_vault_add_anchor_async         (DossierVault            *self,
                                                       DossierTrustAnchor      *anchor,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_add_anchor_finish        (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_list_anchors_async       (DossierVault            *self,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
GPtrArray     *dossier_vault_list_anchors_finish      (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_remove_anchor_async      (DossierVault            *self,
                                                       gint64                   id,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_remove_anchor_finish     (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);

void           dossier_vault_list_audit_async         (DossierVault            *self,
                                                       guint                    offset,
                                                       guint                    limit,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
GPtrArray     *dossier_vault_list_audit_finish        (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_append_audit_async       (DossierVault            *self,
                                                       DossierAuditAction       action,
                                                       const char              *subject,
                                                       const char              *detail,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_append_audit_finish      (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);


void           dossier_vault_backup_async             (DossierVault            *self,
                                                       const char              *path,
                                                       const char              *passphrase,
                                                       const guint8            *recovery_key,
                                                       const DossierKdfParams  *params,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_backup_finish            (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_restore_async            (DossierVault            *self,
                                                       const char              *path,
                                                       const char              *backup_passphrase,
                                                       const guint8            *recovery_key,
                                                       const char              *new_passphrase,
                                                       const DossierKdfParams  *params,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_restore_finish           (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);

void           dossier_vault_get_setting_async        (DossierVault            *self,
                                                       const char              *key,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
char          *dossier_vault_get_setting_finish       (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_set_setting_async        (DossierVault            *self,
                                                       const char              *key,
                                                       const char              *value,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_set_setting_finish       (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void           dossier_vault_get_secret_async         (DossierVault            *self,
                                                       const char              *key,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
guint8        *dossier_vault_get_secret_finish        (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       gsize                   *length,
                                                       GError                 **error);
void           dossier_vault_set_secret_async         (DossierVault            *self,
                                                       const char              *key,
                                                       const guint8            *data,
                                                       gsize                    length,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean       dossier_vault_set_secret_finish        (DossierVault            *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);

G_END_DECLS
