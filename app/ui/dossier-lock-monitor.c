// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-lock-monitor.h"

/* Tells when the vault should lock because the session does: the screen
 * saver turns on (GNOME's, or the freedesktop one other desktops offer),
 * logind asks the session to lock, or the computer is about to sleep.
 *
 * Signals are taken from any sender: the worst a forged one can do is lock
 * the vault, which the user can always do anyway. */

struct _DossierLockMonitor
{
  GObject          parent_instance;
  GCancellable    *cancellable;
  GDBusConnection *session;
  GDBusConnection *system;
  guint            subscriptions[4];
};

enum {
  LOCK_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DossierLockMonitor, dossier_lock_monitor, G_TYPE_OBJECT)

static void
on_signal (GDBusConnection *connection,
           const char      *sender,
           const char      *object_path,
           const char      *interface,
           const char      *member,
           GVariant        *parameters,
           gpointer         user_data)
{
  DossierLockMonitor *self = user_data;
  gboolean active = TRUE;

  /* ActiveChanged and PrepareForSleep say which way with a boolean: only
   * the screen saver turning on and the computer going to sleep lock. */
  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    g_variant_get (parameters, "(b)", &active);
  if (active)
    g_signal_emit (self, signals[LOCK_REQUESTED], 0, member);
}

static void
on_session_bus (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DossierLockMonitor) self = user_data;
  GDBusConnection *connection = g_bus_get_finish (result, NULL);

  if (connection == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&connection);
      return;
    }
  self->session = connection;
  self->subscriptions[0] =
    g_dbus_connection_signal_subscribe (connection, NULL, "org.gnome.ScreenSaver", "ActiveChanged", NULL, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_signal, self, NULL);
  self->subscriptions[1] =
    g_dbus_connection_signal_subscribe (connection, NULL, "org.freedesktop.ScreenSaver", "ActiveChanged", NULL, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_signal, self, NULL);
}

static void
on_system_bus (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DossierLockMonitor) self = user_data;
  GDBusConnection *connection = g_bus_get_finish (result, NULL);

  if (connection == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&connection);
      return;
    }
  self->system = connection;
  self->subscriptions[2] =
    g_dbus_connection_signal_subscribe (connection, NULL, "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_signal, self, NULL);
  /* Every session object: logind asks the session it locks, and telling
   * ours apart would need another call for little gain. */
  self->subscriptions[3] =
    g_dbus_connection_signal_subscribe (connection, NULL, "org.freedesktop.login1.Session", "Lock",
                                        NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_signal, self, NULL);
}

static void
dossier_lock_monitor_dispose (GObject *object)
{
  DossierLockMonitor *self = DOSSIER_LOCK_MONITOR (object);

  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (self->subscriptions); i++)
    if (self->subscriptions[i] != 0)
      {
        g_dbus_connection_signal_unsubscribe (i < 2 ? self->session : self->system, self->subscriptions[i]);
        self->subscriptions[i] = 0;
      }
  g_clear_object (&self->session);
  g_clear_object (&self->system);
  G_OBJECT_CLASS (dossier_lock_monitor_parent_class)->dispose (object);
}

static void
dossier_lock_monitor_finalize (GObject *object)
{
  DossierLockMonitor *self = DOSSIER_LOCK_MONITOR (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (dossier_lock_monitor_parent_class)->finalize (object);
}

static void
dossier_lock_monitor_class_init (DossierLockMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dossier_lock_monitor_dispose;
  object_class->finalize = dossier_lock_monitor_finalize;

  /* Emitted with the D-Bus signal's name when the vault should lock. */
  signals[LOCK_REQUESTED] = g_signal_new ("lock-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dossier_lock_monitor_init (DossierLockMonitor *self)
{
  self->cancellable = g_cancellable_new ();
}

/* Listens on the session and system buses, where there are any. */
DossierLockMonitor *
dossier_lock_monitor_new (void)
{
  DossierLockMonitor *self = g_object_new (DOSSIER_TYPE_LOCK_MONITOR, NULL);

  g_bus_get (G_BUS_TYPE_SESSION, self->cancellable, on_session_bus, g_object_ref (self));
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus, g_object_ref (self));
  return self;
}
