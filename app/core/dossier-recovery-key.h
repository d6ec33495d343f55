// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A printed recovery key: 256 random bits and an 8-bit checksum (the first
 * byte of their SHA-256), written as 24 words of 11 bits each from the
 * BIP-39 English list in data/recovery-words/. */

#define DOSSIER_RECOVERY_KEY_SIZE 32
#define DOSSIER_RECOVERY_KEY_WORDS 24

gboolean  dossier_recovery_key_generate   (guint8       *key);
char     *dossier_recovery_key_to_words   (const guint8 *key);
gboolean  dossier_recovery_key_from_words (const char   *text,
                                           guint8       *key,
                                           GError      **error);

G_END_DECLS
