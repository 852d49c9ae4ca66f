// SPDX-License-Identifier: MIT
/*
 * mkfs.erofs front end: options -> struct erofs_mkfs_params -> one library
 * call -> messages and exit status. Option spellings follow upstream
 * erofs-utils so that pipelines can switch between the two.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include "erofs/cli.h"
#include "erofs/format.h"
#include "erofs/mkfs.h"

#define TOOL "mkfs.erofs"

static const struct erofs_cli cli = { .tool = TOOL, .usage_status = 1 };

enum {
	OPT_ALL_ROOT = 256,
	OPT_ALL_TIME,
	OPT_MKFS_TIME,
	OPT_FORCE_UID,
	OPT_FORCE_GID,
	OPT_UID_OFFSET,
	OPT_GID_OFFSET,
	OPT_EXCLUDE_PATH,
	OPT_EXCLUDE_REGEX,
	OPT_HARD_DEREF,
	OPT_QUIET,
	OPT_XATTR_PREFIX,
	OPT_ISHARE_KEY,
	OPT_FSYNC,
	OPT_HELP,
};

static const struct option long_options[] = {
	{ "all-root", no_argument, NULL, OPT_ALL_ROOT },
	{ "all-time", no_argument, NULL, OPT_ALL_TIME },
	{ "mkfs-time", no_argument, NULL, OPT_MKFS_TIME },
	{ "force-uid", required_argument, NULL, OPT_FORCE_UID },
	{ "force-gid", required_argument, NULL, OPT_FORCE_GID },
	{ "uid-offset", required_argument, NULL, OPT_UID_OFFSET },
	{ "gid-offset", required_argument, NULL, OPT_GID_OFFSET },
	{ "exclude-path", required_argument, NULL, OPT_EXCLUDE_PATH },
	{ "exclude-regex", required_argument, NULL, OPT_EXCLUDE_REGEX },
	{ "hard-dereference", no_argument, NULL, OPT_HARD_DEREF },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "xattr-prefix", required_argument, NULL, OPT_XATTR_PREFIX },
	{ "xattr-inode-digest", optional_argument, NULL, OPT_ISHARE_KEY },
	{ "ishare_key", optional_argument, NULL, OPT_ISHARE_KEY },
	{ "fsync", no_argument, NULL, OPT_FSYNC },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct str_list {
	const char **v;
	size_t n;
};

struct mkfs_opts {
	struct erofs_mkfs_params p;
	struct str_list prefixes, exclude_paths, exclude_regexes;
	bool quiet;
	int verbosity;
	const char *ishare_opt;		/* spelling used, for messages */
	bool ishare_bare;		/* given without "=NAME" */
	const char *image, *source;
};

struct progress_state {
	struct timespec start, last;
	bool shown;
};

/*
 * The temporary image, for the signal handler: a front end may keep
 * process-wide state, the library may not. The path is published before
 * the flag is raised; it is freed only after the build returned, when no
 * other thread is left that could be running the handler.
 */
static char *tmp_image_path;
static volatile sig_atomic_t tmp_image_live;
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void usage(FILE *f)
{
	fputs("Usage: " TOOL " [OPTIONS] IMAGE SOURCE_DIR\n"
	      "Build an uncompressed EROFS image from SOURCE_DIR into IMAGE.\n"
	      "\n"
	      "  -b#                    block size in bytes: 512, 1024, 2048 or 4096 (default 4096)\n"
	      "  -d#                    verbosity: 0 errors only, 1-2 summary (default 2),\n"
	      "                         3+ also one line per file\n"
	      "  -x#                    xattr tolerance: a name+value pair seen more than # times\n"
	      "                         goes to the shared area (default 2); < 0 drops all xattrs\n"
	      "  -L LABEL               volume label (at most 15 bytes)\n"
	      "  -T#                    UNIX timestamp # as build time and, by default, every mtime\n"
	      "  -U UUID                filesystem UUID, or \"clear\" / \"random\" (default random)\n"
	      "  --all-time             apply -T to every inode (default)\n"
	      "  --mkfs-time            apply -T to the build time only\n"
	      "  --all-root             make every file owned by root\n"
	      "  --force-uid=#          set every file's uid to #\n"
	      "  --force-gid=#          set every file's gid to #\n"
	      "  --uid-offset=#         add # to every file's uid\n"
	      "  --gid-offset=#         add # to every file's gid\n"
	      "  --exclude-path=PATH    leave out PATH (relative to SOURCE_DIR)\n"
	      "  --exclude-regex=REGEX  leave out paths matching the extended REGEX\n"
	      "  --hard-dereference     store hard links as separate files\n"
	      "  --xattr-prefix=PREFIX  register a long xattr name prefix\n"
	      "  --xattr-inode-digest[=NAME], --ishare_key[=NAME]\n"
	      "                         give every non-empty regular file a page-cache-sharing\n"
	      "                         fingerprint xattr NAME (default " EROFS_ISHARE_DEFAULT_NAME ")\n"
	      "                         with value \"sha256:\" + 32-byte SHA-256 of its content;\n"
	      "                         NAME only attached with '=' (at most 255 bytes)\n"
	      "  --fsync                fsync the image before renaming it into place\n"
	      "  --quiet                print nothing but errors\n"
	      "  -V, --version          print the version and exit\n"
	      "  -h, --help             print this help and exit\n", f);
}

static int bad_arg(const char *what, const char *arg)
{
	fprintf(stderr, "%s: invalid %s: '%s'\n", TOOL, what, arg);
	return -EINVAL;
}

static int parse_i64(const char *s, long long min, long long max,
		     long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 0);
	if (!*s || *end || errno || *out < min || *out > max)
		return -EINVAL;
	return 0;
}

static int list_add(struct str_list *l, const char *s)
{
	const char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[l->n++] = s;
	l->v = v;
	return 0;
}

static int parse_blksz(struct mkfs_opts *o, const char *arg)
{
	long long v;
	unsigned int bits;

	if (parse_i64(arg, 512, 4096, &v) || (v & (v - 1)))
		return bad_arg("block size (512, 1024, 2048 or 4096)", arg);
	for (bits = 0; (1LL << bits) < v; bits++)
		;
	o->p.blkszbits = bits;
	return 0;
}

static int parse_uuid(struct mkfs_opts *o, const char *arg)
{
	o->p.uuid_set = true;
	if (!strcmp(arg, "clear"))
		memset(o->p.uuid, 0, sizeof(o->p.uuid));
	else if (!strcmp(arg, "random"))
		o->p.uuid_set = false;
	else if (uuid_parse(arg, o->p.uuid))
		return bad_arg("UUID", arg);
	return 0;
}

static int parse_id(const char *what, const char *arg, long long *v)
{
	if (parse_i64(arg, 0, UINT32_MAX, v))
		return bad_arg(what, arg);
	return 0;
}

static int add_ishare_key(struct mkfs_opts *o, const char *opt,
			  const char *arg)
{
	if (o->p.ishare_prefix >= 0) {
		fprintf(stderr, "%s: only one fingerprint key may be given\n", TOOL);
		return -EINVAL;
	}
	if (arg && !*arg) {
		fprintf(stderr, "%s: --%s: invalid fingerprint key: empty name\n",
			TOOL, opt);
		return -EINVAL;
	}
	o->ishare_opt = opt;
	o->ishare_bare = !arg;
	/* the key is a long prefix: its position among them is kept */
	o->p.ishare_prefix = o->prefixes.n;
	return list_add(&o->prefixes, arg ? arg : EROFS_ISHARE_DEFAULT_NAME);
}

static int parse_long(struct mkfs_opts *o, int c, const char *opt,
		      const char *arg)
{
	long long v;
	int ret = 0;

	switch (c) {
	case OPT_ALL_ROOT: o->p.all_root = true; break;
	case OPT_ALL_TIME: o->p.time_all = true; break;
	case OPT_MKFS_TIME: o->p.time_all = false; break;
	case OPT_FORCE_UID:
		ret = parse_id("uid", arg, &v);
		o->p.force_uid = v;
		break;
	case OPT_FORCE_GID:
		ret = parse_id("gid", arg, &v);
		o->p.force_gid = v;
		break;
	case OPT_UID_OFFSET:
		ret = parse_id("uid offset", arg, &v);
		o->p.uid_offset = v;
		break;
	case OPT_GID_OFFSET:
		ret = parse_id("gid offset", arg, &v);
		o->p.gid_offset = v;
		break;
	case OPT_EXCLUDE_PATH: ret = list_add(&o->exclude_paths, arg); break;
	case OPT_EXCLUDE_REGEX: ret = list_add(&o->exclude_regexes, arg); break;
	case OPT_HARD_DEREF: o->p.hard_dereference = true; break;
	case OPT_QUIET: o->quiet = true; break;
	case OPT_XATTR_PREFIX: ret = list_add(&o->prefixes, arg); break;
	case OPT_ISHARE_KEY: ret = add_ishare_key(o, opt, arg); break;
	case OPT_FSYNC: o->p.fsync = true; break;
	default: ret = -EINVAL; break;
	}
	return ret;
}

/* @opt: the long option's name as typed, if it was a long one */
static int parse_short(struct mkfs_opts *o, int c, const char *opt,
		       const char *arg)
{
	long long v;

	switch (c) {
	case 'b':
		return parse_blksz(o, arg);
	case 'd':
		if (parse_i64(arg, 0, 9, &v))
			return bad_arg("debug level", arg);
		o->verbosity = v;
		return 0;
	case 'x':
		if (parse_i64(arg, INT_MIN, INT_MAX, &v))
			return bad_arg("xattr tolerance", arg);
		o->p.xattr_tolerance = v;
		return 0;
	case 'L':
		if (strlen(arg) > sizeof(o->p.label) - 1) {
			fprintf(stderr, "%s: volume label too long (at most 15 bytes): '%s'\n",
				TOOL, arg);
			return -EINVAL;
		}
		strcpy(o->p.label, arg);
		return 0;
	case 'T':
		if (parse_i64(arg, 0, UINT32_MAX, &v))
			return bad_arg("timestamp", arg);
		o->p.time_set = true;
		o->p.build_time = v;
		return 0;
	case 'U':
		return parse_uuid(o, arg);
	case 'z':
	case 'E':
		fprintf(stderr, "%s: -%c%s: not supported (uncompressed images only)\n",
			TOOL, c, arg);
		return -EOPNOTSUPP;
	default:
		return parse_long(o, c, opt, arg);
	}
}

/* SOURCE_DATE_EPOCH stands in for -T, as in upstream and other tools. */
static int apply_source_date_epoch(struct mkfs_opts *o)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	long long v;

	if (o->p.time_set || !s || !*s)
		return 0;
	if (parse_i64(s, 0, UINT32_MAX, &v))
		return bad_arg("SOURCE_DATE_EPOCH", s);
	o->p.time_set = true;
	o->p.build_time = v;
	return 0;
}

/*
 * An optional argument only attaches with '=': "--ishare_key NAME IMAGE
 * SRC" leaves three operands, which says more about the option than
 * about the operands.
 */
static int check_operands(const struct mkfs_opts *o, int argc, char **argv)
{
	int n = argc - optind;

	if (n == 3 && o->ishare_bare)
		return erofs_cli_usage_error(&cli, "--%s takes its NAME as --%s=NAME",
					     o->ishare_opt, o->ishare_opt);
	if (n < 2)
		return erofs_cli_usage_error(&cli, "missing %s",
					     n ? "SOURCE_DIR" : "IMAGE and SOURCE_DIR");
	if (n > 2)
		return erofs_cli_usage_error(&cli, "unexpected argument '%s'",
					     argv[optind + 2]);
	return 0;
}

/* Returns 0 to go on, 1 when done (help/version), < 0 on bad usage. */
static int parse_args(struct mkfs_opts *o, int argc, char **argv)
{
	int c, idx, ret;

	opterr = 0;
	while ((idx = -1, c = getopt_long(argc, argv, ":b:d:x:L:T:U:z:E:Vh",
					  long_options, &idx)) != -1) {
		if (c == 'h' || c == OPT_HELP) {
			usage(stdout);
			return 1;
		}
		if (c == 'V') {
			erofs_cli_version(&cli);
			return 1;
		}
		if (c == '?' || c == ':')
			return erofs_cli_getopt_error(&cli, c, argv, optind);
		ret = parse_short(o, c, idx >= 0 ? long_options[idx].name : NULL,
				  optarg);
		if (ret)
			return ret;
	}
	ret = check_operands(o, argc, argv);
	if (ret)
		return ret;
	o->image = argv[optind];
	o->source = argv[optind + 1];
	return apply_source_date_epoch(o);
}

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* A terminal-only progress line, after the build has run for a second. */
static void show_progress(void *arg, const struct erofs_mkfs_progress *pr)
{
	struct progress_state *ps = arg;
	struct timespec now;
	double t;

	clock_gettime(CLOCK_MONOTONIC, &now);
	t = elapsed(&ps->start, &now);
	if (t < 1.0 || (ps->shown && elapsed(&ps->last, &now) < 0.2))
		return;
	ps->last = now;
	ps->shown = true;
	fprintf(stderr, "\r%llu/%llu data files, %.1f/%.1f MiB, %.1f MiB/s\033[K",
		(unsigned long long)pr->files_done,
		(unsigned long long)pr->files_total,
		pr->bytes_done / 1048576.0, pr->bytes_total / 1048576.0,
		pr->bytes_done / 1048576.0 / t);
}

static void track_tmp_image(void *arg, const char *tmp_path)
{
	char *copy;

	(void)arg;
	tmp_image_live = 0;
	if (!tmp_path)
		return;
	/* without a copy an interrupt may leave the temporary behind */
	copy = strdup(tmp_path);
	if (!copy)
		return;
	free(tmp_image_path);
	tmp_image_path = copy;
	tmp_image_live = 1;
}

/* Remove the temporary image, then die of the same signal. */
static void on_fatal_signal(int sig)
{
	if (tmp_image_live)
		unlink(tmp_image_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_cleanup(struct erofs_mkfs_params *p)
{
	struct sigaction sa = { .sa_handler = on_fatal_signal };
	unsigned int i;

	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof(cleanup_signals) / sizeof(cleanup_signals[0]); i++) {
		struct sigaction old;

		/* a signal ignored by whoever started us stays ignored */
		if (!sigaction(cleanup_signals[i], NULL, &old) &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(cleanup_signals[i], &sa, NULL);
	}
	p->tmp_image = track_tmp_image;
}

/* Warnings are diagnostics (stderr); -d3 file lines are output (stdout). */
static void print_log(void *arg, unsigned int level, const char *msg)
{
	(void)arg;
	if (level <= EROFS_MKFS_LOG_WARN)
		fprintf(stderr, "%s: %s\n", TOOL, msg);
	else
		printf("%s\n", msg);
}

static void print_summary(const struct mkfs_opts *o,
			  const struct erofs_mkfs_stats *st)
{
	printf("%s: %llu files, %llu directories, %llu bytes of data, image %llu bytes, %.2f s\n",
	       o->image, (unsigned long long)st->files,
	       (unsigned long long)st->dirs, (unsigned long long)st->bytes,
	       (unsigned long long)st->image_size, st->seconds);
	if (o->p.ishare_prefix >= 0)
		printf("%s: %llu files fingerprinted, %llu distinct digests\n",
		       o->image, (unsigned long long)st->fingerprinted,
		       (unsigned long long)st->distinct_digests);
}

int main(int argc, char **argv)
{
	struct mkfs_opts o = { 0 };
	struct progress_state ps = { 0 };
	struct erofs_mkfs_stats st;
	struct erofs_errinfo ei = { 0 };
	int ret;

	erofs_mkfs_params_init(&o.p);
	o.verbosity = EROFS_MKFS_LOG_WARN;
	ret = parse_args(&o, argc, argv);
	if (ret)
		return ret > 0 ? 0 : 1;
	o.p.xattr_prefixes = o.prefixes.v;
	o.p.n_xattr_prefixes = o.prefixes.n;
	o.p.exclude_paths = o.exclude_paths.v;
	o.p.n_exclude_paths = o.exclude_paths.n;
	o.p.exclude_regexes = o.exclude_regexes.v;
	o.p.n_exclude_regexes = o.exclude_regexes.n;
	if (o.quiet)
		o.verbosity = 0;
	o.p.log = print_log;
	o.p.log_level = o.verbosity;
	install_cleanup(&o.p);
	if (o.verbosity && isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &ps.start);
		o.p.progress = show_progress;
		o.p.progress_arg = &ps;
	}

	ret = erofs_mkfs_build(&o.p, o.image, o.source, &st, &ei);
	if (ps.shown)
		fputs("\r\033[K", stderr);
	if (ret) {
		erofs_err_print(&ei, TOOL, stderr);
	} else if (o.verbosity) {
		print_summary(&o, &st);
	}
	free(tmp_image_path);
	free(o.prefixes.v);
	free(o.exclude_paths.v);
	free(o.exclude_regexes.v);
	return ret ? 1 : 0;
}
