// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo.h"

#include "dossier-json.h"

#include <glib/gi18n.h>
#include <string.h>

/* The demo vault: a fictional family (data/demo, see its SOURCES.md) whose
 * records are imported as any file would be, and whose diplomas' schools
 * the demo trusts. */

GFile *
dossier_demo_data_directory (void)
{
  if (g_file_test (DEMO_DATA_DIR, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (DEMO_DATA_DIR);
  return g_file_new_for_path (SOURCE_DEMO_DATA_DIR);
}

/* The demo family: data/demo/people.json names each person and the folder
 * of their records, owner first. */
typedef struct
{
  DossierWallet *wallet;
  GPtrArray     *persons;         /* as the new vault has them: the owner */
  JsonArray     *people;
  guint          next_person;
  gint64         person_id;
  DossierPerson *person;          /* being saved */
  GList         *files;
} DemoImport;

static void demo_next (GTask *task);

static void
demo_import_free (DemoImport *import)
{
  g_clear_pointer (&import->people, json_array_unref);
  g_clear_object (&import->person);
  g_clear_object (&import->wallet);
  g_clear_pointer (&import->persons, g_ptr_array_unref);
  g_list_free_full (import->files, g_object_unref);
  g_free (import);
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  g_autofree char *name_a = g_file_get_basename ((GFile *) a);
  g_autofree char *name_b = g_file_get_basename ((GFile *) b);

  return g_strcmp0 (name_a, name_b);
}

static GList *
list_record_files (GFile *dir)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GList *files = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NONE, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      const char *name = g_file_info_get_name (info);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
          !g_str_has_suffix (name, ".md") && g_strcmp0 (name, "people.json") != 0)
        files = g_list_prepend (files, g_file_get_child (dir, name));
      g_object_unref (info);
    }
  return g_list_sort (files, compare_files);
}

static void
on_demo_file_imported (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;

  records = dossier_wallet_import_file_finish (DOSSIER_WALLET (source), result, &error);
  if (records == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      g_warning ("Demo record not imported: %s", error->message);
      g_error_free (error);
    }
  demo_next (task);
}

static void
on_demo_person_saved (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  DemoImport *import = g_task_get_task_data (task);
  GError *error = NULL;

  import->person_id = dossier_person_get_id (import->person);
  g_clear_object (&import->person);
  if (!dossier_vault_save_person_finish (DOSSIER_VAULT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      g_warning ("Demo person not added: %s", error->message);
      g_error_free (error);
      g_list_free_full (g_steal_pointer (&import->files), g_object_unref);
    }
  demo_next (task);
}

static void
start_demo_person (DemoImport    *import,
                   DossierPerson *person,
                   JsonObject    *entry)
{
  g_autoptr(GFile) dir = dossier_demo_data_directory ();
  const char *folder = dossier_json_get_string (entry, "folder");

  import->person_id = dossier_person_get_id (person);
  if (folder != NULL && strchr (folder, '/') == NULL && strcmp (folder, "..") != 0)
    {
      g_autoptr(GFile) child = g_file_get_child (dir, folder);

      import->files = list_record_files (child);
    }
}

/* Imports the next file, or adds the next person; the task holds a
 * reference until it returns. */
static void
demo_next (GTask *task)
{
  DemoImport *import = g_task_get_task_data (task);
  DossierVault *vault = dossier_wallet_get_vault (import->wallet);

  if (import->files != NULL)
    {
      GList *first = import->files;

      import->files = g_list_remove_link (import->files, first);
      dossier_wallet_import_file_async (import->wallet, first->data, import->person_id, g_task_get_cancellable (task),
                                        on_demo_file_imported, task);
      g_list_free_full (first, g_object_unref);
      return;
    }
  if (import->people == NULL || import->next_person >= json_array_get_length (import->people))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  {
    JsonNode *node = json_array_get_element (import->people, import->next_person++);
    JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    const char *relation = entry != NULL ? dossier_json_get_string (entry, "relation") : NULL;
    g_autoptr(DossierPerson) person = NULL;

    if (entry == NULL || dossier_json_get_string (entry, "name") == NULL)
      {
        demo_next (task);
        return;
      }
    if (g_strcmp0 (relation, "owner") == 0)
      {
        /* The owner was made with the vault: find their number. */
        for (guint i = 0; import->persons != NULL && i < import->persons->len; i++)
          if (dossier_person_is_owner (g_ptr_array_index (import->persons, i)))
            start_demo_person (import, g_ptr_array_index (import->persons, i), entry);
        demo_next (task);
        return;
      }
    person = dossier_person_new (dossier_json_get_string (entry, "name"), relation ?: "other");
    dossier_person_set_birth_date (person, dossier_json_get_string (entry, "birth_date"));
    start_demo_person (import, person, entry);
    /* The saved person's number is known once the save returns. */
    import->person = g_object_ref (person);
    dossier_vault_save_person_async (vault, person, g_task_get_cancellable (task), on_demo_person_saved, task);
  }
}

JsonArray *
dossier_demo_read_people (void)
{
  g_autoptr(GFile) dir = dossier_demo_data_directory ();
  g_autoptr(GFile) file = g_file_get_child (dir, "people.json");
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize length;

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, NULL))
    return NULL;
  root = dossier_json_parse (contents, length);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  return json_array_ref (json_node_get_array (root));
}

static void
on_demo_owner_listed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  DemoImport *import = g_task_get_task_data (task);

  import->persons = dossier_vault_list_persons_finish (DOSSIER_VAULT (source), result, NULL);
  if (import->people == NULL)
    {
      /* With no list of people, every file is the owner's. */
      g_autoptr(GFile) dir = dossier_demo_data_directory ();

      import->files = list_record_files (dir);
    }
  demo_next (task);
}

static void
on_demo_anchor_added (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dossier_vault_add_anchor_finish (DOSSIER_VAULT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("A demo school is not trusted: %s", error->message);
}

static void
add_demo_anchor (DossierWallet *wallet,
                 GCancellable  *cancellable,
                 const char    *name,
                 const char    *scope,
                 const char    *path)
{
  g_autoptr(DossierTrustAnchor) anchor = NULL;
  g_autoptr(GBytes) material = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return;
  material = g_bytes_new_take (g_steal_pointer (&contents), length);
  anchor = dossier_trust_anchor_new (name, _("Dossier demo"), scope, material);
  dossier_trust_registry_add_anchor (dossier_wallet_get_trust (wallet), anchor);
  dossier_vault_add_anchor_async (dossier_wallet_get_vault (wallet), anchor, cancellable, on_demo_anchor_added, NULL);
}

/* The demo vault trusts the demo schools that signed its diplomas (see
 * data/demo/issuers): their did:web documents and their status lists,
 * added before the records so that these verify as they are imported. */
static void
trust_demo_schools (DossierWallet *wallet,
                    GCancellable  *cancellable)
{
  g_autoptr(GFile) demo = dossier_demo_data_directory ();
  g_autofree char *issuers = g_build_filename (g_file_peek_path (demo), "issuers", NULL);
  g_autoptr(GDir) dir = g_dir_open (issuers, 0, NULL);
  g_autoptr(GPtrArray) slugs = g_ptr_array_new_with_free_func (g_free);
  const char *slug;

  while (dir != NULL && (slug = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (slugs, g_strdup (slug));
  g_ptr_array_sort (slugs, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < slugs->len; i++)
    {
      const char *school = g_ptr_array_index (slugs, i);
      g_autofree char *description = g_build_filename (issuers, school, "issuer.json", NULL);
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) root = NULL;
      gsize length;
      const char *name = NULL;
      static const char * const files[] = { "did.json", "status/revocation.jwt", "status/suspension.jwt" };

      /* issuer.json names the school in Vietnamese and English. */
      if (g_file_get_contents (description, &text, &length, NULL) &&
          (root = dossier_json_parse (text, length)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *names = dossier_json_get_object (json_node_get_object (root), "name");

          name = names != NULL ? dossier_json_get_string (names, "vi") : NULL;
        }
      for (guint k = 0; k < G_N_ELEMENTS (files); k++)
        {
          g_autofree char *path = g_build_filename (issuers, school, files[k], NULL);
          g_autofree char *label = k == 0 ? g_strdup (name != NULL ? name : school)
                                          : g_strdup_printf (_("Status list of %s"), name != NULL ? name : school);

          add_demo_anchor (wallet, cancellable, label, "learning", path);
        }
    }
}

/**
 * dossier_demo_trust_services:
 *
 * Trusts the keys of the demo ministries (data/demo/services) that
 * dossier-demo-services signs with: the ministry of education's for
 * learning records, the ministry of health's for health records.
 */
void
dossier_demo_trust_services (DossierWallet *wallet,
                             GCancellable  *cancellable)
{
  g_autoptr(GFile) demo = dossier_demo_data_directory ();
  g_autofree char *moet = g_build_filename (g_file_peek_path (demo), "services", "moet-jwks.json", NULL);
  g_autofree char *moh = g_build_filename (g_file_peek_path (demo), "services", "moh-jwks.json", NULL);

  g_return_if_fail (DOSSIER_IS_WALLET (wallet));

  add_demo_anchor (wallet, cancellable, _("Ministry of Education and Training (demo)"), "learning", moet);
  add_demo_anchor (wallet, cancellable, _("Ministry of Health (demo)"), "health", moh);
}

/**
 * dossier_demo_fill_async:
 *
 * Fills the new, open vault of @wallet with the demo family: the people of
 * data/demo/people.json (the owner is the vault's), each one's records
 * imported through the normal path, and the demo schools trusted.
 */
void
dossier_demo_fill_async (DossierWallet       *wallet,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  DemoImport *import;

  g_return_if_fail (DOSSIER_IS_WALLET (wallet));

  task = g_task_new (wallet, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_demo_fill_async);
  import = g_new0 (DemoImport, 1);
  import->wallet = g_object_ref (wallet);
  import->people = dossier_demo_read_people ();
  g_task_set_task_data (task, import, (GDestroyNotify) demo_import_free);
  trust_demo_schools (wallet, cancellable);
  dossier_vault_list_persons_async (dossier_wallet_get_vault (wallet), cancellable, on_demo_owner_listed, task);
}

gboolean
dossier_demo_fill_finish (DossierWallet  *wallet,
                          GAsyncResult   *result,
                          GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, wallet), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
