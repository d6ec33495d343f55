// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOSSIER_SHL_MAX_TEXT (16 * 1024)
#define DOSSIER_SHL_MAX_MANIFEST (1024 * 1024)
#define DOSSIER_SHL_MAX_FILE (8 * 1024 * 1024)
#define DOSSIER_SHL_MAX_FILES 100

#define DOSSIER_SHL_CONTENT_SHC "application/smart-health-card"
#define DOSSIER_SHL_CONTENT_FHIR "application/fhir+json"

typedef enum
{
  DOSSIER_SHL_FLAG_LONG_TERM = 1 << 0,   /* L: the link may be used for a long time */
  DOSSIER_SHL_FLAG_PASSCODE  = 1 << 1,   /* P: the manifest needs a passcode */
  DOSSIER_SHL_FLAG_DIRECT    = 1 << 2,   /* U: the url is the one encrypted file */
} DossierShlFlags;

/* A SMART Health Link: where its files are and the key they are encrypted
 * under.  The key is wiped when the link is freed. */
typedef struct _DossierShl DossierShl;

/* One file of a manifest: encrypted in place or at a location. */
typedef struct
{
  char *content_type;
  char *embedded;   /* compact JWE, or NULL */
  char *location;   /* https address of the compact JWE, or NULL */
} DossierShlFile;

gboolean        dossier_shl_detect            (const char       *text,
                                               gsize             length);
DossierShl     *dossier_shl_parse             (const char       *text,
                                               gsize             length,
                                               GError          **error);
void            dossier_shl_free              (DossierShl       *shl);
const char     *dossier_shl_get_url           (DossierShl       *shl);
const char     *dossier_shl_get_label         (DossierShl       *shl);
gint64          dossier_shl_get_expiry        (DossierShl       *shl);
DossierShlFlags dossier_shl_get_flags         (DossierShl       *shl);
gboolean        dossier_shl_check_usable      (DossierShl       *shl,
                                               GDateTime        *at,
                                               const char       *passcode,
                                               GError          **error);
char           *dossier_shl_manifest_request  (DossierShl       *shl,
                                               const char       *recipient,
                                               const char       *passcode);
char           *dossier_shl_direct_url        (DossierShl       *shl,
                                               const char       *recipient);
GPtrArray      *dossier_shl_parse_manifest    (const char       *data,
                                               gsize             length,
                                               GError          **error);
GBytes         *dossier_shl_decrypt           (DossierShl       *shl,
                                               const char       *compact,
                                               gsize             length,
                                               char            **content_type,
                                               GError          **error);
char           *dossier_shl_encrypt           (const guint8     *key,
                                               gconstpointer     contents,
                                               gsize             length,
                                               const char       *content_type,
                                               GError          **error);
char           *dossier_shl_encode            (const char       *url,
                                               const guint8     *key,
                                               gint64            expiry,
                                               DossierShlFlags   flags,
                                               const char       *label);
void            dossier_shl_file_free         (DossierShlFile   *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierShl, dossier_shl_free)

G_END_DECLS
