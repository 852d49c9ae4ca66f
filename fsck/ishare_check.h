/* SPDX-License-Identifier: MIT */
#ifndef FSCK_ISHARE_CHECK_H
#define FSCK_ISHARE_CHECK_H

#include <stdbool.h>

/* True when the command line asks for --check-ishare. */
bool fsck_wants_check_ishare(int argc, char **argv);

/*
 * fsck.erofs --check-ishare [--domain-id=X] [--mount=loop|file]
 *	[-o OPTS] IMAGE [[-o OPTS] IMAGE]...
 * Returns the fsck(8)-style exit status: 4 on a wrong fingerprint, an
 * image the kernel would refuse, or an unsafe sharing group; 8 when an
 * image cannot be read; 16 on a usage error.
 */
int fsck_check_ishare(int argc, char **argv);

#endif
