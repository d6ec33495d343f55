// SPDX-License-Identifier: GPL-3.0-or-later
#include "dossier-vault-error.h"

G_DEFINE_QUARK (dossier-vault-error-quark, dossier_vault_error)
