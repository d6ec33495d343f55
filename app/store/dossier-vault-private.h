// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* What the vault's files share; not for use outside app/store. */

#include "dossier-vault-db.h"
#include "dossier-vault.h"

G_BEGIN_DECLS

struct _DossierVault
{
  GObject              parent_instance;
  char                *directory;
  GThreadPool         *worker;
  int                  is_open;          /* atomic, read from any thread */

  /* owned by the worker thread */
  DossierVaultDb      *db;
  DossierVaultConfig  *config;
  int                  lock_fd;
  guint                failed_unlocks;
};

typedef void (*JobFunc) (DossierVault *self,
                         GTask        *task,
                         gpointer      data);

typedef struct
{
  GTask   *task;
  JobFunc  func;
} Job;

/* Everything any call needs, so one struct and one free function serve all. */
typedef struct
{
  char              *passphrase;      /* secure memory */
  char              *new_passphrase;  /* secure memory */
  guint8            *key;             /* secure memory, DOSSIER_RECOVERY_KEY_SIZE bytes */
  guint8            *secret;          /* secure memory, secret_length bytes */
  gsize              secret_length;
  DossierKdfParams   params;
  gboolean           has_params;
  char              *text;
  char              *detail;
  gint64             id;
  gint64             person_id;
  guint              offset;
  guint              limit;
  int                action;
  GPtrArray         *objects;
  GObject           *object;
  DossierVaultQuery *query;
} Call;

void      dossier_vault_call_free       (Call                 *call);
GTask    *dossier_vault_new_task        (DossierVault         *self,
                                         gpointer              source_tag,
                                         Call                 *call,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
void      dossier_vault_queue_job       (DossierVault         *self,
                                         GTask                *task,
                                         JobFunc               func);
gboolean  dossier_vault_require_open    (DossierVault         *self,
                                         GError              **error);
void      dossier_vault_return_result   (GTask                *task,
                                         gboolean              ok,
                                         GError               *error);
gboolean  dossier_vault_finish_boolean  (DossierVault         *self,
                                         GAsyncResult         *result,
                                         gpointer              tag,
                                         GError              **error);
gpointer  dossier_vault_finish_pointer  (DossierVault         *self,
                                         GAsyncResult         *result,
                                         gpointer              tag,
                                         GError              **error);

/* Shared with the backup and restore jobs, which build vaults too. */
char           *dossier_vault_build_path            (DossierVault         *self,
                                                     const char           *name);
void            dossier_vault_set_open              (DossierVault         *self,
                                                     GTask                *task,
                                                     gboolean              open);
gboolean        dossier_vault_take_lock             (DossierVault         *self,
                                                     GError              **error);
void            dossier_vault_release_lock          (DossierVault         *self);
void            dossier_vault_close_all             (DossierVault         *self);
gboolean        dossier_vault_rename_durably        (DossierVault         *self,
                                                     const char           *from,
                                                     const char           *to,
                                                     GError              **error);
void            dossier_vault_remove_database_files (const char           *path);
DossierVaultDb *dossier_vault_open_database         (DossierVault         *self,
                                                     DossierVaultConfig   *config,
                                                     const char           *passphrase,
                                                     GError              **error);

G_END_DECLS
