// SPDX-License-Identifier: MIT
/* Command-line description of an image set (see erofs/ishare_args.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/ishare_args.h"

int erofs_ishare_args_init(struct erofs_ishare_args *a, int max_images)
{
	memset(a, 0, sizeof(*a));
	/* the kernel's defaults are off; these tools model sharing hosts */
	a->defaults.inode_share = true;
	a->defaults.has_domain = true;
	strcpy(a->defaults.domain_id, "default");
	a->max = max_images > 0 ? max_images : 1;
	a->paths = calloc(a->max, sizeof(*a->paths));
	a->opts = calloc(a->max, sizeof(*a->opts));
	if (a->paths && a->opts)
		return 0;
	erofs_ishare_args_free(a);
	return -ENOMEM;
}

void erofs_ishare_args_free(struct erofs_ishare_args *a)
{
	free(a->paths);
	free(a->opts);
	a->paths = a->opts = NULL;
}

static int take_domain(struct erofs_ishare_args *a, const char *arg,
		       struct erofs_errinfo *ei)
{
	if (strlen(arg) > EROFS_ISHARE_DOMAIN_MAX)
		return erofs_err(ei, -EINVAL, arg, "domain_id too long");
	strcpy(a->defaults.domain_id, arg);
	a->defaults.has_domain = true;
	return 0;
}

static int take_mount(struct erofs_ishare_args *a, const char *arg,
		      struct erofs_errinfo *ei)
{
	if (!strcmp(arg, "loop"))
		a->defaults.backing = EROFS_ISHARE_LOOP;
	else if (!strcmp(arg, "file"))
		a->defaults.backing = EROFS_ISHARE_FILE;
	else
		return erofs_err(ei, -EINVAL, arg, "--mount takes loop or file");
	return 0;
}

int erofs_ishare_args_take(struct erofs_ishare_args *a, int c, const char *arg,
			   struct erofs_errinfo *ei)
{
	switch (c) {
	case EROFS_ISHARE_ARG_DOMAIN:
		return take_domain(a, arg, ei);
	case EROFS_ISHARE_ARG_MOUNT:
		return take_mount(a, arg, ei);
	case EROFS_ISHARE_ARG_OPTS:
		a->pending = arg;
		return 0;
	case EROFS_ISHARE_ARG_IMAGE:
		if (a->n == a->max)
			return erofs_err(ei, -EINVAL, arg, "too many images");
		a->paths[a->n] = arg;
		a->opts[a->n++] = a->pending;
		a->pending = NULL;
		return 0;
	}
	return 1;
}

int erofs_ishare_args_to_set(const struct erofs_ishare_args *a,
			     struct erofs_ishare_set *set,
			     struct erofs_errinfo *ei)
{
	int i, ret;

	if (a->pending)
		return erofs_err(ei, -EINVAL, a->pending,
				 "-o must come before the image it applies to");
	if (!a->n)
		return erofs_err(ei, -EINVAL, "arguments", "no IMAGE given");
	for (i = 0; i < a->n; i++) {
		struct erofs_ishare_mountopts m = a->defaults;

		if (a->opts[i]) {
			ret = erofs_ishare_parse_mountopts(a->opts[i], &m, ei);
			if (ret)
				return ret;
		}
		ret = erofs_ishare_set_add_image(set, a->paths[i], &m);
		if (ret < 0)
			return erofs_err(ei, ret, a->paths[i], NULL);
	}
	return 0;
}
