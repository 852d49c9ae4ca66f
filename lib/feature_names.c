// SPDX-License-Identifier: MIT
/* Feature bit names (format doc §2.1) for text and JSON views. */
#include <stdio.h>
#include "erofs/features.h"

static const char *const compat_names[] = {
	"sb_csum", "mtime", "xattr_filter", "shared_ea_in_metabox",
	"plain_xattr_pfx", "ishare_xattrs",
};

/* bit 9 was the seed patch's INCOMPAT fingerprint bit, never released */
static const char *const incompat_names[] = {
	"0padding", "compr_cfgs", "chunked_file", "device_table",
	"ztailpacking", "fragments", "xattr_prefixes", "48bit", "metabox",
	"ishare_key(draft)",
};

static const char *bit_name(const char *const *names, unsigned int n,
			    uint32_t bit)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (bit == 1U << i)
			return names[i];
	return NULL;
}

const char *erofs_feature_compat_name(uint32_t bit)
{
	return bit_name(compat_names, sizeof(compat_names) / sizeof(*compat_names),
			bit);
}

const char *erofs_feature_incompat_name(uint32_t bit)
{
	return bit_name(incompat_names,
			sizeof(incompat_names) / sizeof(*incompat_names), bit);
}

const char *erofs_feature_label(uint32_t bit, erofs_feature_name_fn name,
				char buf[EROFS_FEATURE_LABEL_MAX])
{
	const char *s = name(bit);

	if (s)
		return s;
	snprintf(buf, EROFS_FEATURE_LABEL_MAX, "0x%x", bit);
	return buf;
}

void erofs_features_json(struct erofs_json *j, const char *key, uint32_t bits,
			 erofs_feature_name_fn name)
{
	char buf[EROFS_FEATURE_LABEL_MAX];
	unsigned int i;

	ej_arr_begin(j, key);
	for (i = 0; i < 32; i++)
		if (bits & (1U << i))
			ej_str(j, NULL, erofs_feature_label(1U << i, name, buf));
	ej_arr_end(j);
}
