// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-base64.h"
#include "dossier-sd-jwt.h"

#include <string.h>

/* A key source holding one key: the issuer key of the SD-JWT drafts. */
#define TEST_TYPE_KEYS (test_keys_get_type ())
G_DECLARE_FINAL_TYPE (TestKeys, test_keys, TEST, KEYS, GObject)

struct _TestKeys
{
  GObject    parent_instance;
  GPtrArray *keys;
};

static GPtrArray *
find_keys (DossierKeySource *source,
           const char       *issuer,
           const char       *kid)
{
  return g_ptr_array_ref (TEST_KEYS (source)->keys);
}

static void
test_keys_iface_init (DossierKeySourceInterface *iface)
{
  iface->find_keys = find_keys;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestKeys, test_keys, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DOSSIER_TYPE_KEY_SOURCE, test_keys_iface_init))

static void
test_keys_finalize (GObject *object)
{
  g_ptr_array_unref (TEST_KEYS (object)->keys);
  G_OBJECT_CLASS (test_keys_parent_class)->finalize (object);
}

static void
test_keys_class_init (TestKeysClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_keys_finalize;
}

static void
test_keys_init (TestKeys *self)
{
}

static TestKeys *
load_keys (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "sd-jwt", "keys", "issuer-key.jwk.json", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  TestKeys *self = g_object_new (TEST_TYPE_KEYS, NULL);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  self->keys = dossier_jwk_parse_set (contents, length, NULL);
  g_assert_cmpuint (self->keys->len, ==, 1);
  return self;
}

static char *
read_vector (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("DOSSIER_VECTORS"), "sd-jwt", name, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_strstrip (contents);
}

static char *
first_failure (const char *text,
               TestKeys   *keys)
{
  g_autoptr(DossierVerification) result = dossier_verification_new ("test");
  DossierVerifyOptions options = { DOSSIER_KEY_SOURCE (keys), NULL };

  dossier_sd_jwt_verify (text, strlen (text), &options, result);
  return g_strdup (dossier_verification_get_first_failure (result));
}

static void
test_tampering (void)
{
  g_autoptr(TestKeys) keys = load_keys ();
  g_autofree char *presentation = read_vector ("sd-jwt-draft/section-A.3-presentation-kb.txt");
  g_autofree char *issued = read_vector ("sd-jwt-draft/section-A.3-sd-jwt.txt");
  g_autofree char *ok = first_failure (presentation, keys);
  g_auto(GStrv) parts = g_strsplit (issued, "~", -1);
  const char *fake_json = "[\"c2FsdA\", \"given_name\", \"Mallory\"]";
  g_autofree char *fake = dossier_base64url_encode (fake_json, strlen (fake_json));

  g_assert_null (ok);
  {
    /* one disclosure less: the key binding no longer covers the
     * presentation (or a disclosure nested in the dropped one dangles) */
    g_autofree char *head = g_strndup (presentation, (gsize) (strchr (presentation, '~') - presentation));
    g_autofree char *dropped = g_strconcat (head, strchr (strchr (presentation, '~') + 1, '~'), NULL);
    g_autofree char *failure = first_failure (dropped, keys);

    g_assert_true (g_strcmp0 (failure, "key-binding") == 0 || g_strcmp0 (failure, "disclosure") == 0);
  }
  {
    /* a disclosure the issuer never signed */
    g_autofree char *added = g_strdup_printf ("%s%s~", issued, fake);
    g_autofree char *failure = first_failure (added, keys);

    g_assert_cmpstr (failure, ==, "disclosure");
  }
  {
    /* the same disclosure twice */
    g_autofree char *twice = g_strdup_printf ("%s%s~", issued, parts[1]);
    g_autofree char *failure = first_failure (twice, keys);

    g_assert_cmpstr (failure, ==, "disclosure");
  }
  {
    /* a changed issuer signature */
    g_autofree char *forged = g_strdup (issued);
    char *sig = strchr (forged, '~');
    g_autofree char *failure = NULL;

    while (sig > forged && sig[-1] != '.')
      sig--;
    sig += 5;

    *sig = *sig == 'A' ? 'B' : 'A';
    failure = first_failure (forged, keys);
    g_assert_cmpstr (failure, ==, "signature");
  }
}

static void
test_mutations (void)
{
  g_autoptr(TestKeys) keys = load_keys ();
  g_autofree char *original = read_vector ("sd-jwt-vc-draft/section-2.3.2-presentation-kb.txt");
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize length = strlen (original);

  for (guint round = 0; round < 500; round++)
    {
      g_autofree char *copy = g_strdup (original);
      gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) length);
      g_autofree char *failure = NULL;

      copy[at] = (char) g_rand_int_range (rand, 1, 128);
      if (g_str_equal (copy, original))
        continue;
      failure = first_failure (copy, keys);
      g_assert_nonnull (failure);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd-jwt/tampering", test_tampering);
  g_test_add_func ("/sd-jwt/mutations", test_mutations);
  return g_test_run ();
}
