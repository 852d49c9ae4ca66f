/* SPDX-License-Identifier: MIT */
/*
 * Compressed-inode maps (format doc §7): the map header and, for
 * non-compact lcluster indexes, the logical extent -> pcluster mapping.
 * Decompression itself is not part of the reader yet.
 */
#ifndef EROFS_ZMAP_H
#define EROFS_ZMAP_H

#include "erofs/rdata.h"

struct erofs_zmap_info {
	uint64_t header_pos;		/* image byte of the 8-byte map header */
	uint16_t advise;
	int alg_head1;			/* algorithm of HEAD1 lclusters */
	int alg_head2;			/* algorithm of HEAD2 lclusters */
	unsigned int lclusterbits;
	bool whole_fragment;		/* the file is one fragment */
	uint64_t fragment_off;		/* whole_fragment / FRAGMENT_PCLUSTER */
	unsigned int idata_size;	/* INLINE_PCLUSTER tail size */
	bool encoded_extents;		/* FULL + EXTENTS (48-bit records) */
	uint64_t nlclusters;		/* index entries */
};

/* Parse and check the map header of compressed @inode (§7.2, §9 item 13). */
int erofs_zmap_header(const struct erofs_image *img,
		      const struct erofs_inode *inode,
		      struct erofs_zmap_info *zi, struct erofs_errinfo *ei);

/*
 * Extents of compressed @inode, one per pcluster, in logical order.
 * Compact indexes and encoded extents are not decoded yet: -EOPNOTSUPP.
 */
int erofs_zmap_foreach(const struct erofs_image *img,
		       const struct erofs_inode *inode, erofs_extent_cb cb,
		       void *arg, struct erofs_errinfo *ei);

/* "lz4", "lzma", "deflate", "zstd" or "unknown". */
const char *erofs_compr_alg_name(int alg);

#endif
