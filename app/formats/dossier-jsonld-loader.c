// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-jsonld-private.h"

#include "dossier-contexts-resources.h"
#include "dossier-format-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The JSON-LD document loader: it serves only the contexts compiled into
 * Dossier (data/contexts/), parsed once and kept for the life of the
 * process, and never fetches anything.  The W3C test suite's own remote
 * documents come through a loader the tests set. */

#define RESOURCE_PREFIX "/io/github/dossierapp/Dossier/contexts/"

static const struct
{
  const char *url;
  const char *file;
} bundled_contexts[] = {
  { "https://www.w3.org/2018/credentials/v1", "credentials-v1.jsonld" },
  { "https://www.w3.org/ns/credentials/v2", "credentials-v2.jsonld" },
  { "https://www.w3.org/ns/credentials/undefined-terms/v2", "credentials-undefined-terms-v2.jsonld" },
  { "https://www.w3.org/2018/credentials/examples/v1", "credentials-examples-v1.jsonld" },
  { "https://www.w3.org/ns/credentials/examples/v2", "credentials-examples-v2.jsonld" },
  { "https://www.w3.org/ns/odrl.jsonld", "odrl.jsonld" },
  { "https://w3id.org/security/data-integrity/v1", "data-integrity-v1.jsonld" },
  { "https://w3id.org/security/data-integrity/v2", "data-integrity-v2.jsonld" },
  { "https://w3id.org/security/multikey/v1", "multikey-v1.jsonld" },
  { "https://w3id.org/security/suites/ed25519-2020/v1", "ed25519-2020-v1.jsonld" },
  { "https://w3id.org/security/v1", "security-v1.jsonld" },
  { "https://w3id.org/security/v2", "security-v2.jsonld" },
  { "https://www.w3.org/ns/did/v1", "did-v1.jsonld" },
  { "https://w3id.org/vc/status-list/2021/v1", "status-list-2021-v1.jsonld" },
  { "https://www.w3.org/ns/credentials/status/v1", "bitstring-status-list-v1.jsonld" },
  { "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "ob-v3p0-context-3.0.0.json" },
  { "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld", "ob-v3p0-context-3.0.0.json" },
  { "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json", "ob-v3p0-context-3.0.1.json" },
  { "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", "ob-v3p0-context-3.0.2.json" },
  { "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "ob-v3p0-context-3.0.3.json" },
  { "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json", "ob-v3p0-extensions.json" },
  { "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", "clr-v2p0-context-2.0.1.json" },
  { "https://purl.imsglobal.org/spec/clr/v2p0/context.json", "clr-v2p0-context.json" },
};

G_LOCK_DEFINE_STATIC (shared);
static GHashTable *shared_documents;  /* URL → sealed JsonNode */
static DossierJsonLdTestLoader test_loader;
static gpointer test_loader_data;

void
dossier_jsonld_set_test_loader (DossierJsonLdTestLoader loader,
                                gpointer                user_data)
{
  G_LOCK (shared);
  test_loader = loader;
  test_loader_data = user_data;
  G_UNLOCK (shared);
}

GBytes *
dossier_jsonld_lookup_context (const char *url)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bundled_contexts); i++)
    if (strcmp (url, bundled_contexts[i].url) == 0)
      {
        path = g_strconcat (RESOURCE_PREFIX, bundled_contexts[i].file, NULL);
        return g_resource_lookup_data (dossier_contexts_get_resource (), path,
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      }
  return NULL;
}

static JsonNode *
parse_document (JsonLdState *state,
                const char  *url,
                GBytes      *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  if (size > 1024 * 1024)
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_TOO_LARGE, _("The JSON-LD context %s is too large"), url);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, size, &local_error))
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_DECODE, _("The JSON-LD context %s is not valid JSON: %s"),
                   url, local_error->message);
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

/* The parsed document at URL; *SHARED tells whether it is a bundled one,
 * kept for the life of the process. */
JsonNode *
jsonld_load_document (JsonLdState *state,
               const char  *url,
               gboolean    *shared)
{
  g_autoptr(GBytes) bytes = NULL;
  DossierJsonLdTestLoader loader;
  gpointer loader_data;
  JsonNode *node;

  *shared = FALSE;
  G_LOCK (shared);
  loader = test_loader;
  loader_data = test_loader_data;
  node = shared_documents ? g_hash_table_lookup (shared_documents, url) : NULL;
  G_UNLOCK (shared);
  if (node != NULL)
    {
      *shared = TRUE;
      return json_node_ref (node);
    }
  if (state->documents != NULL && (node = g_hash_table_lookup (state->documents, url)) != NULL)
    return json_node_ref (node);

  bytes = dossier_jsonld_lookup_context (url);
  if (bytes != NULL)
    {
      node = parse_document (state, url, bytes);
      if (node == NULL)
        return NULL;
      G_LOCK (shared);
      if (shared_documents == NULL)
        shared_documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
      if (!g_hash_table_contains (shared_documents, url))
        g_hash_table_insert (shared_documents, g_strdup (url), json_node_ref (node));
      G_UNLOCK (shared);
      *shared = TRUE;
      return node;
    }
  if (loader != NULL)
    bytes = loader (url, loader_data);
  if (bytes == NULL)
    {
      jsonld_fail (state, DOSSIER_FORMAT_ERROR_UNAVAILABLE,
                   _("The JSON-LD context %s is not one Dossier knows; loading remote context failed"), url);
      return NULL;
    }
  node = parse_document (state, url, bytes);
  if (node == NULL)
    return NULL;
  if (state->documents == NULL)
    state->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  g_hash_table_insert (state->documents, g_strdup (url), json_node_ref (node));
  return node;
}
