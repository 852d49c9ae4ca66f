// SPDX-License-Identifier: MIT
/*
 * dump.erofs --ishare-report: what Linux 7.x page cache sharing would do
 * for a set of images, as a table or as JSON. The model and the numbers
 * come from lib/ (ishare_model, ishare_scan); this file only parses the
 * command line and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/cli.h"
#include "erofs/errinfo.h"
#include "erofs/ishare_args.h"
#include "erofs/ishare_model.h"
#include "erofs/ishare_scan.h"
#include "erofs/json.h"
#include "ishare_report.h"

#define TOOL "dump.erofs"
/* exit statuses of the report */
#define REPORT_UNREADABLE	1
#define REPORT_USAGE		2
#define REPORT_UNSAFE		3
#define TOP_GROUPS 10
#define TOP_MISSES 20

struct report_opts {
	const char *trace;
	bool json;
	bool trust;		/* take sha256 values at their word */
};

static const struct erofs_cli cli = { TOOL, REPORT_USAGE };

bool dump_wants_ishare_report(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--ishare-report"))
			return true;
	return false;
}

static void usage(FILE *f)
{
	fputs("Usage: " TOOL " --ishare-report [OPTIONS] IMAGE [[-o MOUNTOPTS] IMAGE]...\n"
	      "Model Linux page cache sharing (inode_share) for a set of images.\n"
	      " --domain-id=X      domain_id of every mount (default: \"default\")\n"
	      " --mount=loop|file  how the images are mounted (default: loop)\n"
	      " -o OPTS            options for the next IMAGE only: inode_share,\n"
	      "                    noinode_share, domain_id=X, nodomain_id, loop, file\n"
	      " --trace=FILE       workload of IMAGE_INDEX PATH OFFSET LENGTH lines\n"
	      "                    (default: read every regular file fully)\n"
	      " --trust            trust sha256 fingerprints as written instead of\n"
	      "                    comparing the members of every sharing group\n"
	      " --json             print JSON instead of a table\n", f);
}

static int fail(const char *subject, const char *reason)
{
	fprintf(stderr, TOOL ": %s: %s\n", subject, reason);
	return REPORT_UNREADABLE;
}

static int fail_ei(const struct erofs_errinfo *ei)
{
	erofs_err_print(ei, TOOL, stderr);
	return REPORT_UNREADABLE;
}

static int parse_args(int argc, char **argv, struct report_opts *o,
		      struct erofs_ishare_set *set)
{
	static const struct option longopts[] = {
		{ "ishare-report", no_argument, NULL, 'R' },
		{ "domain-id", required_argument, NULL, EROFS_ISHARE_ARG_DOMAIN },
		{ "mount", required_argument, NULL, EROFS_ISHARE_ARG_MOUNT },
		{ "trace", required_argument, NULL, 'T' },
		{ "trust", no_argument, NULL, 'U' },
		/* comparing is the default; kept for older scripts */
		{ "verify", no_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct erofs_ishare_args a;
	struct erofs_errinfo ei = { 0 };
	bool help = false;
	int c, ret = 0;

	if (erofs_ishare_args_init(&a, argc))
		return fail("arguments", strerror(ENOMEM));
	opterr = 0;
	/* leading '-': images come back as operand 1, in order */
	while (!ret && !help &&
	       (c = getopt_long(argc, argv, "-:o:h", longopts, NULL)) != -1) {
		ret = erofs_ishare_args_take(&a, c, optarg, &ei);
		if (ret <= 0)
			continue;
		ret = 0;
		if (c == 'T')
			o->trace = optarg;
		else if (c == 'U')
			o->trust = true;
		else if (c == 'J')
			o->json = true;
		else if (c == 'h')
			help = true;
		else if (c == '?' || c == ':')
			ret = erofs_cli_getopt_error(&cli, c, argv, optind);
	}
	/* after "--" getopt stops: the rest are images too */
	while (!ret && !help && optind < argc)
		ret = erofs_ishare_args_take(&a, EROFS_ISHARE_ARG_IMAGE,
					     argv[optind++], &ei);
	if (!ret && !help && !a.n)
		ret = erofs_cli_usage_error(&cli, "missing IMAGE");
	/* the cli helpers printed their own line; lib errors come in @ei */
	if (!ret && !help)
		ret = erofs_ishare_args_to_set(&a, set, &ei);
	if (ei.err)
		erofs_err_print(&ei, TOOL, stderr);
	erofs_ishare_args_free(&a);
	if (help) {
		usage(stdout);
		exit(0);
	}
	/* exit 2 for a bad command line, as the other dump.erofs views */
	return !ret ? 0 : ret == -ENOMEM ? 1 : REPORT_USAGE;
}

static int load_trace(const char *path, struct erofs_ishare_set *set,
		      struct erofs_ishare_access **acc, size_t *n)
{
	struct erofs_errinfo ei = { 0 };
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	FILE *f = fopen(path, "r");
	int ret;

	if (!f)
		return fail(path, strerror(errno));
	do {
		if (len == cap) {
			char *t = realloc(text, cap = cap ? cap * 2 : 65536);

			if (!t) {
				fclose(f);
				free(text);
				return fail(path, strerror(ENOMEM));
			}
			text = t;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got);
	/* e.g. EISDIR: fopen() opens a directory, reading it fails */
	ret = ferror(f) ? errno : 0;
	fclose(f);
	if (ret) {
		free(text);
		return fail(path, strerror(ret));
	}
	ret = erofs_ishare_parse_trace(set, text, len, acc, n, &ei);
	free(text);
	if (ret) {
		char subject[EROFS_ERR_SUBJECT_MAX + 64];

		snprintf(subject, sizeof(subject), "%s: %s", path, ei.subject);
		return fail(subject, ei.reason);
	}
	return 0;
}

static double mb(uint64_t bytes)
{
	return bytes / 1e6;
}

/*
 * Every metadata page: directory contents (in Cached:) and the inodes,
 * xattrs and inline tails read through the block device (in Buffers:).
 */
static uint64_t metadata_bytes(const struct erofs_ishare_totals *t)
{
	return t->dir_bytes + t->meta_bytes;
}

/*
 * /proc/meminfo splits the page cache: Cached: holds file data and
 * directory contents, Buffers: the block device's pages (measured,
 * tests/kernel/NOTES-model.md).
 */
static uint64_t cached_bytes(const struct erofs_ishare_totals *t, bool sharing)
{
	return (sharing ? t->data_with : t->data_without) + t->dir_bytes;
}

/* The whole page cache a workload adds: Cached: + Buffers:. */
static uint64_t page_cache_bytes(const struct erofs_ishare_totals *t, bool sharing)
{
	return cached_bytes(t, sharing) + t->meta_bytes;
}

static double reduction(const struct erofs_ishare_totals *t)
{
	uint64_t without = page_cache_bytes(t, false);
	uint64_t with = page_cache_bytes(t, true);

	return without ? 100.0 * (without - with) / without : 0;
}

/* Bytes a group saves: every member's own pages minus the shared ones. */
static uint64_t saved(const struct erofs_ishare_set *set, uint32_t c)
{
	uint64_t own = 0;
	uint32_t i;

	for (i = set->caches[c].first; i != EROFS_ISHARE_NONE; i = set->files[i].next)
		own += set->files[i].pages;
	return (own - set->caches[c].pages) << EROFS_ISHARE_PAGE_SHIFT;
}

struct group_saving {
	uint32_t cache;
	uint64_t saved;
};

static int cmp_saving(const void *pa, const void *pb)
{
	const struct group_saving *a = pa, *b = pb;

	if (a->saved != b->saved)
		return a->saved > b->saved ? -1 : 1;
	return a->cache < b->cache ? -1 : a->cache > b->cache;
}

/* Indices of shared groups, most bytes saved first (at most @max). */
static uint32_t top_groups(const struct erofs_ishare_set *set, uint32_t *top,
			   uint32_t max)
{
	struct group_saving *g = malloc((set->ncaches + 1) * sizeof(*g));
	uint32_t n = 0, c;

	if (!g)
		return 0;
	for (c = 0; c < set->ncaches; c++)
		if (set->caches[c].nmembers > 1)
			g[n++] = (struct group_saving){ c, saved(set, c) };
	qsort(g, n, sizeof(*g), cmp_saving);
	if (n > max)
		n = max;
	for (c = 0; c < n; c++)
		top[c] = g[c].cache;
	free(g);
	return n;
}

static const char *backing_text(enum erofs_ishare_backing b)
{
	return b == EROFS_ISHARE_FILE ? "file" : "loop";
}

static const char *workload_text(const struct report_opts *o)
{
	return o->trace ? "trace" : "read-all";
}

static const char *content_text(const struct report_opts *o)
{
	return o->trust ? "trusted" : "compared";
}

/*
 * Names are bytes: control and non-ASCII bytes as \xHH and a backslash as
 * \x5c, so that a path in the table is one line and says which bytes it is.
 */
static void print_path(const struct erofs_ishare_set *set, uint32_t file)
{
	const struct erofs_ishare_file *f = &set->files[file];
	uint32_t i;

	printf("[%u]:", f->image);
	for (i = 0; i < f->path_len; i++) {
		unsigned char c = f->path[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void print_images(const struct erofs_ishare_set *set)
{
	uint32_t i;

	printf("Image set:\n");
	for (i = 0; i < set->nimages; i++) {
		const struct erofs_ishare_image *img = &set->images[i];

		printf("  [%u] %s: %s mount, %s", i, img->path,
		       backing_text(img->opts.backing),
		       img->opts.inode_share ? "inode_share" : "no inode_share");
		if (img->opts.has_domain)
			printf(", domain_id=%s", img->opts.domain_id);
		printf(", %u-byte blocks, fingerprints %s%s\n",
		       1U << img->blkszbits, img->has_feature ? "on" : "off",
		       img->mount_err ? ", DOES NOT MOUNT" : "");
	}
}

static void print_warnings(const struct erofs_ishare_set *set)
{
	uint32_t i;

	if (!set->nwarnings)
		return;
	printf("Kernel messages:\n");
	for (i = 0; i < set->nwarnings; i++) {
		const struct erofs_ishare_warning *w = &set->warnings[i];

		printf("  ");
		if (w->file >= 0) {
			print_path(set, w->file);
			printf(": ");
		} else {
			printf("[%u] %s: ", w->image, set->images[w->image].path);
		}
		printf("%s%s%s\n", w->text,
		       w->err ? ": mount fails with " : "",
		       w->err == -EUCLEAN ? "EUCLEAN" : w->err ? "EINVAL" : "");
	}
}

static void print_top(const struct erofs_ishare_set *set)
{
	uint32_t top[TOP_GROUPS], n = top_groups(set, top, TOP_GROUPS), i;

	if (!n)
		return;
	printf("Top shared files by bytes saved:\n");
	printf("  %10s %7s %12s  %-12s %s\n", "SAVED(MB)", "INODES", "SIZE", "CONTENT", "FILE");
	for (i = 0; i < n; i++) {
		const struct erofs_ishare_cache *c = &set->caches[top[i]];

		printf("  %10.1f %7u %12llu  %-12s ", mb(saved(set, top[i])),
		       c->nmembers, (unsigned long long)set->files[c->first].size,
		       erofs_ishare_safety_text(c->safety));
		print_path(set, c->first);
		/* the partner tells within-image from cross-image sharing */
		printf(" = ");
		print_path(set, set->files[c->first].next);
		printf("%s\n", c->nmembers > 2 ? " = ..." : "");
	}
}

static int cmp_miss(const void *pa, const void *pb)
{
	const struct erofs_ishare_miss *a = *(const struct erofs_ishare_miss *const *)pa;
	const struct erofs_ishare_miss *b = *(const struct erofs_ishare_miss *const *)pb;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* The costliest near misses; JSON has all of them. */
static void print_misses(const struct erofs_ishare_set *set)
{
	const struct erofs_ishare_miss **order;
	char advice[512];
	uint32_t i, n;

	uint32_t nvalue = 0;

	order = malloc((set->nmisses + 1) * sizeof(*order));
	if (!order)
		return;
	/* those found by content are summed per image instead */
	for (i = 0; i < set->nmisses; i++)
		if (!erofs_ishare_miss_is_content(set->misses[i].kind))
			order[nvalue++] = &set->misses[i];
	if (!nvalue) {
		free(order);
		return;
	}
	qsort(order, nvalue, sizeof(*order), cmp_miss);
	n = nvalue < TOP_MISSES ? nvalue : TOP_MISSES;
	printf("Near misses (equal fingerprints, separate page caches): %u costing %.1f MB\n",
	       nvalue, mb(set->totals.near_miss_bytes - set->totals.nofp_bytes));
	for (i = 0; i < n; i++) {
		const struct erofs_ishare_miss *m = order[i];

		erofs_ishare_miss_advice(set, m, advice, sizeof(advice));
		printf("  %10.1f MB  %s: ", mb(m->bytes), erofs_ishare_miss_text(m->kind));
		print_path(set, m->file);
		printf(" vs ");
		print_path(set, m->peer);
		printf("\n              fix: %s\n", advice);
	}
	if (n < nvalue)
		printf("  ... %u more (--json lists all)\n", nvalue - n);
	free(order);
}

/*
 * Files without a fingerprint that have a twin elsewhere, one line per
 * image: the usual cause is a whole image built without fingerprints.
 */
static void print_nofp(const struct erofs_ishare_set *set,
		       const struct report_opts *o)
{
	const struct erofs_ishare_totals *t = &set->totals;
	uint32_t i;

	if (!t->nofp_files && !t->nofp_not_compared)
		return;
	if (o->trust)
		printf("Near misses without a fingerprint: not compared (--trust reads no content)\n");
	else
		printf("Near misses without a fingerprint (same content by SHA-256): %llu files costing %.1f MB\n",
		       (unsigned long long)t->nofp_files, mb(t->nofp_bytes));
	for (i = 0; i < set->nimages; i++) {
		const struct erofs_ishare_image *img = &set->images[i];

		if (img->nofp_files)
			printf("  [%u] %s: %llu files / %.1f MB identical to files elsewhere but without a fingerprint%s: rebuild with mkfs.erofs --ishare_key (or upstream --xattr-inode-digest)\n",
			       i, img->path, (unsigned long long)img->nofp_files,
			       mb(img->nofp_bytes), img->has_feature ? "" :
			       " (image built without fingerprints)");
		if (img->nofp_not_compared)
			printf("  [%u] %s: %llu files without a fingerprint, of sizes found elsewhere: not compared (%s)\n",
			       i, img->path,
			       (unsigned long long)img->nofp_not_compared,
			       o->trust ? "--trust" : "compressed or unreadable");
	}
}

static void print_unsafe(const struct erofs_ishare_set *set)
{
	uint32_t c, i;

	for (c = 0; c < set->ncaches; c++) {
		if (set->caches[c].nmembers < 2 ||
		    set->caches[c].safety != EROFS_ISHARE_UNSAFE)
			continue;
		printf("UNSAFE group (same fingerprint, different content):");
		for (i = set->caches[c].first; i != EROFS_ISHARE_NONE; i = set->files[i].next) {
			putchar(' ');
			print_path(set, i);
		}
		putchar('\n');
	}
}

static void print_table(const struct erofs_ishare_set *set,
			const struct report_opts *o)
{
	const struct erofs_ishare_totals *t = &set->totals;

	print_images(set);
	print_warnings(set);
	printf("Workload: %s\n", o->trace ? o->trace :
	       "read-all (every regular file read fully)");
	printf("Content: %s\n", !o->trust ?
	       "group members compared byte by byte through the reader" :
	       "sha256 fingerprints trusted as written, not re-read (--trust; drop it or run fsck.erofs --check-ishare to check)");
	printf("Files: %llu regular, %llu eligible for sharing\n",
	       (unsigned long long)t->files, (unsigned long long)t->eligible);
	printf("Shared groups: %llu (%llu unsafe, %llu unverifiable)\n",
	       (unsigned long long)t->shared_groups,
	       (unsigned long long)t->unsafe_groups,
	       (unsigned long long)t->unverifiable_groups);
	printf("Page cache without sharing: %9.1f MB (data %.1f + directories %.1f + inode/xattr blocks %.1f)\n",
	       mb(page_cache_bytes(t, false)), mb(t->data_without),
	       mb(t->dir_bytes), mb(t->meta_bytes));
	printf("Page cache with sharing:    %9.1f MB (data %.1f + directories %.1f + inode/xattr blocks %.1f)\n",
	       mb(page_cache_bytes(t, true)), mb(t->data_with),
	       mb(t->dir_bytes), mb(t->meta_bytes));
	/* what an operator reads back in /proc/meminfo */
	printf("  in /proc/meminfo: Cached: %.1f MB without, %.1f MB with sharing; Buffers: %.1f MB both\n",
	       mb(cached_bytes(t, false)), mb(cached_bytes(t, true)),
	       mb(t->meta_bytes));
	printf("Reduction: %.1f%%\n", reduction(t));
	print_unsafe(set);
	print_top(set);
	print_misses(set);
	print_nofp(set, o);
}

static void json_file(struct erofs_json *j, const char *key,
		      const struct erofs_ishare_set *set, uint32_t file)
{
	ej_obj_begin(j, key);
	ej_u64(j, "image", set->files[file].image);
	ej_bytes(j, "path", set->files[file].path, set->files[file].path_len);
	ej_obj_end(j);
}

static void json_images(struct erofs_json *j, const struct erofs_ishare_set *set)
{
	uint32_t i;

	ej_arr_begin(j, "images");
	for (i = 0; i < set->nimages; i++) {
		const struct erofs_ishare_image *img = &set->images[i];

		ej_obj_begin(j, NULL);
		ej_str(j, "path", img->path);
		ej_str(j, "mount", backing_text(img->opts.backing));
		ej_bool(j, "inode_share", img->opts.inode_share);
		if (img->opts.has_domain)
			ej_str(j, "domain_id", img->opts.domain_id);
		else
			ej_null(j, "domain_id");
		ej_bool(j, "feature", img->has_feature);
		ej_u64(j, "block_size", 1U << img->blkszbits);
		ej_i64(j, "mount_error", img->mount_err);
		ej_bool(j, "sharing", img->sharing_on);
		ej_u64(j, "directory_bytes", img->dir_pages << EROFS_ISHARE_PAGE_SHIFT);
		ej_u64(j, "buffer_bytes", img->meta_pages << EROFS_ISHARE_PAGE_SHIFT);
		ej_u64(j, "no_fingerprint_files", img->nofp_files);
		ej_u64(j, "no_fingerprint_bytes", img->nofp_bytes);
		ej_u64(j, "not_compared_files", img->nofp_not_compared);
		ej_obj_end(j);
	}
	ej_arr_end(j);
}

static void json_groups(struct erofs_json *j, const struct erofs_ishare_set *set)
{
	uint32_t top[TOP_GROUPS], n = top_groups(set, top, TOP_GROUPS), c, i;

	ej_arr_begin(j, "top_shared");
	for (i = 0; i < n; i++) {
		ej_obj_begin(j, NULL);
		ej_u64(j, "saved", saved(set, top[i]));
		ej_u64(j, "inodes", set->caches[top[i]].nmembers);
		ej_str(j, "content", erofs_ishare_safety_text(set->caches[top[i]].safety));
		json_file(j, "file", set, set->caches[top[i]].first);
		ej_obj_end(j);
	}
	ej_arr_end(j);
	/* every shared group with its members: what tests compare with */
	ej_arr_begin(j, "groups");
	for (c = 0; c < set->ncaches; c++) {
		if (set->caches[c].nmembers < 2)
			continue;
		ej_obj_begin(j, NULL);
		ej_u64(j, "saved", saved(set, c));
		ej_str(j, "read_path", erofs_ishare_path_text(set->caches[c].path));
		ej_str(j, "content", erofs_ishare_safety_text(set->caches[c].safety));
		ej_arr_begin(j, "members");
		for (i = set->caches[c].first; i != EROFS_ISHARE_NONE; i = set->files[i].next)
			json_file(j, NULL, set, i);
		ej_arr_end(j);
		ej_obj_end(j);
	}
	ej_arr_end(j);
	ej_arr_begin(j, "unsafe");
	for (c = 0; c < set->ncaches; c++) {
		if (set->caches[c].nmembers < 2 ||
		    set->caches[c].safety != EROFS_ISHARE_UNSAFE)
			continue;
		ej_arr_begin(j, NULL);
		for (i = set->caches[c].first; i != EROFS_ISHARE_NONE; i = set->files[i].next)
			json_file(j, NULL, set, i);
		ej_arr_end(j);
	}
	ej_arr_end(j);
}

static void json_misses(struct erofs_json *j, const struct erofs_ishare_set *set)
{
	char advice[512];
	uint32_t i;

	ej_arr_begin(j, "near_misses");
	for (i = 0; i < set->nmisses; i++) {
		const struct erofs_ishare_miss *m = &set->misses[i];

		erofs_ishare_miss_advice(set, m, advice, sizeof(advice));
		ej_obj_begin(j, NULL);
		ej_u64(j, "bytes", m->bytes);
		ej_str(j, "reason", erofs_ishare_miss_is_content(m->kind) ?
		       "no_fingerprint" : erofs_ishare_miss_text(m->kind));
		ej_str(j, "text", erofs_ishare_miss_text(m->kind));
		json_file(j, "file", set, m->file);
		json_file(j, "peer", set, m->peer);
		ej_str(j, "fix", advice);
		ej_obj_end(j);
	}
	ej_arr_end(j);
}

static void json_warnings(struct erofs_json *j, const struct erofs_ishare_set *set)
{
	uint32_t i;

	ej_arr_begin(j, "kernel_messages");
	for (i = 0; i < set->nwarnings; i++) {
		ej_obj_begin(j, NULL);
		ej_u64(j, "image", set->warnings[i].image);
		if (set->warnings[i].file >= 0)
			json_file(j, "file", set, set->warnings[i].file);
		ej_str(j, "text", set->warnings[i].text);
		ej_i64(j, "error", set->warnings[i].err);
		ej_obj_end(j);
	}
	ej_arr_end(j);
}

static void print_json(const struct erofs_ishare_set *set,
		       const struct report_opts *o)
{
	const struct erofs_ishare_totals *t = &set->totals;
	struct erofs_json j;

	ej_init(&j, stdout, true);
	ej_obj_begin(&j, NULL);
	ej_str(&j, "workload", workload_text(o));
	ej_str(&j, "content_check", content_text(o));
	json_images(&j, set);
	ej_u64(&j, "files", t->files);
	ej_u64(&j, "eligible_files", t->eligible);
	ej_u64(&j, "data_without_sharing", t->data_without);
	ej_u64(&j, "data_with_sharing", t->data_with);
	ej_u64(&j, "metadata", metadata_bytes(t));
	ej_u64(&j, "directory_bytes", t->dir_bytes);
	ej_u64(&j, "buffers", t->meta_bytes);
	ej_u64(&j, "page_cache_without_sharing", page_cache_bytes(t, false));
	ej_u64(&j, "page_cache_with_sharing", page_cache_bytes(t, true));
	ej_u64(&j, "cached_without_sharing", cached_bytes(t, false));
	ej_u64(&j, "cached_with_sharing", cached_bytes(t, true));
	ej_double(&j, "reduction_percent", reduction(t));
	ej_u64(&j, "shared_groups", t->shared_groups);
	ej_u64(&j, "unsafe_groups", t->unsafe_groups);
	ej_u64(&j, "unverifiable_groups", t->unverifiable_groups);
	ej_u64(&j, "near_miss_bytes", t->near_miss_bytes);
	/* files without a fingerprint matched by content, or not read */
	ej_obj_begin(&j, "no_fingerprint");
	ej_bool(&j, "compared", !o->trust);
	ej_u64(&j, "files", t->nofp_files);
	ej_u64(&j, "bytes", t->nofp_bytes);
	ej_u64(&j, "not_compared", t->nofp_not_compared);
	ej_obj_end(&j);
	json_warnings(&j, set);
	json_groups(&j, set);
	json_misses(&j, set);
	ej_obj_end(&j);
	ej_finish(&j);
}

static int model(struct erofs_ishare_set *set, const struct report_opts *o)
{
	struct erofs_ishare_scan_params params = { .verify_digests = false };
	struct erofs_ishare_scanner *scanner = NULL;
	struct erofs_ishare_access *acc = NULL;
	struct erofs_ishare_workload workload;
	struct erofs_errinfo ei = { 0 };
	size_t nacc = 0;
	int ret;

	ret = erofs_ishare_scanner_open(&scanner, set, &params, &ei);
	if (ret)
		return fail_ei(&ei);
	ret = erofs_ishare_scan(scanner, &params, &ei);
	if (ret) {
		erofs_ishare_scanner_close(scanner);
		return fail_ei(&ei);
	}
	if (o->trace && load_trace(o->trace, set, &acc, &nacc)) {
		erofs_ishare_scanner_close(scanner);
		return REPORT_UNREADABLE;
	}
	workload.read_all = !o->trace;
	workload.accesses = acc;
	workload.naccesses = nacc;
	ret = erofs_ishare_model_run(set, &workload);
	if (!ret)
		ret = erofs_ishare_check_groups(set, o->trust,
						erofs_ishare_scanner_compare, scanner);
	/* --trust promises not to read contents: only count by size then */
	if (!ret)
		ret = erofs_ishare_match_content(set, o->trust ? NULL :
						 erofs_ishare_scanner_digest,
						 scanner);
	free(acc);
	erofs_ishare_scanner_close(scanner);
	if (ret)
		return fail("ishare model", strerror(-ret));
	return 0;
}

int dump_ishare_report(int argc, char **argv)
{
	struct erofs_ishare_set set;
	struct report_opts o = { 0 };
	int ret;

	erofs_ishare_set_init(&set);
	ret = parse_args(argc, argv, &o, &set);
	if (!ret)
		ret = model(&set, &o);
	if (!ret) {
		if (o.json)
			print_json(&set, &o);
		else
			print_table(&set, &o);
		/* the report is printed either way; scripts need the verdict */
		if (set.totals.unsafe_groups)
			ret = REPORT_UNSAFE;
	}
	erofs_ishare_set_free(&set);
	return ret;
}
