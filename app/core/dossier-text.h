// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char  *dossier_text_fold         (const char *text);
char **dossier_text_fold_words   (const char *text);

G_END_DECLS
