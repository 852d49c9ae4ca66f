/* SPDX-License-Identifier: MIT */
/*
 * The image being written. IMAGE is resolved through symlinks first, so a
 * link stays a link and its target gets the image. A regular (or not yet
 * existing) target is written as a temporary beside it that is renamed
 * into place only when everything succeeded, and removed otherwise; a
 * block device is written in place (its content is undefined after a
 * failure). Write errors name IMAGE as given, e.g. "No space left".
 */
#ifndef EROFS_IMAGE_FILE_H
#define EROFS_IMAGE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "erofs/errinfo.h"

struct erofs_image_file {
	int fd;
	const char *path;		/* IMAGE as given, for messages */
	char *target;			/* IMAGE with symlinks followed */
	char *tmp_path;			/* NULL when writing a device in place */
	bool is_blockdev;
};

/*
 * Resolve IMAGE and check that it can be written, before any work is
 * done: refuses directories, character devices, FIFOs and sockets, and a
 * regular file the caller may not write. Creates nothing.
 */
int erofs_image_prepare(struct erofs_image_file *f, const char *path,
			struct erofs_errinfo *ei);
/*
 * Open the temporary (or the block device, after checking it can hold
 * @size bytes and zeroing that range: the writer leaves zero runs
 * unwritten).
 */
int erofs_image_create(struct erofs_image_file *f, uint64_t size,
		       struct erofs_errinfo *ei);
int erofs_image_pwrite(struct erofs_image_file *f, const void *buf,
		       size_t len, uint64_t off, struct erofs_errinfo *ei);
/*
 * Copy @len bytes from the current offset of @src_fd to image offset @off
 * (copy_file_range, falling back to read/write). @src_path names the
 * source in messages. Returns bytes copied (short only at source EOF).
 */
int64_t erofs_image_copy_from(struct erofs_image_file *f, int src_fd,
			      const char *src_path, uint64_t len, uint64_t off,
			      struct erofs_errinfo *ei);
/* Set the final size, optionally fsync, rename over IMAGE's target. */
int erofs_image_commit(struct erofs_image_file *f, uint64_t size,
		       bool do_fsync, struct erofs_errinfo *ei);
/* Close and unlink the temporary; safe after a failed or no create. */
void erofs_image_abort(struct erofs_image_file *f);

#endif
