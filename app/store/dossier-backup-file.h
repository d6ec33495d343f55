// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

#include "dossier-vault-config.h"

G_BEGIN_DECLS

/* The encrypted backup file: a plaintext header saying how the key is made,
 * then the content in AES-256-GCM chunks.  The layout is described at the
 * top of dossier-backup-file.c and in README.md. */

#define DOSSIER_BACKUP_ERROR (dossier_backup_error_quark ())

typedef enum
{
  DOSSIER_BACKUP_ERROR_NOT_A_BACKUP,
  DOSSIER_BACKUP_ERROR_UNSUPPORTED_VERSION,
  DOSSIER_BACKUP_ERROR_DAMAGED,
  DOSSIER_BACKUP_ERROR_TRUNCATED,
  DOSSIER_BACKUP_ERROR_WRONG_KEY,
  DOSSIER_BACKUP_ERROR_NEEDS_PASSPHRASE,
  DOSSIER_BACKUP_ERROR_NEEDS_RECOVERY_KEY,
  DOSSIER_BACKUP_ERROR_TOO_LARGE,
  DOSSIER_BACKUP_ERROR_IO,
  DOSSIER_BACKUP_ERROR_FAILED,
} DossierBackupError;

typedef enum
{
  DOSSIER_BACKUP_PASSPHRASE = 1,
  DOSSIER_BACKUP_RECOVERY_KEY = 2,
} DossierBackupProtection;

#define DOSSIER_BACKUP_FORMAT_VERSION 1
#define DOSSIER_BACKUP_HEADER_SIZE 64
#define DOSSIER_BACKUP_SALT_SIZE 16
#define DOSSIER_BACKUP_CHUNK_SIZE (64 * 1024)
#define DOSSIER_BACKUP_MIN_CHUNK_SIZE 1024
#define DOSSIER_BACKUP_MAX_CHUNK_SIZE (1024 * 1024)
/* The decrypted content is held in memory while a restore checks it. */
#define DOSSIER_BACKUP_MAX_CONTENT_SIZE ((gsize) 1 << 31)

typedef struct
{
  guint                    version;
  DossierBackupProtection  protection;
  DossierKdfParams         kdf;
  guint8                   salt[DOSSIER_BACKUP_SALT_SIZE];
  guint32                  chunk_size;
  guint8                   bytes[DOSSIER_BACKUP_HEADER_SIZE];
} DossierBackupHeader;

GQuark      dossier_backup_error_quark     (void);

gboolean    dossier_backup_header_parse    (const guint8            *data,
                                            gsize                    length,
                                            DossierBackupHeader     *header,
                                            GError                 **error);

typedef struct _DossierBackupWriter DossierBackupWriter;

DossierBackupWriter *dossier_backup_writer_new    (int                      fd,
                                                   const char              *passphrase,
                                                   const guint8            *recovery_key,
                                                   const DossierKdfParams  *params,
                                                   guint32                  chunk_size,
                                                   GError                 **error);
gboolean             dossier_backup_writer_write  (DossierBackupWriter     *self,
                                                   gconstpointer            data,
                                                   gsize                    length,
                                                   GError                 **error);
gboolean             dossier_backup_writer_finish (DossierBackupWriter     *self,
                                                   GError                 **error);
void                 dossier_backup_writer_free   (DossierBackupWriter     *self);

GByteArray *dossier_backup_decrypt         (const guint8            *data,
                                            gsize                    length,
                                            const char              *passphrase,
                                            const guint8            *recovery_key,
                                            GError                 **error);
void        dossier_backup_content_free    (GByteArray              *content);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierBackupWriter, dossier_backup_writer_free)

G_END_DECLS
