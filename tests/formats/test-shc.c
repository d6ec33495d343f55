// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-format-error.h"
#include "dossier-inflate.h"
#include "dossier-shc.h"

#include <string.h>
#include <zlib.h>

static char *
vector_path (const char *relative)
{
  return g_build_filename (g_getenv ("DOSSIER_VECTORS"), relative, NULL);
}

static char *
read_vector (const char *relative,
             gsize      *length)
{
  g_autofree char *path = vector_path (relative);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, NULL));
  return contents;
}

/* A 64 MiB run of zeros compresses to a few dozen KiB: the cap stops it. */
static void
test_inflate_bomb (void)
{
  gsize plain_len = 64 * 1024 * 1024;
  g_autofree guint8 *plain = g_malloc0 (plain_len);
  g_autofree guint8 *packed = g_malloc (plain_len / 100);
  z_stream stream = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;

  g_assert_cmpint (deflateInit2 (&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), ==, Z_OK);
  stream.next_in = plain;
  stream.avail_in = (uInt) plain_len;
  stream.next_out = packed;
  stream.avail_out = (uInt) (plain_len / 100);
  g_assert_cmpint (deflate (&stream, Z_FINISH), ==, Z_STREAM_END);
  deflateEnd (&stream);

  out = dossier_inflate (packed, stream.total_out, DOSSIER_INFLATE_RAW, DOSSIER_INFLATE_MAX_OUTPUT, &error);
  g_assert_null (out);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* truncated and trailing-garbage streams are errors too */
  out = dossier_inflate (packed, stream.total_out / 2, DOSSIER_INFLATE_RAW, G_MAXSIZE, &error);
  g_assert_null (out);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECOMPRESS);
}

/* What zlib itself makes of @data, read 16 KiB at a time with the cap
 * checked after each: the output, or NULL and the error code. */
static GBytes *
zlib_inflate (const guint8 *data,
              gsize         length,
              int           window_bits,
              gsize         max_output,
              int          *code)
{
  z_stream stream = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *chunk = g_malloc (16384);
  int rc;

  g_assert_cmpint (inflateInit2 (&stream, window_bits), ==, Z_OK);
  stream.next_in = (Bytef *) data;
  stream.avail_in = (uInt) length;
  do
    {
      stream.next_out = chunk;
      stream.avail_out = 16384;
      rc = inflate (&stream, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END)
        break;
      g_byte_array_append (out, chunk, 16384 - stream.avail_out);
      if (out->len > max_output)
        {
          inflateEnd (&stream);
          *code = DOSSIER_FORMAT_ERROR_TOO_LARGE;
          return NULL;
        }
    }
  while (rc == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0));
  inflateEnd (&stream);
  if (rc != Z_STREAM_END || stream.avail_in > 0)
    {
      *code = DOSSIER_FORMAT_ERROR_DECOMPRESS;
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* dossier_inflate() accepts and refuses exactly what zlib does, for raw
 * DEFLATE and zlib streams of every block kind: whole, cut short at every
 * length, with a byte more, and with each byte altered. */
static void
test_inflate_as_zlib (void)
{
  GString *plain = g_string_new (NULL);
  const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FIXED, Z_HUFFMAN_ONLY };

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (plain, "{\"resourceType\":\"Immunization\",\"lotNumber\":\"L%u\",\"x\":%u},", i * 7919 % 1000, i);
  for (guint framing = 0; framing < 2; framing++)
    for (guint k = 0; k < G_N_ELEMENTS (strategies) + 1; k++)
      {
        int window_bits = framing == 0 ? -15 : 15;
        z_stream stream = { 0 };
        guint8 packed[8192];
        gsize packed_length;

        /* k past the strategies: stored blocks */
        g_assert_cmpint (deflateInit2 (&stream, k < G_N_ELEMENTS (strategies) ? 9 : 0, Z_DEFLATED, window_bits, 8,
                                       k < G_N_ELEMENTS (strategies) ? strategies[k] : Z_DEFAULT_STRATEGY), ==, Z_OK);
        stream.next_in = (Bytef *) plain->str;
        stream.avail_in = (uInt) plain->len;
        stream.next_out = packed;
        stream.avail_out = sizeof packed - 1;
        g_assert_cmpint (deflate (&stream, Z_FINISH), ==, Z_STREAM_END);
        packed_length = stream.total_out;
        deflateEnd (&stream);
        packed[packed_length] = 0x42;

        /* cut short at every length; whole, and a byte longer, with each
         * bit of each byte altered */
        for (gsize length = 0; length <= packed_length + 1; length++)
          for (guint bit = 0; bit < 8; bit += length >= packed_length ? 1 : 8)
          for (gsize flip = 0; flip <= length; flip += length >= packed_length ? 1 : MAX (length, 1))
            {
              g_autoptr(GError) error = NULL;
              g_autoptr(GBytes) ours = NULL, theirs = NULL;
              guint8 altered[8192];
              gsize max_output = length % 3 == 0 ? plain->len - 1 : DOSSIER_INFLATE_MAX_OUTPUT;
              int code = -1;

              memcpy (altered, packed, length);
              if (flip < length)
                altered[flip] ^= (guint8) (1u << bit);
              ours = dossier_inflate (altered, length, framing == 0 ? DOSSIER_INFLATE_RAW : DOSSIER_INFLATE_ZLIB,
                                      max_output, &error);
              theirs = zlib_inflate (altered, length, window_bits, max_output, &code);
              if (theirs != NULL)
                {
                  g_assert_nonnull (ours);
                  g_assert_true (g_bytes_equal (ours, theirs));
                }
              else
                {
                  g_assert_null (ours);
                  g_assert_error (error, DOSSIER_FORMAT_ERROR, code);
                }
            }
      }
  g_string_free (plain, TRUE);
}

static const char *
verify (const char *text,
        gsize       length,
        char      **first_failure)
{
  static char summary[16];
  g_autoptr(DossierVerification) result = dossier_verification_new ("test");
  DossierVerifyOptions options = { NULL, NULL };

  dossier_shc_verify (text, length, &options, result);
  g_strlcpy (summary, dossier_verification_get_summary (result), sizeof summary);
  if (first_failure != NULL)
    *first_failure = g_strdup (dossier_verification_get_first_failure (result));
  return summary;
}

/* Random damage to real cards never crashes, never hangs, and never makes
 * a card pass (no key is trusted here, so none can). */
static void
test_mutations (void)
{
  const char *inputs[] = {
    "shc-spec/examples/example-00-f-qr-code-numeric-value-0.txt",
    "shc-spec/examples/example-01-d-jws.txt",
    "shc-spec/examples/example-02-e-file.smart-health-card",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);

  for (guint v = 0; v < G_N_ELEMENTS (inputs); v++)
    {
      gsize length;
      g_autofree char *original = read_vector (inputs[v], &length);

      for (guint round = 0; round < 400; round++)
        {
          g_autofree char *copy = g_memdup2 (original, length + 1);
          gsize len = length;
          guint n = g_rand_int_range (rand, 1, 8);

          for (guint k = 0; k < n && len > 1; k++)
            {
              gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) len);

              switch (g_rand_int_range (rand, 0, 3))
                {
                case 0: copy[at] = (char) g_rand_int_range (rand, 0, 256); break;
                case 1: len = at; break;
                default: copy[at] ^= 1 << g_rand_int_range (rand, 0, 8); break;
                }
            }
          g_assert_cmpstr (verify (copy, len, NULL), !=, "valid");
        }
    }
}

/* A damaged digit or pair is reported where it is, wherever it falls
 * among the pairs the decoder reads together. */
static void
test_numeric_positions (void)
{
  gsize length;
  g_autofree char *original = read_vector ("shc-spec/examples/example-00-f-qr-code-numeric-value-0.txt", &length);
  gsize digits;

  while (length > 0 && (original[length - 1] == '\n' || original[length - 1] == '\r'))
    length--;
  digits = length - strlen ("shc:/");
  for (gsize at = 0; at < digits; at += (at < 40 ? 1 : 37))
    {
      g_autofree char *copy = g_strndup (original, length);
      g_autofree char *expected = NULL;
      g_autoptr(DossierVerification) result = dossier_verification_new ("test");
      DossierVerifyOptions options = { NULL, NULL };

      /* a letter among the digits */
      copy[5 + at] = 'x';
      dossier_shc_verify (copy, length, &options, result);
      expected = g_strdup_printf ("position %zu", at - at % 2);
      g_assert_nonnull (strstr (dossier_verification_get_error_message (result), expected));

      /* a pair over 77, which stands for no character of a JWS */
      if (at % 2 == 0 && at + 1 < digits)
        {
          g_autoptr(DossierVerification) over = dossier_verification_new ("test");

          memcpy (copy, original, length);
          copy[5 + at] = '7';
          copy[5 + at + 1] = '8';
          dossier_shc_verify (copy, length, &options, over);
          g_assert_nonnull (strstr (dossier_verification_get_error_message (over), "78"));
          g_assert_nonnull (strstr (dossier_verification_get_error_message (over), expected));
        }
    }
}

static void
test_hostile_inputs (void)
{
  struct { const char *text, *stage; } cases[] = {
    { "shc:/", "decode" },
    { "shc:/1", "decode" },
    { "shc:/99", "decode" },
    { "shc:/0/1/5656", "decode" },
    { "shc:/2/1/5656", "decode" },
    { "shc:/1/2/5656\nshc:/1/2/5656", "decode" },
    { "shc:/1/1/", "decode" },
    { "shc:/abc", "decode" },
    { "{\"verifiableCredential\": []}", "decode" },
    { "{\"verifiableCredential\": [\"a.b.c\"]}", "decode" },
    { "{\"verifiableCredential\": [\"e30.e30.e30\"]}", "header" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *failure = NULL;

      g_assert_cmpstr (verify (cases[i].text, strlen (cases[i].text), &failure), ==, "invalid");
      g_assert_cmpstr (failure, ==, cases[i].stage);
    }
  {
    /* 100 chunk headers, more than a card may have */
    g_autoptr(GString) many = g_string_new (NULL);
    g_autofree char *failure = NULL;

    for (guint i = 1; i <= 100; i++)
      g_string_append_printf (many, "shc:/%u/100/5656\n", i);
    g_assert_cmpstr (verify (many->str, many->len, &failure), ==, "invalid");
    g_assert_cmpstr (failure, ==, "decode");
  }
}

static void
test_detect (void)
{
  gsize length;
  g_autofree char *jws = read_vector ("shc-spec/examples/example-01-d-jws.txt", &length);

  g_assert_true (dossier_shc_detect (jws, length));
  g_assert_true (dossier_shc_detect ("shc:/56", 7));
  g_assert_false (dossier_shc_detect ("HC1:NCF", 7));
  g_assert_false (dossier_shc_detect ("{\"a\": 1}", 8));
  g_assert_false (dossier_shc_detect ("", 0));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shc/inflate-bomb", test_inflate_bomb);
  g_test_add_func ("/shc/inflate-as-zlib", test_inflate_as_zlib);
  g_test_add_func ("/shc/mutations", test_mutations);
  g_test_add_func ("/shc/hostile-inputs", test_hostile_inputs);
  g_test_add_func ("/shc/numeric-positions", test_numeric_positions);
  g_test_add_func ("/shc/detect", test_detect);
  return g_test_run ();
}
