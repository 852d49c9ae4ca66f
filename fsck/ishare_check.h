/* SPDX-License-Identifier: MIT */
#ifndef FSCK_ISHARE_CHECK_H
#define FSCK_ISHARE_CHECK_H

#include <getopt.h>
#include <stdbool.h>

/* True when the command line asks for --check-ishare. */
bool fsck_wants_check_ishare(int argc, char **argv);

/*
 * True when the command line describes an image set: two or more IMAGE
 * operands, or -o, --domain-id or --mount. Operands are told from option
 * arguments by getopt itself, with fsck's own option table (@fsck_opts,
 * @fsck_short) and the set's.
 */
bool fsck_ishare_wants_set(int argc, char **argv,
			   const struct option *fsck_opts, const char *fsck_short);

/*
 * fsck.erofs --check-ishare [--domain-id=X] [--mount=loop|file]
 *	[-o OPTS] IMAGE [[-o OPTS] IMAGE]...
 * Returns the fsck(8)-style exit status, bits or-ed: 4 on a wrong
 * fingerprint, an image the kernel would refuse, an unsafe sharing group
 * or damage the reader found; 8 when an image cannot be read or a file or
 * group could not be verified; 16 on a usage error.
 */
int fsck_check_ishare(int argc, char **argv);

#endif
