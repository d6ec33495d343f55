// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-person.h"

#include "dossier-utils.h"

/* The owner of the vault or a family member whose records the owner keeps.
 * The relation is "owner" for the vault's owner, otherwise a free word such
 * as "child", "spouse" or "parent". */
struct _DossierPerson
{
  GObject  parent_instance;
  gint64   id;
  char    *uuid;
  char    *name;
  char    *relation;
  char    *birth_date;
};

G_DEFINE_FINAL_TYPE (DossierPerson, dossier_person, G_TYPE_OBJECT)

enum { PROP_0, PROP_ID, PROP_UUID, PROP_NAME, PROP_RELATION, PROP_BIRTH_DATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static char **
string_slot (DossierPerson *self,
             guint          prop_id)
{
  switch (prop_id)
    {
    case PROP_UUID: return &self->uuid;
    case PROP_NAME: return &self->name;
    case PROP_RELATION: return &self->relation;
    case PROP_BIRTH_DATE: return &self->birth_date;
    default: return NULL;
    }
}

static void
set_string (DossierPerson *self,
            guint          prop_id,
            const char    *value)
{
  char **slot = string_slot (self, prop_id);

  if (dossier_set_string (slot, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
dossier_person_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DossierPerson *self = DOSSIER_PERSON (object);

  if (prop_id == PROP_ID)
    g_value_set_int64 (value, self->id);
  else if (string_slot (self, prop_id) != NULL)
    g_value_set_string (value, *string_slot (self, prop_id));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dossier_person_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DossierPerson *self = DOSSIER_PERSON (object);

  if (prop_id == PROP_ID)
    dossier_person_set_id (self, g_value_get_int64 (value));
  else if (string_slot (self, prop_id) != NULL)
    set_string (self, prop_id, g_value_get_string (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
dossier_person_finalize (GObject *object)
{
  DossierPerson *self = DOSSIER_PERSON (object);

  g_free (self->uuid);
  g_free (self->name);
  g_free (self->relation);
  g_free (self->birth_date);
  G_OBJECT_CLASS (dossier_person_parent_class)->finalize (object);
}

static void
dossier_person_class_init (DossierPersonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = dossier_person_get_property;
  object_class->set_property = dossier_person_set_property;
  object_class->finalize = dossier_person_finalize;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_RELATION] = g_param_spec_string ("relation", NULL, NULL, NULL, flags);
  properties[PROP_BIRTH_DATE] = g_param_spec_string ("birth-date", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dossier_person_init (DossierPerson *self)
{
  self->uuid = g_uuid_string_random ();
}

DossierPerson *
dossier_person_new (const char *name,
                    const char *relation)
{
  return g_object_new (DOSSIER_TYPE_PERSON, "name", name, "relation", relation, NULL);
}

gint64
dossier_person_get_id (DossierPerson *self)
{
  g_return_val_if_fail (DOSSIER_IS_PERSON (self), 0);
  return self->id;
}

void
dossier_person_set_id (DossierPerson *self,
                       gint64         id)
{
  g_return_if_fail (DOSSIER_IS_PERSON (self));
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

#define STRING_ACCESSORS(field, PROP)                                   \
  const char *                                                          \
  dossier_person_get_##field (DossierPerson *self)                      \
  {                                                                     \
    g_return_val_if_fail (DOSSIER_IS_PERSON (self), NULL);              \
    return self->field;                                                 \
  }                                                                     \
  void                                                                  \
  dossier_person_set_##field (DossierPerson *self,                      \
                              const char    *value)                     \
  {                                                                     \
    g_return_if_fail (DOSSIER_IS_PERSON (self));                        \
    set_string (self, PROP, value);                                     \
  }

STRING_ACCESSORS (uuid, PROP_UUID)
STRING_ACCESSORS (name, PROP_NAME)
STRING_ACCESSORS (relation, PROP_RELATION)
STRING_ACCESSORS (birth_date, PROP_BIRTH_DATE)

gboolean
dossier_person_is_owner (DossierPerson *self)
{
  g_return_val_if_fail (DOSSIER_IS_PERSON (self), FALSE);
  return g_strcmp0 (self->relation, "owner") == 0;
}
