// SPDX-License-Identifier: MIT
/*
 * Output file handling. Readers of IMAGE must never see a half-written
 * image, so everything goes to a temporary in the same directory (rename
 * is atomic only within one filesystem) that is renamed at the very end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "erofs/image_file.h"

#define COPY_CHUNK	(1U << 20)

static int write_error(struct erofs_image_file *f, int err,
		       struct erofs_errinfo *ei)
{
	/* strerror(ENOSPC) is "No space left on device": name the image */
	return erofs_err(ei, err, f->path, NULL);
}

int erofs_image_create(struct erofs_image_file *f, const char *path,
		       struct erofs_errinfo *ei)
{
	size_t len = strlen(path) + 32;
	unsigned int attempt;

	f->fd = -1;
	f->path = path;
	f->tmp_path = malloc(len);
	if (!f->tmp_path)
		return erofs_err(ei, -ENOMEM, path, NULL);
	for (attempt = 0; attempt < 100; attempt++) {
		snprintf(f->tmp_path, len, "%s.tmp%ld.%u", path,
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
	return erofs_err(ei, -errno, path, NULL);
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

int erofs_image_commit(struct erofs_image_file *f, uint64_t size,
		       bool do_fsync, struct erofs_errinfo *ei)
{
	if (ftruncate(f->fd, size))
		return write_error(f, -errno, ei);
	if (do_fsync && fsync(f->fd))
		return write_error(f, -errno, ei);
	if (close(f->fd)) {
		f->fd = -1;
		return write_error(f, -errno, ei);
	}
	f->fd = -1;
	if (rename(f->tmp_path, f->path))
		return write_error(f, -errno, ei);
	free(f->tmp_path);
	f->tmp_path = NULL;
	return 0;
}

void erofs_image_abort(struct erofs_image_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp_path)
		unlink(f->tmp_path);
	free(f->tmp_path);
	f->tmp_path = NULL;
}
