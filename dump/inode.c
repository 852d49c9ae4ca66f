// SPDX-License-Identifier: MIT
/*
 * dump.erofs --path/--nid: one inode with its layout, extents, xattrs and
 * fingerprint; --ls: a directory listing; --cat: file content.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "erofs/rdata.h"
#include "erofs/rdir.h"
#include "erofs/rxattr.h"
#include "erofs/walk.h"
#include "erofs/zmap.h"
#include "dump.h"

static const char *const kind_names[] = {
	"mapped", "hole", "inline", "compressed", "plain_pcluster", "fragment",
};

static const char *read_path_name(enum erofs_read_path p)
{
	return p == EROFS_READ_NONE ? "none" :
	       p == EROFS_READ_COMPRESSED ? "compressed" : "uncompressed";
}

static int extent_text(const struct erofs_extent *e, void *arg)
{
	printf("  %12" PRIu64 " %12" PRIu64 "  %-14s %14" PRIu64 " %10" PRIu64
	       "  %u", e->lstart, e->llen, kind_names[e->kind], e->pstart,
	       e->plen, e->device);
	if (e->algorithm >= 0)
		printf("  %s", erofs_compr_alg_name(e->algorithm));
	printf("\n");
	return 0;
}

static int extent_json(const struct erofs_extent *e, void *arg)
{
	struct erofs_json *j = arg;

	ej_obj_begin(j, NULL);
	ej_u64(j, "logical", e->lstart);
	ej_u64(j, "length", e->llen);
	ej_str(j, "kind", kind_names[e->kind]);
	ej_u64(j, "physical", e->pstart);
	ej_u64(j, "physical_length", e->plen);
	ej_u64(j, "device", e->device);
	if (e->algorithm >= 0)
		ej_str(j, "algorithm", erofs_compr_alg_name(e->algorithm));
	ej_obj_end(j);
	return 0;
}

/*
 * Adjacent holes, and mapped extents that continue each other on disk,
 * show as one row: a sparse or chunked file otherwise lists one row per
 * chunk.
 */
struct extent_merge {
	struct erofs_extent run;
	bool have_run;
	erofs_extent_cb emit;
	void *arg;
};

static bool extent_continues(const struct erofs_extent *a,
			     const struct erofs_extent *b)
{
	if (a->kind != b->kind || a->lstart + a->llen != b->lstart)
		return false;
	if (a->kind == EROFS_EXT_HOLE)
		return true;
	return a->kind == EROFS_EXT_MAPPED && a->device == b->device &&
	       a->llen == a->plen && a->pstart + a->plen == b->pstart;
}

static int extent_merge_cb(const struct erofs_extent *e, void *arg)
{
	struct extent_merge *m = arg;
	int err = 0;

	if (m->have_run && extent_continues(&m->run, e)) {
		m->run.llen += e->llen;
		m->run.plen += e->plen;
		return 0;
	}
	if (m->have_run)
		err = m->emit(&m->run, m->arg);
	m->run = *e;
	m->have_run = true;
	return err;
}

static int extents_merged(const struct erofs_image *img,
			  const struct erofs_inode *in, erofs_extent_cb emit,
			  void *arg, struct erofs_errinfo *ei)
{
	struct extent_merge m = { .emit = emit, .arg = arg };
	int err = erofs_extent_foreach(img, in, extent_merge_cb, &m, ei);

	/* what was mapped before an error is still worth showing */
	if (m.have_run)
		emit(&m.run, arg);
	return err;
}

static int xattr_text(const struct erofs_xattr *x, void *arg)
{
	printf("  ");
	dump_bytes_text(x->name, x->name_len);
	printf(" = ");
	dump_value_text(x->value, x->value_len);
	printf("%s\n", x->shared ? "  (shared)" : "");
	return 0;
}

static int xattr_json(const struct erofs_xattr *x, void *arg)
{
	struct erofs_json *j = arg;

	ej_obj_begin(j, NULL);
	ej_bytes(j, "name", x->name, x->name_len);
	ej_bytes(j, "value", x->value, x->value_len);
	dump_json_hex(j, "value_hex", x->value, x->value_len);
	ej_bool(j, "shared", x->shared);
	if (x->long_prefix >= 0)
		ej_u64(j, "long_prefix", x->long_prefix);
	ej_obj_end(j);
	return 0;
}

struct find_path {
	uint64_t nid;
	char *path;
};

static int find_visit(const struct erofs_walk_entry *e, void *arg)
{
	struct find_path *f = arg;

	if (e->inode->nid != f->nid)
		return 0;
	f->path = strdup(e->path);
	return 1;
}

static int find_skip(const char *path, const struct erofs_errinfo *ei,
		     void *arg)
{
	return 0;
}

/* First path of @nid (NULL if unreachable); a walk, as nids have no parents. */
static char *path_of(const struct erofs_image *img, uint64_t nid)
{
	static const struct erofs_walk_ops ops = {
		.visit = find_visit, .finding = find_skip,
	};
	struct find_path f = { .nid = nid };

	erofs_walk(img, UINT64_MAX, NULL, &ops, &f, NULL);
	return f.path;
}

static void compressed_text(const struct erofs_image *img,
			    const struct erofs_inode *in)
{
	struct erofs_zmap_info zi;

	printf("Physical blocks:    %" PRIu64 "\n", in->compressed_blocks);
	if (erofs_zmap_header(img, in, &zi, NULL))
		return;
	if (zi.whole_fragment) {
		printf("Fragment offset:    %" PRIu64 "\n", zi.fragment_off);
		return;
	}
	printf("Algorithms:         %s", erofs_compr_alg_name(zi.alg_head1));
	if (zi.alg_head2 != zi.alg_head1)
		printf(", %s", erofs_compr_alg_name(zi.alg_head2));
	printf("\nLcluster size:      %u\n", 1U << zi.lclusterbits);
	printf("Map advise:         0x%04x\n", zi.advise);
}

static void layout_text(const struct erofs_image *img,
			const struct erofs_inode *in)
{
	printf("Data layout:        %s\n", dump_layout_name(in->layout));
	printf("Read path:          %s\n", read_path_name(erofs_inode_read_path(in)));
	if (in->layout == EROFS_LAYOUT_FLAT_PLAIN ||
	    in->layout == EROFS_LAYOUT_FLAT_INLINE) {
		if (in->startblk_null)
			printf("Start block:        null\n");
		else
			printf("Start block:        %" PRIu64 "\n", in->startblk);
	}
	if (in->layout == EROFS_LAYOUT_FLAT_INLINE)
		printf("Inline tail:        %u bytes at %" PRIu64 "\n",
		       in->tail_len, in->tail_pos);
	if (in->layout == EROFS_LAYOUT_CHUNK_BASED)
		printf("Chunks:             %" PRIu64 " x %llu bytes (%s)\n",
		       in->nchunks, 1ULL << in->chunkbits,
		       in->chunk_unit == 8 ? "indexes" : "block map");
	if (erofs_layout_is_compressed(in->layout))
		compressed_text(img, in);
}

/* "sha256:" + 32 bytes, the form mkfs writes (format doc §8.1). */
static bool fingerprint_is_sha256(const uint8_t *v, size_t len)
{
	return len == EROFS_ISHARE_VALUE_LEN &&
	       !memcmp(v, EROFS_ISHARE_VALUE_TAG, EROFS_ISHARE_TAG_LEN);
}

static void fingerprint_text(const struct erofs_image *img,
			     const struct erofs_inode *in)
{
	uint8_t *v;
	size_t len;

	if (erofs_inode_fingerprint(img, in, &v, &len, NULL))
		return;
	printf("Fingerprint:        ");
	if (fingerprint_is_sha256(v, len)) {
		printf(EROFS_ISHARE_VALUE_TAG);
		dump_hex(stdout, v + EROFS_ISHARE_TAG_LEN,
			 len - EROFS_ISHARE_TAG_LEN);
		printf("\n");
	} else {
		dump_hex(stdout, v, len);
		printf(" (%zu bytes, not \"sha256:\" + 32)\n", len);
	}
	free(v);
}

/* "fingerprint" stays the hex of the raw value; the readable form beside it. */
static void fingerprint_json(const struct erofs_image *img,
			     const struct erofs_inode *in, struct erofs_json *j)
{
	char text[EROFS_ISHARE_TAG_LEN + 2 * EROFS_ISHARE_DIGEST_LEN + 1];
	uint8_t *v;
	size_t len, i;

	if (erofs_inode_fingerprint(img, in, &v, &len, NULL)) {
		ej_null(j, "fingerprint");
		return;
	}
	dump_json_hex(j, "fingerprint", v, len);
	if (fingerprint_is_sha256(v, len)) {
		memcpy(text, EROFS_ISHARE_VALUE_TAG, EROFS_ISHARE_TAG_LEN);
		for (i = EROFS_ISHARE_TAG_LEN; i < len; i++)
			snprintf(text + EROFS_ISHARE_TAG_LEN +
				 2 * (i - EROFS_ISHARE_TAG_LEN), 3, "%02x", v[i]);
		ej_str(j, "fingerprint_text", text);
	}
	free(v);
}

static void inode_text(const struct erofs_image *img,
		       const struct erofs_inode *in, const char *path)
{
	struct erofs_errinfo ei = { 0 };

	printf("Path:               ");
	if (path)
		dump_bytes_text(path, strlen(path));
	else
		printf("(not reachable from the root)");
	printf("\nNID:                %" PRIu64 "\n", in->nid);
	printf("Position:           %" PRIu64 " (+%" PRIu64 " bytes of metadata)\n",
	       in->iloc, in->meta_len);
	printf("Inode version:      %s\n", in->extended ? "extended" : "compact");
	printf("Type:               %s\n", dump_type_name(in->mode));
	printf("Mode:               0%o\n", in->mode);
	printf("Size:               %" PRIu64 "\n", in->size);
	printf("Uid / Gid:          %u / %u\n", in->uid, in->gid);
	printf("Links:              %" PRIu64 "\n", in->nlink);
	printf("Inode serial:       %u\n", in->ino);
	printf("Mtime:              ");
	dump_time_text(in->mtime, in->mtime_nsec);
	printf("\n");
	if (S_ISCHR(in->mode) || S_ISBLK(in->mode))
		printf("Device:             %u:%u\n", in->rdev_major, in->rdev_minor);
	printf("Xattr area:         %u bytes\n", in->xattr_isize);
	layout_text(img, in);
	fingerprint_text(img, in);
	printf("Xattrs:\n");
	if (erofs_xattr_foreach(img, in, xattr_text, NULL, &ei))
		erofs_err_print(&ei, TOOL, stderr);
	printf("Extents:\n  %12s %12s  %-14s %14s %10s  %s\n", "logical", "length",
	       "kind", "physical", "plength", "device");
	erofs_err_clear(&ei);
	if (extents_merged(img, in, extent_text, NULL, &ei))
		erofs_err_print(&ei, TOOL, stderr);
}

static void layout_json(const struct erofs_image *img,
			const struct erofs_inode *in, struct erofs_json *j)
{
	struct erofs_zmap_info zi;

	ej_str(j, "layout", dump_layout_name(in->layout));
	ej_str(j, "read_path", read_path_name(erofs_inode_read_path(in)));
	if (in->layout == EROFS_LAYOUT_FLAT_PLAIN ||
	    in->layout == EROFS_LAYOUT_FLAT_INLINE) {
		if (in->startblk_null)
			ej_null(j, "start_block");
		else
			ej_u64(j, "start_block", in->startblk);
	}
	if (in->layout == EROFS_LAYOUT_FLAT_INLINE)
		ej_u64(j, "inline_tail", in->tail_len);
	if (in->layout == EROFS_LAYOUT_CHUNK_BASED) {
		ej_u64(j, "chunks", in->nchunks);
		ej_u64(j, "chunk_size", 1ULL << in->chunkbits);
	}
	if (erofs_layout_is_compressed(in->layout)) {
		ej_u64(j, "physical_blocks", in->compressed_blocks);
		if (!erofs_zmap_header(img, in, &zi, NULL) && !zi.whole_fragment)
			ej_str(j, "algorithm", erofs_compr_alg_name(zi.alg_head1));
	}
}

static void inode_json(const struct erofs_image *img,
		       const struct erofs_inode *in, const char *path,
		       struct erofs_json *j)
{
	ej_obj_begin(j, "inode");
	if (path)
		ej_bytes(j, "path", path, strlen(path));
	else
		ej_null(j, "path");
	ej_u64(j, "nid", in->nid);
	ej_u64(j, "position", in->iloc);
	ej_u64(j, "metadata_bytes", in->meta_len);
	ej_str(j, "version", in->extended ? "extended" : "compact");
	ej_str(j, "type", dump_type_name(in->mode));
	ej_u64(j, "mode", in->mode);
	ej_u64(j, "size", in->size);
	ej_u64(j, "uid", in->uid);
	ej_u64(j, "gid", in->gid);
	ej_u64(j, "nlink", in->nlink);
	ej_u64(j, "ino", in->ino);
	ej_i64(j, "mtime", in->mtime);
	ej_u64(j, "mtime_nsec", in->mtime_nsec);
	if (S_ISCHR(in->mode) || S_ISBLK(in->mode)) {
		ej_u64(j, "rdev_major", in->rdev_major);
		ej_u64(j, "rdev_minor", in->rdev_minor);
	}
	ej_u64(j, "xattr_bytes", in->xattr_isize);
	layout_json(img, in, j);
	fingerprint_json(img, in, j);
	ej_arr_begin(j, "xattrs");
	erofs_xattr_foreach(img, in, xattr_json, j, NULL);
	ej_arr_end(j);
	ej_arr_begin(j, "extents");
	extents_merged(img, in, extent_json, j, NULL);
	ej_arr_end(j);
	ej_obj_end(j);
}

int dump_inode(const struct erofs_image *img, uint64_t nid, const char *path,
	       struct erofs_json *j, struct erofs_errinfo *ei)
{
	struct erofs_inode in;
	char *found = NULL;
	int err = erofs_inode_read(img, nid, &in, ei);

	if (err)
		return err;
	if (!path)
		path = found = path_of(img, nid);
	if (j)
		inode_json(img, &in, path, j);
	else
		inode_text(img, &in, path);
	free(found);
	return 0;
}

struct ls_state {
	const struct erofs_image *img;
	struct erofs_json *j;
};

static int ls_entry(const struct erofs_dirent_info *de, void *arg)
{
	struct ls_state *ls = arg;
	struct erofs_inode in;
	bool ok = !erofs_inode_read(ls->img, de->nid, &in, NULL);

	if (ls->j) {
		ej_obj_begin(ls->j, NULL);
		ej_u64(ls->j, "nid", de->nid);
		ej_u64(ls->j, "file_type", de->file_type);
		ej_str(ls->j, "type", ok ? dump_type_name(in.mode) : "unreadable");
		if (ok)
			ej_u64(ls->j, "size", in.size);
		else
			ej_null(ls->j, "size");
		ej_bytes(ls->j, "name", de->name, de->name_len);
		ej_obj_end(ls->j);
		return 0;
	}
	printf("%12" PRIu64 "  %-16s %12" PRIu64 "  ", de->nid,
	       ok ? dump_type_name(in.mode) : "unreadable", ok ? in.size : 0);
	dump_bytes_text(de->name, de->name_len);
	printf("\n");
	return 0;
}

int dump_ls(const struct erofs_image *img, uint64_t nid, const char *path,
	    struct erofs_json *j, struct erofs_errinfo *ei)
{
	struct ls_state ls = { .img = img, .j = j };
	struct erofs_inode dir;
	int err = erofs_inode_read(img, nid, &dir, ei);

	if (err)
		return err;
	if (!S_ISDIR(dir.mode))
		return erofs_err(ei, -ENOTDIR, path, "Not a directory");
	if (j)
		ej_arr_begin(j, "entries");
	else
		printf("%12s  %-16s %12s  %s\n", "NID", "TYPE", "SIZE", "NAME");
	err = erofs_dir_foreach(img, &dir, ls_entry, &ls, ei);
	if (j)
		ej_arr_end(j);
	return err;
}

int dump_cat(const struct erofs_image *img, uint64_t nid,
	     struct erofs_errinfo *ei)
{
	static uint8_t buf[1 << 16];
	struct erofs_inode in;
	uint64_t off = 0;
	int err = erofs_inode_read(img, nid, &in, ei);

	if (err)
		return err;
	if (S_ISDIR(in.mode))
		return erofs_err(ei, -EISDIR, NULL, "Is a directory");
	while (off < in.size) {
		ssize_t n = erofs_inode_pread(img, &in, buf, sizeof(buf), off, ei);

		if (n <= 0)
			return n ? n : erofs_err(ei, -EFSCORRUPTED, NULL,
						 "file data ends early");
		if (fwrite(buf, 1, n, stdout) != (size_t)n)
			return erofs_err(ei, -EIO, "stdout", "write error");
		off += n;
	}
	return 0;
}
