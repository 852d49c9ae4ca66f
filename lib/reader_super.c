// SPDX-License-Identifier: MIT
/*
 * Superblock decoding and validation (format doc §2, §9 items 1-3, 6).
 */
#include <errno.h>
#include <string.h>
#include "erofs/byteorder.h"
#include "erofs/checksum.h"
#include "erofs/reader.h"

static void sb_copy_fields(const uint8_t *s, size_t sblen,
			   struct erofs_sb_info *sb)
{
	/* fields past the base 128 bytes exist only with extension slots */
	uint8_t ext[16] = { 0 };

	if (sblen >= EROFS_SB_BASE_SIZE + 16)
		memcpy(ext, s + 0x80, 16);
	sb->checksum = get_le32(s + 0x04);
	sb->feature_compat = get_le32(s + 0x08);
	sb->blkszbits = s[0x0C];
	sb->sb_extslots = s[0x0D];
	sb->inos = get_le64(s + 0x10);
	sb->epoch = get_le64(s + 0x18);
	sb->fixed_nsec = get_le32(s + 0x20);
	sb->meta_blkaddr = get_le32(s + 0x28);
	sb->xattr_blkaddr = get_le32(s + 0x2C);
	memcpy(sb->uuid, s + 0x30, 16);
	memcpy(sb->volume_name, s + 0x40, 16);
	sb->volume_name[16] = '\0';
	sb->feature_incompat = get_le32(s + 0x50);
	sb->u1 = get_le16(s + 0x54);
	sb->extra_devices = get_le16(s + 0x56);
	sb->devt_slotoff = get_le16(s + 0x58);
	sb->dirblkbits = s[0x5A];
	sb->xattr_prefix_count = s[0x5B];
	sb->xattr_prefix_start = get_le32(s + 0x5C);
	sb->packed_nid = get_le64(s + 0x60);
	sb->xattr_filter_reserved = s[0x68];
	sb->ishare_xattr_prefix_id = s[0x69];
	sb->build_time = get_le32(s + 0x6C);
	sb->metabox_nid = get_le64(ext);
}

/* Root nid and block count share bytes 0x0E-0x0F under 48BIT (§2.5). */
static void sb_root_and_blocks(const uint8_t *s, struct erofs_sb_info *sb)
{
	uint64_t root8 = get_le64(s + 0x70);
	uint16_t w = get_le16(s + 0x0E);

	sb->blocks = get_le32(s + 0x24);
	sb->root_nid = w;
	if ((sb->feature_incompat & EROFS_INCOMPAT_48BIT) && root8) {
		sb->root_nid = root8;
		sb->blocks |= (uint64_t)w << 32;
	}
}

static int sb_check_limits(struct erofs_sb_info *sb, struct erofs_errinfo *ei)
{
	uint32_t unknown = sb->feature_incompat & ~EROFS_INCOMPAT_ALL;

	if (unknown)
		return erofs_err(ei, -EOPNOTSUPP, NULL,
				 "unsupported feature 0x%x", unknown);
	if (sb->blkszbits < EROFS_MIN_BLKSZBITS ||
	    sb->blkszbits > EROFS_MAX_BLKSZBITS)
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "unsupported block size 2^%u", sb->blkszbits);
	sb->blksz = 1U << sb->blkszbits;
	if (sb->dirblkbits)
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "dirblkbits %u is not 0", sb->dirblkbits);
	sb->sb_size = EROFS_SB_BASE_SIZE + EROFS_SB_EXTSLOT_SIZE * sb->sb_extslots;
	if (EROFS_SUPER_OFFSET + sb->sb_size > 4096)
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "superblock too large (%u extension slots)",
				 sb->sb_extslots);
	if (sb->xattr_prefix_count > EROFS_XATTR_MAX_PREFIXES)
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "too many xattr prefixes (%u)",
				 sb->xattr_prefix_count);
	if ((sb->feature_incompat & EROFS_INCOMPAT_METABOX) &&
	    (!sb->sb_extslots || erofs_nid_in_metabox(sb->metabox_nid)))
		return erofs_err(ei, -EFSCORRUPTED, NULL, "invalid metabox nid");
	if (erofs_nid_in_metabox(sb->packed_nid))
		return erofs_err(ei, -EFSCORRUPTED, NULL, "invalid packed nid");
	return 0;
}

static int sb_check_algorithms(struct erofs_sb_info *sb,
			       struct erofs_errinfo *ei)
{
	if (!(sb->feature_incompat & EROFS_INCOMPAT_COMPR_CFGS)) {
		sb->available_compr_algs = 1U << EROFS_COMPR_LZ4;
		return 0;
	}
	sb->available_compr_algs = sb->u1;
	if (sb->u1 & ~((1U << EROFS_COMPR_MAX) - 1))
		return erofs_err(ei, -EOPNOTSUPP, NULL,
				 "unsupported compression algorithms 0x%x",
				 sb->u1);
	return 0;
}

/* One length-prefixed config record per available algorithm (§2.6). */
static int sb_check_cfg_records(const uint8_t *raw, size_t len,
				const struct erofs_sb_info *sb,
				struct erofs_errinfo *ei)
{
	size_t pos = EROFS_SUPER_OFFSET + sb->sb_size;
	unsigned int alg;

	if (!(sb->feature_incompat & EROFS_INCOMPAT_COMPR_CFGS))
		return 0;
	for (alg = 0; alg < EROFS_COMPR_MAX; alg++) {
		unsigned int rlen;

		if (!(sb->available_compr_algs & (1U << alg)))
			continue;
		pos = (pos + 3) & ~(size_t)3;
		if (pos + 2 > len)
			return erofs_err(ei, -EFSCORRUPTED, NULL,
					 "compression config %u beyond the first block",
					 alg);
		rlen = get_le16(raw + pos);
		if (!rlen || pos + 2 + rlen > len)
			return erofs_err(ei, -EFSCORRUPTED, NULL,
					 "bad compression config record %u (length %u)",
					 alg, rlen);
		pos += 2 + rlen;
	}
	return 0;
}

int erofs_sb_decode(const uint8_t *raw, size_t len, struct erofs_sb_info *sb,
		    struct erofs_errinfo *ei)
{
	const uint8_t *s = raw + EROFS_SUPER_OFFSET;
	size_t sblen;
	int err;

	memset(sb, 0, sizeof(*sb));
	if (len < EROFS_SUPER_OFFSET + EROFS_SB_BASE_SIZE)
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "image too small for a superblock");
	if (get_le32(s) != EROFS_SUPER_MAGIC)
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "not an EROFS image (bad magic 0x%08x)",
				 get_le32(s));
	sblen = len - EROFS_SUPER_OFFSET;
	sb_copy_fields(s, sblen, sb);
	sb_root_and_blocks(s, sb);
	err = sb_check_limits(sb, ei);
	if (err)
		return err;
	if (EROFS_SUPER_OFFSET + sb->sb_size > len)
		return erofs_err(ei, -EFSCORRUPTED, NULL, "superblock truncated");
	if (!(sb->feature_incompat & EROFS_INCOMPAT_METABOX))
		sb->metabox_nid = 0;
	err = sb_check_algorithms(sb, ei);
	if (err)
		return err;
	err = sb_check_cfg_records(raw, len, sb, ei);
	if (err)
		return err;

	sb->checksum_ok = true;
	if (sb->feature_compat & EROFS_COMPAT_SB_CHKSUM) {
		unsigned int clen = erofs_sb_checksum_len(sb->blksz);

		if (EROFS_SUPER_OFFSET + clen > len)
			return erofs_err(ei, -EFSCORRUPTED, NULL,
					 "image too small for the checksummed range");
		sb->checksum_ok = erofs_sb_checksum(raw, sb->blksz) == sb->checksum;
	}
	return 0;
}
