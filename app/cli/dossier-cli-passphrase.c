// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-cli-passphrase.h"

#include "dossier-secret.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define MAX_PASSPHRASE 1024

static char *
strip_newline (char *text)
{
  gsize length = strlen (text);

  if (length > 0 && text[length - 1] == '\n')
    text[--length] = '\0';
  if (length > 0 && text[length - 1] == '\r')
    text[--length] = '\0';
  return text;
}

static char *
read_passphrase_file (const char  *path,
                      GError     **error)
{
  char *buffer = dossier_secure_alloc (MAX_PASSPHRASE + 1);
  gsize used = 0;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;
      dossier_secure_free (buffer, MAX_PASSPHRASE + 1);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot read the passphrase file %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  while (used <= MAX_PASSPHRASE)
    {
      ssize_t got = read (fd, buffer + used, MAX_PASSPHRASE + 1 - used);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        break;
      used += (gsize) got;
    }
  close (fd);
  if (used > MAX_PASSPHRASE)
    {
      dossier_secure_free (buffer, MAX_PASSPHRASE + 1);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The passphrase file %s is longer than %d bytes"), path, MAX_PASSPHRASE);
      return NULL;
    }
  buffer[used] = '\0';
  return strip_newline (buffer);
}

/* Reads one line from the terminal with echo off. */
static char *
prompt_terminal (const char  *prompt,
                 GError     **error)
{
  char *buffer;
  struct termios saved, quiet;
  FILE *tty = fopen ("/dev/tty", "r+e");
  gboolean ok;

  if (tty == NULL)
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_NXIO,
                           _("No passphrase given: use --passphrase-file, the DOSSIER_PASSPHRASE variable, or run in a terminal"));
      return NULL;
    }
  buffer = dossier_secure_alloc (MAX_PASSPHRASE + 1);
  fputs (prompt, tty);
  fflush (tty);
  tcgetattr (fileno (tty), &saved);
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ECHONL;
  tcsetattr (fileno (tty), TCSAFLUSH, &quiet);
  ok = fgets (buffer, MAX_PASSPHRASE + 1, tty) != NULL;
  tcsetattr (fileno (tty), TCSAFLUSH, &saved);
  fclose (tty);
  if (!ok)
    {
      dossier_secure_free (buffer, MAX_PASSPHRASE + 1);
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_IO, _("No passphrase was entered"));
      return NULL;
    }
  return strip_newline (buffer);
}

/* The passphrase from @file if given, else from the environment @variable,
 * else typed at the terminal (twice when @confirm_prompt is set). */
char *
dossier_cli_read_passphrase (const char  *file,
                             const char  *variable,
                             const char  *prompt,
                             const char  *confirm_prompt,
                             GError     **error)
{
  const char *from_env = variable != NULL ? g_getenv (variable) : NULL;
  char *first, *second;

  if (file != NULL)
    return read_passphrase_file (file, error);
  if (from_env != NULL)
    {
      if (strlen (from_env) > MAX_PASSPHRASE)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       _("%s is longer than %d bytes"), variable, MAX_PASSPHRASE);
          return NULL;
        }
      return dossier_secure_strdup (from_env);
    }

  first = prompt_terminal (prompt, error);
  if (first == NULL || confirm_prompt == NULL)
    return first;
  second = prompt_terminal (confirm_prompt, error);
  if (second == NULL)
    {
      dossier_secure_strfree (first);
      return NULL;
    }
  if (strcmp (first, second) != 0)
    {
      dossier_secure_strfree (first);
      dossier_secure_strfree (second);
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("The two passphrases differ"));
      return NULL;
    }
  dossier_secure_strfree (second);
  return first;
}
