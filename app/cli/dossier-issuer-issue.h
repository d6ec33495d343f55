// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-issuer-identity.h"
#include "dossier-issuer-template.h"

G_BEGIN_DECLS

typedef enum
{
  DOSSIER_ISSUE_VC_JWT,
  DOSSIER_ISSUE_SD_JWT,
  DOSSIER_ISSUE_DI,
} DossierIssueFormat;

gboolean    dossier_issue_format_from_name (const char          *name,
                                            DossierIssueFormat  *format);
gboolean    dossier_issue_cryptosuite_known (const char         *cryptosuite);
JsonObject *dossier_issue_build_credential (DossierIssuer       *issuer,
                                            DossierTemplate     *template,
                                            DossierStudent      *student,
                                            guint                index,
                                            GDateTime           *now);
char       *dossier_issue_secure           (DossierIssuer       *issuer,
                                            DossierTemplate     *template,
                                            JsonObject          *credential,
                                            DossierIssueFormat   format,
                                            const char          *cryptosuite,
                                            GDateTime           *now,
                                            GError             **error);
gboolean    dossier_issue_roster           (DossierIssuer       *issuer,
                                            DossierTemplate     *template,
                                            GPtrArray           *students,
                                            DossierIssueFormat   format,
                                            const char          *cryptosuite,
                                            GDateTime           *issued_at,
                                            const char          *out_dir,
                                            GError             **error);

G_END_DECLS
