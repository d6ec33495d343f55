// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-trust-anchor.h"

/* A source of keys the user trusts, kept in the vault: a key set or a
 * certificate bundle, under a name, with where it came from and the kind
 * of records it may vouch for ("learning", "health" or "all"). */
struct _DossierTrustAnchor
{
  GObject  parent_instance;
  gint64   id;
  char    *name;
  char    *source;
  char    *scope;
  GBytes  *material;
  GDateTime *fetched;   /* when the material was fetched from the source URL, or NULL */
};

G_DEFINE_FINAL_TYPE (DossierTrustAnchor, dossier_trust_anchor, G_TYPE_OBJECT)

static void
dossier_trust_anchor_finalize (GObject *object)
{
  DossierTrustAnchor *self = DOSSIER_TRUST_ANCHOR (object);

  g_free (self->name);
  g_free (self->source);
  g_free (self->scope);
  g_clear_pointer (&self->material, g_bytes_unref);
  g_clear_pointer (&self->fetched, g_date_time_unref);
  G_OBJECT_CLASS (dossier_trust_anchor_parent_class)->finalize (object);
}

static void
dossier_trust_anchor_class_init (DossierTrustAnchorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_trust_anchor_finalize;
}

static void
dossier_trust_anchor_init (DossierTrustAnchor *self)
{
}

DossierTrustAnchor *
dossier_trust_anchor_new (const char *name,
                          const char *source,
                          const char *scope,
                          GBytes     *material)
{
  DossierTrustAnchor *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (material != NULL, NULL);

  self = g_object_new (DOSSIER_TYPE_TRUST_ANCHOR, NULL);
  self->name = g_strdup (name);
  self->source = g_strdup (source);
  self->scope = g_strdup (scope != NULL ? scope : "all");
  self->material = g_bytes_ref (material);
  return self;
}

gint64
dossier_trust_anchor_get_id (DossierTrustAnchor *self)
{
  g_return_val_if_fail (DOSSIER_IS_TRUST_ANCHOR (self), 0);
  return self->id;
}

void
dossier_trust_anchor_set_id (DossierTrustAnchor *self,
                             gint64              id)
{
  g_return_if_fail (DOSSIER_IS_TRUST_ANCHOR (self));
  self->id = id;
}

const char *
dossier_trust_anchor_get_name (DossierTrustAnchor *self)
{
  g_return_val_if_fail (DOSSIER_IS_TRUST_ANCHOR (self), NULL);
  return self->name;
}

const char *
dossier_trust_anchor_get_source (DossierTrustAnchor *self)
{
  g_return_val_if_fail (DOSSIER_IS_TRUST_ANCHOR (self), NULL);
  return self->source;
}

const char *
dossier_trust_anchor_get_scope (DossierTrustAnchor *self)
{
  g_return_val_if_fail (DOSSIER_IS_TRUST_ANCHOR (self), NULL);
  return self->scope;
}

GBytes *
dossier_trust_anchor_get_material (DossierTrustAnchor *self)
{
  g_return_val_if_fail (DOSSIER_IS_TRUST_ANCHOR (self), NULL);
  return self->material;
}

/* An anchor fetched from a URL (its source) keeps when that was; a new
 * fetch replaces the material and the time together. */
void
dossier_trust_anchor_set_fetched (DossierTrustAnchor *self,
                                  GBytes             *material,
                                  GDateTime          *fetched)
{
  g_return_if_fail (DOSSIER_IS_TRUST_ANCHOR (self));
  g_return_if_fail (material != NULL);
  g_return_if_fail (fetched != NULL);

  g_bytes_ref (material);
  g_clear_pointer (&self->material, g_bytes_unref);
  self->material = material;
  g_clear_pointer (&self->fetched, g_date_time_unref);
  self->fetched = g_date_time_ref (fetched);
}

/* When the material was fetched from the source URL, or NULL for an
 * anchor read from a file. */
GDateTime *
dossier_trust_anchor_get_fetched (DossierTrustAnchor *self)
{
  g_return_val_if_fail (DOSSIER_IS_TRUST_ANCHOR (self), NULL);
  return self->fetched;
}
