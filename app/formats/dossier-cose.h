// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <openssl/evp.h>

#include <glib.h>

G_BEGIN_DECLS

/* COSE algorithm identifiers (RFC 9053) that Dossier signs and verifies. */
#define DOSSIER_COSE_ALG_ES256 (-7)
#define DOSSIER_COSE_ALG_PS256 (-37)
#define DOSSIER_COSE_ALG_ES384 (-35)
#define DOSSIER_COSE_ALG_EDDSA (-8)

#define DOSSIER_COSE_MAX_PAYLOAD (1024 * 1024)

guint8 *dossier_cose_sig_structure (GBytes    *protected_header,
                                    GBytes    *payload,
                                    gsize     *length);
guint8 *dossier_cose_sig_structure_data (gconstpointer  protected_header,
                                         gsize          protected_length,
                                         gconstpointer  payload,
                                         gsize          payload_length,
                                         gsize         *length);
GBytes *dossier_cose_sign1         (gint64     alg,
                                    EVP_PKEY  *key,
                                    GBytes    *kid,
                                    GBytes    *payload,
                                    GError   **error);

GBytes *dossier_cose_sign1_typed   (gint64       alg,
                                    EVP_PKEY    *key,
                                    GBytes      *kid,
                                    const char  *typ,
                                    GBytes      *payload,
                                    GError     **error);

/* A parsed COSE_Sign1 message. */
typedef struct
{
  GBytes *protected_bytes;
  GBytes *payload;
  GBytes *signature;
  gint64  alg;
  GBytes *kid;    /* or NULL */
  char   *typ;    /* or NULL */
} DossierCoseSign1;

DossierCoseSign1 *dossier_cose_sign1_parse  (gconstpointer      data,
                                             gsize              length,
                                             GError           **error);
void              dossier_cose_sign1_free   (DossierCoseSign1  *message);
const char       *dossier_cose_alg_name     (gint64             alg);
gboolean          dossier_cose_sign1_verify (DossierCoseSign1  *message,
                                             EVP_PKEY          *key,
                                             GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierCoseSign1, dossier_cose_sign1_free)

G_END_DECLS
