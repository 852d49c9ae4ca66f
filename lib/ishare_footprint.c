// SPDX-License-Identifier: MIT
/*
 * Page cache footprint of a workload: how many 4 KiB pages stay resident
 * per inode without sharing and per page cache object with sharing.
 *
 * Pages are counted for the logical (decompressed) content, which is what
 * a file's page cache holds whatever its layout. Readahead is not modelled:
 * read-all reads every page anyway, and a trace is taken as the exact set
 * of pages that were resident.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/ishare_model.h"
#include "ishare_internal.h"

static uint64_t pages_of(uint64_t size)
{
	return (size + EROFS_ISHARE_PAGE_SIZE - 1) >> EROFS_ISHARE_PAGE_SHIFT;
}

static void readall(struct erofs_ishare_set *set, bool *touched)
{
	uint32_t i;

	for (i = 0; i < set->nimages; i++)
		touched[i] = true;
	for (i = 0; i < set->nfiles; i++) {
		struct erofs_ishare_file *f = &set->files[i];

		f->pages = set->images[f->image].mount_err ? 0 : pages_of(f->size);
	}
	for (i = 0; i < set->ncaches; i++) {
		struct erofs_ishare_cache *c = &set->caches[i];

		c->pages = set->files[c->first].pages;
	}
}

/* A run of pages [first, last] read from one file. */
struct span {
	uint32_t owner;		/* file or cache index, depending on the pass */
	uint64_t first, last;
};

static int cmp_span(const void *pa, const void *pb)
{
	const struct span *a = pa, *b = pb;

	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* Sort @s by owner and add the size of each owner's union to @pages. */
static void count_union(struct span *s, size_t n,
			void (*add)(struct erofs_ishare_set *, uint32_t, uint64_t),
			struct erofs_ishare_set *set)
{
	size_t i = 0;

	qsort(s, n, sizeof(*s), cmp_span);
	while (i < n) {
		uint32_t owner = s[i].owner;
		uint64_t first = s[i].first, last = s[i].last, total = 0;

		for (i++; i < n && s[i].owner == owner; i++) {
			if (s[i].first > last + 1) {
				total += last - first + 1;
				first = s[i].first;
				last = s[i].last;
			} else if (s[i].last > last) {
				last = s[i].last;
			}
		}
		add(set, owner, total + (last - first + 1));
	}
}

static void add_file_pages(struct erofs_ishare_set *set, uint32_t i, uint64_t n)
{
	set->files[i].pages = n;
}

static void add_cache_pages(struct erofs_ishare_set *set, uint32_t i, uint64_t n)
{
	set->caches[i].pages = n;
}

/* Clip each access to its file and turn it into a page span. */
static size_t trace_spans(const struct erofs_ishare_set *set,
			  const struct erofs_ishare_access *acc, size_t nacc,
			  struct span *s, bool *touched)
{
	size_t i, n = 0;

	for (i = 0; i < nacc; i++) {
		const struct erofs_ishare_file *f = &set->files[acc[i].file];
		uint64_t end;

		touched[f->image] = true;
		if (set->images[f->image].mount_err ||
		    !acc[i].length || acc[i].offset >= f->size)
			continue;
		end = acc[i].offset + acc[i].length;
		if (end > f->size || end < acc[i].offset)
			end = f->size;
		s[n].owner = acc[i].file;
		s[n].first = acc[i].offset >> EROFS_ISHARE_PAGE_SHIFT;
		s[n].last = (end - 1) >> EROFS_ISHARE_PAGE_SHIFT;
		n++;
	}
	return n;
}

static int trace(struct erofs_ishare_set *set,
		 const struct erofs_ishare_access *acc, size_t nacc,
		 bool *touched)
{
	struct span *s = malloc((nacc ? nacc : 1) * sizeof(*s));
	size_t i, n;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < set->nfiles; i++)
		set->files[i].pages = 0;
	for (i = 0; i < set->ncaches; i++)
		set->caches[i].pages = 0;
	n = trace_spans(set, acc, nacc, s, touched);
	count_union(s, n, add_file_pages, set);
	/* The same spans, now owned by the page cache each file reads via. */
	for (i = 0; i < n; i++)
		s[i].owner = set->files[s[i].owner].cache;
	count_union(s, n, add_cache_pages, set);
	free(s);
	return 0;
}

int erofs_ishare_footprint(struct erofs_ishare_set *set,
			   const struct erofs_ishare_access *accesses,
			   size_t naccesses, bool *touched)
{
	if (!accesses) {
		readall(set, touched);
		return 0;
	}
	return trace(set, accesses, naccesses, touched);
}
