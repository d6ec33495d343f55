// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-wallet.h"

#include "dossier-services-private.h"
#include "dossier-qr-image.h"
#include "dossier-verifier.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define MAX_INDEXED_TEXT (8 * 1024)

/* The context object of the application: it owns the vault (and, as they
 * arrive, the HTTP session, the trust registry and the settings).  Windows
 * and commands receive it; nothing else is global. */
struct _DossierWallet
{
  GObject               parent_instance;
  DossierVault         *vault;
  DossierTrustRegistry *trust;
  DossierNetSession    *net;
  DossierServices      *services;
};

G_DEFINE_FINAL_TYPE (DossierWallet, dossier_wallet, G_TYPE_OBJECT)
G_DEFINE_QUARK (dossier-wallet-error-quark, dossier_wallet_error)

static void
dossier_wallet_finalize (GObject *object)
{
  DossierWallet *self = DOSSIER_WALLET (object);

  g_clear_object (&self->vault);
  g_clear_object (&self->trust);
  g_clear_object (&self->services);
  g_clear_object (&self->net);
  G_OBJECT_CLASS (dossier_wallet_parent_class)->finalize (object);
}

static void
dossier_wallet_class_init (DossierWalletClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_wallet_finalize;
}

static void
dossier_wallet_init (DossierWallet *self)
{
  self->trust = dossier_trust_registry_new ();
  self->net = dossier_net_session_new ();
  self->services = dossier_services_new (self);
}

DossierWallet *
dossier_wallet_new (const char *vault_directory)
{
  DossierWallet *self;

  g_return_val_if_fail (vault_directory != NULL, NULL);

  self = g_object_new (DOSSIER_TYPE_WALLET, NULL);
  self->vault = dossier_vault_new (vault_directory);
  return self;
}

DossierNetSession *
dossier_wallet_get_net (DossierWallet *self)
{
  g_return_val_if_fail (DOSSIER_IS_WALLET (self), NULL);
  return self->net;
}

/* Returns: (transfer none): the connections to national services */
DossierServices *
dossier_wallet_get_services (DossierWallet *self)
{
  g_return_val_if_fail (DOSSIER_IS_WALLET (self), NULL);
  return self->services;
}

DossierTrustRegistry *
dossier_wallet_get_trust (DossierWallet *self)
{
  g_return_val_if_fail (DOSSIER_IS_WALLET (self), NULL);
  return self->trust;
}

DossierVault *
dossier_wallet_get_vault (DossierWallet *self)
{
  g_return_val_if_fail (DOSSIER_IS_WALLET (self), NULL);
  return self->vault;
}

char *
dossier_wallet_get_default_vault_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "dossier", NULL);
}

char *
dossier_wallet_get_demo_vault_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "dossier-demo", NULL);
}

static char *
guess_media_type (const char *name,
                  GBytes     *bytes)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);
  g_autofree char *content_type = g_content_type_guess (name, data, MIN (size, 4096), NULL);

  return g_content_type_get_mime_type (content_type);
}

/* "Bằng kỹ sư (2001).json" is shown as "Bằng kỹ sư (2001)". */
static char *
title_from_name (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot == NULL || dot == name || strlen (dot) > 6)
    return g_strdup (name);
  return g_strndup (name, (gsize) (dot - name));
}

/* Text documents are searchable by their words: the first part of the
 * text is kept among the record's fields (inside the encrypted vault). */
static JsonObject *
text_fields (const char *media_type,
             GBytes     *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = NULL;
  JsonObject *fields;

  if (media_type == NULL ||
      !(g_str_has_prefix (media_type, "text/") || g_str_equal (media_type, "application/json") ||
        g_str_has_suffix (media_type, "+json") || g_str_has_suffix (media_type, "xml")))
    return NULL;
  text = g_utf8_make_valid (data, (gssize) MIN (size, MAX_INDEXED_TEXT));
  fields = json_object_new ();
  json_object_set_string_member (fields, "text", text);
  return fields;
}

/* A FHIR bundle has no title of its own: its file name is the best one. */
static char *
card_title (const char *format,
            const char *name)
{
  if (g_strcmp0 (format, "shc") == 0)
    return g_strdup (_("SMART Health Card"));
  if (g_strcmp0 (format, "hcert") == 0)
    return g_strdup (_("EU Digital COVID Certificate"));
  if (g_strcmp0 (format, "fhir") == 0)
    return title_from_name (name);
  return g_strdup (_("Verifiable credential"));
}

/* A recognised format keeps its original bytes and verdict on one record:
 * the credential itself when it holds one entry, otherwise a card record
 * followed by one record per entry (an immunization each, say). */
static GPtrArray *
verified_records (DossierWallet *self,
                  GBytes        *bytes,
                  const char    *name)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(DossierVerification) result = dossier_verify_bytes (bytes, name, self->trust, now);
  g_autoptr(DossierVerdict) verdict = dossier_verification_to_verdict (result);
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *entries = dossier_verification_get_records (result);
  g_autofree char *source = g_strdup_printf (_("File “%s”"), name);
  DossierRecord *card;

  if (entries->len == 1)
    card = g_object_ref (g_ptr_array_index (entries, 0));
  else
    {
      g_autofree char *title = card_title (dossier_verification_get_format (result), name);

      card = dossier_record_new (DOSSIER_RECORD_KIND_HEALTH_DOCUMENT, title);
      if (entries->len > 0)
        {
          dossier_record_set_issuer_id (card, dossier_record_get_issuer_id (g_ptr_array_index (entries, 0)));
          dossier_record_set_issuer_name (card, dossier_record_get_issuer_id (g_ptr_array_index (entries, 0)));
          dossier_record_set_issued (card, dossier_record_get_issued (g_ptr_array_index (entries, entries->len - 1)));
        }
    }
  dossier_record_set_format (card, dossier_verification_get_format (result));
  dossier_record_set_source (card, source);
  dossier_record_set_original (card, bytes);
  dossier_record_set_verdict (card, verdict);
  dossier_record_set_checked_at (card, now);
  g_ptr_array_add (records, card);
  for (guint i = 0; entries->len > 1 && i < entries->len; i++)
    {
      DossierRecord *entry = g_ptr_array_index (entries, i);

      dossier_record_set_parent_uuid (entry, dossier_record_get_uuid (card));
      dossier_record_set_source (entry, source);
      dossier_record_set_verdict (entry, verdict);
      dossier_record_set_checked_at (entry, now);
      g_ptr_array_add (records, g_object_ref (entry));
    }
  return records;
}

/* Turns received bytes into the records to store.  Every input becomes at
 * least one record: what no format module claims is kept as a document
 * with its original bytes. */
GPtrArray *
dossier_wallet_intake (DossierWallet  *self,
                       GBytes         *bytes,
                       const char     *name,
                       GError        **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DossierVerdict) verdict = NULL;
  g_autofree char *media_type = NULL;
  g_autofree char *source = NULL;
  g_autofree char *display = NULL;
  g_autofree char *title = NULL;
  g_autoptr(JsonObject) fields = NULL;
  DossierRecord *record;

  g_return_val_if_fail (DOSSIER_IS_WALLET (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  display = g_utf8_make_valid (name != NULL && *name != '\0' ? name : _("Untitled"), -1);
  if (g_bytes_get_size (bytes) == 0)
    {
      g_set_error (error, DOSSIER_WALLET_ERROR, DOSSIER_WALLET_ERROR_EMPTY,
                   _("“%s” is empty; there is nothing to keep"), display);
      return NULL;
    }
  if (g_bytes_get_size (bytes) > DOSSIER_WALLET_MAX_IMPORT_SIZE)
    {
      g_set_error (error, DOSSIER_WALLET_ERROR, DOSSIER_WALLET_ERROR_TOO_LARGE,
                   _("“%s” is larger than %d MiB, the most Dossier keeps in one record"),
                   display, DOSSIER_WALLET_MAX_IMPORT_SIZE / (1024 * 1024));
      return NULL;
    }

  if (dossier_verify_can_check (bytes))
    return verified_records (self, bytes, display);

  media_type = guess_media_type (display, bytes);
  source = g_strdup_printf (_("File “%s”"), display);
  verdict = dossier_verdict_new_not_verifiable (NULL);

  title = title_from_name (display);
  record = dossier_record_new (DOSSIER_RECORD_KIND_DOCUMENT, title);
  fields = text_fields (media_type, bytes);
  if (fields != NULL)
    dossier_record_set_fields (record, fields);
  dossier_record_set_format (record, "document");
  dossier_record_set_media_type (record, media_type);
  dossier_record_set_source (record, source);
  dossier_record_set_original (record, bytes);
  dossier_record_set_verdict (record, verdict);
  g_ptr_array_add (records, record);
  return g_steal_pointer (&records);
}

typedef struct
{
  gint64     person_id;
  GPtrArray *records;
  char      *offer;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_pointer (&data->records, g_ptr_array_unref);
  g_free (data->offer);
  g_free (data);
}

static void
on_records_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImportData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!dossier_vault_add_records_finish (DOSSIER_VAULT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_ptr_array_ref (data->records), (GDestroyNotify) g_ptr_array_unref);
}

static void
read_file_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  DossierWallet *self = source_object;
  GFile *file = G_FILE (g_object_get_data (G_OBJECT (task), "file"));
  ImportData *data = task_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *contents = NULL;
  gsize length = 0;
  GError *error = NULL;

  /* The size is checked before reading, so a huge file is never loaded. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_task_return_new_error (task, DOSSIER_WALLET_ERROR, DOSSIER_WALLET_ERROR_UNREADABLE,
                               _("“%s” is not a regular file"), name);
      return;
    }
  if (info != NULL && g_file_info_get_size (info) > DOSSIER_WALLET_MAX_IMPORT_SIZE)
    {
      g_task_return_new_error (task, DOSSIER_WALLET_ERROR, DOSSIER_WALLET_ERROR_TOO_LARGE,
                               _("“%s” is larger than %d MiB, the most Dossier keeps in one record"),
                               name, DOSSIER_WALLET_MAX_IMPORT_SIZE / (1024 * 1024));
      return;
    }
  if (info == NULL || !g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_new_error (task, DOSSIER_WALLET_ERROR, DOSSIER_WALLET_ERROR_UNREADABLE,
                               _("Cannot read “%s”: %s"), name, error->message);
      g_clear_error (&error);
      return;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  data->offer = dossier_wallet_find_credential_offer (bytes);
  if (data->offer != NULL)
    {
      g_task_return_new_error (task, DOSSIER_WALLET_ERROR, DOSSIER_WALLET_ERROR_CREDENTIAL_OFFER,
                               _("“%s” is an offer of a credential, to be received from its issuer"), name);
      return;
    }
  data->records = dossier_wallet_intake (self, bytes, name, &error);
  if (data->records == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < data->records->len; i++)
    dossier_record_set_person_id (g_ptr_array_index (data->records, i), data->person_id);
  g_task_return_boolean (task, TRUE);
}

static void
on_file_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierWallet *self = DOSSIER_WALLET (source);
  ImportData *data = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  dossier_vault_add_records_async (self->vault, data->records, cancellable,
                                   on_records_added, g_steal_pointer (&task));
}

/* Reads @file off the main thread, turns it into records and stores them in
 * one transaction: a file that fails changes nothing in the vault. */
void
dossier_wallet_import_file_async (DossierWallet       *self,
                                  GFile               *file,
                                  gint64               person_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) read_task = NULL;
  ImportData *data;

  g_return_if_fail (DOSSIER_IS_WALLET (self));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (ImportData, 1);
  data->person_id = person_id;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_wallet_import_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);

  read_task = g_task_new (self, cancellable, on_file_read, g_steal_pointer (&task));
  g_task_set_task_data (read_task, data, NULL);
  g_object_set_data_full (G_OBJECT (read_task), "file", g_object_ref (file), g_object_unref);
  g_task_run_in_thread (read_task, read_file_in_thread);
}

/* The longest offer link taken from a file; the specification's offers by
 * reference are far shorter, and offers by value fit in a QR code. */
#define MAX_OFFER_LINK 8192

static gboolean
is_offer_link (const char *text,
               gsize       length)
{
  static const char scheme[] = "openid-credential-offer://";

  if (length < sizeof scheme - 1 || length > MAX_OFFER_LINK ||
      g_ascii_strncasecmp (text, scheme, sizeof scheme - 1) != 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if ((guchar) text[i] <= ' ' || (guchar) text[i] >= 0x7f)
      return FALSE;
  return TRUE;
}

/**
 * dossier_wallet_find_credential_offer:
 * @bytes: a file's contents
 *
 * Returns: (nullable): the openid-credential-offer:// link @bytes holds, as
 *   its only text or as the content of a QR code image, or %NULL when it
 *   holds none
 */
char *
dossier_wallet_find_credential_offer (GBytes *bytes)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  if (dossier_qr_image_detect (data, length))
    {
      g_autoptr(GPtrArray) texts = dossier_qr_image_decode (bytes, NULL);

      if (texts != NULL && texts->len == 1)
        {
          const char *text = g_ptr_array_index (texts, 0);

          if (is_offer_link (text, strlen (text)))
            return g_strdup (text);
        }
      return NULL;
    }
  while (length > 0 && g_ascii_isspace (data[length - 1]))
    length--;
  while (length > 0 && g_ascii_isspace (data[0]))
    data++, length--;
  return is_offer_link (data, length) ? g_strndup (data, length) : NULL;
}

/**
 * dossier_wallet_import_file_dup_offer:
 * @result: the result dossier_wallet_import_file_finish() failed with
 *   %DOSSIER_WALLET_ERROR_CREDENTIAL_OFFER
 *
 * Returns: (nullable): the credential offer link the file held
 */
char *
dossier_wallet_import_file_dup_offer (DossierWallet *self,
                                      GAsyncResult  *result)
{
  ImportData *data;

  g_return_val_if_fail (DOSSIER_IS_WALLET (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  return data != NULL ? g_strdup (data->offer) : NULL;
}

GPtrArray *
dossier_wallet_import_file_finish (DossierWallet  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (DOSSIER_IS_WALLET (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
