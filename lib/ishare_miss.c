// SPDX-License-Identifier: MIT
/*
 * Near misses: files whose fingerprint values are equal but that still
 * read through separate page caches, with the memory that costs and the
 * change that would let them share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/ishare_model.h"
#include "ishare_internal.h"

struct val_ref {
	const struct erofs_ishare_set *set;
	uint32_t file;
};

static int cmp_value(const void *pa, const void *pb)
{
	const struct val_ref *ra = pa, *rb = pb;
	const struct erofs_ishare_file *a = &ra->set->files[ra->file];
	const struct erofs_ishare_file *b = &rb->set->files[rb->file];
	int c;

	if (a->value_len != b->value_len)
		return a->value_len < b->value_len ? -1 : 1;
	c = memcmp(a->value, b->value, a->value_len);
	if (c)
		return c;
	return ra->file < rb->file ? -1 : ra->file > rb->file;
}

static bool same_value(const struct erofs_ishare_file *a,
		       const struct erofs_ishare_file *b)
{
	return a->value_len == b->value_len &&
	       !memcmp(a->value, b->value, a->value_len);
}

static enum erofs_ishare_miss_kind reason_kind(enum erofs_ishare_reason r)
{
	switch (r) {
	case EROFS_ISHARE_NO_MOUNT:
		return EROFS_ISHARE_MISS_MOUNT;
	case EROFS_ISHARE_NO_OPTION:
		return EROFS_ISHARE_MISS_OPTION;
	case EROFS_ISHARE_NO_FEATURE:
		return EROFS_ISHARE_MISS_FEATURE;
	case EROFS_ISHARE_BAD_LENGTH:
		return EROFS_ISHARE_MISS_VALUE_LENGTH;
	default:
		return EROFS_ISHARE_MISS_SIZE;
	}
}

/* Why @f does not read through the page cache @peer reads through. */
static enum erofs_ishare_miss_kind miss_kind(const struct erofs_ishare_set *set,
					     const struct erofs_ishare_file *f,
					     const struct erofs_ishare_file *peer)
{
	enum erofs_ishare_path pf, pp;

	if (f->reason != EROFS_ISHARE_ELIGIBLE)
		return reason_kind(f->reason);
	if (peer->reason != EROFS_ISHARE_ELIGIBLE)
		return reason_kind(peer->reason);
	if (f->size != peer->size)
		return EROFS_ISHARE_MISS_SIZE;
	if (strcmp(set->images[f->image].opts.domain_id,
		   set->images[peer->image].opts.domain_id))
		return EROFS_ISHARE_MISS_DOMAIN;
	pf = erofs_ishare_read_path(set, f);
	pp = erofs_ishare_read_path(set, peer);
	if ((pf == EROFS_ISHARE_PATH_COMPRESSED) != (pp == EROFS_ISHARE_PATH_COMPRESSED))
		return EROFS_ISHARE_MISS_READ_PATH;
	return EROFS_ISHARE_MISS_BACKING;
}

int erofs_ishare_add_miss(struct erofs_ishare_set *set,
			  const struct erofs_ishare_miss *m)
{
	struct erofs_ishare_miss *v;

	v = realloc(set->misses, (set->nmisses + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	set->misses = v;
	v[set->nmisses++] = *m;
	return 0;
}

/*
 * A better page cache for the others to join: more members, or as many
 * with an eligible first member, so that on a tie the file that cannot
 * share is the one listed as left out.
 */
static bool better_cache(const struct erofs_ishare_set *set, uint32_t c,
			 uint32_t best)
{
	const struct erofs_ishare_cache *x = &set->caches[c];
	const struct erofs_ishare_cache *y = &set->caches[best];

	if (x->nmembers != y->nmembers)
		return x->nmembers > y->nmembers;
	return set->files[x->first].reason == EROFS_ISHARE_ELIGIBLE &&
	       set->files[y->first].reason != EROFS_ISHARE_ELIGIBLE;
}

/*
 * In one run of equal values, the biggest page cache is where the others
 * should go; every other cache in the run is a miss costing its pages.
 */
static int run_misses(struct erofs_ishare_set *set, const struct val_ref *run,
		      size_t n)
{
	uint32_t best = set->files[run[0].file].cache;
	size_t i, j;
	int ret;

	for (i = 1; i < n; i++) {
		uint32_t c = set->files[run[i].file].cache;

		if (better_cache(set, c, best))
			best = c;
	}
	for (i = 0; i < n; i++) {
		uint32_t c = set->files[run[i].file].cache;
		struct erofs_ishare_miss m;
		bool seen = c == best;

		/* one entry per page cache, not per member */
		for (j = 0; j < i && !seen; j++)
			seen = set->files[run[j].file].cache == c;
		if (seen)
			continue;
		m.file = run[i].file;
		m.peer = set->caches[best].first;
		m.kind = miss_kind(set, &set->files[m.file], &set->files[m.peer]);
		m.bytes = set->caches[c].pages << EROFS_ISHARE_PAGE_SHIFT;
		ret = erofs_ishare_add_miss(set, &m);
		if (ret)
			return ret;
	}
	return 0;
}

int erofs_ishare_find_misses(struct erofs_ishare_set *set)
{
	struct val_ref *refs;
	size_t n = 0, i, j;
	int ret = 0;

	free(set->misses);
	set->misses = NULL;
	set->nmisses = 0;
	refs = malloc((set->nfiles ? set->nfiles : 1) * sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (i = 0; i < set->nfiles; i++)
		if (set->files[i].value)
			refs[n++] = (struct val_ref){ set, (uint32_t)i };
	qsort(refs, n, sizeof(*refs), cmp_value);
	for (i = 0; i < n && !ret; i = j) {
		for (j = i + 1; j < n && same_value(&set->files[refs[i].file],
						    &set->files[refs[j].file]); j++)
			;
		if (j - i > 1)
			ret = run_misses(set, refs + i, j - i);
	}
	free(refs);
	return ret;
}

const char *erofs_ishare_miss_text(enum erofs_ishare_miss_kind k)
{
	switch (k) {
	case EROFS_ISHARE_MISS_READ_PATH:
		return "compressed vs uncompressed";
	case EROFS_ISHARE_MISS_BACKING:
		return "file-backed vs loop mount";
	case EROFS_ISHARE_MISS_SIZE:
		return "i_size differs";
	case EROFS_ISHARE_MISS_VALUE_LENGTH:
		return "fingerprint longer than a block";
	case EROFS_ISHARE_MISS_FEATURE:
		return "image lacks the ishare feature bit";
	case EROFS_ISHARE_MISS_OPTION:
		return "mounted without inode_share";
	case EROFS_ISHARE_MISS_DOMAIN:
		return "different domain_id";
	case EROFS_ISHARE_MISS_MOUNT:
		return "image does not mount";
	case EROFS_ISHARE_MISS_NO_VALUE:
		return "no fingerprint";
	case EROFS_ISHARE_MISS_NO_FEATURE:
		return "image built without fingerprints";
	}
	return "?";
}

/* The image whose side of the pair is "wrong": the one the reason names. */
static const struct erofs_ishare_image *
culprit(const struct erofs_ishare_set *set, const struct erofs_ishare_miss *m,
	enum erofs_ishare_reason r)
{
	const struct erofs_ishare_file *f = &set->files[m->file];
	const struct erofs_ishare_file *p = &set->files[m->peer];

	if (f->reason == r || p->reason != r)
		return &set->images[f->image];
	return &set->images[p->image];
}

void erofs_ishare_miss_advice(const struct erofs_ishare_set *set,
			      const struct erofs_ishare_miss *m,
			      char *buf, size_t bufsz)
{
	const struct erofs_ishare_file *f = &set->files[m->file];
	const struct erofs_ishare_file *p = &set->files[m->peer];
	const struct erofs_ishare_image *fi = &set->images[f->image];
	const struct erofs_ishare_image *pi = &set->images[p->image];

	switch (m->kind) {
	case EROFS_ISHARE_MISS_READ_PATH:
		snprintf(buf, bufsz, "rebuild %s %s, as %s is", fi->path,
			 f->compressed ? "uncompressed" : "compressed the same way",
			 pi->path);
		break;
	case EROFS_ISHARE_MISS_BACKING:
		snprintf(buf, bufsz, "mount %s and %s the same way (both loop or both file-backed)",
			 fi->path, pi->path);
		break;
	case EROFS_ISHARE_MISS_SIZE:
		snprintf(buf, bufsz, "fingerprints collide with different sizes: rebuild %s with --xattr-inode-digest",
			 fi->path);
		break;
	case EROFS_ISHARE_MISS_VALUE_LENGTH:
		snprintf(buf, bufsz, "rebuild %s with --xattr-inode-digest (39-byte values)",
			 culprit(set, m, EROFS_ISHARE_BAD_LENGTH)->path);
		break;
	case EROFS_ISHARE_MISS_FEATURE:
		snprintf(buf, bufsz, "rebuild %s with --xattr-inode-digest",
			 culprit(set, m, EROFS_ISHARE_NO_FEATURE)->path);
		break;
	case EROFS_ISHARE_MISS_OPTION:
		snprintf(buf, bufsz, "mount %s with inode_share,domain_id=%s",
			 culprit(set, m, EROFS_ISHARE_NO_OPTION)->path,
			 pi->opts.has_domain && pi->opts.domain_id[0] ?
			 pi->opts.domain_id : fi->opts.domain_id);
		break;
	case EROFS_ISHARE_MISS_DOMAIN:
		snprintf(buf, bufsz, "mount %s with domain_id=%s", fi->path,
			 pi->opts.domain_id);
		break;
	case EROFS_ISHARE_MISS_MOUNT:
		snprintf(buf, bufsz, "fix %s so that it mounts",
			 culprit(set, m, EROFS_ISHARE_NO_MOUNT)->path);
		break;
	case EROFS_ISHARE_MISS_NO_VALUE:
	case EROFS_ISHARE_MISS_NO_FEATURE:
		snprintf(buf, bufsz, "rebuild %s with mkfs.erofs --ishare_key (or upstream --xattr-inode-digest)",
			 fi->path);
		break;
	}
}
