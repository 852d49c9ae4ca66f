/* SPDX-License-Identifier: MIT */
/* CRC32C and the superblock checksum (format doc §2.3). */
#ifndef EROFS_CHECKSUM_H
#define EROFS_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Raw CRC-32C register update: no pre- or post-inversion. */
uint32_t erofs_crc32c(uint32_t crc, const void *data, size_t len);

/*
 * Superblock checksum of an image whose first block (@blksz bytes, or at
 * least 1024 + covered range) is at @block0; the checksum field itself is
 * treated as zero. Returns the value to store at byte 1028.
 */
uint32_t erofs_sb_checksum(const uint8_t *block0, unsigned int blksz);

/* Number of bytes after byte 1024 that the checksum covers. */
static inline unsigned int erofs_sb_checksum_len(unsigned int blksz)
{
	return blksz > 1024 ? blksz - 1024 : blksz;
}

#endif
