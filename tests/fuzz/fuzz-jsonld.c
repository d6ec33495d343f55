// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer target for JSON-LD expansion and toRdf: any JSON document,
 * with and without safe mode.  Whatever the input, it is refused with a
 * format error or turned into N-Quads that the RDFC-1.0 reader accepts,
 * within the limits of dossier-jsonld.h. */
#include "dossier-format-error.h"
#include "dossier-jsonld.h"
#include "dossier-rdfc.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define FUZZ_MAX_SIZE (64 * 1024)

/* json-glib's parser recurses once a level; the JSON-LD limits are tested
 * here, not its stack. */
#define FUZZ_MAX_JSON_DEPTH 512

static gboolean
shallow_enough (const uint8_t *data,
                size_t         size)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (size_t i = 0; i < size; i++)
    {
      if (in_string)
        {
          if (data[i] == '\\')
            i++;
          else if (data[i] == '"')
            in_string = FALSE;
        }
      else if (data[i] == '"')
        in_string = TRUE;
      else if ((data[i] == '[' || data[i] == '{') && ++depth > FUZZ_MAX_JSON_DEPTH)
        return FALSE;
      else if ((data[i] == ']' || data[i] == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static void
check (JsonNode           *document,
       DossierJsonLdFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nquads = dossier_jsonld_to_nquads (document, NULL, flags, &error);
  g_autoptr(DossierRdfcDataset) dataset = NULL;

  if (nquads == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == DOSSIER_FORMAT_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert_no_error (error);
  dataset = dossier_rdfc_dataset_parse (nquads, strlen (nquads), &error);
  if (dataset == NULL)
    g_error ("toRdf wrote N-Quads that do not read back: %s\n%s", error->message, nquads);
  g_assert_cmpuint (dossier_rdfc_dataset_get_n_quads (dataset), <=, DOSSIER_JSONLD_MAX_QUADS);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (size > FUZZ_MAX_SIZE || !shallow_enough (data, size))
    return 0;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;
  check (root, DOSSIER_JSONLD_FLAGS_NONE);
  check (root, DOSSIER_JSONLD_SAFE_MODE);
  return 0;
}
