// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vault.h"
#include "dossier-vault-private.h"
#include "dossier-vault-rows.h"

/* The vault's calls on records, persons and the audit log: each queues a job
 * that runs on the worker thread against the open database. */

/* --- records ------------------------------------------------------------ */

static void
add_records_job (DossierVault *self,
                 GTask        *task,
                 gpointer      data)
{
  Call *call = data;
  GError *error = NULL;
  gboolean ok = dossier_vault_require_open (self, &error) && dossier_vault_db_begin (self->db, &error);

  for (guint i = 0; ok && i < call->objects->len; i++)
    ok = dossier_vault_rows_insert_record (self->db, g_ptr_array_index (call->objects, i), &error);
  if (ok)
    ok = dossier_vault_db_commit (self->db, &error);
  else if (self->db != NULL)
    dossier_vault_db_rollback (self->db);

  if (!ok)
    for (guint i = 0; i < call->objects->len; i++)
      dossier_record_set_id (g_ptr_array_index (call->objects, i), 0);
  dossier_vault_return_result (task, ok, error);
}

static void
get_record_job (DossierVault *self,
                GTask        *task,
                gpointer      data)
{
  Call *call = data;
  GError *error = NULL;
  DossierRecord *record = NULL;

  if (dossier_vault_require_open (self, &error))
    record = dossier_vault_rows_get_record (self->db, call->id, &error);
  if (record != NULL)
    g_task_return_pointer (task, record, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
query_records_job (DossierVault *self,
                   GTask        *task,
                   gpointer      data)
{
  Call *call = data;
  GError *error = NULL;
  GPtrArray *records = NULL;

  if (dossier_vault_require_open (self, &error))
    records = dossier_vault_rows_query_records (self->db, call->query, &error);
  if (records != NULL)
    g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
count_records_job (DossierVault *self,
                   GTask        *task,
                   gpointer      data)
{
  Call *call = data;
  GError *error = NULL;
  gint64 count = -1;

  if (dossier_vault_require_open (self, &error))
    count = dossier_vault_rows_count_records (self->db, call->query, &error);
  if (count >= 0)
    g_task_return_int (task, count);
  else
    g_task_return_error (task, error);
}

/* The body of a job that changes rows: @write runs inside one transaction
 * on the open database, which is rolled back if it fails. */
typedef gboolean (*WriteFunc) (DossierVaultDb  *db,
                               Call            *call,
                               GError         **error);

static void
return_written (DossierVault *self,
                GTask        *task,
                Call         *call,
                WriteFunc     write)
{
  GError *error = NULL;
  gboolean ok = dossier_vault_require_open (self, &error) && dossier_vault_db_begin (self->db, &error);

  if (ok && !(ok = write (self->db, call, &error)))
    dossier_vault_db_rollback (self->db);
  if (ok)
    ok = dossier_vault_db_commit (self->db, &error);
  dossier_vault_return_result (task, ok, error);
}

/* The body of a job that lists rows. */
static void
return_list (DossierVault *self,
             GTask        *task,
             GPtrArray  *(*list) (DossierVaultDb *db, GError **error))
{
  GError *error = NULL;
  GPtrArray *rows = NULL;

  if (dossier_vault_require_open (self, &error))
    rows = list (self->db, &error);
  if (rows != NULL)
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static gboolean
write_delete_record (DossierVaultDb  *db,
                     Call            *call,
                     GError         **error)
{
  return dossier_vault_rows_delete_record (db, call->id, error);
}

static gboolean
write_move_record (DossierVaultDb  *db,
                   Call            *call,
                   GError         **error)
{
  return dossier_vault_rows_move_record (db, call->id, call->person_id, error);
}

static gboolean
write_verdict (DossierVaultDb  *db,
               Call            *call,
               GError         **error)
{
  return dossier_vault_rows_update_verdict (db, DOSSIER_RECORD (call->object), error);
}

static gboolean
write_anchor (DossierVaultDb  *db,
              Call            *call,
              GError         **error)
{
  return dossier_vault_rows_insert_anchor (db, DOSSIER_TRUST_ANCHOR (call->object), error);
}

static gboolean
write_remove_anchor (DossierVaultDb  *db,
                     Call            *call,
                     GError         **error)
{
  return dossier_vault_rows_delete_anchor (db, call->id, error);
}

static gboolean
write_person (DossierVaultDb  *db,
              Call            *call,
              GError         **error)
{
  DossierPerson *person = DOSSIER_PERSON (call->object);

  if (dossier_person_get_id (person) == 0)
    return dossier_vault_rows_insert_person (db, person, error);
  return dossier_vault_rows_update_person (db, person, error);
}

static gboolean
write_remove_person (DossierVaultDb  *db,
                     Call            *call,
                     GError         **error)
{
  return dossier_vault_rows_delete_person (db, call->id, error);
}

static gboolean
write_audit (DossierVaultDb  *db,
             Call            *call,
             GError         **error)
{
  return dossier_vault_rows_append_audit (db, call->action, call->text, call->detail, error);
}

static void
delete_record_job (DossierVault *self,
                   GTask        *task,
                   gpointer      data)
{
  return_written (self, task, data, write_delete_record);
}

static void
move_record_job (DossierVault *self,
                 GTask        *task,
                 gpointer      data)
{
  return_written (self, task, data, write_move_record);
}

static void
update_verdict_job (DossierVault *self,
                    GTask        *task,
                    gpointer      data)
{
  return_written (self, task, data, write_verdict);
}

static void
add_anchor_job (DossierVault *self,
                GTask        *task,
                gpointer      data)
{
  return_written (self, task, data, write_anchor);
}

static void
remove_anchor_job (DossierVault *self,
                   GTask        *task,
                   gpointer      data)
{
  return_written (self, task, data, write_remove_anchor);
}

static void
list_anchors_job (DossierVault *self,
                  GTask        *task,
                  gpointer      data)
{
  return_list (self, task, dossier_vault_rows_list_anchors);
}

static void
list_persons_job (DossierVault *self,
                  GTask        *task,
                  gpointer      data)
{
  return_list (self, task, dossier_vault_rows_list_persons);
}

static void
save_person_job (DossierVault *self,
                 GTask        *task,
                 gpointer      data)
{
  return_written (self, task, data, write_person);
}

static void
remove_person_job (DossierVault *self,
                   GTask        *task,
                   gpointer      data)
{
  return_written (self, task, data, write_remove_person);
}

static void
list_audit_job (DossierVault *self,
                GTask        *task,
                gpointer      data)
{
  Call *call = data;
  GError *error = NULL;
  GPtrArray *entries = NULL;

  if (dossier_vault_require_open (self, &error))
    entries = dossier_vault_rows_list_audit (self->db, call->offset, call->limit, &error);
  if (entries != NULL)
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
append_audit_job (DossierVault *self,
                  GTask        *task,
                  gpointer      data)
{
  return_written (self, task, data, write_audit);
}

/* Stores all @records in one transaction: either every one is added (and
 * gets its id) or none is. */
void
dossier_vault_add_records_async (DossierVault        *self,
                                 GPtrArray           *records,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (records != NULL);

  call = g_new0 (Call, 1);
  call->objects = g_ptr_array_ref (records);
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_add_records_async, call, cancellable, callback, user_data),
             add_records_job);
}

gboolean
dossier_vault_add_records_finish (DossierVault  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_add_records_async, error);
}

void
dossier_vault_get_record_async (DossierVault        *self,
                                gint64               id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));

  call = g_new0 (Call, 1);
  call->id = id;
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_get_record_async, call, cancellable, callback, user_data),
             get_record_job);
}

DossierRecord *
dossier_vault_get_record_finish (DossierVault  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return dossier_vault_finish_pointer (self, result, dossier_vault_get_record_async, error);
}

static Call *
query_call (const DossierVaultQuery *query)
{
  Call *call = g_new0 (Call, 1);

  call->query = query != NULL ? dossier_vault_query_copy (query) : dossier_vault_query_new ();
  return call;
}

void
dossier_vault_query_records_async (DossierVault            *self,
                                   const DossierVaultQuery *query,
                                   GCancellable            *cancellable,
                                   GAsyncReadyCallback      callback,
                                   gpointer                 user_data)
{
  g_return_if_fail (DOSSIER_IS_VAULT (self));
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_query_records_async, query_call (query),
                             cancellable, callback, user_data),
             query_records_job);
}

GPtrArray *
dossier_vault_query_records_finish (DossierVault  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return dossier_vault_finish_pointer (self, result, dossier_vault_query_records_async, error);
}

void
dossier_vault_count_records_async (DossierVault            *self,
                                   const DossierVaultQuery *query,
                                   GCancellable            *cancellable,
                                   GAsyncReadyCallback      callback,
                                   gpointer                 user_data)
{
  g_return_if_fail (DOSSIER_IS_VAULT (self));
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_count_records_async, query_call (query),
                             cancellable, callback, user_data),
             count_records_job);
}

gint64
dossier_vault_count_records_finish (DossierVault  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (DOSSIER_IS_VAULT (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* Stores the verdict and time of checking of @record (and of the entries
 * grouped under it), and notes the check in the audit log. */
void
dossier_vault_update_verdict_async (DossierVault        *self,
                                    DossierRecord       *record,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (DOSSIER_IS_RECORD (record));

  call = g_new0 (Call, 1);
  call->object = g_object_ref (G_OBJECT (record));
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_update_verdict_async, call, cancellable, callback, user_data),
                           update_verdict_job);
}

gboolean
dossier_vault_update_verdict_finish (DossierVault  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_update_verdict_async, error);
}

void
dossier_vault_delete_record_async (DossierVault        *self,
                                   gint64               id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));

  call = g_new0 (Call, 1);
  call->id = id;
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_delete_record_async, call, cancellable, callback, user_data),
             delete_record_job);
}

gboolean
dossier_vault_delete_record_finish (DossierVault  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_delete_record_async, error);
}

void
dossier_vault_move_record_async (DossierVault        *self,
                                 gint64               id,
                                 gint64               person_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));

  call = g_new0 (Call, 1);
  call->id = id;
  call->person_id = person_id;
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_move_record_async, call, cancellable, callback, user_data),
                           move_record_job);
}

gboolean
dossier_vault_move_record_finish (DossierVault  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_move_record_async, error);
}

void
dossier_vault_list_persons_async (DossierVault        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (DOSSIER_IS_VAULT (self));
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_list_persons_async, NULL, cancellable, callback, user_data),
             list_persons_job);
}

GPtrArray *
dossier_vault_list_persons_finish (DossierVault  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return dossier_vault_finish_pointer (self, result, dossier_vault_list_persons_async, error);
}

/* Adds @person when it has no id yet, otherwise saves its changes. */
void
dossier_vault_save_person_async (DossierVault        *self,
                                 DossierPerson       *person,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (DOSSIER_IS_PERSON (person));

  call = g_new0 (Call, 1);
  call->object = g_object_ref (G_OBJECT (person));
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_save_person_async, call, cancellable, callback, user_data),
             save_person_job);
}

gboolean
dossier_vault_save_person_finish (DossierVault  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_save_person_async, error);
}

void
dossier_vault_remove_person_async (DossierVault        *self,
                                   gint64               id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));

  call = g_new0 (Call, 1);
  call->id = id;
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_remove_person_async, call, cancellable, callback, user_data),
             remove_person_job);
}

gboolean
dossier_vault_remove_person_finish (DossierVault  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_remove_person_async, error);
}

void
dossier_vault_list_audit_async (DossierVault        *self,
                                guint                offset,
                                guint                limit,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));

  call = g_new0 (Call, 1);
  call->offset = offset;
  call->limit = limit;
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_list_audit_async, call, cancellable, callback, user_data),
             list_audit_job);
}

GPtrArray *
dossier_vault_list_audit_finish (DossierVault  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return dossier_vault_finish_pointer (self, result, dossier_vault_list_audit_async, error);
}

void
dossier_vault_append_audit_async (DossierVault        *self,
                                  DossierAuditAction   action,
                                  const char          *subject,
                                  const char          *detail,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));

  call = g_new0 (Call, 1);
  call->action = action;
  call->text = g_strdup (subject);
  call->detail = g_strdup (detail);
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_append_audit_async, call, cancellable, callback, user_data),
             append_audit_job);
}

gboolean
dossier_vault_append_audit_finish (DossierVault  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_append_audit_async, error);
}

/* Keeps @anchor in the vault; one already kept (it has an id) is saved
 * again with its new material and fetch time, after a refresh. */
void
dossier_vault_add_anchor_async (DossierVault        *self,
                                DossierTrustAnchor  *anchor,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));
  g_return_if_fail (DOSSIER_IS_TRUST_ANCHOR (anchor));

  call = g_new0 (Call, 1);
  call->object = g_object_ref (G_OBJECT (anchor));
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_add_anchor_async, call, cancellable, callback, user_data),
                           add_anchor_job);
}

gboolean
dossier_vault_add_anchor_finish (DossierVault  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_add_anchor_async, error);
}

void
dossier_vault_list_anchors_async (DossierVault        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (DOSSIER_IS_VAULT (self));
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_list_anchors_async, NULL, cancellable, callback, user_data),
                           list_anchors_job);
}

GPtrArray *
dossier_vault_list_anchors_finish (DossierVault  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return dossier_vault_finish_pointer (self, result, dossier_vault_list_anchors_async, error);
}

void
dossier_vault_remove_anchor_async (DossierVault        *self,
                                   gint64               id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Call *call;

  g_return_if_fail (DOSSIER_IS_VAULT (self));

  call = g_new0 (Call, 1);
  call->id = id;
  dossier_vault_queue_job (self, dossier_vault_new_task (self, dossier_vault_remove_anchor_async, call, cancellable, callback, user_data),
                           remove_anchor_job);
}

gboolean
dossier_vault_remove_anchor_finish (DossierVault  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return dossier_vault_finish_boolean (self, result, dossier_vault_remove_anchor_async, error);
}
