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
#include "erofs/cli.h"
#include "erofs/errinfo.h"
#include "erofs/ishare_args.h"
#include "erofs/ishare_model.h"
#include "erofs/ishare_scan.h"
#include "erofs/reader.h"
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

static const struct erofs_cli cli = { TOOL, EXIT_USAGE };

static const struct option set_opts[] = {
	{ "check-ishare", no_argument, NULL, 'C' },
	{ "domain-id", required_argument, NULL, EROFS_ISHARE_ARG_DOMAIN },
	{ "mount", required_argument, NULL, EROFS_ISHARE_ARG_MOUNT },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

/* fsck's long options plus the two only an image set has. */
static struct option *routing_opts(const struct option *fsck_opts)
{
	struct option *opts;
	size_t n = 0;

	while (fsck_opts[n].name)
		n++;
	opts = calloc(n + 3, sizeof(*opts));
	if (!opts)
		return NULL;
	memcpy(opts, fsck_opts, n * sizeof(*opts));
	opts[n] = set_opts[1];		/* --domain-id */
	opts[n + 1] = set_opts[2];	/* --mount */
	return opts;
}

/*
 * A dry run of getopt over fsck's options and the set's, so operands are
 * told from option arguments exactly as the real parse will. The leading
 * '-' returns operands in order instead of permuting argv, which the image
 * set's "-o OPTS IMAGE" pairing relies on.
 */
bool fsck_ishare_wants_set(int argc, char **argv,
			   const struct option *fsck_opts, const char *fsck_short)
{
	struct option *opts = routing_opts(fsck_opts);
	char shorts[64];
	int c, operands = 0;
	bool set = false;

	if (!opts)
		return false;
	snprintf(shorts, sizeof(shorts), "-:%so:",
		 fsck_short + (fsck_short[0] == ':'));
	opterr = 0;
	optind = 1;
	while (!set && (c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		if (c == ':')		/* an option of ours missing its value */
			c = optopt;
		if (c == EROFS_ISHARE_ARG_IMAGE)
			operands++;
		set = c == EROFS_ISHARE_ARG_DOMAIN ||
		      c == EROFS_ISHARE_ARG_MOUNT || c == EROFS_ISHARE_ARG_OPTS;
	}
	if (!set)
		operands += argc - optind;	/* those after "--" */
	optind = 0;			/* glibc: start afresh for the real parse */
	free(opts);
	return set || operands >= 2;
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
	struct erofs_ishare_args a;
	struct erofs_errinfo ei = { 0 };
	int c, ret = 0;

	if (erofs_ishare_args_init(&a, argc)) {
		fprintf(stderr, TOOL ": %s\n", strerror(ENOMEM));
		return EXIT_OPERR;
	}
	opterr = 0;
	/* leading '-': images come back as operand 1, in order */
	while ((c = getopt_long(argc, argv, "-:o:h", set_opts, NULL)) != -1) {
		ret = erofs_ishare_args_take(&a, c, optarg, &ei);
		if (ret < 0)
			break;
		ret = 0;
		if (c == 'h') {
			usage(stdout);
			ret = -1;
			goto out;
		}
		if (c == '?' || c == ':') {
			ret = -erofs_cli_getopt_error(&cli, c, argv, optind);
			goto out;
		}
	}
	/* after "--" getopt stops: the rest are images too */
	while (!ret && optind < argc)
		ret = erofs_ishare_args_take(&a, EROFS_ISHARE_ARG_IMAGE,
					     argv[optind++], &ei);
	if (!ret && !a.n) {
		ret = -erofs_cli_usage_error(&cli, "missing IMAGE");
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

/* IMAGE:PATH on one line: control bytes as \xHH. */
static void print_image_path(FILE *f, const struct erofs_ishare_set *set,
			     uint32_t image, const char *path)
{
	erofs_fputs_oneline(set->images[image].path, f);
	fputc(':', f);
	erofs_fputs_oneline(path, f);
}

static void print_file(FILE *f, const struct erofs_ishare_set *set, uint32_t i)
{
	print_image_path(f, set, set->files[i].image, set->files[i].path);
}

/*
 * Fingerprints that do not describe their file's content (EXIT_ERRORS),
 * and those that could not be checked at all (EXIT_OPERR): a file left
 * unchecked must not pass silently.
 */
static int report_files(const struct erofs_ishare_set *set, uint64_t *unchecked)
{
	uint32_t i;
	int status = 0;

	*unchecked = 0;
	for (i = 0; i < set->nfiles; i++) {
		const struct erofs_ishare_file *f = &set->files[i];

		/* reported and counted while scanning */
		if (f->read_err)
			continue;
		if (f->fpstate != EROFS_ISHARE_FP_MISMATCH &&
		    f->fpstate != EROFS_ISHARE_FP_UNREADABLE)
			continue;
		fputs(TOOL ": ", stderr);
		print_file(stderr, set, i);
		if (f->fpstate == EROFS_ISHARE_FP_MISMATCH) {
			fputs(": fingerprint does not match the content\n", stderr);
			status |= EXIT_ERRORS;
			continue;
		}
		fprintf(stderr, ": not checked: %s\n", f->compressed ?
			"compressed data not yet supported" :
			"content cannot be read");
		status |= EXIT_OPERR;
		(*unchecked)++;
	}
	return status;
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
		bad = EXIT_ERRORS;
	}
	return bad;
}

/* Why a group could not be compared: the reader's limit, or damage. */
static const char *unverified_text(const struct erofs_ishare_set *set,
				   const struct erofs_ishare_cache *g)
{
	uint32_t i;

	for (i = g->first; i != EROFS_ISHARE_NONE; i = set->files[i].next)
		if (set->files[i].read_err)
			return ": a member cannot be read to compare\n";
	return ": content cannot be read to compare (compressed data not readable yet)\n";
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
		      unverified_text(set, g), stderr);
		bad |= g->safety == EROFS_ISHARE_UNSAFE ? EXIT_ERRORS : EXIT_OPERR;
	}
	return bad;
}

/* As single-image fsck: damage the reader found is an error in the image. */
static int scan_status(int err)
{
	return err == -EFSCORRUPTED ? EXIT_ERRORS : EXIT_OPERR;
}

/* Damage met while scanning: printed at once, and the scan goes on. */
struct scan_findings {
	const struct erofs_ishare_set *set;
	int status;
	uint64_t images;		/* images that could not be walked */
	uint64_t paths;			/* files or subtrees left unchecked */
};

static void print_finding(void *arg, uint32_t image, const char *path,
			  const struct erofs_errinfo *ei)
{
	struct scan_findings *sf = arg;

	sf->status |= scan_status(ei->err);
	if (!path) {
		/* the subject names the image already */
		sf->images++;
		erofs_err_print(ei, TOOL, stderr);
		return;
	}
	sf->paths++;
	fputs(TOOL ": ", stderr);
	print_image_path(stderr, sf->set, image, path);
	fputs(": ", stderr);
	erofs_fputs_oneline(ei->reason[0] ? ei->reason : strerror(-ei->err),
			    stderr);
	fputc('\n', stderr);
}

static int check(struct erofs_ishare_set *set, struct scan_findings *sf)
{
	struct erofs_ishare_scan_params params = {
		.verify_digests = true,
		.finding = print_finding,
		.finding_arg = sf,
	};
	const struct erofs_ishare_workload readall = { .read_all = true };
	struct erofs_ishare_scanner *scanner = NULL;
	struct erofs_errinfo ei = { 0 };
	int ret;

	sf->set = set;
	ret = erofs_ishare_scanner_open(&scanner, set, &params, &ei);
	if (!ret)
		ret = erofs_ishare_scan(scanner, &params, &ei);
	if (ret) {
		if (scanner)
			erofs_ishare_scanner_close(scanner);
		erofs_err_print(&ei, TOOL, stderr);
		return scan_status(ret);
	}
	ret = erofs_ishare_model_run(set, &readall);
	if (!ret)
		ret = erofs_ishare_check_groups(set, false,
						erofs_ishare_scanner_compare, scanner);
	erofs_ishare_scanner_close(scanner);
	if (ret) {
		fprintf(stderr, TOOL ": ishare model: %s\n", strerror(-ret));
		return scan_status(ret);
	}
	return 0;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

int fsck_check_ishare(int argc, char **argv)
{
	struct erofs_ishare_set set;
	const struct erofs_ishare_totals *t = &set.totals;
	struct scan_findings sf = { 0 };
	uint64_t unchecked;
	int ret, status;

	erofs_ishare_set_init(&set);
	ret = parse_args(argc, argv, &set);
	if (!ret)
		ret = check(&set, &sf);
	if (ret) {
		erofs_ishare_set_free(&set);
		return ret < 0 ? 0 : ret | sf.status;
	}
	status = sf.status;
	status |= report_files(&set, &unchecked);
	unchecked += sf.paths;
	status |= report_images(&set);
	status |= report_groups(&set);
	printf("%u image%s, %llu regular file%s, %llu shared group%s: "
	       "%llu unsafe, %llu unverified; %llu file%s not checked",
	       set.nimages, plural(set.nimages),
	       (unsigned long long)t->files, plural(t->files),
	       (unsigned long long)t->shared_groups, plural(t->shared_groups),
	       (unsigned long long)t->unsafe_groups,
	       (unsigned long long)t->unverifiable_groups,
	       (unsigned long long)unchecked, plural(unchecked));
	if (sf.images)
		printf("; %llu image%s not fully read",
		       (unsigned long long)sf.images, plural(sf.images));
	putchar('\n');
	erofs_ishare_set_free(&set);
	return status;
}
