// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-record-view.h"

#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Shows one record: what it is, who issued it, the three-part verdict, every
 * field it holds, and its original, viewed in place when it is an image. */

#define MAX_FIELD_ROWS 200
#define MAX_SHOWN_TEXT (64 * 1024)

struct _DossierRecordView
{
  AdwBin                parent_instance;

  DossierRecord        *record;
  GPtrArray            *field_rows;

  GtkImage             *kind_icon;
  GtkLabel             *title_label;
  GtkLabel             *issuer_label;
  AdwPreferencesGroup  *verdict_group;
  AdwActionRow         *authentic_row;
  AdwActionRow         *trusted_row;
  AdwActionRow         *current_row;
  GtkImage             *authentic_icon;
  GtkImage             *trusted_icon;
  GtkImage             *current_icon;
  AdwActionRow         *kind_row;
  AdwActionRow         *person_row;
  AdwActionRow         *issued_row;
  AdwActionRow         *valid_from_row;
  AdwActionRow         *valid_until_row;
  AdwActionRow         *format_row;
  AdwActionRow         *source_row;
  AdwPreferencesGroup  *fields_group;
  AdwPreferencesGroup  *original_group;
  GtkPicture           *picture;
  AdwActionRow         *open_row;
  GtkWidget            *open_button;
  AdwExpanderRow       *text_row;
  GtkLabel             *text_label;
};

G_DEFINE_FINAL_TYPE (DossierRecordView, dossier_record_view, ADW_TYPE_BIN)

/* Files written so that another application can open an original; removed
 * when the vault locks and when Dossier quits. */
static GPtrArray *opened_files;

const char *
dossier_kind_icon_name (DossierRecordKind kind)
{
  switch (kind)
    {
    case DOSSIER_RECORD_KIND_DIPLOMA:
    case DOSSIER_RECORD_KIND_DEGREE:
    case DOSSIER_RECORD_KIND_CERTIFICATE:
    case DOSSIER_RECORD_KIND_LICENCE:
      return "application-certificate-symbolic";
    case DOSSIER_RECORD_KIND_TRANSCRIPT:
    case DOSSIER_RECORD_KIND_COURSE:
      return "accessories-dictionary-symbolic";
    case DOSSIER_RECORD_KIND_BADGE:
      return "emblem-default-symbolic";
    case DOSSIER_RECORD_KIND_IMMUNIZATION:
    case DOSSIER_RECORD_KIND_MEDICATION:
    case DOSSIER_RECORD_KIND_ALLERGY:
    case DOSSIER_RECORD_KIND_CONDITION:
    case DOSSIER_RECORD_KIND_PROCEDURE:
    case DOSSIER_RECORD_KIND_ENCOUNTER:
    case DOSSIER_RECORD_KIND_OBSERVATION:
    case DOSSIER_RECORD_KIND_HEALTH_DOCUMENT:
      return "emblem-favorite-symbolic";
    case DOSSIER_RECORD_KIND_DOCUMENT:
    default:
      return "x-office-document-symbolic";
    }
}

const char *
dossier_verdict_icon_name (DossierVerdict *verdict)
{
  if (verdict == NULL)
    return "dialog-question-symbolic";
  switch (dossier_verdict_get_summary (verdict))
    {
    case DOSSIER_VERDICT_VALID: return "security-high-symbolic";
    case DOSSIER_VERDICT_INVALID: return "dialog-error-symbolic";
    case DOSSIER_VERDICT_UNVERIFIED:
    default: return "security-medium-symbolic";
    }
}

/* "2025-10-14" or "2025-10-14T08:00:00+07:00" in the reader's words; a bare
 * year or year and month stays as it is. */
char *
dossier_format_date (const char *date)
{
  g_autoptr(GDateTime) when = NULL;
  int year, month, day;

  if (date == NULL || *date == '\0')
    return NULL;
  if (sscanf (date, "%4d-%2d-%2d", &year, &month, &day) == 3 &&
      g_date_valid_dmy (day, month, year))
    when = g_date_time_new_local (year, month, day, 12, 0, 0);
  if (when == NULL)
    return g_strdup (date);
  /* Translators: how a day is written, in g_date_time_format()'s terms. */
  return g_date_time_format (when, C_("date", "%-d %B %Y"));
}

static void
set_row (AdwActionRow *row,
         const char   *value)
{
  gtk_widget_set_visible (GTK_WIDGET (row), value != NULL && *value != '\0');
  adw_action_row_set_subtitle (row, value != NULL ? value : "");
}

static void
set_date_row (AdwActionRow *row,
              const char   *date)
{
  g_autofree char *text = dossier_format_date (date);

  set_row (row, text);
}

static void
set_part (AdwActionRow       *row,
          GtkImage           *icon,
          DossierVerdict     *verdict,
          DossierVerdictPart  part)
{
  DossierCheckState state = dossier_verdict_get_state (verdict, part);
  const char *reason = dossier_verdict_get_reason (verdict, part);
  const char *icon_name, *style, *fallback;

  switch (state)
    {
    case DOSSIER_CHECK_PASSED:
      icon_name = "emblem-ok-symbolic";
      style = "success";
      fallback = _("Yes");
      break;
    case DOSSIER_CHECK_FAILED:
      icon_name = "dialog-error-symbolic";
      style = "error";
      fallback = _("No");
      break;
    case DOSSIER_CHECK_NOT_APPLICABLE:
      icon_name = "action-unavailable-symbolic";
      style = "dim-label";
      fallback = _("Does not apply to this record");
      break;
    case DOSSIER_CHECK_UNKNOWN:
    default:
      icon_name = "dialog-question-symbolic";
      style = "warning";
      fallback = _("Not known");
      break;
    }
  gtk_image_set_from_icon_name (icon, icon_name);
  gtk_widget_set_css_classes (GTK_WIDGET (icon), (const char *[]) { style, NULL });
  adw_action_row_set_subtitle (row, reason != NULL && *reason != '\0' ? reason : fallback);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  reason != NULL && *reason != '\0' ? reason : fallback, -1);
}

/* A JSON value as a reader would write it: strings as they are, true and
 * false in words. */
static char *
value_to_text (JsonNode *node)
{
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.10g", json_node_get_double (node)));
      }
    default:
      return NULL;
    }
}

/* "ngay_sinh" or "birthDate" becomes "Ngay sinh" or "Birth date". */
static char *
humanize_key (const char *key)
{
  GString *text = g_string_new (NULL);

  for (const char *p = key; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '_' || c == '-')
        c = ' ';
      else if (g_unichar_isupper (c) && text->len > 0 && text->str[text->len - 1] != ' ')
        {
          g_string_append_c (text, ' ');
          c = g_unichar_tolower (c);
        }
      if (text->len == 0)
        c = g_unichar_totitle (c);
      g_string_append_unichar (text, c);
    }
  return g_string_free (text, FALSE);
}

static void
add_field_row (DossierRecordView *self,
               const char        *title,
               const char        *value)
{
  GtkWidget *row;

  if (self->field_rows->len >= MAX_FIELD_ROWS || value == NULL || *value == '\0')
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (self->fields_group, row);
  g_ptr_array_add (self->field_rows, row);
}

static void add_field_node (DossierRecordView *self,
                            const char        *title,
                            JsonNode          *node,
                            guint              depth);

static void
add_field_object (DossierRecordView *self,
                  const char        *prefix,
                  JsonObject        *object,
                  guint              depth)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *name = humanize_key (l->data);
      g_autofree char *title = prefix != NULL ? g_strdup_printf ("%s › %s", prefix, name) : g_strdup (name);

      add_field_node (self, title, json_object_get_member (object, l->data), depth + 1);
    }
}

static void
add_field_node (DossierRecordView *self,
                const char        *title,
                JsonNode          *node,
                guint              depth)
{
  if (depth > 6 || node == NULL)
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    add_field_object (self, title, json_node_get_object (node), depth);
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) joined = g_string_new (NULL);
      gboolean scalars = TRUE;

      for (guint i = 0; i < json_array_get_length (array) && scalars; i++)
        scalars = JSON_NODE_HOLDS_VALUE (json_array_get_element (array, i));
      if (scalars)
        {
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              g_autofree char *text = value_to_text (json_array_get_element (array, i));

              g_string_append_printf (joined, "%s%s", i > 0 ? ", " : "", text);
            }
          add_field_row (self, title, joined->str);
        }
      else
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_autofree char *item = g_strdup_printf ("%s %u", title, i + 1);

            add_field_node (self, item, json_array_get_element (array, i), depth + 1);
          }
    }
  else if (JSON_NODE_HOLDS_VALUE (node))
    {
      g_autofree char *text = value_to_text (node);

      add_field_row (self, title, text);
    }
}

static void
clear_fields (DossierRecordView *self)
{
  for (guint i = 0; i < self->field_rows->len; i++)
    adw_preferences_group_remove (self->fields_group, g_ptr_array_index (self->field_rows, i));
  g_ptr_array_set_size (self->field_rows, 0);
}

static gboolean
is_image (const char *media_type)
{
  return media_type != NULL && g_str_has_prefix (media_type, "image/");
}

static void
show_original (DossierRecordView *self)
{
  GBytes *original = dossier_record_get_original (self->record);
  const char *media_type = dossier_record_get_media_type (self->record);
  gsize size = original != NULL ? g_bytes_get_size (original) : 0;
  const char *data = original != NULL ? g_bytes_get_data (original, NULL) : NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gboolean text = FALSE;

  if (size > 0 && is_image (media_type))
    texture = gdk_texture_new_from_bytes (original, NULL);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->picture), texture != NULL);

  if (size > 0 && texture == NULL && g_utf8_validate (data, MIN (size, MAX_SHOWN_TEXT), NULL) &&
      memchr (data, '\0', MIN (size, MAX_SHOWN_TEXT)) == NULL)
    {
      g_autofree char *shown = g_strndup (data, MIN (size, MAX_SHOWN_TEXT));

      gtk_label_set_text (self->text_label, shown);
      text = TRUE;
    }
  else
    gtk_label_set_text (self->text_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->text_row), text);
  adw_expander_row_set_expanded (self->text_row, FALSE);

  if (size > 0)
    {
      g_autofree char *bytes = g_format_size (size);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", media_type != NULL ? media_type : _("unknown type"), bytes);

      adw_action_row_set_subtitle (self->open_row, subtitle);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->open_row), size > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->original_group), size > 0);
}

void
dossier_record_view_set_record (DossierRecordView *self,
                                DossierRecord     *record,
                                const char        *person_name)
{
  DossierVerdict *verdict;
  g_autofree char *checked = NULL;
  JsonObject *fields;

  g_return_if_fail (DOSSIER_IS_RECORD_VIEW (self));
  g_return_if_fail (record == NULL || DOSSIER_IS_RECORD (record));

  g_set_object (&self->record, record);
  clear_fields (self);
  if (record == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_picture_set_paintable (self->picture, NULL);
      gtk_label_set_text (self->text_label, "");
      return;
    }

  gtk_image_set_from_icon_name (self->kind_icon, dossier_kind_icon_name (dossier_record_get_kind (record)));
  gtk_label_set_text (self->title_label, dossier_record_get_title (record));
  gtk_label_set_text (self->issuer_label, dossier_record_get_issuer_name (record) ?: dossier_record_get_issuer_id (record) ?: "");
  gtk_widget_set_visible (GTK_WIDGET (self->issuer_label), *gtk_label_get_text (self->issuer_label) != '\0');

  verdict = dossier_record_get_verdict (record);
  set_part (self->authentic_row, self->authentic_icon, verdict, DOSSIER_VERDICT_PART_AUTHENTIC);
  set_part (self->trusted_row, self->trusted_icon, verdict, DOSSIER_VERDICT_PART_TRUSTED);
  set_part (self->current_row, self->current_icon, verdict, DOSSIER_VERDICT_PART_CURRENT);
  if (dossier_record_get_checked_at (record) != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (dossier_record_get_checked_at (record));
      /* Translators: when the verdict was reached, in g_date_time_format()'s terms. */
      g_autofree char *when = g_date_time_format (local, C_("date and time", "%-d %B %Y, %H:%M"));

      checked = g_strdup_printf (_("Checked on %s"), when);
    }
  adw_preferences_group_set_description (self->verdict_group, checked);

  set_row (self->kind_row, dossier_record_kind_get_label (dossier_record_get_kind (record)));
  set_row (self->person_row, person_name);
  set_date_row (self->issued_row, dossier_record_get_issued (record));
  set_date_row (self->valid_from_row, dossier_record_get_valid_from (record));
  set_date_row (self->valid_until_row, dossier_record_get_valid_until (record));
  set_row (self->format_row, dossier_record_get_format (record));
  set_row (self->source_row, dossier_record_get_source (record));

  fields = dossier_record_get_fields (record);
  if (fields != NULL)
    add_field_object (self, NULL, fields, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_group), self->field_rows->len > 0);

  show_original (self);
}

DossierRecord *
dossier_record_view_get_record (DossierRecordView *self)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD_VIEW (self), NULL);
  return self->record;
}

static const char *
extension_for (const char *media_type)
{
  if (g_strcmp0 (media_type, "application/pdf") == 0)
    return ".pdf";
  if (g_strcmp0 (media_type, "image/png") == 0)
    return ".png";
  if (g_strcmp0 (media_type, "image/jpeg") == 0)
    return ".jpg";
  if (media_type != NULL && (g_str_has_suffix (media_type, "json") || g_str_has_suffix (media_type, "+json")))
    return ".json";
  return ".txt";
}

/* The original goes into a private folder under the user's runtime
 * directory, readable by the user alone, and is removed on lock and quit. */
static void
open_clicked (DossierRecordView *self)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "dossier-open", NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *original;

  if (self->record == NULL || (original = dossier_record_get_original (self->record)) == NULL)
    return;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return;
  name = g_strdup_printf ("%s%s", uuid, extension_for (dossier_record_get_media_type (self->record)));
  path = g_build_filename (dir, name, NULL);
  {
    int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    gsize size = g_bytes_get_size (original);
    gboolean written;

    if (fd < 0)
      return;
    written = write (fd, g_bytes_get_data (original, NULL), size) == (gssize) size;
    close (fd);
    if (!written)
      {
        g_unlink (path);
        return;
      }
  }
  if (opened_files == NULL)
    opened_files = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (opened_files, g_strdup (path));

  uri = g_filename_to_uri (path, NULL, NULL);
  if (!g_app_info_launch_default_for_uri (uri, NULL, &error))
    g_warning ("Could not open the original: %s", error->message);
}

void
dossier_remove_opened_files (void)
{
  if (opened_files == NULL)
    return;
  for (guint i = 0; i < opened_files->len; i++)
    g_unlink (g_ptr_array_index (opened_files, i));
  g_clear_pointer (&opened_files, g_ptr_array_unref);
}

static void
dossier_record_view_dispose (GObject *object)
{
  DossierRecordView *self = DOSSIER_RECORD_VIEW (object);

  g_clear_object (&self->record);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOSSIER_TYPE_RECORD_VIEW);
  G_OBJECT_CLASS (dossier_record_view_parent_class)->dispose (object);
}

static void
dossier_record_view_finalize (GObject *object)
{
  DossierRecordView *self = DOSSIER_RECORD_VIEW (object);

  g_ptr_array_unref (self->field_rows);
  G_OBJECT_CLASS (dossier_record_view_parent_class)->finalize (object);
}

static void
dossier_record_view_class_init (DossierRecordViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dossier_record_view_dispose;
  object_class->finalize = dossier_record_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/dossierapp/Dossier/ui/dossier-record-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, kind_icon);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, title_label);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, verdict_group);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, authentic_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, trusted_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, current_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, authentic_icon);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, trusted_icon);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, current_icon);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, kind_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, person_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, issued_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, valid_from_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, valid_until_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, format_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, source_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, fields_group);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, original_group);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, picture);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, open_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, open_button);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, text_row);
  gtk_widget_class_bind_template_child (widget_class, DossierRecordView, text_label);
}

static void
dossier_record_view_init (DossierRecordView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->field_rows = g_ptr_array_new ();
  g_signal_connect_swapped (self->open_button, "clicked", G_CALLBACK (open_clicked), self);
}

GtkWidget *
dossier_record_view_new (void)
{
  return g_object_new (DOSSIER_TYPE_RECORD_VIEW, NULL);
}
