// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-audit-entry.h"
#include "dossier-core-error.h"
#include "dossier-json.h"
#include "dossier-json-scan.h"
#include "dossier-record.h"
#include "dossier-recovery-key.h"
#include "dossier-secret.h"
#include "dossier-text.h"

#include <string.h>

static void
test_fold (void)
{
  struct { const char *in, *out; } cases[] = {
    { "Nguyễn Văn An", "nguyen van an" },
    { "ĐẶNG THỊ HOA", "dang thi hoa" },
    { "Đặng", "dang" },
    { "đường", "duong" },
    { "Trường Đại học Bách khoa Hà Nội", "truong dai hoc bach khoa ha noi" },
    { "Tiêm chủng mở rộng", "tiem chung mo rong" },
    { "ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ", "o o o o o o o o o o" },
    { "Ứng Ửu Ỹ", "ung uu y" },
    { "Ǆ ﬁ", "dz fi" },             /* compatibility forms decompose too */
    { "plain ASCII 123", "plain ascii 123" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = dossier_text_fold (cases[i].in);
      g_assert_cmpstr (folded, ==, cases[i].out);
    }
  {
    /* Invalid UTF-8 is repaired, never crashes. */
    g_autofree char *folded = dossier_text_fold ("ab\xff\xfe" "c");
    g_assert_true (g_utf8_validate (folded, -1, NULL));
  }
}

static void
test_fold_words (void)
{
  g_auto(GStrv) words = dossier_text_fold_words ("  \"Nguyễn\" OR văn-AN* (NEAR) ");
  const char *expected[] = { "nguyen", "or", "van", "an", "near", NULL };

  g_assert_cmpstrv (words, expected);
}

static void
test_verdict_json (void)
{
  g_autoptr(DossierVerdict) verdict = dossier_verdict_new ();
  g_autoptr(DossierVerdict) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (dossier_verdict_get_summary (verdict), ==, DOSSIER_VERDICT_UNVERIFIED);
  dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_AUTHENTIC, DOSSIER_CHECK_PASSED, "signature", "ES256 by key 1");
  dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_TRUSTED, DOSSIER_CHECK_PASSED, "anchor", "Bộ Y tế");
  dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_CURRENT, DOSSIER_CHECK_NOT_APPLICABLE, NULL, NULL);
  g_assert_cmpint (dossier_verdict_get_summary (verdict), ==, DOSSIER_VERDICT_VALID);

  node = dossier_verdict_to_json (verdict);
  copy = dossier_verdict_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dossier_verdict_get_state (copy, DOSSIER_VERDICT_PART_TRUSTED), ==, DOSSIER_CHECK_PASSED);
  g_assert_cmpstr (dossier_verdict_get_reason (copy, DOSSIER_VERDICT_PART_TRUSTED), ==, "Bộ Y tế");
  g_assert_cmpint (dossier_verdict_get_summary (copy), ==, DOSSIER_VERDICT_VALID);

  dossier_verdict_set (copy, DOSSIER_VERDICT_PART_CURRENT, DOSSIER_CHECK_FAILED, "revoked", "Revoked");
  g_assert_cmpint (dossier_verdict_get_summary (copy), ==, DOSSIER_VERDICT_INVALID);
}

static void
test_verdict_bad_json (void)
{
  const char *bad[] = {
    "[]", "1", "{\"authentic\": 3}", "{\"authentic\": {\"state\": 7}}",
    "{\"trusted\": {\"state\": \"maybe\"}}", "{\"current\": {\"state\": \"passed\", \"reason\": []}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(DossierVerdict) verdict = dossier_verdict_new_from_json (node, &error);

      g_assert_null (verdict);
      g_assert_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_INVALID_DATA);
    }
}

static void
count_notify (guint *counter)
{
  (*counter)++;
}

static void
test_record (void)
{
  DossierRecord *record = dossier_record_new (DOSSIER_RECORD_KIND_IMMUNIZATION, "Vắc xin sởi");
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  const char *tags[] = { "tiêm chủng", NULL };
  guint notified = 0;

  g_assert_cmpint (dossier_record_kind_get_category (DOSSIER_RECORD_KIND_IMMUNIZATION), ==, DOSSIER_RECORD_CATEGORY_HEALTH);
  g_assert_cmpint (dossier_record_kind_get_category (DOSSIER_RECORD_KIND_BADGE), ==, DOSSIER_RECORD_CATEGORY_LEARNING);
  g_assert_cmpint (dossier_record_kind_get_category (DOSSIER_RECORD_KIND_DOCUMENT), ==, DOSSIER_RECORD_CATEGORY_OTHER);
  g_assert_nonnull (dossier_record_get_uuid (record));

  g_signal_connect_swapped (record, "notify::title", G_CALLBACK (count_notify), &notified);
  dossier_record_set_title (record, "Vắc xin sởi");
  g_assert_cmpuint (notified, ==, 0);
  dossier_record_set_title (record, "Vắc xin sởi - rubella");
  g_assert_cmpuint (notified, ==, 1);

  json_object_set_string_member (fields, "lot", "MR-2019-01");
  json_object_set_int_member (fields, "dose", 2);
  dossier_record_set_fields (record, fields);
  dossier_record_set_tags (record, tags);
  text = dossier_record_dup_search_text (record);
  g_assert_nonnull (strstr (text, "MR-2019-01"));
  g_assert_nonnull (strstr (text, "tiêm chủng"));

  node = dossier_record_to_json (record);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "kind"), ==, "immunization");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "category"), ==, "health");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "title"), ==, "Vắc xin sởi - rubella");
  g_assert_finalize_object (record);
}

static void
test_audit_actions (void)
{
  for (int a = DOSSIER_AUDIT_CREATE; a <= DOSSIER_AUDIT_PERSON; a++)
    {
      DossierAuditAction back;

      g_assert_true (dossier_audit_action_from_string (dossier_audit_action_to_string (a), &back));
      g_assert_cmpint (back, ==, a);
    }
  g_assert_false (dossier_audit_action_from_string ("nonsense", &(DossierAuditAction){ 0 }));
}

static void
test_secure (void)
{
  char *copy = dossier_secure_strdup ("bí mật");
  guint8 a[32], b[32];

  g_assert_cmpstr (copy, ==, "bí mật");
  dossier_secure_strfree (copy);
  g_assert_true (dossier_secure_random (a, sizeof a));
  g_assert_true (dossier_secure_random (b, sizeof b));
  g_assert_false (dossier_secure_equal (a, b, sizeof a));
  g_assert_true (dossier_secure_equal (a, a, sizeof a));
  dossier_secure_wipe (a, sizeof a);
  for (guint i = 0; i < sizeof a; i++)
    g_assert_cmpuint (a[i], ==, 0);
}

static void
test_recovery_words (void)
{
  struct { guint8 byte; const char *words; } vectors[] = {
    { 0x00, "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art" },
    { 0x7f, "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful "
            "legal winner thank year wave sausage worth title" },
    { 0xff, "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote" },
  };
  guint8 key[DOSSIER_RECOVERY_KEY_SIZE], back[DOSSIER_RECOVERY_KEY_SIZE];

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *shouted = g_ascii_strup (vectors[i].words, -1);
      char *words;

      memset (key, vectors[i].byte, sizeof key);
      words = dossier_recovery_key_to_words (key);
      g_assert_cmpstr (words, ==, vectors[i].words);
      dossier_secure_strfree (words);
      g_strdelimit (shouted, " ", '\n');
      g_assert_true (dossier_recovery_key_from_words (shouted, back, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (back, sizeof back, key, sizeof key);
    }

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(GError) error = NULL;
      char *words;

      g_assert_true (dossier_recovery_key_generate (key));
      words = dossier_recovery_key_to_words (key);
      g_assert_true (dossier_recovery_key_from_words (words, back, &error));
      g_assert_cmpmem (back, sizeof back, key, sizeof key);
      dossier_secure_strfree (words);
    }
}

/* A word that is not in the list, a missing word, and a real word in the
 * wrong place are all caught before any decryption is tried. */
static void
test_mistyped_words (void)
{
  guint8 key[DOSSIER_RECOVERY_KEY_SIZE], back[DOSSIER_RECOVERY_KEY_SIZE];
  char *words;
  g_auto(GStrv) list = NULL;
  guint caught = 0;

  memset (key, 0x7f, sizeof key);
  words = dossier_recovery_key_to_words (key);
  list = g_strsplit (words, " ", -1);
  dossier_secure_strfree (words);

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *misspelt = g_strdup ("legal winner thank year wave sausage worth useful legal winner thank year "
                                          "wave sausage worth useful legal winnre thank year wave sausage worth title");

    g_assert_false (dossier_recovery_key_from_words (misspelt, back, &error));
    g_assert_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (error->message, "18"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *short_list = g_strjoinv (" ", list + 1);

    g_assert_false (dossier_recovery_key_from_words (short_list, back, &error));
    g_assert_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_INVALID_DATA);
  }

  /* Each of 100 other words in place of the fifth: the checksum catches all
   * but about one in 256. */
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) copy = g_strdupv (list);
      g_autofree char *text = NULL;
      guint8 other[DOSSIER_RECOVERY_KEY_SIZE];
      char *other_words;

      memset (other, (guint8) (i * 7 + 1), sizeof other);
      other_words = dossier_recovery_key_to_words (other);
      g_free (copy[4]);
      copy[4] = g_strndup (other_words, strcspn (other_words, " "));
      dossier_secure_strfree (other_words);
      if (g_strcmp0 (copy[4], list[4]) == 0)
        continue;
      text = g_strjoinv (" ", copy);
      if (!dossier_recovery_key_from_words (text, back, &error))
        {
          g_assert_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_CHECKSUM);
          caught++;
        }
    }
  g_assert_cmpuint (caught, >=, 95);
}

/* Whether walking @value's members or elements with
 * dossier_json_scan_get_next() finds those that get_member() and
 * get_element() do, and ends where @value does. */
static gboolean
walks_in_one_pass (DossierJsonScan *scan,
                   guint            value)
{
  DossierJsonScanKind kind = dossier_json_scan_get_kind (scan, value);
  guint item = value + 1;

  if (kind != DOSSIER_JSON_SCAN_OBJECT && kind != DOSSIER_JSON_SCAN_ARRAY)
    return dossier_json_scan_get_next (scan, value) == value + 1;
  for (guint i = 0; i < dossier_json_scan_get_size (scan, value); i++)
    {
      if (kind == DOSSIER_JSON_SCAN_OBJECT)
        {
          g_autofree char *name = dossier_json_scan_dup_string (scan, item);

          if (name == NULL || dossier_json_scan_get_member (scan, value, name) != item + 1)
            return FALSE;
          item++;
        }
      else if (dossier_json_scan_get_element (scan, value, i) != item)
        return FALSE;
      if (!walks_in_one_pass (scan, item))
        return FALSE;
      item = dossier_json_scan_get_next (scan, item);
    }
  return item == dossier_json_scan_get_next (scan, value);
}

/* Whether the scanned @value is @node: same kinds, members, elements and
 * scalars, and a container's text parses back into @node. */
static gboolean
scan_is_node (DossierJsonScan *scan,
              guint            value,
              JsonNode        *node)
{
  g_autofree char *string = NULL;
  gint64 integer;
  gsize length;
  const char *text = dossier_json_scan_get_text (scan, value, &length);

  switch (dossier_json_scan_get_kind (scan, value))
    {
    case DOSSIER_JSON_SCAN_OBJECT:
      {
        g_autoptr(JsonNode) reparsed = dossier_json_parse (text, length);
        g_autoptr(GList) names = NULL;

        if (!JSON_NODE_HOLDS_OBJECT (node) || reparsed == NULL || !json_node_equal (reparsed, node) ||
            json_object_get_size (json_node_get_object (node)) != dossier_json_scan_get_size (scan, value))
          return FALSE;
        names = json_object_get_members (json_node_get_object (node));
        for (GList *l = names; l != NULL; l = l->next)
          if (!scan_is_node (scan, dossier_json_scan_get_member (scan, value, l->data),
                             json_object_get_member (json_node_get_object (node), l->data)))
            return FALSE;
        return dossier_json_scan_get_member (scan, value, "no such member, surely") == DOSSIER_JSON_SCAN_MISSING;
      }
    case DOSSIER_JSON_SCAN_ARRAY:
      {
        g_autoptr(JsonNode) reparsed = dossier_json_parse (text, length);

        if (!JSON_NODE_HOLDS_ARRAY (node) || reparsed == NULL || !json_node_equal (reparsed, node) ||
            json_array_get_length (json_node_get_array (node)) != dossier_json_scan_get_size (scan, value))
          return FALSE;
        for (guint i = 0; i < dossier_json_scan_get_size (scan, value); i++)
          if (!scan_is_node (scan, dossier_json_scan_get_element (scan, value, i), json_array_get_element (json_node_get_array (node), i)))
            return FALSE;
        return dossier_json_scan_get_element (scan, value, dossier_json_scan_get_size (scan, value)) == DOSSIER_JSON_SCAN_MISSING;
      }
    case DOSSIER_JSON_SCAN_STRING:
      string = dossier_json_scan_dup_string (scan, value);
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
             g_str_equal (string, json_node_get_string (node)) && dossier_json_scan_equal (scan, value, json_node_get_string (node));
    case DOSSIER_JSON_SCAN_INTEGER:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
             dossier_json_scan_get_integer (scan, value, &integer) && integer == json_node_get_int (node);
    case DOSSIER_JSON_SCAN_BOOLEAN:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
             json_node_get_boolean (node) == (length == 4);
    case DOSSIER_JSON_SCAN_NULL:
      return JSON_NODE_HOLDS_NULL (node);
    case DOSSIER_JSON_SCAN_NONE:
    default:
      return FALSE;
    }
}

/* dossier_json_parse() gives json-glib's answer on every input: the same
 * tree, or no tree where json-glib refuses. */
static void
test_json_parse_as_json_glib (void)
{
  const char *inputs[] = {
    "{}", "[]", " {\"a\": 1 }\n", "{\"a\":{\"b\":[1,2,{\"c\":null}]},\"d\":true,\"e\":false}",
    "{\"s\":\"caf\xc3\xa9 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}", "{\"n\":[0,-1,123456789012345,-123456789012345]}",
    "{\"big\":1234567890123456789}", "{\"f\":1.5,\"g\":-0.25e3,\"h\":1E2}", "{\"z\":-0}", "{\"lead\":012}",
    "{\"u\":\"\\u00e9\\ud83d\\ude00\"}", "{\"nul\":\"a\\u0000b\"}", "{\"dup\":1,\"dup\":2}", "{\"\":1}",
    "{\"ctl\":\"a\tb\"}", "{\"bad\":\"\xff\xfe\"}", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{\"a\":tru}",
    "{\"a\":1}x", "\"text\"", "42", "null", "{\"a\":nul}", "[\"\\x\"]", "{\"a\":\"unterminated}",
    "\xef\xbb\xbf{}", "{\"a\":1}\f", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "{\"a\":-}", "{\"a\":+1}", "{\"a\":.5}", "[1 2]", "{'a':1}", "/* c */ {}", "{\"a\":1 // c\n}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autoptr(JsonNode) ours = dossier_json_parse (inputs[i], strlen (inputs[i]));
      gboolean loaded = json_parser_load_from_data (parser, inputs[i], (gssize) strlen (inputs[i]), NULL);
      JsonNode *theirs = loaded ? json_parser_get_root (parser) : NULL;
      g_autofree char *shown = g_strescape (inputs[i], NULL);

      g_autoptr(DossierJsonScan) scan = dossier_json_scan_new (inputs[i], strlen (inputs[i]));

      g_test_message ("%s", shown);
      g_assert_true ((ours == NULL) == (theirs == NULL));
      /* a scan is made only of what parses, and reads as json-glib's tree */
      if (scan != NULL)
        g_assert_true (theirs != NULL && scan_is_node (scan, DOSSIER_JSON_SCAN_ROOT, theirs) &&
                       walks_in_one_pass (scan, DOSSIER_JSON_SCAN_ROOT));
      if (ours != NULL)
        {
          g_autofree char *ours_text = json_to_string (ours, FALSE);
          g_autofree char *theirs_text = json_to_string (theirs, FALSE);

          g_assert_true (json_node_equal (ours, theirs));
          g_assert_cmpstr (ours_text, ==, theirs_text);
        }
    }

  /* Several values are not one JSON text, though json-glib would take the
   * last (and leak the others). */
  g_assert_null (dossier_json_parse ("{\"a\":1}{\"a\":2}", 14));
  g_assert_null (dossier_json_parse ("[1] [2]", 7));
}

/* The scanner takes the plain subset and leaves the rest to json-glib. */
static void
test_json_scan (void)
{
  const char *plain[] = {
    "{}", "[]", " {\"a\": 1 }\n", "{\"a\":{\"b\":[1,2,{\"c\":null}]},\"d\":true,\"e\":false}",
    "{\"s\":\"caf\xc3\xa9 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}", "{\"n\":[0,-1,123456789012345,-123456789012345]}",
  };
  const char *unplain[] = {
    "{\"big\":1234567890123456789}", "{\"f\":1.5}", "{\"z\":-0}", "{\"u\":\"\\u00e9\"}", "{\"dup\":1,\"dup\":2}",
    "{\"\":1}", "{\"a\\n\":1}", "\"text\"", "42", "{\"a\":1}x", "{\"a\":1,}", "{\"bad\":\"\xff\"}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "{\"a\":1}\f", "",
  };
  const char *card = "{\"iss\":\"https://x.example\",\"nbf\":1700000000,"
                     "\"vc\":{\"type\":[\"a\",\"https://smarthealth.cards#health-card\"],\"rid\":\"r\\/1\"}}";
  g_autoptr(DossierJsonScan) scan = NULL;
  g_autofree char *rid = NULL;
  GString *many = g_string_new ("{");
  guint vc, types;
  gint64 nbf;

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    {
      g_autoptr(DossierJsonScan) each = dossier_json_scan_new (plain[i], strlen (plain[i]));
      g_autoptr(JsonNode) root = dossier_json_parse (plain[i], strlen (plain[i]));

      g_assert_nonnull (each);
      g_assert_true (scan_is_node (each, DOSSIER_JSON_SCAN_ROOT, root));
      g_assert_true (walks_in_one_pass (each, DOSSIER_JSON_SCAN_ROOT));
    }
  for (guint i = 0; i < G_N_ELEMENTS (unplain); i++)
    g_assert_null (dossier_json_scan_new (unplain[i], strlen (unplain[i])));

  scan = dossier_json_scan_new (card, strlen (card));
  g_assert_nonnull (scan);
  g_assert_true (dossier_json_scan_equal (scan, dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "iss"), "https://x.example"));
  g_assert_true (dossier_json_scan_get_integer (scan, dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "nbf"), &nbf));
  g_assert_cmpint (nbf, ==, 1700000000);
  vc = dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "vc");
  types = dossier_json_scan_get_member (scan, vc, "type");
  g_assert_cmpuint (dossier_json_scan_get_size (scan, types), ==, 2);
  g_assert_true (dossier_json_scan_equal (scan, dossier_json_scan_get_element (scan, types, 1), "https://smarthealth.cards#health-card"));
  rid = dossier_json_scan_dup_string (scan, dossier_json_scan_get_member (scan, vc, "rid"));
  g_assert_cmpstr (rid, ==, "r/1");
  /* wrong kinds and absent members read as missing */
  g_assert_null (dossier_json_scan_dup_string (scan, vc));
  g_assert_false (dossier_json_scan_get_integer (scan, dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "iss"), &nbf));
  g_assert_cmpuint (dossier_json_scan_get_member (scan, types, "type"), ==, DOSSIER_JSON_SCAN_MISSING);
  g_assert_cmpuint (dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_MISSING, "vc"), ==, DOSSIER_JSON_SCAN_MISSING);
  g_assert_cmpint (dossier_json_scan_get_kind (scan, DOSSIER_JSON_SCAN_MISSING), ==, DOSSIER_JSON_SCAN_NONE);

  /* objects too large to check for duplicate names go to json-glib */
  for (guint i = 0; i < 65; i++)
    g_string_append_printf (many, "%s\"m%u\":%u", i > 0 ? "," : "", i, i);
  g_string_append_c (many, '}');
  g_assert_null (dossier_json_scan_new (many->str, many->len));
  g_string_free (many, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/fold", test_fold);
  g_test_add_func ("/core/fold-words", test_fold_words);
  g_test_add_func ("/core/verdict-json", test_verdict_json);
  g_test_add_func ("/core/verdict-bad-json", test_verdict_bad_json);
  g_test_add_func ("/core/record", test_record);
  g_test_add_func ("/core/audit-actions", test_audit_actions);
  g_test_add_func ("/core/secure", test_secure);
  g_test_add_func ("/core/recovery-words", test_recovery_words);
  g_test_add_func ("/core/recovery-words/mistyped", test_mistyped_words);
  g_test_add_func ("/core/json-parse", test_json_parse_as_json_glib);
  g_test_add_func ("/core/json-scan", test_json_scan);
  return g_test_run ();
}
