// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

/* The national services window against a real dossier-demo-services on
 * 127.0.0.1, through GTK over a real vault: the ministries of health and
 * of education added by their addresses, signed in to by a stand-in for
 * the web browser that answers the consent pages over plain HTTP, synced
 * (records in the Learning and Health sections, the summary in words, the
 * syncs in Activity), synced again (nothing new), an offer with its
 * transaction code, the service stopped (the error in plain words), and
 * the window closed by locking.  Pictures of each step are kept. */

#include "dossier-application.h"
#include "dossier-preferences-window.h"
#include "dossier-record-model.h"
#include "dossier-services-window.h"
#include "dossier-test-utils.h"
#include "gui-test-utils.h"
#include "dossier-window.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <qrencode.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#define PASSPHRASE "correct horse battery staple"
#define OWNER      "nguyen-minh-duc"

static const char *shots_dir;
static guint shots;

typedef struct
{
  GSubprocess *server;
  char        *moet;
  char        *moh;
  SoupSession *browser;
  guint        consents;
  char        *browser_error;
} Fixture;

static gpointer
child (GtkWidget  *window,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (window, type, name);

  g_assert_nonnull (object);
  return object;
}

static void
screenshot (GtkWidget  *window,
            const char *name)
{
  g_autofree char *file = g_strdup_printf ("services-window-%02u-%s.png", ++shots, name);
  g_autofree char *path = g_build_filename (shots_dir, file, NULL);

  dossier_test_save_screenshot (window, path);
}

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

/* --- the demo services and the browser ------------------------------------------- */

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_server (Fixture *f)
{
  const char *exe = g_getenv ("DOSSIER_DEMO_SERVICES");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  g_assert_nonnull (exe);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* a failed assertion must not leave the server running */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->server = g_subprocess_launcher_spawn (launcher, &error, exe, "--data", SOURCE_DEMO_DATA_DIR, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "moet="))
        f->moet = g_strdup (line + 5);
      else if (g_str_has_prefix (line, "moh="))
        f->moh = g_strdup (line + 4);
    }
  g_assert_nonnull (f->moet);
  g_assert_nonnull (f->moh);
}

static void
stop_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->server == NULL)
    return;
  g_subprocess_send_signal (f->server, SIGTERM);
  g_subprocess_wait (f->server, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&f->server);
}

/* The value of attribute @name in the tag starting at @tag. */
static char *
attribute (const char *tag,
           const char *name)
{
  g_autofree char *key = g_strdup_printf (" %s=\"", name);
  const char *end = strchr (tag, '>');
  const char *start = strstr (tag, key);
  const char *close;

  if (start == NULL || end == NULL || start > end)
    return NULL;
  start += strlen (key);
  close = strchr (start, '"');
  return close != NULL ? g_strndup (start, close - start) : NULL;
}

static char *
html_unescape (const char *text)
{
  static const char * const entities[][2] = {
    { "&quot;", "\"" }, { "&#39;", "'" }, { "&#x27;", "'" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" },
  };
  GString *plain = g_string_new (text);

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    g_string_replace (plain, entities[i][0], entities[i][1], 0);
  return g_string_free (plain, FALSE);
}

static void
on_consent_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (body == NULL)
    f->browser_error = g_strdup (error->message);
  f->consents++;
}

/* The consent page: its one form, its hidden inputs, the owner chosen and
 * "allow" pressed; the redirect then goes on to the sign-in's loopback. */
static void
on_consent_page (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *page = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autofree char *html = NULL;
  g_autofree char *action = NULL;
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GUri) target = NULL;
  g_autofree char *encoded = NULL;
  const char *tag;
  SoupMessage *post;

  g_assert_no_error (error);
  html = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  tag = strstr (html, "<form");
  g_assert_nonnull (tag);
  action = attribute (tag, "action");
  g_assert_nonnull (action);
  for (tag = strstr (html, "<input"); tag != NULL; tag = strstr (tag + 1, "<input"))
    {
      g_autofree char *type = attribute (tag, "type");
      char *name = attribute (tag, "name");
      char *value = attribute (tag, "value");

      if (g_strcmp0 (type, "hidden") == 0 && name != NULL && value != NULL)
        {
          g_autofree char *plain = g_strdup (value);

          /* the page escapes what it carries as HTML */
          g_free (value);
          value = html_unescape (plain);
          g_hash_table_insert (form, name, value);
        }
      else
        {
          g_free (name);
          g_free (value);
        }
    }
  g_hash_table_insert (form, g_strdup ("person"), g_strdup (OWNER));
  g_hash_table_insert (form, g_strdup ("decision"), g_strdup ("allow"));
  target = g_uri_parse_relative (soup_message_get_uri (page), action, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  encoded = soup_form_encode_hash (form);
  post = soup_message_new_from_uri ("POST", target);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (encoded, strlen (encoded));

    soup_message_set_request_body_from_bytes (post, "application/x-www-form-urlencoded", bytes);
  }
  soup_session_send_and_read_async (f->browser, post, G_PRIORITY_DEFAULT, NULL, on_consent_sent, f);
  g_object_unref (post);
}

static gboolean
open_browser (const char  *uri,
              gpointer     user_data,
              GError     **error)
{
  Fixture *f = user_data;
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);

  g_assert_nonnull (message);
  soup_session_send_and_read_async (f->browser, message, G_PRIORITY_DEFAULT, NULL, on_consent_page, f);
  return TRUE;
}

/* --- the window ------------------------------------------------------------------ */

static gboolean
page_is (GtkWidget     *window,
         gconstpointer  name)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (child (window, DOSSIER_TYPE_WINDOW, "stack")), name) == 0;
}

static gboolean
not_busy (GtkWidget     *services,
          gconstpointer  data)
{
  return !dossier_services_window_get_busy (DOSSIER_SERVICES_WINDOW (services));
}

static guint
n_connections (DossierWallet *wallet)
{
  return g_list_model_get_n_items (G_LIST_MODEL (dossier_wallet_get_services (wallet)));
}

static const char *
message (GtkWidget *services)
{
  AdwPreferencesRow *row = child (services, DOSSIER_TYPE_SERVICES_WINDOW, "message_row");

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row)));
  return adw_preferences_row_get_title (row);
}

static guint
n_records (GtkWidget  *window,
           const char *list)
{
  GtkSelectionModel *selection = gtk_list_view_get_model (child (window, DOSSIER_TYPE_WINDOW, list));
  GListModel *model = gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection));

  return g_list_model_get_n_items (model);
}

static gboolean
lists_loaded (GtkWidget     *window,
              gconstpointer  data)
{
  const char * const lists[] = { "learning_list", "health_list" };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      GtkSelectionModel *selection = gtk_list_view_get_model (child (window, DOSSIER_TYPE_WINDOW, lists[i]));
      GListModel *model = gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection));

      if (dossier_record_model_get_loading (DOSSIER_RECORD_MODEL (model)))
        return FALSE;
    }
  return TRUE;
}

static void
add_service (GtkWidget     *services,
             DossierWallet *wallet,
             const char    *url)
{
  guint before = n_connections (wallet);

  gtk_editable_set_text (child (services, DOSSIER_TYPE_SERVICES_WINDOW, "url_row"), url);
  g_signal_emit_by_name (child (services, DOSSIER_TYPE_SERVICES_WINDOW, "url_row"), "apply");
  g_assert_true (dossier_services_window_get_busy (DOSSIER_SERVICES_WINDOW (services)));
  dossier_test_wait_until (services, not_busy, NULL, "the service is added");
  g_assert_cmpuint (n_connections (wallet), ==, before + 1);
  g_assert_nonnull (dossier_services_lookup (dossier_wallet_get_services (wallet), url));
}

static void
sync_all (GtkWidget *services)
{
  g_assert_true (gtk_widget_activate_action (services, "services.sync-all", NULL));
  g_assert_true (dossier_services_window_get_busy (DOSSIER_SERVICES_WINDOW (services)));
  g_assert_true (gtk_widget_get_visible (child (services, DOSSIER_TYPE_SERVICES_WINDOW, "progress_row")));
  dossier_test_wait_until (services, not_busy, NULL, "the sync ends");
  dossier_test_settle ();
}

static guint
count_activity (GtkWidget  *window,
                const char *text)
{
  GtkWidget *row;
  guint n = 0;

  for (row = gtk_widget_get_first_child (child (window, DOSSIER_TYPE_WINDOW, "activity_list")); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row) && strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) ?: "", text) != NULL)
      n++;
  return n;
}

static gboolean
activity_count_reaches (GtkWidget     *window,
                        gconstpointer  count)
{
  return count_activity (window, ": nothing new") >= GPOINTER_TO_UINT (count);
}

static gboolean
sync_on_unlock_is (GtkWidget     *window,
                   gconstpointer  wallet)
{
  return dossier_services_get_sync_on_unlock (dossier_wallet_get_services ((DossierWallet *) wallet));
}

static gboolean
has_activity (GtkWidget     *window,
              gconstpointer  text)
{
  GtkWidget *row;

  for (row = gtk_widget_get_first_child (child (window, DOSSIER_TYPE_WINDOW, "activity_list")); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row) && strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) ?: "", text) != NULL)
      return TRUE;
  return FALSE;
}

/* Writes @text as a QR code image to a new PNG file. */
static GFile *
write_qr_png (const char *text)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  const int module = 6, quiet = 4;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autofree char *path = NULL;
  int fd;

  g_assert_nonnull (code);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (code->width + 2 * quiet) * module,
                                        (code->width + 2 * quiet) * module);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int row = 0; row < code->width; row++)
    for (int column = 0; column < code->width; column++)
      if (code->data[row * code->width + column] & 1)
        cairo_rectangle (cr, (quiet + column) * module, (quiet + row) * module, module, module);
  cairo_fill (cr);
  cairo_destroy (cr);
  fd = g_file_open_tmp ("offer-XXXXXX.png", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  QRcode_free (code);
  return g_file_new_for_path (path);
}

/* Drops @file on @window as a file manager would. */
static void
drop_file (GtkWidget *window,
           GFile     *file)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (child (window, DOSSIER_TYPE_WINDOW, "leaflet"));
  GSList files = { file, NULL };
  GValue value = G_VALUE_INIT;
  gboolean dropped = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (&files));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !dropped; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        g_signal_emit_by_name (controller, "drop", &value, 10.0, 10.0, &dropped);
    }
  g_value_unset (&value);
  g_assert_true (dropped);
}

/* Asks the demo ministry for an offer to the owner: the link and its code. */
static void
fetch_offer (Fixture  *f,
             char    **offer,
             char    **code)
{
  g_autofree char *url = g_strdup_printf ("%s/offers/%s", f->moet, OWNER);
  g_autoptr(SoupMessage) request = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  body = soup_session_send_and_read (f->browser, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error));
  root = json_node_get_object (json_parser_get_root (parser));
  *offer = g_strdup (json_object_get_string_member (root, "offer"));
  *code = g_strdup (json_object_get_string_member (root, "tx_code"));
}

static gboolean
code_asked (GtkWidget     *services,
            gconstpointer  data)
{
  GtkWidget *dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL && GTK_IS_ENTRY (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog)));
}

static void
test_services_window (void)
{
  g_autofree char *dir = dossier_test_make_tmpdir ();
  g_autofree char *vault_dir = g_build_filename (dir, "vault", NULL);
  g_autoptr(DossierApplication) app = dossier_application_new ();
  g_autoptr(DossierWallet) wallet = dossier_wallet_new (vault_dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *offer = NULL;
  g_autofree char *code = NULL;
  Fixture f = { 0 };
  GtkWidget *window;
  GtkWidget *services;
  GtkWidget *dialog;
  GtkEditable *entry;
  guint learning, health;

  start_server (&f);
  f.browser = soup_session_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  /* the demo services answer in plain http, on 127.0.0.1 */
  dossier_net_session_set_allow_http (dossier_wallet_get_net (wallet), TRUE);
  window = GTK_WIDGET (dossier_window_new (app, wallet, FALSE));
  gtk_window_present (GTK_WINDOW (window));
  gtk_editable_set_text (child (window, DOSSIER_TYPE_WINDOW, "create_entry"), PASSPHRASE);
  gtk_editable_set_text (child (window, DOSSIER_TYPE_WINDOW, "confirm_entry"), PASSPHRASE);
  g_signal_emit_by_name (child (window, DOSSIER_TYPE_WINDOW, "create_button"), "clicked");
  dossier_test_wait_until (window, page_is, "main", "the new vault opens");
  dossier_test_wait_until (window, lists_loaded, NULL, "the empty lists are loaded");
  dossier_test_settle ();

  /* from the main menu's action */
  g_assert_true (gtk_widget_activate_action (window, "win.services", NULL));
  services = find_toplevel (DOSSIER_TYPE_SERVICES_WINDOW);
  g_assert_nonnull (services);
  dossier_services_window_set_browser (DOSSIER_SERVICES_WINDOW (services), open_browser, &f);
  screenshot (services, "empty");

  /* A wrong address: a clear error, nothing added. */
  gtk_editable_set_text (child (services, DOSSIER_TYPE_SERVICES_WINDOW, "url_row"), "ftp://example.org/ministry");
  g_signal_emit_by_name (child (services, DOSSIER_TYPE_SERVICES_WINDOW, "url_row"), "apply");
  dossier_test_wait_until (services, not_busy, NULL, "the wrong address is refused");
  g_assert_cmpstr (message (services), ==, "Dossier cannot use this address");
  screenshot (services, "wrong-address");
  g_assert_cmpuint (n_connections (wallet), ==, 0);

  /* Discovery decides the kind. */
  add_service (services, wallet, f.moh);
  add_service (services, wallet, f.moet);
  g_assert_cmpint (dossier_service_connection_get_kind (dossier_services_lookup (dossier_wallet_get_services (wallet), f.moh)),
                   ==, DOSSIER_SERVICE_KIND_HEALTH);
  /* named as the server's capability statement names itself */
  g_assert_cmpstr (dossier_service_connection_get_display_name (dossier_services_lookup (dossier_wallet_get_services (wallet), f.moh)),
                   ==, "Bộ Y tế · Sổ sức khỏe điện tử (demo)");
  g_assert_cmpint (dossier_service_connection_get_kind (dossier_services_lookup (dossier_wallet_get_services (wallet), f.moet)),
                   ==, DOSSIER_SERVICE_KIND_LEARNING);
  screenshot (services, "added");

  /* An offer with a transaction code, typed into the dialog it opens: a
   * wrong length cannot be sent. */
  fetch_offer (&f, &offer, &code);
  gtk_editable_set_text (child (services, DOSSIER_TYPE_SERVICES_WINDOW, "offer_row"), offer);
  g_signal_emit_by_name (child (services, DOSSIER_TYPE_SERVICES_WINDOW, "offer_row"), "apply");
  dossier_test_wait_until (services, code_asked, NULL, "the transaction code is asked");
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog)));
  screenshot (dialog, "transaction-code");
  gtk_editable_set_text (entry, "12");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "receive"));
  gtk_editable_set_text (entry, code);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "receive"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "receive");
  dossier_test_wait_until (services, not_busy, NULL, "the offer is received");
  g_test_message ("offer: %s", message (services));
  g_assert_nonnull (strstr (message (services), " new record"));
  screenshot (services, "offer-received");

  /* Sync all: each one signed in to on the way, through its consent page;
   * what the offer brought is not brought again. */
  sync_all (services);
  g_assert_null (f.browser_error);
  /* (the ministry of education may keep the offer's sign-in) */
  g_assert_cmpuint (f.consents, >=, 1);
  g_assert_true (dossier_service_connection_get_signed_in (dossier_services_lookup (dossier_wallet_get_services (wallet), f.moet)));
  g_assert_true (dossier_service_connection_get_signed_in (dossier_services_lookup (dossier_wallet_get_services (wallet), f.moh)));
  g_assert_nonnull (strstr (message (services), " new records: "));
  g_assert_true (g_str_has_suffix (message (services), " health records"));
  g_test_message ("first sync: %s", message (services));
  screenshot (services, "synced");
  dossier_test_wait_until (window, lists_loaded, NULL, "the lists are reloaded");
  learning = n_records (window, "learning_list");
  health = n_records (window, "health_list");
  g_test_message ("%u learning records, %u health records", learning, health);
  g_assert_cmpuint (learning, >, 0);
  g_assert_cmpuint (health, >, 0);

  /* Again: nothing new, nothing added. */
  sync_all (services);
  g_assert_cmpstr (message (services), ==, "Nothing new");
  dossier_test_wait_until (window, lists_loaded, NULL, "the lists are reloaded");
  g_assert_cmpuint (n_records (window, "learning_list"), ==, learning);
  g_assert_cmpuint (n_records (window, "health_list"), ==, health);

  /* The syncs in Activity, in words. */
  adw_view_stack_set_visible_child_name (child (window, DOSSIER_TYPE_WINDOW, "view_stack"), "activity");
  {
    g_autofree char *words = g_strdup_printf ("%s: nothing new",
                                              dossier_service_connection_get_display_name (dossier_services_lookup (dossier_wallet_get_services (wallet), f.moh)));

    dossier_test_wait_until (window, has_activity, words, "the second sync shows in Activity");
  }
  dossier_test_wait_until (window, has_activity, "new records", "the first sync shows in Activity");
  screenshot (window, "activity");

  /* Sync when unlocking, turned on in the preferences: locking closes the
   * services window, unlocking syncs both services again. */
  {
    GtkWidget *preferences;
    guint before = count_activity (window, ": nothing new");

    g_assert_true (gtk_widget_activate_action (window, "win.preferences", NULL));
    preferences = find_toplevel (DOSSIER_TYPE_PREFERENCES_WINDOW);
    g_assert_nonnull (preferences);
    gtk_switch_set_active (child (preferences, DOSSIER_TYPE_PREFERENCES_WINDOW, "sync_on_unlock_switch"), TRUE);
    dossier_test_wait_until (window, sync_on_unlock_is, wallet, "the vault keeps the setting");
    gtk_window_destroy (GTK_WINDOW (preferences));
    g_assert_true (gtk_widget_activate_action (window, "win.lock", NULL));
    dossier_test_wait_until (window, page_is, "unlock", "the vault locks");
    dossier_test_settle ();
    g_assert_null (find_toplevel (DOSSIER_TYPE_SERVICES_WINDOW));
    gtk_editable_set_text (child (window, DOSSIER_TYPE_WINDOW, "unlock_entry"), PASSPHRASE);
    g_signal_emit_by_name (child (window, DOSSIER_TYPE_WINDOW, "unlock_button"), "clicked");
    dossier_test_wait_until (window, page_is, "main", "the vault opens again");
    g_assert_true (dossier_services_get_sync_on_unlock (dossier_wallet_get_services (wallet)));
    adw_view_stack_set_visible_child_name (child (window, DOSSIER_TYPE_WINDOW, "view_stack"), "activity");
    dossier_test_wait_until (window, activity_count_reaches, GUINT_TO_POINTER (before + 2), "the unlock's sync shows in Activity");
    screenshot (window, "synced-on-unlock");
    g_assert_true (gtk_widget_activate_action (window, "win.services", NULL));
    services = find_toplevel (DOSSIER_TYPE_SERVICES_WINDOW);
    g_assert_nonnull (services);
    dossier_services_window_set_browser (DOSSIER_SERVICES_WINDOW (services), open_browser, &f);
  }

  /* An offer opened from outside (the command line, the browser): the
   * window comes up and asks for its code. */
  {
    g_autofree char *again = NULL;
    g_autofree char *again_code = NULL;

    fetch_offer (&f, &again, &again_code);
    dossier_window_receive_offer (DOSSIER_WINDOW (window), again);
    g_assert_true (find_toplevel (DOSSIER_TYPE_SERVICES_WINDOW) == services);
    dossier_test_wait_until (services, code_asked, NULL, "the transaction code is asked again");
    dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog))), again_code);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "receive");
    dossier_test_wait_until (services, not_busy, NULL, "the offer is received again");
    g_assert_cmpstr (message (services), ==, "Nothing new");
  }

  /* An offer's QR code, added as a file: received, not kept as a picture. */
  {
    g_autofree char *qr_offer = NULL;
    g_autofree char *qr_code = NULL;
    g_autoptr(GFile) png = NULL;
    guint before = n_records (window, "learning_list") + n_records (window, "health_list");

    fetch_offer (&f, &qr_offer, &qr_code);
    png = write_qr_png (qr_offer);
    drop_file (window, png);
    dossier_test_wait_until (services, code_asked, NULL, "the transaction code of the offer's QR code is asked");
    dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog))), qr_code);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "receive");
    dossier_test_wait_until (services, not_busy, NULL, "the offer from a QR code is received");
    g_assert_cmpstr (message (services), ==, "Nothing new");
    g_assert_cmpuint (n_records (window, "learning_list") + n_records (window, "health_list"), ==, before);
    g_file_delete (png, NULL, NULL);
  }

  /* Removing asks first; the records stay. */
  {
    g_autoptr(GVariant) id = g_variant_ref_sink (g_variant_new_string (
      dossier_service_connection_get_id (dossier_services_lookup (dossier_wallet_get_services (wallet), f.moet))));

    g_assert_true (gtk_widget_activate_action_variant (services, "services.remove", id));
    dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_nonnull (dialog);
    screenshot (dialog, "remove");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
    dossier_test_wait_until (services, not_busy, NULL, "the service is removed");
    g_assert_cmpuint (n_connections (wallet), ==, 1);
    g_assert_null (dossier_services_lookup (dossier_wallet_get_services (wallet), f.moet));
    adw_view_stack_set_visible_child_name (child (window, DOSSIER_TYPE_WINDOW, "view_stack"), "learning");
    dossier_test_wait_until (window, lists_loaded, NULL, "the lists are loaded");
    g_assert_cmpuint (n_records (window, "learning_list"), ==, learning);
  }

  /* The service stops: the error in plain words, the vault unchanged. */
  stop_server (&f);
  sync_all (services);
  g_assert_cmpstr (message (services), ==, "The service cannot be reached: you may be offline");
  screenshot (services, "offline");
  adw_view_stack_set_visible_child_name (child (window, DOSSIER_TYPE_WINDOW, "view_stack"), "learning");
  dossier_test_wait_until (window, lists_loaded, NULL, "the lists are loaded");
  g_assert_cmpuint (n_records (window, "health_list"), ==, health);

  /* Locking closes the window. */
  g_assert_true (gtk_widget_activate_action (window, "win.lock", NULL));
  dossier_test_wait_until (window, page_is, "unlock", "the vault locks");
  dossier_test_settle ();
  g_assert_null (find_toplevel (DOSSIER_TYPE_SERVICES_WINDOW));

  gtk_window_destroy (GTK_WINDOW (window));
  dossier_test_settle ();
  g_clear_object (&f.browser);
  g_free (f.moet);
  g_free (f.moh);
  dossier_test_rm_rf (dir);
}

/* GTK 4.8 under Xvfb with no window manager warns when focus moves between
 * windows (a dialog presented while an entry has focus); nothing of Dossier's. */
static gboolean
fatal_unless_focus_noise (const char     *domain,
                          GLogLevelFlags  level,
                          const char     *text,
                          gpointer        data)
{
  return !(g_strcmp0 (domain, "Gtk") == 0 && strstr (text, "did not receive a focus-out event") != NULL);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GTK_A11Y", "none", TRUE);
  /* software GL under Xvfb draws the spinners slower than they turn on a
   * busy machine; cairo keeps up */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  shots_dir = g_getenv ("DOSSIER_SCREENSHOTS") ?: ".";
  g_mkdir_with_parents (shots_dir, 0755);
  g_test_log_set_fatal_handler (fatal_unless_focus_noise, NULL);
  g_test_add_func ("/services-window/connect-sync-offer-lock", test_services_window);
  return g_test_run ();
}
