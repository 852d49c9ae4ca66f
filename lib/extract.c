// SPDX-License-Identifier: MIT
/*
 * Extraction: turning walk entries into host files. Every object is made
 * relative to an open directory fd (one per depth) and never through a
 * symlink, so a hostile image cannot write outside the target directory.
 * Directory metadata is applied after the children, so their creation
 * does not disturb the directory's mtime or need write permission.
 */
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
#include "erofs/extract.h"
#include "erofs/rdata.h"
#include "erofs/rxattr.h"

struct erofs_extractor {
	struct erofs_extract_params p;
	int dirfds[EROFS_WALK_MAX_DEPTH + 2];
	size_t start_len;		/* bytes of the start path to strip */
	struct erofs_nidmap links;	/* nid -> index + 1 into paths */
	char **paths;
	size_t npaths, paths_cap;
	mode_t umask;
};

/* The entry's name as a C string (the walker bounds it to 255 bytes). */
static void entry_name(const struct erofs_walk_entry *e, char *buf)
{
	memcpy(buf, e->name, e->name_len);
	buf[e->name_len] = '\0';
}

static int sys_err(struct erofs_errinfo *ei, const char *path, const char *what)
{
	int err = errno;

	return erofs_err(ei, -err, path, "%s: %s", what, strerror(err));
}

bool erofs_extract_err_fatal(int err)
{
	return err == -ENOSPC || err == -EDQUOT || err == -EROFS ||
	       err == -ENOMEM || err == -EIO;
}

int erofs_extract_begin(struct erofs_extractor **out,
			const struct erofs_extract_params *p,
			struct erofs_errinfo *ei)
{
	struct erofs_extractor *x;
	char real[PATH_MAX];
	unsigned int i;

	if (mkdir(p->dir, 0700) && errno != EEXIST)
		return sys_err(ei, p->dir, "cannot create directory");
	if (!realpath(p->dir, real))
		return sys_err(ei, p->dir, "cannot resolve");
	if (!strcmp(real, "/") && !p->force)
		return erofs_err(ei, -EPERM, p->dir,
				 "refusing to extract to the root directory (use --force)");
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->p = *p;
	for (i = 0; i < EROFS_WALK_MAX_DEPTH + 2; i++)
		x->dirfds[i] = -1;
	x->dirfds[0] = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x->dirfds[0] < 0) {
		free(x);
		return sys_err(ei, p->dir, "cannot open directory");
	}
	erofs_nidmap_init(&x->links);
	x->umask = umask(022);
	umask(x->umask);
	*out = x;
	return 0;
}

int erofs_extract_end(struct erofs_extractor *x, struct erofs_errinfo *ei)
{
	size_t i;

	for (i = 0; i < EROFS_WALK_MAX_DEPTH + 2; i++)
		if (x->dirfds[i] >= 0)
			close(x->dirfds[i]);
	for (i = 0; i < x->npaths; i++)
		free(x->paths[i]);
	free(x->paths);
	erofs_nidmap_destroy(&x->links);
	free(x);
	return 0;
}

struct xattr_apply {
	int fd;			/* or -1: use @lpath */
	const char *lpath;
	const char *path;
	struct erofs_errinfo *ei;
};

/* Only names in a namespace the VFS knows can be set. */
static bool xattr_settable(const struct erofs_xattr *x)
{
	switch (x->base_index) {
	case EROFS_XATTR_INDEX_USER:
	case EROFS_XATTR_INDEX_POSIX_ACL_ACCESS:
	case EROFS_XATTR_INDEX_POSIX_ACL_DEFAULT:
	case EROFS_XATTR_INDEX_TRUSTED:
	case EROFS_XATTR_INDEX_SECURITY:
		return true;
	default:
		return false;
	}
}

static int xattr_apply_cb(const struct erofs_xattr *x, void *arg)
{
	struct xattr_apply *a = arg;
	int r;

	if (!xattr_settable(x))
		return 0;
	if (a->fd >= 0)
		r = fsetxattr(a->fd, x->name, x->value, x->value_len, 0);
	else
		r = lsetxattr(a->lpath, x->name, x->value, x->value_len, 0);
	if (r) {
		char what[EROFS_XATTR_FULLNAME_MAX + 32];

		snprintf(what, sizeof(what), "cannot set xattr %s", x->name);
		return sys_err(a->ei, a->path, what);
	}
	return 0;
}

static int apply_xattrs(struct erofs_extractor *x, const struct erofs_image *img,
			const struct erofs_walk_entry *e, int fd, int dirfd,
			const char *name, struct erofs_errinfo *ei)
{
	char lpath[64 + EROFS_NAME_LEN];
	struct xattr_apply a = { .fd = fd, .lpath = lpath, .path = e->path,
				 .ei = ei };

	if (!x->p.xattrs || !e->inode->xattr_isize)
		return 0;
	/* the parent fd pins the directory; the last component is not followed */
	snprintf(lpath, sizeof(lpath), "/proc/self/fd/%d/%s", dirfd, name);
	return erofs_xattr_foreach(img, e->inode, xattr_apply_cb, &a, ei);
}

/* Owner, xattrs, mode, times; through @fd when there is one. */
static int apply_meta(struct erofs_extractor *x, const struct erofs_image *img,
		      const struct erofs_walk_entry *e, int fd, int dirfd,
		      const char *name, struct erofs_errinfo *ei)
{
	const struct erofs_inode *in = e->inode;
	struct timespec ts[2] = {
		{ .tv_sec = in->mtime, .tv_nsec = in->mtime_nsec },
		{ .tv_sec = in->mtime, .tv_nsec = in->mtime_nsec },
	};
	mode_t mode = in->mode & 07777;
	int err;

	if (x->p.preserve_owner &&
	    (fd >= 0 ? fchown(fd, in->uid, in->gid) :
		       fchownat(dirfd, name, in->uid, in->gid,
				AT_SYMLINK_NOFOLLOW)))
		return sys_err(ei, e->path, "cannot change owner");
	err = apply_xattrs(x, img, e, fd, dirfd, name, ei);
	if (err)
		return err;
	if (!x->p.preserve_perms)
		mode &= ~x->umask;
	if (!S_ISLNK(in->mode) &&
	    (fd >= 0 ? fchmod(fd, mode) : fchmodat(dirfd, name, mode, 0)))
		return sys_err(ei, e->path, "cannot change mode");
	if (fd >= 0 ? futimens(fd, ts) :
		      utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW))
		return sys_err(ei, e->path, "cannot set times");
	return 0;
}

/* EEXIST: replace a non-directory with --overwrite, else refuse. */
static int make_room(struct erofs_extractor *x, int dirfd, const char *name,
		     const char *path, struct erofs_errinfo *ei)
{
	if (!x->p.overwrite)
		return erofs_err(ei, -EEXIST, path,
				 "already exists (use --overwrite)");
	if (unlinkat(dirfd, name, 0))
		return sys_err(ei, path, "cannot replace");
	return 0;
}

static const char *rel_path(struct erofs_extractor *x,
			    const struct erofs_walk_entry *e)
{
	const char *p = e->path + x->start_len;

	while (*p == '/')
		p++;
	return p;
}

static int remember_link(struct erofs_extractor *x,
			 const struct erofs_walk_entry *e)
{
	char **paths = x->paths;

	if (e->inode->nlink <= 1 || S_ISDIR(e->inode->mode))
		return 0;
	if (x->npaths == x->paths_cap) {
		size_t cap = x->paths_cap ? x->paths_cap * 2 : 64;

		paths = realloc(x->paths, cap * sizeof(*paths));
		if (!paths)
			return -ENOMEM;
		x->paths = paths;
		x->paths_cap = cap;
	}
	x->paths[x->npaths] = strdup(rel_path(x, e));
	if (!x->paths[x->npaths])
		return -ENOMEM;
	x->npaths++;
	return erofs_nidmap_set(&x->links, e->inode->nid, x->npaths);
}

/* The object for @e failed after all: later names must not link to it. */
static void forget_link(struct erofs_extractor *x,
			const struct erofs_walk_entry *e)
{
	if (erofs_nidmap_get(&x->links, e->inode->nid))
		erofs_nidmap_set(&x->links, e->inode->nid, 0);
}

static int make_link(struct erofs_extractor *x, const struct erofs_walk_entry *e,
		     int dirfd, const char *name, struct erofs_errinfo *ei)
{
	uint32_t idx = erofs_nidmap_get(&x->links, e->inode->nid);
	struct stat st;
	int err;

	/* the first name failed, or its data was not read (compressed) */
	if (!idx) {
		if (!x->p.overwrite &&
		    !fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
			return make_room(x, dirfd, name, e->path, ei);
		return erofs_err(ei, -ENOENT, e->path,
				 "hard link not created: the inode's first name was not extracted");
	}
	while (linkat(x->dirfds[0], x->paths[idx - 1], dirfd, name, 0)) {
		if (errno != EEXIST)
			return sys_err(ei, e->path, "cannot create hard link");
		err = make_room(x, dirfd, name, e->path, ei);
		if (err)
			return err;
	}
	return 0;
}

static int make_dir(struct erofs_extractor *x, const struct erofs_walk_entry *e,
		    int dirfd, const char *name, struct erofs_errinfo *ei)
{
	struct stat st;
	int fd;

	if (mkdirat(dirfd, name, 0700)) {
		if (errno != EEXIST)
			return sys_err(ei, e->path, "cannot create directory");
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
			return sys_err(ei, e->path, "cannot stat");
		if (!S_ISDIR(st.st_mode)) {
			int err = make_room(x, dirfd, name, e->path, ei);

			if (err)
				return err;
			if (mkdirat(dirfd, name, 0700))
				return sys_err(ei, e->path, "cannot create directory");
		}
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sys_err(ei, e->path, "cannot open directory");
	if (x->dirfds[e->depth] >= 0)
		close(x->dirfds[e->depth]);
	x->dirfds[e->depth] = fd;
	return 0;
}

static int make_file(struct erofs_extractor *x, const struct erofs_walk_entry *e,
		     int dirfd, const char *name, int *fd,
		     struct erofs_errinfo *ei)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int err;

	while ((*fd = openat(dirfd, name, flags, 0600)) < 0) {
		if (errno != EEXIST)
			return sys_err(ei, e->path, "cannot create");
		err = make_room(x, dirfd, name, e->path, ei);
		if (err)
			return err;
	}
	err = remember_link(x, e);
	if (err) {
		close(*fd);
		*fd = -1;
		unlinkat(dirfd, name, 0);
	}
	return err;
}

static int make_symlink(struct erofs_extractor *x, const struct erofs_image *img,
			const struct erofs_walk_entry *e, int dirfd,
			const char *name, struct erofs_errinfo *ei)
{
	char target[EROFS_MAX_SYMLINK + 1];
	ssize_t n = erofs_inode_pread(img, e->inode, target, EROFS_MAX_SYMLINK,
				      0, ei);
	int err;

	if (n < 0)
		return n;
	target[n] = '\0';
	while (symlinkat(target, dirfd, name)) {
		if (errno != EEXIST)
			return sys_err(ei, e->path, "cannot create symlink");
		err = make_room(x, dirfd, name, e->path, ei);
		if (err)
			return err;
	}
	return 0;
}

static int make_node(struct erofs_extractor *x, const struct erofs_walk_entry *e,
		     int dirfd, const char *name, struct erofs_errinfo *ei)
{
	const struct erofs_inode *in = e->inode;
	dev_t dev = makedev(in->rdev_major, in->rdev_minor);
	int err;

	while (mknodat(dirfd, name, (in->mode & S_IFMT) | 0600, dev)) {
		if (errno != EEXIST)
			return sys_err(ei, e->path, "cannot create node");
		err = make_room(x, dirfd, name, e->path, ei);
		if (err)
			return err;
	}
	return 0;
}

int erofs_extract_entry(struct erofs_extractor *x,
			const struct erofs_image *img,
			const struct erofs_walk_entry *e, int *fd,
			struct erofs_errinfo *ei)
{
	char name[EROFS_NAME_LEN + 1];
	uint32_t mode = e->inode->mode;
	int dirfd, err;

	*fd = -1;
	if (!e->depth) {
		x->start_len = e->path_len;
		return 0;
	}
	dirfd = x->dirfds[e->depth - 1];
	if (dirfd < 0 || e->depth > EROFS_WALK_MAX_DEPTH)
		return erofs_err(ei, -ENOENT, e->path,
				 "parent directory not extracted");
	entry_name(e, name);
	if (!e->first_visit)
		return make_link(x, e, dirfd, name, ei);
	if (S_ISDIR(mode))
		return make_dir(x, e, dirfd, name, ei);
	if (S_ISREG(mode)) {
		err = make_file(x, e, dirfd, name, fd, ei);
		if (err || e->inode->size)
			return err;
		err = erofs_extract_file_done(x, img, e, *fd, true, ei);
		*fd = -1;
		return err;
	}
	if (S_ISLNK(mode))
		err = make_symlink(x, img, e, dirfd, name, ei);
	else
		err = make_node(x, e, dirfd, name, ei);
	if (err)
		return err;
	err = remember_link(x, e);
	if (!err)
		err = apply_meta(x, img, e, -1, dirfd, name, ei);
	if (err) {
		forget_link(x, e);
		unlinkat(dirfd, name, 0);	/* no half-made object */
	}
	return err;
}

int erofs_extract_write(struct erofs_extractor *x, int fd, const void *buf,
			size_t len, const char *path, struct erofs_errinfo *ei)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sys_err(ei, path, "write failed");
		p += n;
		len -= n;
	}
	return 0;
}

int erofs_extract_file_done(struct erofs_extractor *x,
			    const struct erofs_image *img,
			    const struct erofs_walk_entry *e, int fd, bool ok,
			    struct erofs_errinfo *ei)
{
	int dirfd = x->dirfds[e->depth - 1];
	char name[EROFS_NAME_LEN + 1];
	int err = 0;

	entry_name(e, name);
	if (ok)
		err = apply_meta(x, img, e, fd, dirfd, name, ei);
	if (close(fd) && !err && ok)
		err = sys_err(ei, e->path, "close failed");
	if (!ok || err) {
		forget_link(x, e);
		unlinkat(dirfd, name, 0);	/* leave no partial file */
	}
	return err;
}

int erofs_extract_leave_dir(struct erofs_extractor *x,
			    const struct erofs_image *img,
			    const struct erofs_walk_entry *e,
			    struct erofs_errinfo *ei)
{
	int fd = x->dirfds[e->depth];
	int err;

	if (fd < 0)
		return 0;
	err = apply_meta(x, img, e, fd, fd, ".", ei);
	if (e->depth) {
		close(fd);
		x->dirfds[e->depth] = -1;
	}
	return err;
}
