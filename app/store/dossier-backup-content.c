// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-backup-content.h"

#include "dossier-backup-file.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The content, a sequence of items, each one byte of kind then its fields
 * (integers big-endian):
 *   'V'  u32 schema version of the vault            first, once
 *   'T'  u8 name length, name, u8 column count,     starts a table
 *        then for each column: u8 length, name
 *   'R'  a row of the current table: as many values as it has columns,
 *        each 'N' (NULL), 'I' i64, 'F' IEEE double, 'S' u32 length and
 *        UTF-8 text, or 'B' u32 length and bytes
 *   'E'  the end; nothing may follow
 * Names are 1 to 64 of [a-z0-9_]; a table has 1 to 64 columns. */

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, bytes, 4);
}

static void
put_u64 (GByteArray *out,
         guint64     value)
{
  put_u32 (out, value >> 32);
  put_u32 (out, (guint32) value);
}

static void
put_name (GByteArray *out,
          const char *name)
{
  guint8 length = (guint8) strlen (name);

  g_byte_array_append (out, &length, 1);
  g_byte_array_append (out, (const guint8 *) name, length);
}

static void
put_kind (GByteArray *out,
          char        kind)
{
  g_byte_array_append (out, (const guint8 *) &kind, 1);
}

void
dossier_backup_content_put_version (GByteArray *out,
                                    guint       schema_version)
{
  put_kind (out, 'V');
  put_u32 (out, schema_version);
}

void
dossier_backup_content_put_table (GByteArray         *out,
                                  const char         *name,
                                  guint               n_columns,
                                  const char * const *columns)
{
  guint8 count = (guint8) n_columns;

  g_return_if_fail (n_columns > 0 && n_columns <= DOSSIER_BACKUP_MAX_COLUMNS);
  put_kind (out, 'T');
  put_name (out, name);
  g_byte_array_append (out, &count, 1);
  for (guint i = 0; i < n_columns; i++)
    put_name (out, columns[i]);
}

void
dossier_backup_content_put_row (GByteArray *out)
{
  put_kind (out, 'R');
}

void
dossier_backup_content_put_value (GByteArray               *out,
                                  const DossierBackupValue *value)
{
  guint64 bits;

  switch (value->type)
    {
    case DOSSIER_BACKUP_VALUE_NULL:
      put_kind (out, 'N');
      break;
    case DOSSIER_BACKUP_VALUE_INTEGER:
      put_kind (out, 'I');
      put_u64 (out, (guint64) value->integer);
      break;
    case DOSSIER_BACKUP_VALUE_REAL:
      put_kind (out, 'F');
      memcpy (&bits, &value->real, sizeof bits);
      put_u64 (out, bits);
      break;
    case DOSSIER_BACKUP_VALUE_TEXT:
    case DOSSIER_BACKUP_VALUE_BLOB:
      put_kind (out, value->type == DOSSIER_BACKUP_VALUE_TEXT ? 'S' : 'B');
      put_u32 (out, (guint32) value->length);
      if (value->length > 0)
        g_byte_array_append (out, value->data, (guint) value->length);
      break;
    default:
      g_return_if_reached ();
    }
}

void
dossier_backup_content_put_end (GByteArray *out)
{
  put_kind (out, 'E');
}

/* --- parsing --------------------------------------------------------------- */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
} Cursor;

static gboolean
fail (GError     **error,
      const char  *what)
{
  g_set_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_DAMAGED,
               _("The backup’s content is malformed (%s); nothing was restored from it"), what);
  return FALSE;
}

static gboolean
take (Cursor        *cursor,
      gsize          length,
      const guint8 **bytes)
{
  if ((gsize) (cursor->end - cursor->p) < length)
    return FALSE;
  *bytes = cursor->p;
  cursor->p += length;
  return TRUE;
}

static gboolean
take_u32 (Cursor  *cursor,
          guint32 *value)
{
  const guint8 *b;

  if (!take (cursor, 4, &b))
    return FALSE;
  *value = ((guint32) b[0] << 24) | ((guint32) b[1] << 16) | ((guint32) b[2] << 8) | b[3];
  return TRUE;
}

static gboolean
take_u64 (Cursor  *cursor,
          guint64 *value)
{
  guint32 high, low;

  if (!take_u32 (cursor, &high) || !take_u32 (cursor, &low))
    return FALSE;
  *value = ((guint64) high << 32) | low;
  return TRUE;
}

static char *
take_name (Cursor *cursor)
{
  const guint8 *length, *bytes;

  if (!take (cursor, 1, &length) || *length == 0 || *length > DOSSIER_BACKUP_MAX_NAME ||
      !take (cursor, *length, &bytes))
    return NULL;
  for (guint i = 0; i < *length; i++)
    if (!g_ascii_islower (bytes[i]) && !g_ascii_isdigit (bytes[i]) && bytes[i] != '_')
      return NULL;
  return g_strndup ((const char *) bytes, *length);
}

static gboolean
take_value (Cursor             *cursor,
            DossierBackupValue *value)
{
  const guint8 *kind;
  guint64 bits;
  guint32 length;

  memset (value, 0, sizeof *value);
  if (!take (cursor, 1, &kind))
    return FALSE;
  switch (*kind)
    {
    case 'N':
      value->type = DOSSIER_BACKUP_VALUE_NULL;
      return TRUE;
    case 'I':
      value->type = DOSSIER_BACKUP_VALUE_INTEGER;
      if (!take_u64 (cursor, &bits))
        return FALSE;
      value->integer = (gint64) bits;
      return TRUE;
    case 'F':
      value->type = DOSSIER_BACKUP_VALUE_REAL;
      if (!take_u64 (cursor, &bits))
        return FALSE;
      memcpy (&value->real, &bits, sizeof bits);
      return TRUE;
    case 'S':
    case 'B':
      value->type = *kind == 'S' ? DOSSIER_BACKUP_VALUE_TEXT : DOSSIER_BACKUP_VALUE_BLOB;
      if (!take_u32 (cursor, &length) || !take (cursor, length, &value->data))
        return FALSE;
      value->length = length;
      return value->type == DOSSIER_BACKUP_VALUE_BLOB ||
             g_utf8_validate ((const char *) value->data, (gssize) length, NULL);
    default:
      return FALSE;
    }
}

static gboolean
parse_table (Cursor                           *cursor,
             const DossierBackupContentFuncs  *funcs,
             gpointer                          user_data,
             guint                            *n_columns,
             GError                          **error)
{
  g_autofree char *name = take_name (cursor);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  const guint8 *count;

  if (name == NULL || !take (cursor, 1, &count) || *count == 0 || *count > DOSSIER_BACKUP_MAX_COLUMNS)
    return fail (error, _("a table header"));
  for (guint i = 0; i < *count; i++)
    {
      char *column = take_name (cursor);

      if (column == NULL)
        return fail (error, _("a column name"));
      g_ptr_array_add (columns, column);
    }
  g_ptr_array_add (columns, NULL);
  *n_columns = *count;
  return funcs == NULL || funcs->table == NULL ||
         funcs->table (user_data, name, *count, (char **) columns->pdata, error);
}

/* Walks the content, calling @funcs (which may be NULL to only check it)
 * for the version, each table and each row. */
gboolean
dossier_backup_content_parse (const guint8                     *data,
                              gsize                             length,
                              const DossierBackupContentFuncs  *funcs,
                              gpointer                          user_data,
                              GError                          **error)
{
  Cursor cursor = { data, data + length };
  DossierBackupValue values[DOSSIER_BACKUP_MAX_COLUMNS];
  const guint8 *kind;
  guint32 version;
  guint n_columns = 0;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (!take (&cursor, 1, &kind) || *kind != 'V' || !take_u32 (&cursor, &version))
    return fail (error, _("no version"));
  if (funcs != NULL && funcs->version != NULL && !funcs->version (user_data, version, error))
    return FALSE;

  for (;;)
    {
      if (!take (&cursor, 1, &kind))
        return fail (error, _("no end"));
      switch (*kind)
        {
        case 'T':
          if (!parse_table (&cursor, funcs, user_data, &n_columns, error))
            return FALSE;
          break;
        case 'R':
          if (n_columns == 0)
            return fail (error, _("a row outside a table"));
          for (guint i = 0; i < n_columns; i++)
            if (!take_value (&cursor, &values[i]))
              return fail (error, _("a value"));
          if (funcs != NULL && funcs->row != NULL && !funcs->row (user_data, n_columns, values, error))
            return FALSE;
          break;
        case 'E':
          return cursor.p == cursor.end || fail (error, _("data after the end"));
        default:
          return fail (error, _("an unknown item"));
        }
    }
}
