// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

/* A school's signing identity, kept in one folder:
 *   issuer.json   name (Vietnamese and English), URL, logo, DID, key ids
 *   keys.json     the private keys, encrypted (Argon2id, AES-256-GCM)
 *   jwks.json     the public keys as a JWK Set
 *   did.json      the did:web document
 *   openid-credential-issuer.json  OpenID4VCI issuer metadata
 *   status/       the status bitstrings and their signed list credentials
 *   issued.json   what was issued, with each credential's status index */

#define DOSSIER_ISSUER_ERROR (dossier_issuer_error_quark ())

typedef enum
{
  DOSSIER_ISSUER_ERROR_FAILED,
  DOSSIER_ISSUER_ERROR_EXISTS,
  DOSSIER_ISSUER_ERROR_DAMAGED,
  DOSSIER_ISSUER_ERROR_PASSPHRASE,
  DOSSIER_ISSUER_ERROR_NOT_FOUND,
  DOSSIER_ISSUER_ERROR_FULL,
  DOSSIER_ISSUER_ERROR_INVALID,
} DossierIssuerError;

/* Entries of each status list: 16 KiB of bits, the specification's floor. */
#define DOSSIER_ISSUER_STATUS_ENTRIES (16 * 1024 * 8)

typedef struct
{
  char     *dir;
  char     *id;          /* did:web:... */
  char     *url;
  char     *name_vi;
  char     *name_en;
  char     *logo;
  char     *p256_kid;
  char     *ed25519_kid;  /* NULL without an Ed25519 key */
  EVP_PKEY *p256;         /* private keys, once unlocked */
  EVP_PKEY *ed25519;
  JsonObject *issued;     /* issued.json */
  GHashTable *bits;       /* status purpose -> GBytes, as last read */
  int         lock_fd;    /* held while the identity is unlocked */
} DossierIssuer;

GQuark         dossier_issuer_error_quark    (void);
char          *dossier_issuer_did_for_url    (const char     *url,
                                              GError        **error);
gboolean       dossier_issuer_create         (const char     *dir,
                                              const char     *name_vi,
                                              const char     *name_en,
                                              const char     *url,
                                              const char     *logo,
                                              gboolean        with_ed25519,
                                              const char     *passphrase,
                                              GError        **error);
DossierIssuer *dossier_issuer_open           (const char     *dir,
                                              GError        **error);
gboolean       dossier_issuer_unlock         (DossierIssuer  *self,
                                              const char     *passphrase,
                                              GError        **error);
void           dossier_issuer_free           (DossierIssuer  *self);
char          *dossier_issuer_status_url     (DossierIssuer  *self,
                                              const char     *purpose);
guint          dossier_issuer_next_index     (DossierIssuer  *self);
gboolean       dossier_issuer_record         (DossierIssuer  *self,
                                              GPtrArray      *entries,
                                              GError        **error);
JsonObject    *dossier_issuer_find           (DossierIssuer  *self,
                                              const char     *id);
GPtrArray     *dossier_issuer_find_all       (DossierIssuer  *self,
                                              const char     *id);
gboolean       dossier_issuer_set_status     (DossierIssuer  *self,
                                              const char     *purpose,
                                              guint           index,
                                              gboolean        set,
                                              GError        **error);
gboolean       dossier_issuer_get_status     (DossierIssuer  *self,
                                              const char     *purpose,
                                              guint           index);
gboolean       dossier_issuer_write_status_lists (DossierIssuer *self,
                                                  GError       **error);
gboolean       dossier_issuer_write_file     (const char     *path,
                                              const char     *contents,
                                              gssize          length,
                                              gboolean        secret,
                                              GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierIssuer, dossier_issuer_free)

G_END_DECLS
