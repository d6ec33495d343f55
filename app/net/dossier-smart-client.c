// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-smart-client.h"

#include "dossier-json.h"
#include "dossier-secret.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Reads a patient's health book from a FHIR R4 server after a SMART App
 * Launch sign-in.  The server's CapabilityStatement decides how: the
 * Patient/$summary operation (an IPS document) when offered, else
 * Patient/$everything, else one search per kind of resource; search
 * results are followed page by page through their "next" links, up to a
 * number of pages and a total size.  SMART Health Cards are asked for
 * with $health-cards-issue when the server offers it.
 *
 * Reads are retried, with a growing pause, when the connection failed or
 * the server had a passing failure; posts never are. */

#define MAX_METADATA_SIZE (1024 * 1024)
#define MAX_RETRIES 2
#define PAGE_COUNT "50"
#define FHIR_JSON "application/fhir+json"

static const struct
{
  const char *type;
  const char *label;
} searches[] = {
  { "Immunization", N_("Immunizations") },
  { "Observation", N_("Test results and measurements") },
  { "MedicationStatement", N_("Medicines") },
  { "AllergyIntolerance", N_("Allergies") },
  { "Condition", N_("Conditions") },
  { "Encounter", N_("Visits") },
};

typedef struct
{
  DossierNetSession        *net;
  char                     *base;
  char                     *patient;
  char                     *token;        /* wiped memory */
  DossierSmartProgressFunc  progress;
  gpointer                  progress_data;
  gboolean                  health_cards;
  GQueue                    queue;        /* (element-type Step) what is left to read */
  guint                     n_steps;      /* for the progress fraction */
  guint                     steps_done;
  char                     *label;        /* what is read now */
  char                     *uri;          /* the page read now */
  guint                     page;         /* of this step */
  guint                     attempt;
  gsize                     total;
  DossierSmartPull         *pull;
} Pull;

typedef struct
{
  char *uri;
  char *label;
} Step;

static void
step_free (Step *step)
{
  g_free (step->uri);
  g_free (step->label);
  g_free (step);
}

void
dossier_smart_pull_free (DossierSmartPull *pull)
{
  if (pull == NULL)
    return;
  g_clear_pointer (&pull->resources, g_ptr_array_unref);
  g_clear_pointer (&pull->health_cards, g_ptr_array_unref);
  g_free (pull);
}

static void
pull_free (Pull *pull)
{
  g_clear_object (&pull->net);
  g_free (pull->base);
  g_free (pull->patient);
  dossier_secure_strfree (pull->token);
  g_queue_clear_full (&pull->queue, (GDestroyNotify) step_free);
  g_free (pull->label);
  g_free (pull->uri);
  dossier_smart_pull_free (pull->pull);
  g_free (pull);
}

static void
report (Pull       *pull,
        const char *what)
{
  double fraction = pull->n_steps > 0 ? (double) pull->steps_done / (pull->n_steps + 1) : -1;

  if (pull->progress != NULL)
    pull->progress (what, fraction, pull->progress_data);
}

static void
add_step (Pull       *pull,
          char       *uri,
          const char *label)
{
  Step *step = g_new0 (Step, 1);

  step->uri = uri;
  step->label = g_strdup (label);
  g_queue_push_tail (&pull->queue, step);
  pull->n_steps++;
}

static GError *
malformed (const char *what)
{
  return g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_MALFORMED,
                      _("Dossier cannot read the health service’s answer for “%s”"), what);
}

/* A JSON object answer with a 2xx status, else an error. */
static JsonNode *
read_answer (GBytes     *bytes,
             guint       status,
             const char *what,
             GError    **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *root;

  if (status == 401 || status == 403)
    {
      g_set_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_UNAUTHORIZED,
                   _("The health service refused access (%u): sign in again"), status);
      return NULL;
    }
  if (status < 200 || status >= 300)
    {
      g_set_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP,
                   _("The health service answered %u when asked for %s"), status, what);
      return NULL;
    }
  root = length > 0 ? dossier_json_parse (data, length) : NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_clear_pointer (&root, json_node_unref);
      g_propagate_error (error, malformed (what));
      return NULL;
    }
  return root;
}

/* Whether an operation named @name is in @object's "operation" list. */
static gboolean
lists_operation (JsonObject *object,
                 const char *name)
{
  JsonArray *operations = dossier_json_get_array (object, "operation");

  for (guint i = 0; operations != NULL && i < json_array_get_length (operations); i++)
    {
      JsonNode *node = json_array_get_element (operations, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (dossier_json_get_string (json_node_get_object (node), "name"), name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Operations may be listed for the server or for the Patient resource. */
static gboolean
offers_operation (JsonObject *capability,
                  const char *name)
{
  JsonArray *rest = dossier_json_get_array (capability, "rest");

  for (guint i = 0; rest != NULL && i < json_array_get_length (rest); i++)
    {
      JsonNode *node = json_array_get_element (rest, i);
      JsonArray *resources;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      if (lists_operation (json_node_get_object (node), name))
        return TRUE;
      resources = dossier_json_get_array (json_node_get_object (node), "resource");
      for (guint j = 0; resources != NULL && j < json_array_get_length (resources); j++)
        {
          JsonNode *resource = json_array_get_element (resources, j);

          if (JSON_NODE_HOLDS_OBJECT (resource) && lists_operation (json_node_get_object (resource), name))
            return TRUE;
        }
    }
  return FALSE;
}

static void next_step (GTask *task);
static void fetch_page (GTask *task);

static gboolean
is_passing_failure (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
         (error->domain == DOSSIER_NET_ERROR && error->code == DOSSIER_NET_ERROR_HTTP &&
          strstr (error->message, " 5") != NULL);
}

static gboolean
retry_later (gpointer data)
{
  fetch_page (data);
  return G_SOURCE_REMOVE;
}

/* The "next" link of a searchset Bundle, when it stays on the server:
 * the access token is never sent elsewhere. */
static gboolean
next_link (Pull        *pull,
           JsonObject  *bundle,
           char       **next,
           GError     **error)
{
  JsonArray *links = dossier_json_get_array (bundle, "link");

  *next = NULL;
  for (guint i = 0; links != NULL && i < json_array_get_length (links); i++)
    {
      JsonNode *node = json_array_get_element (links, i);
      const char *url;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          g_strcmp0 (dossier_json_get_string (json_node_get_object (node), "relation"), "next") != 0)
        continue;
      url = dossier_json_get_string (json_node_get_object (node), "url");
      if (url == NULL || !g_str_has_prefix (url, pull->base) ||
          (url[strlen (pull->base)] != '/' && url[strlen (pull->base)] != '?'))
        {
          g_set_error (error, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_MALFORMED,
                       _("The health service pointed to a next page outside its own address"));
          return FALSE;
        }
      *next = g_strdup (url);
      return TRUE;
    }
  return TRUE;
}

static gboolean
take_bundle (Pull        *pull,
             JsonObject  *object,
             char       **next,
             GError     **error)
{
  const char *type = dossier_json_get_string (object, "resourceType");
  JsonArray *entries;

  *next = NULL;
  if (type == NULL)
    {
      g_propagate_error (error, malformed (pull->label));
      return FALSE;
    }
  if (g_strcmp0 (type, "Bundle") != 0)
    {
      g_ptr_array_add (pull->pull->resources, json_object_ref (object));
      return TRUE;
    }
  entries = dossier_json_get_array (object, "entry");
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      JsonObject *resource;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        continue;
      resource = dossier_json_get_object (json_node_get_object (entry), "resource");
      /* search results may carry OperationOutcome warnings: not records */
      if (resource == NULL || dossier_json_get_string (resource, "resourceType") == NULL ||
          g_strcmp0 (dossier_json_get_string (resource, "resourceType"), "OperationOutcome") == 0)
        continue;
      g_ptr_array_add (pull->pull->resources, json_object_ref (resource));
    }
  return next_link (pull, object, next, error);
}

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pull *pull = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *next = NULL;
  GError *error = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, &error);
  if (bytes != NULL && status >= 500 && pull->attempt < MAX_RETRIES)
    error = g_error_new (DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_HTTP, _("The server answered %u"), status);
  if (error != NULL && pull->attempt < MAX_RETRIES && is_passing_failure (error) &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_clear_error (&error);
      pull->attempt++;
      /* the pause holds the task's reference until the retry */
      g_timeout_add_seconds (pull->attempt, retry_later, g_steal_pointer (&task));
      return;
    }
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  pull->total += g_bytes_get_size (bytes);
  if (pull->total > DOSSIER_SMART_MAX_TOTAL_SIZE)
    {
      g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE,
                               _("The health record is larger than %d MiB, the most Dossier reads at once"),
                               DOSSIER_SMART_MAX_TOTAL_SIZE / (1024 * 1024));
      return;
    }
  root = read_answer (bytes, status, pull->label, &error);
  if (root == NULL || !take_bundle (pull, json_node_get_object (root), &next, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pull->pull->pages++;
  if (next != NULL)
    {
      if (pull->pull->pages >= DOSSIER_SMART_MAX_PAGES)
        {
          g_task_return_new_error (task, DOSSIER_NET_ERROR, DOSSIER_NET_ERROR_TOO_LARGE,
                                   _("The health record runs over more than %d pages, the most Dossier reads"),
                                   DOSSIER_SMART_MAX_PAGES);
          return;
        }
      g_free (pull->uri);
      pull->uri = g_steal_pointer (&next);
      pull->page++;
      pull->attempt = 0;
      fetch_page (g_steal_pointer (&task));
      return;
    }
  pull->steps_done++;
  next_step (g_steal_pointer (&task));
}

static void
fetch_page (GTask *task)
{
  Pull *pull = g_task_get_task_data (task);
  g_autofree char *what = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  /* Translators: "Immunizations, page 2" */
  what = pull->page > 1 ? g_strdup_printf (_("%s, page %u"), pull->label, pull->page) : g_strdup (pull->label);
  report (pull, what);
  dossier_net_session_send_async (pull->net, "GET", pull->uri, pull->token, FHIR_JSON, NULL, NULL,
                                  DOSSIER_SMART_MAX_PAGE_SIZE, g_task_get_cancellable (task), on_page, task);
}

static void
on_health_cards (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pull *pull = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *parameters;
  GError *error = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, &error);
  if (bytes != NULL)
    root = read_answer (bytes, status, _("health cards"), &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  parameters = dossier_json_get_array (json_node_get_object (root), "parameter");
  for (guint i = 0; parameters != NULL && i < json_array_get_length (parameters); i++)
    {
      JsonNode *node = json_array_get_element (parameters, i);
      JsonObject *parameter;
      const char *card;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      parameter = json_node_get_object (node);
      card = dossier_json_get_string (parameter, "valueString");
      if (g_strcmp0 (dossier_json_get_string (parameter, "name"), "verifiableCredential") == 0 && card != NULL)
        g_ptr_array_add (pull->pull->health_cards, g_strdup (card));
    }
  pull->health_cards = FALSE;
  pull->steps_done++;
  next_step (g_steal_pointer (&task));
}

static void
ask_health_cards (GTask *task)
{
  Pull *pull = g_task_get_task_data (task);
  g_autofree char *uri = g_strdup_printf ("%s/Patient/%s/$health-cards-issue", pull->base, pull->patient);
  static const char body_text[] =
    "{\"resourceType\":\"Parameters\",\"parameter\":["
    "{\"name\":\"credentialType\",\"valueUri\":\"https://smarthealth.cards#health-card\"},"
    "{\"name\":\"credentialType\",\"valueUri\":\"https://smarthealth.cards#immunization\"}]}";
  g_autoptr(GBytes) body = g_bytes_new_static (body_text, sizeof body_text - 1);

  report (pull, _("SMART Health Cards"));
  dossier_net_session_send_async (pull->net, "POST", uri, pull->token, FHIR_JSON, FHIR_JSON, body,
                                  DOSSIER_SMART_MAX_PAGE_SIZE, g_task_get_cancellable (task), on_health_cards, task);
}

static void
next_step (GTask *task)
{
  Pull *pull = g_task_get_task_data (task);
  Step *step = g_queue_pop_head (&pull->queue);

  if (step == NULL)
    {
      if (pull->health_cards)
        {
          ask_health_cards (task);
          return;
        }
      report (pull, _("Done"));
      g_task_return_pointer (task, g_steal_pointer (&pull->pull), (GDestroyNotify) dossier_smart_pull_free);
      g_object_unref (task);
      return;
    }
  g_free (pull->uri);
  pull->uri = g_steal_pointer (&step->uri);
  g_free (pull->label);
  pull->label = g_steal_pointer (&step->label);
  pull->page = 1;
  pull->attempt = 0;
  step_free (step);
  fetch_page (task);
}

static void
on_capabilities (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pull *pull = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *patient = NULL;
  JsonObject *capability;
  GError *error = NULL;
  guint status = 0;

  bytes = dossier_net_session_post_form_finish (DOSSIER_NET_SESSION (source), result, &status, &error);
  if (bytes != NULL)
    root = read_answer (bytes, status, _("its capabilities"), &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  capability = json_node_get_object (root);
  if (g_strcmp0 (dossier_json_get_string (capability, "resourceType"), "CapabilityStatement") != 0)
    {
      g_task_return_error (task, malformed (_("its capabilities")));
      return;
    }
  patient = g_uri_escape_string (pull->patient, NULL, FALSE);
  if (offers_operation (capability, "summary"))
    add_step (pull, g_strdup_printf ("%s/Patient/%s/$summary", pull->base, patient), _("Health summary"));
  else if (offers_operation (capability, "everything"))
    add_step (pull, g_strdup_printf ("%s/Patient/%s/$everything?_count=" PAGE_COUNT, pull->base, patient),
              _("Health record"));
  else
    for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
      add_step (pull, g_strdup_printf ("%s/%s?patient=%s&_count=" PAGE_COUNT, pull->base, searches[i].type, patient),
                _(searches[i].label));
  pull->health_cards = offers_operation (capability, "health-cards-issue");
  if (pull->health_cards)
    pull->n_steps++;
  pull->steps_done = 1;
  next_step (g_steal_pointer (&task));
}

/**
 * dossier_smart_pull_async:
 * @fhir_base: the FHIR server's base address
 * @patient: the Patient id the sign-in gave
 * @access_token: the sign-in's access token
 * @progress: (nullable): told what is being read, as it goes
 *
 * Reads everything the server keeps about @patient.
 */
void
dossier_smart_pull_async (DossierNetSession        *net,
                          const char               *fhir_base,
                          const char               *patient,
                          const char               *access_token,
                          DossierSmartProgressFunc  progress,
                          gpointer                  progress_data,
                          GCancellable             *cancellable,
                          GAsyncReadyCallback       callback,
                          gpointer                  user_data)
{
  GTask *task;
  Pull *pull;
  g_autofree char *uri = NULL;
  gsize length;

  g_return_if_fail (DOSSIER_IS_NET_SESSION (net));
  g_return_if_fail (fhir_base != NULL && patient != NULL && access_token != NULL);

  task = g_task_new (net, cancellable, callback, user_data);
  g_task_set_source_tag (task, dossier_smart_pull_async);
  pull = g_new0 (Pull, 1);
  pull->net = g_object_ref (net);
  length = strlen (fhir_base);
  while (length > 0 && fhir_base[length - 1] == '/')
    length--;
  pull->base = g_strndup (fhir_base, length);
  pull->patient = g_strdup (patient);
  pull->token = dossier_secure_strdup (access_token);
  pull->progress = progress;
  pull->progress_data = progress_data;
  pull->pull = g_new0 (DossierSmartPull, 1);
  pull->pull->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  pull->pull->health_cards = g_ptr_array_new_with_free_func (g_free);
  pull->n_steps = 1;
  g_task_set_task_data (task, pull, (GDestroyNotify) pull_free);

  uri = g_strdup_printf ("%s/metadata", pull->base);
  pull->label = g_strdup (_("What the service offers"));
  report (pull, pull->label);
  dossier_net_session_send_async (net, "GET", uri, pull->token, FHIR_JSON, NULL, NULL, MAX_METADATA_SIZE,
                                  cancellable, on_capabilities, task);
}

DossierSmartPull *
dossier_smart_pull_finish (DossierNetSession  *net,
                           GAsyncResult       *result,
                           GError            **error)
{
  g_return_val_if_fail (DOSSIER_IS_NET_SESSION (net), NULL);
  g_return_val_if_fail (g_task_is_valid (result, net), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
