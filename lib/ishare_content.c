// SPDX-License-Identifier: MIT
/*
 * Near misses by content: identical files that cannot share because one
 * side has no fingerprint at all (an image built without them, or a file
 * mkfs left out). Equal values cannot find these, so their contents are
 * hashed, but only where a size match makes a hit possible: most files of
 * a tree have a size no other file has, and reading them would be wasted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/format.h"
#include "erofs/ishare_model.h"
#include "ishare_internal.h"

struct content_ref {
	uint32_t file;
	bool target;			/* eligible, with a sha256 value */
	bool hashed;			/* @digest holds the content's SHA-256 */
	enum erofs_ishare_path path;
	const char *domain;
	uint64_t size;
	uint8_t digest[EROFS_ISHARE_DIGEST_LEN];
};

/* No value of its own, and left out only for want of one. */
static bool is_candidate(const struct erofs_ishare_file *f)
{
	return !f->value && f->size &&
	       (f->reason == EROFS_ISHARE_NO_FEATURE ||
		f->reason == EROFS_ISHARE_NO_VALUE);
}

/* Its value states its content: verified, or trusted as written. */
static bool is_target(const struct erofs_ishare_file *f)
{
	return f->reason == EROFS_ISHARE_ELIGIBLE && f->size &&
	       erofs_ishare_value_is_sha256(f->value, f->value_len) &&
	       (f->fpstate == EROFS_ISHARE_FP_VERIFIED ||
		f->fpstate == EROFS_ISHARE_FP_UNCHECKED);
}

static int cmp_size(const void *pa, const void *pb)
{
	const struct content_ref *a = pa, *b = pb;

	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return a->file < b->file ? -1 : a->file > b->file;
}

/* Equal content that would share once fingerprinted: same key parts. */
static int cmp_class(const struct content_ref *a, const struct content_ref *b)
{
	int c;

	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	c = memcmp(a->digest, b->digest, sizeof(a->digest));
	if (c)
		return c;
	c = strcmp(a->domain, b->domain);
	if (c)
		return c;
	return a->path < b->path ? -1 : a->path > b->path;
}

/* Class, then targets first, then file order. */
static int cmp_content(const void *pa, const void *pb)
{
	const struct content_ref *a = pa, *b = pb;
	int c = cmp_class(a, b);

	if (c)
		return c;
	if (a->target != b->target)
		return a->target ? -1 : 1;
	return a->file < b->file ? -1 : a->file > b->file;
}

static struct content_ref *collect(struct erofs_ishare_set *set, size_t *n)
{
	struct content_ref *refs;
	uint32_t i;

	*n = 0;
	refs = malloc((set->nfiles ? set->nfiles : 1) * sizeof(*refs));
	if (!refs)
		return NULL;
	for (i = 0; i < set->nfiles; i++) {
		const struct erofs_ishare_file *f = &set->files[i];
		struct content_ref *r = &refs[*n];
		bool target = is_target(f);

		if (!target && !is_candidate(f))
			continue;
		memset(r, 0, sizeof(*r));
		r->file = i;
		r->target = target;
		r->path = erofs_ishare_read_path(set, f);
		r->domain = set->images[f->image].opts.domain_id;
		r->size = f->size;
		if (target) {
			memcpy(r->digest, f->value + EROFS_ISHARE_TAG_LEN,
			       sizeof(r->digest));
			r->hashed = true;
		}
		(*n)++;
	}
	return refs;
}

static int hash_candidate(struct erofs_ishare_set *set, struct content_ref *r,
			  erofs_ishare_digest_fn digest, void *ctx)
{
	const struct erofs_ishare_file *f = &set->files[r->file];
	int ret = -EOPNOTSUPP;

	if (digest && !f->compressed)
		ret = digest(ctx, f, r->digest);
	if (ret == -ENOMEM)
		return ret;
	r->hashed = !ret;
	if (ret) {
		set->images[f->image].nofp_not_compared++;
		set->totals.nofp_not_compared++;
	}
	return 0;
}

/* Hash the candidates of every size that occurs more than once. */
static int hash_by_size(struct erofs_ishare_set *set, struct content_ref *refs,
			size_t n, erofs_ishare_digest_fn digest, void *ctx)
{
	size_t i, j, k;
	int ret;

	qsort(refs, n, sizeof(*refs), cmp_size);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && refs[j].size == refs[i].size; j++)
			;
		if (j - i < 2)
			continue;
		for (k = i; k < j; k++) {
			if (refs[k].target)
				continue;
			ret = hash_candidate(set, &refs[k], digest, ctx);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int add_content_miss(struct erofs_ishare_set *set, uint32_t file,
			    uint32_t peer)
{
	const struct erofs_ishare_file *f = &set->files[file];
	struct erofs_ishare_image *img = &set->images[f->image];
	struct erofs_ishare_miss m = {
		.file = file,
		.peer = peer,
		.kind = f->reason == EROFS_ISHARE_NO_FEATURE ?
			EROFS_ISHARE_MISS_NO_FEATURE : EROFS_ISHARE_MISS_NO_VALUE,
		/* what joining the peer's page cache would give back */
		.bytes = set->caches[f->cache].pages << EROFS_ISHARE_PAGE_SHIFT,
	};
	int ret = erofs_ishare_add_miss(set, &m);

	if (ret)
		return ret;
	img->nofp_files++;
	img->nofp_bytes += m.bytes;
	set->totals.nofp_files++;
	set->totals.nofp_bytes += m.bytes;
	set->totals.near_miss_bytes += m.bytes;
	return 0;
}

/*
 * One class of identical content: with an eligible file, every candidate
 * could join the biggest page cache among them; without, the candidates
 * could share with the first of them.
 */
static int class_misses(struct erofs_ishare_set *set,
			const struct content_ref *run, size_t n)
{
	uint32_t peer = run[0].file;
	size_t i;
	int ret;

	for (i = 1; i < n && run[i].target; i++) {
		uint32_t c = set->files[run[i].file].cache;

		if (set->caches[c].nmembers >
		    set->caches[set->files[peer].cache].nmembers)
			peer = run[i].file;
	}
	if (run[0].target)
		peer = set->caches[set->files[peer].cache].first;
	for (i = 0; i < n; i++) {
		if (run[i].target || run[i].file == peer)
			continue;
		ret = add_content_miss(set, run[i].file, peer);
		if (ret)
			return ret;
	}
	return 0;
}

static void reset_counts(struct erofs_ishare_set *set)
{
	uint32_t i;

	for (i = 0; i < set->nimages; i++) {
		set->images[i].nofp_files = 0;
		set->images[i].nofp_bytes = 0;
		set->images[i].nofp_not_compared = 0;
	}
	set->totals.nofp_files = 0;
	set->totals.nofp_bytes = 0;
	set->totals.nofp_not_compared = 0;
}

int erofs_ishare_match_content(struct erofs_ishare_set *set,
			       erofs_ishare_digest_fn digest, void *ctx)
{
	struct content_ref *refs;
	size_t n, m = 0, i, j;
	int ret;

	reset_counts(set);
	refs = collect(set, &n);
	if (!refs)
		return -ENOMEM;
	ret = hash_by_size(set, refs, n, digest, ctx);
	for (i = 0; i < n; i++)
		if (refs[i].hashed)
			refs[m++] = refs[i];
	qsort(refs, m, sizeof(*refs), cmp_content);
	for (i = 0; i < m && !ret; i = j) {
		for (j = i + 1; j < m && !cmp_class(&refs[i], &refs[j]); j++)
			;
		if (j - i > 1)
			ret = class_misses(set, refs + i, j - i);
	}
	free(refs);
	return ret;
}

bool erofs_ishare_miss_is_content(enum erofs_ishare_miss_kind k)
{
	return k == EROFS_ISHARE_MISS_NO_VALUE ||
	       k == EROFS_ISHARE_MISS_NO_FEATURE;
}
