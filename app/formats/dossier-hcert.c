// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-hcert.h"

#include "dossier-cbor.h"
#include "dossier-cose.h"
#include "dossier-format-error.h"
#include "dossier-inflate.h"
#include "dossier-json.h"
#include "dossier-jws.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* EU Digital COVID Certificates and other HCERT health certificates:
 * "HC1:" + base45 of zlib of a COSE_Sign1 whose payload is a CWT carrying
 * the certificate (claim -260/1), signed by a document signer certificate
 * (DSC) named by the first 8 bytes of the SHA-256 of its DER form. */

#define COSE_ALG_ES256 DOSSIER_COSE_ALG_ES256
#define COSE_ALG_PS256 DOSSIER_COSE_ALG_PS256
#define OID_TEST "1.3.6.1.4.1.1847.2021.1.1"
#define OID_VACCINATION "1.3.6.1.4.1.1847.2021.1.2"
#define OID_RECOVERY "1.3.6.1.4.1.1847.2021.1.3"
#define OID_TEST_ALT "1.3.6.1.4.1.0.1847.2021.1.1"
#define OID_VACCINATION_ALT "1.3.6.1.4.1.0.1847.2021.1.2"
#define OID_RECOVERY_ALT "1.3.6.1.4.1.0.1847.2021.1.3"

gboolean
dossier_hcert_detect (const char *text,
                      gsize       length)
{
  return length >= 4 && strncmp (text, "HC1:", 4) == 0;
}

/* The value of each byte as a base45 character, plus one (0: not one). */
static const guint8 base45_values[256] = {
  [' '] = 37, ['$'] = 38, ['%'] = 39, ['*'] = 40, ['+'] = 41, ['-'] = 42, ['.'] = 43, ['/'] = 44, [':'] = 45,
  ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
  ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['G'] = 17, ['H'] = 18, ['I'] = 19,
  ['J'] = 20, ['K'] = 21, ['L'] = 22, ['M'] = 23, ['N'] = 24, ['O'] = 25, ['P'] = 26, ['Q'] = 27, ['R'] = 28,
  ['S'] = 29, ['T'] = 30, ['U'] = 31, ['V'] = 32, ['W'] = 33, ['X'] = 34, ['Y'] = 35, ['Z'] = 36,
};

/* The value of a base45 character, or -1. */
static inline int
base45_value (char c)
{
  return (int) base45_values[(guchar) c] - 1;
}

GBytes *
dossier_base45_decode (const char  *text,
                       gsize        length,
                       GError     **error)
{
  g_autofree guint8 *out = NULL;
  gsize o = 0;

  if (length % 3 == 1)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("Base45 text has an impossible length"));
      return NULL;
    }
  out = g_malloc (length / 3 * 2 + 2);
  for (gsize i = 0; i < length; i += 3)
    {
      guint values[3] = { 0 }, n = MIN (3, (guint) (length - i)), value = 0;

      for (guint k = 0; k < n; k++)
        {
          int v = base45_value (text[i + k]);

          if (v < 0)
            {
              g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("Base45 text holds a character outside its alphabet at position %zu"), i + k);
              return NULL;
            }
          values[k] = (guint) v;
        }
      value = values[0] + values[1] * 45 + (n == 3 ? values[2] * 45 * 45 : 0);
      if ((n == 3 && value > 0xffff) || (n == 2 && value > 0xff))
        {
          g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                       _("Base45 group at position %zu is out of range"), i);
          return NULL;
        }
      if (n == 3)
        out[o++] = (guint8) (value >> 8);
      out[o++] = (guint8) (value & 0xff);
    }
  return g_bytes_new_take (g_steal_pointer (&out), o);
}

/* Skips the tags before the COSE_Sign1 array: 18 (COSE_Sign1) and, when
 * present, 61 (CWT).  They are read here rather than by libcbor, whose 0.8
 * release refuses an item that starts with a tag. */
static gboolean
skip_cose_tags (const guint8 *data,
                gsize         length,
                gsize        *offset)
{
  *offset = 0;
  for (guint i = 0; i < 2 && *offset < length && (data[*offset] & 0xe0) == 0xc0; i++)
    {
      guint8 head = data[*offset];
      guint64 tag;

      if (head <= 0xd7)
        tag = head & 0x1f, *offset += 1;
      else if (head == 0xd8 && *offset + 1 < length)
        tag = data[*offset + 1], *offset += 2;
      else if (head == 0xd9 && *offset + 2 < length)
        tag = (guint64) data[*offset + 1] << 8 | data[*offset + 2], *offset += 3;
      else
        return FALSE;
      if (tag != 18 && tag != 61)
        return FALSE;
    }
  return TRUE;
}

/* The schema's patterns, read by hand: matching them with GRegex cost as
 * much as decompressing the certificate.  Each reads as PCRE would,
 * whose "$" also matches before a newline that ends the text. */
static gboolean
at_end (const char *p)
{
  return p[0] == '\0' || (p[0] == '\n' && p[1] == '\0');
}

/* @p after exactly @n ASCII digits, or NULL. */
static const char *
skip_digits (const char *p,
             guint       n)
{
  for (guint i = 0; i < n; i++, p++)
    if (!g_ascii_isdigit (*p))
      return NULL;
  return p;
}

/* "^[0-9]+\.[0-9]+\.[0-9]+$" */
static gboolean
is_version (const char *text)
{
  const char *p = text;

  if (p == NULL)
    return FALSE;
  for (guint part = 0; part < 3; part++)
    {
      const char *start = p;

      while (g_ascii_isdigit (*p))
        p++;
      if (p == start || (part < 2 && *p++ != '.'))
        return FALSE;
    }
  return at_end (p);
}

/* "^[A-Z<]*$" */
static gboolean
is_name (const char *text)
{
  const char *p = text;

  if (p == NULL)
    return FALSE;
  while ((*p >= 'A' && *p <= 'Z') || *p == '<')
    p++;
  return at_end (p);
}

/* "(T[0-9:.+-]+Z?)?": @p after it, or NULL when a "T" starts nothing. */
static const char *
skip_time (const char *p)
{
  const char *start;

  if (*p != 'T')
    return p;
  start = ++p;
  while (g_ascii_isdigit (*p) || *p == ':' || *p == '.' || *p == '+' || *p == '-')
    p++;
  if (p == start)
    return NULL;
  return *p == 'Z' ? p + 1 : p;
}

/* "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.+-]+Z?)?$" */
static gboolean
is_date (const char *text)
{
  const char *p = text != NULL ? skip_digits (text, 4) : NULL;

  if (p == NULL || *p++ != '-' || (p = skip_digits (p, 2)) == NULL || *p++ != '-' ||
      (p = skip_digits (p, 2)) == NULL || (p = skip_time (p)) == NULL)
    return FALSE;
  return at_end (p);
}

/* "^((19|20)[0-9][0-9](-[0-9][0-9]){0,2}(T[0-9:.+-]+Z?)?)?$" */
static gboolean
is_birth_date (const char *text)
{
  const char *p = text;

  if (p == NULL)
    return FALSE;
  if (at_end (p))
    return TRUE;
  if (!(p[0] == '1' && p[1] == '9') && !(p[0] == '2' && p[1] == '0'))
    return FALSE;
  if ((p = skip_digits (p + 2, 2)) == NULL)
    return FALSE;
  for (guint i = 0; i < 2 && p[0] == '-' && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]); i++)
    p += 3;
  return (p = skip_time (p)) != NULL && at_end (p);
}

static const char *
certificate_type (JsonObject *dcc,
                  JsonArray **entries)
{
  static const char * const types[] = { "v", "t", "r" };
  const char *found = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      JsonNode *node = json_object_get_member (dcc, types[i]);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node) ||
          (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 0))
        continue;
      if (found != NULL || !JSON_NODE_HOLDS_ARRAY (node))
        return NULL;
      found = types[i];
      *entries = json_node_get_array (node);
    }
  return found;
}

static gboolean
entry_has (JsonObject          *entry,
           const char * const  *required,
           DossierVerification *result,
           const char          *type)
{
  for (guint i = 0; required[i] != NULL; i++)
    if (!json_object_has_member (entry, required[i]))
      return dossier_verification_fail (result, "schema", "dcc-schema-required",
                                        _("The %s entry lacks the required field “%s”"), type, required[i]);
  return TRUE;
}

/* The parts of the DCC JSON schema (1.3) that decide validity: required
 * members, one certificate type with one entry, and the formats of names,
 * dates and counts. */
static gboolean
check_dcc_schema (JsonObject          *dcc,
                  DossierVerification *result)
{
  static const char * const vaccination[] = { "tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci", NULL };
  static const char * const test[] = { "tg", "tt", "sc", "tr", "co", "is", "ci", NULL };
  static const char * const recovery[] = { "tg", "fr", "co", "is", "df", "du", "ci", NULL };
  JsonObject *nam = json_object_get_member (dcc, "nam") != NULL && JSON_NODE_HOLDS_OBJECT (json_object_get_member (dcc, "nam"))
                    ? json_object_get_object_member (dcc, "nam") : NULL;
  JsonArray *entries = NULL;
  JsonObject *entry;
  const char *type;

  if (!is_version (dossier_json_get_string (dcc, "ver")))
    return dossier_verification_fail (result, "schema", "dcc-schema-ver", _("The schema version (“ver”) is missing or malformed"));
  if (nam == NULL || !is_name (dossier_json_get_string (nam, "fnt")) || strlen (dossier_json_get_string (nam, "fnt")) > 80 ||
      (json_object_has_member (nam, "gnt") && (!is_name (dossier_json_get_string (nam, "gnt")) || strlen (dossier_json_get_string (nam, "gnt")) > 80)))
    return dossier_verification_fail (result, "schema", "dcc-schema-name", _("The holder’s name (“nam”) is missing or malformed"));
  if (!is_birth_date (dossier_json_get_string (dcc, "dob")))
    return dossier_verification_fail (result, "schema", "dcc-schema-dob", _("The date of birth (“dob”) is missing or malformed"));
  if ((type = certificate_type (dcc, &entries)) == NULL)
    return dossier_verification_fail (result, "schema", "dcc-schema-type",
                                      _("A certificate holds exactly one of a vaccination, a test or a recovery"));
  if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (entries, 0)))
    return dossier_verification_fail (result, "schema", "dcc-schema-entry", _("The certificate entry is not an object"));
  entry = json_array_get_object_element (entries, 0);
  if (g_str_equal (type, "v"))
    {
      gint64 dn, sd;

      if (!entry_has (entry, vaccination, result, "vaccination"))
        return FALSE;
      dn = json_node_get_value_type (json_object_get_member (entry, "dn")) == G_TYPE_INT64 ? json_object_get_int_member (entry, "dn") : 0;
      sd = json_node_get_value_type (json_object_get_member (entry, "sd")) == G_TYPE_INT64 ? json_object_get_int_member (entry, "sd") : 0;
      if (dn < 0 || sd < 0)
        return dossier_verification_fail (result, "schema", "dcc-schema-doses", _("The dose numbers are out of range"));
      if (!is_date (dossier_json_get_string (entry, "dt")))
        return dossier_verification_fail (result, "schema", "dcc-schema-date", _("The vaccination date is malformed"));
    }
  else if (g_str_equal (type, "t"))
    {
      g_autoptr(GDateTime) sampled = NULL;

      if (!entry_has (entry, test, result, "test"))
        return FALSE;
      sampled = g_date_time_new_from_iso8601 (dossier_json_get_string (entry, "sc") ?: "", NULL);

      if (sampled == NULL)
        return dossier_verification_fail (result, "schema", "dcc-schema-date", _("The sample time is malformed"));
    }
  else
    {
      if (!entry_has (entry, recovery, result, "recovery"))
        return FALSE;
      if (!is_date (dossier_json_get_string (entry, "fr")) || !is_date (dossier_json_get_string (entry, "df")) || !is_date (dossier_json_get_string (entry, "du")))
        return dossier_verification_fail (result, "schema", "dcc-schema-date", _("A recovery date is malformed"));
    }
  for (guint i = 0; i < 3; i++)
    {
      const char *field = (const char *[]) { "co", "is", "ci" }[i];
      const char *value = dossier_json_get_string (entry, field);

      if (value == NULL || strlen (value) > 80)
        return dossier_verification_fail (result, "schema", "dcc-schema-field",
                                          _("The field “%s” is missing or malformed"), field);
    }
  return dossier_verification_check (result, "schema", TRUE, _("Certificate of kind “%s”"), type);
}

/* The same schema checks read from a scan of the certificate's CBOR map,
 * for the common certificate that scans: text keys, untagged values, text
 * that is valid UTF-8 without NUL bytes (see dossier_cbor_scan_new()).
 * Answers only where check_dcc_schema() on dossier_cbor_to_json()'s tree
 * passes; on anything else the tree is built and says what is wrong. */
typedef enum
{
  PLAIN_MISSING,
  PLAIN_FOUND,
  PLAIN_UNSURE,
} PlainLookup;

/* The value of member @name of @map, as dossier_cbor_to_json() would key
 * it; unsure when @name appears twice.  Integer keys read as digits,
 * which no member name here is. */
static PlainLookup
plain_member (DossierCborScan *scan,
              guint            map,
              const char      *name,
              guint           *value)
{
  gsize name_length = strlen (name);
  guint size = dossier_cbor_scan_get_size (scan, map), key = map + 1;
  PlainLookup found = PLAIN_MISSING;

  if (dossier_cbor_scan_get_major (scan, map) != 5)
    return PLAIN_UNSURE;
  for (guint i = 0; i < size; i++)
    {
      guint member = dossier_cbor_scan_get_next (scan, key);
      gsize length = 0;
      const guint8 *text = dossier_cbor_scan_get_data (scan, key, 3, &length);

      if (text != NULL && length == name_length && memcmp (text, name, name_length) == 0)
        {
          if (found == PLAIN_FOUND)
            return PLAIN_UNSURE;
          found = PLAIN_FOUND;
          *value = member;
        }
      key = dossier_cbor_scan_get_next (scan, member);
    }
  return found;
}

/* Member @name when it is missing (*text NULL) or text (a copy in *text);
 * FALSE when unsure or not text. */
static gboolean
plain_string (DossierCborScan  *scan,
              guint             map,
              const char       *name,
              char            **text)
{
  guint value = DOSSIER_CBOR_SCAN_MISSING;
  PlainLookup lookup = plain_member (scan, map, name, &value);
  const guint8 *data;
  gsize length = 0;

  *text = NULL;
  if (lookup == PLAIN_UNSURE)
    return FALSE;
  if (lookup == PLAIN_MISSING)
    return TRUE;
  if ((data = dossier_cbor_scan_get_data (scan, value, 3, &length)) == NULL)
    return FALSE;
  *text = g_strndup ((const char *) data, length);
  return TRUE;
}

static gboolean
plain_dose (DossierCborScan *scan,
            guint            entry,
            const char      *name)
{
  guint value = DOSSIER_CBOR_SCAN_MISSING;
  gint64 number;

  return plain_member (scan, entry, name, &value) == PLAIN_FOUND && dossier_cbor_scan_get_int (scan, value, &number) &&
         number >= 0;
}

/* The one certificate type of @dcc and its first entry, or NULL. */
static const char *
plain_certificate_type (DossierCborScan *scan,
                        guint            dcc,
                        guint           *entry)
{
  static const char * const types[] = { "v", "t", "r" };
  const char *found = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      guint value = DOSSIER_CBOR_SCAN_MISSING;
      PlainLookup lookup = plain_member (scan, dcc, types[i], &value);

      if (lookup == PLAIN_UNSURE)
        return NULL;
      if (lookup == PLAIN_MISSING)
        continue;
      if (found != NULL || dossier_cbor_scan_get_major (scan, value) != 4 || dossier_cbor_scan_get_size (scan, value) == 0 ||
          dossier_cbor_scan_get_major (scan, value + 1) != 5)
        return NULL;
      found = types[i];
      *entry = value + 1;
    }
  return found;
}

static gboolean
plain_has_all (DossierCborScan    *scan,
               guint               entry,
               const char * const *required)
{
  guint value;

  for (guint i = 0; required[i] != NULL; i++)
    if (plain_member (scan, entry, required[i], &value) != PLAIN_FOUND)
      return FALSE;
  return TRUE;
}

static gboolean
plain_dates (DossierCborScan    *scan,
             guint               entry,
             const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *text = NULL;

      if (!plain_string (scan, entry, names[i], &text) || !is_date (text))
        return FALSE;
    }
  return TRUE;
}

static gboolean
plain_short_text (DossierCborScan *scan,
                  guint            map,
                  const char      *name,
                  gboolean         required,
                  gboolean         (*pattern) (const char *))
{
  g_autofree char *text = NULL;

  if (!plain_string (scan, map, name, &text))
    return FALSE;
  if (text == NULL)
    return !required;
  return strlen (text) <= 80 && (pattern == NULL || pattern (text));
}

/* The certificate type when the DCC passes check_dcc_schema() for sure. */
static const char *
plain_dcc_schema (DossierCborScan *scan,
                  guint            dcc)
{
  static const char * const vaccination[] = { "tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci", NULL };
  static const char * const test[] = { "tg", "tt", "sc", "tr", "co", "is", "ci", NULL };
  static const char * const recovery[] = { "tg", "fr", "co", "is", "df", "du", "ci", NULL };
  static const char * const vaccination_dates[] = { "dt", NULL };
  static const char * const recovery_dates[] = { "fr", "df", "du", NULL };
  g_autofree char *ver = NULL;
  g_autofree char *dob = NULL;
  g_autofree char *sampled_text = NULL;
  guint nam = DOSSIER_CBOR_SCAN_MISSING, entry = DOSSIER_CBOR_SCAN_MISSING;
  const char *type;

  if (!plain_string (scan, dcc, "ver", &ver) || !is_version (ver) ||
      plain_member (scan, dcc, "nam", &nam) != PLAIN_FOUND || dossier_cbor_scan_get_major (scan, nam) != 5 ||
      !plain_short_text (scan, nam, "fnt", TRUE, is_name) || !plain_short_text (scan, nam, "gnt", FALSE, is_name) ||
      !plain_string (scan, dcc, "dob", &dob) || !is_birth_date (dob) ||
      (type = plain_certificate_type (scan, dcc, &entry)) == NULL)
    return NULL;
  if (g_str_equal (type, "v"))
    {
      if (!plain_has_all (scan, entry, vaccination) || !plain_dose (scan, entry, "dn") || !plain_dose (scan, entry, "sd") ||
          !plain_dates (scan, entry, vaccination_dates))
        return NULL;
    }
  else if (g_str_equal (type, "t"))
    {
      g_autoptr(GDateTime) sampled = NULL;

      if (!plain_has_all (scan, entry, test) || !plain_string (scan, entry, "sc", &sampled_text) || sampled_text == NULL ||
          (sampled = g_date_time_new_from_iso8601 (sampled_text, NULL)) == NULL)
        return NULL;
    }
  else if (!plain_has_all (scan, entry, recovery) || !plain_dates (scan, entry, recovery_dates))
    return NULL;
  if (!plain_short_text (scan, entry, "co", TRUE, NULL) || !plain_short_text (scan, entry, "is", TRUE, NULL) ||
      !plain_short_text (scan, entry, "ci", TRUE, NULL))
    return NULL;
  return type;
}

/* A DSC that names any DCC usage may sign only those kinds; one that names
 * none may sign any. */
static gboolean
check_key_usage (DossierCertificate  *dsc,
                 const char          *type,
                 DossierVerification *result)
{
  gboolean test = dossier_certificate_has_eku (dsc, OID_TEST) || dossier_certificate_has_eku (dsc, OID_TEST_ALT);
  gboolean vaccination = dossier_certificate_has_eku (dsc, OID_VACCINATION) || dossier_certificate_has_eku (dsc, OID_VACCINATION_ALT);
  gboolean recovery = dossier_certificate_has_eku (dsc, OID_RECOVERY) || dossier_certificate_has_eku (dsc, OID_RECOVERY_ALT);
  gboolean allowed;

  if (!dossier_certificate_allows_signing (dsc))
    return dossier_verification_fail (result, "keyusage", "dsc-key-usage",
                                      _("The signer certificate’s key usage does not allow signing"));
  if (!test && !vaccination && !recovery)
    return dossier_verification_check (result, "keyusage", TRUE, _("The signer certificate may sign any kind"));
  allowed = (g_str_equal (type, "t") && test) || (g_str_equal (type, "v") && vaccination) ||
            (g_str_equal (type, "r") && recovery);
  if (!allowed)
    return dossier_verification_fail (result, "keyusage", "dsc-key-usage",
                                      _("The signer certificate may not sign this kind of certificate"));
  return dossier_verification_check (result, "keyusage", TRUE, _("The signer certificate may sign this kind"));
}

static void
add_records (JsonObject          *dcc,
             const char          *type,
             const char          *issuer,
             DossierVerification *result)
{
  JsonObject *entry = json_array_get_object_element (json_object_get_array_member (dcc, type), 0);
  JsonObject *nam = json_object_get_object_member (dcc, "nam");
  g_autofree char *subject = g_strjoin (" ", dossier_json_get_string (nam, "gn") ?: "", dossier_json_get_string (nam, "fn") ?: dossier_json_get_string (nam, "fnt"), NULL);
  g_autoptr(DossierRecord) record = NULL;
  g_autofree char *title = NULL;

  dossier_verification_set_subject (result, g_strstrip (subject));
  if (g_str_equal (type, "v"))
    {
      title = g_strdup_printf (_("Vaccination, dose %lld of %lld (%s)"),
                               (long long) json_object_get_int_member_with_default (entry, "dn", 0),
                               (long long) json_object_get_int_member_with_default (entry, "sd", 0), dossier_json_get_string (entry, "mp"));
      record = dossier_record_new (DOSSIER_RECORD_KIND_IMMUNIZATION, title);
      dossier_record_set_issued (record, dossier_json_get_string (entry, "dt"));
    }
  else if (g_str_equal (type, "t"))
    {
      g_autofree char *day = g_strndup (dossier_json_get_string (entry, "sc"), 10);

      record = dossier_record_new (DOSSIER_RECORD_KIND_OBSERVATION, _("Test certificate"));
      dossier_record_set_issued (record, day);
    }
  else
    {
      record = dossier_record_new (DOSSIER_RECORD_KIND_HEALTH_DOCUMENT, _("Certificate of recovery"));
      dossier_record_set_issued (record, dossier_json_get_string (entry, "df"));
      dossier_record_set_valid_until (record, dossier_json_get_string (entry, "du"));
    }
  dossier_record_set_issuer_name (record, dossier_json_get_string (entry, "is"));
  dossier_record_set_issuer_id (record, issuer);
  dossier_record_set_format (record, "hcert");
  dossier_record_set_fields (record, dcc);
  dossier_verification_add_record (result, record);
}

/* The record of a certificate, read when first asked for: from the tree
 * when one was built, else from the certificate's encoded map. */
typedef struct
{
  cbor_item_t *hcert;
  GBytes      *encoded;
  const char  *type;
  char        *issuer;
} HcertContent;

static void
hcert_content_free (gpointer data)
{
  HcertContent *content = data;

  if (content->hcert != NULL)
    cbor_decref (&content->hcert);
  g_clear_pointer (&content->encoded, g_bytes_unref);
  g_free (content->issuer);
  g_free (content);
}

static void
read_hcert_content (DossierVerification *result,
                    gpointer             data)
{
  HcertContent *content = data;
  g_autoptr(cbor_item_t) loaded = NULL;
  g_autoptr(JsonNode) dcc = NULL;

  if (content->hcert == NULL)
    loaded = dossier_cbor_load (g_bytes_get_data (content->encoded, NULL), g_bytes_get_size (content->encoded));
  if (content->hcert == NULL && loaded == NULL)
    return;
  dcc = dossier_cbor_to_json (content->hcert != NULL ? content->hcert : loaded, 0);
  add_records (json_node_get_object (dcc), content->type, content->issuer, result);
}

/* What the checks after decoding read from the COSE_Sign1 message, in
 * place in the decompressed bytes or in libcbor's tree. */
typedef struct
{
  const guint8 *protected_header;
  gsize         protected_length;
  const guint8 *payload;
  gsize         payload_length;
  const guint8 *signature;         /* NULL when not a byte string */
  gsize         signature_length;
  gint64        alg;
  GBytes       *kid;
  char         *issuer;
  gint64        issued_at;         /* claim 6, else 0 */
  gint64        expires;           /* claim 4, else G_MAXINT64 */
  const char   *type;              /* certificate type, once the schema passed */
} Sign1;

static void
sign1_clear (Sign1 *sign1)
{
  g_clear_pointer (&sign1->kid, g_bytes_unref);
  g_clear_pointer (&sign1->issuer, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sign1, sign1_clear)

static gboolean
signature_matches (const Sign1         *sign1,
                   DossierCertificate  *dsc,
                   GError             **error)
{
  gsize length = 0;
  g_autofree guint8 *input = NULL;

  if (sign1->payload == NULL || sign1->signature == NULL)
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE,
                           _("The COSE payload or signature is not a byte string"));
      return FALSE;
    }
  input = dossier_cose_sig_structure_data (sign1->protected_header, sign1->protected_length,
                                           sign1->payload, sign1->payload_length, &length);
  return dossier_crypto_verify (sign1->alg == COSE_ALG_ES256 ? "ECDSA-SHA256" : "PS256", dossier_certificate_get_pkey (dsc),
                                input, length, sign1->signature, sign1->signature_length, error);
}

/* The trusted certificate the key id names.  When none does but a trusted
 * certificate's key made the signature, the key id is what is wrong. */
static DossierCertificate *
find_signer (const Sign1                *sign1,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GPtrArray) all = NULL;

  if (sign1->kid != NULL && options->keys != NULL)
    certificates = dossier_key_source_find_certificates (options->keys, sign1->kid);
  if (certificates != NULL && certificates->len > 0)
    {
      DossierCertificate *dsc = g_ptr_array_index (certificates, 0);
      const char *country = g_object_get_data (G_OBJECT (dsc), "dossier-dsc-country");

      /* a DSC from a trust list is named after its country and subject */
      dossier_verification_check (result, "key", TRUE, "%s",
                                  country != NULL ? (const char *) g_object_get_data (G_OBJECT (dsc), "dossier-anchor")
                                                  : dossier_certificate_get_subject (dsc));
      return g_object_ref (dsc);
    }
  if (options->keys != NULL)
    all = dossier_key_source_find_certificates (options->keys, NULL);
  for (guint i = 0; all != NULL && i < all->len; i++)
    if (signature_matches (sign1, g_ptr_array_index (all, i), NULL))
      {
        dossier_verification_fail (result, "key", "kid-mismatch",
                                   _("A trusted certificate made the signature, but the key id names another"));
        return NULL;
      }
  dossier_verification_fail (result, "key", "dsc-not-trusted",
                             _("No trusted signer certificate has this certificate’s key id"));
  return NULL;
}

static const guint8 *
tree_bytes (cbor_item_t *item,
            gsize       *length)
{
  if (item == NULL || !cbor_isa_bytestring (item) || !cbor_bytestring_is_definite (item))
    return NULL;
  *length = cbor_bytestring_length (item);
  return cbor_bytestring_handle (item);
}

/* Reads @cose from scans, for the common message that scans whole and
 * passes every check up to the signature's.  FALSE, with nothing
 * recorded, when any part needs libcbor's reading, whose verdict is then
 * the one given. */
static gboolean
read_plain (GBytes                     *cose_bytes,
            gsize                       offset,
            Sign1                      *sign1,
            DossierVerification        *result)
{
  const guint8 *data = (const guint8 *) g_bytes_get_data (cose_bytes, NULL) + offset;
  g_autoptr(DossierCborScan) cose = dossier_cbor_scan_new (data, g_bytes_get_size (cose_bytes) - offset);
  g_autoptr(DossierCborScan) header = NULL;
  g_autoptr(DossierCborScan) claims = NULL;
  guint unprotected, hcert, kid;
  const guint8 *kid_data, *issuer, *encoded;
  gsize kid_length = 0, issuer_length = 0, encoded_length = 0;
  HcertContent *content;

  if (cose == NULL || dossier_cbor_scan_get_major (cose, 0) != 4 || dossier_cbor_scan_get_size (cose, 0) != 4 ||
      (sign1->protected_header = dossier_cbor_scan_get_data (cose, 1, 2, &sign1->protected_length)) == NULL ||
      dossier_cbor_scan_get_major (cose, (unprotected = dossier_cbor_scan_get_element (cose, 0, 1))) != 5 ||
      (sign1->payload = dossier_cbor_scan_get_data (cose, dossier_cbor_scan_get_element (cose, 0, 2), 2,
                                                     &sign1->payload_length)) == NULL ||
      (sign1->signature = dossier_cbor_scan_get_data (cose, dossier_cbor_scan_get_element (cose, 0, 3), 2,
                                                       &sign1->signature_length)) == NULL ||
      (header = dossier_cbor_scan_new (sign1->protected_header, sign1->protected_length)) == NULL ||
      (claims = dossier_cbor_scan_new (sign1->payload, sign1->payload_length)) == NULL)
    return FALSE;

  if (!dossier_cbor_scan_get_int (header, dossier_cbor_scan_map_get_int (header, 0, 1), &sign1->alg) &&
      !dossier_cbor_scan_get_int (cose, dossier_cbor_scan_map_get_int (cose, unprotected, 1), &sign1->alg))
    sign1->alg = 0;
  kid = dossier_cbor_scan_map_get_int (header, 0, 4);
  if ((kid_data = dossier_cbor_scan_get_data (header, kid, 2, &kid_length)) == NULL)
    kid_data = dossier_cbor_scan_get_data (cose, dossier_cbor_scan_map_get_int (cose, unprotected, 4), 2, &kid_length);
  hcert = dossier_cbor_scan_map_get_int (claims, dossier_cbor_scan_map_get_int (claims, 0, -260), 1);
  if ((sign1->alg != COSE_ALG_ES256 && sign1->alg != COSE_ALG_PS256) || dossier_cbor_scan_get_major (claims, 0) != 5 ||
      dossier_cbor_scan_get_major (claims, hcert) != 5 || (sign1->type = plain_dcc_schema (claims, hcert)) == NULL)
    return FALSE;

  if (kid_data != NULL)
    sign1->kid = g_bytes_new (kid_data, kid_length);
  if ((issuer = dossier_cbor_scan_get_data (claims, dossier_cbor_scan_map_get_int (claims, 0, 1), 3, &issuer_length)) != NULL)
    sign1->issuer = g_strndup ((const char *) issuer, issuer_length);
  if (!dossier_cbor_scan_get_int (claims, dossier_cbor_scan_map_get_int (claims, 0, 6), &sign1->issued_at))
    sign1->issued_at = 0;
  if (!dossier_cbor_scan_get_int (claims, dossier_cbor_scan_map_get_int (claims, 0, 4), &sign1->expires))
    sign1->expires = G_MAXINT64;

  dossier_verification_check (result, "header", TRUE, sign1->alg == COSE_ALG_ES256 ? "ES256" : "PS256");
  dossier_verification_check (result, "schema", TRUE, _("Certificate of kind “%s”"), sign1->type);
  encoded = dossier_cbor_scan_get_encoded (claims, hcert, &encoded_length);
  content = g_new0 (HcertContent, 1);
  content->encoded = g_bytes_new_from_bytes (cose_bytes, (gsize) (encoded - (const guint8 *) g_bytes_get_data (cose_bytes, NULL)),
                                             encoded_length);
  content->type = sign1->type;
  content->issuer = g_strdup (sign1->issuer);
  dossier_verification_defer_content (result, read_hcert_content, content, hcert_content_free);
  return TRUE;
}

/* Reads @cose through libcbor's tree, recording what is wrong; the trees
 * are kept in @root and @claims_tree for the pointers in @sign1. */
static gboolean
read_tree (GBytes              *cose_bytes,
           gsize                offset,
           Sign1               *sign1,
           cbor_item_t        **root,
           cbor_item_t        **claims_tree,
           DossierVerification *result)
{
  g_autoptr(cbor_item_t) protected_map = NULL;
  g_autoptr(JsonNode) dcc_node = NULL;
  cbor_item_t *cose, *claims, *hcert;
  JsonArray *entries;
  HcertContent *content;

  *root = dossier_cbor_load ((const guint8 *) g_bytes_get_data (cose_bytes, NULL) + offset,
                             g_bytes_get_size (cose_bytes) - offset);
  cose = *root;
  if (cose == NULL || !cbor_isa_array (cose) || cbor_array_size (cose) != 4 ||
      (sign1->protected_header = tree_bytes (cbor_array_handle (cose)[0], &sign1->protected_length)) == NULL ||
      !cbor_isa_map (cbor_array_handle (cose)[1]) ||
      (sign1->payload = tree_bytes (cbor_array_handle (cose)[2], &sign1->payload_length)) == NULL)
    return dossier_verification_fail (result, "decode", "cose-structure", _("The content is not a COSE_Sign1 structure"));
  sign1->signature = tree_bytes (cbor_array_handle (cose)[3], &sign1->signature_length);

  if (sign1->protected_length > 0)
    protected_map = dossier_cbor_load (sign1->protected_header, sign1->protected_length);
  if (!dossier_cbor_get_int (dossier_cbor_map_get_int (protected_map, 1), &sign1->alg) &&
      !dossier_cbor_get_int (dossier_cbor_map_get_int (cbor_array_handle (cose)[1], 1), &sign1->alg))
    sign1->alg = 0;
  sign1->kid = dossier_cbor_get_bytes (dossier_cbor_map_get_int (protected_map, 4));
  if (sign1->kid == NULL)
    sign1->kid = dossier_cbor_get_bytes (dossier_cbor_map_get_int (cbor_array_handle (cose)[1], 4));
  if (sign1->alg != COSE_ALG_ES256 && sign1->alg != COSE_ALG_PS256)
    return dossier_verification_fail (result, "header", "cose-alg", _("Signature algorithm %lld is not accepted"),
                                      (long long) sign1->alg);
  dossier_verification_check (result, "header", TRUE, sign1->alg == COSE_ALG_ES256 ? "ES256" : "PS256");

  *claims_tree = claims = dossier_cbor_load (sign1->payload, sign1->payload_length);
  if (claims == NULL || !cbor_isa_map (claims))
    return dossier_verification_fail (result, "decode", "cwt-malformed", _("The payload is not a CBOR map of claims"));
  hcert = dossier_cbor_map_get_int (dossier_cbor_map_get_int (claims, -260), 1);
  if (hcert == NULL || !cbor_isa_map (hcert))
    return dossier_verification_fail (result, "decode", "cwt-claims", _("The payload holds no health certificate (claim -260)"));
  sign1->issuer = dossier_cbor_get_string (dossier_cbor_map_get_int (claims, 1));
  if (!dossier_cbor_get_int (dossier_cbor_map_get_int (claims, 6), &sign1->issued_at))
    sign1->issued_at = 0;
  if (!dossier_cbor_get_int (dossier_cbor_map_get_int (claims, 4), &sign1->expires))
    sign1->expires = G_MAXINT64;
  dcc_node = dossier_cbor_to_json (hcert, 0);
  if (!check_dcc_schema (json_node_get_object (dcc_node), result))
    return FALSE;
  sign1->type = certificate_type (json_node_get_object (dcc_node), &entries);

  content = g_new0 (HcertContent, 1);
  content->hcert = cbor_incref (hcert);
  content->type = sign1->type;
  content->issuer = g_strdup (sign1->issuer);
  dossier_verification_defer_content (result, read_hcert_content, content, hcert_content_free);
  return TRUE;
}

static gboolean
check_times (const Sign1                *sign1,
             DossierCertificate         *dsc,
             const DossierVerifyOptions *options,
             DossierVerification        *result)
{
  gint64 now;

  if (options->at == NULL)
    return TRUE;
  now = g_date_time_to_unix (options->at);
  if (now < sign1->issued_at)
    return dossier_verification_fail (result, "not-yet-valid", "not-yet-valid",
                                      _("The certificate was issued after the time of checking"));
  if (now <= sign1->expires && now < dossier_certificate_get_not_before (dsc))
    return dossier_verification_fail (result, "not-yet-valid", "dsc-not-yet-valid",
                                      _("The signer certificate is not valid yet at the time of checking"));
  dossier_verification_check (result, "not-yet-valid", TRUE, _("Issued before the time of checking"));
  if (now > sign1->expires)
    return dossier_verification_fail (result, "expired", "expired", _("The certificate has expired"));
  if (now > dossier_certificate_get_not_after (dsc))
    return dossier_verification_fail (result, "expired", "dsc-expired",
                                      _("The signer certificate had expired at the time of checking"));
  return dossier_verification_check (result, "expired", TRUE, _("Within its validity"));
}

void
dossier_hcert_verify (const char                 *text,
                      gsize                       length,
                      const DossierVerifyOptions *options,
                      DossierVerification        *result)
{
  g_autoptr(GBytes) packed = NULL;
  g_autoptr(GBytes) cose_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) root = NULL;
  g_autoptr(cbor_item_t) claims = NULL;
  g_autoptr(DossierCertificate) dsc = NULL;
  g_auto(Sign1) sign1 = { .expires = G_MAXINT64 };
  const char *country;
  gsize offset = 0;

  dossier_verification_set_format (result, "hcert");
  if (length > DOSSIER_HCERT_MAX_TEXT || !dossier_hcert_detect (text, length) ||
      (packed = dossier_base45_decode (text + 4, length - 4, &error)) == NULL)
    {
      dossier_verification_fail (result, "decode", "hcert-base45", "%s",
                                 error != NULL ? error->message : _("Not an HC1: certificate"));
      return;
    }
  dossier_verification_check (result, "decode", TRUE, _("HC1 prefix and base45"));
  cose_bytes = dossier_inflate (g_bytes_get_data (packed, NULL), g_bytes_get_size (packed), DOSSIER_INFLATE_ZLIB,
                                DOSSIER_INFLATE_MAX_OUTPUT, &error);
  if (!dossier_verification_check (result, "decompress", cose_bytes != NULL, "%s",
                                   cose_bytes != NULL ? "zlib" : error->message))
    return;

  if (!skip_cose_tags (g_bytes_get_data (cose_bytes, NULL), g_bytes_get_size (cose_bytes), &offset))
    offset = g_bytes_get_size (cose_bytes);
  if (!read_plain (cose_bytes, offset, &sign1, result))
    {
      sign1_clear (&sign1);
      sign1 = (Sign1) { .expires = G_MAXINT64 };
      if (!read_tree (cose_bytes, offset, &sign1, &root, &claims, result))
        return;
    }
  dossier_verification_set_issuer (result, sign1.issuer, sign1.issuer, FALSE);

  if ((dsc = find_signer (&sign1, options, result)) == NULL)
    return;
  if (!signature_matches (&sign1, dsc, &error))
    {
      dossier_verification_fail (result, "signature", "signature-mismatch", "%s", error->message);
      return;
    }
  dossier_verification_check (result, "signature", TRUE, sign1.alg == COSE_ALG_ES256 ? "ES256" : "PS256");
  country = g_object_get_data (G_OBJECT (dsc), "dossier-dsc-country");
  if (country != NULL && sign1.issuer != NULL && g_ascii_strcasecmp (country, sign1.issuer) != 0)
    {
      dossier_verification_fail (result, "issuer", "dsc-country-mismatch",
                                 _("The signer certificate is listed for %s, but the certificate names the issuing country %s"),
                                 country, sign1.issuer);
      return;
    }
  dossier_verification_set_issuer (result, sign1.issuer, dossier_certificate_get_subject (dsc), TRUE);
  if (!check_key_usage (dsc, sign1.type, result))
    return;
  check_times (&sign1, dsc, options, result);
}
