// SPDX-License-Identifier: GPL-3.0-or-later
/* OpenID4VCI credential requests against an issuer written here on a
 * SoupServer on 127.0.0.1: the issuer metadata at either well-known place,
 * offers by value and by reference, proofs of possession checked as an
 * issuer checks them (type, key in the header, audience, nonce, signature),
 * and deferred issuance: a credential still pending after the polls is
 * handed back as pending, and fetched by the next call. */
#include "dossier-json.h"
#include "dossier-jws.h"
#include "dossier-oid4vci.h"
#include "dossier-jwk.h"
#include "dossier-secret.h"

#include <libsoup/soup.h>
#include <string.h>

#define ACCESS_TOKEN "access-token-of-the-test"

typedef struct
{
  SoupServer        *server;
  char              *base;
  gboolean           inserted_metadata;  /* only at /.well-known/openid-credential-issuer/<path> */
  gboolean           ready;              /* the deferred credential is ready */
  guint              nonces;
  guint              deferred_polls;
  char              *nonce;
  DossierNetSession *net;
  GAsyncResult      *result;
} Fixture;

static void
reply (SoupServerMessage *message,
       guint              status,
       char              *body)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

static JsonObject *
request_json (SoupServerMessage *message,
              JsonNode         **root)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));

  *root = dossier_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_nonnull (*root);
  return json_node_get_object (*root);
}

/* Checks the proof as an issuer must, and that it is signed by its key. */
static void
check_proof (Fixture    *f,
             JsonObject *request)
{
  JsonObject *proofs = dossier_json_get_object (request, "proofs");
  JsonArray *jwts = dossier_json_get_array (proofs, "jwt");
  const char *proof = json_array_get_string_element (jwts, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierJws) jws = dossier_jws_parse (proof, strlen (proof), &error);
  JsonNode *payload_node;
  JsonObject *header, *payload;
  g_autoptr(DossierJwk) key = NULL;
  gint64 iat = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (dossier_jws_get_header_string (jws, "typ"), ==, "openid4vci-proof+jwt");
  g_assert_cmpstr (dossier_jws_get_header_string (jws, "alg"), ==, "ES256");
  header = dossier_jws_get_header (jws);
  key = dossier_jwk_new_from_json (dossier_json_get_object (header, "jwk"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dossier_jwk_get_crv (key), ==, "P-256");
  /* no private part is ever sent */
  g_assert_false (json_object_has_member (dossier_json_get_object (header, "jwk"), "d"));
  g_assert_true (dossier_jws_verify (jws, key, &error));
  g_assert_no_error (error);
  payload_node = dossier_jws_get_payload_json (jws);
  payload = json_node_get_object (payload_node);
  g_assert_cmpstr (dossier_json_get_string (payload, "aud"), ==, f->base);
  g_assert_cmpstr (dossier_json_get_string (payload, "nonce"), ==, f->nonce);
  g_assert_true (dossier_json_get_number (payload, "iat", &iat));
  g_assert_cmpint (ABS (iat - g_get_real_time () / G_USEC_PER_SEC), <, 60);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Fixture *f = user_data;
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                            "Authorization");
  g_autoptr(JsonNode) root = NULL;

  if (g_str_equal (path, f->inserted_metadata ? "/.well-known/openid-credential-issuer/issuer"
                                              : "/issuer/.well-known/openid-credential-issuer"))
    reply (message, 200, g_strdup_printf (
             "{\"credential_issuer\":\"%s\",\"credential_endpoint\":\"%s/credential\",\"nonce_endpoint\":\"%s/nonce\","
             "\"deferred_credential_endpoint\":\"%s/deferred\",\"display\":[{\"name\":\"Trường Đại học Mẫu\",\"locale\":\"vi\"},"
             "{\"name\":\"Sample University\",\"locale\":\"en\"}],\"credential_configurations_supported\":{\"Degree\":"
             "{\"format\":\"jwt_vc_json\",\"credential_metadata\":{\"display\":[{\"name\":\"Bằng cử nhân\"}]}}}}",
             f->base, f->base, f->base, f->base));
  else if (g_str_equal (path, "/.well-known/oauth-authorization-server/issuer"))
    reply (message, 200, g_strdup_printf ("{\"issuer\":\"%s\",\"token_endpoint\":\"%s/token\"}", f->base, f->base));
  else if (g_str_equal (path, "/issuer/offer"))
    reply (message, 200, g_strdup_printf ("{\"credential_issuer\":\"%s\",\"credential_configuration_ids\":[\"Degree\"],"
                                          "\"grants\":{\"urn:ietf:params:oauth:grant-type:pre-authorized_code\":"
                                          "{\"pre-authorized_code\":\"pac-1\",\"tx_code\":{\"length\":6}}}}", f->base));
  else if (g_str_equal (path, "/issuer/nonce"))
    {
      g_free (f->nonce);
      f->nonce = g_strdup_printf ("nonce-%u", ++f->nonces);
      reply (message, 200, g_strdup_printf ("{\"c_nonce\":\"%s\"}", f->nonce));
    }
  else if ((g_str_equal (path, "/issuer/credential") || g_str_equal (path, "/issuer/deferred")) &&
           g_strcmp0 (authorization, "Bearer " ACCESS_TOKEN) != 0)
    reply (message, 401, g_strdup ("{\"error\":\"invalid_token\"}"));
  else if (g_str_equal (path, "/issuer/credential"))
    {
      JsonObject *request = request_json (message, &root);

      check_proof (f, request);
      g_assert_cmpstr (dossier_json_get_string (request, "credential_identifier"), ==, "degree-2001");
      reply (message, 202, g_strdup ("{\"transaction_id\":\"tx-1\",\"interval\":1}"));
    }
  else if (g_str_equal (path, "/issuer/deferred"))
    {
      JsonObject *request = request_json (message, &root);

      g_assert_cmpstr (dossier_json_get_string (request, "transaction_id"), ==, "tx-1");
      f->deferred_polls++;
      if (f->ready)
        reply (message, 200, g_strdup ("{\"credentials\":[{\"credential\":\"eyJhbGciOiJFUzI1NiJ9.e30.c2ln\"}]}"));
      else
        reply (message, 400, g_strdup ("{\"error\":\"issuance_pending\",\"interval\":1}"));
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
  g_autofree char *root = NULL;

  f->inserted_metadata = GPOINTER_TO_INT (data);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (f->server);
  root = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  f->base = g_strconcat (root, "issuer", NULL);
  f->net = dossier_net_session_new ();
  dossier_net_session_set_allow_http (f->net, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->result);
  g_clear_object (&f->net);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_free (f->base);
  g_free (f->nonce);
}

static gpointer
slot (Fixture *f)
{
  g_clear_object (&f->result);
  return &f->result;
}

static void
store (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (Fixture *f)
{
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return f->result;
}

static DossierOid4vciIssuer *
discover (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  DossierOid4vciIssuer *issuer;

  dossier_oid4vci_discover_async (f->net, f->base, NULL, store, slot (f));
  issuer = dossier_oid4vci_discover_finish (f->net, wait_for (f), &error);
  g_assert_no_error (error);
  g_assert_nonnull (issuer);
  return issuer;
}

static void
test_discover (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(DossierOid4vciIssuer) issuer = discover (f);
  g_autofree char *token = g_strdup_printf ("%s/token", f->base);

  g_assert_cmpstr (issuer->credential_issuer, ==, f->base);
  g_assert_cmpstr (issuer->token_endpoint, ==, token);
  g_assert_nonnull (issuer->display_name);
  g_assert_nonnull (dossier_json_get_object (issuer->configurations, "Degree"));
}

static void
test_offer_links (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fetch = NULL;
  g_autofree char *escaped = g_uri_escape_string ("{\"credential_issuer\":\"https://school.example\","
                                                  "\"credential_configuration_ids\":[\"Degree\"],\"grants\":"
                                                  "{\"urn:ietf:params:oauth:grant-type:pre-authorized_code\":"
                                                  "{\"pre-authorized_code\":\"abc\",\"tx_code\":{\"input_mode\":"
                                                  "\"numeric\",\"length\":6,\"description\":\"SMS\"}}}}", NULL, FALSE);
  g_autofree char *by_value = g_strconcat ("openid-credential-offer://?credential_offer=", escaped, NULL);
  g_autoptr(DossierCredentialOffer) offer = NULL;
  static const char *const bad[] = {
    "openid-credential-offer://",
    "openid-credential-offer://?nothing=1",
    "mailto:someone@example.org?credential_offer=%7B%7D",
    "openid-credential-offer://?credential_offer=%7B%22credential_issuer%22%3A1%7D",
    "openid-credential-offer://?credential_offer=%5B%5D",
  };

  offer = dossier_credential_offer_parse_link (by_value, &fetch, &error);
  g_assert_no_error (error);
  g_assert_null (fetch);
  g_assert_cmpstr (offer->credential_issuer, ==, "https://school.example");
  g_assert_cmpstr (offer->configuration_ids[0], ==, "Degree");
  g_assert_cmpstr (offer->pre_authorized_code, ==, "abc");
  g_assert_true (offer->tx_code);
  g_assert_true (offer->tx_code_numeric);
  g_assert_cmpuint (offer->tx_code_length, ==, 6);
  g_assert_cmpstr (offer->tx_code_description, ==, "SMS");
  g_assert_false (offer->authorization_code);
  g_clear_pointer (&offer, dossier_credential_offer_free);

  offer = dossier_credential_offer_parse_link ("https://school.example/take?credential_offer_uri=https%3A%2F%2Fschool.example%2Fo%2F1",
                                               &fetch, &error);
  g_assert_no_error (error);
  g_assert_null (offer);
  g_assert_cmpstr (fetch, ==, "https://school.example/o/1");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_clear_pointer (&fetch, g_free);
      offer = dossier_credential_offer_parse_link (bad[i], &fetch, &error);
      g_assert_null (offer);
      g_assert_null (fetch);
      g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_MALFORMED);
      g_clear_error (&error);
    }
}

static GPtrArray *
fetch_credentials (Fixture               *f,
                   DossierOid4vciIssuer  *issuer,
                   JsonArray             *pending,
                   EVP_PKEY              *key,
                   JsonArray            **still_pending)
{
  g_autoptr(DossierOAuthTokens) tokens = dossier_oauth_tokens_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *deliveries;

  tokens->access_token = g_strdup (ACCESS_TOKEN);
  tokens->token_type = g_strdup ("Bearer");
  tokens->authorization_details = g_strdup ("[{\"type\":\"openid_credential\",\"credential_configuration_id\":"
                                            "\"Degree\",\"credential_identifiers\":[\"degree-2001\"]}]");
  dossier_oid4vci_fetch_async (f->net, issuer, tokens, NULL, pending, key, NULL, NULL, NULL, store, slot (f));
  deliveries = dossier_oid4vci_fetch_finish (f->net, wait_for (f), still_pending, &error);
  g_assert_no_error (error);
  return deliveries;
}

/* A credential still pending after the polls is handed back as pending,
 * and the next call asks the deferred endpoint for it, not the issuer
 * for a new one. */
static void
test_deferred (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(DossierOid4vciIssuer) issuer = discover (f);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(JsonArray) pending = NULL;
  g_autoptr(JsonArray) none = NULL;
  EVP_PKEY *key = dossier_holder_key_generate ();
  DossierOid4vciDelivery *delivery;
  gsize length = 0;
  guint8 *der = dossier_holder_key_save (key, &length);
  EVP_PKEY *loaded = dossier_holder_key_load (der, length);

  /* the holder key survives its trip through the vault's secrets */
  g_assert_nonnull (loaded);
  g_assert_cmpint (EVP_PKEY_eq (key, loaded), ==, 1);
  EVP_PKEY_free (loaded);
  g_assert_null (dossier_holder_key_load ((const guint8 *) "not a key", 9));

  first = fetch_credentials (f, issuer, NULL, key, &pending);
  g_assert_cmpuint (first->len, ==, 0);
  g_assert_cmpuint (json_array_get_length (pending), ==, 1);
  g_assert_cmpuint (f->deferred_polls, >=, 2);
  g_assert_cmpuint (f->nonces, ==, 1);

  f->ready = TRUE;
  second = fetch_credentials (f, issuer, pending, key, &none);
  /* the credential identifier's one, fetched from the deferred endpoint */
  g_assert_cmpuint (second->len, ==, 1);
  delivery = g_ptr_array_index (second, 0);
  g_assert_cmpstr (delivery->credential, ==, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
  g_assert_cmpstr (delivery->key, ==, "oid4vci:degree-2001");
  g_assert_cmpstr (delivery->format, ==, "jwt_vc_json");
  g_assert_cmpuint (json_array_get_length (none), ==, 0);
  /* the grant still lists it, but it is owed already: not asked again */
  g_assert_cmpuint (f->nonces, ==, 1);
  EVP_PKEY_free (key);
  dossier_secure_free (der, length);
}

/* Of a credential offered in several formats, one is asked for: SD-JWT VC
 * before VC-JWT before Data Integrity; configurations are one credential
 * when their display names are the same (in any order), but never when
 * they share a format. */
static void
test_choose_formats (void)
{
  static const char metadata[] =
    "{\"diploma_jwt\":{\"format\":\"jwt_vc_json\",\"credential_metadata\":{\"display\":"
    "[{\"name\":\"Văn bằng\",\"locale\":\"vi\"},{\"name\":\"Diploma\",\"locale\":\"en\"}]}},"
    "\"diploma_sd\":{\"format\":\"dc+sd-jwt\",\"credential_metadata\":{\"display\":"
    "[{\"name\":\"Văn bằng\",\"locale\":\"vi\"},{\"name\":\"Diploma\",\"locale\":\"en\"}]}},"
    "\"diploma_ldp\":{\"format\":\"ldp_vc\",\"display\":"
    "[{\"name\":\"Văn bằng\",\"locale\":\"vi\"},{\"name\":\"Diploma\",\"locale\":\"en\"}]},"
    "\"degree_ldp\":{\"format\":\"ldp_vc\",\"credential_metadata\":{\"display\":"
    "[{\"name\":\"Degree\",\"locale\":\"en\"},{\"name\":\"Bằng đại học\",\"locale\":\"vi\"}]}},"
    "\"degree_jwt\":{\"format\":\"jwt_vc_json\",\"credential_metadata\":{\"display\":"
    "[{\"name\":\"Bằng đại học\",\"locale\":\"vi\"},{\"name\":\"Degree\",\"locale\":\"en\"}]}},"
    "\"badge_a\":{\"format\":\"dc+sd-jwt\",\"vct\":\"https://x.example/a\",\"display\":[{\"name\":\"Badge\"}]},"
    "\"badge_b\":{\"format\":\"dc+sd-jwt\",\"vct\":\"https://x.example/b\",\"display\":[{\"name\":\"Badge\"}]},"
    "\"licence\":{\"format\":\"mso_mdoc\"}}";
  g_autoptr(JsonNode) root = dossier_json_parse (metadata, strlen (metadata));
  g_autoptr(DossierOid4vciIssuer) issuer = g_new0 (DossierOid4vciIssuer, 1);
  const char * const all[] = {
    "diploma_jwt", "diploma_sd", "diploma_ldp", "degree_ldp", "degree_jwt",
    "badge_a", "badge_b", "licence", "not-in-metadata", "diploma_sd", NULL
  };
  const char * const expected[] = { "diploma_sd", "degree_jwt", "badge_a", "badge_b", "licence", "not-in-metadata", NULL };
  const char * const one[] = { "diploma_ldp", NULL };
  g_auto(GStrv) chosen = NULL;
  g_auto(GStrv) single = NULL;
  g_auto(GStrv) none = NULL;

  g_assert_nonnull (root);
  issuer->configurations = json_object_ref (json_node_get_object (root));
  chosen = dossier_oid4vci_choose_configurations (issuer, all);
  g_assert_true (g_strv_equal ((const char * const *) chosen, expected));
  single = dossier_oid4vci_choose_configurations (issuer, one);
  g_assert_true (g_strv_equal ((const char * const *) single, one));
  none = dossier_oid4vci_choose_configurations (issuer, NULL);
  g_assert_null (none[0]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/oid4vci/discover/appended", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_discover,
              fixture_tear_down);
  g_test_add ("/oid4vci/discover/inserted", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_discover,
              fixture_tear_down);
  g_test_add ("/oid4vci/offer-links", Fixture, NULL, fixture_set_up, test_offer_links, fixture_tear_down);
  g_test_add_func ("/oid4vci/choose-formats", test_choose_formats);
  g_test_add ("/oid4vci/deferred", Fixture, NULL, fixture_set_up, test_deferred, fixture_tear_down);
  return g_test_run ();
}
