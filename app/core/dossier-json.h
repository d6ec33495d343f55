// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Type-checked access to parsed JSON: a member of the wrong type reads as
 * absent, never as a crash or a silent conversion. */

JsonNode   *dossier_json_parse       (const char *data,
                                      gsize       length);
const char *dossier_json_get_string  (JsonObject *object,
                                      const char *name);
JsonObject *dossier_json_get_object  (JsonObject *object,
                                      const char *name);
JsonArray  *dossier_json_get_array   (JsonObject *object,
                                      const char *name);
gboolean    dossier_json_get_number  (JsonObject *object,
                                      const char *name,
                                      gint64     *value);

void        dossier_json_builder_add_string (JsonBuilder *builder,
                                             const char  *name,
                                             const char  *value);

G_END_DECLS
