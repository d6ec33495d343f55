// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DOSSIER_TYPE_TRUST_ANCHOR (dossier_trust_anchor_get_type ())
G_DECLARE_FINAL_TYPE (DossierTrustAnchor, dossier_trust_anchor, DOSSIER, TRUST_ANCHOR, GObject)

DossierTrustAnchor *dossier_trust_anchor_new          (const char         *name,
                                                       const char         *source,
                                                       const char         *scope,
                                                       GBytes             *material);
gint64              dossier_trust_anchor_get_id       (DossierTrustAnchor *self);
void                dossier_trust_anchor_set_id       (DossierTrustAnchor *self,
                                                       gint64              id);
const char         *dossier_trust_anchor_get_name     (DossierTrustAnchor *self);
const char         *dossier_trust_anchor_get_source   (DossierTrustAnchor *self);
const char         *dossier_trust_anchor_get_scope    (DossierTrustAnchor *self);
GBytes             *dossier_trust_anchor_get_material (DossierTrustAnchor *self);
void                dossier_trust_anchor_set_fetched  (DossierTrustAnchor *self,
                                                       GBytes             *material,
                                                       GDateTime          *fetched);
GDateTime          *dossier_trust_anchor_get_fetched  (DossierTrustAnchor *self);

G_END_DECLS
