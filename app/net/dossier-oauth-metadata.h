// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "dossier-net-session.h"

G_BEGIN_DECLS

#define DOSSIER_OAUTH_METADATA_MAX_SIZE (64 * 1024)

/* The documents a service may publish its sign-in settings in, in the
 * order they are looked for. */
typedef enum
{
  DOSSIER_OAUTH_METADATA_OPENID, /* /.well-known/openid-configuration */
  DOSSIER_OAUTH_METADATA_OAUTH,  /* /.well-known/oauth-authorization-server (RFC 8414) */
  DOSSIER_OAUTH_METADATA_SMART,  /* /.well-known/smart-configuration */
  DOSSIER_OAUTH_N_METADATA_KINDS,
} DossierOAuthMetadataKind;

typedef struct
{
  char *authorization_endpoint;
  char *token_endpoint;
  char *revocation_endpoint;    /* or NULL: the service does not offer revocation */
} DossierOAuthMetadata;

const char           *dossier_oauth_metadata_document (DossierOAuthMetadataKind   kind);
char                 *dossier_oauth_metadata_uri      (const char                *issuer,
                                                       DossierOAuthMetadataKind   kind);
DossierOAuthMetadata *dossier_oauth_metadata_parse    (const char                *issuer,
                                                       DossierOAuthMetadataKind   kind,
                                                       GBytes                    *bytes,
                                                       DossierNetSession         *net,
                                                       GError                   **error);
void                  dossier_oauth_metadata_free     (DossierOAuthMetadata      *metadata);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierOAuthMetadata, dossier_oauth_metadata_free)

G_END_DECLS
