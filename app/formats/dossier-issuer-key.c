// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-issuer-key.h"

#include "dossier-did.h"
#include "dossier-format-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Finding the key that signed an issuer's JWT and checking the signature:
 * first among the trusted keys, then, for a DID, the key the DID itself
 * names.  The second proves who signed but vouches for nobody, unless a
 * trust anchor holds that same key. */

static DossierJwk *
first_verifying (DossierJws  *jws,
                 GPtrArray   *keys,
                 GError     **error)
{
  for (guint i = 0; i < keys->len; i++)
    if (dossier_jws_verify (jws, g_ptr_array_index (keys, i), i + 1 == keys->len ? error : NULL))
      return g_object_ref (g_ptr_array_index (keys, i));
  return NULL;
}

/* The name of the trust anchor holding the same public key as @key for
 * @issuer, or NULL when none does. */
const char *
dossier_issuer_key_anchor (DossierJwk                 *key,
                           const char                 *issuer,
                           const DossierVerifyOptions *options)
{
  g_autoptr(GPtrArray) anchored = NULL;
  g_autofree char *thumbprint = dossier_jwk_dup_thumbprint (key);

  if (options->keys == NULL)
    return NULL;
  anchored = dossier_key_source_find_keys (options->keys, issuer, NULL);
  for (guint i = 0; anchored != NULL && i < anchored->len; i++)
    {
      DossierJwk *candidate = g_ptr_array_index (anchored, i);
      g_autofree char *other = dossier_jwk_dup_thumbprint (candidate);

      if (g_str_equal (thumbprint, other) && dossier_jwk_belongs_to (candidate, issuer))
        return g_object_get_data (G_OBJECT (candidate), "dossier-anchor");
    }
  return NULL;
}

/* The key a JWS carries in its own "jwk" header (as Open Badges JWTs
 * may), as a one-key list; NULL with no error when it carries none.  Like
 * a DID's own key it shows the token is intact and vouches for nobody. */
static GPtrArray *
embedded_key (DossierJws  *jws,
              GError     **error)
{
  JsonNode *node = json_object_get_member (dossier_jws_get_header (jws), "jwk");
  g_autoptr(GError) local_error = NULL;
  GPtrArray *keys;
  DossierJwk *key;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node) || json_object_has_member (json_node_get_object (node), "d") ||
      (key = dossier_jwk_new_from_json (json_node_get_object (node), &local_error)) == NULL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_DECODE, _("The key in the token’s header is not a usable public key%s%s"),
                   local_error != NULL ? ": " : "", local_error != NULL ? local_error->message : "");
      return NULL;
    }
  keys = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (keys, key);
  return keys;
}

static const char *
code_of (GError *error)
{
  if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE))
    return "key-not-available";
  if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNSUPPORTED))
    return "did-unsupported";
  return "did-unresolvable";
}

/* Verifies @jws as signed by @issuer.  Records the "key" check (when a
 * trusted key is found) and the "signature" check on @result; returns the
 * key that verified, or NULL after recording the failure.  @trusted says
 * whether a trust anchor holds that key. */
DossierJwk *
dossier_issuer_key_verify (DossierJws                 *jws,
                           const char                 *issuer,
                           const DossierVerifyOptions *options,
                           DossierVerification        *result,
                           gboolean                   *trusted)
{
  const char *kid = dossier_jws_get_header_string (jws, "kid");
  g_autofree char *absolute = NULL;
  g_autofree char *kid_did = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  const char *subject, *anchor;
  DossierJwk *key;

  *trusted = FALSE;
  /* "#key-1" is relative to the issuer's DID */
  absolute = kid != NULL && kid[0] == '#' && dossier_did_is_did (issuer) ? g_strconcat (issuer, kid, NULL) : g_strdup (kid);
  if (dossier_did_is_did (absolute))
    {
      /* a DID key id names its controller, who must be the issuer */
      kid_did = dossier_did_without_fragment (absolute);
      if (g_strcmp0 (kid_did, issuer) != 0)
        {
          dossier_verification_fail (result, "key", "kid-not-issuer", _("The signing key %s belongs to %s, not to the issuer %s"),
                                     absolute, kid_did, issuer != NULL ? issuer : _("(not named)"));
          return NULL;
        }
    }

  subject = kid_did != NULL ? absolute : dossier_did_is_did (issuer) ? issuer : NULL;
  if (options->keys != NULL)
    keys = dossier_key_source_find_keys (options->keys, issuer, absolute);
  if (keys != NULL && keys->len > 0)
    {
      const char *first_anchor = g_object_get_data (g_ptr_array_index (keys, 0), "dossier-anchor");

      key = first_verifying (jws, keys, &error);
      if (key != NULL)
        {
          *trusted = TRUE;
          dossier_verification_check (result, "key", TRUE, "%s", (const char *) g_object_get_data (G_OBJECT (key), "dossier-anchor"));
          return key;
        }
      /* trusted keys without an id answer to any; a DID may still name its own */
      if (subject == NULL)
        {
          dossier_verification_check (result, "key", TRUE, "%s", first_anchor);
          dossier_verification_fail (result, "signature", "signature-mismatch", "%s", error->message);
          return NULL;
        }
      g_clear_error (&error);
    }

  g_clear_pointer (&keys, g_ptr_array_unref);
  if (subject == NULL && (keys = embedded_key (jws, &error)) == NULL && error == NULL)
    {
      dossier_verification_fail (result, "key", "key-not-trusted", _("No trusted key for issuer %s"),
                                 issuer != NULL ? issuer : _("(not named)"));
      return NULL;
    }
  if (subject != NULL)
    keys = dossier_did_resolve_keys (subject, options->keys, &error);
  if (keys == NULL)
    {
      dossier_verification_fail (result, "key", subject != NULL ? code_of (error) : "key-malformed", "%s", error->message);
      return NULL;
    }
  key = first_verifying (jws, keys, &error);
  if (key == NULL)
    {
      dossier_verification_fail (result, "signature", "signature-mismatch", "%s", error->message);
      return NULL;
    }
  anchor = dossier_issuer_key_anchor (key, issuer, options);
  if (anchor != NULL)
    {
      *trusted = TRUE;
      g_object_set_data_full (G_OBJECT (key), "dossier-anchor", g_strdup (anchor), g_free);
      dossier_verification_check (result, "key", TRUE, "%s", anchor);
    }
  return key;
}
