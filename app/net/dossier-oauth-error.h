// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DOSSIER_OAUTH_ERROR (dossier_oauth_error_quark ())

/* Why signing in to a service failed, in the terms a citizen is told.
 * A cancelled sign-in is G_IO_ERROR_CANCELLED. */
typedef enum
{
  DOSSIER_OAUTH_ERROR_OFFLINE,     /* the service could not be reached */
  DOSSIER_OAUTH_ERROR_REFUSED,     /* the person or the service refused the sign-in, or it expired */
  DOSSIER_OAUTH_ERROR_WRONG_STATE, /* the answer to the browser did not belong to this sign-in */
  DOSSIER_OAUTH_ERROR_SERVER,      /* the service failed or gave an answer Dossier cannot use */
  DOSSIER_OAUTH_ERROR_CERTIFICATE, /* the service's security certificate was refused */
  DOSSIER_OAUTH_ERROR_UNSUPPORTED, /* the service does not offer what a safe sign-in needs */
  DOSSIER_OAUTH_ERROR_BROWSER,     /* no web browser could be opened */
  DOSSIER_OAUTH_ERROR_INVALID,     /* stored tokens that cannot be read */
} DossierOAuthError;

GQuark dossier_oauth_error_quark (void);

G_END_DECLS
