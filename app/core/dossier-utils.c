// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-utils.h"

/* Replaces *slot by a copy of value; TRUE when the value changed. */
gboolean
dossier_set_string (char       **slot,
                    const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

/* RFC 3339 in UTC with whole seconds, the form stored in the vault. */
char *
dossier_format_timestamp (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;

  if (datetime == NULL)
    return NULL;
  utc = g_date_time_to_utc (datetime);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

GDateTime *
dossier_parse_timestamp (const char *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  return g_date_time_new_from_iso8601 (text, NULL);
}

const char *
dossier_enum_to_nick (GType type,
                      int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  return v != NULL ? v->value_nick : NULL;
}

gboolean
dossier_enum_from_nick (GType       type,
                        const char *nick,
                        int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *v;

  if (nick == NULL)
    return FALSE;
  klass = g_type_class_ref (type);
  v = g_enum_get_value_by_nick (klass, nick);
  if (v == NULL)
    return FALSE;
  *value = v->value;
  return TRUE;
}
