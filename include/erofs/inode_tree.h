/* SPDX-License-Identifier: MIT */
/*
 * The writer's in-memory inode tree: one node per image inode, directory
 * children kept sorted the way the format wants them (bytewise).
 */
#ifndef EROFS_INODE_TREE_H
#define EROFS_INODE_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "erofs/digest.h"

struct erofs_xattr_item;

struct erofs_wdirent {
	const char *name;		/* not NUL terminated when from a buffer */
	uint8_t len;			/* 1..255 */
	struct erofs_wnode *node;
};

/* Where the bytes of a regular file come from (tar sources add kinds). */
enum erofs_data_kind {
	EROFS_DATA_NONE = 0,
	EROFS_DATA_PATH,		/* a file in the source directory */
};

struct erofs_data_source {
	enum erofs_data_kind kind;
	char *path;
};

struct erofs_wnode {
	/* attributes as they go into the image */
	uint32_t mode;
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t rdev;			/* already in the on-disk encoding */
	uint64_t size;
	int64_t mtime;
	uint32_t mtime_nsec;

	/* what the source said at scan time, to detect changes later */
	int64_t src_mtime;
	uint32_t src_mtime_nsec;
	int64_t src_ctime;		/* catches edits that restored mtime */
	uint32_t src_ctime_nsec;

	struct erofs_data_source src;
	char *symlink;			/* target, @size bytes, symlinks only */

	/* directories */
	struct erofs_wnode *parent;
	struct erofs_wdirent *children;	/* sorted, without "." and ".." */
	uint32_t n_children;
	uint32_t n_subdirs;

	/* xattrs: interned items, sorted; fingerprint added by the data pass */
	struct erofs_xattr_item **xattrs;
	uint16_t n_xattrs;
	uint16_t n_shared;
	bool fingerprint;
	uint8_t digest[EROFS_SHA256_LEN];

	/* layout results */
	uint32_t ino;			/* serial number, 1-based */
	uint64_t nid;
	uint64_t meta_off;		/* byte offset of the inode in the image */
	bool extended;
	uint8_t datalayout;
	uint32_t xattr_isize;
	uint32_t startblk;
	uint32_t nblocks;		/* full data blocks */
	uint32_t tail_len;		/* inline tail bytes */
	bool visited;			/* layout traversal bookkeeping */
};

static inline bool erofs_wnode_is_dir(const struct erofs_wnode *n)
{
	return (n->mode & 0170000) == 0040000;
}

static inline bool erofs_wnode_is_reg(const struct erofs_wnode *n)
{
	return (n->mode & 0170000) == 0100000;
}

static inline bool erofs_wnode_is_symlink(const struct erofs_wnode *n)
{
	return (n->mode & 0170000) == 0120000;
}

/* Bytewise name order with a proper prefix first (format doc §4.2). */
int erofs_name_cmp(const char *a, size_t alen, const char *b, size_t blen);

struct erofs_wnode *erofs_wnode_new(void);
void erofs_wnode_free_tree(struct erofs_wnode *root);

/* Append a child; call erofs_wnode_sort_children() once all are in. */
int erofs_wnode_add_child(struct erofs_wnode *dir, const char *name,
			  size_t len, struct erofs_wnode *child);
void erofs_wnode_sort_children(struct erofs_wnode *dir);

/*
 * Hard-link map: (st_dev, st_ino) -> node, so every link of a file becomes
 * the same inode. Open addressing keyed by xxHash.
 */
struct erofs_hardlink_map {
	struct erofs_hardlink_slot *slots;
	size_t cap, used;
};

void erofs_hardlink_map_init(struct erofs_hardlink_map *m);
void erofs_hardlink_map_destroy(struct erofs_hardlink_map *m);
struct erofs_wnode *erofs_hardlink_find(const struct erofs_hardlink_map *m,
					uint64_t dev, uint64_t ino);
int erofs_hardlink_insert(struct erofs_hardlink_map *m, uint64_t dev,
			  uint64_t ino, struct erofs_wnode *n);

#endif
