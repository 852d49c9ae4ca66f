/* SPDX-License-Identifier: MIT */
/*
 * Directory reading: each directory block is validated (format doc §9
 * items 15/16: nameoff bounds, name bytes, global byte order, one "." and
 * one "..", file types) before any of its entries is handed out.
 */
#ifndef EROFS_RDIR_H
#define EROFS_RDIR_H

#include "erofs/reader.h"

struct erofs_dirent_info {
	uint64_t nid;
	const uint8_t *name;		/* not NUL-terminated */
	unsigned int name_len;
	unsigned int file_type;		/* enum erofs_file_type */
	uint64_t pos;			/* offset of the dirent in the directory data */
	bool synthesized;		/* "." of a DOT_OMITTED directory */
};

typedef int (*erofs_dir_cb)(const struct erofs_dirent_info *de, void *arg);

/*
 * Call @cb for each entry of directory @dir in on-disk order. Validation
 * errors return -EFSCORRUPTED naming the directory inode; entries of
 * earlier blocks have been delivered by then. A non-zero return from @cb
 * stops the walk and is returned.
 */
int erofs_dir_foreach(const struct erofs_image *img,
		      const struct erofs_inode *dir, erofs_dir_cb cb, void *arg,
		      struct erofs_errinfo *ei);

/*
 * Validate one directory block of @len bytes (the last may be partial);
 * @prev/@prev_len is the last name of the previous block (NULL at the
 * first) for the global order check. Exposed for unit tests.
 */
int erofs_dirblock_check(const uint8_t *blk, unsigned int len,
			 unsigned int blksz, const uint8_t *prev,
			 unsigned int prev_len, const char **reason);

/* Look up @name in @dir; -ENOENT if absent. */
int erofs_dir_lookup(const struct erofs_image *img,
		     const struct erofs_inode *dir, const void *name,
		     size_t name_len, uint64_t *nid, struct erofs_errinfo *ei);

/* Resolve an absolute or root-relative path ("/a/b", "a/b") to a nid. */
int erofs_path_lookup(const struct erofs_image *img, const char *path,
		      uint64_t *nid, struct erofs_errinfo *ei);

#endif
