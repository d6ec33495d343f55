// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cbor.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

cbor_item_t *dossier_cbor_load        (gconstpointer data,
                                       gsize        length);
JsonNode   *dossier_cbor_to_json      (cbor_item_t *item,
                                       guint        depth);
cbor_item_t *dossier_cbor_map_get_int (cbor_item_t *map,
                                       gint64       key);
gboolean    dossier_cbor_get_int      (cbor_item_t *item,
                                       gint64      *value);
GBytes     *dossier_cbor_get_bytes    (cbor_item_t *item);
char       *dossier_cbor_get_string   (cbor_item_t *item);
cbor_item_t *dossier_cbor_from_json   (JsonNode    *node,
                                       guint        depth);
cbor_item_t *dossier_cbor_build_int   (gint64       value);

G_END_DECLS
