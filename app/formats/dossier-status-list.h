// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-verification.h"

G_BEGIN_DECLS

#define DOSSIER_STATUS_LIST_MAX_DOCUMENT (1024 * 1024)      /* a list credential or token */
#define DOSSIER_STATUS_LIST_MAX_BYTES    (2 * 1024 * 1024)  /* a list once decompressed */
#define DOSSIER_STATUS_LIST_MIN_BYTES    (16 * 1024)        /* the Bitstring Status List floor */
#define DOSSIER_STATUS_LIST_MAX_ENTRIES  16                 /* status entries of one credential */

typedef enum
{
  DOSSIER_STATUS_LIST_MSB_FIRST,   /* Bitstring Status List: index 0 is the first byte's high bit */
  DOSSIER_STATUS_LIST_LSB_FIRST,   /* Token Status List: index 0 is the first byte's low bits */
} DossierStatusListOrder;

GBytes   *dossier_status_list_decode_bitstring (const char                 *encoded,
                                                gsize                       length,
                                                GError                    **error);
GBytes   *dossier_status_list_decode_token     (const char                 *lst,
                                                gsize                       length,
                                                GError                    **error);
gboolean  dossier_status_list_read             (GBytes                     *list,
                                                guint64                     index,
                                                guint                       bits,
                                                DossierStatusListOrder      order,
                                                guint                      *value,
                                                GError                    **error);
char     *dossier_status_list_cwt_subject      (GBytes                     *bytes);
gboolean  dossier_status_list_check            (JsonObject                 *credential,
                                                JsonObject                 *claims,
                                                const char                 *issuer,
                                                const DossierVerifyOptions *options,
                                                DossierVerification        *result);

char     *dossier_status_list_encode_bitstring (const guint8               *list,
                                                gsize                       length,
                                                GError                    **error);

G_END_DECLS
