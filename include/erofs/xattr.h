/* SPDX-License-Identifier: MIT */
/*
 * Xattr naming rules shared by the writer and the reader: short name
 * indexes, long name prefixes and the name bloom filter (format doc §5).
 */
#ifndef EROFS_XATTR_H
#define EROFS_XATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "erofs/format.h"

/* Longest full xattr name, namespace included (Linux XATTR_NAME_MAX). */
#define EROFS_XATTR_NAME_MAX	255

/* One long name prefix: full text = short prefix of @base_index + infix. */
struct erofs_xattr_prefix {
	uint8_t base_index;
	uint16_t infix_len;		/* 0..255 */
	char infix[EROFS_XATTR_PREFIX_MAX_LEN];
};

/* Text of short index @index ("user.", ...), or NULL if none/unsupported. */
const char *erofs_xattr_short_prefix(unsigned int index);

/*
 * Find the short index whose prefix begins @name. On success stores the
 * index and the prefix length and returns 0; -ENODATA if no short prefix
 * applies (the name can only be stored with a hidden long prefix).
 * POSIX ACL names match only when the name is exactly the prefix.
 */
int erofs_xattr_short_index(const char *name, size_t len, unsigned int *index,
			    size_t *prefix_len);

/*
 * Turn a full prefix text (as given to --xattr-prefix) into a record:
 * base = matching short index, else 0 with the whole text as infix.
 * -EINVAL if empty, -ENAMETOOLONG if longer than EROFS_XATTR_NAME_MAX.
 */
int erofs_xattr_prefix_from_text(const char *text, struct erofs_xattr_prefix *p);

/* Full text of a long prefix into @buf (NUL-terminated); returns length. */
size_t erofs_xattr_prefix_text(const struct erofs_xattr_prefix *p, char *buf,
			       size_t bufsz);

/*
 * Bloom filter bit (0..31) for a name with short base index @base and
 * remaining name @s (for long entries: infix + suffix).
 */
unsigned int erofs_xattr_filter_bit(unsigned int base, const void *s, size_t len);

#endif
