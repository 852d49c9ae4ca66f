// SPDX-License-Identifier: MIT
/* Shared command-line plumbing of the front ends (see erofs/cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "erofs/cli.h"

int erofs_cli_usage_error(const struct erofs_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", cli->tool);
	return -cli->usage_status;
}

int erofs_cli_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	/* strtoull would quietly negate "-1" into a huge value */
	if (*s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -EINVAL : 0;
}

int erofs_cli_getopt_error(const struct erofs_cli *cli, int c, char **argv,
			   int optind)
{
	if (c == ':')
		return erofs_cli_usage_error(cli, "option '%s' needs an argument",
					     argv[optind - 1]);
	return erofs_cli_usage_error(cli, "unknown option '%s'",
				     argv[optind - 1]);
}

int erofs_cli_one_image(const struct erofs_cli *cli, int argc, char **argv,
			int optind, const char **image)
{
	if (optind == argc)
		return erofs_cli_usage_error(cli, "missing IMAGE");
	if (optind + 1 != argc)
		return erofs_cli_usage_error(cli, "unexpected argument '%s'",
					     argv[optind + 1]);
	*image = argv[optind];
	return 0;
}

void erofs_cli_version(const struct erofs_cli *cli)
{
	printf("%s (%s) %s\n", cli->tool, PACKAGE_NAME, PACKAGE_VERSION);
}
