// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-status-list.h"

#include "dossier-base64.h"
#include "dossier-cbor.h"
#include "dossier-cose.h"
#include "dossier-did.h"
#include "dossier-format-error.h"
#include "dossier-inflate.h"
#include "dossier-issuer-key.h"
#include "dossier-json.h"
#include "dossier-jws.h"

#include <cbor.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

/* Whether a credential was revoked or suspended, from the status list its
 * issuer publishes: W3C Bitstring Status List ("credentialStatus" entries
 * pointing into a list credential) and the IETF Token Status List (a
 * "status" claim pointing into a status list token, a statuslist+jwt JWT
 * or an application/statuslist+cwt CWT).  The list comes
 * from a trust anchor or the network; when neither can give it, the
 * verdict says the status was not checked. */

#define CLOCK_SKEW_SECONDS 60

#define CWT_TYP "application/statuslist+cwt"
#define CWT_CLAIM_ISS 1
#define CWT_CLAIM_SUB 2
#define CWT_CLAIM_EXP 4
#define CWT_CLAIM_STATUS_LIST 65533

static GBytes *
decode_base64url (const char  *text,
                  gsize        length,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes = dossier_base64url_decode (text, (gssize) length, &local_error);

  if (bytes == NULL)
    g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                 _("The status list is not base64url: %s"), local_error->message);
  return bytes;
}

/* A Bitstring Status List's encodedList: multibase base64url ("u...") of
 * the GZIP-compressed bits, at least 16 KB of them. */
GBytes *
dossier_status_list_decode_bitstring (const char  *encoded,
                                      gsize        length,
                                      GError     **error)
{
  g_autoptr(GBytes) compressed = NULL;
  g_autoptr(GBytes) list = NULL;

  g_return_val_if_fail (encoded != NULL || length == 0, NULL);

  if (length > DOSSIER_STATUS_LIST_MAX_DOCUMENT)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The encoded status list is larger than %d bytes"), DOSSIER_STATUS_LIST_MAX_DOCUMENT);
      return NULL;
    }
  if (length < 2 || encoded[0] != 'u')
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The encoded status list must be multibase base64url, starting with “u”"));
      return NULL;
    }
  if ((compressed = decode_base64url (encoded + 1, length - 1, error)) == NULL)
    return NULL;
  list = dossier_inflate (g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed),
                          DOSSIER_INFLATE_GZIP, DOSSIER_STATUS_LIST_MAX_BYTES, error);
  if (list == NULL)
    return NULL;
  if (g_bytes_get_size (list) < DOSSIER_STATUS_LIST_MIN_BYTES)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                   _("The status list holds %zu bytes; a Bitstring Status List holds at least 16 KB"),
                   g_bytes_get_size (list));
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* A Token Status List's "lst": base64url of the zlib-compressed bytes. */
GBytes *
dossier_status_list_decode_token (const char  *lst,
                                  gsize        length,
                                  GError     **error)
{
  g_autoptr(GBytes) compressed = NULL;

  g_return_val_if_fail (lst != NULL || length == 0, NULL);

  if (length > DOSSIER_STATUS_LIST_MAX_DOCUMENT)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The encoded status list is larger than %d bytes"), DOSSIER_STATUS_LIST_MAX_DOCUMENT);
      return NULL;
    }
  if ((compressed = decode_base64url (lst, length, error)) == NULL)
    return NULL;
  return dossier_inflate (g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed),
                          DOSSIER_INFLATE_ZLIB, DOSSIER_STATUS_LIST_MAX_BYTES, error);
}

/* The @bits-wide status at @index of @list. */
gboolean
dossier_status_list_read (GBytes                  *list,
                          guint64                  index,
                          guint                    bits,
                          DossierStatusListOrder   order,
                          guint                   *value,
                          GError                 **error)
{
  gsize length;
  const guint8 *data;
  guint64 position;

  g_return_val_if_fail (list != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  data = g_bytes_get_data (list, &length);
  if (bits < 1 || bits > 8 || (order == DOSSIER_STATUS_LIST_LSB_FIRST && 8 % bits != 0))
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED,
                   _("Status entries of %u bits are not supported"), bits);
      return FALSE;
    }
  if (index >= (guint64) length * 8 / bits)
    {
      g_autofree char *wanted = g_strdup_printf ("%" G_GUINT64_FORMAT, index);
      g_autofree char *entries = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) length * 8 / bits);

      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_OUT_OF_RANGE,
                   _("Index %s is past the end of the status list, which has %s entries"), wanted, entries);
      return FALSE;
    }
  position = index * bits;
  *value = 0;
  if (order == DOSSIER_STATUS_LIST_LSB_FIRST)
    {
      *value = (data[position / 8] >> (position % 8)) & ((1u << bits) - 1);
      return TRUE;
    }
  for (guint k = 0; k < bits; k++, position++)
    *value = (*value << 1) | ((data[position / 8] >> (7 - position % 8)) & 1u);
  return TRUE;
}

/* A status list credential or token as fetched: JSON, or a JWT. */
typedef struct
{
  JsonNode   *root;
  DossierJws *jws;
  JsonObject *claims;       /* the JWT claims, or the JSON object */
  JsonObject *credential;   /* the list credential inside ("vc" for VC 1.1 JWTs) */
} ListDocument;

static void
list_document_clear (ListDocument *document)
{
  g_clear_pointer (&document->root, json_node_unref);
  g_clear_pointer (&document->jws, dossier_jws_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ListDocument, list_document_clear)

static gboolean
parse_document (GBytes        *bytes,
                ListDocument  *document,
                GError       **error)
{
  gsize length;
  const char *text = g_bytes_get_data (bytes, &length);

  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;
  if (dossier_jws_looks_compact (text, length))
    {
      GBytes *payload;

      if ((document->jws = dossier_jws_parse (text, length, error)) == NULL)
        return FALSE;
      payload = dossier_jws_get_payload (document->jws);
      document->root = dossier_json_parse (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
    }
  else
    document->root = dossier_json_parse (text, length);
  if (document->root == NULL || !JSON_NODE_HOLDS_OBJECT (document->root))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The status list is neither a JSON credential nor a JWT"));
      return FALSE;
    }
  document->claims = json_node_get_object (document->root);
  document->credential = dossier_json_get_object (document->claims, "vc");
  if (document->credential == NULL)
    document->credential = document->claims;
  return TRUE;
}

static const char *
issuer_of (JsonObject *claims,
           JsonObject *credential)
{
  JsonObject *issuer = dossier_json_get_object (credential, "issuer");

  if (dossier_json_get_string (claims, "iss") != NULL)
    return dossier_json_get_string (claims, "iss");
  if (issuer != NULL)
    return dossier_json_get_string (issuer, "id");
  return dossier_json_get_string (credential, "issuer");
}

static gboolean
has_string (JsonNode   *node,
            const char *wanted)
{
  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (node))
    return json_node_get_value_type (node) == G_TYPE_STRING && g_strcmp0 (json_node_get_string (node), wanted) == 0;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);

      if (JSON_NODE_HOLDS_VALUE (item) && has_string (item, wanted))
        return TRUE;
    }
  return FALSE;
}

/* Fetches the list at @uri.  NULL with nothing recorded means the status
 * could not be checked (noted on @result); NULL after a recorded failure
 * means the list is unusable. */
static GBytes *
fetch_list (const char                 *uri,
            const DossierVerifyOptions *options,
            DossierDocumentOrigin      *origin,
            DossierVerification        *result)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  GBytes *bytes;

  if (options->keys == NULL)
    {
      reason = g_strdup_printf (_("The status list %s is not available"), uri);
      dossier_verification_note_status_unchecked (result, reason);
      return NULL;
    }
  bytes = dossier_key_source_get_document (options->keys, uri, DOSSIER_STATUS_LIST_MAX_DOCUMENT, origin, &error);
  if (bytes != NULL)
    return bytes;
  if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE))
    {
      reason = g_strdup_printf (_("Status not checked: %s"), error->message);
      dossier_verification_note_status_unchecked (result, reason);
      return NULL;
    }
  dossier_verification_fail (result, "revocation", "status-list-unreadable", _("The status list %s cannot be read: %s"),
                             uri, error->message);
  return NULL;
}

/* Whether the list is the issuer's own: a JWT must be signed by the
 * issuer; an unsigned list counts only when the user gave it as a trust
 * anchor.  Sets @how to say which, or returns FALSE with either the status
 * noted as unchecked or a failure recorded on @result. */
static gboolean
check_list_origin (ListDocument               *document,
                   const char                 *uri,
                   const char                 *issuer,
                   DossierDocumentOrigin       origin,
                   const DossierVerifyOptions *options,
                   DossierVerification        *result,
                   char                      **how)
{
  const char *list_issuer = issuer_of (document->claims, document->credential);
  const char *alg = document->jws != NULL ? dossier_jws_get_header_string (document->jws, "alg") : NULL;

  if (issuer == NULL)
    return dossier_verification_fail (result, "revocation", "status-list-issuer",
                                      _("The credential names no issuer to check its status list against"));
  if (g_strcmp0 (list_issuer, issuer) != 0)
    return dossier_verification_fail (result, "revocation", "status-list-issuer",
                                      _("The status list %s is published by %s, not by the credential’s issuer %s"),
                                      uri, list_issuer != NULL ? list_issuer : _("(no one named)"), issuer);
  if (document->jws != NULL)
    {
      g_autoptr(DossierVerification) scratch = dossier_verification_new (uri);
      g_autoptr(DossierJwk) key = NULL;
      gboolean trusted;

      if (alg == NULL || g_str_equal (alg, "none") || g_str_has_prefix (alg, "HS"))
        return dossier_verification_fail (result, "revocation", "status-list-signature",
                                          _("The status list %s is not signed with an accepted algorithm"), uri);
      key = dossier_issuer_key_verify (document->jws, issuer, options, scratch, &trusted);
      if (key == NULL || !dossier_jwk_belongs_to (key, issuer))
        return dossier_verification_fail (result, "revocation", "status-list-signature",
                                          _("The status list %s is not signed by its issuer: %s"), uri,
                                          key == NULL ? dossier_verification_get_error_message (scratch)
                                                      : _("the key belongs to someone else"));
      *how = g_strdup_printf (_("%s, signed by the issuer"), uri);
      return TRUE;
    }
  if (origin != DOSSIER_DOCUMENT_TRUSTED)
    {
      g_autofree char *reason = g_strdup_printf (_("The status list at %s carries no signature Dossier can check"), uri);

      dossier_verification_note_status_unchecked (result, reason);
      return FALSE;
    }
  *how = json_object_has_member (document->credential, "proof")
         ? g_strdup_printf (_("%s, given as a trust anchor (its embedded proof is not checked)"), uri)
         : g_strdup_printf (_("%s, unsigned, accepted because you chose to trust it"), uri);
  return TRUE;
}

static gboolean
list_expired (JsonObject                 *claims,
              JsonObject                 *credential,
              const DossierVerifyOptions *options)
{
  const char *until = dossier_json_get_string (credential, "validUntil");
  g_autoptr(GDateTime) parsed = NULL;
  gint64 exp;

  if (options->at == NULL)
    return FALSE;
  if (until == NULL)
    until = dossier_json_get_string (credential, "expirationDate");
  if (dossier_json_get_number (claims, "exp", &exp))
    return exp < g_date_time_to_unix (options->at) - CLOCK_SKEW_SECONDS;
  parsed = until != NULL ? g_date_time_new_from_iso8601 (until, NULL) : NULL;
  return parsed != NULL && g_date_time_to_unix (parsed) < g_date_time_to_unix (options->at) - CLOCK_SKEW_SECONDS;
}

/* statusListIndex: a base-10 string as the specification says, or a JSON
 * number as some issuers write it. */
static gboolean
entry_index (JsonObject *entry,
             const char *name,
             guint64    *index)
{
  JsonNode *node = json_object_get_member (entry, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 number = json_node_get_int (node);

      *index = (guint64) number;
      return number >= 0;
    }
  return json_node_get_value_type (node) == G_TYPE_STRING && g_ascii_isdigit (json_node_get_string (node)[0]) &&
         g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXUINT64, index, NULL);
}

static char *
status_message (JsonObject *entry,
                guint       value)
{
  JsonArray *messages = dossier_json_get_array (entry, "statusMessage");
  g_autofree char *wanted = g_strdup_printf ("0x%x", value);

  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *item = json_array_get_element (messages, i);
      JsonObject *message = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;

      if (message != NULL && g_ascii_strcasecmp (dossier_json_get_string (message, "status") ?: "", wanted) == 0)
        return g_strdup (dossier_json_get_string (message, "message"));
    }
  return NULL;
}

static gboolean
report_bitstring (JsonObject          *entry,
                  const char          *purpose,
                  const char          *uri,
                  const char          *index_text,
                  guint                value,
                  DossierVerification *result)
{
  if (g_str_equal (purpose, "revocation"))
    return value == 0 ? dossier_verification_check (result, "revoked", TRUE, _("Not revoked"))
                      : dossier_verification_fail (result, "revoked", "revoked", _("Revoked by the issuer (list %s, entry %s)"),
                                                   uri, index_text);
  if (g_str_equal (purpose, "suspension"))
    return value == 0 ? dossier_verification_check (result, "revoked", TRUE, _("Not suspended"))
                      : dossier_verification_fail (result, "revoked", "suspended", _("Suspended by the issuer (list %s, entry %s)"),
                                                   uri, index_text);
  {
    g_autofree char *message = status_message (entry, value);

    return dossier_verification_check (result, "revoked", TRUE, _("Status “%s” is 0x%x%s%s"), purpose, value,
                                       message != NULL ? ": " : "", message != NULL ? message : "");
  }
}

/* One BitstringStatusListEntry of a credential. */
static gboolean
check_bitstring_entry (JsonObject                 *entry,
                       const char                 *issuer,
                       const DossierVerifyOptions *options,
                       DossierVerification        *result)
{
  const char *purpose = dossier_json_get_string (entry, "statusPurpose");
  const char *uri = dossier_json_get_string (entry, "statusListCredential");
  g_auto(ListDocument) document = { 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *how = NULL;
  g_autofree char *index_text = NULL;
  DossierDocumentOrigin origin = DOSSIER_DOCUMENT_FETCHED;
  JsonObject *subject;
  const char *encoded;
  guint64 index;
  gint64 size = 1;
  guint value;

  if (purpose == NULL || uri == NULL || !entry_index (entry, "statusListIndex", &index) ||
      (json_object_has_member (entry, "statusSize") && !dossier_json_get_number (entry, "statusSize", &size)) ||
      size < 1 || size > 8)
    return dossier_verification_fail (result, "revocation", "status-entry-malformed",
                                      _("The credential’s status entry needs a purpose, a list and an index (and a status size of 1 to 8 bits)"));
  if ((bytes = fetch_list (uri, options, &origin, result)) == NULL)
    return !dossier_verification_has_failed (result);
  if (!parse_document (bytes, &document, &error))
    return dossier_verification_fail (result, "revocation", "status-list-malformed", "%s", error->message);
  subject = dossier_json_get_object (document.credential, "credentialSubject");
  encoded = dossier_json_get_string (subject, "encodedList");
  if (!has_string (json_object_get_member (document.credential, "type"), "BitstringStatusListCredential") || encoded == NULL)
    return dossier_verification_fail (result, "revocation", "status-list-malformed",
                                      _("%s is not a Bitstring Status List credential"), uri);
  if (!check_list_origin (&document, uri, issuer, origin, options, result, &how))
    return !dossier_verification_has_failed (result);
  if (!has_string (json_object_get_member (subject, "statusPurpose"), purpose))
    return dossier_verification_fail (result, "revocation", "status-purpose-mismatch",
                                      _("The status list %s is not a list for “%s”"), uri, purpose);
  if (list_expired (document.claims, document.credential, options))
    return dossier_verification_fail (result, "revocation", "status-list-expired", _("The status list %s has expired"), uri);
  list = dossier_status_list_decode_bitstring (encoded, strlen (encoded), &error);
  if (list == NULL || !dossier_status_list_read (list, index, (guint) size, DOSSIER_STATUS_LIST_MSB_FIRST, &value, &error))
    return dossier_verification_fail (result, "revocation", "status-list-undecodable", _("The status list %s: %s"), uri, error->message);
  dossier_verification_check (result, "revocation", TRUE, "%s", how);
  index_text = g_strdup_printf ("%" G_GUINT64_FORMAT, index);
  return report_bitstring (entry, purpose, uri, index_text, value, result);
}

static gboolean
report_token (guint                value,
              const char          *uri,
              const char          *index_text,
              DossierVerification *result)
{
  switch (value)
    {
    case 0:
      return dossier_verification_check (result, "revoked", TRUE, _("Valid according to its issuer"));
    case 1:
      return dossier_verification_fail (result, "revoked", "revoked", _("Revoked by the issuer (list %s, entry %s)"),
                                        uri, index_text);
    case 2:
      return dossier_verification_fail (result, "revoked", "suspended", _("Suspended by the issuer (list %s, entry %s)"),
                                        uri, index_text);
    default:
      return dossier_verification_fail (result, "revoked", "status-flagged",
                                        _("The issuer marks it with status 0x%02x (list %s, entry %s)"), value, uri, index_text);
    }
}

/* A COSE_Sign1 (tagged 18, or 61 as a CWT, or not): the CWT form of a
 * status list token. */
static gboolean
looks_cose (GBytes *bytes)
{
  const guint8 *data = g_bytes_get_data (bytes, NULL);

  return g_bytes_get_size (bytes) > 0 && (data[0] == 0xd2 || data[0] == 0x84 || data[0] == 0xd8);
}

static cbor_item_t *
map_get_text (cbor_item_t *map,
              const char  *key)
{
  if (map == NULL || !cbor_isa_map (map))
    return NULL;
  for (gsize i = 0; i < cbor_map_size (map); i++)
    {
      g_autofree char *name = dossier_cbor_get_string (cbor_map_handle (map)[i].key);

      if (g_strcmp0 (name, key) == 0)
        return cbor_map_handle (map)[i].value;
    }
  return NULL;
}

/* A status list token in CWT form: the COSE message and its claims. */
typedef struct
{
  DossierCoseSign1 *cose;
  cbor_item_t      *claims;
} CwtToken;

static void
cwt_token_clear (CwtToken *token)
{
  g_clear_pointer (&token->cose, dossier_cose_sign1_free);
  if (token->claims != NULL)
    cbor_decref (&token->claims);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CwtToken, cwt_token_clear)

static gboolean
parse_cwt (GBytes    *bytes,
           CwtToken  *token,
           GError   **error)
{
  GBytes *payload;

  token->cose = dossier_cose_sign1_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
  if (token->cose == NULL)
    return FALSE;
  if (g_strcmp0 (token->cose->typ, CWT_TYP) != 0)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                   _("The COSE message is not a status list token (%s)"), CWT_TYP);
      return FALSE;
    }
  payload = token->cose->payload;
  token->claims = dossier_cbor_load (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  if (token->claims == NULL || !cbor_isa_map (token->claims))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The status list token’s claims are not a CBOR map"));
      return FALSE;
    }
  return TRUE;
}

/* The "sub" of a status list token in CWT form, the URI it answers for;
 * NULL when @bytes are not one. */
char *
dossier_status_list_cwt_subject (GBytes *bytes)
{
  g_auto(CwtToken) token = { 0 };

  g_return_val_if_fail (bytes != NULL, NULL);

  if (!looks_cose (bytes) || !parse_cwt (bytes, &token, NULL))
    return NULL;
  return dossier_cbor_get_string (dossier_cbor_map_get_int (token.claims, CWT_CLAIM_SUB));
}

/* Whether a key of @issuer signed the token: one the trust anchors hold
 * for it (by the token's kid when it names one), or one its DID names. */
static gboolean
cwt_signed_by (CwtToken                   *token,
               const char                 *issuer,
               const DossierVerifyOptions *options,
               GError                    **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *kid = NULL;

  if (token->cose->kid != NULL && g_utf8_validate_len (g_bytes_get_data (token->cose->kid, NULL),
                                                       g_bytes_get_size (token->cose->kid), NULL))
    kid = g_strndup (g_bytes_get_data (token->cose->kid, NULL), g_bytes_get_size (token->cose->kid));
  if (options->keys != NULL)
    keys = dossier_key_source_find_keys (options->keys, issuer, kid);
  if ((keys == NULL || keys->len == 0) && dossier_did_is_did (issuer))
    {
      g_clear_pointer (&keys, g_ptr_array_unref);
      keys = dossier_did_resolve_keys (issuer, options->keys, error);
      if (keys == NULL)
        return FALSE;
    }
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      DossierJwk *key = g_ptr_array_index (keys, i);

      g_clear_error (error);
      if (dossier_jwk_belongs_to (key, issuer) && dossier_cose_sign1_verify (token->cose, dossier_jwk_get_pkey (key), error))
        return TRUE;
    }
  if (error != NULL && *error == NULL)
    g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_MISMATCH, _("no trusted key of %s signed it"), issuer);
  return FALSE;
}

/* The Token Status List in CWT form: COSE_Sign1 with the type
 * application/statuslist+cwt, claims 2 (sub), 4 (exp) and 65533
 * (status_list: {"bits", "lst"}, the list zlib-compressed as a byte
 * string), signed by the credential's issuer. */
static gboolean
check_cwt_token (GBytes                     *bytes,
                 const char                 *uri,
                 gint64                      index,
                 const char                 *issuer,
                 const DossierVerifyOptions *options,
                 DossierVerification        *result)
{
  g_auto(CwtToken) token = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) lst = NULL;
  g_autoptr(GBytes) list = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *list_issuer = NULL;
  g_autofree char *index_text = NULL;
  cbor_item_t *status_list;
  gint64 bits = 0, exp;
  guint value;

  if (!parse_cwt (bytes, &token, &error))
    return dossier_verification_fail (result, "revocation", "status-list-malformed", _("The status list %s: %s"), uri, error->message);
  sub = dossier_cbor_get_string (dossier_cbor_map_get_int (token.claims, CWT_CLAIM_SUB));
  if (g_strcmp0 (sub, uri) != 0)
    return dossier_verification_fail (result, "revocation", "status-list-mismatch",
                                      _("The status list token names another list than %s"), uri);
  list_issuer = dossier_cbor_get_string (dossier_cbor_map_get_int (token.claims, CWT_CLAIM_ISS));
  if (issuer == NULL || (list_issuer != NULL && g_strcmp0 (list_issuer, issuer) != 0))
    return dossier_verification_fail (result, "revocation", "status-list-issuer",
                                      _("The status list %s is published by %s, not by the credential’s issuer %s"),
                                      uri, list_issuer != NULL ? list_issuer : _("(no one named)"),
                                      issuer != NULL ? issuer : _("(not named)"));
  if (dossier_cose_alg_name (token.cose->alg) == NULL || !cwt_signed_by (&token, issuer, options, &error))
    return dossier_verification_fail (result, "revocation", "status-list-signature",
                                      _("The status list %s is not signed by its issuer: %s"), uri,
                                      error != NULL ? error->message : _("its algorithm is not accepted"));
  if (options->at != NULL && dossier_cbor_get_int (dossier_cbor_map_get_int (token.claims, CWT_CLAIM_EXP), &exp) &&
      exp < g_date_time_to_unix (options->at) - CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "revocation", "status-list-expired", _("The status list %s has expired"), uri);
  status_list = dossier_cbor_map_get_int (token.claims, CWT_CLAIM_STATUS_LIST);
  lst = dossier_cbor_get_bytes (map_get_text (status_list, "lst"));
  if (lst == NULL || !dossier_cbor_get_int (map_get_text (status_list, "bits"), &bits) ||
      (bits != 1 && bits != 2 && bits != 4 && bits != 8))
    return dossier_verification_fail (result, "revocation", "status-list-malformed",
                                      _("The status list token needs “bits” of 1, 2, 4 or 8 and a list “lst”"));
  list = dossier_inflate (g_bytes_get_data (lst, NULL), g_bytes_get_size (lst), DOSSIER_INFLATE_ZLIB,
                          DOSSIER_STATUS_LIST_MAX_BYTES, &error);
  if (list == NULL || !dossier_status_list_read (list, (guint64) index, (guint) bits, DOSSIER_STATUS_LIST_LSB_FIRST, &value, &error))
    return dossier_verification_fail (result, "revocation", "status-list-undecodable", _("The status list %s: %s"), uri, error->message);
  dossier_verification_check (result, "revocation", TRUE, _("%s, a CWT signed by the issuer"), uri);
  index_text = g_strdup_printf ("%" G_GINT64_FORMAT, index);
  return report_token (value, uri, index_text, result);
}

/* The "status_list" reference of a Token Status List: {"idx", "uri"}. */
static gboolean
check_token_reference (JsonObject                 *reference,
                       const char                 *issuer,
                       const DossierVerifyOptions *options,
                       DossierVerification        *result)
{
  const char *uri = dossier_json_get_string (reference, "uri");
  g_auto(ListDocument) document = { 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *how = NULL;
  g_autofree char *index_text = NULL;
  DossierDocumentOrigin origin = DOSSIER_DOCUMENT_FETCHED;
  JsonObject *status_list;
  const char *lst;
  gint64 index, bits;
  guint value;

  if (uri == NULL || !dossier_json_get_number (reference, "idx", &index) || index < 0)
    return dossier_verification_fail (result, "revocation", "status-entry-malformed",
                                      _("The credential’s status reference needs an index (idx) and a list (uri)"));
  if ((bytes = fetch_list (uri, options, &origin, result)) == NULL)
    return !dossier_verification_has_failed (result);
  if (looks_cose (bytes))
    return check_cwt_token (bytes, uri, index, issuer, options, result);
  if (!parse_document (bytes, &document, &error))
    return dossier_verification_fail (result, "revocation", "status-list-malformed", "%s", error->message);
  if (document.jws == NULL || g_strcmp0 (dossier_jws_get_header_string (document.jws, "typ"), "statuslist+jwt") != 0)
    return dossier_verification_fail (result, "revocation", "status-list-malformed",
                                      _("%s is not a status list token (statuslist+jwt)"), uri);
  if (g_strcmp0 (dossier_json_get_string (document.claims, "sub"), uri) != 0)
    return dossier_verification_fail (result, "revocation", "status-list-mismatch",
                                      _("The status list token names another list than %s"), uri);
  if (!check_list_origin (&document, uri, issuer, origin, options, result, &how))
    return !dossier_verification_has_failed (result);
  if (list_expired (document.claims, document.claims, options))
    return dossier_verification_fail (result, "revocation", "status-list-expired", _("The status list %s has expired"), uri);
  status_list = dossier_json_get_object (document.claims, "status_list");
  lst = dossier_json_get_string (status_list, "lst");
  if (lst == NULL || !dossier_json_get_number (status_list, "bits", &bits) ||
      (bits != 1 && bits != 2 && bits != 4 && bits != 8))
    return dossier_verification_fail (result, "revocation", "status-list-malformed",
                                      _("The status list token needs “bits” of 1, 2, 4 or 8 and a list “lst”"));
  list = dossier_status_list_decode_token (lst, strlen (lst), &error);
  if (list == NULL || !dossier_status_list_read (list, (guint64) index, (guint) bits, DOSSIER_STATUS_LIST_LSB_FIRST, &value, &error))
    return dossier_verification_fail (result, "revocation", "status-list-undecodable", _("The status list %s: %s"), uri, error->message);
  dossier_verification_check (result, "revocation", TRUE, "%s", how);
  index_text = g_strdup_printf ("%" G_GINT64_FORMAT, index);
  return report_token (value, uri, index_text, result);
}

static gboolean
check_entry (JsonNode                   *node,
             const char                 *issuer,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *type = dossier_json_get_string (entry, "type");

  if (entry == NULL)
    return dossier_verification_fail (result, "revocation", "status-entry-malformed",
                                      _("The credential’s status entry is not an object"));
  if (g_strcmp0 (type, "BitstringStatusListEntry") != 0)
    {
      g_autofree char *reason = g_strdup_printf (_("Status of type “%s” is not checked"), type != NULL ? type : "");

      dossier_verification_note_status_unchecked (result, reason);
      return TRUE;
    }
  return check_bitstring_entry (entry, issuer, options, result);
}

/* Checks every status entry of a credential: @credential's
 * "credentialStatus" and @claims' "status" (either may be NULL).  Records
 * "revocation" (the list could be read) and "revoked" checks; returns FALSE
 * when one failed. */
gboolean
dossier_status_list_check (JsonObject                 *credential,
                           JsonObject                 *claims,
                           const char                 *issuer,
                           const DossierVerifyOptions *options,
                           DossierVerification        *result)
{
  JsonNode *entries = credential != NULL ? json_object_get_member (credential, "credentialStatus") : NULL;
  JsonObject *status = claims != NULL ? dossier_json_get_object (claims, "status") : NULL;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (DOSSIER_IS_VERIFICATION (result), FALSE);

  if (entries != NULL && JSON_NODE_HOLDS_ARRAY (entries))
    {
      JsonArray *array = json_node_get_array (entries);

      if (json_array_get_length (array) > DOSSIER_STATUS_LIST_MAX_ENTRIES)
        return dossier_verification_fail (result, "revocation", "status-entry-malformed",
                                          _("The credential has more than %d status entries"), DOSSIER_STATUS_LIST_MAX_ENTRIES);
      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!check_entry (json_array_get_element (array, i), issuer, options, result))
          return FALSE;
    }
  else if (entries != NULL && !check_entry (entries, issuer, options, result))
    return FALSE;

  if (status == NULL && claims != NULL && json_object_has_member (claims, "status"))
    return dossier_verification_fail (result, "revocation", "status-entry-malformed",
                                      _("The credential’s “status” claim is not an object"));
  if (status != NULL)
    {
      JsonObject *reference = dossier_json_get_object (status, "status_list");

      if (reference == NULL)
        {
          dossier_verification_note_status_unchecked (result, _("The credential’s status mechanism is not one Dossier checks"));
          return TRUE;
        }
      return check_token_reference (reference, issuer, options, result);
    }
  return TRUE;
}

/* A bitstring as a Bitstring Status List's encodedList: "u" (multibase
 * base64url) and the GZIP-compressed bits. */
char *
dossier_status_list_encode_bitstring (const guint8  *list,
                                      gsize          length,
                                      GError       **error)
{
  z_stream stream = { 0 };
  gsize bound;
  g_autofree guint8 *out = NULL;
  g_autofree char *encoded = NULL;
  int rc;

  g_return_val_if_fail (list != NULL, NULL);

  if (length < DOSSIER_STATUS_LIST_MIN_BYTES || length > DOSSIER_STATUS_LIST_MAX_BYTES)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("A status list holds between %d and %d bytes"),
                   DOSSIER_STATUS_LIST_MIN_BYTES, DOSSIER_STATUS_LIST_MAX_BYTES);
      return NULL;
    }
  if (deflateInit2 (&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE, _("Cannot compress the status list"));
      return NULL;
    }
  bound = deflateBound (&stream, (uLong) length) + 32;
  out = g_malloc (bound);
  stream.next_in = (Bytef *) list;
  stream.avail_in = (uInt) length;
  stream.next_out = out;
  stream.avail_out = (uInt) bound;
  rc = deflate (&stream, Z_FINISH);
  deflateEnd (&stream);
  if (rc != Z_STREAM_END)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_ENCODE, _("Cannot compress the status list"));
      return NULL;
    }
  encoded = dossier_base64url_encode (out, stream.total_out);
  return g_strconcat ("u", encoded, NULL);
}
