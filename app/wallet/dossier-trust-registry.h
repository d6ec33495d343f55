// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-trust-anchor.h"
#include "dossier-verification.h"

G_BEGIN_DECLS

#define DOSSIER_TYPE_TRUST_REGISTRY (dossier_trust_registry_get_type ())
G_DECLARE_FINAL_TYPE (DossierTrustRegistry, dossier_trust_registry, DOSSIER, TRUST_REGISTRY, GObject)

DossierTrustRegistry *dossier_trust_registry_new       (void);
gboolean              dossier_trust_registry_add_path  (DossierTrustRegistry  *self,
                                                        const char            *path,
                                                        GError               **error);
void                  dossier_trust_registry_add_anchor (DossierTrustRegistry *self,
                                                         DossierTrustAnchor   *anchor);
void                  dossier_trust_registry_set_online (DossierTrustRegistry *self,
                                                         gboolean              online,
                                                         gboolean              allow_http);
guint                 dossier_trust_registry_get_n_anchors (DossierTrustRegistry *self);
void                  dossier_trust_registry_clear      (DossierTrustRegistry *self);

gboolean              dossier_trust_registry_is_url        (const char            *uri);
DossierTrustAnchor   *dossier_trust_registry_fetch_anchor  (DossierTrustRegistry  *self,
                                                            const char            *url,
                                                            gboolean               refresh,
                                                            GError               **error);
gboolean              dossier_trust_registry_add_url       (DossierTrustRegistry  *self,
                                                            const char            *url,
                                                            GError               **error);
gboolean              dossier_trust_registry_refresh       (DossierTrustRegistry  *self,
                                                            const char            *url,
                                                            GError               **error);
GDateTime            *dossier_trust_registry_get_fetched   (DossierTrustRegistry  *self,
                                                            const char            *url);
GPtrArray            *dossier_trust_registry_get_warnings  (DossierTrustRegistry  *self);

G_END_DECLS
