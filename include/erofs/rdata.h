/* SPDX-License-Identifier: MIT */
/*
 * File data through the reader: the kernel read path of an inode, its
 * extents (logical range -> device range, holes, inline tails, compressed
 * pclusters) and plain reads of uncompressed data (FLAT_PLAIN, FLAT_INLINE,
 * CHUNK_BASED, holes as zeros).
 */
#ifndef EROFS_RDATA_H
#define EROFS_RDATA_H

#include <sys/types.h>
#include "erofs/reader.h"

/* Which address-space operations the kernel gives the inode. */
enum erofs_read_path {
	EROFS_READ_NONE,		/* no data: devices, FIFOs, sockets */
	EROFS_READ_UNCOMPRESSED,	/* flat or chunk-based */
	EROFS_READ_COMPRESSED,
};

enum erofs_read_path erofs_inode_read_path(const struct erofs_inode *inode);

enum erofs_extent_kind {
	EROFS_EXT_MAPPED,	/* device blocks, stored as is */
	EROFS_EXT_HOLE,		/* reads as zeros, no storage */
	EROFS_EXT_INLINE,	/* tail in the metadata after the inode */
	EROFS_EXT_COMPRESSED,	/* pcluster decoded into the range */
	EROFS_EXT_PLAIN_PCLUSTER, /* compressed layout, raw pcluster */
	EROFS_EXT_FRAGMENT,	/* inside the packed inode */
};

struct erofs_extent {
	uint64_t lstart;		/* logical byte offset in the file */
	uint64_t llen;			/* logical bytes */
	enum erofs_extent_kind kind;
	unsigned int device;		/* 0 = primary */
	/*
	 * MAPPED / pclusters: byte address on @device (block aligned);
	 * INLINE: byte position in the image; FRAGMENT: offset in the packed
	 * inode; HOLE: 0.
	 */
	uint64_t pstart;
	uint64_t plen;			/* physical bytes (blocks * blksz) */
	int algorithm;			/* compressed: enum erofs_compr_alg, else -1 */
};

typedef int (*erofs_extent_cb)(const struct erofs_extent *ext, void *arg);

/*
 * Call @cb for each extent of @inode in logical order, adjacent mapped
 * chunks merged. A non-zero return from @cb stops the walk and is returned.
 * Compressed inodes: extents from the compressed map (erofs/zmap.h).
 */
int erofs_extent_foreach(const struct erofs_image *img,
			 const struct erofs_inode *inode, erofs_extent_cb cb,
			 void *arg, struct erofs_errinfo *ei);

/*
 * Read up to @len bytes of file data at @off. Returns the number of bytes
 * read (short only at end of file) or a negative errno; compressed inodes
 * give -EOPNOTSUPP ("compressed data not yet supported").
 */
ssize_t erofs_inode_pread(const struct erofs_image *img,
			  const struct erofs_inode *inode, void *buf,
			  size_t len, uint64_t off, struct erofs_errinfo *ei);

/* Reason text used for compressed inodes until decompression lands. */
#define EROFS_COMPRESSED_UNSUPPORTED "compressed data not yet supported"

#endif
