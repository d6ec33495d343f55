// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A vault's passphrase remembered in the user's keyring (the Secret
 * Service), only when the user asks for it. */

void      dossier_keyring_store_async   (const char          *vault_directory,
                                         const char          *passphrase,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  dossier_keyring_store_finish  (GAsyncResult        *result,
                                         GError             **error);
void      dossier_keyring_lookup_async  (const char          *vault_directory,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
char     *dossier_keyring_lookup_finish (GAsyncResult        *result,
                                         GError             **error);
void      dossier_keyring_clear_async   (const char          *vault_directory,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  dossier_keyring_clear_finish  (GAsyncResult        *result,
                                         GError             **error);
void      dossier_keyring_free_passphrase (char              *passphrase);

G_END_DECLS
