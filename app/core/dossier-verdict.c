// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-verdict.h"

#include "dossier-core-error.h"

#include <glib/gi18n-lib.h>

typedef struct
{
  DossierCheckState  state;
  char              *reason_code;
  char              *reason;
} Check;

struct _DossierVerdict
{
  GObject parent_instance;
  Check   parts[DOSSIER_N_VERDICT_PARTS];
};

G_DEFINE_FINAL_TYPE (DossierVerdict, dossier_verdict, G_TYPE_OBJECT)

static const char * const part_names[] = { "authentic", "trusted", "current" };
static const char * const state_names[] = { "unknown", "passed", "failed", "not-applicable" };
static const char * const summary_names[] = { "valid", "invalid", "unverified" };

static void
dossier_verdict_finalize (GObject *object)
{
  DossierVerdict *self = DOSSIER_VERDICT (object);

  for (guint i = 0; i < DOSSIER_N_VERDICT_PARTS; i++)
    {
      g_free (self->parts[i].reason_code);
      g_free (self->parts[i].reason);
    }
  G_OBJECT_CLASS (dossier_verdict_parent_class)->finalize (object);
}

static void
dossier_verdict_class_init (DossierVerdictClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_verdict_finalize;
}

static void
dossier_verdict_init (DossierVerdict *self)
{
}

DossierVerdict *
dossier_verdict_new (void)
{
  return g_object_new (DOSSIER_TYPE_VERDICT, NULL);
}

/* For records nothing can vouch for, such as a kept PDF or a scanned page. */
DossierVerdict *
dossier_verdict_new_not_verifiable (const char *reason)
{
  DossierVerdict *self = dossier_verdict_new ();

  dossier_verdict_set (self, DOSSIER_VERDICT_PART_AUTHENTIC, DOSSIER_CHECK_NOT_APPLICABLE,
                       "not-signed", reason != NULL ? reason : _("Kept as a copy; it carries no signature to check"));
  dossier_verdict_set (self, DOSSIER_VERDICT_PART_TRUSTED, DOSSIER_CHECK_NOT_APPLICABLE,
                       "no-issuer-key", _("No issuer key to look up"));
  dossier_verdict_set (self, DOSSIER_VERDICT_PART_CURRENT, DOSSIER_CHECK_NOT_APPLICABLE,
                       "no-status", _("No validity period or status to check"));
  return self;
}

void
dossier_verdict_set (DossierVerdict     *self,
                     DossierVerdictPart  part,
                     DossierCheckState   state,
                     const char         *reason_code,
                     const char         *reason)
{
  g_return_if_fail (DOSSIER_IS_VERDICT (self));
  g_return_if_fail (part < DOSSIER_N_VERDICT_PARTS);
  g_return_if_fail (state <= DOSSIER_CHECK_NOT_APPLICABLE);

  self->parts[part].state = state;
  g_free (self->parts[part].reason_code);
  self->parts[part].reason_code = g_strdup (reason_code);
  g_free (self->parts[part].reason);
  self->parts[part].reason = g_strdup (reason);
}

DossierCheckState
dossier_verdict_get_state (DossierVerdict     *self,
                           DossierVerdictPart  part)
{
  g_return_val_if_fail (DOSSIER_IS_VERDICT (self), DOSSIER_CHECK_UNKNOWN);
  g_return_val_if_fail (part < DOSSIER_N_VERDICT_PARTS, DOSSIER_CHECK_UNKNOWN);
  return self->parts[part].state;
}

const char *
dossier_verdict_get_reason_code (DossierVerdict     *self,
                                 DossierVerdictPart  part)
{
  g_return_val_if_fail (DOSSIER_IS_VERDICT (self), NULL);
  g_return_val_if_fail (part < DOSSIER_N_VERDICT_PARTS, NULL);
  return self->parts[part].reason_code;
}

const char *
dossier_verdict_get_reason (DossierVerdict     *self,
                            DossierVerdictPart  part)
{
  g_return_val_if_fail (DOSSIER_IS_VERDICT (self), NULL);
  g_return_val_if_fail (part < DOSSIER_N_VERDICT_PARTS, NULL);
  return self->parts[part].reason;
}

/* Any failed part makes the record invalid; it is valid only when it is
 * authentic and trusted and nothing says it is no longer current. */
DossierVerdictSummary
dossier_verdict_get_summary (DossierVerdict *self)
{
  DossierCheckState current;

  g_return_val_if_fail (DOSSIER_IS_VERDICT (self), DOSSIER_VERDICT_UNVERIFIED);

  for (guint i = 0; i < DOSSIER_N_VERDICT_PARTS; i++)
    if (self->parts[i].state == DOSSIER_CHECK_FAILED)
      return DOSSIER_VERDICT_INVALID;

  current = self->parts[DOSSIER_VERDICT_PART_CURRENT].state;
  if (self->parts[DOSSIER_VERDICT_PART_AUTHENTIC].state == DOSSIER_CHECK_PASSED &&
      self->parts[DOSSIER_VERDICT_PART_TRUSTED].state == DOSSIER_CHECK_PASSED &&
      (current == DOSSIER_CHECK_PASSED || current == DOSSIER_CHECK_NOT_APPLICABLE))
    return DOSSIER_VERDICT_VALID;

  return DOSSIER_VERDICT_UNVERIFIED;
}

const char *
dossier_verdict_summary_to_string (DossierVerdictSummary summary)
{
  g_return_val_if_fail (summary <= DOSSIER_VERDICT_UNVERIFIED, NULL);
  return summary_names[summary];
}

const char *
dossier_verdict_part_to_string (DossierVerdictPart part)
{
  g_return_val_if_fail (part < DOSSIER_N_VERDICT_PARTS, NULL);
  return part_names[part];
}

const char *
dossier_check_state_to_string (DossierCheckState state)
{
  g_return_val_if_fail (state <= DOSSIER_CHECK_NOT_APPLICABLE, NULL);
  return state_names[state];
}

JsonNode *
dossier_verdict_to_json (DossierVerdict *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (DOSSIER_IS_VERDICT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "summary");
  json_builder_add_string_value (builder, summary_names[dossier_verdict_get_summary (self)]);
  for (guint i = 0; i < DOSSIER_N_VERDICT_PARTS; i++)
    {
      json_builder_set_member_name (builder, part_names[i]);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, state_names[self->parts[i].state]);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, self->parts[i].reason_code);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, self->parts[i].reason);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
member_string (JsonObject  *object,
               const char  *name,
               const char **value,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_INVALID_DATA,
                   _("Verdict member “%s” is not a string"), name);
      return FALSE;
    }
  *value = json_node_get_string (node);
  return TRUE;
}

DossierVerdict *
dossier_verdict_new_from_json (JsonNode  *node,
                               GError   **error)
{
  g_autoptr(DossierVerdict) self = NULL;
  JsonObject *object;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_INVALID_DATA,
                           _("A verdict must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);
  self = dossier_verdict_new ();

  for (guint i = 0; i < DOSSIER_N_VERDICT_PARTS; i++)
    {
      JsonNode *part = json_object_get_member (object, part_names[i]);
      const char *state = NULL, *code = NULL, *reason = NULL;
      guint s;

      if (part == NULL)
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (part))
        {
          g_set_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_INVALID_DATA,
                       _("Verdict part “%s” is not an object"), part_names[i]);
          return NULL;
        }
      if (!member_string (json_node_get_object (part), "state", &state, error) ||
          !member_string (json_node_get_object (part), "code", &code, error) ||
          !member_string (json_node_get_object (part), "reason", &reason, error))
        return NULL;
      for (s = 0; s < G_N_ELEMENTS (state_names); s++)
        if (g_strcmp0 (state, state_names[s]) == 0)
          break;
      if (s == G_N_ELEMENTS (state_names))
        {
          g_set_error (error, DOSSIER_CORE_ERROR, DOSSIER_CORE_ERROR_INVALID_DATA,
                       _("Verdict part “%s” has an unknown state"), part_names[i]);
          return NULL;
        }
      dossier_verdict_set (self, i, s, code, reason);
    }
  return g_steal_pointer (&self);
}
