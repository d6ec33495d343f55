// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-format-error.h"
#include "dossier-jcs.h"

#include <math.h>
#include <string.h>

/* Numbers by their IEEE 754 bits, as RFC 8785 appendix B lists them. */
static void
test_number_bits (void)
{
  static const struct { guint64 bits; const char *expected; } cases[] = {
    { 0x0000000000000000, "0" },
    { 0x8000000000000000, "0" },
    { 0x0000000000000001, "5e-324" },
    { 0x8000000000000001, "-5e-324" },
    { 0x7fefffffffffffff, "1.7976931348623157e+308" },
    { 0xffefffffffffffff, "-1.7976931348623157e+308" },
    { 0x4340000000000000, "9007199254740992" },
    { 0xc340000000000000, "-9007199254740992" },
    { 0x4430000000000000, "295147905179352830000" },
    { 0x44b52d02c7e14af5, "9.999999999999997e+22" },
    { 0x44b52d02c7e14af6, "1e+23" },
    { 0x44b52d02c7e14af7, "1.0000000000000001e+23" },
    { 0x444b1ae4d6e2ef4e, "999999999999999700000" },
    { 0x444b1ae4d6e2ef4f, "999999999999999900000" },
    { 0x444b1ae4d6e2ef50, "1e+21" },
    { 0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7" },
    { 0x3eb0c6f7a0b5ed8d, "0.000001" },
    { 0x41b3de4355555553, "333333333.3333332" },
    { 0x41b3de4355555554, "333333333.33333325" },
    { 0x41b3de4355555555, "333333333.3333333" },
    { 0x41b3de4355555556, "333333333.3333334" },
    { 0x41b3de4355555557, "333333333.33333343" },
    { 0xbecbf647612f3696, "-0.0000033333333333333333" },
    { 0x43143ff3c1cb0959, "1424953923781206.2" },
    /* 2^-1017 and 2^-921: the shortest is not the nearest 16 digits */
    { 0x0060000000000000, "7.120236347223045e-307" },
    { 0x0660000000000000, "5.641232424577593e-278" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      double value;

      memcpy (&value, &cases[i].bits, sizeof value);
      g_assert_true (dossier_jcs_append_number (out, value));
      g_assert_cmpstr (out->str, ==, cases[i].expected);
    }
}

static void
test_number_refused (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_false (dossier_jcs_append_number (out, NAN));
  g_assert_false (dossier_jcs_append_number (out, INFINITY));
  g_assert_false (dossier_jcs_append_number (out, -INFINITY));
  g_assert_cmpuint (out->len, ==, 0);
}

/* Number literals as they are written, through the parser. */
static void
test_number_literals (void)
{
  static const struct { const char *literal; const char *expected; } cases[] = {
    { "1e21", "1e+21" },
    { "1e20", "100000000000000000000" },
    { "1e-7", "1e-7" },
    { "1.5e-7", "1.5e-7" },
    { "0.000001", "0.000001" },
    { "0.0000015", "0.0000015" },
    { "333333333.33333329", "333333333.3333333" },
    { "4.50", "4.5" },
    { "2e-3", "0.002" },
    { "1e+30", "1e+30" },
    { "1E30", "1e+30" },
    { "0.000000000000000000000000001", "1e-27" },
    { "-0", "0" },
    { "-0.0", "0" },
    { "0", "0" },
    { "100", "100" },
    { "-100.25", "-100.25" },
    { "123e-20", "1.23e-18" },
    { "0.1", "0.1" },
    { "9007199254740993", "9007199254740992" },
    { "18446744073709551616", "18446744073709552000" },
    { "99999999999999999999999", "1e+23" },
    { "1.7976931348623157e308", "1.7976931348623157e+308" },
    { "5e-324", "5e-324" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *canonical = dossier_jcs_canonicalize (cases[i].literal, strlen (cases[i].literal), NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (canonical, ==, cases[i].expected);
    }
}

/* The examples of RFC 8785 sections 3.2.2 and 3.2.3. */
static void
test_rfc_examples (void)
{
  const char *values = "{\n"
                       "  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                       "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                       "  \"literals\": [null, true, false]\n"
                       "}";
  const char *sorting = "{\n"
                        "  \"\\u20ac\": \"Euro Sign\",\n"
                        "  \"\\r\": \"Carriage Return\",\n"
                        "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
                        "  \"1\": \"One\",\n"
                        "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
                        "  \"\\u0080\": \"Control\",\n"
                        "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
                        "}";
  g_autoptr(GError) error = NULL;
  g_autofree char *canonical = NULL;
  gsize length = 0;

  canonical = dossier_jcs_canonicalize (values, strlen (values), &length, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canonical, ==,
                   "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                   "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  g_assert_cmpuint (length, ==, strlen (canonical));
  g_clear_pointer (&canonical, g_free);

  canonical = dossier_jcs_canonicalize (sorting, strlen (sorting), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canonical, ==,
                   "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
                   "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\","
                   "\"😀\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

static void
test_strings (void)
{
  static const struct { const char *json; const char *expected; } cases[] = {
    { "\"\\u0001\\u001f\\u0007\"", "\"\\u0001\\u001f\\u0007\"" },
    { "\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\"" },
    { "\"\\u007f\\u2028\\u00e9\"", "\"\x7f\xe2\x80\xa8\xc3\xa9\"" },
    { "\"Vi\xe1\xbb\x87t Nam\"", "\"Vi\xe1\xbb\x87t Nam\"" },
    { "\"\\/\"", "\"/\"" },
    { "[]", "[]" },
    { "{}", "{}" },
    { " [ {\"b\": [], \"a\": {}} , \"x\" ] ", "[{\"a\":{},\"b\":[]},\"x\"]" },
    { "{\"a\":1,\"A\":2,\"aa\":3,\"\":4}", "{\"\":4,\"A\":2,\"a\":1,\"aa\":3}" },
    { "{\"\\ud800\\udc00\":1,\"\\uffff\":2}", "{\"\xf0\x90\x80\x80\":1,\"\xef\xbf\xbf\":2}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *canonical = dossier_jcs_canonicalize (cases[i].json, strlen (cases[i].json), NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (canonical, ==, cases[i].expected);
    }
}

/* Input that is not I-JSON is refused, never guessed at. */
static void
test_refused (void)
{
  static const char *cases[] = {
    "",
    "   ",
    "{\"a\":1,\"a\":2}",
    "{\"a\":{\"b\":1,\"b\":1}}",
    "\"\\ud800\"",
    "\"a\\u0000b\"",
    "\"\\udc00\"",
    "\"\\ud800\\u0041\"",
    "\"\xff\"",
    "\"\xed\xa0\x80\"",
    "\"\xc0\xaf\"",
    "\"a\nb\"",
    "\"\\x41\"",
    "\"\\u12\"",
    "\"open",
    "1e400",
    "-1e400",
    "01",
    "1.",
    ".5",
    "+1",
    "1e",
    "0x10",
    "NaN",
    "Infinity",
    "[1,]",
    "{\"a\":1,}",
    "{\"a\" 1}",
    "{a:1}",
    "[1] x",
    "[1][2]",
    "tru",
    "nul",
    "\xef\xbb\xbf{}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *canonical = dossier_jcs_canonicalize (cases[i], strlen (cases[i]), NULL, &error);

      g_assert_null (canonical);
      g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
    }
}

static void
test_limits (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *huge = NULL;

  for (guint i = 0; i < DOSSIER_JCS_MAX_DEPTH; i++)
    g_string_append_c (ok, '[');
  for (guint i = 0; i < DOSSIER_JCS_MAX_DEPTH; i++)
    g_string_append_c (ok, ']');
  canonical = dossier_jcs_canonicalize (ok->str, ok->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canonical, ==, ok->str);

  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "{\"a\":[");
  g_clear_pointer (&canonical, g_free);
  canonical = dossier_jcs_canonicalize (deep->str, deep->len, NULL, &error);
  g_assert_null (canonical);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
  g_clear_error (&error);

  huge = g_malloc (DOSSIER_JCS_MAX_SIZE + 2);
  memset (huge, ' ', DOSSIER_JCS_MAX_SIZE + 1);
  huge[0] = '0';
  huge[DOSSIER_JCS_MAX_SIZE + 1] = '\0';
  canonical = dossier_jcs_canonicalize (huge, DOSSIER_JCS_MAX_SIZE + 1, NULL, &error);
  g_assert_null (canonical);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
  g_clear_error (&error);
  canonical = dossier_jcs_canonicalize (huge, DOSSIER_JCS_MAX_SIZE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canonical, ==, "0");
}

/* A tree from json-glib, whose whole numbers are gint64, prints each
 * number as the double it stands for. */
static void
test_json_glib_tree (void)
{
  const char *json = "{\"z\":9007199254740993,\"y\":[1,2.50,-0.0,1e21],\"x\":\"\\u00e9\"}";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *canonical = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  canonical = dossier_jcs_serialize (json_parser_get_root (parser), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canonical, ==, "{\"x\":\"é\",\"y\":[1,2.5,0,1e+21],\"z\":9007199254740992}");

  node = json_node_init_double (json_node_alloc (), NAN);
  g_clear_pointer (&canonical, g_free);
  canonical = dossier_jcs_serialize (node, NULL, &error);
  g_assert_null (canonical);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE);
}

/* Every number parsed becomes a double, whatever its literal. */
static void
test_parse_types (void)
{
  const char *json = "{\"n\":7,\"s\":\"x\",\"b\":false,\"z\":null}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = dossier_jcs_parse (json, strlen (json), &error);
  JsonObject *object;

  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "n")), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_object_get_double_member (object, "n"), ==, 7.0);
  g_assert_cmpstr (json_object_get_string_member (object, "s"), ==, "x");
  g_assert_false (json_object_get_boolean_member (object, "b"));
  g_assert_true (json_object_get_null_member (object, "z"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jcs/number-bits", test_number_bits);
  g_test_add_func ("/jcs/number-refused", test_number_refused);
  g_test_add_func ("/jcs/number-literals", test_number_literals);
  g_test_add_func ("/jcs/rfc-examples", test_rfc_examples);
  g_test_add_func ("/jcs/strings", test_strings);
  g_test_add_func ("/jcs/refused", test_refused);
  g_test_add_func ("/jcs/limits", test_limits);
  g_test_add_func ("/jcs/json-glib-tree", test_json_glib_tree);
  g_test_add_func ("/jcs/parse-types", test_parse_types);
  return g_test_run ();
}
