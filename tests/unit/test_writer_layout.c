// SPDX-License-Identifier: MIT
/* Writer layout room: inode version choice and inline tail placement. */
#include <criterion/criterion.h>
#include <stdint.h>
#include "erofs/format.h"
#include "erofs/layout.h"

static struct erofs_wnode compact_node(void)
{
	struct erofs_wnode n = {
		.mode = 0100644, .uid = 65535, .gid = 65535, .nlink = 65535,
		.size = UINT32_MAX, .mtime = 1700000000, .mtime_nsec = 0,
	};
	return n;
}

Test(writer_layout, compact_when_everything_fits)
{
	struct erofs_wnode n = compact_node();

	cr_expect_not(erofs_needs_extended(&n, 1700000000, 0));
}

Test(writer_layout, extended_when_a_field_overflows)
{
	struct erofs_wnode n;

	n = compact_node(); n.uid = 65536;
	cr_expect(erofs_needs_extended(&n, 1700000000, 0));
	n = compact_node(); n.gid = 70001;
	cr_expect(erofs_needs_extended(&n, 1700000000, 0));
	n = compact_node(); n.nlink = 65536;
	cr_expect(erofs_needs_extended(&n, 1700000000, 0));
	n = compact_node(); n.size = 1ULL << 32;
	cr_expect(erofs_needs_extended(&n, 1700000000, 0));
	/* compact inodes can only show the epoch (no 48BIT) */
	n = compact_node(); n.mtime = 1700000001;
	cr_expect(erofs_needs_extended(&n, 1700000000, 0));
	n = compact_node(); n.mtime_nsec = 1;
	cr_expect(erofs_needs_extended(&n, 1700000000, 0));
}

Test(writer_layout, data_layout_choice)
{
	struct erofs_wnode n = { 0 };

	erofs_choose_datalayout(&n, 0, 12);
	cr_expect_eq(n.datalayout, EROFS_LAYOUT_FLAT_PLAIN);
	cr_expect_eq(n.nblocks, 0);
	erofs_choose_datalayout(&n, 8192, 12);
	cr_expect_eq(n.datalayout, EROFS_LAYOUT_FLAT_PLAIN);
	cr_expect_eq(n.nblocks, 2);
	cr_expect_eq(n.tail_len, 0);
	erofs_choose_datalayout(&n, 10000, 12);
	cr_expect_eq(n.datalayout, EROFS_LAYOUT_FLAT_INLINE);
	cr_expect_eq(n.nblocks, 2);
	cr_expect_eq(n.tail_len, 1808);
	erofs_choose_datalayout(&n, 700, 9);
	cr_expect_eq(n.nblocks, 1);
	cr_expect_eq(n.tail_len, 188);
}

Test(writer_layout, inline_tail_stays_in_place_when_it_fits)
{
	/* inode at 1184, 32 bytes, tail of 100 bytes: all in block 0 */
	cr_expect_eq(erofs_place_inline(1184, 32, 100, 4096), 1184);
	/* tail ending exactly at the block end is fine */
	cr_expect_eq(erofs_place_inline(4096 - 132, 32, 100, 4096), 4096 - 132);
}

Test(writer_layout, inline_tail_moves_to_next_block)
{
	uint64_t pos = erofs_place_inline(4000, 32, 100, 4096);

	/* tail must start in a block with room: inode just before 4096 */
	cr_expect_eq(pos, 4096 - 32);
	cr_expect_leq((pos + 32) % 4096 + 100, 4096);
	/* inode + xattrs may straddle, the tail may not */
	pos = erofs_place_inline(4000, 48, 4000, 4096);
	cr_expect_eq(pos % 32, 0);
	cr_expect_leq((pos + 48) % 4096 + 4000, 4096);
}

Test(writer_layout, inline_tail_impossible)
{
	/* 64 + 44 bytes of metadata + 4095 bytes of tail never fit a block */
	cr_expect_eq(erofs_place_inline(1184, 108, 4095, 4096), UINT64_MAX);
	/* but a 4095-byte tail after a lone compact inode does */
	cr_expect_neq(erofs_place_inline(1184, 32, 4064, 4096), UINT64_MAX);
}
