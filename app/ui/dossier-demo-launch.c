// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-launch.h"

#include "dossier-demo.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

/* `dossier --demo` plays the national services on 127.0.0.1 with
 * dossier-demo-services, started as a child for the life of the
 * application.  A fixed port comes first so that the demo vault's
 * connections keep their address from one run to the next; any free port
 * when it is taken. */

#define DEMO_PORT          47291
#define START_TIMEOUT_SECS 15
#define MAX_LINES          3

typedef struct
{
  GSubprocess         *child;
  GDataInputStream    *lines;
  DossierDemoServices *services;
  guint                n_lines;
  gboolean             fixed_port;
  GCancellable        *timeout;
  guint                timeout_source;
} Start;

static void start_child (GTask *task);

void
dossier_demo_services_free (DossierDemoServices *services)
{
  if (services == NULL)
    return;
  g_free (services->moet);
  g_free (services->moh);
  g_free (services->shl);
  g_free (services);
}

static void
start_free (Start *start)
{
  if (start->child != NULL)
    dossier_demo_services_stop (start->child);
  g_clear_object (&start->child);
  g_clear_object (&start->lines);
  g_clear_object (&start->timeout);
  g_clear_handle_id (&start->timeout_source, g_source_remove);
  dossier_demo_services_free (start->services);
  g_free (start);
}

/* Next to the running dossier (its build directory keeps the services in
 * services/), else where it is installed. */
static char *
find_executable (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self != NULL ? g_path_get_dirname (self) : NULL;
  const char *override = g_getenv ("DOSSIER_DEMO_SERVICES");
  char *path;

  if (override != NULL && *override != '\0')
    return g_strdup (override);
  if (dir != NULL)
    {
      path = g_build_filename (dir, "services", "dossier-demo-services", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return path;
      g_free (path);
      path = g_build_filename (dir, "dossier-demo-services", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return path;
      g_free (path);
    }
  path = g_build_filename (BINDIR, "dossier-demo-services", NULL);
  if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return path;
  g_free (path);
  return g_find_program_in_path ("dossier-demo-services");
}

static void
set_address (char       **field,
             const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static gboolean
on_start_timeout (gpointer user_data)
{
  Start *start = user_data;

  start->timeout_source = 0;
  g_cancellable_cancel (start->timeout);
  return G_SOURCE_REMOVE;
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Start *start = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  const char *value;

  if (line == NULL)
    {
      if (g_task_return_error_if_cancelled (task))
        ;
      else if (start->fixed_port && error == NULL)
        {
          /* the fixed port is taken: any free one will do */
          start->fixed_port = FALSE;
          dossier_demo_services_stop (start->child);
          g_clear_object (&start->child);
          g_clear_object (&start->lines);
          start_child (task);
          return;
        }
      else if (g_cancellable_is_cancelled (start->timeout))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                 _("The demo services did not start in time"));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("The demo services stopped as they started: %s"),
                                 error != NULL ? error->message : _("no addresses were printed"));
      g_object_unref (task);
      return;
    }
  if ((value = strchr (line, '=')) != NULL && g_str_has_prefix (value + 1, "http://127.0.0.1:"))
    {
      if (g_str_has_prefix (line, "moet="))
        set_address (&start->services->moet, value + 1);
      else if (g_str_has_prefix (line, "moh="))
        set_address (&start->services->moh, value + 1);
      else if (g_str_has_prefix (line, "shl="))
        set_address (&start->services->shl, value + 1);
    }
  if (++start->n_lines < MAX_LINES)
    {
      g_data_input_stream_read_line_async (start->lines, G_PRIORITY_DEFAULT, start->timeout, on_line, task);
      return;
    }
  g_clear_handle_id (&start->timeout_source, g_source_remove);
  if (start->services->moet == NULL || start->services->moh == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("The demo services printed addresses Dossier cannot read"));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
start_child (GTask *task)
{
  Start *start = g_task_get_task_data (task);
  g_autofree char *exe = find_executable ();
  g_autoptr(GFile) data = dossier_demo_data_directory ();
  g_autofree char *port = g_strdup_printf ("%d", DEMO_PORT);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GError *error = NULL;

  if (exe == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("dossier-demo-services is not installed: the demo has no services to sync with"));
      g_object_unref (task);
      return;
    }
  g_ptr_array_add (argv, exe);
  g_ptr_array_add (argv, (gpointer) "--data");
  g_ptr_array_add (argv, (gpointer) g_file_peek_path (data));
  if (start->fixed_port)
    {
      g_ptr_array_add (argv, (gpointer) "--port");
      g_ptr_array_add (argv, port);
    }
  g_ptr_array_add (argv, NULL);
  /* its complaints go where ours go; its addresses come to us */
  start->child = g_subprocess_newv ((const char * const *) argv->pdata,
                                    start->fixed_port ? G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE
                                                      : G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                    &error);
  if (start->child == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  start->n_lines = 0;
  start->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (start->child));
  g_data_input_stream_read_line_async (start->lines, G_PRIORITY_DEFAULT, start->timeout, on_line, task);
}

static void
on_cancelled (GCancellable *cancellable,
              GCancellable *timeout)
{
  g_cancellable_cancel (timeout);
}

/**
 * dossier_demo_services_start_async:
 *
 * Starts dossier-demo-services on 127.0.0.1 and waits for the addresses
 * it prints.
 */
void
dossier_demo_services_start_async (GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Start *start = g_new0 (Start, 1);

  g_task_set_source_tag (task, dossier_demo_services_start_async);
  start->services = g_new0 (DossierDemoServices, 1);
  start->fixed_port = TRUE;
  start->timeout = g_cancellable_new ();
  start->timeout_source = g_timeout_add_seconds (START_TIMEOUT_SECS, on_start_timeout, start);
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), g_object_ref (start->timeout), g_object_unref);
  g_task_set_task_data (task, start, (GDestroyNotify) start_free);
  start_child (task);
}

GSubprocess *
dossier_demo_services_start_finish (GAsyncResult         *result,
                                    DossierDemoServices **services,
                                    GError              **error)
{
  Start *start;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  start = g_task_get_task_data (G_TASK (result));
  if (services != NULL)
    *services = g_steal_pointer (&start->services);
  return g_steal_pointer (&start->child);
}

void
dossier_demo_services_stop (GSubprocess *child)
{
  g_return_if_fail (G_IS_SUBPROCESS (child));

  g_subprocess_send_signal (child, SIGTERM);
}
