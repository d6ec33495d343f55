// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-issuer-identity.h"
#include "dossier-issuer-template.h"

#include <qrencode.h>

G_BEGIN_DECLS

/* What a student takes home besides the credential file: its QR code as
 * a PNG, and a one-page A4 PDF certificate carrying the same QR. */

QRcode   *dossier_issuer_qr_encode    (const char       *text,
                                       GError          **error);
void      dossier_issuer_qr_free      (QRcode           *code);
gboolean  dossier_issuer_write_qr_png (QRcode           *code,
                                       const char       *path,
                                       GError          **error);
gboolean  dossier_issuer_write_pdf    (DossierIssuer    *issuer,
                                       DossierTemplate  *template,
                                       DossierStudent   *student,
                                       JsonObject       *credential,
                                       QRcode           *code,
                                       const char       *qr_caption,
                                       const char       *path,
                                       GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, dossier_issuer_qr_free)

G_END_DECLS
