// SPDX-License-Identifier: MIT
/*
 * The sharing rules of Linux 7.x (format doc §8.2, observed behaviour in
 * §8.3): which images mount, which inodes take part, and which inodes end
 * up reading through one page cache.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/ishare_model.h"
#include "ishare_internal.h"

static int add_warning(struct erofs_ishare_set *set, uint32_t image,
		       int64_t file, int err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int add_warning(struct erofs_ishare_set *set, uint32_t image,
		       int64_t file, int err, const char *fmt, ...)
{
	struct erofs_ishare_warning *w;
	va_list ap;

	w = realloc(set->warnings, (set->nwarnings + 1) * sizeof(*w));
	if (!w)
		return -ENOMEM;
	set->warnings = w;
	w = &w[set->nwarnings++];
	w->image = image;
	w->file = file;
	w->err = err;
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof(w->text), fmt, ap);
	va_end(ap);
	return 0;
}

/*
 * Mount-time checks in the order the kernel makes them: the options are
 * validated before the superblock is read, and a bad prefix id fails the
 * mount even when sharing is not asked for.
 */
static int model_mount(struct erofs_ishare_set *set, uint32_t i)
{
	struct erofs_ishare_image *img = &set->images[i];

	img->mount_err = 0;
	img->sharing_on = false;
	/* fs_parse refuses an empty string before any other check */
	if (img->opts.has_domain && !img->opts.domain_id[0]) {
		img->mount_err = -EINVAL;
		return add_warning(set, i, -1, -EINVAL,
				   "Bad value for 'domain_id'");
	}
	if (img->opts.inode_share && !img->opts.has_domain) {
		img->mount_err = -EINVAL;
		return add_warning(set, i, -1, -EINVAL,
				   "domain_id is needed when inode_share is on");
	}
	if (img->has_feature && !img->prefix_id_valid) {
		img->mount_err = -EUCLEAN;
		return add_warning(set, i, -1, -EUCLEAN,
				   "invalid ishare xattr prefix id %u",
				   img->prefix_id);
	}
	if (img->opts.inode_share && !img->has_feature)
		return add_warning(set, i, -1, 0,
				   "on-disk ishare xattrs not found. Turning off inode_share.");
	img->sharing_on = img->opts.inode_share;
	return 0;
}

static enum erofs_ishare_reason file_reason(const struct erofs_ishare_set *set,
					    const struct erofs_ishare_file *f)
{
	const struct erofs_ishare_image *img = &set->images[f->image];

	if (img->mount_err)
		return EROFS_ISHARE_NO_MOUNT;
	if (!img->opts.inode_share)
		return EROFS_ISHARE_NO_OPTION;
	if (!img->has_feature)
		return EROFS_ISHARE_NO_FEATURE;
	if (!f->value)
		return EROFS_ISHARE_NO_VALUE;
	/* Longer than a block: accepted at mount, silently never shared. */
	if (!f->value_len || f->value_len > (1U << img->blkszbits))
		return EROFS_ISHARE_BAD_LENGTH;
	return EROFS_ISHARE_ELIGIBLE;
}

enum erofs_ishare_path erofs_ishare_read_path(const struct erofs_ishare_set *set,
					      const struct erofs_ishare_file *f)
{
	/*
	 * Chunk-based files read through the same address-space operations
	 * as flat ones, so only compression and the backing decide.
	 */
	if (f->compressed)
		return EROFS_ISHARE_PATH_COMPRESSED;
	if (set->images[f->image].opts.backing == EROFS_ISHARE_FILE)
		return EROFS_ISHARE_PATH_FILE;
	return EROFS_ISHARE_PATH_BDEV;
}

/* Sort context: qsort has no user pointer, so indices carry the set. */
struct key_ref {
	const struct erofs_ishare_set *set;
	uint32_t file;
};

/* One sharing key as the kernel builds it: value bytes ‖ domain_id bytes. */
struct key_parts {
	const uint8_t *part[2];
	size_t len[2];
};

static void key_of(const struct erofs_ishare_set *set, uint32_t i,
		   struct key_parts *k)
{
	const struct erofs_ishare_file *f = &set->files[i];
	const char *dom = set->images[f->image].opts.domain_id;

	k->part[0] = f->value;
	k->len[0] = f->value_len;
	k->part[1] = (const uint8_t *)dom;
	k->len[1] = strlen(dom);
}

/*
 * Compare two keys as their concatenations, without building them: the
 * kernel compares the joined bytes, so "ab"+"c" equals "a"+"bc".
 */
static int cmp_keys(const struct key_parts *a, const struct key_parts *b)
{
	size_t la = a->len[0] + a->len[1], lb = b->len[0] + b->len[1];
	size_t pos = 0, ia = 0, ib = 0, oa = 0, ob = 0;

	if (la != lb)
		return la < lb ? -1 : 1;
	while (pos < la) {
		size_t n;
		int c;

		while (oa == a->len[ia]) {
			ia++;
			oa = 0;
		}
		while (ob == b->len[ib]) {
			ib++;
			ob = 0;
		}
		n = a->len[ia] - oa;
		if (b->len[ib] - ob < n)
			n = b->len[ib] - ob;
		c = memcmp(a->part[ia] + oa, b->part[ib] + ob, n);
		if (c)
			return c;
		oa += n;
		ob += n;
		pos += n;
	}
	return 0;
}

static int cmp_sharing(const struct erofs_ishare_set *set, uint32_t x,
		       uint32_t y)
{
	enum erofs_ishare_path px = erofs_ishare_read_path(set, &set->files[x]);
	enum erofs_ishare_path py = erofs_ishare_read_path(set, &set->files[y]);
	struct key_parts kx, ky;
	int c;

	key_of(set, x, &kx);
	key_of(set, y, &ky);
	c = cmp_keys(&kx, &ky);
	if (c)
		return c;
	return px < py ? -1 : px > py;
}

/* Order by sharing key (value ‖ domain_id, read path), then file order. */
static int cmp_key(const void *pa, const void *pb)
{
	const struct key_ref *ka = pa, *kb = pb;
	int c = cmp_sharing(ka->set, ka->file, kb->file);

	if (c)
		return c;
	return ka->file < kb->file ? -1 : ka->file > kb->file;
}

bool erofs_ishare_key_equal(const struct erofs_ishare_set *set,
			    uint32_t x, uint32_t y)
{
	return !cmp_sharing(set, x, y);
}

static int new_cache(struct erofs_ishare_set *set, uint32_t first)
{
	struct erofs_ishare_cache *c = &set->caches[set->ncaches];

	memset(c, 0, sizeof(*c));
	c->first = first;
	c->path = erofs_ishare_read_path(set, &set->files[first]);
	set->files[first].cache = set->ncaches;
	set->files[first].next = EROFS_ISHARE_NONE;
	c->nmembers = 1;
	return set->ncaches++;
}

/*
 * Walk one run of equal keys (sorted by file order inside the run): the
 * first inode creates the shared inode and fixes its size; a later inode
 * with another size is refused and keeps its own page cache.
 */
static int group_run(struct erofs_ishare_set *set, const struct key_ref *run,
		     size_t n)
{
	uint32_t first = run[0].file, last = first, c;
	size_t i;
	int ret;

	c = new_cache(set, first);
	for (i = 1; i < n; i++) {
		struct erofs_ishare_file *f = &set->files[run[i].file];

		if (f->size != set->files[first].size) {
			f->reason = EROFS_ISHARE_SIZE_MISMATCH;
			new_cache(set, run[i].file);
			ret = add_warning(set, f->image, run[i].file, 0,
					  "i_size mismatch (%llu, shared inode has %llu)",
					  (unsigned long long)f->size,
					  (unsigned long long)set->files[first].size);
			if (ret)
				return ret;
			continue;
		}
		f->cache = c;
		f->next = EROFS_ISHARE_NONE;
		set->files[last].next = run[i].file;
		last = run[i].file;
		set->caches[c].nmembers++;
	}
	return 0;
}

static int build_caches(struct erofs_ishare_set *set)
{
	struct key_ref *refs;
	size_t n = 0, i, j;
	int ret = 0;

	free(set->caches);
	set->ncaches = 0;
	set->caches = calloc(set->nfiles ? set->nfiles : 1, sizeof(*set->caches));
	refs = malloc((set->nfiles ? set->nfiles : 1) * sizeof(*refs));
	if (!set->caches || !refs) {
		free(refs);
		return -ENOMEM;
	}
	for (i = 0; i < set->nfiles; i++)
		if (set->files[i].reason == EROFS_ISHARE_ELIGIBLE)
			refs[n++] = (struct key_ref){ set, (uint32_t)i };
	qsort(refs, n, sizeof(*refs), cmp_key);
	for (i = 0; i < n && !ret; i = j) {
		for (j = i + 1; j < n && erofs_ishare_key_equal(set, refs[i].file,
								refs[j].file); j++)
			;
		ret = group_run(set, refs + i, j - i);
	}
	free(refs);
	/* Everything else reads through its own inode's page cache. */
	for (i = 0; i < set->nfiles && !ret; i++)
		if (set->files[i].reason != EROFS_ISHARE_ELIGIBLE &&
		    set->files[i].reason != EROFS_ISHARE_SIZE_MISMATCH)
			new_cache(set, i);
	return ret;
}

static void sum_totals(struct erofs_ishare_set *set, const bool *touched)
{
	struct erofs_ishare_totals *t = &set->totals;
	uint32_t i;

	memset(t, 0, sizeof(*t));
	t->files = set->nfiles;
	for (i = 0; i < set->nfiles; i++) {
		t->data_without += set->files[i].pages << EROFS_ISHARE_PAGE_SHIFT;
		t->eligible += set->files[i].reason == EROFS_ISHARE_ELIGIBLE;
	}
	for (i = 0; i < set->ncaches; i++) {
		t->data_with += set->caches[i].pages << EROFS_ISHARE_PAGE_SHIFT;
		t->shared_groups += set->caches[i].nmembers > 1;
	}
	for (i = 0; i < set->nimages; i++) {
		if (set->images[i].mount_err || !touched[i])
			continue;
		t->dir_bytes += set->images[i].dir_pages << EROFS_ISHARE_PAGE_SHIFT;
		t->meta_bytes += set->images[i].meta_pages << EROFS_ISHARE_PAGE_SHIFT;
	}
	for (i = 0; i < set->nmisses; i++)
		t->near_miss_bytes += set->misses[i].bytes;
}

int erofs_ishare_model_run(struct erofs_ishare_set *set,
			   const struct erofs_ishare_workload *w)
{
	/* the footprint takes a NULL trace for read-all: never pass one */
	static const struct erofs_ishare_access no_access;
	const struct erofs_ishare_access *acc = NULL;
	bool *touched;
	uint32_t i;
	int ret;

	free(set->warnings);
	set->warnings = NULL;
	set->nwarnings = 0;
	for (i = 0; i < set->nimages; i++) {
		ret = model_mount(set, i);
		if (ret)
			return ret;
	}
	for (i = 0; i < set->nfiles; i++)
		set->files[i].reason = file_reason(set, &set->files[i]);
	ret = build_caches(set);
	if (ret)
		return ret;
	touched = calloc(set->nimages ? set->nimages : 1, sizeof(*touched));
	if (!touched)
		return -ENOMEM;
	if (!w->read_all)
		acc = w->accesses ? w->accesses : &no_access;
	ret = erofs_ishare_footprint(set, acc, w->read_all ? 0 : w->naccesses,
				     touched);
	if (!ret)
		ret = erofs_ishare_find_misses(set);
	if (!ret)
		sum_totals(set, touched);
	free(touched);
	return ret;
}
