// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-services-launcher.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

/* The three lines, with room to spare: more than this is not the program. */
#define MAX_OUTPUT 4096

struct _DossierDemoServicesLauncher
{
  GObject      parent_instance;
  char        *program;
  GStrv        arguments;
  GSubprocess *process;
  char        *urls[3];   /* moet, moh, shl */
  gboolean     starting;
};

G_DEFINE_FINAL_TYPE (DossierDemoServicesLauncher, dossier_demo_services_launcher, G_TYPE_OBJECT)

static const char * const names[] = { "moet", "moh", "shl" };

typedef struct
{
  GString      *output;
  GCancellable *cancellable;    /* ours: the caller's, or the timeout, cancels it */
  gulong        caller_handler;
  GCancellable *caller;
  guint         timeout_id;
  gboolean      timed_out;
  guint8        chunk[512];
} Start;

static void
start_free (Start *start)
{
  g_clear_handle_id (&start->timeout_id, g_source_remove);
  if (start->caller != NULL)
    g_cancellable_disconnect (start->caller, start->caller_handler);
  g_clear_object (&start->caller);
  g_clear_object (&start->cancellable);
  g_string_free (start->output, TRUE);
  g_free (start);
}

static void
dossier_demo_services_launcher_finalize (GObject *object)
{
  DossierDemoServicesLauncher *self = DOSSIER_DEMO_SERVICES_LAUNCHER (object);

  dossier_demo_services_launcher_stop (self);
  g_free (self->program);
  g_strfreev (self->arguments);
  for (guint i = 0; i < G_N_ELEMENTS (self->urls); i++)
    g_free (self->urls[i]);
  G_OBJECT_CLASS (dossier_demo_services_launcher_parent_class)->finalize (object);
}

static void
dossier_demo_services_launcher_class_init (DossierDemoServicesLauncherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_demo_services_launcher_finalize;
}

static void
dossier_demo_services_launcher_init (DossierDemoServicesLauncher *self)
{
}

/* The program to start: $DOSSIER_DEMO_SERVICES (a build tree sets it), the
 * installed one, or the first on $PATH; NULL when there is none. */
char *
dossier_demo_services_launcher_find_program (void)
{
  const char *override = g_getenv ("DOSSIER_DEMO_SERVICES");
  g_autofree char *installed = g_build_filename (BINDIR, "dossier-demo-services", NULL);

  if (override != NULL && *override != '\0')
    return g_strdup (override);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  return g_find_program_in_path ("dossier-demo-services");
}

/* @program: NULL to find it; @arguments: more arguments (such as "--port",
 * "8080" or "--faults"), NULL-terminated, or NULL. */
DossierDemoServicesLauncher *
dossier_demo_services_launcher_new (const char         *program,
                                    const char * const *arguments)
{
  DossierDemoServicesLauncher *self = g_object_new (DOSSIER_TYPE_DEMO_SERVICES_LAUNCHER, NULL);

  self->program = g_strdup (program);
  self->arguments = g_strdupv ((GStrv) arguments);
  return self;
}

/* Reads "moet=URL", "moh=URL" and "shl=URL" from @output. */
static gboolean
parse_output (DossierDemoServicesLauncher  *self,
              const char                   *output,
              GError                      **error)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", 4);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *prefix = g_strconcat (names[i], "=", NULL);
      g_autofree char *suffix = g_strconcat ("/", names[i], NULL);
      const char *line = lines[i];
      g_autoptr(GUri) uri = NULL;

      if (line == NULL || !g_str_has_prefix (line, prefix) ||
          (uri = g_uri_parse (line + strlen (prefix), G_URI_FLAGS_NONE, NULL)) == NULL ||
          g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") != 0 ||
          g_strcmp0 (g_uri_get_path (uri), suffix) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The demo services printed “%s” where their %s address was expected"),
                       line != NULL ? line : "", names[i]);
          return FALSE;
        }
      g_free (self->urls[i]);
      self->urls[i] = g_strdup (line + strlen (prefix));
    }
  return TRUE;
}

/* In the child, before exec: the services stop when Dossier does, even if
 * it ends without stopping them. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void read_more (GTask *task);

static void
fail (GTask  *task,
      GError *error)
{
  DossierDemoServicesLauncher *self = g_task_get_source_object (task);

  if (self->process != NULL)
    g_subprocess_force_exit (self->process);
  g_clear_object (&self->process);
  self->starting = FALSE;
  g_task_return_error (task, error);
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DossierDemoServicesLauncher *self = g_task_get_source_object (task);
  Start *start = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize count = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  guint newlines = 0;

  if (count < 0)
    {
      if (start->timed_out)
        {
          g_clear_error (&error);
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("The demo services did not start in time"));
        }
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (count == 0)
    {
      fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _("The demo services stopped before they were ready")));
      return;
    }
  g_string_append_len (start->output, (const char *) start->chunk, count);
  for (gsize i = 0; i < start->output->len; i++)
    newlines += start->output->str[i] == '\n';
  if (newlines < G_N_ELEMENTS (names))
    {
      if (start->output->len > MAX_OUTPUT)
        fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The demo services printed too much before their addresses")));
      else
        read_more (g_steal_pointer (&task));
      return;
    }
  if (!parse_output (self, start->output->str, &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  self->starting = FALSE;
  g_task_return_boolean (task, TRUE);
}

static void
read_more (GTask *task)
{
  DossierDemoServicesLauncher *self = g_task_get_source_object (task);
  Start *start = g_task_get_task_data (task);

  g_input_stream_read_async (g_subprocess_get_stdout_pipe (self->process), start->chunk, sizeof start->chunk,
                             G_PRIORITY_DEFAULT, start->cancellable, read_done, task);
}

static gboolean
timed_out (gpointer user_data)
{
  Start *start = user_data;

  start->timeout_id = 0;
  start->timed_out = TRUE;
  g_cancellable_cancel (start->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled (GCancellable *caller,
                  gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

/* Starts the program and waits, at most @timeout_seconds (0 for the
 * default), for its three addresses. */
void
dossier_demo_services_launcher_start_async (DossierDemoServicesLauncher *self,
                                            guint                        timeout_seconds,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) spawner = NULL;
  g_autoptr(GError) error = NULL;
  Start *start;

  g_return_if_fail (DOSSIER_IS_DEMO_SERVICES_LAUNCHER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_demo_services_launcher_start_async);
  if (self->process != NULL || self->starting)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, _("The demo services are already started"));
      return;
    }
  g_ptr_array_add (argv, self->program != NULL ? g_strdup (self->program) : dossier_demo_services_launcher_find_program ());
  if (g_ptr_array_index (argv, 0) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("dossier-demo-services is not installed"));
      return;
    }
  for (guint i = 0; self->arguments != NULL && self->arguments[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (self->arguments[i]));
  g_ptr_array_add (argv, NULL);
  spawner = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (spawner, child_setup, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (spawner, (const char * const *) argv->pdata, &error);
  if (self->process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->starting = TRUE;
  start = g_new0 (Start, 1);
  start->output = g_string_new (NULL);
  start->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      start->caller = g_object_ref (cancellable);
      start->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled),
                                                     g_object_ref (start->cancellable), g_object_unref);
    }
  start->timeout_id = g_timeout_add_seconds (timeout_seconds > 0 ? timeout_seconds : DOSSIER_DEMO_SERVICES_DEFAULT_TIMEOUT,
                                             timed_out, start);
  g_task_set_task_data (task, start, (GDestroyNotify) start_free);
  read_more (g_steal_pointer (&task));
}

gboolean
dossier_demo_services_launcher_start_finish (DossierDemoServicesLauncher  *self,
                                             GAsyncResult                 *result,
                                             GError                      **error)
{
  g_return_val_if_fail (DOSSIER_IS_DEMO_SERVICES_LAUNCHER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The ministry of education's base address, once started; else NULL. */
const char *
dossier_demo_services_launcher_get_moet (DossierDemoServicesLauncher *self)
{
  g_return_val_if_fail (DOSSIER_IS_DEMO_SERVICES_LAUNCHER (self), NULL);
  return self->process != NULL ? self->urls[0] : NULL;
}

const char *
dossier_demo_services_launcher_get_moh (DossierDemoServicesLauncher *self)
{
  g_return_val_if_fail (DOSSIER_IS_DEMO_SERVICES_LAUNCHER (self), NULL);
  return self->process != NULL ? self->urls[1] : NULL;
}

const char *
dossier_demo_services_launcher_get_shl (DossierDemoServicesLauncher *self)
{
  g_return_val_if_fail (DOSSIER_IS_DEMO_SERVICES_LAUNCHER (self), NULL);
  return self->process != NULL ? self->urls[2] : NULL;
}

/* Whether the child is still there (it has not exited). */
gboolean
dossier_demo_services_launcher_is_running (DossierDemoServicesLauncher *self)
{
  g_return_val_if_fail (DOSSIER_IS_DEMO_SERVICES_LAUNCHER (self), FALSE);
  return self->process != NULL && g_subprocess_get_identifier (self->process) != NULL;
}

/* Asks the child to quit (SIGTERM); it is reaped when it has. */
void
dossier_demo_services_launcher_stop (DossierDemoServicesLauncher *self)
{
  g_return_if_fail (DOSSIER_IS_DEMO_SERVICES_LAUNCHER (self));

  if (self->process != NULL && !self->starting)
    {
      g_subprocess_send_signal (self->process, SIGTERM);
      g_clear_object (&self->process);
    }
}
