// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-issuer-roster.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A credential template: what kind of achievement a school awards, and
 * the roster columns each student's credential is made from.  Templates
 * are JSON files; the built-in ones are thpt-diploma, degree and
 * certificate. */

#define DOSSIER_TEMPLATE_MAX_SIZE (256 * 1024)

typedef enum
{
  DOSSIER_FIELD_TEXT,
  DOSSIER_FIELD_DATE,     /* written dd/mm/yyyy or yyyy-mm-dd, kept as yyyy-mm-dd */
  DOSSIER_FIELD_YEAR,
  DOSSIER_FIELD_CHOICE,   /* one of the template's values */
} DossierFieldType;

typedef struct
{
  char             *key;
  DossierFieldType  type;
  gboolean          required;
  gboolean          unique;
  char             *label_vi;
  char             *label_en;
  GStrv             headers;   /* folded: no accents, lower case */
  GStrv             values;
} DossierTemplateField;

typedef struct
{
  char       *id;
  char       *name_vi;
  char       *name_en;
  char       *achievement_type;
  char       *description_vi;
  char       *description_en;
  char       *criteria_vi;
  char       *criteria_en;
  char       *title_field;   /* a field whose value, when given, names the achievement */
  GPtrArray  *fields;        /* DossierTemplateField */
} DossierTemplate;

/* One student of a roster, read against a template. */
typedef struct
{
  guint       row;
  GHashTable *values;   /* field key -> normalized text; empty fields are absent */
} DossierStudent;

DossierTemplate *dossier_template_load        (const char       *name,
                                               GError          **error);
DossierTemplate *dossier_template_parse       (const char       *data,
                                               gsize             length,
                                               GError          **error);
void             dossier_template_free        (DossierTemplate  *self);
DossierTemplateField *dossier_template_get_field (DossierTemplate *self,
                                                  const char      *key);
GPtrArray       *dossier_template_read_roster (DossierTemplate  *self,
                                               DossierRoster    *roster);
void             dossier_student_free         (DossierStudent   *student);
char            *dossier_template_dir         (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierTemplate, dossier_template_free)

G_END_DECLS
