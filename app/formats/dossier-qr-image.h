// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DOSSIER_QR_IMAGE_MAX_PIXELS (40 * 1000 * 1000)

gboolean   dossier_qr_image_detect (gconstpointer   data,
                                    gsize           length);
GPtrArray *dossier_qr_image_decode (GBytes         *bytes,
                                    GError        **error);

G_END_DECLS
