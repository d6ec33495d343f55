// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cbor.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

static inline void
dossier_cbor_decref_single (cbor_item_t *item)
{
  cbor_decref (&item);
}

/* g_autoptr(cbor_item_t) drops the caller's reference */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cbor_item_t, dossier_cbor_decref_single)

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

/* A plain CBOR item read in place; see dossier-cbor.c. */
#define DOSSIER_CBOR_SCAN_MISSING    G_MAXUINT
#define DOSSIER_CBOR_SCAN_MAX_LENGTH (16 * 1024 * 1024)

typedef struct _DossierCborScan DossierCborScan;

DossierCborScan *dossier_cbor_scan_new         (gconstpointer    data,
                                                gsize            length);
void             dossier_cbor_scan_free        (DossierCborScan *scan);
int              dossier_cbor_scan_get_major   (DossierCborScan *scan,
                                                guint            item);
guint            dossier_cbor_scan_get_size    (DossierCborScan *scan,
                                                guint            item);
guint            dossier_cbor_scan_get_next    (DossierCborScan *scan,
                                                guint            item);
guint            dossier_cbor_scan_get_element (DossierCborScan *scan,
                                                guint            array,
                                                guint            index);
gboolean         dossier_cbor_scan_get_int     (DossierCborScan *scan,
                                                guint            item,
                                                gint64          *value);
const guint8    *dossier_cbor_scan_get_data    (DossierCborScan *scan,
                                                guint            item,
                                                int              major,
                                                gsize           *length);
const guint8    *dossier_cbor_scan_get_encoded (DossierCborScan *scan,
                                                guint            item,
                                                gsize           *length);
guint            dossier_cbor_scan_map_get_int (DossierCborScan *scan,
                                                guint            map,
                                                gint64           key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierCborScan, dossier_cbor_scan_free)

G_END_DECLS
