/* SPDX-License-Identifier: MIT */
/*
 * The image being written: a temporary file beside IMAGE that is renamed
 * into place only when everything succeeded, and removed otherwise.
 * Write errors name IMAGE (not the temporary), e.g. "No space left".
 */
#ifndef EROFS_IMAGE_FILE_H
#define EROFS_IMAGE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "erofs/errinfo.h"

struct erofs_image_file {
	int fd;
	const char *path;		/* final name, for messages */
	char *tmp_path;
};

int erofs_image_create(struct erofs_image_file *f, const char *path,
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
/* Set the final size, optionally fsync, rename over IMAGE. */
int erofs_image_commit(struct erofs_image_file *f, uint64_t size,
		       bool do_fsync, struct erofs_errinfo *ei);
/* Close and unlink the temporary; safe after a failed or no create. */
void erofs_image_abort(struct erofs_image_file *f);

#endif
