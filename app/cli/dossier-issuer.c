// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-issuer.h"

#include "dossier-cli-passphrase.h"
#include "dossier-issuer-identity.h"
#include "dossier-issuer-issue.h"
#include "dossier-issuer-roster.h"
#include "dossier-issuer-template.h"
#include "dossier-json.h"
#include "dossier-secret.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

/* dossier-issuer: a school registrar's tool to make a signing identity,
 * sign a class's diplomas from a spreadsheet, publish the keys and status
 * lists, and revoke. */

enum
{
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
};

typedef int (*CommandFunc) (int    argc,
                            char **argv);

typedef struct
{
  const char  *name;
  const char  *args;
  const char  *summary;
  CommandFunc  func;
} Command;

static char *passphrase_file;

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("dossier-issuer: %s\n\n%s", message, help);
  return EXIT_USAGE;
}

static int
fail (GError *error)
{
  g_printerr ("dossier-issuer: %s\n", error->message);
  return EXIT_FAILED;
}

static GOptionContext *
command_context (const char   *parameters,
                 const char   *summary,
                 const char   *description,
                 GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameters);
  GOptionEntry common[] = {
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &passphrase_file,
      N_("Read the signing keys’ passphrase from FILE (else DOSSIER_PASSPHRASE, else a prompt)"), N_("FILE") },
    { NULL }
  };

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (description != NULL)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  return context;
}

static char *
read_passphrase (gboolean   confirm,
                 GError   **error)
{
  return dossier_cli_read_passphrase (passphrase_file, "DOSSIER_PASSPHRASE", _("Passphrase of the signing keys: "),
                                      confirm ? _("Repeat the passphrase: ") : NULL, error);
}

static DossierIssuer *
open_unlocked (const char  *dir,
               GError     **error)
{
  g_autoptr(DossierIssuer) issuer = dossier_issuer_open (dir, error);
  char *passphrase;
  gboolean ok;

  if (issuer == NULL || (passphrase = read_passphrase (FALSE, error)) == NULL)
    return NULL;
  ok = dossier_issuer_unlock (issuer, passphrase, error);
  dossier_secure_strfree (passphrase);
  return ok ? g_steal_pointer (&issuer) : NULL;
}

static int
command_init (int    argc,
              char **argv)
{
  g_autofree char *name = NULL, *name_en = NULL, *url = NULL, *logo = NULL, *out = NULL;
  gboolean no_ed25519 = FALSE;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The school’s name in Vietnamese, as printed on its diplomas"), N_("NAME") },
    { "name-en", 0, 0, G_OPTION_ARG_STRING, &name_en, N_("The school’s name in English"), N_("NAME") },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, N_("The school’s web site, https://…, where the keys will be published"), N_("URL") },
    { "logo", 0, 0, G_OPTION_ARG_STRING, &logo, N_("The address of the school’s logo image"), N_("URL") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("The new folder that keeps the signing identity"), N_("DIR") },
    { "no-ed25519", 0, 0, G_OPTION_ARG_NONE, &no_ed25519, N_("Make no Ed25519 key (then only vc-jwt and sd-jwt can be issued)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (
    "", _("Create the school’s signing identity."),
    _("Makes a P-256 signing key (and an Ed25519 key for Data Integrity credentials), encrypted with a\n"
      "passphrase, and the public files the school’s web site will serve: the keys (jwks.json), the\n"
      "did:web document (did.json), the issuer description and empty status lists.\n"
      "Keep the folder and the passphrase safe: whoever has both can sign diplomas in the school’s name.\n\n"
      "Example:\n"
      "  dossier-issuer init --name \"Trường THPT Chu Văn An\" --name-en \"Chu Van An High School\" \\\n"
      "      --url https://thpt-chuvanan.edu.vn --out ~/khoa-ky-so"),
    entries);
  g_autoptr(GError) error = NULL;
  char *passphrase;
  gboolean ok;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (name == NULL || url == NULL || out == NULL)
    return usage_error (context, _("--name, --url and --out are needed"));
  if (argc > 1)
    return usage_error (context, _("init takes no arguments besides its options"));
  if ((passphrase = read_passphrase (TRUE, &error)) == NULL)
    return fail (error);
  ok = dossier_issuer_create (out, name, name_en, url, logo, !no_ed25519, passphrase, &error);
  dossier_secure_strfree (passphrase);
  if (!ok)
    return fail (error);
  {
    g_autoptr(DossierIssuer) issuer = dossier_issuer_open (out, &error);

    if (issuer == NULL)
      return fail (error);
    g_print (_("Created the signing identity of %s in %s\n"), issuer->name_vi, out);
    g_print (_("Issuer: %s\n"), issuer->id);
    g_print (_("Publish its public files with “dossier-issuer publish --issuer %s --out FOLDER”.\n"), out);
  }
  return EXIT_OK;
}

static void
print_problems (const char    *roster_name,
                DossierRoster *roster)
{
  for (guint i = 0; i < roster->problems->len; i++)
    {
      g_autofree char *text = dossier_roster_describe (roster, g_ptr_array_index (roster->problems, i));

      g_printerr ("%s: %s\n", roster_name, text);
    }
  if (roster->dropped > 0)
    g_printerr (_("%s: … and %u more problems\n"), roster_name, roster->dropped);
}

/* Diploma numbers issued before by this school are problems too. */
static void
check_issued (DossierIssuer *issuer,
              GPtrArray     *students,
              const char    *format,
              const char    *cryptosuite,
              DossierRoster *roster)
{
  JsonArray *issued = dossier_json_get_array (issuer->issued, "credentials");
  g_autoptr(GHashTable) numbers = g_hash_table_new (g_str_hash, g_str_equal);

  /* the same diploma in another format is a copy, not a second diploma */
  for (guint i = 0; i < json_array_get_length (issued); i++)
    {
      JsonNode *node = json_array_get_element (issued, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *number = dossier_json_get_string (entry, "diplomaNumber");
      const char *suite = dossier_json_get_string (entry, "cryptosuite");

      /* Data Integrity credentials listed before the choice of suite are eddsa-jcs-2022 */
      if (suite == NULL && g_strcmp0 (dossier_json_get_string (entry, "format"), "di") == 0)
        suite = "eddsa-jcs-2022";
      if (number != NULL && g_strcmp0 (dossier_json_get_string (entry, "format"), format) == 0 &&
          g_strcmp0 (suite, cryptosuite) == 0)
        g_hash_table_insert (numbers, (gpointer) number, entry);
    }
  for (guint i = 0; i < students->len; i++)
    {
      DossierStudent *student = g_ptr_array_index (students, i);
      const char *number = g_hash_table_lookup (student->values, "diplomaNumber");
      JsonObject *entry = number != NULL ? g_hash_table_lookup (numbers, number) : NULL;

      if (entry != NULL)
        dossier_roster_add_problem (roster, student->row, 0, _("the number “%s” was already issued (%s)"),
                                    number, dossier_json_get_string (entry, "id"));
    }
}

static int
command_issue (int    argc,
               char **argv)
{
  g_autofree char *issuer_dir = NULL, *roster_path = NULL, *template_name = NULL, *format_name = NULL, *out = NULL;
  g_autofree char *issued_at_text = NULL, *cryptosuite = NULL;
  g_autoptr(GDateTime) issued_at = NULL;
  gboolean check = FALSE;
  GOptionEntry entries[] = {
    { "issuer", 0, 0, G_OPTION_ARG_FILENAME, &issuer_dir, N_("The folder made by “dossier-issuer init”"), N_("DIR") },
    { "roster", 0, 0, G_OPTION_ARG_FILENAME, &roster_path, N_("The class list, saved from the spreadsheet as CSV UTF-8"), N_("FILE") },
    { "template", 0, 0, G_OPTION_ARG_STRING, &template_name, N_("thpt-diploma, degree, certificate, or a template file"), N_("TEMPLATE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("vc-jwt (default), sd-jwt or di"), N_("FORMAT") },
    { "cryptosuite", 0, 0, G_OPTION_ARG_STRING, &cryptosuite,
      N_("For --format di: eddsa-jcs-2022 (default) or eddsa-rdfc-2022"), N_("SUITE") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("A new folder for the signed credentials"), N_("DIR") },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check, N_("Only check the roster and report every problem; sign nothing"), NULL },
    { "issued-at", 0, 0, G_OPTION_ARG_STRING, &issued_at_text,
      N_("Date the signatures DATE (yyyy-mm-dd or an RFC 3339 time), for diplomas first issued on paper"), N_("DATE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (
    "", _("Sign one credential for each student of a roster."),
    _("The roster is a spreadsheet saved as CSV UTF-8, one student a row, with a header row naming the\n"
      "columns in Vietnamese or English: họ và tên (full name), ngày sinh (date of birth, dd/mm/yyyy),\n"
      "giới tính, nơi sinh, số hiệu văn bằng, số vào sổ cấp văn bằng, năm tốt nghiệp, and for a degree\n"
      "ngành and xếp loại.  A column “STT” is ignored.\n"
      "First run with --check: every problem is listed with its row and column, and nothing is signed.\n"
      "A real run signs every student or, when anything is wrong, no one.\n\n"
      "For each student the new folder gets the credential, a QR code (.png), an OpenID4VCI credential\n"
      "offer (.offer.json) and a one-page A4 certificate with the QR code (.pdf); issued.json lists them all.\n\n"
      "Formats: vc-jwt (a signed JWT, ES256), sd-jwt (SD-JWT VC: the student chooses which personal\n"
      "details to show), di (JSON with a Data Integrity proof, eddsa-jcs-2022, or eddsa-rdfc-2022 with\n"
      "--cryptosuite eddsa-rdfc-2022 for verifiers that read JSON-LD).\n\n"
      "Example:\n"
      "  dossier-issuer issue --issuer ~/khoa-ky-so --roster lop-12a1.csv --template thpt-diploma --check\n"
      "  dossier-issuer issue --issuer ~/khoa-ky-so --roster lop-12a1.csv --template thpt-diploma \\\n"
      "      --format vc-jwt --out ~/van-bang/12a1"),
    entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierIssuer) issuer = NULL;
  g_autoptr(DossierTemplate) template = NULL;
  g_autoptr(DossierRoster) roster = NULL;
  g_autoptr(GPtrArray) students = NULL;
  g_autoptr(GMappedFile) file = NULL;
  DossierIssueFormat format = DOSSIER_ISSUE_VC_JWT;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (issuer_dir == NULL || roster_path == NULL || template_name == NULL || (!check && out == NULL))
    return usage_error (context, _("--issuer, --roster, --template and --out (or --check) are needed"));
  if (format_name != NULL && !dossier_issue_format_from_name (format_name, &format))
    return usage_error (context, _("--format is vc-jwt, sd-jwt or di"));
  if (cryptosuite != NULL && (format != DOSSIER_ISSUE_DI || !dossier_issue_cryptosuite_known (cryptosuite)))
    return usage_error (context, _("--cryptosuite goes with --format di and is eddsa-jcs-2022 or eddsa-rdfc-2022"));
  if (issued_at_text != NULL)
    {
      g_autofree char *full = strlen (issued_at_text) == 10 ? g_strconcat (issued_at_text, "T00:00:00Z", NULL)
                                                              : g_strdup (issued_at_text);
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (full, utc);

      if (parsed == NULL || g_date_time_get_year (parsed) < 1900 || g_date_time_compare (parsed, now) > 0)
        return usage_error (context, _("--issued-at takes a past date, as yyyy-mm-dd or an RFC 3339 time"));
      issued_at = g_date_time_to_utc (parsed);
    }
  if ((issuer = dossier_issuer_open (issuer_dir, &error)) == NULL ||
      (template = dossier_template_load (template_name, &error)) == NULL)
    return fail (error);
  if (format == DOSSIER_ISSUE_DI && issuer->ed25519_kid == NULL)
    {
      g_printerr (_("dossier-issuer: this issuer has no Ed25519 key, which Data Integrity credentials need\n"));
      return EXIT_FAILED;
    }
  if ((file = g_mapped_file_new (roster_path, FALSE, &error)) == NULL)
    return fail (error);
  roster = dossier_roster_parse (g_mapped_file_get_contents (file), g_mapped_file_get_length (file));
  students = dossier_template_read_roster (template, roster);
  /* a diploma signed with another cryptosuite is a copy too */
  if (format == DOSSIER_ISSUE_DI && cryptosuite == NULL)
    cryptosuite = g_strdup ("eddsa-jcs-2022");
  check_issued (issuer, students, format_name != NULL ? format_name : "vc-jwt", cryptosuite, roster);
  if (roster->problems->len > 0)
    {
      print_problems (roster_path, roster);
      g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u problem; nothing was issued\n", "%u problems; nothing was issued\n",
                               roster->problems->len + roster->dropped),
                  roster->problems->len + roster->dropped);
      return EXIT_FAILED;
    }
  if (check)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE, "%s: no problems; %u student would be issued a credential\n",
                            "%s: no problems; %u students would be issued a credential\n", students->len),
               roster_path, students->len);
      return EXIT_OK;
    }
  g_clear_pointer (&issuer, dossier_issuer_free);
  if ((issuer = open_unlocked (issuer_dir, &error)) == NULL ||
      !dossier_issue_roster (issuer, template, students, format, cryptosuite, issued_at, out, &error))
    {
      g_printerr (_("dossier-issuer: %s\nNothing was issued.\n"), error->message);
      return EXIT_FAILED;
    }
  g_print (g_dngettext (GETTEXT_PACKAGE, "Issued %u credential into %s\n", "Issued %u credentials into %s\n", students->len),
           students->len, out);
  return EXIT_OK;
}

static int
change_status (int         argc,
               char      **argv,
               const char *command,
               const char *summary)
{
  g_autofree char *issuer_dir = NULL;
  GOptionEntry entries[] = {
    { "issuer", 0, 0, G_OPTION_ARG_FILENAME, &issuer_dir, N_("The folder made by “dossier-issuer init”"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (
    _("ID…"), summary,
    _("Each ID is a credential’s id (urn:uuid:…), its diploma number (số hiệu) or its register number.\n"
      "Revoking is final; a suspended credential can be reinstated.  The status lists are signed again;\n"
      "copy them to the web site (see “dossier-issuer publish”) for verifiers to see the change."),
    entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierIssuer) issuer = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (issuer_dir == NULL || argc < 2)
    return usage_error (context, _("Give --issuer and at least one ID"));
  if ((issuer = dossier_issuer_open (issuer_dir, &error)) == NULL)
    return fail (error);
  /* every ID is checked before anything changes */
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GPtrArray) found = dossier_issuer_find_all (issuer, argv[i]);

      if (found->len == 0)
        {
          g_printerr (_("dossier-issuer: no credential issued here is “%s”; nothing was changed\n"), argv[i]);
          return EXIT_FAILED;
        }
      for (guint j = 0; j < found->len; j++)
        if (!g_str_equal (command, "revoke") &&
            dossier_issuer_get_status (issuer, "revocation", (guint) json_object_get_int_member (g_ptr_array_index (found, j), "index")))
          {
            g_printerr (_("dossier-issuer: “%s” is revoked, which is final; nothing was changed\n"), argv[i]);
            return EXIT_FAILED;
          }
    }
  g_clear_pointer (&issuer, dossier_issuer_free);
  if ((issuer = open_unlocked (issuer_dir, &error)) == NULL)
    return fail (error);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GPtrArray) found = dossier_issuer_find_all (issuer, argv[i]);

      for (guint j = 0; j < found->len; j++)
        {
          JsonObject *entry = g_ptr_array_index (found, j);
          guint index = (guint) json_object_get_int_member (entry, "index");
          gboolean ok;

          if (g_str_equal (command, "revoke"))
            ok = dossier_issuer_set_status (issuer, "revocation", index, TRUE, &error);
          else
            ok = dossier_issuer_set_status (issuer, "suspension", index, g_str_equal (command, "suspend"), &error);
          if (!ok)
            return fail (error);
          g_print ("%s %s (%s, %s)\n",
                   g_str_equal (command, "revoke") ? _("Revoked") : g_str_equal (command, "suspend") ? _("Suspended") : _("Reinstated"),
                   dossier_json_get_string (entry, "id"), dossier_json_get_string (entry, "name") ?: "",
                   dossier_json_get_string (entry, "format") ?: "");
        }
    }
  if (!dossier_issuer_write_status_lists (issuer, &error))
    return fail (error);
  return EXIT_OK;
}

static int
command_revoke (int    argc,
                char **argv)
{
  return change_status (argc, argv, "revoke", _("Revoke credentials for good."));
}

static int
command_suspend (int    argc,
                 char **argv)
{
  return change_status (argc, argv, "suspend", _("Suspend credentials until they are reinstated."));
}

static int
command_reinstate (int    argc,
                   char **argv)
{
  return change_status (argc, argv, "reinstate", _("Lift the suspension of credentials."));
}

static gboolean
copy_file (const char  *from,
           const char  *to,
           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  return g_file_get_contents (from, &contents, &length, error) &&
         dossier_issuer_write_file (to, contents, (gssize) length, FALSE, error);
}

static int
command_publish (int    argc,
                 char **argv)
{
  g_autofree char *issuer_dir = NULL, *out = NULL;
  GOptionEntry entries[] = {
    { "issuer", 0, 0, G_OPTION_ARG_FILENAME, &issuer_dir, N_("The folder made by “dossier-issuer init”"), N_("DIR") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Where to write the files to upload to the web site"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (
    "", _("Write the public files the school’s web site must serve."),
    _("Writes the keys, the did:web document, the issuer description and the status lists into a folder laid\n"
      "out as the web site, and prints the address each must be served at.  Nothing secret is written.\n"
      "Publish again after revoking or suspending."),
    entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierIssuer) issuer = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *did_url = NULL;
  const char *path;
  struct
  {
    const char *source;
    char       *target;   /* relative to the site's root */
  } files[5] = { { 0 } };

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (issuer_dir == NULL || out == NULL)
    return usage_error (context, _("--issuer and --out are needed"));
  if ((issuer = dossier_issuer_open (issuer_dir, &error)) == NULL)
    return fail (error);
  uri = g_uri_parse (issuer->url, G_URI_FLAGS_NONE, NULL);
  path = uri != NULL ? g_uri_get_path (uri) : "";
  /* did:web:host puts the document in /.well-known, did:web:host:path in /path */
  did_url = *path == '\0' || g_str_equal (path, "/") ? g_strdup (".well-known/did.json") : g_strconcat (path + 1, "/did.json", NULL);
  files[0].source = "jwks.json", files[0].target = g_strdup (".well-known/jwks.json");
  files[1].source = "did.json", files[1].target = g_strdup (did_url);
  files[2].source = "openid-credential-issuer.json", files[2].target = g_strdup (".well-known/openid-credential-issuer");
  files[3].source = "status/revocation.jwt";
  files[4].source = "status/suspension.jwt";
  for (guint i = 3; i < 5; i++)
    {
      g_autofree char *url = dossier_issuer_status_url (issuer, i == 3 ? "revocation" : "suspension");
      g_autoptr(GUri) status_uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

      files[i].target = g_strdup (g_uri_get_path (status_uri) + 1);
    }
  if (strlen (path) > 1)
    {
      /* an issuer below a path publishes its metadata beside its own /.well-known */
      g_free (files[2].target);
      files[2].target = g_strconcat (".well-known/openid-credential-issuer", path, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from = g_build_filename (issuer_dir, files[i].source, NULL);
      g_autofree char *to = g_build_filename (out, files[i].target, NULL);
      g_autofree char *host = g_uri_get_port (uri) > 0
                              ? g_strdup_printf ("https://%s:%d/%s", g_uri_get_host (uri), g_uri_get_port (uri), files[i].target)
                              : g_strdup_printf ("https://%s/%s", g_uri_get_host (uri), files[i].target);

      if (!copy_file (from, to, &error))
        break;
      g_print (_("%s → serve at %s\n"), to, host);
    }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_free (files[i].target);
  if (error != NULL)
    return fail (error);
  g_print (_("Serve .jwt files as application/vc+jwt and .json files as application/json.\n"));
  return EXIT_OK;
}

static int
command_list (int    argc,
              char **argv)
{
  g_autofree char *issuer_dir = NULL;
  GOptionEntry entries[] = {
    { "issuer", 0, 0, G_OPTION_ARG_FILENAME, &issuer_dir, N_("The folder made by “dossier-issuer init”"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (
    "", _("List the credentials issued, with their status."),
    _("One line each: diploma number, student, template and format, status, and the credential’s id.\n"
      "The diploma number or the id is what revoke, suspend and reinstate take."),
    entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(DossierIssuer) issuer = NULL;
  JsonArray *credentials;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (issuer_dir == NULL)
    return usage_error (context, _("--issuer is needed"));
  if ((issuer = dossier_issuer_open (issuer_dir, &error)) == NULL)
    return fail (error);
  credentials = dossier_json_get_array (issuer->issued, "credentials");
  for (guint i = 0; i < json_array_get_length (credentials); i++)
    {
      JsonNode *node = json_array_get_element (credentials, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      guint index;
      const char *status;

      if (entry == NULL)
        continue;
      index = (guint) json_object_get_int_member_with_default (entry, "index", 0);
      status = dossier_issuer_get_status (issuer, "revocation", index) ? _("revoked")
             : dossier_issuer_get_status (issuer, "suspension", index) ? _("suspended") : _("current");
      const char *columns[] = { dossier_json_get_string (entry, "diplomaNumber"), dossier_json_get_string (entry, "name"),
                                dossier_json_get_string (entry, "template"), dossier_json_get_string (entry, "format"), status };
      const int widths[] = { 14, 28, 14, 7, 10 };
      g_autoptr(GString) line = g_string_new (NULL);

      /* padded by characters: names are Vietnamese */
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          const char *text = columns[c] != NULL ? columns[c] : "-";

          g_string_append (line, text);
          for (glong n = g_utf8_strlen (text, -1); n <= widths[c]; n++)
            g_string_append_c (line, ' ');
        }
      g_print ("%s%s\n", line->str, dossier_json_get_string (entry, "id") ?: "-");
    }
  return EXIT_OK;
}

static const Command commands[] = {
  { "init", N_("--name NAME --url URL --out DIR"), N_("Create the school’s signing identity"), command_init },
  { "issue", N_("--issuer DIR --roster FILE --template T --out DIR"), N_("Sign a class’s diplomas or certificates"), command_issue },
  { "list", N_("--issuer DIR"), N_("List what was issued, with its status"), command_list },
  { "revoke", N_("--issuer DIR ID…"), N_("Revoke credentials for good"), command_revoke },
  { "suspend", N_("--issuer DIR ID…"), N_("Suspend credentials"), command_suspend },
  { "reinstate", N_("--issuer DIR ID…"), N_("Lift a suspension"), command_reinstate },
  { "publish", N_("--issuer DIR --out DIR"), N_("Write the files the school’s web site serves"), command_publish },
};

static char *
commands_description (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *args = _(commands[i].args);
      glong pad = 52 - g_utf8_strlen (args, -1);

      /* padded by characters, not bytes: the arguments hold "…" */
      g_string_append_printf (text, "  %-10s %s%*s %s\n", commands[i].name, args, (int) MAX (pad, 0), "", _(commands[i].summary));
    }
  g_string_append (text, _("\nA class in minutes:\n"
                           "  1. dossier-issuer init --name \"Trường THPT …\" --url https://school.edu.vn --out school-keys\n"
                           "  2. dossier-issuer publish --issuer school-keys --out site   (upload “site” to the web site)\n"
                           "  3. dossier-issuer issue --issuer school-keys --roster class.csv --template thpt-diploma --check\n"
                           "  4. dossier-issuer issue --issuer school-keys --roster class.csv --template thpt-diploma --out class\n"
                           "  5. give each student their file; they import it with Dossier.\n\n"
                           "The passphrase comes from --passphrase-file, the DOSSIER_PASSPHRASE variable, or a prompt.\n"
                           "“dossier-issuer COMMAND --help” tells more about each command."));
  return g_string_free (text, FALSE);
}

int
dossier_issuer_run (int    argc,
                    char **argv)
{
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  int status = EXIT_USAGE;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DOSSIER_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  description = commands_description ();
  context = g_option_context_new (_("COMMAND [OPTIONS…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Sign diplomas and certificates that students keep in Dossier."));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (version)
    {
      g_print ("dossier-issuer %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  if (argc < 2)
    return usage_error (context, _("Name a command"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("dossier-issuer %s", commands[i].name);

        g_set_prgname (prgname);
        status = commands[i].func (argc - 1, argv + 1);
        g_clear_pointer (&passphrase_file, g_free);
        return status;
      }
  g_printerr (_("dossier-issuer: unknown command “%s”; see dossier-issuer --help\n"), argv[1]);
  return status;
}
