// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-baked-badge.h"

#include "dossier-format-error.h"
#include "dossier-inflate.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Open Badges "baking": a PNG badge carries its credential in an iTXt
 * chunk with the keyword "openbadgecredential", an SVG badge in an
 * <openbadges:credential> element, as a compact JWS in its "verify"
 * attribute or as JSON in its content.  Only the credential is taken out;
 * the image itself is not decoded. */

#define PNG_SIGNATURE "\x89PNG\r\n\x1a\n"
#define PNG_KEYWORD "openbadgecredential"
#define MAX_PNG_CHUNKS 10000
#define SVG_ELEMENT "openbadges:credential"
#define MAX_SVG_PROLOGUE 4096

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* The data of the PNG's first iTXt chunk named openbadgecredential, or
 * NULL; *malformed tells a broken chunk list from a PNG without one. */
static const guint8 *
find_png_chunk (const guint8 *data,
                gsize         length,
                gsize        *chunk_length,
                gboolean     *malformed)
{
  gsize offset = 8;

  *malformed = FALSE;
  for (guint n = 0; n < MAX_PNG_CHUNKS && offset + 12 <= length; n++)
    {
      guint32 size = read_be32 (data + offset);
      const guint8 *type = data + offset + 4;

      if (size > length - offset - 12)
        break;
      if (memcmp (type, "iTXt", 4) == 0 && size > sizeof PNG_KEYWORD &&
          memcmp (data + offset + 8, PNG_KEYWORD, sizeof PNG_KEYWORD) == 0)
        {
          *chunk_length = size;
          return data + offset + 8;
        }
      if (memcmp (type, "IEND", 4) == 0)
        return NULL;
      offset += 12 + (gsize) size;
    }
  *malformed = TRUE;
  return NULL;
}

/* iTXt: keyword NUL, compression flag, method, language tag NUL,
 * translated keyword NUL, then the UTF-8 text (zlib-compressed when the
 * flag is set). */
static GBytes *
extract_png (const guint8  *data,
             gsize          length,
             GError       **error)
{
  gsize size = 0, offset = sizeof PNG_KEYWORD;
  gboolean malformed;
  const guint8 *chunk = find_png_chunk (data, length, &size, &malformed);
  const guint8 *end;
  guint8 compressed;

  if (chunk == NULL)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           malformed ? _("The PNG image’s chunks are malformed")
                                     : _("The PNG image carries no Open Badges credential"));
      return NULL;
    }
  if (size < offset + 2 || chunk[offset + 1] != 0)
    goto malformed;
  compressed = chunk[offset];
  offset += 2;
  for (guint field = 0; field < 2; field++)
    {
      end = memchr (chunk + offset, 0, size - offset);
      if (end == NULL)
        goto malformed;
      offset = (gsize) (end - chunk) + 1;
    }
  if (compressed == 1)
    return dossier_inflate (chunk + offset, size - offset, DOSSIER_INFLATE_ZLIB, DOSSIER_BAKED_BADGE_MAX_CREDENTIAL, error);
  if (compressed != 0)
    goto malformed;
  if (size - offset > DOSSIER_BAKED_BADGE_MAX_CREDENTIAL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The badge’s credential is larger than %d KiB"), DOSSIER_BAKED_BADGE_MAX_CREDENTIAL / 1024);
      return NULL;
    }
  return g_bytes_new (chunk + offset, size - offset);

malformed:
  g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                       _("The PNG image’s openbadgecredential chunk is malformed"));
  return NULL;
}

typedef struct
{
  int       depth;      /* inside the credential element when > 0 */
  guint     found;
  char     *verify;
  GString  *text;
} SvgState;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  SvgState *state = user_data;

  if (state->depth > 0)
    state->depth++;
  else if (g_str_equal (element, SVG_ELEMENT))
    {
      state->depth = 1;
      if (++state->found > 1)
        {
          g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                               _("The SVG image carries more than one Open Badges credential"));
          return;
        }
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "verify"))
          state->verify = g_strdup (values[i]);
    }
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  SvgState *state = user_data;

  if (state->depth > 0)
    state->depth--;
}

static void
svg_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              user_data,
          GError              **error)
{
  SvgState *state = user_data;

  if (state->depth != 1)
    return;
  if (state->text->len + length > DOSSIER_BAKED_BADGE_MAX_CREDENTIAL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The badge’s credential is larger than %d KiB"), DOSSIER_BAKED_BADGE_MAX_CREDENTIAL / 1024);
      return;
    }
  g_string_append_len (state->text, text, (gssize) length);
}

static GBytes *
extract_svg (const char  *data,
             gsize        length,
             GError     **error)
{
  static const GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  SvgState state = { 0, 0, NULL, g_string_new (NULL) };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &state, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *verify = NULL;
  g_autofree char *text = NULL;

  if (!g_markup_parse_context_parse (context, data, (gssize) length, &local_error) ||
      !g_markup_parse_context_end_parse (context, &local_error))
    {
      g_free (state.verify);
      g_string_free (state.text, TRUE);
      if (local_error->domain == DOSSIER_FORMAT_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                     _("The SVG image is not well-formed XML: %s"), local_error->message);
      return NULL;
    }
  verify = g_strstrip (state.verify != NULL ? state.verify : g_strdup (""));
  text = g_strstrip (g_string_free (state.text, FALSE));
  if (state.found == 0)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The SVG image carries no Open Badges credential"));
      return NULL;
    }
  /* a JWT goes in the attribute, a credential with an embedded proof in the content */
  if (verify[0] != '\0')
    return g_bytes_new (verify, strlen (verify));
  if (text[0] == '\0')
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The SVG image’s Open Badges credential is empty"));
      return NULL;
    }
  return g_bytes_new (text, strlen (text));
}

static gboolean
looks_svg (const char *data,
           gsize       length)
{
  gsize start = 0;

  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    start = 3;
  while (start < length && g_ascii_isspace (data[start]))
    start++;
  if (length - start < 5 || (memcmp (data + start, "<?xml", 5) != 0 && memcmp (data + start, "<svg", 4) != 0))
    return FALSE;
  /* the root element comes early; a document only naming it further on is not an SVG image */
  return g_strstr_len (data + start, (gssize) MIN (length - start, MAX_SVG_PROLOGUE), "<svg") != NULL;
}

/* Whether @data is a PNG with an openbadgecredential chunk or an SVG image
 * naming an Open Badges credential element. */
gboolean
dossier_baked_badge_detect (gconstpointer data,
                            gsize         length)
{
  gsize size;
  gboolean malformed;

  if (length >= 8 && memcmp (data, PNG_SIGNATURE, 8) == 0)
    return find_png_chunk (data, length, &size, &malformed) != NULL;
  return looks_svg (data, length) && g_strstr_len (data, (gssize) length, "<" SVG_ELEMENT) != NULL;
}

/* The credential a baked badge carries, as it was baked in: a compact JWS
 * or a JSON document. */
GBytes *
dossier_baked_badge_extract (gconstpointer   data,
                             gsize           length,
                             GError        **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length >= 8 && memcmp (data, PNG_SIGNATURE, 8) == 0)
    return extract_png (data, length, error);
  if (looks_svg (data, length))
    return extract_svg (data, length, error);
  g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNKNOWN_FORMAT,
                       _("Neither a PNG nor an SVG image"));
  return NULL;
}
