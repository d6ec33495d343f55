// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

gboolean  dossier_set_string         (char       **slot,
                                      const char  *value);
char     *dossier_format_timestamp   (GDateTime   *datetime);
GDateTime *dossier_parse_timestamp   (const char  *text);
const char *dossier_enum_to_nick     (GType        type,
                                      int          value);
gboolean  dossier_enum_from_nick     (GType        type,
                                      const char  *nick,
                                      int         *value);

G_END_DECLS
