// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-cli-private.h"
#include "dossier-dsc-list.h"
#include "dossier-format-error.h"
#include "dossier-shl-client.h"
#include "dossier-shl.h"
#include "dossier-verifier.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>

/* dossier-cli verify, reverify and trust: checking credentials, with keys
 * given for one run or kept in the vault. */

static GBytes *
read_input (const char  *path,
            GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) file_stream = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[65536];
  gssize got;

  if (g_str_equal (path, "-"))
    stream = g_unix_input_stream_new (0, FALSE);
  else
    {
      file = g_file_new_for_commandline_arg (path);
      file_stream = g_file_read (file, NULL, error);
      if (file_stream == NULL)
        return NULL;
      stream = G_INPUT_STREAM (g_steal_pointer (&file_stream));
    }
  /* Read one byte past the limit, so that an oversized input is told apart. */
  while ((got = g_input_stream_read (stream, buffer, sizeof buffer, NULL, error)) > 0)
    {
      g_byte_array_append (data, buffer, (guint) got);
      if (data->len > DOSSIER_VERIFY_MAX_INPUT)
        break;
    }
  if (got < 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static void
print_verification (DossierVerification *result,
                    gboolean             as_json)
{
  g_autoptr(JsonNode) node = dossier_verification_to_json (result);
  JsonObject *object = json_node_get_object (node);
  JsonArray *checks = json_object_get_array_member (object, "checks");

  if (as_json)
    {
      dossier_cli_print_json (node);
      return;
    }
  g_print ("%s: %s (%s)\n", json_object_get_string_member (object, "input"),
           json_object_get_string_member (object, "verdict"), json_object_get_string_member (object, "format"));
  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      g_print ("  %s %-14s %s\n", json_object_get_boolean_member (check, "ok") ? "✓" : "✗",
               json_object_get_string_member (check, "name"),
               json_object_get_string_member_with_default (check, "detail", ""));
    }
  if (!json_object_get_boolean_member (object, "time_checked"))
    g_print (_("  Validity period not checked (--no-time-check)\n"));
  if (!json_object_get_boolean_member (object, "status_checked"))
    {
      g_autoptr(DossierVerdict) verdict = dossier_verification_to_verdict (result);

      /* why the status list could not be read, unless a failure says more */
      if (g_strcmp0 (dossier_verdict_get_reason_code (verdict, DOSSIER_VERDICT_PART_CURRENT), "status-not-checked") == 0)
        g_print ("  %s\n", dossier_verdict_get_reason (verdict, DOSSIER_VERDICT_PART_CURRENT));
    }
  for (guint i = 0; i < dossier_verification_get_records (result)->len; i++)
    {
      DossierRecord *record = g_ptr_array_index (dossier_verification_get_records (result), i);

      g_print ("  • %s %s\n", dossier_record_get_issued (record) ?: "", dossier_record_get_title (record));
    }
}

/* A SMART Health Link: its files are fetched from the sender's server,
 * decrypted, and what they hold is verified. */
static DossierVerification *
verify_link (Cli                  *cli,
             GBytes               *bytes,
             const char           *name,
             DossierTrustRegistry *registry,
             GDateTime            *at,
             const char           *passcode,
             gboolean              offline)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  DossierNetSession *net = dossier_wallet_get_net (cli->wallet);
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(GPtrArray) contents = NULL;
  g_autoptr(GError) error = NULL;

  while (length > 0 && g_ascii_isspace (data[length - 1]))
    length--;
  if (!offline)
    contents = dossier_shl_open_finish (net, CALL (cli, dossier_shl_open_async (net, data, length, _("Dossier verifier"),
                                                                                  passcode, at, NULL,
                                                                                  dossier_cli_on_result, cli)),
                                        &error);
  if (contents != NULL)
    return dossier_shl_verify_contents (name, contents, registry, at);

  result = dossier_verification_new (name);
  dossier_verification_set_format (result, "shlink");
  dossier_verification_note_time_checks (result, at == NULL);
  if (offline)
    dossier_verification_fail (result, "decode", "shl-offline",
                               _("A SMART Health Link’s files are on its sender’s server, which --offline does not reach"));
  else if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_EXPIRED))
    dossier_verification_fail (result, "expired", "shl-expired", "%s", error->message);
  else if (g_error_matches (error, DOSSIER_FORMAT_ERROR, DOSSIER_FORMAT_ERROR_PASSCODE_REQUIRED))
    dossier_verification_fail (result, "decode", "shl-passcode", "%s", error->message);
  else if (error->domain == DOSSIER_FORMAT_ERROR)
    dossier_verification_fail (result, "decode", "shl-malformed", "%s", error->message);
  else if (error->domain == DOSSIER_NET_ERROR || error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
           error->domain == G_TLS_ERROR)
    dossier_verification_fail (result, "decode", "shl-unreachable", "%s", error->message);
  else
    dossier_verification_fail (result, "decode", "shl-decrypt", "%s", error->message);
  return g_steal_pointer (&result);
}

/* A --trust argument: a file or folder, or the URL of a key set. */
static gboolean
add_trust (DossierTrustRegistry *registry,
           const char           *trust,
           gboolean              offline)
{
  g_autoptr(GError) error = NULL;

  if (dossier_trust_registry_is_url (trust) && offline)
    {
      g_printerr (_("dossier-cli: --trust %s: a key set on the web cannot be fetched with --offline\n"), trust);
      return FALSE;
    }
  guint seen = dossier_trust_registry_get_warnings (registry)->len;
  GPtrArray *warnings;

  if (!(dossier_trust_registry_is_url (trust) ? dossier_trust_registry_add_url (registry, trust, &error)
                                              : dossier_trust_registry_add_path (registry, trust, &error)))
    {
      g_printerr ("dossier-cli: --trust %s: %s\n", trust, error->message);
      return FALSE;
    }
  /* entries of a list that cannot be trusted, such as a DSC with the wrong key id */
  warnings = dossier_trust_registry_get_warnings (registry);
  for (guint i = seen; i < warnings->len; i++)
    g_printerr (_("dossier-cli: --trust %s: not trusted: %s\n"), trust, (const char *) g_ptr_array_index (warnings, i));
  return TRUE;
}

int
dossier_cli_command_verify (Cli   *cli,
                int    argc,
                char **argv)
{
  g_auto(GStrv) trust = NULL;
  g_autofree char *at_text = NULL;
  g_autofree char *aud = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *passcode = NULL;
  gboolean no_time_check = FALSE, offline = FALSE, as_json = FALSE;
  GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust, N_("Trust the keys in PATH for this run: a JWK or JWKS file, PEM certificates, an EU DCC list of signer certificates, a DID document, a Multikey, a status list, or a folder of them; or the keys at an https URL"), N_("PATH") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("Check validity as of this RFC 3339 time instead of now"), N_("TIME") },
    { "no-time-check", 0, 0, G_OPTION_ARG_NONE, &no_time_check, N_("Check signatures and trust but no validity period"), NULL },
    { "aud", 0, 0, G_OPTION_ARG_STRING, &aud, N_("The audience a presentation’s key binding must name"), N_("A") },
    { "nonce", 0, 0, G_OPTION_ARG_STRING, &nonce, N_("The nonce a presentation’s key binding must carry"), N_("N") },
    { "passcode", 0, 0, G_OPTION_ARG_STRING, &passcode, N_("The passcode a SMART Health Link asks for"), N_("P") },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline, N_("Use no network: keys and status only from --trust"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object per input"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (N_("INPUT…"), _("Check the signature, issuer and validity of health cards and credentials. INPUT is a file or - for standard input. Nothing is stored."), entries);
  g_autoptr(DossierTrustRegistry) registry = dossier_trust_registry_new ();
  g_autoptr(GDateTime) at = NULL;
  int status, exit_code = DOSSIER_CLI_EXIT_OK;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (argc < 2)
    return dossier_cli_usage_error (context, _("Name at least one input to verify"));
  if (at_text != NULL && no_time_check)
    return dossier_cli_usage_error (context, _("--at and --no-time-check exclude each other"));
  if (at_text != NULL && (at = g_date_time_new_from_iso8601 (at_text, NULL)) == NULL)
    return dossier_cli_usage_error (context, _("--at takes an RFC 3339 time such as 2024-06-01T00:00:00Z"));
  if (at == NULL && !no_time_check)
    at = g_date_time_new_now_utc ();
  for (guint i = 0; trust != NULL && trust[i] != NULL; i++)
    if (!add_trust (registry, trust[i], offline))
      return DOSSIER_CLI_EXIT_USAGE;
  /* status lists and did:web documents no anchor holds come from the network */
  dossier_trust_registry_set_online (registry, !offline, FALSE);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = read_input (argv[i], &error);
      g_autoptr(DossierVerification) result = NULL;

      if (bytes == NULL)
        {
          result = dossier_verification_new (argv[i]);
          dossier_verification_set_error (result, "unreadable", error->message);
          print_verification (result, as_json);
          exit_code = DOSSIER_CLI_EXIT_USAGE;
          continue;
        }
      if (dossier_shl_detect (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)))
        result = verify_link (cli, bytes, argv[i], registry, at, passcode, offline);
      else
        result = dossier_verify_presentation (bytes, argv[i], registry, at, aud, nonce);
      print_verification (result, as_json);
      if (!g_str_equal (dossier_verification_get_summary (result), "valid") && exit_code == DOSSIER_CLI_EXIT_OK)
        exit_code = DOSSIER_CLI_EXIT_FAILED;
    }
  return exit_code;
}

static int
reverify_one (Cli    *cli,
              gint64  id,
              guint  *failures)
{
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(DossierRecord) record = NULL;
  g_autoptr(DossierVerification) result = NULL;
  g_autoptr(DossierVerdict) verdict = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  record = dossier_vault_get_record_finish (vault, CALL (cli, dossier_vault_get_record_async (vault, id, NULL, dossier_cli_on_result, cli)),
                                            &error);
  if (record == NULL)
    return dossier_cli_fail (error);
  if (dossier_record_get_original (record) == NULL || g_strcmp0 (dossier_record_get_format (record), "document") == 0 ||
      dossier_record_get_parent_uuid (record) != NULL)
    return -1;   /* nothing of its own to check */

  result = dossier_verify_bytes (dossier_record_get_original (record), dossier_record_get_title (record),
                                 dossier_wallet_get_trust (cli->wallet), now);
  verdict = dossier_verification_to_verdict (result);
  dossier_record_set_verdict (record, verdict);
  dossier_record_set_checked_at (record, now);
  if (!dossier_vault_update_verdict_finish (vault, CALL (cli, dossier_vault_update_verdict_async (vault, record, NULL,
                                                                                                  dossier_cli_on_result, cli)),
                                            &error))
    return dossier_cli_fail (error);
  g_print ("%6lld  %-10s  %s\n", (long long) id, dossier_verification_get_summary (result), dossier_record_get_title (record));
  if (!g_str_equal (dossier_verification_get_summary (result), "valid"))
    (*failures)++;
  return -1;
}

int
dossier_cli_command_reverify (Cli   *cli,
                  int    argc,
                  char **argv)
{
  g_auto(GStrv) trust = NULL;
  gboolean offline = FALSE;
  GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust, N_("Also trust the keys in PATH (a file, a folder or an https URL) for this run"), N_("PATH") },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline, N_("Use no network: keys and status only from the trust anchors"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (N_("[ID…]"), _("Check the kept records again (all when no number is given) and store the new verdicts."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint failures = 0;
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  for (int i = 1; i < argc; i++)
    {
      gint64 id;

      if (!dossier_cli_parse_id (argv[i], &id))
        return dossier_cli_usage_error (context, _("Give the numbers of records, as “list” shows them"));
      g_array_append_val (ids, id);
    }
  for (guint i = 0; trust != NULL && trust[i] != NULL; i++)
    if (!add_trust (dossier_wallet_get_trust (cli->wallet), trust[i], offline))
      return DOSSIER_CLI_EXIT_USAGE;
  if ((status = dossier_cli_unlock (cli)) >= 0 || (status = dossier_cli_load_vault_trust (cli)) >= 0)
    return status;
  dossier_trust_registry_set_online (dossier_wallet_get_trust (cli->wallet), !offline, FALSE);
  if (ids->len == 0)
    {
      g_autoptr(GPtrArray) all = NULL;
      g_autoptr(GError) error = NULL;

      all = dossier_vault_query_records_finish (vault, CALL (cli, dossier_vault_query_records_async (vault, NULL, NULL,
                                                                                                     dossier_cli_on_result, cli)),
                                                &error);
      if (all == NULL)
        return dossier_cli_fail (error);
      for (guint i = 0; i < all->len; i++)
        {
          gint64 id = dossier_record_get_id (g_ptr_array_index (all, i));
          g_array_append_val (ids, id);
        }
    }
  for (guint i = 0; i < ids->len; i++)
    if ((status = reverify_one (cli, g_array_index (ids, gint64, i), &failures)) >= 0)
      return status;
  return failures > 0 ? DOSSIER_CLI_EXIT_FAILED : DOSSIER_CLI_EXIT_OK;
}

/* The anchor for a file, or for the key set or DID document at a URL
 * (fetched now, and kept with its fetch time). */
static DossierTrustAnchor *
anchor_for (const char  *source,
            const char  *name,
            const char  *scope,
            GError     **error)
{
  g_autoptr(GBytes) material = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *base = NULL;
  DossierTrustAnchor *anchor;
  gsize length;

  /* document signer certificates vouch for health certificates only */
  if (dossier_trust_registry_is_url (source))
    {
      g_autoptr(DossierTrustRegistry) fetcher = dossier_trust_registry_new ();
      g_autoptr(DossierTrustAnchor) fetched = dossier_trust_registry_fetch_anchor (fetcher, source, TRUE, error);

      if (fetched == NULL)
        return NULL;
      material = g_bytes_ref (dossier_trust_anchor_get_material (fetched));
      if (scope == NULL && dossier_dsc_list_detect (g_bytes_get_data (material, NULL), g_bytes_get_size (material)))
        scope = "health";
      anchor = dossier_trust_anchor_new (name != NULL ? name : source, source, scope, material);
      dossier_trust_anchor_set_fetched (anchor, dossier_trust_anchor_get_material (fetched), dossier_trust_anchor_get_fetched (fetched));
      return anchor;
    }
  if (!g_file_get_contents (source, &contents, &length, error))
    return NULL;
  material = g_bytes_new_take (g_steal_pointer (&contents), length);
  base = g_path_get_basename (source);
  if (scope == NULL && dossier_dsc_list_detect (g_bytes_get_data (material, NULL), g_bytes_get_size (material)))
    scope = "health";
  return dossier_trust_anchor_new (name != NULL ? name : base, source, scope, material);
}

static int
trust_add (Cli        *cli,
           const char *path,
           const char *name,
           const char *scope)
{
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(DossierTrustRegistry) check = dossier_trust_registry_new ();
  g_autoptr(DossierTrustAnchor) anchor = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) certificates = NULL;

  anchor = anchor_for (path, name, scope, &error);
  if (anchor == NULL)
    {
      g_printerr ("dossier-cli: %s\n", error->message);
      return dossier_trust_registry_is_url (path) ? DOSSIER_CLI_EXIT_FAILED : DOSSIER_CLI_EXIT_USAGE;
    }
  dossier_trust_registry_add_anchor (check, anchor);
  for (guint i = 0; i < dossier_trust_registry_get_warnings (check)->len; i++)
    g_printerr (_("dossier-cli: not trusted: %s\n"), (const char *) g_ptr_array_index (dossier_trust_registry_get_warnings (check), i));
  keys = dossier_key_source_find_keys (DOSSIER_KEY_SOURCE (check), NULL, NULL);
  certificates = dossier_key_source_find_certificates (DOSSIER_KEY_SOURCE (check), NULL);
  if (keys->len == 0 && certificates->len == 0)
    {
      g_printerr (_("dossier-cli: %s holds no key or certificate Dossier can use\n"), path);
      return DOSSIER_CLI_EXIT_FAILED;
    }
  if (!dossier_vault_add_anchor_finish (vault, CALL (cli, dossier_vault_add_anchor_async (vault, anchor, NULL, dossier_cli_on_result, cli)),
                                        &error))
    return dossier_cli_fail (error);
  g_print (_("Trusted %s as anchor %lld\n"), dossier_trust_anchor_get_name (anchor),
           (long long) dossier_trust_anchor_get_id (anchor));
  return DOSSIER_CLI_EXIT_OK;
}

/* Fetches the anchors that came from URLs again (those numbered in @ids,
 * or all) and keeps what their URLs hold now. */
static int
trust_refresh (Cli        *cli,
               GPtrArray  *anchors,
               GArray     *ids)
{
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(DossierTrustRegistry) fetcher = dossier_trust_registry_new ();
  int exit_code = DOSSIER_CLI_EXIT_OK;

  for (guint i = 0; i < anchors->len; i++)
    {
      DossierTrustAnchor *anchor = g_ptr_array_index (anchors, i);
      gint64 id = dossier_trust_anchor_get_id (anchor);
      g_autoptr(DossierTrustAnchor) fetched = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *when = NULL;
      gboolean named = ids->len == 0;

      for (guint j = 0; j < ids->len; j++)
        named = named || g_array_index (ids, gint64, j) == id;
      if (!named || dossier_trust_anchor_get_fetched (anchor) == NULL)
        continue;
      fetched = dossier_trust_registry_fetch_anchor (fetcher, dossier_trust_anchor_get_source (anchor), TRUE, &error);
      if (fetched == NULL)
        {
          g_printerr (_("dossier-cli: anchor %lld keeps its earlier keys: %s\n"), (long long) id, error->message);
          exit_code = DOSSIER_CLI_EXIT_FAILED;
          continue;
        }
      dossier_trust_anchor_set_fetched (anchor, dossier_trust_anchor_get_material (fetched), dossier_trust_anchor_get_fetched (fetched));
      if (!dossier_vault_add_anchor_finish (vault, CALL (cli, dossier_vault_add_anchor_async (vault, anchor, NULL, dossier_cli_on_result, cli)),
                                            &error))
        return dossier_cli_fail (error);
      when = g_date_time_format (dossier_trust_anchor_get_fetched (anchor), "%Y-%m-%d %H:%M:%S UTC");
      g_print (_("Fetched anchor %lld again from %s at %s\n"), (long long) id, dossier_trust_anchor_get_source (anchor), when);
    }
  return exit_code;
}

static void
trust_list (GPtrArray *anchors)
{
  for (guint i = 0; i < anchors->len; i++)
    {
      DossierTrustAnchor *anchor = g_ptr_array_index (anchors, i);
      GDateTime *fetched = dossier_trust_anchor_get_fetched (anchor);
      g_autofree char *when = fetched != NULL ? g_date_time_format (fetched, "%Y-%m-%d %H:%M:%S UTC") : NULL;

      g_print ("%6lld  %-9s %s  (%s)", (long long) dossier_trust_anchor_get_id (anchor),
               dossier_trust_anchor_get_scope (anchor), dossier_trust_anchor_get_name (anchor),
               dossier_trust_anchor_get_source (anchor) ?: "");
      if (when != NULL)
        g_print (_("  fetched %s"), when);
      g_print ("\n");
    }
}

int
dossier_cli_command_trust (Cli   *cli,
               int    argc,
               char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *scope = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("A name for the anchor (default: the file name)"), N_("NAME") },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope, N_("What it may vouch for: learning, health or all (default, or health for a list of DCC signer certificates)"), N_("SCOPE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = dossier_cli_command_context (N_("add PATH|URL | list | refresh [ID…] | remove ID"), _("Keep the issuer keys and signer certificates you trust in the vault; imports and reverify use them. An anchor added from an https URL is fetched now and again on “refresh”."), entries);
  DossierVault *vault = dossier_wallet_get_vault (cli->wallet);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = dossier_cli_parse_command (context, &argc, &argv)) >= 0)
    return status;
  if (scope != NULL && !g_strv_contains ((const char *[]) { "learning", "health", "all", NULL }, scope))
    return dossier_cli_usage_error (context, _("--scope takes learning, health or all"));
  if (!(argc == 3 && g_str_equal (argv[1], "add")) && !(argc == 2 && g_str_equal (argv[1], "list")) &&
      !(argc == 3 && g_str_equal (argv[1], "remove")) && !(argc >= 2 && g_str_equal (argv[1], "refresh")))
    return dossier_cli_usage_error (context, _("Say “add PATH”, “add URL”, “list”, “refresh [ID…]” or “remove ID”"));
  for (int i = 2; g_str_equal (argv[1], "refresh") && i < argc; i++)
    {
      gint64 id;

      if (!dossier_cli_parse_id (argv[i], &id))
        return dossier_cli_usage_error (context, _("Give the numbers of anchors, as “trust list” shows them"));
      g_array_append_val (ids, id);
    }
  if ((status = dossier_cli_unlock (cli)) >= 0)
    return status;

  if (g_str_equal (argv[1], "add"))
    return trust_add (cli, argv[2], name, scope);
  if (g_str_equal (argv[1], "remove"))
    {
      gint64 id;

      if (!dossier_cli_parse_id (argv[2], &id))
        return dossier_cli_usage_error (context, _("Give the number of one anchor, as “trust list” shows it"));
      if (!dossier_vault_remove_anchor_finish (vault, CALL (cli, dossier_vault_remove_anchor_async (vault, id, NULL, dossier_cli_on_result, cli)),
                                               &error))
        return dossier_cli_fail (error);
      return DOSSIER_CLI_EXIT_OK;
    }
  anchors = dossier_vault_list_anchors_finish (vault, CALL (cli, dossier_vault_list_anchors_async (vault, NULL,
                                                                                                   dossier_cli_on_result, cli)),
                                               &error);
  if (anchors == NULL)
    return dossier_cli_fail (error);
  if (g_str_equal (argv[1], "refresh"))
    return trust_refresh (cli, anchors, ids);
  trust_list (anchors);
  return DOSSIER_CLI_EXIT_OK;
}
