// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "dossier-net-session.h"

G_BEGIN_DECLS

/* Limits on what one pull of a health book may bring. */
#define DOSSIER_SMART_MAX_PAGES      100
#define DOSSIER_SMART_MAX_PAGE_SIZE  (16 * 1024 * 1024)
#define DOSSIER_SMART_MAX_TOTAL_SIZE (32 * 1024 * 1024)

typedef void (*DossierSmartProgressFunc) (const char *what,
                                          double      fraction,
                                          gpointer    user_data);

/* What a pull brought: FHIR resources (JSON objects, each with
 * resourceType) in the order received, and SMART Health Cards (compact
 * JWS text) when the server issues them. */
typedef struct
{
  GPtrArray *resources;   /* (element-type JsonObject) */
  GPtrArray *health_cards; /* (element-type utf8) */
  guint      pages;
} DossierSmartPull;

void              dossier_smart_pull_free   (DossierSmartPull         *pull);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierSmartPull, dossier_smart_pull_free)

void              dossier_smart_pull_async  (DossierNetSession        *net,
                                             const char               *fhir_base,
                                             const char               *patient,
                                             const char               *access_token,
                                             DossierSmartProgressFunc  progress,
                                             gpointer                  progress_data,
                                             GCancellable             *cancellable,
                                             GAsyncReadyCallback       callback,
                                             gpointer                  user_data);
DossierSmartPull *dossier_smart_pull_finish (DossierNetSession        *net,
                                             GAsyncResult             *result,
                                             GError                  **error);

G_END_DECLS
