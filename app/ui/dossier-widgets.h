// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void dossier_name_peek_buttons (GtkWidget *root);

G_END_DECLS
