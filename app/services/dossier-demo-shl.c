// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-demo-services-private.h"

void
demo_shl_handle (DossierDemoServices *self,
                 SoupServerMessage   *msg,
                 const char          *path)
{
  demo_send_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "There is nothing at this address");
}

gboolean
demo_fault_handle (DossierDemoServices *self,
                   SoupServerMessage   *msg,
                   const char          *path)
{
  return FALSE;
}
