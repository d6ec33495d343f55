// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-catalog.h"

#include "dossier-issuer-roster.h"
#include "dossier-issuer-template.h"
#include "dossier-issuer-issue.h"
#include "dossier-json.h"
#include "dossier-jwk.h"

#include <glib/gi18n-lib.h>
#include <openssl/pem.h>
#include <string.h>

/* The diplomas and degrees the ministry holds, from the class lists in
 * rosters/ (as build-aux/make-demo-credentials.sh signs them for the
 * schools), and which template reads each list. */
static const struct
{
  const char *roster;
  const char *person;
  const char *template;   /* a built-in template, or a file in templates/ */
} roster_documents[] = {
  { "Bằng tốt nghiệp THPT (1996)", "Nguyễn Minh Đức", "thpt-diploma" },
  { "Bằng kỹ sư Công nghệ thông tin (2001)", "Nguyễn Minh Đức", "degree" },
  { "Bằng thạc sĩ Khoa học máy tính (2008)", "Nguyễn Minh Đức", "degree" },
  { "Bằng bác sĩ Y khoa (2005)", "Trần Thị Thu Hà", "degree" },
  { "Bằng tốt nghiệp THCS (2023)", "Nguyễn Minh Khang", "thcs-diploma.json" },
  { "Bằng tốt nghiệp THPT (2026)", "Nguyễn Minh Khang", "thpt-diploma" },
};

/* The one credential the ministry has revoked, and the one it issues
 * deferred, by their titles. */
#define REVOKED_TITLE  "Chứng nhận Quản lý dự án phần mềm (2015)"
#define DEFERRED_TITLE "Chứng nhận Tuần sinh hoạt công dân đầu khóa (2026)"

static void
document_free (DossierDemoDocument *document)
{
  g_free (document->id);
  g_free (document->title);
  g_clear_pointer (&document->credential, json_object_unref);
  g_free (document);
}

static void
person_free (DossierDemoPerson *person)
{
  g_free (person->id);
  g_free (person->name);
  g_free (person->birth_date);
  g_free (person->patient_id);
  g_clear_pointer (&person->patient, json_object_unref);
  g_ptr_array_unref (person->resources);
  g_ptr_array_unref (person->documents);
  g_free (person);
}

void
dossier_demo_catalog_free (DossierDemoCatalog *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_clear_pointer (&self->moet_p256, EVP_PKEY_free);
  g_clear_pointer (&self->moet_ed25519, EVP_PKEY_free);
  g_clear_pointer (&self->moh_p256, EVP_PKEY_free);
  g_free (self->moet_p256_kid);
  g_free (self->moet_ed25519_kid);
  g_free (self->moh_p256_kid);
  g_clear_pointer (&self->moet_jwks, json_node_unref);
  g_clear_pointer (&self->moh_jwks, json_node_unref);
  g_free (self);
}

static JsonNode *
read_json (const char  *path,
           GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  JsonNode *node;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  if (length > DOSSIER_DEMO_MAX_FILE || (node = dossier_json_parse (data, length)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is not a JSON file of at most 4 MB"), path);
      return NULL;
    }
  return node;
}

static EVP_PKEY *
read_key (const char  *dir,
          const char  *name,
          GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "services", name, NULL);
  g_autofree char *data = NULL;
  gsize length = 0;
  BIO *bio;
  EVP_PKEY *key;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  bio = BIO_new_mem_buf (data, (int) length);
  key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  if (key == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s holds no private key"), path);
  return key;
}

/* The key set in @name, and the kid of its key of @kty. */
static JsonNode *
read_key_set (const char  *dir,
              const char  *name,
              char       **p256_kid,
              char       **ed25519_kid,
              GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "services", name, NULL);
  g_autoptr(JsonNode) node = read_json (path, error);
  JsonArray *keys;

  if (node == NULL)
    return NULL;
  keys = JSON_NODE_HOLDS_OBJECT (node) ? dossier_json_get_array (json_node_get_object (node), "keys") : NULL;
  for (guint i = 0; keys != NULL && i < json_array_get_length (keys); i++)
    {
      JsonObject *key = json_array_get_object_element (keys, i);
      const char *kty = dossier_json_get_string (key, "kty");

      if (g_strcmp0 (kty, "EC") == 0 && p256_kid != NULL)
        *p256_kid = g_strdup (dossier_json_get_string (key, "kid"));
      else if (g_strcmp0 (kty, "OKP") == 0 && ed25519_kid != NULL)
        *ed25519_kid = g_strdup (dossier_json_get_string (key, "kid"));
    }
  if ((p256_kid != NULL && *p256_kid == NULL) || (ed25519_kid != NULL && *ed25519_kid == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s lacks a key with a kid"), path);
      return NULL;
    }
  return g_steal_pointer (&node);
}

static char *
slug (const char *text)
{
  g_autofree char *ascii = g_str_to_ascii (text, "C");
  GString *out = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
    else if (out->len > 0 && out->str[out->len - 1] != '-')
      g_string_append_c (out, '-');
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

static const char *
category_of (JsonObject *credential)
{
  JsonObject *subject = dossier_json_get_object (credential, "credentialSubject");
  const char *type = dossier_json_get_string (dossier_json_get_object (subject, "achievement"), "achievementType");

  if (type == NULL)
    return "badge";
  if (g_str_equal (type, "Diploma"))
    return "diploma";
  if (g_str_has_suffix (type, "Degree"))
    return "degree";
  if (g_str_has_prefix (type, "Certificate") || g_str_equal (type, "Certification") || g_str_equal (type, "Course") ||
      g_str_equal (type, "License"))
    return "certificate";
  return "badge";
}

static void
add_document (DossierDemoCatalog *self,
              DossierDemoPerson  *person,
              const char         *title,
              JsonObject         *credential)
{
  DossierDemoDocument *document = g_new0 (DossierDemoDocument, 1);
  g_autofree char *title_slug = slug (title);

  document->id = g_strconcat (person->id, ".", title_slug, NULL);
  document->title = g_strdup (title);
  document->category = category_of (credential);
  document->status_index = self->status_entries++;
  document->revoked = g_str_equal (title, REVOKED_TITLE);
  document->deferred = g_str_equal (title, DEFERRED_TITLE);
  document->person = person;
  json_object_remove_member (credential, "proof");
  json_object_remove_member (credential, "issuer");
  json_object_remove_member (credential, "credentialStatus");
  document->credential = json_object_ref (credential);
  g_ptr_array_add (person->documents, document);
}

static DossierDemoPerson *
person_by_name (DossierDemoCatalog *self,
                const char         *name)
{
  for (guint i = 0; i < self->people->len; i++)
    {
      DossierDemoPerson *person = g_ptr_array_index (self->people, i);

      if (g_str_equal (person->name, name))
        return person;
    }
  return NULL;
}

/* The diplomas and degrees, built from the class lists by the same code
 * dossier-issuer signs them with. */
static gboolean
load_rosters (DossierDemoCatalog  *self,
              const char          *dir,
              GError             **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < G_N_ELEMENTS (roster_documents); i++)
    {
      g_autofree char *file = g_strconcat (roster_documents[i].roster, ".csv", NULL);
      g_autofree char *path = g_build_filename (dir, "rosters", file, NULL);
      g_autofree char *template_path = NULL;
      g_autofree char *data = NULL;
      g_autoptr(DossierTemplate) template = NULL;
      g_autoptr(DossierRoster) roster = NULL;
      g_autoptr(GPtrArray) students = NULL;
      DossierDemoPerson *person = person_by_name (self, roster_documents[i].person);
      DossierIssuer issuer = { 0 };
      gsize length = 0;

      if (person == NULL)
        continue;
      if (g_str_has_suffix (roster_documents[i].template, ".json"))
        template_path = g_build_filename (dir, "templates", roster_documents[i].template, NULL);
      template = dossier_template_load (template_path != NULL ? template_path : roster_documents[i].template, error);
      if (template == NULL || !g_file_get_contents (path, &data, &length, error))
        return FALSE;
      roster = dossier_roster_parse (data, length);
      students = dossier_template_read_roster (template, roster);
      if (roster->problems->len > 0 || students->len == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The class list %s cannot be read"), path);
          return FALSE;
        }
      issuer.url = (char *) "https://moet.demo.invalid";
      issuer.id = issuer.url;
      issuer.name_vi = (char *) "Bộ Giáo dục và Đào tạo";
      for (guint k = 0; k < students->len; k++)
        {
          DossierStudent *student = g_ptr_array_index (students, k);
          g_autoptr(JsonObject) credential = NULL;

          if (g_strcmp0 (g_hash_table_lookup (student->values, "name"), person->name) != 0)
            continue;
          credential = dossier_issue_build_credential (&issuer, template, student, 0, now);
          add_document (self, person, roster_documents[i].roster, credential);
        }
    }
  return TRUE;
}

static gboolean
is_achievement (JsonObject *object)
{
  JsonArray *types = dossier_json_get_array (object, "type");

  for (guint i = 0; types != NULL && i < json_array_get_length (types); i++)
    if (g_strcmp0 (json_node_get_string (json_array_get_element (types, i)), "AchievementCredential") == 0)
      return TRUE;
  return FALSE;
}

/* Rewrites every "reference" of @node that names a bundle entry by its
 * fullUrl into the Type/id form a server answers with. */
static void
rewrite_references (JsonNode   *node,
                    GHashTable *full_urls)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      const char *reference = dossier_json_get_string (object, "reference");
      const char *local = reference != NULL ? g_hash_table_lookup (full_urls, reference) : NULL;
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        rewrite_references (json_object_get_member (object, l->data), full_urls);
      /* last: setting a member frees the names in @members */
      if (local != NULL)
        json_object_set_string_member (object, "reference", local);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        rewrite_references (json_array_get_element (array, i), full_urls);
    }
}

static void
add_bundle (DossierDemoPerson *person,
            JsonObject        *bundle,
            GHashTable        *seen)
{
  JsonArray *entries = dossier_json_get_array (bundle, "entry");
  g_autoptr(GHashTable) full_urls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *resource = dossier_json_get_object (entry, "resource");
      const char *full_url = dossier_json_get_string (entry, "fullUrl");

      if (full_url != NULL && dossier_json_get_string (resource, "resourceType") != NULL &&
          dossier_json_get_string (resource, "id") != NULL)
        g_hash_table_insert (full_urls, (gpointer) full_url,
                             g_strconcat (dossier_json_get_string (resource, "resourceType"), "/",
                                          dossier_json_get_string (resource, "id"), NULL));
    }
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *resource = dossier_json_get_object (json_array_get_object_element (entries, i), "resource");
      const char *type = dossier_json_get_string (resource, "resourceType");
      const char *id = dossier_json_get_string (resource, "id");
      g_autofree char *key = NULL;
      JsonNode *copy;

      if (type == NULL || id == NULL)
        continue;
      key = g_strconcat (type, "/", id, NULL);
      if (g_hash_table_contains (seen, key))
        continue;
      copy = json_node_copy (json_object_get_member (json_array_get_object_element (entries, i), "resource"));
      rewrite_references (copy, full_urls);
      g_hash_table_add (seen, g_steal_pointer (&key));
      if (g_str_equal (type, "Patient"))
        {
          if (person->patient == NULL)
            {
              person->patient = json_object_ref (json_node_get_object (copy));
              person->patient_id = g_strdup (id);
            }
        }
      else
        g_ptr_array_add (person->resources, json_object_ref (json_node_get_object (copy)));
      json_node_unref (copy);
    }
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The person's own folder: unsigned certificates and badges become the
 * ministry's credentials; FHIR bundles the health book. */
static gboolean
load_folder (DossierDemoCatalog  *self,
             DossierDemoPerson   *person,
             const char          *dir,
             const char          *folder,
             GError             **error)
{
  g_autofree char *path = g_build_filename (dir, folder, NULL);
  g_autoptr(GDir) listing = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (path, g_ptr_array_index (names, i), NULL);
      g_autofree char *title = g_strndup (g_ptr_array_index (names, i), strlen (g_ptr_array_index (names, i)) - 5);
      g_autoptr(JsonNode) node = read_json (file, error);
      JsonObject *object;

      if (node == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      if (g_strcmp0 (dossier_json_get_string (object, "resourceType"), "Bundle") == 0)
        add_bundle (person, object, seen);
      else if (is_achievement (object) && !json_object_has_member (object, "proof"))
        add_document (self, person, title, object);
    }
  return TRUE;
}

static gboolean
load_people (DossierDemoCatalog  *self,
             const char          *dir,
             GError             **error)
{
  g_autofree char *path = g_build_filename (dir, "people.json", NULL);
  g_autoptr(JsonNode) node = read_json (path, error);
  JsonArray *array;

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is not a list of people"), path);
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      DossierDemoPerson *person;

      if (dossier_json_get_string (entry, "id") == NULL || dossier_json_get_string (entry, "name") == NULL ||
          dossier_json_get_string (entry, "folder") == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("A person in %s lacks an id, a name or a folder"), path);
          return FALSE;
        }
      person = g_new0 (DossierDemoPerson, 1);
      person->id = g_strdup (dossier_json_get_string (entry, "id"));
      person->name = g_strdup (dossier_json_get_string (entry, "name"));
      person->birth_date = g_strdup (dossier_json_get_string (entry, "birth_date"));
      person->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      person->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) document_free);
      g_ptr_array_add (self->people, person);
      if (!load_folder (self, person, dir, dossier_json_get_string (entry, "folder"), error))
        return FALSE;
    }
  return TRUE;
}

DossierDemoCatalog *
dossier_demo_catalog_load (const char  *data_dir,
                           GError     **error)
{
  g_autoptr(DossierDemoCatalog) self = g_new0 (DossierDemoCatalog, 1);

  g_return_val_if_fail (data_dir != NULL, NULL);

  self->people = g_ptr_array_new_with_free_func ((GDestroyNotify) person_free);
  if ((self->moet_p256 = read_key (data_dir, "moet-p256.pem", error)) == NULL ||
      (self->moet_ed25519 = read_key (data_dir, "moet-ed25519.pem", error)) == NULL ||
      (self->moh_p256 = read_key (data_dir, "moh-p256.pem", error)) == NULL ||
      (self->moet_jwks = read_key_set (data_dir, "moet-jwks.json", &self->moet_p256_kid, &self->moet_ed25519_kid, error)) == NULL ||
      (self->moh_jwks = read_key_set (data_dir, "moh-jwks.json", &self->moh_p256_kid, NULL, error)) == NULL ||
      !load_people (self, data_dir, error) || !load_rosters (self, data_dir, error))
    return NULL;
  return g_steal_pointer (&self);
}

DossierDemoPerson *
dossier_demo_catalog_find_person (DossierDemoCatalog *self,
                                  const char         *id)
{
  for (guint i = 0; id != NULL && i < self->people->len; i++)
    if (g_str_equal (((DossierDemoPerson *) g_ptr_array_index (self->people, i))->id, id))
      return g_ptr_array_index (self->people, i);
  return NULL;
}

DossierDemoPerson *
dossier_demo_catalog_find_patient (DossierDemoCatalog *self,
                                   const char         *patient_id)
{
  for (guint i = 0; patient_id != NULL && i < self->people->len; i++)
    if (g_strcmp0 (((DossierDemoPerson *) g_ptr_array_index (self->people, i))->patient_id, patient_id) == 0)
      return g_ptr_array_index (self->people, i);
  return NULL;
}

DossierDemoDocument *
dossier_demo_catalog_find_document (DossierDemoCatalog *self,
                                    const char         *id)
{
  for (guint i = 0; id != NULL && i < self->people->len; i++)
    {
      DossierDemoPerson *person = g_ptr_array_index (self->people, i);

      for (guint k = 0; k < person->documents->len; k++)
        if (g_str_equal (((DossierDemoDocument *) g_ptr_array_index (person->documents, k))->id, id))
          return g_ptr_array_index (person->documents, k);
    }
  return NULL;
}
