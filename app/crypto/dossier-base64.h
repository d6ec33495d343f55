// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes *dossier_base64url_decode (const char    *text,
                                  gssize         length,
                                  GError       **error);
char   *dossier_base64url_encode (gconstpointer  data,
                                  gsize          length);

/* The bytes dossier_base64url_encode_to() writes for @length bytes. */
#define DOSSIER_BASE64URL_ENCODED_SIZE(length) ((length) / 3 * 4 + 4)
void    dossier_base64url_encode_to (gconstpointer  data,
                                     gsize          length,
                                     char          *out);

G_END_DECLS
