// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target for the backup file: the header and container parser
 * and the content parser on the raw input, then the input sealed in a
 * container of small chunks, which must open to the same bytes and must
 * not open once one byte of it is changed. */
#define _GNU_SOURCE   /* memfd_create */
#include "dossier-backup-content.h"
#include "dossier-backup-file.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_KEY_BYTE 0x07

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
seal_and_open (const uint8_t *data,
               size_t         size,
               const guint8  *key)
{
  g_autoptr(DossierBackupWriter) writer = NULL;
  g_autoptr(GByteArray) file = g_byte_array_new ();
  GByteArray *content;
  guint8 buffer[4096];
  ssize_t got;
  int fd = memfd_create ("fuzz-backup", MFD_CLOEXEC);

  if (fd < 0)
    return;
  writer = dossier_backup_writer_new (fd, NULL, key, NULL, DOSSIER_BACKUP_MIN_CHUNK_SIZE, NULL);
  g_assert (writer != NULL);
  g_assert (dossier_backup_writer_write (writer, data, size, NULL));
  g_assert (dossier_backup_writer_finish (writer, NULL));
  lseek (fd, 0, SEEK_SET);
  while ((got = read (fd, buffer, sizeof buffer)) > 0)
    g_byte_array_append (file, buffer, (guint) got);
  close (fd);

  content = dossier_backup_decrypt (file->data, file->len, NULL, key, NULL);
  g_assert (content != NULL);
  g_assert (content->len == size && (size == 0 || memcmp (content->data, data, size) == 0));
  dossier_backup_content_free (content);

  file->data[(size * 2654435761u) % file->len] ^= 0x20;
  content = dossier_backup_decrypt (file->data, file->len, NULL, key, NULL);
  g_assert (content == NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  DossierBackupHeader header;
  guint8 key[32];
  GByteArray *content;

  memset (key, FUZZ_KEY_BYTE, sizeof key);
  dossier_backup_header_parse (data, size, &header, NULL);
  content = dossier_backup_decrypt (data, size, NULL, key, NULL);
  if (content != NULL)
    {
      dossier_backup_content_parse (content->data, content->len, NULL, NULL, NULL);
      dossier_backup_content_free (content);
    }
  dossier_backup_content_parse (data, size, NULL, NULL, NULL);
  seal_and_open (data, size, key);
  return 0;
}
