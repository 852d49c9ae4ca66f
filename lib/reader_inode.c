// SPDX-License-Identifier: MIT
/*
 * Inode decoding (format doc §3, §9 items 8, 11, 12): compact and extended
 * inodes into one normalised record, with everything the inode owns in the
 * metadata area bounded against the image before anyone follows it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "erofs/byteorder.h"
#include "erofs/reader.h"

#define ISUBJ(nid, buf)	(erofs_inode_subject((nid), (buf), sizeof(buf)), (buf))

void erofs_inode_subject(uint64_t nid, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "inode %" PRIu64, nid);
}

static int inode_err(struct erofs_errinfo *ei, int err, uint64_t nid,
		     const char *reason)
{
	char subj[40];

	return erofs_err(ei, err, ISUBJ(nid, subj), "%s", reason);
}

static bool mode_type_valid(uint32_t mode)
{
	return erofs_ftype_from_mode(mode) != EROFS_FT_UNKNOWN;
}

static void decode_compact(const struct erofs_image *img, const uint8_t *r,
			   struct erofs_inode *inode)
{
	uint16_t nb = get_le16(r + 0x06);

	inode->inode_isize = sizeof(struct erofs_inode_compact);
	inode->xattr_icount = get_le16(r + 0x02);
	inode->mode = get_le16(r + 0x04);
	inode->size = get_le32(r + 0x08);
	inode->mtime = (int64_t)(img->sb.epoch + get_le32(r + 0x0C));
	inode->mtime_nsec = img->sb.fixed_nsec;
	inode->ino = get_le32(r + 0x14);
	inode->uid = get_le16(r + 0x18);
	inode->gid = get_le16(r + 0x1A);
	inode->nlink_1 = !S_ISDIR(inode->mode) &&
			 (inode->i_format & EROFS_I_NLINK_1_BIT);
	inode->nlink = inode->nlink_1 ? 1 : nb;
}

static void decode_extended(const uint8_t *r, struct erofs_inode *inode)
{
	inode->inode_isize = sizeof(struct erofs_inode_extended);
	inode->xattr_icount = get_le16(r + 0x02);
	inode->mode = get_le16(r + 0x04);
	inode->size = get_le64(r + 0x08);
	inode->ino = get_le32(r + 0x14);
	inode->uid = get_le32(r + 0x18);
	inode->gid = get_le32(r + 0x1C);
	inode->mtime = (int64_t)get_le64(r + 0x20);
	inode->mtime_nsec = get_le32(r + 0x28);
	inode->nlink = get_le32(r + 0x2C);
}

/* i_u plus the high bits i_nb holds for extended and NLINK_1 inodes. */
static uint64_t wide_u(const uint8_t *r, const struct erofs_inode *inode)
{
	uint64_t v = get_le32(r + 0x10);

	if (inode->extended || inode->nlink_1)
		v |= (uint64_t)get_le16(r + 0x06) << 32;
	return v;
}

static int decode_flat(const struct erofs_image *img, const uint8_t *r,
		       struct erofs_inode *inode, struct erofs_errinfo *ei)
{
	unsigned int bits = img->sb.blkszbits, blksz = img->sb.blksz;
	bool wide = inode->extended || inode->nlink_1;
	uint64_t null = wide ? (1ULL << 48) - 1 : EROFS_NULL_ADDR;
	uint64_t base = inode->iloc + inode->inode_isize + inode->xattr_isize;

	inode->startblk = wide_u(r, inode);
	if (inode->layout == EROFS_LAYOUT_FLAT_PLAIN) {
		inode->nblocks = (inode->size + blksz - 1) >> bits;
		inode->startblk_null = inode->startblk == null;
		return 0;
	}
	inode->nblocks = inode->size >> bits;
	inode->tail_len = inode->size & (blksz - 1);
	/* a block-sized inline tail is only valid when it starts a block */
	if (!inode->tail_len && inode->size) {
		inode->nblocks--;
		inode->tail_len = blksz;
	}
	inode->tail_pos = base;
	if ((base & (blksz - 1)) + inode->tail_len > blksz)
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "inline data across blocks");
	inode->meta_len += inode->tail_len;
	return 0;
}

static int check_flat_blocks(const struct erofs_image *img,
			     const struct erofs_inode *inode,
			     struct erofs_errinfo *ei)
{
	uint64_t end;

	if (!inode->nblocks || inode->startblk_null)
		return 0;
	if (inode->layout == EROFS_LAYOUT_FLAT_INLINE &&
	    inode->startblk == EROFS_NULL_ADDR)
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "data blocks at the null address");
	end = inode->startblk + inode->nblocks;
	if (end < inode->startblk || erofs_blkpos(img, end) > img->size)
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "data blocks beyond the end of the image");
	return 0;
}

static int decode_chunked(const struct erofs_image *img, const uint8_t *r,
			  struct erofs_inode *inode, struct erofs_errinfo *ei)
{
	uint64_t base = inode->iloc + inode->inode_isize + inode->xattr_isize;
	uint16_t fmt = get_le16(r + 0x10);
	uint64_t chunksz, bytes;

	if (!(img->sb.feature_incompat & EROFS_INCOMPAT_CHUNKED_FILE))
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "chunk-based inode without the chunked_file feature");
	if (fmt & ~EROFS_CHUNK_FORMAT_ALL)
		return inode_err(ei, -EOPNOTSUPP, inode->nid,
				 "unsupported chunk format bits");
	inode->chunk_format = fmt;
	inode->chunkbits = img->sb.blkszbits + (fmt & EROFS_CHUNK_FORMAT_BLKBITS_MASK);
	inode->chunk_unit = (fmt & EROFS_CHUNK_FORMAT_INDEXES) ? 8 : 4;
	chunksz = 1ULL << inode->chunkbits;
	inode->nchunks = inode->size / chunksz + !!(inode->size % chunksz);
	inode->chunk_table_pos = (base + inode->chunk_unit - 1) &
				 ~(uint64_t)(inode->chunk_unit - 1);
	if (inode->nchunks > img->size / inode->chunk_unit)
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "chunk table larger than the image");
	bytes = inode->nchunks * inode->chunk_unit;
	if (inode->chunk_table_pos > img->size ||
	    bytes > img->size - inode->chunk_table_pos)
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "chunk table beyond the end of the image");
	inode->meta_len = inode->chunk_table_pos + bytes - inode->iloc;
	return 0;
}

static int decode_compressed(const struct erofs_image *img, const uint8_t *r,
			     struct erofs_inode *inode, struct erofs_errinfo *ei)
{
	uint64_t base = inode->iloc + inode->inode_isize + inode->xattr_isize;
	uint64_t hdr = (base + 7) & ~7ULL;

	inode->compressed_blocks = wide_u(r, inode);
	if (hdr > img->size || img->size - hdr < sizeof(struct erofs_map_header))
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "compression map header beyond the end of the image");
	inode->meta_len = hdr + sizeof(struct erofs_map_header) - inode->iloc;
	return 0;
}

static int check_header(const struct erofs_image *img,
			struct erofs_inode *inode, struct erofs_errinfo *ei)
{
	if (inode->i_format & ~EROFS_I_ALL_BITS)
		return inode_err(ei, -EOPNOTSUPP, inode->nid,
				 "unsupported i_format bits");
	if (inode->layout >= EROFS_LAYOUT_MAX)
		return inode_err(ei, -EOPNOTSUPP, inode->nid,
				 "unsupported data layout");
	if (!mode_type_valid(inode->mode))
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "invalid file type in mode");
	if (inode->size >> 63)
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "absurd file size");
	/* iloc < image size, so the sum cannot wrap */
	if (inode->iloc + inode->inode_isize + inode->xattr_isize > img->size)
		return inode_err(ei, -EFSCORRUPTED, inode->nid,
				 "xattr area beyond the end of the image");
	return 0;
}

static int decode_layout(const struct erofs_image *img, const uint8_t *r,
			 struct erofs_inode *inode, struct erofs_errinfo *ei)
{
	int err;

	switch (inode->layout) {
	case EROFS_LAYOUT_FLAT_PLAIN:
	case EROFS_LAYOUT_FLAT_INLINE:
		err = decode_flat(img, r, inode, ei);
		return err ? err : check_flat_blocks(img, inode, ei);
	case EROFS_LAYOUT_CHUNK_BASED:
		return decode_chunked(img, r, inode, ei);
	default:
		return decode_compressed(img, r, inode, ei);
	}
}

int erofs_inode_decode(const struct erofs_image *img, uint64_t nid,
		       uint64_t iloc, const uint8_t *raw, size_t len,
		       struct erofs_inode *inode, struct erofs_errinfo *ei)
{
	int err;

	memset(inode, 0, sizeof(*inode));
	inode->nid = nid;
	inode->iloc = iloc;
	if (len < sizeof(struct erofs_inode_compact))
		return inode_err(ei, -EFSCORRUPTED, nid, "inode truncated");
	inode->i_format = get_le16(raw);
	inode->extended = inode->i_format & EROFS_I_VERSION_MASK;
	inode->layout = erofs_i_layout(inode->i_format);
	if (inode->extended && len < sizeof(struct erofs_inode_extended))
		return inode_err(ei, -EFSCORRUPTED, nid, "inode truncated");
	if (inode->extended)
		decode_extended(raw, inode);
	else
		decode_compact(img, raw, inode);
	inode->dot_omitted = S_ISDIR(inode->mode) &&
			     (inode->i_format & EROFS_I_DOT_OMITTED_BIT);
	inode->xattr_isize = erofs_xattr_ibody_size(inode->xattr_icount);
	inode->meta_len = inode->inode_isize + inode->xattr_isize;
	err = check_header(img, inode, ei);
	if (err)
		return err;
	if (S_ISCHR(inode->mode) || S_ISBLK(inode->mode)) {
		inode->rdev = get_le32(raw + 0x10);
		erofs_decode_rdev(inode->rdev, &inode->rdev_major,
				  &inode->rdev_minor);
	}
	if (!S_ISREG(inode->mode) && !S_ISDIR(inode->mode) &&
	    !S_ISLNK(inode->mode)) {
		if (inode->size)
			return inode_err(ei, -EFSCORRUPTED, nid,
					 "special file with a non-zero size");
		return 0;
	}
	return decode_layout(img, raw, inode, ei);
}

int erofs_inode_read(const struct erofs_image *img, uint64_t nid,
		     struct erofs_inode *inode, struct erofs_errinfo *ei)
{
	uint8_t raw[sizeof(struct erofs_inode_extended)];
	uint64_t base = erofs_blkpos(img, img->sb.meta_blkaddr), iloc;
	size_t len = sizeof(raw);
	int err;

	if (erofs_nid_in_metabox(nid))
		return inode_err(ei, -EOPNOTSUPP, nid,
				 "inodes in the metabox are not yet supported");
	if (nid > (UINT64_MAX - base) >> EROFS_ISLOT_BITS)
		return inode_err(ei, -EFSCORRUPTED, nid, "nid out of range");
	iloc = base + (nid << EROFS_ISLOT_BITS);
	if (iloc >= img->size || img->size - iloc < sizeof(struct erofs_inode_compact))
		return inode_err(ei, -EFSCORRUPTED, nid,
				 "inode beyond the end of the image");
	if (img->size - iloc < len)
		len = img->size - iloc;
	err = erofs_image_read(img, raw, len, iloc, "inode", NULL);
	if (err)
		return inode_err(ei, err, nid, "cannot read inode");
	return erofs_inode_decode(img, nid, iloc, raw, len, inode, ei);
}
