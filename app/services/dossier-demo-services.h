// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One loopback HTTP server playing the national services for the demo and
 * the tests: the ministry of education (an OpenID4VCI credential issuer and
 * its own OAuth 2.0 authorization server) under /moet, the ministry of
 * health (SMART App Launch and FHIR R4) under /moh, and a SMART Health
 * Links host under /shl. */

/* The largest request body any endpoint reads (a SMART Health Link file). */
#define DOSSIER_DEMO_MAX_BODY      (8 * 1024 * 1024)
/* The largest body of the endpoints that take a form or a JSON object. */
#define DOSSIER_DEMO_MAX_SMALL_BODY (64 * 1024)

typedef struct _DossierDemoServices DossierDemoServices;

DossierDemoServices *dossier_demo_services_new       (const char           *data_dir,
                                                      gboolean              faults,
                                                      GError              **error);
gboolean             dossier_demo_services_listen    (DossierDemoServices  *self,
                                                      guint                 port,
                                                      GError              **error);
const char          *dossier_demo_services_get_moet  (DossierDemoServices  *self);
const char          *dossier_demo_services_get_moh   (DossierDemoServices  *self);
const char          *dossier_demo_services_get_shl   (DossierDemoServices  *self);
void                 dossier_demo_services_free      (DossierDemoServices  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierDemoServices, dossier_demo_services_free)

G_END_DECLS
