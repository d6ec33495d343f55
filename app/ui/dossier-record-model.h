// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "dossier-vault.h"

G_BEGIN_DECLS

#define DOSSIER_TYPE_RECORD_MODEL (dossier_record_model_get_type ())
G_DECLARE_FINAL_TYPE (DossierRecordModel, dossier_record_model, DOSSIER, RECORD_MODEL, GObject)

DossierRecordModel      *dossier_record_model_new        (DossierVault            *vault,
                                                          int                      category,
                                                          int                      or_category);
const DossierVaultQuery *dossier_record_model_get_query  (DossierRecordModel      *self);
void                     dossier_record_model_set_filter (DossierRecordModel      *self,
                                                          const char              *text,
                                                          gint64                   person_id);
void                     dossier_record_model_reload     (DossierRecordModel      *self);
void                     dossier_record_model_clear      (DossierRecordModel      *self);
gboolean                 dossier_record_model_get_loading (DossierRecordModel     *self);
gboolean                 dossier_record_model_remove_id  (DossierRecordModel      *self,
                                                          gint64                   id);
gboolean                 dossier_record_model_is_placeholder (DossierRecord       *record);

G_END_DECLS
