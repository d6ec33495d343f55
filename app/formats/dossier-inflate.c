// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-inflate.h"

#include "dossier-format-error.h"

#include <glib/gi18n-lib.h>
#include <zlib.h>

static void
stream_free (gpointer data)
{
  z_stream *stream = data;

  inflateEnd (stream);
  g_free (stream);
}

/* One decompressor per thread, reset for each use: setting one up costs
 * more than inflating a whole credential. */
static GPrivate thread_stream = G_PRIVATE_INIT (stream_free);

static z_stream *
stream_for (int window_bits)
{
  z_stream *stream = g_private_get (&thread_stream);

  if (stream != NULL)
    return inflateReset2 (stream, window_bits) == Z_OK ? stream : NULL;
  stream = g_new0 (z_stream, 1);
  if (inflateInit2 (stream, window_bits) != Z_OK)
    {
      g_free (stream);
      return NULL;
    }
  g_private_set (&thread_stream, stream);
  return stream;
}

/* Decompresses with a hard cap on the output, so a small bomb cannot make
 * a large allocation; trailing bytes after the stream are an error. */
GBytes *
dossier_inflate (gconstpointer        data,
                 gsize                length,
                 DossierInflateMode   mode,
                 gsize                max_output,
                 GError             **error)
{
  z_stream *stream;
  GByteArray *out;
  guint8 chunk[16384];
  int rc;

  /* window bits: negative for raw DEFLATE, +16 for the gzip wrapper only */
  if ((stream = stream_for (mode == DOSSIER_INFLATE_RAW ? -15 : mode == DOSSIER_INFLATE_GZIP ? 15 + 16 : 15)) == NULL)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECOMPRESS,
                           _("Cannot start decompression"));
      return NULL;
    }
  out = g_byte_array_new ();
  stream->next_in = (Bytef *) data;
  stream->avail_in = (uInt) length;
  do
    {
      stream->next_out = chunk;
      stream->avail_out = sizeof chunk;
      rc = inflate (stream, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END)
        break;
      g_byte_array_append (out, chunk, (guint) (sizeof chunk - stream->avail_out));
      if (out->len > max_output)
        {
          g_byte_array_unref (out);
          g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                       _("The compressed content expands beyond %zu bytes"), max_output);
          return NULL;
        }
    }
  while (rc == Z_OK && (stream->avail_in > 0 || stream->avail_out == 0));

  if (rc != Z_STREAM_END || stream->avail_in > 0)
    {
      g_byte_array_unref (out);
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECOMPRESS,
                           rc == Z_STREAM_END ? _("Bytes follow the end of the compressed content")
                                              : _("The compressed content is damaged or incomplete"));
      return NULL;
    }
  return g_byte_array_free_to_bytes (out);
}

/* Compresses @data with DEFLATE in @mode's framing, at the best ratio. */
GBytes *
dossier_deflate (gconstpointer       data,
                 gsize               length,
                 DossierInflateMode  mode)
{
  z_stream stream = { 0 };
  gsize bound;
  guint8 *out;
  int rc;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (length <= G_MAXUINT32 / 2, NULL);

  if (deflateInit2 (&stream, Z_BEST_COMPRESSION, Z_DEFLATED, mode == DOSSIER_INFLATE_RAW ? -15 : 15, 8,
                    Z_DEFAULT_STRATEGY) != Z_OK)
    g_error ("zlib cannot start compression");
  bound = deflateBound (&stream, (uLong) length);
  out = g_malloc (bound);
  stream.next_in = (Bytef *) data;
  stream.avail_in = (uInt) length;
  stream.next_out = out;
  stream.avail_out = (uInt) bound;
  rc = deflate (&stream, Z_FINISH);
  g_assert (rc == Z_STREAM_END);
  deflateEnd (&stream);
  return g_bytes_new_take (out, stream.total_out);
}
