// SPDX-License-Identifier: GPL-3.0-or-later
/* The HTTP session against a real SoupServer on 127.0.0.1 in this process,
 * over plain http and over TLS with certificates made here. */
#include "dossier-net-session.h"
#include "dossier-oauth-client.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

typedef struct
{
  SoupServer        *server;
  char              *base;
  DossierNetSession *net;
  GAsyncResult      *result;
} Fixture;

static void
handle (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  if (g_str_equal (path, "/jwks.json"))
    {
      const char *body = "{\"keys\":[]}";

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
    }
  else if (g_str_equal (path, "/big"))
    {
      g_autofree char *body = g_strnfill (100000, 'x');

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_COPY, body, strlen (body));
    }
  else if (g_str_equal (path, "/chunked"))
    {
      SoupMessageBody *response = soup_server_message_get_response_body (message);

      /* no Content-Length: the limit must hold while reading */
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (message), SOUP_ENCODING_CHUNKED);
      soup_server_message_set_status (message, 200, NULL);
      for (guint i = 0; i < 50; i++)
        soup_message_body_append (response, SOUP_MEMORY_TAKE, g_strnfill (4096, 'y'), 4096);
      soup_message_body_complete (response);
    }
  else if (g_str_equal (path, "/echo") && g_strcmp0 (soup_server_message_get_method (message), "POST") == 0)
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
      const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (message), NULL);

      soup_server_message_set_status (message, g_strcmp0 (type, "application/json") == 0 ? 200 : 415, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    }
  else if (g_str_equal (path, "/form") && g_strcmp0 (soup_server_message_get_method (message), "POST") == 0)
    {
      /* a refusal, as token endpoints give, echoing what was sent */
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
      const char *type = soup_message_headers_get_content_type (headers, NULL);
      g_autofree char *text = g_strdup_printf ("%s|%s|%.*s", type, soup_message_headers_get_one (headers, "Accept"),
                                               (int) g_bytes_get_size (body), (const char *) g_bytes_get_data (body, NULL));

      soup_server_message_set_status (message, 400, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
    }
  else if (g_str_equal (path, "/private"))
    soup_server_message_set_status (message, 401, NULL);
  else if (g_str_equal (path, "/moved"))
    soup_server_message_set_redirect (message, 302, "/jwks.json");
  else if (g_str_equal (path, "/loop"))
    soup_server_message_set_redirect (message, 307, "/loop");
  else if (g_str_equal (path, "/downgrade"))
    {
      /* to the same server and path, but over plain http */
      GUri *uri = soup_server_message_get_uri (message);
      g_autofree char *plain = g_strdup_printf ("http://127.0.0.1:%d/jwks.json", g_uri_get_port (uri));

      soup_server_message_set_redirect (message, 301, plain);
    }
  else
    soup_server_message_set_status (message, 404, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle, NULL, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->net = dossier_net_session_new ();
  dossier_net_session_set_allow_http (f->net, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->result);
  g_assert_finalize_object (f->net);
  g_clear_object (&f->server);
  g_free (f->base);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = g_object_ref (result);
}

static GBytes *
get (Fixture     *f,
     const char  *path,
     gsize        max_size,
     GError     **error)
{
  g_autofree char *uri = g_strconcat (f->base, path + 1, NULL);

  g_clear_object (&f->result);
  dossier_net_session_get_bytes_async (f->net, uri, max_size, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return dossier_net_session_get_bytes_finish (f->net, f->result, error);
}

static void
test_fetch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = get (f, "/jwks.json", 1024, &error);

  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "{\"keys\":[]}", 11);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = get (f, "/missing", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP);
  g_clear_error (&error);

  bytes = get (f, "/big", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE);
  g_clear_error (&error);

  bytes = get (f, "/chunked", 10000, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* even with it, plain http goes to this machine only */
  g_clear_object (&f->result);
  dossier_net_session_get_bytes_async (f->net, "http://192.0.2.1/jwks.json", 1024, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (dossier_net_session_get_bytes_finish (f->net, f->result, &error));
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_NOT_HTTPS);
  g_clear_error (&error);

  /* without the test's permission, plain http is refused before connecting */
  dossier_net_session_set_allow_http (f->net, FALSE);
  bytes = get (f, "/jwks.json", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_NOT_HTTPS);
  g_clear_error (&error);

  g_clear_object (&f->result);
  dossier_net_session_get_bytes_async (f->net, "not a uri", 10, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (dossier_net_session_get_bytes_finish (f->net, f->result, &error));
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_INVALID_URI);
}

static void
test_redirects (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) moved = NULL;
  g_autoptr(GBytes) loop = NULL;

  moved = get (f, "/moved", 1024, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (moved, NULL), g_bytes_get_size (moved), "{\"keys\":[]}", 11);

  loop = get (f, "/loop", 1024, &error);
  g_assert_null (loop);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP);
}

static void
test_post (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *echo = g_strconcat (f->base, "echo", NULL);
  g_autofree char *private = g_strconcat (f->base, "private", NULL);
  const char *body = "{\"recipient\":\"Bác sĩ\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) refused = NULL;

  dossier_net_session_post_json_async (f->net, echo, body, 1024, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  answer = dossier_net_session_get_bytes_finish (f->net, f->result, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), body, strlen (body));

  g_clear_object (&f->result);
  dossier_net_session_post_json_async (f->net, private, body, 1024, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  refused = dossier_net_session_get_bytes_finish (f->net, f->result, &error);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_UNAUTHORIZED);
  g_assert_null (refused);
}

/* --- TLS ----------------------------------------------------------------- */

/* A test certificate authority and the server certificates it or nobody
 * issued, as PEM (certificate, then private key). */
typedef struct
{
  char *dir;
  char *ca_file;      /* the authority's certificate alone */
  char *good;         /* for 127.0.0.1 and localhost, valid now */
  char *expired;      /* for 127.0.0.1, expired yesterday */
  char *self_signed;  /* for 127.0.0.1, issued by itself */
  char *wrong_host;   /* for www.example.org only */
} Pki;

static Pki pki;

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

/* A certificate for @key named @name, valid from @from_days to @to_days
 * around now, issued by @issuer (itself when NULL). */
static X509 *
make_certificate (EVP_PKEY   *key,
                  const char *name,
                  const char *alt_names,
                  X509       *issuer,
                  EVP_PKEY   *issuer_key,
                  long        from_days,
                  long        to_days)
{
  static long serial = 1;
  X509 *certificate = X509_new ();
  X509_NAME *subject = X509_get_subject_name (certificate);
  X509V3_CTX context;

  g_assert_cmpint (X509_set_version (certificate, 2), ==, 1);
  ASN1_INTEGER_set (X509_get_serialNumber (certificate), serial++);
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notBefore (certificate), from_days * 86400));
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notAfter (certificate), to_days * 86400));
  g_assert_cmpint (X509_set_pubkey (certificate, key), ==, 1);
  X509_NAME_add_entry_by_txt (subject, "CN", MBSTRING_UTF8, (const unsigned char *) name, -1, -1, 0);
  X509_set_issuer_name (certificate, issuer != NULL ? X509_get_subject_name (issuer) : subject);
  X509V3_set_ctx (&context, issuer != NULL ? issuer : certificate, certificate, NULL, NULL, 0);
  add_extension (certificate, &context, NID_subject_key_identifier, "hash");
  if (alt_names == NULL)
    {
      add_extension (certificate, &context, NID_basic_constraints, "critical,CA:TRUE");
      add_extension (certificate, &context, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
  else
    {
      add_extension (certificate, &context, NID_basic_constraints, "critical,CA:FALSE");
      add_extension (certificate, &context, NID_key_usage, "critical,digitalSignature");
      add_extension (certificate, &context, NID_ext_key_usage, "serverAuth");
      add_extension (certificate, &context, NID_subject_alt_name, alt_names);
    }
  g_assert_cmpint (X509_sign (certificate, issuer_key != NULL ? issuer_key : key, EVP_sha256 ()), >, 0);
  return certificate;
}

static char *
to_pem (X509     *certificate,
        EVP_PKEY *key)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long length;
  char *pem;

  g_assert_cmpint (PEM_write_bio_X509 (bio, certificate), ==, 1);
  if (key != NULL)
    g_assert_cmpint (PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL), ==, 1);
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, (gsize) length);
  BIO_free (bio);
  return pem;
}

/* A server certificate for @alt_names from the test authority (or from
 * itself when @ca is NULL), with its key, as PEM. */
static char *
server_pem (X509       *ca,
            EVP_PKEY   *ca_key,
            const char *alt_names,
            long        from_days,
            long        to_days)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *certificate = make_certificate (key, "Dossier test server", alt_names, ca, ca_key, from_days, to_days);
  char *pem = to_pem (certificate, key);

  X509_free (certificate);
  EVP_PKEY_free (key);
  return pem;
}

static void
pki_make (void)
{
  EVP_PKEY *ca_key = EVP_EC_gen ("P-256");
  X509 *ca = make_certificate (ca_key, "Dossier test authority", NULL, NULL, NULL, -1, 30);
  g_autofree char *ca_pem = to_pem (ca, NULL);
  g_autoptr(GError) error = NULL;

  pki.dir = g_dir_make_tmp ("dossier-test-tls-XXXXXX", &error);
  g_assert_no_error (error);
  pki.ca_file = g_build_filename (pki.dir, "authority.pem", NULL);
  g_assert_true (g_file_set_contents (pki.ca_file, ca_pem, -1, NULL));
  pki.good = server_pem (ca, ca_key, "IP:127.0.0.1,DNS:localhost", -1, 30);
  pki.expired = server_pem (ca, ca_key, "IP:127.0.0.1,DNS:localhost", -30, -1);
  pki.self_signed = server_pem (NULL, NULL, "IP:127.0.0.1,DNS:localhost", -1, 30);
  pki.wrong_host = server_pem (ca, ca_key, "DNS:www.example.org", -1, 30);
  X509_free (ca);
  EVP_PKEY_free (ca_key);
}

static void
pki_clear (void)
{
  g_unlink (pki.ca_file);
  g_rmdir (pki.dir);
  g_free (pki.dir);
  g_free (pki.ca_file);
  g_free (pki.good);
  g_free (pki.expired);
  g_free (pki.self_signed);
  g_free (pki.wrong_host);
}

/* The fixture's server, serving https with the certificate @pem, and a
 * session that trusts the test authority when @trust_test_ca. */
static void
tls_set_up (Fixture    *f,
            const char *pem,
            gboolean    trust_test_ca)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  f->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (f->server, NULL, handle, NULL, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_true (g_str_has_prefix (f->base, "https://127.0.0.1:"));
  f->net = dossier_net_session_new ();
  if (trust_test_ca)
    {
      g_assert_true (dossier_net_session_set_trust_anchors (f->net, pki.ca_file, &error));
      g_assert_no_error (error);
    }
}

static void
test_tls_valid (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  tls_set_up (f, pki.good, TRUE);
  bytes = get (f, "/jwks.json", 1024, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "{\"keys\":[]}", 11);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* a redirection may not leave https */
  bytes = get (f, "/downgrade", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_NOT_HTTPS);
}

/* The same server, but the session trusts only the system's authorities. */
static void
test_tls_unknown_authority (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  tls_set_up (f, pki.good, FALSE);
  bytes = get (f, "/jwks.json", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_UNTRUSTED);
}

static void
test_tls_expired (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  tls_set_up (f, pki.expired, TRUE);
  bytes = get (f, "/jwks.json", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_EXPIRED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "expired"));
}

static void
test_tls_self_signed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  tls_set_up (f, pki.self_signed, TRUE);
  bytes = get (f, "/jwks.json", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "self-signed"));
}

static void
test_tls_wrong_host (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *echo = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  tls_set_up (f, pki.wrong_host, TRUE);
  bytes = get (f, "/jwks.json", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_WRONG_HOST);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "different site"));
  g_clear_error (&error);

  /* nothing is posted to it either */
  echo = g_strconcat (f->base, "echo", NULL);
  g_clear_object (&f->result);
  dossier_net_session_post_json_async (f->net, echo, "{}", 1024, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (dossier_net_session_get_bytes_finish (f->net, f->result, &error));
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_CERTIFICATE_WRONG_HOST);
}

static void
test_tls_bad_anchors (void)
{
  g_autoptr(DossierNetSession) net = dossier_net_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (pki.dir, "missing.pem", NULL);

  g_assert_false (dossier_net_session_set_trust_anchors (net, missing, &error));
  g_assert_nonnull (error);
}

static void
test_post_form (Fixture       *f,
                gconstpointer  data)
{
  const char *expected = "application/x-www-form-urlencoded|application/json|grant_type=authorization_code";
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *uri = g_strconcat (f->base, "form", NULL);
  g_autofree char *moved = g_strconcat (f->base, "moved", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  g_hash_table_insert (form, "grant_type", "authorization_code");
  dossier_net_session_post_form_async (f->net, uri, form, 1024, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* the body of a refusal comes back, with its status */
  bytes = dossier_net_session_post_form_finish (f->net, f->result, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, strlen (expected));

  /* posts are not redirected, and the limit still holds */
  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_object (&f->result);
  dossier_net_session_post_form_async (f->net, moved, form, 1024, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  bytes = dossier_net_session_post_form_finish (f->net, f->result, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 302);
  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_object (&f->result);
  dossier_net_session_post_form_async (f->net, uri, form, 16, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  bytes = dossier_net_session_post_form_finish (f->net, f->result, &status, &error);
  g_assert_null (bytes);
  g_assert_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE);

  g_assert_true (dossier_net_session_check_uri (f->net, "http://127.0.0.1:9/authorize", NULL));
  g_assert_false (dossier_net_session_check_uri (f->net, "http://school.example/authorize", NULL));
  g_assert_false (dossier_net_session_check_uri (f->net, "javascript:alert(1)", NULL));
}

/* Signing in to a service whose certificate is refused says so, in the
 * terms of a sign-in. */
static void
test_tls_oauth (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(DossierOAuthClient) client = NULL;
  g_autoptr(GError) error = NULL;

  tls_set_up (f, pki.self_signed, TRUE);
  client = dossier_oauth_client_new (f->net, f->base, "dossier-test");
  dossier_oauth_client_discover_async (client, NULL, store_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (dossier_oauth_client_discover_finish (client, f->result, &error));
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "self-signed"));
  g_clear_object (&f->result);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  pki_make ();
  g_test_add ("/net-tls/valid", Fixture, NULL, NULL, test_tls_valid, fixture_tear_down);
  g_test_add ("/net-tls/unknown-authority", Fixture, NULL, NULL, test_tls_unknown_authority, fixture_tear_down);
  g_test_add ("/net-tls/expired", Fixture, NULL, NULL, test_tls_expired, fixture_tear_down);
  g_test_add ("/net-tls/self-signed", Fixture, NULL, NULL, test_tls_self_signed, fixture_tear_down);
  g_test_add ("/net-tls/wrong-host", Fixture, NULL, NULL, test_tls_wrong_host, fixture_tear_down);
  g_test_add_func ("/net-tls/bad-anchors", test_tls_bad_anchors);
  g_test_add ("/net-tls/oauth", Fixture, NULL, NULL, test_tls_oauth, fixture_tear_down);
  g_test_add ("/net/fetch", Fixture, NULL, fixture_set_up, test_fetch, fixture_tear_down);
  g_test_add ("/net/errors", Fixture, NULL, fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/net/redirects", Fixture, NULL, fixture_set_up, test_redirects, fixture_tear_down);
  g_test_add ("/net/post", Fixture, NULL, fixture_set_up, test_post, fixture_tear_down);
  g_test_add ("/net/post-form", Fixture, NULL, fixture_set_up, test_post_form, fixture_tear_down);
  status = g_test_run ();
  pki_clear ();
  return status;
}
