// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>
#include "erofs/xattr.h"

static const char *const short_prefixes[EROFS_XATTR_INDEX_MAX] = {
	[EROFS_XATTR_INDEX_USER] = "user.",
	[EROFS_XATTR_INDEX_POSIX_ACL_ACCESS] = "system.posix_acl_access",
	[EROFS_XATTR_INDEX_POSIX_ACL_DEFAULT] = "system.posix_acl_default",
	[EROFS_XATTR_INDEX_TRUSTED] = "trusted.",
	/* lustre. (5) is reserved: neither the kernel nor peers handle it */
	[EROFS_XATTR_INDEX_SECURITY] = "security.",
};

static bool is_acl_index(unsigned int index)
{
	return index == EROFS_XATTR_INDEX_POSIX_ACL_ACCESS ||
	       index == EROFS_XATTR_INDEX_POSIX_ACL_DEFAULT;
}

const char *erofs_xattr_short_prefix(unsigned int index)
{
	return index < EROFS_XATTR_INDEX_MAX ? short_prefixes[index] : NULL;
}

int erofs_xattr_short_index(const char *name, size_t len, unsigned int *index,
			    size_t *prefix_len)
{
	unsigned int i;

	for (i = 1; i < EROFS_XATTR_INDEX_MAX; i++) {
		const char *p = short_prefixes[i];
		size_t plen = p ? strlen(p) : 0;

		if (!p || len < plen || memcmp(name, p, plen))
			continue;
		if (is_acl_index(i) && len != plen)
			continue;
		*index = i;
		*prefix_len = plen;
		return 0;
	}
	return -ENODATA;
}

int erofs_xattr_prefix_from_text(const char *text, struct erofs_xattr_prefix *p)
{
	size_t len = strlen(text), plen = 0;
	unsigned int base = 0;

	if (!len)
		return -EINVAL;
	if (erofs_xattr_short_index(text, len, &base, &plen))
		base = 0, plen = 0;
	/*
	 * The record could hold 255 bytes after a short prefix, but no
	 * name longer than the VFS limit can ever be read back.
	 */
	if (len > EROFS_XATTR_NAME_MAX)
		return -ENAMETOOLONG;
	p->base_index = base;
	p->infix_len = len - plen;
	memcpy(p->infix, text + plen, p->infix_len);
	return 0;
}

size_t erofs_xattr_prefix_text(const struct erofs_xattr_prefix *p, char *buf,
			       size_t bufsz)
{
	const char *sp = erofs_xattr_short_prefix(p->base_index);

	return (size_t)snprintf(buf, bufsz, "%s%.*s", sp ? sp : "",
				(int)p->infix_len, p->infix);
}

unsigned int erofs_xattr_filter_bit(unsigned int base, const void *s, size_t len)
{
	return XXH32(s, len, EROFS_XATTR_FILTER_SEED + base) &
	       (EROFS_XATTR_FILTER_BITS - 1);
}
