// SPDX-License-Identifier: MIT
/*
 * Directory content. Entries are sorted globally, "." and ".." included,
 * because the kernel binary-searches blocks by their first name; an entry
 * never straddles blocks, so packing is greedy per block.
 */
#include <string.h>
#include "erofs/byteorder.h"
#include "erofs/dir_write.h"
#include "erofs/format.h"

static void set_entry(struct erofs_dentry_out *e, const char *name,
		      unsigned int len, const struct erofs_wnode *n)
{
	e->name = name;
	e->len = len;
	e->nid = n->nid;
	e->file_type = erofs_ftype_from_mode(n->mode);
}

size_t erofs_dir_entries(const struct erofs_wnode *dir,
			 struct erofs_dentry_out *out)
{
	const struct erofs_wnode *parent = dir->parent ? dir->parent : dir;
	size_t i, k = 0;
	int dots = 0;		/* how many of ".", ".." are placed */

	for (i = 0; i < dir->n_children; i++) {
		const struct erofs_wdirent *d = &dir->children[i];

		if (dots == 0 && erofs_name_cmp(".", 1, d->name, d->len) < 0) {
			set_entry(&out[k++], ".", 1, dir);
			dots = 1;
		}
		if (dots == 1 && erofs_name_cmp("..", 2, d->name, d->len) < 0) {
			set_entry(&out[k++], "..", 2, parent);
			dots = 2;
		}
		set_entry(&out[k++], d->name, d->len, d->node);
	}
	if (dots == 0)
		set_entry(&out[k++], ".", 1, dir);
	if (dots <= 1)
		set_entry(&out[k++], "..", 2, parent);
	return k;
}

/*
 * Walk the block split: calls @emit (if any) once per block with the
 * block's first entry and count; returns the directory size.
 */
static uint64_t pack(const struct erofs_dentry_out *ents, size_t n,
		     unsigned int blksz, uint8_t *out)
{
	uint64_t blk_start = 0;
	size_t first = 0, i;
	unsigned int used = 0;

	for (i = 0; i <= n; i++) {
		unsigned int need = i < n ? 12 + ents[i].len : 0;

		if (i < n && used + need <= blksz) {
			used += need;
			continue;
		}
		if (out) {
			uint8_t *blk = out + blk_start;
			unsigned int nameoff = 12 * (i - first), j;

			for (j = 0; j < i - first; j++) {
				const struct erofs_dentry_out *e = &ents[first + j];

				put_le64(blk + 12 * j, e->nid);
				put_le16(blk + 12 * j + 8, nameoff);
				blk[12 * j + 10] = e->file_type;
				blk[12 * j + 11] = 0;
				memcpy(blk + nameoff, e->name, e->len);
				nameoff += e->len;
			}
			/* unused bytes of a non-final block are zero */
			if (i < n)
				memset(blk + used, 0, blksz - used);
		}
		if (i == n)
			break;
		blk_start += blksz;
		first = i;
		used = need;
	}
	return blk_start + used;
}

uint64_t erofs_dir_size(const struct erofs_dentry_out *ents, size_t n,
			unsigned int blksz)
{
	return pack(ents, n, blksz, NULL);
}

void erofs_dir_encode(const struct erofs_dentry_out *ents, size_t n,
		      unsigned int blksz, uint8_t *out)
{
	pack(ents, n, blksz, out);
}
