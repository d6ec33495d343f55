// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-shl.h"

#include "dossier-base64.h"
#include "dossier-format-error.h"
#include "dossier-inflate.h"
#include "dossier-json.h"
#include "dossier-jwe.h"

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <string.h>

/* SMART Health Links: "shlink:/" + base64url of a JSON payload {url, key,
 * exp, flag, label, v}, alone or after "#" in a viewer's https address.
 * The url gives a manifest of files (or, with flag U, the one file), each a
 * compact JWE under the link's key. */

#define PREFIX "shlink:/"
#define KEY_TEXT_LENGTH 43
#define MAX_LABEL 80

struct _DossierShl
{
  char            *url;
  char            *label;
  guint8           key[DOSSIER_JWE_KEY_SIZE];
  gint64           expiry;   /* seconds since the epoch; 0 when none */
  DossierShlFlags  flags;
};

void
dossier_shl_free (DossierShl *shl)
{
  if (shl == NULL)
    return;
  OPENSSL_cleanse (shl->key, sizeof shl->key);
  g_free (shl->url);
  g_free (shl->label);
  g_free (shl);
}

void
dossier_shl_file_free (DossierShlFile *file)
{
  if (file == NULL)
    return;
  g_free (file->content_type);
  g_free (file->embedded);
  g_free (file->location);
  g_free (file);
}

/* Where "shlink:/" starts in @text: at 0, or after the "#" of an https
 * viewer address; -1 when @text is not a link. */
static gssize
payload_offset (const char *text,
                gsize       length)
{
  const char *found;

  if (length >= strlen (PREFIX) && strncmp (text, PREFIX, strlen (PREFIX)) == 0)
    return 0;
  if (length < 8 || strncmp (text, "https://", 8) != 0 || length > DOSSIER_SHL_MAX_TEXT)
    return -1;
  found = g_strstr_len (text, (gssize) length, "#" PREFIX);
  if (found == NULL || memchr (text, '#', (gsize) (found - text)) != NULL)
    return -1;
  return found + 1 - text;
}

gboolean
dossier_shl_detect (const char *text,
                    gsize       length)
{
  return payload_offset (text, length) >= 0;
}

static gboolean
parse_flags (const char       *text,
             DossierShlFlags  *flags,
             GError          **error)
{
  *flags = 0;
  for (const char *p = text; *p != '\0'; p++)
    {
      DossierShlFlags flag = *p == 'L' ? DOSSIER_SHL_FLAG_LONG_TERM : *p == 'P' ? DOSSIER_SHL_FLAG_PASSCODE :
                             *p == 'U' ? DOSSIER_SHL_FLAG_DIRECT : 0;

      if (flag == 0 || (*flags & flag) != 0)
        {
          g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                       _("The link’s flags “%s” are not a set of L, P and U"), text);
          return FALSE;
        }
      *flags |= flag;
    }
  /* a direct file has no manifest to protect with a passcode */
  if ((*flags & DOSSIER_SHL_FLAG_PASSCODE) && (*flags & DOSSIER_SHL_FLAG_DIRECT))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("A link cannot both need a passcode (P) and point at its file directly (U)"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_payload (DossierShl  *shl,
              JsonObject  *payload,
              GError     **error)
{
  const char *url = dossier_json_get_string (payload, "url");
  const char *key = dossier_json_get_string (payload, "key");
  const char *flag = dossier_json_get_string (payload, "flag");
  const char *label = dossier_json_get_string (payload, "label");
  g_autoptr(GBytes) key_bytes = NULL;
  g_autoptr(GUri) uri = NULL;
  gint64 version = 1;

  if (json_object_has_member (payload, "v") && (!dossier_json_get_number (payload, "v", &version) || version != 1))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
                           _("Only version 1 of SMART Health Links is supported"));
      return FALSE;
    }
  /* whether plain http may be used is the network layer's decision */
  if (url == NULL || (uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL)) == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The link has no web address (“url”)"));
      return FALSE;
    }
  if (key == NULL || strlen (key) != KEY_TEXT_LENGTH ||
      (key_bytes = dossier_base64url_decode (key, -1, NULL)) == NULL || g_bytes_get_size (key_bytes) != DOSSIER_JWE_KEY_SIZE)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The link’s key is not 256 bits in base64url"));
      return FALSE;
    }
  if (json_object_has_member (payload, "exp") && !dossier_json_get_number (payload, "exp", &shl->expiry))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The link’s expiry (“exp”) is not a number of seconds"));
      return FALSE;
    }
  if ((json_object_has_member (payload, "flag") && flag == NULL) || (flag != NULL && !parse_flags (flag, &shl->flags, error)))
    {
      if (flag == NULL)
        g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE, _("The link’s flags are not text"));
      return FALSE;
    }
  if (label != NULL && g_utf8_strlen (label, -1) > MAX_LABEL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                   _("The link’s label is longer than %d characters"), MAX_LABEL);
      return FALSE;
    }
  shl->url = g_strdup (url);
  shl->label = g_strdup (label);
  memcpy (shl->key, g_bytes_get_data (key_bytes, NULL), sizeof shl->key);
  OPENSSL_cleanse ((gpointer) g_bytes_get_data (key_bytes, NULL), g_bytes_get_size (key_bytes));
  return TRUE;
}

DossierShl *
dossier_shl_parse (const char  *text,
                   gsize        length,
                   GError     **error)
{
  g_autoptr(DossierShl) shl = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(JsonNode) root = NULL;
  gssize offset;
  const char *payload;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length > DOSSIER_SHL_MAX_TEXT || (offset = payload_offset (text, length)) < 0)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("Not a SMART Health Link: it starts with “shlink:/”, alone or after “#” in an https address"));
      return NULL;
    }
  payload = text + offset + strlen (PREFIX);
  decoded = dossier_base64url_decode (payload, (gssize) (text + length - payload), error);
  if (decoded == NULL)
    {
      g_prefix_error (error, _("The link is not well formed: "));
      return NULL;
    }
  root = dossier_json_parse (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded));
  /* the payload holds the key in text form */
  OPENSSL_cleanse ((gpointer) g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded));
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The link’s payload is not a JSON object"));
      return NULL;
    }
  shl = g_new0 (DossierShl, 1);
  if (!read_payload (shl, json_node_get_object (root), error))
    return NULL;
  return g_steal_pointer (&shl);
}

const char *
dossier_shl_get_url (DossierShl *shl)
{
  g_return_val_if_fail (shl != NULL, NULL);
  return shl->url;
}

const char *
dossier_shl_get_label (DossierShl *shl)
{
  g_return_val_if_fail (shl != NULL, NULL);
  return shl->label;
}

gint64
dossier_shl_get_expiry (DossierShl *shl)
{
  g_return_val_if_fail (shl != NULL, 0);
  return shl->expiry;
}

DossierShlFlags
dossier_shl_get_flags (DossierShl *shl)
{
  g_return_val_if_fail (shl != NULL, 0);
  return shl->flags;
}

/* Whether the link can be opened at @at (NULL: no time check) with
 * @passcode (NULL: none given). */
gboolean
dossier_shl_check_usable (DossierShl  *shl,
                          GDateTime   *at,
                          const char  *passcode,
                          GError     **error)
{
  g_return_val_if_fail (shl != NULL, FALSE);

  if (at != NULL && shl->expiry != 0 && g_date_time_to_unix (at) > shl->expiry)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (shl->expiry);
      g_autofree char *text = when != NULL ? g_date_time_format_iso8601 (when) : g_strdup ("?");

      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_EXPIRED,
                   _("The link expired on %s; ask its sender for a new one"), text);
      return FALSE;
    }
  if ((shl->flags & DOSSIER_SHL_FLAG_PASSCODE) && (passcode == NULL || *passcode == '\0'))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_PASSCODE_REQUIRED,
                           _("The link is protected by a passcode; ask its sender for it"));
      return FALSE;
    }
  return TRUE;
}

/* The JSON body of the manifest request. */
char *
dossier_shl_manifest_request (DossierShl *shl,
                              const char *recipient,
                              const char *passcode)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (shl != NULL && recipient != NULL, NULL);

  json_builder_begin_object (builder);
  dossier_json_builder_add_string (builder, "recipient", recipient);
  if (passcode != NULL && (shl->flags & DOSSIER_SHL_FLAG_PASSCODE))
    dossier_json_builder_add_string (builder, "passcode", passcode);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* With flag U, the address that answers with the one encrypted file. */
char *
dossier_shl_direct_url (DossierShl *shl,
                        const char *recipient)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (shl != NULL && recipient != NULL, NULL);

  escaped = g_uri_escape_string (recipient, NULL, FALSE);
  return g_strconcat (shl->url, strchr (shl->url, '?') != NULL ? "&" : "?", "recipient=", escaped, NULL);
}

static DossierShlFile *
read_file_entry (JsonNode  *node,
                 guint      index,
                 GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *type = object != NULL ? dossier_json_get_string (object, "contentType") : NULL;
  const char *embedded = object != NULL ? dossier_json_get_string (object, "embedded") : NULL;
  const char *location = object != NULL ? dossier_json_get_string (object, "location") : NULL;
  g_autoptr(GUri) uri = location != NULL ? g_uri_parse (location, G_URI_FLAGS_NONE, NULL) : NULL;
  DossierShlFile *file;

  if (type == NULL || (embedded == NULL) == (location == NULL))
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                   _("File %u of the manifest needs a content type and either embedded content or a location"), index + 1);
      return NULL;
    }
  if (location != NULL && (uri == NULL || g_uri_get_host (uri) == NULL ||
                           (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)))
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                   _("File %u of the manifest has no web address"), index + 1);
      return NULL;
    }
  file = g_new0 (DossierShlFile, 1);
  file->content_type = g_strdup (type);
  file->embedded = g_strdup (embedded);
  file->location = g_strdup (location);
  return file;
}

/* The files a manifest lists, as DossierShlFile. */
GPtrArray *
dossier_shl_parse_manifest (const char  *data,
                            gsize        length,
                            GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) dossier_shl_file_free);
  JsonArray *list;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > DOSSIER_SHL_MAX_MANIFEST)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The manifest is larger than %d bytes"), DOSSIER_SHL_MAX_MANIFEST);
      return NULL;
    }
  root = dossier_json_parse (data, length);
  list = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? dossier_json_get_array (json_node_get_object (root), "files") : NULL;
  if (list == NULL)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The manifest is not a JSON object with a list of files"));
      return NULL;
    }
  if (json_array_get_length (list) > DOSSIER_SHL_MAX_FILES)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The manifest lists more than %d files"), DOSSIER_SHL_MAX_FILES);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      DossierShlFile *file = read_file_entry (json_array_get_element (list, i), i, error);

      if (file == NULL)
        return NULL;
      g_ptr_array_add (files, file);
    }
  return g_steal_pointer (&files);
}

/* Decrypts one file of the link, inflating it when its header says "zip":
 * "DEF", never beyond DOSSIER_SHL_MAX_FILE bytes.  *@content_type, when
 * asked for, gets the JWE's "cty" (or NULL). */
GBytes *
dossier_shl_decrypt (DossierShl  *shl,
                     const char  *compact,
                     gsize        length,
                     char       **content_type,
                     GError     **error)
{
  g_autoptr(DossierJwe) jwe = NULL;
  g_autoptr(GBytes) plain = NULL;

  g_return_val_if_fail (shl != NULL && (compact != NULL || length == 0), NULL);

  while (length > 0 && g_ascii_isspace (compact[length - 1]))
    length--;
  if ((jwe = dossier_jwe_parse (compact, length, error)) == NULL ||
      (plain = dossier_jwe_decrypt (jwe, shl->key, sizeof shl->key, error)) == NULL)
    return NULL;
  if (content_type != NULL)
    *content_type = g_strdup (dossier_jwe_get_content_type (jwe));
  if (dossier_jwe_is_deflated (jwe))
    return dossier_inflate (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), DOSSIER_INFLATE_RAW,
                            DOSSIER_SHL_MAX_FILE, error);
  if (g_bytes_get_size (plain) > DOSSIER_SHL_MAX_FILE)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("A file of the link is larger than %d bytes"), DOSSIER_SHL_MAX_FILE);
      return NULL;
    }
  return g_steal_pointer (&plain);
}

/* Encrypts one file for a link under @key, compressed (zip DEF). */
char *
dossier_shl_encrypt (const guint8   *key,
                     gconstpointer   contents,
                     gsize           length,
                     const char     *content_type,
                     GError        **error)
{
  g_autoptr(GBytes) packed = NULL;

  g_return_val_if_fail (key != NULL && (contents != NULL || length == 0), NULL);

  if (length > DOSSIER_SHL_MAX_FILE)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("A file of the link is larger than %d bytes"), DOSSIER_SHL_MAX_FILE);
      return NULL;
    }
  packed = dossier_deflate (contents, length, DOSSIER_INFLATE_RAW);
  return dossier_jwe_encrypt (g_bytes_get_data (packed, NULL), g_bytes_get_size (packed), key,
                              DOSSIER_JWE_KEY_SIZE, content_type, TRUE, error);
}

/* The "shlink:/" text of a link to @url under @key. */
char *
dossier_shl_encode (const char      *url,
                    const guint8    *key,
                    gint64           expiry,
                    DossierShlFlags  flags,
                    const char      *label)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *key_text = NULL, *json = NULL, *encoded = NULL;
  g_autoptr(GString) flag = g_string_new (NULL);

  g_return_val_if_fail (url != NULL && key != NULL, NULL);

  key_text = dossier_base64url_encode (key, DOSSIER_JWE_KEY_SIZE);
  if (flags & DOSSIER_SHL_FLAG_LONG_TERM)
    g_string_append_c (flag, 'L');
  if (flags & DOSSIER_SHL_FLAG_PASSCODE)
    g_string_append_c (flag, 'P');
  if (flags & DOSSIER_SHL_FLAG_DIRECT)
    g_string_append_c (flag, 'U');
  json_builder_begin_object (builder);
  dossier_json_builder_add_string (builder, "url", url);
  dossier_json_builder_add_string (builder, "key", key_text);
  if (expiry != 0)
    {
      json_builder_set_member_name (builder, "exp");
      json_builder_add_int_value (builder, expiry);
    }
  if (flag->len > 0)
    dossier_json_builder_add_string (builder, "flag", flag->str);
  if (label != NULL)
    dossier_json_builder_add_string (builder, "label", label);
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, 1);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  encoded = dossier_base64url_encode (json, strlen (json));
  OPENSSL_cleanse (key_text, strlen (key_text));
  OPENSSL_cleanse (json, strlen (json));
  return g_strconcat (PREFIX, encoded, NULL);
}
