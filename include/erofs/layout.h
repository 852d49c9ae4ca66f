/* SPDX-License-Identifier: MIT */
/* Layout rules: inode version choice and inline tail placement (§3). */
#ifndef EROFS_LAYOUT_H
#define EROFS_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>
#include "erofs/inode_tree.h"

/*
 * Whether @n needs a 64-byte inode: compact inodes hold 16-bit ids and
 * nlink, 32-bit sizes, and only the image's single epoch/fixed_nsec time.
 */
bool erofs_needs_extended(const struct erofs_wnode *n, int64_t epoch,
			  uint32_t fixed_nsec);

/*
 * Where an inode with @meta bytes (inode + xattrs) and an inline tail of
 * @tail bytes can go, at or after @off (32-aligned): returns the inode
 * offset, or UINT64_MAX when the tail can never be inline (§3.6).
 */
uint64_t erofs_place_inline(uint64_t off, uint32_t meta, uint32_t tail,
			    unsigned int blksz);

struct erofs_writer;

/*
 * xattr_blkaddr: the block holding the start of the shared xattr area, or
 * 0 when there is none. Upstream picks the same block, and matching it
 * keeps images byte-identical for block sizes below 4096.
 */
uint32_t erofs_shared_xattr_blkaddr(const struct erofs_writer *w);

/* Id of the first shared xattr entry, counted from xattr_blkaddr. */
uint32_t erofs_shared_xattr_base(const struct erofs_writer *w);

/* Data layout and block split for a node of @size bytes. */
void erofs_choose_datalayout(struct erofs_wnode *n, uint64_t size,
			     unsigned int blkszbits);

#endif
