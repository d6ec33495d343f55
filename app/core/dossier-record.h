// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "dossier-record-kind.h"
#include "dossier-verdict.h"

G_BEGIN_DECLS

#define DOSSIER_TYPE_RECORD (dossier_record_get_type ())
G_DECLARE_FINAL_TYPE (DossierRecord, dossier_record, DOSSIER, RECORD, GObject)

DossierRecord      *dossier_record_new                (DossierRecordKind  kind,
                                                       const char        *title);
gint64              dossier_record_get_id             (DossierRecord     *self);
void                dossier_record_set_id             (DossierRecord     *self,
                                                       gint64             id);
gint64              dossier_record_get_person_id      (DossierRecord     *self);
void                dossier_record_set_person_id      (DossierRecord     *self,
                                                       gint64             person_id);
DossierRecordKind   dossier_record_get_kind           (DossierRecord     *self);
void                dossier_record_set_kind           (DossierRecord     *self,
                                                       DossierRecordKind  kind);
const char         *dossier_record_get_uuid           (DossierRecord     *self);
void                dossier_record_set_uuid           (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_title          (DossierRecord     *self);
void                dossier_record_set_title          (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_issuer_id      (DossierRecord     *self);
void                dossier_record_set_issuer_id      (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_issuer_name    (DossierRecord     *self);
void                dossier_record_set_issuer_name    (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_issued         (DossierRecord     *self);
void                dossier_record_set_issued         (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_valid_from     (DossierRecord     *self);
void                dossier_record_set_valid_from     (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_valid_until    (DossierRecord     *self);
void                dossier_record_set_valid_until    (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_format         (DossierRecord     *self);
void                dossier_record_set_format         (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_media_type     (DossierRecord     *self);
void                dossier_record_set_media_type     (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_source         (DossierRecord     *self);
void                dossier_record_set_source         (DossierRecord     *self,
                                                       const char        *value);
const char         *dossier_record_get_parent_uuid    (DossierRecord     *self);
void                dossier_record_set_parent_uuid    (DossierRecord     *self,
                                                       const char        *value);
GBytes             *dossier_record_get_original       (DossierRecord     *self);
void                dossier_record_set_original       (DossierRecord     *self,
                                                       GBytes            *original);
JsonObject         *dossier_record_get_fields         (DossierRecord     *self);
void                dossier_record_set_fields         (DossierRecord     *self,
                                                       JsonObject        *fields);
const char * const *dossier_record_get_tags           (DossierRecord     *self);
void                dossier_record_set_tags           (DossierRecord     *self,
                                                       const char * const *tags);
DossierVerdict     *dossier_record_get_verdict        (DossierRecord     *self);
void                dossier_record_set_verdict        (DossierRecord     *self,
                                                       DossierVerdict    *verdict);
GDateTime          *dossier_record_get_checked_at     (DossierRecord     *self);
void                dossier_record_set_checked_at     (DossierRecord     *self,
                                                       GDateTime         *checked_at);
GDateTime          *dossier_record_get_created_at     (DossierRecord     *self);
void                dossier_record_set_created_at     (DossierRecord     *self,
                                                       GDateTime         *created_at);

char               *dossier_record_dup_fields_text    (DossierRecord     *self);
char               *dossier_record_dup_search_text    (DossierRecord     *self);
JsonNode           *dossier_record_to_json            (DossierRecord     *self);

G_END_DECLS
