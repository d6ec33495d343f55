// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-dsc-list.h"

#include "dossier-base64.h"
#include "dossier-format-error.h"
#include "dossier-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The lists of document signer certificates (DSCs) that EU DCC verifiers
 * load: the DCC Gateway's trust list, a JSON array of items with
 * certificateType, country, kid and rawData (the DER certificate in
 * base64), as national backends also serve it wrapped in
 * {"certificates": [...]}; and the DSC trust list format,
 * {"dsc_trust_list": {"AT": {"keys": [{"kid", "x5c": [...]}]}}}.  Only
 * the certificates are read; each must have the key id the list gives
 * it, the first 8 bytes of the SHA-256 of its DER form.  Entries that do
 * not are refused, each with its reason; certificates of other types
 * (CSCA, upload, authentication) sign no health certificate and are left
 * out. */

typedef struct
{
  GPtrArray *certificates;
  GPtrArray *refused;
  guint      entries;
} Parse;

/* Standard base64, padded or not, checked strictly. */
static GBytes *
decode_base64 (const char *text)
{
  g_autoptr(GString) url = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (url, '-');
      else if (*p == '/')
        g_string_append_c (url, '_');
      else if (*p == '=')
        {
          if (p[1] != '\0' && (p[1] != '=' || p[2] != '\0'))
            return NULL;
          break;
        }
      else if (*p == '-' || *p == '_')
        return NULL;
      else if (!g_ascii_isspace (*p))
        g_string_append_c (url, *p);
    }
  return dossier_base64url_decode (url->str, url->len, NULL);
}

/* The country named in the certificate's subject, or NULL. */
static char *
subject_country (DossierCertificate *certificate)
{
  const char *subject = dossier_certificate_get_subject (certificate);
  const char *found = subject != NULL ? strstr (subject, "/C=") : NULL;

  if (found == NULL)
    return NULL;
  found += 3;
  return g_strndup (found, strcspn (found, "/"));
}

static void
refuse (Parse      *parse,
        const char *country,
        const char *kid,
        const char *why)
{
  g_ptr_array_add (parse->refused, g_strdup_printf (_("DSC %s of %s: %s"), kid != NULL ? kid : _("without a key id"),
                                                    country != NULL ? country : "?", why));
}

static void
add_certificate (Parse      *parse,
                 const char *country,
                 const char *kid,
                 const char *base64)
{
  g_autoptr(GBytes) der = base64 != NULL ? decode_base64 (base64) : NULL;
  g_autoptr(GBytes) listed = kid != NULL ? decode_base64 (kid) : NULL;
  g_autoptr(DossierCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *issued_in = NULL;
  GBytes *own;

  if (country == NULL || strlen (country) != 2)
    return refuse (parse, country, kid, _("the list names no two-letter country for it"));
  if (der == NULL)
    return refuse (parse, country, kid, _("its certificate is missing or not base64"));
  certificate = dossier_certificate_new_from_der (g_bytes_get_data (der, NULL), g_bytes_get_size (der), &error);
  if (certificate == NULL)
    return refuse (parse, country, kid, error->message);
  own = dossier_certificate_get_kid (certificate);
  actual = g_base64_encode (g_bytes_get_data (own, NULL), g_bytes_get_size (own));
  if (listed == NULL || !g_bytes_equal (listed, own))
    {
      g_autofree char *why = g_strdup_printf (_("the certificate’s key id is %s, not the one listed"), actual);

      return refuse (parse, country, kid, why);
    }
  issued_in = subject_country (certificate);
  if (issued_in != NULL && g_ascii_strcasecmp (issued_in, country) != 0)
    {
      g_autofree char *why = g_strdup_printf (_("the certificate was issued in %s"), issued_in);

      return refuse (parse, country, kid, why);
    }
  g_object_set_data_full (G_OBJECT (certificate), "dossier-anchor",
                          g_strdup_printf (_("DSC %s %s"), country, dossier_certificate_get_subject (certificate)), g_free);
  g_object_set_data_full (G_OBJECT (certificate), "dossier-dsc-country", g_ascii_strup (country, -1), g_free);
  g_ptr_array_add (parse->certificates, g_steal_pointer (&certificate));
}

static gboolean
counted (Parse   *parse,
         GError **error)
{
  if (++parse->entries <= DOSSIER_DSC_LIST_MAX_ENTRIES)
    return TRUE;
  g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
               _("The DSC list has more than %d entries"), DOSSIER_DSC_LIST_MAX_ENTRIES);
  return FALSE;
}

/* Gateway items: only those of type DSC are signers. */
static gboolean
parse_items (Parse      *parse,
             JsonArray  *items,
             GError    **error)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type = dossier_json_get_string (item, "certificateType");

      if (!counted (parse, error))
        return FALSE;
      if (item == NULL)
        refuse (parse, NULL, NULL, _("the entry is not an object"));
      else if (type == NULL || g_str_equal (type, "DSC"))
        add_certificate (parse, dossier_json_get_string (item, "country"), dossier_json_get_string (item, "kid"),
                         dossier_json_get_string (item, "rawData"));
    }
  return TRUE;
}

/* The DSC trust list: per country, keys whose x5c starts with the DSC. */
static gboolean
parse_trust_list (Parse       *parse,
                  JsonObject  *countries,
                  GError     **error)
{
  JsonObjectIter iter;
  const char *country;
  JsonNode *node;

  json_object_iter_init (&iter, countries);
  while (json_object_iter_next (&iter, &country, &node))
    {
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *keys = entry != NULL ? json_object_get_member (entry, "keys") : NULL;

      if (keys == NULL || !JSON_NODE_HOLDS_ARRAY (keys))
        {
          refuse (parse, country, NULL, _("the country’s entry has no list of keys"));
          continue;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (keys)); i++)
        {
          JsonNode *key_node = json_array_get_element (json_node_get_array (keys), i);
          JsonObject *key = JSON_NODE_HOLDS_OBJECT (key_node) ? json_node_get_object (key_node) : NULL;
          JsonNode *x5c = key != NULL ? json_object_get_member (key, "x5c") : NULL;
          JsonNode *first = x5c != NULL && JSON_NODE_HOLDS_ARRAY (x5c) && json_array_get_length (json_node_get_array (x5c)) > 0
                            ? json_array_get_element (json_node_get_array (x5c), 0) : NULL;

          if (!counted (parse, error))
            return FALSE;
          add_certificate (parse, country, dossier_json_get_string (key, "kid"),
                           first != NULL && JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING
                           ? json_node_get_string (first) : NULL);
        }
    }
  return TRUE;
}

static gboolean
list_of (JsonNode    *root,
         JsonArray  **items,
         JsonObject **countries)
{
  JsonObject *object;
  JsonNode *member;

  *items = NULL;
  *countries = NULL;
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);
      JsonNode *first = json_array_get_length (array) > 0 ? json_array_get_element (array, 0) : NULL;

      /* an empty array is no list of anything */
      if (first == NULL || !JSON_NODE_HOLDS_OBJECT (first) || !json_object_has_member (json_node_get_object (first), "rawData"))
        return FALSE;
      *items = array;
      return TRUE;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  if ((member = json_object_get_member (object, "certificates")) != NULL && JSON_NODE_HOLDS_ARRAY (member))
    *items = json_node_get_array (member);
  else if ((member = json_object_get_member (object, "dsc_trust_list")) != NULL && JSON_NODE_HOLDS_OBJECT (member))
    *countries = json_node_get_object (member);
  return *items != NULL || *countries != NULL;
}

/* Whether @data looks like one of the DSC lists (a cheap look first: the
 * JSON is parsed only when one of the forms' names is in it). */
gboolean
dossier_dsc_list_detect (const char *data,
                         gsize       length)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *items;
  JsonObject *countries;

  if (length > DOSSIER_DSC_LIST_MAX_SIZE ||
      (g_strstr_len (data, (gssize) length, "\"rawData\"") == NULL &&
       g_strstr_len (data, (gssize) length, "\"dsc_trust_list\"") == NULL))
    return FALSE;
  root = dossier_json_parse (data, length);
  return list_of (root, &items, &countries);
}

/* The DSCs of a list, each named after its country and subject (object
 * data "dossier-anchor") and knowing its country ("dossier-dsc-country").
 * The entries refused go to @refused as messages, when it is not NULL. */
GPtrArray *
dossier_dsc_list_parse (const char  *data,
                        gsize        length,
                        GPtrArray  **refused,
                        GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) certificates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  Parse parse = { certificates, reasons, 0 };
  JsonArray *items;
  JsonObject *countries;

  if (length > DOSSIER_DSC_LIST_MAX_SIZE)
    {
      g_set_error (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_TOO_LARGE,
                   _("The DSC list is larger than %d MiB"), DOSSIER_DSC_LIST_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  root = dossier_json_parse (data, length);
  if (!list_of (root, &items, &countries))
    {
      g_set_error_literal (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_UNKNOWN_FORMAT,
                           _("Not a list of document signer certificates"));
      return NULL;
    }
  if (items != NULL ? !parse_items (&parse, items, error) : !parse_trust_list (&parse, countries, error))
    return NULL;
  if (refused != NULL)
    *refused = g_steal_pointer (&reasons);
  return g_steal_pointer (&certificates);
}
