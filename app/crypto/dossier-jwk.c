// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-jwk.h"

#include "dossier-base64.h"
#include "dossier-crypto-error.h"
#include "dossier-json.h"

#include <glib/gi18n-lib.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <string.h>

/* A public key in JSON Web Key form (RFC 7517): EC P-256 and P-384,
 * Ed25519, and RSA of 2048 bits or more. */
struct _DossierJwk
{
  GObject     parent_instance;
  JsonObject *json;
  EVP_PKEY   *pkey;
  GPtrArray  *issuers;   /* the issuers this key is known to belong to, or NULL */
  char       *thumbprint;
  /* the members verification asks for, as the key was given: a look-up
   * in @json each time cost as much as the rest of finding a key */
  char       *kty;
  char       *crv;
  char       *kid;
  char       *alg;
  char       *use;
};

G_DEFINE_FINAL_TYPE (DossierJwk, dossier_jwk, G_TYPE_OBJECT)

static void
dossier_jwk_finalize (GObject *object)
{
  DossierJwk *self = DOSSIER_JWK (object);

  g_clear_pointer (&self->json, json_object_unref);
  g_clear_pointer (&self->pkey, EVP_PKEY_free);
  g_clear_pointer (&self->issuers, g_ptr_array_unref);
  g_free (self->thumbprint);
  g_free (self->kty);
  g_free (self->crv);
  g_free (self->kid);
  g_free (self->alg);
  g_free (self->use);
  G_OBJECT_CLASS (dossier_jwk_parent_class)->finalize (object);
}

static void
dossier_jwk_class_init (DossierJwkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_jwk_finalize;
}

static void
dossier_jwk_init (DossierJwk *self)
{
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static GBytes *
member_bytes (JsonObject  *object,
              const char  *name,
              gsize        expected,
              GError     **error)
{
  const char *text = member_string (object, name);
  g_autoptr(GBytes) bytes = NULL;

  if (text == NULL)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                   _("The key has no “%s” member"), name);
      return NULL;
    }
  bytes = dossier_base64url_decode (text, -1, error);
  if (bytes == NULL)
    return NULL;
  if (expected > 0 && g_bytes_get_size (bytes) != expected)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                   _("The key’s “%s” member is %zu bytes long instead of %zu"),
                   name, g_bytes_get_size (bytes), expected);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

static EVP_PKEY *
pkey_from_params (const char  *type,
                  OSSL_PARAM  *params,
                  GError     **error)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, type, NULL);
  EVP_PKEY_CTX *check = NULL;
  EVP_PKEY *pkey = NULL;
  gboolean ok;

  ok = ctx != NULL && EVP_PKEY_fromdata_init (ctx) == 1 &&
       EVP_PKEY_fromdata (ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1;
  if (ok)
    {
      /* An EC point off the curve is refused here, not at verification. */
      check = EVP_PKEY_CTX_new_from_pkey (NULL, pkey, NULL);
      ok = check != NULL && EVP_PKEY_public_check (check) == 1;
    }
  EVP_PKEY_CTX_free (check);
  EVP_PKEY_CTX_free (ctx);
  if (!ok)
    {
      EVP_PKEY_free (pkey);
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                   _("The %s key is not a valid public key"), type);
      return NULL;
    }
  return pkey;
}

static EVP_PKEY *
ec_key (JsonObject  *json,
        GError     **error)
{
  const char *crv = member_string (json, "crv");
  const char *group;
  gsize size;
  g_autoptr(GBytes) x = NULL;
  g_autoptr(GBytes) y = NULL;
  guint8 point[1 + 2 * 66];
  OSSL_PARAM_BLD *bld;
  OSSL_PARAM *params;
  EVP_PKEY *pkey;

  if (g_strcmp0 (crv, "P-256") == 0)
    group = "prime256v1", size = 32;
  else if (g_strcmp0 (crv, "P-384") == 0)
    group = "secp384r1", size = 48;
  else
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                   _("Elliptic curve “%s” is not supported"), crv != NULL ? crv : "");
      return NULL;
    }
  if (!(x = member_bytes (json, "x", size, error)) || !(y = member_bytes (json, "y", size, error)))
    return NULL;
  point[0] = 0x04;
  memcpy (point + 1, g_bytes_get_data (x, NULL), size);
  memcpy (point + 1 + size, g_bytes_get_data (y, NULL), size);

  bld = OSSL_PARAM_BLD_new ();
  OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
  OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * size);
  params = OSSL_PARAM_BLD_to_param (bld);
  pkey = pkey_from_params ("EC", params, error);
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (bld);
  return pkey;
}

static EVP_PKEY *
okp_key (JsonObject  *json,
         GError     **error)
{
  g_autoptr(GBytes) x = NULL;
  EVP_PKEY *pkey;

  if (g_strcmp0 (member_string (json, "crv"), "Ed25519") != 0)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                           _("Only the Ed25519 curve is supported for OKP keys"));
      return NULL;
    }
  if (!(x = member_bytes (json, "x", 32, error)))
    return NULL;
  pkey = EVP_PKEY_new_raw_public_key (EVP_PKEY_ED25519, NULL, g_bytes_get_data (x, NULL), 32);
  if (pkey == NULL)
    g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY, _("The Ed25519 key is not valid"));
  return pkey;
}

static EVP_PKEY *
rsa_key (JsonObject  *json,
         GError     **error)
{
  g_autoptr(GBytes) n = NULL;
  g_autoptr(GBytes) e = NULL;
  BIGNUM *bn_n, *bn_e;
  OSSL_PARAM_BLD *bld;
  OSSL_PARAM *params;
  EVP_PKEY *pkey = NULL;

  if (!(n = member_bytes (json, "n", 0, error)) || !(e = member_bytes (json, "e", 0, error)))
    return NULL;
  if (g_bytes_get_size (n) < 256 || g_bytes_get_size (n) > 2048 || g_bytes_get_size (e) > 8)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                           _("RSA keys must be 2048 to 16384 bits long"));
      return NULL;
    }
  bn_n = BN_bin2bn (g_bytes_get_data (n, NULL), (int) g_bytes_get_size (n), NULL);
  bn_e = BN_bin2bn (g_bytes_get_data (e, NULL), (int) g_bytes_get_size (e), NULL);
  bld = OSSL_PARAM_BLD_new ();
  OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
  params = OSSL_PARAM_BLD_to_param (bld);
  if (BN_num_bits (bn_n) >= 2048)
    pkey = pkey_from_params ("RSA", params, error);
  else
    g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                         _("RSA keys must be 2048 to 16384 bits long"));
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (bld);
  BN_free (bn_n);
  BN_free (bn_e);
  return pkey;
}

DossierJwk *
dossier_jwk_new_from_json (JsonObject  *object,
                           GError     **error)
{
  g_autoptr(DossierJwk) self = NULL;
  const char *kty;

  g_return_val_if_fail (object != NULL, NULL);

  kty = member_string (object, "kty");
  self = g_object_new (DOSSIER_TYPE_JWK, NULL);
  self->json = json_object_ref (object);
  self->kty = g_strdup (kty);
  self->crv = g_strdup (member_string (object, "crv"));
  self->kid = g_strdup (member_string (object, "kid"));
  self->alg = g_strdup (member_string (object, "alg"));
  self->use = g_strdup (member_string (object, "use"));
  if (g_strcmp0 (kty, "EC") == 0)
    self->pkey = ec_key (object, error);
  else if (g_strcmp0 (kty, "OKP") == 0)
    self->pkey = okp_key (object, error);
  else if (g_strcmp0 (kty, "RSA") == 0)
    self->pkey = rsa_key (object, error);
  else
    g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                 _("Key type “%s” is not supported"), kty != NULL ? kty : "");
  if (self->pkey == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

/* A JWK Set, or a single JWK.  Keys that cannot be used are left out; it
 * is an error only when the text is not a key set at all. */
GPtrArray *
dossier_jwk_parse_set (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObject *root;
  JsonNode *list;

  if (length > DOSSIER_JWK_MAX_SET_SIZE)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE,
                   _("The key set is larger than %d bytes"), DOSSIER_JWK_MAX_SET_SIZE);
      return NULL;
    }
  /* one JSON value (json-glib alone would take the last of several) */
  node = dossier_json_parse (data, length);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                   _("The key set is not a JSON object%s%s"), "", "");
      return NULL;
    }
  root = json_node_get_object (node);
  list = json_object_get_member (root, "keys");
  if (list == NULL && json_object_has_member (root, "kty"))
    {
      DossierJwk *key = dossier_jwk_new_from_json (root, NULL);

      if (key != NULL)
        g_ptr_array_add (keys, key);
      return g_steal_pointer (&keys);
    }
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("The key set has no “keys” list"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (list), i);
      DossierJwk *key;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      key = dossier_jwk_new_from_json (json_node_get_object (element), NULL);
      if (key != NULL)
        g_ptr_array_add (keys, key);
    }
  return g_steal_pointer (&keys);
}

#define STRING_GETTER(name)                                   \
  const char *                                                \
  dossier_jwk_get_##name (DossierJwk *self)                   \
  {                                                           \
    g_return_val_if_fail (DOSSIER_IS_JWK (self), NULL);       \
    return self->name;                                        \
  }

STRING_GETTER (kty)
STRING_GETTER (crv)
STRING_GETTER (kid)
STRING_GETTER (alg)
STRING_GETTER (use)

JsonObject *
dossier_jwk_get_json (DossierJwk *self)
{
  g_return_val_if_fail (DOSSIER_IS_JWK (self), NULL);
  return self->json;
}

EVP_PKEY *
dossier_jwk_get_pkey (DossierJwk *self)
{
  g_return_val_if_fail (DOSSIER_IS_JWK (self), NULL);
  return self->pkey;
}

/* The RFC 7638 thumbprint: SHA-256 over the required members in
 * lexicographic order, base64url encoded. */
char *
dossier_jwk_dup_thumbprint (DossierJwk *self)
{
  const char *kty;
  g_autofree char *canonical = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_return_val_if_fail (DOSSIER_IS_JWK (self), NULL);

  if (self->thumbprint != NULL)
    return g_strdup (self->thumbprint);
  kty = dossier_jwk_get_kty (self);
  if (g_strcmp0 (kty, "EC") == 0)
    canonical = g_strdup_printf ("{\"crv\":\"%s\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
                                 member_string (self->json, "crv"), member_string (self->json, "x"),
                                 member_string (self->json, "y"));
  else if (g_strcmp0 (kty, "OKP") == 0)
    canonical = g_strdup_printf ("{\"crv\":\"%s\",\"kty\":\"OKP\",\"x\":\"%s\"}",
                                 member_string (self->json, "crv"), member_string (self->json, "x"));
  else
    canonical = g_strdup_printf ("{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}",
                                 member_string (self->json, "e"), member_string (self->json, "n"));
  g_checksum_update (checksum, (const guchar *) canonical, -1);
  g_checksum_get_digest (checksum, digest, &digest_len);
  /* keys are immutable once parsed, so the thumbprint is computed once */
  self->thumbprint = dossier_base64url_encode (digest, digest_len);
  return g_strdup (self->thumbprint);
}

void
dossier_jwk_add_issuer (DossierJwk *self,
                        const char *issuer)
{
  g_return_if_fail (DOSSIER_IS_JWK (self));
  g_return_if_fail (issuer != NULL);

  if (self->issuers == NULL)
    self->issuers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->issuers, g_strdup (issuer));
}

/* Whether the key may sign for @issuer: yes unless its issuers are known
 * and @issuer is not among them. */
gboolean
dossier_jwk_belongs_to (DossierJwk *self,
                        const char *issuer)
{
  g_return_val_if_fail (DOSSIER_IS_JWK (self), FALSE);

  if (self->issuers == NULL)
    return TRUE;
  for (guint i = 0; i < self->issuers->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->issuers, i), issuer) == 0)
      return TRUE;
  return FALSE;
}

static void
set_b64 (JsonObject   *object,
         const char   *name,
         const guint8 *data,
         gsize         length)
{
  g_autofree char *text = dossier_base64url_encode (data, length);

  json_object_set_string_member (object, name, text);
}

static gboolean
set_bignum (JsonObject *object,
            const char *name,
            EVP_PKEY   *pkey,
            const char *param)
{
  BIGNUM *bn = NULL;
  g_autofree guint8 *buffer = NULL;
  int length;

  if (EVP_PKEY_get_bn_param (pkey, param, &bn) != 1)
    return FALSE;
  buffer = g_malloc ((gsize) BN_num_bytes (bn) + 1);
  length = BN_bn2bin (bn, buffer);
  BN_free (bn);
  set_b64 (object, name, buffer, (gsize) length);
  return TRUE;
}

/* The public half of @pkey as a JWK (EC P-256 or P-384, Ed25519, RSA),
 * for publishing an issuer's key or binding a holder's. */
JsonObject *
dossier_jwk_public_json_for_pkey (EVP_PKEY  *pkey,
                                  GError   **error)
{
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_val_if_fail (pkey != NULL, NULL);

  if (EVP_PKEY_is_a (pkey, "EC") && (EVP_PKEY_get_bits (pkey) == 256 || EVP_PKEY_get_bits (pkey) == 384))
    {
      guint8 point[97];
      gsize length = 0, half = EVP_PKEY_get_bits (pkey) == 256 ? 32 : 48;

      if (EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length) != 1 ||
          length != 1 + 2 * half || point[0] != 0x04)
        {
          g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                               _("The key’s public point cannot be read"));
          return NULL;
        }
      json_object_set_string_member (object, "kty", "EC");
      json_object_set_string_member (object, "crv", half == 32 ? "P-256" : "P-384");
      set_b64 (object, "x", point + 1, half);
      set_b64 (object, "y", point + 1 + half, half);
    }
  else if (EVP_PKEY_is_a (pkey, "ED25519"))
    {
      guint8 raw[32];
      gsize length = sizeof raw;

      if (EVP_PKEY_get_raw_public_key (pkey, raw, &length) != 1)
        {
          g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                               _("The key’s public point cannot be read"));
          return NULL;
        }
      json_object_set_string_member (object, "kty", "OKP");
      json_object_set_string_member (object, "crv", "Ed25519");
      set_b64 (object, "x", raw, length);
    }
  else if (EVP_PKEY_is_a (pkey, "RSA"))
    {
      json_object_set_string_member (object, "kty", "RSA");
      if (!set_bignum (object, "n", pkey, OSSL_PKEY_PARAM_RSA_N) || !set_bignum (object, "e", pkey, OSSL_PKEY_PARAM_RSA_E))
        {
          g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_KEY,
                               _("The RSA key cannot be read"));
          return NULL;
        }
    }
  else
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                           _("This kind of key cannot be written as a JWK"));
      return NULL;
    }
  return g_steal_pointer (&object);
}
