// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes *dossier_base64url_decode (const char    *text,
                                  gssize         length,
                                  GError       **error);
char   *dossier_base64url_encode (gconstpointer  data,
                                  gsize          length);

G_END_DECLS
