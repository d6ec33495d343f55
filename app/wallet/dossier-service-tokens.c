// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-service-tokens.h"

#include "dossier-oauth-error.h"
#include "dossier-secret.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* A service's tokens, kept among the vault's secrets under
 * "service:<issuer>:tokens", so that a sign-in outlives the session and
 * is sealed with everything else in the vault. */

/**
 * dossier_service_tokens_key:
 * @issuer: the service's issuer address
 *
 * Returns: the name of the vault secret holding @issuer's tokens (the
 *   same with or without a final slash)
 */
char *
dossier_service_tokens_key (const char *issuer)
{
  gsize length;

  g_return_val_if_fail (issuer != NULL, NULL);

  length = strlen (issuer);
  while (length > 0 && issuer[length - 1] == '/')
    length--;
  return g_strdup_printf ("service:%.*s:tokens", (int) length, issuer);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dossier_vault_set_secret_finish (DOSSIER_VAULT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * dossier_service_tokens_save_async:
 * @tokens: (nullable): the tokens to keep, or %NULL to forget the service's
 *
 * Keeps @tokens in the open vault, in place of any earlier ones.
 */
void
dossier_service_tokens_save_async (DossierVault             *vault,
                                   const char               *issuer,
                                   const DossierOAuthTokens *tokens,
                                   GCancellable             *cancellable,
                                   GAsyncReadyCallback       callback,
                                   gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DossierSecretString) text = NULL;
  g_autofree char *key = NULL;
  gsize length = 0;

  g_return_if_fail (DOSSIER_IS_VAULT (vault));
  g_return_if_fail (issuer != NULL);

  task = g_task_new (vault, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_service_tokens_save_async);
  key = dossier_service_tokens_key (issuer);
  if (tokens != NULL)
    {
      text = dossier_oauth_tokens_serialize (tokens);
      length = strlen (text);
      if (length > DOSSIER_SERVICE_TOKENS_MAX_SIZE)
        {
          g_task_return_new_error (task, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_INVALID,
                                   _("The service’s sign-in is too large to keep (%zu bytes)"), length);
          return;
        }
    }
  /* the vault copies the secret before this returns */
  dossier_vault_set_secret_async (vault, key, (const guint8 *) text, length, cancellable, on_saved,
                                  g_steal_pointer (&task));
}

gboolean
dossier_service_tokens_save_finish (DossierVault  *vault,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (DOSSIER_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, vault), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  DossierOAuthTokens *tokens;
  guint8 *data;
  gsize length = 0;

  data = dossier_vault_get_secret_finish (DOSSIER_VAULT (source), result, &length, &error);
  if (data == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, NULL, NULL);
      return;
    }
  tokens = dossier_oauth_tokens_deserialize ((const char *) data, length, &error);
  dossier_secure_free (data, length);
  if (tokens == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tokens, (GDestroyNotify) dossier_oauth_tokens_free);
}

/**
 * dossier_service_tokens_load_async:
 *
 * Reads the tokens kept for @issuer; dossier_service_tokens_load_finish()
 * returns %NULL without an error when there are none.
 */
void
dossier_service_tokens_load_async (DossierVault        *vault,
                                   const char          *issuer,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  g_autofree char *key = NULL;

  g_return_if_fail (DOSSIER_IS_VAULT (vault));
  g_return_if_fail (issuer != NULL);

  task = g_task_new (vault, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_service_tokens_load_async);
  key = dossier_service_tokens_key (issuer);
  dossier_vault_get_secret_async (vault, key, cancellable, on_loaded, task);
}

DossierOAuthTokens *
dossier_service_tokens_load_finish (DossierVault  *vault,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (DOSSIER_IS_VAULT (vault), NULL);
  g_return_val_if_fail (g_task_is_valid (result, vault), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
