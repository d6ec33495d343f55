// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the largest credential a badge image may carry */
#define DOSSIER_BAKED_BADGE_MAX_CREDENTIAL (1024 * 1024)

gboolean dossier_baked_badge_detect  (gconstpointer   data,
                                      gsize           length);
GBytes  *dossier_baked_badge_extract (gconstpointer   data,
                                      gsize           length,
                                      GError        **error);

G_END_DECLS
