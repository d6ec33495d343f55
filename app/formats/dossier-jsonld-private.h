// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-jsonld.h"

G_BEGIN_DECLS

/* Shared between the context processing and the expansion halves of the
 * JSON-LD processor, and the hooks the conformance tests use. */

/* All the work one document may cost: term definitions created, contexts
 * copied, elements expanded.  Hostile contexts that apply scoped contexts
 * again and again stop here instead of running for minutes. */
#define JSONLD_MAX_WORK 4000000

enum
{
  CONTAINER_LIST     = 1 << 0,
  CONTAINER_SET      = 1 << 1,
  CONTAINER_INDEX    = 1 << 2,
  CONTAINER_ID       = 1 << 3,
  CONTAINER_TYPE     = 1 << 4,
  CONTAINER_LANGUAGE = 1 << 5,
  CONTAINER_GRAPH    = 1 << 6,
};

typedef struct
{
  gatomicrefcount  ref_count;
  char            *iri;            /* NULL when the term maps to null */
  char            *type_mapping;   /* NULL when none */
  char            *language;       /* meaningful when has_language */
  char            *direction;      /* meaningful when has_direction */
  char            *index;
  char            *nest;
  JsonNode        *context;        /* a scoped context, or NULL */
  char            *context_base;
  guint            container;
  guint            has_container : 1;
  guint            has_language : 1;
  guint            has_direction : 1;
  guint            reverse : 1;
  guint            prefix : 1;
  guint            protected : 1;
  guint            shared : 1;     /* held by a context in the process-wide cache */
} JsonLdTerm;

typedef struct _JsonLdContext JsonLdContext;

struct _JsonLdContext
{
  gatomicrefcount  ref_count;
  GHashTable      *terms;          /* term name → JsonLdTerm */
  char            *base;           /* NULL when there is no base IRI */
  char            *original_base;
  char            *vocab;
  char            *language;
  char            *direction;
  JsonLdContext   *previous;       /* the context before a non-propagated one */
  guint            has_protected : 1;
  guint            shared : 1;
};

typedef GBytes *(*DossierJsonLdTestLoader) (const char *url,
                                            gpointer    user_data);

typedef struct
{
  GError             **error;
  DossierJsonLdFlags   flags;
  gboolean             mode_10;       /* processingMode json-ld-1.0 */
  guint64              work;
  guint                depth;
  GHashTable          *documents;     /* URL → JsonNode of a loaded remote context, this call only */
  GHashTable          *scoped;        /* cache of scoped contexts applied, this call only */
  GPtrArray           *keep;          /* JSON kept alive while the cache above names it */
} JsonLdState;

/* Options beyond the public entry point, for the W3C suite. */
typedef struct
{
  const char *base;              /* the document's own URL, used as base */
  gboolean    processing_mode_10;
  gboolean    generalized_rdf;
  const char *rdf_direction;     /* NULL, "i18n-datatype" or "compound-literal" */
  JsonNode   *expand_context;
} DossierJsonLdOptions;

void           dossier_jsonld_set_test_loader (DossierJsonLdTestLoader  loader,
                                               gpointer                 user_data);
char          *dossier_jsonld_to_nquads_with_options (JsonNode                   *document,
                                                      const DossierJsonLdOptions *options,
                                                      DossierJsonLdFlags          flags,
                                                      GError                    **error);

gboolean       jsonld_failed          (JsonLdState *state);
gboolean       jsonld_safe_refuse     (JsonLdState *state,
                                       const char  *format,
                                       ...) G_GNUC_PRINTF (2, 3);
const char    *jsonld_node_string     (JsonNode    *node);
gboolean       jsonld_is_node_object  (JsonNode    *node);
char          *jsonld_expanded_to_nquads (JsonLdState                *state,
                                          JsonArray                  *expanded,
                                          const DossierJsonLdOptions *options);
gboolean       jsonld_fail            (JsonLdState *state,
                                       int          code,
                                       const char  *format,
                                       ...) G_GNUC_PRINTF (3, 4);
gboolean       jsonld_add_work        (JsonLdState *state,
                                       guint64      units);
gboolean       jsonld_is_keyword      (const char  *value);
gboolean       jsonld_has_keyword_form (const char *value);
gboolean       jsonld_is_absolute_iri (const char  *value);
char          *jsonld_resolve_iri     (const char  *base,
                                       const char  *reference);

gboolean       jsonld_is_language_tag (const char *tag);

JsonNode      *jsonld_load_document   (JsonLdState *state,
                                       const char  *url,
                                       gboolean    *shared);

JsonLdContext *jsonld_context_new     (const char  *base);
JsonLdContext *jsonld_context_initial (const char  *base,
                                       gboolean     mode_10);
JsonLdContext *jsonld_context_ref     (JsonLdContext *context);
void           jsonld_context_unref   (JsonLdContext *context);
JsonLdTerm    *jsonld_context_lookup  (JsonLdContext *context,
                                       const char    *term);
JsonLdContext *jsonld_process_context (JsonLdState   *state,
                                       JsonLdContext *active,
                                       JsonNode      *local,
                                       const char    *base_url,
                                       gboolean       override_protected,
                                       gboolean       propagate);
JsonLdContext *jsonld_apply_scoped    (JsonLdState   *state,
                                       JsonLdContext *active,
                                       JsonLdTerm    *term,
                                       gboolean       override_protected,
                                       gboolean       propagate);
char          *jsonld_expand_iri      (JsonLdState   *state,
                                       JsonLdContext *active,
                                       const char    *value,
                                       gboolean       document_relative,
                                       gboolean       vocab);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JsonLdContext, jsonld_context_unref)

G_END_DECLS
