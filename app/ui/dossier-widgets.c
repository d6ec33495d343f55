// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-widgets.h"

#include <glib/gi18n.h>

/* Small fixes to widgets Dossier uses. */

static gboolean
is_peek_button (GtkWidget *widget)
{
  GtkWidget *child;
  const char *icon;

  if (!GTK_IS_BUTTON (widget))
    return FALSE;
  child = gtk_button_get_child (GTK_BUTTON (widget));
  icon = child != NULL && GTK_IS_IMAGE (child) ? gtk_image_get_icon_name (GTK_IMAGE (child)) : NULL;
  return icon != NULL && g_str_has_prefix (icon, "view-");
}

/**
 * dossier_name_peek_buttons:
 *
 * Names, for assistive technologies, the button that shows or hides the
 * text of every AdwPasswordEntryRow under @root: libadwaita 1.2 leaves it
 * without a name.
 */
void
dossier_name_peek_buttons (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (is_peek_button (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Show or Hide the Passphrase"), -1);
      else
        dossier_name_peek_buttons (child);
    }
}
