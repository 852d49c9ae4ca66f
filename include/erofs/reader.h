/* SPDX-License-Identifier: MIT */
/*
 * The image reader: one open image (superblock, prefix table, devices) and
 * its inodes, decoded into host-endian, bounds-checked records.
 *
 * Nothing read from the image is trusted: every offset, length and count is
 * checked against the image size and the format's limits before use. Every
 * function returns 0 or a negative errno and, on error, fills the caller's
 * struct erofs_errinfo (may be NULL) with the inode or image it concerns.
 * The context holds no mutable state after open, so several threads may
 * read one image at once as long as each passes its own errinfo.
 *
 * Related headers: erofs/rdata.h (data, extents, read path), erofs/rdir.h
 * (directories), erofs/rxattr.h (xattrs, fingerprint), erofs/walk.h (tree
 * walker), erofs/zmap.h (compressed maps), erofs/fsck.h (invariant checks).
 */
#ifndef EROFS_READER_H
#define EROFS_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "erofs/errinfo.h"
#include "erofs/format.h"
#include "erofs/xattr.h"

/* Most devices a chunk index can name that we keep track of. */
#define EROFS_READER_MAX_DEVICES	256

/* Superblock, decoded and normalised (format doc §2). */
struct erofs_sb_info {
	uint32_t checksum;
	bool checksum_ok;		/* valid, or not flagged */
	uint32_t feature_compat;
	uint32_t feature_incompat;
	unsigned int blkszbits;
	unsigned int blksz;
	unsigned int sb_extslots;
	unsigned int sb_size;		/* 128 + 16 * sb_extslots */
	uint64_t root_nid;
	uint64_t inos;
	uint64_t epoch;
	uint32_t fixed_nsec;
	uint64_t blocks;		/* primary device size in blocks */
	uint32_t meta_blkaddr;
	uint32_t xattr_blkaddr;
	uint8_t uuid[16];
	char volume_name[17];		/* NUL-terminated copy */
	uint16_t u1;
	uint16_t available_compr_algs;	/* {LZ4} when COMPR_CFGS is clear */
	uint16_t extra_devices;
	uint16_t devt_slotoff;
	uint8_t dirblkbits;
	uint8_t xattr_prefix_count;
	uint32_t xattr_prefix_start;
	uint64_t packed_nid;
	uint8_t xattr_filter_reserved;
	uint8_t ishare_xattr_prefix_id;
	uint32_t build_time;		/* seconds after epoch */
	uint64_t metabox_nid;
};

/* One extra device (device table slot, format doc §2.7). */
struct erofs_device_info {
	uint8_t tag[64];
	uint64_t blocks;
	uint64_t uniaddr;
};

struct erofs_image {
	int fd;
	char *path;
	uint64_t offset;		/* where the image starts in the file */
	uint64_t size;			/* bytes readable after @offset */
	struct erofs_sb_info sb;
	/* long xattr name prefixes, sb.xattr_prefix_count of them */
	struct erofs_xattr_prefix *prefixes;
	unsigned int prefix_count;
	struct erofs_device_info *devices;	/* sb.extra_devices of them */
	unsigned int device_count;
	unsigned int device_id_mask;
};

struct erofs_image_params {
	uint64_t offset;		/* --offset */
	bool skip_sb_checksum;		/* --no-sbcrc */
};

/*
 * Open @path (regular file or block device) and validate the superblock,
 * prefix table and device table. On failure nothing stays open.
 */
int erofs_image_open(struct erofs_image *img, const char *path,
		     const struct erofs_image_params *params,
		     struct erofs_errinfo *ei);
void erofs_image_close(struct erofs_image *img);

/* Parse a superblock (the 4 KiB at byte 1024 of an image, or fewer). */
int erofs_sb_decode(const uint8_t *raw, size_t len, struct erofs_sb_info *sb,
		    struct erofs_errinfo *ei);

/*
 * Read exactly @len bytes at image byte @pos; -EFSCORRUPTED (reason names
 * @what) if the range lies outside the image.
 */
int erofs_image_read(const struct erofs_image *img, void *buf, size_t len,
		     uint64_t pos, const char *what, struct erofs_errinfo *ei);

/* Byte address of a block, or UINT64_MAX on overflow. */
static inline uint64_t erofs_blkpos(const struct erofs_image *img, uint64_t blk)
{
	if (blk > (UINT64_MAX >> img->sb.blkszbits))
		return UINT64_MAX;
	return blk << img->sb.blkszbits;
}

#ifndef EFSCORRUPTED
#define EFSCORRUPTED	EUCLEAN
#endif

/* An inode, decoded and normalised (format doc §3). */
struct erofs_inode {
	uint64_t nid;
	uint64_t iloc;			/* byte position in the image */
	uint16_t i_format;
	bool extended;
	unsigned int layout;		/* enum erofs_datalayout */
	unsigned int inode_isize;	/* 32 or 64 */
	uint16_t xattr_icount;
	unsigned int xattr_isize;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint64_t nlink;
	uint64_t size;
	int64_t mtime;
	uint32_t mtime_nsec;
	uint32_t ino;
	uint32_t rdev;			/* encoded, devices only */
	unsigned int rdev_major;
	unsigned int rdev_minor;
	bool nlink_1;			/* compact non-dir NLINK_1 bit */
	bool dot_omitted;		/* directory without "." */

	/* FLAT_PLAIN / FLAT_INLINE */
	uint64_t startblk;
	bool startblk_null;		/* no block (EROFS_NULL_ADDR) */
	uint64_t nblocks;		/* full blocks in the block run */
	uint64_t tail_pos;		/* FLAT_INLINE: image byte of the tail */
	unsigned int tail_len;

	/* CHUNK_BASED */
	uint16_t chunk_format;
	unsigned int chunkbits;
	unsigned int chunk_unit;	/* 4 (block map) or 8 (indexes) */
	uint64_t chunk_table_pos;
	uint64_t nchunks;

	/* COMPRESSED_*: i_u, informational */
	uint64_t compressed_blocks;

	/* bytes from iloc the inode's metadata spans (inode, xattrs, maps, tail) */
	uint64_t meta_len;
};

/* True for nids that address the metabox (bit 63). */
static inline bool erofs_nid_in_metabox(uint64_t nid)
{
	return nid >> 63;
}

/*
 * Read inode @nid. Checks the header (format bits, layout, type, size
 * limits) and that everything the inode owns in metadata (xattr area,
 * chunk table, inline tail) lies inside the image; the reason of an error
 * is about "inode NID".
 */
int erofs_inode_read(const struct erofs_image *img, uint64_t nid,
		     struct erofs_inode *inode, struct erofs_errinfo *ei);

/* Decode an inode from @raw (@len bytes at image byte @iloc). */
int erofs_inode_decode(const struct erofs_image *img, uint64_t nid,
		       uint64_t iloc, const uint8_t *raw, size_t len,
		       struct erofs_inode *inode, struct erofs_errinfo *ei);

/* "inode NID" for error subjects. */
void erofs_inode_subject(uint64_t nid, char *buf, size_t bufsz);

#endif
