// SPDX-License-Identifier: MIT
/*
 * The fsck walk (format doc §9): per-inode invariants, a full read of all
 * data, fingerprint verification and link counts, with extraction riding
 * on the same single read of each file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "erofs/digest.h"
#include "erofs/fsck.h"
#include "erofs/rdata.h"
#include "erofs/rxattr.h"
#include "erofs/zmap.h"

#define FSCK_BUF_SIZE	(1U << 20)

struct link_rec {
	uint64_t nid;
	uint64_t nlink;
	char *path;
};

struct fsck_ctx {
	const struct erofs_image *img;
	const struct erofs_fsck_params *p;
	erofs_fsck_report_fn report;
	void *arg;
	struct erofs_fsck_stats *st;
	struct erofs_errinfo *ei;
	struct erofs_extractor *x;
	struct erofs_nidmap refs;	/* dirents per non-directory inode */
	struct link_rec *links;		/* inodes with nlink != 1 */
	size_t nlinks, links_cap;
	uint64_t subdirs[EROFS_WALK_MAX_DEPTH + 2];
	uint8_t *buf;
};

static void fsck_vfinding(struct fsck_ctx *c, enum erofs_fsck_kind kind,
			  const char *path, const char *fmt, va_list ap)
{
	struct erofs_fsck_finding f = { .kind = kind, .path = path };
	char reason[EROFS_ERR_REASON_MAX + 64];

	vsnprintf(reason, sizeof(reason), fmt, ap);
	f.reason = reason;
	if (kind == EROFS_FSCK_ERROR)
		c->st->errors++;
	else if (kind == EROFS_FSCK_WARNING)
		c->st->warnings++;
	else if (kind == EROFS_FSCK_UNSUPPORTED)
		c->st->unsupported++;
	else
		c->st->not_extracted++;
	if (c->report)
		c->report(&f, c->arg);
}

static void __attribute__((format(printf, 4, 5)))
fsck_finding(struct fsck_ctx *c, enum erofs_fsck_kind kind, const char *path,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fsck_vfinding(c, kind, path, fmt, ap);
	va_end(ap);
}

/* An error about @path: "inode N: reason" keeps the inode number. */
static void fsck_ei_finding(struct fsck_ctx *c, enum erofs_fsck_kind kind,
			    const char *path, const struct erofs_errinfo *ei)
{
	const char *reason = ei->reason[0] ? ei->reason : strerror(-ei->err);

	if (ei->subject[0] && strcmp(ei->subject, path))
		fsck_finding(c, kind, path, "%s: %s", ei->subject, reason);
	else
		fsck_finding(c, kind, path, "%s", reason);
}

static void fsck_reader_error(struct fsck_ctx *c, const char *path,
			      const struct erofs_errinfo *ei)
{
	fsck_ei_finding(c, ei->err == -EOPNOTSUPP ? EROFS_FSCK_UNSUPPORTED :
			EROFS_FSCK_ERROR, path, ei);
}

/*
 * The outcome of an extraction step: a file that could not be written is
 * a finding and the check goes on; a full or read-only target stops it.
 */
static int extract_outcome(struct fsck_ctx *c, const char *path, int err)
{
	if (!err || erofs_extract_err_fatal(err))
		return err;
	erofs_err(c->ei, err, path, NULL);
	fsck_ei_finding(c, EROFS_FSCK_NOT_EXTRACTED, path, c->ei);
	erofs_err_clear(c->ei);
	return 0;
}

static int extract_entry(struct fsck_ctx *c, const struct erofs_walk_entry *e,
			 int *fd)
{
	return extract_outcome(c, e->path,
			       erofs_extract_entry(c->x, c->img, e, fd, c->ei));
}

static int walk_finding(const char *path, const struct erofs_errinfo *ei,
			void *arg)
{
	fsck_reader_error(arg, path, ei);
	return 0;
}

struct xattr_check {
	struct fsck_ctx *c;
	const char *path;
	uint32_t filter;
	bool use_filter;
};

static int xattr_check_cb(const struct erofs_xattr *x, void *arg)
{
	struct xattr_check *xc = arg;
	unsigned int bit;

	if (x->base_index == EROFS_XATTR_INDEX_LUSTRE ||
	    x->base_index >= EROFS_XATTR_INDEX_MAX)
		fsck_finding(xc->c, EROFS_FSCK_WARNING, xc->path,
			     "xattr with unknown name index %u", x->base_index);
	if (!xc->use_filter)
		return 0;
	bit = erofs_xattr_filter_bit(x->base_index, x->rest, x->rest_len);
	if (xc->filter & (1U << bit))
		fsck_finding(xc->c, EROFS_FSCK_ERROR, xc->path,
			     "bloom filter hides xattr %s", x->name);
	return 0;
}

static void check_xattrs(struct fsck_ctx *c, const struct erofs_walk_entry *e)
{
	const struct erofs_sb_info *sb = &c->img->sb;
	struct xattr_check xc = { .c = c, .path = e->path };
	struct erofs_errinfo ei = { 0 };
	int err;

	xc.use_filter = (sb->feature_compat & EROFS_COMPAT_XATTR_FILTER) &&
			!sb->xattr_filter_reserved;
	err = erofs_xattr_filter(c->img, e->inode, &xc.filter, &ei);
	if (!err)
		err = erofs_xattr_foreach(c->img, e->inode, xattr_check_cb, &xc, &ei);
	if (err)
		fsck_reader_error(c, e->path, &ei);
}

static int extent_bound_cb(const struct erofs_extent *ext, void *arg)
{
	uint64_t *end = arg;

	if (ext->kind == EROFS_EXT_MAPPED && !ext->device &&
	    ext->pstart + ext->plen > *end)
		*end = ext->pstart + ext->plen;
	return 0;
}

/* §9 item 7: data inside the primary device's block count. */
static void check_block_count(struct fsck_ctx *c,
			      const struct erofs_walk_entry *e)
{
	const struct erofs_sb_info *sb = &c->img->sb;
	uint64_t end = 0;

	/* flat multi-device mode puts other devices after the primary */
	if (c->img->device_count ||
	    erofs_inode_read_path(e->inode) != EROFS_READ_UNCOMPRESSED)
		return;
	if (erofs_extent_foreach(c->img, e->inode, extent_bound_cb, &end, NULL))
		return;		/* the data read reports it */
	if (end > erofs_blkpos(c->img, sb->blocks))
		fsck_finding(c, EROFS_FSCK_ERROR, e->path,
			     "data beyond the superblock's block count (%llu)",
			     (unsigned long long)sb->blocks);
}

static void check_shape(struct fsck_ctx *c, const struct erofs_walk_entry *e)
{
	const struct erofs_inode *in = e->inode;
	bool special = !S_ISREG(in->mode) && !S_ISDIR(in->mode) &&
		       !S_ISLNK(in->mode);

	if (special && in->layout != EROFS_LAYOUT_FLAT_PLAIN)
		fsck_finding(c, EROFS_FSCK_ERROR, e->path,
			     "special file with data layout %u", in->layout);
	if (S_ISLNK(in->mode) && (!in->size || in->size > EROFS_MAX_SYMLINK))
		fsck_finding(c, EROFS_FSCK_ERROR, e->path,
			     "symlink target length %llu out of range",
			     (unsigned long long)in->size);
	if (erofs_layout_is_compressed(in->layout)) {
		struct erofs_zmap_info zi;
		struct erofs_errinfo ei = { 0 };

		if (erofs_zmap_header(c->img, in, &zi, &ei))
			fsck_reader_error(c, e->path, &ei);
	}
}

static int add_link_rec(struct fsck_ctx *c, const struct erofs_walk_entry *e)
{
	struct link_rec *r;

	if (c->nlinks == c->links_cap) {
		size_t cap = c->links_cap ? c->links_cap * 2 : 256;

		r = realloc(c->links, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		c->links = r;
		c->links_cap = cap;
	}
	r = &c->links[c->nlinks];
	r->path = strdup(e->path);
	if (!r->path)
		return -ENOMEM;
	r->nid = e->inode->nid;
	r->nlink = e->inode->nlink;
	c->nlinks++;
	return 0;
}

static int count_link(struct fsck_ctx *c, const struct erofs_walk_entry *e)
{
	int64_t refs = erofs_nidmap_inc(&c->refs, e->inode->nid);

	if (refs < 0)
		return refs;
	if (refs == 1)
		return e->inode->nlink == 1 ? 0 : add_link_rec(c, e);
	c->st->hardlinks++;
	if (e->inode->nlink == 1 && refs == 2)
		fsck_finding(c, EROFS_FSCK_ERROR, e->path,
			     "inode %llu has nlink 1 but more than one name",
			     (unsigned long long)e->inode->nid);
	return 0;
}

struct data_pass {
	struct erofs_sha256 h;
	bool hashing;
	int fd;
};

/* A failed write drops this file's copy; the check reads on. */
static int data_chunk(struct fsck_ctx *c, const struct erofs_walk_entry *e,
		      struct data_pass *dp, size_t n)
{
	int err;

	if (dp->hashing && erofs_sha256_update(&dp->h, c->buf, n))
		return erofs_err(c->ei, -ENOMEM, e->path, "SHA-256 failed");
	if (dp->fd < 0)
		return 0;
	err = erofs_extract_write(c->x, dp->fd, c->buf, n, e->path, c->ei);
	if (err) {
		erofs_extract_file_done(c->x, c->img, e, dp->fd, false, NULL);
		dp->fd = -1;
	}
	return extract_outcome(c, e->path, err);
}

/* Read the whole file once; returns <0 only for operational errors. */
static int read_data(struct fsck_ctx *c, const struct erofs_walk_entry *e,
		     struct data_pass *dp, bool *ok)
{
	struct erofs_errinfo ei = { 0 };
	uint64_t off = 0;
	int err;

	*ok = false;
	while (off < e->inode->size) {
		ssize_t n = erofs_inode_pread(c->img, e->inode, c->buf,
					      FSCK_BUF_SIZE, off, &ei);

		if (n <= 0) {
			if (!n)
				erofs_err(&ei, -EFSCORRUPTED, NULL,
					  "file data ends early");
			fsck_reader_error(c, e->path, &ei);
			return 0;
		}
		err = data_chunk(c, e, dp, n);
		if (err)
			return err;
		off += n;
	}
	c->st->data_bytes += off;
	*ok = true;
	return 0;
}

static void check_fingerprint(struct fsck_ctx *c,
			      const struct erofs_walk_entry *e,
			      const uint8_t digest[EROFS_SHA256_LEN])
{
	struct erofs_errinfo ei = { 0 };
	uint8_t *v;
	size_t len;
	int err = erofs_inode_fingerprint(c->img, e->inode, &v, &len, &ei);

	if (err == -ENODATA) {
		fsck_finding(c, EROFS_FSCK_ERROR, e->path, "fingerprint missing");
		return;
	}
	if (err) {
		fsck_reader_error(c, e->path, &ei);
		return;
	}
	if (len != EROFS_ISHARE_VALUE_LEN ||
	    memcmp(v, EROFS_ISHARE_VALUE_TAG, EROFS_ISHARE_TAG_LEN))
		fsck_finding(c, EROFS_FSCK_ERROR, e->path,
			     "fingerprint malformed (%zu bytes, want \"sha256:\" + 32)",
			     len);
	else if (memcmp(v + EROFS_ISHARE_TAG_LEN, digest, EROFS_SHA256_LEN))
		fsck_finding(c, EROFS_FSCK_ERROR, e->path,
			     "fingerprint mismatch (content SHA-256 differs)");
	else
		c->st->fingerprints++;
	free(v);
}

static int check_regular(struct fsck_ctx *c, const struct erofs_walk_entry *e)
{
	struct data_pass dp = { .fd = -1 };
	uint8_t digest[EROFS_SHA256_LEN];
	struct erofs_errinfo *ei = c->ei;
	bool want_fp = c->p->check_ishare && e->inode->size;
	bool ok;
	int err;

	if (erofs_inode_read_path(e->inode) == EROFS_READ_COMPRESSED) {
		c->st->compressed++;
		fsck_finding(c, EROFS_FSCK_UNSUPPORTED, e->path, "%s",
			     EROFS_COMPRESSED_UNSUPPORTED);
		return 0;
	}
	if (c->x) {
		err = extract_entry(c, e, &dp.fd);
		if (err)
			return err;
	}
	dp.hashing = want_fp;
	if (dp.hashing && erofs_sha256_init(&dp.h)) {
		if (dp.fd >= 0)
			erofs_extract_file_done(c->x, c->img, e, dp.fd, false, NULL);
		return erofs_err(ei, -ENOMEM, e->path, "SHA-256 init failed");
	}
	err = read_data(c, e, &dp, &ok);
	if (dp.hashing) {
		if (!err && ok && !erofs_sha256_final(&dp.h, digest))
			check_fingerprint(c, e, digest);
		erofs_sha256_free(&dp.h);
	}
	if (dp.fd >= 0) {
		int e2 = erofs_extract_file_done(c->x, c->img, e, dp.fd,
						 !err && ok, err ? NULL : ei);
		if (!err)
			err = extract_outcome(c, e->path, e2);
	}
	return err;
}

static int check_other(struct fsck_ctx *c, const struct erofs_walk_entry *e)
{
	int fd = -1;

	if (S_ISLNK(e->inode->mode)) {
		struct erofs_errinfo ei = { 0 };
		ssize_t n = erofs_inode_pread(c->img, e->inode, c->buf,
					      EROFS_MAX_SYMLINK, 0, &ei);

		if (n < 0) {
			fsck_reader_error(c, e->path, &ei);
			return 0;
		}
		if (memchr(c->buf, 0, n)) {
			fsck_finding(c, EROFS_FSCK_ERROR, e->path,
				     "symlink target contains NUL");
			return 0;
		}
		c->st->data_bytes += n;
	}
	return c->x ? extract_entry(c, e, &fd) : 0;
}

static void count_type(struct fsck_ctx *c, uint32_t mode)
{
	c->st->inodes++;
	if (S_ISDIR(mode))
		c->st->dirs++;
	else if (S_ISREG(mode))
		c->st->regular++;
	else if (S_ISLNK(mode))
		c->st->symlinks++;
	else
		c->st->special++;
}

static int fsck_visit(const struct erofs_walk_entry *e, void *arg)
{
	struct fsck_ctx *c = arg;
	int err, fd;

	if (!S_ISDIR(e->inode->mode)) {
		err = count_link(c, e);
		if (err)
			return err;
	}
	if (!e->first_visit)
		return c->x ? extract_entry(c, e, &fd) : 0;
	count_type(c, e->inode->mode);
	if (!e->depth && c->p->start_nid == UINT64_MAX &&
	    !S_ISDIR(e->inode->mode))
		fsck_finding(c, EROFS_FSCK_ERROR, e->path,
			     "root inode is not a directory");
	check_shape(c, e);
	check_block_count(c, e);
	check_xattrs(c, e);
	if (S_ISDIR(e->inode->mode)) {
		c->subdirs[e->depth] = 0;
		if (e->depth)
			c->subdirs[e->depth - 1]++;
		return c->x ? extract_entry(c, e, &fd) : 0;
	}
	if (S_ISREG(e->inode->mode))
		return check_regular(c, e);
	return check_other(c, e);
}

static int fsck_leave(const struct erofs_walk_entry *e, void *arg)
{
	struct fsck_ctx *c = arg;
	uint64_t want = 2 + c->subdirs[e->depth];
	const struct erofs_inode *in = e->inode;

	/* mkfs stores 1 when a compact directory's count overflows */
	if (in->nlink != want && !(in->nlink == 1 && !in->extended))
		fsck_finding(c, EROFS_FSCK_ERROR, e->path,
			     "directory nlink %llu, expected %llu",
			     (unsigned long long)in->nlink,
			     (unsigned long long)want);
	if (!c->x)
		return 0;
	return extract_outcome(c, e->path,
			       erofs_extract_leave_dir(c->x, c->img, e, c->ei));
}

static void check_links(struct fsck_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nlinks; i++) {
		struct link_rec *r = &c->links[i];
		uint32_t refs = erofs_nidmap_get(&c->refs, r->nid);

		/* a subtree check cannot see names outside it */
		if (refs != r->nlink && c->p->start_nid == UINT64_MAX)
			fsck_finding(c, EROFS_FSCK_ERROR, r->path,
				     "nlink %llu but %u names",
				     (unsigned long long)r->nlink, refs);
	}
}

static void check_super(struct fsck_ctx *c)
{
	const struct erofs_sb_info *sb = &c->img->sb;
	const char *path = c->img->path;

	if (!sb->checksum_ok && !c->p->ignore_sb_checksum)
		fsck_finding(c, EROFS_FSCK_ERROR, path,
			     "superblock checksum mismatch");
	if ((sb->feature_compat & EROFS_COMPAT_ISHARE_XATTRS) &&
	    sb->ishare_xattr_prefix_id >= sb->xattr_prefix_count)
		fsck_finding(c, EROFS_FSCK_ERROR, path,
			     "invalid ishare_xattr_prefix_id %u (%u xattr prefixes)",
			     sb->ishare_xattr_prefix_id, sb->xattr_prefix_count);
	else if (c->p->check_ishare &&
		 !(sb->feature_compat & EROFS_COMPAT_ISHARE_XATTRS))
		fsck_finding(c, EROFS_FSCK_ERROR, path,
			     "no fingerprints: the ishare_xattrs feature is not set");
	if (sb->xattr_filter_reserved)
		fsck_finding(c, EROFS_FSCK_WARNING, path,
			     "xattr_filter_reserved is %u (bloom filters ignored)",
			     sb->xattr_filter_reserved);
	if (sb->packed_nid || (sb->feature_incompat & EROFS_INCOMPAT_METABOX))
		fsck_finding(c, EROFS_FSCK_UNSUPPORTED, path,
			     "packed or metabox inode not checked");
}

/*
 * The start inode itself is unreadable: name it as the user did (the
 * --path, else "nid N"), not by the "/" the walk shows it as.
 */
static void start_error(struct fsck_ctx *c, struct erofs_errinfo *local)
{
	const struct erofs_fsck_params *p = c->p;
	char subj[40], own[40];
	const char *path = p->start_path;

	if (!path && p->start_nid != UINT64_MAX) {
		snprintf(own, sizeof(own), "nid %llu",
			 (unsigned long long)p->start_nid);
		path = own;
	}
	erofs_inode_subject(p->start_nid == UINT64_MAX ? c->img->sb.root_nid :
			    p->start_nid, subj, sizeof(subj));
	if (!strcmp(local->subject, subj))
		local->subject[0] = '\0';
	fsck_reader_error(c, path ? path : "/", local);
}

void erofs_fsck_params_init(struct erofs_fsck_params *p)
{
	memset(p, 0, sizeof(*p));
	p->start_nid = UINT64_MAX;
}

static void fsck_ctx_destroy(struct fsck_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nlinks; i++)
		free(c->links[i].path);
	free(c->links);
	erofs_nidmap_destroy(&c->refs);
	free(c->buf);
}

int erofs_fsck_run(const struct erofs_image *img,
		   const struct erofs_fsck_params *p,
		   erofs_fsck_report_fn report, void *arg,
		   struct erofs_fsck_stats *stats, struct erofs_errinfo *ei)
{
	static const struct erofs_walk_ops ops = {
		.visit = fsck_visit, .leave = fsck_leave, .finding = walk_finding,
	};
	struct fsck_ctx *c = calloc(1, sizeof(*c));
	struct erofs_errinfo local = { 0 };
	int err;

	if (!c)
		return -ENOMEM;
	memset(stats, 0, sizeof(*stats));
	*c = (struct fsck_ctx){ .img = img, .p = p, .report = report,
				.arg = arg, .st = stats, .ei = ei };
	erofs_nidmap_init(&c->refs);
	c->buf = malloc(FSCK_BUF_SIZE);
	err = c->buf ? 0 : -ENOMEM;
	if (!err && p->extract)
		err = erofs_extract_begin(&c->x, p->extract, ei);
	if (!err) {
		check_super(c);
		err = erofs_walk(img, p->start_nid, p->start_path, &ops, c, &local);
		/* only the start inode's own errors come back in @local */
		if (err && local.err) {
			start_error(c, &local);
			err = 0;
		}
	}
	if (!err) {
		check_links(c);
		if (p->start_nid == UINT64_MAX && img->sb.inos < stats->inodes)
			fsck_finding(c, EROFS_FSCK_ERROR, img->path,
				     "superblock counts %llu inodes, %llu reachable",
				     (unsigned long long)img->sb.inos,
				     (unsigned long long)stats->inodes);
	}
	if (c->x) {
		int e2 = erofs_extract_end(c->x, ei);

		if (!err)
			err = e2;
	}
	fsck_ctx_destroy(c);
	free(c);
	return err;
}
