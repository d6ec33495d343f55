// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOSSIER_NET_ERROR (dossier_net_error_quark ())

typedef enum
{
  DOSSIER_NET_ERROR_HTTP,        /* the server answered with an error status */
  DOSSIER_NET_ERROR_TOO_LARGE,   /* the answer is larger than the caller allows */
  DOSSIER_NET_ERROR_INVALID_URI,
  DOSSIER_NET_ERROR_NOT_HTTPS,
  DOSSIER_NET_ERROR_UNAUTHORIZED, /* 401 or 403: a passcode or a grant is missing or wrong */
  /* TLS: the server's certificate was refused, for the reason named */
  DOSSIER_NET_ERROR_CERTIFICATE_UNTRUSTED, /* no trusted authority issued it (or self-signed) */
  DOSSIER_NET_ERROR_CERTIFICATE_WRONG_HOST,
  DOSSIER_NET_ERROR_CERTIFICATE_EXPIRED,   /* expired, or not valid yet */
  DOSSIER_NET_ERROR_CERTIFICATE_INVALID,   /* revoked, insecure or unreadable */
  DOSSIER_NET_ERROR_MALFORMED,             /* an answer that is not what its API promises */
} DossierNetError;

GQuark dossier_net_error_quark (void);

#define DOSSIER_NET_DEFAULT_TIMEOUT 30

#define DOSSIER_TYPE_NET_SESSION (dossier_net_session_get_type ())
G_DECLARE_FINAL_TYPE (DossierNetSession, dossier_net_session, DOSSIER, NET_SESSION, GObject)

DossierNetSession *dossier_net_session_new              (void);
void               dossier_net_session_set_allow_http   (DossierNetSession    *self,
                                                         gboolean              allow);
void               dossier_net_session_set_timeout      (DossierNetSession    *self,
                                                         guint                 seconds);
gboolean           dossier_net_session_set_trust_anchors (DossierNetSession   *self,
                                                         const char           *pem_file,
                                                         GError              **error);
void               dossier_net_session_get_bytes_async  (DossierNetSession    *self,
                                                         const char           *uri,
                                                         gsize                 max_size,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void               dossier_net_session_post_json_async  (DossierNetSession    *self,
                                                         const char           *uri,
                                                         const char           *json_body,
                                                         gsize                 max_size,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GBytes            *dossier_net_session_get_bytes_finish (DossierNetSession    *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void               dossier_net_session_post_form_async  (DossierNetSession    *self,
                                                         const char           *uri,
                                                         GHashTable           *form,
                                                         gsize                 max_size,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GBytes            *dossier_net_session_post_form_finish (DossierNetSession    *self,
                                                         GAsyncResult         *result,
                                                         guint                *status,
                                                         GError              **error);
void               dossier_net_session_send_async       (DossierNetSession    *self,
                                                         const char           *method,
                                                         const char           *uri,
                                                         const char           *bearer,
                                                         const char           *accept,
                                                         const char           *content_type,
                                                         GBytes               *body,
                                                         gsize                 max_size,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean           dossier_net_session_check_uri        (DossierNetSession    *self,
                                                         const char           *uri,
                                                         GError              **error);

G_END_DECLS
