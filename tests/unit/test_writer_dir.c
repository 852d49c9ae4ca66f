// SPDX-License-Identifier: MIT
/* Writer directory room: dirent order and block packing (format doc §4). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/byteorder.h"
#include "erofs/dir_write.h"
#include "erofs/format.h"

static struct erofs_wnode *mknode(unsigned int mode, uint64_t nid)
{
	struct erofs_wnode *n = erofs_wnode_new();

	cr_assert_not_null(n);
	n->mode = mode;
	n->nid = nid;
	return n;
}

static void add(struct erofs_wnode *dir, const char *name,
		struct erofs_wnode *n)
{
	cr_assert_eq(erofs_wnode_add_child(dir, name, strlen(name), n), 0);
}

Test(writer_dir, name_order_is_bytewise_with_prefix_first)
{
	cr_expect_lt(erofs_name_cmp("a", 1, "ab", 2), 0);
	cr_expect_gt(erofs_name_cmp("b", 1, "ab", 2), 0);
	cr_expect_lt(erofs_name_cmp("-dash", 5, ".", 1), 0);
	/* unsigned bytes: 0xff sorts after ASCII */
	cr_expect_gt(erofs_name_cmp("\xff", 1, "z", 1), 0);
	cr_expect_eq(erofs_name_cmp("same", 4, "same", 4), 0);
}

Test(writer_dir, dots_sorted_among_names)
{
	struct erofs_wnode *root = mknode(040755, 40);
	struct erofs_wnode *sub = mknode(040755, 41);
	struct erofs_dentry_out e[8];
	const char *want[] = { "!bang", "#hash", "-dash", ".", "..", "a", "sub" };
	size_t n, i;

	add(root, "sub", sub);
	add(root, "a", mknode(0100644, 42));
	add(root, "-dash", mknode(0100644, 43));
	add(root, "#hash", mknode(020644, 44));
	add(root, "!bang", mknode(0120777, 45));
	sub->parent = root;
	erofs_wnode_sort_children(root);
	n = erofs_dir_entries(root, e);
	cr_assert_eq(n, 7);
	for (i = 0; i < n; i++)
		cr_expect_eq(erofs_name_cmp(e[i].name, e[i].len, want[i],
					    strlen(want[i])), 0,
			     "entry %zu is %.*s", i, (int)e[i].len, e[i].name);
	/* root: ".." is itself; file types follow the modes */
	cr_expect_eq(e[3].nid, 40);
	cr_expect_eq(e[4].nid, 40);
	cr_expect_eq(e[4].file_type, EROFS_FT_DIR);
	cr_expect_eq(e[0].file_type, EROFS_FT_SYMLINK);
	cr_expect_eq(e[1].file_type, EROFS_FT_CHRDEV);
	cr_expect_eq(e[5].file_type, EROFS_FT_REG_FILE);

	n = erofs_dir_entries(sub, e);
	cr_assert_eq(n, 2);
	cr_expect_eq(e[0].nid, 41);
	cr_expect_eq(e[1].nid, 40);	/* ".." -> parent */
	erofs_wnode_free_tree(root);
}

Test(writer_dir, empty_directory_is_27_bytes)
{
	struct erofs_wnode *d = mknode(040755, 7);
	struct erofs_dentry_out e[2];
	size_t n = erofs_dir_entries(d, e);

	cr_expect_eq(erofs_dir_size(e, n, 4096), 12 + 1 + 12 + 2);
	erofs_wnode_free_tree(d);
}

/*
 * Format doc §4.2: 404 entries -> 17022 bytes (4 full blocks + 638).
 * 394 names of 30 bytes and 8 of 31, plus "." and "..", reproduce it.
 */
static size_t build_404(struct erofs_dentry_out *e, char (*names)[40])
{
	struct erofs_wnode *d = mknode(040755, 1);
	size_t i, n;

	for (i = 0; i < 402; i++) {
		if (i < 394)
			snprintf(names[i], 40, "%030zu", i);
		else
			snprintf(names[i], 40, "z%030zu", i);
		add(d, names[i], mknode(0100644, 100 + i));
	}
	erofs_wnode_sort_children(d);
	n = erofs_dir_entries(d, e);
	/* entries point into the tree's name copies: keep the tree */
	return n;
}

Test(writer_dir, format_doc_404_entries)
{
	static struct erofs_dentry_out e[404];
	static char names[402][40];
	size_t n = build_404(e, names);
	uint64_t size = erofs_dir_size(e, n, 4096);

	cr_assert_eq(n, 404);
	cr_expect_eq(size, 17022);
	cr_expect_eq(size / 4096, 4);
	cr_expect_eq(size % 4096, 638);
}

Test(writer_dir, block_encoding)
{
	static struct erofs_dentry_out e[404];
	static char names[402][40];
	size_t n = build_404(e, names), per_block, i;
	uint8_t *buf = malloc(17022);
	unsigned int nameoff0;

	cr_assert_not_null(buf);
	erofs_dir_encode(e, n, 4096, buf);
	/* block 0: "." and ".." come first here ('.' < '0') */
	nameoff0 = get_le16(buf + 8);
	per_block = nameoff0 / 12;
	cr_expect_eq(nameoff0 % 12, 0);
	cr_expect_eq(per_block, 2 + (4096 - 27) / 42);	/* dots + 96 names */
	cr_expect_eq(get_le64(buf), 1);		/* "." -> self */
	cr_expect_eq(buf[10], EROFS_FT_DIR);
	cr_expect_eq(memcmp(buf + nameoff0, "...", 3), 0);
	cr_expect_eq(get_le16(buf + 12 + 8), nameoff0 + 1);
	cr_expect_eq(get_le64(buf + 24), 100);	/* first file */
	cr_expect_eq(buf[24 + 10], EROFS_FT_REG_FILE);
	cr_expect_eq(get_le16(buf + 24 + 8), nameoff0 + 3);
	/* unused tail of a full block is zero */
	for (i = nameoff0 + 3 + 30 * (per_block - 2); i < 4096; i++)
		cr_expect_eq(buf[i], 0, "byte %zu", i);
	/* the last block starts with its own dirent array */
	cr_expect_eq(get_le16(buf + 4 * 4096 + 8) % 12, 0);
	cr_expect_lt(get_le16(buf + 4 * 4096 + 8), 638);
	free(buf);
}
