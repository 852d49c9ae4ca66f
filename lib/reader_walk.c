// SPDX-License-Identifier: MIT
/*
 * Depth-first tree walk (format doc §4.2, §9 item 16). Each directory is
 * entered at most once, so a cycle or a directory linked from two places
 * is a finding, not a hang; "." and ".." are checked, never followed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "erofs/rdir.h"
#include "erofs/walk.h"

struct walker {
	const struct erofs_image *img;
	const struct erofs_walk_ops *ops;
	void *arg;
	struct erofs_errinfo *ei;
	struct erofs_nidmap seen;
	char *path;
	size_t path_len;
	/*
	 * One errinfo for every level: a finding is reported and cleared
	 * before the walk goes on, and keeping it off the stack keeps deep
	 * (hostile) nesting from exhausting the stack.
	 */
	struct erofs_errinfo scratch;
};

struct dir_frame {
	struct walker *w;
	const struct erofs_inode *dir;
	uint64_t parent_nid;
	unsigned int depth;
};

static int walk_dir(struct walker *w, const struct erofs_walk_entry *e);

/* Report the finding in w->scratch about the current path; go on or not. */
static int walk_finding(struct walker *w)
{
	int err = w->scratch.err ? w->scratch.err : -EFSCORRUPTED;
	bool stop = true;

	if (!w->ops->finding) {
		if (w->ei && !w->ei->err)
			*w->ei = w->scratch;
	} else {
		stop = w->ops->finding(w->path, &w->scratch, w->arg);
	}
	erofs_err_clear(&w->scratch);
	return stop ? err : 0;
}

static int finding_here(struct walker *w, int err, const char *fmt,
			unsigned long long v)
{
	erofs_err_clear(&w->scratch);
	erofs_err(&w->scratch, err, w->path, fmt, v);
	return walk_finding(w);
}

static int path_push(struct walker *w, const uint8_t *name, unsigned int len)
{
	bool root = w->path_len == 1;

	if (w->path_len + len + 2 > EROFS_WALK_PATH_MAX)
		return -ENAMETOOLONG;
	if (!root)
		w->path[w->path_len++] = '/';
	memcpy(w->path + w->path_len, name, len);
	w->path_len += len;
	w->path[w->path_len] = '\0';
	return 0;
}

static void path_pop(struct walker *w, size_t len)
{
	w->path_len = len;
	w->path[len] = '\0';
}

static int check_dotdot(struct dir_frame *f, const struct erofs_dirent_info *de)
{
	if (de->nid == f->parent_nid || f->parent_nid == UINT64_MAX)
		return 0;
	return finding_here(f->w, -EFSCORRUPTED,
			    "'..' points to inode %llu, not to the parent",
			    (unsigned long long)de->nid);
}

static int visit_child(struct dir_frame *f, const struct erofs_dirent_info *de)
{
	struct walker *w = f->w;
	struct erofs_inode inode;
	struct erofs_walk_entry e = {
		.inode = &inode, .name = de->name, .name_len = de->name_len,
		.file_type = de->file_type, .parent_nid = f->dir->nid,
		.depth = f->depth + 1,
	};
	int64_t seen;
	int err;

	erofs_err_clear(&w->scratch);
	err = erofs_inode_read(w->img, de->nid, &inode, &w->scratch);
	if (err)
		return walk_finding(w);
	if (erofs_ftype_from_mode(inode.mode) != de->file_type)
		return finding_here(w, -EFSCORRUPTED,
				    "file type %llu in the directory entry does not match the inode",
				    de->file_type);
	seen = erofs_nidmap_inc(&w->seen, de->nid);
	if (seen < 0)
		return seen;
	e.path = w->path;
	e.path_len = w->path_len;
	e.first_visit = seen == 1;
	if (S_ISDIR(inode.mode) && seen > 1)
		return finding_here(w, -EFSCORRUPTED,
				    "directory (inode %llu) reachable twice (cycle or hard-linked directory)",
				    (unsigned long long)de->nid);
	if (S_ISDIR(inode.mode))
		return walk_dir(w, &e);
	return w->ops->visit ? w->ops->visit(&e, w->arg) : 0;
}

static int dirent_cb(const struct erofs_dirent_info *de, void *arg)
{
	struct dir_frame *f = arg;
	struct walker *w = f->w;
	size_t saved = w->path_len;
	int err;

	if (de->name_len == 1 && de->name[0] == '.')
		return 0;	/* checked by erofs_dir_foreach */
	if (de->name_len == 2 && !memcmp(de->name, "..", 2))
		return check_dotdot(f, de);
	err = path_push(w, de->name, de->name_len);
	if (err)
		return finding_here(w, err, "path longer than %llu bytes",
				    EROFS_WALK_PATH_MAX);
	err = visit_child(f, de);
	path_pop(w, saved);
	return err;
}

static int walk_dir(struct walker *w, const struct erofs_walk_entry *e)
{
	struct dir_frame f = {
		.w = w, .dir = e->inode, .parent_nid = e->parent_nid,
		.depth = e->depth,
	};
	int err;

	if (e->depth > EROFS_WALK_MAX_DEPTH)
		return finding_here(w, -EFSCORRUPTED,
				    "directories nested deeper than %llu",
				    EROFS_WALK_MAX_DEPTH);
	if (w->ops->visit) {
		err = w->ops->visit(e, w->arg);
		if (err)
			return err;
	}
	erofs_err_clear(&w->scratch);
	err = erofs_dir_foreach(w->img, e->inode, dirent_cb, &f, &w->scratch);
	if (err < 0 && w->scratch.err) {
		/* the reason names the inode; the finding names the path */
		err = walk_finding(w);
	}
	if (err)
		return err;
	return w->ops->leave ? w->ops->leave(e, w->arg) : 0;
}

static int walk_start(struct walker *w, uint64_t nid, const char *path)
{
	struct erofs_inode root;
	struct erofs_walk_entry e = {
		.inode = &root, .file_type = EROFS_FT_DIR, .first_visit = true,
	};
	int err = erofs_inode_read(w->img, nid, &root, w->ei);

	if (err)
		return err;
	w->path_len = strlen(path);
	if (w->path_len >= EROFS_WALK_PATH_MAX)
		w->path_len = EROFS_WALK_PATH_MAX - 1;
	memcpy(w->path, path, w->path_len);
	w->path[w->path_len] = '\0';
	e.path = w->path;
	e.path_len = w->path_len;
	/* the root's ".." points to itself; a subtree's to wherever it is */
	e.parent_nid = nid == w->img->sb.root_nid ? nid : UINT64_MAX;
	if (erofs_nidmap_inc(&w->seen, nid) < 0)
		return -ENOMEM;
	if (S_ISDIR(root.mode))
		return walk_dir(w, &e);
	return w->ops->visit ? w->ops->visit(&e, w->arg) : 0;
}

int erofs_walk(const struct erofs_image *img, uint64_t nid, const char *path,
	       const struct erofs_walk_ops *ops, void *arg,
	       struct erofs_errinfo *ei)
{
	struct walker *w = calloc(1, sizeof(*w));
	int err = -ENOMEM;

	if (!w)
		return -ENOMEM;
	*w = (struct walker){ .img = img, .ops = ops, .arg = arg, .ei = ei };
	erofs_nidmap_init(&w->seen);
	w->path = malloc(EROFS_WALK_PATH_MAX);
	if (w->path)
		err = walk_start(w, nid == UINT64_MAX ? img->sb.root_nid : nid,
				 path && *path ? path : "/");
	erofs_nidmap_destroy(&w->seen);
	free(w->path);
	free(w);
	return err;
}
