// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A class roster as a spreadsheet exports it to CSV (RFC 4180): UTF-8,
 * perhaps with a byte order mark, comma, semicolon or tab separated,
 * quoted fields holding separators, quotes and line breaks.  Rows are
 * numbered as the spreadsheet shows them (the header is row 1) and
 * columns from 1 (shown as A, B, ...). */

#define DOSSIER_ROSTER_MAX_SIZE     (8 * 1024 * 1024)
#define DOSSIER_ROSTER_MAX_ROWS     20000
#define DOSSIER_ROSTER_MAX_COLUMNS  64
#define DOSSIER_ROSTER_MAX_FIELD    4096
#define DOSSIER_ROSTER_MAX_PROBLEMS 500

typedef struct
{
  guint  row;       /* 0 when the problem is the whole file's */
  guint  column;    /* 0 when it is the whole row's */
  char  *message;
} DossierRosterProblem;

typedef struct
{
  guint   number;   /* the spreadsheet's row number */
  GStrv   fields;
} DossierRosterRow;

typedef struct
{
  GPtrArray *rows;       /* DossierRosterRow; the first is the header */
  GPtrArray *problems;   /* DossierRosterProblem, in the order found */
  guint      dropped;    /* problems past DOSSIER_ROSTER_MAX_PROBLEMS */
} DossierRoster;

DossierRoster *dossier_roster_parse        (const char    *data,
                                            gsize          length);
void           dossier_roster_free         (DossierRoster *roster);
void           dossier_roster_add_problem  (DossierRoster *roster,
                                            guint          row,
                                            guint          column,
                                            const char    *format,
                                            ...) G_GNUC_PRINTF (4, 5);
char          *dossier_roster_column_name  (guint          column);
char          *dossier_roster_describe     (DossierRoster *roster,
                                            DossierRosterProblem *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DossierRoster, dossier_roster_free)

G_END_DECLS
