// SPDX-License-Identifier: MIT
/*
 * Messages for the front end's -d# levels. The library formats them and
 * hands them over through the params' log callback; it never prints.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/format.h"
#include "erofs/writer.h"

bool erofs_wlog_enabled(const struct erofs_writer *w, unsigned int level)
{
	return w->p->log && level <= w->p->log_level;
}

void erofs_wlog(const struct erofs_writer *w, unsigned int level,
		const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int len;

	if (!erofs_wlog_enabled(w, level))
		return;
	va_start(ap, fmt);
	len = vasprintf(&msg, fmt, ap);
	va_end(ap);
	/* a message lost to memory pressure must not fail the build */
	if (len < 0)
		return;
	w->p->log(w->p->log_arg, level, msg);
	free(msg);
}

static const char *layout_name(uint8_t layout)
{
	switch (layout) {
	case EROFS_LAYOUT_FLAT_PLAIN:
		return "flat_plain";
	case EROFS_LAYOUT_FLAT_INLINE:
		return "flat_inline";
	default:
		return "other";
	}
}

static void log_file(const struct erofs_writer *w, const char *path,
		     const struct erofs_wnode *n)
{
	erofs_wlog(w, EROFS_MKFS_LOG_INFO, "file %s nid %llu size %llu layout %s",
		   path, (unsigned long long)n->nid,
		   (unsigned long long)n->size, layout_name(n->datalayout));
}

static char *join(const char *dir, const struct erofs_wdirent *de)
{
	size_t dlen = strcmp(dir, "/") ? strlen(dir) : 0;
	char *s = malloc(dlen + de->len + 2);

	if (!s)
		return NULL;
	memcpy(s, dir, dlen);
	s[dlen] = '/';
	memcpy(s + dlen + 1, de->name, de->len);
	s[dlen + 1 + de->len] = '\0';
	return s;
}

/*
 * One line per name in the image, in inode order. Needs the layout (nids
 * are inode order, and a directory always comes before its children), so
 * only the paths of directories not yet listed are kept, not one per
 * file. A hard link shows once per name.
 */
int erofs_log_files(const struct erofs_writer *w)
{
	char **dir_path;
	size_t i, k;
	int ret = 0;

	if (!erofs_wlog_enabled(w, EROFS_MKFS_LOG_INFO))
		return 0;
	dir_path = calloc(w->n_nodes, sizeof(*dir_path));
	if (!dir_path || !(dir_path[0] = strdup("/"))) {
		free(dir_path);
		return -ENOMEM;
	}
	log_file(w, "/", w->root);
	for (i = 0; i < w->n_nodes && !ret; i++) {
		const struct erofs_wnode *d = w->nodes[i];

		for (k = 0; dir_path[i] && k < d->n_children; k++) {
			const struct erofs_wdirent *de = &d->children[k];
			char *path = join(dir_path[i], de);

			if (!path) {
				ret = -ENOMEM;
				break;
			}
			log_file(w, path, de->node);
			/* each directory has exactly one name */
			if (erofs_wnode_is_dir(de->node))
				dir_path[de->node->ino - 1] = path;
			else
				free(path);
		}
		free(dir_path[i]);
		dir_path[i] = NULL;
	}
	for (; i < w->n_nodes; i++)
		free(dir_path[i]);
	free(dir_path);
	return ret;
}
