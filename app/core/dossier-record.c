// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-record.h"

#include "dossier-json.h"
#include "dossier-utils.h"

/* One record of the wallet: a diploma, a vaccination, a kept PDF.  Besides
 * the normalized fields shown to the user it keeps the original bytes exactly
 * as they arrived, so the record can be verified and shared again. */

enum
{
  PROP_0,
  PROP_ID,
  PROP_PERSON_ID,
  PROP_KIND,
  PROP_VERDICT,
  /* string properties, kept in self->strings in this order */
  PROP_UUID,
  PROP_TITLE,
  PROP_ISSUER_ID,
  PROP_ISSUER_NAME,
  PROP_ISSUED,
  PROP_VALID_FROM,
  PROP_VALID_UNTIL,
  PROP_FORMAT,
  PROP_MEDIA_TYPE,
  PROP_SOURCE,
  PROP_PARENT_UUID,
  N_PROPS
};

#define FIRST_STRING PROP_UUID
#define N_STRINGS (N_PROPS - FIRST_STRING)

struct _DossierRecord
{
  GObject            parent_instance;
  gint64             id;
  gint64             person_id;
  DossierRecordKind  kind;
  char              *strings[N_STRINGS];
  GBytes            *original;
  JsonObject        *fields;
  char             **tags;
  DossierVerdict    *verdict;
  GDateTime         *checked_at;
  GDateTime         *created_at;
};

G_DEFINE_FINAL_TYPE (DossierRecord, dossier_record, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
set_string (DossierRecord *self,
            guint          prop_id,
            const char    *value)
{
  g_assert (prop_id >= FIRST_STRING && prop_id < N_PROPS);
  if (dossier_set_string (&self->strings[prop_id - FIRST_STRING], value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static const char *
get_string (DossierRecord *self,
            guint          prop_id)
{
  return self->strings[prop_id - FIRST_STRING];
}

static void
dossier_record_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DossierRecord *self = DOSSIER_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_PERSON_ID:
      g_value_set_int64 (value, self->person_id);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_VERDICT:
      g_value_set_object (value, self->verdict);
      break;
    default:
      if (prop_id >= FIRST_STRING && prop_id < N_PROPS)
        g_value_set_string (value, get_string (self, prop_id));
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dossier_record_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DossierRecord *self = DOSSIER_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:
      dossier_record_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_PERSON_ID:
      dossier_record_set_person_id (self, g_value_get_int64 (value));
      break;
    case PROP_KIND:
      dossier_record_set_kind (self, g_value_get_enum (value));
      break;
    case PROP_VERDICT:
      dossier_record_set_verdict (self, g_value_get_object (value));
      break;
    default:
      if (prop_id >= FIRST_STRING && prop_id < N_PROPS)
        set_string (self, prop_id, g_value_get_string (value));
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dossier_record_finalize (GObject *object)
{
  DossierRecord *self = DOSSIER_RECORD (object);

  for (guint i = 0; i < N_STRINGS; i++)
    g_free (self->strings[i]);
  g_clear_pointer (&self->original, g_bytes_unref);
  g_clear_pointer (&self->fields, json_object_unref);
  g_clear_pointer (&self->tags, g_strfreev);
  g_clear_object (&self->verdict);
  g_clear_pointer (&self->checked_at, g_date_time_unref);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  G_OBJECT_CLASS (dossier_record_parent_class)->finalize (object);
}

static void
dossier_record_class_init (DossierRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  static const char * const string_names[N_STRINGS] = {
    "uuid", "title", "issuer-id", "issuer-name", "issued", "valid-from", "valid-until",
    "format", "media-type", "source", "parent-uuid",
  };

  object_class->get_property = dossier_record_get_property;
  object_class->set_property = dossier_record_set_property;
  object_class->finalize = dossier_record_finalize;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PERSON_ID] = g_param_spec_int64 ("person-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, DOSSIER_TYPE_RECORD_KIND,
                                             DOSSIER_RECORD_KIND_DOCUMENT, flags);
  properties[PROP_VERDICT] = g_param_spec_object ("verdict", NULL, NULL, DOSSIER_TYPE_VERDICT, flags);
  for (guint i = 0; i < N_STRINGS; i++)
    properties[FIRST_STRING + i] = g_param_spec_string (string_names[i], NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dossier_record_init (DossierRecord *self)
{
  self->strings[PROP_UUID - FIRST_STRING] = g_uuid_string_random ();
  self->verdict = dossier_verdict_new ();
}

DossierRecord *
dossier_record_new (DossierRecordKind  kind,
                    const char        *title)
{
  return g_object_new (DOSSIER_TYPE_RECORD, "kind", kind, "title", title, NULL);
}

#define INT64_ACCESSORS(field, PROP)                                    \
  gint64                                                                \
  dossier_record_get_##field (DossierRecord *self)                      \
  {                                                                     \
    g_return_val_if_fail (DOSSIER_IS_RECORD (self), 0);                 \
    return self->field;                                                 \
  }                                                                     \
  void                                                                  \
  dossier_record_set_##field (DossierRecord *self,                      \
                              gint64         value)                     \
  {                                                                     \
    g_return_if_fail (DOSSIER_IS_RECORD (self));                        \
    if (self->field == value)                                           \
      return;                                                           \
    self->field = value;                                                \
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);       \
  }

INT64_ACCESSORS (id, PROP_ID)
INT64_ACCESSORS (person_id, PROP_PERSON_ID)

#define STRING_ACCESSORS(field, PROP)                                   \
  const char *                                                          \
  dossier_record_get_##field (DossierRecord *self)                      \
  {                                                                     \
    g_return_val_if_fail (DOSSIER_IS_RECORD (self), NULL);              \
    return get_string (self, PROP);                                     \
  }                                                                     \
  void                                                                  \
  dossier_record_set_##field (DossierRecord *self,                      \
                              const char    *value)                     \
  {                                                                     \
    g_return_if_fail (DOSSIER_IS_RECORD (self));                        \
    set_string (self, PROP, value);                                     \
  }

STRING_ACCESSORS (uuid, PROP_UUID)
STRING_ACCESSORS (title, PROP_TITLE)
STRING_ACCESSORS (issuer_id, PROP_ISSUER_ID)
STRING_ACCESSORS (issuer_name, PROP_ISSUER_NAME)
STRING_ACCESSORS (issued, PROP_ISSUED)
STRING_ACCESSORS (valid_from, PROP_VALID_FROM)
STRING_ACCESSORS (valid_until, PROP_VALID_UNTIL)
STRING_ACCESSORS (format, PROP_FORMAT)
STRING_ACCESSORS (media_type, PROP_MEDIA_TYPE)
STRING_ACCESSORS (source, PROP_SOURCE)
STRING_ACCESSORS (parent_uuid, PROP_PARENT_UUID)

DossierRecordKind
dossier_record_get_kind (DossierRecord *self)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD (self), DOSSIER_RECORD_KIND_DOCUMENT);
  return self->kind;
}

void
dossier_record_set_kind (DossierRecord     *self,
                         DossierRecordKind  kind)
{
  g_return_if_fail (DOSSIER_IS_RECORD (self));
  g_return_if_fail (kind < DOSSIER_N_RECORD_KINDS);
  if (self->kind == kind)
    return;
  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

GBytes *
dossier_record_get_original (DossierRecord *self)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD (self), NULL);
  return self->original;
}

void
dossier_record_set_original (DossierRecord *self,
                             GBytes        *original)
{
  g_return_if_fail (DOSSIER_IS_RECORD (self));
  if (original != NULL)
    g_bytes_ref (original);
  g_clear_pointer (&self->original, g_bytes_unref);
  self->original = original;
}

JsonObject *
dossier_record_get_fields (DossierRecord *self)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD (self), NULL);
  return self->fields;
}

void
dossier_record_set_fields (DossierRecord *self,
                           JsonObject    *fields)
{
  g_return_if_fail (DOSSIER_IS_RECORD (self));
  if (fields != NULL)
    json_object_ref (fields);
  g_clear_pointer (&self->fields, json_object_unref);
  self->fields = fields;
}

const char * const *
dossier_record_get_tags (DossierRecord *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (DOSSIER_IS_RECORD (self), none);
  return self->tags != NULL ? (const char * const *) self->tags : none;
}

void
dossier_record_set_tags (DossierRecord      *self,
                         const char * const *tags)
{
  g_return_if_fail (DOSSIER_IS_RECORD (self));
  g_strfreev (self->tags);
  self->tags = g_strdupv ((char **) tags);
}

DossierVerdict *
dossier_record_get_verdict (DossierRecord *self)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD (self), NULL);
  return self->verdict;
}

void
dossier_record_set_verdict (DossierRecord  *self,
                            DossierVerdict *verdict)
{
  g_return_if_fail (DOSSIER_IS_RECORD (self));
  g_return_if_fail (DOSSIER_IS_VERDICT (verdict));
  if (g_set_object (&self->verdict, verdict))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERDICT]);
}

static void
replace_datetime (GDateTime **slot,
                  GDateTime  *value)
{
  if (value != NULL)
    g_date_time_ref (value);
  g_clear_pointer (slot, g_date_time_unref);
  *slot = value;
}

GDateTime *
dossier_record_get_checked_at (DossierRecord *self)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD (self), NULL);
  return self->checked_at;
}

void
dossier_record_set_checked_at (DossierRecord *self,
                               GDateTime     *checked_at)
{
  g_return_if_fail (DOSSIER_IS_RECORD (self));
  replace_datetime (&self->checked_at, checked_at);
}

GDateTime *
dossier_record_get_created_at (DossierRecord *self)
{
  g_return_val_if_fail (DOSSIER_IS_RECORD (self), NULL);
  return self->created_at;
}

void
dossier_record_set_created_at (DossierRecord *self,
                               GDateTime     *created_at)
{
  g_return_if_fail (DOSSIER_IS_RECORD (self));
  replace_datetime (&self->created_at, created_at);
}

static void
append_node_text (GString  *text,
                  JsonNode *node,
                  guint     depth)
{
  /* Fields come from parsed records whose depth is already bounded; the
   * cap here only keeps this walk safe on its own. */
  if (node == NULL || depth > 64)
    return;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, NULL, &member))
          append_node_text (text, member, depth + 1);
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          append_node_text (text, json_array_get_element (array, i), depth + 1);
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          if (text->len > 0)
            g_string_append_c (text, ' ');
          g_string_append (text, json_node_get_string (node));
        }
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

/* The normalized fields as one JSON text, as the vault stores them. */
char *
dossier_record_dup_fields_text (DossierRecord *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (DOSSIER_IS_RECORD (self), NULL);

  if (self->fields == NULL)
    return g_strdup ("{}");
  node = json_node_init_object (json_node_alloc (), self->fields);
  return json_to_string (node, FALSE);
}

/* The words a search should find this record by, besides its title and
 * issuer: every string among its fields, and its tags. */
char *
dossier_record_dup_search_text (DossierRecord *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (DOSSIER_IS_RECORD (self), NULL);

  if (self->fields != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), self->fields);
      append_node_text (text, node, 0);
    }
  for (guint i = 0; self->tags != NULL && self->tags[i] != NULL; i++)
    g_string_append_printf (text, " %s", self->tags[i]);
  return g_string_free (text, FALSE);
}

JsonNode *
dossier_record_to_json (DossierRecord *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *checked = NULL;
  g_autofree char *created = NULL;

  g_return_val_if_fail (DOSSIER_IS_RECORD (self), NULL);

  checked = dossier_format_timestamp (self->checked_at);
  created = dossier_format_timestamp (self->created_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "person_id");
  json_builder_add_int_value (builder, self->person_id);
  dossier_json_builder_add_string (builder, "kind", dossier_record_kind_to_string (self->kind));
  dossier_json_builder_add_string (builder, "category",
                     dossier_record_category_to_string (dossier_record_kind_get_category (self->kind)));
  for (guint i = 0; i < N_STRINGS; i++)
    {
      g_autofree char *name = g_strdelimit (g_strdup (properties[FIRST_STRING + i]->name), "-", '_');
      dossier_json_builder_add_string (builder, name, self->strings[i]);
    }
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, self->original != NULL ? g_bytes_get_size (self->original) : 0);
  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  for (guint i = 0; self->tags != NULL && self->tags[i] != NULL; i++)
    json_builder_add_string_value (builder, self->tags[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "fields");
  if (self->fields != NULL)
    json_builder_add_value (builder, json_node_init_object (json_node_alloc (), self->fields));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_value (builder, dossier_verdict_to_json (self->verdict));
  dossier_json_builder_add_string (builder, "checked_at", checked);
  dossier_json_builder_add_string (builder, "created_at", created);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
