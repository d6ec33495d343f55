// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

/* Issuer keys made fresh for a test, and what an issuer makes with them:
 * signed JWTs, Multikeys, compressed status lists. */
typedef struct
{
  EVP_PKEY *pkey;
  char     *alg;
} TestKey;

TestKey *test_key_new           (const char    *curve);
void     test_key_free          (TestKey       *key);
char    *test_key_jwk           (TestKey       *key,
                                 const char    *kid);
char    *test_key_multikey      (TestKey       *key);
char    *test_key_sign          (TestKey       *key,
                                 const char    *header_members,
                                 const char    *payload);
char    *test_base58_encode     (const guint8  *data,
                                 gsize          length);
char    *test_compress_base64url (const guint8 *data,
                                  gsize         length,
                                  gboolean      gzip);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestKey, test_key_free)

G_END_DECLS
