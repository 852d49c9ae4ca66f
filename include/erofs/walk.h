/* SPDX-License-Identifier: MIT */
/*
 * Tree walker over an image: visits every inode reachable from a start
 * directory depth first, building paths, detecting directories reachable
 * twice (cycles, multiply-linked directories) and telling hard links apart
 * from first visits. fsck, dump and the sharing model all walk with it.
 */
#ifndef EROFS_WALK_H
#define EROFS_WALK_H

#include "erofs/reader.h"

/* Deepest directory nesting followed; deeper is reported as corruption. */
#define EROFS_WALK_MAX_DEPTH	1024
#define EROFS_WALK_PATH_MAX	65536

struct erofs_walk_entry {
	const struct erofs_inode *inode;
	const char *path;		/* "/" for the start, "/a/b" below */
	size_t path_len;
	const uint8_t *name;		/* last component (NULL for the start) */
	unsigned int name_len;
	unsigned int file_type;		/* from the dirent (DIR for the start) */
	uint64_t parent_nid;
	unsigned int depth;
	bool first_visit;		/* false for further hard links */
};

struct erofs_walk_ops {
	/* Every entry, parents before children. Non-zero stops the walk. */
	int (*visit)(const struct erofs_walk_entry *e, void *arg);
	/* After a directory's children (e.g. to set its mtime). Optional. */
	int (*leave)(const struct erofs_walk_entry *e, void *arg);
	/*
	 * A finding about @path that does not stop the walk (corrupt inode,
	 * bad directory block, cycle); the subtree is skipped. Return 0 to go
	 * on, non-zero to stop. Without this hook the first finding stops the
	 * walk and is returned.
	 */
	int (*finding)(const char *path, const struct erofs_errinfo *ei,
		       void *arg);
};

/*
 * Walk from directory @nid (the root when @nid is UINT64_MAX), whose path
 * is @path (NULL means "/").
 */
int erofs_walk(const struct erofs_image *img, uint64_t nid, const char *path,
	       const struct erofs_walk_ops *ops, void *arg,
	       struct erofs_errinfo *ei);

/* A set of nids with a counter each, for hard-link and nlink bookkeeping. */
struct erofs_nidmap {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap;
	size_t count;
};

void erofs_nidmap_init(struct erofs_nidmap *m);
void erofs_nidmap_destroy(struct erofs_nidmap *m);
/* Add 1 to @nid's counter (inserting it at 0); returns the new value or -ENOMEM. */
int64_t erofs_nidmap_inc(struct erofs_nidmap *m, uint64_t nid);
/* Set @nid's counter to @val (inserting it); 0 or -ENOMEM. */
int erofs_nidmap_set(struct erofs_nidmap *m, uint64_t nid, uint32_t val);
/* @nid's counter, 0 if absent. */
uint32_t erofs_nidmap_get(const struct erofs_nidmap *m, uint64_t nid);

#endif
