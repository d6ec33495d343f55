// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-audit-entry.h"

#include "dossier-utils.h"

#include <glib/gi18n-lib.h>

/* One line of the audit log: what happened to which record, and when.  The
 * log lives inside the encrypted vault and the user can read all of it. */
struct _DossierAuditEntry
{
  GObject             parent_instance;
  gint64              id;
  GDateTime          *timestamp;
  DossierAuditAction  action;
  char               *subject;
  char               *detail;
};

G_DEFINE_FINAL_TYPE (DossierAuditEntry, dossier_audit_entry, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (DossierAuditAction, dossier_audit_action,
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_CREATE, "create"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_UNLOCK, "unlock"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_UNLOCK_FAILED, "unlock-failed"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_IMPORT, "import"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_VERIFY, "verify"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_SHARE, "share"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_EXPORT, "export"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_DELETE, "delete"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_CHANGE_PASSPHRASE, "change-passphrase"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_PERSON, "person"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_BACKUP, "backup"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_RESTORE, "restore"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_SERVICE_SYNC, "service-sync"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_SERVICE_SIGN_IN, "service-sign-in"),
  G_DEFINE_ENUM_VALUE (DOSSIER_AUDIT_SERVICE_SIGN_OUT, "service-sign-out"))

static void
dossier_audit_entry_finalize (GObject *object)
{
  DossierAuditEntry *self = DOSSIER_AUDIT_ENTRY (object);

  g_clear_pointer (&self->timestamp, g_date_time_unref);
  g_free (self->subject);
  g_free (self->detail);
  G_OBJECT_CLASS (dossier_audit_entry_parent_class)->finalize (object);
}

static void
dossier_audit_entry_class_init (DossierAuditEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_audit_entry_finalize;
}

static void
dossier_audit_entry_init (DossierAuditEntry *self)
{
}

DossierAuditEntry *
dossier_audit_entry_new (gint64              id,
                         GDateTime          *timestamp,
                         DossierAuditAction  action,
                         const char         *subject,
                         const char         *detail)
{
  DossierAuditEntry *self;

  g_return_val_if_fail (timestamp != NULL, NULL);

  self = g_object_new (DOSSIER_TYPE_AUDIT_ENTRY, NULL);
  self->id = id;
  self->timestamp = g_date_time_ref (timestamp);
  self->action = action;
  self->subject = g_strdup (subject);
  self->detail = g_strdup (detail);
  return self;
}

gint64
dossier_audit_entry_get_id (DossierAuditEntry *self)
{
  g_return_val_if_fail (DOSSIER_IS_AUDIT_ENTRY (self), 0);
  return self->id;
}

GDateTime *
dossier_audit_entry_get_timestamp (DossierAuditEntry *self)
{
  g_return_val_if_fail (DOSSIER_IS_AUDIT_ENTRY (self), NULL);
  return self->timestamp;
}

DossierAuditAction
dossier_audit_entry_get_action (DossierAuditEntry *self)
{
  g_return_val_if_fail (DOSSIER_IS_AUDIT_ENTRY (self), DOSSIER_AUDIT_CREATE);
  return self->action;
}

const char *
dossier_audit_entry_get_subject (DossierAuditEntry *self)
{
  g_return_val_if_fail (DOSSIER_IS_AUDIT_ENTRY (self), NULL);
  return self->subject;
}

const char *
dossier_audit_entry_get_detail (DossierAuditEntry *self)
{
  g_return_val_if_fail (DOSSIER_IS_AUDIT_ENTRY (self), NULL);
  return self->detail;
}

/* A short sentence for the user saying what happened. */
const char *
dossier_audit_entry_get_description (DossierAuditEntry *self)
{
  g_return_val_if_fail (DOSSIER_IS_AUDIT_ENTRY (self), NULL);

  switch (self->action)
    {
    case DOSSIER_AUDIT_CREATE: return _("Vault created");
    case DOSSIER_AUDIT_UNLOCK: return _("Vault unlocked");
    case DOSSIER_AUDIT_UNLOCK_FAILED: return _("Unlock failed: wrong passphrase");
    case DOSSIER_AUDIT_IMPORT: return _("Record imported");
    case DOSSIER_AUDIT_VERIFY: return _("Record verified");
    case DOSSIER_AUDIT_SHARE: return _("Record shared");
    case DOSSIER_AUDIT_EXPORT: return _("Record exported");
    case DOSSIER_AUDIT_DELETE: return _("Record deleted");
    case DOSSIER_AUDIT_CHANGE_PASSPHRASE: return _("Passphrase changed");
    case DOSSIER_AUDIT_PERSON: return _("Family member changed");
    case DOSSIER_AUDIT_BACKUP: return _("Backup written");
    case DOSSIER_AUDIT_RESTORE: return _("Vault restored from a backup");
    case DOSSIER_AUDIT_SERVICE_SYNC: return _("Records fetched from a service");
    case DOSSIER_AUDIT_SERVICE_SIGN_IN: return _("Signed in to a service");
    case DOSSIER_AUDIT_SERVICE_SIGN_OUT: return _("Signed out of a service");
    default: return _("Unknown event");
    }
}

const char *
dossier_audit_action_to_string (DossierAuditAction action)
{
  return dossier_enum_to_nick (DOSSIER_TYPE_AUDIT_ACTION, action);
}

gboolean
dossier_audit_action_from_string (const char         *string,
                                  DossierAuditAction *action)
{
  int value;

  if (!dossier_enum_from_nick (DOSSIER_TYPE_AUDIT_ACTION, string, &value))
    return FALSE;
  *action = value;
  return TRUE;
}
