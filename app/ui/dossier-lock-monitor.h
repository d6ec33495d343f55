// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOSSIER_TYPE_LOCK_MONITOR (dossier_lock_monitor_get_type ())
G_DECLARE_FINAL_TYPE (DossierLockMonitor, dossier_lock_monitor, DOSSIER, LOCK_MONITOR, GObject)

DossierLockMonitor *dossier_lock_monitor_new (void);

G_END_DECLS
