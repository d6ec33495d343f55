// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-keyring.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

/* One keyring item per vault, found by the vault's folder.  libsecret keeps
 * the passphrase it returns in memory that is wiped when freed. */

static const SecretSchema *
vault_schema (void)
{
  static const SecretSchema schema = {
    "io.github.dossierapp.Dossier.Vault", SECRET_SCHEMA_NONE,
    {
      { "vault", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

void
dossier_keyring_store_async (const char          *vault_directory,
                             const char          *passphrase,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *label = g_strdup_printf (_("Dossier vault passphrase (%s)"), vault_directory);

  secret_password_store (vault_schema (), SECRET_COLLECTION_DEFAULT, label, passphrase, cancellable,
                         callback, user_data, "vault", vault_directory, NULL);
}

gboolean
dossier_keyring_store_finish (GAsyncResult  *result,
                              GError       **error)
{
  return secret_password_store_finish (result, error);
}

void
dossier_keyring_lookup_async (const char          *vault_directory,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  secret_password_lookup (vault_schema (), cancellable, callback, user_data, "vault", vault_directory, NULL);
}

/* The passphrase (free it with dossier_keyring_free_passphrase()), or NULL
 * with no error when none is remembered. */
char *
dossier_keyring_lookup_finish (GAsyncResult  *result,
                               GError       **error)
{
  return secret_password_lookup_finish (result, error);
}

void
dossier_keyring_clear_async (const char          *vault_directory,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  secret_password_clear (vault_schema (), cancellable, callback, user_data, "vault", vault_directory, NULL);
}

gboolean
dossier_keyring_clear_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  /* Nothing to clear is not a failure. */
  if (!secret_password_clear_finish (result, &local_error) && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

void
dossier_keyring_free_passphrase (char *passphrase)
{
  secret_password_free (passphrase);
}
