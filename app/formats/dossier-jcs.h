// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The largest JSON text read, and the deepest nesting of arrays and objects. */
#define DOSSIER_JCS_MAX_SIZE  (8 * 1024 * 1024)
#define DOSSIER_JCS_MAX_DEPTH 100

JsonNode *dossier_jcs_parse            (const char  *text,
                                        gsize        length,
                                        GError     **error);
char     *dossier_jcs_serialize        (JsonNode    *node,
                                        gsize       *length,
                                        GError     **error);
char     *dossier_jcs_canonicalize     (const char  *text,
                                        gsize        length,
                                        gsize       *canonical_length,
                                        GError     **error);
gboolean  dossier_jcs_append_number    (GString     *out,
                                        double       value);

G_END_DECLS
