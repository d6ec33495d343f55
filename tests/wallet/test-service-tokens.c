// SPDX-License-Identifier: GPL-3.0-or-later
/* A service's tokens kept in a real vault: saved, read back after the
 * vault is locked and opened again, never readable on disk, forgotten. */
#include "dossier-oauth-error.h"
#include "dossier-secret.h"
#include "dossier-service-tokens.h"
#include "dossier-test-utils.h"
#include "dossier-vault-error.h"

#include <string.h>

#define PASSPHRASE "correct horse battery"
#define ISSUER "https://health.example/fhir"
#define ACCESS_TOKEN "eyJhbGciOiJFUzI1NiJ9.access-token-of-the-test"
#define REFRESH_TOKEN "refresh-token-of-the-test-8c1f"

typedef struct
{
  char         *dir;
  DossierVault *vault;
  GAsyncResult *result;
} Fixture;

#define WAIT(f) dossier_test_wait (&(f)->result)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = dossier_test_make_tmpdir ();
  f->vault = dossier_vault_new (f->dir);
  dossier_vault_create_async (f->vault, PASSPHRASE, &dossier_test_fast_kdf, "Trần Thị Mai", NULL,
                              dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_create_finish (f->vault, WAIT (f), &error));
  g_assert_no_error (error);
  g_clear_object (&f->result);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->result);
  dossier_test_assert_finalize (f->vault);
  dossier_test_rm_rf (f->dir);
  g_free (f->dir);
}

static gboolean
save (Fixture                  *f,
      const char               *issuer,
      const DossierOAuthTokens *tokens,
      GError                  **error)
{
  g_clear_object (&f->result);
  dossier_service_tokens_save_async (f->vault, issuer, tokens, NULL, dossier_test_store_result, &f->result);
  return dossier_service_tokens_save_finish (f->vault, WAIT (f), error);
}

static DossierOAuthTokens *
load (Fixture     *f,
      const char  *issuer,
      GError     **error)
{
  g_clear_object (&f->result);
  dossier_service_tokens_load_async (f->vault, issuer, NULL, dossier_test_store_result, &f->result);
  return dossier_service_tokens_load_finish (f->vault, WAIT (f), error);
}

static void
lock_and_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->result);
  dossier_vault_lock_async (f->vault, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_lock_finish (f->vault, WAIT (f), &error));
  g_clear_object (&f->result);
  dossier_vault_open_async (f->vault, PASSPHRASE, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_open_finish (f->vault, WAIT (f), &error));
  g_assert_no_error (error);
}

static DossierOAuthTokens *
make_tokens (void)
{
  DossierOAuthTokens *tokens = dossier_oauth_tokens_new ();

  tokens->access_token = dossier_secure_strdup (ACCESS_TOKEN);
  tokens->refresh_token = dossier_secure_strdup (REFRESH_TOKEN);
  tokens->token_type = g_strdup ("Bearer");
  tokens->scope = g_strdup ("openid patient/*.read");
  tokens->expires_at = 1900000000;
  return tokens;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(DossierOAuthTokens) tokens = make_tokens ();
  g_autoptr(DossierOAuthTokens) back = NULL;
  g_autoptr(DossierOAuthTokens) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = dossier_service_tokens_key (ISSUER "/");

  g_assert_cmpstr (key, ==, "service:" ISSUER ":tokens");
  g_assert_null (load (f, ISSUER, &error));
  g_assert_no_error (error);

  g_assert_true (save (f, ISSUER, tokens, &error));
  g_assert_no_error (error);
  lock_and_open (f);
  /* sealed with the rest of the vault */
  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, REFRESH_TOKEN, strlen (REFRESH_TOKEN)), ==, 0);
  g_assert_cmpuint (dossier_test_count_in_dir (f->dir, ACCESS_TOKEN, strlen (ACCESS_TOKEN)), ==, 0);

  /* a final slash names the same service; another service has none */
  back = load (f, ISSUER "/", &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->access_token, ==, ACCESS_TOKEN);
  g_assert_cmpstr (back->refresh_token, ==, REFRESH_TOKEN);
  g_assert_cmpstr (back->token_type, ==, "Bearer");
  g_assert_cmpstr (back->scope, ==, "openid patient/*.read");
  g_assert_cmpint (back->expires_at, ==, 1900000000);
  g_assert_null (load (f, "https://school.example", &error));
  g_assert_no_error (error);

  /* signing out forgets them */
  g_assert_true (save (f, ISSUER, NULL, &error));
  g_assert_no_error (error);
  other = load (f, ISSUER, &error);
  g_assert_no_error (error);
  g_assert_null (other);
}

static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  static const char garbage[] = "{\"access_token\": 12}";
  g_autoptr(DossierOAuthTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = dossier_service_tokens_key (ISSUER);

  g_clear_object (&f->result);
  dossier_vault_set_secret_async (f->vault, key, (const guint8 *) garbage, strlen (garbage), NULL,
                                  dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_set_secret_finish (f->vault, WAIT (f), &error));
  tokens = load (f, ISSUER, &error);
  g_assert_null (tokens);
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_INVALID);
}

static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(DossierOAuthTokens) tokens = make_tokens ();
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (DOSSIER_SERVICE_TOKENS_MAX_SIZE, 'x');

  dossier_secure_strfree (tokens->access_token);
  tokens->access_token = dossier_secure_strdup (huge);
  g_assert_false (save (f, ISSUER, tokens, &error));
  g_assert_error (error, DOSSIER_OAUTH_ERROR, DOSSIER_OAUTH_ERROR_INVALID);
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(DossierOAuthTokens) tokens = make_tokens ();
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->result);
  dossier_vault_lock_async (f->vault, NULL, dossier_test_store_result, &f->result);
  g_assert_true (dossier_vault_lock_finish (f->vault, WAIT (f), &error));
  g_assert_false (save (f, ISSUER, tokens, &error));
  g_assert_error (error, DOSSIER_VAULT_ERROR, DOSSIER_VAULT_ERROR_LOCKED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/service-tokens/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("round-trip", test_round_trip);
  ADD ("damaged", test_damaged);
  ADD ("too-large", test_too_large);
  ADD ("locked", test_locked);
#undef ADD
  return g_test_run ();
}
