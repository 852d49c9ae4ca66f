/* SPDX-License-Identifier: MIT */
/*
 * Writer side of xattrs: interning (name, value) pairs, mapping names to
 * short indexes or long prefixes, shared-xattr selection, entry encoding,
 * the name bloom filter and the long-prefix table (format doc §5).
 */
#ifndef EROFS_XATTR_WRITE_H
#define EROFS_XATTR_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "erofs/errinfo.h"
#include "erofs/xattr.h"

struct erofs_wnode;

/* One distinct (name, value) pair, shared by every inode that has it. */
struct erofs_xattr_item {
	struct erofs_xattr_item *hnext;
	uint64_t hash;
	uint32_t count;			/* inodes carrying it */
	int32_t shared_id;		/* -1: stored inline */
	uint8_t index;			/* e_name_index */
	uint8_t suffix_off;		/* stored name = name + suffix_off */
	uint8_t name_len;
	uint8_t filter_bit;
	uint16_t value_len;
	char *name;			/* full name, then the value bytes */
	const uint8_t *value;
};

struct erofs_prefix_table {
	struct erofs_xattr_prefix p[EROFS_XATTR_MAX_PREFIXES];
	unsigned int count;
	int ishare_id;			/* -1 if no fingerprint key */
};

struct erofs_xattr_set {
	struct erofs_xattr_item **buckets;
	size_t nbuckets, nitems;
	struct erofs_xattr_item **shared;	/* by id, after selection */
	uint32_t n_shared;
	uint32_t shared_size;			/* bytes of the shared area */
	const struct erofs_prefix_table *prefixes;
	char ishare_name[EROFS_XATTR_PREFIX_MAX_LEN + 16];
};

/* Register prefixes in command-line order; -EINVAL etc. with @ei filled. */
int erofs_prefix_table_build(struct erofs_prefix_table *t,
			     const char *const *texts, size_t n, int ishare_pos,
			     struct erofs_errinfo *ei);
/* Bytes the table takes on disk (records, each 4-byte aligned). */
uint32_t erofs_prefix_table_size(const struct erofs_prefix_table *t);
void erofs_prefix_table_encode(const struct erofs_prefix_table *t, uint8_t *out);

int erofs_xattr_set_init(struct erofs_xattr_set *s,
			 const struct erofs_prefix_table *prefixes);
void erofs_xattr_set_destroy(struct erofs_xattr_set *s);

/*
 * Intern one xattr of an inode. Returns the item (count bumped), NULL with
 * *err = 0 when the name cannot be stored visibly and is skipped, or NULL
 * with a negative *err.
 */
struct erofs_xattr_item *erofs_xattr_intern(struct erofs_xattr_set *s,
					    const char *name, size_t name_len,
					    const void *value, size_t value_len,
					    int *err);

/* Order used for inline entries and shared ids (full name, then value). */
int erofs_xattr_item_cmp(const struct erofs_xattr_item *a,
			 const struct erofs_xattr_item *b);

/* Pick pairs seen more than @tolerance times; assign ids and area size. */
int erofs_xattr_select_shared(struct erofs_xattr_set *s, int tolerance);

/* Sort an inode's items, count its shared ones, compute xattr_isize. */
int erofs_xattr_prepare_inode(const struct erofs_xattr_set *s,
			      struct erofs_wnode *n, struct erofs_errinfo *ei,
			      const char *path);

/* Encode one entry; returns its (4-aligned) size. @out must hold it. */
unsigned int erofs_xattr_entry_encode(uint8_t *out, uint8_t index,
				      const void *name, unsigned int name_len,
				      const void *value, unsigned int value_len);

/* The shared area, @s->shared_size bytes. */
void erofs_xattr_encode_shared(const struct erofs_xattr_set *s, uint8_t *out);

/*
 * An inode's whole inline xattr area (@n->xattr_isize bytes) including
 * the fingerprint entry; @shared_base is the id of shared byte 0.
 */
void erofs_xattr_encode_inode(const struct erofs_xattr_set *s,
			      const struct erofs_wnode *n,
			      uint32_t shared_base, uint8_t *out);

#endif
