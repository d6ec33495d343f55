// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-format-error.h"
#include "dossier-jsonld.h"
#include "dossier-jsonld-private.h"
#include "dossier-rdfc.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <time.h>

/* The W3C JSON-LD 1.1 toRdf suite, and the loader's refusals. */

#define SUITE_URL "https://w3c.github.io/json-ld-api/tests/"

static char *
vector_path (const char *relative)
{
  return g_build_filename (g_getenv ("DOSSIER_VECTORS"), "jsonld-tordf", relative, NULL);
}

/* Serves the suite's own "remote" documents from the vectors folder. */
static GBytes *
suite_loader (const char *url,
              gpointer    user_data)
{
  g_autofree char *path = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_str_has_prefix (url, SUITE_URL))
    return NULL;
  path = vector_path (url + strlen (SUITE_URL));
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  return g_bytes_new_take (contents, length);
}

static JsonNode *
load_json (const char  *relative,
           GError     **error)
{
  g_autofree char *path = vector_path (relative);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static char *
canonical (const char *nquads,
           GError    **error)
{
  return dossier_rdfc_canonicalize_nquads (nquads, strlen (nquads), DOSSIER_RDFC_HASH_SHA256, NULL, error);
}

static GPtrArray *
nquads_lines (const char *text,
              GPtrArray  *labels)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char **tokens;

      if (lines[i][0] == '\0')
        continue;
      tokens = g_strsplit (lines[i], " ", -1);
      for (guint k = 0; tokens[k] != NULL; k++)
        if (g_str_has_prefix (tokens[k], "_:")
            && !g_ptr_array_find_with_equal_func (labels, tokens[k], g_str_equal, NULL))
          g_ptr_array_add (labels, g_strdup (tokens[k]));
      g_ptr_array_add (result, tokens);
    }
  return result;
}

static gboolean
same_under (GPtrArray  *ours,
            GPtrArray  *our_labels,
            GHashTable *theirs,
            GPtrArray  *their_labels,
            guint      *mapping)
{
  for (guint i = 0; i < ours->len; i++)
    {
      char **tokens = ours->pdata[i];
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint k = 0; tokens[k] != NULL; k++)
        {
          guint index;
          if (k > 0)
            g_string_append_c (line, ' ');
          if (g_ptr_array_find_with_equal_func (our_labels, tokens[k], g_str_equal, &index))
            g_string_append (line, their_labels->pdata[mapping[index]]);
          else
            g_string_append (line, tokens[k]);
        }
      if (!g_hash_table_contains (theirs, line->str))
        return FALSE;
    }
  return TRUE;
}

static gboolean
permute (GPtrArray  *ours,
         GPtrArray  *our_labels,
         GHashTable *theirs,
         GPtrArray  *their_labels,
         guint      *mapping,
         guint       depth)
{
  if (depth == our_labels->len)
    return same_under (ours, our_labels, theirs, their_labels, mapping);
  for (guint i = depth; i < our_labels->len; i++)
    {
      guint swap = mapping[depth];
      mapping[depth] = mapping[i];
      mapping[i] = swap;
      if (permute (ours, our_labels, theirs, their_labels, mapping, depth + 1))
        return TRUE;
      mapping[i] = mapping[depth];
      mapping[depth] = swap;
    }
  return FALSE;
}

/* Isomorphism by trying every mapping of blank nodes, for the few small
 * generalized datasets (blank-node predicates) RDFC-1.0 cannot read. */
static gboolean
small_isomorphic (const char *ours_text,
                  const char *theirs_text)
{
  g_autoptr(GPtrArray) our_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) their_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ours = nquads_lines (ours_text, our_labels);
  g_autoptr(GPtrArray) theirs_lines = nquads_lines (theirs_text, their_labels);
  g_autoptr(GHashTable) theirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint mapping[8];

  if (our_labels->len != their_labels->len || our_labels->len > G_N_ELEMENTS (mapping)
      || ours->len != theirs_lines->len)
    return FALSE;
  for (guint i = 0; i < theirs_lines->len; i++)
    g_hash_table_add (theirs, g_strjoinv (" ", theirs_lines->pdata[i]));
  if (g_hash_table_size (theirs) != theirs_lines->len)
    return FALSE;
  for (guint i = 0; i < our_labels->len; i++)
    mapping[i] = i;
  return permute (ours, our_labels, theirs, their_labels, mapping, 0);
}

/* Runs one manifest entry; FALSE with a message when it does not pass. */
static gboolean
run_case (JsonObject  *entry,
          char       **message)
{
  const char *type = json_object_get_string_member (entry, "type");
  JsonObject *options_object = json_object_get_object_member (entry, "options");
  DossierJsonLdOptions options = { 0 };
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(JsonNode) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  input = load_json (json_object_get_string_member (entry, "input"), &error);
  if (input == NULL)
    {
      /* an input that is not JSON at all counts as refused */
      if (strcmp (type, "negative") == 0)
        return TRUE;
      return (*message = g_strdup (error->message)), FALSE;
    }
  options.base = json_object_get_string_member_with_default (options_object, "base",
                                                             json_object_get_string_member (entry, "document_url"));
  options.processing_mode_10 = g_strcmp0 (json_object_get_string_member_with_default (options_object, "processingMode", NULL),
                                          "json-ld-1.0") == 0;
  options.generalized_rdf = json_object_get_boolean_member_with_default (options_object, "produceGeneralizedRdf", FALSE);
  options.rdf_direction = json_object_get_string_member_with_default (options_object, "rdfDirection", NULL);
  if (!json_object_get_null_member (entry, "context"))
    {
      context = load_json (json_object_get_string_member (entry, "context"), &error);
      g_assert_no_error (error);
      options.expand_context = context;
    }

  output = dossier_jsonld_to_nquads_with_options (input, &options, DOSSIER_JSONLD_FLAGS_NONE, &error);
  if (strcmp (type, "negative") == 0)
    {
      if (output != NULL)
        return (*message = g_strdup_printf ("accepted; expected %s; gave\n%s",
                                            json_object_get_string_member (entry, "expect_error"), output)), FALSE;
      return TRUE;
    }
  if (output == NULL)
    return (*message = g_strdup (error->message)), FALSE;
  if (strcmp (type, "syntax") == 0)
    return TRUE;
  {
    g_autofree char *path = vector_path (json_object_get_string_member (entry, "expect"));
    g_autofree char *expected = NULL;
    g_autofree char *ours = NULL;
    g_autofree char *theirs = NULL;

    g_file_get_contents (path, &expected, NULL, &error);
    g_assert_no_error (error);
    if (options.generalized_rdf)
      {
        if (!small_isomorphic (output, expected))
          return (*message = g_strdup_printf ("output differs:\n%s\nexpected:\n%s", output, expected)), FALSE;
        return TRUE;
      }
    theirs = canonical (expected, &error);
    if (theirs == NULL)
      return (*message = g_strdup_printf ("expected output not canonicalizable: %s", error->message)), FALSE;
    ours = canonical (output, &error);
    if (ours == NULL)
      return (*message = g_strdup_printf ("output not canonicalizable: %s\n%s", error->message, output)), FALSE;
    if (strcmp (ours, theirs) != 0)
      return (*message = g_strdup_printf ("output differs:\n%s\nexpected:\n%s", ours, theirs)), FALSE;
  }
  return TRUE;
}

/* "id reason" lines: full cases known to fail, and why. */
static GHashTable *
load_skips (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_TEST_SRCDIR"), "formats", "jsonld-full-skips.txt", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *skips = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return skips;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *space;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      space = strchr (lines[i], ' ');
      g_hash_table_insert (skips, g_strndup (lines[i], space ? (gsize) (space - lines[i]) : strlen (lines[i])),
                           g_strdup (space ? space + 1 : ""));
    }
  return skips;
}

static void
test_tordf_suite (void)
{
  g_autofree char *path = vector_path ("manifest.jsonl");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) skips = load_skips ();
  g_autoptr(GError) error = NULL;
  guint core_total = 0, core_passed = 0, full_total = 0, full_passed = 0, unexpected = 0;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  dossier_jsonld_set_test_loader (suite_loader, NULL);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *message = NULL;
      JsonObject *entry;
      const char *id, *priority;
      gboolean core, passed, listed;

      if (lines[i][0] == '\0')
        continue;
      node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      entry = json_node_get_object (node);
      /* 1.0-only behaviour, which a 1.1 processor skips */
      if (g_strcmp0 (json_object_get_string_member (entry, "spec_version"), "json-ld-1.0") == 0)
        continue;
      id = json_object_get_string_member (entry, "id");
      priority = json_object_get_string_member (entry, "priority");
      core = g_strcmp0 (priority, "vc-core") == 0;
      passed = run_case (entry, &message);
      listed = g_hash_table_contains (skips, id);
      if (core)
        {
          core_total++;
          core_passed += passed;
        }
      else
        {
          full_total++;
          full_passed += passed;
        }
      if (!passed && (core || !listed))
        {
          g_test_message ("%s (%s) failed: %s", id, priority, message);
          unexpected++;
        }
      else if (passed && listed)
        {
          g_test_message ("%s passes now: take it off jsonld-full-skips.txt", id);
          unexpected++;
        }
    }
  dossier_jsonld_set_test_loader (NULL, NULL);
  g_test_message ("vc-core: %u/%u, full: %u/%u", core_passed, core_total, full_passed, full_total);
  g_assert_cmpuint (core_total, >, 0);
  g_assert_cmpuint (core_passed, ==, core_total);
  g_assert_cmpuint (unexpected, ==, 0);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_bundled_context (void)
{
  g_autoptr(GBytes) bytes = dossier_jsonld_lookup_context ("https://www.w3.org/ns/credentials/v2");
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nquads = NULL;

  g_assert_nonnull (bytes);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "\"@context\""));
  g_assert_null (dossier_jsonld_lookup_context ("https://example.com/context"));

  document = parse ("{\"@context\": \"https://www.w3.org/ns/credentials/v2\","
                    " \"id\": \"urn:uuid:1\", \"type\": \"VerifiableCredential\","
                    " \"issuer\": \"did:example:issuer\","
                    " \"credentialSubject\": {\"id\": \"did:example:subject\"}}");
  nquads = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_SAFE_MODE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (nquads, "<urn:uuid:1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                            "<https://www.w3.org/2018/credentials#VerifiableCredential> .\n"));
  g_assert_nonnull (strstr (nquads, "<urn:uuid:1> <https://www.w3.org/2018/credentials#issuer> <did:example:issuer> .\n"));
  g_assert_nonnull (strstr (nquads, "<urn:uuid:1> <https://www.w3.org/2018/credentials#credentialSubject> "
                            "<did:example:subject> .\n"));
}

/* Every context in index.json is served, byte for byte as published. */
static void
test_bundled_index (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_CONTEXTS_DIR"), "index.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) urls = NULL;
  JsonObject *index;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  index = json_node_get_object (json_parser_get_root (parser));
  urls = json_object_get_members (index);
  g_assert_cmpuint (g_list_length (urls), >=, 20);
  for (GList *l = urls; l != NULL; l = l->next)
    {
      JsonObject *entry = json_object_get_object_member (index, l->data);
      g_autoptr(GBytes) bytes = dossier_jsonld_lookup_context (l->data);
      g_autofree char *digest = NULL;

      g_assert_nonnull (bytes);
      digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      g_assert_cmpstr (digest, ==, json_object_get_string_member (entry, "sha256"));
    }
}

static void
test_unknown_context (void)
{
  g_autoptr(JsonNode) document = parse ("{\"@context\": [\"https://www.w3.org/ns/credentials/v2\","
                                        " \"https://example.com/not-bundled/v1\"], \"id\": \"urn:uuid:1\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *nquads = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_FLAGS_NONE, &error);

  g_assert_null (nquads);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "https://example.com/not-bundled/v1"));
}

static void
test_safe_mode (void)
{
  const char *text = "{\"@context\": \"https://www.w3.org/ns/credentials/v2\","
                     " \"id\": \"urn:uuid:1\", \"type\": \"VerifiableCredential\","
                     " \"issuer\": \"did:example:issuer\", \"favouriteColour\": \"blue\"}";
  g_autoptr(JsonNode) document = parse (text);
  g_autoptr(JsonNode) with_vocab = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lenient = NULL;
  g_autofree char *strict = NULL;
  g_autofree char *defined = NULL;

  /* dropped without a word by default, refused in safe mode */
  lenient = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (lenient, "blue"));
  strict = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_SAFE_MODE, &error);
  g_assert_null (strict);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "favouriteColour"));
  g_clear_error (&error);

  /* the undefined-terms context gives such terms an IRI */
  with_vocab = parse ("{\"@context\": [\"https://www.w3.org/ns/credentials/v2\","
                      " \"https://www.w3.org/ns/credentials/undefined-terms/v2\"],"
                      " \"id\": \"urn:uuid:1\", \"favouriteColour\": \"blue\"}");
  defined = dossier_jsonld_to_nquads (with_vocab, NULL, DOSSIER_JSONLD_SAFE_MODE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (defined, "<urn:uuid:1> <https://www.w3.org/ns/credentials/undefined-term#favouriteColour> \"blue\" .\n"));

  /* so are values that belong to no property */
  {
    g_autoptr(JsonNode) floating = parse ("{\"@context\": {\"@vocab\": \"urn:v:\"},"
                                          " \"@graph\": [{\"@id\": \"urn:a\", \"p\": 1}, \"stray\"]}");
    g_autofree char *kept = dossier_jsonld_to_nquads (floating, NULL, DOSSIER_JSONLD_FLAGS_NONE, &error);
    g_autofree char *refused = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (kept, ==, "<urn:a> <urn:v:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n");
    refused = dossier_jsonld_to_nquads (floating, NULL, DOSSIER_JSONLD_SAFE_MODE, &error);
    g_assert_null (refused);
    g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }
}

static JsonNode *
load_credential (const char *relative)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), relative, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_copy (json_parser_get_root (parser));
  json_object_remove_member (json_node_get_object (root), "proof");
  json_node_seal (root);
  return root;
}

static const char * const credentials[] = {
  "vc-di/eddsa/eddsa-rdfc-2022/signedDataInt.json",
  "ob3/ob30/simple-eddsa-2022.json",
  "vc-di/eddsa/Ed25519Signature2020/signedEdSig.json",
};

static gpointer
convert_repeatedly (gpointer data)
{
  JsonNode **documents = data;

  for (guint round = 0; round < 20; round++)
    for (guint i = 0; i < G_N_ELEMENTS (credentials); i++)
      {
        g_autoptr(GError) error = NULL;
        char *nquads = dossier_jsonld_to_nquads (documents[i], NULL, DOSSIER_JSONLD_SAFE_MODE, &error);

        g_assert_no_error (error);
        if (round == 0)
          documents[G_N_ELEMENTS (credentials) + i] = (JsonNode *) nquads;
        else
          {
            g_assert_cmpstr (nquads, ==, (char *) documents[G_N_ELEMENTS (credentials) + i]);
            g_free (nquads);
          }
      }
  return NULL;
}

/* The processed contexts are shared between threads: several threads
 * starting together on real credentials all get the same N-Quads. */
static void
test_concurrent (void)
{
  JsonNode *documents[G_N_ELEMENTS (credentials)];
  JsonNode *slots[4][2 * G_N_ELEMENTS (credentials)];
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (credentials); i++)
    documents[i] = load_credential (credentials[i]);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      memcpy (slots[t], documents, sizeof documents);
      threads[t] = g_thread_new ("jsonld", convert_repeatedly, slots[t]);
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);
  for (guint i = 0; i < G_N_ELEMENTS (credentials); i++)
    {
      for (guint t = 1; t < G_N_ELEMENTS (threads); t++)
        g_assert_cmpstr ((char *) slots[t][G_N_ELEMENTS (credentials) + i], ==,
                         (char *) slots[0][G_N_ELEMENTS (credentials) + i]);
      g_assert_nonnull (strstr ((char *) slots[0][G_N_ELEMENTS (credentials) + i],
                                "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"));
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    for (guint i = 0; i < G_N_ELEMENTS (credentials); i++)
      g_free (slots[t][G_N_ELEMENTS (credentials) + i]);
  for (guint i = 0; i < G_N_ELEMENTS (credentials); i++)
    json_node_unref (documents[i]);
}

/* A tag N-Quads cannot carry drops its literal, or is refused in safe
 * mode; found by fuzzing. */
static void
test_language_tags (void)
{
  g_autoptr(JsonNode) document = parse ("{\"@context\": {\"@vocab\": \"urn:v:\"}, \"@id\": \"urn:q\","
                                        " \"label\": [{\"@value\": \"Die K\u00f6nigin\", \"@language\": \"d6\"},"
                                        " {\"@value\": \"The Queen\", \"@language\": \"EN-gb\"}]}");
  g_autoptr(GError) error = NULL;
  g_autofree char *lenient = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_FLAGS_NONE, &error);
  g_autofree char *strict = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (lenient, ==, "<urn:q> <urn:v:label> \"The Queen\"@en-gb .\n");
  strict = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_SAFE_MODE, &error);
  g_assert_null (strict);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "d6"));
}

/* json-glib reads a lone surrogate escape into bytes that are not UTF-8;
 * they are refused, never written into N-Quads. */
static void
test_lone_surrogate (void)
{
  g_autoptr(JsonNode) document = parse ("{\"@context\": {\"@vocab\": \"urn:v:\"}, \"@id\": \"urn:a\","
                                        " \"p\": \"x\\ud800y\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *nquads = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_FLAGS_NONE, &error);

  g_assert_null (nquads);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
}

static void
test_limits (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"@context\": {\"@vocab\": \"urn:v:\"}, \"a\": ");
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nquads = NULL;

  for (guint i = 0; i < 300; i++)
    g_string_append (deep, "{\"a\": ");
  g_string_append (deep, "1");
  for (guint i = 0; i < 301; i++)
    g_string_append (deep, "}");
  document = parse (deep->str);
  nquads = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_FLAGS_NONE, &error);
  g_assert_null (nquads);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
}

/* A large context copied again for every node: refused as too much work,
 * quickly, not ground through. */
static void
test_work_limit (void)
{
  g_autoptr(GString) text = g_string_new ("{\"@context\": {");
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nquads = NULL;
  clock_t start;

  for (guint i = 0; i < 4000; i++)
    g_string_append_printf (text, "%s\"t%u\": \"urn:x:%u\"", i ? ", " : "", i, i);
  g_string_append (text, "}, \"@graph\": [");
  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (text, "%s{\"@context\": {}, \"t1\": %u}", i ? ", " : "", i);
  g_string_append (text, "]}");
  document = parse (text->str);
  start = clock ();
  nquads = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_FLAGS_NONE, &error);
  g_assert_null (nquads);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
  /* processor time, as the machine may be busy with other work */
  g_assert_cmpfloat ((double) (clock () - start) / CLOCKS_PER_SEC, <, 3.0);
}

static void
collect_documents (const char *directory,
                   GPtrArray  *paths)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autofree char *text = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (strcmp (name, "keys") != 0 && strcmp (name, "contexts") != 0)
            collect_documents (path, paths);
          continue;
        }
      if (!g_str_has_suffix (name, ".json") || !g_file_get_contents (path, &text, NULL, NULL))
        continue;
      if (strstr (text, "\"@context\"") != NULL && text[strspn (text, " \t\r\n")] == '{')
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
}

static void
compare_with_peer (const char *name,
                   JsonNode   *document,
                   JsonObject *entry,
                   const char *nquads_member,
                   const char *error_member,
                   guint      *compared,
                   guint      *refused,
                   guint      *differ)
{
  g_autoptr(GError) our_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ours = dossier_jsonld_to_nquads (document, NULL, DOSSIER_JSONLD_FLAGS_NONE, &our_error);
  g_autofree char *theirs = NULL;
  g_autofree char *ours_canonical = NULL;

  if (json_object_has_member (entry, error_member) || ours == NULL)
    {
      if (json_object_has_member (entry, error_member) && ours == NULL)
        (*refused)++;
      else
        {
          g_test_message ("%s: %s", name, ours == NULL ? our_error->message : "PyLD refuses what Dossier accepts");
          (*differ)++;
        }
      return;
    }
  theirs = canonical (json_object_get_string_member (entry, nquads_member), &error);
  if (theirs == NULL)
    {
      /* PyLD writes relative IRIs in some corner cases */
      g_test_message ("%s: PyLD output unreadable: %s", name, error->message);
      (*differ)++;
      return;
    }
  ours_canonical = canonical (ours, &error);
  g_assert_no_error (error);
  if (strcmp (theirs, ours_canonical) != 0)
    {
      g_test_message ("%s differs:\n%s\nPyLD:\n%s", name, ours_canonical, theirs);
      (*differ)++;
    }
  else
    (*compared)++;
}

/* Every credential among the vectors, and its first proof's configuration,
 * gives the same RDF dataset here as with PyLD, an independent JSON-LD
 * processor, or both refuse it. */
static void
test_pyld_peer (void)
{
  const char *peer = g_getenv ("DOSSIER_JSONLD_PEER");
  const char *sets[] = { "vc-di", "ob3", "status-list" };
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  int status = 0;
  guint compared = 0, refused = 0, differ = 0;

  if (peer == NULL)
    {
      g_test_skip ("DOSSIER_JSONLD_PEER is not set");
      return;
    }
  g_ptr_array_add (argv, g_strdup ("/usr/bin/python3"));
  g_ptr_array_add (argv, g_strdup (peer));
  g_ptr_array_add (argv, g_strdup (g_getenv ("DOSSIER_CONTEXTS_DIR")));
  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      g_autofree char *directory = g_build_filename (g_getenv ("DOSSIER_VECTORS"), sets[i], NULL);
      collect_documents (directory, argv);
    }
  g_assert_cmpuint (argv->len, >, 20);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &output, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) line = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonNode) config = NULL;
      JsonObject *entry, *object;
      JsonNode *document, *proof;
      const char *file;

      if (lines[i][0] == '\0')
        continue;
      line = parse (lines[i]);
      entry = json_node_get_object (line);
      file = json_object_get_string_member (entry, "file");
      json_parser_load_from_file (parser, file, &error);
      g_assert_no_error (error);
      document = json_parser_get_root (parser);
      object = json_node_get_object (document);
      proof = json_object_get_member (object, "proof");
      if (proof != NULL && JSON_NODE_HOLDS_ARRAY (proof) && json_array_get_length (json_node_get_array (proof)) > 0)
        proof = json_array_get_element (json_node_get_array (proof), 0);
      if (proof != NULL && JSON_NODE_HOLDS_OBJECT (proof) && json_object_has_member (object, "@context"))
        {
          config = json_node_copy (proof);
          json_object_remove_member (json_node_get_object (config), "proofValue");
          json_object_set_member (json_node_get_object (config), "@context",
                                  json_node_copy (json_object_get_member (object, "@context")));
        }
      json_object_remove_member (object, "proof");

      compare_with_peer (file, document, entry, "nquads", "error", &compared, &refused, &differ);
      if (config != NULL)
        {
          g_autofree char *name = g_strconcat (file, " (proof configuration)", NULL);
          compare_with_peer (name, config, entry, "proof_nquads", "proof_error", &compared, &refused, &differ);
        }
    }
  g_test_message ("PyLD: %u documents and proof configurations agree, %u refused by both, %u differ", compared, refused, differ);
  g_assert_cmpuint (compared, >, 20);
  g_assert_cmpuint (differ, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jsonld/concurrent", test_concurrent);
  g_test_add_func ("/jsonld/loader/bundled", test_bundled_context);
  g_test_add_func ("/jsonld/loader/unknown", test_unknown_context);
  g_test_add_func ("/jsonld/loader/index", test_bundled_index);
  g_test_add_func ("/jsonld/safe-mode", test_safe_mode);
  g_test_add_func ("/jsonld/language-tags", test_language_tags);
  g_test_add_func ("/jsonld/lone-surrogate", test_lone_surrogate);
  g_test_add_func ("/jsonld/limits", test_limits);
  g_test_add_func ("/jsonld/work-limit", test_work_limit);
  g_test_add_func ("/jsonld/w3c-tordf", test_tordf_suite);
  g_test_add_func ("/jsonld/peer/pyld", test_pyld_peer);

  return g_test_run ();
}
