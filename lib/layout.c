// SPDX-License-Identifier: MIT
/*
 * Layout: inode order and nids, inode versions, inline tails and data
 * blocks. Everything here depends only on names, attributes and sizes, so
 * the whole image is planned before any file content is read.
 *
 * Image map: superblock at 1024, shared xattrs right after it, then the
 * long-prefix table, then the inodes (root first) each followed by its
 * xattr area and inline tail, then block-aligned data.
 */
#include <errno.h>
#include <stdlib.h>
#include "erofs/dir_write.h"
#include "erofs/format.h"
#include "erofs/layout.h"
#include "erofs/writer.h"

#define ROUND_UP(x, a)	(((x) + (a) - 1) / (a) * (a))

bool erofs_needs_extended(const struct erofs_wnode *n, int64_t epoch,
			  uint32_t fixed_nsec)
{
	return n->uid > UINT16_MAX || n->gid > UINT16_MAX ||
	       n->nlink > UINT16_MAX || n->size > UINT32_MAX ||
	       n->mtime != epoch || n->mtime_nsec != fixed_nsec;
}

uint64_t erofs_place_inline(uint64_t off, uint32_t meta, uint32_t tail,
			    unsigned int blksz)
{
	int tries;

	/*
	 * The tail must not cross a block; the inode and its xattrs may.
	 * Moving the tail to the next block start settles it unless the
	 * 32-byte slot alignment leaves too little room, then give up.
	 */
	for (tries = 0; tries < 3; tries++) {
		uint64_t t = off + meta;

		if (tail <= blksz - t % blksz)
			return off;
		off = ROUND_UP(ROUND_UP(t, blksz) - meta, EROFS_ISLOT_SIZE);
	}
	return UINT64_MAX;
}

void erofs_choose_datalayout(struct erofs_wnode *n, uint64_t size,
			     unsigned int blkszbits)
{
	uint64_t blksz = 1ULL << blkszbits;

	n->tail_len = size & (blksz - 1);
	n->nblocks = size >> blkszbits;
	n->datalayout = n->tail_len ? EROFS_LAYOUT_FLAT_INLINE :
				      EROFS_LAYOUT_FLAT_PLAIN;
}

/*
 * Root first; then, directory by directory in depth-first pre-order, the
 * children of each directory together in dirent order. That is the order
 * upstream mkfs.erofs hands out inodes in, which keeps nids (and so the
 * images) byte-identical with it. Every hard-link set appears once.
 */
static int order_inodes(struct erofs_writer *w)
{
	struct erofs_wnode **stack;
	size_t depth = 0, tail = 0, i, first;

	w->nodes = malloc(w->n_inodes * sizeof(*w->nodes));
	stack = malloc(w->n_inodes * sizeof(*stack));
	if (!w->nodes || !stack) {
		free(stack);
		return -ENOMEM;
	}
	w->root->visited = true;
	w->nodes[tail++] = w->root;
	stack[depth++] = w->root;
	while (depth) {
		struct erofs_wnode *dir = stack[--depth];

		first = tail;
		for (i = 0; i < dir->n_children; i++) {
			struct erofs_wnode *c = dir->children[i].node;

			if (c->visited)
				continue;
			if (tail >= w->n_inodes) {
				free(stack);
				return -EINVAL;	/* scan miscounted */
			}
			c->visited = true;
			w->nodes[tail++] = c;
		}
		/* push in reverse so that the first subdirectory comes next */
		for (i = tail; i > first; i--)
			if (erofs_wnode_is_dir(w->nodes[i - 1]))
				stack[depth++] = w->nodes[i - 1];
	}
	free(stack);
	w->n_nodes = tail;
	for (i = 0; i < tail; i++)
		w->nodes[i]->ino = i + 1;
	return 0;
}

static int size_directories(struct erofs_writer *w)
{
	struct erofs_dentry_out *ents = NULL;
	size_t cap = 0, i, n;

	for (i = 0; i < w->n_nodes; i++) {
		struct erofs_wnode *d = w->nodes[i];

		if (!erofs_wnode_is_dir(d))
			continue;
		if (cap < d->n_children + 2u) {
			cap = d->n_children + 2u;
			free(ents);
			ents = malloc(cap * sizeof(*ents));
			if (!ents)
				return -ENOMEM;
		}
		n = erofs_dir_entries(d, ents);
		d->size = erofs_dir_size(ents, n, w->blksz);
	}
	free(ents);
	return 0;
}

static int prepare_inodes(struct erofs_writer *w)
{
	size_t i;
	int ret;

	for (i = 0; i < w->n_nodes; i++) {
		struct erofs_wnode *n = w->nodes[i];

		ret = erofs_xattr_prepare_inode(&w->xattrs, n, w->ei,
						n->src.path ? n->src.path : w->source);
		if (ret)
			return ret;
		n->extended = erofs_needs_extended(n, w->epoch, w->fixed_nsec);
		erofs_choose_datalayout(n, n->size, w->blkszbits);
	}
	return 0;
}

static uint64_t place_inode(struct erofs_writer *w, struct erofs_wnode *n,
			    uint64_t off)
{
	uint32_t meta = (n->extended ? 64 : 32) + n->xattr_isize;
	uint64_t pos;

	if (n->datalayout == EROFS_LAYOUT_FLAT_INLINE) {
		pos = erofs_place_inline(off, meta, n->tail_len, w->blksz);
		if (pos != UINT64_MAX) {
			n->meta_off = pos;
			return ROUND_UP(pos + meta + n->tail_len,
					EROFS_ISLOT_SIZE);
		}
		/* no room for the tail: it gets a zero-padded block */
		n->datalayout = EROFS_LAYOUT_FLAT_PLAIN;
		n->nblocks++;
		n->tail_len = 0;
	}
	/* like upstream, keep a 64-byte inode inside one block */
	if (n->extended && off % w->blksz + 64 > w->blksz)
		off = ROUND_UP(off, w->blksz);
	n->meta_off = off;
	return ROUND_UP(off + meta, EROFS_ISLOT_SIZE);
}

static void place_metadata(struct erofs_writer *w)
{
	uint64_t off = EROFS_SUPER_OFFSET + EROFS_SB_BASE_SIZE, base;
	size_t i;

	w->shared_off = off;
	off += w->xattrs.shared_size;
	w->prefix_off = ROUND_UP(off, 4);
	off = w->prefix_off + erofs_prefix_table_size(&w->prefixes);
	off = ROUND_UP(off, EROFS_ISLOT_SIZE);
	for (i = 0; i < w->n_nodes; i++)
		off = place_inode(w, w->nodes[i], off);
	w->meta_end = off;

	/* the root nid is 16 bits: move nid 0 forward if shared xattrs are huge */
	w->meta_blkaddr = 0;
	if (w->root->meta_off / EROFS_ISLOT_SIZE > UINT16_MAX)
		w->meta_blkaddr = w->root->meta_off / w->blksz;
	base = (uint64_t)w->meta_blkaddr * w->blksz;
	for (i = 0; i < w->n_nodes; i++)
		w->nodes[i]->nid = (w->nodes[i]->meta_off - base) /
				   EROFS_ISLOT_SIZE;
}

uint32_t erofs_shared_xattr_blkaddr(const struct erofs_writer *w)
{
	return w->xattrs.n_shared ? w->shared_off >> w->blkszbits : 0;
}

uint32_t erofs_shared_xattr_base(const struct erofs_writer *w)
{
	uint64_t blkpos = (uint64_t)erofs_shared_xattr_blkaddr(w) << w->blkszbits;

	return (w->shared_off - blkpos) / 4;
}

static int place_data(struct erofs_writer *w)
{
	uint64_t blk = ROUND_UP(w->meta_end, w->blksz) >> w->blkszbits;
	size_t i;

	for (i = 0; i < w->n_nodes; i++) {
		struct erofs_wnode *n = w->nodes[i];

		if (!n->nblocks) {
			/* no full block: "null" for inline-only, 0 if empty */
			n->startblk = n->datalayout == EROFS_LAYOUT_FLAT_INLINE ?
				      EROFS_NULL_ADDR : 0;
			continue;
		}
		n->startblk = blk;
		blk += n->nblocks;
		if (blk > UINT32_MAX)
			return erofs_err(w->ei, -EFBIG, w->img.path,
					 "image would exceed 2^32 blocks");
	}
	w->total_blocks = blk;
	return 0;
}

int erofs_layout_plan(struct erofs_writer *w)
{
	size_t i;
	int ret = order_inodes(w);

	if (ret)
		return erofs_err(w->ei, ret, w->source, NULL);
	ret = size_directories(w);
	if (ret)
		return erofs_err(w->ei, ret, w->source, NULL);
	for (i = 0; i < w->n_nodes; i++)
		if (w->nodes[i]->size >> w->blkszbits > UINT32_MAX)
			return erofs_err(w->ei, -EFBIG, w->nodes[i]->src.path,
					 "file too large");
	ret = prepare_inodes(w);
	if (ret)
		return ret;
	place_metadata(w);
	return place_data(w);
}
