/* SPDX-License-Identifier: MIT */
/* Pieces of the sharing model shared between its lib/ishare_*.c files. */
#ifndef EROFS_ISHARE_INTERNAL_H
#define EROFS_ISHARE_INTERNAL_H

#include "erofs/ishare_model.h"

/* Same sharing key: value ‖ domain_id bytes and read path. */
bool erofs_ishare_key_equal(const struct erofs_ishare_set *set,
			    uint32_t x, uint32_t y);

/*
 * Resident pages per file (without sharing) and per cache (with sharing)
 * for the workload; marks in @touched the images it reads from.
 */
int erofs_ishare_footprint(struct erofs_ishare_set *set,
			   const struct erofs_ishare_access *accesses,
			   size_t naccesses, bool *touched);

int erofs_ishare_find_misses(struct erofs_ishare_set *set);
/* Append @m to set->misses; -ENOMEM. */
int erofs_ishare_add_miss(struct erofs_ishare_set *set,
			  const struct erofs_ishare_miss *m);

#endif
