// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target: the bytes as vault.json (or vault.json.pending), the
 * plaintext file beside the database that anyone with the folder can
 * change.  Whatever is accepted must carry key-derivation settings within
 * the limits, and must be written back and read again unchanged. */
#include "dossier-vault-config.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static char *path;
  g_autoptr(DossierVaultConfig) config = dossier_vault_config_parse ((const char *) data, size, NULL);
  g_autoptr(DossierVaultConfig) again = NULL;
  DossierKdfParams params, params_again;

  if (config == NULL)
    return 0;
  dossier_vault_config_get_params (config, &params);
  g_assert (dossier_kdf_params_validate (&params, NULL));

  if (path == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("dossier-fuzz-XXXXXX", NULL);

      g_assert (dir != NULL);
      path = g_build_filename (dir, "vault.json", NULL);
    }
  g_assert (dossier_vault_config_save (config, path, NULL));
  again = dossier_vault_config_load (path, NULL);
  g_assert (again != NULL);
  dossier_vault_config_get_params (again, &params_again);
  g_assert (memcmp (&params, &params_again, sizeof params) == 0);
  return 0;
}
