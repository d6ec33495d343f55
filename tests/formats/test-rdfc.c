// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-format-error.h"
#include "dossier-rdfc.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* A poison graph must be refused well within this many seconds. */
#define NEGATIVE_SECONDS 5.0

static char *
vector_path (const char *relative)
{
  return g_build_filename (g_getenv ("DOSSIER_VECTORS"), "rdf-canon", relative, NULL);
}

static char *
load_vector (const char *relative,
             gsize      *length)
{
  g_autofree char *path = vector_path (relative);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static DossierRdfcHash
case_hash (JsonObject *entry)
{
  const char *name = json_object_get_string_member_with_default (entry, "hash", "SHA256");

  if (strcmp (name, "SHA384") == 0)
    return DOSSIER_RDFC_HASH_SHA384;
  g_assert_cmpstr (name, ==, "SHA256");
  return DOSSIER_RDFC_HASH_SHA256;
}

static gboolean
maps_equal (GHashTable *issued,
            JsonObject *expected)
{
  g_autoptr(GList) members = json_object_get_members (expected);

  if (g_hash_table_size (issued) != json_object_get_size (expected))
    return FALSE;
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *canonical = g_hash_table_lookup (issued, l->data);

      if (canonical == NULL ||
          g_strcmp0 (canonical, json_object_get_string_member_with_default (expected, l->data, NULL)) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Runs one manifest entry; FALSE with a message when it does not pass. */
static gboolean
run_case (JsonObject  *entry,
          char       **message)
{
  const char *type = json_object_get_string_member (entry, "type");
  gsize length = 0;
  g_autofree char *input = load_vector (json_object_get_string_member (entry, "input"), &length);
  g_autoptr(GHashTable) issued = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *output = dossier_rdfc_canonicalize_nquads (input, length, case_hash (entry), &issued, &error);
  double seconds = g_timer_elapsed (timer, NULL);

  if (strcmp (type, "negative") == 0)
    {
      if (output != NULL)
        return (*message = g_strdup ("canonicalized a graph that must be refused")), FALSE;
      if (!g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED))
        return (*message = g_strdup_printf ("wrong error: %s", error->message)), FALSE;
      if (seconds > NEGATIVE_SECONDS)
        return (*message = g_strdup_printf ("refused only after %.1f s", seconds)), FALSE;
      return TRUE;
    }
  if (output == NULL)
    return (*message = g_strdup (error->message)), FALSE;

  if (strcmp (type, "eval") == 0)
    {
      g_autofree char *expected = load_vector (json_object_get_string_member (entry, "expect"), NULL);

      if (strcmp (output, expected) != 0)
        return (*message = g_strdup_printf ("output differs:\n%s\nexpected:\n%s", output, expected)), FALSE;
      return TRUE;
    }
  if (strcmp (type, "map") == 0)
    {
      g_autofree char *expected = load_vector (json_object_get_string_member (entry, "expect"), NULL);
      g_autoptr(JsonNode) root = json_from_string (expected, &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      if (!maps_equal (issued, json_node_get_object (root)))
        return (*message = g_strdup ("issued identifiers differ")), FALSE;
      return TRUE;
    }
  return (*message = g_strdup_printf ("unknown test type %s", type)), FALSE;
}

/* Every entry of a manifest, counted by type; all of them must pass. */
static void
run_manifest (const char *name)
{
  g_autofree char *text = load_vector (name, NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GHashTable) totals = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) passed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  const char *types[] = { "eval", "map", "negative" };
  guint failures = 0, cases = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;
      JsonNode *node;
      JsonObject *entry;
      const char *type;

      if (*lines[i] == '\0')
        continue;
      node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      g_ptr_array_add (nodes, node);
      entry = json_node_get_object (node);
      type = json_object_get_string_member (entry, "type");
      cases++;
      g_hash_table_insert (totals, (gpointer) type,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (totals, type)) + 1));
      if (run_case (entry, &message))
        g_hash_table_insert (passed, (gpointer) type,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (passed, type)) + 1));
      else
        {
          g_test_message ("%s failed: %s", json_object_get_string_member (entry, "id"), message);
          failures++;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_hash_table_contains (totals, types[i]))
      g_test_message ("%s %s: %u of %u passed", name, types[i],
                      GPOINTER_TO_UINT (g_hash_table_lookup (passed, types[i])),
                      GPOINTER_TO_UINT (g_hash_table_lookup (totals, types[i])));
  g_assert_cmpuint (cases, >, 0);
  g_assert_cmpuint (failures, ==, 0);
}

static void
test_manifest_sha256 (void)
{
  run_manifest ("manifest.jsonl");
}

static void
test_manifest_sha384 (void)
{
  run_manifest ("manifest-sha384.jsonl");
}

static char *
canonicalize (const char *text,
              GError    **error)
{
  return dossier_rdfc_canonicalize_nquads (text, strlen (text), DOSSIER_RDFC_HASH_SHA256, NULL, error);
}

/* Each malformed document is refused with the number of its bad line. */
static void
test_parse_errors (void)
{
  static const struct { const char *text; const char *line; } cases[] = {
    { "<urn:a> <urn:b> <urn:c>", "line 1" },
    { "<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n", "line 2" },
    { "# comment\n\n<a> <urn:b> <urn:c> .\n", "line 3" },
    { "<urn:a> _:b <urn:c> .\n", "line 1" },
    { "\"x\" <urn:b> <urn:c> .\n", "line 1" },
    { "<urn:a> <urn:b> <urn:c> \"g\" .\n", "line 1" },
    { "<urn:a> <urn:b> \"open .\n", "line 1" },
    { "<urn:a> <urn:b> \"x\\q\" .\n", "line 1" },
    { "<urn:a> <urn:b> \"x\\u12\" .\n", "line 1" },
    { "<urn:a> <urn:b> \"x\\uD800\" .\n", "line 1" },
    { "<urn:a> <urn:b> \"x\"@ .\n", "line 1" },
    { "<urn:a> <urn:b> \"x\"^^\"y\" .\n", "line 1" },
    { "<urn:a b> <urn:b> <urn:c> .\n", "line 1" },
    { "<urn:a\\u003E> <urn:b> <urn:c> .\n", "line 1" },
    { "\n\n\n\n_:-a <urn:b> <urn:c> .\n", "line 5" },
    { "<urn:a> <urn:b> <urn:c> . <urn:d>\n", "line 1" },
    { "<urn:a> <urn:b> <urn:c> <urn:g> <urn:h> .\n", "line 1" },
    { "<urn:a> <urn:b> <urn:c> .\r\n<urn:a> <urn:b>\r\n", "line 2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = canonicalize (cases[i].text, &error);

      g_test_message ("case %u", i);
      g_assert_null (out);
      g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
      g_assert_nonnull (strstr (error->message, cases[i].line));
    }
}

static void
test_not_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  const char text[] = "<urn:a> <urn:b> \"\xff\" .\n";
  g_autofree char *out = dossier_rdfc_canonicalize_nquads (text, sizeof text - 1, DOSSIER_RDFC_HASH_SHA256,
                                                           NULL, &error);

  g_assert_null (out);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
}

static void
test_limits (void)
{
  g_autoptr(GString) many = g_string_new (NULL);
  g_autofree char *huge = g_malloc0 (DOSSIER_RDFC_MAX_SIZE + 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  memset (huge, '#', DOSSIER_RDFC_MAX_SIZE + 1);
  out = dossier_rdfc_canonicalize_nquads (huge, DOSSIER_RDFC_MAX_SIZE + 1, DOSSIER_RDFC_HASH_SHA256, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  for (guint i = 0; i <= DOSSIER_RDFC_MAX_QUADS; i++)
    g_string_append_printf (many, "<urn:s> <urn:p> \"%u\" .\n", i);
  out = dossier_rdfc_canonicalize_nquads (many->str, many->len, DOSSIER_RDFC_HASH_SHA256, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
}

/* Spellings of the same quads give the same canonical bytes. */
static void
test_forms (void)
{
  static const struct { const char *text; const char *expected; } cases[] = {
    { "<urn:a><urn:b>\"x\"^^<http://www.w3.org/2001/XMLSchema#string>.", "<urn:a> <urn:b> \"x\" .\n" },
    { "<urn:a> <urn:b> \"\\u0041\\U0001F600\\t\" . # comment", "<urn:a> <urn:b> \"A\xf0\x9f\x98\x80\\t\" .\n" },
    { "<urn:a> <urn:b> \"x\"@en-GB <urn:g> .\r\n<urn:a> <urn:b> \"x\"@en-GB <urn:g> .",
      "<urn:a> <urn:b> \"x\"@en-GB <urn:g> .\n" },
    { "_:x <urn:b> _:y.\n_:y <urn:b> _:x .\n", "_:c14n0 <urn:b> _:c14n1 .\n_:c14n1 <urn:b> _:c14n0 .\n" },
    { "<urn:\\u00E9> <urn:b> \"\\u0000\\u007f\" .", "<urn:\xc3\xa9> <urn:b> \"\\u0000\\u007F\" .\n" },
    { "_:a.b <urn:b> <urn:c>.", "_:c14n0 <urn:b> <urn:c> .\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = canonicalize (cases[i].text, &error);

      g_test_message ("case %u", i);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, cases[i].expected);
    }
}

/* A large clique of look-alike blank nodes fails fast rather than running
 * for ever. */
static void
test_poison_clique (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  for (guint i = 0; i < 30; i++)
    for (guint j = 0; j < 30; j++)
      g_string_append_printf (text, "_:n%u <urn:p> _:n%u .\n", i, j);
  out = dossier_rdfc_canonicalize_nquads (text->str, text->len, DOSSIER_RDFC_HASH_SHA256, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, NEGATIVE_SECONDS);
}

/* A list of twenty equal items: look-alike blank nodes in a chain, which
 * costs work quadratic in its length and must still fit the budget. */
static void
test_equal_list (void)
{
  g_autoptr(GString) text = g_string_new ("<urn:s> <urn:p> _:l0 .\n");
  g_autoptr(GHashTable) issued = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  for (guint i = 0; i < 20; i++)
    {
      g_string_append_printf (text, "_:l%u <urn:first> \"same\" .\n", i);
      if (i < 19)
        g_string_append_printf (text, "_:l%u <urn:rest> _:l%u .\n", i, i + 1);
      else
        g_string_append_printf (text, "_:l%u <urn:rest> <urn:nil> .\n", i);
    }
  out = dossier_rdfc_canonicalize_nquads (text->str, text->len, DOSSIER_RDFC_HASH_SHA256, &issued, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (issued), ==, 20);
  /* The head is the only node named from outside, so it comes first. */
  g_assert_cmpstr (g_hash_table_lookup (issued, "l0"), ==, "c14n0");
  g_assert_nonnull (strstr (out, "<urn:s> <urn:p> _:c14n0 .\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rdfc/vectors/sha256", test_manifest_sha256);
  g_test_add_func ("/rdfc/vectors/sha384", test_manifest_sha384);
  g_test_add_func ("/rdfc/parse-errors", test_parse_errors);
  g_test_add_func ("/rdfc/not-utf8", test_not_utf8);
  g_test_add_func ("/rdfc/limits", test_limits);
  g_test_add_func ("/rdfc/forms", test_forms);
  g_test_add_func ("/rdfc/poison-clique", test_poison_clique);
  g_test_add_func ("/rdfc/equal-list", test_equal_list);

  return g_test_run ();
}
