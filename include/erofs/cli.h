/* SPDX-License-Identifier: MIT */
/*
 * What the command-line front ends share: the wording of usage errors,
 * number parsing, and getopt's own complaints, so that every tool reports
 * a bad command line the same way on one line.
 */
#ifndef EROFS_CLI_H
#define EROFS_CLI_H

#include <stdint.h>

struct erofs_cli {
	const char *tool;	/* "fsck.erofs" */
	int usage_status;	/* exit status of a usage error */
};

/* Print "TOOL: message" and the --help hint; returns -usage_status. */
int erofs_cli_usage_error(const struct erofs_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An unsigned decimal, hex or octal number, all of @s; -EINVAL if not. */
int erofs_cli_parse_u64(const char *s, uint64_t *v);

/* Usage error for getopt's ':' (missing argument) or '?' (unknown). */
int erofs_cli_getopt_error(const struct erofs_cli *cli, int c, char **argv,
			   int optind);

/* The one IMAGE operand at argv[optind], or a usage error. */
int erofs_cli_one_image(const struct erofs_cli *cli, int argc, char **argv,
			int optind, const char **image);

/* "TOOL (PACKAGE) VERSION" on stdout. */
void erofs_cli_version(const struct erofs_cli *cli);

#endif
