// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-secret.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

void
dossier_secure_wipe (gpointer data,
                     gsize    length)
{
  if (data != NULL && length > 0)
    explicit_bzero (data, length);
}

gpointer
dossier_secure_alloc (gsize length)
{
  gpointer data = g_malloc0 (length + 1);

  /* Locking can fail for unprivileged users over RLIMIT_MEMLOCK; the
   * memory is still wiped on release, so this is best effort. */
  (void) mlock (data, length + 1);
  return data;
}

void
dossier_secure_free (gpointer data,
                     gsize    length)
{
  if (data == NULL)
    return;
  dossier_secure_wipe (data, length + 1);
  (void) munlock (data, length + 1);
  g_free (data);
}

char *
dossier_secure_strdup (const char *string)
{
  gsize length;
  char *copy;

  if (string == NULL)
    return NULL;
  length = strlen (string);
  copy = dossier_secure_alloc (length);
  memcpy (copy, string, length);
  return copy;
}

void
dossier_secure_strfree (char *string)
{
  if (string != NULL)
    dossier_secure_free (string, strlen (string));
}

gboolean
dossier_secure_random (gpointer buffer,
                       gsize    length)
{
  guint8 *p = buffer;

  while (length > 0)
    {
      ssize_t got = getrandom (p, MIN (length, 256), 0);

      if (got < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      p += got;
      length -= (gsize) got;
    }
  return TRUE;
}

/* Compares in time that depends only on the length. */
gboolean
dossier_secure_equal (gconstpointer a,
                      gconstpointer b,
                      gsize         length)
{
  const volatile guint8 *x = a;
  const volatile guint8 *y = b;
  guint8 diff = 0;

  for (gsize i = 0; i < length; i++)
    diff |= x[i] ^ y[i];
  return diff == 0;
}
