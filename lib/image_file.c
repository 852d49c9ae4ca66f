// SPDX-License-Identifier: MIT
/*
 * Output file handling. Readers of IMAGE must never see a half-written
 * image, so everything goes to a temporary in the same directory (rename
 * is atomic only within one filesystem) that is renamed at the very end.
 * A block device cannot be renamed over: it is written in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "erofs/image_file.h"

#define COPY_CHUNK	(1U << 20)
#define ZERO_CHUNK	(64U << 10)
#define MAX_LINK_HOPS	40	/* as the kernel's own limit */

static int write_error(struct erofs_image_file *f, int err,
		       struct erofs_errinfo *ei)
{
	/* strerror(ENOSPC) is "No space left on device": name the image */
	return erofs_err(ei, err, f->path, NULL);
}

/* @link's target, relative ones taken relative to @link's directory. */
static int link_target(const char *link, char **out)
{
	const char *slash = strrchr(link, '/');
	char buf[PATH_MAX];
	ssize_t len = readlink(link, buf, sizeof(buf) - 1);
	int dirlen;

	if (len < 0)
		return -errno;
	buf[len] = '\0';
	dirlen = buf[0] != '/' && slash ? (int)(slash - link) + 1 : 0;
	if (asprintf(out, "%.*s%s", dirlen, link, buf) < 0)
		return -ENOMEM;
	return 0;
}

/* The end of IMAGE's symlink chain; it need not exist yet. */
static int follow_links(const char *path, char **out)
{
	char *cur = strdup(path), *next;
	unsigned int hops;
	int ret;

	if (!cur)
		return -ENOMEM;
	for (hops = 0; hops < MAX_LINK_HOPS; hops++) {
		struct stat st;

		if (lstat(cur, &st)) {
			ret = -errno;
			if (ret != -ENOENT)
				break;
			*out = cur;	/* to be created under this name */
			return 0;
		}
		if (!S_ISLNK(st.st_mode)) {
			*out = cur;
			return 0;
		}
		ret = link_target(cur, &next);
		if (ret)
			break;
		free(cur);
		cur = next;
	}
	if (hops == MAX_LINK_HOPS)
		ret = -ELOOP;
	free(cur);
	return ret;
}

static int check_target(struct erofs_image_file *f, struct erofs_errinfo *ei)
{
	struct stat st;

	if (stat(f->target, &st))
		return errno == ENOENT ? 0 : erofs_err(ei, -errno, f->path, NULL);
	if (S_ISBLK(st.st_mode)) {
		f->is_blockdev = true;
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return erofs_err(ei, -EISDIR, f->path, NULL);
	if (!S_ISREG(st.st_mode))
		return erofs_err(ei, -EINVAL, f->path,
				 "not a regular file or block device");
	/* the rename would replace a file its owner protected from us */
	if (access(f->target, W_OK))
		return erofs_err(ei, -errno, f->path, NULL);
	return 0;
}

int erofs_image_prepare(struct erofs_image_file *f, const char *path,
			struct erofs_errinfo *ei)
{
	int ret;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->path = path;
	ret = follow_links(path, &f->target);
	if (ret)
		return erofs_err(ei, ret, path, NULL);
	return check_target(f, ei);
}

static int zero_device(struct erofs_image_file *f, uint64_t size,
		       struct erofs_errinfo *ei)
{
	uint64_t range[2] = { 0, size };
	static const char zeros[ZERO_CHUNK];
	uint64_t off;
	int ret = 0;

	if (!ioctl(f->fd, BLKZEROOUT, range))
		return 0;
	/* unaligned size or a driver without zeroing support */
	for (off = 0; !ret && off < size; off += ZERO_CHUNK)
		ret = erofs_image_pwrite(f, zeros, size - off < ZERO_CHUNK ?
					 size - off : ZERO_CHUNK, off, ei);
	return ret;
}

static int open_device(struct erofs_image_file *f, uint64_t size,
		       struct erofs_errinfo *ei)
{
	uint64_t devsize;

	/* O_EXCL on a block device: refuse one that is mounted */
	f->fd = open(f->target, O_WRONLY | O_EXCL | O_CLOEXEC);
	if (f->fd < 0)
		return erofs_err(ei, -errno, f->path, NULL);
	if (ioctl(f->fd, BLKGETSIZE64, &devsize))
		return erofs_err(ei, -errno, f->path, NULL);
	if (devsize < size)
		return erofs_err(ei, -ENOSPC, f->path,
				 "device too small (%llu bytes, image needs %llu)",
				 (unsigned long long)devsize,
				 (unsigned long long)size);
	return zero_device(f, size, ei);
}

static int create_tmp(struct erofs_image_file *f, struct erofs_errinfo *ei)
{
	size_t len = strlen(f->target) + 32;
	unsigned int attempt;

	f->tmp_path = malloc(len);
	if (!f->tmp_path)
		return erofs_err(ei, -ENOMEM, f->path, NULL);
	for (attempt = 0; attempt < 100; attempt++) {
		snprintf(f->tmp_path, len, "%s.tmp%ld.%u", f->target,
			 (long)getpid(), attempt);
		/* O_EXCL: never reuse or follow something already there */
		f->fd = open(f->tmp_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			     0666);
		if (f->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	free(f->tmp_path);
	f->tmp_path = NULL;
	return erofs_err(ei, -errno, f->path, NULL);
}

int erofs_image_create(struct erofs_image_file *f, uint64_t size,
		       struct erofs_errinfo *ei)
{
	if (f->is_blockdev)
		return open_device(f, size, ei);
	return create_tmp(f, ei);
}

int erofs_image_pwrite(struct erofs_image_file *f, const void *buf,
		       size_t len, uint64_t off, struct erofs_errinfo *ei)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(f->fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return write_error(f, -errno, ei);
		if (!n)
			return write_error(f, -ENOSPC, ei);
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

static bool is_target_error(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EFBIG;
}

static int64_t copy_by_read(struct erofs_image_file *f, int src_fd,
			    const char *src_path, uint64_t len, uint64_t off,
			    struct erofs_errinfo *ei)
{
	size_t bufsz = len < COPY_CHUNK ? len : COPY_CHUNK;
	char *buf = malloc(bufsz ? bufsz : 1);
	uint64_t done = 0;
	int ret = 0;

	if (!buf)
		return erofs_err(ei, -ENOMEM, src_path, NULL);
	while (done < len) {
		size_t want = len - done < bufsz ? len - done : bufsz;
		ssize_t n = read(src_fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = erofs_err(ei, -errno, src_path, NULL);
			break;
		}
		if (!n)
			break;
		ret = erofs_image_pwrite(f, buf, n, off + done, ei);
		if (ret)
			break;
		done += n;
	}
	free(buf);
	return ret ? ret : (int64_t)done;
}

int64_t erofs_image_copy_from(struct erofs_image_file *f, int src_fd,
			      const char *src_path, uint64_t len, uint64_t off,
			      struct erofs_errinfo *ei)
{
	uint64_t done = 0;

	while (done < len) {
		loff_t dst = off + done;
		ssize_t n = copy_file_range(src_fd, NULL, f->fd, &dst,
					    len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && is_target_error(errno))
			return write_error(f, -errno, ei);
		if (n < 0 && done == 0 &&
		    (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
		     errno == EOPNOTSUPP))
			break;		/* not supported here: plain copy */
		if (n < 0)
			return erofs_err(ei, -errno, src_path, NULL);
		if (!n)
			return done;	/* source EOF: caller decides */
		done += n;
	}
	if (done == len)
		return done;
	return copy_by_read(f, src_fd, src_path, len, off, ei);
}

static void release(struct erofs_image_file *f)
{
	free(f->tmp_path);
	f->tmp_path = NULL;
	free(f->target);
	f->target = NULL;
}

static int commit_device(struct erofs_image_file *f, struct erofs_errinfo *ei)
{
	/* a device's write errors surface only at fsync: always ask */
	int ret = fsync(f->fd) ? -errno : 0;

	if (close(f->fd) && !ret)
		ret = -errno;
	f->fd = -1;
	if (ret)
		return write_error(f, ret, ei);
	release(f);
	return 0;
}

int erofs_image_commit(struct erofs_image_file *f, uint64_t size,
		       bool do_fsync, struct erofs_errinfo *ei)
{
	if (f->is_blockdev)
		return commit_device(f, ei);
	if (ftruncate(f->fd, size))
		return write_error(f, -errno, ei);
	if (do_fsync && fsync(f->fd))
		return write_error(f, -errno, ei);
	if (close(f->fd)) {
		f->fd = -1;
		return write_error(f, -errno, ei);
	}
	f->fd = -1;
	if (rename(f->tmp_path, f->target))
		return write_error(f, -errno, ei);
	release(f);
	return 0;
}

void erofs_image_abort(struct erofs_image_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp_path)
		unlink(f->tmp_path);
	release(f);
}
