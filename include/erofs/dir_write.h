/* SPDX-License-Identifier: MIT */
/* Directory blocks: dirent ordering and packing (format doc §4). */
#ifndef EROFS_DIR_WRITE_H
#define EROFS_DIR_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include "erofs/inode_tree.h"

/* One entry as it goes into a block, "." and ".." included. */
struct erofs_dentry_out {
	const char *name;
	unsigned int len;
	uint64_t nid;
	uint8_t file_type;
};

/*
 * Fill @out (room for n_children + 2) with all entries of @dir in on-disk
 * order; nids are taken from the nodes, so call after layout for real
 * output (sizes only depend on names). Returns the number of entries.
 */
size_t erofs_dir_entries(const struct erofs_wnode *dir,
			 struct erofs_dentry_out *out);

/* Directory i_size for these entries with @blksz blocks. */
uint64_t erofs_dir_size(const struct erofs_dentry_out *ents, size_t n,
			unsigned int blksz);

/* Encode the whole directory content (erofs_dir_size() bytes) into @out. */
void erofs_dir_encode(const struct erofs_dentry_out *ents, size_t n,
		      unsigned int blksz, uint8_t *out);

#endif
