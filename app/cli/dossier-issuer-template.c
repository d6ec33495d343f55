// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-issuer-template.h"

#include "dossier-json.h"
#include "dossier-text.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define TEMPLATE_ERROR (g_quark_from_static_string ("dossier-issuer-template-error"))

/* Columns a roster may have that no credential needs: the row number. */
static const char * const ignored_headers[] = { "stt", "tt", "so thu tu", "no", "no.", "#", NULL };

static void
field_free (gpointer data)
{
  DossierTemplateField *field = data;

  g_free (field->key);
  g_free (field->label_vi);
  g_free (field->label_en);
  g_strfreev (field->headers);
  g_strfreev (field->values);
  g_free (field);
}

void
dossier_template_free (DossierTemplate *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->name_vi);
  g_free (self->name_en);
  g_free (self->achievement_type);
  g_free (self->description_vi);
  g_free (self->description_en);
  g_free (self->criteria_vi);
  g_free (self->criteria_en);
  g_free (self->title_field);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_free (self);
}

void
dossier_student_free (DossierStudent *student)
{
  g_hash_table_unref (student->values);
  g_free (student);
}

/* Header text compared without accents, case or extra spaces. */
static char *
fold_header (const char *text)
{
  g_autofree char *folded = dossier_text_fold (text);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (folded), " \t\r\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      {
        if (out->len > 0)
          g_string_append_c (out, ' ');
        g_string_append (out, words[i]);
      }
  return g_string_free (out, FALSE);
}

static char *
dup_localized (JsonObject *object,
               const char *member,
               const char *language)
{
  JsonObject *texts = dossier_json_get_object (object, member);

  if (texts != NULL)
    return g_strdup (dossier_json_get_string (texts, language));
  return g_strdup (dossier_json_get_string (object, member));
}

static GStrv
strings_of (JsonObject *object,
            const char *member,
            gboolean    fold)
{
  JsonArray *array = dossier_json_get_array (object, member);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array) && i < 64; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *folded = fold ? fold_header (json_node_get_string (node)) : g_strdup (json_node_get_string (node));

          g_strv_builder_add (builder, folded);
        }
    }
  return g_strv_builder_end (builder);
}

static gboolean
parse_field (JsonNode              *node,
             DossierTemplateField **out,
             GError               **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func (field_free);
  DossierTemplateField *field;
  const char *key = dossier_json_get_string (object, "key");
  const char *type = dossier_json_get_string (object, "type") ?: "text";

  if (key == NULL || *key == '\0' || !g_str_is_ascii (key))
    {
      g_set_error_literal (error, TEMPLATE_ERROR, 0, _("A template field has no “key” (a name in ASCII letters)"));
      return FALSE;
    }
  field = g_new0 (DossierTemplateField, 1);
  g_ptr_array_add (holder, field);
  field->key = g_strdup (key);
  if (g_str_equal (type, "text"))
    field->type = DOSSIER_FIELD_TEXT;
  else if (g_str_equal (type, "date"))
    field->type = DOSSIER_FIELD_DATE;
  else if (g_str_equal (type, "year"))
    field->type = DOSSIER_FIELD_YEAR;
  else if (g_str_equal (type, "choice"))
    field->type = DOSSIER_FIELD_CHOICE;
  else
    {
      g_set_error (error, TEMPLATE_ERROR, 0, _("The template field “%s” has an unknown type “%s”"), key, type);
      return FALSE;
    }
  field->required = json_object_get_boolean_member_with_default (object, "required", FALSE);
  field->unique = json_object_get_boolean_member_with_default (object, "unique", FALSE);
  field->label_vi = dup_localized (object, "label", "vi") ?: g_strdup (key);
  field->label_en = dup_localized (object, "label", "en") ?: g_strdup (field->label_vi);
  field->headers = strings_of (object, "headers", TRUE);
  field->values = strings_of (object, "values", FALSE);
  if (field->headers[0] == NULL)
    {
      g_set_error (error, TEMPLATE_ERROR, 0, _("The template field “%s” names no roster column in “headers”"), key);
      return FALSE;
    }
  if (field->type == DOSSIER_FIELD_CHOICE && field->values[0] == NULL)
    {
      g_set_error (error, TEMPLATE_ERROR, 0, _("The template field “%s” is a choice but lists no “values”"), key);
      return FALSE;
    }
  *out = g_ptr_array_steal_index (holder, 0);
  return TRUE;
}

DossierTemplate *
dossier_template_parse (const char  *data,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(DossierTemplate) self = g_new0 (DossierTemplate, 1);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *achievement;
  JsonArray *fields;

  if (length > DOSSIER_TEMPLATE_MAX_SIZE || (root = dossier_json_parse (data, length)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TEMPLATE_ERROR, 0, _("The template is not a JSON object of at most 256 KiB"));
      return NULL;
    }
  object = json_node_get_object (root);
  achievement = dossier_json_get_object (object, "achievement");
  fields = dossier_json_get_array (object, "fields");
  self->id = g_strdup (dossier_json_get_string (object, "template"));
  self->name_vi = dup_localized (object, "name", "vi");
  self->name_en = dup_localized (object, "name", "en");
  self->achievement_type = g_strdup (dossier_json_get_string (achievement, "achievementType"));
  self->description_vi = dup_localized (achievement, "description", "vi");
  self->description_en = dup_localized (achievement, "description", "en");
  self->criteria_vi = dup_localized (achievement, "criteria", "vi");
  self->criteria_en = dup_localized (achievement, "criteria", "en");
  self->title_field = g_strdup (dossier_json_get_string (object, "title_field"));
  if (self->id == NULL || self->name_vi == NULL || self->achievement_type == NULL || fields == NULL)
    {
      g_set_error_literal (error, TEMPLATE_ERROR, 0,
                           _("A template needs “template”, “name”, “achievement” with “achievementType”, and “fields”"));
      return NULL;
    }
  if (self->name_en == NULL)
    self->name_en = g_strdup (self->name_vi);
  self->fields = g_ptr_array_new_with_free_func (field_free);
  for (guint i = 0; i < json_array_get_length (fields) && i < DOSSIER_ROSTER_MAX_COLUMNS; i++)
    {
      DossierTemplateField *field;

      if (!parse_field (json_array_get_element (fields, i), &field, error))
        return NULL;
      g_ptr_array_add (self->fields, field);
    }
  if (dossier_template_get_field (self, "name") == NULL || dossier_template_get_field (self, "diplomaNumber") == NULL)
    {
      g_set_error_literal (error, TEMPLATE_ERROR, 0, _("A template needs the fields “name” and “diplomaNumber”"));
      return NULL;
    }
  return g_steal_pointer (&self);
}

DossierTemplateField *
dossier_template_get_field (DossierTemplate *self,
                            const char      *key)
{
  g_return_val_if_fail (self != NULL && key != NULL, NULL);

  for (guint i = 0; i < self->fields->len; i++)
    if (g_str_equal (((DossierTemplateField *) g_ptr_array_index (self->fields, i))->key, key))
      return g_ptr_array_index (self->fields, i);
  return NULL;
}

/* Where the built-in templates are: DOSSIER_ISSUER_TEMPLATE_DIR, else the
 * installed ones, else those of the source tree. */
char *
dossier_template_dir (void)
{
  g_autofree char *installed = g_build_filename (PKGDATADIR, "issuer-templates", NULL);

  if (g_getenv ("DOSSIER_ISSUER_TEMPLATE_DIR") != NULL)
    return g_strdup (g_getenv ("DOSSIER_ISSUER_TEMPLATE_DIR"));
  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&installed);
  return g_strdup (SOURCE_ISSUER_TEMPLATE_DIR);
}

/* @name is a built-in template's name or the path of a template file. */
DossierTemplate *
dossier_template_load (const char  *name,
                       GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  DossierTemplate *self;

  g_return_val_if_fail (name != NULL, NULL);

  if (strchr (name, '/') != NULL || g_str_has_suffix (name, ".json"))
    path = g_strdup (name);
  else
    {
      g_autofree char *dir = dossier_template_dir ();
      g_autofree char *file = g_strconcat (name, ".json", NULL);

      path = g_build_filename (dir, file, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, TEMPLATE_ERROR, 0,
                       _("There is no template “%s”; the built-in ones are thpt-diploma, degree and certificate, "
                         "or give the path of a template file"), name);
          return NULL;
        }
    }
  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  self = dossier_template_parse (data, length, error);
  if (self == NULL)
    g_prefix_error (error, "%s: ", path);
  return self;
}

static char *
normalize_text (const char *text)
{
  g_autofree char *nfc = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);
  g_auto(GStrv) words = g_strsplit_set (nfc != NULL ? nfc : "", " \t\r\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      {
        if (out->len > 0)
          g_string_append_c (out, ' ');
        g_string_append (out, words[i]);
      }
  return g_string_free (out, FALSE);
}

static gboolean
all_digits (const char *text,
            guint       min,
            guint       max)
{
  gsize length = strlen (text);

  if (length < min || length > max)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* dd/mm/yyyy (also with - or .) as Vietnamese forms write dates, or
 * yyyy-mm-dd; NULL with @problem set when it is not a real date. */
static char *
normalize_date (const char  *text,
                char       **problem)
{
  g_auto(GStrv) parts = g_strsplit_set (text, "/-.", 4);
  guint day, month, year;

  if (g_strv_length (parts) != 3 ||
      !all_digits (parts[0], 1, 4) || !all_digits (parts[1], 1, 2) || !all_digits (parts[2], 1, 4))
    {
      *problem = g_strdup_printf (_("“%s” is not a date; write it as dd/mm/yyyy"), text);
      return NULL;
    }
  if (strlen (parts[0]) == 4)
    year = atoi (parts[0]), month = atoi (parts[1]), day = atoi (parts[2]);
  else if (strlen (parts[2]) == 4)
    day = atoi (parts[0]), month = atoi (parts[1]), year = atoi (parts[2]);
  else
    {
      *problem = g_strdup_printf (_("“%s” is not a date; write the year with four digits"), text);
      return NULL;
    }
  if (year < 1900 || year > 2100 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    {
      *problem = g_strdup_printf (_("“%s” is an impossible date"), text);
      return NULL;
    }
  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

static char *
normalize_value (DossierTemplateField  *field,
                 const char            *raw,
                 char                 **problem)
{
  g_autofree char *text = normalize_text (raw);

  switch (field->type)
    {
    case DOSSIER_FIELD_DATE:
      return normalize_date (text, problem);
    case DOSSIER_FIELD_YEAR:
      if (!all_digits (text, 4, 4) || atoi (text) < 1900 || atoi (text) > 2100)
        {
          *problem = g_strdup_printf (_("“%s” is not a year"), text);
          return NULL;
        }
      return g_steal_pointer (&text);
    case DOSSIER_FIELD_CHOICE:
      {
        g_autofree char *folded = fold_header (text);
        g_autofree char *choices = g_strjoinv (", ", field->values);

        for (guint i = 0; field->values[i] != NULL; i++)
          {
            g_autofree char *value = fold_header (field->values[i]);

            if (g_str_equal (value, folded))
              return g_strdup (field->values[i]);
          }
        *problem = g_strdup_printf (_("“%s” is not one of: %s"), text, choices);
        return NULL;
      }
    case DOSSIER_FIELD_TEXT:
    default:
      return g_steal_pointer (&text);
    }
}

/* Which template field each roster column fills (NULL for an ignored
 * one); problems with the header go on @roster. */
static GPtrArray *
map_columns (DossierTemplate *self,
             DossierRoster   *roster)
{
  DossierRosterRow *header = g_ptr_array_index (roster->rows, 0);
  GPtrArray *columns = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint c = 0; header->fields[c] != NULL; c++)
    {
      g_autofree char *folded = fold_header (header->fields[c]);
      DossierTemplateField *found = NULL;

      for (guint f = 0; f < self->fields->len && found == NULL && *folded != '\0'; f++)
        {
          DossierTemplateField *field = g_ptr_array_index (self->fields, f);

          if (g_strv_contains ((const char * const *) field->headers, folded))
            found = field;
        }
      if (found != NULL && g_hash_table_contains (seen, found))
        {
          dossier_roster_add_problem (roster, header->number, c + 1, _("a second column for %s"), found->label_vi);
          found = NULL;
        }
      else if (found != NULL)
        g_hash_table_insert (seen, found, GUINT_TO_POINTER (c + 1));
      else if (*folded != '\0' && !g_strv_contains (ignored_headers, folded))
        dossier_roster_add_problem (roster, header->number, c + 1,
                                    _("the column “%s” is not a field of the template %s"), header->fields[c], self->id);
      g_ptr_array_add (columns, found);
    }
  for (guint f = 0; f < self->fields->len; f++)
    {
      DossierTemplateField *field = g_ptr_array_index (self->fields, f);

      if (field->required && !g_hash_table_contains (seen, field))
        dossier_roster_add_problem (roster, header->number, 0, _("the required column “%s” is missing"), field->label_vi);
    }
  return columns;
}

/* The students of @roster as the template reads them; every problem (a
 * missing or impossible value, a number given twice) is added to @roster
 * with its row and column. */
GPtrArray *
dossier_template_read_roster (DossierTemplate *self,
                              DossierRoster   *roster)
{
  g_autoptr(GPtrArray) students = g_ptr_array_new_with_free_func ((GDestroyNotify) dossier_student_free);
  g_autoptr(GPtrArray) columns = NULL;
  g_autoptr(GHashTable) firsts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (self != NULL && roster != NULL, NULL);

  if (roster->rows->len == 0)
    return g_steal_pointer (&students);
  columns = map_columns (self, roster);
  if (roster->rows->len == 1)
    dossier_roster_add_problem (roster, 0, 0, _("The roster has a header row but no students"));
  for (guint r = 1; r < roster->rows->len; r++)
    {
      DossierRosterRow *row = g_ptr_array_index (roster->rows, r);
      DossierStudent *student = g_new0 (DossierStudent, 1);
      guint n = g_strv_length (row->fields);

      student->row = row->number;
      student->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      g_ptr_array_add (students, student);
      for (guint c = 0; c < columns->len; c++)
        {
          DossierTemplateField *field = g_ptr_array_index (columns, c);
          g_autofree char *problem = NULL;
          g_autofree char *value = NULL;

          if (field == NULL)
            continue;
          value = c < n ? normalize_value (field, row->fields[c], &problem) : g_strdup ("");
          if (value == NULL)
            {
              dossier_roster_add_problem (roster, row->number, c + 1, "%s", problem);
              continue;
            }
          if (*value == '\0')
            {
              if (field->required)
                dossier_roster_add_problem (roster, row->number, c + 1, _("%s is empty"), field->label_vi);
              continue;
            }
          if (field->unique)
            {
              g_autofree char *slot = g_strconcat (field->key, "\n", value, NULL);
              gpointer first;

              if (g_hash_table_lookup_extended (firsts, slot, NULL, &first))
                dossier_roster_add_problem (roster, row->number, c + 1, _("%s “%s” is also on row %u"),
                                            field->label_vi, value, GPOINTER_TO_UINT (first));
              else
                g_hash_table_insert (firsts, g_steal_pointer (&slot), GUINT_TO_POINTER (row->number));
            }
          g_hash_table_insert (student->values, field->key, g_steal_pointer (&value));
        }
      /* a value with no header above it would be silently lost */
      for (guint c = columns->len; c < n; c++)
        if (*g_strstrip (row->fields[c]) != '\0')
          dossier_roster_add_problem (roster, row->number, c + 1, _("a value in a column with no header"));
    }
  return g_steal_pointer (&students);
}
