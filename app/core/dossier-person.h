// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DOSSIER_TYPE_PERSON (dossier_person_get_type ())
G_DECLARE_FINAL_TYPE (DossierPerson, dossier_person, DOSSIER, PERSON, GObject)

DossierPerson *dossier_person_new            (const char    *name,
                                              const char    *relation);
gint64         dossier_person_get_id         (DossierPerson *self);
void           dossier_person_set_id         (DossierPerson *self,
                                              gint64         id);
const char    *dossier_person_get_uuid       (DossierPerson *self);
void           dossier_person_set_uuid       (DossierPerson *self,
                                              const char    *uuid);
const char    *dossier_person_get_name       (DossierPerson *self);
void           dossier_person_set_name       (DossierPerson *self,
                                              const char    *name);
const char    *dossier_person_get_relation   (DossierPerson *self);
void           dossier_person_set_relation   (DossierPerson *self,
                                              const char    *relation);
const char    *dossier_person_get_birth_date (DossierPerson *self);
void           dossier_person_set_birth_date (DossierPerson *self,
                                              const char    *birth_date);
gboolean       dossier_person_is_owner       (DossierPerson *self);

G_END_DECLS
