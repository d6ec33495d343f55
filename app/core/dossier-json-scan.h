// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A JSON text checked and indexed in one pass, without building a tree:
 * values are numbered in document order (the root is 0) and read in place.
 * Only the plain subset that dossier_json_parse() reads itself is
 * accepted; on anything else (and on duplicate member names, which
 * json-glib resolves its own way) no scan is made, and the caller parses
 * the text with dossier_json_parse() instead, so that either way a reader
 * sees what json-glib would give. */

typedef enum
{
  DOSSIER_JSON_SCAN_NONE,
  DOSSIER_JSON_SCAN_OBJECT,
  DOSSIER_JSON_SCAN_ARRAY,
  DOSSIER_JSON_SCAN_STRING,
  DOSSIER_JSON_SCAN_INTEGER,
  DOSSIER_JSON_SCAN_BOOLEAN,
  DOSSIER_JSON_SCAN_NULL,
} DossierJsonScanKind;

#define DOSSIER_JSON_SCAN_ROOT    0u
#define DOSSIER_JSON_SCAN_MISSING G_MAXUINT
/* Texts and value counts beyond these are left to dossier_json_parse(). */
#define DOSSIER_JSON_SCAN_MAX_LENGTH (16 * 1024 * 1024)
#define DOSSIER_JSON_SCAN_MAX_VALUES (1024 * 1024)

typedef struct _DossierJsonScan DossierJsonScan;

DossierJsonScan     *dossier_json_scan_new         (const char      *data,
                                                    gsize            length);
void                 dossier_json_scan_free        (DossierJsonScan *scan);
DossierJsonScanKind  dossier_json_scan_get_kind    (DossierJsonScan *scan,
                                                    guint            value);
guint                dossier_json_scan_get_member  (DossierJsonScan *scan,
                                                    guint            object,
                                                    const char      *name);
guint                dossier_json_scan_get_size    (DossierJsonScan *scan,
                                                    guint            value);
guint                dossier_json_scan_get_next    (DossierJsonScan *scan,
                                                    guint            value);
guint                dossier_json_scan_get_element (DossierJsonScan *scan,
                                                    guint            array,
                                                    guint            index);
gboolean             dossier_json_scan_equal       (DossierJsonScan *scan,
                                                    guint            value,
                                                    const char      *text);
char                *dossier_json_scan_dup_string  (DossierJsonScan *scan,
                                                    guint            value);
gboolean             dossier_json_scan_get_integer (DossierJsonScan *scan,
                                                    guint            value,
                                                    gint64          *integer);
const char          *dossier_json_scan_get_text    (DossierJsonScan *scan,
                                                    guint            value,
                                                    gsize           *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierJsonScan, dossier_json_scan_free)

G_END_DECLS
