/* SPDX-License-Identifier: MIT */
/*
 * An image set as a command line describes it, shared by
 * fsck.erofs --check-ishare and dump.erofs --ishare-report so that both
 * read the same words the same way: --domain-id and --mount hold for every
 * image wherever they stand, "-o OPTS" binds to the next image only.
 */
#ifndef EROFS_ISHARE_ARGS_H
#define EROFS_ISHARE_ARGS_H

#include "erofs/errinfo.h"
#include "erofs/ishare_model.h"

/* getopt values the front ends map their options to */
enum {
	EROFS_ISHARE_ARG_IMAGE = 1,	/* getopt "-" mode: an operand */
	EROFS_ISHARE_ARG_DOMAIN = 'D',	/* --domain-id=X */
	EROFS_ISHARE_ARG_MOUNT = 'M',	/* --mount=loop|file */
	EROFS_ISHARE_ARG_OPTS = 'o',	/* -o OPTS for the next image */
};

struct erofs_ishare_args {
	struct erofs_ishare_mountopts defaults;
	const char **paths;		/* argv strings, not owned */
	const char **opts;		/* per image, NULL for none */
	const char *pending;		/* an -o still waiting for its image */
	int n, max;
};

/* Room for @max_images (argc is always enough); -ENOMEM. */
int erofs_ishare_args_init(struct erofs_ishare_args *a, int max_images);
void erofs_ishare_args_free(struct erofs_ishare_args *a);

/*
 * Take getopt's result @c with @arg: 0 if it was one of ours, 1 if not,
 * -EINVAL (reason in @ei) for a bad value.
 */
int erofs_ishare_args_take(struct erofs_ishare_args *a, int c, const char *arg,
			   struct erofs_errinfo *ei);

/*
 * Add every image with its options to @set. -EINVAL (reason in @ei) for
 * no image, a dangling -o or bad -o options; -ENOMEM.
 */
int erofs_ishare_args_to_set(const struct erofs_ishare_args *a,
			     struct erofs_ishare_set *set,
			     struct erofs_errinfo *ei);

#endif
