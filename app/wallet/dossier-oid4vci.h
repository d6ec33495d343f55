// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>

#include "dossier-net-session.h"
#include "dossier-oauth-tokens.h"

G_BEGIN_DECLS

/* OpenID for Verifiable Credential Issuance 1.0, the wallet's side. */

#define DOSSIER_OID4VCI_MAX_OFFER_SIZE     (64 * 1024)
#define DOSSIER_OID4VCI_MAX_METADATA_SIZE  (1024 * 1024)
#define DOSSIER_OID4VCI_MAX_CREDENTIAL_SIZE (4 * 1024 * 1024)

typedef struct
{
  char       *credential_issuer;
  char       *credential_endpoint;
  char       *nonce_endpoint;        /* or NULL */
  char       *deferred_endpoint;     /* or NULL */
  char       *authorization_server;  /* the issuer itself unless it names another */
  char       *display_name;          /* in the person's language when offered, or NULL */
  JsonObject *configurations;        /* credential_configurations_supported */
  /* the authorization server's endpoints */
  char       *authorization_endpoint;
  char       *token_endpoint;
  char       *revocation_endpoint;
} DossierOid4vciIssuer;

void                  dossier_oid4vci_issuer_free       (DossierOid4vciIssuer *issuer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierOid4vciIssuer, dossier_oid4vci_issuer_free)

void                  dossier_oid4vci_discover_async    (DossierNetSession    *net,
                                                         const char           *issuer,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
DossierOid4vciIssuer *dossier_oid4vci_discover_finish   (DossierNetSession    *net,
                                                         GAsyncResult         *result,
                                                         GError              **error);

typedef struct
{
  char  *credential_issuer;
  char **configuration_ids;
  char  *pre_authorized_code;   /* wiped memory, or NULL */
  gboolean tx_code;             /* a transaction code is needed */
  guint  tx_code_length;
  gboolean tx_code_numeric;
  char  *tx_code_description;
  gboolean authorization_code;  /* the offer allows the authorization code flow */
  char  *issuer_state;
} DossierCredentialOffer;

void                    dossier_credential_offer_free  (DossierCredentialOffer *offer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierCredentialOffer, dossier_credential_offer_free)

/* Reads an offer link: returns the offer when it is inline, or sets
 * @fetch_uri to where it must be fetched from. */
DossierCredentialOffer *dossier_credential_offer_parse_link (const char  *link,
                                                             char       **fetch_uri,
                                                             GError     **error);
DossierCredentialOffer *dossier_credential_offer_parse_json (const char  *text,
                                                             gsize        length,
                                                             GError     **error);

/* What one credential request brought. */
typedef struct
{
  char *key;        /* what makes it the same credential at the next sync */
  char *format;
  char *credential; /* the credential as text (JSON text for ldp_vc) */
  char *title;      /* the configuration's display name, or NULL */
} DossierOid4vciDelivery;

/* Of @ids, the configurations a wallet asks for: one format per credential
 * (see dossier-oid4vci.c for how formats are ranked). */
char     **dossier_oid4vci_choose_configurations (DossierOid4vciIssuer *issuer,
                                                  const char * const   *ids);

typedef gboolean (*DossierOid4vciSeenFunc) (const char *key,
                                            gpointer    user_data);

/* Asks the issuer for every credential @tokens grant (or @configuration_ids
 * when the grant lists none; when both, only those of the grant an offer's
 * @configuration_ids name), each in one format only (see
 * dossier_oid4vci_choose_configurations()), and for @pending deferred
 * ones.  Results:
 * deliveries, and the deferred credentials still owed in @still_pending. */
void       dossier_oid4vci_fetch_async  (DossierNetSession      *net,
                                         DossierOid4vciIssuer   *issuer,
                                         const DossierOAuthTokens *tokens,
                                         const char * const     *configuration_ids,
                                         JsonArray              *pending,
                                         EVP_PKEY               *holder_key,
                                         DossierOid4vciSeenFunc  seen,
                                         gpointer                seen_data,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data);
GPtrArray *dossier_oid4vci_fetch_finish (DossierNetSession      *net,
                                         GAsyncResult           *result,
                                         JsonArray             **still_pending,
                                         GError                **error);

EVP_PKEY  *dossier_holder_key_generate  (void);
EVP_PKEY  *dossier_holder_key_load      (const guint8           *der,
                                         gsize                   length);
guint8    *dossier_holder_key_save      (EVP_PKEY               *key,
                                         gsize                  *length);
char      *dossier_oid4vci_proof        (EVP_PKEY               *key,
                                         const char             *audience,
                                         const char             *nonce,
                                         GError                **error);

G_END_DECLS
