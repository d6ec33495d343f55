// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "dossier-oauth-client.h"

G_BEGIN_DECLS

/* Why a service could not be reached, signed in to, synced or received
 * from, in terms a window can turn into plain words.  Every error of the
 * services API is in this domain; the message says what happened. */
#define DOSSIER_SERVICES_ERROR (dossier_services_error_quark ())

typedef enum
{
  DOSSIER_SERVICES_ERROR_OFFLINE,         /* the service could not be reached */
  DOSSIER_SERVICES_ERROR_SIGN_IN_REFUSED, /* the person or the service refused the sign-in */
  DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED,  /* no sign-in, or it expired and cannot be renewed */
  DOSSIER_SERVICES_ERROR_SERVER_ERROR,    /* the service failed, or offers nothing Dossier can use */
  DOSSIER_SERVICES_ERROR_CERTIFICATE,     /* the service's security certificate was refused */
  DOSSIER_SERVICES_ERROR_TIMEOUT,         /* the service took too long to answer */
  DOSSIER_SERVICES_ERROR_TOO_LARGE,       /* the service sent more than Dossier accepts */
  DOSSIER_SERVICES_ERROR_MALFORMED,       /* an answer, offer or address Dossier cannot read */
  DOSSIER_SERVICES_ERROR_CANCELLED,       /* the person stopped it */
  DOSSIER_SERVICES_ERROR_WRONG_CODE,      /* the transaction code of an offer was refused */
  DOSSIER_SERVICES_ERROR_NOT_FOUND,       /* no connection by that name */
  DOSSIER_SERVICES_ERROR_EXISTS,          /* a connection to that address is already kept */
} DossierServicesError;

GQuark dossier_services_error_quark (void);

typedef enum
{
  DOSSIER_SERVICE_KIND_HEALTH,   /* SMART on FHIR: the health book */
  DOSSIER_SERVICE_KIND_LEARNING, /* OpenID4VCI: diplomas, degrees and certificates */
} DossierServiceKind;

#define DOSSIER_TYPE_SERVICE_KIND (dossier_service_kind_get_type ())
GType dossier_service_kind_get_type (void) G_GNUC_CONST;

/* One service the vault is connected to.  Its fields are kept in the
 * vault's settings; its tokens among the vault's secrets. */
#define DOSSIER_TYPE_SERVICE_CONNECTION (dossier_service_connection_get_type ())
G_DECLARE_FINAL_TYPE (DossierServiceConnection, dossier_service_connection, DOSSIER, SERVICE_CONNECTION, GObject)

const char         *dossier_service_connection_get_id            (DossierServiceConnection *self);
const char         *dossier_service_connection_get_display_name  (DossierServiceConnection *self);
const char         *dossier_service_connection_get_base_url      (DossierServiceConnection *self);
DossierServiceKind  dossier_service_connection_get_kind          (DossierServiceConnection *self);
gint64              dossier_service_connection_get_person_id     (DossierServiceConnection *self);
gboolean            dossier_service_connection_get_signed_in     (DossierServiceConnection *self);
GDateTime          *dossier_service_connection_get_last_sync     (DossierServiceConnection *self);
const char         *dossier_service_connection_get_last_error    (DossierServiceConnection *self);

/* What became of one item a sync or an offer delivered. */
typedef enum
{
  DOSSIER_SYNC_ITEM_NEW,       /* kept in the vault by this sync */
  DOSSIER_SYNC_ITEM_UNCHANGED, /* already in the vault */
  DOSSIER_SYNC_ITEM_PENDING,   /* the issuer will deliver it later; fetched on the next sync */
  DOSSIER_SYNC_ITEM_FAILED,    /* could not be fetched or read; see its error */
} DossierSyncItemStatus;

typedef struct
{
  char                  *title;  /* what the item is, for people ("Immunization", a diploma's name) */
  DossierSyncItemStatus  status;
  char                  *error;  /* why it failed, or NULL */
} DossierSyncItem;

#define DOSSIER_TYPE_SYNC_SUMMARY (dossier_sync_summary_get_type ())
G_DECLARE_FINAL_TYPE (DossierSyncSummary, dossier_sync_summary, DOSSIER, SYNC_SUMMARY, GObject)

guint       dossier_sync_summary_get_n_new       (DossierSyncSummary *self);
guint       dossier_sync_summary_get_n_unchanged (DossierSyncSummary *self);
guint       dossier_sync_summary_get_n_pending   (DossierSyncSummary *self);
guint       dossier_sync_summary_get_n_failed    (DossierSyncSummary *self);
/* (element-type DossierSyncItem): in the order they were fetched */
GPtrArray  *dossier_sync_summary_get_items       (DossierSyncSummary *self);

/**
 * DossierSyncProgressFunc:
 * @what: translated words for what is being fetched ("Immunizations, page 2")
 * @fraction: between 0 and 1, or -1 when the share done is unknown
 *
 * Called on the thread that started the sync, as it goes.
 */
typedef void (*DossierSyncProgressFunc) (const char *what,
                                         double      fraction,
                                         gpointer    user_data);

/* An offer asks for a transaction code the issuer sent some other way
 * (a text message, a letter).  The request is answered once, now or
 * later, with dossier_tx_code_request_reply() or _cancel(). */
#define DOSSIER_TYPE_TX_CODE_REQUEST (dossier_tx_code_request_get_type ())
G_DECLARE_FINAL_TYPE (DossierTxCodeRequest, dossier_tx_code_request, DOSSIER, TX_CODE_REQUEST, GObject)

const char *dossier_tx_code_request_get_issuer_name (DossierTxCodeRequest *self);
const char *dossier_tx_code_request_get_description (DossierTxCodeRequest *self); /* the issuer's words, or NULL */
guint       dossier_tx_code_request_get_length      (DossierTxCodeRequest *self); /* 0 when not said */
gboolean    dossier_tx_code_request_get_numeric     (DossierTxCodeRequest *self);
gboolean    dossier_tx_code_request_get_retry       (DossierTxCodeRequest *self); /* an earlier code was refused */
void        dossier_tx_code_request_reply           (DossierTxCodeRequest *self,
                                                     const char           *code);
void        dossier_tx_code_request_cancel          (DossierTxCodeRequest *self);

typedef void (*DossierTxCodeFunc) (DossierTxCodeRequest *request,
                                   gpointer              user_data);

/* The service connections of one wallet, as a GListModel of
 * DossierServiceConnection.  The vault must be open. */
#define DOSSIER_TYPE_SERVICES (dossier_services_get_type ())
G_DECLARE_FINAL_TYPE (DossierServices, dossier_services, DOSSIER, SERVICES, GObject)

/* Loads the connections kept in the vault; call after each unlock. */
void                      dossier_services_load_async          (DossierServices          *self,
                                                                GCancellable             *cancellable,
                                                                GAsyncReadyCallback       callback,
                                                                gpointer                  user_data);
gboolean                  dossier_services_load_finish         (DossierServices          *self,
                                                                GAsyncResult             *result,
                                                                GError                  **error);
/* by id, or by display name or base URL as a person types them */
DossierServiceConnection *dossier_services_lookup              (DossierServices          *self,
                                                                const char               *name);

/* Discovery at @url decides the kind: SMART configuration means health,
 * OpenID4VCI issuer metadata means learning. */
void                      dossier_services_add_async           (DossierServices          *self,
                                                                const char               *url,
                                                                gint64                    person_id,
                                                                GCancellable             *cancellable,
                                                                GAsyncReadyCallback       callback,
                                                                gpointer                  user_data);
DossierServiceConnection *dossier_services_add_finish          (DossierServices          *self,
                                                                GAsyncResult             *result,
                                                                GError                  **error);
/* Signs out first when signed in; records already received stay. */
void                      dossier_services_remove_async        (DossierServices          *self,
                                                                DossierServiceConnection *connection,
                                                                GCancellable             *cancellable,
                                                                GAsyncReadyCallback       callback,
                                                                gpointer                  user_data);
gboolean                  dossier_services_remove_finish       (DossierServices          *self,
                                                                GAsyncResult             *result,
                                                                GError                  **error);

/* @browser: (nullable): opens the consent page; %NULL opens the system's
 * web browser with g_app_info_launch_default_for_uri(). */
void                      dossier_services_sign_in_async       (DossierServices          *self,
                                                                DossierServiceConnection *connection,
                                                                DossierOAuthBrowserFunc   browser,
                                                                gpointer                  browser_data,
                                                                GCancellable             *cancellable,
                                                                GAsyncReadyCallback       callback,
                                                                gpointer                  user_data);
gboolean                  dossier_services_sign_in_finish      (DossierServices          *self,
                                                                GAsyncResult             *result,
                                                                GError                  **error);
void                      dossier_services_sign_out_async      (DossierServices          *self,
                                                                DossierServiceConnection *connection,
                                                                GCancellable             *cancellable,
                                                                GAsyncReadyCallback       callback,
                                                                gpointer                  user_data);
gboolean                  dossier_services_sign_out_finish     (DossierServices          *self,
                                                                GAsyncResult             *result,
                                                                GError                  **error);

/* Fetches what @connection holds (every connection when %NULL) and keeps
 * what is new in one vault transaction: a failed sync changes nothing. */
void                      dossier_services_sync_async          (DossierServices          *self,
                                                                DossierServiceConnection *connection,
                                                                DossierSyncProgressFunc   progress,
                                                                gpointer                  progress_data,
                                                                GCancellable             *cancellable,
                                                                GAsyncReadyCallback       callback,
                                                                gpointer                  user_data);
DossierSyncSummary       *dossier_services_sync_finish         (DossierServices          *self,
                                                                GAsyncResult             *result,
                                                                GError                  **error);

/* @offer: an openid-credential-offer:// URL or an https link to one.
 * @tx_code: (nullable): asked when the offer needs a transaction code. */
void                      dossier_services_receive_offer_async (DossierServices          *self,
                                                                const char               *offer,
                                                                gint64                    person_id,
                                                                DossierTxCodeFunc         tx_code,
                                                                gpointer                  tx_code_data,
                                                                DossierOAuthBrowserFunc   browser,
                                                                gpointer                  browser_data,
                                                                GCancellable             *cancellable,
                                                                GAsyncReadyCallback       callback,
                                                                gpointer                  user_data);
DossierSyncSummary       *dossier_services_receive_offer_finish (DossierServices         *self,
                                                                GAsyncResult             *result,
                                                                GError                  **error);

/* A per-vault preference the window reads after unlocking. */
gboolean                  dossier_services_get_sync_on_unlock  (DossierServices          *self);
void                      dossier_services_set_sync_on_unlock_async  (DossierServices    *self,
                                                                      gboolean            sync_on_unlock,
                                                                      GCancellable       *cancellable,
                                                                      GAsyncReadyCallback callback,
                                                                      gpointer            user_data);
gboolean                  dossier_services_set_sync_on_unlock_finish (DossierServices    *self,
                                                                      GAsyncResult       *result,
                                                                      GError            **error);

G_END_DECLS
