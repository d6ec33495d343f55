// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The deepest JSON-LD nesting, the most nested contexts and the most
 * quads one document may turn into. */
#define DOSSIER_JSONLD_MAX_DEPTH    128
#define DOSSIER_JSONLD_MAX_CONTEXTS 64
#define DOSSIER_JSONLD_MAX_QUADS    100000

typedef enum
{
  DOSSIER_JSONLD_FLAGS_NONE = 0,
  /* Refuse terms that expand to nothing, relative IRIs and anything else
   * that would be dropped silently, as the Data Integrity suites require. */
  DOSSIER_JSONLD_SAFE_MODE  = 1 << 0,
} DossierJsonLdFlags;

/* Expands DOCUMENT and turns it into an RDF dataset in N-Quads, one quad a
 * line, each line ending in "\n" (not canonical; see dossier-rdfc.h).
 * Remote contexts are looked up only among the contexts Dossier bundles;
 * any other is an error, never fetched.  BASE_IRI may be NULL.  Errors are
 * in DOSSIER_FORMAT_ERROR: DECODE for invalid JSON-LD, UNAVAILABLE for a
 * context that is not bundled, UNSUPPORTED for what safe mode refuses,
 * TOO_LARGE past the limits above. */
char *dossier_jsonld_to_nquads (JsonNode            *document,
                                const char          *base_iri,
                                DossierJsonLdFlags   flags,
                                GError             **error);

/* The bundled copy of the context at URL, or NULL when Dossier has none. */
GBytes *dossier_jsonld_lookup_context (const char *url);

G_END_DECLS
