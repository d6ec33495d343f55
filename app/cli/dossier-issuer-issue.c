// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-issuer-issue.h"

#include "dossier-base64.h"
#include "dossier-data-integrity.h"
#include "dossier-issuer-print.h"
#include "dossier-jcs.h"
#include "dossier-json.h"
#include "dossier-sd-jwt.h"
#include "dossier-vc-jwt.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/rand.h>
#include <string.h>

static const struct
{
  const char         *name;
  DossierIssueFormat  format;
  const char         *extension;
} formats[] = {
  { "vc-jwt", DOSSIER_ISSUE_VC_JWT, ".jwt" },
  { "sd-jwt", DOSSIER_ISSUE_SD_JWT, ".sd-jwt" },
  { "di", DOSSIER_ISSUE_DI, ".json" },
};

gboolean
dossier_issue_format_from_name (const char         *name,
                                DossierIssueFormat *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_strcmp0 (name, formats[i].name) == 0)
      {
        *format = formats[i].format;
        return TRUE;
      }
  return FALSE;
}

static JsonArray *
strings (const char *first,
         ...)
{
  JsonArray *array = json_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    json_array_add_string_element (array, s);
  va_end (args);
  return array;
}

static JsonObject *
status_entry (DossierIssuer *issuer,
              const char    *purpose,
              guint          index)
{
  JsonObject *entry = json_object_new ();
  g_autofree char *url = dossier_issuer_status_url (issuer, purpose);
  g_autofree char *id = g_strdup_printf ("%s#%u", url, index);
  g_autofree char *index_text = g_strdup_printf ("%u", index);

  json_object_set_string_member (entry, "id", id);
  json_object_set_string_member (entry, "type", "BitstringStatusListEntry");
  json_object_set_string_member (entry, "statusPurpose", purpose);
  json_object_set_string_member (entry, "statusListIndex", index_text);
  json_object_set_string_member (entry, "statusListCredential", url);
  return entry;
}

static char *
valid_from (DossierStudent *student,
            GDateTime      *now)
{
  const char *day = g_hash_table_lookup (student->values, "issueDate");

  if (day != NULL)
    return g_strconcat (day, "T00:00:00Z", NULL);
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/* An Open Badges 3.0 AchievementCredential for @student, its status at
 * @index of the issuer's revocation and suspension lists. */
JsonObject *
dossier_issue_build_credential (DossierIssuer   *issuer,
                                DossierTemplate *template,
                                DossierStudent  *student,
                                guint            index,
                                GDateTime       *now)
{
  JsonObject *credential = json_object_new ();
  JsonObject *issuer_object = json_object_new ();
  JsonObject *subject = json_object_new ();
  JsonObject *achievement = json_object_new ();
  JsonObject *criteria = json_object_new ();
  JsonArray *status = json_array_new ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strconcat ("urn:uuid:", uuid, NULL);
  g_autofree char *achievement_id = g_strdup_printf ("%s/achievements/%s", issuer->url, template->id);
  g_autofree char *from = valid_from (student, now);
  const char *title = template->title_field != NULL ? g_hash_table_lookup (student->values, template->title_field) : NULL;

  json_object_set_array_member (credential, "@context",
                                strings ("https://www.w3.org/ns/credentials/v2",
                                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", NULL));
  json_object_set_string_member (credential, "id", id);
  json_object_set_array_member (credential, "type", strings ("VerifiableCredential", "AchievementCredential", NULL));
  json_object_set_string_member (credential, "name", title != NULL ? title : template->name_vi);
  json_object_set_string_member (issuer_object, "id", issuer->id);
  json_object_set_array_member (issuer_object, "type", strings ("Profile", NULL));
  json_object_set_string_member (issuer_object, "name", issuer->name_vi);
  json_object_set_string_member (issuer_object, "url", issuer->url);
  if (issuer->logo != NULL)
    json_object_set_string_member (issuer_object, "image", issuer->logo);
  json_object_set_object_member (credential, "issuer", issuer_object);
  json_object_set_string_member (credential, "validFrom", from);

  json_object_set_string_member (achievement, "id", achievement_id);
  json_object_set_array_member (achievement, "type", strings ("Achievement", NULL));
  json_object_set_string_member (achievement, "achievementType", template->achievement_type);
  json_object_set_string_member (achievement, "name", title != NULL ? title : template->name_vi);
  json_object_set_string_member (achievement, "description", template->description_vi ?: template->name_vi);
  json_object_set_string_member (criteria, "narrative", template->criteria_vi ?: template->name_vi);
  json_object_set_object_member (achievement, "criteria", criteria);
  if (g_hash_table_lookup (student->values, "fieldOfStudy") != NULL)
    json_object_set_string_member (achievement, "fieldOfStudy", g_hash_table_lookup (student->values, "fieldOfStudy"));

  json_object_set_array_member (subject, "type", strings ("AchievementSubject", NULL));
  /* the fields in the template's order, so that every credential reads alike */
  for (guint i = 0; i < template->fields->len; i++)
    {
      DossierTemplateField *field = g_ptr_array_index (template->fields, i);
      const char *value = g_hash_table_lookup (student->values, field->key);

      if (value != NULL)
        json_object_set_string_member (subject, field->key, value);
    }
  json_object_set_object_member (subject, "achievement", achievement);
  json_object_set_object_member (credential, "credentialSubject", subject);

  json_array_add_object_element (status, status_entry (issuer, "revocation", index));
  json_array_add_object_element (status, status_entry (issuer, "suspension", index));
  json_object_set_array_member (credential, "credentialStatus", status);
  return credential;
}

/* The SD-JWT VC claims of @credential: the issuer, type, dates and status
 * in the clear, each personal claim of the subject disclosable. */
static char *
issue_sd_jwt (DossierIssuer    *issuer,
              DossierTemplate  *template,
              JsonObject       *credential,
              GDateTime        *now,
              GError          **error)
{
  g_autoptr(JsonObject) claims = json_object_new ();
  g_autoptr(GPtrArray) disclosable = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *vct = g_strdup_printf ("%s/credentials/%s", issuer->url, template->id);
  JsonObject *subject = dossier_json_get_object (credential, "credentialSubject");
  g_autoptr(GDateTime) from = g_date_time_new_from_iso8601 (dossier_json_get_string (credential, "validFrom"), NULL);
  DossierSdJwtIssueOptions options = { "ES256", issuer->p256, issuer->p256_kid, NULL, 2, NULL };
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_set_string_member (claims, "iss", issuer->id);
  json_object_set_string_member (claims, "vct", vct);
  json_object_set_int_member (claims, "iat", g_date_time_to_unix (now));
  if (from != NULL)
    json_object_set_int_member (claims, "nbf", g_date_time_to_unix (from));
  json_object_iter_init (&iter, credential);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_str_equal (name, "@context"))
      json_object_set_member (claims, name, json_node_copy (member));
  json_object_iter_init (&iter, subject);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_str_equal (name, "type") && !g_str_equal (name, "achievement"))
      g_ptr_array_add (disclosable, g_strconcat ("/credentialSubject/", name, NULL));
  g_ptr_array_add (disclosable, NULL);
  options.disclosable = (const char * const *) disclosable->pdata;
  return dossier_sd_jwt_issue (claims, &options, error);
}

/* The Data Integrity cryptosuites dossier-issuer signs with. */
gboolean
dossier_issue_cryptosuite_known (const char *cryptosuite)
{
  return g_strcmp0 (cryptosuite, "eddsa-jcs-2022") == 0 || g_strcmp0 (cryptosuite, "eddsa-rdfc-2022") == 0;
}

/* An RDFC proof signs the credential's RDF meaning, which holds only terms
 * some context defines; the template's own fields are in none, so the
 * credential names the bundled context that keeps them, the issuer-dependent
 * terms of VC 2.0, rather than have them dropped or refused. */
static void
add_undefined_terms_context (JsonObject *credential)
{
  JsonArray *context = dossier_json_get_array (credential, "@context");
  const char *url = "https://www.w3.org/ns/credentials/undefined-terms/v2";

  for (guint i = 0; context != NULL && i < json_array_get_length (context); i++)
    if (g_strcmp0 (json_node_get_string (json_array_get_element (context, i)), url) == 0)
      return;
  if (context != NULL)
    json_array_add_string_element (context, url);
}

char *
dossier_issue_secure (DossierIssuer       *issuer,
                      DossierTemplate     *template,
                      JsonObject          *credential,
                      DossierIssueFormat   format,
                      const char          *cryptosuite,
                      GDateTime           *now,
                      GError             **error)
{
  switch (format)
    {
    case DOSSIER_ISSUE_VC_JWT:
      return dossier_vc_jwt_sign (credential, "vc+jwt", "ES256", issuer->p256, issuer->p256_kid, error);
    case DOSSIER_ISSUE_SD_JWT:
      return issue_sd_jwt (issuer, template, credential, now, error);
    case DOSSIER_ISSUE_DI:
    default:
      {
        g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
        g_autoptr(JsonNode) node = NULL;
        g_autoptr(JsonGenerator) generator = json_generator_new ();

        if (issuer->ed25519 == NULL)
          {
            g_set_error_literal (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_INVALID,
                                 _("Data Integrity credentials are signed with Ed25519, and this issuer has no Ed25519 key"));
            return NULL;
          }
        if (cryptosuite == NULL)
          cryptosuite = "eddsa-jcs-2022";
        if (g_str_equal (cryptosuite, "eddsa-rdfc-2022"))
          add_undefined_terms_context (credential);
        if (!dossier_data_integrity_sign (credential, cryptosuite, issuer->ed25519, issuer->ed25519_kid, created, error))
          return NULL;
        node = json_node_init_object (json_node_alloc (), credential);
        json_generator_set_root (generator, node);
        json_generator_set_pretty (generator, TRUE);
        return json_generator_to_data (generator, NULL);
      }
    }
}

/* An OpenID4VCI credential offer with a pre-authorized code; its
 * openid-credential-offer:// form in @uri. */
static JsonObject *
credential_offer (DossierIssuer       *issuer,
                  DossierTemplate     *template,
                  DossierIssueFormat   format,
                  char               **code_out,
                  char               **uri)
{
  JsonObject *offer = json_object_new ();
  JsonObject *grants = json_object_new ();
  JsonObject *grant = json_object_new ();
  JsonArray *ids = json_array_new ();
  g_autofree char *configuration = g_strdup_printf ("%s-%s", template->id, formats[format].name);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL, *escaped = NULL;
  guint8 random[32];
  gsize length = 0;

  g_assert (RAND_bytes (random, sizeof random) == 1);
  *code_out = dossier_base64url_encode (random, sizeof random);
  json_object_set_string_member (offer, "credential_issuer", issuer->url);
  json_array_add_string_element (ids, configuration);
  json_object_set_array_member (offer, "credential_configuration_ids", ids);
  json_object_set_string_member (grant, "pre-authorized_code", *code_out);
  json_object_set_object_member (grants, "urn:ietf:params:oauth:grant-type:pre-authorized_code", grant);
  json_object_set_object_member (offer, "grants", grants);
  node = json_node_init_object (json_node_alloc (), offer);
  text = dossier_jcs_serialize (node, &length, NULL);
  escaped = g_uri_escape_string (text, NULL, FALSE);
  *uri = g_strconcat ("openid-credential-offer://?credential_offer=", escaped, NULL);
  return offer;
}

static gboolean
write_json_file (const char  *path,
                 JsonObject  *object,
                 GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  return dossier_issuer_write_file (path, text, -1, FALSE, error);
}

/* The QR code, the credential offer and the PDF certificate beside the
 * credential.  The QR code holds the credential itself when it fits, so
 * that the paper verifies offline, else the offer. */
static gboolean
write_extras (DossierIssuer       *issuer,
              DossierTemplate     *template,
              DossierStudent      *student,
              JsonObject          *credential,
              DossierIssueFormat   format,
              const char          *secured,
              const char          *dir,
              const char          *stem,
              JsonObject          *entry,
              GError             **error)
{
  g_autofree char *code = NULL, *uri = NULL;
  g_autoptr(JsonObject) offer = credential_offer (issuer, template, format, &code, &uri);
  g_autofree char *offer_path = g_strdup_printf ("%s/%s.offer.json", dir, stem);
  g_autofree char *png_path = g_strdup_printf ("%s/%s.png", dir, stem);
  g_autofree char *pdf_path = g_strdup_printf ("%s/%s.pdf", dir, stem);
  g_autofree char *offer_file = g_strconcat (stem, ".offer.json", NULL);
  g_autoptr(QRcode) qr = dossier_issuer_qr_encode (secured, NULL);
  const char *caption = _("Quét mã để kiểm tra văn bằng · Scan the code to verify");
  const char *holds = "credential";

  if (qr == NULL)
    {
      qr = dossier_issuer_qr_encode (uri, NULL);
      caption = _("Quét mã để nhận văn bằng vào ví · Scan the code to receive it in a wallet");
      holds = qr != NULL ? "offer" : "none";
    }
  json_object_set_string_member (entry, "offer", offer_file);
  json_object_set_string_member (entry, "offer_uri", uri);
  json_object_set_string_member (entry, "pre-authorized_code", code);
  json_object_set_string_member (entry, "qr", holds);
  if (!write_json_file (offer_path, offer, error) ||
      (qr != NULL && !dossier_issuer_write_qr_png (qr, png_path, error)) ||
      !dossier_issuer_write_pdf (issuer, template, student, credential, qr, caption, pdf_path, error))
    return FALSE;
  return TRUE;
}

/* A file name from the row and the diploma number: letters, digits, - and _. */
static char *
file_stem (DossierStudent *student)
{
  const char *number = g_hash_table_lookup (student->values, "diplomaNumber") ?: "";
  GString *stem = g_string_new (NULL);

  g_string_printf (stem, "%04u", student->row);
  if (*number != '\0')
    g_string_append_c (stem, '-');
  for (const char *p = number; *p != '\0' && stem->len < 64; p++)
    g_string_append_c (stem, g_ascii_isalnum (*p) || *p == '-' || *p == '_' ? *p : '_');
  return g_string_free (stem, FALSE);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gboolean
out_dir_usable (const char  *out_dir,
                GError     **error)
{
  g_autoptr(GDir) dir = NULL;

  if (!g_file_test (out_dir, G_FILE_TEST_EXISTS))
    return TRUE;
  dir = g_dir_open (out_dir, 0, NULL);
  if (dir == NULL || g_dir_read_name (dir) != NULL)
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_EXISTS,
                   _("%s already exists and is not empty; name a new folder for this class"), out_dir);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_student (DossierIssuer       *issuer,
               DossierTemplate     *template,
               DossierStudent      *student,
               DossierIssueFormat   format,
               const char          *cryptosuite,
               guint                index,
               GDateTime           *now,
               const char          *dir,
               JsonObject          *entry,
               GError             **error)
{
  g_autoptr(JsonObject) credential = dossier_issue_build_credential (issuer, template, student, index, now);
  g_autofree char *secured = dossier_issue_secure (issuer, template, credential, format, cryptosuite, now, error);
  g_autofree char *stem = file_stem (student);
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (secured == NULL)
    {
      g_prefix_error (error, _("row %u: "), student->row);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].format == format)
      file = g_strconcat (stem, formats[i].extension, NULL);
  path = g_build_filename (dir, file, NULL);
  if (!dossier_issuer_write_file (path, secured, -1, FALSE, error) ||
      !write_extras (issuer, template, student, credential, format, secured, dir, stem, entry, error))
    return FALSE;
  json_object_set_string_member (entry, "id", dossier_json_get_string (credential, "id"));
  json_object_set_int_member (entry, "index", index);
  json_object_set_int_member (entry, "row", student->row);
  json_object_set_string_member (entry, "name", g_hash_table_lookup (student->values, "name"));
  json_object_set_string_member (entry, "diplomaNumber", g_hash_table_lookup (student->values, "diplomaNumber"));
  if (g_hash_table_lookup (student->values, "registerNumber") != NULL)
    json_object_set_string_member (entry, "registerNumber", g_hash_table_lookup (student->values, "registerNumber"));
  json_object_set_string_member (entry, "template", template->id);
  json_object_set_string_member (entry, "format", formats[format].name);
  if (format == DOSSIER_ISSUE_DI)
    json_object_set_string_member (entry, "cryptosuite", cryptosuite != NULL ? cryptosuite : "eddsa-jcs-2022");
  json_object_set_string_member (entry, "file", file);
  return TRUE;
}

/* Issues every student's credential into @out_dir, or none: they are made
 * in a fresh folder beside it that takes its name only once all are
 * written and recorded. */
gboolean
dossier_issue_roster (DossierIssuer       *issuer,
                      DossierTemplate     *template,
                      GPtrArray           *students,
                      DossierIssueFormat   format,
                      const char          *cryptosuite,
                      GDateTime           *issued_at,
                      const char          *out_dir,
                      GError             **error)
{
  /* @issued_at, when a school digitizes diplomas it signed on paper before */
  g_autoptr(GDateTime) now = issued_at != NULL ? g_date_time_ref (issued_at) : g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(JsonArray) manifest = json_array_new ();
  g_autofree char *parent = g_path_get_dirname (out_dir);
  g_autofree char *base = g_path_get_basename (out_dir);
  g_autofree char *pattern = g_strdup_printf ("%s/.%s.partial-XXXXXX", parent, base);
  g_autofree char *manifest_path = NULL;
  guint first = dossier_issuer_next_index (issuer);
  gboolean ok = TRUE;

  if (!out_dir_usable (out_dir, error))
    return FALSE;
  if (first + students->len > DOSSIER_ISSUER_STATUS_ENTRIES)
    {
      g_set_error (error, DOSSIER_ISSUER_ERROR, DOSSIER_ISSUER_ERROR_FULL,
                   _("The status lists have room for %u more credentials, not %u"),
                   DOSSIER_ISSUER_STATUS_ENTRIES - first, students->len);
      return FALSE;
    }
  if (g_mkdir_with_parents (parent, 0755) != 0 || g_mkdtemp_full (pattern, 0755) == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot create a folder beside %s: %s"),
                   out_dir, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; ok && i < students->len; i++)
    {
      JsonObject *entry = json_object_new ();

      g_ptr_array_add (entries, entry);
      ok = write_student (issuer, template, g_ptr_array_index (students, i), format, cryptosuite, first + i, now, pattern,
                         entry, error);
      if (ok)
        json_array_add_object_element (manifest, json_object_ref (entry));
    }
  if (ok)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), manifest);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_root (generator, node);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      manifest_path = g_build_filename (pattern, "issued.json", NULL);
      ok = dossier_issuer_write_file (manifest_path, text, -1, FALSE, error);
    }
  if (ok && g_file_test (out_dir, G_FILE_TEST_IS_DIR) && g_rmdir (out_dir) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot replace the empty folder %s: %s"),
                   out_dir, g_strerror (saved));
      ok = FALSE;
    }
  if (ok && g_rename (pattern, out_dir) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot create %s: %s"), out_dir, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    {
      remove_tree (pattern);
      return FALSE;
    }
  if (!dossier_issuer_record (issuer, entries, error))
    {
      remove_tree (out_dir);
      return FALSE;
    }
  return TRUE;
}
