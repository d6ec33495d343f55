// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-verification.h"

#include "dossier-format-error.h"
#include "dossier-json.h"
#include "dossier-utils.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_INTERFACE (DossierKeySource, dossier_key_source, G_TYPE_OBJECT)

static void
dossier_key_source_default_init (DossierKeySourceInterface *iface)
{
}

GPtrArray *
dossier_key_source_find_keys (DossierKeySource *self,
                              const char       *issuer,
                              const char       *kid)
{
  g_return_val_if_fail (DOSSIER_IS_KEY_SOURCE (self), NULL);
  return DOSSIER_KEY_SOURCE_GET_IFACE (self)->find_keys (self, issuer, kid);
}

GPtrArray *
dossier_key_source_find_certificates (DossierKeySource *self,
                                      GBytes           *kid)
{
  DossierKeySourceInterface *iface;

  g_return_val_if_fail (DOSSIER_IS_KEY_SOURCE (self), NULL);
  iface = DOSSIER_KEY_SOURCE_GET_IFACE (self);
  return iface->find_certificates != NULL ? iface->find_certificates (self, kid) : NULL;
}

GBytes *
dossier_key_source_get_issuer_document (DossierKeySource *self,
                                        const char       *issuer,
                                        DossierJwk       *key,
                                        const char       *path)
{
  DossierKeySourceInterface *iface;

  g_return_val_if_fail (DOSSIER_IS_KEY_SOURCE (self), NULL);
  iface = DOSSIER_KEY_SOURCE_GET_IFACE (self);
  return iface->get_issuer_document != NULL ? iface->get_issuer_document (self, issuer, key, path) : NULL;
}

GBytes *
dossier_key_source_get_document (DossierKeySource       *self,
                                 const char             *uri,
                                 gsize                   max_size,
                                 DossierDocumentOrigin  *origin,
                                 GError                **error)
{
  DossierKeySourceInterface *iface;
  DossierDocumentOrigin ignored;

  g_return_val_if_fail (DOSSIER_IS_KEY_SOURCE (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  iface = DOSSIER_KEY_SOURCE_GET_IFACE (self);
  if (iface->get_document == NULL)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNAVAILABLE,
                   _("%s is not available"), uri);
      return NULL;
    }
  return iface->get_document (self, uri, max_size, origin != NULL ? origin : &ignored, error);
}

/* The outcome of verifying one input: the ordered checks (named after the
 * stages of the test manifests), who issued it, and what it holds. */

typedef struct
{
  char     *name;
  gboolean  ok;
  char     *detail;
} Check;

struct _DossierVerification
{
  GObject    parent_instance;
  char      *input;
  char      *format;
  GArray    *checks;
  char      *issuer_id;
  char      *issuer_name;
  gboolean   issuer_trusted;
  char      *subject;
  char      *error_code;
  char      *error_message;
  gboolean   time_skipped;
  char      *status_unchecked;   /* why the revocation status could not be checked */
  char      *unsigned_reason;    /* the format carries no signature at all */
  GPtrArray *records;
  GQueue     deferred;           /* Deferred content, read in order on first need */
  gboolean   reading_deferred;
};

typedef struct
{
  DossierVerificationContentFunc func;
  gpointer                       data;
  GDestroyNotify                 destroy;
} Deferred;

static void
deferred_free (gpointer data)
{
  Deferred *deferred = data;

  if (deferred->destroy != NULL)
    deferred->destroy (deferred->data);
  g_free (deferred);
}

/* Runs the deferred content readers, in the order they were deferred. */
static void
read_deferred (DossierVerification *self)
{
  Deferred *deferred;

  /* a reader adds records itself */
  if (self->reading_deferred)
    return;
  self->reading_deferred = TRUE;
  while ((deferred = g_queue_pop_head (&self->deferred)) != NULL)
    {
      deferred->func (self, deferred->data);
      deferred_free (deferred);
    }
  self->reading_deferred = FALSE;
}

G_DEFINE_FINAL_TYPE (DossierVerification, dossier_verification, G_TYPE_OBJECT)

static void
clear_check (gpointer data)
{
  Check *check = data;

  g_free (check->name);
  g_free (check->detail);
}

static void
dossier_verification_finalize (GObject *object)
{
  DossierVerification *self = DOSSIER_VERIFICATION (object);

  g_free (self->input);
  g_free (self->format);
  g_array_unref (self->checks);
  g_free (self->issuer_id);
  g_free (self->issuer_name);
  g_free (self->subject);
  g_free (self->error_code);
  g_free (self->error_message);
  g_free (self->status_unchecked);
  g_free (self->unsigned_reason);
  g_ptr_array_unref (self->records);
  g_queue_clear_full (&self->deferred, deferred_free);
  G_OBJECT_CLASS (dossier_verification_parent_class)->finalize (object);
}

static void
dossier_verification_class_init (DossierVerificationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_verification_finalize;
}

static void
dossier_verification_init (DossierVerification *self)
{
  self->checks = g_array_sized_new (FALSE, TRUE, sizeof (Check), 12);   /* a verification makes about ten */
  g_array_set_clear_func (self->checks, clear_check);
  self->records = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&self->deferred);
}

DossierVerification *
dossier_verification_new (const char *input)
{
  DossierVerification *self = g_object_new (DOSSIER_TYPE_VERIFICATION, NULL);

  self->input = g_strdup (input);
  self->format = g_strdup ("unknown");
  return self;
}

void
dossier_verification_set_format (DossierVerification *self,
                                 const char          *format)
{
  g_return_if_fail (DOSSIER_IS_VERIFICATION (self));
  dossier_set_string (&self->format, format);
}

const char *
dossier_verification_get_format (DossierVerification *self)
{
  g_return_val_if_fail (DOSSIER_IS_VERIFICATION (self), NULL);
  return self->format;
}

/* The detail of a check: most are a fixed text or one string, which need
 * no trip through printf. */
static char *
format_detail (const char *detail_format,
               va_list     args)
{
  if (strchr (detail_format, '%') == NULL)
    return g_strdup (detail_format);
  if (strcmp (detail_format, "%s") == 0)
    {
      const char *text = va_arg (args, const char *);

      /* as glibc's printf shows a null string */
      return g_strdup (text != NULL ? text : "(null)");
    }
  return g_strdup_vprintf (detail_format, args);
}

static void
add_check (DossierVerification *self,
           const char          *name,
           gboolean             ok,
           char                *detail)
{
  Check check = { g_strdup (name), ok, detail };

  g_array_append_val (self->checks, check);
}

/* Records a check; returns @ok so that callers can stop at a failure. */
gboolean
dossier_verification_check (DossierVerification *self,
                            const char          *name,
                            gboolean             ok,
                            const char          *detail_format,
                            ...)
{
  va_list args;

  g_return_val_if_fail (DOSSIER_IS_VERIFICATION (self), FALSE);

  va_start (args, detail_format);
  add_check (self, name, ok, format_detail (detail_format, args));
  va_end (args);
  if (!ok && self->error_code == NULL)
    {
      self->error_code = g_strdup (name);
      self->error_message = g_strdup (g_array_index (self->checks, Check, self->checks->len - 1).detail);
    }
  return ok;
}

/* A failed check with a precise error code; always returns FALSE. */
gboolean
dossier_verification_fail (DossierVerification *self,
                           const char          *name,
                           const char          *code,
                           const char          *detail_format,
                           ...)
{
  va_list args;
  char *detail;

  g_return_val_if_fail (DOSSIER_IS_VERIFICATION (self), FALSE);

  va_start (args, detail_format);
  detail = format_detail (detail_format, args);
  va_end (args);
  add_check (self, name, FALSE, detail);
  if (self->error_code == NULL)
    {
      self->error_code = g_strdup (code);
      self->error_message = g_strdup (detail);
    }
  return FALSE;
}

/* The message of the first failure (or of the error set), or NULL. */
const char *
dossier_verification_get_error_message (DossierVerification *self)
{
  g_return_val_if_fail (DOSSIER_IS_VERIFICATION (self), NULL);
  return self->error_message;
}

gboolean
dossier_verification_has_failed (DossierVerification *self)
{
  return dossier_verification_get_first_failure (self) != NULL;
}

const char *
dossier_verification_get_first_failure (DossierVerification *self)
{
  g_return_val_if_fail (DOSSIER_IS_VERIFICATION (self), NULL);

  for (guint i = 0; i < self->checks->len; i++)
    if (!g_array_index (self->checks, Check, i).ok)
      return g_array_index (self->checks, Check, i).name;
  return NULL;
}

static gboolean
passed (DossierVerification *self,
        const char          *name)
{
  for (guint i = 0; i < self->checks->len; i++)
    if (g_str_equal (g_array_index (self->checks, Check, i).name, name))
      return g_array_index (self->checks, Check, i).ok;
  return FALSE;
}

void
dossier_verification_set_issuer (DossierVerification *self,
                                 const char          *id,
                                 const char          *name,
                                 gboolean             trusted)
{
  g_return_if_fail (DOSSIER_IS_VERIFICATION (self));
  dossier_set_string (&self->issuer_id, id);
  dossier_set_string (&self->issuer_name, name);
  self->issuer_trusted = trusted;
}

void
dossier_verification_set_subject (DossierVerification *self,
                                  const char          *subject)
{
  g_return_if_fail (DOSSIER_IS_VERIFICATION (self));
  read_deferred (self);
  dossier_set_string (&self->subject, subject);
}

void
dossier_verification_set_error (DossierVerification *self,
                                const char          *code,
                                const char          *message)
{
  g_return_if_fail (DOSSIER_IS_VERIFICATION (self));
  dossier_set_string (&self->error_code, code);
  dossier_set_string (&self->error_message, message);
}

void
dossier_verification_note_time_checks (DossierVerification *self,
                                       gboolean             skipped)
{
  g_return_if_fail (DOSSIER_IS_VERIFICATION (self));
  self->time_skipped = skipped;
}

/* The credential names a status (revocation) list that could not be read,
 * offline or unreachable: the verdict says so instead of claiming it is
 * current. */
void
dossier_verification_note_status_unchecked (DossierVerification *self,
                                            const char          *reason)
{
  g_return_if_fail (DOSSIER_IS_VERIFICATION (self));
  dossier_set_string (&self->status_unchecked, reason);
}

/* The input is well formed but nothing in it can be signed (a plain FHIR
 * bundle, a credential without a proof): the verdict says it is unsigned
 * rather than that a signature could not be checked. */
void
dossier_verification_note_unsigned (DossierVerification *self,
                                    const char          *reason)
{
  g_return_if_fail (DOSSIER_IS_VERIFICATION (self));
  dossier_set_string (&self->unsigned_reason, reason);
}

void
dossier_verification_add_record (DossierVerification *self,
                                 DossierRecord       *record)
{
  g_return_if_fail (DOSSIER_IS_VERIFICATION (self));
  read_deferred (self);
  g_ptr_array_add (self->records, g_object_ref (record));
}

/* Has @func read the content (records and subject) of the input when it is
 * first asked for, instead of now: a verdict alone does not need it, and
 * reading it (a FHIR bundle, say) can cost more than the verification.
 * Readers run in the order they were deferred, and before any record or
 * subject set later, so that the content comes out as if read at once. */
void
dossier_verification_defer_content (DossierVerification            *self,
                                    DossierVerificationContentFunc  func,
                                    gpointer                        data,
                                    GDestroyNotify                  destroy)
{
  Deferred *deferred;

  g_return_if_fail (DOSSIER_IS_VERIFICATION (self));
  g_return_if_fail (func != NULL);
  deferred = g_new (Deferred, 1);
  deferred->func = func;
  deferred->data = data;
  deferred->destroy = destroy;
  g_queue_push_tail (&self->deferred, deferred);
}

GPtrArray *
dossier_verification_get_records (DossierVerification *self)
{
  g_return_val_if_fail (DOSSIER_IS_VERIFICATION (self), NULL);
  read_deferred (self);
  return self->records;
}

/* valid: signed by a trusted key and every check passed; invalid: a check
 * failed; unverified: nothing failed but nothing vouches for it either. */
const char *
dossier_verification_get_summary (DossierVerification *self)
{
  g_return_val_if_fail (DOSSIER_IS_VERIFICATION (self), NULL);

  if (dossier_verification_has_failed (self) || self->error_code != NULL)
    return "invalid";
  if (passed (self, "signature") && self->issuer_trusted)
    return "valid";
  return "unverified";
}

static DossierCheckState
state_of (DossierVerification *self,
          const char * const  *names)
{
  DossierCheckState state = DOSSIER_CHECK_UNKNOWN;

  for (guint i = 0; i < self->checks->len; i++)
    {
      Check *check = &g_array_index (self->checks, Check, i);

      if (!g_strv_contains (names, check->name))
        continue;
      if (!check->ok)
        return DOSSIER_CHECK_FAILED;
      state = DOSSIER_CHECK_PASSED;
    }
  return state;
}

static const char *
reason_of (DossierVerification *self,
           const char * const  *names)
{
  const char *reason = NULL;

  for (guint i = 0; i < self->checks->len; i++)
    {
      Check *check = &g_array_index (self->checks, Check, i);

      if (!g_strv_contains (names, check->name))
        continue;
      if (!check->ok)
        return check->detail;
      reason = check->detail;
    }
  return reason;
}

DossierVerdict *
dossier_verification_to_verdict (DossierVerification *self)
{
  static const char * const authentic[] = { "decode", "decompress", "header", "schema", "signature", NULL };
  static const char * const trusted[] = { "key", "issuer", "keyusage", NULL };
  static const char * const current[] = { "not-yet-valid", "expired", "revocation", "revoked", NULL };
  DossierVerdict *verdict = dossier_verdict_new ();
  DossierCheckState now = state_of (self, current);

  DossierCheckState genuine = state_of (self, authentic);

  /* Well-formed is not authentic: only a checked signature makes it so. */
  if (genuine == DOSSIER_CHECK_PASSED && self->unsigned_reason != NULL)
    dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_AUTHENTIC, DOSSIER_CHECK_UNKNOWN, "unsigned",
                         self->unsigned_reason);
  else if (genuine == DOSSIER_CHECK_PASSED && !passed (self, "signature"))
    dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_AUTHENTIC, DOSSIER_CHECK_UNKNOWN, "signature-not-checked",
                         _("The signature could not be checked without a trusted key"));
  else
    dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_AUTHENTIC, genuine,
                         dossier_verification_get_first_failure (self), reason_of (self, authentic));
  dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_TRUSTED, state_of (self, trusted),
                       NULL, reason_of (self, trusted));
  if (self->status_unchecked != NULL && now != DOSSIER_CHECK_FAILED)
    dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_CURRENT, DOSSIER_CHECK_UNKNOWN, "status-not-checked",
                         self->status_unchecked);
  else if (self->time_skipped && now != DOSSIER_CHECK_FAILED)
    dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_CURRENT, DOSSIER_CHECK_UNKNOWN, "time-not-checked",
                         _("Validity period not checked"));
  else
    dossier_verdict_set (verdict, DOSSIER_VERDICT_PART_CURRENT, now == DOSSIER_CHECK_UNKNOWN ? DOSSIER_CHECK_NOT_APPLICABLE : now,
                         NULL, reason_of (self, current));
  return verdict;
}

JsonNode *
dossier_verification_to_json (DossierVerification *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (DOSSIER_IS_VERIFICATION (self), NULL);

  read_deferred (self);
  json_builder_begin_object (builder);
  dossier_json_builder_add_string (builder, "input", self->input);
  dossier_json_builder_add_string (builder, "format", self->format);
  dossier_json_builder_add_string (builder, "verdict", dossier_verification_get_summary (self));
  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->checks->len; i++)
    {
      Check *check = &g_array_index (self->checks, Check, i);

      json_builder_begin_object (builder);
      dossier_json_builder_add_string (builder, "name", check->name);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, check->ok);
      dossier_json_builder_add_string (builder, "detail", check->detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "time_checked");
  json_builder_add_boolean_value (builder, !self->time_skipped);
  json_builder_set_member_name (builder, "status_checked");
  json_builder_add_boolean_value (builder, self->status_unchecked == NULL);

  json_builder_set_member_name (builder, "issuer");
  if (self->issuer_id != NULL || self->issuer_name != NULL)
    {
      json_builder_begin_object (builder);
      dossier_json_builder_add_string (builder, "id", self->issuer_id);
      dossier_json_builder_add_string (builder, "name", self->issuer_name);
      json_builder_set_member_name (builder, "trusted");
      json_builder_add_boolean_value (builder, self->issuer_trusted);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  dossier_json_builder_add_string (builder, "subject", self->subject);

  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->records->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (self->records, i);

      json_builder_begin_object (builder);
      dossier_json_builder_add_string (builder, "kind", dossier_record_kind_to_string (dossier_record_get_kind (record)));
      dossier_json_builder_add_string (builder, "title", dossier_record_get_title (record));
      dossier_json_builder_add_string (builder, "date", dossier_record_get_issued (record));
      dossier_json_builder_add_string (builder, "issuer", dossier_record_get_issuer_name (record));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "error");
  if (self->error_code != NULL)
    {
      json_builder_begin_object (builder);
      dossier_json_builder_add_string (builder, "code", self->error_code);
      dossier_json_builder_add_string (builder, "message", self->error_message);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
