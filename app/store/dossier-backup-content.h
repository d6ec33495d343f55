// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a backup file holds once decrypted: the vault's tables, row by row,
 * with every value exactly as stored (so the original bytes of each record
 * come back unchanged).  The framing is described in
 * dossier-backup-content.c. */

#define DOSSIER_BACKUP_MAX_COLUMNS 64
#define DOSSIER_BACKUP_MAX_NAME 64

typedef enum
{
  DOSSIER_BACKUP_VALUE_NULL,
  DOSSIER_BACKUP_VALUE_INTEGER,
  DOSSIER_BACKUP_VALUE_REAL,
  DOSSIER_BACKUP_VALUE_TEXT,
  DOSSIER_BACKUP_VALUE_BLOB,
} DossierBackupValueType;

typedef struct
{
  DossierBackupValueType  type;
  gint64                  integer;
  double                  real;
  const guint8           *data;      /* points into the content */
  gsize                   length;
} DossierBackupValue;

typedef struct
{
  gboolean (*version) (gpointer                   user_data,
                       guint                      schema_version,
                       GError                   **error);
  gboolean (*table)   (gpointer                   user_data,
                       const char                *name,
                       guint                      n_columns,
                       char                     **columns,
                       GError                   **error);
  gboolean (*row)     (gpointer                   user_data,
                       guint                      n_values,
                       const DossierBackupValue  *values,
                       GError                   **error);
} DossierBackupContentFuncs;

void      dossier_backup_content_put_version (GByteArray                       *out,
                                              guint                             schema_version);
void      dossier_backup_content_put_table   (GByteArray                       *out,
                                              const char                       *name,
                                              guint                             n_columns,
                                              const char * const               *columns);
void      dossier_backup_content_put_value   (GByteArray                       *out,
                                              const DossierBackupValue         *value);
void      dossier_backup_content_put_row     (GByteArray                       *out);
void      dossier_backup_content_put_end     (GByteArray                       *out);
gboolean  dossier_backup_content_parse       (const guint8                     *data,
                                              gsize                             length,
                                              const DossierBackupContentFuncs  *funcs,
                                              gpointer                          user_data,
                                              GError                          **error);

G_END_DECLS
