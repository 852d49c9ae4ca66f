// SPDX-License-Identifier: MIT
/* The superblock, written last because its CRC covers block 0 (§2.3). */
#include <string.h>
#include "erofs/byteorder.h"
#include "erofs/checksum.h"
#include "erofs/format.h"
#include "erofs/layout.h"
#include "erofs/writer.h"

/*
 * The filter bit only says that inodes carry bloom filters; with no
 * xattr area anywhere there is nothing to filter, and upstream leaves
 * it clear then (e.g. -x-1), so do the same to stay byte-identical.
 */
static bool any_xattr_area(const struct erofs_writer *w)
{
	size_t i;

	for (i = 0; i < w->n_nodes; i++)
		if (w->nodes[i]->xattr_isize)
			return true;
	return false;
}

static uint32_t compat_features(const struct erofs_writer *w)
{
	uint32_t f = EROFS_COMPAT_SB_CHKSUM | EROFS_COMPAT_MTIME;

	if (any_xattr_area(w))
		f |= EROFS_COMPAT_XATTR_FILTER;

	if (w->prefixes.count)
		f |= EROFS_COMPAT_PLAIN_XATTR_PFX;
	if (w->prefixes.ishare_id >= 0)
		f |= EROFS_COMPAT_ISHARE_XATTRS;
	return f;
}

void erofs_super_encode(const struct erofs_writer *w, uint8_t *block0)
{
	struct erofs_super_block sb;

	memset(&sb, 0, sizeof(sb));
	sb.magic = cpu_to_le32(EROFS_SUPER_MAGIC);
	sb.feature_compat = cpu_to_le32(compat_features(w));
	sb.blkszbits = w->blkszbits;
	sb.rootnid_2b = cpu_to_le16(w->root->nid);
	sb.inos = cpu_to_le64(w->n_nodes);
	sb.epoch = cpu_to_le64(w->epoch);
	sb.fixed_nsec = cpu_to_le32(w->fixed_nsec);
	sb.blocks_lo = cpu_to_le32(w->total_blocks);
	sb.meta_blkaddr = cpu_to_le32(w->meta_blkaddr);
	sb.xattr_blkaddr = cpu_to_le32(erofs_shared_xattr_blkaddr(w));
	memcpy(sb.uuid, w->uuid, sizeof(sb.uuid));
	strncpy((char *)sb.volume_name, w->p->label, sizeof(sb.volume_name));
	if (w->prefixes.count) {
		sb.feature_incompat = cpu_to_le32(EROFS_INCOMPAT_XATTR_PREFIXES);
		sb.xattr_prefix_count = w->prefixes.count;
		sb.xattr_prefix_start = cpu_to_le32(w->prefix_off / 4);
	}
	if (w->prefixes.ishare_id >= 0)
		sb.ishare_xattr_prefix_id = w->prefixes.ishare_id;
	/* epoch is the build time, so build_time (relative to it) stays 0 */

	memcpy(block0 + EROFS_SUPER_OFFSET, &sb, EROFS_SB_BASE_SIZE);
	put_le32(block0 + EROFS_SUPER_OFFSET + 4,
		 erofs_sb_checksum(block0, w->blksz));
}
