// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-vc-jwt.h"

#include "dossier-credential.h"
#include "dossier-base64.h"
#include "dossier-issuer-key.h"
#include "dossier-jcs.h"
#include "dossier-json.h"
#include "dossier-jws.h"
#include "dossier-status-list.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* W3C Verifiable Credentials secured as a JWT: VC Data Model 1.1's JWT
 * encoding (the credential in the "vc" claim) and VC 2.0 with VC-JOSE
 * (the payload is the credential).  Open Badges 3.0 and CLR 2.0
 * AchievementCredentials become learning records.  A credential as plain
 * JSON with no proof at all is read the same way and kept as unsigned. */

static JsonObject *
payload_object (DossierJws *jws)
{
  JsonNode *root = dossier_jws_get_payload_json (jws);

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

/* The credential inside the claims: "vc" (VC 1.1 JWT) or the claims themselves (VC 2.0). */
static JsonObject *
credential_of (JsonObject *claims)
{
  JsonObject *vc = dossier_json_get_object (claims, "vc");

  return vc != NULL ? vc : claims;
}

/* --- claims read from a scan of the payload ------------------------------ */

/* The credential inside scanned claims, as credential_of() finds it. */
static guint
scanned_credential (DossierJsonScan *scan)
{
  guint vc = dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "vc");

  return dossier_json_scan_get_kind (scan, vc) == DOSSIER_JSON_SCAN_OBJECT ? vc : DOSSIER_JSON_SCAN_ROOT;
}

/* As dossier_credential_has_type(), on a scanned object. */
static gboolean
scanned_has_type (DossierJsonScan *scan,
                  guint            object,
                  const char      *type)
{
  guint types = dossier_json_scan_get_member (scan, object, "type");

  if (dossier_json_scan_get_kind (scan, types) == DOSSIER_JSON_SCAN_STRING)
    return dossier_json_scan_equal (scan, types, type);
  for (guint i = 0; i < dossier_json_scan_get_size (scan, types) && dossier_json_scan_get_kind (scan, types) == DOSSIER_JSON_SCAN_ARRAY; i++)
    if (dossier_json_scan_equal (scan, dossier_json_scan_get_element (scan, types, i), type))
      return TRUE;
  return FALSE;
}

static char *
scanned_string (DossierJsonScan *scan,
                guint            object,
                const char      *name)
{
  return dossier_json_scan_dup_string (scan, dossier_json_scan_get_member (scan, object, name));
}

/* As time_of() in dossier-credential.c: a NumericDate claim, else the
 * credential's date in its VC 1.1 or 2.0 name. */
static gint64
scanned_time (DossierJsonScan *scan,
              const char      *claim,
              guint            vc,
              const char      *member_11,
              const char      *member_20)
{
  g_autofree char *text = NULL;
  gint64 value;

  if (dossier_json_scan_get_integer (scan, dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, claim), &value))
    return value;
  text = scanned_string (scan, vc, member_11);
  if (text == NULL)
    text = scanned_string (scan, vc, member_20);
  return dossier_credential_parse_time (text);
}

/* Whether a parsed JWS is a VC-JWT: its payload is a credential. */
gboolean
dossier_vc_jwt_detect_jws (DossierJws *jws)
{
  DossierJsonScan *scan = dossier_jws_get_payload_scan (jws);
  JsonObject *claims;

  if (scan != NULL)
    return dossier_json_scan_get_kind (scan, DOSSIER_JSON_SCAN_ROOT) == DOSSIER_JSON_SCAN_OBJECT &&
           scanned_has_type (scan, scanned_credential (scan), "VerifiableCredential");
  claims = payload_object (jws);
  return claims != NULL && dossier_credential_has_type (credential_of (claims), "VerifiableCredential");
}

gboolean
dossier_vc_jwt_detect (const char *text,
                       gsize       length)
{
  g_autoptr(DossierJws) jws = NULL;

  if (!dossier_jws_looks_compact (text, length) || (jws = dossier_jws_parse (text, length, NULL)) == NULL)
    return FALSE;
  return dossier_vc_jwt_detect_jws (jws);
}

/* What verification reads of a credential's claims, from a scan or a tree. */
typedef struct
{
  char       *issuer;        /* dossier_credential_get_issuer() */
  char       *issuer_name;   /* the issuer's "name", else its id, as the record names it */
  gboolean    is_credential;
  gboolean    is_achievement;
  gboolean    has_subject;
  gint64      from;          /* the validity period, G_MININT64 where open */
  gint64      until;
  JsonObject *claims;        /* the tree, when read from one */
  JsonObject *vc;
  GBytes     *payload;       /* else the text the record is read from later */
} Claims;

static void
claims_clear (Claims *claims)
{
  g_free (claims->issuer);
  g_free (claims->issuer_name);
  g_clear_pointer (&claims->payload, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Claims, claims_clear)

/* From a scan; FALSE when the claims name a status, which is read from the
 * tree. */
static gboolean
claims_from_scan (DossierJws *jws,
                  Claims     *claims)
{
  DossierJsonScan *scan = dossier_jws_get_payload_scan (jws);
  guint vc, issuer;

  if (scan == NULL || dossier_json_scan_get_kind (scan, DOSSIER_JSON_SCAN_ROOT) != DOSSIER_JSON_SCAN_OBJECT)
    return FALSE;
  vc = scanned_credential (scan);
  if (dossier_json_scan_get_member (scan, vc, "credentialStatus") != DOSSIER_JSON_SCAN_MISSING ||
      dossier_json_scan_get_member (scan, DOSSIER_JSON_SCAN_ROOT, "status") != DOSSIER_JSON_SCAN_MISSING)
    return FALSE;
  issuer = dossier_json_scan_get_member (scan, vc, "issuer");
  claims->issuer = scanned_string (scan, DOSSIER_JSON_SCAN_ROOT, "iss");
  if (claims->issuer == NULL)
    claims->issuer = dossier_json_scan_get_kind (scan, issuer) == DOSSIER_JSON_SCAN_OBJECT ? scanned_string (scan, issuer, "id")
                                                                                         : dossier_json_scan_dup_string (scan, issuer);
  claims->issuer_name = scanned_string (scan, issuer, "name");
  if (claims->issuer_name == NULL)
    claims->issuer_name = g_strdup (claims->issuer);
  claims->is_credential = scanned_has_type (scan, vc, "VerifiableCredential");
  claims->is_achievement = scanned_has_type (scan, vc, "AchievementCredential");
  claims->has_subject = dossier_json_scan_get_kind (scan, dossier_json_scan_get_member (scan, vc, "credentialSubject")) == DOSSIER_JSON_SCAN_OBJECT;
  claims->from = scanned_time (scan, "nbf", vc, "issuanceDate", "validFrom");
  claims->until = scanned_time (scan, "exp", vc, "expirationDate", "validUntil");
  claims->payload = g_bytes_ref (dossier_jws_get_payload (jws));
  return TRUE;
}

static void
claims_from_tree (JsonObject *payload,
                  Claims     *claims)
{
  JsonObject *vc = credential_of (payload);

  claims->claims = payload;
  claims->vc = vc;
  claims->issuer = g_strdup (dossier_credential_get_issuer (payload, vc));
  claims->issuer_name = g_strdup (dossier_json_get_string (dossier_json_get_object (vc, "issuer"), "name") ?: claims->issuer);
  claims->is_credential = dossier_credential_has_type (vc, "VerifiableCredential");
  claims->is_achievement = dossier_credential_has_type (vc, "AchievementCredential");
  claims->has_subject = dossier_json_get_object (vc, "credentialSubject") != NULL;
}

typedef struct
{
  GBytes *payload;
  char   *issuer;
} CredentialContent;

static void
credential_content_free (gpointer data)
{
  CredentialContent *content = data;

  g_bytes_unref (content->payload);
  g_free (content->issuer);
  g_free (content);
}

/* The record of a credential whose claims were scanned, read when first
 * asked for: the text was scanned, so it parses. */
static void
read_credential_content (DossierVerification *result,
                         gpointer             data)
{
  CredentialContent *content = data;
  g_autoptr(JsonNode) root = dossier_json_parse (g_bytes_get_data (content->payload, NULL), g_bytes_get_size (content->payload));

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    dossier_credential_add_record (credential_of (json_node_get_object (root)), content->issuer, "vc-jwt", result);
}

static void
verify_claims (DossierJws                 *jws,
               Claims                     *claims,
               const DossierVerifyOptions *options,
               DossierVerification        *result)
{
  g_autoptr(DossierJwk) key = NULL;
  const char *alg, *issuer;
  gboolean trusted;

  dossier_verification_check (result, "decode", TRUE, _("Compact JWS"));
  alg = dossier_jws_get_header_string (jws, "alg");
  if (alg == NULL || g_str_equal (alg, "none") || g_str_has_prefix (alg, "HS"))
    {
      dossier_verification_fail (result, "header", "alg-refused", _("Signature algorithm “%s” is not accepted"), alg ?: "");
      return;
    }
  dossier_verification_check (result, "header", TRUE, "%s", alg);

  issuer = claims->issuer;
  if (!claims->is_credential || !claims->has_subject || issuer == NULL)
    {
      dossier_verification_fail (result, "schema", "vc-schema",
                                 _("A credential needs a VerifiableCredential type, a subject and an issuer"));
      return;
    }
  dossier_verification_check (result, "schema", TRUE, "%s", claims->is_achievement ? "AchievementCredential" : "VerifiableCredential");
  if (claims->vc != NULL)
    dossier_credential_add_record (claims->vc, issuer, "vc-jwt", result);
  else
    {
      CredentialContent *content = g_new (CredentialContent, 1);

      content->payload = g_bytes_ref (claims->payload);
      content->issuer = g_strdup (issuer);
      dossier_verification_defer_content (result, read_credential_content, content, credential_content_free);
    }
  dossier_verification_set_issuer (result, issuer, issuer, FALSE);

  if ((key = dossier_issuer_key_verify (jws, issuer, options, result, &trusted)) == NULL)
    return;
  if (trusted)
    dossier_verification_check (result, "signature", TRUE, _("%s signature"), alg);
  else
    dossier_verification_check (result, "signature", TRUE, _("%s signature by %s, whose key no trust anchor holds"),
                                alg, dossier_jwk_get_kid (key) ?: issuer);
  if (!dossier_jwk_belongs_to (key, issuer))
    {
      dossier_verification_fail (result, "issuer", "key-issuer-mismatch", _("The key does not belong to issuer %s"), issuer);
      return;
    }
  if (trusted)
    {
      dossier_verification_check (result, "issuer", TRUE, "%s", issuer);
      dossier_verification_set_issuer (result, issuer, claims->issuer_name, TRUE);
    }
  if (claims->vc != NULL)
    {
      if (!dossier_credential_check_times (claims->claims, claims->vc, options, result))
        return;
      dossier_status_list_check (claims->vc, claims->claims, issuer, options, result);
    }
  else
    dossier_credential_check_period (claims->from, claims->until, options, result);
}

/* The claims of @jws from a scan, else from json-glib's tree; FALSE when
 * the payload is not a JSON object. */
static gboolean
read_claims (DossierJws *jws,
             Claims     *claims)
{
  JsonObject *payload;

  if (claims_from_scan (jws, claims))
    return TRUE;
  if ((payload = payload_object (jws)) == NULL)
    return FALSE;
  claims_from_tree (payload, claims);
  return TRUE;
}

void
dossier_vc_jwt_verify (const char                 *text,
                       gsize                       length,
                       const DossierVerifyOptions *options,
                       DossierVerification        *result)
{
  g_autoptr(DossierJws) jws = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Claims) claims = { 0 };

  dossier_verification_set_format (result, "vc-jwt");
  if (!dossier_jws_looks_compact (text, length) || (jws = dossier_jws_parse (text, length, &error)) == NULL ||
      !read_claims (jws, &claims))
    {
      dossier_verification_fail (result, "decode", "jws-malformed", "%s",
                                 error != NULL ? error->message : _("Not a JWT with a JSON payload"));
      return;
    }
  verify_claims (jws, &claims, options, result);
}

/* As dossier_vc_jwt_verify(), for a JWS already parsed (and detected). */
void
dossier_vc_jwt_verify_jws (DossierJws                 *jws,
                           const DossierVerifyOptions *options,
                           DossierVerification        *result)
{
  g_auto(Claims) claims = { 0 };

  dossier_verification_set_format (result, "vc-jwt");
  if (!read_claims (jws, &claims))
    {
      dossier_verification_fail (result, "decode", "jws-malformed", "%s", _("Not a JWT with a JSON payload"));
      return;
    }
  verify_claims (jws, &claims, options, result);
}

/* A credential as plain JSON without a proof: nothing vouches for it, but
 * what it says is still shown (a Data Integrity proof is another matter). */
static JsonNode *
parse_unsigned (const char *text,
                gsize       length)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *vc;

  while (length > 0 && g_ascii_isspace (*text))
    {
      text++;
      length--;
    }
  if (length == 0 || *text != '{' || (root = dossier_json_parse (text, length)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  vc = json_node_get_object (root);
  if (!dossier_credential_has_type (vc, "VerifiableCredential") || json_object_has_member (vc, "proof"))
    return NULL;
  return g_steal_pointer (&root);
}

gboolean
dossier_vc_json_detect (const char *text,
                        gsize       length)
{
  g_autoptr(JsonNode) root = parse_unsigned (text, length);

  return root != NULL;
}

void
dossier_vc_json_verify (const char                 *text,
                        gsize                       length,
                        const DossierVerifyOptions *options,
                        DossierVerification        *result)
{
  g_autoptr(JsonNode) root = parse_unsigned (text, length);
  JsonObject *vc;
  const char *issuer;

  dossier_verification_set_format (result, "vc-json");
  if (root == NULL)
    {
      dossier_verification_fail (result, "decode", "vc-malformed", _("Not a credential in JSON"));
      return;
    }
  dossier_verification_check (result, "decode", TRUE, _("Credential in JSON without a proof"));
  vc = json_node_get_object (root);
  issuer = dossier_credential_get_issuer (vc, vc);
  if (dossier_json_get_object (vc, "credentialSubject") == NULL || issuer == NULL)
    {
      dossier_verification_fail (result, "schema", "vc-schema",
                                 _("A credential needs a VerifiableCredential type, a subject and an issuer"));
      return;
    }
  dossier_verification_check (result, "schema", TRUE, "%s", dossier_credential_has_type (vc, "AchievementCredential") ? "AchievementCredential" : "VerifiableCredential");
  dossier_credential_add_record (vc, issuer, "vc-json", result);
  dossier_verification_set_issuer (result, issuer, dossier_record_get_issuer_name (g_ptr_array_index (dossier_verification_get_records (result), 0)), FALSE);
  dossier_verification_note_unsigned (result, _("The credential has no proof or signature; who issued it cannot be checked"));
  dossier_credential_check_times (vc, vc, options, result);
}

/* A compact JWS over @payload (in canonical JSON), its header holding
 * @alg, @typ ("vc+jwt" for a credential) and @kid when they are given. */
char *
dossier_vc_jwt_sign (JsonObject  *payload,
                     const char  *typ,
                     const char  *alg,
                     EVP_PKEY    *key,
                     const char  *kid,
                     GError     **error)
{
  g_autoptr(JsonObject) header = json_object_new ();
  g_autoptr(JsonNode) header_node = NULL;
  g_autoptr(JsonNode) payload_node = NULL;
  g_autofree char *header_json = NULL, *payload_json = NULL, *header_b64 = NULL, *payload_b64 = NULL;
  g_autofree char *input = NULL, *signature_b64 = NULL;
  g_autoptr(GBytes) signature = NULL;
  gsize header_length = 0, payload_length = 0;

  g_return_val_if_fail (payload != NULL && alg != NULL && key != NULL, NULL);

  json_object_set_string_member (header, "alg", alg);
  if (typ != NULL)
    json_object_set_string_member (header, "typ", typ);
  if (kid != NULL)
    json_object_set_string_member (header, "kid", kid);
  header_node = json_node_init_object (json_node_alloc (), header);
  payload_node = json_node_init_object (json_node_alloc (), payload);
  if ((header_json = dossier_jcs_serialize (header_node, &header_length, error)) == NULL ||
      (payload_json = dossier_jcs_serialize (payload_node, &payload_length, error)) == NULL)
    return NULL;
  header_b64 = dossier_base64url_encode (header_json, header_length);
  payload_b64 = dossier_base64url_encode (payload_json, payload_length);
  input = g_strconcat (header_b64, ".", payload_b64, NULL);
  signature = dossier_crypto_sign (alg, key, input, strlen (input), error);
  if (signature == NULL)
    return NULL;
  signature_b64 = dossier_base64url_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  return g_strconcat (input, ".", signature_b64, NULL);
}
