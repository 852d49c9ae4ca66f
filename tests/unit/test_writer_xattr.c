// SPDX-License-Identifier: MIT
/* Writer xattr room: name mapping, order, entries, filter, prefix table. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "erofs/byteorder.h"
#include "erofs/inode_tree.h"
#include "erofs/ishare_key.h"
#include "erofs/xattr_write.h"

static struct erofs_prefix_table tbl;
static struct erofs_xattr_set set;

static void setup_with(const char *const *texts, size_t n, int ishare)
{
	struct erofs_errinfo ei = { 0 };

	cr_assert_eq(erofs_prefix_table_build(&tbl, texts, n, ishare, &ei), 0,
		     "%s", ei.reason);
	cr_assert_eq(erofs_xattr_set_init(&set, &tbl), 0);
}

static struct erofs_xattr_item *intern(const char *name, const char *value)
{
	int err;
	struct erofs_xattr_item *it = erofs_xattr_intern(&set, name,
			strlen(name), value, strlen(value), &err);

	cr_assert_eq(err, 0);
	return it;
}

static void teardown(void)
{
	erofs_xattr_set_destroy(&set);
}

Test(writer_xattr, short_index_mapping, .fini = teardown)
{
	struct erofs_xattr_item *it;

	setup_with(NULL, 0, -1);
	it = intern("user.foo", "bar");
	cr_assert_not_null(it);
	cr_expect_eq(it->index, EROFS_XATTR_INDEX_USER);
	cr_expect_eq(it->name_len - it->suffix_off, 3);
	it = intern("system.posix_acl_access", "\x02");
	cr_expect_eq(it->index, EROFS_XATTR_INDEX_POSIX_ACL_ACCESS);
	cr_expect_eq(it->name_len, it->suffix_off);
	it = intern("security.selinux", "x");
	cr_expect_eq(it->index, EROFS_XATTR_INDEX_SECURITY);
	/* no short prefix and no long prefix: would be invisible, skipped */
	cr_expect_null(intern("system.other", "x"));
}

Test(writer_xattr, long_prefix_first_match, .fini = teardown)
{
	const char *texts[] = { "user.foo.", "trusted.", "hidden.ns." };
	struct erofs_xattr_item *it;

	setup_with(texts, 3, -1);
	it = intern("user.foo.bar", "v");
	cr_expect_eq(it->index, 0x80);
	cr_expect_eq(memcmp(it->name + it->suffix_off, "bar", 3), 0);
	/* "trusted." as a long prefix has an empty infix and matches */
	it = intern("trusted.x", "v");
	cr_expect_eq(it->index, 0x81);
	/* base 0 prefixes make otherwise unstorable names storable */
	it = intern("hidden.ns.key", "v");
	cr_assert_not_null(it);
	cr_expect_eq(it->index, 0x82);
	cr_expect_eq(tbl.p[2].base_index, 0);
}

Test(writer_xattr, interning_counts_repeats, .fini = teardown)
{
	struct erofs_xattr_item *a, *b, *c;

	setup_with(NULL, 0, -1);
	a = intern("user.shared", "v");
	b = intern("user.shared", "v");
	c = intern("user.shared", "w");
	cr_expect_eq(a, b);
	cr_expect_neq(a, c);
	cr_expect_eq(a->count, 2);
	intern("user.shared", "v");
	cr_assert_eq(erofs_xattr_select_shared(&set, 2), 0);
	cr_expect_eq(set.n_shared, 1);
	cr_expect_eq(a->shared_id, 0);
	cr_expect_eq(c->shared_id, -1);
	/* 4 + 6 ("shared") + 1 rounded to 12 */
	cr_expect_eq(set.shared_size, 12);
}

Test(writer_xattr, sort_order_full_name_then_value, .fini = teardown)
{
	struct erofs_xattr_item *sel, *com, *foo, *foo2;

	setup_with(NULL, 0, -1);
	foo2 = intern("user.foo", "z");
	foo = intern("user.foo", "bar");
	com = intern("user.comment", "hello");
	sel = intern("security.selinux", "sel");
	cr_expect_lt(erofs_xattr_item_cmp(sel, com), 0);
	cr_expect_lt(erofs_xattr_item_cmp(com, foo), 0);
	cr_expect_lt(erofs_xattr_item_cmp(foo, foo2), 0);
}

Test(writer_xattr, fingerprint_entry_bytes)
{
	uint8_t digest[32], value[EROFS_ISHARE_VALUE_LEN], out[48];
	const uint8_t head[] = { 0x00, 0x80, 0x27, 0x00,
				 's', 'h', 'a', '2', '5', '6', ':' };
	unsigned int i, size;

	for (i = 0; i < 32; i++)
		digest[i] = 0xa0 + i;
	erofs_ishare_value(digest, value);
	size = erofs_xattr_entry_encode(out, 0x80, "", 0, value, sizeof(value));
	cr_expect_eq(size, 44);
	cr_expect_eq(memcmp(out, head, sizeof(head)), 0);
	cr_expect_eq(memcmp(out + 11, digest, 32), 0);
	cr_expect_eq(out[43], 0);	/* padding */
}

/* Format doc §5.4: {security.selinux, user.comment, user.foo} filter. */
Test(writer_xattr, inode_area_and_bloom_filter, .fini = teardown)
{
	struct erofs_wnode n = { 0 };
	struct erofs_xattr_item *items[3];
	struct erofs_errinfo ei = { 0 };
	uint8_t area[128];

	setup_with(NULL, 0, -1);
	items[0] = intern("user.foo", "bar");
	items[1] = intern("security.selinux", "sel");
	items[2] = intern("user.comment", "hello");
	n.xattrs = items;
	n.n_xattrs = 3;
	cr_assert_eq(erofs_xattr_prepare_inode(&set, &n, &ei, "x"), 0);
	/* 12 + (4+7+3 -> 16) + (4+7+5 -> 16) + (4+3+3 -> 12) */
	cr_expect_eq(n.xattr_isize, 56);
	erofs_xattr_encode_inode(&set, &n, 0, area);
	cr_expect_eq(get_le32(area), 0xFFF7E7FF);
	cr_expect_eq(area[4], 0);
	/* sorted: security.selinux first */
	cr_expect_eq(area[12], 7);
	cr_expect_eq(area[13], EROFS_XATTR_INDEX_SECURITY);
	cr_expect_eq(memcmp(area + 16, "selinuxsel", 10), 0);
	cr_expect_eq(memcmp(area + 32, "commenthello", 12), 0);
	cr_expect_eq(memcmp(area + 48, "foobar", 6), 0);
}

Test(writer_xattr, shared_ids_in_area, .fini = teardown)
{
	struct erofs_wnode n = { 0 };
	struct erofs_xattr_item *items[1];
	struct erofs_errinfo ei = { 0 };
	uint8_t area[32];
	int i;

	setup_with(NULL, 0, -1);
	for (i = 0; i < 3; i++)
		items[0] = intern("user.shared", "v");
	cr_assert_eq(erofs_xattr_select_shared(&set, 2), 0);
	n.xattrs = items;
	n.n_xattrs = 1;
	cr_assert_eq(erofs_xattr_prepare_inode(&set, &n, &ei, "x"), 0);
	cr_expect_eq(n.xattr_isize, 16);
	erofs_xattr_encode_inode(&set, &n, 288, area);
	cr_expect_eq(area[4], 1);
	cr_expect_eq(get_le32(area + 12), 288);
}

Test(writer_xattr, fingerprint_in_name_order, .fini = teardown)
{
	const char *texts[] = { "trusted.erofs.fingerprint" };
	struct erofs_wnode n = { 0 };
	struct erofs_xattr_item *items[2];
	struct erofs_errinfo ei = { 0 };
	uint8_t area[128];

	setup_with(texts, 1, 0);
	items[0] = intern("security.selinux", "sel");
	items[1] = intern("user.foo", "bar");
	/* the key's own name is mkfs's: a source value is dropped */
	cr_expect_null(intern("trusted.erofs.fingerprint", "forged"));
	n.xattrs = items;
	n.n_xattrs = 2;
	n.fingerprint = true;
	cr_assert_eq(erofs_xattr_prepare_inode(&set, &n, &ei, "x"), 0);
	cr_expect_eq(n.xattr_isize, 12 + 16 + 44 + 12);
	erofs_xattr_encode_inode(&set, &n, 0, area);
	/* security.* < trusted.erofs.fingerprint < user.* */
	cr_expect_eq(area[12 + 16 + 1], 0x80);
	cr_expect_eq(area[12 + 16 + 2], 39);
	cr_expect_eq(area[12 + 16 + 44 + 1], EROFS_XATTR_INDEX_USER);
}

Test(writer_xattr, prefix_table_encoding)
{
	const char *texts[] = { "erofs.fingerprint.v1", "trusted.erofs.fingerprint" };
	struct erofs_prefix_table t;
	struct erofs_errinfo ei = { 0 };
	uint8_t out[64];

	cr_assert_eq(erofs_prefix_table_build(&t, texts, 2, 0, &ei), 0);
	/* 2 + 21 -> 24, 2 + 18 -> 20 */
	cr_expect_eq(erofs_prefix_table_size(&t), 44);
	erofs_prefix_table_encode(&t, out);
	cr_expect_eq(get_le16(out), 21);
	cr_expect_eq(out[2], 0);
	cr_expect_eq(memcmp(out + 3, "erofs.fingerprint.v1", 20), 0);
	cr_expect_eq(out[23], 0);
	cr_expect_eq(get_le16(out + 24), 18);
	cr_expect_eq(out[26], EROFS_XATTR_INDEX_TRUSTED);
	cr_expect_eq(memcmp(out + 27, "erofs.fingerprint", 17), 0);
}

Test(writer_xattr, ishare_key_validation)
{
	struct erofs_xattr_prefix p;
	struct erofs_errinfo ei = { 0 };
	char longname[300];

	cr_expect_eq(erofs_ishare_key_parse("erofs.fingerprint.v1", &p, &ei), 0);
	cr_expect_eq(p.base_index, 0);
	cr_expect_eq(erofs_ishare_key_parse("system.erofs.fingerprint", &p, &ei), 0);
	cr_expect_eq(p.base_index, 0);
	cr_expect_eq(erofs_ishare_key_parse("", &p, &ei), -EINVAL);
	erofs_err_clear(&ei);
	cr_expect_eq(erofs_ishare_key_parse("user.", &p, &ei), -EINVAL);
	erofs_err_clear(&ei);
	cr_expect_eq(erofs_ishare_key_parse("system.posix_acl_access", &p, &ei),
		     -EINVAL);
	erofs_err_clear(&ei);
	cr_expect_eq(erofs_ishare_key_parse("bad\nname", &p, &ei), -EINVAL);
	erofs_err_clear(&ei);
	/* the VFS limit counts the namespace: 8 + 247 = 255 fits, 256 not */
	memcpy(longname, "trusted.", 8);
	memset(longname + 8, 'a', 248);
	longname[256] = 0;
	cr_expect_eq(erofs_ishare_key_parse(longname, &p, &ei), -ENAMETOOLONG);
	cr_expect_str_eq(ei.subject, longname);
	cr_expect_str_eq(ei.reason,
			 "invalid fingerprint key: longer than 255 bytes (namespace included)");
	erofs_err_clear(&ei);
	longname[255] = 0;
	cr_expect_eq(erofs_ishare_key_parse(longname, &p, &ei), 0);
	cr_expect_eq(p.base_index, EROFS_XATTR_INDEX_TRUSTED);
	cr_expect_eq(p.infix_len, 247);
}

/* Names the kernel acts on would break every file that carries one. */
Test(writer_xattr, ishare_key_reserved)
{
	static const char *const bad[] = {
		"security.capability", "security.selinux", "security.ima",
		"security.evm", "security.SMACK64", "security.SMACK64EXEC",
		"security.apparmor", "security.apparmor.x",
		"trusted.overlay.opaque", "user.overlay.redirect",
		"system.posix_acl_access", "system.posix_acl_default",
	};
	static const char *const good[] = {
		"security.capabilityx", "security.fp", "trusted.overlayfp",
		"user.fp.overlay.x",
	};
	struct erofs_xattr_prefix p;
	struct erofs_errinfo ei = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		erofs_err_clear(&ei);
		cr_expect_eq(erofs_ishare_key_parse(bad[i], &p, &ei), -EINVAL,
			     "%s accepted", bad[i]);
		cr_expect_str_eq(ei.subject, bad[i]);
		cr_expect(!strncmp(ei.reason,
				   "invalid fingerprint key: reserved by the kernel (", 49),
			  "%s: %s", bad[i], ei.reason);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect_eq(erofs_ishare_key_parse(good[i], &p, &ei), 0,
			     "%s refused", good[i]);
}
