// SPDX-License-Identifier: GPL-3.0-or-later
#define _GNU_SOURCE   /* memmem () */
#include "config.h"

#include "dossier-shc.h"

#include "dossier-base64.h"
#include "dossier-fhir.h"
#include "dossier-format-error.h"
#include "dossier-inflate.h"
#include "dossier-json.h"
#include "dossier-json-scan.h"
#include "dossier-jws.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* SMART Health Cards (https://spec.smarthealth.cards): a compact JWS, signed
 * ES256, whose payload is raw-DEFLATE-compressed JSON holding a FHIR bundle.
 * It arrives as a numeric QR ("shc:/..."), possibly in chunks, as a
 * .smart-health-card file, as a FHIR Parameters answer, or as the JWS. */

#define HEALTH_CARD_TYPE "https://smarthealth.cards#health-card"
#define MAX_CHUNKS 99
#define MAX_CHUNK_CHARS 1191
#define MAX_CARDS 64
#define CLOCK_SKEW_SECONDS 60

/* The JWS strings of a .smart-health-card file or a FHIR Parameters answer. */
static GPtrArray *
cards_from_json (JsonNode *root)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func (g_free);
  JsonObject *object;
  JsonNode *list;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  list = json_object_get_member (object, "verifiableCredential");
  if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
    {
      JsonArray *array = json_node_get_array (list);

      for (guint i = 0; i < json_array_get_length (array) && i < MAX_CARDS; i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_ptr_array_add (cards, g_strdup (json_node_get_string (item)));
        }
      return cards->len > 0 ? g_steal_pointer (&cards) : NULL;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "resourceType", ""), "Parameters") == 0 &&
      (list = json_object_get_member (object, "parameter")) != NULL && JSON_NODE_HOLDS_ARRAY (list))
    {
      JsonArray *array = json_node_get_array (list);

      for (guint i = 0; i < json_array_get_length (array) && cards->len < MAX_CARDS; i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          JsonObject *parameter = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;

          if (parameter != NULL &&
              g_strcmp0 (json_object_get_string_member_with_default (parameter, "name", ""), "verifiableCredential") == 0 &&
              json_object_has_member (parameter, "valueString"))
            g_ptr_array_add (cards, g_strdup (json_object_get_string_member_with_default (parameter, "valueString", "")));
        }
      return cards->len > 0 ? g_steal_pointer (&cards) : NULL;
    }
  return NULL;
}

/* Whether a compact JWS is a health card: compressed the SHC way, or a
 * payload that names the health-card type. */
gboolean
dossier_shc_detect_jws (DossierJws *jws)
{
  GBytes *payload;

  if (g_strcmp0 (dossier_jws_get_header_string (jws, "zip"), "DEF") == 0)
    return TRUE;
  payload = dossier_jws_get_payload (jws);
  return memmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                 "smarthealth.cards#health-card", strlen ("smarthealth.cards#health-card")) != NULL;
}

static gboolean
jws_is_health_card (const char *text,
                    gsize       length)
{
  g_autoptr(DossierJws) jws = NULL;

  /* an SD-JWT is asked here first: its tilde is found faster than the
   * compact test finds it */
  if (memchr (text, '~', length) != NULL || !dossier_jws_looks_compact (text, length) ||
      (jws = dossier_jws_parse (text, length, NULL)) == NULL)
    return FALSE;
  return dossier_shc_detect_jws (jws);
}

gboolean
dossier_shc_detect (const char *text,
                    gsize       length)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  gsize end = length;

  if (length >= 5 && g_ascii_strncasecmp (text, "shc:/", 5) == 0)
    return TRUE;
  if (length > 0 && text[0] == '{')
    {
      root = dossier_json_parse (text, length);
      cards = cards_from_json (root);
      return cards != NULL;
    }
  while (end > 0 && g_ascii_isspace (text[end - 1]))
    end--;
  return jws_is_health_card (text, end);
}

/* --- numeric QR ----------------------------------------------------------- */

/* Whether each digit pair stands for a base64url character or a dot. */
static const guint8 pair_in_jws[78] = {
  [0] = 1, [1] = 1,                                               /* - . */
  [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1, [9] = 1,  /* 0-9 */
  [10] = 1, [11] = 1, [12] = 1,
  [20] = 1, [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1, [28] = 1, [29] = 1,  /* A-Z */
  [30] = 1, [31] = 1, [32] = 1, [33] = 1, [34] = 1, [35] = 1, [36] = 1, [37] = 1, [38] = 1, [39] = 1,
  [40] = 1, [41] = 1, [42] = 1, [43] = 1, [44] = 1, [45] = 1,
  [50] = 1,                                                       /* _ */
  [52] = 1, [53] = 1, [54] = 1, [55] = 1, [56] = 1, [57] = 1, [58] = 1, [59] = 1, [60] = 1, [61] = 1,  /* a-z */
  [62] = 1, [63] = 1, [64] = 1, [65] = 1, [66] = 1, [67] = 1, [68] = 1, [69] = 1, [70] = 1, [71] = 1,
  [72] = 1, [73] = 1, [74] = 1, [75] = 1, [76] = 1, [77] = 1,
};

/* Appends the characters of @digits to @out; clears *@in_jws when one is
 * neither base64url nor a dot. */
static gboolean
decode_digits (const char          *digits,
               gsize                length,
               GString             *out,
               guint8              *in_jws,
               DossierVerification *result)
{
  gsize start = out->len;
  guint8 all = 1;
  char *o;

  if (length == 0 || length % 2 != 0)
    return dossier_verification_fail (result, "decode", "shc-qr-odd-digits",
                                      _("A SMART Health Card QR holds pairs of digits; this one has %zu digits"), length);
  /* written in place: a card is a thousand pairs or more */
  g_string_set_size (out, start + length / 2);
  o = out->str + start;
  for (gsize i = 0; i < length; i += 2)
    {
      guint high = (guint) (guchar) digits[i] - '0', low = (guint) (guchar) digits[i + 1] - '0', value;

      if (high > 9 || low > 9)
        return dossier_verification_fail (result, "decode", "shc-qr-not-numeric",
                                          _("The QR content has a character other than a digit at position %zu"), i);
      value = high * 10 + low;
      if (value > 'z' - 45)
        return dossier_verification_fail (result, "decode", "shc-qr-digit-pair",
                                          _("The digit pair %02d at position %zu stands for no character of a JWS"), (int) value, i);
      o[i / 2] = (char) (value + 45);
      all &= pair_in_jws[value];
    }
  *in_jws &= all;
  return TRUE;
}

typedef struct
{
  const char *start;
  gsize       length;
} Line;

/* Joins the lines of one or more scanned QR codes into the JWS.  The text
 * is read up to any NUL byte and less one final newline, and split at
 * newlines into at most MAX_CHUNKS + 2 lines, the last keeping the rest. */
static char *
decode_numeric_qr (const char          *text,
                   gsize                length,
                   gboolean            *in_jws,
                   DossierVerification *result)
{
  guint8 all = 1;
  Line lines[MAX_CHUNKS + 2];
  Line chunks[MAX_CHUNKS] = { { NULL, 0 } };
  g_autoptr(GString) jws = NULL;
  gsize end = strnlen (text, length), pos = 0, digits = 0;
  guint n_lines = 0, total = 0;

  if (end == length && end > 0 && text[end - 1] == '\n')
    end--;
  for (;;)
    {
      const char *newline = n_lines + 1 < G_N_ELEMENTS (lines) ? memchr (text + pos, '\n', end - pos) : NULL;

      lines[n_lines].start = text + pos;
      lines[n_lines++].length = newline != NULL ? (gsize) (newline - text) - pos : end - pos;
      if (newline == NULL)
        break;
      pos = (gsize) (newline - text) + 1;
    }
  if (n_lines > MAX_CHUNKS)
    {
      dossier_verification_fail (result, "decode", "shc-qr-too-many-chunks",
                                 _("More than %d QR chunks"), MAX_CHUNKS);
      return NULL;
    }

  for (guint i = 0; i < n_lines; i++)
    {
      Line line = lines[i];
      const char *slash;
      guint64 index = 1, count = 1;

      if (line.length < 5 || g_ascii_strncasecmp (line.start, "shc:/", 5) != 0)
        {
          dossier_verification_fail (result, "decode", "shc-qr-prefix",
                                     _("QR line %u does not start with “shc:/”"), i + 1);
          return NULL;
        }
      line.start += 5;
      line.length -= 5;
      if ((slash = memchr (line.start, '/', line.length)) != NULL)
        {
          const char *line_end = line.start + line.length;
          g_autofree char *first = g_strndup (line.start, (gsize) (slash - line.start));
          const char *second_slash = memchr (slash + 1, '/', (gsize) (line_end - slash - 1));
          g_autofree char *second = second_slash != NULL ? g_strndup (slash + 1, (gsize) (second_slash - slash - 1)) : NULL;

          if (second == NULL ||
              !g_ascii_string_to_unsigned (first, 10, 1, MAX_CHUNKS, &index, NULL) ||
              !g_ascii_string_to_unsigned (second, 10, 1, MAX_CHUNKS, &count, NULL) ||
              index > count)
            {
              dossier_verification_fail (result, "decode", "shc-qr-chunk-header",
                                         _("QR line %u has a malformed chunk header “shc:/i/n/”"), i + 1);
              return NULL;
            }
          line.length = (gsize) (line_end - second_slash - 1);
          line.start = second_slash + 1;
        }
      if (total == 0)
        total = (guint) count;
      if (count != total || count != n_lines)
        {
          dossier_verification_fail (result, "decode", "shc-qr-chunk-count",
                                     _("The QR chunks disagree on their number, or %u of them were scanned"), n_lines);
          return NULL;
        }
      if (chunks[index - 1].start != NULL)
        {
          dossier_verification_fail (result, "decode", "shc-qr-chunk-duplicate",
                                     _("QR chunk %u was scanned twice"), (guint) index);
          return NULL;
        }
      if (count > 1 && line.length > 2 * MAX_CHUNK_CHARS)
        {
          dossier_verification_fail (result, "decode", "shc-qr-chunk-too-big",
                                     _("QR chunk %u is longer than a chunk may be"), (guint) index);
          return NULL;
        }
      chunks[index - 1] = line;
      digits += line.length;
    }
  for (guint i = 0; i < total; i++)
    if (chunks[i].start == NULL)
      {
        dossier_verification_fail (result, "decode", "shc-qr-chunk-missing", _("QR chunk %u is missing"), i + 1);
        return NULL;
      }
  jws = g_string_sized_new (digits / 2 + 1);
  for (guint i = 0; i < total; i++)
    if (!decode_digits (chunks[i].start, chunks[i].length, jws, &all, result))
      return NULL;
  *in_jws = all;
  return g_string_free (g_steal_pointer (&jws), FALSE);
}

/* --- one card ------------------------------------------------------------- */

static gboolean
check_header (DossierJws          *jws,
              DossierVerification *result)
{
  const char *alg = dossier_jws_get_header_string (jws, "alg");

  if (g_strcmp0 (alg, "ES256") != 0)
    return dossier_verification_fail (result, "header", "shc-header-alg",
                                      _("A health card must be signed with ES256, not “%s”"), alg != NULL ? alg : "");
  if (g_strcmp0 (dossier_jws_get_header_string (jws, "zip"), "DEF") != 0)
    return dossier_verification_fail (result, "header", "shc-header-zip",
                                      _("A health card’s payload must be compressed (header “zip”: “DEF”)"));
  if (dossier_jws_get_header_string (jws, "kid") == NULL)
    return dossier_verification_fail (result, "header", "shc-header-kid", _("The header names no key (“kid”)"));
  return dossier_verification_check (result, "header", TRUE, "ES256, DEF, kid %s",
                                     dossier_jws_get_header_string (jws, "kid"));
}

/* What verification reads of a card's payload, from a scan of it or, for
 * JSON outside the scanner's plain subset, from json-glib's tree. */
typedef struct
{
  char       *iss;
  gboolean    has_nbf;
  gint64      nbf;
  gboolean    has_exp;
  gint64      exp;
  char       *rid;
  gboolean    is_health_card;   /* "vc" is an object whose "type" lists the health-card type */
  gboolean    has_bundle;       /* vc.credentialSubject.fhirBundle is an object of resourceType Bundle */
  JsonObject *bundle;           /* that bundle, when read from a tree */
  gsize       bundle_start;     /* or where its text is in the payload */
  gsize       bundle_length;
} CardClaims;

static void
card_claims_clear (CardClaims *claims)
{
  g_free (claims->iss);
  g_free (claims->rid);
  g_clear_pointer (&claims->bundle, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CardClaims, card_claims_clear)

static gboolean
type_list_has (JsonObject *vc,
               const char *type)
{
  JsonNode *node = json_object_get_member (vc, "type");

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (item), type))
        return TRUE;
    }
  return FALSE;
}

static void
claims_from_tree (JsonObject *payload,
                  CardClaims *claims)
{
  JsonObject *vc = dossier_json_get_object (payload, "vc");
  JsonObject *bundle = dossier_json_get_object (dossier_json_get_object (vc, "credentialSubject"), "fhirBundle");

  claims->iss = g_strdup (dossier_json_get_string (payload, "iss"));
  claims->has_nbf = dossier_json_get_number (payload, "nbf", &claims->nbf);
  claims->has_exp = dossier_json_get_number (payload, "exp", &claims->exp);
  claims->rid = g_strdup (dossier_json_get_string (vc, "rid"));
  claims->is_health_card = vc != NULL && type_list_has (vc, HEALTH_CARD_TYPE);
  claims->has_bundle = bundle != NULL && g_strcmp0 (dossier_json_get_string (bundle, "resourceType"), "Bundle") == 0;
  if (claims->has_bundle)
    claims->bundle = json_object_ref (bundle);
}

static void
claims_from_scan (DossierJsonScan *scan,
                  const char      *payload,
                  CardClaims      *claims)
{
  guint vc = dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "vc");
  guint types = dossier_json_scan_get_member (scan, vc, "type");
  guint bundle = dossier_json_scan_get_member (scan, dossier_json_scan_get_member (scan, vc, "credentialSubject"),
                                               "fhirBundle");

  claims->iss = dossier_json_scan_dup_string (scan, dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "iss"));
  claims->has_nbf = dossier_json_scan_get_integer (scan, dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "nbf"),
                                                   &claims->nbf);
  claims->has_exp = dossier_json_scan_get_integer (scan, dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "exp"),
                                                   &claims->exp);
  claims->rid = dossier_json_scan_dup_string (scan, dossier_json_scan_get_member (scan, vc, "rid"));
  for (guint i = 0; i < dossier_json_scan_get_size (scan, types) && !claims->is_health_card; i++)
    claims->is_health_card = dossier_json_scan_equal (scan, dossier_json_scan_get_element (scan, types, i), HEALTH_CARD_TYPE);
  claims->has_bundle = dossier_json_scan_get_kind (scan, bundle) == DOSSIER_JSON_SCAN_OBJECT &&
                       dossier_json_scan_equal (scan, dossier_json_scan_get_member (scan, bundle, "resourceType"), "Bundle");
  if (claims->has_bundle)
    claims->bundle_start = (gsize) (dossier_json_scan_get_text (scan, bundle, &claims->bundle_length) - payload);
}

/* FALSE when the payload is not a JSON object. */
static gboolean
read_claims (const char *payload,
             gsize       length,
             CardClaims *claims)
{
  g_autoptr(DossierJsonScan) scan = dossier_json_scan_new (payload, length);
  g_autoptr(JsonNode) root = NULL;

  if (scan != NULL)
    {
      if (dossier_json_scan_get_kind (scan, DOSSIER_JSON_SCAN_ROOT) != DOSSIER_JSON_SCAN_OBJECT)
        return FALSE;
      claims_from_scan (scan, payload, claims);
      return TRUE;
    }
  root = dossier_json_parse (payload, length);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  claims_from_tree (json_node_get_object (root), claims);
  return TRUE;
}

static gboolean
check_schema (CardClaims          *claims,
              DossierVerification *result)
{
  if (claims->iss == NULL)
    return dossier_verification_fail (result, "schema", "shc-schema-iss", _("The card names no issuer (“iss”)"));
  if (!claims->has_nbf)
    return dossier_verification_fail (result, "schema", "shc-schema-nbf", _("The card has no issue time (“nbf”)"));
  if (!claims->is_health_card)
    return dossier_verification_fail (result, "schema", "shc-schema-type", _("The credential is not of type %s"), HEALTH_CARD_TYPE);
  if (!claims->has_bundle)
    return dossier_verification_fail (result, "schema", "shc-schema-bundle", _("The card holds no FHIR bundle"));
  return dossier_verification_check (result, "schema", TRUE, _("Health card with a FHIR bundle"));
}

/* The records of a card's FHIR bundle, read when first asked for. */
typedef struct
{
  GBytes     *payload;
  gsize       start;
  gsize       length;
  JsonObject *bundle;
  char       *iss;
} CardContent;

static void
card_content_free (gpointer data)
{
  CardContent *content = data;

  g_clear_pointer (&content->payload, g_bytes_unref);
  g_clear_pointer (&content->bundle, json_object_unref);
  g_free (content->iss);
  g_free (content);
}

static void
read_card_content (DossierVerification *result,
                   gpointer             data)
{
  CardContent *content = data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *subject = NULL;
  JsonObject *bundle = content->bundle;

  /* the bundle's text was scanned as part of the payload: it parses */
  if (bundle == NULL)
    {
      root = dossier_json_parse ((const char *) g_bytes_get_data (content->payload, NULL) + content->start, content->length);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        return;
      bundle = json_node_get_object (root);
    }
  records = dossier_fhir_bundle_to_records (bundle, &subject);
  dossier_verification_set_subject (result, subject);
  for (guint i = 0; i < records->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (records, i);

      if (dossier_record_get_issuer_name (record) == NULL)
        dossier_record_set_issuer_name (record, content->iss);
      dossier_record_set_issuer_id (record, content->iss);
      dossier_record_set_format (record, "shc");
      dossier_verification_add_record (result, record);
    }
}

/* A key fit for health cards: EC P-256 for ES256, for signing, and named by
 * its own thumbprint as the specification requires. */
static gboolean
key_is_fit (DossierJwk *key,
            const char *kid)
{
  g_autofree char *thumbprint = NULL;

  if (g_strcmp0 (dossier_jwk_get_kty (key), "EC") != 0 || g_strcmp0 (dossier_jwk_get_crv (key), "P-256") != 0)
    return FALSE;
  if (dossier_jwk_get_alg (key) != NULL && !g_str_equal (dossier_jwk_get_alg (key), "ES256"))
    return FALSE;
  if (dossier_jwk_get_use (key) != NULL && !g_str_equal (dossier_jwk_get_use (key), "sig"))
    return FALSE;
  thumbprint = dossier_jwk_dup_thumbprint (key);
  return g_strcmp0 (thumbprint, kid) == 0;
}

static DossierJwk *
find_key (const char                 *issuer,
          const char                 *kid,
          const DossierVerifyOptions *options,
          DossierVerification        *result)
{
  g_autoptr(GPtrArray) keys = NULL;

  if (options->keys != NULL)
    keys = dossier_key_source_find_keys (options->keys, issuer, kid);
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    if (key_is_fit (g_ptr_array_index (keys, i), kid))
      {
        DossierJwk *key = g_object_ref (g_ptr_array_index (keys, i));

        dossier_verification_check (result, "key", TRUE, _("Key %s of %s"), kid,
                                    (const char *) g_object_get_data (G_OBJECT (key), "dossier-anchor"));
        return key;
      }
  dossier_verification_fail (result, "key", keys != NULL && keys->len > 0 ? "key-unfit" : "key-not-trusted",
                             _("No trusted ES256 key with kid %s for issuer %s"), kid, issuer);
  return NULL;
}

/* Plain http only for an issuer on this machine's loopback interface (the
 * demo services, tests): its key must still be a trusted one. */
static gboolean
is_loopback_http (const char *iss)
{
  static const char * const prefixes[] = { "http://127.0.0.1", "http://localhost", "http://[::1]" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (iss, prefixes[i]) &&
        (iss[strlen (prefixes[i])] == ':' || iss[strlen (prefixes[i])] == '/'))
      return TRUE;
  return FALSE;
}

static gboolean
check_issuer_url (const char          *iss,
                  DossierVerification *result)
{
  if ((!g_str_has_prefix (iss, "https://") && !is_loopback_http (iss)) || strlen (iss) <= 8)
    return dossier_verification_fail (result, "issuer", "shc-issuer-not-https",
                                      _("The issuer “%s” is not an https URL"), iss);
  if (g_str_has_suffix (iss, "/"))
    return dossier_verification_fail (result, "issuer", "shc-issuer-trailing-slash",
                                      _("The issuer URL “%s” ends with a slash"), iss);
  return dossier_verification_check (result, "issuer", TRUE, "%s", iss);
}

static gboolean
check_times (CardClaims                 *claims,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  gint64 nbf = claims->has_nbf ? claims->nbf : 0, now;

  if (options->at == NULL)
    return TRUE;
  now = g_date_time_to_unix (options->at);
  if (nbf > now + CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "not-yet-valid", "not-yet-valid",
                                      _("The card is valid only from %lld (Unix time)"), (long long) nbf);
  dossier_verification_check (result, "not-yet-valid", TRUE, _("Issued before the time of checking"));
  if (claims->has_exp && claims->exp < now - CLOCK_SKEW_SECONDS)
    return dossier_verification_fail (result, "expired", "expired",
                                      _("The card expired at %lld (Unix time)"), (long long) claims->exp);
  return dossier_verification_check (result, "expired", TRUE, _("Not expired"));
}

static gboolean
rid_is_well_formed (const char *rid)
{
  const char *dot = strchr (rid, '.');
  gsize id_len = dot != NULL ? (gsize) (dot - rid) : strlen (rid);
  guint64 stamp;

  if (id_len == 0 || id_len > 24)
    return FALSE;
  for (gsize i = 0; i < id_len; i++)
    if (!g_ascii_isalnum (rid[i]) && rid[i] != '-' && rid[i] != '_')
      return FALSE;
  return dot == NULL || g_ascii_string_to_unsigned (dot + 1, 10, 0, G_MAXINT64, &stamp, NULL);
}

/* Revocation by the issuer's list of revoked ids (the card's "rid"), for
 * keys that declare one with "crlVersion". */
static gboolean
check_revocation (CardClaims                 *claims,
                  DossierJwk                 *key,
                  const DossierVerifyOptions *options,
                  DossierVerification        *result)
{
  const char *rid = claims->rid;
  const char *kid = dossier_jwk_get_kid (key);
  g_autofree char *path = NULL;
  g_autoptr(GBytes) document = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) seen = NULL;
  JsonObject *crl;
  JsonNode *rids;
  gint64 nbf = 0;

  if (!json_object_has_member (dossier_jwk_get_json (key), "crlVersion"))
    return TRUE;
  path = g_strdup_printf (".well-known/crl/%s.json", kid);
  if (options->keys != NULL)
    document = dossier_key_source_get_issuer_document (options->keys, claims->iss, key, path);
  if (document == NULL)
    {
      dossier_verification_note_status_unchecked (result, _("The issuer’s revocation list was not available; revocation not checked"));
      return TRUE;
    }

  root = dossier_json_parse (g_bytes_get_data (document, NULL), g_bytes_get_size (document));
  crl = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  rids = crl != NULL ? json_object_get_member (crl, "rids") : NULL;
  if (crl == NULL || g_strcmp0 (dossier_json_get_string (crl, "method"), "rid") != 0 ||
      g_strcmp0 (dossier_json_get_string (crl, "kid"), kid) != 0 || rids == NULL || !JSON_NODE_HOLDS_ARRAY (rids))
    return dossier_verification_fail (result, "revocation", "shc-crl-malformed",
                                      _("The issuer’s revocation list is malformed"));

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (claims->has_nbf)
    nbf = claims->nbf;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (rids)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (rids), i);
      const char *entry;
      g_autofree char *id = NULL;
      const char *dot;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING ||
          !rid_is_well_formed (entry = json_node_get_string (item)))
        return dossier_verification_fail (result, "revocation", "shc-crl-malformed",
                                          _("The issuer’s revocation list holds a malformed entry"));
      dot = strchr (entry, '.');
      id = g_strndup (entry, dot != NULL ? (gsize) (dot - entry) : strlen (entry));
      if (g_hash_table_contains (seen, id))
        return dossier_verification_fail (result, "revocation", "shc-crl-duplicate",
                                          _("The issuer’s revocation list names an id twice"));
      g_hash_table_add (seen, g_steal_pointer (&id));
    }

  if (rid != NULL)
    for (guint i = 0; i < json_array_get_length (json_node_get_array (rids)); i++)
      {
        const char *entry = json_array_get_string_element (json_node_get_array (rids), i);
        const char *dot = strchr (entry, '.');
        gsize id_len = dot != NULL ? (gsize) (dot - entry) : strlen (entry);

        if (strlen (rid) != id_len || strncmp (entry, rid, id_len) != 0)
          continue;
        /* "rid.T" revokes only cards issued before T */
        if (dot == NULL || nbf < g_ascii_strtoll (dot + 1, NULL, 10))
          return dossier_verification_fail (result, "revoked", "revoked", _("Revoked by the issuer"));
      }
  dossier_verification_check (result, "revocation", TRUE, _("Checked against the issuer’s revocation list"));
  return dossier_verification_check (result, "revoked", TRUE, _("Not revoked"));
}

static void
verify_parsed_card (DossierJws                 *jws,
                    const DossierVerifyOptions *options,
                    DossierVerification        *result)
{
  g_autoptr(GBytes) inflated = NULL;
  g_autoptr(DossierJwk) key = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(CardClaims) claims = { 0 };
  CardContent *content;
  gsize size;
  const char *data;

  dossier_verification_check (result, "decode", TRUE, _("Compact JWS"));
  if (!check_header (jws, result))
    return;
  inflated = dossier_inflate (g_bytes_get_data (dossier_jws_get_payload (jws), NULL),
                              g_bytes_get_size (dossier_jws_get_payload (jws)),
                              DOSSIER_INFLATE_RAW, DOSSIER_INFLATE_MAX_OUTPUT, &error);
  if (!dossier_verification_check (result, "decompress", inflated != NULL, "%s",
                                   inflated != NULL ? _("Raw DEFLATE") : error->message))
    return;

  data = g_bytes_get_data (inflated, &size);
  if (size >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      dossier_verification_fail (result, "decode", "json-bom", _("The payload starts with a byte order mark"));
      return;
    }
  if (!read_claims (data, size, &claims))
    {
      dossier_verification_fail (result, "decode", "payload-not-json", _("The payload is not a JSON object"));
      return;
    }
  if (!check_schema (&claims, result))
    return;
  dossier_verification_set_issuer (result, claims.iss, claims.iss, FALSE);

  /* The content is kept even when the card fails later, so that a verifier
   * sees what an invalid card claims beside the verdict; it is read when
   * first asked for. */
  content = g_new0 (CardContent, 1);
  content->iss = g_strdup (claims.iss);
  if (claims.bundle != NULL)
    content->bundle = json_object_ref (claims.bundle);
  else
    {
      content->payload = g_bytes_ref (inflated);
      content->start = claims.bundle_start;
      content->length = claims.bundle_length;
    }
  dossier_verification_defer_content (result, read_card_content, content, card_content_free);

  key = find_key (claims.iss, dossier_jws_get_header_string (jws, "kid"), options, result);
  if (key == NULL)
    return;
  if (!dossier_jws_verify (jws, key, &error))
    {
      dossier_verification_fail (result, "signature", "signature-mismatch", "%s", error->message);
      return;
    }
  dossier_verification_check (result, "signature", TRUE, _("ES256 signature by key %s"), dossier_jwk_get_kid (key));
  dossier_verification_set_issuer (result, claims.iss, g_object_get_data (G_OBJECT (key), "dossier-anchor"), TRUE);
  if (!dossier_jwk_belongs_to (key, claims.iss))
    {
      dossier_verification_fail (result, "issuer", "key-issuer-mismatch",
                                 _("Key %s does not belong to issuer %s"), dossier_jwk_get_kid (key), claims.iss);
      return;
    }
  if (!check_issuer_url (claims.iss, result) || !check_times (&claims, options, result) ||
      !check_revocation (&claims, key, options, result))
    return;
}

/* A card in compact form; @in_jws when its characters are known to be
 * base64url or dots. */
static void
verify_card (const char                 *compact,
             gsize                       length,
             gboolean                    in_jws,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  g_autoptr(DossierJws) jws = NULL;
  g_autoptr(GError) error = NULL;

  if (!(in_jws ? dossier_jws_count_dots (compact, length) == 2 : dossier_jws_looks_compact (compact, length)) ||
      (jws = dossier_jws_parse_in_place (compact, length, &error)) == NULL)
    {
      dossier_verification_fail (result, "decode", "jws-malformed", "%s",
                                 error != NULL ? error->message : _("The card is not a compact JWS: it holds characters outside base64url"));
      return;
    }
  verify_parsed_card (jws, options, result);
}

/* As dossier_shc_verify(), for a compact JWS already parsed (and detected). */
void
dossier_shc_verify_jws (DossierJws                 *jws,
                        const DossierVerifyOptions *options,
                        DossierVerification        *result)
{
  dossier_verification_set_format (result, "shc");
  verify_parsed_card (jws, options, result);
}

void
dossier_shc_verify (const char                 *text,
                    gsize                       length,
                    const DossierVerifyOptions *options,
                    DossierVerification        *result)
{
  g_autoptr(GPtrArray) cards = NULL;
  g_autofree char *joined = NULL;

  dossier_verification_set_format (result, "shc");
  if (length >= 5 && g_ascii_strncasecmp (text, "shc:/", 5) == 0)
    {
      gboolean in_jws = FALSE;

      joined = decode_numeric_qr (text, length, &in_jws, result);
      if (joined != NULL)
        verify_card (joined, strlen (joined), in_jws, options, result);
      return;
    }
  if (length > 0 && text[0] == '{')
    {
      g_autoptr(JsonNode) root = dossier_json_parse (text, length);

      cards = cards_from_json (root);
      if (cards == NULL)
        {
          dossier_verification_fail (result, "decode", "shc-file", _("The file holds no health card"));
          return;
        }
      for (guint i = 0; i < cards->len && !dossier_verification_has_failed (result); i++)
        verify_card (g_ptr_array_index (cards, i), strlen (g_ptr_array_index (cards, i)), FALSE, options, result);
      return;
    }
  verify_card (text, length, FALSE, options, result);
}
