// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-services-internal.h"

#include "dossier-json.h"
#include "dossier-secret.h"
#include "dossier-service-tokens.h"
#include "dossier-smart-client.h"

#include <glib/gi18n-lib.h>
#include <openssl/sha.h>
#include <string.h>

/* Syncing a connection: its sign-in renewed, what it holds fetched, read
 * into records off the main thread, and what is new kept in one vault
 * transaction, with digests of what was kept so that the next sync adds
 * nothing (see dossier-services.c for the keys). */

#define MAX_SEEN_SIZE (8 * 1024 * 1024)

/* Keys of items already kept */

static char *
digest_hex (const char *text,
            gsize       length)
{
  guint8 digest[SHA256_DIGEST_LENGTH];
  char *hex = g_malloc (SHA256_DIGEST_LENGTH * 2 + 1);

  SHA256 ((const guint8 *) text, length, digest);
  for (guint i = 0; i < SHA256_DIGEST_LENGTH; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  return hex;
}

static char *
seen_digest (const char *connection_id,
             const char *key)
{
  g_autofree char *text = g_strconcat (connection_id, "\n", key, NULL);

  return digest_hex (text, strlen (text));
}

char *
services_seen_setting (const char *connection_id)
{
  return g_strdup_printf ("service:%s:seen", connection_id);
}

static GHashTable *
seen_from_text (const char *text)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonNode) root = NULL;

  if (text != NULL && strlen (text) <= MAX_SEEN_SIZE)
    root = dossier_json_parse (text, strlen (text));
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_hash_table_add (seen, g_strdup (json_node_get_string (node)));
        }
    }
  return seen;
}

static char *
seen_to_text (GHashTable *seen)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    json_array_add_string_element (array, key);
  json_node_take_array (root, array);
  return json_to_string (root, FALSE);
}

static char *
fhir_key (JsonObject *resource)
{
  const char *type = dossier_json_get_string (resource, "resourceType");
  const char *id = dossier_json_get_string (resource, "id");
  JsonObject *meta = dossier_json_get_object (resource, "meta");
  const char *version = meta != NULL ? dossier_json_get_string (meta, "versionId") : NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *digest = NULL;

  if (id != NULL)
    return version != NULL ? g_strdup_printf ("fhir:%s/%s/_history/%s", type, id, version)
                           : g_strdup_printf ("fhir:%s/%s", type, id);
  node = json_node_init_object (json_node_alloc (), resource);
  text = json_to_string (node, FALSE);
  digest = digest_hex (text, strlen (text));
  return g_strdup_printf ("fhir:%s#%s", type, digest);
}

/* Syncing */


static void
sync_job_reset (SyncJob *job)
{
  g_clear_object (&job->current);
  g_clear_object (&job->client);
  g_clear_pointer (&job->tokens, dossier_oauth_tokens_free);
  g_clear_pointer (&job->issuer, dossier_oid4vci_issuer_free);
  g_clear_pointer (&job->holder_key, EVP_PKEY_free);
  g_clear_pointer (&job->seen, g_hash_table_unref);
  g_clear_pointer (&job->new_seen, g_ptr_array_unref);
  g_clear_pointer (&job->records, g_ptr_array_unref);
  g_clear_pointer (&job->pending, json_array_unref);
  g_clear_pointer (&job->configuration_ids, g_strfreev);
  job->n_new = 0;
  job->n_unchanged = 0;
}

void
services_sync_job_free (SyncJob *job)
{
  sync_job_reset (job);
  g_clear_pointer (&job->connections, g_ptr_array_unref);
  g_clear_object (&job->summary);
  g_free (job);
}

static void
progress (SyncJob    *job,
          const char *what,
          double      fraction)
{
  g_autofree char *text = NULL;

  if (job->progress == NULL)
    return;
  /* Translators: "Health book (moh): Immunizations, page 2" */
  text = g_strdup_printf (_("%s: %s"), dossier_service_connection_get_display_name (job->current), what);
  job->progress (text, fraction, job->progress_data);
}

static void sync_next (GTask *task);

static void
on_failure_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  GError *error = g_object_steal_data (G_OBJECT (task), "dossier-sync-error");

  g_task_propagate_boolean (G_TASK (result), NULL);
  if (job->single)
    {
      g_task_return_error (task, error);
      return;
    }
  dossier_sync_summary_add (job->summary, dossier_service_connection_get_display_name (job->current),
                            DOSSIER_SYNC_ITEM_FAILED, error->message);
  g_error_free (error);
  sync_next (g_steal_pointer (&task));
}

/* A connection's sync failed: nothing it fetched is kept; the failure is
 * remembered on the connection for the window to show. */
static void
sync_failed (GTask  *task,
             GError *error)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  GError *mapped = services_error (error, dossier_service_connection_get_display_name (job->current));
  GTask *save;

  dossier_service_connection_set_last_error (job->current, mapped->message);
  if (mapped->code == DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED)
    dossier_service_connection_set_signed_in (job->current, FALSE);
  g_object_set_data (G_OBJECT (task), "dossier-sync-error", mapped);
  save = g_task_new (self, NULL, on_failure_saved, task);
  services_save_connections (self, save);
}

static void
on_sync_audited (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!dossier_vault_append_audit_finish (DOSSIER_VAULT (source), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  sync_next (task);
}

static void
on_sync_saved (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GCancellable *cancellable;
  g_autoptr(GTask) task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *detail = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* counts only: never what was fetched */
  detail = g_strdup_printf ("new=%u unchanged=%u pending=%u", job->n_new, job->n_unchanged,
                            job->pending != NULL ? json_array_get_length (job->pending) : 0);
  cancellable = g_task_get_cancellable (task);
  dossier_vault_append_audit_async (services_vault (self), DOSSIER_AUDIT_SERVICE_SYNC,
                                    dossier_service_connection_get_id (job->current), detail,
                                    cancellable, on_sync_audited, g_steal_pointer (&task));
}

static void
on_seen_saved (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTask *save;
  GError *error = NULL;

  if (!dossier_vault_set_setting_finish (DOSSIER_VAULT (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  dossier_service_connection_set_last_sync (job->current, now);
  dossier_service_connection_set_last_error (job->current, NULL);
  dossier_service_connection_set_pending (job->current, job->pending);
  save = g_task_new (self, NULL, on_sync_saved, g_steal_pointer (&task));
  services_save_connections (self, save);
}

static void
save_seen (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *key = services_seen_setting (dossier_service_connection_get_id (job->current));
  g_autofree char *text = NULL;

  for (guint i = 0; i < job->new_seen->len; i++)
    g_hash_table_add (job->seen, g_strdup (g_ptr_array_index (job->new_seen, i)));
  text = seen_to_text (job->seen);
  dossier_vault_set_setting_async (services_vault (self), key, text, NULL, on_seen_saved, task);
}

static void
on_records_kept (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!dossier_vault_add_records_finish (DOSSIER_VAULT (source), result, &error))
    {
      sync_failed (task, error);
      return;
    }
  save_seen (task);
}

static char *entry_key (DossierRecord *record);

/* Whether @record is forged, revoked or expired: news even when a copy is
 * held (an issuer nobody trusts yet is not). */
static gboolean
failed_checks (DossierRecord *record)
{
  DossierVerdict *verdict = dossier_record_get_verdict (record);

  return verdict != NULL && (dossier_verdict_get_state (verdict, DOSSIER_VERDICT_PART_AUTHENTIC) == DOSSIER_CHECK_FAILED ||
                             dossier_verdict_get_state (verdict, DOSSIER_VERDICT_PART_CURRENT) == DOSSIER_CHECK_FAILED);
}

/* A record the vault holds already for the person (the same kind, title
 * and date, whatever brought it: a file, another service) is not kept
 * twice; whole documents (a card, a bundle) and copies that fail their
 * checks are always kept. */
static void
drop_held (SyncJob   *job,
           GPtrArray *held)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < held->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (held, i);

      if (dossier_record_get_kind (record) != DOSSIER_RECORD_KIND_HEALTH_DOCUMENT)
        g_hash_table_add (keys, entry_key (record));
    }
  for (guint i = job->records->len; i > 0; i--)
    {
      DossierRecord *record = g_ptr_array_index (job->records, i - 1);
      g_autofree char *key = NULL;

      /* a copy found forged, revoked or expired is news: it is kept */
      if (dossier_record_get_kind (record) == DOSSIER_RECORD_KIND_HEALTH_DOCUMENT || failed_checks (record))
        continue;
      key = entry_key (record);
      if (!g_hash_table_contains (keys, key))
        continue;
      if (dossier_sync_summary_mark_unchanged (job->summary, dossier_record_get_title (record)))
        {
          job->n_new--;
          job->n_unchanged++;
        }
      g_ptr_array_remove_index (job->records, i - 1);
    }
}

static void
on_held_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  g_autoptr(GPtrArray) held = NULL;
  GError *error = NULL;

  held = dossier_vault_query_records_finish (DOSSIER_VAULT (source), result, &error);
  if (held == NULL)
    {
      sync_failed (task, error);
      return;
    }
  drop_held (job, held);
  if (job->records->len == 0)
    {
      save_seen (task);
      return;
    }
  /* one transaction: a failure keeps none of them */
  dossier_vault_add_records_async (DOSSIER_VAULT (source), job->records, g_task_get_cancellable (task), on_records_kept,
                                   task);
}

static void
keep_records (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  gint64 person = job->person_id > 0 ? job->person_id : dossier_service_connection_get_person_id (job->current);
  g_autoptr(DossierVaultQuery) query = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (job->records->len == 0)
    {
      save_seen (task);
      return;
    }
  for (guint i = 0; i < job->records->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (job->records, i);

      dossier_record_set_source (record, dossier_service_connection_get_display_name (job->current));
      if (person > 0)
        dossier_record_set_person_id (record, person);
    }
  progress (job, _("Keeping the new records"), 0.95);
  /* what the person's records hold already, whatever brought them */
  query = dossier_vault_query_new ();
  query->person_id = person;
  dossier_vault_query_records_async (services_vault (self), query, g_task_get_cancellable (task), on_held_listed, task);
}

static gboolean
was_seen (SyncJob    *job,
          const char *key,
          gboolean    mark)
{
  g_autofree char *digest = seen_digest (dossier_service_connection_get_id (job->current), key);
  gboolean seen = g_hash_table_contains (job->seen, digest);

  for (guint i = 0; !seen && i < job->new_seen->len; i++)
    seen = g_str_equal (g_ptr_array_index (job->new_seen, i), digest);
  if (!seen && mark)
    g_ptr_array_add (job->new_seen, g_steal_pointer (&digest));
  return seen;
}

/* Whether the item with @key is already kept; if not, it will be. */
static gboolean
is_seen (SyncJob    *job,
         const char *key)
{
  return was_seen (job, key, TRUE);
}

static gboolean
take_intake (SyncJob    *job,
             GPtrArray  *records,
             gboolean    card_counts)
{
  for (guint i = 0; i < records->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (records, i);

      g_ptr_array_add (job->records, g_object_ref (record));
      if (records->len == 1 || i > 0 || card_counts)
        {
          dossier_sync_summary_add (job->summary, dossier_record_get_title (record), DOSSIER_SYNC_ITEM_NEW, NULL);
          job->n_new++;
        }
    }
  return TRUE;
}

static char *
records_key (GPtrArray *records)
{
  g_autoptr(GString) text = g_string_new ("shc:");
  g_autofree char *digest = NULL;

  for (guint i = records->len > 1 ? 1 : 0; i < records->len; i++)
    {
      g_autofree char *fields = dossier_record_dup_fields_text (g_ptr_array_index (records, i));

      g_string_append (text, dossier_record_get_title (g_ptr_array_index (records, i)));
      g_string_append_c (text, '\n');
      g_string_append (text, fields != NULL ? fields : "");
      g_string_append_c (text, '\n');
    }
  digest = digest_hex (text->str, text->len);
  return g_strconcat ("shc:", digest, NULL);
}

/* The kinds of FHIR resources the intake keeps as records of their own. */
static gboolean
is_record_type (const char *type)
{
  static const char *const types[] = {
    "Immunization", "Observation", "MedicationStatement", "MedicationRequest", "AllergyIntolerance",
    "Condition", "Procedure", "Encounter",
  };

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (type, types[i]))
      return TRUE;
  return FALSE;
}

static char *
entry_key (DossierRecord *record)
{
  return g_strdup_printf ("%d\n%s\n%s", dossier_record_get_kind (record), dossier_record_get_title (record) ?: "",
                          dossier_record_get_issued (record) ?: "");
}

/* A health card repeats entries of the health book it came with: the card
 * is kept whole (its original, to show to others), but of its entries only
 * those the book does not already hold become records of their own, so
 * that a vaccination is listed once.  @book holds this sync's book records. */
static void
drop_repeated_entries (GPtrArray *card,
                       GPtrArray *book)
{
  g_autoptr(GHashTable) held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (card->len < 2)
    return;
  for (guint i = 0; i < book->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (book, i);

      if (dossier_record_get_kind (record) != DOSSIER_RECORD_KIND_HEALTH_DOCUMENT)
        g_hash_table_add (held, entry_key (record));
    }
  for (guint i = card->len - 1; i > 0; i--)
    {
      g_autofree char *key = entry_key (g_ptr_array_index (card, i));

      if (g_hash_table_contains (held, key))
        g_ptr_array_remove_index (card, i);
    }
}

/* Turns what a health service sent into records; runs in a worker
 * thread, since checking health cards is cryptography and may fetch keys. */
static gboolean
build_health (DossierServices   *self,
              SyncJob           *job,
              DossierSmartPull  *pull,
              GError           **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  guint fresh = 0;
  g_autoptr(GPtrArray) book = g_ptr_array_new_with_free_func (g_object_unref);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "Bundle");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "collection");
  json_builder_set_member_name (builder, "entry");
  json_builder_begin_array (builder);
  for (guint i = 0; i < pull->resources->len; i++)
    {
      JsonObject *resource = g_ptr_array_index (pull->resources, i);
      const char *type = dossier_json_get_string (resource, "resourceType");
      g_autofree char *key = fhir_key (resource);
      gboolean is_record = is_record_type (type);

      /* the Patient (whose book it is), a summary's Composition and the
       * like go along with the new records, uncounted */
      if (is_record && is_seen (job, key))
        {
          dossier_sync_summary_add (job->summary, type, DOSSIER_SYNC_ITEM_UNCHANGED, NULL);
          job->n_unchanged++;
          continue;
        }
      if (is_record)
        fresh++;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "resource");
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), resource));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (fresh > 0)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GPtrArray) records = NULL;

      root = json_builder_get_root (builder);
      text = json_to_string (root, FALSE);
      bytes = g_bytes_new (text, strlen (text));
      /* Translators: a record's title: the service's name and the date of the sync */
      name = g_strdup_printf (_("%s, %s"), dossier_service_connection_get_display_name (job->current), date);
      records = dossier_wallet_intake (self->wallet, bytes, name, error);
      if (records == NULL)
        return FALSE;
      take_intake (job, records, FALSE);
      for (guint i = 0; i < records->len; i++)
        g_ptr_array_add (book, g_object_ref (g_ptr_array_index (records, i)));
    }
  for (guint i = 0; i < pull->health_cards->len; i++)
    {
      const char *card = g_ptr_array_index (pull->health_cards, i);
      g_autoptr(GBytes) bytes = g_bytes_new (card, strlen (card));
      g_autoptr(GPtrArray) records = dossier_wallet_intake (self->wallet, bytes, _("SMART Health Card"), error);
      g_autofree char *key = NULL;

      if (records == NULL)
        return FALSE;
      key = records_key (records);
      if (is_seen (job, key))
        {
          dossier_sync_summary_add (job->summary, _("SMART Health Card"), DOSSIER_SYNC_ITEM_UNCHANGED, NULL);
          job->n_unchanged++;
          continue;
        }
      drop_repeated_entries (records, book);
      take_intake (job, records, TRUE);
    }
  return TRUE;
}

static gboolean build_credentials (DossierServices *self,
                                   SyncJob         *job,
                                   GPtrArray       *deliveries,
                                   GError         **error);

static void
build_in_thread (GTask        *thread_task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GTask *task = task_data;
  SyncJob *job = g_task_get_task_data (task);
  gpointer fetched = g_object_get_data (G_OBJECT (thread_task), "dossier-fetched");
  GError *error = NULL;
  gboolean built;

  if (dossier_service_connection_get_kind (job->current) == DOSSIER_SERVICE_KIND_HEALTH)
    built = build_health (source_object, job, fetched, &error);
  else
    built = build_credentials (source_object, job, fetched, &error);
  if (!built)
    g_task_return_error (thread_task, error);
  else
    g_task_return_boolean (thread_task, TRUE);
}

static void
on_built (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    sync_failed (task, error);
  else
    keep_records (task);
}

/* Runs the intake of what was fetched off the main thread; the sync's
 * job is left alone by everything else until it is done. */
static void
build_records (GTask          *task,
               gpointer        fetched,
               GDestroyNotify  free_fetched)
{
  DossierServices *self = g_task_get_source_object (task);
  g_autoptr(GTask) thread_task = g_task_new (self, g_task_get_cancellable (task), on_built, task);

  g_task_set_task_data (thread_task, task, NULL);
  g_object_set_data_full (G_OBJECT (thread_task), "dossier-fetched", fetched, free_fetched);
  g_task_run_in_thread (thread_task, build_in_thread);
}

static void
on_health_pulled (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  DossierSmartPull *pull;
  GError *error = NULL;

  pull = dossier_smart_pull_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (pull == NULL)
    {
      sync_failed (task, error);
      return;
    }
  build_records (task, pull, (GDestroyNotify) dossier_smart_pull_free);
}

static void
on_health_progress (const char *what,
                    double      fraction,
                    gpointer    user_data)
{
  progress (user_data, what, fraction);
}

static gboolean
credential_seen (const char *key,
                 gpointer    user_data)
{
  SyncJob *job = user_data;

  if (!was_seen (job, key, FALSE))
    return FALSE;
  dossier_sync_summary_add (job->summary, key, DOSSIER_SYNC_ITEM_UNCHANGED, NULL);
  job->n_unchanged++;
  return TRUE;
}

static gboolean
build_credentials (DossierServices  *self,
                   SyncJob          *job,
                   GPtrArray        *deliveries,
                   GError          **error)
{
  for (guint i = 0; i < deliveries->len; i++)
    {
      DossierOid4vciDelivery *delivery = g_ptr_array_index (deliveries, i);
      g_autoptr(GBytes) bytes = g_bytes_new (delivery->credential, strlen (delivery->credential));
      g_autoptr(GPtrArray) records = NULL;

      if (is_seen (job, delivery->key))
        {
          dossier_sync_summary_add (job->summary, delivery->title, DOSSIER_SYNC_ITEM_UNCHANGED, NULL);
          job->n_unchanged++;
          continue;
        }
      records = dossier_wallet_intake (self->wallet, bytes,
                                       delivery->title != NULL ? delivery->title : _("Verifiable credential"), error);
      if (records == NULL)
        return FALSE;
      take_intake (job, records, TRUE);
    }
  for (guint i = 0; job->pending != NULL && i < json_array_get_length (job->pending); i++)
    dossier_sync_summary_add (job->summary, _("A credential the issuer will deliver later"),
                              DOSSIER_SYNC_ITEM_PENDING, NULL);
  return TRUE;
}

static void
on_credentials (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  GPtrArray *deliveries;
  GError *error = NULL;

  g_clear_pointer (&job->pending, json_array_unref);
  deliveries = dossier_oid4vci_fetch_finish (DOSSIER_NET_SESSION (source), result, &job->pending, &error);
  if (deliveries == NULL)
    {
      sync_failed (task, error);
      return;
    }
  build_records (task, deliveries, (GDestroyNotify) g_ptr_array_unref);
}

static void
fetch_credentials (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);

  progress (job, _("Diplomas and certificates"), 0.3);
  dossier_oid4vci_fetch_async (services_net (self), job->issuer, job->tokens, (const char * const *) job->configuration_ids,
                               dossier_service_connection_get_pending (job->current), job->holder_key,
                               credential_seen, job, g_task_get_cancellable (task), on_credentials, task);
}

static char *
holder_key_name (gint64 person_id)
{
  /* the owner's key, whichever id the owner has */
  return g_strdup_printf ("holder-key:%" G_GINT64_FORMAT, person_id);
}

static void
on_holder_key_saved (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!dossier_vault_set_secret_finish (DOSSIER_VAULT (source), result, &error))
    {
      sync_failed (task, error);
      return;
    }
  fetch_credentials (task);
}

/* Each person has a key of their own for credentials bound to a holder;
 * it is made the first time it is needed and kept among the secrets. */
static void
on_holder_key (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *name = holder_key_name (job->person_id > 0 ? job->person_id
                                                             : dossier_service_connection_get_person_id (job->current));
  guint8 *der;
  gsize length = 0;
  GError *error = NULL;

  der = dossier_vault_get_secret_finish (DOSSIER_VAULT (source), result, &length, &error);
  if (error != NULL)
    {
      sync_failed (task, error);
      return;
    }
  if (der != NULL)
    {
      job->holder_key = dossier_holder_key_load (der, length);
      dossier_secure_free (der, length);
      if (job->holder_key != NULL)
        {
          fetch_credentials (task);
          return;
        }
    }
  job->holder_key = dossier_holder_key_generate ();
  der = job->holder_key != NULL ? dossier_holder_key_save (job->holder_key, &length) : NULL;
  if (der == NULL)
    {
      sync_failed (task, g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SERVER_ERROR,
                                      _("Could not make a key to receive credentials with")));
      return;
    }
  dossier_vault_set_secret_async (DOSSIER_VAULT (source), name, der, length, NULL, on_holder_key_saved, task);
  dossier_secure_free (der, length);
}

static void
fetch_learning (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *name = holder_key_name (job->person_id > 0 ? job->person_id
                                                             : dossier_service_connection_get_person_id (job->current));

  dossier_vault_get_secret_async (services_vault (self), name, g_task_get_cancellable (task), on_holder_key, task);
}

static void
fetch (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);

  if (dossier_service_connection_get_kind (job->current) == DOSSIER_SERVICE_KIND_LEARNING)
    {
      fetch_learning (task);
      return;
    }
  if (job->tokens->patient == NULL)
    {
      sync_failed (task, g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED,
                                      _("Sign in to %s again to choose whose health book to read"),
                                      dossier_service_connection_get_display_name (job->current)));
      return;
    }
  dossier_smart_pull_async (services_net (self), dossier_service_connection_get_api_url (job->current),
                            job->tokens->patient, job->tokens->access_token, on_health_progress, job,
                            g_task_get_cancellable (task), on_health_pulled, task);
}

static void
on_refreshed_kept (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!dossier_service_tokens_save_finish (DOSSIER_VAULT (source), result, &error))
    {
      sync_failed (task, error);
      return;
    }
  fetch (task);
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  DossierOAuthTokens *tokens;
  GError *error = NULL;

  tokens = dossier_oauth_client_get_tokens_finish (DOSSIER_OAUTH_CLIENT (source), result, &error);
  if (tokens == NULL)
    {
      if (error->domain == DOSSIER_OAUTH_ERROR && error->code == DOSSIER_OAUTH_ERROR_REFUSED)
        {
          g_autoptr(GError) refused = error;

          error = g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED,
                               _("The sign-in to %s has expired: sign in again (%s)"),
                               dossier_service_connection_get_display_name (job->current), refused->message);
        }
      sync_failed (task, error);
      return;
    }
  g_clear_pointer (&job->tokens, dossier_oauth_tokens_free);
  job->tokens = tokens;
  dossier_service_tokens_save_async (services_vault (self), dossier_service_connection_get_base_url (job->current),
                                     tokens, NULL, on_refreshed_kept, task);
}

static void
refresh (GTask *task)
{
  SyncJob *job = g_task_get_task_data (task);

  dossier_oauth_client_refresh_async (job->client, job->tokens, g_task_get_cancellable (task), on_refreshed, task);
}

static void
on_refresh_issuer (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_pointer (&job->issuer, dossier_oid4vci_issuer_free);
  job->issuer = dossier_oid4vci_discover_finish (DOSSIER_NET_SESSION (source), result, &error);
  if (job->issuer == NULL)
    {
      sync_failed (task, error);
      return;
    }
  if (job->issuer->token_endpoint != NULL)
    dossier_oauth_client_set_endpoints (job->client, job->issuer->authorization_endpoint,
                                        job->issuer->token_endpoint, job->issuer->revocation_endpoint);
  if (dossier_oauth_tokens_is_expired (job->tokens, g_get_real_time () / G_USEC_PER_SEC))
    refresh (task);
  else
    fetch (task);
}

static void
on_sync_tokens (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_pointer (&job->tokens, dossier_oauth_tokens_free);
  job->tokens = dossier_service_tokens_load_finish (DOSSIER_VAULT (source), result, &error);
  if (job->tokens == NULL)
    {
      sync_failed (task, error != NULL ? error
                                       : g_error_new (DOSSIER_SERVICES_ERROR, DOSSIER_SERVICES_ERROR_SIGN_IN_NEEDED,
                                                      _("Sign in to %s first"),
                                                      dossier_service_connection_get_display_name (job->current)));
      return;
    }
  g_clear_object (&job->client);
  job->client = services_client_for (self, job->current);
  if (dossier_service_connection_get_kind (job->current) == DOSSIER_SERVICE_KIND_LEARNING)
    {
      progress (job, _("What the service offers"), 0);
      dossier_oid4vci_discover_async (services_net (self), dossier_service_connection_get_api_url (job->current),
                                      g_task_get_cancellable (task), on_refresh_issuer, task);
      return;
    }
  if (dossier_oauth_tokens_is_expired (job->tokens, g_get_real_time () / G_USEC_PER_SEC))
    {
      progress (job, _("Renewing the sign-in"), 0);
      refresh (task);
      return;
    }
  fetch (task);
}

void
services_on_seen_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *text = NULL;
  GError *error = NULL;

  text = dossier_vault_get_setting_finish (DOSSIER_VAULT (source), result, &error);
  if (error != NULL)
    {
      sync_failed (task, error);
      return;
    }
  g_clear_pointer (&job->seen, g_hash_table_unref);
  job->seen = seen_from_text (text);
  dossier_service_tokens_load_async (DOSSIER_VAULT (source), dossier_service_connection_get_base_url (job->current),
                                     g_task_get_cancellable (task), on_sync_tokens, task);
}

static void
sync_next (GTask *task)
{
  DossierServices *self = g_task_get_source_object (task);
  SyncJob *job = g_task_get_task_data (task);
  g_autofree char *key = NULL;

  sync_job_reset (job);
  if (job->index >= job->connections->len)
    {
      g_task_return_pointer (task, g_object_ref (job->summary), g_object_unref);
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  job->current = g_object_ref (g_ptr_array_index (job->connections, job->index++));
  job->new_seen = g_ptr_array_new_with_free_func (g_free);
  job->records = g_ptr_array_new_with_free_func (g_object_unref);
  key = services_seen_setting (dossier_service_connection_get_id (job->current));
  dossier_vault_get_setting_async (services_vault (self), key, g_task_get_cancellable (task), services_on_seen_loaded, task);
}

void
dossier_services_sync_async (DossierServices          *self,
                             DossierServiceConnection *connection,
                             DossierSyncProgressFunc   progress_func,
                             gpointer                  progress_data,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  GTask *task;
  SyncJob *job;

  g_return_if_fail (DOSSIER_IS_SERVICES (self));
  g_return_if_fail (connection == NULL || DOSSIER_IS_SERVICE_CONNECTION (connection));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_services_sync_async);
  job = g_new0 (SyncJob, 1);
  job->single = connection != NULL;
  job->connections = g_ptr_array_new_with_free_func (g_object_unref);
  if (connection != NULL)
    g_ptr_array_add (job->connections, g_object_ref (connection));
  else
    for (guint i = 0; i < self->connections->len; i++)
      g_ptr_array_add (job->connections, g_object_ref (g_ptr_array_index (self->connections, i)));
  job->progress = progress_func;
  job->progress_data = progress_data;
  job->summary = dossier_sync_summary_new ();
  g_task_set_task_data (task, job, (GDestroyNotify) services_sync_job_free);
  sync_next (task);
}

/**
 * dossier_services_sync_finish:
 *
 * Returns: (transfer full): what the sync brought; syncing every
 *   connection lists a failed connection as a failed item
 */
DossierSyncSummary *
dossier_services_sync_finish (DossierServices  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return services_finish_pointer (result, error);
}
