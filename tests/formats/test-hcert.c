// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-cbor.h"
#include "dossier-cose.h"
#include "dossier-format-error.h"
#include "dossier-hcert.h"
#include "dossier-inflate.h"
#include "dossier-json.h"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <string.h>

/* A key source holding trusted signer certificates. */
#define TEST_TYPE_CERTIFICATES (test_certificates_get_type ())
G_DECLARE_FINAL_TYPE (TestCertificates, test_certificates, TEST, CERTIFICATES, GObject)

struct _TestCertificates
{
  GObject    parent_instance;
  GPtrArray *certificates;
};

static GPtrArray *
find_keys (DossierKeySource *source,
           const char       *issuer,
           const char       *kid)
{
  return g_ptr_array_new ();
}

static GPtrArray *
find_certificates (DossierKeySource *source,
                   GBytes           *kid)
{
  GPtrArray *all = TEST_CERTIFICATES (source)->certificates;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < all->len; i++)
    if (kid == NULL || g_bytes_equal (kid, dossier_certificate_get_kid (g_ptr_array_index (all, i))))
      g_ptr_array_add (found, g_object_ref (g_ptr_array_index (all, i)));
  return found;
}

static void
test_certificates_iface_init (DossierKeySourceInterface *iface)
{
  iface->find_keys = find_keys;
  iface->find_certificates = find_certificates;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestCertificates, test_certificates, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DOSSIER_TYPE_KEY_SOURCE, test_certificates_iface_init))

static void
test_certificates_finalize (GObject *object)
{
  g_ptr_array_unref (TEST_CERTIFICATES (object)->certificates);
  G_OBJECT_CLASS (test_certificates_parent_class)->finalize (object);
}

static void
test_certificates_class_init (TestCertificatesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_certificates_finalize;
}

static void
test_certificates_init (TestCertificates *self)
{
  self->certificates = g_ptr_array_new_with_free_func (g_object_unref);
}

static DossierCertificate *
self_signed (EVP_PKEY *pkey)
{
  X509 *x509 = X509_new ();
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;
  g_autoptr(GPtrArray) parsed = NULL;

  X509_set_version (x509, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (x509), 7);
  X509_gmtime_adj (X509_getm_notBefore (x509), -86400);
  X509_gmtime_adj (X509_getm_notAfter (x509), 86400);
  X509_set_pubkey (x509, pkey);
  X509_NAME_add_entry_by_txt (X509_get_subject_name (x509), "CN", MBSTRING_UTF8, (const guchar *) "Test DSC", -1, -1, 0);
  X509_set_issuer_name (x509, X509_get_subject_name (x509));
  g_assert_cmpint (X509_sign (x509, pkey, EVP_sha256 ()), >, 0);
  PEM_write_bio_X509 (bio, x509);
  length = BIO_get_mem_data (bio, &data);
  parsed = dossier_certificate_parse_pem (data, (gsize) length, NULL);
  BIO_free (bio);
  X509_free (x509);
  g_assert_nonnull (parsed);
  g_assert_cmpuint (parsed->len, ==, 1);
  return g_object_ref (g_ptr_array_index (parsed, 0));
}

static JsonObject *
vaccination (void)
{
  const char *text =
    "{\"ver\":\"1.3.0\",\"nam\":{\"fn\":\"Phạm\",\"fnt\":\"PHAM\",\"gn\":\"Thu\",\"gnt\":\"THU\"},\"dob\":\"1979-11-30\","
    "\"v\":[{\"tg\":\"840539006\",\"vp\":\"1119349007\",\"mp\":\"EU/1/20/1528\",\"ma\":\"ORG-100030215\",\"dn\":1,"
    "\"sd\":2,\"dt\":\"2021-05-02\",\"co\":\"VN\",\"is\":\"Bộ Y tế\",\"ci\":\"URN:UVCI:01:VN:TEST#1\"}]}";
  g_autoptr(JsonNode) node = dossier_json_parse (text, strlen (text));

  return json_object_ref (json_node_get_object (node));
}

static char *
first_failure (const char       *text,
               TestCertificates *trust)
{
  g_autoptr(DossierVerification) result = dossier_verification_new ("test");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  DossierVerifyOptions options = { DOSSIER_KEY_SOURCE (trust), now, NULL, NULL };

  dossier_hcert_verify (text, strlen (text), &options, result);
  return g_strdup (dossier_verification_get_first_failure (result));
}

static void
round_trip (gint64    alg,
            EVP_PKEY *pkey)
{
  g_autoptr(TestCertificates) trust = g_object_new (TEST_TYPE_CERTIFICATES, NULL);
  g_autoptr(TestCertificates) others = g_object_new (TEST_TYPE_CERTIFICATES, NULL);
  g_autoptr(DossierCertificate) dsc = self_signed (pkey);
  g_autoptr(JsonObject) dcc = vaccination ();
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *hcert = dossier_hcert_encode (dcc, "VN", now - 10, now + 3600, alg, pkey,
                                                 dossier_certificate_get_kid (dsc), &error);
  g_autofree char *ok = NULL, *untrusted = NULL, *expired_failure = NULL;
  g_autofree char *expired = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hcert, "HC1:"));
  g_ptr_array_add (trust->certificates, g_object_ref (dsc));
  ok = first_failure (hcert, trust);
  g_assert_null (ok);
  untrusted = first_failure (hcert, others);
  g_assert_cmpstr (untrusted, ==, "key");

  expired = dossier_hcert_encode (dcc, "VN", now - 7200, now - 3600, alg, pkey, dossier_certificate_get_kid (dsc), &error);
  g_assert_no_error (error);
  expired_failure = first_failure (expired, trust);
  g_assert_cmpstr (expired_failure, ==, "expired");

  /* change one byte of the COSE message (payload or signature) and
   * encode it again: the signature must no longer match */
  {
    g_autoptr(GBytes) packed = dossier_base45_decode (hcert + 4, strlen (hcert) - 4, NULL);
    g_autoptr(GBytes) cose = dossier_inflate (g_bytes_get_data (packed, NULL), g_bytes_get_size (packed),
                                              DOSSIER_INFLATE_ZLIB, 1 << 20, NULL);
    gsize size = g_bytes_get_size (cose);
    g_autofree guint8 *changed = g_memdup2 (g_bytes_get_data (cose, NULL), size);
    g_autofree char *verdict = NULL;
    g_autofree char *encoded = NULL, *forged = NULL;
    g_autoptr(GString) copy = NULL;

    changed[size - 5] ^= 0x01;
    {
      /* stored (uncompressed) zlib: 0x78 0x01, one final stored block, Adler-32 */
      guint32 a = 1, b = 0;

      copy = g_string_new_len ("\x78\x01\x01", 3);
      g_string_append_c (copy, (char) (size & 0xff));
      g_string_append_c (copy, (char) (size >> 8));
      g_string_append_c (copy, (char) (~size & 0xff));
      g_string_append_c (copy, (char) ((~size >> 8) & 0xff));
      g_string_append_len (copy, (const char *) changed, (gssize) size);
      for (gsize i = 0; i < size; i++)
        {
          a = (a + changed[i]) % 65521;
          b = (b + a) % 65521;
        }
      for (int shift = 24; shift >= 0; shift -= 8)
        g_string_append_c (copy, (char) ((((b << 16) | a) >> shift) & 0xff));
    }
    encoded = dossier_base45_encode (copy->str, copy->len);
    forged = g_strconcat ("HC1:", encoded, NULL);
    verdict = first_failure (forged, trust);
    g_assert_cmpstr (verdict, ==, "signature");
  }
}

static void
test_es256 (void)
{
  EVP_PKEY *pkey = EVP_EC_gen ("P-256");

  round_trip (DOSSIER_COSE_ALG_ES256, pkey);
  EVP_PKEY_free (pkey);
}

static void
test_ps256 (void)
{
  EVP_PKEY *pkey = EVP_RSA_gen (2048);

  round_trip (DOSSIER_COSE_ALG_PS256, pkey);
  EVP_PKEY_free (pkey);
}

static void
test_refusals (void)
{
  EVP_PKEY *p384 = EVP_EC_gen ("P-384");
  g_autoptr(GBytes) payload = g_bytes_new_static ("\xa0", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) none = dossier_cose_sign1 (-8, p384, NULL, payload, &error);

  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED);
  g_assert_null (none);
  g_clear_error (&error);
  /* ES256 is P-256 only */
  none = dossier_cose_sign1 (DOSSIER_COSE_ALG_ES256, p384, NULL, payload, &error);
  g_assert_nonnull (error);
  g_assert_null (none);
  EVP_PKEY_free (p384);
}

/* RFC 9285, section 4.3, and the edges of the groups. */
static void
test_base45 (void)
{
  static const struct { const char *plain; const char *encoded; } examples[] = {
    { "AB", "BB8" }, { "Hello!!", "%69 VD92EX0" }, { "base-45", "UJCLQE7W581" }, { "ietf!", "QED8WEX0" },
    { "", "" }, { "\xff\xff", "FGW" }, { "\xff", "U5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      gsize length = strlen (examples[i].plain);
      g_autofree char *encoded = dossier_base45_encode (examples[i].plain, length);
      g_autoptr(GBytes) decoded = dossier_base45_decode (encoded, strlen (encoded), NULL);

      g_assert_cmpstr (encoded, ==, examples[i].encoded);
      g_assert_nonnull (decoded);
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), examples[i].plain, length);
    }
}

/* JSON to CBOR and back, with integers in their shortest encoding. */
static void
test_cbor (void)
{
  const char *text = "{\"a\":[-1,-25,-300,23,24,255,256,65536,5000000000,-5000000000],\"b\":{\"c\":true,\"d\":null,\"e\":1.5},"
                     "\"f\":\"Nguyễn\"}";
  g_autoptr(JsonNode) node = dossier_json_parse (text, strlen (text));
  cbor_item_t *item = dossier_cbor_from_json (node, 0);
  cbor_item_t *small = dossier_cbor_build_int (-7);
  g_autoptr(JsonNode) back = NULL;
  guint8 *buffer = NULL;
  size_t size = 0;
  gsize length;

  g_assert_nonnull (item);
  back = dossier_cbor_to_json (item, 0);
  g_assert_true (json_node_equal (back, node));
  length = cbor_serialize_alloc (small, &buffer, &size);
  g_assert_cmpmem (buffer, length, "\x26", 1);
  free (buffer);
  cbor_decref (&small);
  cbor_decref (&item);
}

/* Lengths a few bytes declare but do not carry are refused before libcbor
 * allocates for them, as is nesting too deep or anything after the item. */
static void
test_cbor_limits (void)
{
  static const struct { const char *bytes; gsize length; } refused[] = {
    { "\x9b\x00\x00\x00\x10\x00\x00\x00\x00", 9 },   /* an array of 2^36 items */
    { "\xbb\x00\x00\x00\x00\x10\x00\x00\x00\x01\x02", 11 },   /* a map of 2^28 pairs */
    { "\x5a\x7f\xff\xff\xff\x00", 6 },   /* a byte string of 2 GiB */
    { "\x82\x01", 2 },   /* an array short of an item */
    { "\x01\x02", 2 },   /* two items */
    { "\x9f\x01\x02", 3 },   /* an indefinite array without its break */
    { "\x1c", 1 },   /* a reserved head */
    { "\xff", 1 },   /* a break outside any container */
  };
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierCoseSign1) message = NULL;
  cbor_item_t *item;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_null (dossier_cbor_load (refused[i].bytes, refused[i].length));
  for (guint i = 0; i < 100; i++)
    g_string_append_c (deep, '\x81');
  g_string_append_c (deep, '\x00');
  g_assert_null (dossier_cbor_load (deep->str, deep->len));

  item = dossier_cbor_load ("\x9f\x01\xa1\x61\x61\x82\x02\x03\xff", 9);   /* [_ 1, {"a": [2, 3]}] */
  g_assert_nonnull (item);
  g_assert_cmpuint (cbor_array_size (item), ==, 2);
  cbor_decref (&item);

  message = dossier_cose_sign1_parse ("\xd2\x9a\x10\x00\x00\x00", 6, &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
  g_assert_null (message);
}

/* A random item of the plain subset, built with libcbor. */
static cbor_item_t *
random_plain_item (GRand *rand,
                   guint  depth)
{
  static const char * const texts[] = { "", "v", "ver", "Nguyễn", "dn", "1" };
  guint kind = g_rand_int_range (rand, 0, depth > 3 ? 5 : 7);

  switch (kind)
    {
    case 0:
      return dossier_cbor_build_int ((gint64) g_rand_int (rand) - G_MAXINT32 + (g_rand_boolean (rand) ? 0 : G_MAXINT64 / 2));
    case 1:
      return cbor_build_string (texts[g_rand_int_range (rand, 0, G_N_ELEMENTS (texts))]);
    case 2:
      return cbor_build_bytestring ((const guint8 *) "\x00\xff\x10", (gsize) g_rand_int_range (rand, 0, 4));
    case 3:
      return cbor_build_bool (g_rand_boolean (rand));
    case 4:
      return cbor_build_ctrl (CBOR_CTRL_NULL);
    case 5:
      {
        guint size = (guint) g_rand_int_range (rand, 0, 5);
        cbor_item_t *array = cbor_new_definite_array (size);

        for (guint i = 0; i < size; i++)
          (void) cbor_array_push (array, cbor_move (random_plain_item (rand, depth + 1)));
        return array;
      }
    default:
      {
        guint size = (guint) g_rand_int_range (rand, 0, 5);
        cbor_item_t *map = cbor_new_definite_map (size);

        for (guint i = 0; i < size; i++)
          (void) cbor_map_add (map, (struct cbor_pair) {
            .key = cbor_move (g_rand_boolean (rand) ? dossier_cbor_build_int (g_rand_int_range (rand, -3, 3))
                                                    : cbor_build_string (texts[g_rand_int_range (rand, 0, G_N_ELEMENTS (texts))])),
            .value = cbor_move (random_plain_item (rand, depth + 1)) });
        return map;
      }
    }
}

/* Compares the scan of @item (at @index) with libcbor's tree, item by
 * item; returns the index after it. */
static guint
assert_scan_matches (DossierCborScan *scan,
                     guint            index,
                     cbor_item_t     *item)
{
  gint64 number = 0, scanned = 0;
  gsize length = 0;
  const guint8 *data;
  guint next = index + 1;

  switch (cbor_typeof (item))
    {
    case CBOR_TYPE_UINT:
    case CBOR_TYPE_NEGINT:
      g_assert_cmpint (dossier_cbor_scan_get_int (scan, index, &scanned), ==, dossier_cbor_get_int (item, &number));
      g_assert_cmpint (scanned, ==, number);
      break;
    case CBOR_TYPE_BYTESTRING:
    case CBOR_TYPE_STRING:
      data = dossier_cbor_scan_get_data (scan, index, cbor_isa_string (item) ? 3 : 2, &length);
      g_assert_nonnull (data);
      g_assert_cmpmem (data, length, cbor_isa_string (item) ? cbor_string_handle (item) : cbor_bytestring_handle (item),
                       cbor_isa_string (item) ? cbor_string_length (item) : cbor_bytestring_length (item));
      break;
    case CBOR_TYPE_ARRAY:
      g_assert_cmpuint (dossier_cbor_scan_get_size (scan, index), ==, cbor_array_size (item));
      for (gsize i = 0; i < cbor_array_size (item); i++)
        {
          g_assert_cmpuint (dossier_cbor_scan_get_element (scan, index, (guint) i), ==, next);
          next = assert_scan_matches (scan, next, cbor_array_handle (item)[i]);
        }
      break;
    case CBOR_TYPE_MAP:
      g_assert_cmpuint (dossier_cbor_scan_get_size (scan, index), ==, cbor_map_size (item));
      for (gint64 key = -3; key < 3; key++)
        {
          cbor_item_t *value = dossier_cbor_map_get_int (item, key);
          guint scanned_value = dossier_cbor_scan_map_get_int (scan, index, key);

          g_assert_true ((value == NULL) == (scanned_value == DOSSIER_CBOR_SCAN_MISSING));
        }
      for (gsize i = 0; i < cbor_map_size (item); i++)
        {
          next = assert_scan_matches (scan, next, cbor_map_handle (item)[i].key);
          next = assert_scan_matches (scan, next, cbor_map_handle (item)[i].value);
        }
      break;
    default:
      g_assert_cmpint (dossier_cbor_scan_get_major (scan, index), ==, 7);
      break;
    }
  /* after the last item, nothing */
  g_assert_true (dossier_cbor_scan_get_next (scan, index) == next ||
                 (dossier_cbor_scan_get_next (scan, index) == DOSSIER_CBOR_SCAN_MISSING &&
                  dossier_cbor_scan_get_major (scan, next) == -1));
  return next;
}

/* The scan reads plain items as libcbor does, element by element and with
 * each item's encoded form; anything beyond the plain subset is left to
 * libcbor. */
static void
test_cbor_scan (void)
{
  static const struct { const char *bytes; gsize length; } refused[] = {
    { "\x9f\x01\xff", 3 },   /* an indefinite array */
    { "\x7f\x61\x61\xff", 4 },   /* an indefinite text string */
    { "\xc1\x01", 2 },   /* a tag */
    { "\x62\xc3\x28", 3 },   /* invalid UTF-8 */
    { "\x62\x61\x00", 3 },   /* a NUL byte in text */
    { "\xf7", 1 },   /* undefined */
    { "\xf8\x14", 2 },   /* false in two bytes */
    { "\xf9\x3c\x00", 3 },   /* a float */
    { "\x82\x01", 2 },   /* an array short of an item */
    { "\x01\x02", 2 },   /* two items */
    { "\x9b\x00\x00\x00\x10\x00\x00\x00\x00", 9 },   /* an array of 2^36 items */
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autoptr(GString) deep = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_null (dossier_cbor_scan_new (refused[i].bytes, refused[i].length));
  for (guint i = 0; i < 100; i++)
    g_string_append_c (deep, '\x81');
  g_string_append_c (deep, '\x00');
  g_assert_null (dossier_cbor_scan_new (deep->str, deep->len));
  /* as deep as libcbor is let read, and no deeper */
  for (guint levels = 60; levels < 66; levels++)
    {
      /* ending in an integer, an empty array or an empty map */
      for (guint end = 0; end < 3; end++)
        {
          g_autoptr(DossierCborScan) scan_end = NULL;
          cbor_item_t *loaded;

          g_string_truncate (deep, 0);
          for (guint i = 0; i < levels; i++)
            g_string_append_c (deep, '\x81');
          g_string_append_c (deep, "\x00\x80\xa0"[end]);
          scan_end = dossier_cbor_scan_new (deep->str, deep->len);
          loaded = dossier_cbor_load (deep->str, deep->len);
          g_assert_true ((scan_end == NULL) == (loaded == NULL));
          if (loaded != NULL)
            cbor_decref (&loaded);
        }
    }

  for (guint round = 0; round < 500; round++)
    {
      cbor_item_t *item = random_plain_item (rand, 0);
      g_autoptr(DossierCborScan) scan = NULL;
      guint8 *buffer = NULL;
      size_t size = 0;
      gsize length = cbor_serialize_alloc (item, &buffer, &size), encoded_length = 0;
      const guint8 *encoded;

      scan = dossier_cbor_scan_new (buffer, length);
      g_assert_nonnull (scan);
      assert_scan_matches (scan, 0, item);
      encoded = dossier_cbor_scan_get_encoded (scan, 0, &encoded_length);
      g_assert_cmpmem (encoded, encoded_length, buffer, length);
      if (cbor_isa_array (item) && cbor_array_size (item) > 0)
        {
          cbor_item_t *last = cbor_array_handle (item)[cbor_array_size (item) - 1];
          guint8 *part = NULL;
          size_t part_size = 0;
          gsize part_length = cbor_serialize_alloc (last, &part, &part_size);

          encoded = dossier_cbor_scan_get_encoded (scan, dossier_cbor_scan_get_element (scan, 0, (guint) cbor_array_size (item) - 1),
                                                   &encoded_length);
          g_assert_cmpmem (encoded, encoded_length, part, part_length);
          free (part);
        }
      free (buffer);
      cbor_decref (&item);
    }
}

/* The hand-encoded Sig_structure is the one libcbor serializes. */
static void
test_sig_structure (void)
{
  gsize lengths[] = { 0, 1, 23, 24, 255, 256, 70000 };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree guint8 *header = g_malloc0 (lengths[i] + 1);
      g_autofree guint8 *payload = g_malloc (lengths[G_N_ELEMENTS (lengths) - 1 - i] + 1);
      gsize header_length = lengths[i], payload_length = lengths[G_N_ELEMENTS (lengths) - 1 - i], length = 0;
      cbor_item_t *array = cbor_new_definite_array (4);
      g_autofree guint8 *ours = NULL;
      guint8 *theirs = NULL;
      size_t size = 0, theirs_length;

      memset (payload, 0xa5, payload_length);
      (void) cbor_array_push (array, cbor_move (cbor_build_string ("Signature1")));
      (void) cbor_array_push (array, cbor_move (cbor_build_bytestring (header, header_length)));
      (void) cbor_array_push (array, cbor_move (cbor_build_bytestring ((const guint8 *) "", 0)));
      (void) cbor_array_push (array, cbor_move (cbor_build_bytestring (payload, payload_length)));
      theirs_length = cbor_serialize_alloc (array, &theirs, &size);
      ours = dossier_cose_sig_structure_data (header, header_length, payload, payload_length, &length);
      g_assert_cmpmem (ours, length, theirs, theirs_length);
      free (theirs);
      cbor_decref (&array);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hcert/base45", test_base45);
  g_test_add_func ("/hcert/cbor", test_cbor);
  g_test_add_func ("/hcert/cbor-limits", test_cbor_limits);
  g_test_add_func ("/hcert/cbor-scan", test_cbor_scan);
  g_test_add_func ("/hcert/sig-structure", test_sig_structure);
  g_test_add_func ("/hcert/es256", test_es256);
  g_test_add_func ("/hcert/ps256", test_ps256);
  g_test_add_func ("/hcert/refusals", test_refusals);
  return g_test_run ();
}
