// SPDX-License-Identifier: MIT
/*
 * Unsafe sharing: the kernel trusts fingerprint values, so two inodes with
 * equal keys and sizes share one page cache whatever their bytes are, and
 * the first one read supplies the content for both. Every group is checked
 * here, from verified digests where possible, else by comparing contents.
 */
#include <errno.h>
#include <string.h>
#include "erofs/format.h"
#include "erofs/ishare_model.h"

bool erofs_ishare_value_is_sha256(const uint8_t *value, uint32_t len)
{
	return value && len == EROFS_ISHARE_VALUE_LEN &&
	       !memcmp(value, EROFS_ISHARE_VALUE_TAG, EROFS_ISHARE_TAG_LEN);
}

/* Members' common fingerprint state, from the weakest member. */
static void member_states(const struct erofs_ishare_set *set, uint32_t c,
			  bool *all_verified, bool *all_trustable)
{
	uint32_t i;

	*all_verified = true;
	*all_trustable = true;
	for (i = set->caches[c].first; i != EROFS_ISHARE_NONE; i = set->files[i].next) {
		const struct erofs_ishare_file *f = &set->files[i];

		if (f->fpstate != EROFS_ISHARE_FP_VERIFIED)
			*all_verified = false;
		if (!erofs_ishare_value_is_sha256(f->value, f->value_len) ||
		    (f->fpstate != EROFS_ISHARE_FP_VERIFIED &&
		     f->fpstate != EROFS_ISHARE_FP_UNCHECKED))
			*all_trustable = false;
	}
}

static enum erofs_ishare_safety compare_members(const struct erofs_ishare_set *set,
						uint32_t c,
						erofs_ishare_compare_fn compare,
						void *ctx, int *err)
{
	const struct erofs_ishare_file *first = &set->files[set->caches[c].first];
	enum erofs_ishare_safety s = EROFS_ISHARE_SAFE_COMPARED;
	uint32_t i;

	if (!compare)
		return EROFS_ISHARE_UNVERIFIABLE;
	for (i = first->next; i != EROFS_ISHARE_NONE; i = set->files[i].next) {
		int ret;

		ret = compare(ctx, first, &set->files[i]);
		if (ret == 1)
			return EROFS_ISHARE_UNSAFE;
		/* a member that cannot be read leaves the group unproven */
		if (ret == -ENOMEM)
			*err = ret;
		else if (ret < 0)
			s = EROFS_ISHARE_UNVERIFIABLE;
		if (*err)
			return s;
	}
	return s;
}

int erofs_ishare_check_groups(struct erofs_ishare_set *set, bool trust_values,
			      erofs_ishare_compare_fn compare, void *ctx)
{
	uint32_t c;
	int err = 0;

	set->totals.unsafe_groups = 0;
	set->totals.unverifiable_groups = 0;
	for (c = 0; c < set->ncaches && !err; c++) {
		struct erofs_ishare_cache *cache = &set->caches[c];
		bool verified, trustable;

		if (cache->nmembers < 2)
			continue;
		member_states(set, c, &verified, &trustable);
		if (verified)
			cache->safety = EROFS_ISHARE_SAFE_VERIFIED;
		else if (trust_values && trustable)
			cache->safety = EROFS_ISHARE_SAFE_TRUSTED;
		else
			cache->safety = compare_members(set, c, compare, ctx, &err);
		set->totals.unsafe_groups += cache->safety == EROFS_ISHARE_UNSAFE;
		set->totals.unverifiable_groups +=
			cache->safety == EROFS_ISHARE_UNVERIFIABLE;
	}
	return err;
}
