// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-issuer-roster.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <string.h>

static void
problem_free (gpointer data)
{
  DossierRosterProblem *problem = data;

  g_free (problem->message);
  g_free (problem);
}

static void
row_free (gpointer data)
{
  DossierRosterRow *row = data;

  g_strfreev (row->fields);
  g_free (row);
}

void
dossier_roster_free (DossierRoster *roster)
{
  if (roster == NULL)
    return;
  g_ptr_array_unref (roster->rows);
  g_ptr_array_unref (roster->problems);
  g_free (roster);
}

void
dossier_roster_add_problem (DossierRoster *roster,
                            guint          row,
                            guint          column,
                            const char    *format,
                            ...)
{
  DossierRosterProblem *problem;
  va_list args;

  g_return_if_fail (roster != NULL && format != NULL);

  if (roster->problems->len >= DOSSIER_ROSTER_MAX_PROBLEMS)
    {
      roster->dropped++;
      return;
    }
  problem = g_new0 (DossierRosterProblem, 1);
  problem->row = row;
  problem->column = column;
  va_start (args, format);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (roster->problems, problem);
}

/* 1 is "A", 26 "Z", 27 "AA", as spreadsheets name columns. */
char *
dossier_roster_column_name (guint column)
{
  char name[8];
  guint at = sizeof name - 1;

  g_return_val_if_fail (column > 0, NULL);

  name[at] = '\0';
  while (column > 0 && at > 0)
    {
      column--;
      name[--at] = (char) ('A' + column % 26);
      column /= 26;
    }
  return g_strdup (name + at);
}

/* "row 3, column C (ngày sinh): ..." */
char *
dossier_roster_describe (DossierRoster        *roster,
                         DossierRosterProblem *problem)
{
  g_autofree char *letter = NULL;
  const char *header = NULL;

  g_return_val_if_fail (roster != NULL && problem != NULL, NULL);

  if (problem->row == 0)
    return g_strdup (problem->message);
  if (problem->column == 0)
    return g_strdup_printf (_("row %u: %s"), problem->row, problem->message);
  letter = dossier_roster_column_name (problem->column);
  if (roster->rows->len > 0)
    {
      DossierRosterRow *first = g_ptr_array_index (roster->rows, 0);

      if (problem->column <= g_strv_length (first->fields) && *first->fields[problem->column - 1] != '\0')
        header = first->fields[problem->column - 1];
    }
  if (header != NULL && problem->row > 1)
    return g_strdup_printf (_("row %u, column %s (%s): %s"), problem->row, letter, header, problem->message);
  return g_strdup_printf (_("row %u, column %s: %s"), problem->row, letter, problem->message);
}

/* The separator the header row uses most, outside quotes: a comma unless a
 * spreadsheet set for another locale chose a semicolon or a tab. */
static char
guess_separator (const char *data,
                 gsize       length)
{
  guint commas = 0, semicolons = 0, tabs = 0;
  gboolean quoted = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '"')
        quoted = !quoted;
      else if (!quoted && (data[i] == '\n' || data[i] == '\r'))
        break;
      else if (!quoted && data[i] == ',')
        commas++;
      else if (!quoted && data[i] == ';')
        semicolons++;
      else if (!quoted && data[i] == '\t')
        tabs++;
    }
  if (semicolons > commas && semicolons >= tabs)
    return ';';
  if (tabs > commas && tabs > semicolons)
    return '\t';
  return ',';
}

typedef struct
{
  DossierRoster *roster;
  GPtrArray     *fields;      /* char *, the current row's */
  GString       *field;
  guint          number;      /* of the current row */
  gboolean       too_long;    /* the current field was cut */
} Reader;

static void
end_field (Reader *reader)
{
  guint column = reader->fields->len + 1;
  char *text = g_string_free (g_steal_pointer (&reader->field), FALSE);

  reader->field = g_string_new (NULL);
  if (reader->too_long)
    dossier_roster_add_problem (reader->roster, reader->number, column,
                                _("longer than %d bytes"), DOSSIER_ROSTER_MAX_FIELD);
  reader->too_long = FALSE;
  if (!g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      dossier_roster_add_problem (reader->roster, reader->number, column,
                                  _("not UTF-8 text; save the spreadsheet as “CSV UTF-8”"));
      g_free (text);
      text = valid;
    }
  if (reader->fields->len < DOSSIER_ROSTER_MAX_COLUMNS)
    g_ptr_array_add (reader->fields, text);
  else
    {
      if (reader->fields->len == DOSSIER_ROSTER_MAX_COLUMNS && *text != '\0')
        dossier_roster_add_problem (reader->roster, reader->number, 0,
                                    _("more than %d columns"), DOSSIER_ROSTER_MAX_COLUMNS);
      g_free (text);
    }
}

static gboolean
end_row (Reader *reader)
{
  DossierRosterRow *row;
  gboolean empty = TRUE;

  end_field (reader);
  for (guint i = 0; i < reader->fields->len; i++)
    if (*(char *) g_ptr_array_index (reader->fields, i) != '\0')
      empty = FALSE;
  g_ptr_array_add (reader->fields, NULL);
  if (!empty)
    {
      if (reader->roster->rows->len > DOSSIER_ROSTER_MAX_ROWS)
        {
          dossier_roster_add_problem (reader->roster, reader->number, 0,
                                      _("a roster holds at most %d students"), DOSSIER_ROSTER_MAX_ROWS);
          g_ptr_array_set_size (reader->fields, 0);
          return FALSE;
        }
      row = g_new0 (DossierRosterRow, 1);
      row->number = reader->number;
      row->fields = (GStrv) g_ptr_array_steal (reader->fields, NULL);
      g_ptr_array_add (reader->roster->rows, row);
    }
  g_ptr_array_set_size (reader->fields, 0);
  reader->number++;
  return TRUE;
}

static void
append (Reader *reader,
        char    c)
{
  if (c == '\0')
    {
      /* a NUL is never text; the UTF-8 check reports it */
      g_string_append (reader->field, "\xff");
      return;
    }
  if (reader->field->len < DOSSIER_ROSTER_MAX_FIELD)
    g_string_append_c (reader->field, c);
  else
    reader->too_long = TRUE;
}

/* Reads @data whatever it holds: what cannot be read becomes problems on
 * the roster, never a failure. */
DossierRoster *
dossier_roster_parse (const char *data,
                      gsize       length)
{
  DossierRoster *roster = g_new0 (DossierRoster, 1);
  Reader reader = { roster, NULL, NULL, 1, FALSE };
  gsize i = 0;
  char separator;

  roster->rows = g_ptr_array_new_with_free_func (row_free);
  roster->problems = g_ptr_array_new_with_free_func (problem_free);
  if (length > DOSSIER_ROSTER_MAX_SIZE)
    {
      dossier_roster_add_problem (roster, 0, 0, _("The roster is larger than %d MiB"),
                                  DOSSIER_ROSTER_MAX_SIZE / (1024 * 1024));
      return roster;
    }
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  else if (length >= 2 && (memcmp (data, "\xff\xfe", 2) == 0 || memcmp (data, "\xfe\xff", 2) == 0))
    {
      dossier_roster_add_problem (roster, 0, 0, _("The roster is UTF-16 text; save the spreadsheet as “CSV UTF-8”"));
      return roster;
    }
  separator = guess_separator (data + i, length - i);
  reader.fields = g_ptr_array_new_with_free_func (g_free);
  reader.field = g_string_new (NULL);

  while (i < length)
    {
      char c = data[i];

      if (c == '"' && reader.field->len == 0)
        {
          guint start_row = reader.number, start_column = reader.fields->len + 1;
          gboolean closed = FALSE;

          for (i++; i < length; i++)
            {
              if (data[i] == '"' && i + 1 < length && data[i + 1] == '"')
                append (&reader, data[i++]);
              else if (data[i] == '"')
                {
                  closed = TRUE;
                  i++;
                  break;
                }
              else if (data[i] != '\r')
                append (&reader, data[i]);
            }
          if (!closed)
            {
              /* the rest of the file went into that field: the row is not read */
              dossier_roster_add_problem (roster, start_row, start_column,
                                          _("a quoted field has no closing quote"));
              g_string_truncate (reader.field, 0);
              g_ptr_array_set_size (reader.fields, 0);
              break;
            }
          if (i < length && data[i] != separator && data[i] != '\n' && data[i] != '\r')
            dossier_roster_add_problem (roster, start_row, start_column, _("text after a closing quote"));
          continue;
        }
      if (c == separator)
        end_field (&reader);
      else if (c == '\n' || c == '\r')
        {
          if (c == '\r' && i + 1 < length && data[i + 1] == '\n')
            i++;
          if (!end_row (&reader))
            break;
        }
      else
        append (&reader, c);
      i++;
    }
  if (reader.field->len > 0 || reader.fields->len > 0)
    end_row (&reader);
  g_string_free (reader.field, TRUE);
  g_ptr_array_unref (reader.fields);
  if (roster->rows->len == 0 && roster->problems->len == 0)
    dossier_roster_add_problem (roster, 0, 0, _("The roster is empty"));
  return roster;
}
