// SPDX-License-Identifier: GPL-3.0-or-later
/* Service connections of a real vault, against a SMART on FHIR health
 * service written here on a SoupServer on 127.0.0.1: discovery, sign-in
 * with PKCE (the browser replaced by plain HTTP), a sync that follows the
 * pages of $everything or of searches, a second sync that adds nothing,
 * and faults — the service going away mid-sync, an answer that never
 * comes, a 50 MB answer, malformed JSON, refused sign-ins and TLS
 * certificates that are self-signed or expired — each a clear error that
 * leaves the vault's records as they were. */
#include "dossier-audit-entry.h"
#include "dossier-test-utils.h"
#include "dossier-wallet.h"

#include <libsoup/soup.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>
#include <string.h>

#define PASSPHRASE "correct horse battery"
#define PATIENT "pt-mai"
#define N_IMMUNIZATIONS 23
#define N_CONDITIONS 3
#define PAGE_SIZE 10

typedef enum
{
  FHIR_EVERYTHING,
  FHIR_SEARCH,
} FhirMode;

typedef enum
{
  FAULT_NONE,
  FAULT_DOWN,       /* the service goes away before the second page */
  FAULT_SLOW,       /* the second page never comes */
  FAULT_HUGE,       /* the second page is 50 MB */
  FAULT_MALFORMED,  /* the second page is not JSON */
  FAULT_REFRESH,    /* refresh tokens are refused */
} Fault;

typedef struct
{
  char         *dir;
  DossierWallet *wallet;
  DossierServices *services;
  GAsyncResult *result;

  SoupServer   *server;
  char         *base;
  FhirMode      mode;
  Fault         fault;
  gint          expires_in;
  GHashTable   *challenges;    /* code → PKCE challenge */
  char         *access_token;
  char         *refresh_token;
  guint         issued;
  guint         pages_served;
  guint         revocations;
  GPtrArray    *paused;

  SoupSession  *browser;
  GPtrArray    *progress;
} Fixture;

#define WAIT(f) dossier_test_wait (&(f)->result)

/* The slot for the next result, emptied of the last one. */
static gpointer
slot (gpointer fixture);

static char *
s256 (const char *verifier)
{
  guint8 digest[SHA256_DIGEST_LENGTH];
  g_autofree char *base64 = NULL;

  SHA256 ((const guint8 *) verifier, strlen (verifier), digest);
  base64 = g_base64_encode (digest, sizeof digest);
  g_strdelimit (base64, "+", '-');
  g_strdelimit (base64, "/", '_');
  base64[strcspn (base64, "=")] = '\0';
  return g_steal_pointer (&base64);
}

static void
reply_json (SoupServerMessage *message,
            guint              status,
            const char        *type,
            char              *body)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, type, SOUP_MEMORY_TAKE, body, strlen (body));
}

static gboolean
authorized (Fixture           *f,
            SoupServerMessage *message)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                     "Authorization");
  g_autofree char *expected = f->access_token != NULL ? g_strconcat ("Bearer ", f->access_token, NULL) : NULL;

  if (expected != NULL && g_strcmp0 (header, expected) == 0)
    return TRUE;
  reply_json (message, 401, "application/json", g_strdup ("{\"error\":\"invalid_token\"}"));
  return FALSE;
}

static char *
resource_json (const char *type,
               guint       i)
{
  if (g_str_equal (type, "Immunization"))
    return g_strdup_printf ("{\"resourceType\":\"Immunization\",\"id\":\"imm-%u\",\"status\":\"completed\","
                            "\"vaccineCode\":{\"text\":\"Vắc xin mũi %u\"},\"patient\":{\"reference\":\"Patient/" PATIENT "\"},"
                            "\"occurrenceDateTime\":\"2024-%02u-10\"}", i, i, 1 + i % 12);
  return g_strdup_printf ("{\"resourceType\":\"Condition\",\"id\":\"cond-%u\",\"code\":{\"text\":\"Bệnh %u\"},"
                          "\"subject\":{\"reference\":\"Patient/" PATIENT "\"}}", i, i);
}

static gpointer
slot (gpointer fixture)
{
  Fixture *f = fixture;

  g_clear_object (&f->result);
  return &f->result;
}

static gboolean
stop_server (gpointer data)
{
  soup_server_disconnect (data);
  return G_SOURCE_REMOVE;
}

static void
serve_page (Fixture           *f,
            SoupServerMessage *message,
            const char        *path,
            const char        *type,
            GHashTable        *query)
{
  const char *page_text = query != NULL ? g_hash_table_lookup (query, "_page") : NULL;
  guint page = page_text != NULL ? (guint) g_ascii_strtoull (page_text, NULL, 10) : 0;
  g_autoptr(GString) body = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);
  guint first;

  f->pages_served++;
  if (page == 1 && f->fault == FAULT_DOWN)
    {
      /* the service stops, as if killed, with this request unanswered */
      soup_server_message_pause (message);
      g_ptr_array_add (f->paused, g_object_ref (message));
      g_idle_add_full (G_PRIORITY_DEFAULT, stop_server, g_object_ref (f->server), g_object_unref);
      return;
    }
  if (page == 1 && f->fault == FAULT_SLOW)
    {
      soup_server_message_pause (message);
      g_ptr_array_add (f->paused, g_object_ref (message));
      return;
    }
  if (page == 1 && f->fault == FAULT_HUGE)
    {
      gsize size = 50 * 1024 * 1024;
      char *huge = g_malloc (size);

      memset (huge, ' ', size);
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/fhir+json", SOUP_MEMORY_TAKE, huge, size);
      return;
    }
  if (page == 1 && f->fault == FAULT_MALFORMED)
    {
      reply_json (message, 200, "application/fhir+json", g_strdup ("{\"resourceType\":\"Bundle\",\"entry\":[{"));
      return;
    }
  if (type == NULL || g_str_equal (type, "Patient"))
    {
      g_ptr_array_add (all, g_strdup ("{\"resourceType\":\"Patient\",\"id\":\"" PATIENT "\","
                                      "\"name\":[{\"text\":\"Trần Thị Mai\"}],\"birthDate\":\"1990-04-02\"}"));
    }
  if (type == NULL || g_str_equal (type, "Immunization"))
    for (guint i = 0; i < N_IMMUNIZATIONS; i++)
      g_ptr_array_add (all, resource_json ("Immunization", i));
  if (type == NULL || g_str_equal (type, "Condition"))
    for (guint i = 0; i < N_CONDITIONS; i++)
      g_ptr_array_add (all, resource_json ("Condition", i));
  first = page * PAGE_SIZE;
  for (guint i = first; i < all->len && i < first + PAGE_SIZE; i++)
    g_string_append_printf (body, "%s{\"resource\":%s}", i > first ? "," : "", (char *) g_ptr_array_index (all, i));
  g_string_append (body, "]");
  if (first + PAGE_SIZE < all->len)
    g_string_append_printf (body, ",\"link\":[{\"relation\":\"next\",\"url\":\"%s%s?patient=" PATIENT "&_page=%u\"}]",
                            f->base, path, page + 1);
  g_string_append (body, "}");
  reply_json (message, 200, "application/fhir+json", g_string_free (g_steal_pointer (&body), FALSE));
}

static void
issue_tokens (Fixture           *f,
              SoupServerMessage *message)
{
  g_free (f->access_token);
  g_free (f->refresh_token);
  f->access_token = g_strdup_printf ("access-%u", ++f->issued);
  f->refresh_token = g_strdup_printf ("refresh-%u", f->issued);
  reply_json (message, 200, "application/json",
              g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":%d,"
                               "\"refresh_token\":\"%s\",\"patient\":\"" PATIENT "\",\"scope\":\"patient/*.rs\"}",
                               f->access_token, f->expires_in, f->refresh_token));
}

static void
serve_token (Fixture           *f,
             SoupServerMessage *message)
{
  SoupMessageBody *request = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *grant = g_hash_table_lookup (form, "grant_type");

  if (g_strcmp0 (grant, "authorization_code") == 0)
    {
      const char *challenge = g_hash_table_lookup (f->challenges, g_hash_table_lookup (form, "code") ?: "");
      const char *verifier = g_hash_table_lookup (form, "code_verifier");
      g_autofree char *computed = verifier != NULL ? s256 (verifier) : NULL;

      if (challenge == NULL || g_strcmp0 (computed, challenge) != 0)
        {
          reply_json (message, 400, "application/json", g_strdup ("{\"error\":\"invalid_grant\"}"));
          return;
        }
      g_hash_table_remove (f->challenges, g_hash_table_lookup (form, "code"));
      issue_tokens (f, message);
      return;
    }
  if (g_strcmp0 (grant, "refresh_token") == 0 && f->fault != FAULT_REFRESH &&
      g_strcmp0 (g_hash_table_lookup (form, "refresh_token"), f->refresh_token) == 0)
    {
      issue_tokens (f, message);
      return;
    }
  reply_json (message, 400, "application/json", g_strdup ("{\"error\":\"invalid_grant\"}"));
}

static void
serve_authorize (Fixture           *f,
                 SoupServerMessage *message,
                 GHashTable        *query)
{
  const char *redirect = g_hash_table_lookup (query, "redirect_uri");
  g_autofree char *code = g_strdup_printf ("code-%u", g_hash_table_size (f->challenges) + f->issued);
  g_autofree char *location = NULL;
  g_autofree char *state = g_uri_escape_string (g_hash_table_lookup (query, "state") ?: "", NULL, FALSE);

  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_nonnull (strstr (g_hash_table_lookup (query, "scope"), "patient/*.rs"));
  g_hash_table_insert (f->challenges, g_strdup (code), g_strdup (g_hash_table_lookup (query, "code_challenge")));
  location = g_strdup_printf ("%s?code=%s&state=%s", redirect, code, state);
  soup_server_message_set_redirect (message, 302, location);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (path, "/.well-known/smart-configuration"))
    reply_json (message, 200, "application/json",
                g_strdup_printf ("{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/authorize\","
                                 "\"token_endpoint\":\"%s/token\",\"revocation_endpoint\":\"%s/revoke\","
                                 "\"code_challenge_methods_supported\":[\"S256\"],"
                                 "\"capabilities\":[\"launch-standalone\",\"client-public\"]}",
                                 f->base, f->base, f->base, f->base));
  else if (g_str_equal (path, "/authorize"))
    serve_authorize (f, message, query);
  else if (g_str_equal (path, "/token"))
    serve_token (f, message);
  else if (g_str_equal (path, "/revoke"))
    {
      f->revocations++;
      soup_server_message_set_status (message, 200, NULL);
    }
  else if (g_str_equal (path, "/fhir/metadata"))
    {
      if (authorized (f, message))
        reply_json (message, 200, "application/fhir+json",
                    g_strdup_printf ("{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\","
                                     "\"resource\":[{\"type\":\"Patient\",\"operation\":[%s]}]}]}",
                                     f->mode == FHIR_EVERYTHING ? "{\"name\":\"everything\"}" : ""));
    }
  else if (g_str_equal (path, "/fhir/Patient/" PATIENT "/$everything"))
    {
      if (authorized (f, message))
        serve_page (f, message, path, NULL, query);
    }
  else if (g_str_has_prefix (path, "/fhir/") && strchr (path + 6, '/') == NULL)
    {
      if (authorized (f, message))
        {
          g_assert_cmpstr (g_hash_table_lookup (query, "patient"), ==, PATIENT);
          serve_page (f, message, path, path + 6, query);
        }
    }
  else
    soup_server_message_set_status (message, 404, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  DossierVault *vault;

  f->dir = dossier_test_make_tmpdir ();
  f->wallet = dossier_wallet_new (f->dir);
  f->services = dossier_wallet_get_services (f->wallet);
  vault = dossier_wallet_get_vault (f->wallet);
  dossier_vault_create_async (vault, PASSPHRASE, &dossier_test_fast_kdf, "Trần Thị Mai", NULL,
                              dossier_test_store_result, slot (f));
  g_assert_true (dossier_vault_create_finish (vault, WAIT (f), &error));
  g_assert_no_error (error);
  dossier_services_load_async (f->services, NULL, dossier_test_store_result, slot (f));
  g_assert_true (dossier_services_load_finish (f->services, WAIT (f), &error));
  dossier_net_session_set_allow_http (dossier_wallet_get_net (f->wallet), TRUE);
  dossier_net_session_set_timeout (dossier_wallet_get_net (f->wallet), 2);

  f->expires_in = 3600;
  f->challenges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->paused = g_ptr_array_new_with_free_func (g_object_unref);
  f->progress = g_ptr_array_new_with_free_func (g_free);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_uri_to_string (uris->data);
  f->base[strlen (f->base) - 1] = '\0';
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  f->browser = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->result);
  g_clear_object (&f->browser);
  soup_server_disconnect (f->server);
  g_ptr_array_unref (f->paused);
  g_clear_object (&f->server);
  /* let the connections close */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  dossier_test_assert_finalize (f->wallet);
  g_hash_table_unref (f->challenges);
  g_ptr_array_unref (f->progress);
  g_free (f->access_token);
  g_free (f->refresh_token);
  g_free (f->base);
  dossier_test_rm_rf (f->dir);
  g_free (f->dir);
}

/* The web browser: opens the consent page, which sends it straight on to
 * Dossier's loopback callback. */
static void
on_browser_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
}

static gboolean
open_browser (const char  *uri,
              gpointer     user_data,
              GError     **error)
{
  Fixture *f = user_data;
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);

  g_assert_true (g_str_has_prefix (uri, f->base));
  soup_session_send_and_read_async (f->browser, message, G_PRIORITY_DEFAULT, NULL, on_browser_done, f);
  return TRUE;
}

static DossierServiceConnection *
add_service (Fixture    *f,
             const char *url)
{
  g_autoptr(GError) error = NULL;
  DossierServiceConnection *connection;

  dossier_services_add_async (f->services, url, 0, NULL, dossier_test_store_result, slot (f));
  connection = dossier_services_add_finish (f->services, WAIT (f), &error);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_object_unref (connection);
  return connection;
}

static void
sign_in (Fixture                  *f,
         DossierServiceConnection *connection)
{
  g_autoptr(GError) error = NULL;

  dossier_services_sign_in_async (f->services, connection, open_browser, f, NULL, dossier_test_store_result,
                                  slot (f));
  g_assert_true (dossier_services_sign_in_finish (f->services, WAIT (f), &error));
  g_assert_no_error (error);
  g_assert_true (dossier_service_connection_get_signed_in (connection));
}

static void
on_progress (const char *what,
             double      fraction,
             gpointer    user_data)
{
  Fixture *f = user_data;

  g_assert_true (fraction <= 1.0);
  g_ptr_array_add (f->progress, g_strdup (what));
}

static DossierSyncSummary *
run_sync (Fixture                  *f,
      DossierServiceConnection *connection,
      GError                  **error)
{
  dossier_services_sync_async (f->services, connection, on_progress, f, NULL, dossier_test_store_result, slot (f));
  return dossier_services_sync_finish (f->services, WAIT (f), error);
}

static gint64
count_records (Fixture *f)
{
  g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
  DossierVault *vault = dossier_wallet_get_vault (f->wallet);
  g_autoptr(GError) error = NULL;
  gint64 count;

  dossier_vault_count_records_async (vault, query, NULL, dossier_test_store_result, slot (f));
  count = dossier_vault_count_records_finish (vault, WAIT (f), &error);
  g_assert_no_error (error);
  return count;
}

static guint
count_audit (Fixture            *f,
             DossierAuditAction  action,
             char              **detail)
{
  DossierVault *vault = dossier_wallet_get_vault (f->wallet);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  dossier_vault_list_audit_async (vault, 0, 0, NULL, dossier_test_store_result, slot (f));
  entries = dossier_vault_list_audit_finish (vault, WAIT (f), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    if (dossier_audit_entry_get_action (g_ptr_array_index (entries, i)) == action)
      {
        if (detail != NULL && *detail == NULL)
          *detail = g_strdup (dossier_audit_entry_get_detail (g_ptr_array_index (entries, i)));
        count++;
      }
  return count;
}

static void
test_health_sync (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierSyncSummary) first = NULL;
  g_autoptr(DossierSyncSummary) second = NULL;
  g_autofree char *detail = NULL;
  DossierServiceConnection *connection;
  guint expected = N_IMMUNIZATIONS + N_CONDITIONS;
  gint64 after_first;

  f->mode = GPOINTER_TO_INT (data);
  connection = add_service (f, f->base);
  g_assert_cmpint (dossier_service_connection_get_kind (connection), ==, DOSSIER_SERVICE_KIND_HEALTH);
  g_assert_false (dossier_service_connection_get_signed_in (connection));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->services)), ==, 1);
  g_assert_true (dossier_services_lookup (f->services, dossier_service_connection_get_id (connection)) == connection);

  /* not signed in yet */
  first = run_sync (f, connection, &error);
  g_assert_error (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED);
  g_assert_null (first);
  g_clear_error (&error);
  g_assert_nonnull (dossier_service_connection_get_last_error (connection));

  sign_in (f, connection);
  g_assert_cmpuint (count_audit (f, DOSSIER_AUDIT_SERVICE_SIGN_IN, NULL), ==, 1);
  g_assert_cmpint (count_records (f), ==, 0);

  first = run_sync (f, connection, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dossier_sync_summary_get_n_new (first), ==, expected);
  g_assert_cmpuint (dossier_sync_summary_get_n_unchanged (first), ==, 0);
  g_assert_cmpuint (dossier_sync_summary_get_n_failed (first), ==, 0);
  /* the pages were followed: 3 of $everything, or 3 + 1 + 4 empty searches */
  g_assert_cmpuint (f->pages_served, ==, f->mode == FHIR_EVERYTHING ? 3 : 3 + 1 + 4);
  /* a card for the sync and a record per resource */
  after_first = count_records (f);
  g_assert_cmpint (after_first, ==, expected + 1);
  g_assert_nonnull (dossier_service_connection_get_last_sync (connection));
  g_assert_null (dossier_service_connection_get_last_error (connection));
  g_assert_cmpuint (f->progress->len, >, 2);
  g_assert_cmpuint (count_audit (f, DOSSIER_AUDIT_SERVICE_SYNC, &detail), ==, 1);
  /* counts, never content */
  g_assert_cmpstr (detail, ==, "new=26 unchanged=0 pending=0");

  second = run_sync (f, connection, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dossier_sync_summary_get_n_new (second), ==, 0);
  g_assert_cmpuint (dossier_sync_summary_get_n_unchanged (second), ==, expected);
  g_assert_cmpint (count_records (f), ==, after_first);

  /* what the vault holds already is not kept twice, even when the service
   * did not bring it (here: the connection forgets what it brought) */
  {
    g_autoptr(DossierSyncSummary) third = NULL;
    g_autofree char *key = g_strdup_printf ("service:%s:seen", dossier_service_connection_get_id (connection));
    DossierVault *vault = dossier_wallet_get_vault (f->wallet);

    dossier_vault_set_setting_async (vault, key, "[]", NULL, dossier_test_store_result, slot (f));
    g_assert_true (dossier_vault_set_setting_finish (vault, WAIT (f), &error));
    g_assert_no_error (error);
    third = run_sync (f, connection, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (dossier_sync_summary_get_n_new (third), ==, 0);
    g_assert_cmpuint (dossier_sync_summary_get_n_unchanged (third), ==, expected);
    /* only the sync's own document (the bundle, kept whole) is new */
    g_assert_cmpint (count_records (f), ==, after_first + 1);
  }
}

/* The connection, its sign-in and what it already brought outlive the
 * vault's lock: a sync after unlocking again still adds nothing. */
static void
test_kept_in_vault (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierSyncSummary) summary = NULL;
  DossierVault *vault = dossier_wallet_get_vault (f->wallet);
  DossierServiceConnection *connection;
  gint64 count;

  connection = add_service (f, f->base);
  sign_in (f, connection);
  summary = run_sync (f, connection, &error);
  g_assert_no_error (error);
  g_clear_object (&summary);
  count = count_records (f);

  dossier_services_set_sync_on_unlock_async (f->services, TRUE, NULL, dossier_test_store_result, slot (f));
  g_assert_true (dossier_services_set_sync_on_unlock_finish (f->services, WAIT (f), &error));
  dossier_vault_lock_async (vault, NULL, dossier_test_store_result, slot (f));
  g_assert_true (dossier_vault_lock_finish (vault, WAIT (f), &error));
  dossier_vault_open_async (vault, PASSPHRASE, NULL, dossier_test_store_result, slot (f));
  g_assert_true (dossier_vault_open_finish (vault, WAIT (f), &error));
  dossier_services_load_async (f->services, NULL, dossier_test_store_result, slot (f));
  g_assert_true (dossier_services_load_finish (f->services, WAIT (f), &error));
  g_assert_no_error (error);
  g_assert_true (dossier_services_get_sync_on_unlock (f->services));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->services)), ==, 1);
  connection = dossier_services_lookup (f->services, f->base);
  g_assert_nonnull (connection);
  g_assert_true (dossier_service_connection_get_signed_in (connection));
  g_assert_nonnull (dossier_service_connection_get_last_sync (connection));

  summary = run_sync (f, connection, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dossier_sync_summary_get_n_new (summary), ==, 0);
  g_assert_cmpint (count_records (f), ==, count);

  /* sign out revokes; remove forgets the connection, not the records */
  dossier_services_sign_out_async (f->services, connection, NULL, dossier_test_store_result, slot (f));
  g_assert_true (dossier_services_sign_out_finish (f->services, WAIT (f), &error));
  g_assert_no_error (error);
  g_assert_false (dossier_service_connection_get_signed_in (connection));
  g_assert_cmpuint (f->revocations, >=, 1);
  g_assert_cmpuint (count_audit (f, DOSSIER_AUDIT_SERVICE_SIGN_OUT, NULL), ==, 1);
  g_clear_object (&summary);
  summary = run_sync (f, connection, &error);
  g_assert_error (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED);
  g_clear_error (&error);

  dossier_services_remove_async (f->services, connection, NULL, dossier_test_store_result, slot (f));
  g_assert_true (dossier_services_remove_finish (f->services, WAIT (f), &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->services)), ==, 0);
  g_assert_cmpint (count_records (f), ==, count);
}

typedef struct
{
  Fault               fault;
  DossierServicesError code;
} FaultCase;

static void
test_fault (Fixture       *f,
            gconstpointer  data)
{
  const FaultCase *fault = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierSyncSummary) summary = NULL;
  DossierServiceConnection *connection;
  g_autoptr(GTimer) timer = NULL;

  connection = add_service (f, f->base);
  if (fault->fault == FAULT_REFRESH)
    f->expires_in = 30; /* within the minute's margin: refreshed before use */
  sign_in (f, connection);
  f->fault = fault->fault;
  timer = g_timer_new ();
  summary = run_sync (f, connection, &error);
  g_assert_null (summary);
  g_assert_error (error, DOSSIER_SERVICES_ERROR, (gint) fault->code);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (dossier_service_connection_get_last_error (connection), ==, error->message);
  /* the vault is as it was */
  g_assert_cmpint (count_records (f), ==, 0);
  g_assert_cmpuint (count_audit (f, DOSSIER_AUDIT_SERVICE_SYNC, NULL), ==, 0);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 20);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* A sync stopped while it waits for a page keeps nothing. */
static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DossierSyncSummary) summary = NULL;
  DossierServiceConnection *connection;

  connection = add_service (f, f->base);
  sign_in (f, connection);
  dossier_net_session_set_timeout (dossier_wallet_get_net (f->wallet), 30);
  f->fault = FAULT_SLOW;
  g_timeout_add (300, cancel_later, cancellable);
  dossier_services_sync_async (f->services, connection, NULL, NULL, cancellable, dossier_test_store_result, slot (f));
  summary = dossier_services_sync_finish (f->services, WAIT (f), &error);
  g_assert_null (summary);
  g_assert_error (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CANCELLED);
  g_assert_cmpint (count_records (f), ==, 0);
}

/* A connection for a family member marks what it brings as theirs. */
static void
test_person (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierPerson) child = dossier_person_new ("Nguyễn Gia Huy", "child");
  g_autoptr(DossierSyncSummary) summary = NULL;
  g_autoptr(DossierVaultQuery) query = dossier_vault_query_new ();
  g_autoptr(GPtrArray) records = NULL;
  DossierVault *vault = dossier_wallet_get_vault (f->wallet);
  DossierServiceConnection *connection;
  gint64 child_id;

  dossier_vault_save_person_async (vault, child, NULL, dossier_test_store_result, slot (f));
  g_assert_true (dossier_vault_save_person_finish (vault, WAIT (f), &error));
  g_assert_no_error (error);
  child_id = dossier_person_get_id (child);
  g_assert_cmpint (child_id, >, 0);

  dossier_services_add_async (f->services, f->base, child_id, NULL, dossier_test_store_result, slot (f));
  connection = dossier_services_add_finish (f->services, WAIT (f), &error);
  g_assert_no_error (error);
  g_object_unref (connection);
  g_assert_cmpint (dossier_service_connection_get_person_id (connection), ==, child_id);
  sign_in (f, connection);
  summary = run_sync (f, connection, &error);
  g_assert_no_error (error);

  dossier_vault_query_records_async (vault, query, NULL, dossier_test_store_result, slot (f));
  records = dossier_vault_query_records_finish (vault, WAIT (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, N_IMMUNIZATIONS + N_CONDITIONS + 1);
  for (guint i = 0; i < records->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (records, i);

      g_assert_cmpint (dossier_record_get_person_id (record), ==, child_id);
      g_assert_cmpstr (dossier_record_get_source (record), ==, dossier_service_connection_get_display_name (connection));
    }
}

/* Bad input to add: not a service, not an address, not https. */
static void
test_add_refused (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nothing = g_strdup_printf ("%s/nothing/here", f->base);
  DossierServiceConnection *connection;

  dossier_services_add_async (f->services, nothing, 0, NULL, dossier_test_store_result, slot (f));
  connection = dossier_services_add_finish (f->services, WAIT (f), &error);
  g_assert_null (connection);
  g_assert_error (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SERVER_ERROR);
  g_clear_error (&error);

  dossier_services_add_async (f->services, "http://health.example/fhir", 0, NULL, dossier_test_store_result,
                              slot (f));
  connection = dossier_services_add_finish (f->services, WAIT (f), &error);
  g_assert_null (connection);
  g_assert_error (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_MALFORMED);
  g_clear_error (&error);

  add_service (f, f->base);
  dossier_services_add_async (f->services, f->base, 0, NULL, dossier_test_store_result, slot (f));
  connection = dossier_services_add_finish (f->services, WAIT (f), &error);
  g_assert_error (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_EXISTS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->services)), ==, 1);
}

/* TLS: a certificate made here, self-signed (and so untrusted) or issued
 * by a trusted authority but expired. */
static void
add_extension (X509       *certificate,
               X509V3_CTX *context,
               int         nid,
               const char *value)
{
  X509_EXTENSION *extension = X509V3_EXT_conf_nid (NULL, context, nid, value);

  g_assert_nonnull (extension);
  g_assert_cmpint (X509_add_ext (certificate, extension, -1), ==, 1);
  X509_EXTENSION_free (extension);
}

static char *
make_certificate (long    from_days,
                  long    to_days,
                  char  **key_pem)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *certificate = X509_new ();
  X509_NAME *name = X509_get_subject_name (certificate);
  X509V3_CTX context;
  BIO *bio;
  char *data;
  long length;
  char *pem;

  X509_set_version (certificate, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (certificate), 7);
  X509_gmtime_adj (X509_getm_notBefore (certificate), from_days * 86400);
  X509_gmtime_adj (X509_getm_notAfter (certificate), to_days * 86400);
  X509_set_pubkey (certificate, key);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const guchar *) "127.0.0.1", -1, -1, 0);
  X509_set_issuer_name (certificate, name);
  X509V3_set_ctx (&context, certificate, certificate, NULL, NULL, 0);
  add_extension (certificate, &context, NID_subject_alt_name, "IP:127.0.0.1");
  add_extension (certificate, &context, NID_basic_constraints, "critical,CA:TRUE");
  g_assert_cmpint (X509_sign (certificate, key, EVP_sha256 ()), >, 0);

  bio = BIO_new (BIO_s_mem ());
  PEM_write_bio_X509 (bio, certificate);
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, (gsize) length);
  BIO_free (bio);
  bio = BIO_new (BIO_s_mem ());
  PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL);
  length = BIO_get_mem_data (bio, &data);
  *key_pem = g_strndup (data, (gsize) length);
  BIO_free (bio);
  X509_free (certificate);
  EVP_PKEY_free (key);
  return pem;
}

static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  gboolean expired = GPOINTER_TO_INT (data);
  g_autofree char *key = NULL;
  g_autofree char *pem = make_certificate (expired ? -30 : -1, expired ? -2 : 30, &key);
  g_autofree char *both = g_strconcat (pem, key, NULL);
  g_autofree char *ca_file = g_build_filename (f->dir, "ca.pem", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  DossierServiceConnection *connection;

  certificate = g_tls_certificate_new_from_pem (both, -1, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, handle, f, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                                           &error));
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  if (expired)
    {
      /* trusted, so that the expiry is the only fault */
      g_assert_true (g_file_set_contents (ca_file, pem, -1, &error));
      g_assert_true (dossier_net_session_set_trust_anchors (dossier_wallet_get_net (f->wallet), ca_file, &error));
    }
  dossier_services_add_async (f->services, url, 0, NULL, dossier_test_store_result, slot (f));
  connection = dossier_services_add_finish (f->services, WAIT (f), &error);
  g_assert_null (connection);
  g_assert_error (error, DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_CERTIFICATE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, expired ? "expired" : "self-signed"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->services)), ==, 0);
  g_assert_cmpint (count_records (f), ==, 0);
  soup_server_disconnect (server);
}

int
main (int    argc,
      char **argv)
{
  static const FaultCase down = { FAULT_DOWN, DOSSIER_SERVICES_ERROR_OFFLINE };
  static const FaultCase slow = { FAULT_SLOW, DOSSIER_SERVICES_ERROR_TIMEOUT };
  static const FaultCase huge = { FAULT_HUGE, DOSSIER_SERVICES_ERROR_TOO_LARGE };
  static const FaultCase malformed = { FAULT_MALFORMED, DOSSIER_SERVICES_ERROR_MALFORMED };
  static const FaultCase refresh = { FAULT_REFRESH, DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED };

  g_test_init (&argc, &argv, NULL);
#define ADD(name, data, func) \
  g_test_add ("/services/" name, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("health/everything", GINT_TO_POINTER (FHIR_EVERYTHING), test_health_sync);
  ADD ("health/searches", GINT_TO_POINTER (FHIR_SEARCH), test_health_sync);
  ADD ("kept-in-vault", NULL, test_kept_in_vault);
  ADD ("add-refused", NULL, test_add_refused);
  ADD ("fault/server-down", &down, test_fault);
  ADD ("fault/slow", &slow, test_fault);
  ADD ("fault/huge", &huge, test_fault);
  ADD ("fault/malformed", &malformed, test_fault);
  ADD ("fault/refresh-refused", &refresh, test_fault);
  ADD ("cancelled", NULL, test_cancelled);
  ADD ("person", NULL, test_person);
  ADD ("tls/self-signed", GINT_TO_POINTER (FALSE), test_tls);
  ADD ("tls/expired", GINT_TO_POINTER (TRUE), test_tls);
  return g_test_run ();
}
