// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-record-kind.h"

#include "dossier-utils.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_ENUM_TYPE (DossierRecordKind, dossier_record_kind,
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_DOCUMENT, "document"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_DIPLOMA, "diploma"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_DEGREE, "degree"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_CERTIFICATE, "certificate"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_TRANSCRIPT, "transcript"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_BADGE, "badge"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_COURSE, "course"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_LICENCE, "licence"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_IMMUNIZATION, "immunization"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_ENCOUNTER, "encounter"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_OBSERVATION, "observation"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_MEDICATION, "medication"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_ALLERGY, "allergy"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_CONDITION, "condition"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_PROCEDURE, "procedure"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_KIND_HEALTH_DOCUMENT, "health-document"))

G_DEFINE_ENUM_TYPE (DossierRecordCategory, dossier_record_category,
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_CATEGORY_OTHER, "other"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_CATEGORY_LEARNING, "learning"),
  G_DEFINE_ENUM_VALUE (DOSSIER_RECORD_CATEGORY_HEALTH, "health"))

const char *
dossier_record_kind_to_string (DossierRecordKind kind)
{
  return dossier_enum_to_nick (DOSSIER_TYPE_RECORD_KIND, kind);
}

gboolean
dossier_record_kind_from_string (const char        *string,
                                 DossierRecordKind *kind)
{
  int value;

  if (!dossier_enum_from_nick (DOSSIER_TYPE_RECORD_KIND, string, &value))
    return FALSE;
  *kind = value;
  return TRUE;
}

const char *
dossier_record_category_to_string (DossierRecordCategory category)
{
  return dossier_enum_to_nick (DOSSIER_TYPE_RECORD_CATEGORY, category);
}

gboolean
dossier_record_category_from_string (const char            *string,
                                     DossierRecordCategory *category)
{
  int value;

  if (!dossier_enum_from_nick (DOSSIER_TYPE_RECORD_CATEGORY, string, &value))
    return FALSE;
  *category = value;
  return TRUE;
}

DossierRecordCategory
dossier_record_kind_get_category (DossierRecordKind kind)
{
  if (kind >= DOSSIER_RECORD_KIND_DIPLOMA && kind <= DOSSIER_RECORD_KIND_LICENCE)
    return DOSSIER_RECORD_CATEGORY_LEARNING;
  if (kind >= DOSSIER_RECORD_KIND_IMMUNIZATION && kind <= DOSSIER_RECORD_KIND_HEALTH_DOCUMENT)
    return DOSSIER_RECORD_CATEGORY_HEALTH;
  return DOSSIER_RECORD_CATEGORY_OTHER;
}

const char *
dossier_record_kind_get_label (DossierRecordKind kind)
{
  switch (kind)
    {
    case DOSSIER_RECORD_KIND_DOCUMENT: return _("Document");
    case DOSSIER_RECORD_KIND_DIPLOMA: return _("Diploma");
    case DOSSIER_RECORD_KIND_DEGREE: return _("Degree");
    case DOSSIER_RECORD_KIND_CERTIFICATE: return _("Certificate");
    case DOSSIER_RECORD_KIND_TRANSCRIPT: return _("Transcript");
    case DOSSIER_RECORD_KIND_BADGE: return _("Badge");
    case DOSSIER_RECORD_KIND_COURSE: return _("Course");
    case DOSSIER_RECORD_KIND_LICENCE: return _("Licence");
    case DOSSIER_RECORD_KIND_IMMUNIZATION: return _("Immunization");
    case DOSSIER_RECORD_KIND_ENCOUNTER: return _("Visit");
    case DOSSIER_RECORD_KIND_OBSERVATION: return _("Test result");
    case DOSSIER_RECORD_KIND_MEDICATION: return _("Prescription");
    case DOSSIER_RECORD_KIND_ALLERGY: return _("Allergy");
    case DOSSIER_RECORD_KIND_CONDITION: return _("Condition");
    case DOSSIER_RECORD_KIND_PROCEDURE: return _("Procedure");
    case DOSSIER_RECORD_KIND_HEALTH_DOCUMENT: return _("Health document");
    case DOSSIER_N_RECORD_KINDS:
    default:
      g_return_val_if_reached (_("Document"));
    }
}
