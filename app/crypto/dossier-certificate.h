// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

#define DOSSIER_CERTIFICATE_MAX_PEM (1024 * 1024)

#define DOSSIER_TYPE_CERTIFICATE (dossier_certificate_get_type ())
G_DECLARE_FINAL_TYPE (DossierCertificate, dossier_certificate, DOSSIER, CERTIFICATE, GObject)

GPtrArray   *dossier_certificate_parse_pem      (const char         *data,
                                                 gsize               length,
                                                 GError            **error);
DossierCertificate *dossier_certificate_new_from_der (const guint8   *der,
                                                     gsize           length,
                                                     GError        **error);
gboolean     dossier_certificate_allows_signing (DossierCertificate *self);
EVP_PKEY    *dossier_certificate_get_pkey       (DossierCertificate *self);
GBytes      *dossier_certificate_get_kid        (DossierCertificate *self);
gint64       dossier_certificate_get_not_before (DossierCertificate *self);
gint64       dossier_certificate_get_not_after  (DossierCertificate *self);
const char  *dossier_certificate_get_subject    (DossierCertificate *self);
gboolean     dossier_certificate_has_eku        (DossierCertificate *self,
                                                 const char         *oid);
const char * const *dossier_certificate_get_ekus (DossierCertificate *self);

G_END_DECLS
