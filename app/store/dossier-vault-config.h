// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The plaintext vault.json beside the database: the format version and the
 * Argon2id parameters and salt from which the database key is derived.  It
 * holds nothing of the vault's content. */

#define DOSSIER_VAULT_FORMAT_VERSION 1
#define DOSSIER_VAULT_KEY_SIZE 32

#define DOSSIER_VAULT_KDF_DEFAULT_ITERATIONS 3
#define DOSSIER_VAULT_KDF_DEFAULT_MEMORY_KIB (64 * 1024)
#define DOSSIER_VAULT_KDF_DEFAULT_PARALLELISM 1
#define DOSSIER_VAULT_KDF_MIN_MEMORY_KIB (8 * 1024)
#define DOSSIER_VAULT_KDF_MAX_MEMORY_KIB (4 * 1024 * 1024)
#define DOSSIER_VAULT_KDF_MAX_ITERATIONS 64

typedef struct _DossierVaultConfig DossierVaultConfig;

typedef struct
{
  guint iterations;
  guint memory_kib;
  guint parallelism;
} DossierKdfParams;

DossierVaultConfig *dossier_vault_config_new          (const DossierKdfParams *params,
                                                       GError                **error);
DossierVaultConfig *dossier_vault_config_load         (const char             *path,
                                                       GError                **error);
DossierVaultConfig *dossier_vault_config_parse        (const char             *data,
                                                       gsize                   length,
                                                       GError                **error);
gboolean            dossier_vault_config_save         (DossierVaultConfig     *self,
                                                       const char             *path,
                                                       GError                **error);
gboolean            dossier_vault_config_derive_key   (DossierVaultConfig     *self,
                                                       const char             *passphrase,
                                                       guint8                 *key,
                                                       GError                **error);
void                dossier_vault_config_get_params   (DossierVaultConfig     *self,
                                                       DossierKdfParams       *params);
void                dossier_vault_config_free         (DossierVaultConfig     *self);

gboolean            dossier_kdf_params_validate       (const DossierKdfParams *params,
                                                       GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierVaultConfig, dossier_vault_config_free)

G_END_DECLS
