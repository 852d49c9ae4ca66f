// SPDX-License-Identifier: MIT
/*
 * fsck.erofs --check-ishare: are the fingerprints of a set of images safe
 * to share page caches by? Every fingerprint is checked against the file's
 * content, and every group the kernel would form across the images is
 * checked to hold identical files (the kernel trusts the values: a forged
 * or stale fingerprint makes it serve one file's bytes for another).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/errinfo.h"
#include "erofs/ishare_args.h"
#include "erofs/ishare_model.h"
#include "erofs/ishare_scan.h"
#include "ishare_check.h"

#define TOOL "fsck.erofs"
/* fsck(8) exit bits, as fsck/main.c uses them */
#define EXIT_ERRORS	4
#define EXIT_OPERR	8
#define EXIT_USAGE	16

bool fsck_wants_check_ishare(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--check-ishare"))
			return true;
	return false;
}

static int fail(const char *subject, const char *reason, int status)
{
	fprintf(stderr, TOOL ": %s: %s\n", subject, reason);
	return status;
}

static void usage(FILE *f)
{
	fputs("Usage: " TOOL " --check-ishare [OPTIONS] IMAGE [[-o MOUNTOPTS] IMAGE]...\n"
	      "Verify page cache sharing fingerprints within and across images.\n"
	      " --domain-id=X      domain_id of every mount (default: \"default\")\n"
	      " --mount=loop|file  how the images are mounted (default: loop)\n"
	      " -o OPTS            options for the next IMAGE only: inode_share,\n"
	      "                    noinode_share, domain_id=X, nodomain_id, loop, file\n", f);
}

/* Images in order; "-o" options bind to the image after them. */
static int parse_args(int argc, char **argv, struct erofs_ishare_set *set)
{
	static const struct option longopts[] = {
		{ "check-ishare", no_argument, NULL, 'C' },
		{ "domain-id", required_argument, NULL, EROFS_ISHARE_ARG_DOMAIN },
		{ "mount", required_argument, NULL, EROFS_ISHARE_ARG_MOUNT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct erofs_ishare_args a;
	struct erofs_errinfo ei = { 0 };
	int c, ret = 0;

	if (erofs_ishare_args_init(&a, argc))
		return fail("arguments", strerror(ENOMEM), EXIT_OPERR);
	/* leading '-': images come back as operand 1, in order */
	while ((c = getopt_long(argc, argv, "-o:h", longopts, NULL)) != -1) {
		ret = erofs_ishare_args_take(&a, c, optarg, &ei);
		if (ret < 0)
			break;
		if (ret && c != 'C') {
			usage(c == 'h' ? stdout : stderr);
			ret = c == 'h' ? -1 : EXIT_USAGE;
			goto out;
		}
		ret = 0;
	}
	if (!ret && !a.n) {
		usage(stderr);
		ret = EXIT_USAGE;
		goto out;
	}
	if (!ret)
		ret = erofs_ishare_args_to_set(&a, set, &ei);
	if (ret < 0) {
		erofs_err_print(&ei, TOOL, stderr);
		ret = ret == -ENOMEM ? EXIT_OPERR : EXIT_USAGE;
	}
out:
	erofs_ishare_args_free(&a);
	return ret;
}

/* IMAGE:PATH, path bytes outside printable ASCII as \xHH. */
static void print_file(FILE *f, const struct erofs_ishare_set *set, uint32_t i)
{
	const struct erofs_ishare_file *file = &set->files[i];
	uint32_t k;

	fprintf(f, "%s:", set->images[file->image].path);
	for (k = 0; k < file->path_len; k++) {
		unsigned char c = file->path[k];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* Fingerprints that do not describe their file's content. */
static int report_files(const struct erofs_ishare_set *set)
{
	uint32_t i;
	int bad = 0;

	for (i = 0; i < set->nfiles; i++) {
		if (set->files[i].fpstate != EROFS_ISHARE_FP_MISMATCH)
			continue;
		fputs(TOOL ": ", stderr);
		print_file(stderr, set, i);
		fputs(": fingerprint does not match the content\n", stderr);
		bad = 1;
	}
	return bad;
}

/* Images the kernel would refuse to mount. */
static int report_images(const struct erofs_ishare_set *set)
{
	uint32_t i;
	int bad = 0;

	for (i = 0; i < set->nwarnings; i++) {
		const struct erofs_ishare_warning *w = &set->warnings[i];

		if (!w->err)
			continue;
		fprintf(stderr, TOOL ": %s: %s: the kernel refuses to mount it (%s)\n",
			set->images[w->image].path, w->text,
			w->err == -EUCLEAN ? "EUCLEAN" : "EINVAL");
		bad = 1;
	}
	return bad;
}

static int report_groups(const struct erofs_ishare_set *set)
{
	uint32_t c, i;
	int bad = 0;

	for (c = 0; c < set->ncaches; c++) {
		const struct erofs_ishare_cache *g = &set->caches[c];

		if (g->nmembers < 2 || (g->safety != EROFS_ISHARE_UNSAFE &&
					g->safety != EROFS_ISHARE_UNVERIFIABLE))
			continue;
		fprintf(stderr, TOOL ": %s sharing group:",
			g->safety == EROFS_ISHARE_UNSAFE ? "unsafe" : "unverified");
		for (i = g->first; i != EROFS_ISHARE_NONE; i = set->files[i].next) {
			fputc(' ', stderr);
			print_file(stderr, set, i);
		}
		fputs(g->safety == EROFS_ISHARE_UNSAFE ?
		      ": equal fingerprints and sizes, different content; the kernel would serve the first one read for all\n" :
		      ": content cannot be read to compare (compressed data not readable yet)\n",
		      stderr);
		bad |= g->safety == EROFS_ISHARE_UNSAFE;
	}
	return bad;
}

static int check(struct erofs_ishare_set *set)
{
	struct erofs_ishare_scan_params params = { .verify_digests = true };
	struct erofs_ishare_scanner *scanner = NULL;
	struct erofs_errinfo ei = { 0 };
	int ret;

	ret = erofs_ishare_scanner_open(&scanner, set, &ei);
	if (!ret)
		ret = erofs_ishare_scan(scanner, &params, &ei);
	if (ret) {
		if (scanner)
			erofs_ishare_scanner_close(scanner);
		erofs_err_print(&ei, TOOL, stderr);
		return EXIT_OPERR;
	}
	ret = erofs_ishare_model_run(set, NULL, 0);
	if (!ret)
		ret = erofs_ishare_check_groups(set, false,
						erofs_ishare_scanner_compare, scanner);
	erofs_ishare_scanner_close(scanner);
	if (ret)
		return fail("ishare model", strerror(-ret), EXIT_OPERR);
	return 0;
}

int fsck_check_ishare(int argc, char **argv)
{
	struct erofs_ishare_set set;
	const struct erofs_ishare_totals *t = &set.totals;
	int ret, bad;

	erofs_ishare_set_init(&set);
	ret = parse_args(argc, argv, &set);
	if (!ret)
		ret = check(&set);
	if (ret) {
		erofs_ishare_set_free(&set);
		return ret < 0 ? 0 : ret;
	}
	bad = report_files(&set);
	bad |= report_images(&set);
	bad |= report_groups(&set);
	printf("%u images, %llu regular files, %llu shared groups: %llu unsafe, %llu unverified\n",
	       set.nimages, (unsigned long long)t->files,
	       (unsigned long long)t->shared_groups,
	       (unsigned long long)t->unsafe_groups,
	       (unsigned long long)t->unverifiable_groups);
	erofs_ishare_set_free(&set);
	return bad ? EXIT_ERRORS : 0;
}
