/* SPDX-License-Identifier: MIT */
/*
 * Page-cache-sharing fingerprint policy (format doc §8.1): which names may
 * serve as key and what the value looks like.
 */
#ifndef EROFS_ISHARE_KEY_H
#define EROFS_ISHARE_KEY_H

#include <stdint.h>
#include "erofs/errinfo.h"
#include "erofs/format.h"
#include "erofs/xattr.h"

/*
 * Validate a key NAME and turn it into the long prefix it registers.
 * Errors (-EINVAL / -ENAMETOOLONG) carry a reason in @ei.
 */
int erofs_ishare_key_parse(const char *name, struct erofs_xattr_prefix *out,
			   struct erofs_errinfo *ei);

/* Value bytes: "sha256:" followed by the 32 raw digest bytes. */
void erofs_ishare_value(const uint8_t digest[EROFS_ISHARE_DIGEST_LEN],
			uint8_t out[EROFS_ISHARE_VALUE_LEN]);

#endif
