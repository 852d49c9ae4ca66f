/* SPDX-License-Identifier: MIT */
/*
 * Xattrs through the reader: inline and shared entries with full names
 * rebuilt from short and long prefixes, the name bloom filter, and the
 * page-cache-sharing fingerprint (format doc §5, §8).
 */
#ifndef EROFS_RXATTR_H
#define EROFS_RXATTR_H

#include "erofs/reader.h"

/* Longest full name: long prefix (short prefix + 255 infix) + 255 suffix. */
#define EROFS_XATTR_FULLNAME_MAX	(32 + 255 + 255)

struct erofs_xattr {
	bool shared;
	uint32_t shared_id;		/* shared only */
	uint64_t pos;			/* byte position of the entry */
	uint8_t name_index;		/* raw e_name_index */
	unsigned int base_index;	/* short index the name belongs to */
	int long_prefix;		/* prefix id, or -1 */
	/* full name: short prefix + infix + suffix, NUL-terminated */
	const char *name;
	size_t name_len;
	/* the name without its short prefix (what the bloom filter hashes) */
	const uint8_t *rest;
	size_t rest_len;
	const uint8_t *value;
	size_t value_len;
};

typedef int (*erofs_xattr_cb)(const struct erofs_xattr *x, void *arg);

/*
 * Call @cb for each xattr of @inode: inline ones first, then shared ones in
 * the order of the inode's id list (the kernel's lookup order). Empty
 * index-0 padding entries are skipped. A non-zero
 * return from @cb stops the walk and is returned.
 */
int erofs_xattr_foreach(const struct erofs_image *img,
			const struct erofs_inode *inode, erofs_xattr_cb cb,
			void *arg, struct erofs_errinfo *ei);

/* The inline header's bloom filter word (0 if no xattr area). */
int erofs_xattr_filter(const struct erofs_image *img,
		       const struct erofs_inode *inode, uint32_t *filter,
		       struct erofs_errinfo *ei);

/*
 * Value of xattr @name (full name). On success *@value is malloc'ed (the
 * caller frees it). -ENODATA if absent.
 */
int erofs_xattr_get(const struct erofs_image *img,
		    const struct erofs_inode *inode, const char *name,
		    size_t name_len, uint8_t **value, size_t *value_len,
		    struct erofs_errinfo *ei);

/*
 * The fingerprint xattr the kernel reads for sharing: the entry whose name
 * is the long prefix sb.ishare_xattr_prefix_id with an empty suffix, matched
 * the way the kernel matches names (any entry with the same base index and
 * the same rest). *@value is malloc'ed (any length 0..65535; NULL when 0).
 * -ENODATA when the image has no COMPAT_ISHARE_XATTRS, an invalid prefix id
 * or the inode has no such xattr.
 */
int erofs_inode_fingerprint(const struct erofs_image *img,
			    const struct erofs_inode *inode, uint8_t **value,
			    size_t *value_len, struct erofs_errinfo *ei);

/* Full name of the fingerprint prefix into @buf; false if none. */
bool erofs_fingerprint_name(const struct erofs_image *img, char *buf,
			    size_t bufsz);

#endif
