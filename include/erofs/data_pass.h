/* SPDX-License-Identifier: MIT */
/*
 * The data pass reads every regular file exactly once and hands its bytes
 * to a per-file "stream out". The plain stream stores them uncompressed in
 * the planned blocks plus the inline tail; a compressor replaces it with
 * its own ops without touching how sources are read or hashed.
 */
#ifndef EROFS_DATA_PASS_H
#define EROFS_DATA_PASS_H

#include <stddef.h>
#include <stdint.h>
#include "erofs/errinfo.h"

struct erofs_writer;
struct erofs_wnode;
struct erofs_stream_out;

struct erofs_stream_ops {
	/* the next @len bytes of the file's content, in order */
	int (*write)(struct erofs_stream_out *so, const void *buf, size_t len);
	/*
	 * Optional: take up to @len bytes straight from @fd when nobody
	 * needs to see them (no fingerprint). Returns bytes taken.
	 */
	int64_t (*copy)(struct erofs_stream_out *so, int fd, uint64_t len);
	/* how many leading bytes @copy would like to take */
	uint64_t (*copyable)(const struct erofs_stream_out *so);
};

struct erofs_stream_out {
	const struct erofs_stream_ops *ops;
	struct erofs_writer *w;
	struct erofs_wnode *n;
	const char *src_path;		/* for messages */
	struct erofs_errinfo *ei;	/* the calling worker's */
	uint64_t pos;			/* bytes taken so far */
};

extern const struct erofs_stream_ops erofs_plain_stream_ops;

#endif
