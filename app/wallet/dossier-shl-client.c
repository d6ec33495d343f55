// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-shl-client.h"

#include "dossier-fhir.h"
#include "dossier-format-error.h"
#include "dossier-json.h"
#include "dossier-jwe.h"
#include "dossier-shc.h"
#include "dossier-shl.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Opening a SMART Health Link: the manifest request (or, with flag U, the
 * one file), then each file, embedded or fetched from its location, each
 * decrypted with the link's key.  All requests go through the one
 * DossierNetSession, with its https rule, timeouts and size limits. */

typedef struct
{
  DossierShl *shl;
  GPtrArray  *files;      /* DossierShlFile */
  guint       next;       /* the file to open next */
  GPtrArray  *contents;   /* DossierShlContent */
} Opening;

void
dossier_shl_content_free (DossierShlContent *content)
{
  if (content == NULL)
    return;
  g_free (content->content_type);
  g_clear_pointer (&content->contents, g_bytes_unref);
  g_free (content);
}

static void
opening_free (Opening *opening)
{
  g_clear_pointer (&opening->shl, dossier_shl_free);
  g_clear_pointer (&opening->files, g_ptr_array_unref);
  g_clear_pointer (&opening->contents, g_ptr_array_unref);
  g_free (opening);
}

/* A file's type from the manifest or the JWE "cty"; failing both (a
 * direct file need not say), from what the JSON holds. */
static char *
content_type_of (const char *declared,
                 GBytes     *contents)
{
  g_autoptr(JsonNode) root = NULL;

  if (declared != NULL)
    return g_strdup (declared);
  root = dossier_json_parse (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      if (json_object_has_member (json_node_get_object (root), "verifiableCredential"))
        return g_strdup (DOSSIER_SHL_CONTENT_SHC);
      if (dossier_json_get_string (json_node_get_object (root), "resourceType") != NULL)
        return g_strdup (DOSSIER_SHL_CONTENT_FHIR);
    }
  return NULL;
}

static gboolean
add_content (Opening     *opening,
             const char  *declared,
             const char  *compact,
             gsize        length,
             GError     **error)
{
  g_autofree char *cty = NULL;
  GBytes *contents = dossier_shl_decrypt (opening->shl, compact, length, &cty, error);
  DossierShlContent *content;

  if (contents == NULL)
    return FALSE;
  content = g_new0 (DossierShlContent, 1);
  content->contents = contents;
  content->content_type = content_type_of (declared != NULL ? declared : cty, contents);
  g_ptr_array_add (opening->contents, content);
  return TRUE;
}

static void open_next_file (GTask *task);

static void
on_file (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Opening *opening = g_task_get_task_data (task);
  DossierShlFile *file = g_ptr_array_index (opening->files, opening->next - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = dossier_net_session_get_bytes_finish (DOSSIER_NET_SESSION (source), result, &error);

  if (body == NULL || !add_content (opening, file->content_type, g_bytes_get_data (body, NULL),
                                    g_bytes_get_size (body), &error))
    {
      g_prefix_error (&error, _("File %u of the link: "), opening->next);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  open_next_file (g_steal_pointer (&task));
}

static void
open_next_file (GTask *task)
{
  Opening *opening = g_task_get_task_data (task);
  DossierNetSession *net = g_task_get_source_object (task);

  while (opening->next < opening->files->len)
    {
      DossierShlFile *file = g_ptr_array_index (opening->files, opening->next++);
      g_autoptr(GError) error = NULL;

      if (file->location != NULL)
        {
          dossier_net_session_get_bytes_async (net, file->location, DOSSIER_JWE_MAX_SIZE, g_task_get_cancellable (task),
                                               on_file, task);
          return;
        }
      if (!add_content (opening, file->content_type, file->embedded, strlen (file->embedded), &error))
        {
          g_prefix_error (&error, _("File %u of the link: "), opening->next);
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&opening->contents), (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

static void
on_manifest (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Opening *opening = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = dossier_net_session_get_bytes_finish (DOSSIER_NET_SESSION (source), result, &error);

  if (body == NULL)
    {
      if (g_error_matches (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_UNAUTHORIZED) &&
          (dossier_shl_get_flags (opening->shl) & DOSSIER_SHL_FLAG_PASSCODE))
        g_task_return_new_error (task, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_PASSCODE_REQUIRED,
                                 _("The link’s server refused the passcode"));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  opening->files = dossier_shl_parse_manifest (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (opening->files == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  open_next_file (g_steal_pointer (&task));
}

static void
on_direct_file (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Opening *opening = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = dossier_net_session_get_bytes_finish (DOSSIER_NET_SESSION (source), result, &error);

  if (body == NULL || !add_content (opening, NULL, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&opening->contents), (GDestroyNotify) g_ptr_array_unref);
}

/* Opens the link @link for @recipient: refuses an expired link (as of @at;
 * NULL: no time check) and one that needs a passcode when @passcode is
 * NULL, then fetches and decrypts its files, as DossierShlContent. */
void
dossier_shl_open_async (DossierNetSession   *net,
                        const char          *link,
                        gsize                length,
                        const char          *recipient,
                        const char          *passcode,
                        GDateTime           *at,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Opening *opening;

  g_return_if_fail (DOSSIER_IS_NET_SESSION (net));
  g_return_if_fail (link != NULL && recipient != NULL);

  task = g_task_new (net, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_shl_open_async);
  opening = g_new0 (Opening, 1);
  opening->contents = g_ptr_array_new_with_free_func ((GDestroyNotify) dossier_shl_content_free);
  g_task_set_task_data (task, opening, (GDestroyNotify) opening_free);
  if ((opening->shl = dossier_shl_parse (link, length, &error)) == NULL ||
      !dossier_shl_check_usable (opening->shl, at, passcode, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (dossier_shl_get_flags (opening->shl) & DOSSIER_SHL_FLAG_DIRECT)
    {
      g_autofree char *url = dossier_shl_direct_url (opening->shl, recipient);

      dossier_net_session_get_bytes_async (net, url, DOSSIER_JWE_MAX_SIZE, cancellable, on_direct_file,
                                           g_steal_pointer (&task));
    }
  else
    {
      g_autofree char *body = dossier_shl_manifest_request (opening->shl, recipient, passcode);

      dossier_net_session_post_json_async (net, dossier_shl_get_url (opening->shl), body, DOSSIER_SHL_MAX_MANIFEST,
                                           cancellable, on_manifest, g_steal_pointer (&task));
    }
}

GPtrArray *
dossier_shl_open_finish (DossierNetSession  *net,
                         GAsyncResult       *result,
                         GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, net), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
verify_card (DossierVerification        *result,
             guint                       index,
             GBytes                     *contents,
             const DossierVerifyOptions *options)
{
  g_autoptr(DossierVerification) card = dossier_verification_new (NULL);
  g_autoptr(JsonNode) json = NULL;
  GPtrArray *records;
  JsonObject *issuer;

  dossier_shc_verify (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents), options, card);
  records = dossier_verification_get_records (card);
  for (guint i = 0; i < records->len; i++)
    dossier_verification_add_record (result, g_ptr_array_index (records, i));
  if (dossier_verification_has_failed (card))
    {
      dossier_verification_fail (result, dossier_verification_get_first_failure (card), "shl-card-invalid",
                                 _("The health card in file %u does not verify"), index + 1);
      return;
    }
  json = dossier_verification_to_json (card);
  issuer = dossier_json_get_object (json_node_get_object (json), "issuer");
  if (g_str_equal (dossier_verification_get_summary (card), "valid") && issuer != NULL)
    {
      dossier_verification_check (result, "signature", TRUE, _("File %u: a health card signed by %s"), index + 1,
                                  dossier_json_get_string (issuer, "name") ?: dossier_json_get_string (issuer, "id"));
      dossier_verification_set_issuer (result, dossier_json_get_string (issuer, "id"),
                                       dossier_json_get_string (issuer, "name"), TRUE);
    }
  else
    dossier_verification_check (result, "content", TRUE, _("File %u: a health card whose issuer is not trusted"), index + 1);
}

static void
read_bundle (DossierVerification *result,
             guint                index,
             GBytes              *contents)
{
  g_autoptr(JsonNode) root = dossier_json_parse (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *subject = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      g_strcmp0 (dossier_json_get_string (json_node_get_object (root), "resourceType"), "Bundle") != 0)
    {
      dossier_verification_fail (result, "schema", "shl-not-bundle", _("File %u is not a FHIR bundle"), index + 1);
      return;
    }
  records = dossier_fhir_bundle_to_records (json_node_get_object (root), &subject);
  for (guint i = 0; records != NULL && i < records->len; i++)
    dossier_verification_add_record (result, g_ptr_array_index (records, i));
  if (subject != NULL)
    dossier_verification_set_subject (result, subject);
  dossier_verification_check (result, "content", TRUE, _("File %u: a FHIR bundle, not signed"), index + 1);
}

/* The verdict on what a link held: each health card verified as such (the
 * link is valid when all of them are), FHIR bundles read as unsigned. */
DossierVerification *
dossier_shl_verify_contents (const char           *name,
                             GPtrArray            *contents,
                             DossierTrustRegistry *trust,
                             GDateTime            *at)
{
  DossierVerification *result = dossier_verification_new (name);
  DossierVerifyOptions options = { trust != NULL ? DOSSIER_KEY_SOURCE (trust) : NULL, at, NULL, NULL };

  g_return_val_if_fail (contents != NULL, NULL);

  dossier_verification_set_format (result, "shlink");
  dossier_verification_note_time_checks (result, at == NULL);
  dossier_verification_check (result, "decode", TRUE, g_dngettext (GETTEXT_PACKAGE, "%u file decrypted", "%u files decrypted", contents->len),
                              contents->len);
  for (guint i = 0; i < contents->len && !dossier_verification_has_failed (result); i++)
    {
      DossierShlContent *content = g_ptr_array_index (contents, i);

      if (g_strcmp0 (content->content_type, DOSSIER_SHL_CONTENT_SHC) == 0)
        verify_card (result, i, content->contents, &options);
      else if (g_strcmp0 (content->content_type, DOSSIER_SHL_CONTENT_FHIR) == 0)
        read_bundle (result, i, content->contents);
      else
        dossier_verification_fail (result, "decode", "shl-content-type", _("File %u holds “%s”, which Dossier does not read"),
                                   i + 1, content->content_type != NULL ? content->content_type : _("unknown content"));
    }
  return result;
}
