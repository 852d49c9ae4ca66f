// SPDX-License-Identifier: MIT
/*
 * Xattrs (format doc §5, §8.1, §9 item 10): inline entries, shared entries
 * and full names rebuilt from short and long prefixes. Entries are checked
 * to stay inside the inline area (or the image, for shared ones) before
 * their names or values are looked at.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/byteorder.h"
#include "erofs/rxattr.h"

#define SHARED_ENTRY_MAX	(4 + 255 + 65535)

struct xattr_walk {
	const struct erofs_image *img;
	const struct erofs_inode *inode;
	erofs_xattr_cb cb;
	void *arg;
	struct erofs_errinfo *ei;
	char name[EROFS_XATTR_FULLNAME_MAX + 1];
};

static int xattr_err(struct xattr_walk *w, const char *fmt, unsigned int v)
{
	char subj[40];

	erofs_inode_subject(w->inode->nid, subj, sizeof(subj));
	return erofs_err(w->ei, -EFSCORRUPTED, subj, fmt, v);
}

/* Rebuild the full name of entry @e (header + suffix) into @x. */
static int xattr_name(struct xattr_walk *w, const uint8_t *e,
		      struct erofs_xattr *x)
{
	unsigned int idx = e[1], nlen = e[0];
	const struct erofs_xattr_prefix *pfx = NULL;
	const char *sp;
	size_t splen, pos;

	x->name_index = idx;
	x->long_prefix = -1;
	x->base_index = idx;
	if (idx & EROFS_XATTR_LONG_PREFIX) {
		unsigned int id = idx & EROFS_XATTR_LONG_PREFIX_MASK;

		if (id >= w->img->prefix_count)
			return xattr_err(w, "xattr long prefix %u out of range", id);
		pfx = &w->img->prefixes[id];
		x->long_prefix = id;
		x->base_index = pfx->base_index;
	}
	sp = erofs_xattr_short_prefix(x->base_index);
	if (!sp)
		sp = "";
	splen = strlen(sp);
	memcpy(w->name, sp, splen);
	pos = splen;
	if (pfx) {
		memcpy(w->name + pos, pfx->infix, pfx->infix_len);
		pos += pfx->infix_len;
	}
	memcpy(w->name + pos, e + 4, nlen);
	pos += nlen;
	w->name[pos] = '\0';
	x->name = w->name;
	x->name_len = pos;
	x->rest = (const uint8_t *)w->name + splen;
	x->rest_len = pos - splen;
	return 0;
}

static int xattr_deliver(struct xattr_walk *w, const uint8_t *e,
			 struct erofs_xattr *x)
{
	int err = xattr_name(w, e, x);

	if (err)
		return err;
	x->value = e + 4 + e[0];
	x->value_len = get_le16(e + 2);
	return w->cb(x, w->arg);
}

static int walk_inline(struct xattr_walk *w, const uint8_t *area,
		       unsigned int size, unsigned int pos)
{
	while (pos < size) {
		const uint8_t *e = area + pos;
		struct erofs_xattr x = { 0 };
		unsigned int esz;
		int err;

		if (size - pos < 4)
			return xattr_err(w, "truncated xattr entry at %u", pos);
		if (!e[0] && !e[1] && !get_le16(e + 2)) {
			pos += 4;	/* zero padding parses as empty entries */
			continue;
		}
		esz = erofs_xattr_entry_size(e[0], get_le16(e + 2));
		if (esz > size - pos)
			return xattr_err(w, "xattr entry at %u runs past the xattr area",
					 pos);
		x.pos = w->inode->iloc + w->inode->inode_isize + pos;
		err = xattr_deliver(w, e, &x);
		if (err)
			return err;
		pos += esz;
	}
	return 0;
}

static int walk_shared(struct xattr_walk *w, const uint8_t *ids,
		       unsigned int count)
{
	uint64_t base = erofs_blkpos(w->img, w->img->sb.xattr_blkaddr);
	uint8_t *buf = malloc(SHARED_ENTRY_MAX);
	unsigned int i;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (i = 0; i < count && !err; i++) {
		uint32_t id = get_le32(ids + 4 * i);
		struct erofs_xattr x = { .shared = true, .shared_id = id };
		uint64_t pos = base + 4ULL * id;

		err = erofs_image_read(w->img, buf, 4, pos, "shared xattr", NULL);
		if (!err)
			err = erofs_image_read(w->img, buf + 4,
					       buf[0] + get_le16(buf + 2), pos + 4,
					       "shared xattr", NULL);
		if (err) {
			err = xattr_err(w, "shared xattr %u beyond the end of the image",
					id);
			break;
		}
		x.pos = pos;
		err = xattr_deliver(w, buf, &x);
	}
	free(buf);
	return err;
}

static int read_area(const struct erofs_image *img,
		     const struct erofs_inode *inode, uint8_t **area,
		     struct erofs_errinfo *ei)
{
	uint64_t pos = inode->iloc + inode->inode_isize;

	*area = malloc(inode->xattr_isize);
	if (!*area)
		return -ENOMEM;
	return erofs_image_read(img, *area, inode->xattr_isize, pos,
				"xattr area", ei);
}

int erofs_xattr_foreach(const struct erofs_image *img,
			const struct erofs_inode *inode, erofs_xattr_cb cb,
			void *arg, struct erofs_errinfo *ei)
{
	struct xattr_walk *w;
	uint8_t *area = NULL;
	unsigned int count;
	int err;

	if (!inode->xattr_isize)
		return 0;
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct xattr_walk){ .img = img, .inode = inode, .cb = cb,
				  .arg = arg, .ei = ei };
	err = read_area(img, inode, &area, ei);
	if (err)
		goto out;
	count = area[4];
	if (inode->xattr_icount == 1)
		err = xattr_err(w, "xattr area with a header only (i_xattr_icount %u)", 1);
	else if (12 + 4 * count > inode->xattr_isize)
		err = xattr_err(w, "%u shared xattr ids overflow the xattr area",
				count);
	else if (count && (img->sb.feature_compat &
			   EROFS_COMPAT_SHARED_EA_IN_METABOX))
		err = erofs_err(ei, -EOPNOTSUPP, NULL,
				"shared xattrs in the metabox are not yet supported");
	if (!err)
		err = walk_inline(w, area, inode->xattr_isize, 12 + 4 * count);
	if (!err)
		err = walk_shared(w, area + 12, count);
out:
	free(area);
	free(w);
	return err;
}

int erofs_xattr_filter(const struct erofs_image *img,
		       const struct erofs_inode *inode, uint32_t *filter,
		       struct erofs_errinfo *ei)
{
	uint8_t raw[4];
	int err;

	*filter = 0;
	if (!inode->xattr_isize)
		return 0;
	err = erofs_image_read(img, raw, 4, inode->iloc + inode->inode_isize,
			       "xattr area", ei);
	if (!err)
		*filter = get_le32(raw);
	return err;
}

struct xattr_match {
	unsigned int base;		/* match by (base index, rest) */
	const void *rest;
	size_t rest_len;
	const char *name;		/* or by full name */
	size_t name_len;
	uint8_t *value;
	size_t value_len;
	int err;
};

static int match_cb(const struct erofs_xattr *x, void *arg)
{
	struct xattr_match *m = arg;

	if (m->name) {
		if (x->name_len != m->name_len || memcmp(x->name, m->name, m->name_len))
			return 0;
	} else if (x->base_index != m->base || x->rest_len != m->rest_len ||
		   memcmp(x->rest, m->rest, m->rest_len)) {
		return 0;
	}
	m->value_len = x->value_len;
	m->value = NULL;
	if (x->value_len) {
		m->value = malloc(x->value_len);
		if (!m->value)
			return -ENOMEM;
		memcpy(m->value, x->value, x->value_len);
	}
	return 1;
}

static int xattr_find(const struct erofs_image *img,
		      const struct erofs_inode *inode, struct xattr_match *m,
		      uint8_t **value, size_t *value_len,
		      struct erofs_errinfo *ei)
{
	int err = erofs_xattr_foreach(img, inode, match_cb, m, ei);

	if (err < 0)
		return err;
	if (!err)
		return -ENODATA;
	*value = m->value;
	*value_len = m->value_len;
	return 0;
}

int erofs_xattr_get(const struct erofs_image *img,
		    const struct erofs_inode *inode, const char *name,
		    size_t name_len, uint8_t **value, size_t *value_len,
		    struct erofs_errinfo *ei)
{
	struct xattr_match m = { .name = name, .name_len = name_len };

	return xattr_find(img, inode, &m, value, value_len, ei);
}

static const struct erofs_xattr_prefix *
fingerprint_prefix(const struct erofs_image *img)
{
	unsigned int id = img->sb.ishare_xattr_prefix_id;

	if (!(img->sb.feature_compat & EROFS_COMPAT_ISHARE_XATTRS) ||
	    id >= img->prefix_count)
		return NULL;
	return &img->prefixes[id];
}

int erofs_inode_fingerprint(const struct erofs_image *img,
			    const struct erofs_inode *inode, uint8_t **value,
			    size_t *value_len, struct erofs_errinfo *ei)
{
	const struct erofs_xattr_prefix *p = fingerprint_prefix(img);
	struct xattr_match m;

	*value = NULL;
	*value_len = 0;
	if (!p)
		return -ENODATA;
	m = (struct xattr_match){ .base = p->base_index, .rest = p->infix,
				  .rest_len = p->infix_len };
	return xattr_find(img, inode, &m, value, value_len, ei);
}

bool erofs_fingerprint_name(const struct erofs_image *img, char *buf,
			    size_t bufsz)
{
	const struct erofs_xattr_prefix *p = fingerprint_prefix(img);

	if (!p)
		return false;
	erofs_xattr_prefix_text(p, buf, bufsz);
	return true;
}
