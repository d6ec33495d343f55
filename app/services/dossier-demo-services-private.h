// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dossier-demo-catalog.h"
#include "dossier-demo-services.h"

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define DEMO_CODE_LIFETIME     60          /* seconds an authorization code lives */
#define DEMO_PRE_CODE_LIFETIME (5 * 60)    /* a pre-authorized code */
#define DEMO_TOKEN_LIFETIME    (10 * 60)   /* an access token */
#define DEMO_NONCE_LIFETIME    (5 * 60)    /* a c_nonce */
#define DEMO_MAX_ENTRIES       10000       /* codes, tokens, nonces or links held at once */

typedef enum
{
  DEMO_SERVICE_MOET,
  DEMO_SERVICE_MOH,
} DemoService;

/* What an authorization code, a pre-authorized code, an access token or a
 * refresh token stands for. */
typedef struct
{
  DemoService  service;
  char        *person;          /* the person's id */
  char        *client_id;
  char        *redirect_uri;    /* authorization codes only */
  char        *challenge;       /* authorization codes only: the S256 code challenge */
  char        *tx_code;         /* pre-authorized codes only */
  char        *scope;
  char        *nonce;           /* OpenID Connect: the authorization request's nonce */
  GStrv        configurations;  /* moet: the credential configurations asked for; NULL for all */
  gint64       expires;         /* seconds since the epoch; 0 for never */
  guint        attempts;        /* pre-authorized codes: wrong tx_codes so far */
} DemoGrant;

struct _DossierDemoServices
{
  SoupServer         *server;
  DossierDemoCatalog *catalog;
  gboolean            faults;
  char               *moet;
  char               *moh;
  char               *shl;
  GHashTable         *codes;        /* authorization code -> DemoGrant */
  GHashTable         *pre_codes;    /* pre-authorized code -> DemoGrant */
  GHashTable         *tokens;       /* access token -> DemoGrant */
  GHashTable         *refresh;      /* refresh token -> DemoGrant */
  GHashTable         *nonces;       /* c_nonce -> expiry, as a gint64 in a pointer-sized box */
  GHashTable         *offers;       /* offer id -> JsonObject */
  GHashTable         *deferred;     /* transaction id -> DemoDeferred */
  GHashTable         *links;        /* SHL manifest id -> GPtrArray of file ids */
  GHashTable         *files;        /* SHL file id -> GBytes */
  guint               drop_pages;
  gboolean            no_summary;
  GBytes             *huge;
};

/* dossier-demo-http.c */
gint64      demo_now                (void);
char       *demo_random_string      (gsize                 bytes);
void        demo_send_json          (SoupServerMessage    *msg,
                                     guint                 status,
                                     JsonObject           *object);
void        demo_send_typed_json    (SoupServerMessage    *msg,
                                     guint                 status,
                                     const char           *content_type,
                                     JsonObject           *object);
void        demo_send_error         (SoupServerMessage    *msg,
                                     guint                 status,
                                     const char           *error,
                                     const char           *description);
GHashTable *demo_read_form          (SoupServerMessage    *msg);
JsonObject *demo_read_json          (SoupServerMessage    *msg);
gboolean    demo_is_loopback_redirect (const char         *uri);
DemoGrant  *demo_grant_new          (DemoService           service,
                                     const char           *person);
DemoGrant  *demo_grant_copy         (DemoGrant            *grant);
void        demo_grant_free         (DemoGrant            *grant);
gboolean    demo_table_add          (GHashTable           *table,
                                     char                 *key,
                                     gpointer              value);
DemoGrant  *demo_bearer             (DossierDemoServices  *self,
                                     SoupServerMessage    *msg,
                                     DemoService           service);
JsonObject *demo_json_copy          (JsonObject           *object);
char       *demo_url                (const char           *base,
                                     const char           *format,
                                     ...) G_GNUC_PRINTF (2, 3);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoGrant, demo_grant_free)

/* dossier-demo-oauth.c */
void        demo_oauth_authorize    (DossierDemoServices  *self,
                                     SoupServerMessage    *msg,
                                     DemoService           service);
void        demo_oauth_token        (DossierDemoServices  *self,
                                     SoupServerMessage    *msg,
                                     DemoService           service);
void        demo_oauth_revoke       (DossierDemoServices  *self,
                                     SoupServerMessage    *msg);
JsonObject *demo_oauth_issue_tokens (DossierDemoServices  *self,
                                     DemoGrant            *grant);

/* dossier-demo-moet.c */
gboolean    demo_moet_is_configuration (const char        *id);
void        demo_moet_handle        (DossierDemoServices  *self,
                                     SoupServerMessage    *msg,
                                     const char           *path);
gboolean    demo_moet_handle_root   (DossierDemoServices  *self,
                                     SoupServerMessage    *msg,
                                     const char           *path);
void        demo_moet_add_details   (DossierDemoServices  *self,
                                     JsonObject           *response,
                                     DemoGrant            *grant);
void        demo_moet_pre_authorized (DossierDemoServices *self,
                                      SoupServerMessage   *msg,
                                      GHashTable          *form);

/* dossier-demo-moh.c */
char       *demo_moh_id_token       (DossierDemoServices  *self,
                                     DemoGrant            *grant,
                                     DossierDemoPerson    *person);
void        demo_moh_handle         (DossierDemoServices  *self,
                                     SoupServerMessage    *msg,
                                     const char           *path);
gboolean    demo_moh_handle_root    (DossierDemoServices  *self,
                                     SoupServerMessage    *msg,
                                     const char           *path);

/* dossier-demo-shl.c */
void        demo_shl_handle         (DossierDemoServices  *self,
                                     SoupServerMessage    *msg,
                                     const char           *path);
gboolean    demo_fault_handle       (DossierDemoServices  *self,
                                     SoupServerMessage    *msg,
                                     const char           *path);
void        demo_drop_connection    (SoupServerMessage    *msg);

G_END_DECLS
