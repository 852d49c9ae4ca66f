// SPDX-License-Identifier: MIT
/*
 * Compressed maps (format doc §7.2-7.5): enough of the map header and the
 * non-compact lcluster indexes to say which algorithms an inode uses and
 * which pcluster backs each logical extent. No decompression here.
 */
#include <errno.h>
#include <string.h>
#include "erofs/byteorder.h"
#include "erofs/zmap.h"

#define ZMAP_BATCH		512	/* index entries read per pread */
#define LCLUSTER_PLAIN		0
#define LCLUSTER_HEAD1		1
#define LCLUSTER_NONHEAD	2
#define LCLUSTER_HEAD2		3
#define DI_CBLKCNT		0x0800
#define PCLUSTER_MAX_BYTES	(1U << 20)

static int zmap_err(struct erofs_errinfo *ei, int err, uint64_t nid,
		    const char *reason)
{
	char subj[40];

	erofs_inode_subject(nid, subj, sizeof(subj));
	return erofs_err(ei, err, subj, "%s", reason);
}

const char *erofs_compr_alg_name(int alg)
{
	static const char *const names[EROFS_COMPR_MAX] = {
		"lz4", "lzma", "deflate", "zstd",
	};

	return alg >= 0 && alg < EROFS_COMPR_MAX ? names[alg] : "unknown";
}

static int check_algorithms(const struct erofs_image *img,
			    const struct erofs_inode *inode,
			    const struct erofs_zmap_info *zi,
			    struct erofs_errinfo *ei)
{
	unsigned int avail = img->sb.available_compr_algs;

	if (zi->alg_head1 >= EROFS_COMPR_MAX || zi->alg_head2 >= EROFS_COMPR_MAX)
		return zmap_err(ei, -EOPNOTSUPP, inode->nid,
				"unknown compression algorithm");
	if (!(avail & (1U << zi->alg_head1)))
		return zmap_err(ei, -EFSCORRUPTED, inode->nid,
				"compression algorithm not enabled in the superblock");
	if ((zi->advise & (EROFS_ADVISE_BIG_PCLUSTER_1 |
			   EROFS_ADVISE_BIG_PCLUSTER_2)) &&
	    !zi->encoded_extents &&
	    !(img->sb.feature_incompat & EROFS_INCOMPAT_BIG_PCLUSTER))
		return zmap_err(ei, -EFSCORRUPTED, inode->nid,
				"big pcluster without the superblock feature");
	if (inode->layout == EROFS_LAYOUT_COMPRESSED_COMPACT &&
	    !(zi->advise & EROFS_ADVISE_BIG_PCLUSTER_1) !=
	    !(zi->advise & EROFS_ADVISE_BIG_PCLUSTER_2))
		return zmap_err(ei, -EFSCORRUPTED, inode->nid,
				"compact indexes need equal big pcluster bits");
	return 0;
}

int erofs_zmap_header(const struct erofs_image *img,
		      const struct erofs_inode *inode,
		      struct erofs_zmap_info *zi, struct erofs_errinfo *ei)
{
	uint64_t base = inode->iloc + inode->inode_isize + inode->xattr_isize;
	uint8_t h[8];
	int err;

	memset(zi, 0, sizeof(*zi));
	zi->header_pos = (base + 7) & ~7ULL;
	err = erofs_image_read(img, h, sizeof(h), zi->header_pos,
			       "compression map header", ei);
	if (err)
		return err;
	if (h[7] & 0x80) {
		/* the whole file is a fragment of the packed inode */
		zi->whole_fragment = true;
		zi->fragment_off = get_le64(h) & ~(1ULL << 63);
		zi->alg_head1 = zi->alg_head2 = -1;
		return 0;
	}
	zi->advise = get_le16(h + 4);
	zi->alg_head1 = h[6] & 15;
	zi->alg_head2 = h[6] >> 4;
	zi->lclusterbits = img->sb.blkszbits + (h[7] & 15);
	zi->encoded_extents = inode->layout == EROFS_LAYOUT_COMPRESSED_FULL &&
			      (zi->advise & EROFS_ADVISE_EXTENTS);
	if (zi->advise & EROFS_ADVISE_FRAGMENT_PCLUSTER)
		zi->fragment_off = get_le32(h);
	else if (zi->advise & EROFS_ADVISE_INLINE_PCLUSTER)
		zi->idata_size = get_le16(h + 2);
	if (zi->lclusterbits > 30)
		return zmap_err(ei, -EFSCORRUPTED, inode->nid,
				"absurd lcluster size");
	zi->nlclusters = (inode->size + (1ULL << zi->lclusterbits) - 1) >>
			 zi->lclusterbits;
	return check_algorithms(img, inode, zi, ei);
}

struct zhead {
	uint64_t lstart;
	unsigned int type;
	uint64_t blkaddr;
	unsigned int nblocks;
};

struct zscan {
	const struct erofs_image *img;
	const struct erofs_inode *inode;
	const struct erofs_zmap_info *zi;
	erofs_extent_cb cb;
	void *arg;
	bool have;
	struct zhead head;
};

static int zhead_emit(struct zscan *s, uint64_t end, bool last)
{
	const struct zhead *h = &s->head;
	const struct erofs_zmap_info *zi = s->zi;
	struct erofs_extent e = { 0 };

	if (!s->have || end <= h->lstart)
		return 0;
	if ((uint64_t)h->nblocks << s->img->sb.blkszbits > PCLUSTER_MAX_BYTES)
		return -EFSCORRUPTED;
	e.lstart = h->lstart;
	e.llen = end - h->lstart;
	e.pstart = erofs_blkpos(s->img, h->blkaddr);
	e.plen = (uint64_t)h->nblocks << s->img->sb.blkszbits;
	e.kind = h->type == LCLUSTER_PLAIN ? EROFS_EXT_PLAIN_PCLUSTER :
					     EROFS_EXT_COMPRESSED;
	e.algorithm = h->type == LCLUSTER_HEAD1 ? zi->alg_head1 :
		      h->type == LCLUSTER_HEAD2 ? zi->alg_head2 : -1;
	if (last && (zi->advise & EROFS_ADVISE_FRAGMENT_PCLUSTER)) {
		e.kind = EROFS_EXT_FRAGMENT;
		e.pstart = zi->fragment_off;
		e.plen = e.llen;
	} else if (last && (zi->advise & EROFS_ADVISE_INLINE_PCLUSTER)) {
		e.kind = EROFS_EXT_INLINE;
		e.plen = zi->idata_size;
		e.pstart = 0;
	}
	return s->cb(&e, s->arg);
}

static int zscan_entry(struct zscan *s, uint64_t lcn, const uint8_t *di)
{
	unsigned int type = get_le16(di) & 3;
	uint64_t lcs = 1ULL << s->zi->lclusterbits;
	int err;

	if (type == LCLUSTER_NONHEAD) {
		uint16_t d0 = get_le16(di + 4);

		/* a NONHEAD before any HEAD has no extent to belong to */
		if (!s->have)
			return -EFSCORRUPTED;
		if (lcn == (s->head.lstart >> s->zi->lclusterbits) + 1 &&
		    (d0 & DI_CBLKCNT))
			s->head.nblocks = d0 & (DI_CBLKCNT - 1);
		return 0;
	}
	if (get_le16(di + 2) >= lcs)
		return -EFSCORRUPTED;
	err = zhead_emit(s, lcn * lcs + get_le16(di + 2), false);
	if (err)
		return err;
	s->have = true;
	s->head.lstart = lcn * lcs + get_le16(di + 2);
	s->head.type = type;
	s->head.blkaddr = get_le32(di + 4);
	s->head.nblocks = 1;
	return 0;
}

static int zmap_full_foreach(struct zscan *s, struct erofs_errinfo *ei)
{
	const struct erofs_zmap_info *zi = s->zi;
	uint64_t pos = zi->header_pos + 16, lcn = 0;
	uint8_t buf[ZMAP_BATCH * 8];
	int err;

	if (zi->nlclusters > (s->img->size - pos) / 8)
		return zmap_err(ei, -EFSCORRUPTED, s->inode->nid,
				"lcluster indexes beyond the end of the image");
	while (lcn < zi->nlclusters) {
		uint64_t n = zi->nlclusters - lcn, i;

		if (n > ZMAP_BATCH)
			n = ZMAP_BATCH;
		err = erofs_image_read(s->img, buf, n * 8, pos + lcn * 8,
				       "lcluster index", ei);
		if (err)
			return err;
		for (i = 0; i < n; i++) {
			err = zscan_entry(s, lcn + i, buf + i * 8);
			if (err < 0)
				return zmap_err(ei, err, s->inode->nid,
						"corrupt lcluster index");
			if (err)
				return err;
		}
		lcn += n;
	}
	err = zhead_emit(s, s->inode->size, true);
	if (err < 0 && err != -ENOMEM)
		return zmap_err(ei, err, s->inode->nid, "corrupt lcluster index");
	return err;
}

int erofs_zmap_foreach(const struct erofs_image *img,
		       const struct erofs_inode *inode, erofs_extent_cb cb,
		       void *arg, struct erofs_errinfo *ei)
{
	struct erofs_zmap_info zi;
	struct zscan s = {
		.img = img, .inode = inode, .zi = &zi, .cb = cb, .arg = arg,
	};
	int err = erofs_zmap_header(img, inode, &zi, ei);

	if (err)
		return err;
	if (zi.whole_fragment) {
		struct erofs_extent e = {
			.llen = inode->size, .kind = EROFS_EXT_FRAGMENT,
			.pstart = zi.fragment_off, .plen = inode->size,
			.algorithm = -1,
		};

		return inode->size ? cb(&e, arg) : 0;
	}
	if (inode->layout != EROFS_LAYOUT_COMPRESSED_FULL || zi.encoded_extents)
		return zmap_err(ei, -EOPNOTSUPP, inode->nid,
				"extents of this compressed map are not yet decoded");
	return zmap_full_foreach(&s, ei);
}
