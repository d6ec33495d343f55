// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-certificate.h"

G_BEGIN_DECLS

#define DOSSIER_DSC_LIST_MAX_SIZE (8 * 1024 * 1024)
#define DOSSIER_DSC_LIST_MAX_ENTRIES 10000

gboolean   dossier_dsc_list_detect (const char  *data,
                                    gsize        length);
GPtrArray *dossier_dsc_list_parse  (const char  *data,
                                    gsize        length,
                                    GPtrArray  **refused,
                                    GError     **error);

G_END_DECLS
