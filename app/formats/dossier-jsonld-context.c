// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-jsonld-private.h"

#include "dossier-format-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* JSON-LD 1.1 context processing (W3C JSON-LD 1.1 Processing Algorithms,
 * section 4): active contexts, term definitions and IRI expansion.  Contexts are
 * immutable once built and reference counted, so a context processed from
 * a bundled document is kept for the life of the process and shared by
 * every later document, from any thread. */

#define MAX_SHARED_CONTEXTS 512
#define MAX_SHARED_BASES    16

G_LOCK_DEFINE_STATIC (shared);
static GHashTable *shared_contexts;   /* key → JsonLdContext */
static guint n_shared_bases;

gboolean
jsonld_fail (JsonLdState *state,
             int          code,
             const char  *format,
             ...)
{
  va_list args;

  if (state->error == NULL || *state->error != NULL)
    return FALSE;
  va_start (args, format);
  *state->error = g_error_new_valist (DOSSIER_FORMAT_ERROR, code, format, args);
  va_end (args);
  return FALSE;
}

gboolean
jsonld_add_work (JsonLdState *state,
                 guint64      units)
{
  state->work += units;
  if (state->work <= JSONLD_MAX_WORK)
    return TRUE;
  return jsonld_fail (state, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                      _("The JSON-LD document takes too much work to expand"));
}

static JsonLdTerm *
term_new (void)
{
  JsonLdTerm *term = g_new0 (JsonLdTerm, 1);

  g_atomic_ref_count_init (&term->ref_count);
  return term;
}

static JsonLdTerm *
term_ref (JsonLdTerm *term)
{
  g_atomic_ref_count_inc (&term->ref_count);
  return term;
}

static void
term_unref (JsonLdTerm *term)
{
  if (!g_atomic_ref_count_dec (&term->ref_count))
    return;
  g_free (term->iri);
  g_free (term->type_mapping);
  g_free (term->language);
  g_free (term->direction);
  g_free (term->index);
  g_free (term->nest);
  g_clear_pointer (&term->context, json_node_unref);
  g_free (term->context_base);
  g_free (term);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JsonLdTerm, term_unref)

static gboolean
term_equal (const JsonLdTerm *a,
            const JsonLdTerm *b)
{
  if (g_strcmp0 (a->iri, b->iri) != 0 || g_strcmp0 (a->type_mapping, b->type_mapping) != 0
      || a->has_language != b->has_language || g_strcmp0 (a->language, b->language) != 0
      || a->has_direction != b->has_direction || g_strcmp0 (a->direction, b->direction) != 0
      || g_strcmp0 (a->index, b->index) != 0 || g_strcmp0 (a->nest, b->nest) != 0
      || a->container != b->container || a->reverse != b->reverse || a->prefix != b->prefix)
    return FALSE;
  if ((a->context == NULL) != (b->context == NULL))
    return FALSE;
  return a->context == NULL || json_node_equal (a->context, b->context);
}

JsonLdContext *
jsonld_context_new (const char *base)
{
  JsonLdContext *context = g_new0 (JsonLdContext, 1);

  g_atomic_ref_count_init (&context->ref_count);
  context->terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) term_unref);
  context->base = g_strdup (base);
  context->original_base = g_strdup (base);
  return context;
}

JsonLdContext *
jsonld_context_ref (JsonLdContext *context)
{
  g_atomic_ref_count_inc (&context->ref_count);
  return context;
}

void
jsonld_context_unref (JsonLdContext *context)
{
  if (!g_atomic_ref_count_dec (&context->ref_count))
    return;
  g_hash_table_unref (context->terms);
  g_free (context->base);
  g_free (context->original_base);
  g_free (context->vocab);
  g_free (context->language);
  g_free (context->direction);
  g_clear_pointer (&context->previous, jsonld_context_unref);
  g_free (context);
}

static JsonLdContext *
context_copy (JsonLdState   *state,
              JsonLdContext *source)
{
  JsonLdContext *copy = g_new0 (JsonLdContext, 1);
  GHashTableIter iter;
  gpointer key, value;

  g_atomic_ref_count_init (&copy->ref_count);
  copy->terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) term_unref);
  g_hash_table_iter_init (&iter, source->terms);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->terms, g_strdup (key), term_ref (value));
  copy->base = g_strdup (source->base);
  copy->original_base = g_strdup (source->original_base);
  copy->vocab = g_strdup (source->vocab);
  copy->language = g_strdup (source->language);
  copy->direction = g_strdup (source->direction);
  copy->previous = source->previous ? jsonld_context_ref (source->previous) : NULL;
  copy->has_protected = source->has_protected;
  jsonld_add_work (state, 1 + g_hash_table_size (source->terms));
  return copy;
}

JsonLdTerm *
jsonld_context_lookup (JsonLdContext *context,
                       const char    *term)
{
  if (term == NULL)
    return NULL;
  return g_hash_table_lookup (context->terms, term);
}

static JsonLdContext *
shared_lookup (const char *key)
{
  JsonLdContext *context = NULL;

  G_LOCK (shared);
  if (shared_contexts != NULL)
    context = g_hash_table_lookup (shared_contexts, key);
  if (context != NULL)
    jsonld_context_ref (context);
  G_UNLOCK (shared);
  return context;
}

static JsonLdContext *
shared_insert (const char    *key,
               JsonLdContext *context)
{
  JsonLdContext *existing;

  G_LOCK (shared);
  if (shared_contexts == NULL)
    shared_contexts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) jsonld_context_unref);
  existing = g_hash_table_lookup (shared_contexts, key);
  if (existing != NULL)
    {
      jsonld_context_ref (existing);
      G_UNLOCK (shared);
      jsonld_context_unref (context);
      return existing;
    }
  if (g_hash_table_size (shared_contexts) < MAX_SHARED_CONTEXTS)
    {
      context->shared = TRUE;
      g_hash_table_insert (shared_contexts, g_strdup (key), jsonld_context_ref (context));
    }
  G_UNLOCK (shared);
  return context;
}

JsonLdContext *
jsonld_context_initial (const char *base,
                        gboolean    mode_10)
{
  g_autofree char *key = g_strdup_printf ("initial %d %s", mode_10, base ? base : "");
  JsonLdContext *context = shared_lookup (key);
  gboolean room;

  if (context != NULL)
    return context;
  /* Contexts processed on top of a shared initial context are shared in
   * turn; documents with bases of their own should not crowd out the
   * contexts every credential uses. */
  G_LOCK (shared);
  room = n_shared_bases < MAX_SHARED_BASES;
  if (room)
    n_shared_bases++;
  G_UNLOCK (shared);
  if (!room)
    return jsonld_context_new (base);
  return shared_insert (key, jsonld_context_new (base));
}

/* Everything create_term_definition needs from the context definition it
 * reads. */
typedef struct
{
  JsonObject *local;
  GHashTable *defined;
  const char *base_url;
  GPtrArray  *remote;
  gboolean    protected;
  gboolean    override_protected;
  gboolean    validate;
  gboolean    shared_source;
} TermScope;

static JsonLdContext *process_context (JsonLdState   *state,
                                       JsonLdContext *active,
                                       JsonNode      *local,
                                       const char    *base_url,
                                       GPtrArray     *remote,
                                       gboolean       override_protected,
                                       gboolean       propagate,
                                       gboolean       validate,
                                       gboolean       shared_source);

static gboolean create_term (JsonLdState   *state,
                             JsonLdContext *active,
                             TermScope     *scope,
                             const char    *term);

static char *
expand_iri_scoped (JsonLdState   *state,
                   JsonLdContext *active,
                   const char    *value,
                   gboolean       document_relative,
                   gboolean       vocab,
                   TermScope     *scope)
{
  JsonLdTerm *definition;
  const char *colon;

  if (value == NULL || jsonld_is_keyword (value))
    return g_strdup (value);
  if (jsonld_has_keyword_form (value))
    return NULL;
  if (scope != NULL && json_object_has_member (scope->local, value)
      && !GPOINTER_TO_INT (g_hash_table_lookup (scope->defined, value)))
    {
      if (!create_term (state, active, scope, value))
        return NULL;
    }
  definition = jsonld_context_lookup (active, value);
  if (definition != NULL && jsonld_is_keyword (definition->iri))
    return g_strdup (definition->iri);
  if (vocab && definition != NULL)
    return g_strdup (definition->iri);

  colon = value[0] ? strchr (value + 1, ':') : NULL;
  if (colon != NULL)
    {
      g_autofree char *prefix = g_strndup (value, colon - value);
      const char *suffix = colon + 1;
      JsonLdTerm *prefix_definition;

      if (strcmp (prefix, "_") == 0 || g_str_has_prefix (suffix, "//"))
        return g_strdup (value);
      if (scope != NULL && json_object_has_member (scope->local, prefix)
          && !GPOINTER_TO_INT (g_hash_table_lookup (scope->defined, prefix)))
        {
          if (!create_term (state, active, scope, prefix))
            return NULL;
        }
      prefix_definition = jsonld_context_lookup (active, prefix);
      if (prefix_definition != NULL && prefix_definition->iri != NULL && prefix_definition->prefix)
        return g_strconcat (prefix_definition->iri, suffix, NULL);
      if (jsonld_is_absolute_iri (value))
        return g_strdup (value);
    }
  if (vocab && active->vocab != NULL)
    return g_strconcat (active->vocab, value, NULL);
  if (document_relative)
    return jsonld_resolve_iri (active->base, value);
  return g_strdup (value);
}

char *
jsonld_expand_iri (JsonLdState   *state,
                   JsonLdContext *active,
                   const char    *value,
                   gboolean       document_relative,
                   gboolean       vocab)
{
  return expand_iri_scoped (state, active, value, document_relative, vocab, NULL);
}

static gboolean
is_iri_or_blank (const char *value)
{
  return value != NULL && (g_str_has_prefix (value, "_:") || jsonld_is_absolute_iri (value));
}

static gboolean
ends_with_gen_delim (const char *iri)
{
  gsize length = strlen (iri);

  return length > 0 && strchr (":/?#[]@", iri[length - 1]) != NULL;
}

static gboolean
parse_container (JsonLdState *state,
                 JsonNode    *node,
                 guint       *container,
                 const char  *term)
{
  static const char * const names[] = { "@list", "@set", "@index", "@id", "@type", "@language", "@graph" };
  g_autoptr(GList) elements = NULL;
  guint result = 0, count = 0;

  if (JSON_NODE_HOLDS_VALUE (node))
    elements = g_list_prepend (NULL, node);
  else if (JSON_NODE_HOLDS_ARRAY (node) && !state->mode_10)
    elements = json_array_get_elements (json_node_get_array (node));
  else
    goto invalid;
  for (GList *l = elements; l != NULL; l = l->next)
    {
      const char *name = JSON_NODE_HOLDS_VALUE (l->data) && json_node_get_value_type (l->data) == G_TYPE_STRING
                         ? json_node_get_string (l->data) : NULL;
      guint flag = 0;

      for (guint i = 0; name != NULL && i < G_N_ELEMENTS (names); i++)
        if (strcmp (name, names[i]) == 0)
          flag = 1u << i;
      if (flag == 0 || (result & flag))
        goto invalid;
      result |= flag;
      count++;
    }
  if (count == 0)
    goto invalid;
  if (state->mode_10 && (result & (CONTAINER_GRAPH | CONTAINER_ID | CONTAINER_TYPE)))
    goto invalid;
  /* @list stands alone; @set goes with any but @list; @graph may take
   * @id or @index; the rest take only @set. */
  if ((result & CONTAINER_LIST) && result != CONTAINER_LIST)
    goto invalid;
  {
    guint rest = result & ~CONTAINER_SET;
    if (rest & CONTAINER_GRAPH)
      rest &= ~(CONTAINER_GRAPH | CONTAINER_ID | CONTAINER_INDEX);
    else if (rest != 0 && (rest & (rest - 1)) != 0)
      goto invalid;
    if ((result & CONTAINER_GRAPH) && (result & CONTAINER_ID) && (result & CONTAINER_INDEX))
      goto invalid;
    if ((result & CONTAINER_GRAPH) && rest != 0)
      goto invalid;
  }
  *container = result;
  return TRUE;

invalid:
  return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE,
                      _("The JSON-LD term “%s” has an invalid container mapping"), term);
}

static const char *
node_string (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static gboolean
term_invalid (JsonLdState *state,
              const char  *term,
              const char  *what)
{
  return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE,
                      _("The JSON-LD term “%s” is not valid: %s"), term, what);
}

static gboolean
finish_term (JsonLdState   *state,
             JsonLdContext *active,
             TermScope     *scope,
             const char    *term,
             JsonLdTerm    *definition,
             JsonLdTerm    *previous)
{
  if (!scope->override_protected && previous != NULL && previous->protected)
    {
      if (!term_equal (definition, previous))
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE,
                            _("The JSON-LD context redefines the protected term “%s”"), term);
      definition = previous;
    }
  if (definition->protected)
    active->has_protected = TRUE;
  g_hash_table_insert (active->terms, g_strdup (term), term_ref (definition));
  g_hash_table_insert (scope->defined, g_strdup (term), GINT_TO_POINTER (TRUE));
  return TRUE;
}

static gboolean create_term_definition (JsonLdState   *state,
                                        JsonLdContext *active,
                                        TermScope     *scope,
                                        const char    *term);

static gboolean
create_term (JsonLdState   *state,
             JsonLdContext *active,
             TermScope     *scope,
             const char    *term)
{
  gpointer state_defined;
  gboolean ok;

  if (g_hash_table_lookup_extended (scope->defined, term, NULL, &state_defined))
    {
      if (GPOINTER_TO_INT (state_defined))
        return TRUE;
      return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE,
                          _("The JSON-LD term “%s” is defined through itself (cyclic IRI mapping)"), term);
    }
  if (term[0] == '\0')
    return term_invalid (state, term, _("a term may not be empty"));
  if (!jsonld_add_work (state, 1))
    return FALSE;
  g_hash_table_insert (scope->defined, g_strdup (term), GINT_TO_POINTER (FALSE));
  /* terms defined through other terms of the same context recurse */
  if (state->depth + 1 > DOSSIER_JSONLD_MAX_DEPTH)
    return jsonld_fail (state, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                        _("The JSON-LD term “%s” depends on too many others"), term);
  state->depth++;
  ok = create_term_definition (state, active, scope, term);
  state->depth--;
  return ok;
}

static gboolean
create_term_definition (JsonLdState   *state,
                        JsonLdContext *active,
                        TermScope     *scope,
                        const char    *term)
{
  g_autoptr(JsonLdTerm) definition = NULL;
  g_autoptr(JsonLdTerm) previous = NULL;
  JsonNode *value_node;
  JsonObject *value = NULL;
  g_autoptr(JsonObject) owned_value = NULL;
  gboolean simple_term = FALSE;
  JsonNode *member;
  const char *colon;

  value_node = json_object_get_member (scope->local, term);

  if (strcmp (term, "@type") == 0)
    {
      gboolean ok = !state->mode_10 && value_node != NULL && JSON_NODE_HOLDS_OBJECT (value_node);
      if (ok)
        {
          JsonObject *object = json_node_get_object (value_node);
          g_autoptr(GList) names = json_object_get_members (object);
          guint n = 0;
          for (GList *l = names; l != NULL; l = l->next)
            {
              if (strcmp (l->data, "@container") == 0)
                ok = ok && g_strcmp0 (node_string (json_object_get_member (object, l->data)), "@set") == 0;
              else if (strcmp (l->data, "@protected") != 0)
                ok = FALSE;
              n++;
            }
          ok = ok && n > 0;
        }
      if (!ok)
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE,
                            _("The JSON-LD context redefines the keyword “%s”"), term);
    }
  else if (jsonld_is_keyword (term))
    return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE,
                        _("The JSON-LD context redefines the keyword “%s”"), term);
  else if (jsonld_has_keyword_form (term))
    {
      g_hash_table_remove (scope->defined, term);
      return TRUE;
    }

  previous = g_hash_table_lookup (active->terms, term);
  if (previous != NULL)
    {
      term_ref (previous);
      g_hash_table_remove (active->terms, term);
    }

  if (JSON_NODE_HOLDS_NULL (value_node))
    {
      owned_value = json_object_new ();
      json_object_set_null_member (owned_value, "@id");
      value = owned_value;
    }
  else if (node_string (value_node) != NULL)
    {
      owned_value = json_object_new ();
      json_object_set_string_member (owned_value, "@id", node_string (value_node));
      value = owned_value;
      simple_term = TRUE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (value_node))
    value = json_node_get_object (value_node);
  else
    return term_invalid (state, term, _("a definition must be a string, an object or null"));

  definition = term_new ();
  definition->shared = scope->shared_source;

  if ((member = json_object_get_member (value, "@protected")) != NULL)
    {
      if (state->mode_10)
        return term_invalid (state, term, _("@protected needs JSON-LD 1.1"));
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        return term_invalid (state, term, _("invalid @protected value"));
      definition->protected = json_node_get_boolean (member);
    }
  else
    definition->protected = scope->protected;

  if ((member = json_object_get_member (value, "@type")) != NULL)
    {
      g_autofree char *type = NULL;

      if (node_string (member) == NULL)
        return term_invalid (state, term, _("invalid type mapping"));
      type = expand_iri_scoped (state, active, node_string (member), FALSE, TRUE, scope);
      if (state->error && *state->error)
        return FALSE;
      if (type == NULL
          || (state->mode_10 && (strcmp (type, "@json") == 0 || strcmp (type, "@none") == 0))
          || (strcmp (type, "@id") != 0 && strcmp (type, "@json") != 0 && strcmp (type, "@none") != 0
              && strcmp (type, "@vocab") != 0 && !jsonld_is_absolute_iri (type)))
        return term_invalid (state, term, _("invalid type mapping"));
      definition->type_mapping = g_steal_pointer (&type);
    }

  if ((member = json_object_get_member (value, "@reverse")) != NULL)
    {
      JsonNode *container;

      if (json_object_has_member (value, "@id") || json_object_has_member (value, "@nest"))
        return term_invalid (state, term, _("invalid reverse property"));
      if (node_string (member) == NULL)
        return term_invalid (state, term, _("invalid IRI mapping"));
      if (jsonld_has_keyword_form (node_string (member)))
        {
          g_hash_table_remove (scope->defined, term);
          return TRUE;
        }
      definition->iri = expand_iri_scoped (state, active, node_string (member), FALSE, TRUE, scope);
      if (state->error && *state->error)
        return FALSE;
      if (!is_iri_or_blank (definition->iri))
        return term_invalid (state, term, _("invalid IRI mapping"));
      if ((container = json_object_get_member (value, "@container")) != NULL)
        {
          const char *name = node_string (container);
          if (JSON_NODE_HOLDS_NULL (container))
            ;
          else if (g_strcmp0 (name, "@set") == 0)
            definition->container = CONTAINER_SET, definition->has_container = TRUE;
          else if (g_strcmp0 (name, "@index") == 0)
            definition->container = CONTAINER_INDEX, definition->has_container = TRUE;
          else
            return term_invalid (state, term, _("invalid reverse property"));
        }
      definition->reverse = TRUE;
      return finish_term (state, active, scope, term, definition, previous);
    }

  colon = term[0] ? strchr (term + 1, ':') : NULL;
  member = json_object_get_member (value, "@id");
  if (member != NULL && g_strcmp0 (node_string (member), term) != 0)
    {
      if (JSON_NODE_HOLDS_NULL (member))
        ;
      else
        {
          const char *id = node_string (member);

          if (id == NULL)
            return term_invalid (state, term, _("invalid IRI mapping"));
          if (!jsonld_is_keyword (id) && jsonld_has_keyword_form (id))
            {
              g_hash_table_remove (scope->defined, term);
              return TRUE;
            }
          definition->iri = expand_iri_scoped (state, active, id, FALSE, TRUE, scope);
          if (state->error && *state->error)
            return FALSE;
          if (definition->iri == NULL || (!jsonld_is_keyword (definition->iri) && !is_iri_or_blank (definition->iri)))
            return term_invalid (state, term, _("invalid IRI mapping"));
          if (strcmp (definition->iri, "@context") == 0)
            return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE,
                                _("The JSON-LD term “%s” is an invalid keyword alias"), term);
          if ((colon != NULL && colon[1] != '\0') || strchr (term, '/') != NULL)
            {
              g_autofree char *expanded = NULL;

              g_hash_table_insert (scope->defined, g_strdup (term), GINT_TO_POINTER (TRUE));
              expanded = expand_iri_scoped (state, active, term, FALSE, TRUE, scope);
              if (state->error && *state->error)
                return FALSE;
              if (g_strcmp0 (expanded, definition->iri) != 0)
                return term_invalid (state, term, _("invalid IRI mapping"));
            }
          if (strchr (term, ':') == NULL && strchr (term, '/') == NULL && simple_term
              && (g_str_has_prefix (definition->iri, "_:")
                  || (!jsonld_is_keyword (definition->iri) && ends_with_gen_delim (definition->iri))))
            definition->prefix = TRUE;
        }
    }
  else if (colon != NULL)
    {
      g_autofree char *prefix = g_strndup (term, colon - term);
      JsonLdTerm *prefix_definition;

      if (json_object_has_member (scope->local, prefix))
        {
          if (!create_term (state, active, scope, prefix))
            return FALSE;
        }
      prefix_definition = jsonld_context_lookup (active, prefix);
      if (prefix_definition != NULL && prefix_definition->iri != NULL)
        definition->iri = g_strconcat (prefix_definition->iri, colon + 1, NULL);
      else
        definition->iri = g_strdup (term);
    }
  else if (strchr (term, '/') != NULL)
    {
      definition->iri = expand_iri_scoped (state, active, term, FALSE, TRUE, scope);
      if (!jsonld_is_absolute_iri (definition->iri))
        return term_invalid (state, term, _("invalid IRI mapping"));
    }
  else if (strcmp (term, "@type") == 0)
    definition->iri = g_strdup ("@type");
  else if (active->vocab != NULL)
    definition->iri = g_strconcat (active->vocab, term, NULL);
  else
    return term_invalid (state, term, _("invalid IRI mapping, and there is no @vocab"));

  if ((member = json_object_get_member (value, "@container")) != NULL)
    {
      if (!parse_container (state, member, &definition->container, term))
        return FALSE;
      definition->has_container = TRUE;
      if (definition->container & CONTAINER_TYPE)
        {
          if (definition->type_mapping == NULL)
            definition->type_mapping = g_strdup ("@id");
          if (strcmp (definition->type_mapping, "@id") != 0 && strcmp (definition->type_mapping, "@vocab") != 0)
            return term_invalid (state, term, _("invalid type mapping"));
        }
    }

  if ((member = json_object_get_member (value, "@index")) != NULL)
    {
      g_autofree char *expanded = NULL;

      if (state->mode_10 || !(definition->container & CONTAINER_INDEX) || node_string (member) == NULL)
        return term_invalid (state, term, _("invalid @index"));
      expanded = expand_iri_scoped (state, active, node_string (member), FALSE, TRUE, scope);
      if (!jsonld_is_absolute_iri (expanded))
        return term_invalid (state, term, _("invalid @index"));
      definition->index = g_strdup (node_string (member));
    }

  if ((member = json_object_get_member (value, "@context")) != NULL)
    {
      g_autoptr(JsonLdContext) validated = NULL;

      if (state->mode_10)
        return term_invalid (state, term, _("a scoped context needs JSON-LD 1.1"));
      state->depth++;
      if (state->depth > DOSSIER_JSONLD_MAX_DEPTH)
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_TOO_LARGE, _("The JSON-LD contexts nest too deeply"));
      validated = process_context (state, active, member, scope->base_url, scope->remote,
                                   TRUE, TRUE, FALSE, scope->shared_source);
      state->depth--;
      if (validated == NULL)
        {
          if (state->error && *state->error && (*state->error)->code == DOSSIER_FORMAT_ERROR_DECODE)
            g_prefix_error (state->error, _("Invalid scoped context for the term “%s”: "), term);
          return FALSE;
        }
      definition->context = json_node_ref (member);
      definition->context_base = g_strdup (scope->base_url);
    }

  if ((member = json_object_get_member (value, "@language")) != NULL
      && !json_object_has_member (value, "@type"))
    {
      if (!JSON_NODE_HOLDS_NULL (member) && node_string (member) == NULL)
        return term_invalid (state, term, _("invalid language mapping"));
      definition->has_language = TRUE;
      definition->language = node_string (member) ? g_ascii_strdown (node_string (member), -1) : NULL;
    }

  if ((member = json_object_get_member (value, "@direction")) != NULL
      && !json_object_has_member (value, "@type"))
    {
      const char *direction = node_string (member);

      if (!JSON_NODE_HOLDS_NULL (member) && g_strcmp0 (direction, "ltr") != 0 && g_strcmp0 (direction, "rtl") != 0)
        return term_invalid (state, term, _("invalid base direction"));
      definition->has_direction = TRUE;
      definition->direction = g_strdup (direction);
    }

  if ((member = json_object_get_member (value, "@nest")) != NULL)
    {
      const char *nest = node_string (member);

      if (state->mode_10)
        return term_invalid (state, term, _("@nest needs JSON-LD 1.1"));
      if (nest == NULL || (jsonld_is_keyword (nest) && strcmp (nest, "@nest") != 0))
        return term_invalid (state, term, _("invalid @nest value"));
      definition->nest = g_strdup (nest);
    }

  if ((member = json_object_get_member (value, "@prefix")) != NULL)
    {
      if (state->mode_10 || strchr (term, ':') != NULL || strchr (term, '/') != NULL)
        return term_invalid (state, term, _("@prefix is not allowed here"));
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        return term_invalid (state, term, _("invalid @prefix value"));
      definition->prefix = json_node_get_boolean (member);
      if (definition->prefix && jsonld_is_keyword (definition->iri))
        return term_invalid (state, term, _("a keyword alias cannot be a prefix"));
    }

  {
    static const char * const allowed[] = { "@id", "@reverse", "@container", "@context", "@direction",
                                            "@index", "@language", "@nest", "@prefix", "@protected", "@type" };
    g_autoptr(GList) names = json_object_get_members (value);

    for (GList *l = names; l != NULL; l = l->next)
      {
        gboolean ok = FALSE;
        for (guint i = 0; i < G_N_ELEMENTS (allowed) && !ok; i++)
          ok = strcmp (l->data, allowed[i]) == 0;
        if (!ok)
          return term_invalid (state, term, _("unknown entry in the definition"));
      }
  }

  return finish_term (state, active, scope, term, definition, previous);
}

static gboolean
context_has_protected (JsonLdContext *context)
{
  GHashTableIter iter;
  gpointer value;

  if (!context->has_protected)
    return FALSE;
  g_hash_table_iter_init (&iter, context->terms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((JsonLdTerm *) value)->protected)
      return TRUE;
  return FALSE;
}

static gboolean
remote_contains (GPtrArray  *remote,
                 const char *url)
{
  for (guint i = 0; i < remote->len; i++)
    if (strcmp (remote->pdata[i], url) == 0)
      return TRUE;
  return FALSE;
}

static JsonLdContext *
process_remote (JsonLdState   *state,
                JsonLdContext *result,
                const char    *url,
                GPtrArray     *remote,
                gboolean       validate)
{
  g_autoptr(JsonNode) document = NULL;
  g_autofree char *key = NULL;
  JsonLdContext *processed;
  JsonNode *loaded;
  gboolean shared = FALSE;

  if (remote->len >= DOSSIER_JSONLD_MAX_CONTEXTS)
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The JSON-LD contexts include each other too deeply (context overflow at %s)"), url);
      return NULL;
    }
  if (result->shared && validate)
    {
      key = g_strdup_printf ("remote %p %s", (void *) result, url);
      processed = shared_lookup (key);
      if (processed != NULL)
        return processed;
    }
  document = jsonld_load_document (state, url, &shared);
  if (document == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (document)
      || (loaded = json_object_get_member (json_node_get_object (document), "@context")) == NULL)
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("The JSON-LD document %s is not a context (invalid remote context)"), url);
      return NULL;
    }
  g_ptr_array_add (remote, g_strdup (url));
  processed = process_context (state, result, loaded, url, remote, FALSE, TRUE, validate, shared);
  g_ptr_array_remove_index (remote, remote->len - 1);
  if (processed != NULL && key != NULL && shared)
    processed = shared_insert (key, processed);
  return processed;
}

static JsonNode *
merge_import (JsonLdState *state,
              JsonObject  *context,
              const char  *base_url,
              GPtrArray   *remote)
{
  const char *value = node_string (json_object_get_member (context, "@import"));
  g_autofree char *url = NULL;
  g_autoptr(JsonNode) document = NULL;
  JsonNode *imported;
  JsonObject *merged;
  JsonNode *result;
  gboolean shared;
  g_autoptr(GList) names = NULL;

  if (state->mode_10)
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("@import needs JSON-LD 1.1 (invalid context entry)"));
      return NULL;
    }
  if (value == NULL)
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid @import value"));
      return NULL;
    }
  url = jsonld_resolve_iri (base_url, value);
  document = jsonld_load_document (state, url, &shared);
  if (document == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (document)
      || (imported = json_object_get_member (json_node_get_object (document), "@context")) == NULL
      || !JSON_NODE_HOLDS_OBJECT (imported))
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("The imported JSON-LD document %s is not a context (invalid remote context)"), url);
      return NULL;
    }
  if (json_object_has_member (json_node_get_object (imported), "@import"))
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("The imported JSON-LD context %s imports another (invalid context entry)"), url);
      return NULL;
    }
  merged = json_object_new ();
  names = json_object_get_members (json_node_get_object (imported));
  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (merged, l->data, json_node_copy (json_object_get_member (json_node_get_object (imported), l->data)));
  g_clear_pointer (&names, g_list_free);
  names = json_object_get_members (context);
  for (GList *l = names; l != NULL; l = l->next)
    if (strcmp (l->data, "@import") != 0)
      json_object_set_member (merged, l->data, json_node_copy (json_object_get_member (context, l->data)));
  result = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (result, merged);
  return result;
}

static gboolean
process_definition (JsonLdState    *state,
                    JsonLdContext **result_inout,
                    JsonObject     *context,
                    const char     *base_url,
                    GPtrArray      *remote,
                    gboolean        override_protected,
                    gboolean        validate,
                    gboolean        shared_source)
{
  JsonLdContext *result = *result_inout;
  g_autoptr(GHashTable) defined = NULL;
  g_autoptr(GList) names = NULL;
  JsonNode *member;
  TermScope scope;
  gboolean protected = FALSE;

  if ((member = json_object_get_member (context, "@version")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_DOUBLE
          || json_node_get_double (member) != 1.1)
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid @version value in a JSON-LD context"));
      if (state->mode_10)
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("The JSON-LD context needs 1.1 (processing mode conflict)"));
    }
  if ((member = json_object_get_member (context, "@base")) != NULL && remote->len == 0)
    {
      const char *base = node_string (member);

      if (JSON_NODE_HOLDS_NULL (member))
        g_clear_pointer (&result->base, g_free);
      else if (base != NULL && jsonld_is_absolute_iri (base))
        {
          g_free (result->base);
          result->base = g_strdup (base);
        }
      else if (base != NULL && result->base != NULL)
        {
          char *resolved = jsonld_resolve_iri (result->base, base);
          g_free (result->base);
          result->base = resolved;
        }
      else
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid @base IRI in a JSON-LD context"));
    }
  if ((member = json_object_get_member (context, "@vocab")) != NULL)
    {
      if (JSON_NODE_HOLDS_NULL (member))
        g_clear_pointer (&result->vocab, g_free);
      else if (node_string (member) != NULL)
        {
          g_autofree char *vocab = expand_iri_scoped (state, result, node_string (member), TRUE, TRUE, NULL);
          if (!is_iri_or_blank (vocab) && !(vocab != NULL && vocab[0] == '\0' && result->base == NULL))
            return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid @vocab mapping in a JSON-LD context"));
          if (state->mode_10 && !jsonld_is_absolute_iri (node_string (member)) && !g_str_has_prefix (node_string (member), "_:"))
            return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid @vocab mapping in a JSON-LD context"));
          g_free (result->vocab);
          result->vocab = g_steal_pointer (&vocab);
        }
      else
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid @vocab mapping in a JSON-LD context"));
    }
  if ((member = json_object_get_member (context, "@language")) != NULL)
    {
      if (JSON_NODE_HOLDS_NULL (member))
        g_clear_pointer (&result->language, g_free);
      else if (node_string (member) != NULL)
        {
          g_free (result->language);
          result->language = g_ascii_strdown (node_string (member), -1);
        }
      else
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid default language in a JSON-LD context"));
    }
  if ((member = json_object_get_member (context, "@direction")) != NULL)
    {
      const char *direction = node_string (member);

      if (state->mode_10)
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("@direction needs JSON-LD 1.1 (invalid context entry)"));
      if (JSON_NODE_HOLDS_NULL (member))
        g_clear_pointer (&result->direction, g_free);
      else if (g_strcmp0 (direction, "ltr") == 0 || g_strcmp0 (direction, "rtl") == 0)
        {
          g_free (result->direction);
          result->direction = g_strdup (direction);
        }
      else
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid base direction in a JSON-LD context"));
    }
  if ((member = json_object_get_member (context, "@propagate")) != NULL)
    {
      if (state->mode_10)
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("@propagate needs JSON-LD 1.1 (invalid context entry)"));
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid @propagate value in a JSON-LD context"));
    }
  if ((member = json_object_get_member (context, "@protected")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        return jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid @protected value in a JSON-LD context"));
      protected = json_node_get_boolean (member);
    }

  defined = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  scope = (TermScope) {
    .local = context, .defined = defined, .base_url = base_url, .remote = remote,
    .protected = protected, .override_protected = override_protected, .validate = validate,
    .shared_source = shared_source,
  };
  names = json_object_get_members (context);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *key = l->data;

      if (strcmp (key, "@base") == 0 || strcmp (key, "@direction") == 0 || strcmp (key, "@import") == 0
          || strcmp (key, "@language") == 0 || strcmp (key, "@propagate") == 0
          || strcmp (key, "@protected") == 0 || strcmp (key, "@version") == 0 || strcmp (key, "@vocab") == 0)
        continue;
      if (!create_term (state, result, &scope, key))
        return FALSE;
    }
  return TRUE;
}

static JsonLdContext *
process_context (JsonLdState   *state,
                 JsonLdContext *active,
                 JsonNode      *local,
                 const char    *base_url,
                 GPtrArray     *remote,
                 gboolean       override_protected,
                 gboolean       propagate,
                 gboolean       validate,
                 gboolean       shared_source)
{
  g_autoptr(JsonLdContext) result = jsonld_context_ref (active);
  g_autoptr(GList) items = NULL;
  gboolean copied = FALSE;

  if (!jsonld_add_work (state, 1))
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (local))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (local), "@propagate");
      if (member != NULL)
        {
          if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
            {
              jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("Invalid @propagate value in a JSON-LD context"));
              return NULL;
            }
          propagate = json_node_get_boolean (member);
        }
    }
  if (!propagate && result->previous == NULL)
    {
      JsonLdContext *copy = context_copy (state, result);
      copy->previous = jsonld_context_ref (active);
      g_clear_pointer (&result, jsonld_context_unref);
      result = copy;
      copied = TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (local))
    items = json_array_get_elements (json_node_get_array (local));
  else
    items = g_list_prepend (NULL, local);

  for (GList *l = items; l != NULL; l = l->next)
    {
      JsonNode *item = l->data;

      if (JSON_NODE_HOLDS_NULL (item))
        {
          JsonLdContext *fresh;

          if (!override_protected && context_has_protected (result))
            {
              jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE,
                           _("A JSON-LD context clears protected terms (invalid context nullification)"));
              return NULL;
            }
          fresh = jsonld_context_new (active->original_base);
          if (!propagate)
            fresh->previous = jsonld_context_ref (result);
          g_clear_pointer (&result, jsonld_context_unref);
          result = fresh;
          copied = TRUE;
          continue;
        }
      if (node_string (item) != NULL)
        {
          g_autofree char *url = NULL;
          JsonLdContext *processed;

          if (base_url != NULL)
            url = jsonld_resolve_iri (base_url, node_string (item));
          else
            url = g_strdup (node_string (item));
          if (!jsonld_is_absolute_iri (url))
            {
              jsonld_fail (state, DOSSIER_FORMAT_ERROR_UNAVAILABLE,
                           _("The JSON-LD context reference “%s” is not an absolute IRI (loading document failed)"),
                           url);
              return NULL;
            }
          if (!validate && remote_contains (remote, url))
            continue;
          processed = process_remote (state, result, url, remote, validate);
          if (processed == NULL)
            return NULL;
          g_clear_pointer (&result, jsonld_context_unref);
          result = processed;
          copied = FALSE;
          continue;
        }
      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("A JSON-LD context must be an object, a string or null (invalid local context)"));
          return NULL;
        }
      {
        JsonObject *definition = json_node_get_object (item);
        g_autoptr(JsonNode) merged = NULL;

        if (json_object_has_member (definition, "@import"))
          {
            merged = merge_import (state, definition, base_url, remote);
            if (merged == NULL)
              return NULL;
            definition = json_node_get_object (merged);
            /* the merged copy is freed after this call; its scoped
             * contexts are copied into the terms, so sharing stays safe */
            shared_source = FALSE;
          }
        if (!copied || result->shared)
          {
            JsonLdContext *copy = context_copy (state, result);
            g_clear_pointer (&result, jsonld_context_unref);
            result = copy;
            copied = TRUE;
          }
        if (!process_definition (state, &result, definition, base_url, remote,
                                 override_protected, validate, shared_source))
          return NULL;
      }
    }
  if (state->error && *state->error)
    return NULL;
  return g_steal_pointer (&result);
}

JsonLdContext *
jsonld_process_context (JsonLdState   *state,
                        JsonLdContext *active,
                        JsonNode      *local,
                        const char    *base_url,
                        gboolean       override_protected,
                        gboolean       propagate)
{
  g_autoptr(GPtrArray) remote = g_ptr_array_new_with_free_func (g_free);

  return process_context (state, active, local, base_url, remote, override_protected, propagate, TRUE, FALSE);
}

JsonLdContext *
jsonld_apply_scoped (JsonLdState   *state,
                     JsonLdContext *active,
                     JsonLdTerm    *term,
                     gboolean       override_protected,
                     gboolean       propagate)
{
  g_autofree char *key = g_strdup_printf ("scoped %p %p %d%d", (void *) active, (void *) term->context,
                                          override_protected, propagate);
  g_autoptr(GPtrArray) remote = NULL;
  JsonLdContext *result;
  gboolean global = active->shared && term->shared;

  if (global)
    {
      result = shared_lookup (key);
      if (result != NULL)
        return result;
    }
  else if (state->scoped != NULL && (result = g_hash_table_lookup (state->scoped, key)) != NULL)
    return jsonld_context_ref (result);

  remote = g_ptr_array_new_with_free_func (g_free);
  result = process_context (state, active, term->context, term->context_base, remote,
                            override_protected, propagate, TRUE, term->shared);
  if (result == NULL)
    return NULL;
  if (global)
    return shared_insert (key, result);
  if (state->scoped == NULL)
    state->scoped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) jsonld_context_unref);
  /* the cache holds both the result and, through the key's pointer, the
   * active context alive: keep a reference to the latter as well */
  g_hash_table_insert (state->scoped, g_strdup_printf ("keep %p", (void *) active), jsonld_context_ref (active));
  if (state->keep == NULL)
    state->keep = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_ptr_array_add (state->keep, json_node_ref (term->context));
  g_hash_table_insert (state->scoped, g_steal_pointer (&key), jsonld_context_ref (result));
  return result;
}
