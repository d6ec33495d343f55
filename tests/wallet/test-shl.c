// SPDX-License-Identifier: GPL-3.0-or-later
/* SMART Health Links end to end against a real SoupServer on 127.0.0.1:
 * the server holds only what Dossier's own encryption made, and the link
 * is opened through the application's DossierNetSession. */
#include "dossier-base64.h"
#include "dossier-crypto-error.h"
#include "dossier-format-error.h"
#include "dossier-json.h"
#include "dossier-shl-client.h"
#include "dossier-shl.h"

#include <libsoup/soup.h>
#include <string.h>

#define PASSCODE "2468"
#define RECIPIENT "Phòng khám Đa khoa"

static const guint8 link_key[32] = {
  0x5a, 0x01, 0x9c, 0x33, 0x47, 0x80, 0x11, 0xfe, 0x02, 0x63, 0x7d, 0x8e, 0x91, 0xa4, 0xb7, 0xc8,
  0xd9, 0xea, 0xfb, 0x0c, 0x1d, 0x2e, 0x3f, 0x40, 0x51, 0x62, 0x73, 0x84, 0x95, 0xa6, 0xb7, 0xc8,
};

typedef struct
{
  SoupServer        *server;
  char              *base;
  DossierNetSession *net;
  GAsyncResult      *result;
  char              *card_jwe;     /* the SMART Health Card file, encrypted */
  char              *bundle_jwe;   /* a FHIR bundle, encrypted */
  char              *bundle;
  guint              manifest_requests;
  char              *last_recipient;
} Fixture;

static char *
read_vector (const char *relative,
             gsize      *length)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), relative, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, NULL));
  return contents;
}

static void
answer (SoupServerMessage *message,
        guint              status,
        const char        *type,
        const char        *body)
{
  soup_server_message_set_status (message, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (message, type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
handle_manifest (Fixture           *f,
                 SoupServerMessage *message)
{
  SoupMessageBody *request = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) body = soup_message_body_flatten (request);
  g_autoptr(JsonNode) root = dossier_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  g_autofree char *manifest = NULL;
  const char *uri_path = g_uri_get_path (soup_server_message_get_uri (message));

  f->manifest_requests++;
  if (g_strcmp0 (soup_server_message_get_method (message), "POST") != 0 || object == NULL ||
      dossier_json_get_string (object, "recipient") == NULL)
    {
      answer (message, 400, NULL, NULL);
      return;
    }
  g_free (f->last_recipient);
  f->last_recipient = g_strdup (dossier_json_get_string (object, "recipient"));
  if (g_str_equal (uri_path, "/protected") && g_strcmp0 (dossier_json_get_string (object, "passcode"), PASSCODE) != 0)
    {
      answer (message, 401, "application/json", "{\"remainingAttempts\":3}");
      return;
    }
  manifest = g_strdup_printf ("{\"files\":[{\"contentType\":\"application/smart-health-card\",\"embedded\":\"%s\"},"
                              "{\"contentType\":\"application/fhir+json\",\"location\":\"%sfiles/bundle\"}]}",
                              f->card_jwe, f->base);
  answer (message, 200, "application/json", manifest);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (path, "/manifest") || g_str_equal (path, "/protected"))
    handle_manifest (f, message);
  else if (g_str_equal (path, "/files/bundle"))
    answer (message, 200, "application/jose", f->bundle_jwe);
  else if (g_str_equal (path, "/direct") && query != NULL && g_hash_table_contains (query, "recipient"))
    {
      g_free (f->last_recipient);
      f->last_recipient = g_strdup (g_hash_table_lookup (query, "recipient"));
      answer (message, 200, "application/jose", f->bundle_jwe);
    }
  else
    answer (message, 404, NULL, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *card = NULL;
  gsize card_length, bundle_length;
  GSList *uris;

  card = read_vector ("shc-spec/examples/example-00-e-file.smart-health-card", &card_length);
  f->bundle = read_vector ("shc-spec/shl/IPS_IG-bundle-01.json", &bundle_length);
  f->card_jwe = dossier_shl_encrypt (link_key, card, card_length, DOSSIER_SHL_CONTENT_SHC, &error);
  g_assert_no_error (error);
  f->bundle_jwe = dossier_shl_encrypt (link_key, f->bundle, bundle_length, NULL, &error);
  g_assert_no_error (error);

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle, f, NULL);
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
  /* the server's connections are freed once their closing is seen */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (f->base);
  g_free (f->card_jwe);
  g_free (f->bundle_jwe);
  g_free (f->bundle);
  g_free (f->last_recipient);
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = g_object_ref (result);
}

static GPtrArray *
open_link (Fixture     *f,
           const char  *link,
           const char  *passcode,
           GDateTime   *at,
           GError     **error)
{
  g_clear_object (&f->result);
  dossier_shl_open_async (f->net, link, strlen (link), RECIPIENT, passcode, at, NULL, on_result, f);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return dossier_shl_open_finish (f->net, f->result, error);
}

static char *
link_to (Fixture         *f,
         const char      *path,
         gint64           expiry,
         DossierShlFlags  flags)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);

  return dossier_shl_encode (url, link_key, expiry, flags, "Sổ sức khỏe của An");
}

static void
test_manifest (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *link = link_to (f, "manifest", 0, DOSSIER_SHL_FLAG_LONG_TERM);
  g_autofree char *viewer = g_strconcat ("https://viewer.example/#", link, NULL);
  g_autofree char *trust_path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "shc-spec", "issuer", ".well-known", "jwks.json", NULL);
  g_autoptr(DossierTrustRegistry) trust = dossier_trust_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contents = open_link (f, viewer, NULL, NULL, &error);
  g_autoptr(DossierVerification) result = NULL;
  DossierShlContent *bundle;

  g_assert_no_error (error);
  g_assert_cmpuint (contents->len, ==, 2);
  g_assert_cmpstr (f->last_recipient, ==, RECIPIENT);
  bundle = g_ptr_array_index (contents, 1);
  g_assert_cmpstr (bundle->content_type, ==, DOSSIER_SHL_CONTENT_FHIR);
  g_assert_cmpmem (g_bytes_get_data (bundle->contents, NULL), g_bytes_get_size (bundle->contents), f->bundle, strlen (f->bundle));

  g_assert_true (dossier_trust_registry_add_path (trust, trust_path, &error));
  g_assert_no_error (error);
  result = dossier_shl_verify_contents ("link", contents, trust, NULL);
  g_assert_null (dossier_verification_get_first_failure (result));
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "valid");
  g_assert_cmpuint (dossier_verification_get_records (result)->len, >, 3);
}

static void
test_direct (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *link = link_to (f, "direct", 0, DOSSIER_SHL_FLAG_DIRECT);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contents = open_link (f, link, NULL, NULL, &error);
  g_autoptr(DossierVerification) result = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (f->manifest_requests, ==, 0);
  g_assert_cmpstr (f->last_recipient, ==, RECIPIENT);
  g_assert_cmpuint (contents->len, ==, 1);
  /* no "cty" in the JWE: recognised from what it holds */
  g_assert_cmpstr (((DossierShlContent *) g_ptr_array_index (contents, 0))->content_type, ==, DOSSIER_SHL_CONTENT_FHIR);
  result = dossier_shl_verify_contents ("link", contents, NULL, NULL);
  g_assert_null (dossier_verification_get_first_failure (result));
  g_assert_cmpstr (dossier_verification_get_summary (result), ==, "unverified");
}

static void
test_passcode (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *link = link_to (f, "protected", 0, DOSSIER_SHL_FLAG_PASSCODE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = open_link (f, link, NULL, NULL, &error);
  g_autoptr(GPtrArray) wrong = NULL, right = NULL;

  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_PASSCODE_REQUIRED);
  g_assert_null (none);
  g_assert_cmpuint (f->manifest_requests, ==, 0);
  g_clear_error (&error);

  wrong = open_link (f, link, "1111", NULL, &error);
  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_PASSCODE_REQUIRED);
  g_assert_null (wrong);
  g_clear_error (&error);

  right = open_link (f, link, PASSCODE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (right->len, ==, 2);
}

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *link = link_to (f, "manifest", g_date_time_to_unix (now) - 60, 0);
  g_autofree char *later = link_to (f, "manifest", g_date_time_to_unix (now) + 3600, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expired = open_link (f, link, NULL, now, &error);
  g_autoptr(GPtrArray) current = NULL;

  g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_EXPIRED);
  g_assert_null (expired);
  g_assert_cmpuint (f->manifest_requests, ==, 0);
  g_clear_error (&error);
  current = open_link (f, later, NULL, now, &error);
  g_assert_no_error (error);
}

static void
test_wrong_key (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->base, "manifest", NULL);
  guint8 other_key[32];
  g_autofree char *link = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contents = NULL;

  memcpy (other_key, link_key, sizeof other_key);
  other_key[0] ^= 1;
  link = dossier_shl_encode (url, other_key, 0, 0, NULL);
  contents = open_link (f, link, NULL, NULL, &error);
  g_assert_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_DECRYPT);
  g_assert_null (contents);
}

/* The link of the IPS implementation guide's example, as its viewer
 * shows it, and malformed links. */
static void
test_parse (void)
{
  g_autofree char *text = read_vector ("shc-spec/shl/IPS_IG-bundle-01-shl.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierShl) shl = NULL;
  struct { const char *payload; int code; } bad[] = {
    { "{\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q\"}", DOSSIER_FORMAT_ERROR_DECODE },
    { "{\"url\":\"https://x.example/m\",\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7\"}", DOSSIER_FORMAT_ERROR_DECODE },
    { "{\"url\":\"https://x.example/m\",\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q\",\"flag\":\"PU\"}", DOSSIER_FORMAT_ERROR_DECODE },
    { "{\"url\":\"https://x.example/m\",\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q\",\"flag\":\"LL\"}", DOSSIER_FORMAT_ERROR_DECODE },
    { "{\"url\":\"https://x.example/m\",\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q\",\"flag\":\"X\"}", DOSSIER_FORMAT_ERROR_DECODE },
    { "{\"url\":\"https://x.example/m\",\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q\",\"v\":2}", DOSSIER_FORMAT_ERROR_UNSUPPORTED },
    { "{\"url\":\"ftp://x.example/m\",\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q\"}", DOSSIER_FORMAT_ERROR_DECODE },
    { "{\"url\":\"https://x.example/m\",\"key\":\"rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q\",\"exp\":\"soon\"}", DOSSIER_FORMAT_ERROR_DECODE },
    { "[1,2]", DOSSIER_FORMAT_ERROR_DECODE },
  };

  g_strstrip (text);
  g_assert_true (dossier_shl_detect (text, strlen (text)));
  shl = dossier_shl_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dossier_shl_get_url (shl), ==, "https://raw.githubusercontent.com/seanno/shc-demo-data/main/ips/IPS_IG-bundle-01-enc.txt");
  g_assert_cmpstr (dossier_shl_get_label (shl), ==, "Demo SHL for IPS_IG-bundle-01");
  g_assert_cmpint (dossier_shl_get_flags (shl), ==, DOSSIER_SHL_FLAG_LONG_TERM | DOSSIER_SHL_FLAG_DIRECT);
  g_assert_cmpint (dossier_shl_get_expiry (shl), ==, 0);
  {
    /* the key in the link opens the guide's encrypted file */
    g_autofree char *compact = read_vector ("shc-spec/shl/IPS_IG-bundle-01-enc.txt", NULL);
    g_autoptr(GBytes) plain = dossier_shl_decrypt (shl, compact, strlen (compact), NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (plain), ==, 60973);
  }

  g_assert_false (dossier_shl_detect ("http://viewer.example/#shlink:/e30", 34));
  g_assert_false (dossier_shl_detect ("https://viewer.example/#a#shlink:/e30", 37));
  g_assert_false (dossier_shl_detect ("shc:/0123", 9));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *encoded = dossier_base64url_encode (bad[i].payload, strlen (bad[i].payload));
      g_autofree char *link = g_strconcat ("shlink:/", encoded, NULL);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(DossierShl) refused = dossier_shl_parse (link, strlen (link), &local_error);

      g_assert_error (local_error, DOSSIER_FORMAT_ERROR, bad[i].code);
      g_assert_null (refused);
    }
}

static void
test_manifest_refused (void)
{
  const char *bad[] = {
    "", "[]", "{\"files\":{}}", "{\"files\":[{\"contentType\":\"application/fhir+json\"}]}",
    "{\"files\":[{\"embedded\":\"a.b.c.d.e\"}]}",
    "{\"files\":[{\"contentType\":\"x\",\"embedded\":\"a\",\"location\":\"https://x.example/\"}]}",
    "{\"files\":[{\"contentType\":\"x\",\"location\":\"file:///etc/passwd\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) files = dossier_shl_parse_manifest (bad[i], strlen (bad[i]), &error);

      g_assert_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE);
      g_assert_null (files);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shl/parse", test_parse);
  g_test_add_func ("/shl/manifest-refused", test_manifest_refused);
  g_test_add ("/shl/manifest", Fixture, NULL, fixture_set_up, test_manifest, fixture_tear_down);
  g_test_add ("/shl/direct", Fixture, NULL, fixture_set_up, test_direct, fixture_tear_down);
  g_test_add ("/shl/passcode", Fixture, NULL, fixture_set_up, test_passcode, fixture_tear_down);
  g_test_add ("/shl/expired", Fixture, NULL, fixture_set_up, test_expired, fixture_tear_down);
  g_test_add ("/shl/wrong-key", Fixture, NULL, fixture_set_up, test_wrong_key, fixture_tear_down);
  return g_test_run ();
}
