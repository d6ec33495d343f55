// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What the audit log records.  The nicks are stored in the vault. */
typedef enum
{
  DOSSIER_AUDIT_CREATE,
  DOSSIER_AUDIT_UNLOCK,
  DOSSIER_AUDIT_UNLOCK_FAILED,
  DOSSIER_AUDIT_IMPORT,
  DOSSIER_AUDIT_VERIFY,
  DOSSIER_AUDIT_SHARE,
  DOSSIER_AUDIT_EXPORT,
  DOSSIER_AUDIT_DELETE,
  DOSSIER_AUDIT_CHANGE_PASSPHRASE,
  DOSSIER_AUDIT_PERSON,
  DOSSIER_AUDIT_BACKUP,
  DOSSIER_AUDIT_RESTORE,
  DOSSIER_AUDIT_SERVICE_SYNC,
  DOSSIER_AUDIT_SERVICE_SIGN_IN,
  DOSSIER_AUDIT_SERVICE_SIGN_OUT,
} DossierAuditAction;

#define DOSSIER_TYPE_AUDIT_ACTION (dossier_audit_action_get_type ())
GType dossier_audit_action_get_type (void);

#define DOSSIER_TYPE_AUDIT_ENTRY (dossier_audit_entry_get_type ())
G_DECLARE_FINAL_TYPE (DossierAuditEntry, dossier_audit_entry, DOSSIER, AUDIT_ENTRY, GObject)

DossierAuditEntry  *dossier_audit_entry_new             (gint64              id,
                                                         GDateTime          *timestamp,
                                                         DossierAuditAction  action,
                                                         const char         *subject,
                                                         const char         *detail);
gint64              dossier_audit_entry_get_id          (DossierAuditEntry  *self);
GDateTime          *dossier_audit_entry_get_timestamp   (DossierAuditEntry  *self);
DossierAuditAction  dossier_audit_entry_get_action      (DossierAuditEntry  *self);
const char         *dossier_audit_entry_get_subject     (DossierAuditEntry  *self);
const char         *dossier_audit_entry_get_detail      (DossierAuditEntry  *self);
const char         *dossier_audit_entry_get_description (DossierAuditEntry  *self);

const char         *dossier_audit_action_to_string      (DossierAuditAction  action);
gboolean            dossier_audit_action_from_string    (const char         *string,
                                                         DossierAuditAction *action);

G_END_DECLS
