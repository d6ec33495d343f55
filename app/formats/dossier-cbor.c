// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-cbor.h"

#include <string.h>

/* Small helpers over libcbor for COSE and CWT: typed access that answers
 * "not there" for any unexpected type, and a bounded conversion to JSON. */

#define MAX_DEPTH 32
#define MAX_LOAD_DEPTH 64

typedef struct
{
  guint64  remaining;    /* items still to read, for a definite container */
  gboolean indefinite;   /* ends at a break byte instead */
} Frame;

/* Reads the argument of the head at @data[*pos]; FALSE when it runs past
 * the end or uses a reserved encoding. */
static gboolean
read_head (const guint8 *data,
           gsize         length,
           gsize        *pos,
           guint        *major,
           guint64      *value,
           gboolean     *indefinite)
{
  guint info = data[*pos] & 0x1f;
  gsize size;

  *major = data[*pos] >> 5;
  *indefinite = FALSE;
  (*pos)++;
  if (info < 24)
    {
      *value = info;
      return TRUE;
    }
  if (info == 31)
    {
      *indefinite = TRUE;
      return *major >= 2 && *major <= 5;
    }
  if (info > 27)
    return FALSE;
  size = (gsize) 1 << (info - 24);
  if (size > length - *pos)
    return FALSE;
  *value = 0;
  for (gsize i = 0; i < size; i++)
    *value = (*value << 8) | data[(*pos)++];
  return TRUE;
}

/* Whether @data is exactly one well-formed CBOR item whose every declared
 * length fits in what is left of the input and whose nesting stays under
 * MAX_LOAD_DEPTH.  libcbor allocates a container for the length its
 * head declares, before reading the items, so a few bytes could
 * otherwise ask for gigabytes. */
static gboolean
well_formed (const guint8 *data,
             gsize         length)
{
  Frame frames[MAX_LOAD_DEPTH];
  guint depth = 1;
  gsize pos = 0;

  frames[0] = (Frame) { 1, FALSE };
  while (depth > 0)
    {
      Frame *frame = &frames[depth - 1];
      guint major;
      guint64 value = 0;
      gboolean indefinite;

      if (!frame->indefinite && frame->remaining == 0)
        {
          depth--;
          continue;
        }
      if (pos >= length)
        return FALSE;
      if (frame->indefinite && data[pos] == 0xff)
        {
          pos++;
          depth--;
          continue;
        }
      if (!frame->indefinite)
        frame->remaining--;
      if (!read_head (data, length, &pos, &major, &value, &indefinite))
        return FALSE;
      if (major == 2 || major == 3)
        {
          if (!indefinite)
            {
              if (value > length - pos)
                return FALSE;
              pos += (gsize) value;
              continue;
            }
        }
      else if (major == 4 && !indefinite && value > length - pos)
        return FALSE;
      else if (major == 5 && !indefinite && value > (length - pos) / 2)
        return FALSE;
      if (major < 2 || major == 7)
        continue;
      if (depth == MAX_LOAD_DEPTH)
        return FALSE;
      /* a tag wraps one item; a map holds two per entry */
      frames[depth++] = (Frame) { major == 6 ? 1 : major == 5 ? value * 2 : value, indefinite };
    }
  return pos == length;
}

/* The one CBOR item that @data holds in full, or NULL when it holds
 * anything else or declares more than it carries. */
cbor_item_t *
dossier_cbor_load (gconstpointer data,
                   gsize         length)
{
  struct cbor_load_result load;
  cbor_item_t *item;

  if (data == NULL || length == 0 || !well_formed (data, length))
    return NULL;
  item = cbor_load (data, length, &load);
  if (item != NULL && load.read != length)
    cbor_decref (&item);
  return item;
}

/* The scan: one pass over a plain CBOR item that numbers its items in
 * document order (the root is 0) and reads them in place, where libcbor
 * would allocate every item and copy every string.  Plain is what the
 * verifiers read: definite lengths, no tags, text that is valid UTF-8
 * without NUL bytes, and of the simple values only false, true and null.
 * On anything else no scan is made, and the caller loads the item with
 * dossier_cbor_load() instead, so that either way a reader sees what
 * libcbor would give. */

typedef struct
{
  guint8  major;
  guint64 value;     /* an integer's magnitude, a length or a count */
  guint32 start;     /* offset of the item's head */
  guint32 content;   /* offset of a string's bytes */
  guint32 next;      /* index after this item and all it holds */
} ScanItem;

struct _DossierCborScan
{
  const guint8 *data;
  gsize         length;
  guint         n_items;
  ScanItem     *items;
};

typedef struct
{
  guint    item;        /* the container's index */
  guint64  remaining;   /* items still to read */
} ScanFrame;

static gboolean
scan_text_is_plain (const guint8 *text,
                    gsize         length)
{
  for (gsize i = 0; i < length; i++)
    if (text[i] == 0 || text[i] >= 0x80)
      return memchr (text, 0, length) == NULL && g_utf8_validate_len ((const char *) text, length, NULL);
  return TRUE;
}

DossierCborScan *
dossier_cbor_scan_new (gconstpointer data,
                       gsize         length)
{
  g_autoptr(DossierCborScan) scan = NULL;
  const guint8 *bytes = data;
  ScanFrame frames[MAX_LOAD_DEPTH];
  guint depth = 0, capacity;
  gsize pos = 0;

  if (data == NULL || length == 0 || length > DOSSIER_CBOR_SCAN_MAX_LENGTH)
    return NULL;
  scan = g_new0 (DossierCborScan, 1);
  scan->data = bytes;
  scan->length = length;
  capacity = (guint) MIN (length, 64);
  scan->items = g_new (ScanItem, capacity);
  do
    {
      ScanItem *item;
      guint major;
      guint64 value = 0;
      gboolean indefinite;
      gsize start = pos;

      if (pos >= length || !read_head (bytes, length, &pos, &major, &value, &indefinite) || indefinite ||
          major == 6 || (major == 7 && (value < 20 || value > 22 || start + 1 != pos)))
        return NULL;
      if (scan->n_items == capacity)
        {
          capacity *= 2;
          scan->items = g_renew (ScanItem, scan->items, capacity);
        }
      item = &scan->items[scan->n_items++];
      *item = (ScanItem) { (guint8) major, value, (guint32) start, (guint32) pos, scan->n_items };
      if (major == 2 || major == 3)
        {
          if (value > length - pos || (major == 3 && !scan_text_is_plain (bytes + pos, (gsize) value)))
            return NULL;
          pos += (gsize) value;
        }
      else if (major == 4 || major == 5)
        {
          /* every item takes at least a byte */
          /* as deep as well_formed() allows, which counts the top too
           * and empty containers alike */
          if (value > length - pos || (major == 5 && value > (length - pos) / 2) || depth == MAX_LOAD_DEPTH - 1)
            return NULL;
          if (value > 0)
            {
              frames[depth++] = (ScanFrame) { scan->n_items - 1, major == 5 ? value * 2 : value };
              continue;
            }
        }
      /* an item is complete: so are the containers it was the last of */
      while (depth > 0 && --frames[depth - 1].remaining == 0)
        scan->items[frames[--depth].item].next = scan->n_items;
    }
  while (depth > 0);
  if (pos != length)
    return NULL;
  return g_steal_pointer (&scan);
}

void
dossier_cbor_scan_free (DossierCborScan *scan)
{
  if (scan == NULL)
    return;
  g_free (scan->items);
  g_free (scan);
}

static ScanItem *
scan_item (DossierCborScan *scan,
           guint            item)
{
  return scan != NULL && item < scan->n_items ? &scan->items[item] : NULL;
}

/* The CBOR major type of @item (0 to 7), or -1 when it is missing. */
int
dossier_cbor_scan_get_major (DossierCborScan *scan,
                             guint            item)
{
  ScanItem *it = scan_item (scan, item);

  return it != NULL ? it->major : -1;
}

/* The elements of an array or the pairs of a map. */
guint
dossier_cbor_scan_get_size (DossierCborScan *scan,
                            guint            item)
{
  ScanItem *it = scan_item (scan, item);

  return it != NULL && (it->major == 4 || it->major == 5) ? (guint) it->value : 0;
}

/* The item after @item and all it holds: within a container, the next
 * element, key or value. */
guint
dossier_cbor_scan_get_next (DossierCborScan *scan,
                            guint            item)
{
  ScanItem *it = scan_item (scan, item);

  return it != NULL && it->next < scan->n_items ? it->next : DOSSIER_CBOR_SCAN_MISSING;
}

guint
dossier_cbor_scan_get_element (DossierCborScan *scan,
                               guint            array,
                               guint            index)
{
  guint element = array + 1;

  if (dossier_cbor_scan_get_major (scan, array) != 4 || index >= dossier_cbor_scan_get_size (scan, array))
    return DOSSIER_CBOR_SCAN_MISSING;
  for (guint i = 0; i < index; i++)
    element = scan->items[element].next;
  return element;
}

/* As dossier_cbor_get_int(). */
gboolean
dossier_cbor_scan_get_int (DossierCborScan *scan,
                           guint            item,
                           gint64          *value)
{
  ScanItem *it = scan_item (scan, item);

  if (it == NULL || it->major > 1 || it->value > G_MAXINT64)
    return FALSE;
  *value = it->major == 1 ? -1 - (gint64) it->value : (gint64) it->value;
  return TRUE;
}

/* The bytes of a byte string (major 2) or text string (major 3), in place. */
const guint8 *
dossier_cbor_scan_get_data (DossierCborScan *scan,
                            guint            item,
                            int              major,
                            gsize           *length)
{
  ScanItem *it = scan_item (scan, item);

  if (it == NULL || it->major != major || (major != 2 && major != 3))
    return NULL;
  *length = (gsize) it->value;
  return scan->data + it->content;
}

/* The encoded form of @item and all it holds, in place. */
const guint8 *
dossier_cbor_scan_get_encoded (DossierCborScan *scan,
                               guint            item,
                               gsize           *length)
{
  ScanItem *it = scan_item (scan, item);

  if (it == NULL)
    return NULL;
  *length = (it->next < scan->n_items ? scan->items[it->next].start : scan->length) - it->start;
  return scan->data + it->start;
}

/* As dossier_cbor_map_get_int(): the value of the first pair whose key is
 * integer @key. */
guint
dossier_cbor_scan_map_get_int (DossierCborScan *scan,
                               guint            map,
                               gint64           key)
{
  guint size = dossier_cbor_scan_get_size (scan, map), k = map + 1;

  if (dossier_cbor_scan_get_major (scan, map) != 5)
    return DOSSIER_CBOR_SCAN_MISSING;
  for (guint i = 0; i < size; i++)
    {
      guint value = scan->items[k].next;
      gint64 number;

      if (dossier_cbor_scan_get_int (scan, k, &number) && number == key)
        return value;
      k = scan->items[value].next;
    }
  return DOSSIER_CBOR_SCAN_MISSING;
}

gboolean
dossier_cbor_get_int (cbor_item_t *item,
                      gint64      *value)
{
  uint64_t raw;

  if (item == NULL || !cbor_is_int (item))
    return FALSE;
  raw = cbor_get_int (item);
  if (raw > G_MAXINT64)
    return FALSE;
  *value = cbor_isa_negint (item) ? -1 - (gint64) raw : (gint64) raw;
  return TRUE;
}

GBytes *
dossier_cbor_get_bytes (cbor_item_t *item)
{
  if (item == NULL || !cbor_isa_bytestring (item) || !cbor_bytestring_is_definite (item))
    return NULL;
  return g_bytes_new (cbor_bytestring_handle (item), cbor_bytestring_length (item));
}

char *
dossier_cbor_get_string (cbor_item_t *item)
{
  if (item == NULL || !cbor_isa_string (item) || !cbor_string_is_definite (item))
    return NULL;
  return g_utf8_make_valid ((const char *) cbor_string_handle (item), (gssize) cbor_string_length (item));
}

cbor_item_t *
dossier_cbor_map_get_int (cbor_item_t *map,
                          gint64       key)
{
  struct cbor_pair *pairs;
  gsize size;

  if (map == NULL || !cbor_isa_map (map))
    return NULL;
  pairs = cbor_map_handle (map);
  size = cbor_map_size (map);
  for (gsize i = 0; i < size; i++)
    {
      gint64 k;

      if (dossier_cbor_get_int (pairs[i].key, &k) && k == key)
        return pairs[i].value;
    }
  return NULL;
}

JsonNode *
dossier_cbor_to_json (cbor_item_t *item,
                      guint        depth)
{
  gint64 number;

  if (item == NULL || depth > MAX_DEPTH)
    return json_node_init_null (json_node_alloc ());

  switch (cbor_typeof (item))
    {
    case CBOR_TYPE_UINT:
    case CBOR_TYPE_NEGINT:
      if (dossier_cbor_get_int (item, &number))
        return json_node_init_int (json_node_alloc (), number);
      return json_node_init_null (json_node_alloc ());
    case CBOR_TYPE_BYTESTRING:
      {
        g_autoptr(GBytes) bytes = dossier_cbor_get_bytes (item);
        g_autofree char *text = bytes != NULL ? g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : NULL;

        return json_node_init_string (json_node_alloc (), text != NULL ? text : "");
      }
    case CBOR_TYPE_STRING:
      {
        g_autofree char *text = dossier_cbor_get_string (item);

        return text != NULL ? json_node_init_string (json_node_alloc (), text) : json_node_init_null (json_node_alloc ());
      }
    case CBOR_TYPE_ARRAY:
      {
        g_autoptr(JsonArray) array = json_array_new ();

        for (gsize i = 0; i < cbor_array_size (item); i++)
          json_array_add_element (array, dossier_cbor_to_json (cbor_array_handle (item)[i], depth + 1));
        return json_node_init_array (json_node_alloc (), array);
      }
    case CBOR_TYPE_MAP:
      {
        g_autoptr(JsonObject) object = json_object_new ();
        struct cbor_pair *pairs = cbor_map_handle (item);

        for (gsize i = 0; i < cbor_map_size (item); i++)
          {
            g_autofree char *key = dossier_cbor_get_string (pairs[i].key);

            if (key == NULL && dossier_cbor_get_int (pairs[i].key, &number))
              key = g_strdup_printf ("%" G_GINT64_FORMAT, number);
            if (key != NULL)
              json_object_set_member (object, key, dossier_cbor_to_json (pairs[i].value, depth + 1));
          }
        return json_node_init_object (json_node_alloc (), object);
      }
    case CBOR_TYPE_TAG:
      {
        cbor_item_t *inner = cbor_tag_item (item);
        JsonNode *node = dossier_cbor_to_json (inner, depth + 1);

        cbor_decref (&inner);
        return node;
      }
    case CBOR_TYPE_FLOAT_CTRL:
      if (cbor_float_ctrl_is_ctrl (item))
        {
          if (cbor_is_bool (item))
            return json_node_init_boolean (json_node_alloc (), cbor_get_bool (item));
          return json_node_init_null (json_node_alloc ());
        }
      return json_node_init_double (json_node_alloc (), cbor_float_get_float (item));
    default:
      return json_node_init_null (json_node_alloc ());
    }
}

/* JSON to CBOR for what CWT payloads carry: whole numbers stay integers,
 * other numbers become floats, objects become maps with text keys.  NULL
 * when @node nests deeper than the decoder would accept back. */
cbor_item_t *
dossier_cbor_from_json (JsonNode *node,
                        guint     depth)
{
  if (node == NULL || depth > MAX_DEPTH)
    return NULL;
  if (JSON_NODE_HOLDS_NULL (node))
    return cbor_build_ctrl (CBOR_CTRL_NULL);
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      cbor_item_t *map = cbor_new_definite_map (json_object_get_size (object));
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        {
          cbor_item_t *value = dossier_cbor_from_json (member, depth + 1);

          if (value == NULL)
            {
              cbor_decref (&map);
              return NULL;
            }
          (void) cbor_map_add (map, (struct cbor_pair) { .key = cbor_move (cbor_build_string (name)),
                                                         .value = cbor_move (value) });
        }
      return map;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      cbor_item_t *out = cbor_new_definite_array (json_array_get_length (array));

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          cbor_item_t *value = dossier_cbor_from_json (json_array_get_element (array, i), depth + 1);

          if (value == NULL)
            {
              cbor_decref (&out);
              return NULL;
            }
          (void) cbor_array_push (out, cbor_move (value));
        }
      return out;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return cbor_build_string (json_node_get_string (node));
    case G_TYPE_BOOLEAN:
      return cbor_build_bool (json_node_get_boolean (node));
    case G_TYPE_INT64:
      return dossier_cbor_build_int (json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return cbor_build_float8 (json_node_get_double (node));
    default:
      return NULL;
    }
}

/* An integer in its shortest encoding, as deterministic CBOR (RFC 8949,
 * section 4.2.1) and COSE want; libcbor's build_uint64 always takes 9 bytes. */
cbor_item_t *
dossier_cbor_build_int (gint64 value)
{
  guint64 magnitude = value < 0 ? (guint64) (-1 - value) : (guint64) value;
  cbor_item_t *item;

  if (magnitude <= G_MAXUINT8)
    item = value < 0 ? cbor_build_negint8 ((guint8) magnitude) : cbor_build_uint8 ((guint8) magnitude);
  else if (magnitude <= G_MAXUINT16)
    item = value < 0 ? cbor_build_negint16 ((guint16) magnitude) : cbor_build_uint16 ((guint16) magnitude);
  else if (magnitude <= G_MAXUINT32)
    item = value < 0 ? cbor_build_negint32 ((guint32) magnitude) : cbor_build_uint32 ((guint32) magnitude);
  else
    item = value < 0 ? cbor_build_negint64 (magnitude) : cbor_build_uint64 (magnitude);
  return item;
}
