// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-oid4vci.h"

#include "dossier-base64.h"
#include "dossier-json.h"
#include "dossier-jwk.h"
#include "dossier-jws.h"
#include "dossier-secret.h"

#include <glib/gi18n-lib.h>
#include <openssl/x509.h>
#include <openssl/sha.h>
#include <string.h>

/* OpenID for Verifiable Credential Issuance 1.0: credential offers, issuer
 * and authorization server metadata, and credential requests with a proof
 * of possession of the holder's key (a P-256 key per person, kept in the
 * vault).  Deferred credentials are polled for a little while, then left
 * for the next sync. */

#define MAX_ANSWER_SIZE (64 * 1024)
#define MAX_DEFERRED_POLLS 4
#define MAX_DEFERRED_WAIT 5
#define MAX_REQUESTS 200
#define PRE_AUTHORIZED_GRANT "urn:ietf:params:oauth:grant-type:pre-authorized_code"

void
dossier_oid4vci_issuer_free (DossierOid4vciIssuer *issuer)
{
  if (issuer == NULL)
    return;
  g_free (issuer->credential_issuer);
  g_free (issuer->credential_endpoint);
  g_free (issuer->nonce_endpoint);
  g_free (issuer->deferred_endpoint);
  g_free (issuer->authorization_server);
  g_free (issuer->display_name);
  g_clear_pointer (&issuer->configurations, json_object_unref);
  g_free (issuer->authorization_endpoint);
  g_free (issuer->token_endpoint);
  g_free (issuer->revocation_endpoint);
  g_free (issuer);
}

void
dossier_credential_offer_free (DossierCredentialOffer *offer)
{
  if (offer == NULL)
    return;
  g_free (offer->credential_issuer);
  g_strfreev (offer->configuration_ids);
  dossier_secure_strfree (offer->pre_authorized_code);
  g_free (offer->tx_code_description);
  g_free (offer->issuer_state);
  g_free (offer);
}

static gboolean
same_url (const char *a,
          const char *b)
{
  gsize la = strlen (a), lb = strlen (b);

  while (la > 0 && a[la - 1] == '/')
    la--;
  while (lb > 0 && b[lb - 1] == '/')
    lb--;
  return la == lb && strncmp (a, b, la) == 0;
}

static char *
trimmed (const char *url)
{
  gsize length = strlen (url);

  while (length > 0 && url[length - 1] == '/')
    length--;
  return g_strndup (url, length);
}

static GError *
malformed (const char *what)
{
  return g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_MALFORMED, _("Dossier cannot read %s"), what);
}

/* Where a document may be published: appended to the issuer's path (as
 * OpenID4VCI's own examples and many issuers do) or, as RFC 8615 has it,
 * between the host and the path. */
static char *
well_known (const char *issuer,
            const char *document,
            gboolean    inserted)
{
  g_autoptr(GUri) uri = g_uri_parse (issuer, G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GUri) built = NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  base = trimmed (g_uri_get_path (uri));
  path = inserted ? g_strdup_printf ("/.well-known/%s%s", document, base)
                  : g_strdup_printf ("%s/.well-known/%s", base, document);
  built = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                       path, NULL, NULL);
  return g_uri_to_string (built);
}

/* Discovery */

typedef struct
{
  char                 *issuer;
  guint                 attempt;
  DossierOid4vciIssuer *result;
} Discovery;

static void
discovery_free (Discovery *discovery)
{
  g_free (discovery->issuer);
  dossier_oid4vci_issuer_free (discovery->result);
  g_free (discovery);
}

static char *
display_name (JsonArray *display)
{
  const char * const *languages = g_get_language_names ();
  const char *first = NULL;

  for (guint l = 0; languages[l] != NULL; l++)
    for (guint i = 0; display != NULL && i < json_array_get_length (display); i++)
      {
        JsonNode *node = json_array_get_element (display, i);
        const char *name, *locale;

        if (!JSON_NODE_HOLDS_OBJECT (node) || (name = dossier_json_get_string (json_node_get_object (node), "name")) == NULL)
          continue;
        locale = dossier_json_get_string (json_node_get_object (node), "locale");
        if (first == NULL)
          first = name;
        if (locale != NULL && g_ascii_strncasecmp (locale, languages[l], 2) == 0 && strlen (languages[l]) >= 2)
          return g_strdup (name);
      }
  return g_strdup (first);
}

static DossierOid4vciIssuer *
parse_issuer (const char  *issuer_url,
              GBytes      *bytes,
              GError     **error)
{
  g_autoptr(JsonNode) root = dossier_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(DossierOid4vciIssuer) issuer = NULL;
  JsonObject *object;
  JsonArray *servers;
  const char *value;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, malformed (_("the issuer’s description")));
      return NULL;
    }
  object = json_node_get_object (root);
  issuer = g_new0 (DossierOid4vciIssuer, 1);
  value = dossier_json_get_string (object, "credential_issuer");
  if (value == NULL || !same_url (value, issuer_url))
    {
      g_set_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_MALFORMED,
                   _("The issuer’s description names another issuer than %s"), issuer_url);
      return NULL;
    }
  issuer->credential_issuer = trimmed (value);
  if ((value = dossier_json_get_string (object, "credential_endpoint")) == NULL ||
      dossier_json_get_object (object, "credential_configurations_supported") == NULL)
    {
      g_propagate_error (error, malformed (_("the issuer’s description")));
      return NULL;
    }
  issuer->credential_endpoint = g_strdup (value);
  issuer->nonce_endpoint = g_strdup (dossier_json_get_string (object, "nonce_endpoint"));
  issuer->deferred_endpoint = g_strdup (dossier_json_get_string (object, "deferred_credential_endpoint"));
  issuer->configurations = json_object_ref (dossier_json_get_object (object, "credential_configurations_supported"));
  issuer->display_name = display_name (dossier_json_get_array (object, "display"));
  servers = dossier_json_get_array (object, "authorization_servers");
  if (servers != NULL && json_array_get_length (servers) > 0 &&
      JSON_NODE_HOLDS_VALUE (json_array_get_element (servers, 0)) &&
      json_array_get_string_element (servers, 0) != NULL)
    issuer->authorization_server = trimmed (json_array_get_string_element (servers, 0));
  else
    issuer->authorization_server = g_strdup (issuer->credential_issuer);
  return g_steal_pointer (&issuer);
}

static void fetch_discovery (GTask *task);

static gboolean
read_ok (GObject       *source,
         GAsyncResult  *result,
         GBytes       **bytes,
         GError       **error)
{
  guint status = 0;

  *bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, error);
  if (*bytes == NULL)
    return FALSE;
  if (status < 200 || status >= 300)
    {
      g_clear_pointer (bytes, g_bytes_unref);
      g_set_error (error, DOSSIER_NET_ERROR, status == 401 || status == 403 ? DOSSIER_NET_ERROR_UNAUTHORIZED
                                                                             : DOSSIER_NET_ERROR_HTTP,
                   _("The server answered %u"), status);
      return FALSE;
    }
  return TRUE;
}

static void
on_discovery (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Discovery *discovery = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  JsonObject *object;

  if (!read_ok (source, result, &bytes, &error))
    {
      /* each document has two possible places, and the authorization
       * server may publish OpenID Connect discovery instead */
      if (g_error_matches (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP) &&
          (discovery->attempt == 0 || (discovery->attempt >= 2 && discovery->attempt < 4)))
        {
          g_error_free (error);
          discovery->attempt++;
          fetch_discovery (g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, error);
      return;
    }
  if (discovery->attempt < 2)
    {
      discovery->result = parse_issuer (discovery->issuer, bytes, &error);
      if (discovery->result == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      discovery->attempt = 2;
      fetch_discovery (g_steal_pointer (&task));
      return;
    }
  root = dossier_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL || dossier_json_get_string (object, "token_endpoint") == NULL)
    {
      g_task_return_error (task, malformed (_("the issuer’s sign-in settings")));
      return;
    }
  discovery->result->token_endpoint = g_strdup (dossier_json_get_string (object, "token_endpoint"));
  discovery->result->authorization_endpoint = g_strdup (dossier_json_get_string (object, "authorization_endpoint"));
  discovery->result->revocation_endpoint = g_strdup (dossier_json_get_string (object, "revocation_endpoint"));
  g_task_return_pointer (task, g_steal_pointer (&discovery->result), (GDestroyNotify) dossier_oid4vci_issuer_free);
}

static void
fetch_discovery (GTask *task)
{
  Discovery *discovery = g_task_get_task_data (task);
  const char *base = discovery->attempt < 2 ? discovery->issuer : discovery->result->authorization_server;
  const char *document = discovery->attempt < 2 ? "openid-credential-issuer"
                         : discovery->attempt < 4 ? "oauth-authorization-server" : "openid-configuration";
  g_autofree char *uri = well_known (base, document, discovery->attempt % 2 == 1);

  if (uri == NULL)
    {
      g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_INVALID_URI,
                               _("“%s” is not a web address"), base);
      g_object_unref (task);
      return;
    }
  dossier_net_session_send_async (g_task_get_source_object (task), "GET", uri, NULL, "application/json", NULL, NULL,
                                  DOSSIER_OID4VCI_MAX_METADATA_SIZE, g_task_get_cancellable (task), on_discovery, task);
}

/* Reads an issuer's metadata and its authorization server's.  An address
 * that publishes no issuer metadata fails with DOSSIER_NET_ERROR_HTTP. */
void
dossier_oid4vci_discover_async (DossierNetSession   *net,
                                const char          *issuer,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  Discovery *discovery;

  g_return_if_fail (DOSSIER_IS_NET_SESSION (net));
  g_return_if_fail (issuer != NULL);

  task = g_task_new (net, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_oid4vci_discover_async);
  discovery = g_new0 (Discovery, 1);
  discovery->issuer = trimmed (issuer);
  g_task_set_task_data (task, discovery, (GDestroyNotify) discovery_free);
  fetch_discovery (task);
}

DossierOid4vciIssuer *
dossier_oid4vci_discover_finish (DossierNetSession  *net,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, net), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Offers */

DossierCredentialOffer *
dossier_credential_offer_parse_json (const char  *text,
                                     gsize        length,
                                     GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(DossierCredentialOffer) offer = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonObject *object, *grants, *grant;
  JsonArray *array;
  const char *issuer;

  if (length <= DOSSIER_OID4VCI_MAX_OFFER_SIZE)
    root = dossier_json_parse (text, length);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  issuer = object != NULL ? dossier_json_get_string (object, "credential_issuer") : NULL;
  array = object != NULL ? dossier_json_get_array (object, "credential_configuration_ids") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array) && i < MAX_REQUESTS; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (ids, g_strdup (json_node_get_string (node)));
    }
  if (issuer == NULL || ids->len == 0)
    {
      g_set_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_MALFORMED,
                   _("This is not a credential offer Dossier can read: it names no issuer or no credential"));
      return NULL;
    }
  offer = g_new0 (DossierCredentialOffer, 1);
  offer->credential_issuer = trimmed (issuer);
  g_ptr_array_add (ids, NULL);
  offer->configuration_ids = (char **) g_ptr_array_steal (ids, NULL);
  grants = dossier_json_get_object (object, "grants");
  grant = grants != NULL ? dossier_json_get_object (grants, PRE_AUTHORIZED_GRANT) : NULL;
  if (grant != NULL && dossier_json_get_string (grant, "pre-authorized_code") != NULL)
    {
      JsonObject *tx_code = dossier_json_get_object (grant, "tx_code");

      offer->pre_authorized_code = dossier_secure_strdup (dossier_json_get_string (grant, "pre-authorized_code"));
      if (tx_code != NULL)
        {
          gint64 tx_length = 0;

          offer->tx_code = TRUE;
          offer->tx_code_numeric = g_strcmp0 (dossier_json_get_string (tx_code, "input_mode"), "text") != 0;
          if (dossier_json_get_number (tx_code, "length", &tx_length) && tx_length > 0 && tx_length < 64)
            offer->tx_code_length = (guint) tx_length;
          offer->tx_code_description = g_strdup (dossier_json_get_string (tx_code, "description"));
        }
    }
  grant = grants != NULL ? dossier_json_get_object (grants, "authorization_code") : NULL;
  if (grant != NULL || offer->pre_authorized_code == NULL)
    {
      offer->authorization_code = TRUE;
      offer->issuer_state = grant != NULL ? g_strdup (dossier_json_get_string (grant, "issuer_state")) : NULL;
    }
  return g_steal_pointer (&offer);
}

/**
 * dossier_credential_offer_parse_link:
 * @link: an openid-credential-offer:// link, or an https link carrying
 *   the same parameters
 */
DossierCredentialOffer *
dossier_credential_offer_parse_link (const char  *link,
                                     char       **fetch_uri,
                                     GError     **error)
{
  g_autoptr(GHashTable) params = NULL;
  const char *query;
  const char *value;

  *fetch_uri = NULL;
  if (strlen (link) > DOSSIER_OID4VCI_MAX_OFFER_SIZE || (query = strchr (link, '?')) == NULL ||
      (!g_str_has_prefix (link, "openid-credential-offer:") && !g_str_has_prefix (link, "https:") &&
       !g_str_has_prefix (link, "http:")))
    {
      g_set_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_MALFORMED,
                   _("This is not a credential offer link (openid-credential-offer://…)"));
      return NULL;
    }
  params = g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params != NULL && (value = g_hash_table_lookup (params, "credential_offer")) != NULL)
    return dossier_credential_offer_parse_json (value, strlen (value), error);
  if (params != NULL && (value = g_hash_table_lookup (params, "credential_offer_uri")) != NULL)
    {
      *fetch_uri = g_strdup (value);
      return NULL;
    }
  g_set_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_MALFORMED,
               _("The credential offer link carries no offer"));
  return NULL;
}

/* The holder's key */

EVP_PKEY *
dossier_holder_key_generate (void)
{
  return EVP_EC_gen ("P-256");
}

EVP_PKEY *
dossier_holder_key_load (const guint8 *der,
                         gsize         length)
{
  const guint8 *p = der;
  EVP_PKEY *key = d2i_AutoPrivateKey (NULL, &p, (long) length);

  if (key != NULL && !EVP_PKEY_is_a (key, "EC"))
    g_clear_pointer (&key, EVP_PKEY_free);
  return key;
}

/* Returns: the key in PKCS #8 DER, in wiped memory */
guint8 *
dossier_holder_key_save (EVP_PKEY *key,
                         gsize    *length)
{
  guint8 *der = NULL;
  guint8 *secure;
  int size = i2d_PrivateKey (key, &der);

  if (size <= 0)
    return NULL;
  secure = dossier_secure_alloc ((gsize) size);
  memcpy (secure, der, (gsize) size);
  OPENSSL_clear_free (der, (gsize) size);
  *length = (gsize) size;
  return secure;
}

static char *
encode_json (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);

  return dossier_base64url_encode (text, strlen (text));
}

/* A proof of possession of @key (OpenID4VCI §F.1). */
char *
dossier_oid4vci_proof (EVP_PKEY    *key,
                       const char  *audience,
                       const char  *nonce,
                       GError     **error)
{
  g_autoptr(JsonObject) header = json_object_new ();
  g_autoptr(JsonObject) payload = json_object_new ();
  JsonObject *jwk = dossier_jwk_public_json_for_pkey (key, error);
  g_autofree char *head = NULL;
  g_autofree char *body = NULL;
  g_autofree char *input = NULL;
  g_autofree char *signature = NULL;
  g_autoptr(GBytes) raw = NULL;

  if (jwk == NULL)
    return NULL;
  json_object_set_string_member (header, "typ", "openid4vci-proof+jwt");
  json_object_set_string_member (header, "alg", "ES256");
  json_object_set_object_member (header, "jwk", jwk);
  json_object_set_string_member (payload, "aud", audience);
  json_object_set_int_member (payload, "iat", g_get_real_time () / G_USEC_PER_SEC);
  if (nonce != NULL)
    json_object_set_string_member (payload, "nonce", nonce);
  head = encode_json (header);
  body = encode_json (payload);
  input = g_strconcat (head, ".", body, NULL);
  raw = dossier_crypto_sign ("ES256", key, input, strlen (input), error);
  if (raw == NULL)
    return NULL;
  signature = dossier_base64url_encode (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  return g_strconcat (input, ".", signature, NULL);
}

/* One credential in several formats

OpenID4VCI has no member linking configurations that are the same
credential in different formats.  An issuer that offers each of its
credentials as SD-JWT VC, VC-JWT and Data Integrity describes them with
the same display names (and the same type); Dossier takes configurations
with the same display names (every locale) but different formats to be one
credential, and asks for it in one format only, by this preference: SD-JWT
VC first (its holder can later show only the claims a verifier asks for),
then VC-JWT, then Data Integrity, then any other.  Configurations of the
same format are always different credentials; a configuration with no
display names is its own. */

static guint
format_rank (const char *format)
{
  static const char * const preferred[] = { "dc+sd-jwt", "vc+sd-jwt", "jwt_vc_json", "jwt_vc_json-ld", "ldp_vc" };

  for (guint i = 0; format != NULL && i < G_N_ELEMENTS (preferred); i++)
    if (g_str_equal (format, preferred[i]))
      return i;
  return G_N_ELEMENTS (preferred);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* What names the credential @config is one format of, or NULL. */
static char *
credential_key (JsonObject *config)
{
  JsonObject *metadata = dossier_json_get_object (config, "credential_metadata");
  JsonArray *display = metadata != NULL ? dossier_json_get_array (metadata, "display") : NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (display == NULL)
    display = dossier_json_get_array (config, "display");
  for (guint i = 0; display != NULL && i < json_array_get_length (display); i++)
    {
      JsonNode *node = json_array_get_element (display, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = entry != NULL ? dossier_json_get_string (entry, "name") : NULL;

      if (name != NULL)
        g_ptr_array_add (names, g_strconcat (dossier_json_get_string (entry, "locale") ?: "", "\t", name, NULL));
    }
  if (names->len == 0)
    return NULL;
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("\n", (char **) names->pdata);
}

/**
 * dossier_oid4vci_choose_configurations:
 * @issuer: the issuer whose configurations @ids name
 * @ids: configuration ids
 *
 * Returns: (transfer full): the ids of @ids to ask for, in their order:
 *   of each credential offered in several formats, the preferred one
 */
char **
dossier_oid4vci_choose_configurations (DossierOid4vciIssuer *issuer,
                                       const char * const   *ids)
{
  g_autoptr(GHashTable) best = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *chosen = g_ptr_array_new ();

  g_return_val_if_fail (issuer != NULL, NULL);

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
      {
        JsonObject *config = issuer->configurations != NULL ? dossier_json_get_object (issuer->configurations, ids[i]) : NULL;
        g_autofree char *key = config != NULL ? credential_key (config) : NULL;
        guint rank = config != NULL ? format_rank (dossier_json_get_string (config, "format")) : 0;
        gpointer known;

        if (pass == 0 && key != NULL &&
            (!g_hash_table_lookup_extended (best, key, NULL, &known) || rank < GPOINTER_TO_UINT (known)))
          g_hash_table_insert (best, g_steal_pointer (&key), GUINT_TO_POINTER (rank));
        else if (pass == 1 &&
                 (key == NULL || GPOINTER_TO_UINT (g_hash_table_lookup (best, key)) == rank) &&
                 !g_ptr_array_find_with_equal_func (chosen, ids[i], g_str_equal, NULL))
          g_ptr_array_add (chosen, g_strdup (ids[i]));
      }
  g_ptr_array_add (chosen, NULL);
  return (char **) g_ptr_array_free (chosen, FALSE);
}

/* Credential requests */

typedef struct
{
  char *identifier;      /* credential_identifier, or NULL */
  char *configuration;   /* credential_configuration_id */
  char *transaction_id;  /* deferred: ask the deferred endpoint */
  char *key;
  guint polls;
} Request;

static void
request_free (Request *request)
{
  g_free (request->identifier);
  g_free (request->configuration);
  g_free (request->transaction_id);
  g_free (request->key);
  g_free (request);
}

typedef struct
{
  DossierNetSession    *net;
  DossierOid4vciIssuer *issuer;     /* not owned: the caller keeps it until the end */
  char                 *token;      /* wiped memory */
  EVP_PKEY             *key;
  GQueue                requests;
  Request              *current;
  char                 *nonce;
  gboolean              nonce_retried;
  GPtrArray            *deliveries;
  JsonArray            *pending;
} Fetch;

static void
delivery_free (DossierOid4vciDelivery *delivery)
{
  g_free (delivery->key);
  g_free (delivery->format);
  g_free (delivery->credential);
  g_free (delivery->title);
  g_free (delivery);
}

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->net);
  dossier_secure_strfree (fetch->token);
  g_clear_pointer (&fetch->key, EVP_PKEY_free);
  g_queue_clear_full (&fetch->requests, (GDestroyNotify) request_free);
  g_clear_pointer (&fetch->current, request_free);
  g_free (fetch->nonce);
  g_clear_pointer (&fetch->deliveries, g_ptr_array_unref);
  g_clear_pointer (&fetch->pending, json_array_unref);
  g_free (fetch);
}

static void next_request (GTask *task);
static void ask_nonce (GTask *task);
static void on_credential (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data);

static char *
configuration_title (Fetch      *fetch,
                     const char *configuration)
{
  JsonObject *config = configuration != NULL ? dossier_json_get_object (fetch->issuer->configurations, configuration)
                                             : NULL;
  JsonObject *metadata = config != NULL ? dossier_json_get_object (config, "credential_metadata") : NULL;
  JsonArray *display = metadata != NULL ? dossier_json_get_array (metadata, "display")
                       : config != NULL ? dossier_json_get_array (config, "display") : NULL;

  return display_name (display);
}

static const char *
configuration_format (Fetch      *fetch,
                      const char *configuration)
{
  JsonObject *config = configuration != NULL ? dossier_json_get_object (fetch->issuer->configurations, configuration)
                                             : NULL;

  return config != NULL ? dossier_json_get_string (config, "format") : NULL;
}

static void
deliver (Fetch    *fetch,
         JsonNode *credential)
{
  DossierOid4vciDelivery *delivery = g_new0 (DossierOid4vciDelivery, 1);

  if (JSON_NODE_HOLDS_VALUE (credential) && json_node_get_value_type (credential) == G_TYPE_STRING)
    delivery->credential = g_strdup (json_node_get_string (credential));
  else
    delivery->credential = json_to_string (credential, FALSE);
  if (fetch->current->key != NULL)
    delivery->key = g_strdup (fetch->current->key);
  else
    {
      guint8 digest[SHA256_DIGEST_LENGTH];
      g_autofree char *hex = NULL;

      SHA256 ((const guint8 *) delivery->credential, strlen (delivery->credential), digest);
      hex = dossier_base64url_encode (digest, sizeof digest);
      delivery->key = g_strconcat ("credential:", hex, NULL);
    }
  delivery->format = g_strdup (configuration_format (fetch, fetch->current->configuration));
  delivery->title = configuration_title (fetch, fetch->current->configuration);
  g_ptr_array_add (fetch->deliveries, delivery);
}

static void
keep_pending (Fetch *fetch)
{
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "transaction_id", fetch->current->transaction_id);
  if (fetch->current->configuration != NULL)
    json_object_set_string_member (entry, "configuration", fetch->current->configuration);
  if (fetch->current->key != NULL)
    json_object_set_string_member (entry, "key", fetch->current->key);
  json_array_add_object_element (fetch->pending, entry);
}

static gboolean
poll_deferred_later (gpointer data)
{
  GTask *task = data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;

  json_object_set_string_member (body, "transaction_id", fetch->current->transaction_id);
  node = json_node_init_object (json_node_alloc (), body);
  text = json_to_string (node, FALSE);
  bytes = g_bytes_new (text, strlen (text));
  fetch->current->polls++;
  dossier_net_session_send_async (fetch->net, "POST", fetch->issuer->deferred_endpoint, fetch->token,
                                  "application/json", "application/json", bytes, DOSSIER_OID4VCI_MAX_CREDENTIAL_SIZE,
                                  g_task_get_cancellable (task), on_credential, task);
  return G_SOURCE_REMOVE;
}

static void
poll_deferred (GTask  *task,
               gint64  interval)
{
  Fetch *fetch = g_task_get_task_data (task);

  if (fetch->issuer->deferred_endpoint == NULL || fetch->current->polls >= MAX_DEFERRED_POLLS)
    {
      keep_pending (fetch);
      next_request (task);
      return;
    }
  g_timeout_add_seconds (CLAMP (interval, 1, MAX_DEFERRED_WAIT), poll_deferred_later, task);
}

static void
on_credential (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *answer;
  JsonArray *credentials;
  const char *code;
  gint64 interval = 5;
  GError *error = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  root = dossier_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  answer = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  code = answer != NULL ? dossier_json_get_string (answer, "error") : NULL;
  if (answer != NULL)
    dossier_json_get_number (answer, "interval", &interval);
  if (status == 401 || status == 403)
    {
      g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_UNAUTHORIZED,
                               _("The issuer refused access (%u): sign in again"), status);
      g_object_unref (task);
      return;
    }
  if (g_strcmp0 (code, "issuance_pending") == 0)
    {
      poll_deferred (task, interval);
      return;
    }
  if (g_strcmp0 (code, "invalid_nonce") == 0 && !fetch->nonce_retried)
    {
      fetch->nonce_retried = TRUE;
      ask_nonce (task);
      return;
    }
  if (status < 200 || status >= 300 || answer == NULL)
    {
      if (status >= 200 && status < 300)
        g_task_return_error (task, malformed (_("the issuer’s answer")));
      else
        g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP,
                                 _("The issuer refused a credential (%u %s)"), status,
                                 code != NULL && g_str_is_ascii (code) && strlen (code) < 64 ? code : "");
      g_object_unref (task);
      return;
    }
  credentials = dossier_json_get_array (answer, "credentials");
  if (credentials == NULL && dossier_json_get_string (answer, "transaction_id") != NULL)
    {
      g_free (fetch->current->transaction_id);
      fetch->current->transaction_id = g_strdup (dossier_json_get_string (answer, "transaction_id"));
      poll_deferred (task, interval);
      return;
    }
  if (credentials == NULL || json_array_get_length (credentials) == 0)
    {
      g_task_return_error (task, malformed (_("the issuer’s answer")));
      g_object_unref (task);
      return;
    }
  for (guint i = 0; i < json_array_get_length (credentials); i++)
    {
      JsonNode *node = json_array_get_element (credentials, i);
      JsonNode *credential = JSON_NODE_HOLDS_OBJECT (node)
                               ? json_object_get_member (json_node_get_object (node), "credential") : NULL;

      if (credential == NULL)
        {
          g_task_return_error (task, malformed (_("the issuer’s answer")));
          g_object_unref (task);
          return;
        }
      deliver (fetch, credential);
    }
  next_request (task);
}

static void
request_credential (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *proofs = json_object_new ();
  JsonArray *jwts = json_array_new ();
  g_autofree char *proof = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  proof = dossier_oid4vci_proof (fetch->key, fetch->issuer->credential_issuer, fetch->nonce, &error);
  if (proof == NULL)
    {
      json_object_unref (proofs);
      json_array_unref (jwts);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (fetch->current->identifier != NULL)
    json_object_set_string_member (body, "credential_identifier", fetch->current->identifier);
  else
    json_object_set_string_member (body, "credential_configuration_id", fetch->current->configuration);
  json_array_add_string_element (jwts, proof);
  json_object_set_array_member (proofs, "jwt", jwts);
  json_object_set_object_member (body, "proofs", proofs);
  node = json_node_init_object (json_node_alloc (), body);
  text = json_to_string (node, FALSE);
  bytes = g_bytes_new (text, strlen (text));
  dossier_net_session_send_async (fetch->net, "POST", fetch->issuer->credential_endpoint, fetch->token,
                                  "application/json", "application/json", bytes, DOSSIER_OID4VCI_MAX_CREDENTIAL_SIZE,
                                  g_task_get_cancellable (task), on_credential, task);
}

static void
on_nonce (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *nonce = NULL;
  GError *error = NULL;

  if (!read_ok (source, result, &bytes, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  root = dossier_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    nonce = dossier_json_get_string (json_node_get_object (root), "c_nonce");
  if (nonce == NULL)
    {
      g_task_return_error (task, malformed (_("the issuer’s nonce")));
      g_object_unref (task);
      return;
    }
  g_free (fetch->nonce);
  fetch->nonce = g_strdup (nonce);
  request_credential (task);
}

static void
ask_nonce (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  if (fetch->issuer->nonce_endpoint == NULL)
    {
      request_credential (task);
      return;
    }
  dossier_net_session_send_async (fetch->net, "POST", fetch->issuer->nonce_endpoint, NULL, "application/json",
                                  "application/json", empty, MAX_ANSWER_SIZE, g_task_get_cancellable (task), on_nonce,
                                  task);
}

static void
next_request (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_clear_pointer (&fetch->current, request_free);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  fetch->current = g_queue_pop_head (&fetch->requests);
  fetch->nonce_retried = FALSE;
  if (fetch->current == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&fetch->deliveries), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  if (fetch->current->transaction_id != NULL)
    {
      fetch->current->polls = 0;
      poll_deferred_later (task);
      return;
    }
  ask_nonce (task);
}

static int
same_key (gconstpointer queued,
          gconstpointer key)
{
  return g_strcmp0 (((const Request *) queued)->key, key);
}

static void
add_request (Fetch                  *fetch,
             const char             *identifier,
             const char             *configuration,
             const char             *transaction_id,
             const char             *key,
             DossierOid4vciSeenFunc  seen,
             gpointer                seen_data)
{
  Request *request;

  if (g_queue_get_length (&fetch->requests) >= MAX_REQUESTS)
    return;
  request = g_new0 (Request, 1);
  request->identifier = g_strdup (identifier);
  request->configuration = g_strdup (configuration);
  request->transaction_id = g_strdup (transaction_id);
  request->key = key != NULL ? g_strdup (key) : identifier != NULL ? g_strconcat ("oid4vci:", identifier, NULL) : NULL;
  /* a credential already kept, or already owed, is not asked for again */
  if (request->key != NULL && transaction_id == NULL &&
      ((seen != NULL && seen (request->key, seen_data)) ||
       g_queue_find_custom (&fetch->requests, request->key, (GCompareFunc) same_key) != NULL))
    {
      request_free (request);
      return;
    }
  g_queue_push_tail (&fetch->requests, request);
}

static gboolean
is_credential_detail (JsonNode *node)
{
  return JSON_NODE_HOLDS_OBJECT (node) &&
         g_strcmp0 (dossier_json_get_string (json_node_get_object (node), "type"), "openid_credential") == 0;
}

/* Queues the credentials @details_text grants: those of the configurations
 * an offer named when it names any, and of each credential granted in
 * several formats, only the preferred format. */
static void
add_granted (Fetch                  *fetch,
             const char             *details_text,
             const char * const     *offered,
             DossierOid4vciSeenFunc  seen,
             gpointer                seen_data)
{
  g_autoptr(JsonNode) root = details_text != NULL ? dossier_json_parse (details_text, strlen (details_text)) : NULL;
  JsonArray *details = root != NULL && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;
  g_autoptr(GPtrArray) granted = g_ptr_array_new ();
  g_auto(GStrv) chosen = NULL;

  for (guint i = 0; details != NULL && i < json_array_get_length (details) && i < MAX_REQUESTS; i++)
    {
      JsonNode *node = json_array_get_element (details, i);
      const char *configuration;

      if (!is_credential_detail (node))
        continue;
      configuration = dossier_json_get_string (json_node_get_object (node), "credential_configuration_id");
      if (configuration != NULL && (offered == NULL || offered[0] == NULL || g_strv_contains (offered, configuration)))
        g_ptr_array_add (granted, (gpointer) configuration);
    }
  g_ptr_array_add (granted, NULL);
  chosen = dossier_oid4vci_choose_configurations (fetch->issuer, (const char * const *) granted->pdata);

  for (guint i = 0; details != NULL && i < json_array_get_length (details); i++)
    {
      JsonNode *node = json_array_get_element (details, i);
      JsonArray *identifiers;
      const char *configuration;

      if (!is_credential_detail (node))
        continue;
      configuration = dossier_json_get_string (json_node_get_object (node), "credential_configuration_id");
      if (configuration == NULL || !g_strv_contains ((const char * const *) chosen, configuration))
        continue;
      identifiers = dossier_json_get_array (json_node_get_object (node), "credential_identifiers");
      for (guint j = 0; identifiers != NULL && j < json_array_get_length (identifiers); j++)
        {
          JsonNode *id = json_array_get_element (identifiers, j);

          if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
            add_request (fetch, json_node_get_string (id), configuration, NULL, NULL, seen, seen_data);
        }
    }
}

void
dossier_oid4vci_fetch_async (DossierNetSession        *net,
                             DossierOid4vciIssuer     *issuer,
                             const DossierOAuthTokens *tokens,
                             const char * const       *configuration_ids,
                             JsonArray                *pending,
                             EVP_PKEY                 *holder_key,
                             DossierOid4vciSeenFunc    seen,
                             gpointer                  seen_data,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  GTask *task;
  Fetch *fetch;

  g_return_if_fail (DOSSIER_IS_NET_SESSION (net));
  g_return_if_fail (issuer != NULL && tokens != NULL && holder_key != NULL);

  task = g_task_new (net, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_oid4vci_fetch_async);
  fetch = g_new0 (Fetch, 1);
  fetch->net = g_object_ref (net);
  fetch->issuer = issuer;
  fetch->token = dossier_secure_strdup (tokens->access_token);
  EVP_PKEY_up_ref (holder_key);
  fetch->key = holder_key;
  fetch->deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) delivery_free);
  fetch->pending = json_array_new ();
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  for (guint i = 0; pending != NULL && i < json_array_get_length (pending); i++)
    {
      JsonNode *node = json_array_get_element (pending, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (entry != NULL && dossier_json_get_string (entry, "transaction_id") != NULL)
        add_request (fetch, NULL, dossier_json_get_string (entry, "configuration"),
                     dossier_json_get_string (entry, "transaction_id"), dossier_json_get_string (entry, "key"),
                     NULL, NULL);
    }
  add_granted (fetch, tokens->authorization_details, configuration_ids, seen, seen_data);
  if (tokens->authorization_details == NULL && configuration_ids != NULL)
    {
      g_auto(GStrv) chosen = dossier_oid4vci_choose_configurations (issuer, configuration_ids);

      for (guint i = 0; chosen[i] != NULL; i++)
        add_request (fetch, NULL, chosen[i], NULL, NULL, seen, seen_data);
    }
  next_request (task);
}

/**
 * dossier_oid4vci_fetch_finish:
 * @still_pending: (out): deferred credentials still owed
 *
 * Returns: (element-type DossierOid4vciDelivery): what was delivered
 */
GPtrArray *
dossier_oid4vci_fetch_finish (DossierNetSession  *net,
                              GAsyncResult       *result,
                              JsonArray         **still_pending,
                              GError            **error)
{
  Fetch *fetch;

  g_return_val_if_fail (g_task_is_valid (result, net), NULL);
  fetch = g_task_get_task_data (G_TASK (result));
  if (still_pending != NULL)
    *still_pending = json_array_ref (fetch->pending);
  return g_task_propagate_pointer (G_TASK (result), error);
}
