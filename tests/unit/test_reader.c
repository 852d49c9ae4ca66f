// SPDX-License-Identifier: MIT
/*
 * Reader parsers on hand-built byte buffers: superblock, inodes,
 * directory blocks, xattr areas (through an in-memory image) and the nid
 * map, each with malformed variants that must be refused with a reason.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "erofs/byteorder.h"
#include "erofs/checksum.h"
#include "erofs/rdata.h"
#include "erofs/rdir.h"
#include "erofs/rxattr.h"
#include "erofs/walk.h"

/* A minimal valid 4 KiB-block superblock in block 0 of @raw. */
static void make_sb(uint8_t *raw)
{
	uint8_t *s = raw + EROFS_SUPER_OFFSET;

	memset(raw, 0, 4096);
	put_le32(s, EROFS_SUPER_MAGIC);
	put_le32(s + 0x08, EROFS_COMPAT_MTIME);
	s[0x0C] = 12;
	put_le16(s + 0x0E, 37);
	put_le64(s + 0x10, 5);
	put_le32(s + 0x24, 10);
}

Test(sb, valid_minimal)
{
	uint8_t raw[4096];
	struct erofs_sb_info sb;

	make_sb(raw);
	cr_assert_eq(erofs_sb_decode(raw, sizeof(raw), &sb, NULL), 0);
	cr_assert_eq(sb.blksz, 4096);
	cr_assert_eq(sb.root_nid, 37);
	cr_assert_eq(sb.blocks, 10);
	cr_assert_eq(sb.available_compr_algs, 1);
	cr_assert(sb.checksum_ok);
}

Test(sb, bad_magic)
{
	uint8_t raw[4096];
	struct erofs_sb_info sb;
	struct erofs_errinfo ei = { 0 };

	make_sb(raw);
	raw[EROFS_SUPER_OFFSET] ^= 1;
	cr_assert_eq(erofs_sb_decode(raw, sizeof(raw), &sb, &ei), -EFSCORRUPTED);
	cr_assert(strstr(ei.reason, "bad magic"), "%s", ei.reason);
}

Test(sb, unknown_incompat_named)
{
	uint8_t raw[4096];
	struct erofs_sb_info sb;
	struct erofs_errinfo ei = { 0 };

	make_sb(raw);
	put_le32(raw + EROFS_SUPER_OFFSET + 0x50, 0x400 | EROFS_INCOMPAT_CHUNKED_FILE);
	cr_assert_eq(erofs_sb_decode(raw, sizeof(raw), &sb, &ei), -EOPNOTSUPP);
	cr_assert_str_eq(ei.reason, "unsupported feature 0x400");
}

Test(sb, limits)
{
	uint8_t raw[4096];
	struct erofs_sb_info sb;

	make_sb(raw);
	raw[EROFS_SUPER_OFFSET + 0x0C] = 13;
	cr_assert_neq(erofs_sb_decode(raw, sizeof(raw), &sb, NULL), 0);
	make_sb(raw);
	raw[EROFS_SUPER_OFFSET + 0x5A] = 1;	/* dirblkbits */
	cr_assert_neq(erofs_sb_decode(raw, sizeof(raw), &sb, NULL), 0);
	make_sb(raw);
	raw[EROFS_SUPER_OFFSET + 0x0D] = 255;	/* sb_extslots */
	cr_assert_neq(erofs_sb_decode(raw, sizeof(raw), &sb, NULL), 0);
	make_sb(raw);
	cr_assert_neq(erofs_sb_decode(raw, 1100, &sb, NULL), 0);
	make_sb(raw);
	raw[EROFS_SUPER_OFFSET + 0x5B] = 200;	/* xattr_prefix_count */
	cr_assert_neq(erofs_sb_decode(raw, sizeof(raw), &sb, NULL), 0);
}

Test(sb, checksum)
{
	uint8_t raw[4096];
	struct erofs_sb_info sb;

	make_sb(raw);
	put_le32(raw + EROFS_SUPER_OFFSET + 0x08,
		 EROFS_COMPAT_MTIME | EROFS_COMPAT_SB_CHKSUM);
	put_le32(raw + EROFS_SUPER_OFFSET + 4, erofs_sb_checksum(raw, 4096));
	cr_assert_eq(erofs_sb_decode(raw, sizeof(raw), &sb, NULL), 0);
	cr_assert(sb.checksum_ok);
	raw[3000] ^= 0x10;
	cr_assert_eq(erofs_sb_decode(raw, sizeof(raw), &sb, NULL), 0);
	cr_assert_not(sb.checksum_ok);
}

Test(sb, root_48bit)
{
	uint8_t raw[4096];
	struct erofs_sb_info sb;
	uint8_t *s = raw + EROFS_SUPER_OFFSET;

	make_sb(raw);
	put_le32(s + 0x50, EROFS_INCOMPAT_48BIT);
	cr_assert_eq(erofs_sb_decode(raw, sizeof(raw), &sb, NULL), 0);
	cr_assert_eq(sb.root_nid, 37);
	put_le64(s + 0x70, 1ULL << 40);
	put_le16(s + 0x0E, 2);
	cr_assert_eq(erofs_sb_decode(raw, sizeof(raw), &sb, NULL), 0);
	cr_assert_eq(sb.root_nid, 1ULL << 40);
	cr_assert_eq(sb.blocks, 10 | (2ULL << 32));
}

/* ---- inodes ---- */

static struct erofs_image fake_image(uint64_t size)
{
	struct erofs_image img = { .fd = -1, .size = size };

	img.sb.blkszbits = 12;
	img.sb.blksz = 4096;
	img.sb.epoch = 1000;
	img.sb.fixed_nsec = 7;
	return img;
}

static void compact(uint8_t *r, uint16_t fmt, uint16_t mode, uint32_t size,
		    uint32_t u)
{
	memset(r, 0, 64);
	put_le16(r, fmt);
	put_le16(r + 4, mode);
	put_le16(r + 6, 1);
	put_le32(r + 8, size);
	put_le32(r + 0x0C, 5);
	put_le32(r + 0x10, u);
	put_le16(r + 0x18, 1000);
	put_le16(r + 0x1A, 100);
}

Test(inode, compact_flat_inline)
{
	struct erofs_image img = fake_image(1 << 20);
	struct erofs_inode in;
	uint8_t r[64];

	compact(r, EROFS_LAYOUT_FLAT_INLINE << 1, 0100644, 5000, 9);
	cr_assert_eq(erofs_inode_decode(&img, 40, 1280, r, 64, &in, NULL), 0);
	cr_assert_eq(in.size, 5000);
	cr_assert_eq(in.mtime, 1005);
	cr_assert_eq(in.mtime_nsec, 7);
	cr_assert_eq(in.uid, 1000);
	cr_assert_eq(in.startblk, 9);
	cr_assert_eq(in.nblocks, 1);
	cr_assert_eq(in.tail_len, 5000 - 4096);
	cr_assert_eq(in.tail_pos, 1280 + 32);
	cr_assert_eq(erofs_inode_read_path(&in), EROFS_READ_UNCOMPRESSED);
}

Test(inode, extended_fields)
{
	struct erofs_image img = fake_image(1 << 20);
	struct erofs_inode in;
	uint8_t r[64];

	compact(r, 1 | (EROFS_LAYOUT_FLAT_PLAIN << 1), 0100600, 0, 3);
	put_le16(r + 6, 0);		/* startblk_hi */
	put_le64(r + 8, 8192);
	put_le32(r + 0x18, 70000);
	put_le64(r + 0x20, (uint64_t)-5);
	put_le32(r + 0x28, 123);
	put_le32(r + 0x2C, 3);
	cr_assert_eq(erofs_inode_decode(&img, 1, 32, r, 64, &in, NULL), 0);
	cr_assert(in.extended);
	cr_assert_eq(in.uid, 70000);
	cr_assert_eq(in.mtime, -5);
	cr_assert_eq(in.mtime_nsec, 123);
	cr_assert_eq(in.nlink, 3);
	cr_assert_eq(in.nblocks, 2);
}

Test(inode, malformed)
{
	struct erofs_image img = fake_image(1 << 20);
	struct erofs_inode in;
	struct erofs_errinfo ei = { 0 };
	uint8_t r[64];

	compact(r, 0x20, 0100644, 1, 0);		/* i_format bit 5 */
	cr_assert_eq(erofs_inode_decode(&img, 2, 64, r, 64, &in, &ei), -EOPNOTSUPP);
	cr_assert_str_eq(ei.subject, "inode 2");
	compact(r, 5 << 1, 0100644, 1, 0);		/* layout 5 */
	cr_assert_neq(erofs_inode_decode(&img, 2, 64, r, 64, &in, NULL), 0);
	compact(r, 0, 0170644, 1, 0);			/* bad type */
	cr_assert_neq(erofs_inode_decode(&img, 2, 64, r, 64, &in, NULL), 0);
	compact(r, 0, 0010644, 1, 0);			/* FIFO with data */
	cr_assert_neq(erofs_inode_decode(&img, 2, 64, r, 64, &in, NULL), 0);
	compact(r, 0, 0100644, 8192, 1000);		/* blocks past the end */
	cr_assert_neq(erofs_inode_decode(&img, 2, 64, r, 64, &in, NULL), 0);
	compact(r, 1, 0100644, 1, 0);			/* extended, truncated */
	cr_assert_neq(erofs_inode_decode(&img, 2, 64, r, 32, &in, NULL), 0);
}

Test(inode, inline_across_blocks)
{
	struct erofs_image img = fake_image(1 << 20);
	struct erofs_inode in;
	struct erofs_errinfo ei = { 0 };
	uint8_t r[64];

	/* tail starts at 4096 - 32 + 32 = block end: 100 bytes cross over */
	compact(r, EROFS_LAYOUT_FLAT_INLINE << 1, 0100644, 100, EROFS_NULL_ADDR);
	cr_assert_eq(erofs_inode_decode(&img, 3, 4096 - 64, r, 64, &in, &ei),
		     -EFSCORRUPTED);
	cr_assert_str_eq(ei.reason, "inline data across blocks");
}

Test(inode, chunked)
{
	struct erofs_image img = fake_image(1 << 20);
	struct erofs_inode in;
	uint8_t r[64];

	compact(r, EROFS_LAYOUT_CHUNK_BASED << 1, 0100644, 3 * 8192 + 1, 0x21);
	cr_assert_neq(erofs_inode_decode(&img, 4, 128, r, 64, &in, NULL), 0);
	img.sb.feature_incompat = EROFS_INCOMPAT_CHUNKED_FILE;
	cr_assert_eq(erofs_inode_decode(&img, 4, 128, r, 64, &in, NULL), 0);
	cr_assert_eq(in.chunkbits, 13);
	cr_assert_eq(in.chunk_unit, 8);
	cr_assert_eq(in.nchunks, 4);
	cr_assert_eq(in.chunk_table_pos, 160);
	compact(r, EROFS_LAYOUT_CHUNK_BASED << 1, 0100644, 0xFFFFFFFF, 0x00);
	img.size = 8192;	/* a 4-byte map for 4 GiB does not fit */
	cr_assert_neq(erofs_inode_decode(&img, 4, 128, r, 64, &in, NULL), 0);
	compact(r, EROFS_LAYOUT_CHUNK_BASED << 1, 0100644, 1, 0x80);
	cr_assert_neq(erofs_inode_decode(&img, 4, 128, r, 64, &in, NULL), 0);
}

/* ---- directory blocks ---- */

static unsigned int dirblock(uint8_t *blk, const char *const *names,
			     unsigned int n, uint8_t ftype)
{
	unsigned int off = 12 * n, i;

	memset(blk, 0, 4096);
	for (i = 0; i < n; i++) {
		put_le64(blk + 12 * i, 100 + i);
		put_le16(blk + 12 * i + 8, off);
		blk[12 * i + 10] = ftype;
		memcpy(blk + off, names[i], strlen(names[i]));
		off += strlen(names[i]);
	}
	return off;
}

Test(dir, valid_and_order)
{
	static const char *const ok[] = { "!bang", ".", "..", "a", "ab", "b" };
	static const char *const bad[] = { ".", "..", "b", "a" };
	static const char *const dup[] = { ".", "..", "a", "a" };
	uint8_t blk[4096];
	const char *reason;
	unsigned int len;

	len = dirblock(blk, ok, 6, EROFS_FT_DIR);
	cr_assert_eq(erofs_dirblock_check(blk, len, 4096, NULL, 0, &reason), 0);
	/* the previous block ended with "zz": this block is out of order */
	cr_assert_neq(erofs_dirblock_check(blk, len, 4096, (const uint8_t *)"zz",
					   2, &reason), 0);
	len = dirblock(blk, bad, 4, EROFS_FT_DIR);
	cr_assert_neq(erofs_dirblock_check(blk, len, 4096, NULL, 0, &reason), 0);
	cr_assert_str_eq(reason, "directory entries not in strict byte order");
	len = dirblock(blk, dup, 4, EROFS_FT_DIR);
	cr_assert_neq(erofs_dirblock_check(blk, len, 4096, NULL, 0, &reason), 0);
}

Test(dir, malformed_names)
{
	static const char *const slash[] = { ".", "..", "a/b" };
	static const char *const tail[] = { ".", "..", "zzz" };
	uint8_t blk[4096];
	const char *reason;
	unsigned int len;

	len = dirblock(blk, slash, 3, EROFS_FT_REG_FILE);
	cr_assert_neq(erofs_dirblock_check(blk, len, 4096, NULL, 0, &reason), 0);
	cr_assert_str_eq(reason, "name contains '/' or NUL");

	len = dirblock(blk, tail, 3, EROFS_FT_REG_FILE);
	put_le16(blk + 8, 13);				/* not a multiple of 12 */
	cr_assert_neq(erofs_dirblock_check(blk, len, 4096, NULL, 0, &reason), 0);
	len = dirblock(blk, tail, 3, EROFS_FT_REG_FILE);
	put_le16(blk + 12 * 2 + 8, 4000);		/* name past the data */
	cr_assert_neq(erofs_dirblock_check(blk, len, 4096, NULL, 0, &reason), 0);
	len = dirblock(blk, tail, 3, 9);		/* file type 9 */
	cr_assert_neq(erofs_dirblock_check(blk, len, 4096, NULL, 0, &reason), 0);
	len = dirblock(blk, tail, 3, EROFS_FT_REG_FILE);
	put_le16(blk + 12 + 8, 36);			/* ".." empty */
	cr_assert_neq(erofs_dirblock_check(blk, len, 4096, NULL, 0, &reason), 0);
	cr_assert_neq(erofs_dirblock_check(blk, 8, 4096, NULL, 0, &reason), 0);
}

/* ---- xattrs through an in-memory image ---- */

struct xattr_seen {
	char names[8][64];
	size_t vlen[8];
	unsigned int n;
};

static int collect(const struct erofs_xattr *x, void *arg)
{
	struct xattr_seen *s = arg;

	if (s->n < 8) {
		snprintf(s->names[s->n], 64, "%s", x->name);
		s->vlen[s->n++] = x->value_len;
	}
	return 0;
}

static struct erofs_image mem_image(const uint8_t *bytes, size_t len)
{
	struct erofs_image img = fake_image(len);

	img.fd = memfd_create("img", 0);
	cr_assert(img.fd >= 0);
	cr_assert_eq(pwrite(img.fd, bytes, len, 0), (ssize_t)len);
	return img;
}

Test(xattr, inline_shared_long_prefix)
{
	static struct erofs_xattr_prefix pfx = {
		.base_index = 4, .infix_len = 3, .infix = "fp.",
	};
	uint8_t raw[8192] = { 0 }, *a = raw + 4096 + 32;
	struct erofs_image img;
	struct erofs_inode in;
	struct xattr_seen seen = { 0 };
	uint8_t *v;
	size_t vlen;

	/* shared entry id 8 at byte 32: user.s = "v" */
	raw[32] = 1; raw[33] = 1; put_le16(raw + 34, 1);
	memcpy(raw + 36, "sv", 2);
	/* inode at 4096: icount 6 => area 32 bytes */
	a[4] = 1;			/* one shared id */
	put_le32(a + 12, 8);
	a[16] = 3; a[17] = 6; put_le16(a + 18, 2);	/* security.abc = "xy" */
	memcpy(a + 20, "abcxy", 5);
	a[28] = 0; a[29] = 0x80; put_le16(a + 30, 0);	/* trusted.fp. (empty) */
	img = mem_image(raw, sizeof(raw));
	img.prefixes = &pfx;
	img.prefix_count = 1;
	img.sb.feature_compat = EROFS_COMPAT_ISHARE_XATTRS;
	in = (struct erofs_inode){ .nid = 128, .iloc = 4096, .inode_isize = 32,
				   .xattr_icount = 6, .xattr_isize = 32 };
	cr_assert_eq(erofs_xattr_foreach(&img, &in, collect, &seen, NULL), 0);
	cr_assert_eq(seen.n, 3);
	cr_assert_str_eq(seen.names[0], "security.abc");
	cr_assert_str_eq(seen.names[1], "trusted.fp.");
	cr_assert_str_eq(seen.names[2], "user.s");
	cr_assert_eq(erofs_xattr_get(&img, &in, "user.s", 6, &v, &vlen, NULL), 0);
	cr_assert_eq(vlen, 1);
	cr_assert_eq(v[0], 'v');
	free(v);
	cr_assert_eq(erofs_inode_fingerprint(&img, &in, &v, &vlen, NULL), 0);
	cr_assert_eq(vlen, 0);

	/* an entry that runs past the area is refused, naming the inode */
	{
		struct erofs_errinfo ei = { 0 };

		put_le16(a + 18, 200);
		cr_assert_eq(pwrite(img.fd, raw, sizeof(raw), 0), (ssize_t)sizeof(raw));
		cr_assert_eq(erofs_xattr_foreach(&img, &in, collect, &seen, &ei),
			     -EFSCORRUPTED);
		cr_assert_str_eq(ei.subject, "inode 128");
	}
	close(img.fd);
}

Test(xattr, bad_ids_and_prefixes)
{
	uint8_t raw[8192] = { 0 }, *a = raw + 4096 + 32;
	struct erofs_image img;
	struct erofs_inode in = { .nid = 128, .iloc = 4096, .inode_isize = 32,
				  .xattr_icount = 3, .xattr_isize = 20 };
	struct xattr_seen seen = { 0 };

	a[4] = 1;
	put_le32(a + 12, 0x3FFFFFFF);	/* shared id far past the end */
	img = mem_image(raw, sizeof(raw));
	cr_assert_eq(erofs_xattr_foreach(&img, &in, collect, &seen, NULL),
		     -EFSCORRUPTED);
	a[4] = 0;
	a[12] = 0; a[13] = 0x85; put_le16(a + 14, 0);	/* long prefix 5 of 0 */
	cr_assert_eq(pwrite(img.fd, raw, sizeof(raw), 0), (ssize_t)sizeof(raw));
	cr_assert_eq(erofs_xattr_foreach(&img, &in, collect, &seen, NULL),
		     -EFSCORRUPTED);
	in.xattr_icount = 1;
	in.xattr_isize = 12;
	cr_assert_eq(erofs_xattr_foreach(&img, &in, collect, &seen, NULL),
		     -EFSCORRUPTED);
	close(img.fd);
}

/* ---- flat data through an in-memory image ---- */

Test(data, flat_inline_and_hole)
{
	uint8_t raw[3 * 4096] = { 0 }, buf[5000];
	struct erofs_image img;
	struct erofs_inode in;
	uint8_t r[64];

	memset(raw + 8192, 'B', 4096);		/* block 2 */
	memset(raw + 4096 + 32, 'T', 904);	/* tail after the inode */
	compact(r, EROFS_LAYOUT_FLAT_INLINE << 1, 0100644, 5000, 2);
	img = mem_image(raw, sizeof(raw));
	cr_assert_eq(erofs_inode_decode(&img, 128, 4096, r, 64, &in, NULL), 0);
	cr_assert_eq(erofs_inode_pread(&img, &in, buf, sizeof(buf), 0, NULL), 5000);
	cr_assert_eq(buf[4095], 'B');
	cr_assert_eq(buf[4096], 'T');
	cr_assert_eq(buf[4999], 'T');
	cr_assert_eq(erofs_inode_pread(&img, &in, buf, 10, 4995, NULL), 5);
	/* FLAT_PLAIN at the null address is a hole */
	compact(r, 0, 0100644, 4096, EROFS_NULL_ADDR);
	cr_assert_eq(erofs_inode_decode(&img, 128, 4096, r, 64, &in, NULL), 0);
	cr_assert(in.startblk_null);
	memset(buf, 1, sizeof(buf));
	cr_assert_eq(erofs_inode_pread(&img, &in, buf, 4096, 0, NULL), 4096);
	cr_assert_eq(buf[0], 0);
	cr_assert_eq(buf[4095], 0);
	close(img.fd);
}

Test(nidmap, counts)
{
	struct erofs_nidmap m;
	uint64_t i;

	erofs_nidmap_init(&m);
	for (i = 0; i < 10000; i++)
		cr_assert_eq(erofs_nidmap_inc(&m, i * 7), 1);
	cr_assert_eq(erofs_nidmap_inc(&m, 70), 2);
	cr_assert_eq(erofs_nidmap_get(&m, 70), 2);
	cr_assert_eq(erofs_nidmap_get(&m, 71), 0);
	cr_assert_eq(erofs_nidmap_inc(&m, UINT64_MAX), -EINVAL);
	cr_assert_eq(erofs_nidmap_set(&m, 5, 42), 0);
	cr_assert_eq(erofs_nidmap_get(&m, 5), 42);
	erofs_nidmap_destroy(&m);
}
