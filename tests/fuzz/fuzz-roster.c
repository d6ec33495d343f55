// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target for dossier-issuer's roster: the CSV reader on any
 * bytes, then the rows read against each built-in template.  Whatever the
 * input, every field kept is valid UTF-8 within the limits, and every
 * problem can be described. */
#include "config.h"

#include "dossier-issuer-roster.h"
#include "dossier-issuer-template.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static GPtrArray *templates;

static void
load_templates (void)
{
  static const char * const names[] = { "thpt-diploma", "degree", "certificate" };

  templates = g_ptr_array_new_with_free_func ((GDestroyNotify) dossier_template_free);
  g_setenv ("DOSSIER_ISSUER_TEMPLATE_DIR", SOURCE_ISSUER_TEMPLATE_DIR, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      DossierTemplate *template = dossier_template_load (names[i], &error);

      g_assert_no_error (error);
      g_ptr_array_add (templates, template);
    }
}

static void
check_roster (DossierRoster *roster)
{
  g_assert (roster->rows->len <= DOSSIER_ROSTER_MAX_ROWS + 1);
  for (guint r = 0; r < roster->rows->len; r++)
    {
      DossierRosterRow *row = g_ptr_array_index (roster->rows, r);

      g_assert (g_strv_length (row->fields) <= DOSSIER_ROSTER_MAX_COLUMNS);
      for (guint c = 0; row->fields[c] != NULL; c++)
        g_assert (g_utf8_validate (row->fields[c], -1, NULL));
    }
  for (guint i = 0; i < roster->problems->len; i++)
    {
      g_autofree char *text = dossier_roster_describe (roster, g_ptr_array_index (roster->problems, i));

      g_assert (text != NULL && g_utf8_validate (text, -1, NULL));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (templates == NULL)
    load_templates ();
  for (guint t = 0; t < templates->len; t++)
    {
      g_autoptr(DossierRoster) roster = dossier_roster_parse ((const char *) data, size);
      g_autoptr(GPtrArray) students = dossier_template_read_roster (g_ptr_array_index (templates, t), roster);

      check_roster (roster);
      g_assert (students != NULL);
    }
  return 0;
}
