// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-qr-image.h"

#include "dossier-format-error.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <zbar.h>

/* QR codes in PNG and JPEG images: the image is decoded by gdk-pixbuf
 * (only those two loaders are allowed) and scanned by zbar. */

gboolean
dossier_qr_image_detect (gconstpointer data,
                         gsize         length)
{
  return (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0) ||
         (length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0);
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  gboolean *too_large = user_data;

  /* Refuse before the pixels are allocated. */
  if (width <= 0 || height <= 0 || (gint64) width * height > DOSSIER_QR_IMAGE_MAX_PIXELS)
    {
      *too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 1, 1);
    }
}

static GdkPixbuf *
load_image (GBytes  *bytes,
            GError **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  const char *type = data[0] == 0x89 ? "png" : "jpeg";
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type (type, error);
  gboolean too_large = FALSE;
  GdkPixbuf *pixbuf;

  if (loader == NULL)
    return NULL;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &too_large);
  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, error) || !gdk_pixbuf_loader_close (loader, error))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return NULL;
    }
  if (too_large)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The image has more than %d pixels"), DOSSIER_QR_IMAGE_MAX_PIXELS);
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  return pixbuf != NULL ? g_object_ref (pixbuf) : NULL;
}

/* Luminance, with transparency composed over white. */
static guint8 *
to_gray (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  guint8 *gray = g_malloc ((gsize) width * (gsize) height);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * (gsize) stride + (gsize) x * (gsize) channels;
        guint value = (299u * p[0] + 587u * p[1] + 114u * p[2]) / 1000u;

        if (alpha)
          value = (value * p[3] + 255u * (255u - p[3])) / 255u;
        gray[(gsize) y * (gsize) width + (gsize) x] = (guint8) value;
      }
  return gray;
}

static void
scan (GdkPixbuf *pixbuf,
      GPtrArray *texts)
{
  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();
  zbar_image_t *image = zbar_image_create ();
  const zbar_symbol_t *symbol;

  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, (unsigned) gdk_pixbuf_get_width (pixbuf), (unsigned) gdk_pixbuf_get_height (pixbuf));
  zbar_image_set_data (image, to_gray (pixbuf),
                       (unsigned long) gdk_pixbuf_get_width (pixbuf) * (unsigned long) gdk_pixbuf_get_height (pixbuf),
                       zbar_image_free_data);
  zbar_scan_image (scanner, image);
  for (symbol = zbar_image_first_symbol (image); symbol != NULL; symbol = zbar_symbol_next (symbol))
    g_ptr_array_add (texts, g_strndup (zbar_symbol_get_data (symbol), zbar_symbol_get_data_length (symbol)));
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
}

GPtrArray *
dossier_qr_image_decode (GBytes  *bytes,
                         GError **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);

  if (!dossier_qr_image_detect (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) ||
      (pixbuf = load_image (bytes, &local_error)) == NULL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                   _("The image cannot be read: %s"),
                   local_error != NULL ? local_error->message : _("not a PNG or JPEG image"));
      return NULL;
    }

  /* Small or soft images (a photo of a screen, a scaled-down scan) often
   * read only once enlarged. */
  for (int scale = 1; scale <= 4 && texts->len == 0; scale++)
    {
      g_autoptr(GdkPixbuf) scaled = NULL;
      int width = gdk_pixbuf_get_width (pixbuf) * scale;
      int height = gdk_pixbuf_get_height (pixbuf) * scale;

      if ((gint64) width * height > DOSSIER_QR_IMAGE_MAX_PIXELS)
        break;
      scaled = scale == 1 ? g_object_ref (pixbuf)
                          : gdk_pixbuf_scale_simple (pixbuf, width, height, GDK_INTERP_BILINEAR);
      scan (scaled, texts);
    }

  if (texts->len == 0)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("No readable QR code was found in the image"));
      return NULL;
    }
  return g_steal_pointer (&texts);
}
