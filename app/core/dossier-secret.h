// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Memory for passphrases and keys: locked into RAM where the system
 * allows it and wiped before it is released. */

void   dossier_secure_wipe     (gpointer    data,
                                gsize       length);
gpointer dossier_secure_alloc  (gsize       length);
void   dossier_secure_free     (gpointer    data,
                                gsize       length);
char  *dossier_secure_strdup   (const char *string);
void   dossier_secure_strfree  (char       *string);
gboolean dossier_secure_random (gpointer    buffer,
                                gsize       length);
gboolean dossier_secure_equal  (gconstpointer a,
                                gconstpointer b,
                                gsize       length);

typedef char DossierSecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierSecretString, dossier_secure_strfree)

G_END_DECLS
