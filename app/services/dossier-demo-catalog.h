// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

/* What the demo ministries know about the demo family: read once from the
 * demo data folder (people.json, the rosters, the unsigned certificates and
 * the FHIR bundles of each person) and the fixed demo keys in services/. */

#define DOSSIER_DEMO_MAX_FILE (4 * 1024 * 1024)

typedef struct _DossierDemoPerson DossierDemoPerson;

typedef struct
{
  char              *id;            /* "<person id>.<slug of the title>", stable */
  char              *title;
  const char        *category;      /* diploma, degree, certificate or badge */
  guint              status_index;  /* in <moet>/status/1 */
  gboolean           revoked;
  gboolean           deferred;      /* issued through the deferred endpoint */
  JsonObject        *credential;    /* Open Badges 3.0, without issuer, status and proof */
  DossierDemoPerson *person;
} DossierDemoDocument;

struct _DossierDemoPerson
{
  char       *id;
  char       *name;
  char       *birth_date;
  char       *patient_id;   /* the FHIR Patient's id; NULL with no health records */
  JsonObject *patient;
  GPtrArray  *resources;    /* JsonObject: the other FHIR resources, references as Type/id */
  GPtrArray  *documents;    /* DossierDemoDocument */
};

typedef struct
{
  GPtrArray *people;        /* DossierDemoPerson, owner first */
  EVP_PKEY  *moet_p256;
  EVP_PKEY  *moet_ed25519;
  EVP_PKEY  *moh_p256;
  char      *moet_p256_kid;
  char      *moet_ed25519_kid;
  char      *moh_p256_kid;
  JsonNode  *moet_jwks;
  JsonNode  *moh_jwks;
  guint      status_entries;
} DossierDemoCatalog;

DossierDemoCatalog  *dossier_demo_catalog_load          (const char          *data_dir,
                                                         GError             **error);
void                 dossier_demo_catalog_free          (DossierDemoCatalog  *self);
DossierDemoPerson   *dossier_demo_catalog_find_person   (DossierDemoCatalog  *self,
                                                         const char          *id);
DossierDemoPerson   *dossier_demo_catalog_find_patient  (DossierDemoCatalog  *self,
                                                         const char          *patient_id);
DossierDemoDocument *dossier_demo_catalog_find_document (DossierDemoCatalog  *self,
                                                         const char          *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierDemoCatalog, dossier_demo_catalog_free)

G_END_DECLS
