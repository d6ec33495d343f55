// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *dossier_cli_read_passphrase (const char  *file,
                                   const char  *variable,
                                   const char  *prompt,
                                   const char  *confirm_prompt,
                                   GError     **error);

G_END_DECLS
