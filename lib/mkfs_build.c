// SPDX-License-Identifier: MIT
/*
 * mkfs pipeline: scan -> shared xattrs -> layout -> data pass ->
 * metadata -> superblock -> rename into place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>
#include "erofs/format.h"
#include "erofs/writer.h"

#define ROUND_UP(x, a)	(((x) + (a) - 1) / (a) * (a))

void erofs_mkfs_params_init(struct erofs_mkfs_params *p)
{
	memset(p, 0, sizeof(*p));
	p->blkszbits = 12;
	p->time_all = true;
	p->force_uid = -1;
	p->force_gid = -1;
	p->xattr_tolerance = 2;
	p->ishare_prefix = -1;
	p->log_level = EROFS_MKFS_LOG_WARN;
}

static int compile_regexes(struct erofs_writer *w)
{
	size_t i;

	if (!w->p->n_exclude_regexes)
		return 0;
	w->regexes = calloc(w->p->n_exclude_regexes, sizeof(*w->regexes));
	if (!w->regexes)
		return erofs_err(w->ei, -ENOMEM, NULL, NULL);
	for (i = 0; i < w->p->n_exclude_regexes; i++) {
		const char *re = w->p->exclude_regexes[i];

		char why[128];
		int rc = regcomp(&w->regexes[i], re, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			regerror(rc, &w->regexes[i], why, sizeof(why));
			return erofs_err(w->ei, -EINVAL, re,
					 "invalid regular expression: %s", why);
		}
		w->n_regexes++;
	}
	return 0;
}

static void free_regexes(struct erofs_writer *w)
{
	while (w->n_regexes)
		regfree(&w->regexes[--w->n_regexes]);
	free(w->regexes);
}

static int setup(struct erofs_writer *w)
{
	const struct erofs_mkfs_params *p = w->p;
	int ret;

	if (p->blkszbits < EROFS_MIN_BLKSZBITS ||
	    p->blkszbits > EROFS_MAX_BLKSZBITS)
		return erofs_err(w->ei, -EINVAL, NULL,
				 "block size must be 512, 1024, 2048 or 4096");
	w->blkszbits = p->blkszbits;
	w->blksz = 1U << p->blkszbits;
	/*
	 * Without 48BIT, compact inodes all show epoch/fixed_nsec: the build
	 * time is the epoch and everything else gets an extended inode.
	 */
	w->epoch = p->time_set ? p->build_time : time(NULL);
	w->fixed_nsec = 0;
	if (p->uuid_set)
		memcpy(w->uuid, p->uuid, sizeof(w->uuid));
	else
		uuid_generate(w->uuid);
	ret = erofs_prefix_table_build(&w->prefixes, p->xattr_prefixes,
				       p->n_xattr_prefixes, p->ishare_prefix,
				       w->ei);
	if (ret)
		return ret;
	ret = erofs_xattr_set_init(&w->xattrs, &w->prefixes);
	if (ret)
		return erofs_err(w->ei, ret, NULL, NULL);
	erofs_hardlink_map_init(&w->links);
	return compile_regexes(w);
}

static int digest_cmp(const void *a, const void *b)
{
	return memcmp(*(const uint8_t *const *)a, *(const uint8_t *const *)b,
		      EROFS_SHA256_LEN);
}

static void count_digests(struct erofs_writer *w)
{
	const uint8_t **d = malloc(w->n_nodes * sizeof(*d));
	uint64_t n = 0, distinct = 0, i;

	if (!d)
		return;
	for (i = 0; i < w->n_nodes; i++)
		if (w->nodes[i]->fingerprint)
			d[n++] = w->nodes[i]->digest;
	qsort(d, n, sizeof(*d), digest_cmp);
	for (i = 0; i < n; i++)
		distinct += !i || memcmp(d[i - 1], d[i], EROFS_SHA256_LEN);
	w->st->fingerprinted = n;
	w->st->distinct_digests = distinct;
	free(d);
}

static int write_image(struct erofs_writer *w)
{
	int ret;

	w->meta_size = ROUND_UP(w->meta_end, w->blksz);
	w->meta = calloc(1, w->meta_size);
	if (!w->meta)
		return erofs_err(w->ei, -ENOMEM, w->img.path, NULL);
	ret = erofs_data_pass(w);
	if (!ret)
		ret = erofs_write_metadata(w);
	if (ret)
		return ret;
	erofs_super_encode(w, w->meta);
	ret = erofs_image_pwrite(&w->img, w->meta, w->meta_size, 0, w->ei);
	if (ret)
		return ret;
	return erofs_image_commit(&w->img, (uint64_t)w->total_blocks * w->blksz,
				  w->p->fsync, w->ei);
}

static void tell_tmp(const struct erofs_writer *w, const char *tmp_path)
{
	if (w->p->tmp_image)
		w->p->tmp_image(w->p->tmp_image_arg, tmp_path);
}

static int build(struct erofs_writer *w)
{
	/* an IMAGE that cannot be written fails before the long scan */
	int ret = erofs_image_prepare(&w->img, w->img.path, w->ei);

	if (!ret)
		ret = setup(w);

	if (!ret)
		ret = erofs_scan_source(w);
	if (!ret && w->p->xattr_tolerance >= 0)
		ret = erofs_xattr_select_shared(&w->xattrs, w->p->xattr_tolerance);
	if (ret)
		return ret == -ENOMEM ? erofs_err(w->ei, ret, w->source, NULL) : ret;
	ret = erofs_layout_plan(w);
	if (!ret)
		ret = erofs_log_files(w);
	if (ret)
		return ret == -ENOMEM ? erofs_err(w->ei, ret, w->source, NULL) : ret;
	ret = erofs_image_create(&w->img,
				 (uint64_t)w->total_blocks * w->blksz, w->ei);
	if (ret)
		return ret;
	tell_tmp(w, w->img.tmp_path);
	return write_image(w);
}

static void fill_stats(struct erofs_writer *w, const struct timespec *t0)
{
	struct erofs_mkfs_stats *st = w->st;
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->files = w->n_nodes - st->dirs;
	st->bytes = w->prog.bytes_total;
	st->image_size = (uint64_t)w->total_blocks * w->blksz;
	st->seconds = (t1.tv_sec - t0->tv_sec) +
		      (t1.tv_nsec - t0->tv_nsec) / 1e9;
	count_digests(w);
}

int erofs_mkfs_build(const struct erofs_mkfs_params *p, const char *image_path,
		     const char *source_dir, struct erofs_mkfs_stats *st,
		     struct erofs_errinfo *ei)
{
	struct erofs_writer w = {
		.p = p, .ei = ei, .st = st, .source = source_dir,
		.img = { .fd = -1, .path = image_path },
	};
	struct timespec t0;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(st, 0, sizeof(*st));
	ret = build(&w);
	if (ret)
		erofs_image_abort(&w.img);
	else
		fill_stats(&w, &t0);
	/* renamed or removed: nothing left for a signal handler to clean */
	tell_tmp(&w, NULL);
	erofs_wnode_free_tree(w.root);
	erofs_hardlink_map_destroy(&w.links);
	erofs_xattr_set_destroy(&w.xattrs);
	free_regexes(&w);
	free(w.nodes);
	free(w.meta);
	return ret;
}
