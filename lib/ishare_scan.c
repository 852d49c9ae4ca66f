// SPDX-License-Identifier: MIT
/*
 * Filling the sharing model from images with the reader: superblock facts,
 * one record per regular-file inode (hard links once, under their first
 * path, since the page cache belongs to the inode; further paths are kept
 * as aliases for traces), and the metadata a
 * full traversal brings into memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "erofs/digest.h"
#include "erofs/ishare_scan.h"
#include "erofs/rdata.h"
#include "erofs/reader.h"
#include "erofs/rxattr.h"
#include "erofs/walk.h"

#define SCAN_CHUNK	(1U << 20)

struct erofs_ishare_scanner {
	struct erofs_ishare_set *set;
	struct erofs_image *imgs;
	bool *opened;
	uint8_t *buf[2];		/* SCAN_CHUNK each, for digests and compares */
};

/* Per-image walk state. */
struct scan_ctx {
	struct erofs_ishare_scanner *s;
	const struct erofs_ishare_scan_params *params;
	uint32_t image;
	uint8_t *meta_seen;		/* one bit per 4 KiB page of the image */
	uint64_t npages;
	struct erofs_errinfo *ei;
};

/* With several images, an error is only useful with the image it is in. */
static void name_image(struct erofs_errinfo *ei, int err, const char *image)
{
	size_t len = strlen(image), sl;

	if (!ei)
		return;
	if (!ei->err) {
		erofs_err(ei, err, image, NULL);
		return;
	}
	if (!strncmp(ei->subject, image, len) &&
	    (!ei->subject[len] || ei->subject[len] == ':'))
		return;
	if (!ei->subject[0] || len + 2 >= sizeof(ei->subject)) {
		snprintf(ei->subject, sizeof(ei->subject), "%s", image);
		return;
	}
	/* "IMAGE: " in front, the old subject cut to what still fits */
	sl = strlen(ei->subject);
	if (len + 2 + sl >= sizeof(ei->subject))
		sl = sizeof(ei->subject) - 1 - len - 2;
	memmove(ei->subject + len + 2, ei->subject, sl);
	memcpy(ei->subject, image, len);
	ei->subject[len] = ':';
	ei->subject[len + 1] = ' ';
	ei->subject[len + 2 + sl] = '\0';
}

/*
 * An image that cannot be read: with a finding hook it is reported and
 * the other images go on; without, it ends the scan.
 */
static int image_error(struct erofs_ishare_scanner *s, uint32_t i, int err,
		       const struct erofs_ishare_scan_params *params,
		       struct erofs_errinfo *ei)
{
	struct erofs_errinfo *iei;

	if (!params->finding || err == -ENOMEM) {
		name_image(ei, err, s->set->images[i].path);
		return err;
	}
	iei = calloc(1, sizeof(*iei));
	if (!iei)
		return -ENOMEM;
	if (ei && ei->err)
		*iei = *ei;
	erofs_err_clear(ei);
	name_image(iei, err, s->set->images[i].path);
	params->finding(params->finding_arg, i, NULL, iei);
	free(iei);
	return 0;
}

int erofs_ishare_scanner_open(struct erofs_ishare_scanner **out,
			      struct erofs_ishare_set *set,
			      const struct erofs_ishare_scan_params *params,
			      struct erofs_errinfo *ei)
{
	struct erofs_image_params iparams = { 0 };
	struct erofs_ishare_scanner *s;
	uint32_t i;
	int ret;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->set = set;
	s->imgs = calloc(set->nimages ? set->nimages : 1, sizeof(*s->imgs));
	s->opened = calloc(set->nimages ? set->nimages : 1, sizeof(*s->opened));
	s->buf[0] = malloc(SCAN_CHUNK);
	s->buf[1] = malloc(SCAN_CHUNK);
	if (!s->imgs || !s->opened || !s->buf[0] || !s->buf[1]) {
		erofs_ishare_scanner_close(s);
		return -ENOMEM;
	}
	for (i = 0; i < set->nimages; i++) {
		ret = erofs_image_open(&s->imgs[i], set->images[i].path, &iparams, ei);
		s->opened[i] = !ret;
		/* erofs_image_open names the image itself */
		if (ret && (!params->finding || ret == -ENOMEM)) {
			erofs_ishare_scanner_close(s);
			return ret;
		}
		if (ret) {
			params->finding(params->finding_arg, i, NULL, ei);
			erofs_err_clear(ei);
		}
	}
	*out = s;
	return 0;
}

void erofs_ishare_scanner_close(struct erofs_ishare_scanner *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; s->opened && i < s->set->nimages; i++)
		if (s->opened[i])
			erofs_image_close(&s->imgs[i]);
	free(s->imgs);
	free(s->opened);
	free(s->buf[0]);
	free(s->buf[1]);
	free(s);
}

static void image_facts(struct erofs_ishare_image *m, const struct erofs_image *img)
{
	m->has_feature = img->sb.feature_compat & EROFS_COMPAT_ISHARE_XATTRS;
	m->prefix_id = img->sb.ishare_xattr_prefix_id;
	m->prefix_id_valid = m->prefix_id < img->sb.xattr_prefix_count;
	m->blkszbits = img->sb.blkszbits;
	m->dir_pages = 0;
	/* the superblock's page is read at mount */
	m->meta_pages = 1;
}

/* Mark the 4 KiB pages of [pos, pos + len) as read through the device. */
static void mark_meta(struct scan_ctx *c, uint64_t pos, uint64_t len)
{
	uint64_t p, last;

	if (!len)
		return;
	last = (pos + len - 1) >> EROFS_ISHARE_PAGE_SHIFT;
	for (p = pos >> EROFS_ISHARE_PAGE_SHIFT; p <= last && p < c->npages; p++) {
		if (c->meta_seen[p >> 3] & (1U << (p & 7)))
			continue;
		c->meta_seen[p >> 3] |= 1U << (p & 7);
		c->s->set->images[c->image].meta_pages++;
	}
}

/* SHA-256 of the whole content; -EOPNOTSUPP for compressed data. */
static int content_digest(struct erofs_ishare_scanner *s,
			  const struct erofs_image *img,
			  const struct erofs_inode *inode,
			  uint8_t out[EROFS_SHA256_LEN], struct erofs_errinfo *ei)
{
	struct erofs_sha256 h;
	uint64_t off = 0;
	int ret;

	ret = erofs_sha256_init(&h);
	if (ret)
		return ret;
	while (off < inode->size) {
		ssize_t n = erofs_inode_pread(img, inode, s->buf[0], SCAN_CHUNK,
					      off, ei);

		if (n <= 0) {
			ret = n < 0 ? (int)n : -EFSCORRUPTED;
			break;
		}
		ret = erofs_sha256_update(&h, s->buf[0], n);
		if (ret)
			break;
		off += n;
	}
	if (!ret)
		ret = erofs_sha256_final(&h, out);
	erofs_sha256_free(&h);
	return ret;
}

static enum erofs_ishare_fpstate fp_state(struct scan_ctx *c,
					  const struct erofs_inode *inode,
					  const uint8_t *value, size_t len,
					  int *err, struct erofs_errinfo *fei)
{
	uint8_t digest[EROFS_SHA256_LEN];
	int ret;

	if (!erofs_ishare_value_is_sha256(value, len))
		return EROFS_ISHARE_FP_OPAQUE;
	if (!c->params->verify_digests)
		return EROFS_ISHARE_FP_UNCHECKED;
	ret = content_digest(c->s, &c->s->imgs[c->image], inode, digest, fei);
	if (ret == -EOPNOTSUPP) {
		/* compressed: say so, do not fail the whole scan */
		erofs_err_clear(fei);
		return EROFS_ISHARE_FP_UNREADABLE;
	}
	if (ret) {
		*err = ret;
		return EROFS_ISHARE_FP_UNREADABLE;
	}
	return memcmp(value + EROFS_ISHARE_TAG_LEN, digest, sizeof(digest)) ?
		EROFS_ISHARE_FP_MISMATCH : EROFS_ISHARE_FP_VERIFIED;
}

/*
 * Images without COMPAT_ISHARE_XATTRS never share, but a fingerprint under
 * a well-known name still shows what rebuilding with the feature would
 * save (a near miss), so look for one.
 */
static int fallback_fingerprint(const struct erofs_image *img,
				const struct erofs_inode *inode,
				uint8_t **value, size_t *len,
				struct erofs_errinfo *ei)
{
	static const char *const names[] = {
		EROFS_ISHARE_DEFAULT_NAME, "trusted.erofs.fingerprint",
	};
	unsigned int i;
	int ret = -ENODATA;

	if (img->sb.feature_compat & EROFS_COMPAT_ISHARE_XATTRS)
		return -ENODATA;
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && ret == -ENODATA; i++) {
		ret = erofs_xattr_get(img, inode, names[i], strlen(names[i]),
				      value, len, ei);
		if (ret == -ENODATA)
			erofs_err_clear(ei);
	}
	return ret;
}

/* The fingerprint, or one under a fallback name; none is not an error. */
static int read_value(const struct erofs_image *img,
		      const struct erofs_inode *inode, uint8_t **value,
		      size_t *len, struct erofs_errinfo *ei)
{
	int ret = erofs_inode_fingerprint(img, inode, value, len, ei);

	if (ret == -ENODATA) {
		erofs_err_clear(ei);
		ret = fallback_fingerprint(img, inode, value, len, ei);
	}
	if (ret == -ENODATA) {
		erofs_err_clear(ei);
		return 0;
	}
	if (!ret && !*value) {
		/* an empty value is still a value: the kernel rejects it */
		*value = malloc(1);
		if (!*value)
			return -ENOMEM;
	}
	return ret;
}

/*
 * A file whose xattrs or content cannot be read: with a finding hook it
 * is reported and recorded as unreadable, and the walk goes on.
 */
static int file_error(struct scan_ctx *c, const struct erofs_walk_entry *e,
		      struct erofs_ishare_file *f, int err,
		      struct erofs_errinfo *fei)
{
	if (!c->params->finding || err == -ENOMEM) {
		if (c->ei && !c->ei->err)
			*c->ei = *fei;
		return err;
	}
	if (!fei->err)
		erofs_err(fei, err, e->path, NULL);
	c->params->finding(c->params->finding_arg, c->image, e->path, fei);
	f->read_err = err;
	f->fpstate = EROFS_ISHARE_FP_UNREADABLE;
	return 0;
}

static int add_regular(struct scan_ctx *c, const struct erofs_walk_entry *e)
{
	const struct erofs_inode *inode = e->inode;
	const struct erofs_image *img = &c->s->imgs[c->image];
	struct erofs_ishare_file f = { 0 };
	struct erofs_errinfo fei = { 0 };
	uint8_t *value = NULL;
	size_t len = 0;
	int ret, err = 0;
	int64_t idx;

	f.image = c->image;
	f.nid = inode->nid;
	f.path = (char *)e->path;
	f.path_len = e->path_len;
	f.size = inode->size;
	f.compressed = erofs_inode_read_path(inode) == EROFS_READ_COMPRESSED;
	f.chunked = inode->layout == EROFS_LAYOUT_CHUNK_BASED;
	f.fpstate = EROFS_ISHARE_FP_UNCHECKED;
	ret = read_value(img, inode, &value, &len, &fei);
	if (!ret && value)
		f.fpstate = fp_state(c, inode, value, len, &err, &fei);
	if (ret || err)
		ret = file_error(c, e, &f, ret ? ret : err, &fei);
	f.value = ret ? NULL : value;
	f.value_len = value ? len : 0;
	idx = ret ? ret : erofs_ishare_set_add_file(c->s->set, &f);
	free(value);
	return idx < 0 ? (int)idx : 0;
}

/* Damage below the root: report it, skip that subtree, go on. */
static int walk_finding(const char *path, const struct erofs_errinfo *ei,
			void *arg)
{
	struct scan_ctx *c = arg;

	c->params->finding(c->params->finding_arg, c->image, path, ei);
	return 0;
}

static int visit(const struct erofs_walk_entry *e, void *arg)
{
	struct scan_ctx *c = arg;
	const struct erofs_inode *inode = e->inode;

	if (!e->first_visit)
		return S_ISREG(inode->mode) ?
			erofs_ishare_set_add_alias(c->s->set, c->image, inode->nid,
						   e->path, e->path_len) : 0;
	mark_meta(c, inode->iloc, inode->meta_len);
	if (S_ISDIR(inode->mode)) {
		/* directory blocks land in the directory inode's page cache */
		c->s->set->images[c->image].dir_pages +=
			(inode->size + EROFS_ISHARE_PAGE_SIZE - 1) >> EROFS_ISHARE_PAGE_SHIFT;
		return 0;
	}
	if (!S_ISREG(inode->mode))
		return 0;
	return add_regular(c, e);
}

static int scan_image(struct erofs_ishare_scanner *s, uint32_t i,
		      const struct erofs_ishare_scan_params *params,
		      struct erofs_errinfo *ei)
{
	const struct erofs_walk_ops ops = {
		.visit = visit,
		.finding = params->finding ? walk_finding : NULL,
	};
	struct scan_ctx c = { s, params, i, NULL, 0, ei };
	int ret;

	image_facts(&s->set->images[i], &s->imgs[i]);
	c.npages = (s->imgs[i].size + EROFS_ISHARE_PAGE_SIZE - 1) >> EROFS_ISHARE_PAGE_SHIFT;
	c.meta_seen = calloc((c.npages >> 3) + 1, 1);
	if (!c.meta_seen)
		return -ENOMEM;
	ret = erofs_walk(&s->imgs[i], UINT64_MAX, NULL, &ops, &c, ei);
	free(c.meta_seen);
	return ret ? image_error(s, i, ret, params, ei) : 0;
}

int erofs_ishare_scan(struct erofs_ishare_scanner *s,
		      const struct erofs_ishare_scan_params *params,
		      struct erofs_errinfo *ei)
{
	uint32_t i;
	int ret;

	for (i = 0; i < s->set->nimages; i++) {
		/* one that did not open was reported then */
		if (!s->opened[i])
			continue;
		ret = scan_image(s, i, params, ei);
		if (ret)
			return ret;
	}
	return 0;
}

/* Compare two regular files chunk by chunk through the reader. */
int erofs_ishare_scanner_compare(void *ctx, const struct erofs_ishare_file *a,
				 const struct erofs_ishare_file *b)
{
	struct erofs_ishare_scanner *s = ctx;
	const struct erofs_image *ia = &s->imgs[a->image], *ib = &s->imgs[b->image];
	struct erofs_inode na, nb;
	uint64_t off = 0;
	int ret;

	if (a->size != b->size)
		return 1;
	if (a->read_err || b->read_err)
		return a->read_err ? a->read_err : b->read_err;
	ret = erofs_inode_read(ia, a->nid, &na, NULL);
	if (!ret)
		ret = erofs_inode_read(ib, b->nid, &nb, NULL);
	if (ret)
		return ret;
	while (off < a->size) {
		ssize_t x = erofs_inode_pread(ia, &na, s->buf[0], SCAN_CHUNK, off, NULL);
		ssize_t y = erofs_inode_pread(ib, &nb, s->buf[1], SCAN_CHUNK, off, NULL);

		if (x < 0 || y < 0)
			return x < 0 ? (int)x : (int)y;
		if (x != y || !x)
			return x != y ? 1 : -EFSCORRUPTED;
		if (memcmp(s->buf[0], s->buf[1], x))
			return 1;
		off += x;
	}
	return 0;
}

int erofs_ishare_scanner_digest(void *ctx, const struct erofs_ishare_file *f,
				uint8_t digest[32])
{
	struct erofs_ishare_scanner *s = ctx;
	const struct erofs_image *img = &s->imgs[f->image];
	struct erofs_inode inode;
	int ret;

	if (f->read_err)
		return f->read_err;
	if (f->compressed)
		return -EOPNOTSUPP;
	ret = erofs_inode_read(img, f->nid, &inode, NULL);
	if (!ret)
		ret = content_digest(s, img, &inode, digest, NULL);
	return ret;
}
