// SPDX-License-Identifier: MIT
/* On-disk format constants, checksum and bloom hash against the format doc. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "erofs/checksum.h"
#include "erofs/format.h"
#include "erofs/xattr.h"

Test(format, superblock_offsets)
{
	cr_expect_eq(offsetof(struct erofs_super_block, blkszbits), 0x0C);
	cr_expect_eq(offsetof(struct erofs_super_block, inos), 0x10);
	cr_expect_eq(offsetof(struct erofs_super_block, uuid), 0x30);
	cr_expect_eq(offsetof(struct erofs_super_block, feature_incompat), 0x50);
	cr_expect_eq(offsetof(struct erofs_super_block, xattr_prefix_start), 0x5C);
	cr_expect_eq(offsetof(struct erofs_super_block, packed_nid), 0x60);
	cr_expect_eq(offsetof(struct erofs_super_block, ishare_xattr_prefix_id), 0x69);
	cr_expect_eq(offsetof(struct erofs_super_block, build_time), 0x6C);
	cr_expect_eq(offsetof(struct erofs_super_block, rootnid_8b), 0x70);
}

Test(format, inode_offsets)
{
	cr_expect_eq(offsetof(struct erofs_inode_compact, i_u), 0x10);
	cr_expect_eq(offsetof(struct erofs_inode_compact, i_uid), 0x18);
	cr_expect_eq(offsetof(struct erofs_inode_extended, i_uid), 0x18);
	cr_expect_eq(offsetof(struct erofs_inode_extended, i_mtime_nsec), 0x28);
	cr_expect_eq(offsetof(struct erofs_inode_extended, i_nlink), 0x2C);
}

Test(format, xattr_sizes)
{
	cr_expect_eq(erofs_xattr_ibody_size(0), 0);
	cr_expect_eq(erofs_xattr_ibody_size(1), 12);
	cr_expect_eq(erofs_xattr_ibody_size(3), 20);
	/* the fingerprint entry: 4 + 0 + 39 rounded to 44 */
	cr_expect_eq(erofs_xattr_entry_size(0, EROFS_ISHARE_VALUE_LEN), 44);
}

Test(format, rdev_example)
{
	unsigned int maj, min;

	cr_expect_eq(erofs_encode_rdev(300, 70000), 286338160U);
	erofs_decode_rdev(286338160U, &maj, &min);
	cr_expect_eq(maj, 300);
	cr_expect_eq(min, 70000);
}

Test(checksum, crc32c_check_value)
{
	uint32_t c = erofs_crc32c(0xFFFFFFFFU, "123456789", 9) ^ 0xFFFFFFFFU;

	cr_expect_eq(c, 0xE3069283U);
}

Test(checksum, register_after_magic_and_zero)
{
	static const uint8_t head[8] = { 0xe2, 0xe1, 0xf5, 0xe0, 0, 0, 0, 0 };

	cr_expect_eq(erofs_crc32c(0xFFFFFFFFU, head, 8), 0x5045B54AU);
}

Test(checksum, ignores_stored_field)
{
	uint8_t blk[4096] = { 0 };
	uint32_t a, b;

	memcpy(blk + 1024, "\xe2\xe1\xf5\xe0", 4);
	blk[2000] = 7;
	a = erofs_sb_checksum(blk, 4096);
	memset(blk + 1028, 0xAB, 4);
	b = erofs_sb_checksum(blk, 4096);
	cr_expect_eq(a, b);
	blk[4095] = 1;	/* last covered byte */
	cr_expect_neq(erofs_sb_checksum(blk, 4096), a);
}

static uint32_t filter_of(const char *const *names, int n)
{
	uint32_t bits = 0;
	int i;

	for (i = 0; i < n; i++) {
		unsigned int idx;
		size_t plen;

		cr_assert_eq(erofs_xattr_short_index(names[i], strlen(names[i]),
						     &idx, &plen), 0);
		bits |= 1U << erofs_xattr_filter_bit(idx, names[i] + plen,
						     strlen(names[i]) - plen);
	}
	return ~bits;
}

Test(xattr, bloom_examples_from_format_doc)
{
	static const char *const a[] = { "security.selinux", "user.comment", "user.foo" };
	static const char *const b[] = { "system.posix_acl_access", "user.shared" };

	cr_expect_eq(filter_of(a, 3), 0xFFF7E7FFU);
	cr_expect_eq(filter_of(b, 2), 0xB7FFFFFFU);
}

Test(xattr, short_index_rules)
{
	unsigned int idx;
	size_t plen;

	cr_expect_eq(erofs_xattr_short_index("trusted.x", 9, &idx, &plen), 0);
	cr_expect_eq(idx, EROFS_XATTR_INDEX_TRUSTED);
	cr_expect_eq(plen, 8);
	/* an ACL index matches only the exact name */
	cr_expect_eq(erofs_xattr_short_index("system.posix_acl_accessX", 24,
					     &idx, &plen), -ENODATA);
	cr_expect_eq(erofs_xattr_short_index("system.foo", 10, &idx, &plen),
		     -ENODATA);
}

Test(xattr, prefix_from_text)
{
	struct erofs_xattr_prefix p;
	char buf[300], longname[300];

	cr_assert_eq(erofs_xattr_prefix_from_text("trusted.erofs.fingerprint", &p), 0);
	cr_expect_eq(p.base_index, EROFS_XATTR_INDEX_TRUSTED);
	cr_expect_eq(p.infix_len, strlen("erofs.fingerprint"));
	erofs_xattr_prefix_text(&p, buf, sizeof(buf));
	cr_expect_str_eq(buf, "trusted.erofs.fingerprint");

	cr_assert_eq(erofs_xattr_prefix_from_text(EROFS_ISHARE_DEFAULT_NAME, &p), 0);
	cr_expect_eq(p.base_index, 0);
	cr_expect_eq(p.infix_len, 20);

	cr_expect_eq(erofs_xattr_prefix_from_text("", &p), -EINVAL);
	memset(longname, 'a', 256);
	longname[256] = '\0';
	cr_expect_eq(erofs_xattr_prefix_from_text(longname, &p), -ENAMETOOLONG);
	longname[255] = '\0';
	cr_expect_eq(erofs_xattr_prefix_from_text(longname, &p), 0);
}
