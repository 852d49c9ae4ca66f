/* SPDX-License-Identifier: MIT */
/*
 * EROFS on-disk format: structures, constants and size checks.
 *
 * Written from the project's format reference (docs/erofs-format.md).
 * All multi-byte fields are little-endian on disk; the structs below are
 * byte images of the disk layout and must only be accessed through the
 * le*_to_cpu / cpu_to_le* helpers in this file.
 */
#ifndef EROFS_FORMAT_H
#define EROFS_FORMAT_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#define EROFS_SUPER_OFFSET	1024
#define EROFS_SUPER_MAGIC	0xE0F5E1E2U
#define EROFS_SB_BASE_SIZE	128
#define EROFS_SB_EXTSLOT_SIZE	16

#define EROFS_MIN_BLKSZBITS	9
#define EROFS_MAX_BLKSZBITS	12	/* kernel: blkszbits <= PAGE_SHIFT */
#define EROFS_NAME_LEN		255
#define EROFS_ISLOT_BITS	5
#define EROFS_ISLOT_SIZE	(1U << EROFS_ISLOT_BITS)
#define EROFS_NULL_ADDR		0xFFFFFFFFU
#define EROFS_MAX_SYMLINK	4095

/* feature_compat */
#define EROFS_COMPAT_SB_CHKSUM		0x00000001
#define EROFS_COMPAT_MTIME		0x00000002
#define EROFS_COMPAT_XATTR_FILTER	0x00000004
#define EROFS_COMPAT_SHARED_EA_IN_METABOX 0x00000008
#define EROFS_COMPAT_PLAIN_XATTR_PFX	0x00000010
#define EROFS_COMPAT_ISHARE_XATTRS	0x00000020

/* feature_incompat */
#define EROFS_INCOMPAT_LZ4_0PADDING	0x00000001
#define EROFS_INCOMPAT_COMPR_CFGS	0x00000002
#define EROFS_INCOMPAT_BIG_PCLUSTER	0x00000002
#define EROFS_INCOMPAT_CHUNKED_FILE	0x00000004
#define EROFS_INCOMPAT_DEVICE_TABLE	0x00000008
#define EROFS_INCOMPAT_COMPR_HEAD2	0x00000008
#define EROFS_INCOMPAT_ZTAILPACKING	0x00000010
#define EROFS_INCOMPAT_FRAGMENTS	0x00000020
#define EROFS_INCOMPAT_DEDUPE		0x00000020
#define EROFS_INCOMPAT_XATTR_PREFIXES	0x00000040
#define EROFS_INCOMPAT_48BIT		0x00000080
#define EROFS_INCOMPAT_METABOX		0x00000100
#define EROFS_INCOMPAT_ALL		0x000001FF
/* The v8 draft of the page-cache-sharing series; never written. */
#define EROFS_INCOMPAT_DRAFT_ISHARE_KEY	0x00000200

/* Superblock, at byte EROFS_SUPER_OFFSET (format doc §2.1). */
struct erofs_super_block {
	uint32_t magic;
	uint32_t checksum;
	uint32_t feature_compat;
	uint8_t  blkszbits;
	uint8_t  sb_extslots;
	uint16_t rootnid_2b;		/* or blocks_hi with 48BIT */
	uint64_t inos;
	uint64_t epoch;
	uint32_t fixed_nsec;
	uint32_t blocks_lo;
	uint32_t meta_blkaddr;
	uint32_t xattr_blkaddr;
	uint8_t  uuid[16];
	uint8_t  volume_name[16];
	uint32_t feature_incompat;
	uint16_t u1;			/* available_compr_algs or lz4_max_distance */
	uint16_t extra_devices;
	uint16_t devt_slotoff;
	uint8_t  dirblkbits;
	uint8_t  xattr_prefix_count;
	uint32_t xattr_prefix_start;
	uint64_t packed_nid;
	uint8_t  xattr_filter_reserved;
	uint8_t  ishare_xattr_prefix_id;
	uint16_t reserved;
	uint32_t build_time;
	uint64_t rootnid_8b;
	uint64_t reserved2;
	/* extension slot 1 (sb_extslots >= 1) */
	uint64_t metabox_nid;
	uint64_t reserved3;
} __attribute__((packed));

/* i_format */
#define EROFS_I_VERSION_MASK		0x0001
#define EROFS_I_VERSION_COMPACT		0
#define EROFS_I_VERSION_EXTENDED	1
#define EROFS_I_DATALAYOUT_SHIFT	1
#define EROFS_I_DATALAYOUT_MASK		0x0007
#define EROFS_I_NLINK_1_BIT		0x0010	/* non-directories */
#define EROFS_I_DOT_OMITTED_BIT		0x0010	/* directories */
#define EROFS_I_ALL_BITS		0x001F

enum erofs_datalayout {
	EROFS_LAYOUT_FLAT_PLAIN = 0,
	EROFS_LAYOUT_COMPRESSED_FULL = 1,
	EROFS_LAYOUT_FLAT_INLINE = 2,
	EROFS_LAYOUT_COMPRESSED_COMPACT = 3,
	EROFS_LAYOUT_CHUNK_BASED = 4,
	EROFS_LAYOUT_MAX = 5,
};

static inline unsigned int erofs_i_layout(uint16_t i_format)
{
	return (i_format >> EROFS_I_DATALAYOUT_SHIFT) & EROFS_I_DATALAYOUT_MASK;
}

static inline int erofs_layout_is_compressed(unsigned int layout)
{
	return layout == EROFS_LAYOUT_COMPRESSED_FULL ||
	       layout == EROFS_LAYOUT_COMPRESSED_COMPACT;
}

/* 32-byte compact inode (format doc §3.2). */
struct erofs_inode_compact {
	uint16_t i_format;
	uint16_t i_xattr_icount;
	uint16_t i_mode;
	uint16_t i_nb;			/* nlink, or startblk_hi with NLINK_1 */
	uint32_t i_size;
	uint32_t i_mtime;		/* relative to sb epoch */
	uint32_t i_u;
	uint32_t i_ino;
	uint16_t i_uid;
	uint16_t i_gid;
	uint32_t i_reserved;
} __attribute__((packed));

/* 64-byte extended inode (format doc §3.3). */
struct erofs_inode_extended {
	uint16_t i_format;
	uint16_t i_xattr_icount;
	uint16_t i_mode;
	uint16_t i_nb;			/* startblk_hi / blocks_hi */
	uint64_t i_size;
	uint32_t i_u;
	uint32_t i_ino;
	uint32_t i_uid;
	uint32_t i_gid;
	uint64_t i_mtime;
	uint32_t i_mtime_nsec;
	uint32_t i_nlink;
	uint8_t  i_reserved[16];
} __attribute__((packed));

/* Chunk-based i_u.format (format doc §6). */
#define EROFS_CHUNK_FORMAT_BLKBITS_MASK	0x001F
#define EROFS_CHUNK_FORMAT_INDEXES	0x0020
#define EROFS_CHUNK_FORMAT_48BIT	0x0040
#define EROFS_CHUNK_FORMAT_ALL		0x007F

struct erofs_inode_chunk_index {
	uint16_t startblk_hi;
	uint16_t device_id;
	uint32_t startblk_lo;
} __attribute__((packed));

/* Directory entry (format doc §4.1). */
struct erofs_dirent {
	uint64_t nid;
	uint16_t nameoff;
	uint8_t  file_type;
	uint8_t  reserved;
} __attribute__((packed));

enum erofs_file_type {
	EROFS_FT_UNKNOWN = 0,
	EROFS_FT_REG_FILE = 1,
	EROFS_FT_DIR = 2,
	EROFS_FT_CHRDEV = 3,
	EROFS_FT_BLKDEV = 4,
	EROFS_FT_FIFO = 5,
	EROFS_FT_SOCK = 6,
	EROFS_FT_SYMLINK = 7,
	EROFS_FT_MAX = 8,
};

/* Inline xattr area header (format doc §5.1). */
struct erofs_xattr_ibody_header {
	uint32_t h_name_filter;		/* inverted bloom filter */
	uint8_t  h_shared_count;
	uint8_t  h_reserved2[7];
	/* followed by h_shared_count le32 shared xattr ids */
} __attribute__((packed));

/* Xattr entry, inline and shared (format doc §5.2). */
struct erofs_xattr_entry {
	uint8_t  e_name_len;
	uint8_t  e_name_index;
	uint16_t e_value_size;
	/* followed by the name suffix, then the value */
} __attribute__((packed));

/* Short name indexes (format doc §5.3). */
enum erofs_xattr_index {
	EROFS_XATTR_INDEX_NONE = 0,
	EROFS_XATTR_INDEX_USER = 1,
	EROFS_XATTR_INDEX_POSIX_ACL_ACCESS = 2,
	EROFS_XATTR_INDEX_POSIX_ACL_DEFAULT = 3,
	EROFS_XATTR_INDEX_TRUSTED = 4,
	EROFS_XATTR_INDEX_LUSTRE = 5,
	EROFS_XATTR_INDEX_SECURITY = 6,
	EROFS_XATTR_INDEX_MAX = 7,
};
#define EROFS_XATTR_LONG_PREFIX		0x80
#define EROFS_XATTR_LONG_PREFIX_MASK	0x7F
#define EROFS_XATTR_MAX_PREFIXES	128
#define EROFS_XATTR_PREFIX_MAX_LEN	256	/* record len: base byte + infix */
#define EROFS_XATTR_FILTER_BITS		32
#define EROFS_XATTR_FILTER_SEED		0x25BBE08FU

/* Long prefix record header: le16 len, u8 base_index, infix (format doc §5.6). */
struct erofs_xattr_long_prefix {
	uint8_t base_index;
	char    infix[];
} __attribute__((packed));

/* Page-cache-sharing fingerprint value (format doc §8.1). */
#define EROFS_ISHARE_DEFAULT_NAME	"erofs.fingerprint.v1"
#define EROFS_ISHARE_VALUE_TAG		"sha256:"
#define EROFS_ISHARE_TAG_LEN		7
#define EROFS_ISHARE_DIGEST_LEN		32
#define EROFS_ISHARE_VALUE_LEN		(EROFS_ISHARE_TAG_LEN + EROFS_ISHARE_DIGEST_LEN)

/* Compression map header (format doc §7.2). */
struct erofs_map_header {
	union {
		uint32_t h_fragmentoff;
		struct {
			uint16_t h_reserved1;
			uint16_t h_idata_size;
		} __attribute__((packed));
	};
	uint16_t h_advise;
	uint8_t  h_algorithmtype;
	uint8_t  h_clusterbits;
} __attribute__((packed));

#define EROFS_ADVISE_COMPACTED_2B	0x0001
#define EROFS_ADVISE_EXTENTS		0x0001
#define EROFS_ADVISE_BIG_PCLUSTER_1	0x0002
#define EROFS_ADVISE_BIG_PCLUSTER_2	0x0004
#define EROFS_ADVISE_INLINE_PCLUSTER	0x0008
#define EROFS_ADVISE_INTERLACED_PCLUSTER 0x0010
#define EROFS_ADVISE_FRAGMENT_PCLUSTER	0x0020

enum erofs_compr_alg {
	EROFS_COMPR_LZ4 = 0,
	EROFS_COMPR_LZMA = 1,
	EROFS_COMPR_DEFLATE = 2,
	EROFS_COMPR_ZSTD = 3,
	EROFS_COMPR_MAX = 4,
};

/* Device table slot (format doc §2.7). */
struct erofs_deviceslot {
	uint8_t  tag[64];
	uint32_t blocks_lo;
	uint32_t uniaddr_lo;
	uint16_t blocks_hi;
	uint16_t uniaddr_hi;
	uint8_t  reserved[52];
} __attribute__((packed));

_Static_assert(sizeof(struct erofs_super_block) == 144, "superblock size");
_Static_assert(offsetof(struct erofs_super_block, ishare_xattr_prefix_id) == 0x69,
	       "ishare_xattr_prefix_id offset");
_Static_assert(offsetof(struct erofs_super_block, metabox_nid) == 0x80, "metabox");
_Static_assert(sizeof(struct erofs_inode_compact) == 32, "compact inode size");
_Static_assert(sizeof(struct erofs_inode_extended) == 64, "extended inode size");
_Static_assert(offsetof(struct erofs_inode_extended, i_mtime) == 0x20, "ext mtime");
_Static_assert(sizeof(struct erofs_dirent) == 12, "dirent size");
_Static_assert(sizeof(struct erofs_xattr_ibody_header) == 12, "xattr header size");
_Static_assert(sizeof(struct erofs_xattr_entry) == 4, "xattr entry size");
_Static_assert(sizeof(struct erofs_map_header) == 8, "map header size");
_Static_assert(sizeof(struct erofs_inode_chunk_index) == 8, "chunk index size");
_Static_assert(sizeof(struct erofs_deviceslot) == 128, "device slot size");

/* Size of the inline xattr area for a given i_xattr_icount (§5.1). */
static inline unsigned int erofs_xattr_ibody_size(uint16_t icount)
{
	return icount ? 12 + 4 * (unsigned int)(icount - 1) : 0;
}

static inline unsigned int erofs_xattr_entry_size(unsigned int name_len,
						  unsigned int value_size)
{
	return (4 + name_len + value_size + 3) & ~3U;
}

/* The kernel's rdev encoding in i_u (§3.5). */
static inline uint32_t erofs_encode_rdev(unsigned int major, unsigned int minor)
{
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

static inline void erofs_decode_rdev(uint32_t v, unsigned int *major,
				     unsigned int *minor)
{
	*major = (v & 0xfff00) >> 8;
	*minor = (v & 0xff) | ((v >> 12) & 0xfff00);
}

/* Dirent file type for a POSIX mode (§4.1). */
static inline unsigned int erofs_ftype_from_mode(unsigned int mode)
{
	switch (mode & 0170000) {
	case 0100000: return EROFS_FT_REG_FILE;
	case 0040000: return EROFS_FT_DIR;
	case 0020000: return EROFS_FT_CHRDEV;
	case 0060000: return EROFS_FT_BLKDEV;
	case 0010000: return EROFS_FT_FIFO;
	case 0140000: return EROFS_FT_SOCK;
	case 0120000: return EROFS_FT_SYMLINK;
	default: return EROFS_FT_UNKNOWN;
	}
}

#endif /* EROFS_FORMAT_H */
