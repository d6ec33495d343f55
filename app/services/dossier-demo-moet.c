// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-services-private.h"

#include "dossier-base64.h"
#include "dossier-data-integrity.h"
#include "dossier-jcs.h"
#include "dossier-json.h"
#include "dossier-jwk.h"
#include "dossier-jws.h"
#include "dossier-sd-jwt.h"
#include "dossier-status-list.h"
#include "dossier-vc-jwt.h"

#include <openssl/rand.h>
#include <string.h>

#define MINISTRY_VI "Bộ Giáo dục và Đào tạo"
#define MINISTRY_EN "Ministry of Education and Training"
#define MAX_PROOFS 10
#define STATUS_LIST_BYTES (16 * 1024)

static const char * const categories[] = { "diploma", "degree", "certificate", "badge" };
static const struct
{
  const char *vi;
  const char *en;
} category_names[] = {
  { "Văn bằng tốt nghiệp", "Diploma" },
  { "Bằng đại học và sau đại học", "Degree" },
  { "Chứng chỉ, chứng nhận", "Certificate" },
  { "Huy hiệu", "Badge" },
};

typedef enum
{
  FORMAT_JWT,
  FORMAT_SD_JWT,
  FORMAT_LDP,
} Format;

/* the suffix of the configuration ids and credential identifiers, and the
 * OpenID4VCI format */
static const char * const format_suffixes[] = { "jwt_vc_json", "sd_jwt", "ldp_vc" };
static const char * const format_names[] = { "jwt_vc_json", "dc+sd-jwt", "ldp_vc" };

static JsonArray *
strings (const char *first,
         ...)
{
  JsonArray *array = json_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    json_array_add_string_element (array, s);
  va_end (args);
  return array;
}

static JsonArray *
display (const char *name_vi,
         const char *name_en)
{
  JsonArray *array = json_array_new ();
  JsonObject *vi = json_object_new ();
  JsonObject *en = json_object_new ();

  json_object_set_string_member (vi, "name", name_vi);
  json_object_set_string_member (vi, "locale", "vi");
  json_object_set_string_member (en, "name", name_en);
  json_object_set_string_member (en, "locale", "en");
  json_array_add_object_element (array, vi);
  json_array_add_object_element (array, en);
  return array;
}

static char *
configuration_id (const char *category,
                  Format      format)
{
  return g_strconcat (category, "_", format_suffixes[format], NULL);
}

static gboolean
parse_configuration_id (const char  *id,
                        const char **category,
                        Format      *format)
{
  for (guint c = 0; id != NULL && c < G_N_ELEMENTS (categories); c++)
    for (guint f = 0; f < G_N_ELEMENTS (format_suffixes); f++)
      {
        g_autofree char *candidate = configuration_id (categories[c], f);

        if (g_str_equal (candidate, id))
          {
            *category = categories[c];
            *format = f;
            return TRUE;
          }
      }
  return FALSE;
}

gboolean
demo_moet_is_configuration (const char *id)
{
  const char *category;
  Format format;

  return parse_configuration_id (id, &category, &format);
}

static JsonObject *
configuration (DossierDemoServices *self,
               guint                category,
               Format               format)
{
  JsonObject *config = json_object_new ();
  JsonObject *proof_types = json_object_new ();
  JsonObject *jwt = json_object_new ();
  JsonObject *metadata = json_object_new ();
  JsonObject *definition = json_object_new ();
  g_autofree char *id = configuration_id (categories[category], format);

  json_object_set_string_member (config, "format", format_names[format]);
  json_object_set_string_member (config, "scope", id);
  json_object_set_array_member (jwt, "proof_signing_alg_values_supported", strings ("ES256", NULL));
  json_object_set_object_member (proof_types, "jwt", jwt);
  json_object_set_object_member (config, "proof_types_supported", proof_types);
  json_object_set_array_member (metadata, "display", display (category_names[category].vi, category_names[category].en));
  json_object_set_object_member (config, "credential_metadata", metadata);
  json_object_set_array_member (config, "display", display (category_names[category].vi, category_names[category].en));
  switch (format)
    {
    case FORMAT_JWT:
      json_object_set_array_member (config, "cryptographic_binding_methods_supported", strings ("did:jwk", NULL));
      json_object_set_array_member (config, "credential_signing_alg_values_supported", strings ("ES256", NULL));
      json_object_set_array_member (definition, "type", strings ("VerifiableCredential", "AchievementCredential", NULL));
      json_object_set_object_member (config, "credential_definition", definition);
      break;
    case FORMAT_SD_JWT:
      {
        g_autofree char *vct = g_strdup_printf ("%s/credentials/%s", self->moet, categories[category]);

        json_object_set_array_member (config, "cryptographic_binding_methods_supported", strings ("jwk", NULL));
        json_object_set_array_member (config, "credential_signing_alg_values_supported", strings ("ES256", NULL));
        json_object_set_string_member (config, "vct", vct);
        json_object_unref (definition);
      }
      break;
    case FORMAT_LDP:
    default:
      json_object_set_array_member (config, "cryptographic_binding_methods_supported", strings ("did:jwk", NULL));
      json_object_set_array_member (config, "credential_signing_alg_values_supported", strings ("eddsa-jcs-2022", NULL));
      json_object_set_array_member (definition, "@context",
                                    strings ("https://www.w3.org/ns/credentials/v2",
                                             "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", NULL));
      json_object_set_array_member (definition, "type", strings ("VerifiableCredential", "AchievementCredential", NULL));
      json_object_set_object_member (config, "credential_definition", definition);
      break;
    }
  return config;
}

static void
issuer_metadata (DossierDemoServices *self,
                 SoupServerMessage   *msg)
{
  g_autoptr(JsonObject) metadata = json_object_new ();
  JsonObject *configs = json_object_new ();

  json_object_set_string_member (metadata, "credential_issuer", self->moet);
  {
    g_autofree char *credential = g_strconcat (self->moet, "/credential", NULL);
    g_autofree char *nonce = g_strconcat (self->moet, "/nonce", NULL);
    g_autofree char *deferred = g_strconcat (self->moet, "/deferred_credential", NULL);

    json_object_set_string_member (metadata, "credential_endpoint", credential);
    json_object_set_string_member (metadata, "nonce_endpoint", nonce);
    json_object_set_string_member (metadata, "deferred_credential_endpoint", deferred);
  }
  json_object_set_array_member (metadata, "display", display (MINISTRY_VI, MINISTRY_EN));
  for (guint c = 0; c < G_N_ELEMENTS (categories); c++)
    for (guint f = 0; f < G_N_ELEMENTS (format_suffixes); f++)
      {
        g_autofree char *id = configuration_id (categories[c], f);

        json_object_set_object_member (configs, id, configuration (self, c, f));
      }
  json_object_set_object_member (metadata, "credential_configurations_supported", configs);
  demo_send_json (msg, SOUP_STATUS_OK, metadata);
}

static void
authorization_server_metadata (DossierDemoServices *self,
                               SoupServerMessage   *msg)
{
  g_autoptr(JsonObject) metadata = json_object_new ();
  g_autofree char *authorize = g_strconcat (self->moet, "/authorize", NULL);
  g_autofree char *token = g_strconcat (self->moet, "/token", NULL);
  g_autofree char *revoke = g_strconcat (self->moet, "/revoke", NULL);
  g_autofree char *jwks = g_strconcat (self->moet, "/.well-known/jwks.json", NULL);
  JsonArray *scopes = json_array_new ();

  json_object_set_string_member (metadata, "issuer", self->moet);
  json_object_set_string_member (metadata, "authorization_endpoint", authorize);
  json_object_set_string_member (metadata, "token_endpoint", token);
  json_object_set_string_member (metadata, "revocation_endpoint", revoke);
  json_object_set_string_member (metadata, "jwks_uri", jwks);
  json_object_set_array_member (metadata, "response_types_supported", strings ("code", NULL));
  json_object_set_array_member (metadata, "grant_types_supported",
                                strings ("authorization_code", "refresh_token",
                                         "urn:ietf:params:oauth:grant-type:pre-authorized_code", NULL));
  json_object_set_array_member (metadata, "code_challenge_methods_supported", strings ("S256", NULL));
  json_object_set_array_member (metadata, "token_endpoint_auth_methods_supported", strings ("none", NULL));
  json_object_set_array_member (metadata, "authorization_details_types_supported", strings ("openid_credential", NULL));
  json_object_set_boolean_member (metadata, "pre-authorized_grant_anonymous_access_supported", TRUE);
  for (guint c = 0; c < G_N_ELEMENTS (categories); c++)
    for (guint f = 0; f < G_N_ELEMENTS (format_suffixes); f++)
      {
        g_autofree char *id = configuration_id (categories[c], f);

        json_array_add_string_element (scopes, id);
      }
  json_object_set_array_member (metadata, "scopes_supported", scopes);
  demo_send_json (msg, SOUP_STATUS_OK, metadata);
}

static void
send_node (SoupServerMessage *msg,
           JsonNode          *node)
{
  demo_send_json (msg, SOUP_STATUS_OK, json_node_get_object (node));
}

/* A did:web-style document naming the same keys as the key set. */
static void
did_document (DossierDemoServices *self,
              SoupServerMessage   *msg)
{
  g_autoptr(JsonObject) document = json_object_new ();
  JsonArray *methods = json_array_new ();
  JsonArray *assertion = json_array_new ();
  JsonArray *keys = dossier_json_get_array (json_node_get_object (self->catalog->moet_jwks), "keys");
  g_autofree char *did = NULL;
  g_autoptr(GUri) uri = g_uri_parse (self->moet, G_URI_FLAGS_NONE, NULL);

  did = g_strdup_printf ("did:web:%s%%3A%d:moet", g_uri_get_host (uri), g_uri_get_port (uri));
  json_object_set_array_member (document, "@context", strings ("https://www.w3.org/ns/did/v1", NULL));
  json_object_set_string_member (document, "id", did);
  for (guint i = 0; keys != NULL && i < json_array_get_length (keys); i++)
    {
      JsonObject *jwk = json_array_get_object_element (keys, i);
      JsonObject *method = json_object_new ();
      JsonObject *public_jwk = json_object_new ();
      g_autofree char *id = g_strconcat (did, "#", dossier_json_get_string (jwk, "kid"), NULL);
      const char * const members[] = { "kty", "crv", "x", "y" };

      for (guint m = 0; m < G_N_ELEMENTS (members); m++)
        if (dossier_json_get_string (jwk, members[m]) != NULL)
          json_object_set_string_member (public_jwk, members[m], dossier_json_get_string (jwk, members[m]));
      json_object_set_string_member (method, "id", id);
      json_object_set_string_member (method, "type", "JsonWebKey");
      json_object_set_string_member (method, "controller", did);
      json_object_set_object_member (method, "publicKeyJwk", public_jwk);
      json_array_add_object_element (methods, method);
      json_array_add_string_element (assertion, id);
    }
  json_object_set_array_member (document, "verificationMethod", methods);
  json_object_set_array_member (document, "assertionMethod", assertion);
  demo_send_typed_json (msg, SOUP_STATUS_OK, "application/did+json", document);
}

/* The Bitstring Status List credential, as a VC-JWT signed by the
 * ministry's P-256 key; the revoked demo credential's bit set. */
static void
status_list (DossierDemoServices *self,
             SoupServerMessage   *msg)
{
  g_autofree guint8 *bits = g_malloc0 (STATUS_LIST_BYTES);
  g_autoptr(JsonObject) credential = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *valid_from = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *url = g_strconcat (self->moet, "/status/1", NULL);
  g_autofree char *subject_id = g_strconcat (url, "#list", NULL);
  g_autofree char *encoded = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *subject = json_object_new ();
  char *token;

  for (guint i = 0; i < self->catalog->people->len; i++)
    {
      DossierDemoPerson *person = g_ptr_array_index (self->catalog->people, i);

      for (guint k = 0; k < person->documents->len; k++)
        {
          DossierDemoDocument *document = g_ptr_array_index (person->documents, k);

          if (document->revoked && document->status_index < STATUS_LIST_BYTES * 8)
            bits[document->status_index / 8] |= 0x80 >> (document->status_index % 8);
        }
    }
  json_object_set_array_member (credential, "@context", strings ("https://www.w3.org/ns/credentials/v2", NULL));
  json_object_set_string_member (credential, "id", url);
  json_object_set_array_member (credential, "type", strings ("VerifiableCredential", "BitstringStatusListCredential", NULL));
  json_object_set_string_member (credential, "issuer", self->moet);
  json_object_set_string_member (credential, "validFrom", valid_from);
  json_object_set_string_member (subject, "id", subject_id);
  json_object_set_string_member (subject, "type", "BitstringStatusList");
  json_object_set_string_member (subject, "statusPurpose", "revocation");
  json_object_set_object_member (credential, "credentialSubject", subject);
  if ((encoded = dossier_status_list_encode_bitstring (bits, STATUS_LIST_BYTES, &error)) == NULL)
    {
      demo_send_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error", error->message);
      return;
    }
  json_object_set_string_member (subject, "encodedList", encoded);
  token = dossier_vc_jwt_sign (credential, "vc+jwt", "ES256", self->catalog->moet_p256, self->catalog->moet_p256_kid, &error);
  if (token == NULL)
    {
      demo_send_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error", error->message);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/vc+jwt", SOUP_MEMORY_TAKE, token, strlen (token));
}

/* The configuration ids under which @person holds credentials. */
static GPtrArray *
person_configurations (DossierDemoPerson *person)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < G_N_ELEMENTS (categories); c++)
    {
      gboolean holds = FALSE;

      for (guint k = 0; k < person->documents->len; k++)
        holds |= g_str_equal (((DossierDemoDocument *) g_ptr_array_index (person->documents, k))->category, categories[c]);
      for (guint f = 0; holds && f < G_N_ELEMENTS (format_suffixes); f++)
        g_ptr_array_add (ids, configuration_id (categories[c], f));
    }
  return ids;
}

/* GET <moet>/offers/<person>: a fresh credential offer with a
 * pre-authorized code and its tx_code. */
static void
new_offer (DossierDemoServices *self,
           SoupServerMessage   *msg,
           const char          *person_id)
{
  DossierDemoPerson *person = dossier_demo_catalog_find_person (self->catalog, person_id);
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *code = NULL, *offer_id = NULL, *offer_uri = NULL, *escaped = NULL, *link = NULL, *tx_code = NULL;
  JsonObject *offer = json_object_new ();
  JsonObject *grants = json_object_new ();
  JsonObject *grant = json_object_new ();
  JsonObject *tx = json_object_new ();
  JsonArray *id_array = json_array_new ();
  DemoGrant *stored;
  guint32 random;

  if (person == NULL)
    {
      json_object_unref (offer);
      json_object_unref (grants);
      json_object_unref (grant);
      json_object_unref (tx);
      json_array_unref (id_array);
      demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such person");
      return;
    }
  ids = person_configurations (person);
  g_assert (RAND_bytes ((guint8 *) &random, sizeof random) == 1);
  tx_code = g_strdup_printf ("%06u", random % 1000000);
  code = demo_random_string (32);
  offer_id = demo_random_string (16);
  for (guint i = 0; i < ids->len; i++)
    json_array_add_string_element (id_array, g_ptr_array_index (ids, i));
  json_object_set_string_member (offer, "credential_issuer", self->moet);
  json_object_set_array_member (offer, "credential_configuration_ids", id_array);
  json_object_set_string_member (grant, "pre-authorized_code", code);
  json_object_set_string_member (tx, "input_mode", "numeric");
  json_object_set_int_member (tx, "length", 6);
  json_object_set_string_member (tx, "description", "Mã gồm 6 chữ số · The 6-digit code");
  json_object_set_object_member (grant, "tx_code", tx);
  json_object_set_object_member (grants, "urn:ietf:params:oauth:grant-type:pre-authorized_code", grant);
  json_object_set_object_member (offer, "grants", grants);

  stored = demo_grant_new (DEMO_SERVICE_MOET, person->id);
  stored->tx_code = g_strdup (tx_code);
  stored->expires = demo_now () + DEMO_PRE_CODE_LIFETIME;
  demo_table_add (self->pre_codes, g_strdup (code), stored);
  demo_table_add (self->offers, g_strdup (offer_id), offer);

  offer_uri = g_strconcat (self->moet, "/offer/", offer_id, NULL);
  escaped = g_uri_escape_string (offer_uri, NULL, FALSE);
  link = g_strconcat ("openid-credential-offer://?credential_offer_uri=", escaped, NULL);
  json_object_set_string_member (response, "offer", link);
  json_object_set_string_member (response, "tx_code", tx_code);
  json_object_set_string_member (response, "credential_offer_uri", offer_uri);
  demo_send_json (msg, SOUP_STATUS_OK, response);
}

void
demo_moet_pre_authorized (DossierDemoServices *self,
                          SoupServerMessage   *msg,
                          GHashTable          *form)
{
  const char *code = g_hash_table_lookup (form, "pre-authorized_code");
  const char *tx_code = g_hash_table_lookup (form, "tx_code");
  DemoGrant *grant = code != NULL ? g_hash_table_lookup (self->pre_codes, code) : NULL;
  g_autoptr(DemoGrant) used = NULL;

  if (grant == NULL || grant->expires < demo_now ())
    {
      if (grant != NULL)
        g_hash_table_remove (self->pre_codes, code);
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "The pre-authorized code is unknown, used or expired");
      return;
    }
  if (g_strcmp0 (tx_code, grant->tx_code) != 0)
    {
      /* a few tries, then the code is gone */
      if (++grant->attempts >= 5)
        g_hash_table_remove (self->pre_codes, code);
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "The transaction code (tx_code) is wrong");
      return;
    }
  used = demo_grant_copy (grant);
  g_hash_table_remove (self->pre_codes, code);
  {
    g_autoptr(JsonObject) response = demo_oauth_issue_tokens (self, used);

    demo_moet_add_details (self, response, used);
    demo_send_json (msg, SOUP_STATUS_OK, response);
  }
}

static gboolean
grant_allows (DemoGrant  *grant,
              const char *configuration)
{
  return grant->configurations == NULL || g_strv_contains ((const char * const *) grant->configurations, configuration);
}

/* authorization_details: for each configuration the grant covers, the
 * identifiers of the person's credentials under it. */
void
demo_moet_add_details (DossierDemoServices *self,
                       JsonObject          *response,
                       DemoGrant           *grant)
{
  DossierDemoPerson *person = dossier_demo_catalog_find_person (self->catalog, grant->person);
  JsonArray *details = json_array_new ();

  for (guint c = 0; person != NULL && c < G_N_ELEMENTS (categories); c++)
    for (guint f = 0; f < G_N_ELEMENTS (format_suffixes); f++)
      {
        g_autofree char *config = configuration_id (categories[c], f);
        JsonArray *identifiers;
        JsonObject *detail;

        if (!grant_allows (grant, config))
          continue;
        identifiers = json_array_new ();
        for (guint k = 0; k < person->documents->len; k++)
          {
            DossierDemoDocument *document = g_ptr_array_index (person->documents, k);

            g_autofree char *identifier = g_strconcat (document->id, ".", format_suffixes[f], NULL);

            if (g_str_equal (document->category, categories[c]))
              json_array_add_string_element (identifiers, identifier);
          }
        if (json_array_get_length (identifiers) == 0)
          {
            json_array_unref (identifiers);
            continue;
          }
        detail = json_object_new ();
        json_object_set_string_member (detail, "type", "openid_credential");
        json_object_set_string_member (detail, "credential_configuration_id", config);
        json_object_set_array_member (detail, "credential_identifiers", identifiers);
        json_array_add_object_element (details, detail);
      }
  json_object_set_array_member (response, "authorization_details", details);
}

static void
nonce (DossierDemoServices *self,
       SoupServerMessage   *msg)
{
  g_autoptr(JsonObject) response = json_object_new ();
  g_autofree char *value = demo_random_string (24);
  gint64 *expires = g_new (gint64, 1);

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      g_free (expires);
      demo_send_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "invalid_request", "The nonce endpoint takes POST");
      return;
    }
  *expires = demo_now () + DEMO_NONCE_LIFETIME;
  demo_table_add (self->nonces, g_strdup (value), expires);
  json_object_set_string_member (response, "c_nonce", value);
  demo_send_json (msg, SOUP_STATUS_OK, response);
}

/* Checks an OpenID4VCI proof JWT; its holder key's public JWK, or NULL
 * with @problem set. */
static JsonObject *
check_proof (DossierDemoServices  *self,
             const char           *proof,
             const char          **problem)
{
  g_autoptr(DossierJws) jws = NULL;
  g_autoptr(DossierJwk) key = NULL;
  JsonNode *payload;   /* owned by @jws */
  JsonObject *header, *jwk, *claims;
  const char *nonce;
  gint64 iat = 0;
  gint64 *expires;

  if (proof == NULL || (jws = dossier_jws_parse (proof, strlen (proof), NULL)) == NULL)
    return *problem = "The proof is not a compact JWS", NULL;
  header = dossier_jws_get_header (jws);
  if (g_strcmp0 (dossier_json_get_string (header, "typ"), "openid4vci-proof+jwt") != 0)
    return *problem = "The proof's typ is not openid4vci-proof+jwt", NULL;
  if (g_strcmp0 (dossier_json_get_string (header, "alg"), "ES256") != 0)
    return *problem = "The proof is not signed ES256", NULL;
  jwk = dossier_json_get_object (header, "jwk");
  if (jwk == NULL || json_object_has_member (jwk, "d") || g_strcmp0 (dossier_json_get_string (jwk, "crv"), "P-256") != 0 ||
      (key = dossier_jwk_new_from_json (jwk, NULL)) == NULL)
    return *problem = "The proof's header lacks a public P-256 jwk", NULL;
  if (!dossier_jws_verify (jws, key, NULL))
    return *problem = "The proof's signature does not match its jwk", NULL;
  payload = dossier_jws_get_payload_json (jws);
  claims = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
  if (claims == NULL)
    return *problem = "The proof's payload is not a JSON object", NULL;
  if (g_strcmp0 (dossier_json_get_string (claims, "aud"), self->moet) != 0)
    return *problem = "The proof's aud is not this credential issuer", NULL;
  if (!dossier_json_get_number (claims, "iat", &iat) || iat < demo_now () - 300 || iat > demo_now () + 300)
    return *problem = "The proof's iat is not within 5 minutes of now", NULL;
  nonce = dossier_json_get_string (claims, "nonce");
  expires = nonce != NULL ? g_hash_table_lookup (self->nonces, nonce) : NULL;
  if (expires == NULL || *expires < demo_now ())
    return *problem = "The proof's nonce was not issued by the nonce endpoint, or has expired", NULL;
  g_hash_table_remove (self->nonces, nonce);
  return json_object_ref (dossier_jwk_get_json (key));
}

static char *
did_jwk (JsonObject *jwk)
{
  g_autoptr(JsonObject) public_jwk = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL, *encoded = NULL;
  const char * const members[] = { "kty", "crv", "x", "y" };
  gsize length = 0;

  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    if (dossier_json_get_string (jwk, members[m]) != NULL)
      json_object_set_string_member (public_jwk, members[m], dossier_json_get_string (jwk, members[m]));
  node = json_node_init_object (json_node_alloc (), public_jwk);
  text = dossier_jcs_serialize (node, &length, NULL);
  encoded = dossier_base64url_encode (text, length);
  return g_strconcat ("did:jwk:", encoded, NULL);
}

/* did:jwk:...#0 of the ministry's Ed25519 key. */
static char *
ed25519_method (DossierDemoServices *self)
{
  JsonArray *keys = dossier_json_get_array (json_node_get_object (self->catalog->moet_jwks), "keys");

  for (guint i = 0; keys != NULL && i < json_array_get_length (keys); i++)
    {
      JsonObject *jwk = json_array_get_object_element (keys, i);

      if (g_strcmp0 (dossier_json_get_string (jwk, "kty"), "OKP") == 0)
        {
          g_autofree char *did = did_jwk (jwk);

          return g_strconcat (did, "#0", NULL);
        }
    }
  g_return_val_if_reached (NULL);
}

/* @document as the ministry issues it: its issuer, its status entry, its
 * subject bound to @holder. */
static JsonObject *
build_credential (DossierDemoServices *self,
                  DossierDemoDocument *document,
                  JsonObject          *holder,
                  gboolean             subject_id)
{
  JsonObject *credential = demo_json_copy (document->credential);
  JsonObject *issuer = json_object_new ();
  JsonObject *status = json_object_new ();
  JsonObject *subject = dossier_json_get_object (credential, "credentialSubject");
  g_autofree char *status_url = g_strconcat (self->moet, "/status/1", NULL);
  g_autofree char *status_id = g_strdup_printf ("%s#%u", status_url, document->status_index);
  g_autofree char *index = g_strdup_printf ("%u", document->status_index);

  json_object_set_string_member (issuer, "id", self->moet);
  json_object_set_array_member (issuer, "type", strings ("Profile", NULL));
  json_object_set_string_member (issuer, "name", MINISTRY_VI);
  json_object_set_string_member (issuer, "url", self->moet);
  json_object_set_object_member (credential, "issuer", issuer);
  json_object_set_string_member (status, "id", status_id);
  json_object_set_string_member (status, "type", "BitstringStatusListEntry");
  json_object_set_string_member (status, "statusPurpose", "revocation");
  json_object_set_string_member (status, "statusListIndex", index);
  json_object_set_string_member (status, "statusListCredential", status_url);
  json_object_set_object_member (credential, "credentialStatus", status);
  if (subject != NULL && subject_id)
    {
      g_autofree char *did = did_jwk (holder);

      json_object_set_string_member (subject, "id", did);
    }
  return credential;
}

/* @document in @format, bound to @holder; a JSON node for the
 * "credential" member (a string, or an object for ldp_vc). */
static JsonNode *
issue (DossierDemoServices  *self,
       DossierDemoDocument  *document,
       Format                format,
       JsonObject           *holder,
       GError              **error)
{
  g_autoptr(JsonObject) credential = build_credential (self, document, holder, format != FORMAT_SD_JWT);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  switch (format)
    {
    case FORMAT_JWT:
      {
        g_autofree char *token = dossier_vc_jwt_sign (credential, "vc+jwt", "ES256", self->catalog->moet_p256,
                                                      self->catalog->moet_p256_kid, error);

        return token != NULL ? json_node_init_string (json_node_alloc (), token) : NULL;
      }
    case FORMAT_SD_JWT:
      {
        g_autoptr(JsonObject) claims = json_object_new ();
        g_autoptr(GPtrArray) disclosable = g_ptr_array_new_with_free_func (g_free);
        g_autofree char *vct = g_strdup_printf ("%s/credentials/%s", self->moet, document->category);
        g_autofree char *token = NULL;
        JsonObject *subject = dossier_json_get_object (credential, "credentialSubject");
        DossierSdJwtIssueOptions options = { "ES256", self->catalog->moet_p256, self->catalog->moet_p256_kid, NULL, 2, holder };
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_set_string_member (claims, "iss", self->moet);
        json_object_set_string_member (claims, "vct", vct);
        json_object_set_int_member (claims, "iat", g_date_time_to_unix (now));
        json_object_iter_init (&iter, credential);
        while (json_object_iter_next (&iter, &name, &member))
          if (!g_str_equal (name, "@context"))
            json_object_set_member (claims, name, json_node_ref (member));
        json_object_iter_init (&iter, subject);
        while (subject != NULL && json_object_iter_next (&iter, &name, &member))
          if (!g_str_equal (name, "type") && !g_str_equal (name, "achievement"))
            g_ptr_array_add (disclosable, g_strconcat ("/credentialSubject/", name, NULL));
        g_ptr_array_add (disclosable, NULL);
        options.disclosable = (const char * const *) disclosable->pdata;
        token = dossier_sd_jwt_issue (claims, &options, error);
        return token != NULL ? json_node_init_string (json_node_alloc (), token) : NULL;
      }
    case FORMAT_LDP:
    default:
      {
        g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
        g_autofree char *method = NULL;

        /* a verification method must be a URL: the key's own did:jwk, which
         * verifiers trust through the ministry's published key set */
        method = ed25519_method (self);
        if (!dossier_data_integrity_sign (credential, "eddsa-jcs-2022", self->catalog->moet_ed25519,
                                          method, created, error))
          return NULL;
        return json_node_init_object (json_node_alloc (), credential);
      }
    }
}

/* The document and format a credential identifier names. */
static DossierDemoDocument *
parse_identifier (DossierDemoServices *self,
                  const char          *identifier,
                  Format              *format)
{
  const char *dot = identifier != NULL ? strrchr (identifier, '.') : NULL;
  g_autofree char *document_id = NULL;

  if (dot == NULL)
    return NULL;
  for (guint f = 0; f < G_N_ELEMENTS (format_suffixes); f++)
    if (g_str_equal (dot + 1, format_suffixes[f]))
      {
        *format = f;
        document_id = g_strndup (identifier, dot - identifier);
        return dossier_demo_catalog_find_document (self->catalog, document_id);
      }
  return NULL;
}

/* The proofs' holder keys (JsonObject), or NULL after answering 400. */
static GPtrArray *
read_proofs (DossierDemoServices *self,
             SoupServerMessage   *msg,
             JsonObject          *request)
{
  g_autoptr(GPtrArray) holders = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *jwts = dossier_json_get_array (dossier_json_get_object (request, "proofs"), "jwt");
  JsonObject *single = dossier_json_get_object (request, "proof");
  const char *problem = NULL;

  if (jwts == NULL && single != NULL && g_strcmp0 (dossier_json_get_string (single, "proof_type"), "jwt") == 0)
    {
      JsonObject *holder = check_proof (self, dossier_json_get_string (single, "jwt"), &problem);

      if (holder != NULL)
        g_ptr_array_add (holders, holder);
    }
  for (guint i = 0; jwts != NULL && i < json_array_get_length (jwts) && i < MAX_PROOFS && problem == NULL; i++)
    {
      JsonNode *element = json_array_get_element (jwts, i);
      JsonObject *holder = check_proof (self, JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING ?
                                              json_node_get_string (element) : NULL, &problem);

      if (holder != NULL)
        g_ptr_array_add (holders, holder);
    }
  if (problem != NULL || holders->len == 0)
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_proof",
                       problem != NULL ? problem : "A proof of possession (proofs.jwt) is required");
      return NULL;
    }
  return g_steal_pointer (&holders);
}

static void
send_credentials (SoupServerMessage *msg,
                  JsonArray         *credentials)
{
  g_autoptr(JsonObject) response = json_object_new ();

  json_object_set_array_member (response, "credentials", json_array_ref (credentials));
  demo_send_json (msg, SOUP_STATUS_OK, response);
}

static gboolean
add_issued (DossierDemoServices *self,
            SoupServerMessage   *msg,
            JsonArray           *credentials,
            DossierDemoDocument *document,
            Format               format,
            GPtrArray           *holders)
{
  for (guint i = 0; i < holders->len; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *issued = issue (self, document, format, g_ptr_array_index (holders, i), &error);
      JsonObject *entry;

      if (issued == NULL)
        {
          demo_send_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error", error->message);
          return FALSE;
        }
      entry = json_object_new ();
      json_object_set_member (entry, "credential", issued);
      json_array_add_object_element (credentials, entry);
    }
  return TRUE;
}

static void
credential_request (DossierDemoServices *self,
                    SoupServerMessage   *msg)
{
  DemoGrant *grant;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GPtrArray) holders = NULL;
  g_autoptr(JsonArray) credentials = json_array_new ();
  const char *identifier, *configuration;
  DossierDemoPerson *person;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      demo_send_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "invalid_request", "The credential endpoint takes POST");
      return;
    }
  if ((grant = demo_bearer (self, msg, DEMO_SERVICE_MOET)) == NULL || (request = demo_read_json (msg)) == NULL)
    return;
  person = dossier_demo_catalog_find_person (self->catalog, grant->person);
  identifier = dossier_json_get_string (request, "credential_identifier");
  configuration = dossier_json_get_string (request, "credential_configuration_id");
  if ((identifier == NULL) == (configuration == NULL))
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_credential_request",
                       "Give exactly one of credential_identifier and credential_configuration_id");
      return;
    }
  if (identifier != NULL)
    {
      Format format = FORMAT_JWT;
      DossierDemoDocument *document = parse_identifier (self, identifier, &format);
      g_autofree char *config = document != NULL ? configuration_id (document->category, format) : NULL;

      if (document == NULL || document->person != person || !grant_allows (grant, config))
        {
          demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "unknown_credential_identifier",
                           "The credential identifier is not one this access token was issued for");
          return;
        }
      if ((holders = read_proofs (self, msg, request)) == NULL)
        return;
      if (document->deferred)
        {
          g_autoptr(JsonObject) response = json_object_new ();
          g_autofree char *transaction = demo_random_string (16);
          JsonObject *pending = json_object_new ();

          json_object_set_string_member (pending, "person", person->id);
          json_object_set_string_member (pending, "identifier", identifier);
          json_object_set_object_member (pending, "holder", json_object_ref (g_ptr_array_index (holders, 0)));
          json_object_set_int_member (pending, "polls", 0);
          demo_table_add (self->deferred, g_strdup (transaction), pending);
          json_object_set_string_member (response, "transaction_id", transaction);
          json_object_set_int_member (response, "interval", 1);
          demo_send_json (msg, SOUP_STATUS_ACCEPTED, response);
          return;
        }
      if (add_issued (self, msg, credentials, document, format, holders))
        send_credentials (msg, credentials);
      return;
    }
  {
    const char *category = NULL;
    Format format = FORMAT_JWT;

    if (!parse_configuration_id (configuration, &category, &format) || !grant_allows (grant, configuration))
      {
        demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "unknown_credential_configuration",
                         "The credential configuration is unknown or not covered by this access token");
        return;
      }
    if ((holders = read_proofs (self, msg, request)) == NULL)
      return;
    for (guint k = 0; k < person->documents->len; k++)
      {
        DossierDemoDocument *document = g_ptr_array_index (person->documents, k);

        if (g_str_equal (document->category, category) &&
            !add_issued (self, msg, credentials, document, format, holders))
          return;
      }
    if (json_array_get_length (credentials) == 0)
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "unknown_credential_configuration",
                       "This person holds no credential of that configuration");
    else
      send_credentials (msg, credentials);
  }
}

/* The first poll answers issuance_pending, the next one the credential. */
static void
deferred_request (DossierDemoServices *self,
                  SoupServerMessage   *msg)
{
  DemoGrant *grant;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonArray) credentials = json_array_new ();
  g_autoptr(GPtrArray) holders = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  const char *transaction;
  JsonObject *pending;
  DossierDemoDocument *document;
  Format format = FORMAT_JWT;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      demo_send_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "invalid_request", "The deferred credential endpoint takes POST");
      return;
    }
  if ((grant = demo_bearer (self, msg, DEMO_SERVICE_MOET)) == NULL || (request = demo_read_json (msg)) == NULL)
    return;
  transaction = dossier_json_get_string (request, "transaction_id");
  pending = transaction != NULL ? g_hash_table_lookup (self->deferred, transaction) : NULL;
  if (pending == NULL || g_strcmp0 (dossier_json_get_string (pending, "person"), grant->person) != 0)
    {
      demo_send_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_transaction_id", "The transaction is unknown");
      return;
    }
  if (json_object_get_int_member (pending, "polls") == 0)
    {
      g_autoptr(JsonObject) response = json_object_new ();

      json_object_set_int_member (pending, "polls", 1);
      json_object_set_string_member (response, "error", "issuance_pending");
      json_object_set_string_member (response, "error_description", "The credential is not ready yet");
      json_object_set_string_member (response, "transaction_id", transaction);
      json_object_set_int_member (response, "interval", 1);
      demo_send_json (msg, SOUP_STATUS_BAD_REQUEST, response);
      return;
    }
  document = parse_identifier (self, dossier_json_get_string (pending, "identifier"), &format);
  g_ptr_array_add (holders, json_object_ref (dossier_json_get_object (pending, "holder")));
  if (document != NULL && add_issued (self, msg, credentials, document, format, holders))
    {
      send_credentials (msg, credentials);
      g_hash_table_remove (self->deferred, transaction);
    }
}

static void
send_offer (DossierDemoServices *self,
            SoupServerMessage   *msg,
            const char          *id)
{
  JsonObject *offer = g_hash_table_lookup (self->offers, id);

  if (offer == NULL)
    demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such credential offer");
  else
    demo_send_json (msg, SOUP_STATUS_OK, offer);
}

void
demo_moet_handle (DossierDemoServices *self,
                  SoupServerMessage   *msg,
                  const char          *path)
{
  gboolean get = g_str_equal (soup_server_message_get_method (msg), "GET");

  if (get && g_str_equal (path, "/.well-known/openid-credential-issuer"))
    issuer_metadata (self, msg);
  else if (get && g_str_equal (path, "/.well-known/oauth-authorization-server"))
    authorization_server_metadata (self, msg);
  else if (get && g_str_equal (path, "/.well-known/jwks.json"))
    send_node (msg, self->catalog->moet_jwks);
  else if (get && (g_str_equal (path, "/did.json") || g_str_equal (path, "/.well-known/did.json")))
    did_document (self, msg);
  else if (get && g_str_equal (path, "/status/1"))
    status_list (self, msg);
  else if (get && g_str_has_prefix (path, "/offers/"))
    new_offer (self, msg, path + strlen ("/offers/"));
  else if (get && g_str_has_prefix (path, "/offer/"))
    send_offer (self, msg, path + strlen ("/offer/"));
  else if (g_str_equal (path, "/authorize"))
    demo_oauth_authorize (self, msg, DEMO_SERVICE_MOET);
  else if (g_str_equal (path, "/token"))
    demo_oauth_token (self, msg, DEMO_SERVICE_MOET);
  else if (g_str_equal (path, "/revoke"))
    demo_oauth_revoke (self, msg);
  else if (g_str_equal (path, "/nonce"))
    nonce (self, msg);
  else if (g_str_equal (path, "/credential"))
    credential_request (self, msg);
  else if (g_str_equal (path, "/deferred_credential"))
    deferred_request (self, msg);
  else
    demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "There is nothing at this address");
}

/* The metadata at the host's root, as RFC 8414 and OpenID4VCI place it for
 * an issuer with a path. */
gboolean
demo_moet_handle_root (DossierDemoServices *self,
                       SoupServerMessage   *msg,
                       const char          *path)
{
  if (!g_str_equal (soup_server_message_get_method (msg), "GET"))
    return FALSE;
  if (g_str_equal (path, "/.well-known/openid-credential-issuer/moet"))
    issuer_metadata (self, msg);
  else if (g_str_equal (path, "/.well-known/oauth-authorization-server/moet"))
    authorization_server_metadata (self, msg);
  else
    return FALSE;
  return TRUE;
}
