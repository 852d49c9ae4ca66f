// SPDX-License-Identifier: MIT
/* In-memory inode tree of the writer and its hard-link map. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include "erofs/inode_tree.h"

int erofs_name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

struct erofs_wnode *erofs_wnode_new(void)
{
	return calloc(1, sizeof(struct erofs_wnode));
}

int erofs_wnode_add_child(struct erofs_wnode *dir, const char *name,
			  size_t len, struct erofs_wnode *child)
{
	struct erofs_wdirent *d;
	char *copy;

	/* grow by doubling: n_children is a power of two when full */
	if (!(dir->n_children & (dir->n_children - 1))) {
		size_t cap = dir->n_children ? 2 * (size_t)dir->n_children : 4;

		d = realloc(dir->children, cap * sizeof(*d));
		if (!d)
			return -ENOMEM;
		dir->children = d;
	}
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len);
	d = &dir->children[dir->n_children++];
	d->name = copy;
	d->len = len;
	d->node = child;
	return 0;
}

static int dirent_cmp(const void *a, const void *b)
{
	const struct erofs_wdirent *x = a, *y = b;

	return erofs_name_cmp(x->name, x->len, y->name, y->len);
}

void erofs_wnode_sort_children(struct erofs_wnode *dir)
{
	if (dir->n_children > 1)
		qsort(dir->children, dir->n_children, sizeof(*dir->children),
		      dirent_cmp);
}

static void wnode_free(struct erofs_wnode *n)
{
	free(n->src.path);
	free(n->symlink);
	free(n->xattrs);
	free(n);
}

/*
 * Iterative post-order free: trees may be deeper than the C stack likes,
 * and hard-linked nodes appear under several names, so a node is freed
 * when its last link is dropped (nlink counts the links we made).
 */
static void drop_link(struct erofs_wnode *n)
{
	if (!n->nlink || --n->nlink == 0)
		wnode_free(n);
}

void erofs_wnode_free_tree(struct erofs_wnode *root)
{
	struct erofs_wnode *dir = root;

	if (!root)
		return;
	root->parent = NULL;
	while (dir) {
		struct erofs_wnode *child = NULL;

		while (dir->n_children) {
			struct erofs_wdirent *d = &dir->children[--dir->n_children];

			free((char *)d->name);
			if (erofs_wnode_is_dir(d->node)) {
				child = d->node;
				break;
			}
			drop_link(d->node);
		}
		if (child) {
			child->parent = dir;
			dir = child;
			continue;
		}
		free(dir->children);
		child = dir;
		dir = dir->parent;
		wnode_free(child);
	}
}

struct erofs_hardlink_slot {
	uint64_t dev, ino;
	struct erofs_wnode *node;	/* NULL: empty slot */
};

void erofs_hardlink_map_init(struct erofs_hardlink_map *m)
{
	memset(m, 0, sizeof(*m));
}

void erofs_hardlink_map_destroy(struct erofs_hardlink_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static size_t slot_of(uint64_t dev, uint64_t ino, size_t cap)
{
	uint64_t key[2] = { dev, ino };

	return XXH3_64bits(key, sizeof(key)) & (cap - 1);
}

static struct erofs_hardlink_slot *probe(struct erofs_hardlink_slot *slots,
					 size_t cap, uint64_t dev, uint64_t ino)
{
	size_t i = slot_of(dev, ino, cap);

	while (slots[i].node && (slots[i].dev != dev || slots[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

struct erofs_wnode *erofs_hardlink_find(const struct erofs_hardlink_map *m,
					uint64_t dev, uint64_t ino)
{
	if (!m->cap)
		return NULL;
	return probe(m->slots, m->cap, dev, ino)->node;
}

static int grow(struct erofs_hardlink_map *m)
{
	size_t cap = m->cap ? 2 * m->cap : 256, i;
	struct erofs_hardlink_slot *s = calloc(cap, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++)
		if (m->slots[i].node)
			*probe(s, cap, m->slots[i].dev, m->slots[i].ino) =
				m->slots[i];
	free(m->slots);
	m->slots = s;
	m->cap = cap;
	return 0;
}

int erofs_hardlink_insert(struct erofs_hardlink_map *m, uint64_t dev,
			  uint64_t ino, struct erofs_wnode *n)
{
	struct erofs_hardlink_slot *s;

	/* keep the load factor under 1/2 so probes stay short */
	if (2 * (m->used + 1) > m->cap) {
		int ret = grow(m);

		if (ret)
			return ret;
	}
	s = probe(m->slots, m->cap, dev, ino);
	if (!s->node)
		m->used++;
	s->dev = dev;
	s->ino = ino;
	s->node = n;
	return 0;
}
