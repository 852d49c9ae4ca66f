// SPDX-License-Identifier: MIT
/*
 * Inodes and everything the writer produces itself (directory blocks,
 * symlink targets) go to their planned places. Regular-file bytes are the
 * data pass's job.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/byteorder.h"
#include "erofs/dir_write.h"
#include "erofs/format.h"
#include "erofs/layout.h"
#include "erofs/writer.h"

static uint32_t inode_i_u(const struct erofs_wnode *n)
{
	switch (n->mode & 0170000) {
	case 0020000:
	case 0060000:
		return n->rdev;
	case 0010000:
	case 0140000:
		return 0;
	default:
		return n->startblk;
	}
}

static uint16_t xattr_icount(const struct erofs_wnode *n)
{
	return n->xattr_isize ? (n->xattr_isize - 12) / 4 + 1 : 0;
}

static void encode_compact(const struct erofs_writer *w,
			   const struct erofs_wnode *n, uint8_t *out)
{
	struct erofs_inode_compact *c = (struct erofs_inode_compact *)out;

	memset(c, 0, sizeof(*c));
	c->i_format = cpu_to_le16(EROFS_I_VERSION_COMPACT |
				  n->datalayout << EROFS_I_DATALAYOUT_SHIFT);
	c->i_xattr_icount = cpu_to_le16(xattr_icount(n));
	c->i_mode = cpu_to_le16(n->mode);
	c->i_nb = cpu_to_le16(n->nlink);
	c->i_size = cpu_to_le32(n->size);
	c->i_mtime = cpu_to_le32(n->mtime - w->epoch);
	c->i_u = cpu_to_le32(inode_i_u(n));
	c->i_ino = cpu_to_le32(n->ino);
	c->i_uid = cpu_to_le16(n->uid);
	c->i_gid = cpu_to_le16(n->gid);
}

static void encode_extended(const struct erofs_wnode *n, uint8_t *out)
{
	struct erofs_inode_extended *e = (struct erofs_inode_extended *)out;

	memset(e, 0, sizeof(*e));
	e->i_format = cpu_to_le16(EROFS_I_VERSION_EXTENDED |
				  n->datalayout << EROFS_I_DATALAYOUT_SHIFT);
	e->i_xattr_icount = cpu_to_le16(xattr_icount(n));
	e->i_mode = cpu_to_le16(n->mode);
	e->i_size = cpu_to_le64(n->size);
	e->i_u = cpu_to_le32(inode_i_u(n));
	e->i_ino = cpu_to_le32(n->ino);
	e->i_uid = cpu_to_le32(n->uid);
	e->i_gid = cpu_to_le32(n->gid);
	e->i_mtime = cpu_to_le64(n->mtime);
	e->i_mtime_nsec = cpu_to_le32(n->mtime_nsec);
	e->i_nlink = cpu_to_le32(n->nlink);
}

static uint64_t tail_offset(const struct erofs_wnode *n)
{
	return n->meta_off + (n->extended ? 64 : 32) + n->xattr_isize;
}

/* Inode plus xattr area; the fingerprint must be known by now. */
static void encode_inode(const struct erofs_writer *w,
			 const struct erofs_wnode *n)
{
	uint8_t *out = w->meta + n->meta_off;

	if (n->extended)
		encode_extended(n, out);
	else
		encode_compact(w, n, out);
	erofs_xattr_encode_inode(&w->xattrs, n, erofs_shared_xattr_base(w),
				 out + (n->extended ? 64 : 32));
}

/* Content held in memory: full blocks to the data area, tail inline. */
static int write_content(struct erofs_writer *w, const struct erofs_wnode *n,
			 const uint8_t *buf)
{
	uint64_t inline_from = n->size - n->tail_len;

	if (n->tail_len)
		memcpy(w->meta + tail_offset(n), buf + inline_from, n->tail_len);
	if (!inline_from)
		return 0;
	return erofs_image_pwrite(&w->img, buf, inline_from,
				  (uint64_t)n->startblk << w->blkszbits, w->ei);
}

static int write_directory(struct erofs_writer *w, const struct erofs_wnode *d,
			   struct erofs_dentry_out *ents, uint8_t **buf,
			   size_t *bufsz)
{
	size_t n = erofs_dir_entries(d, ents);

	if (*bufsz < d->size) {
		free(*buf);
		*bufsz = d->size;
		*buf = malloc(*bufsz);
		if (!*buf)
			return -ENOMEM;
	}
	erofs_dir_encode(ents, n, w->blksz, *buf);
	return write_content(w, d, *buf);
}

static size_t max_children(const struct erofs_writer *w)
{
	size_t i, m = 0;

	for (i = 0; i < w->n_nodes; i++)
		if (w->nodes[i]->n_children > m)
			m = w->nodes[i]->n_children;
	return m;
}

int erofs_write_metadata(struct erofs_writer *w)
{
	struct erofs_dentry_out *ents = malloc((max_children(w) + 2) *
					       sizeof(*ents));
	uint8_t *buf = NULL;
	size_t bufsz = 0, i;
	int ret = ents ? 0 : -ENOMEM;

	for (i = 0; !ret && i < w->n_nodes; i++) {
		struct erofs_wnode *n = w->nodes[i];

		encode_inode(w, n);
		if (erofs_wnode_is_dir(n))
			ret = write_directory(w, n, ents, &buf, &bufsz);
		else if (erofs_wnode_is_symlink(n))
			ret = write_content(w, n, (const uint8_t *)n->symlink);
	}
	free(ents);
	free(buf);
	if (ret == -ENOMEM)
		return erofs_err(w->ei, ret, w->img.path, NULL);
	if (!ret) {
		erofs_xattr_encode_shared(&w->xattrs, w->meta + w->shared_off);
		erofs_prefix_table_encode(&w->prefixes, w->meta + w->prefix_off);
	}
	return ret;
}
