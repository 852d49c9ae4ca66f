// SPDX-License-Identifier: MIT
/*
 * Writer side of xattrs. Identical (name, value) pairs are interned once
 * so that counting repeats for shared-xattr selection is a hash lookup and
 * memory grows with distinct pairs, not with inodes times xattrs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include "erofs/byteorder.h"
#include "erofs/inode_tree.h"
#include "erofs/ishare_key.h"
#include "erofs/xattr_write.h"

#define XATTR_NAME_MAX_LEN	255
#define XATTR_VALUE_MAX_LEN	65535	/* e_value_size is 16 bits */
#define MAX_SHARED_PER_INODE	255	/* h_shared_count is 8 bits */

int erofs_prefix_table_build(struct erofs_prefix_table *t,
			     const char *const *texts, size_t n, int ishare_pos,
			     struct erofs_errinfo *ei)
{
	size_t i;
	int ret;

	memset(t, 0, sizeof(*t));
	t->ishare_id = -1;
	if (n > EROFS_XATTR_MAX_PREFIXES)
		return erofs_err(ei, -EINVAL, "--xattr-prefix",
				 "too many long xattr prefixes (at most %d)",
				 EROFS_XATTR_MAX_PREFIXES);
	for (i = 0; i < n; i++) {
		if ((int)i == ishare_pos) {
			ret = erofs_ishare_key_parse(texts[i], &t->p[i], ei);
			if (ret)
				return ret;
			continue;
		}
		ret = erofs_xattr_prefix_from_text(texts[i], &t->p[i]);
		if (ret)
			return erofs_err(ei, ret, texts[i][0] ? texts[i] : "--xattr-prefix",
					 ret == -ENAMETOOLONG ?
					 "xattr prefix too long" :
					 "invalid xattr prefix");
	}
	t->count = n;
	t->ishare_id = ishare_pos;
	return 0;
}

static uint32_t prefix_record_size(const struct erofs_xattr_prefix *p)
{
	return (2 + 1 + p->infix_len + 3) & ~3U;
}

uint32_t erofs_prefix_table_size(const struct erofs_prefix_table *t)
{
	uint32_t size = 0;
	unsigned int i;

	for (i = 0; i < t->count; i++)
		size += prefix_record_size(&t->p[i]);
	return size;
}

void erofs_prefix_table_encode(const struct erofs_prefix_table *t, uint8_t *out)
{
	unsigned int i;

	for (i = 0; i < t->count; i++) {
		const struct erofs_xattr_prefix *p = &t->p[i];
		uint32_t rec = prefix_record_size(p);

		memset(out, 0, rec);
		put_le16(out, 1 + p->infix_len);
		out[2] = p->base_index;
		memcpy(out + 3, p->infix, p->infix_len);
		out += rec;
	}
}

int erofs_xattr_set_init(struct erofs_xattr_set *s,
			 const struct erofs_prefix_table *prefixes)
{
	memset(s, 0, sizeof(*s));
	s->prefixes = prefixes;
	s->nbuckets = 1024;
	s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
	if (!s->buckets)
		return -ENOMEM;
	if (prefixes->ishare_id >= 0)
		erofs_xattr_prefix_text(&prefixes->p[prefixes->ishare_id],
					s->ishare_name, sizeof(s->ishare_name));
	return 0;
}

void erofs_xattr_set_destroy(struct erofs_xattr_set *s)
{
	size_t i;

	for (i = 0; s->buckets && i < s->nbuckets; i++) {
		struct erofs_xattr_item *it = s->buckets[i], *next;

		for (; it; it = next) {
			next = it->hnext;
			free(it->name);
			free(it);
		}
	}
	free(s->buckets);
	free(s->shared);
	memset(s, 0, sizeof(*s));
}

/* Short index and long prefix for a name (format doc §5.3, §5.6). */
static int map_name(const struct erofs_prefix_table *t, const char *name,
		    size_t len, uint8_t *index, size_t *suffix_off,
		    unsigned int *base, size_t *base_len)
{
	unsigned int i;

	if (erofs_xattr_short_index(name, len, base, base_len))
		*base = 0, *base_len = 0;
	for (i = 0; i < t->count; i++) {
		const struct erofs_xattr_prefix *p = &t->p[i];

		if (p->base_index != *base ||
		    len - *base_len < p->infix_len ||
		    memcmp(name + *base_len, p->infix, p->infix_len))
			continue;
		*index = EROFS_XATTR_LONG_PREFIX | i;
		*suffix_off = *base_len + p->infix_len;
		return 0;
	}
	/* index 0 would make the xattr invisible to every reader */
	if (!*base)
		return -ENODATA;
	*index = *base;
	*suffix_off = *base_len;
	return 0;
}

static int grow_buckets(struct erofs_xattr_set *s)
{
	size_t n = s->nbuckets * 2, i;
	struct erofs_xattr_item **b = calloc(n, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (i = 0; i < s->nbuckets; i++) {
		struct erofs_xattr_item *it = s->buckets[i], *next;

		for (; it; it = next) {
			next = it->hnext;
			it->hnext = b[it->hash & (n - 1)];
			b[it->hash & (n - 1)] = it;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = n;
	return 0;
}

static struct erofs_xattr_item *lookup(const struct erofs_xattr_set *s,
				       uint64_t hash, const char *name,
				       size_t len, const void *value,
				       size_t vlen)
{
	struct erofs_xattr_item *it = s->buckets[hash & (s->nbuckets - 1)];

	for (; it; it = it->hnext)
		if (it->hash == hash && it->name_len == len &&
		    it->value_len == vlen && !memcmp(it->name, name, len) &&
		    !memcmp(it->value, value, vlen))
			return it;
	return NULL;
}

static struct erofs_xattr_item *item_new(const char *name, size_t len,
					 const void *value, size_t vlen)
{
	struct erofs_xattr_item *it = calloc(1, sizeof(*it));

	if (!it)
		return NULL;
	it->name = malloc(len + vlen + 1);
	if (!it->name) {
		free(it);
		return NULL;
	}
	memcpy(it->name, name, len);
	memcpy(it->name + len, value, vlen);
	it->value = (const uint8_t *)it->name + len;
	it->name_len = len;
	it->value_len = vlen;
	it->shared_id = -1;
	return it;
}

struct erofs_xattr_item *erofs_xattr_intern(struct erofs_xattr_set *s,
					    const char *name, size_t len,
					    const void *value, size_t vlen,
					    int *err)
{
	struct erofs_xattr_item *it;
	unsigned int base;
	size_t suffix_off, base_len;
	uint8_t index;
	uint64_t hash;

	*err = 0;
	if (!len || len > XATTR_NAME_MAX_LEN) {
		*err = -ERANGE;
		return NULL;
	}
	if (vlen > XATTR_VALUE_MAX_LEN) {
		*err = -E2BIG;
		return NULL;
	}
	/* mkfs owns the fingerprint name: the computed value replaces it */
	if (s->ishare_name[0] && strlen(s->ishare_name) == len &&
	    !memcmp(s->ishare_name, name, len))
		return NULL;
	if (map_name(s->prefixes, name, len, &index, &suffix_off, &base,
		     &base_len))
		return NULL;

	hash = XXH3_64bits_withSeed(value, vlen, XXH3_64bits(name, len));
	it = lookup(s, hash, name, len, value, vlen);
	if (!it) {
		if (s->nitems >= s->nbuckets && (*err = grow_buckets(s)))
			return NULL;
		it = item_new(name, len, value, vlen);
		if (!it) {
			*err = -ENOMEM;
			return NULL;
		}
		it->hash = hash;
		it->index = index;
		it->suffix_off = suffix_off;
		it->filter_bit = erofs_xattr_filter_bit(base, name + base_len,
							len - base_len);
		it->hnext = s->buckets[hash & (s->nbuckets - 1)];
		s->buckets[hash & (s->nbuckets - 1)] = it;
		s->nitems++;
	}
	it->count++;
	return it;
}

static int bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

int erofs_xattr_item_cmp(const struct erofs_xattr_item *a,
			 const struct erofs_xattr_item *b)
{
	int r = bytes_cmp(a->name, a->name_len, b->name, b->name_len);

	return r ? r : bytes_cmp(a->value, a->value_len, b->value, b->value_len);
}

static int item_ptr_cmp(const void *a, const void *b)
{
	return erofs_xattr_item_cmp(*(struct erofs_xattr_item *const *)a,
				    *(struct erofs_xattr_item *const *)b);
}

static unsigned int item_entry_size(const struct erofs_xattr_item *it)
{
	return erofs_xattr_entry_size(it->name_len - it->suffix_off,
				      it->value_len);
}

int erofs_xattr_select_shared(struct erofs_xattr_set *s, int tolerance)
{
	uint32_t n = 0, off = 0, i;
	size_t b;

	for (b = 0; b < s->nbuckets; b++) {
		struct erofs_xattr_item *it;

		for (it = s->buckets[b]; it; it = it->hnext)
			n += it->count > (uint32_t)tolerance;
	}
	if (!n)
		return 0;
	s->shared = malloc(n * sizeof(*s->shared));
	if (!s->shared)
		return -ENOMEM;
	for (b = 0, i = 0; b < s->nbuckets; b++) {
		struct erofs_xattr_item *it;

		for (it = s->buckets[b]; it; it = it->hnext)
			if (it->count > (uint32_t)tolerance)
				s->shared[i++] = it;
	}
	/* hash order is arbitrary: sort so that ids are reproducible */
	qsort(s->shared, n, sizeof(*s->shared), item_ptr_cmp);
	for (i = 0; i < n; i++) {
		s->shared[i]->shared_id = off / 4;
		off += item_entry_size(s->shared[i]);
	}
	s->n_shared = n;
	s->shared_size = off;
	return 0;
}

static bool stored_shared(const struct erofs_xattr_item *it,
			  unsigned int *n_shared)
{
	if (it->shared_id < 0 || *n_shared >= MAX_SHARED_PER_INODE)
		return false;
	++*n_shared;
	return true;
}

int erofs_xattr_prepare_inode(const struct erofs_xattr_set *s,
			      struct erofs_wnode *n, struct erofs_errinfo *ei,
			      const char *path)
{
	unsigned int i, n_shared = 0;
	uint64_t size = 12;

	n->xattr_isize = 0;
	n->n_shared = 0;
	if (!n->n_xattrs && !n->fingerprint)
		return 0;
	if (n->n_xattrs > 1)
		qsort(n->xattrs, n->n_xattrs, sizeof(*n->xattrs), item_ptr_cmp);
	for (i = 0; i < n->n_xattrs; i++) {
		if (stored_shared(n->xattrs[i], &n_shared))
			size += 4;
		else
			size += item_entry_size(n->xattrs[i]);
	}
	if (n->fingerprint)
		size += erofs_xattr_entry_size(0, EROFS_ISHARE_VALUE_LEN);
	/* i_xattr_icount is 16 bits */
	if ((size - 12) / 4 + 1 > UINT16_MAX)
		return erofs_err(ei, -E2BIG, path, "too many extended attributes");
	n->n_shared = n_shared;
	n->xattr_isize = size;
	return 0;
}

unsigned int erofs_xattr_entry_encode(uint8_t *out, uint8_t index,
				      const void *name, unsigned int name_len,
				      const void *value, unsigned int value_len)
{
	unsigned int size = erofs_xattr_entry_size(name_len, value_len);

	out[0] = name_len;
	out[1] = index;
	put_le16(out + 2, value_len);
	memcpy(out + 4, name, name_len);
	memcpy(out + 4 + name_len, value, value_len);
	memset(out + 4 + name_len + value_len, 0,
	       size - 4 - name_len - value_len);
	return size;
}

static unsigned int encode_item(uint8_t *out, const struct erofs_xattr_item *it)
{
	return erofs_xattr_entry_encode(out, it->index,
					it->name + it->suffix_off,
					it->name_len - it->suffix_off,
					it->value, it->value_len);
}

void erofs_xattr_encode_shared(const struct erofs_xattr_set *s, uint8_t *out)
{
	uint32_t i;

	for (i = 0; i < s->n_shared; i++)
		out += encode_item(out, s->shared[i]);
}

static unsigned int fingerprint_bit(const struct erofs_xattr_set *s)
{
	const struct erofs_xattr_prefix *p =
		&s->prefixes->p[s->prefixes->ishare_id];

	return erofs_xattr_filter_bit(p->base_index, p->infix, p->infix_len);
}

static uint32_t name_filter(const struct erofs_xattr_set *s,
			    const struct erofs_wnode *n)
{
	uint32_t bits = 0;
	unsigned int i;

	for (i = 0; i < n->n_xattrs; i++)
		bits |= 1U << n->xattrs[i]->filter_bit;
	if (n->fingerprint)
		bits |= 1U << fingerprint_bit(s);
	/* inverted: a set bit means the name is certainly absent */
	return ~bits;
}

static unsigned int encode_fingerprint(const struct erofs_xattr_set *s,
				       const struct erofs_wnode *n, uint8_t *out)
{
	uint8_t value[EROFS_ISHARE_VALUE_LEN];

	erofs_ishare_value(n->digest, value);
	return erofs_xattr_entry_encode(out, EROFS_XATTR_LONG_PREFIX |
					s->prefixes->ishare_id, "", 0,
					value, sizeof(value));
}

/* The fingerprint goes among the inline entries in full-name order. */
static bool fingerprint_before(const struct erofs_xattr_set *s,
			       const struct erofs_xattr_item *it)
{
	return bytes_cmp(s->ishare_name, strlen(s->ishare_name),
			 it->name, it->name_len) < 0;
}

void erofs_xattr_encode_inode(const struct erofs_xattr_set *s,
			      const struct erofs_wnode *n,
			      uint32_t shared_base, uint8_t *out)
{
	uint8_t *p = out + 12;
	unsigned int i, n_shared = 0;
	bool fp_done = !n->fingerprint;

	if (!n->xattr_isize)
		return;
	memset(out, 0, 12);
	put_le32(out, name_filter(s, n));
	out[4] = n->n_shared;
	for (i = 0; i < n->n_xattrs; i++) {
		if (!stored_shared(n->xattrs[i], &n_shared))
			continue;
		put_le32(p, shared_base + n->xattrs[i]->shared_id);
		p += 4;
	}
	n_shared = 0;
	for (i = 0; i < n->n_xattrs; i++) {
		const struct erofs_xattr_item *it = n->xattrs[i];

		if (stored_shared(it, &n_shared))
			continue;
		if (!fp_done && fingerprint_before(s, it)) {
			p += encode_fingerprint(s, n, p);
			fp_done = true;
		}
		p += encode_item(p, it);
	}
	if (!fp_done)
		p += encode_fingerprint(s, n, p);
}
