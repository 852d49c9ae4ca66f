// SPDX-License-Identifier: MIT
/*
 * Directory source: the tree under SOURCE_DIR becomes the in-memory inode
 * tree. Everything is lstat'ed (symlinks are stored, never followed, but
 * for SOURCE_DIR itself), names are sorted bytewise so the image never
 * depends on readdir order, and hard links are recognised by (st_dev,
 * st_ino).
 *
 * Entries are reached relative to their directory's fd (fstatat, openat,
 * readlinkat): a tree may be deeper than PATH_MAX allows one path to be,
 * and the full path is only built for messages and the data pass.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "erofs/format.h"
#include "erofs/writer.h"

/*
 * Directories up to this depth keep their fd open while their subtrees
 * are scanned; deeper ones close it meanwhile and reopen it from the
 * nearest open ancestor, so no tree can exhaust the fd table.
 */
#define SCAN_KEEP_FDS	256

/* A directory being scanned: the chain from the root to the current one. */
struct scan_level {
	struct scan_level *up;
	const char *name;		/* in @up */
	const char *path;		/* full, for messages */
	int fd;				/* -1 while closed, see SCAN_KEEP_FDS */
	unsigned int depth;
	dev_t dev;
	ino_t ino;
};

/*
 * Where one source object is: @name in directory @dfd, and its full path.
 * The root is reached by its path alone (dfd AT_FDCWD, name == path).
 */
struct scan_at {
	int dfd;
	const char *name;
	const char *path;
};

struct name_list {
	char **names;
	size_t n, cap;
};

static void name_list_free(struct name_list *l)
{
	while (l->n)
		free(l->names[--l->n]);
	free(l->names);
}

static int name_list_add(struct name_list *l, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **p = realloc(l->names, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->names = p;
		l->cap = cap;
	}
	l->names[l->n] = strdup(name);
	return l->names[l->n++] ? 0 : -ENOMEM;
}

static int name_ptr_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return erofs_name_cmp(x, strlen(x), y, strlen(y));
}

static int read_names(struct erofs_writer *w, int dfd, const char *path,
		      struct name_list *l)
{
	/* a fresh fd of its own: closedir() closes it, the level keeps dfd */
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		return erofs_err(w->ei, ret, path, NULL);
	}
	for (errno = 0; !ret && (de = readdir(d)); errno = 0) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ret = name_list_add(l, de->d_name);
	}
	if (!ret && errno)
		ret = -errno;
	closedir(d);
	if (ret)
		return erofs_err(w->ei, ret, path, NULL);
	if (l->n > 1)
		qsort(l->names, l->n, sizeof(*l->names), name_ptr_cmp);
	return 0;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);

	if (!s)
		return NULL;
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

static bool excluded(const struct erofs_writer *w, const char *rel)
{
	size_t i;

	for (i = 0; i < w->p->n_exclude_paths; i++)
		if (!strcmp(rel, w->p->exclude_paths[i]))
			return true;
	for (i = 0; i < w->n_regexes; i++)
		if (!regexec(&w->regexes[i], rel, 0, NULL, 0))
			return true;
	return false;
}

static void set_owner(const struct erofs_writer *w, struct erofs_wnode *n,
		      const struct stat *st)
{
	const struct erofs_mkfs_params *p = w->p;

	n->uid = st->st_uid + p->uid_offset;
	n->gid = st->st_gid + p->gid_offset;
	if (p->force_uid >= 0)
		n->uid = p->force_uid;
	if (p->force_gid >= 0)
		n->gid = p->force_gid;
	if (p->all_root)
		n->uid = n->gid = 0;
}

static void set_times(const struct erofs_writer *w, struct erofs_wnode *n,
		      const struct stat *st)
{
	n->src_mtime = st->st_mtim.tv_sec;
	n->src_mtime_nsec = st->st_mtim.tv_nsec;
	n->src_ctime = st->st_ctim.tv_sec;
	n->src_ctime_nsec = st->st_ctim.tv_nsec;
	if (w->p->time_set && w->p->time_all) {
		n->mtime = w->p->build_time;
		n->mtime_nsec = 0;
	} else {
		n->mtime = n->src_mtime;
		n->mtime_nsec = n->src_mtime_nsec;
	}
}

static int read_symlink(struct erofs_writer *w, struct erofs_wnode *n,
			const struct scan_at *at)
{
	const char *path = at->path;
	char buf[EROFS_MAX_SYMLINK + 2];
	ssize_t len = readlinkat(at->dfd, at->name, buf, sizeof(buf));

	if (len < 0)
		return erofs_err(w->ei, -errno, path, NULL);
	if (len > EROFS_MAX_SYMLINK)
		return erofs_err(w->ei, -ENAMETOOLONG, path,
				 "symlink target longer than %d bytes",
				 EROFS_MAX_SYMLINK);
	n->symlink = malloc(len ? len : 1);
	if (!n->symlink)
		return erofs_err(w->ei, -ENOMEM, path, NULL);
	memcpy(n->symlink, buf, len);
	n->size = len;
	return 0;
}

static int add_xattr(struct erofs_writer *w, struct erofs_wnode *n,
		     const char *path, const char *name, const void *value,
		     size_t vlen)
{
	struct erofs_xattr_item *it, **arr;
	int err;

	it = erofs_xattr_intern(&w->xattrs, name, strlen(name), value, vlen,
				&err);
	if (err)
		return erofs_err(w->ei, err, path, "xattr %s: %s", name,
				 err == -E2BIG ? "value too large" :
				 err == -ERANGE ? "name too long" :
				 "cannot store");
	if (!it)
		return 0;	/* a name no reader could see, or the key */
	if (n->n_xattrs == UINT16_MAX)
		return erofs_err(w->ei, -E2BIG, path, "too many xattrs");
	arr = realloc(n->xattrs, (n->n_xattrs + 1) * sizeof(*arr));
	if (!arr)
		return erofs_err(w->ei, -ENOMEM, path, NULL);
	arr[n->n_xattrs++] = it;
	n->xattrs = arr;
	return 0;
}

static ssize_t get_value(const char *path, const char *name, char **buf,
			 size_t *cap)
{
	for (;;) {
		/* with a zero-sized buffer lgetxattr only reports the size */
		ssize_t len = *cap ? lgetxattr(path, name, *buf, *cap) : -1;
		char *p;

		if (len >= 0 || (*cap && errno != ERANGE))
			return len;
		len = lgetxattr(path, name, NULL, 0);
		if (len < 0)
			return len;
		p = realloc(*buf, len + 1);
		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		*buf = p;
		*cap = len + 1;
	}
}

/*
 * The l*xattr calls take a path and there are no *at variants in libc.
 * A full path that is too long goes through the directory's fd instead:
 * the kernel resolves /proc/self/fd/N to the directory and then looks up
 * the name, without following it when it is a symlink.
 */
static const char *xattr_path(const struct scan_at *at, char *buf,
			      size_t bufsz)
{
	if (at->dfd == AT_FDCWD || strlen(at->path) < PATH_MAX)
		return at->path;
	snprintf(buf, bufsz, "/proc/self/fd/%d/%s", at->dfd, at->name);
	return buf;
}

static int read_xattrs(struct erofs_writer *w, struct erofs_wnode *n,
		       const struct scan_at *at)
{
	char *names = NULL, *value = NULL, *name;
	char pbuf[32 + EROFS_NAME_LEN];
	const char *lpath = xattr_path(at, pbuf, sizeof(pbuf));
	const char *path = at->path;
	size_t vcap = 0;
	ssize_t len = llistxattr(lpath, NULL, 0);
	int ret = 0;

	if (len < 0 && (errno == ENOTSUP || errno == ENODATA))
		return 0;
	if (len <= 0)
		return len ? erofs_err(w->ei, -errno, path, NULL) : 0;
	names = malloc(len);
	if (!names)
		return erofs_err(w->ei, -ENOMEM, path, NULL);
	len = llistxattr(lpath, names, len);
	if (len < 0)
		ret = erofs_err(w->ei, errno == ERANGE ? -EAGAIN : -errno, path,
				errno == ERANGE ? "file changed during build" : NULL);
	for (name = names; !ret && name < names + len; name += strlen(name) + 1) {
		ssize_t vlen = get_value(lpath, name, &value, &vcap);

		if (vlen < 0 && errno == ENODATA)
			continue;	/* removed meanwhile: not part of it */
		if (vlen < 0)
			ret = erofs_err(w->ei, -errno, path, "xattr %s: %s", name,
					strerror(errno));
		else
			ret = add_xattr(w, n, path, name, value, vlen);
	}
	free(names);
	free(value);
	return ret;
}

static int fill_node(struct erofs_writer *w, struct erofs_wnode *n,
		     const struct stat *st, const struct scan_at *at)
{
	const char *path = at->path;
	int ret = 0;

	n->mode = st->st_mode & 0177777;
	n->nlink = 1;
	set_owner(w, n, st);
	set_times(w, n, st);
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		n->size = st->st_size;
		n->src.kind = EROFS_DATA_PATH;
		n->src.path = strdup(path);
		if (!n->src.path)
			return erofs_err(w->ei, -ENOMEM, path, NULL);
		n->fingerprint = w->prefixes.ishare_id >= 0 && n->size;
		w->prog.bytes_total += n->size;
		/* progress counts what the data pass reads: files with data */
		w->prog.files_total += !!n->size;
		break;
	case S_IFLNK:
		ret = read_symlink(w, n, at);
		break;
	case S_IFCHR:
	case S_IFBLK:
		n->rdev = erofs_encode_rdev(major(st->st_rdev),
					    minor(st->st_rdev));
		break;
	case S_IFDIR:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		return erofs_err(w->ei, -EOPNOTSUPP, path,
				 "unsupported file type");
	}
	if (!ret && w->p->xattr_tolerance >= 0)
		ret = read_xattrs(w, n, at);
	w->n_inodes++;
	return ret;
}

#define LEVEL_OPEN_FLAGS	(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/*
 * Take @fd as the level's fd if it is still the directory that was
 * stat'ed: the tree is live, and a rename meanwhile must not graft
 * another subtree in.
 */
static int set_level_fd(struct erofs_writer *w, struct scan_level *lv, int fd)
{
	struct stat st;

	if (fd < 0)
		return erofs_err(w->ei, fd, lv->path, NULL);
	if (fstat(fd, &st) || st.st_dev != lv->dev || st.st_ino != lv->ino) {
		close(fd);
		return erofs_err(w->ei, -EAGAIN, lv->path,
				 "file changed during build");
	}
	lv->fd = fd;
	return 0;
}

/* A new fd of @lv, walked to from its nearest ancestor with an open fd. */
static int walk_to(const struct scan_level *lv)
{
	const struct scan_level *up = lv->up;
	int pfd = up->fd >= 0 ? up->fd : walk_to(up);
	int fd, err;

	if (pfd < 0)
		return pfd;
	fd = openat(pfd, lv->name, LEVEL_OPEN_FLAGS);
	err = errno;
	if (pfd != up->fd)
		close(pfd);
	return fd < 0 ? -err : fd;
}

static int scan_dir(struct erofs_writer *w, struct erofs_wnode *dir,
		    struct scan_level *lv, const char *rel);

static int scan_subdir(struct erofs_writer *w, struct erofs_wnode *n,
		       struct scan_level *lv, const struct scan_at *at,
		       const struct stat *st, const char *rel)
{
	struct scan_level sub = {
		.up = lv, .name = at->name, .path = at->path, .fd = -1,
		.depth = lv->depth + 1, .dev = st->st_dev, .ino = st->st_ino,
	};
	int ret = set_level_fd(w, &sub, walk_to(&sub));

	if (ret)
		return ret;
	if (lv->depth >= SCAN_KEEP_FDS) {
		close(lv->fd);
		lv->fd = -1;
	}
	ret = scan_dir(w, n, &sub, rel);
	if (sub.fd >= 0)
		close(sub.fd);
	if (!ret && lv->fd < 0)
		ret = set_level_fd(w, lv, walk_to(lv));
	return ret;
}

static int scan_entry(struct erofs_writer *w, struct erofs_wnode *dir,
		      struct scan_level *lv, const struct scan_at *at,
		      const char *rel)
{
	const char *path = at->path, *name = at->name;
	struct erofs_wnode *n;
	struct stat st;
	int ret;

	if (strlen(name) > EROFS_NAME_LEN)
		return erofs_err(w->ei, -ENAMETOOLONG, path, "name too long");
	if (excluded(w, rel))
		return 0;
	if (fstatat(at->dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return erofs_err(w->ei, -errno, path, NULL);

	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && !w->p->hard_dereference) {
		n = erofs_hardlink_find(&w->links, st.st_dev, st.st_ino);
		if (n) {
			ret = erofs_wnode_add_child(dir, name, strlen(name), n);
			if (ret)
				return erofs_err(w->ei, ret, path, NULL);
			n->nlink++;
			return 0;
		}
	}
	n = erofs_wnode_new();
	if (!n)
		return erofs_err(w->ei, -ENOMEM, path, NULL);
	ret = erofs_wnode_add_child(dir, name, strlen(name), n);
	if (ret) {
		free(n);
		return erofs_err(w->ei, ret, path, NULL);
	}
	/* in the tree now: freed with it even if filling fails */
	ret = fill_node(w, n, &st, at);
	if (ret)
		return ret;
	if (S_ISDIR(st.st_mode)) {
		dir->n_subdirs++;
		n->parent = dir;
		return scan_subdir(w, n, lv, at, &st, rel);
	}
	if (st.st_nlink > 1 && !w->p->hard_dereference) {
		ret = erofs_hardlink_insert(&w->links, st.st_dev, st.st_ino, n);
		if (ret)
			return erofs_err(w->ei, ret, path, NULL);
	}
	return 0;
}

static int scan_dir(struct erofs_writer *w, struct erofs_wnode *dir,
		    struct scan_level *lv, const char *rel)
{
	const char *path = lv->path;
	struct name_list names = { 0 };
	size_t i;
	int ret = read_names(w, lv->fd, path, &names);

	for (i = 0; !ret && i < names.n; i++) {
		char *child = join(path, names.names[i]);
		char *crel = *rel ? join(rel, names.names[i]) :
				    strdup(names.names[i]);
		struct scan_at at = {
			.dfd = lv->fd, .name = names.names[i], .path = child,
		};

		if (!child || !crel)
			ret = erofs_err(w->ei, -ENOMEM, path, NULL);
		else
			ret = scan_entry(w, dir, lv, &at, crel);
		free(child);
		free(crel);
	}
	name_list_free(&names);
	/* names were added in sorted order already; this is a no-op guard */
	erofs_wnode_sort_children(dir);
	dir->nlink = 2 + dir->n_subdirs;
	w->st->dirs++;
	return ret;
}

/*
 * A symlink given as SOURCE_DIR is followed (only there: links inside the
 * tree are stored). The root's own xattrs are then read through a path
 * with a trailing slash, which makes the l*xattr calls follow it too.
 */
static int scan_root(struct erofs_writer *w, const struct stat *st,
		     bool via_link)
{
	char *self = via_link ? join(w->source, "") : NULL;
	struct scan_level root = {
		.path = w->source, .fd = -1, .dev = st->st_dev, .ino = st->st_ino,
	};
	struct scan_at at = { .dfd = AT_FDCWD };
	int fd, ret;

	if (via_link && !self)
		return erofs_err(w->ei, -ENOMEM, w->source, NULL);
	at.name = at.path = self ? self : w->source;
	ret = fill_node(w, w->root, st, &at);
	free(self);
	if (ret)
		return ret;
	fd = open(w->source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ret = set_level_fd(w, &root, fd < 0 ? -errno : fd);
	if (ret)
		return ret;
	ret = scan_dir(w, w->root, &root, "");
	close(root.fd);
	return ret;
}
int erofs_scan_source(struct erofs_writer *w)
{
	struct stat st;
	bool via_link;

	if (lstat(w->source, &st))
		return erofs_err(w->ei, -errno, w->source, NULL);
	via_link = S_ISLNK(st.st_mode);
	if (via_link && stat(w->source, &st))
		return erofs_err(w->ei, -errno, w->source, NULL);
	if (!S_ISDIR(st.st_mode))
		return erofs_err(w->ei, -ENOTDIR, w->source, NULL);
	w->root = erofs_wnode_new();
	if (!w->root)
		return erofs_err(w->ei, -ENOMEM, w->source, NULL);
	return scan_root(w, &st, via_link);
}
