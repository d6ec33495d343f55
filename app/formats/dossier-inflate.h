// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DOSSIER_INFLATE_RAW,    /* raw DEFLATE (RFC 1951), as SMART Health Cards use */
  DOSSIER_INFLATE_ZLIB,   /* zlib wrapper (RFC 1950), as EU DCC uses */
  DOSSIER_INFLATE_GZIP,   /* gzip wrapper (RFC 1952), as Bitstring Status Lists use */
} DossierInflateMode;

#define DOSSIER_INFLATE_MAX_OUTPUT (1024 * 1024)

GBytes *dossier_inflate (gconstpointer        data,
                         gsize                length,
                         DossierInflateMode   mode,
                         gsize                max_output,
                         GError             **error);
GBytes *dossier_deflate (gconstpointer        data,
                         gsize                length,
                         DossierInflateMode   mode);

G_END_DECLS
