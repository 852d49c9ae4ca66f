// SPDX-License-Identifier: MIT
/*
 * Fingerprint key policy. The key NAME becomes a long xattr prefix whose
 * entries have an empty suffix, so the prefix text is the full xattr name
 * the kernel looks up; anything that cannot be such a name is refused.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "erofs/ishare_key.h"

/*
 * Names the kernel acts on: every file would carry one with a digest for
 * a value, e.g. security.capability makes every exec fail with ERANGE.
 */
static const struct reserved_name {
	const char *name;
	bool is_prefix;
	const char *owner;
} reserved_names[] = {
	{ "security.capability", false, "file capabilities" },
	{ "security.selinux", false, "SELinux" },
	{ "security.ima", false, "IMA" },
	{ "security.evm", false, "EVM" },
	{ "security.SMACK64", true, "Smack" },
	{ "security.apparmor", false, "AppArmor" },
	{ "security.apparmor.", true, "AppArmor" },
	{ "trusted.overlay.", true, "overlayfs" },
	{ "user.overlay.", true, "overlayfs" },
	{ "system.posix_acl_access", false, "POSIX ACL" },
	{ "system.posix_acl_default", false, "POSIX ACL" },
};

static int check_reserved(const char *name, struct erofs_errinfo *ei)
{
	size_t i;

	for (i = 0; i < sizeof(reserved_names) / sizeof(reserved_names[0]); i++) {
		const struct reserved_name *r = &reserved_names[i];
		bool hit = r->is_prefix ?
			   !strncmp(name, r->name, strlen(r->name)) :
			   !strcmp(name, r->name);

		if (hit)
			return erofs_err(ei, -EINVAL, name,
					 "invalid fingerprint key: reserved by the kernel (%s)",
					 r->owner);
	}
	return 0;
}

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
		return erofs_err(ei, -EINVAL, NULL,
				 "invalid fingerprint key: empty name");
	ret = check_bytes(name, ei);
	if (!ret)
		ret = check_reserved(name, ei);
	if (ret)
		return ret;
	ret = erofs_xattr_prefix_from_text(name, out);
	if (ret == -ENAMETOOLONG)
		return erofs_err(ei, ret, name,
				 "invalid fingerprint key: longer than %d bytes (namespace included)",
				 EROFS_XATTR_NAME_MAX);
	if (ret)
		return erofs_err(ei, ret, name, "invalid fingerprint key");
	/* "user." alone leaves nothing to identify the key by */
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
