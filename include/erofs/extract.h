/* SPDX-License-Identifier: MIT */
/*
 * Writing an image's tree into a host directory. Every file is created
 * relative to an open directory fd with O_NOFOLLOW / AT_SYMLINK_NOFOLLOW,
 * so nothing lands outside the target whatever the image says (the walker
 * has already refused '/', '.', '..' and empty names).
 */
#ifndef EROFS_EXTRACT_H
#define EROFS_EXTRACT_H

#include "erofs/walk.h"

struct erofs_extract_params {
	const char *dir;
	bool overwrite;			/* replace existing non-directories */
	bool preserve_owner;		/* chown to the image's uid/gid */
	bool preserve_perms;		/* exact modes, no umask */
	bool xattrs;			/* set xattrs the host can take */
	bool force;			/* allow extracting to "/" */
};

struct erofs_extractor;

/*
 * Whether an extraction error leaves nothing sensible to do (target full,
 * over quota or read-only, out of memory, I/O error) rather than costing
 * just the one file.
 */
bool erofs_extract_err_fatal(int err);

int erofs_extract_begin(struct erofs_extractor **out,
			const struct erofs_extract_params *p,
			struct erofs_errinfo *ei);
/* Finish (close fds) and free; returns the first deferred error. */
int erofs_extract_end(struct erofs_extractor *x, struct erofs_errinfo *ei);

/*
 * Create the object for @e. Regular files of size > 0 come back open in
 * *@fd for the caller to fill with erofs_extract_write() and finish with
 * erofs_extract_file_done(); everything else is complete on return
 * (*@fd = -1). Hard links after the first become links. On failure
 * nothing is left behind for @e (a directory that already existed stays)
 * and the walk may go on: later entries below a directory that could not
 * be made fail with "parent directory not extracted".
 */
int erofs_extract_entry(struct erofs_extractor *x,
			const struct erofs_image *img,
			const struct erofs_walk_entry *e, int *fd,
			struct erofs_errinfo *ei);
int erofs_extract_write(struct erofs_extractor *x, int fd, const void *buf,
			size_t len, const char *path, struct erofs_errinfo *ei);
/* Apply metadata and close; with @ok false the partial file is removed. */
int erofs_extract_file_done(struct erofs_extractor *x,
			    const struct erofs_image *img,
			    const struct erofs_walk_entry *e, int fd, bool ok,
			    struct erofs_errinfo *ei);
/* After a directory's children: its owner, mode, xattrs and mtime. */
int erofs_extract_leave_dir(struct erofs_extractor *x,
			    const struct erofs_image *img,
			    const struct erofs_walk_entry *e,
			    struct erofs_errinfo *ei);

#endif
