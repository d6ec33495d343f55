// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-net-session.h"
#include "dossier-trust-registry.h"
#include "dossier-verification.h"

G_BEGIN_DECLS

/* One decrypted file of a SMART Health Link. */
typedef struct
{
  char   *content_type;
  GBytes *contents;
} DossierShlContent;

void                 dossier_shl_content_free    (DossierShlContent     *content);

void                 dossier_shl_open_async      (DossierNetSession     *net,
                                                  const char            *link,
                                                  gsize                  length,
                                                  const char            *recipient,
                                                  const char            *passcode,
                                                  GDateTime             *at,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
GPtrArray           *dossier_shl_open_finish     (DossierNetSession     *net,
                                                  GAsyncResult          *result,
                                                  GError               **error);
DossierVerification *dossier_shl_verify_contents (const char            *name,
                                                  GPtrArray             *contents,
                                                  DossierTrustRegistry  *trust,
                                                  GDateTime             *at);

G_END_DECLS
