// SPDX-License-Identifier: MIT
/*
 * Fingerprint key policy. The key NAME becomes a long xattr prefix whose
 * entries have an empty suffix, so the prefix text is the full xattr name
 * the kernel looks up; anything that cannot be such a name is refused.
 */
#include <errno.h>
#include <string.h>
#include "erofs/ishare_key.h"

static int check_bytes(const char *name, struct erofs_errinfo *ei)
{
	const unsigned char *c;

	for (c = (const unsigned char *)name; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return erofs_err(ei, -EINVAL, name,
					 "invalid fingerprint key: control character in name");
	return 0;
}

int erofs_ishare_key_parse(const char *name, struct erofs_xattr_prefix *out,
			   struct erofs_errinfo *ei)
{
	int ret;

	if (!name || !*name)
		return erofs_err(ei, -EINVAL, "--ishare_key",
				 "invalid fingerprint key: empty name");
	ret = check_bytes(name, ei);
	if (ret)
		return ret;
	ret = erofs_xattr_prefix_from_text(name, out);
	if (ret == -ENAMETOOLONG)
		return erofs_err(ei, ret, name,
				 "invalid fingerprint key: longer than %d bytes after its namespace",
				 EROFS_XATTR_PREFIX_MAX_LEN - 1);
	if (ret)
		return erofs_err(ei, ret, name, "invalid fingerprint key");
	/*
	 * "user." alone or an ACL name would leave nothing to identify the
	 * key within its namespace (and collide with ACLs).
	 */
	if (!out->infix_len)
		return erofs_err(ei, -EINVAL, name,
				 "invalid fingerprint key: nothing after the namespace prefix");
	return 0;
}

void erofs_ishare_value(const uint8_t digest[EROFS_ISHARE_DIGEST_LEN],
			uint8_t out[EROFS_ISHARE_VALUE_LEN])
{
	memcpy(out, EROFS_ISHARE_VALUE_TAG, EROFS_ISHARE_TAG_LEN);
	memcpy(out + EROFS_ISHARE_TAG_LEN, digest, EROFS_ISHARE_DIGEST_LEN);
}
