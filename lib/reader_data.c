// SPDX-License-Identifier: MIT
/*
 * Uncompressed file data (format doc §3.5, §3.6, §6): mapping a logical
 * offset to device bytes for FLAT_PLAIN, FLAT_INLINE and CHUNK_BASED
 * inodes, the extent list built from that mapping, and pread on top.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include "erofs/byteorder.h"
#include "erofs/rdata.h"
#include "erofs/zmap.h"

/* Chunk entries looked at per mapping call; bounds the work per call. */
#define CHUNK_BATCH	512

static int data_err(struct erofs_errinfo *ei, int err, uint64_t nid,
		    const char *fmt, const char *detail)
{
	char subj[40];

	erofs_inode_subject(nid, subj, sizeof(subj));
	return erofs_err(ei, err, subj, fmt, detail);
}

enum erofs_read_path erofs_inode_read_path(const struct erofs_inode *inode)
{
	if (!S_ISREG(inode->mode) && !S_ISDIR(inode->mode) &&
	    !S_ISLNK(inode->mode))
		return EROFS_READ_NONE;
	if (erofs_layout_is_compressed(inode->layout))
		return EROFS_READ_COMPRESSED;
	return EROFS_READ_UNCOMPRESSED;
}

static void ext_set(struct erofs_extent *e, uint64_t lstart, uint64_t llen,
		    enum erofs_extent_kind kind, uint64_t pstart, uint64_t plen)
{
	e->lstart = lstart;
	e->llen = llen;
	e->kind = kind;
	e->device = 0;
	e->pstart = pstart;
	e->plen = plen;
	e->algorithm = -1;
}

static int map_flat(const struct erofs_image *img,
		    const struct erofs_inode *inode, uint64_t off,
		    struct erofs_extent *e)
{
	uint64_t blkbytes = inode->nblocks << img->sb.blkszbits;
	uint64_t llen;

	if (off >= blkbytes) {
		ext_set(e, blkbytes, inode->size - blkbytes, EROFS_EXT_INLINE,
			inode->tail_pos, inode->tail_len);
		return 0;
	}
	llen = blkbytes < inode->size ? blkbytes : inode->size;
	if (inode->startblk_null)
		ext_set(e, 0, llen, EROFS_EXT_HOLE, 0, 0);
	else
		ext_set(e, 0, llen, EROFS_EXT_MAPPED,
			erofs_blkpos(img, inode->startblk), blkbytes);
	return 0;
}

struct chunk_entry {
	bool hole;
	unsigned int device;
	uint64_t blk;
};

static void chunk_decode(const struct erofs_image *img,
			 const struct erofs_inode *inode, const uint8_t *raw,
			 struct chunk_entry *c)
{
	uint64_t null = EROFS_NULL_ADDR;

	c->device = 0;
	if (inode->chunk_unit == 4) {
		c->blk = get_le32(raw);
	} else {
		c->blk = get_le32(raw + 4);
		if (inode->chunk_format & EROFS_CHUNK_FORMAT_48BIT) {
			c->blk |= (uint64_t)get_le16(raw) << 32;
			null = (1ULL << 48) - 1;
		}
		c->device = get_le16(raw + 2) & img->device_id_mask;
	}
	c->hole = c->blk == null;
}

static bool chunk_follows(const struct erofs_image *img,
			  const struct chunk_entry *a, const struct chunk_entry *b,
			  unsigned int chunkblkbits)
{
	if (a->hole || b->hole)
		return a->hole && b->hole;
	return a->device == b->device &&
	       b->blk == a->blk + (1ULL << chunkblkbits);
}

static int map_chunk(const struct erofs_image *img,
		     const struct erofs_inode *inode, uint64_t off,
		     struct erofs_extent *e, struct erofs_errinfo *ei)
{
	uint8_t raw[CHUNK_BATCH * 8];
	unsigned int unit = inode->chunk_unit;
	unsigned int cbits = inode->chunkbits - img->sb.blkszbits;
	uint64_t k = off >> inode->chunkbits, n = inode->nchunks - k, i;
	struct chunk_entry first, prev, cur;
	uint64_t lstart = k << inode->chunkbits, llen;
	int err;

	if (n > CHUNK_BATCH)
		n = CHUNK_BATCH;
	err = erofs_image_read(img, raw, n * unit,
			       inode->chunk_table_pos + k * unit, "chunk table", ei);
	if (err)
		return err;
	chunk_decode(img, inode, raw, &first);
	prev = first;
	for (i = 1; i < n; i++) {
		chunk_decode(img, inode, raw + i * unit, &cur);
		if (!chunk_follows(img, &prev, &cur, cbits))
			break;
		prev = cur;
	}
	llen = i << inode->chunkbits;
	if (llen > inode->size - lstart)
		llen = inode->size - lstart;
	if (first.hole) {
		ext_set(e, lstart, llen, EROFS_EXT_HOLE, 0, 0);
		return 0;
	}
	ext_set(e, lstart, llen, EROFS_EXT_MAPPED,
		erofs_blkpos(img, first.blk), 0);
	/* physical bytes: the blocks the logical range needs */
	e->plen = (llen + img->sb.blksz - 1) & ~(uint64_t)(img->sb.blksz - 1);
	e->device = first.device;
	if (e->pstart == UINT64_MAX)
		return data_err(ei, -EFSCORRUPTED, inode->nid,
				"chunk address out of range%s", "");
	return 0;
}

/* The extent containing logical byte @off (< i_size) of an uncompressed inode. */
static int map_uncompressed(const struct erofs_image *img,
			    const struct erofs_inode *inode, uint64_t off,
			    struct erofs_extent *e, struct erofs_errinfo *ei)
{
	if (inode->layout == EROFS_LAYOUT_CHUNK_BASED)
		return map_chunk(img, inode, off, e, ei);
	return map_flat(img, inode, off, e);
}

int erofs_extent_foreach(const struct erofs_image *img,
			 const struct erofs_inode *inode, erofs_extent_cb cb,
			 void *arg, struct erofs_errinfo *ei)
{
	struct erofs_extent e;
	uint64_t off = 0;
	int err;

	switch (erofs_inode_read_path(inode)) {
	case EROFS_READ_NONE:
		return 0;
	case EROFS_READ_COMPRESSED:
		return erofs_zmap_foreach(img, inode, cb, arg, ei);
	default:
		break;
	}
	while (off < inode->size) {
		err = map_uncompressed(img, inode, off, &e, ei);
		if (err)
			return err;
		err = cb(&e, arg);
		if (err)
			return err;
		off = e.lstart + e.llen;
	}
	return 0;
}

static int read_mapped(const struct erofs_image *img,
		       const struct erofs_inode *inode,
		       const struct erofs_extent *e, uint8_t *buf, size_t len,
		       uint64_t off, struct erofs_errinfo *ei)
{
	char what[64];
	int err;

	if (e->device) {
		snprintf(what, sizeof(what), "%u", e->device);
		return data_err(ei, -EOPNOTSUPP, inode->nid,
				"data on extra device %s is not available", what);
	}
	err = erofs_image_read(img, buf, len, e->pstart + (off - e->lstart),
			       "file data", NULL);
	if (err == -EFSCORRUPTED)
		return data_err(ei, err, inode->nid,
				"data beyond the end of the image%s", "");
	if (err)
		return data_err(ei, err, inode->nid, "read error%s", "");
	return 0;
}

ssize_t erofs_inode_pread(const struct erofs_image *img,
			  const struct erofs_inode *inode, void *buf,
			  size_t len, uint64_t off, struct erofs_errinfo *ei)
{
	uint8_t *p = buf;
	size_t done = 0;

	if (erofs_inode_read_path(inode) == EROFS_READ_COMPRESSED)
		return data_err(ei, -EOPNOTSUPP, inode->nid, "%s",
				EROFS_COMPRESSED_UNSUPPORTED);
	if (off >= inode->size)
		return 0;
	if (len > inode->size - off)
		len = inode->size - off;
	while (done < len) {
		struct erofs_extent e;
		uint64_t pos = off + done;
		size_t take;
		int err = map_uncompressed(img, inode, pos, &e, ei);

		if (err)
			return err;
		take = e.lstart + e.llen - pos;
		if (take > len - done)
			take = len - done;
		if (e.kind == EROFS_EXT_HOLE)
			memset(p + done, 0, take);
		else if (e.kind == EROFS_EXT_INLINE)
			err = erofs_image_read(img, p + done, take,
					       e.pstart + (pos - e.lstart),
					       "inline data", ei);
		else
			err = read_mapped(img, inode, &e, p + done, take, pos, ei);
		if (err)
			return err;
		done += take;
	}
	return done;
}
