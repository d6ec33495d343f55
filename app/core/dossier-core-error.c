// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-core-error.h"

G_DEFINE_QUARK (dossier-core-error-quark, dossier_core_error)
