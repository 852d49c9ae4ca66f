// SPDX-License-Identifier: MIT
/*
 * A small open-addressing map from nid to a counter: the walker uses it to
 * tell hard links from first visits and to catch directories reached
 * twice; fsck uses it for nlink bookkeeping.
 */
#include <errno.h>
#include <stdlib.h>
#include "erofs/walk.h"

#define EMPTY	UINT64_MAX	/* never a valid nid: bit 63 plus all ones */

static size_t slot_of(uint64_t nid, size_t cap)
{
	/* Fibonacci hashing spreads sequential nids */
	return (size_t)((nid * 0x9E3779B97F4A7C15ULL) >> 17) & (cap - 1);
}

void erofs_nidmap_init(struct erofs_nidmap *m)
{
	m->keys = NULL;
	m->vals = NULL;
	m->cap = 0;
	m->count = 0;
}

void erofs_nidmap_destroy(struct erofs_nidmap *m)
{
	free(m->keys);
	free(m->vals);
	erofs_nidmap_init(m);
}

static size_t find(const struct erofs_nidmap *m, uint64_t nid)
{
	size_t i = slot_of(nid, m->cap);

	while (m->keys[i] != EMPTY && m->keys[i] != nid)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int grow(struct erofs_nidmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	struct erofs_nidmap n = { .cap = cap, .count = m->count };

	n.keys = malloc(cap * sizeof(*n.keys));
	n.vals = calloc(cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return -ENOMEM;
	}
	for (i = 0; i < cap; i++)
		n.keys[i] = EMPTY;
	for (i = 0; i < m->cap; i++) {
		size_t s;

		if (m->keys[i] == EMPTY)
			continue;
		s = find(&n, m->keys[i]);
		n.keys[s] = m->keys[i];
		n.vals[s] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	*m = n;
	return 0;
}

int64_t erofs_nidmap_inc(struct erofs_nidmap *m, uint64_t nid)
{
	size_t i;

	if (nid == EMPTY)
		return -EINVAL;
	if ((m->count + 1) * 2 > m->cap && grow(m))
		return -ENOMEM;
	i = find(m, nid);
	if (m->keys[i] == EMPTY) {
		m->keys[i] = nid;
		m->vals[i] = 0;
		m->count++;
	}
	if (m->vals[i] < UINT32_MAX)
		m->vals[i]++;
	return m->vals[i];
}

int erofs_nidmap_set(struct erofs_nidmap *m, uint64_t nid, uint32_t val)
{
	int64_t r = erofs_nidmap_inc(m, nid);

	if (r < 0)
		return r;
	m->vals[find(m, nid)] = val;
	return 0;
}

uint32_t erofs_nidmap_get(const struct erofs_nidmap *m, uint64_t nid)
{
	size_t i;

	if (!m->cap)
		return 0;
	i = find(m, nid);
	return m->keys[i] == nid ? m->vals[i] : 0;
}
