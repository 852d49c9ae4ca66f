// SPDX-License-Identifier: MIT
/*
 * fsck.erofs: option parsing, the report and the exit status. The checks
 * themselves live in lib/fsck_check.c, extraction in lib/extract.c.
 *
 * Exit status follows fsck(8) and is a sum of: 0 clean, 4 errors left
 * uncorrected (corruption found), 8 operational error (including files
 * whose compressed data could not be checked yet and files that could not
 * be extracted), 16 usage error (alone: nothing was checked).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "erofs/cli.h"
#include "erofs/fsck.h"
#include "erofs/json.h"
#include "erofs/rdir.h"
#include "erofs/features.h"
#include "erofs/rxattr.h"
#include "ishare_check.h"

#define TOOL		"fsck.erofs"
#define EXIT_CLEAN	0
#define EXIT_ERRORS	4
#define EXIT_OPERR	8
#define EXIT_USAGE	16

struct finding_rec {
	enum erofs_fsck_kind kind;
	char *path;
	char *reason;
};

struct fsck_opts {
	const char *image;
	struct erofs_image_params iparams;
	struct erofs_fsck_params fparams;
	struct erofs_extract_params xparams;
	bool extract;
	const char *extract_only;	/* an option that needs --extract=DIR */
	bool json;
	int verbosity;
	uint64_t nid;
	const char *path;
};

struct report {
	const struct fsck_opts *o;
	struct finding_rec *recs;
	size_t n, cap;
};

static void usage(FILE *f)
{
	fputs("Usage: " TOOL " [OPTIONS] IMAGE\n"
	      "Check the integrity of the EROFS image IMAGE; optionally extract it.\n"
	      "\n"
	      " -V, --version          print the version number and exit\n"
	      " -h, --help             display this help and exit\n"
	      " -d<0-9>                verbosity; 0 prints only findings (default 2)\n"
	      " -p                     accepted for compatibility (no-op)\n"
	      " -a, -A, -y             no-ops, for compatibility with other fsck tools\n"
	      " --offset=#             skip # bytes at the beginning of IMAGE\n"
	      " --nid=#                check (or extract) only the subtree of inode #\n"
	      " --path=X               check (or extract) only the subtree at path X\n"
	      " --no-sbcrc             do not verify the superblock checksum\n"
	      " --check-ishare, --xattr-inode-digest\n"
	      "                        verify every non-empty regular file's page cache\n"
	      "                        sharing fingerprint (\"sha256:\" + SHA-256 of the content)\n"
	      " --json                 print the findings as one JSON document on stdout\n"
	      "\n"
	      "Extraction (needs --extract=X):\n"
	      " --extract[=X]          extract the tree to directory X\n"
	      " --overwrite            replace files that already exist\n"
	      " --force                allow extracting to /\n"
	      " --[no-]preserve        same as --[no-]preserve-owner --[no-]preserve-perms\n"
	      " --[no-]preserve-owner  keep owners (default for root)\n"
	      " --[no-]preserve-perms  keep exact modes without umask (default for root)\n"
	      " --[no-]xattrs          set xattrs on extracted files (default on)\n"
	      "\n"
	      "Exit status (sum of): 0 clean, 4 errors found, 8 operational error or\n"
	      "data not checked (compressed), 16 usage error.\n"
	      "Multi-image sharing check: " TOOL " --check-ishare -o OPTS IMAGE ...\n"
	      "(see the manual page).\n", f);
}

enum {
	OPT_OFFSET = 256, OPT_NID, OPT_PATH, OPT_NO_SBCRC, OPT_CHECK_ISHARE,
	OPT_JSON, OPT_EXTRACT, OPT_OVERWRITE, OPT_FORCE, OPT_PRESERVE,
	OPT_NO_PRESERVE, OPT_PRESERVE_OWNER, OPT_NO_PRESERVE_OWNER,
	OPT_PRESERVE_PERMS, OPT_NO_PRESERVE_PERMS, OPT_XATTRS, OPT_NO_XATTRS,
	OPT_DEVICE,
};

static const struct option long_opts[] = {
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "nid", required_argument, NULL, OPT_NID },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "no-sbcrc", no_argument, NULL, OPT_NO_SBCRC },
	{ "check-ishare", no_argument, NULL, OPT_CHECK_ISHARE },
	{ "xattr-inode-digest", no_argument, NULL, OPT_CHECK_ISHARE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "extract", optional_argument, NULL, OPT_EXTRACT },
	{ "overwrite", no_argument, NULL, OPT_OVERWRITE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "preserve", no_argument, NULL, OPT_PRESERVE },
	{ "no-preserve", no_argument, NULL, OPT_NO_PRESERVE },
	{ "preserve-owner", no_argument, NULL, OPT_PRESERVE_OWNER },
	{ "no-preserve-owner", no_argument, NULL, OPT_NO_PRESERVE_OWNER },
	{ "preserve-perms", no_argument, NULL, OPT_PRESERVE_PERMS },
	{ "no-preserve-perms", no_argument, NULL, OPT_NO_PRESERVE_PERMS },
	{ "xattrs", no_argument, NULL, OPT_XATTRS },
	{ "no-xattrs", no_argument, NULL, OPT_NO_XATTRS },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ NULL, 0, NULL, 0 },
};

static const struct erofs_cli cli = { TOOL, EXIT_USAGE };

static const char *long_name(int c)
{
	const struct option *lo;

	for (lo = long_opts; lo->name; lo++)
		if (lo->val == c)
			return lo->name;
	return "?";
}

static int parse_extract_opt(struct fsck_opts *o, int c)
{
	struct erofs_extract_params *x = &o->xparams;

	switch (c) {
	case OPT_OVERWRITE: x->overwrite = true; break;
	case OPT_FORCE: x->force = true; break;
	case OPT_PRESERVE: case OPT_NO_PRESERVE:
		x->preserve_owner = x->preserve_perms = c == OPT_PRESERVE;
		break;
	case OPT_PRESERVE_OWNER: case OPT_NO_PRESERVE_OWNER:
		x->preserve_owner = c == OPT_PRESERVE_OWNER;
		break;
	case OPT_PRESERVE_PERMS: case OPT_NO_PRESERVE_PERMS:
		x->preserve_perms = c == OPT_PRESERVE_PERMS;
		break;
	case OPT_XATTRS: case OPT_NO_XATTRS:
		x->xattrs = c == OPT_XATTRS;
		break;
	default:
		return erofs_cli_usage_error(&cli, "unknown option");
	}
	if (!o->extract_only)
		o->extract_only = long_name(c);
	return 0;
}

static int parse_long(struct fsck_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_OFFSET:
		return erofs_cli_parse_u64(arg, &o->iparams.offset) ?
			erofs_cli_usage_error(&cli, "invalid offset '%s'", arg) : 0;
	case OPT_NID:
		return erofs_cli_parse_u64(arg, &o->nid) ?
			erofs_cli_usage_error(&cli, "invalid nid '%s'", arg) : 0;
	case OPT_PATH: o->path = arg; return 0;
	case OPT_NO_SBCRC:
		o->iparams.skip_sb_checksum = true;
		o->fparams.ignore_sb_checksum = true;
		return 0;
	case OPT_CHECK_ISHARE: o->fparams.check_ishare = true; return 0;
	case OPT_JSON: o->json = true; return 0;
	case OPT_EXTRACT:
		if (arg && !*arg)
			return erofs_cli_usage_error(&cli,
					"--extract= needs a directory name");
		o->extract = true;
		o->xparams.dir = arg;
		return 0;
	case OPT_DEVICE:
		return erofs_cli_usage_error(&cli,
			"--device=%s: extra devices are not supported yet", arg);
	}
	return parse_extract_opt(o, c);
}

/* Returns 0, 1 (exit 0 now: help/version) or -exit status. */
static int parse_args(int argc, char **argv, struct fsck_opts *o)
{
	int c, err;

	o->verbosity = 2;
	o->nid = UINT64_MAX;
	o->xparams.preserve_owner = o->xparams.preserve_perms = !geteuid();
	o->xparams.xattrs = true;
	erofs_fsck_params_init(&o->fparams);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":Vhd:paAy", long_opts, NULL)) != -1) {
		switch (c) {
		case 'V':
			erofs_cli_version(&cli);
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		case 'd':
			if (optarg[0] < '0' || optarg[0] > '9' || optarg[1])
				return erofs_cli_usage_error(&cli,
					"invalid verbosity '%s'", optarg);
			o->verbosity = optarg[0] - '0';
			break;
		case 'p': case 'a': case 'A': case 'y':
			break;
		case ':':
		case '?':
			return erofs_cli_getopt_error(&cli, c, argv, optind);
		default:
			err = parse_long(o, c, optarg);
			if (err)
				return err;
		}
	}
	err = erofs_cli_one_image(&cli, argc, argv, optind, &o->image);
	if (err)
		return err;
	if (o->nid != UINT64_MAX && o->path)
		return erofs_cli_usage_error(&cli,
				"--nid and --path are exclusive");
	/* plain --extract reads everything but writes nothing */
	if (o->extract_only && !o->xparams.dir)
		return erofs_cli_usage_error(&cli, o->extract ?
				"--%s needs --extract=DIR" : "--%s needs --extract",
				o->extract_only);
	return 0;
}

static void record(const struct erofs_fsck_finding *f, void *arg)
{
	struct report *r = arg;
	static const char *const tags[] = {
		"", "warning: ", "not checked: ", "",
	};

	if (!r->o->json) {
		fputs(TOOL ": ", stderr);
		erofs_fputs_oneline(f->path, stderr);
		fprintf(stderr, ": %s", tags[f->kind]);
		erofs_fputs_oneline(f->reason, stderr);
		fputc('\n', stderr);
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct finding_rec *n = realloc(r->recs, cap * sizeof(*n));

		if (!n)
			return;	/* the counters still carry the finding */
		r->recs = n;
		r->cap = cap;
	}
	r->recs[r->n].kind = f->kind;
	r->recs[r->n].path = strdup(f->path);
	r->recs[r->n].reason = strdup(f->reason);
	if (r->recs[r->n].path && r->recs[r->n].reason)
		r->n++;
}

static int exit_status(const struct erofs_fsck_stats *st, int operr)
{
	int status = EXIT_CLEAN;

	if (st->errors)
		status |= EXIT_ERRORS;
	if (st->unsupported || st->not_extracted || operr)
		status |= EXIT_OPERR;
	return status;
}

/* "N thing" or "N things", with @sep before it. */
static void print_count(const char *sep, uint64_t n, const char *one,
			const char *many)
{
	printf("%s%" PRIu64 " %s", sep, n, n == 1 ? one : many);
}

static void print_counts(const struct fsck_opts *o,
			 const struct erofs_fsck_stats *st)
{
	print_count("", st->inodes, "inode", "inodes");
	print_count(" (", st->dirs, "directory", "directories");
	print_count(", ", st->regular, "file", "files");
	print_count(", ", st->symlinks, "symlink", "symlinks");
	printf(", %" PRIu64 " special)", st->special);
	print_count(", ", st->hardlinks, "hard link", "hard links");
	print_count(", ", st->data_bytes, "byte", "bytes");
	printf(" of data read");
	if (o->fparams.check_ishare)
		print_count(", ", st->fingerprints, "fingerprint verified",
			    "fingerprints verified");
}

static void print_aborted(const struct erofs_errinfo *fatal)
{
	printf("aborted: %s%s%s\n", fatal->subject, fatal->subject[0] ? ": " : "",
	       fatal->reason[0] ? fatal->reason : strerror(-fatal->err));
}

/* The verdict; a run stopped by @fatal is never called clean. */
static void print_verdict(const struct erofs_fsck_stats *st,
			  const struct erofs_errinfo *fatal)
{
	bool found = st->errors || st->warnings || st->unsupported ||
		     st->not_extracted;

	if (!found && !fatal->err) {
		printf(": clean\n");
		return;
	}
	if (found) {
		print_count(": ", st->errors, "error", "errors");
		print_count(", ", st->warnings, "warning", "warnings");
		printf(", %" PRIu64 " not checked", st->unsupported);
		if (st->not_extracted)
			print_count(", ", st->not_extracted,
				    "file not extracted", "files not extracted");
	}
	if (!fatal->err) {
		printf("\n");
		return;
	}
	printf("%s ", found ? ";" : ":");
	print_aborted(fatal);
}

static void print_summary(const struct fsck_opts *o,
			  const struct erofs_fsck_stats *st,
			  const struct erofs_errinfo *fatal)
{
	if (o->verbosity < 1)
		return;
	printf(TOOL ": %s: ", o->image);
	/* stopped before the first inode: the counts would say nothing */
	if (fatal->err && !st->inodes) {
		print_aborted(fatal);
		return;
	}
	print_counts(o, st);
	print_verdict(st, fatal);
}

static void json_counts(struct erofs_json *j, const struct erofs_fsck_stats *st)
{
	ej_obj_begin(j, "counts");
	ej_u64(j, "inodes", st->inodes);
	ej_u64(j, "directories", st->dirs);
	ej_u64(j, "regular", st->regular);
	ej_u64(j, "symlinks", st->symlinks);
	ej_u64(j, "special", st->special);
	ej_u64(j, "hardlinks", st->hardlinks);
	ej_u64(j, "data_bytes", st->data_bytes);
	ej_u64(j, "fingerprints_verified", st->fingerprints);
	ej_u64(j, "compressed_not_checked", st->compressed);
	ej_u64(j, "errors", st->errors);
	ej_u64(j, "warnings", st->warnings);
	ej_u64(j, "not_checked", st->unsupported);
	ej_u64(j, "not_extracted", st->not_extracted);
	ej_obj_end(j);
}

static void json_findings(struct erofs_json *j, const struct report *r)
{
	static const char *const kinds[] = {
		"error", "warning", "not_checked", "not_extracted",
	};
	size_t i;

	ej_arr_begin(j, "findings");
	for (i = 0; i < r->n; i++) {
		ej_obj_begin(j, NULL);
		ej_str(j, "kind", kinds[r->recs[i].kind]);
		ej_bytes(j, "path", r->recs[i].path, strlen(r->recs[i].path));
		ej_str(j, "reason", r->recs[i].reason);
		ej_obj_end(j);
	}
	ej_arr_end(j);
}

static void print_json(const struct fsck_opts *o, const struct erofs_image *img,
		       const struct report *r, const struct erofs_fsck_stats *st,
		       const struct erofs_errinfo *fatal, int status)
{
	struct erofs_json j;

	ej_init(&j, stdout, true);
	ej_obj_begin(&j, NULL);
	ej_bytes(&j, "image", o->image, strlen(o->image));
	ej_u64(&j, "exit_status", status);
	ej_bool(&j, "clean", status == EXIT_CLEAN);
	if (img) {
		ej_obj_begin(&j, "features");
		erofs_features_json(&j, "compat", img->sb.feature_compat,
			      erofs_feature_compat_name);
		erofs_features_json(&j, "incompat", img->sb.feature_incompat,
			      erofs_feature_incompat_name);
		ej_obj_end(&j);
	}
	ej_bool(&j, "check_ishare", o->fparams.check_ishare);
	if (st)
		json_counts(&j, st);
	json_findings(&j, r);
	if (fatal && fatal->err) {
		ej_obj_begin(&j, "fatal");
		ej_bytes(&j, "subject", fatal->subject, strlen(fatal->subject));
		ej_str(&j, "reason", fatal->reason[0] ? fatal->reason :
						       strerror(-fatal->err));
		ej_obj_end(&j);
	}
	ej_obj_end(&j);
	ej_finish(&j);
}

static void print_intro(const struct fsck_opts *o, const struct erofs_image *img)
{
	char name[EROFS_XATTR_FULLNAME_MAX + 1];

	if (o->json || o->verbosity < 3)
		return;
	printf(TOOL ": %s: %u-byte blocks, %" PRIu64 " inodes\n", o->image,
	       img->sb.blksz, img->sb.inos);
	if (o->fparams.check_ishare && erofs_fingerprint_name(img, name, sizeof(name)))
		printf(TOOL ": verifying fingerprints in xattr \"%s\"\n", name);
}

/* Open failures: a damaged image is corruption, anything else operational. */
static int open_status(int err)
{
	return err == -EFSCORRUPTED || err == -EBADMSG ? EXIT_ERRORS : EXIT_OPERR;
}

/* A --path that names nothing is the user's mistake, not the image's. */
static int start_status(int err)
{
	return err == -ENOENT || err == -ENOTDIR ? EXIT_USAGE : open_status(err);
}

static int resolve_start(struct fsck_opts *o, const struct erofs_image *img,
			 struct erofs_errinfo *ei)
{
	if (o->path) {
		int err = erofs_path_lookup(img, o->path, &o->fparams.start_nid, ei);

		o->fparams.start_path = o->path;
		return err;
	}
	o->fparams.start_nid = o->nid;
	if (o->nid != UINT64_MAX && o->nid == img->sb.root_nid)
		o->fparams.start_nid = UINT64_MAX;
	return 0;
}

static void free_report(struct report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->recs[i].path);
		free(r->recs[i].reason);
	}
	free(r->recs);
}

static int run(struct fsck_opts *o)
{
	struct report r = { .o = o };
	struct erofs_errinfo ei = { 0 };
	struct erofs_fsck_stats st = { 0 };
	struct erofs_image img;
	int err, status;

	err = erofs_image_open(&img, o->image, &o->iparams, &ei);
	if (err) {
		status = open_status(err);
		if (o->json)
			print_json(o, NULL, &r, NULL, &ei, status);
		else
			erofs_err_print(&ei, TOOL, stderr);
		return status;
	}
	if (o->extract && o->xparams.dir)
		o->fparams.extract = &o->xparams;
	print_intro(o, &img);
	err = resolve_start(o, &img, &ei);
	if (err) {
		status = start_status(err);
	} else {
		err = erofs_fsck_run(&img, &o->fparams, record, &r, &st, &ei);
		status = exit_status(&st, err);
	}
	if (err && !ei.err)
		erofs_err(&ei, err, o->image, NULL);
	if (o->json) {
		print_json(o, &img, &r, &st, &ei, status);
	} else {
		if (ei.err)
			erofs_err_print(&ei, TOOL, stderr);
		print_summary(o, &st, &ei);
	}
	free_report(&r);
	erofs_image_close(&img);
	return status;
}

/* The multi-image sharing model takes over for its own option forms. */
/* --check-ishare on an image set; on one image it is fsck's own check. */
static bool wants_ishare_model(int argc, char **argv)
{
	return fsck_wants_check_ishare(argc, argv) &&
	       fsck_ishare_wants_set(argc, argv, long_opts, ":Vhd:paAy");
}

int main(int argc, char **argv)
{
	struct fsck_opts o = { 0 };
	int err;

	if (wants_ishare_model(argc, argv))
		return fsck_check_ishare(argc, argv);
	err = parse_args(argc, argv, &o);
	if (err)
		return err > 0 ? EXIT_CLEAN : -err;
	return run(&o);
}
