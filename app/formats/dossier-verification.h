// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "dossier-certificate.h"
#include "dossier-jwk.h"
#include "dossier-record.h"

G_BEGIN_DECLS

/* Where verification finds keys and issuer documents (key sets, revocation
 * lists).  The wallet's trust registry implements it. */
/* Where a document handed out by a key source came from: a file the user
 * chose to trust, or the network. */
typedef enum
{
  DOSSIER_DOCUMENT_TRUSTED,
  DOSSIER_DOCUMENT_FETCHED,
} DossierDocumentOrigin;

#define DOSSIER_TYPE_KEY_SOURCE (dossier_key_source_get_type ())
G_DECLARE_INTERFACE (DossierKeySource, dossier_key_source, DOSSIER, KEY_SOURCE, GObject)

struct _DossierKeySourceInterface
{
  GTypeInterface parent_iface;

  /* Trusted keys with @kid (any kid when NULL) usable for @issuer; the
   * anchor's name is stored on each key as data "dossier-anchor". */
  GPtrArray *(*find_keys)         (DossierKeySource *self,
                                   const char       *issuer,
                                   const char       *kid);
  /* Trusted certificates whose COSE key id is @kid (any when NULL). */
  GPtrArray *(*find_certificates) (DossierKeySource *self,
                                   GBytes           *kid);
  /* A document the issuer publishes under @path (e.g. ".well-known/crl/KID.json"). */
  GBytes    *(*get_issuer_document) (DossierKeySource *self,
                                     const char       *issuer,
                                     DossierJwk       *key,
                                     const char       *path);
  /* The document at @uri (a status list, a DID document), from the trust
   * anchors or fetched; DOSSIER_FORMAT_ERROR_UNAVAILABLE when neither can be. */
  GBytes    *(*get_document)      (DossierKeySource       *self,
                                   const char             *uri,
                                   gsize                   max_size,
                                   DossierDocumentOrigin  *origin,
                                   GError                **error);
};

GPtrArray *dossier_key_source_find_keys           (DossierKeySource *self,
                                                   const char       *issuer,
                                                   const char       *kid);
GPtrArray *dossier_key_source_find_certificates   (DossierKeySource *self,
                                                   GBytes           *kid);
GBytes    *dossier_key_source_get_issuer_document (DossierKeySource *self,
                                                   const char       *issuer,
                                                   DossierJwk       *key,
                                                   const char       *path);
GBytes    *dossier_key_source_get_document        (DossierKeySource       *self,
                                                   const char             *uri,
                                                   gsize                   max_size,
                                                   DossierDocumentOrigin  *origin,
                                                   GError                **error);

typedef struct
{
  DossierKeySource *keys;      /* may be NULL: no trusted keys at all */
  GDateTime        *at;        /* validation time; NULL skips all time checks */
  const char       *audience;  /* what a presentation's key binding must name, or NULL */
  const char       *nonce;     /* the nonce it must carry, or NULL */
} DossierVerifyOptions;

#define DOSSIER_TYPE_VERIFICATION (dossier_verification_get_type ())
G_DECLARE_FINAL_TYPE (DossierVerification, dossier_verification, DOSSIER, VERIFICATION, GObject)

DossierVerification *dossier_verification_new               (const char          *input);
void                 dossier_verification_set_format        (DossierVerification *self,
                                                             const char          *format);
const char          *dossier_verification_get_format        (DossierVerification *self);
gboolean             dossier_verification_check             (DossierVerification *self,
                                                             const char          *name,
                                                             gboolean             ok,
                                                             const char          *detail_format,
                                                             ...) G_GNUC_PRINTF (4, 5);
gboolean             dossier_verification_fail              (DossierVerification *self,
                                                             const char          *name,
                                                             const char          *code,
                                                             const char          *detail_format,
                                                             ...) G_GNUC_PRINTF (4, 5);
const char          *dossier_verification_get_error_message (DossierVerification *self);
gboolean             dossier_verification_has_failed        (DossierVerification *self);
const char          *dossier_verification_get_first_failure (DossierVerification *self);
void                 dossier_verification_set_issuer        (DossierVerification *self,
                                                             const char          *id,
                                                             const char          *name,
                                                             gboolean             trusted);
void                 dossier_verification_set_subject       (DossierVerification *self,
                                                             const char          *subject);
void                 dossier_verification_set_error         (DossierVerification *self,
                                                             const char          *code,
                                                             const char          *message);
void                 dossier_verification_note_time_checks  (DossierVerification *self,
                                                             gboolean             skipped);
void                 dossier_verification_note_status_unchecked (DossierVerification *self,
                                                                 const char          *reason);
void                 dossier_verification_note_unsigned     (DossierVerification *self,
                                                             const char          *reason);
void                 dossier_verification_add_record        (DossierVerification *self,
                                                             DossierRecord       *record);
GPtrArray           *dossier_verification_get_records       (DossierVerification *self);

typedef void (*DossierVerificationContentFunc) (DossierVerification *self,
                                                gpointer             data);
void                 dossier_verification_defer_content     (DossierVerification            *self,
                                                             DossierVerificationContentFunc  func,
                                                             gpointer                        data,
                                                             GDestroyNotify                  destroy);
const char          *dossier_verification_get_summary       (DossierVerification *self);
DossierVerdict      *dossier_verification_to_verdict        (DossierVerification *self);
JsonNode            *dossier_verification_to_json           (DossierVerification *self);

G_END_DECLS
