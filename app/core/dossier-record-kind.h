// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  DOSSIER_RECORD_KIND_DOCUMENT,
  /* lifelong learning */
  DOSSIER_RECORD_KIND_DIPLOMA,
  DOSSIER_RECORD_KIND_DEGREE,
  DOSSIER_RECORD_KIND_CERTIFICATE,
  DOSSIER_RECORD_KIND_TRANSCRIPT,
  DOSSIER_RECORD_KIND_BADGE,
  DOSSIER_RECORD_KIND_COURSE,
  DOSSIER_RECORD_KIND_LICENCE,
  /* health book */
  DOSSIER_RECORD_KIND_IMMUNIZATION,
  DOSSIER_RECORD_KIND_ENCOUNTER,
  DOSSIER_RECORD_KIND_OBSERVATION,
  DOSSIER_RECORD_KIND_MEDICATION,
  DOSSIER_RECORD_KIND_ALLERGY,
  DOSSIER_RECORD_KIND_CONDITION,
  DOSSIER_RECORD_KIND_PROCEDURE,
  DOSSIER_RECORD_KIND_HEALTH_DOCUMENT,
  DOSSIER_N_RECORD_KINDS
} DossierRecordKind;

typedef enum
{
  DOSSIER_RECORD_CATEGORY_OTHER,
  DOSSIER_RECORD_CATEGORY_LEARNING,
  DOSSIER_RECORD_CATEGORY_HEALTH,
} DossierRecordCategory;

#define DOSSIER_TYPE_RECORD_KIND (dossier_record_kind_get_type ())
GType dossier_record_kind_get_type (void);
#define DOSSIER_TYPE_RECORD_CATEGORY (dossier_record_category_get_type ())
GType dossier_record_category_get_type (void);

const char            *dossier_record_kind_to_string       (DossierRecordKind      kind);
gboolean               dossier_record_kind_from_string     (const char            *string,
                                                            DossierRecordKind     *kind);
const char            *dossier_record_kind_get_label       (DossierRecordKind      kind);
DossierRecordCategory  dossier_record_kind_get_category    (DossierRecordKind      kind);
const char            *dossier_record_category_to_string   (DossierRecordCategory  category);
gboolean               dossier_record_category_from_string (const char            *string,
                                                            DossierRecordCategory *category);

G_END_DECLS
