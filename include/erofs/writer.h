/* SPDX-License-Identifier: MIT */
/*
 * Per-image writer context shared by the pipeline rooms: scan -> xattrs ->
 * layout -> data pass -> directories/inodes -> superblock.
 */
#ifndef EROFS_WRITER_H
#define EROFS_WRITER_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include "erofs/errinfo.h"
#include "erofs/image_file.h"
#include "erofs/inode_tree.h"
#include "erofs/mkfs.h"
#include "erofs/xattr_write.h"

struct erofs_writer {
	const struct erofs_mkfs_params *p;
	struct erofs_errinfo *ei;
	struct erofs_mkfs_stats *st;
	unsigned int blkszbits, blksz;

	/* scan */
	const char *source;
	struct erofs_wnode *root;
	struct erofs_hardlink_map links;
	regex_t *regexes;
	size_t n_regexes;
	uint64_t n_inodes;

	/* time policy (format doc §3.4) */
	int64_t epoch;
	uint32_t fixed_nsec;
	uint8_t uuid[16];

	/* xattrs */
	struct erofs_prefix_table prefixes;
	struct erofs_xattr_set xattrs;

	/* layout */
	struct erofs_wnode **nodes;	/* inode order: root, then each directory's
					 * children together, depth first */
	size_t n_nodes;
	uint32_t meta_blkaddr;
	uint64_t shared_off, prefix_off;
	uint64_t meta_end;		/* end of inodes and inline tails */
	uint32_t total_blocks;

	/* output */
	uint8_t *meta;			/* image bytes [0, meta_size) */
	uint64_t meta_size;
	struct erofs_image_file img;
	struct erofs_mkfs_progress prog;
};

/* lib/scan_dir.c */
int erofs_scan_source(struct erofs_writer *w);

/* lib/layout.c */
int erofs_layout_plan(struct erofs_writer *w);

/* lib/inode_write.c: inode, xattr area and non-file data into place */
int erofs_write_metadata(struct erofs_writer *w);

/* lib/super_write.c */
void erofs_super_encode(const struct erofs_writer *w, uint8_t *block0);

/* lib/data_pass.c */
int erofs_data_pass(struct erofs_writer *w);

/* lib/build_log.c: messages through the params' log callback */
bool erofs_wlog_enabled(const struct erofs_writer *w, unsigned int level);
void erofs_wlog(const struct erofs_writer *w, unsigned int level,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "file PATH nid N size S layout L" per name, after the layout */
int erofs_log_files(const struct erofs_writer *w);

#endif
