// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "dossier-record.h"

G_BEGIN_DECLS

#define DOSSIER_TYPE_RECORD_VIEW (dossier_record_view_get_type ())
G_DECLARE_FINAL_TYPE (DossierRecordView, dossier_record_view, DOSSIER, RECORD_VIEW, AdwBin)

GtkWidget     *dossier_record_view_new        (void);
void           dossier_record_view_set_record (DossierRecordView *self,
                                               DossierRecord     *record,
                                               const char        *person_name);
DossierRecord *dossier_record_view_get_record (DossierRecordView *self);
const char    *dossier_kind_icon_name         (DossierRecordKind  kind);
const char    *dossier_verdict_icon_name      (DossierVerdict    *verdict);
char          *dossier_format_date            (const char        *date);
void           dossier_remove_opened_files    (void);

G_END_DECLS
