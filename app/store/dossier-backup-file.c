// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-backup-file.h"

#include "dossier-recovery-key.h"
#include "dossier-secret.h"

#include <argon2.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <unistd.h>

/* Backup file, format version 1.  All integers are big-endian.
 *
 * Header, 64 bytes, in the clear (it says nothing of the records):
 *    0   8  magic "\x89DOSSBK\n"
 *    8   2  format version (1)
 *   10   1  protection: 1 = passphrase through Argon2id, 2 = recovery key
 *   11   1  reserved, 0
 *   12   4  Argon2id passes       } 0 for a recovery key
 *   16   4  Argon2id memory (KiB) }
 *   20   4  Argon2id lanes        }
 *   24  16  salt (random for every file)
 *   40   4  plaintext bytes per chunk (1 KiB to 1 MiB)
 *   44  16  key check: HMAC-SHA-256 (M, "dossier backup v1 key check" || bytes 0-43), first 16 bytes
 *   60   4  first 4 bytes of SHA-256 (bytes 0-59), to tell a damaged header from a wrong key
 *
 * M, the master key, is Argon2id (passphrase, salt) or the 256-bit recovery
 * key; the content key is HMAC-SHA-256 (M, "dossier backup v1 content key" ||
 * salt), so every file has its own.
 *
 * Then chunks, numbered from 0:
 *    1  flags: bit 0 set on the last chunk, other bits 0
 *    4  plaintext length n (the chunk size, except on the last chunk)
 *    n  AES-256-GCM ciphertext
 *   16  GCM tag
 * The nonce is 4 zero bytes then the chunk number in 8 bytes; the associated
 * data is the whole header, the chunk's flags and length, and its number.
 * So the header is bound to every chunk, and chunks cannot be reordered,
 * dropped, cut short or followed by more without a tag failing: the file
 * must end with the chunk flagged last, right after it. */

#define MAGIC "\x89" "DOSSBK\n"
#define MAGIC_SIZE 8
#define CHECK_OFFSET 44
#define CHECK_SIZE 16
#define SUM_OFFSET 60
#define CHUNK_HEAD_SIZE 5
#define TAG_SIZE 16
#define NONCE_SIZE 12
#define KEY_SIZE 32
#define AAD_SIZE (DOSSIER_BACKUP_HEADER_SIZE + CHUNK_HEAD_SIZE + 8)
#define FLAG_LAST 0x01

G_DEFINE_QUARK (dossier-backup-error-quark, dossier_backup_error)

static void
put_u32 (guint8  *p,
         guint32  value)
{
  p[0] = value >> 24;
  p[1] = value >> 16;
  p[2] = value >> 8;
  p[3] = value;
}

static guint32
get_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
put_u64 (guint8  *p,
         guint64  value)
{
  put_u32 (p, value >> 32);
  put_u32 (p + 4, (guint32) value);
}

static void
header_sum (const guint8 *bytes,
            guint8       *sum)
{
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, bytes, SUM_OFFSET);
  g_checksum_get_digest (checksum, digest, &length);
  memcpy (sum, digest, 4);
}

static gboolean
keyed_hash (const guint8 *master,
            const char   *label,
            const guint8 *data,
            gsize         length,
            guint8       *out)
{
  guint8 message[64 + DOSSIER_BACKUP_HEADER_SIZE];
  gsize label_length = strlen (label);
  unsigned int out_length = KEY_SIZE;
  gboolean ok;

  g_assert (label_length <= 64 && length <= DOSSIER_BACKUP_HEADER_SIZE);
  memcpy (message, label, label_length);
  memcpy (message + label_length, data, length);
  ok = HMAC (EVP_sha256 (), master, KEY_SIZE, message, label_length + length, out, &out_length) != NULL;
  OPENSSL_cleanse (message, sizeof message);
  return ok;
}

/* The content key and the key check from the master key. */
static gboolean
derive_keys (const guint8 *master,
             const guint8 *header,
             guint8       *content_key,
             guint8       *check)
{
  guint8 full_check[KEY_SIZE];
  gboolean ok;

  ok = keyed_hash (master, "dossier backup v1 content key", header + 24, DOSSIER_BACKUP_SALT_SIZE, content_key) &&
       keyed_hash (master, "dossier backup v1 key check", header, CHECK_OFFSET, full_check);
  memcpy (check, full_check, CHECK_SIZE);
  OPENSSL_cleanse (full_check, sizeof full_check);
  return ok;
}

static gboolean
master_key (const DossierBackupHeader  *header,
            const char                 *passphrase,
            const guint8               *recovery_key,
            guint8                     *master,
            GError                    **error)
{
  int rc;

  if (header->protection == DOSSIER_BACKUP_RECOVERY_KEY)
    {
      if (recovery_key == NULL)
        {
          g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_NEEDS_RECOVERY_KEY,
                               _("This backup is protected by a recovery key; give its 24 words"));
          return FALSE;
        }
      memcpy (master, recovery_key, KEY_SIZE);
      return TRUE;
    }
  if (passphrase == NULL)
    {
      g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_NEEDS_PASSPHRASE,
                           _("This backup is protected by a passphrase, not by a recovery key"));
      return FALSE;
    }
  rc = argon2id_hash_raw (header->kdf.iterations, header->kdf.memory_kib, header->kdf.parallelism,
                          passphrase, strlen (passphrase), header->salt, DOSSIER_BACKUP_SALT_SIZE,
                          master, KEY_SIZE);
  if (rc != ARGON2_OK)
    {
      g_set_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_FAILED,
                   _("Key derivation failed: %s"), argon2_error_message (rc));
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_damaged (GError     **error,
             const char  *what)
{
  g_set_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_DAMAGED,
               _("The backup file is damaged (%s); nothing was restored from it"), what);
  return FALSE;
}

gboolean
dossier_backup_header_parse (const guint8         *data,
                             gsize                 length,
                             DossierBackupHeader  *header,
                             GError              **error)
{
  guint8 sum[4];

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);

  memset (header, 0, sizeof *header);
  if (length < MAGIC_SIZE || memcmp (data, MAGIC, MAGIC_SIZE) != 0)
    {
      g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_NOT_A_BACKUP,
                           _("This file is not a Dossier backup"));
      return FALSE;
    }
  if (length < 10)
    {
      g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_TRUNCATED,
                           _("The backup file is cut short: its header is incomplete"));
      return FALSE;
    }
  header->version = ((guint) data[8] << 8) | data[9];
  if (header->version != DOSSIER_BACKUP_FORMAT_VERSION)
    {
      g_set_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_UNSUPPORTED_VERSION,
                   _("This backup has format version %u; this version of Dossier reads version %d. Update Dossier to restore it."),
                   header->version, DOSSIER_BACKUP_FORMAT_VERSION);
      return FALSE;
    }
  if (length < DOSSIER_BACKUP_HEADER_SIZE)
    {
      g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_TRUNCATED,
                           _("The backup file is cut short: its header is incomplete"));
      return FALSE;
    }
  header_sum (data, sum);
  if (memcmp (sum, data + SUM_OFFSET, sizeof sum) != 0)
    return set_damaged (error, _("its header does not match its checksum"));

  memcpy (header->bytes, data, DOSSIER_BACKUP_HEADER_SIZE);
  header->protection = data[10];
  header->kdf.iterations = get_u32 (data + 12);
  header->kdf.memory_kib = get_u32 (data + 16);
  header->kdf.parallelism = get_u32 (data + 20);
  memcpy (header->salt, data + 24, DOSSIER_BACKUP_SALT_SIZE);
  header->chunk_size = get_u32 (data + 40);

  if (data[11] != 0)
    return set_damaged (error, _("a reserved header field is set"));
  if (header->chunk_size < DOSSIER_BACKUP_MIN_CHUNK_SIZE || header->chunk_size > DOSSIER_BACKUP_MAX_CHUNK_SIZE)
    return set_damaged (error, _("its chunk size is out of range"));
  switch (header->protection)
    {
    case DOSSIER_BACKUP_PASSPHRASE:
      if (!dossier_kdf_params_validate (&header->kdf, NULL))
        return set_damaged (error, _("its key derivation settings are out of range"));
      return TRUE;
    case DOSSIER_BACKUP_RECOVERY_KEY:
      if (header->kdf.iterations != 0 || header->kdf.memory_kib != 0 || header->kdf.parallelism != 0)
        return set_damaged (error, _("a recovery key backup has key derivation settings"));
      return TRUE;
    default:
      return set_damaged (error, _("its kind of protection is unknown"));
    }
}

/* --- writing -------------------------------------------------------------- */

struct _DossierBackupWriter
{
  int              fd;
  guint8           header[DOSSIER_BACKUP_HEADER_SIZE];
  guint8          *key;        /* secure memory */
  guint8          *buffer;     /* secure memory: plaintext of the chunk being filled */
  guint8          *out;        /* ciphertext of one chunk */
  guint32          chunk_size;
  gsize            used;
  guint64          index;
  EVP_CIPHER_CTX  *cipher;
};

static gboolean
write_all (int            fd,
           const guint8  *data,
           gsize          length,
           GError       **error)
{
  while (length > 0)
    {
      ssize_t done = write (fd, data, length);

      if (done < 0 && errno == EINTR)
        continue;
      if (done <= 0)
        {
          int saved = errno;
          g_set_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_IO,
                       _("Cannot write the backup file: %s"), g_strerror (saved));
          return FALSE;
        }
      data += done;
      length -= (gsize) done;
    }
  return TRUE;
}

static void
chunk_nonce_and_aad (const guint8 *header,
                     const guint8 *head,
                     guint64       index,
                     guint8       *nonce,
                     guint8       *aad)
{
  memset (nonce, 0, 4);
  put_u64 (nonce + 4, index);
  memcpy (aad, header, DOSSIER_BACKUP_HEADER_SIZE);
  memcpy (aad + DOSSIER_BACKUP_HEADER_SIZE, head, CHUNK_HEAD_SIZE);
  put_u64 (aad + DOSSIER_BACKUP_HEADER_SIZE + CHUNK_HEAD_SIZE, index);
}

static gboolean
write_chunk (DossierBackupWriter  *self,
             gboolean              last,
             GError              **error)
{
  guint8 *head = self->out;
  guint8 *ciphertext = self->out + CHUNK_HEAD_SIZE;
  guint8 nonce[NONCE_SIZE], aad[AAD_SIZE];
  int length = 0, final_length = 0;
  gboolean ok;

  head[0] = last ? FLAG_LAST : 0;
  put_u32 (head + 1, (guint32) self->used);
  chunk_nonce_and_aad (self->header, head, self->index, nonce, aad);

  ok = EVP_EncryptInit_ex (self->cipher, EVP_aes_256_gcm (), NULL, self->key, nonce) == 1 &&
       EVP_EncryptUpdate (self->cipher, NULL, &length, aad, sizeof aad) == 1 &&
       (self->used == 0 || EVP_EncryptUpdate (self->cipher, ciphertext, &length, self->buffer, (int) self->used) == 1) &&
       EVP_EncryptFinal_ex (self->cipher, ciphertext + self->used, &final_length) == 1 &&
       EVP_CIPHER_CTX_ctrl (self->cipher, EVP_CTRL_GCM_GET_TAG, TAG_SIZE, ciphertext + self->used) == 1;
  OPENSSL_cleanse (self->buffer, self->used);
  if (!ok)
    {
      g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_FAILED,
                           _("Encrypting the backup failed"));
      return FALSE;
    }
  if (!write_all (self->fd, self->out, CHUNK_HEAD_SIZE + self->used + TAG_SIZE, error))
    return FALSE;
  self->index++;
  self->used = 0;
  return TRUE;
}

/* Writes the header to @fd at once; the key comes from @passphrase under
 * @params (Argon2id) or is the 32-byte @recovery_key. */
DossierBackupWriter *
dossier_backup_writer_new (int                      fd,
                           const char              *passphrase,
                           const guint8            *recovery_key,
                           const DossierKdfParams  *params,
                           guint32                  chunk_size,
                           GError                 **error)
{
  g_autoptr(DossierBackupWriter) self = NULL;
  DossierBackupHeader header = { 0 };
  DossierKdfParams defaults = {
    DOSSIER_VAULT_KDF_DEFAULT_ITERATIONS,
    DOSSIER_VAULT_KDF_DEFAULT_MEMORY_KIB,
    DOSSIER_VAULT_KDF_DEFAULT_PARALLELISM,
  };
  guint8 *master;
  guint8 *h;
  gboolean ok;

  g_return_val_if_fail ((passphrase == NULL) != (recovery_key == NULL), NULL);
  g_return_val_if_fail (chunk_size >= DOSSIER_BACKUP_MIN_CHUNK_SIZE && chunk_size <= DOSSIER_BACKUP_MAX_CHUNK_SIZE, NULL);

  if (params == NULL)
    params = &defaults;
  if (passphrase != NULL && !dossier_kdf_params_validate (params, error))
    return NULL;

  self = g_new0 (DossierBackupWriter, 1);
  self->fd = fd;
  self->chunk_size = chunk_size;
  self->key = dossier_secure_alloc (KEY_SIZE);
  self->buffer = dossier_secure_alloc (chunk_size);
  self->out = g_malloc (CHUNK_HEAD_SIZE + chunk_size + TAG_SIZE);
  self->cipher = EVP_CIPHER_CTX_new ();

  h = self->header;
  memcpy (h, MAGIC, MAGIC_SIZE);
  h[8] = 0;
  h[9] = DOSSIER_BACKUP_FORMAT_VERSION;
  h[10] = passphrase != NULL ? DOSSIER_BACKUP_PASSPHRASE : DOSSIER_BACKUP_RECOVERY_KEY;
  if (passphrase != NULL)
    {
      put_u32 (h + 12, params->iterations);
      put_u32 (h + 16, params->memory_kib);
      put_u32 (h + 20, params->parallelism);
    }
  put_u32 (h + 40, chunk_size);
  if (self->cipher == NULL || !dossier_secure_random (h + 24, DOSSIER_BACKUP_SALT_SIZE))
    {
      g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_FAILED,
                           _("The system’s random number generator is not available"));
      return NULL;
    }

  header.protection = h[10];
  header.kdf = *params;
  memcpy (header.salt, h + 24, DOSSIER_BACKUP_SALT_SIZE);
  master = dossier_secure_alloc (KEY_SIZE);
  ok = master_key (&header, passphrase, recovery_key, master, error);
  if (ok && !derive_keys (master, h, self->key, h + CHECK_OFFSET))
    {
      g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_FAILED,
                           _("Deriving the backup key failed"));
      ok = FALSE;
    }
  dossier_secure_free (master, KEY_SIZE);
  if (!ok)
    return NULL;
  header_sum (h, h + SUM_OFFSET);
  if (!write_all (fd, h, DOSSIER_BACKUP_HEADER_SIZE, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
dossier_backup_writer_write (DossierBackupWriter  *self,
                             gconstpointer         data,
                             gsize                 length,
                             GError              **error)
{
  const guint8 *p = data;

  g_return_val_if_fail (self != NULL, FALSE);

  while (length > 0)
    {
      gsize room;

      /* A full chunk waits until more data shows it is not the last. */
      if (self->used == self->chunk_size && !write_chunk (self, FALSE, error))
        return FALSE;
      room = MIN (length, self->chunk_size - self->used);
      memcpy (self->buffer + self->used, p, room);
      self->used += room;
      p += room;
      length -= room;
    }
  return TRUE;
}

gboolean
dossier_backup_writer_finish (DossierBackupWriter  *self,
                              GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return write_chunk (self, TRUE, error);
}

void
dossier_backup_writer_free (DossierBackupWriter *self)
{
  if (self == NULL)
    return;
  dossier_secure_free (self->key, KEY_SIZE);
  dossier_secure_free (self->buffer, self->chunk_size);
  g_free (self->out);
  EVP_CIPHER_CTX_free (self->cipher);
  g_free (self);
}

/* --- reading -------------------------------------------------------------- */

static gboolean
set_truncated (GError **error)
{
  g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_TRUNCATED,
                       _("The backup file is cut short: its end is missing. Nothing was restored from it."));
  return FALSE;
}

static gboolean
open_chunk (EVP_CIPHER_CTX  *cipher,
            const guint8    *key,
            const guint8    *header,
            const guint8    *head,
            guint64          index,
            const guint8    *ciphertext,
            gsize            length,
            guint8          *plaintext)
{
  guint8 nonce[NONCE_SIZE], aad[AAD_SIZE];
  int out = 0;

  chunk_nonce_and_aad (header, head, index, nonce, aad);
  return EVP_DecryptInit_ex (cipher, EVP_aes_256_gcm (), NULL, key, nonce) == 1 &&
         EVP_DecryptUpdate (cipher, NULL, &out, aad, sizeof aad) == 1 &&
         (length == 0 || EVP_DecryptUpdate (cipher, plaintext, &out, ciphertext, (int) length) == 1) &&
         EVP_CIPHER_CTX_ctrl (cipher, EVP_CTRL_GCM_SET_TAG, TAG_SIZE, (void *) (ciphertext + length)) == 1 &&
         EVP_DecryptFinal_ex (cipher, plaintext + length, &out) == 1;
}

/* Checks every chunk's tag and returns the whole content; no byte of it is
 * returned unless all of the file is intact. */
static gboolean
decrypt_chunks (const DossierBackupHeader  *header,
                const guint8               *key,
                const guint8               *data,
                gsize                       length,
                GByteArray                 *content,
                GError                    **error)
{
  EVP_CIPHER_CTX *cipher = EVP_CIPHER_CTX_new ();
  gsize offset = DOSSIER_BACKUP_HEADER_SIZE;
  guint64 index = 0;
  gboolean ok = FALSE;

  if (cipher == NULL)
    return set_damaged (error, "EVP");
  for (;; index++)
    {
      const guint8 *head = data + offset;
      guint32 chunk_length;
      guint flags;

      if (length - offset < CHUNK_HEAD_SIZE)
        {
          set_truncated (error);
          break;
        }
      flags = head[0];
      chunk_length = get_u32 (head + 1);
      if ((flags & ~FLAG_LAST) != 0 || chunk_length > header->chunk_size ||
          (!(flags & FLAG_LAST) && chunk_length != header->chunk_size))
        {
          set_damaged (error, _("a chunk’s header is wrong"));
          break;
        }
      if (length - offset - CHUNK_HEAD_SIZE < (gsize) chunk_length + TAG_SIZE)
        {
          set_truncated (error);
          break;
        }
      if (content->len + (gsize) chunk_length > DOSSIER_BACKUP_MAX_CONTENT_SIZE)
        {
          g_set_error (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_TOO_LARGE,
                       _("The backup holds more than %zu MiB; this version of Dossier cannot restore it"),
                       DOSSIER_BACKUP_MAX_CONTENT_SIZE >> 20);
          break;
        }
      g_byte_array_set_size (content, content->len + chunk_length);
      if (!open_chunk (cipher, key, header->bytes, head, index, head + CHUNK_HEAD_SIZE, chunk_length,
                       content->data + content->len - chunk_length))
        {
          set_damaged (error, _("a chunk fails its integrity check"));
          break;
        }
      offset += CHUNK_HEAD_SIZE + chunk_length + TAG_SIZE;
      if (flags & FLAG_LAST)
        {
          ok = offset == length || set_damaged (error, _("there is data after its end"));
          break;
        }
    }
  EVP_CIPHER_CTX_free (cipher);
  return ok;
}

/* The decrypted content, in memory that dossier_backup_content_free()
 * wipes.  A wrong passphrase or recovery key (DOSSIER_BACKUP_ERROR_WRONG_KEY)
 * is told apart from a damaged file (DOSSIER_BACKUP_ERROR_DAMAGED or
 * _TRUNCATED) by the key check in the header. */
GByteArray *
dossier_backup_decrypt (const guint8  *data,
                        gsize          length,
                        const char    *passphrase,
                        const guint8  *recovery_key,
                        GError       **error)
{
  DossierBackupHeader header;
  GByteArray *content;
  guint8 *master, *key;
  guint8 check[CHECK_SIZE];
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (!dossier_backup_header_parse (data, length, &header, error))
    return NULL;

  master = dossier_secure_alloc (KEY_SIZE);
  key = dossier_secure_alloc (KEY_SIZE);
  ok = master_key (&header, passphrase, recovery_key, master, error);
  if (ok && !derive_keys (master, header.bytes, key, check))
    ok = set_damaged (error, "HMAC");
  dossier_secure_free (master, KEY_SIZE);
  if (ok && CRYPTO_memcmp (check, header.bytes + CHECK_OFFSET, CHECK_SIZE) != 0)
    {
      if (header.protection == DOSSIER_BACKUP_PASSPHRASE)
        g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_WRONG_KEY,
                             _("Wrong passphrase for this backup"));
      else
        g_set_error_literal (error, DOSSIER_BACKUP_ERROR, DOSSIER_BACKUP_ERROR_WRONG_KEY,
                             _("These recovery words do not belong to this backup"));
      ok = FALSE;
    }
  if (!ok)
    {
      dossier_secure_free (key, KEY_SIZE);
      return NULL;
    }

  content = g_byte_array_sized_new (MIN (length, DOSSIER_BACKUP_MAX_CONTENT_SIZE));
  ok = decrypt_chunks (&header, key, data, length, content, error);
  dossier_secure_free (key, KEY_SIZE);
  if (!ok)
    {
      dossier_backup_content_free (content);
      return NULL;
    }
  return content;
}

void
dossier_backup_content_free (GByteArray *content)
{
  if (content == NULL)
    return;
  OPENSSL_cleanse (content->data, content->len);
  g_byte_array_unref (content);
}
