// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-services-internal.h"

#include "dossier-json.h"
#include "dossier-secret.h"
#include "dossier-service-tokens.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Receiving the credentials of an OpenID4VCI offer; once signed in, the
 * rest is a sync of the issuer's connection. */

/* Receiving a credential offer */

#define MAX_TX_CODE_ATTEMPTS 3

typedef struct
{
  DossierCredentialOffer  *offer;
  DossierTxCodeFunc        tx_code;
  gpointer                 tx_code_data;
  DossierOAuthBrowserFunc  browser;
  gpointer                 browser_data;
  guint                    attempts;
} ReceiveData;

static void
receive_data_free (ReceiveData *data)
{
  dossier_credential_offer_free (data->offer);
  g_free (data);
}

#define RECEIVE_KEY "dossier-receive"

static ReceiveData *
receive_data (GTask *task)
{
  return g_object_get_data (G_OBJECT (task), RECEIVE_KEY);
}

static void
receive_failed (GTask  *task,
                GError *error)
{
  SyncJob *job = g_task_get_task_data (task);
  const char *name = job->issuer != NULL && job->issuer->display_name != NULL ? job->issuer->display_name
                     : receive_data (task)->offer != NULL ? receive_data (task)->offer->credential_issuer
                                                          : _("The issuer");

  services_return_error (task, error, name);
  g_object_unref (task);
}

static void
on_offer_tokens_kept (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *key = NULL;
  GError *error = NULL;

  if (!dossier_service_tokens_save_finish (DOSSIER_VAULT (source), result, &error))
    {
      receive_failed (task, error);
      return;
    }
  if (job->tokens->refresh_token != NULL)
    dossier_service_connection_set_signed_in (job->current, TRUE);
  /* from here on, as a sync of the issuer's connection */
  job->new_seen = g_ptr_array_new_with_free_func (g_free);
  job->records = g_ptr_array_new_with_free_func (g_object_unref);
  key = services_seen_setting (dossier_service_connection_get_id (job->current));
  dossier_vault_get_setting_async (services_vault (self), key, g_task_get_cancellable (task), services_on_seen_loaded, task);
}

static void
keep_offer_tokens (GTask              *task,
                   DossierOAuthTokens *tokens)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);

  g_clear_pointer (&job->tokens, dossier_oauth_tokens_free);
  job->tokens = tokens;
  dossier_service_tokens_save_async (services_vault (self), dossier_service_connection_get_base_url (job->current), tokens,
                                     NULL, on_offer_tokens_kept, task);
}

static void ask_tx_code (GTask *task);

static void
on_offer_exchanged (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  ReceiveData *data = receive_data (task);
  DossierOAuthTokens *tokens;
  GError *error = NULL;

  tokens = dossier_oauth_client_get_tokens_finish (DOSSIER_OAUTH_CLIENT (source), result, &error);
  if (tokens == NULL)
    {
      /* a wrong transaction code is refused as an invalid grant */
      if (g_error_matches (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_REFUSED) && data->offer->tx_code)
        {
          g_error_free (error);
          if (data->attempts < MAX_TX_CODE_ATTEMPTS)
            {
              ask_tx_code (task);
              return;
            }
          g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_WRONG_CODE,
                                   _("The issuer refused the transaction code"));
          g_object_unref (task);
          return;
        }
      receive_failed (task, error);
      return;
    }
  keep_offer_tokens (task, tokens);
}

static void
exchange_offer (GTask      *task,
                const char *tx_code)
{
  SyncJob *job = g_task_get_task_data (task);
  ReceiveData *data = receive_data (task);
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) dossier_secure_strfree);

  g_hash_table_insert (form, g_strdup ("grant_type"), dossier_secure_strdup ("urn:ietf:params:oauth:grant-type:pre-authorized_code"));
  g_hash_table_insert (form, g_strdup ("pre-authorized_code"), dossier_secure_strdup (data->offer->pre_authorized_code));
  if (tx_code != NULL)
    g_hash_table_insert (form, g_strdup ("tx_code"), dossier_secure_strdup (tx_code));
  data->attempts++;
  dossier_oauth_client_exchange_async (job->client, form, g_task_get_cancellable (task), on_offer_exchanged, task);
}

static void
on_tx_code (const char *code,
            gpointer    user_data)
{
  GTask *task = user_data;
  ReceiveData *data = receive_data (task);

  if (code == NULL)
    {
      if (data->attempts > 0)
        g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_WRONG_CODE,
                                 _("The issuer refused the transaction code"));
      else
        g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CANCELLED,
                                 _("No transaction code was given: the offer was not received"));
      g_object_unref (task);
      return;
    }
  exchange_offer (task, code);
}

static void
ask_tx_code (GTask *task)
{
  SyncJob *job = g_task_get_task_data (task);
  ReceiveData *data = receive_data (task);
  g_autoptr(DossierTxCodeRequest) request = NULL;

  if (data->tx_code == NULL)
    {
      on_tx_code (NULL, task);
      return;
    }
  request = dossier_tx_code_request_new (job->issuer->display_name != NULL ? job->issuer->display_name
                                                                           : job->issuer->credential_issuer,
                                         data->offer->tx_code_description, data->offer->tx_code_length,
                                         data->offer->tx_code_numeric, data->attempts > 0, on_tx_code, task);
  data->tx_code (request, data->tx_code_data);
}

static void
on_offer_signed_in (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  DossierOAuthTokens *tokens;
  GError *error = NULL;

  tokens = dossier_oauth_client_get_tokens_finish (DOSSIER_OAUTH_CLIENT (source), result, &error);
  if (tokens == NULL)
    {
      receive_failed (task, error);
      return;
    }
  keep_offer_tokens (task, tokens);
}

static gboolean
call_offer_browser (const char  *uri,
                    gpointer     user_data,
                    GError     **error)
{
  ReceiveData *data = user_data;

  return data->browser (uri, data->browser_data, error);
}

static void
on_offer_issuer (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  ReceiveData *data = receive_data (task);
  DossierServiceConnection *connection;
  GError *error = NULL;

  job->issuer = dossier_oid4vci_discover_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (job->issuer == NULL)
    {
      receive_failed (task, error);
      return;
    }
  /* the issuer becomes a connection, so that what it defers is fetched
   * at the next sync */
  connection = dossier_services_lookup (self, job->issuer->credential_issuer);
  if (connection == NULL)
    {
      g_autofree char *id = services_unique_id (self, job->issuer->credential_issuer);

      connection = dossier_service_connection_new (id, job->issuer->credential_issuer, DOSSIER_SERVICE_KIND_LEARNING);
      dossier_service_connection_set_display_name (connection, job->issuer->display_name != NULL
                                                                 ? job->issuer->display_name : id);
      dossier_service_connection_set_person_id (connection, job->person_id);
      g_ptr_array_add (self->connections, connection);
      g_list_model_items_changed (G_LIST_MODEL (self), self->connections->len - 1, 0, 1);
    }
  job->current = g_object_ref (connection);
  job->configuration_ids = g_strdupv (data->offer->configuration_ids);
  job->client = dossier_oauth_client_new (services_net (self), job->issuer->authorization_server, CLIENT_ID);
  dossier_oauth_client_set_endpoints (job->client, job->issuer->authorization_endpoint, job->issuer->token_endpoint,
                                      job->issuer->revocation_endpoint);
  if (data->offer->pre_authorized_code != NULL)
    {
      if (data->offer->tx_code)
        ask_tx_code (task);
      else
        exchange_offer (task, NULL);
      return;
    }
  if (job->issuer->authorization_endpoint == NULL)
    {
      g_task_return_new_error (task, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SERVER_ERROR,
                               _("The offer can only be taken by signing in, but the issuer has no sign-in page"));
      g_object_unref (task);
      return;
    }
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *details = NULL;

    json_builder_begin_array (builder);
    for (guint i = 0; data->offer->configuration_ids[i] != NULL; i++)
      {
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "type");
        json_builder_add_string_value (builder, "openid_credential");
        json_builder_set_member_name (builder, "credential_configuration_id");
        json_builder_add_string_value (builder, data->offer->configuration_ids[i]);
        json_builder_end_object (builder);
      }
    json_builder_end_array (builder);
    root = json_builder_get_root (builder);
    details = json_to_string (root, FALSE);
    dossier_oauth_client_set_authorization_details (job->client, details);
  }
  dossier_oauth_client_set_browser (job->client, call_offer_browser, data, NULL);
  dossier_oauth_client_sign_in_async (job->client, g_task_get_cancellable (task), on_offer_signed_in, task);
}

static void
discover_offer_issuer (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  ReceiveData *data = receive_data (task);

  dossier_oid4vci_discover_async (services_net (self), data->offer->credential_issuer, g_task_get_cancellable (task),
                                  on_offer_issuer, task);
}

static void
on_offer_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  ReceiveData *data = receive_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, &error);
  if (bytes != NULL && (status < 200 || status >= 300))
    error = g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP,
                         _("The offer could not be fetched (the issuer answered %u); it may have expired"), status);
  if (error == NULL)
    data->offer = dossier_credential_offer_parse_json (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                                       &error);
  if (data->offer == NULL)
    {
      receive_failed (task, error);
      return;
    }
  discover_offer_issuer (task);
}

/**
 * dossier_services_receive_offer_async:
 * @person_id: whom the credentials are for (0: the vault's owner)
 * @tx_code: (nullable): asked for the transaction code when the offer
 *   needs one, again when the issuer refused it
 * @browser: (nullable): opens the issuer's sign-in page when the offer
 *   needs a sign-in; %NULL opens the system's web browser
 *
 * Receives the credentials @offer holds and keeps them, in one vault
 * transaction; the issuer becomes a connection if it was not one.
 */
void
dossier_services_receive_offer_async (DossierServices         *self,
                                      const char              *offer,
                                      gint64                   person_id,
                                      DossierTxCodeFunc        tx_code,
                                      gpointer                 tx_code_data,
                                      DossierOAuthBrowserFunc  browser,
                                      gpointer                 browser_data,
                                      GCancellable            *cancellable,
                                      GAsyncReadyCallback      callback,
                                      gpointer                 user_data)
{
  GTask *task;
  SyncJob *job;
  ReceiveData *data;
  g_autofree char *fetch_uri = NULL;
  g_autofree char *trimmed_offer = NULL;
  GError *error = NULL;

  g_return_if_fail (DOSSIER_IS_SERVICES (self));
  g_return_if_fail (offer != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_services_receive_offer_async);
  job = g_new0 (SyncJob, 1);
  job->single = TRUE;
  job->connections = g_ptr_array_new_with_free_func (g_object_unref);
  job->summary = dossier_sync_summary_new ();
  job->person_id = person_id;
  g_task_set_task_data (task, job, (GDestroyNotify) services_sync_job_free);
  data = g_new0 (ReceiveData, 1);
  data->tx_code = tx_code;
  data->tx_code_data = tx_code_data;
  data->browser = browser != NULL ? browser : services_open_system_browser;
  data->browser_data = browser_data;
  g_object_set_data_full (G_OBJECT (task), RECEIVE_KEY, data, (GDestroyNotify) receive_data_free);

  trimmed_offer = g_strstrip (g_strdup (offer));
  data->offer = dossier_credential_offer_parse_link (trimmed_offer, &fetch_uri, &error);
  if (data->offer == NULL && fetch_uri == NULL)
    {
      receive_failed (task, error);
      return;
    }
  if (fetch_uri != NULL)
    {
      dossier_net_session_send_async (services_net (self), "GET", fetch_uri, NULL, "application/json", NULL, NULL,
                                      DOSSIER_OID4VCI_MAX_OFFER_SIZE, cancellable, on_offer_fetched, task);
      return;
    }
  discover_offer_issuer (task);
}

/**
 * dossier_services_receive_offer_finish:
 *
 * Returns: (transfer full): what the offer brought
 */
DossierSyncSummary *
dossier_services_receive_offer_finish (DossierServices  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return services_finish_pointer (result, error);
}
