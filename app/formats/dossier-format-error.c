// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-format-error.h"

G_DEFINE_QUARK (dossier-format-error-quark, dossier_format_error)
