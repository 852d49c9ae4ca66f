/* SPDX-License-Identifier: MIT */
#ifndef DUMP_ISHARE_REPORT_H
#define DUMP_ISHARE_REPORT_H

#include <stdbool.h>

/* True when the command line asks for --ishare-report. */
bool dump_wants_ishare_report(int argc, char **argv);

/*
 * dump.erofs --ishare-report [--domain-id=X] [--mount=loop|file]
 *	[--trace=FILE] [--verify] [--json] [-o OPTS] IMAGE [[-o OPTS] IMAGE]...
 * Returns the process exit status.
 */
int dump_ishare_report(int argc, char **argv);

#endif
