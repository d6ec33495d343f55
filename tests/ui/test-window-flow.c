// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

/* Walks the real window over a real vault, as a user would, through GTK:
 * create a vault (with the mistakes first), lock and unlock it (a wrong
 * passphrase first), then on the demo vault switch sections, search with and
 * without diacritics, open a record, delete it and undo.  Each step keeps a
 * picture of the window in the build directory. */

#include "dossier-application.h"
#include "dossier-backup-schedule.h"
#include "dossier-backup-window.h"
#include "dossier-keyring.h"
#include "dossier-qr-image.h"
#include "dossier-recovery-key.h"
#include "dossier-record-model.h"
#include "dossier-preferences-window.h"
#include "dossier-record-view.h"
#include "dossier-restore-window.h"
#include "dossier-test-utils.h"
#include "gui-test-utils.h"
#include "dossier-window.h"

#include <glib/gstdio.h>
#include <string.h>

#define PASSPHRASE "correct horse battery staple"

static const char *shots_dir;
static char *private_tmp;
static guint shots;

static gpointer
child (GtkWidget  *window,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (window, DOSSIER_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
page_is (GtkWidget     *window,
         gconstpointer  name)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (child (window, "stack")), name) == 0;
}

static gboolean
label_shows (GtkWidget     *window,
             gconstpointer  name)
{
  GtkLabel *label = child (window, name);

  return gtk_widget_get_visible (GTK_WIDGET (label)) && *gtk_label_get_text (label) != '\0';
}

static GListModel *
list_model (GtkWidget  *window,
            const char *list)
{
  GtkSelectionModel *selection = gtk_list_view_get_model (child (window, list));

  return gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection));
}

/* The list is loaded and its first rows are read. */
static gboolean
list_settled (GtkWidget     *window,
              gconstpointer  list)
{
  GListModel *model = list_model (window, list);
  guint n = g_list_model_get_n_items (model);
  g_autoptr(DossierRecord) first = n > 0 ? g_list_model_get_item (model, 0) : NULL;

  return !dossier_record_model_get_loading (DOSSIER_RECORD_MODEL (model)) &&
         (first == NULL || !dossier_record_model_is_placeholder (first));
}

static GStrv
titles (GtkWidget  *window,
        const char *list)
{
  GListModel *model = list_model (window, list);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (model) && i < 50; i++)
    {
      g_autoptr(DossierRecord) record = g_list_model_get_item (model, i);

      g_strv_builder_add (builder, dossier_record_get_title (record));
    }
  return g_strv_builder_end (builder);
}

static gboolean
is_narrow (GtkWidget     *window,
           gconstpointer  data)
{
  return gtk_widget_get_width (window) <= 400;
}

static gboolean
is_wide (GtkWidget     *window,
         gconstpointer  data)
{
  return gtk_widget_get_width (window) >= 900 && !adw_leaflet_get_folded (child (window, "leaflet"));
}

static gboolean
is_folded (GtkWidget     *window,
           gconstpointer  data)
{
  return adw_leaflet_get_folded (child (window, "leaflet"));
}

static void
screenshot (GtkWidget  *window,
            const char *name)
{
  g_autofree char *file = g_strdup_printf ("window-flow-%02u-%s.png", ++shots, name);
  g_autofree char *path = g_build_filename (shots_dir, file, NULL);

  dossier_test_save_screenshot (window, path);
}

/* One application for the whole run, as in Dossier itself. */
static DossierApplication *
make_application (void)
{
  static DossierApplication *app;
  g_autoptr(GError) error = NULL;

  if (app == NULL)
    {
      app = dossier_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
    }
  return g_object_ref (app);
}

static void
test_create_lock_unlock (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault_dir = g_build_filename (dir, "vault", NULL);
  g_autoptr(DossierApplication) app = make_application ();
  g_autoptr(DossierWallet) wallet = dossier_wallet_new (vault_dir);
  GtkWidget *window = GTK_WIDGET (dossier_window_new (app, wallet, FALSE));

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (page_is (window, "create"));
  screenshot (window, "welcome");

  /* Too short, then two that differ: told on the page, nothing created. */
  gtk_editable_set_text (child (window, "create_entry"), "short");
  gtk_editable_set_text (child (window, "confirm_entry"), "short");
  g_signal_emit_by_name (child (window, "create_button"), "clicked");
  g_assert_true (label_shows (window, "create_error"));
  gtk_editable_set_text (child (window, "create_entry"), PASSPHRASE);
  g_assert_cmpfloat (gtk_level_bar_get_value (child (window, "strength_bar")), >=, 3);
  gtk_editable_set_text (child (window, "confirm_entry"), "correct horse battery stable");
  g_signal_emit_by_name (child (window, "create_button"), "clicked");
  g_assert_true (label_shows (window, "create_error"));
  g_assert_true (page_is (window, "create"));
  screenshot (window, "passphrases-differ");

  gtk_editable_set_text (child (window, "confirm_entry"), PASSPHRASE);
  g_signal_emit_by_name (child (window, "create_button"), "clicked");
  dossier_test_wait_until (window, page_is, "main", "the new vault opens");
  dossier_test_wait_until (window, list_settled, "learning_list", "the empty list is loaded");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "learning_stack")), ==, "empty");
  screenshot (window, "empty-vault");

  /* Lock: the unlock page, and the vault closed. */
  g_assert_true (gtk_widget_activate_action (window, "win.lock", NULL));
  dossier_test_wait_until (window, page_is, "unlock", "the vault locks");
  dossier_test_settle ();
  g_assert_false (dossier_vault_get_is_open (dossier_wallet_get_vault (wallet)));

  /* A wrong passphrase is told inline; the right one opens the vault. */
  gtk_editable_set_text (child (window, "unlock_entry"), "not the passphrase");
  g_signal_emit_by_name (child (window, "unlock_button"), "clicked");
  dossier_test_wait_until (window, label_shows, "unlock_error", "the wrong passphrase is reported");
  g_assert_true (page_is (window, "unlock"));
  screenshot (window, "wrong-passphrase");
  gtk_editable_set_text (child (window, "unlock_entry"), PASSPHRASE);
  g_signal_emit_by_name (child (window, "unlock_button"), "clicked");
  dossier_test_wait_until (window, page_is, "main", "the right passphrase opens the vault");
  g_assert_false (gtk_widget_get_visible (child (window, "unlock_error")));
  g_assert_true (dossier_vault_get_is_open (dossier_wallet_get_vault (wallet)));
  screenshot (window, "unlocked");

  gtk_window_destroy (GTK_WINDOW (window));
  dossier_test_settle ();
  dossier_test_rm_rf (dir);
}

static gboolean
titles_differ (GtkWidget     *window,
               gconstpointer  before)
{
  g_auto(GStrv) now = NULL;

  if (!list_settled (window, "learning_list"))
    return FALSE;
  now = titles (window, "learning_list");
  return !g_strv_equal ((const char * const *) now, before);
}

static void
search_for (GtkWidget  *window,
            const char *text)
{
  gtk_editable_set_text (child (window, "search_entry"), text);
  /* The search waits for typing to pause before it runs. */
  g_usleep (300000);
  dossier_test_settle ();
  dossier_test_wait_until (window, list_settled, "learning_list", "the search is done");
}

static gboolean
detail_shows_record (GtkWidget     *window,
                     gconstpointer  data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (child (window, "detail_stack")), "record") == 0;
}

static gboolean
holds (const char *data,
       gsize       length,
       const char *marker)
{
  gsize size = strlen (marker);

  for (gsize i = 0; i + size <= length; i++)
    if (data[i] == marker[0] && memcmp (data + i, marker, size) == 0)
      return TRUE;
  return FALSE;
}

/* Adds to @found every file under @path (changed since @since, in µs of
 * real time) that holds one of @markers. */
static void
scan_for_markers (const char         *path,
                  const char * const *markers,
                  gint64              since,
                  GPtrArray          *found)
{
  GStatBuf info;

  if (g_lstat (path, &info) != 0)
    return;
  if (S_ISDIR (info.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child_path = g_build_filename (path, name, NULL);

          scan_for_markers (child_path, markers, since, found);
        }
    }
  else if (S_ISREG (info.st_mode) && info.st_size < 256 * 1024 * 1024 &&
           (gint64) info.st_mtime * G_USEC_PER_SEC >= since - G_USEC_PER_SEC)
    {
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        return;
      for (guint i = 0; markers[i] != NULL; i++)
        if (holds (contents, length, markers[i]))
          {
            g_ptr_array_add (found, g_strdup (path));
            break;
          }
    }
}

/* --- backups ------------------------------------------------------------- */

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WIDGET (window);
    }
  return NULL;
}

static GtkWidget *
find_backup_window (void)
{
  return find_toplevel (DOSSIER_TYPE_BACKUP_WINDOW);
}

static gpointer
restore_child (GtkWidget  *restore,
               const char *name)
{
  GObject *object = gtk_widget_get_template_child (restore, DOSSIER_TYPE_RESTORE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
restore_failed (GtkWidget     *window,
                gconstpointer  data)
{
  GtkWidget *restore = find_toplevel (DOSSIER_TYPE_RESTORE_WINDOW);

  return restore != NULL && gtk_widget_get_visible (restore_child (restore, "error_label")) &&
         g_strcmp0 (gtk_stack_get_visible_child_name (restore_child (restore, "stack")), "form") == 0;
}

static gint64 count_records (DossierVault *vault);

/* On another computer, the welcome page restores @backup (sealed with the
 * recovery key @words) into a new vault: a file that is no backup and
 * other words are refused first. */
static void
check_restore_window (const char *dir,
                      const char *backup,
                      const char *words,
                      const char *other_words,
                      gint64      total)
{
  g_autofree char *other_dir = g_build_filename (dir, "other computer", NULL);
  g_autofree char *stranger = g_build_filename (dir, "not-a-backup.backup", NULL);
  g_autoptr(DossierApplication) app = make_application ();
  g_autoptr(DossierWallet) wallet = dossier_wallet_new (other_dir);
  g_autoptr(GFile) stranger_file = g_file_new_for_path (stranger);
  g_autoptr(GFile) backup_file = g_file_new_for_path (backup);
  GtkWidget *window = GTK_WIDGET (dossier_window_new (app, wallet, FALSE));
  GtkWidget *restore;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (page_is (window, "create"));
  g_assert_true (gtk_widget_activate_action (window, "win.restore", NULL));
  restore = find_toplevel (DOSSIER_TYPE_RESTORE_WINDOW);
  g_assert_nonnull (restore);

  g_assert_true (g_file_set_contents (stranger, "no backup here", -1, NULL));
  dossier_restore_window_use_file (DOSSIER_RESTORE_WINDOW (restore), stranger_file);
  g_assert_true (gtk_widget_get_visible (restore_child (restore, "error_label")));
  g_assert_false (gtk_widget_get_sensitive (restore_child (restore, "restore_button")));

  dossier_restore_window_use_file (DOSSIER_RESTORE_WINDOW (restore), backup_file);
  g_assert_false (gtk_widget_get_visible (restore_child (restore, "error_label")));
  g_assert_true (gtk_widget_get_visible (restore_child (restore, "words_entry")));
  g_assert_false (gtk_widget_get_visible (restore_child (restore, "passphrase_entry")));
  gtk_editable_set_text (restore_child (restore, "words_entry"), other_words);
  gtk_editable_set_text (restore_child (restore, "new_entry"), "mật khẩu máy mới");
  gtk_editable_set_text (restore_child (restore, "repeat_entry"), "mật khẩu máy mới");
  g_signal_emit_by_name (restore_child (restore, "restore_button"), "clicked");
  dossier_test_wait_until (window, restore_failed, NULL, "other words are refused");
  g_assert_false (dossier_vault_exists (dossier_wallet_get_vault (wallet)));
  screenshot (restore, "restore-refused");

  gtk_editable_set_text (restore_child (restore, "words_entry"), words);
  g_signal_emit_by_name (restore_child (restore, "restore_button"), "clicked");
  dossier_test_wait_until (window, page_is, "main", "the restored vault opens");
  g_assert_null (find_toplevel (DOSSIER_TYPE_RESTORE_WINDOW));
  g_assert_cmpint (count_records (dossier_wallet_get_vault (wallet)), ==, total);
  dossier_test_wait_until (window, list_settled, "learning_list", "the restored records are listed");
  g_assert_cmpuint (g_list_model_get_n_items (list_model (window, "learning_list")), >, 0);
  screenshot (window, "restored");
  gtk_window_destroy (GTK_WINDOW (window));
  dossier_test_settle ();
}

static gpointer
backup_child (GtkWidget  *backup,
              const char *name)
{
  GObject *object = gtk_widget_get_template_child (backup, DOSSIER_TYPE_BACKUP_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
backup_page_is (GtkWidget     *window,
                gconstpointer  name)
{
  GtkWidget *backup = find_backup_window ();

  return backup != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (backup_child (backup, "stack")), name) == 0;
}

static GtkWidget *
open_backup_window (GtkWidget *window)
{
  GtkWidget *backup;

  g_assert_true (gtk_widget_activate_action (window, "win.backup", NULL));
  backup = find_backup_window ();
  g_assert_nonnull (backup);
  dossier_test_wait_until (backup, dossier_test_is_drawn, NULL, "the backup window is on screen");
  g_assert_true (backup_page_is (window, "choose"));
  return backup;
}

/* The recovery key as the window shows it: 24 numbered words, down the
 * columns. */
static char *
shown_words (GtkWidget *backup)
{
  GtkGrid *grid = backup_child (backup, "words_grid");
  g_autoptr(GString) words = g_string_new (NULL);

  for (int i = 0; i < DOSSIER_RECOVERY_KEY_WORDS; i++)
    {
      GtkWidget *label = gtk_grid_get_child_at (grid, i / 8, i % 8);
      g_autofree char *number = g_strdup_printf ("%2d. ", i + 1);
      const char *text;

      g_assert_nonnull (label);
      text = gtk_label_get_text (GTK_LABEL (label));
      g_assert_true (g_str_has_prefix (text, number));
      if (i > 0)
        g_string_append_c (words, ' ');
      g_string_append (words, text + strlen (number));
    }
  return g_string_free (g_steal_pointer (&words), FALSE);
}

static gint64
count_records (DossierVault *vault)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count;

  dossier_vault_count_records_async (vault, NULL, NULL, dossier_test_store_result, &result);
  count = dossier_vault_count_records_finish (vault, dossier_test_wait (&result), &error);
  g_assert_no_error (error);
  return count;
}

/* Restores @backup into a new vault beside it and counts its records. */
static gint64
count_restored (const char *backup,
                const char *passphrase,
                const char *words)
{
  g_autofree char *target = g_strconcat (backup, "-restored", NULL);
  g_autoptr(DossierVault) vault = dossier_vault_new (target);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[DOSSIER_RECOVERY_KEY_SIZE];
  gint64 count;

  if (words != NULL)
    {
      g_assert_true (dossier_recovery_key_from_words (words, key, &error));
      g_assert_no_error (error);
    }
  dossier_vault_restore_async (vault, backup, passphrase, words != NULL ? key : NULL, "mật khẩu mới của kho",
                               &dossier_test_fast_kdf, NULL, dossier_test_store_result, &result);
  g_assert_true (dossier_vault_restore_finish (vault, dossier_test_wait (&result), &error));
  g_assert_no_error (error);
  count = count_records (vault);
  g_clear_object (&result);
  dossier_vault_lock_async (vault, NULL, dossier_test_store_result, &result);
  g_assert_true (dossier_vault_lock_finish (vault, dossier_test_wait (&result), NULL));
  return count;
}

static guint
count_automatic (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint count = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    count += g_str_has_prefix (name, "dossier-automatic-") && g_str_has_suffix (name, ".backup");
  return count;
}

static char *
newest_automatic (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autofree char *newest = NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "dossier-automatic-") && g_str_has_suffix (name, ".backup") &&
        g_strcmp0 (name, newest) > 0)
      {
        g_free (newest);
        newest = g_strdup (name);
      }
  g_assert_nonnull (newest);
  return g_build_filename (folder, newest, NULL);
}

static char *
run_schedule (DossierVault *vault,
              gboolean      force)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *path;

  dossier_backup_schedule_run_async (vault, settings, force, NULL, dossier_test_store_result, &result);
  path = dossier_backup_schedule_run_finish (dossier_test_wait (&result), &error);
  g_assert_no_error (error);
  return path;
}

static guint
count_anchors (DossierVault *vault)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) anchors = NULL;

  dossier_vault_list_anchors_async (vault, NULL, dossier_test_store_result, &result);
  anchors = dossier_vault_list_anchors_finish (vault, dossier_test_wait (&result), NULL);
  g_assert_nonnull (anchors);
  return anchors->len;
}

typedef struct
{
  DossierWallet *wallet;
  guint          expected;
} AnchorCount;

static gboolean
registry_holds (GtkWidget     *window,
                gconstpointer  data)
{
  const AnchorCount *count = data;

  return dossier_trust_registry_get_n_anchors (dossier_wallet_get_trust (count->wallet)) == count->expected;
}

static GtkWidget *
find_button_labelled (GtkWidget  *root,
                      const char *tooltip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_widget_get_tooltip_text (child), tooltip) == 0)
        return child;
      if ((found = find_button_labelled (child, tooltip)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
preferences_offer (GtkWidget     *window,
                   gconstpointer  tooltip)
{
  GtkWidget *preferences = find_toplevel (DOSSIER_TYPE_PREFERENCES_WINDOW);

  return preferences != NULL && find_button_labelled (preferences, tooltip) != NULL;
}

static gboolean
shown_title_is (GtkWidget     *window,
                gconstpointer  title)
{
  DossierRecord *record = dossier_record_view_get_record (child (window, "record_view"));

  return record != NULL && g_strcmp0 (dossier_record_get_title (record), title) == 0;
}

static gboolean
shown_summary_is_not (GtkWidget     *window,
                      gconstpointer  unexpected)
{
  DossierRecord *record = dossier_record_view_get_record (child (window, "record_view"));

  return record != NULL &&
         dossier_verdict_get_summary (dossier_record_get_verdict (record)) != (DossierVerdictSummary) GPOINTER_TO_INT (unexpected);
}

static gboolean
shown_summary_is (GtkWidget     *window,
                  gconstpointer  expected)
{
  DossierRecord *record = dossier_record_view_get_record (child (window, "record_view"));

  return record != NULL &&
         dossier_verdict_get_summary (dossier_record_get_verdict (record)) == (DossierVerdictSummary) GPOINTER_TO_INT (expected);
}

/* Opens the learning record titled @title. */
static void
open_learning_record (GtkWidget  *window,
                      const char *title)
{
  GListModel *model = list_model (window, "learning_list");

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DossierRecord) record = g_list_model_get_item (model, i);

      if (g_strcmp0 (dossier_record_get_title (record), title) == 0)
        {
          g_signal_emit_by_name (child (window, "learning_list"), "activate", i);
          dossier_test_wait_until (window, detail_shows_record, NULL, "the record is shown");
          return;
        }
    }
  g_error ("No learning record “%s”", title);
}

/* Preferences → Trust lists what the vault trusts; an issuer removed there
 * is no longer trusted by the window, one added from a file is, and a file
 * with no key is refused. */
static void
check_trust_page (GtkWidget     *window,
                  DossierWallet *wallet)
{
  DossierVault *vault = dossier_wallet_get_vault (wallet);
  g_autofree char *did = g_build_filename (SOURCE_DEMO_DATA_DIR, "issuers", "dh-y-ha-noi", "did.json", NULL);
  g_autofree char *people = g_build_filename (SOURCE_DEMO_DATA_DIR, "people.json", NULL);
  g_autoptr(GFile) did_file = g_file_new_for_path (did);
  g_autoptr(GFile) people_file = g_file_new_for_path (people);
  guint anchors = count_anchors (vault);
  AnchorCount count = { wallet, anchors };
  GtkWidget *preferences, *remove;

  /* Six schools, each with its did:web document and two status lists. */
  g_assert_cmpuint (anchors, ==, 18);
  g_assert_true (gtk_widget_activate_action (window, "win.preferences", NULL));
  preferences = find_toplevel (DOSSIER_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "trust");
  dossier_test_wait_until (window, preferences_offer, "Stop trusting Trường Đại học Y Hà Nội", "the trusted issuers are listed");
  remove = find_button_labelled (preferences, "Stop trusting Trường Đại học Y Hà Nội");
  screenshot (preferences, "trust");

  g_signal_emit_by_name (remove, "clicked");
  count.expected = anchors - 1;
  dossier_test_wait_until (window, registry_holds, &count, "the removed issuer is no longer trusted");
  g_assert_cmpuint (count_anchors (vault), ==, anchors - 1);

  /* The medical degree, checked again, is no longer from a trusted issuer
   * (and, its key being nowhere else, not shown as authentic either). */
  open_learning_record (window, "Bằng bác sĩ ngành Y khoa");
  g_assert_true (shown_summary_is (window, GINT_TO_POINTER (DOSSIER_VERDICT_VALID)));
  g_assert_true (gtk_widget_activate_action (window, "win.recheck-record", NULL));
  dossier_test_wait_until (window, shown_summary_is_not, GINT_TO_POINTER (DOSSIER_VERDICT_VALID), "the degree is checked again");
  {
    DossierVerdict *verdict = dossier_record_get_verdict (dossier_record_view_get_record (child (window, "record_view")));

    /* Offline, its did:web key cannot be fetched either. */
    g_assert_cmpint (dossier_verdict_get_state (verdict, DOSSIER_VERDICT_PART_TRUSTED), !=, DOSSIER_CHECK_PASSED);
  }

  dossier_preferences_window_trust_file (DOSSIER_PREFERENCES_WINDOW (preferences), people_file);
  dossier_test_settle ();
  g_assert_cmpuint (count_anchors (vault), ==, anchors - 1);

  dossier_preferences_window_trust_file (DOSSIER_PREFERENCES_WINDOW (preferences), did_file);
  count.expected = anchors;
  dossier_test_wait_until (window, registry_holds, &count, "the issuer is trusted again");
  dossier_test_wait_until (window, preferences_offer, "Stop trusting did.json", "the new issuer is listed");
  g_assert_true (gtk_widget_activate_action (window, "win.recheck-record", NULL));
  dossier_test_wait_until (window, shown_summary_is, GINT_TO_POINTER (DOSSIER_VERDICT_VALID), "the degree is trusted again");
  gtk_window_destroy (GTK_WINDOW (preferences));
  dossier_test_settle ();
}

/* Backups from the window: with a passphrase (after two mistakes), with a
 * recovery key shown once as words and a QR code, and automatic ones to a
 * folder; each restores into a new vault with every record. */
static void
check_backups (GtkWidget     *window,
               DossierWallet *wallet,
               const char    *dir)
{
  DossierVault *vault = dossier_wallet_get_vault (wallet);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *with_passphrase = g_build_filename (dir, "với mật khẩu.backup", NULL);
  g_autofree char *with_key = g_build_filename (dir, "key.backup", NULL);
  g_autofree char *folder = g_build_filename (dir, "automatic", NULL);
  g_autoptr(GFile) passphrase_file = g_file_new_for_path (with_passphrase);
  g_autoptr(GFile) key_file = g_file_new_for_path (with_key);
  g_autoptr(GFile) folder_file = g_file_new_for_path (folder);
  g_autofree char *words = NULL;
  g_autofree char *automatic_words = NULL;
  g_autofree char *first = NULL;
  g_autofree char *path = NULL;
  gint64 total = count_records (vault);
  GtkWidget *backup;

  g_assert_cmpint (total, >, 0);

  /* A passphrase: too short, then two that differ, then right. */
  backup = open_backup_window (window);
  screenshot (backup, "backup");
  gtk_editable_set_text (backup_child (backup, "passphrase_entry"), "ngắn");
  gtk_editable_set_text (backup_child (backup, "confirm_entry"), "ngắn");
  g_signal_emit_by_name (backup_child (backup, "save_button"), "clicked");
  g_assert_true (gtk_widget_get_visible (backup_child (backup, "error_label")));
  gtk_editable_set_text (backup_child (backup, "passphrase_entry"), "mật khẩu sao lưu");
  gtk_editable_set_text (backup_child (backup, "confirm_entry"), "mật khẩu sao lưu!");
  dossier_backup_window_save_to (DOSSIER_BACKUP_WINDOW (backup), passphrase_file);
  g_assert_true (gtk_widget_get_visible (backup_child (backup, "error_label")));
  g_assert_false (g_file_test (with_passphrase, G_FILE_TEST_EXISTS));
  gtk_editable_set_text (backup_child (backup, "confirm_entry"), "mật khẩu sao lưu");
  dossier_backup_window_save_to (DOSSIER_BACKUP_WINDOW (backup), passphrase_file);
  dossier_test_wait_until (window, backup_page_is, "done", "the backup with a passphrase is saved");
  screenshot (backup, "backup-saved");
  gtk_window_destroy (GTK_WINDOW (backup));
  dossier_test_settle ();
  g_assert_cmpint (count_restored (with_passphrase, "mật khẩu sao lưu", NULL), ==, total);

  /* A recovery key: shown as words and a QR code; Continue waits for the
   * promise that they are written down. */
  backup = open_backup_window (window);
  gtk_check_button_set_active (backup_child (backup, "key_check"), TRUE);
  g_assert_false (gtk_widget_get_visible (backup_child (backup, "passphrase_entry")));
  g_signal_emit_by_name (backup_child (backup, "save_button"), "clicked");
  g_assert_true (backup_page_is (window, "key"));
  g_assert_nonnull (gtk_picture_get_paintable (backup_child (backup, "qr_picture")));
  g_assert_false (gtk_widget_get_sensitive (backup_child (backup, "key_button")));
  words = shown_words (backup);
  {
    /* The QR code reads back as the same words. */
    GdkTexture *texture = GDK_TEXTURE (gtk_picture_get_paintable (backup_child (backup, "qr_picture")));
    g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (texture);
    g_autoptr(GPtrArray) texts = NULL;
    g_autoptr(GError) error = NULL;

    texts = dossier_qr_image_decode (png, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (texts->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (texts, 0), ==, words);
  }
  screenshot (backup, "recovery-key");
  gtk_check_button_set_active (backup_child (backup, "written_check"), TRUE);
  g_assert_true (gtk_widget_get_sensitive (backup_child (backup, "key_button")));
  dossier_backup_window_save_to (DOSSIER_BACKUP_WINDOW (backup), key_file);
  dossier_test_wait_until (window, backup_page_is, "done", "the backup with a recovery key is saved");
  /* The words are gone from the window once the backup is written. */
  g_assert_null (gtk_widget_get_first_child (backup_child (backup, "words_grid")));
  gtk_window_destroy (GTK_WINDOW (backup));
  dossier_test_settle ();
  g_assert_cmpint (count_restored (with_key, NULL, words), ==, total);

  /* Automatic backups: a folder, then their own recovery key, then the
   * first backup at once. */
  backup = open_backup_window (window);
  dossier_backup_window_use_folder (DOSSIER_BACKUP_WINDOW (backup), folder_file);
  g_assert_false (gtk_switch_get_active (backup_child (backup, "auto_switch")));
  gtk_switch_set_active (backup_child (backup, "auto_switch"), TRUE);
  g_assert_true (backup_page_is (window, "key"));
  automatic_words = shown_words (backup);
  g_assert_cmpstr (automatic_words, !=, words);
  gtk_check_button_set_active (backup_child (backup, "written_check"), TRUE);
  g_signal_emit_by_name (backup_child (backup, "key_button"), "clicked");
  dossier_test_wait_until (window, backup_page_is, "done", "automatic backups are turned on");
  g_assert_true (gtk_switch_get_state (backup_child (backup, "auto_switch")));
  screenshot (backup, "automatic-on");
  gtk_window_destroy (GTK_WINDOW (backup));
  dossier_test_settle ();
  g_assert_true (dossier_backup_schedule_is_on (settings));
  g_assert_cmpuint (count_automatic (folder), ==, 1);
  first = newest_automatic (folder);
  g_assert_cmpint (count_restored (first, NULL, automatic_words), ==, total);

  /* Not due again within the interval; due once the last is old; only the
   * newest five are kept. */
  g_assert_null (run_schedule (vault, FALSE));
  {
    g_autoptr(GAsyncResult) result = NULL;

    dossier_vault_set_setting_async (vault, DOSSIER_BACKUP_SCHEDULE_LAST, "2020-01-01T00:00:00Z", NULL,
                                     dossier_test_store_result, &result);
    g_assert_true (dossier_vault_set_setting_finish (vault, dossier_test_wait (&result), NULL));
  }
  path = run_schedule (vault, FALSE);
  g_assert_nonnull (path);
  g_assert_cmpuint (count_automatic (folder), ==, 2);
  for (guint i = 0; i < DOSSIER_BACKUP_SCHEDULE_KEEP + 2; i++)
    g_free (run_schedule (vault, TRUE));
  g_assert_cmpuint (count_automatic (folder), ==, DOSSIER_BACKUP_SCHEDULE_KEEP);
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));

  /* Turned off, the folder is forgotten and nothing more is written. */
  backup = open_backup_window (window);
  g_assert_true (gtk_switch_get_active (backup_child (backup, "auto_switch")));
  gtk_switch_set_active (backup_child (backup, "auto_switch"), FALSE);
  dossier_test_settle ();
  g_assert_false (dossier_backup_schedule_is_on (settings));
  g_assert_null (run_schedule (vault, TRUE));
  gtk_window_destroy (GTK_WINDOW (backup));
  dossier_test_settle ();

  check_restore_window (dir, with_key, words, automatic_words, total);
}

static void
test_demo (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault_dir = g_build_filename (dir, "demo", NULL);
  g_autoptr(DossierApplication) app = make_application ();
  g_autoptr(DossierWallet) wallet = dossier_wallet_new (vault_dir);
  GtkWidget *window = GTK_WIDGET (dossier_window_new (app, wallet, TRUE));
  g_auto(GStrv) all = NULL;
  g_auto(GStrv) with_marks = NULL;
  g_auto(GStrv) without_marks = NULL;
  g_autoptr(DossierRecord) first = NULL;
  g_autofree char *first_title = NULL;
  guint count;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  dossier_test_wait_until (window, page_is, "main", "the demo vault is filled and open");
  dossier_test_wait_until (window, list_settled, "learning_list", "the learning records are listed");
  all = titles (window, "learning_list");
  g_assert_cmpuint (g_strv_length (all), >, 0);
  screenshot (window, "demo-learning");

  /* The diplomas the demo schools signed are authentic, from a trusted
   * issuer and not revoked: the demo vault trusts those schools. */
  {
    DossierVault *vault = dossier_wallet_get_vault (wallet);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) records = NULL;
    guint signed_valid = 0;

    dossier_vault_query_records_async (vault, NULL, NULL, dossier_test_store_result, &result);
    records = dossier_vault_query_records_finish (vault, dossier_test_wait (&result), NULL);
    g_assert_nonnull (records);
    for (guint i = 0; i < records->len; i++)
      {
        DossierRecord *record = g_ptr_array_index (records, i);
        const char *format = dossier_record_get_format (record);

        if (g_strcmp0 (format, "vc-jwt") == 0 || g_strcmp0 (format, "vc-di") == 0 || g_strcmp0 (format, "sd-jwt") == 0)
          {
            if (dossier_verdict_get_summary (dossier_record_get_verdict (record)) != DOSSIER_VERDICT_VALID)
              g_error ("“%s” (%s) is not valid: %s", dossier_record_get_title (record), format,
                       dossier_verdict_get_reason (dossier_record_get_verdict (record), DOSSIER_VERDICT_PART_CURRENT));
            signed_valid++;
          }
      }
    g_assert_cmpuint (signed_valid, ==, 6);
    g_assert_cmpuint (dossier_trust_registry_get_n_anchors (dossier_wallet_get_trust (wallet)), >=, 6);
  }
  check_trust_page (window, wallet);

  /* Sections. */
  adw_view_stack_set_visible_child_name (child (window, "view_stack"), "health");
  dossier_test_wait_until (window, list_settled, "health_list", "the health records are listed");
  screenshot (window, "demo-health");
  g_assert_true (gtk_widget_activate_action (window, "win.section", "s", "activity"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (child (window, "view_stack")), ==, "activity");
  dossier_test_settle ();
  g_assert_nonnull (gtk_widget_get_first_child (child (window, "activity_list")));
  screenshot (window, "demo-activity");

  /* Search from anywhere goes to the records; diacritics do not matter. */
  g_assert_true (gtk_widget_activate_action (window, "win.search", NULL));
  g_assert_true (gtk_search_bar_get_search_mode (child (window, "search_bar")));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (child (window, "view_stack")), ==, "learning");
  search_for (window, "tốt nghiệp");
  with_marks = titles (window, "learning_list");
  g_assert_cmpuint (g_strv_length (with_marks), >, 0);
  g_assert_cmpuint (g_strv_length (with_marks), <=, g_strv_length (all));
  screenshot (window, "search");
  search_for (window, "TOT NGHIEP");
  without_marks = titles (window, "learning_list");
  g_assert_true (g_strv_equal ((const char * const *) with_marks, (const char * const *) without_marks));
  search_for (window, "zzqxv");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "learning_stack")), ==, "empty");
  screenshot (window, "no-results");
  gtk_search_bar_set_search_mode (child (window, "search_bar"), FALSE);
  g_usleep (300000);
  dossier_test_settle ();
  dossier_test_wait_until (window, titles_differ, with_marks, "the full list is back");

  /* Open the first record: its details and verdict are shown. */
  first = g_list_model_get_item (list_model (window, "learning_list"), 0);
  first_title = g_strdup (dossier_record_get_title (first));
  g_signal_emit_by_name (child (window, "learning_list"), "activate", 0);
  dossier_test_wait_until (window, shown_title_is, first_title, "the record is shown");
  g_assert_cmpstr (dossier_record_get_title (dossier_record_view_get_record (child (window, "record_view"))), ==,
                   first_title);
  g_assert_nonnull (dossier_record_get_original (dossier_record_view_get_record (child (window, "record_view"))));
  screenshot (window, "record");

  /* At phone width the list and the record fold into one pane: the record
   * is in front, and going back shows the list. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  dossier_test_wait_until (window, is_narrow, NULL, "the window is narrow");
  dossier_test_wait_until (window, is_folded, NULL, "the panes fold");
  g_assert_true (adw_leaflet_get_visible_child (child (window, "leaflet")) == child (window, "detail_pane"));
  screenshot (window, "narrow-record");
  g_assert_true (gtk_widget_activate_action (window, "win.back", NULL));
  dossier_test_settle ();
  g_assert_true (adw_leaflet_get_visible_child (child (window, "leaflet")) == child (window, "browse_pane"));
  screenshot (window, "narrow-list");
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  dossier_test_wait_until (window, is_wide, NULL, "the window is wide again");

  /* Delete it, then undo. */
  count = g_list_model_get_n_items (list_model (window, "learning_list"));
  g_assert_true (gtk_widget_activate_action (window, "win.delete-record", NULL));
  dossier_test_settle ();
  dossier_test_wait_until (window, list_settled, "learning_list", "the list after deleting");
  g_assert_cmpuint (g_list_model_get_n_items (list_model (window, "learning_list")), ==, count - 1);
  screenshot (window, "deleted");
  g_assert_true (gtk_widget_activate_action (window, "win.undo-delete", NULL));
  dossier_test_settle ();
  dossier_test_wait_until (window, list_settled, "learning_list", "the list after undoing");
  g_assert_cmpuint (g_list_model_get_n_items (list_model (window, "learning_list")), ==, count);
  {
    g_auto(GStrv) back = titles (window, "learning_list");

    g_assert_true (g_strv_contains ((const char * const *) back, first_title));
  }
  screenshot (window, "undone");

  check_backups (window, wallet, dir);

  /* Locking leaves no record in the widgets, and closes a backup window
   * showing a recovery key. */
  {
    GtkWidget *backup = open_backup_window (window);

    gtk_check_button_set_active (backup_child (backup, "key_check"), TRUE);
    g_signal_emit_by_name (backup_child (backup, "save_button"), "clicked");
    g_assert_true (backup_page_is (window, "key"));
  }
  g_assert_true (gtk_widget_activate_action (window, "win.lock", NULL));
  dossier_test_wait_until (window, page_is, "unlock", "the demo vault locks");
  g_assert_cmpuint (g_list_model_get_n_items (list_model (window, "learning_list")), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (list_model (window, "health_list")), ==, 0);
  g_assert_null (gtk_widget_get_first_child (child (window, "activity_list")));
  g_assert_null (dossier_record_view_get_record (child (window, "record_view")));
  dossier_test_settle ();
  g_assert_null (find_backup_window ());
  g_assert_cmpuint (dossier_trust_registry_get_n_anchors (dossier_wallet_get_trust (wallet)), ==, 0);

  /* Unlocked again, the records and the trust come back; then locked for
   * good before the files are searched. */
  gtk_editable_set_text (child (window, "unlock_entry"), DOSSIER_DEMO_PASSPHRASE);
  g_signal_emit_by_name (child (window, "unlock_button"), "clicked");
  dossier_test_wait_until (window, page_is, "main", "the demo vault opens again");
  dossier_test_wait_until (window, list_settled, "learning_list", "the learning records are listed again");
  g_assert_cmpuint (g_list_model_get_n_items (list_model (window, "learning_list")), ==, g_strv_length (all));
  {
    AnchorCount anchors = { wallet, 18 };

    dossier_test_wait_until (window, registry_holds, &anchors, "the vault’s trust is loaded again");
  }
  g_assert_true (gtk_widget_activate_action (window, "win.lock", NULL));
  dossier_test_wait_until (window, page_is, "unlock", "the demo vault locks again");
  dossier_test_settle ();

  /* Nothing of the records was written in the clear: not in the vault's
   * folder nor the backups, nor in the cache, runtime and temporary folders (private to
   * this run, see main()). */
  {
    const char *markers[] = { "Amlodipin", "Nguyễn Minh Đức", "Chu Văn An", NULL };
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

    /* The vault, the backups and the vaults restored from them. */
    scan_for_markers (dir, markers, 0, found);
    scan_for_markers (g_get_user_cache_dir (), markers, 0, found);
    scan_for_markers (g_get_user_runtime_dir (), markers, 0, found);
    scan_for_markers (private_tmp, markers, 0, found);
    for (guint i = 0; i < found->len; i++)
      g_printerr ("record text in the clear: %s\n", (char *) g_ptr_array_index (found, i));
    g_assert_cmpuint (found->len, ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  dossier_test_settle ();
  dossier_test_rm_rf (dir);
}

static void
emit (GBusType    bus,
      const char *path,
      const char *interface,
      const char *member,
      GVariant   *parameters)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (bus, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (connection);
  g_assert_true (g_dbus_connection_emit_signal (connection, NULL, path, interface, member, parameters, &error));
  g_assert_no_error (error);
  g_dbus_connection_flush_sync (connection, NULL, NULL);
}

static void
unlock (GtkWidget *window)
{
  gtk_editable_set_text (child (window, "unlock_entry"), PASSPHRASE);
  g_signal_emit_by_name (child (window, "unlock_button"), "clicked");
  dossier_test_wait_until (window, page_is, "main", "the vault opens");
  dossier_test_settle ();
}

/* The session locking its screen, logind asking it to lock, the computer
 * going to sleep, and a while without input: each locks the vault.  The
 * buses are the private ones main() starts. */
static void
test_session_locks (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault_dir = g_build_filename (dir, "vault", NULL);
  g_autoptr(DossierApplication) app = make_application ();
  g_autoptr(DossierWallet) wallet = dossier_wallet_new (vault_dir);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *window = GTK_WIDGET (dossier_window_new (app, wallet, FALSE));
  DossierVault *vault = dossier_wallet_get_vault (wallet);
  gint64 idle_start;

  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (child (window, "create_entry"), PASSPHRASE);
  gtk_editable_set_text (child (window, "confirm_entry"), PASSPHRASE);
  g_signal_emit_by_name (child (window, "create_button"), "clicked");
  dossier_test_wait_until (window, page_is, "main", "the new vault opens");
  dossier_test_settle ();

  /* The screen saver turning off changes nothing; turning on locks. */
  emit (G_BUS_TYPE_SESSION, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged",
        g_variant_new ("(b)", FALSE));
  dossier_test_settle ();
  g_assert_true (page_is (window, "main"));
  emit (G_BUS_TYPE_SESSION, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged",
        g_variant_new ("(b)", TRUE));
  dossier_test_wait_until (window, page_is, "unlock", "the screen saver locks the vault");
  dossier_test_settle ();
  g_assert_false (dossier_vault_get_is_open (vault));

  unlock (window);
  emit (G_BUS_TYPE_SYSTEM, "/org/freedesktop/login1/session/_31", "org.freedesktop.login1.Session", "Lock", NULL);
  dossier_test_wait_until (window, page_is, "unlock", "logind's Lock locks the vault");
  dossier_test_settle ();
  g_assert_false (dossier_vault_get_is_open (vault));

  unlock (window);
  emit (G_BUS_TYPE_SYSTEM, "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep",
        g_variant_new ("(b)", TRUE));
  dossier_test_wait_until (window, page_is, "unlock", "going to sleep locks the vault");
  dossier_test_settle ();
  g_assert_false (dossier_vault_get_is_open (vault));

  /* A minute without input (the shortest setting) locks it too. */
  unlock (window);
  g_settings_set_uint (settings, "auto-lock-minutes", 1);
  idle_start = g_get_monotonic_time ();
  dossier_test_wait_seconds_until (window, 120, page_is, "unlock", "a minute without input locks the vault");
  g_assert_cmpint (g_get_monotonic_time () - idle_start, >=, 55 * G_USEC_PER_SEC);
  dossier_test_settle ();
  g_assert_false (dossier_vault_get_is_open (vault));
  g_settings_reset (settings, "auto-lock-minutes");

  gtk_window_destroy (GTK_WINDOW (window));
  dossier_test_settle ();
  dossier_test_rm_rf (dir);
}

static gboolean keyring_running;

/* A keyring daemon on the test's bus, its login keyring in the run's own
 * folder, created and unlocked with a password as a login would. */
static void
start_keyring (const char *home)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) daemon = NULL;
  g_autofree char *data = g_build_filename (home, "data", NULL);

  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  daemon = g_subprocess_launcher_spawn (launcher, NULL, "gnome-keyring-daemon", "--unlock", "--components=secrets", NULL);
  if (daemon == NULL)
    return;
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (daemon), "keyring", 7, NULL, NULL, NULL);
  g_output_stream_close (g_subprocess_get_stdin_pipe (daemon), NULL, NULL);
  keyring_running = g_subprocess_wait_check (daemon, NULL, NULL);
}

static void
on_lookup (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  char **passphrase = user_data;

  *passphrase = dossier_keyring_lookup_finish (result, NULL);
  if (*passphrase == NULL)
    *passphrase = g_strdup ("");
}

static char *
remembered (const char *vault_dir)
{
  char *passphrase = NULL;

  dossier_keyring_lookup_async (vault_dir, NULL, on_lookup, &passphrase);
  while (passphrase == NULL)
    g_main_context_iteration (NULL, TRUE);
  return passphrase;
}

static gboolean
keyring_holds (GtkWidget     *window,
               gconstpointer  vault_dir)
{
  g_autofree char *passphrase = remembered (vault_dir);

  return g_strcmp0 (passphrase, PASSPHRASE) == 0;
}

static gboolean
keyring_empty (GtkWidget     *window,
               gconstpointer  vault_dir)
{
  g_autofree char *passphrase = remembered (vault_dir);

  return *passphrase == '\0';
}

/* With "remember" on, an unlock puts the passphrase in the keyring; a new
 * window then opens the vault without asking, unless "start locked" is on;
 * turning "remember" off takes it out of the keyring. */
static void
test_remembered (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault_dir = g_build_filename (dir, "vault", NULL);
  g_autoptr(DossierApplication) app = make_application ();
  g_autoptr(DossierWallet) wallet = dossier_wallet_new (vault_dir);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *window;

  if (!keyring_running)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }
  window = GTK_WIDGET (dossier_window_new (app, wallet, FALSE));
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (child (window, "create_entry"), PASSPHRASE);
  gtk_editable_set_text (child (window, "confirm_entry"), PASSPHRASE);
  g_signal_emit_by_name (child (window, "create_button"), "clicked");
  dossier_test_wait_until (window, page_is, "main", "the new vault opens");

  /* Off by default: an unlock leaves the keyring alone. */
  g_assert_true (gtk_widget_activate_action (window, "win.lock", NULL));
  dossier_test_wait_until (window, page_is, "unlock", "the vault locks");
  unlock (window);
  g_assert_true (keyring_empty (window, vault_dir));

  g_settings_set_boolean (settings, "remember-passphrase", TRUE);
  g_settings_set_boolean (settings, "start-locked", FALSE);
  g_assert_true (gtk_widget_activate_action (window, "win.lock", NULL));
  dossier_test_wait_until (window, page_is, "unlock", "the vault locks");
  unlock (window);
  dossier_test_wait_until (window, keyring_holds, vault_dir, "the keyring holds the passphrase");
  g_assert_true (gtk_widget_activate_action (window, "win.lock", NULL));
  dossier_test_wait_until (window, page_is, "unlock", "the vault locks");
  gtk_window_destroy (GTK_WINDOW (window));
  dossier_test_settle ();

  /* Dossier starting again opens the vault by itself. */
  window = GTK_WIDGET (dossier_window_new (app, wallet, FALSE));
  gtk_window_present (GTK_WINDOW (window));
  dossier_test_wait_until (window, page_is, "main", "the remembered passphrase opens the vault");
  screenshot (window, "remembered");
  g_assert_true (gtk_widget_activate_action (window, "win.lock", NULL));
  dossier_test_wait_until (window, page_is, "unlock", "the vault locks");
  gtk_window_destroy (GTK_WINDOW (window));
  dossier_test_settle ();

  /* Start locked: the passphrase is asked for all the same. */
  g_settings_set_boolean (settings, "start-locked", TRUE);
  window = GTK_WIDGET (dossier_window_new (app, wallet, FALSE));
  gtk_window_present (GTK_WINDOW (window));
  dossier_test_settle ();
  g_assert_true (page_is (window, "unlock"));
  g_assert_false (dossier_vault_get_is_open (dossier_wallet_get_vault (wallet)));

  /* Forgetting takes it out of the keyring. */
  g_settings_set_boolean (settings, "remember-passphrase", FALSE);
  dossier_test_wait_until (window, keyring_empty, vault_dir, "the keyring forgets the passphrase");
  g_settings_reset (settings, "start-locked");
  g_settings_reset (settings, "remember-passphrase");
  gtk_window_destroy (GTK_WINDOW (window));
  dossier_test_settle ();
  dossier_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  GTestDBus *bus;
  g_autofree char *keyring_home = NULL;
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  int status;

  /* A private bus, standing for both the session and the system bus, so
   * that the test can play the screen saver and logind. */
  /* Cache, runtime and temporary folders of the run's own, to search for
   * leaks (GLib and SQLite take TMPDIR). */
  {
    g_autofree char *home = dossier_test_make_tmpdir ();
    g_autofree char *cache = g_build_filename (home, "cache", NULL);
    g_autofree char *runtime = g_build_filename (home, "runtime", NULL);

    g_mkdir_with_parents (cache, 0700);
    g_mkdir_with_parents (runtime, 0700);
    private_tmp = g_build_filename (home, "tmp", NULL);
    g_mkdir_with_parents (private_tmp, 0700);
    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
    g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
    g_setenv ("TMPDIR", private_tmp, TRUE);
    keyring_home = g_build_filename (home, "keyring", NULL);
    g_mkdir_with_parents (keyring_home, 0700);
  }
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);
  /* Starting the bus clears DISPLAY, which the window needs. */
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  /* The private bus has no accessibility bus; the AT-SPI walk is
   * test-window.py's. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  start_keyring (keyring_home);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  shots_dir = g_getenv ("DOSSIER_SCREENSHOTS") ?: ".";
  g_mkdir_with_parents (shots_dir, 0755);
  g_test_add_func ("/window/create-lock-unlock", test_create_lock_unlock);
  g_test_add_func ("/window/demo", test_demo);
  g_test_add_func ("/window/session-locks", test_session_locks);
  g_test_add_func ("/window/remembered", test_remembered);
  status = g_test_run ();
  /* The application, alive to the end, still holds the connection, which
   * g_test_dbus_down() and the bus object's disposal would wait for. */
  g_test_dbus_stop (bus);
  return status;
}
