// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the window tests share: waiting on the main loop for a condition,
 * letting queued work and redraws run, and saving what a window shows. */

typedef gboolean (*DossierTestCondition) (GtkWidget     *window,
                                          gconstpointer  data);

void     dossier_test_wait_seconds_until (GtkWidget            *window,
                                          guint                 seconds,
                                          DossierTestCondition  condition,
                                          gconstpointer         data,
                                          const char           *what);
void     dossier_test_wait_until         (GtkWidget            *window,
                                          DossierTestCondition  condition,
                                          gconstpointer         data,
                                          const char           *what);
void     dossier_test_settle             (void);
gboolean dossier_test_is_drawn           (GtkWidget            *window,
                                          gconstpointer         data);
void     dossier_test_save_screenshot    (GtkWidget            *window,
                                          const char           *path);

G_END_DECLS
