// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-issuer-print.h"

#include "dossier-json.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#define A4_WIDTH   595.276   /* points */
#define A4_HEIGHT  841.890
#define MARGIN      56.0
#define QR_MODULE_PIXELS 4
#define QR_QUIET_ZONE    4

/* The QR code of @text in byte mode, at error correction M when it fits
 * and L when only that does; an error when even L cannot hold it. */
QRcode *
dossier_issuer_qr_encode (const char  *text,
                          GError     **error)
{
  QRcode *code;

  g_return_val_if_fail (text != NULL, NULL);

  code = QRcode_encodeData ((int) strlen (text), (const unsigned char *) text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    code = QRcode_encodeData ((int) strlen (text), (const unsigned char *) text, 0, QR_ECLEVEL_L);
  if (code == NULL)
    g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_FULL,
                 _("%zu bytes do not fit in a QR code"), strlen (text));
  return code;
}

void
dossier_issuer_qr_free (QRcode *code)
{
  if (code != NULL)
    QRcode_free (code);
}

/* Dark modules as squares of @module points from (@x, @y). */
static void
draw_qr (cairo_t *cr,
         QRcode  *code,
         double   x,
         double   y,
         double   module)
{
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int row = 0; row < code->width; row++)
    for (int column = 0; column < code->width; column++)
      if (code->data[row * code->width + column] & 1)
        cairo_rectangle (cr, x + column * module, y + row * module, module, module);
  cairo_fill (cr);
}

gboolean
dossier_issuer_write_qr_png (QRcode      *code,
                             const char  *path,
                             GError     **error)
{
  int side = (code->width + 2 * QR_QUIET_ZONE) * QR_MODULE_PIXELS;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_qr (cr, code, QR_QUIET_ZONE * QR_MODULE_PIXELS, QR_QUIET_ZONE * QR_MODULE_PIXELS, QR_MODULE_PIXELS);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_FAILED, _("Cannot write %s: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* Draws @markup centred (or from the left margin) at @y and returns the
 * y below it. */
static double
draw_text (cairo_t    *cr,
           const char *font,
           const char *markup,
           gboolean    centred,
           double      y)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *description = pango_font_description_from_string (font);
  int width, height;

  pango_layout_set_font_description (layout, description);
  pango_layout_set_width (layout, (int) ((A4_WIDTH - 2 * MARGIN) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, centred ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_size (layout, &width, &height);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_move_to (cr, MARGIN, y);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (description);
  g_object_unref (layout);
  return y + (double) height / PANGO_SCALE;
}

static char *
display_date (const char *iso)
{
  guint year, month, day;

  if (iso != NULL && sscanf (iso, "%4u-%2u-%2u", &year, &month, &day) == 3)
    return g_strdup_printf ("%02u/%02u/%04u", day, month, year);
  return g_strdup (iso);
}

/* The certificate: national title and motto, the school, the award, the
 * student's details as the template labels them, and the QR code a
 * verifier scans. */
gboolean
dossier_issuer_write_pdf (DossierIssuer    *issuer,
                          DossierTemplate  *template,
                          DossierStudent   *student,
                          JsonObject       *credential,
                          QRcode           *code,
                          const char       *qr_caption,
                          const char       *path,
                          GError          **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, A4_WIDTH, A4_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  const char *title = dossier_json_get_string (credential, "name") ?: template->name_vi;
  g_autofree char *upper = g_utf8_strup (title, -1);
  g_autofree char *markup = NULL;
  cairo_status_t status;
  double y = MARGIN;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, issuer->name_vi);
  cairo_set_source_rgb (cr, 0.55, 0.1, 0.1);
  cairo_set_line_width (cr, 3);
  cairo_rectangle (cr, MARGIN / 2, MARGIN / 2, A4_WIDTH - MARGIN, A4_HEIGHT - MARGIN);
  cairo_stroke (cr);

  y = draw_text (cr, "Noto Serif Bold 11", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", TRUE, y);
  y = draw_text (cr, "Noto Serif Bold 11", "Độc lập - Tự do - Hạnh phúc", TRUE, y + 2);
  markup = g_markup_printf_escaped ("%s", issuer->name_vi);
  y = draw_text (cr, "Noto Serif Bold 14", markup, TRUE, y + 28);
  g_free (markup);
  markup = g_markup_printf_escaped ("<span foreground='#8c1a1a'>%s</span>", upper);
  y = draw_text (cr, "Noto Serif Bold 22", markup, TRUE, y + 24);
  g_free (markup);
  markup = g_markup_printf_escaped ("<i>%s</i>", template->name_en);
  y = draw_text (cr, "Noto Serif 11", markup, TRUE, y + 2);
  g_free (markup);
  markup = g_markup_printf_escaped ("%s", (const char *) g_hash_table_lookup (student->values, "name"));
  y = draw_text (cr, "Noto Serif Bold 20", markup, TRUE, y + 30);
  g_clear_pointer (&markup, g_free);
  y += 18;

  for (guint i = 0; i < template->fields->len; i++)
    {
      DossierTemplateField *field = g_ptr_array_index (template->fields, i);
      const char *value = g_hash_table_lookup (student->values, field->key);
      g_autofree char *shown = NULL;

      if (value == NULL || g_str_equal (field->key, "name") || g_str_equal (field->key, "email"))
        continue;
      shown = field->type == DOSSIER_FIELD_DATE ? display_date (value) : g_strdup (value);
      markup = g_markup_printf_escaped ("<b>%s</b> <span foreground='#555555'>(%s)</span>: %s",
                                        field->label_vi, field->label_en, shown);
      y = draw_text (cr, "Noto Sans 11", markup, FALSE, y + 4);
      g_clear_pointer (&markup, g_free);
    }

  if (code != NULL)
    {
      double side = MIN (280.0, A4_HEIGHT - MARGIN - 70 - y);
      double module = side / code->width;

      if (module > 0.8)
        {
          double x = (A4_WIDTH - module * code->width) / 2;
          double top = A4_HEIGHT - MARGIN - 60 - module * code->width;

          /* one pixel per module, scaled without smoothing: a few hundred
           * bytes in the PDF instead of thousands of squares */
          cairo_surface_t *modules = cairo_image_surface_create (CAIRO_FORMAT_RGB24, code->width, code->width);
          cairo_t *mcr = cairo_create (modules);
          cairo_pattern_t *pattern;

          cairo_set_antialias (mcr, CAIRO_ANTIALIAS_NONE);
          cairo_set_source_rgb (mcr, 1, 1, 1);
          cairo_paint (mcr);
          draw_qr (mcr, code, 0, 0, 1);
          cairo_destroy (mcr);
          cairo_save (cr);
          cairo_translate (cr, x, top);
          cairo_scale (cr, module, module);
          cairo_set_source_surface (cr, modules, 0, 0);
          pattern = cairo_get_source (cr);
          cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
          cairo_rectangle (cr, 0, 0, code->width, code->width);
          cairo_fill (cr);
          cairo_restore (cr);
          cairo_surface_destroy (modules);
        }
    }
  markup = g_markup_printf_escaped ("%s\n%s", qr_caption, dossier_json_get_string (credential, "id"));
  draw_text (cr, "Noto Sans 8", markup, TRUE, A4_HEIGHT - MARGIN - 50);

  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_FAILED, _("Cannot write %s: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
