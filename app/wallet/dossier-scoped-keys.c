// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-scoped-keys.h"

/* The trusted keys of another key source that may vouch for one kind of
 * record: an anchor trusted for learning records ("learning") does not make
 * a health card trusted, nor the other way round.  Keys and certificates
 * carry their anchor's scope as data "dossier-anchor-scope"; those without
 * one (anchors for all records, keys given for a single run) always pass. */

struct _DossierScopedKeys
{
  GObject           parent_instance;
  DossierKeySource *keys;
  gboolean          keys_borrowed;   /* kept by @keys itself, which it must not keep alive */
  char             *scope;
};

static void dossier_scoped_keys_key_source_init (DossierKeySourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DossierScopedKeys, dossier_scoped_keys, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DOSSIER_TYPE_KEY_SOURCE, dossier_scoped_keys_key_source_init))

static GPtrArray *
keep_in_scope (DossierScopedKeys *self,
               GPtrArray         *found)
{
  if (found == NULL)
    return NULL;
  for (guint i = found->len; i > 0; i--)
    {
      const char *scope = g_object_get_data (g_ptr_array_index (found, i - 1), "dossier-anchor-scope");

      if (scope != NULL && g_strcmp0 (scope, self->scope) != 0)
        g_ptr_array_remove_index (found, i - 1);
    }
  return found;
}

static GPtrArray *
scoped_find_keys (DossierKeySource *source,
                  const char       *issuer,
                  const char       *kid)
{
  DossierScopedKeys *self = DOSSIER_SCOPED_KEYS (source);

  return keep_in_scope (self, dossier_key_source_find_keys (self->keys, issuer, kid));
}

static GPtrArray *
scoped_find_certificates (DossierKeySource *source,
                          GBytes           *kid)
{
  DossierScopedKeys *self = DOSSIER_SCOPED_KEYS (source);

  return keep_in_scope (self, dossier_key_source_find_certificates (self->keys, kid));
}

static GBytes *
scoped_get_issuer_document (DossierKeySource *source,
                            const char       *issuer,
                            DossierJwk       *key,
                            const char       *path)
{
  return dossier_key_source_get_issuer_document (DOSSIER_SCOPED_KEYS (source)->keys, issuer, key, path);
}

static GBytes *
scoped_get_document (DossierKeySource       *source,
                     const char             *uri,
                     gsize                   max_size,
                     DossierDocumentOrigin  *origin,
                     GError                **error)
{
  return dossier_key_source_get_document (DOSSIER_SCOPED_KEYS (source)->keys, uri, max_size, origin, error);
}

static void
dossier_scoped_keys_key_source_init (DossierKeySourceInterface *iface)
{
  iface->find_keys = scoped_find_keys;
  iface->find_certificates = scoped_find_certificates;
  iface->get_issuer_document = scoped_get_issuer_document;
  iface->get_document = scoped_get_document;
}

static void
dossier_scoped_keys_finalize (GObject *object)
{
  DossierScopedKeys *self = DOSSIER_SCOPED_KEYS (object);

  if (!self->keys_borrowed)
    g_clear_object (&self->keys);
  g_free (self->scope);
  G_OBJECT_CLASS (dossier_scoped_keys_parent_class)->finalize (object);
}

static void
dossier_scoped_keys_class_init (DossierScopedKeysClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_scoped_keys_finalize;
}

static void
dossier_scoped_keys_init (DossierScopedKeys *self)
{
}

/* The keys of @keys that may vouch for records of @scope ("learning" or
 * "health"). */
DossierKeySource *
dossier_scoped_keys_new (DossierKeySource *keys,
                         const char       *scope)
{
  DossierScopedKeys *self;

  g_return_val_if_fail (DOSSIER_IS_KEY_SOURCE (keys), NULL);
  g_return_val_if_fail (scope != NULL, NULL);

  self = g_object_new (DOSSIER_TYPE_SCOPED_KEYS, NULL);
  self->keys = g_object_ref (keys);
  self->scope = g_strdup (scope);
  return DOSSIER_KEY_SOURCE (self);
}

/* The scoped keys of @keys for @scope, made once and kept with @keys (a
 * verification asks for them every time), as a new reference.  They hold
 * no reference on @keys, which drops them when it goes: they are for use
 * while the caller holds @keys. */
DossierKeySource *
dossier_scoped_keys_get_for (DossierKeySource *keys,
                             const char       *scope)
{
  static GMutex lock;
  g_autofree char *name = NULL;
  DossierScopedKeys *self;

  g_return_val_if_fail (DOSSIER_IS_KEY_SOURCE (keys), NULL);
  g_return_val_if_fail (scope != NULL, NULL);

  name = g_strconcat ("dossier-scoped-keys-", scope, NULL);
  g_mutex_lock (&lock);
  self = g_object_get_data (G_OBJECT (keys), name);
  if (self == NULL)
    {
      self = g_object_new (DOSSIER_TYPE_SCOPED_KEYS, NULL);
      self->keys = keys;
      self->keys_borrowed = TRUE;
      self->scope = g_strdup (scope);
      g_object_set_data_full (G_OBJECT (keys), name, self, g_object_unref);
    }
  g_object_ref (self);
  g_mutex_unlock (&lock);
  return DOSSIER_KEY_SOURCE (self);
}
