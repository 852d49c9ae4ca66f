/* SPDX-License-Identifier: MIT */
/*
 * Image writer entry point: build an uncompressed EROFS image from a
 * directory tree. Everything the front end decides travels in
 * struct erofs_mkfs_params; the library keeps no state between calls.
 */
#ifndef EROFS_MKFS_H
#define EROFS_MKFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "erofs/errinfo.h"

struct erofs_mkfs_progress {
	uint64_t files_done;
	uint64_t files_total;
	uint64_t bytes_done;
	uint64_t bytes_total;
};

typedef void (*erofs_mkfs_progress_fn)(void *arg,
				       const struct erofs_mkfs_progress *pr);

/*
 * Told the temporary image's path once it exists and NULL once it is gone
 * (renamed over IMAGE or removed), so that a front end can remove it from
 * a signal handler. Called from the building thread only.
 */
typedef void (*erofs_mkfs_tmp_fn)(void *arg, const char *tmp_path);

/* Message levels, as in -d#: higher is chattier. */
enum {
	EROFS_MKFS_LOG_WARN = 2,
	EROFS_MKFS_LOG_INFO = 3,	/* "file PATH nid N size S layout L" */
};

/* One message without a trailing newline; the front end prints it. */
typedef void (*erofs_mkfs_log_fn)(void *arg, unsigned int level,
				  const char *msg);

struct erofs_mkfs_params {
	unsigned int blkszbits;		/* 9..12 */

	bool uuid_set;			/* else a random one (libuuid) */
	uint8_t uuid[16];
	char label[16];			/* NUL terminated, <= 15 chars */

	bool time_set;			/* -T given */
	int64_t build_time;
	bool time_all;			/* -T also clamps every mtime */

	bool all_root;
	int64_t force_uid, force_gid;	/* < 0: keep the source's */
	uint32_t uid_offset, gid_offset;

	/* paths relative to the source root, and regexes matched on them */
	const char *const *exclude_paths;
	size_t n_exclude_paths;
	const char *const *exclude_regexes;
	size_t n_exclude_regexes;

	bool hard_dereference;		/* hard links become separate inodes */
	int xattr_tolerance;		/* < 0: no xattrs; shared if count > it */

	/*
	 * Long xattr name prefixes in command-line order; the fingerprint
	 * key, if any, is one of them at index @ishare_prefix (else -1).
	 */
	const char *const *xattr_prefixes;
	size_t n_xattr_prefixes;
	int ishare_prefix;

	erofs_mkfs_progress_fn progress;	/* may be NULL */
	void *progress_arg;
	erofs_mkfs_tmp_fn tmp_image;		/* may be NULL */
	void *tmp_image_arg;
	erofs_mkfs_log_fn log;			/* may be NULL */
	void *log_arg;
	unsigned int log_level;		/* nothing above it is even formatted */
	bool fsync;
};

struct erofs_mkfs_stats {
	uint64_t files;			/* non-directory inodes */
	uint64_t dirs;
	uint64_t bytes;			/* regular file content */
	uint64_t image_size;
	uint64_t fingerprinted;
	uint64_t distinct_digests;
	double seconds;
};

/* Defaults matching upstream mkfs.erofs: 4 KiB blocks, tolerance 2, ... */
void erofs_mkfs_params_init(struct erofs_mkfs_params *p);

/*
 * Build @image_path from @source_dir. On failure returns a negative errno,
 * fills @ei with the offending path and leaves neither the image nor any
 * temporary file behind.
 */
int erofs_mkfs_build(const struct erofs_mkfs_params *p, const char *image_path,
		     const char *source_dir, struct erofs_mkfs_stats *st,
		     struct erofs_errinfo *ei);

#endif
