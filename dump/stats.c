// SPDX-License-Identifier: MIT
/*
 * dump.erofs -S: statistics over every inode reachable from the root,
 * including the files that would share one page cache (equal fingerprint
 * value and equal size, the kernel's rule) and the bytes that saves.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "erofs/rxattr.h"
#include "erofs/walk.h"
#include "dump.h"

#define NBUCKETS	13
#define PAGE_BYTES	4096ULL

static const char *const bucket_names[NBUCKETS] = {
	"0", "1B..1K", "1K..4K", "4K..16K", "16K..64K", "64K..256K",
	"256K..1M", "1M..4M", "4M..16M", "16M..64M", "64M..256M",
	"256M..1G", ">=1G",
};

struct fp_rec {
	uint8_t *value;
	uint32_t len;
	uint64_t size;
	char *path;
};

struct stats {
	const struct erofs_image *img;
	uint64_t types[EROFS_FT_MAX];
	uint64_t hardlinks, reg_bytes, hist[NBUCKETS];
	uint64_t formats[2], layouts[EROFS_LAYOUT_MAX];
	uint64_t findings;
	struct fp_rec *fps;
	size_t nfps, cap;
};

static unsigned int bucket_of(uint64_t size)
{
	unsigned int b = 1;
	uint64_t limit = 1024;

	if (!size)
		return 0;
	while (b < NBUCKETS - 1 && size >= limit) {
		limit = b == 1 ? 4096 : limit * 4;
		b++;
	}
	return b;
}

static int add_fp(struct stats *s, const struct erofs_walk_entry *e)
{
	struct fp_rec *r;
	uint8_t *v;
	size_t len;
	int err = erofs_inode_fingerprint(s->img, e->inode, &v, &len, NULL);

	if (err)
		return err == -ENODATA ? 0 : err;
	if (s->nfps == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;

		r = realloc(s->fps, cap * sizeof(*r));
		if (!r) {
			free(v);
			return -ENOMEM;
		}
		s->fps = r;
		s->cap = cap;
	}
	r = &s->fps[s->nfps];
	*r = (struct fp_rec){ .value = v, .len = len, .size = e->inode->size,
			      .path = strdup(e->path) };
	if (!r->path) {
		free(v);
		return -ENOMEM;
	}
	s->nfps++;
	return 0;
}

static int stats_visit(const struct erofs_walk_entry *e, void *arg)
{
	struct stats *s = arg;
	const struct erofs_inode *in = e->inode;

	if (!e->first_visit) {
		s->hardlinks++;
		return 0;
	}
	s->types[erofs_ftype_from_mode(in->mode)]++;
	s->formats[in->extended]++;
	s->layouts[in->layout]++;
	if (!S_ISREG(in->mode))
		return 0;
	s->reg_bytes += in->size;
	s->hist[bucket_of(in->size)]++;
	return add_fp(s, e);
}

static int stats_finding(const char *path, const struct erofs_errinfo *ei,
			 void *arg)
{
	struct stats *s = arg;

	fputs(TOOL ": ", stderr);
	erofs_fputs_oneline(path, stderr);
	if (ei->subject[0]) {
		fputs(": ", stderr);
		erofs_fputs_oneline(ei->subject, stderr);
	}
	fputs(": ", stderr);
	erofs_fputs_oneline(ei->reason, stderr);
	fputc('\n', stderr);
	s->findings++;
	return 0;
}

static int fp_cmp(const void *a, const void *b)
{
	const struct fp_rec *x = a, *y = b;
	int r;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	r = memcmp(x->value, y->value, x->len);
	if (r)
		return r;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->path, y->path);
}

static bool same_value(const struct fp_rec *a, const struct fp_rec *b)
{
	return a->len == b->len && !memcmp(a->value, b->value, a->len);
}

struct group_sum {
	uint64_t distinct, groups, grouped_files, saved;
};

/* Kernel: a value of 1..blksz bytes is a sharing key; equal size needed. */
static bool key_usable(const struct stats *s, const struct fp_rec *r)
{
	return r->len && r->len <= s->img->sb.blksz;
}

static void group_walk(struct stats *s, struct erofs_json *j,
		       struct group_sum *g)
{
	size_t i = 0, k;

	while (i < s->nfps) {
		size_t n = 1;

		if (!i || !same_value(&s->fps[i - 1], &s->fps[i]))
			g->distinct++;
		while (i + n < s->nfps && same_value(&s->fps[i], &s->fps[i + n]) &&
		       s->fps[i].size == s->fps[i + n].size)
			n++;
		if (n > 1 && key_usable(s, &s->fps[i])) {
			uint64_t pages = (s->fps[i].size + PAGE_BYTES - 1) / PAGE_BYTES;

			g->groups++;
			g->grouped_files += n;
			g->saved += (n - 1) * pages * PAGE_BYTES;
			if (j) {
				ej_obj_begin(j, NULL);
				dump_json_hex(j, "value", s->fps[i].value, s->fps[i].len);
				ej_u64(j, "size", s->fps[i].size);
				ej_u64(j, "saved_bytes", (n - 1) * pages * PAGE_BYTES);
				ej_arr_begin(j, "paths");
				for (k = 0; k < n; k++)
					ej_bytes(j, NULL, s->fps[i + k].path,
						 strlen(s->fps[i + k].path));
				ej_arr_end(j);
				ej_obj_end(j);
			} else if (g->groups <= 20) {
				printf("  %" PRIu64 " bytes x %zu:", s->fps[i].size, n);
				for (k = 0; k < n && k < 4; k++) {
					printf(" ");
					dump_bytes_text(s->fps[i + k].path,
							strlen(s->fps[i + k].path));
				}
				printf(n > 4 ? " ...\n" : "\n");
			}
		}
		i += n;
	}
}

static const char *const ftype_names[EROFS_FT_MAX] = {
	"unknown", "regular", "directory", "chrdev", "blkdev", "fifo",
	"socket", "symlink",
};

static void stats_text(struct stats *s)
{
	uint64_t nreg = s->types[EROFS_FT_REG_FILE];
	struct group_sum g = { 0 };
	unsigned int i;

	printf("Files by type:\n");
	for (i = 1; i < EROFS_FT_MAX; i++)
		printf("  %-22s%" PRIu64 "\n", ftype_names[i], s->types[i]);
	printf("Extra hard links:       %" PRIu64 "\n", s->hardlinks);
	printf("Regular file bytes:     %" PRIu64 " total, %" PRIu64 " average\n",
	       s->reg_bytes, nreg ? s->reg_bytes / nreg : 0);
	printf("File size histogram:\n");
	for (i = 0; i < NBUCKETS; i++)
		printf("  %-22s%" PRIu64 "\n", bucket_names[i], s->hist[i]);
	printf("Inode formats:          compact %" PRIu64 ", extended %" PRIu64 "\n",
	       s->formats[0], s->formats[1]);
	printf("Data layouts:\n");
	for (i = 0; i < EROFS_LAYOUT_MAX; i++)
		printf("  %-22s%" PRIu64 "\n", dump_layout_name(i), s->layouts[i]);
	printf("Duplicate-content groups (equal fingerprint and size):\n");
	group_walk(s, NULL, &g);
	printf("Fingerprinted files:    %zu\n", s->nfps);
	printf("Distinct fingerprints:  %" PRIu64 "\n", g.distinct);
	printf("Sharing groups:         %" PRIu64 " (%" PRIu64 " files)\n",
	       g.groups, g.grouped_files);
	printf("Page cache saved by sharing within the image: %" PRIu64 " bytes\n",
	       g.saved);
}

static void stats_json(struct stats *s, struct erofs_json *j)
{
	uint64_t nreg = s->types[EROFS_FT_REG_FILE];
	struct group_sum g = { 0 };
	unsigned int i;

	ej_obj_begin(j, "statistics");
	ej_obj_begin(j, "types");
	for (i = 1; i < EROFS_FT_MAX; i++)
		ej_u64(j, ftype_names[i], s->types[i]);
	ej_obj_end(j);
	ej_u64(j, "extra_hardlinks", s->hardlinks);
	ej_u64(j, "regular_bytes", s->reg_bytes);
	ej_u64(j, "regular_average", nreg ? s->reg_bytes / nreg : 0);
	ej_obj_begin(j, "size_histogram");
	for (i = 0; i < NBUCKETS; i++)
		ej_u64(j, bucket_names[i], s->hist[i]);
	ej_obj_end(j);
	ej_obj_begin(j, "inode_formats");
	ej_u64(j, "compact", s->formats[0]);
	ej_u64(j, "extended", s->formats[1]);
	ej_obj_end(j);
	ej_obj_begin(j, "data_layouts");
	for (i = 0; i < EROFS_LAYOUT_MAX; i++)
		ej_u64(j, dump_layout_name(i), s->layouts[i]);
	ej_obj_end(j);
	ej_arr_begin(j, "sharing_groups");
	group_walk(s, j, &g);
	ej_arr_end(j);
	ej_u64(j, "fingerprinted_files", s->nfps);
	ej_u64(j, "distinct_fingerprints", g.distinct);
	ej_u64(j, "groups", g.groups);
	ej_u64(j, "grouped_files", g.grouped_files);
	ej_u64(j, "saved_bytes", g.saved);
	ej_u64(j, "findings", s->findings);
	ej_obj_end(j);
}

int dump_stats(const struct erofs_image *img, struct erofs_json *j,
	       struct erofs_errinfo *ei)
{
	static const struct erofs_walk_ops ops = {
		.visit = stats_visit, .finding = stats_finding,
	};
	struct stats *s = calloc(1, sizeof(*s));
	size_t i;
	int err;

	if (!s)
		return -ENOMEM;
	s->img = img;
	err = erofs_walk(img, UINT64_MAX, NULL, &ops, s, ei);
	if (!err) {
		if (s->nfps)
			qsort(s->fps, s->nfps, sizeof(*s->fps), fp_cmp);
		if (j)
			stats_json(s, j);
		else
			stats_text(s);
	}
	for (i = 0; i < s->nfps; i++) {
		free(s->fps[i].value);
		free(s->fps[i].path);
	}
	free(s->fps);
	if (!err && s->findings)
		err = -EFSCORRUPTED;
	free(s);
	return err;
}
