/* SPDX-License-Identifier: MIT */
/*
 * Superblock feature bits by name (format doc §2.1), shared by every
 * front end so that text and JSON views spell them the same way.
 */
#ifndef EROFS_FEATURES_H
#define EROFS_FEATURES_H

#include <stdint.h>
#include "erofs/json.h"

/* Name of a single feature bit, or NULL if this tool does not know it. */
typedef const char *(*erofs_feature_name_fn)(uint32_t bit);

const char *erofs_feature_compat_name(uint32_t bit);
const char *erofs_feature_incompat_name(uint32_t bit);

/* Longest label erofs_feature_label() writes, with its NUL. */
#define EROFS_FEATURE_LABEL_MAX	16

/* @bit's name, or "0x..." in @buf for a bit without one. */
const char *erofs_feature_label(uint32_t bit, erofs_feature_name_fn name,
				char buf[EROFS_FEATURE_LABEL_MAX]);

/* A JSON array @key of the labels of every bit set in @bits. */
void erofs_features_json(struct erofs_json *j, const char *key, uint32_t bits,
			 erofs_feature_name_fn name);

#endif
