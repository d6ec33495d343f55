// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-baked-badge.h"
#include "dossier-format-error.h"
#include "dossier-inflate.h"
#include "dossier-json.h"
#include "dossier-jws.h"
#include "dossier-test-utils.h"
#include "dossier-verifier.h"

#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

/* Open Badges baked into PNG and SVG images: the credential is taken out
 * of the image within its limits and verified as if it came on its own. */

static GBytes *
vector (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "ob3", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
append_be32 (GByteArray *png,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (png, bytes, 4);
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         length)
{
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  crc = crc32 (crc, data, (uInt) length);
  append_be32 (png, (guint32) length);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, (guint) length);
  append_be32 (png, (guint32) crc);
}

/* A PNG with the chunks of the vector image up to its iTXt chunks, then
 * an openbadgecredential chunk holding @text, compressed or not. */
static GBytes *
bake_png (const char *text,
          gsize       length,
          gboolean    compressed)
{
  g_autoptr(GBytes) original = vector ("ob30/simple-json.png");
  const guint8 *data = g_bytes_get_data (original, NULL);
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GByteArray) chunk = g_byte_array_new ();
  g_autoptr(GBytes) packed = NULL;
  gsize offset = 8;

  g_byte_array_append (png, data, 8);
  while (memcmp (data + offset + 4, "iTXt", 4) != 0 && memcmp (data + offset + 4, "IEND", 4) != 0)
    {
      const guint8 *be = data + offset;
      guint32 size = (guint32) be[0] << 24 | (guint32) be[1] << 16 | (guint32) be[2] << 8 | be[3];

      g_byte_array_append (png, data + offset, 12 + size);
      offset += 12 + size;
    }
  g_byte_array_append (chunk, (const guint8 *) "openbadgecredential\0", 20);
  g_byte_array_append (chunk, (const guint8 *) (compressed ? "\1\0" : "\0\0"), 2);
  g_byte_array_append (chunk, (const guint8 *) "\0\0", 2);
  if (compressed)
    {
      packed = dossier_deflate (text, length, DOSSIER_INFLATE_ZLIB);
      g_byte_array_append (chunk, g_bytes_get_data (packed, NULL), (guint) g_bytes_get_size (packed));
    }
  else
    g_byte_array_append (chunk, (const guint8 *) text, (guint) length);
  append_chunk (png, "iTXt", chunk->data, chunk->len);
  append_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

static JsonObject *
check_named (DossierVerification *result,
             const char          *name)
{
  g_autoptr(JsonNode) node = dossier_verification_to_json (result);
  JsonArray *checks = json_object_get_array_member (json_node_get_object (node), "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (g_str_equal (json_object_get_string_member (check, "name"), name))
        return json_object_ref (check);
    }
  return NULL;
}

static void
assert_check (DossierVerification *result,
              const char          *name,
              gboolean             ok)
{
  g_autoptr(JsonObject) check = check_named (result, name);

  g_assert_nonnull (check);
  g_assert_cmpint (json_object_get_boolean_member (check, "ok"), ==, ok);
}

static DossierVerification *
verify (GBytes               *bytes,
        DossierTrustRegistry *trust)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 ("2025-06-01T00:00:00Z", NULL);

  return dossier_verify_bytes (bytes, "badge", trust, at);
}

static void
test_svg_jwt (void)
{
  g_autoptr(GBytes) svg = vector ("ob30/simple-jwt.svg");
  g_autoptr(GBytes) jwt = NULL;
  g_autoptr(DossierJws) jws = NULL;
  g_autoptr(DossierTrustRegistry) trust = dossier_trust_registry_new ();
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(JsonNode) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *key_path = g_build_filename (dir, "badge-issuer.jwk", NULL);
  g_autofree char *key_text = NULL;
  g_autofree char *tampered = NULL;
  g_autoptr(GBytes) tampered_svg = NULL;
  g_autoptr(JsonObject) key_check = NULL;
  char *payload;

  g_assert_true (dossier_baked_badge_detect (g_bytes_get_data (svg, NULL), g_bytes_get_size (svg)));
  jwt = dossier_baked_badge_extract (g_bytes_get_data (svg, NULL), g_bytes_get_size (svg), &error);
  g_assert_no_error (error);
  jws = dossier_jws_parse (g_bytes_get_data (jwt, NULL), g_bytes_get_size (jwt), &error);
  g_assert_no_error (error);

  /* the key in the header proves the badge intact, and vouches for nobody */
  result = verify (svg, NULL);
  g_assert_cmpstr (dossier_verification_get_format (result), ==, "vc-jwt");
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "unverified");
  assert_check (result, "signature", TRUE);
  g_clear_object (&result);

  /* trusted once an anchor holds that same key */
  key = json_node_init_object (json_node_alloc (), json_object_get_object_member (dossier_jws_get_header (jws), "jwk"));
  key_text = json_to_string (key, FALSE);
  g_assert_true (g_file_set_contents (key_path, key_text, -1, NULL));
  g_assert_true (dossier_trust_registry_add_path (trust, key_path, &error));
  g_assert_no_error (error);
  result = verify (svg, trust);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "valid");
  key_check = check_named (result, "key");
  g_assert_nonnull (key_check);
  g_assert_cmpstr (json_object_get_string_member (key_check, "detail"), ==, key_path);
  g_assert_cmpuint (dossier_verification_get_records (result)->len, ==, 1);
  g_clear_object (&result);

  /* a changed claim in the baked JWT breaks the signature */
  tampered = g_strndup (g_bytes_get_data (svg, NULL), g_bytes_get_size (svg));
  payload = strstr (strstr (tampered, "verify=\""), ".") + 20;
  *payload = *payload == 'A' ? 'B' : 'A';
  tampered_svg = g_bytes_new (tampered, strlen (tampered));
  result = verify (tampered_svg, trust);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "invalid");
  g_assert_cmpstr (dossier_verification_get_first_failure (result), ==, "signature");
  dossier_test_rm_rf (dir);
}

static void
test_png_and_svg_json (void)
{
  g_autoptr(GBytes) png = vector ("ob30/simple-json.png");
  g_autoptr(GBytes) svg = vector ("ob30/simple-json.svg");
  g_autoptr(GError) error = NULL;
  GBytes *images[] = { png, svg };

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autoptr(GBytes) credential = dossier_baked_badge_extract (g_bytes_get_data (images[i], NULL),
                                                                  g_bytes_get_size (images[i]), &error);
      g_autoptr(JsonNode) root = NULL;
      JsonObject *object;

      g_assert_no_error (error);
      root = dossier_json_parse (g_bytes_get_data (credential, NULL), g_bytes_get_size (credential));
      g_assert_nonnull (root);
      object = json_node_get_object (root);
      g_assert_true (json_object_has_member (object, "proof"));
      g_assert_true (json_object_has_member (json_object_get_object_member (object, "credentialSubject"), "achievement"));
    }
}

static void
test_png_compressed (void)
{
  g_autoptr(GBytes) jwt = vector ("ob30/simple-jwt.png.jwt.txt");
  gsize length = g_bytes_get_size (jwt);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) extracted = NULL;
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(GError) error = NULL;

  while (length > 0 && g_ascii_isspace (((const char *) g_bytes_get_data (jwt, NULL))[length - 1]))
    length--;
  png = bake_png (g_bytes_get_data (jwt, NULL), length, TRUE);
  extracted = dossier_baked_badge_extract (g_bytes_get_data (png, NULL), g_bytes_get_size (png), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (extracted, NULL), g_bytes_get_size (extracted), g_bytes_get_data (jwt, NULL), length);
  result = verify (png, NULL);
  g_assert_cmpstr (dossier_verification_get_format (result), ==, "vc-jwt");
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "unverified");
  assert_check (result, "signature", TRUE);
}

static void
test_limits (void)
{
  gsize big = DOSSIER_BAKED_BADGE_MAX_CREDENTIAL + 1;
  g_autofree char *spaces = g_malloc (big);
  g_autoptr(GBytes) bomb = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) credential = NULL;
  g_autoptr(GString) svg = g_string_new ("<?xml version=\"1.0\"?>\n<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">"
                                         "<openbadges:credential><![CDATA[");
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *two = "<svg><openbadges:credential verify=\"a.b.c\"/><openbadges:credential verify=\"d.e.f\"/></svg>";
  const char *broken = "<?xml version=\"1.0\"?><svg><openbadges:credential>{}</svg>";
  const guint8 *data;
  GByteArray *cut;

  /* a decompression bomb stops at the limit */
  memset (spaces, ' ', big);
  bomb = bake_png (spaces, big, TRUE);
  credential = dossier_baked_badge_extract (g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb), &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
  g_assert_null (credential);
  g_clear_error (&error);
  result = verify (bomb, NULL);
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "invalid");
  g_assert_cmpstr (dossier_verification_get_first_failure (result), ==, "decode");
  g_clear_object (&result);

  plain = bake_png (spaces, big, FALSE);
  credential = dossier_baked_badge_extract (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* a chunk running past the end of the file */
  data = g_bytes_get_data (plain, NULL);
  cut = g_byte_array_new ();
  g_byte_array_append (cut, data, (guint) (g_bytes_get_size (plain) - 1000));
  credential = dossier_baked_badge_extract (cut->data, cut->len, &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
  g_assert_false (dossier_baked_badge_detect (cut->data, cut->len));
  g_byte_array_unref (cut);
  g_clear_error (&error);

  /* SVG: too large, two credentials, not well-formed */
  g_string_append_len (svg, spaces, (gssize) big);
  g_string_append (svg, "]]></openbadges:credential></svg>");
  g_assert_true (dossier_baked_badge_detect (svg->str, svg->len));
  credential = dossier_baked_badge_extract (svg->str, svg->len, &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
  g_clear_error (&error);
  credential = dossier_baked_badge_extract (two, strlen (two), &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
  g_clear_error (&error);
  credential = dossier_baked_badge_extract (broken, strlen (broken), &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
  g_assert_null (credential);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/baked-badge/svg-jwt", test_svg_jwt);
  g_test_add_func ("/baked-badge/png-and-svg-json", test_png_and_svg_json);
  g_test_add_func ("/baked-badge/png-compressed", test_png_compressed);
  g_test_add_func ("/baked-badge/limits", test_limits);
  return g_test_run ();
}
