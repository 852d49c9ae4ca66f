// SPDX-License-Identifier: MIT
/*
 * Table-driven CRC-32C (Castagnoli, reflected 0x82F63B78). Only the
 * superblock is checksummed, so a byte-at-a-time table is plenty; the table
 * is built at compile time to keep lib/ free of mutable globals.
 */
#include "erofs/checksum.h"
#include "erofs/format.h"

#define P 0x82F63B78U
#define R1(c)	(((c) >> 1) ^ (((c) & 1) ? P : 0))
#define R2(c)	R1(R1(c))
#define R4(c)	R2(R2(c))
#define R8(c)	R4(R4(c))
#define T1(i)	R8((uint32_t)(i))
#define T4(i)	T1(i), T1((i) + 1), T1((i) + 2), T1((i) + 3)
#define T16(i)	T4(i), T4((i) + 4), T4((i) + 8), T4((i) + 12)
#define T64(i)	T16(i), T16((i) + 16), T16((i) + 32), T16((i) + 48)

static const uint32_t crc32c_table[256] = {
	T64(0), T64(64), T64(128), T64(192)
};

uint32_t erofs_crc32c(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len--)
		crc = (crc >> 8) ^ crc32c_table[(crc ^ *p++) & 0xff];
	return crc;
}

uint32_t erofs_sb_checksum(const uint8_t *block0, unsigned int blksz)
{
	static const uint8_t zero[4];
	const uint8_t *sb = block0 + EROFS_SUPER_OFFSET;
	unsigned int len = erofs_sb_checksum_len(blksz);
	uint32_t crc = 0xFFFFFFFFU;

	crc = erofs_crc32c(crc, sb, 4);			/* magic */
	crc = erofs_crc32c(crc, zero, 4);		/* checksum as zero */
	return erofs_crc32c(crc, sb + 8, len - 8);
}
