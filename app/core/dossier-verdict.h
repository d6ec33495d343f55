// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  DOSSIER_VERDICT_PART_AUTHENTIC,
  DOSSIER_VERDICT_PART_TRUSTED,
  DOSSIER_VERDICT_PART_CURRENT,
  DOSSIER_N_VERDICT_PARTS
} DossierVerdictPart;

typedef enum
{
  DOSSIER_CHECK_UNKNOWN,
  DOSSIER_CHECK_PASSED,
  DOSSIER_CHECK_FAILED,
  DOSSIER_CHECK_NOT_APPLICABLE,
} DossierCheckState;

typedef enum
{
  DOSSIER_VERDICT_VALID,
  DOSSIER_VERDICT_INVALID,
  DOSSIER_VERDICT_UNVERIFIED,
} DossierVerdictSummary;

#define DOSSIER_TYPE_VERDICT (dossier_verdict_get_type ())
G_DECLARE_FINAL_TYPE (DossierVerdict, dossier_verdict, DOSSIER, VERDICT, GObject)

DossierVerdict        *dossier_verdict_new                (void);
DossierVerdict        *dossier_verdict_new_not_verifiable (const char          *reason);
DossierVerdict        *dossier_verdict_new_from_json      (JsonNode            *node,
                                                           GError             **error);
void                   dossier_verdict_set                (DossierVerdict      *self,
                                                           DossierVerdictPart   part,
                                                           DossierCheckState    state,
                                                           const char          *reason_code,
                                                           const char          *reason);
DossierCheckState      dossier_verdict_get_state          (DossierVerdict      *self,
                                                           DossierVerdictPart   part);
const char            *dossier_verdict_get_reason_code    (DossierVerdict      *self,
                                                           DossierVerdictPart   part);
const char            *dossier_verdict_get_reason         (DossierVerdict      *self,
                                                           DossierVerdictPart   part);
DossierVerdictSummary  dossier_verdict_get_summary        (DossierVerdict      *self);
JsonNode              *dossier_verdict_to_json            (DossierVerdict      *self);

const char            *dossier_verdict_summary_to_string  (DossierVerdictSummary summary);
const char            *dossier_verdict_part_to_string     (DossierVerdictPart   part);
const char            *dossier_check_state_to_string      (DossierCheckState    state);

G_END_DECLS
