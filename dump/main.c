// SPDX-License-Identifier: MIT
/*
 * dump.erofs: option parsing and view selection. Exit status: 0 success,
 * 1 the image (or the requested inode) could not be read fully, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/cli.h"
#include "erofs/rdir.h"
#include "dump.h"
#include "ishare_report.h"

struct dump_opts {
	const char *image;
	struct erofs_image_params iparams;
	bool super, stats, ls, cat, json, udev;
	uint64_t nid;
	const char *path;
};

static void usage(FILE *f)
{
	fputs("Usage: " TOOL " [OPTIONS] IMAGE\n"
	      "Show the layout of the EROFS image IMAGE.\n"
	      "\n"
	      " -V, --version   print the version number and exit\n"
	      " -h, --help      display this help and exit\n"
	      " -s              superblock: sizes, UUID, label, build time, features,\n"
	      "                 xattr prefixes, fingerprint xattr (default view)\n"
	      " -S              statistics: file types, sizes, layouts, fingerprints and\n"
	      "                 the page cache that sharing saves inside the image\n"
	      " -e              show extents (always part of the inode view)\n"
	      " --nid=#         show inode #\n"
	      " --path=X        show the inode at path X\n"
	      " --ls            list the directory given by --nid/--path\n"
	      " --cat           write the file given by --nid/--path to stdout\n"
	      " --offset=#      skip # bytes at the beginning of IMAGE\n"
	      " --no-sbcrc      do not verify the superblock checksum\n"
	      " --blkid-udev    print ID_FS_* variables for udev\n"
	      " --json          one JSON document on stdout for the chosen views\n"
	      " --ishare-report model Linux page cache sharing (see the manual page)\n",
	      f);
}

enum {
	OPT_NID = 256, OPT_PATH, OPT_LS, OPT_CAT, OPT_OFFSET, OPT_JSON,
	OPT_DEVICE, OPT_UDEV, OPT_NO_SBCRC,
};

static const struct option long_opts[] = {
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "nid", required_argument, NULL, OPT_NID },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "ls", no_argument, NULL, OPT_LS },
	{ "cat", no_argument, NULL, OPT_CAT },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "blkid-udev", no_argument, NULL, OPT_UDEV },
	{ "no-sbcrc", no_argument, NULL, OPT_NO_SBCRC },
	{ NULL, 0, NULL, 0 },
};

static const struct erofs_cli cli = { TOOL, 2 };

static int parse_long(struct dump_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_NID:
		return erofs_cli_parse_u64(arg, &o->nid) ?
			erofs_cli_usage_error(&cli, "invalid nid '%s'", arg) : 0;
	case OPT_PATH: o->path = arg; return 0;
	case OPT_LS: o->ls = true; return 0;
	case OPT_CAT: o->cat = true; return 0;
	case OPT_OFFSET:
		return erofs_cli_parse_u64(arg, &o->iparams.offset) ?
			erofs_cli_usage_error(&cli, "invalid offset '%s'", arg) : 0;
	case OPT_JSON: o->json = true; return 0;
	case OPT_UDEV: o->udev = true; return 0;
	case OPT_NO_SBCRC: o->iparams.skip_sb_checksum = true; return 0;
	case OPT_DEVICE:
		return erofs_cli_usage_error(&cli,
			"--device=%s: extra devices are not supported yet", arg);
	}
	return erofs_cli_usage_error(&cli, "unknown option");
}

static int check_combination(struct dump_opts *o)
{
	bool target = o->nid != UINT64_MAX || o->path;

	if (o->nid != UINT64_MAX && o->path)
		return erofs_cli_usage_error(&cli,
				"--nid and --path are exclusive");
	if ((o->ls || o->cat) && !target)
		return erofs_cli_usage_error(&cli,
				"--ls and --cat need --nid or --path");
	if (o->cat && (o->ls || o->json || o->super || o->stats))
		return erofs_cli_usage_error(&cli,
				"--cat cannot be combined with other views");
	if (!o->stats && !target && !o->udev)
		o->super = true;
	return 0;
}

/* Returns 0, 1 (exit 0 now) or -exit status. */
static int parse_args(int argc, char **argv, struct dump_opts *o)
{
	int c, err;

	o->nid = UINT64_MAX;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":VhsSe", long_opts, NULL)) != -1) {
		switch (c) {
		case 'V':
			erofs_cli_version(&cli);
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		case 's': o->super = true; break;
		case 'S': o->stats = true; break;
		case 'e': break;
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
	return check_combination(o);
}

static void print_udev(const struct erofs_image *img)
{
	char uuid[37];

	dump_uuid_text(img->sb.uuid, uuid);
	printf("ID_FS_UUID=%s\n", uuid);
	printf("ID_FS_LABEL=");
	dump_bytes_text(img->sb.volume_name, strlen(img->sb.volume_name));
	printf("\nID_FS_TYPE=erofs\nID_FS_USAGE=filesystem\n");
}

/*
 * An error about the inode the user asked for is named as the user named
 * it (the --path, else "nid N") rather than "inode N" or nothing.
 */
static int name_target(const struct dump_opts *o, uint64_t nid, int err,
		       struct erofs_errinfo *ei)
{
	char inode_subj[40];

	if (!err)
		return 0;
	erofs_inode_subject(nid, inode_subj, sizeof(inode_subj));
	if (ei->err && ei->subject[0] && strcmp(ei->subject, inode_subj))
		return err;
	if (!ei->err)
		erofs_err(ei, err, NULL, NULL);
	if (o->path)
		snprintf(ei->subject, sizeof(ei->subject), "%s", o->path);
	else
		snprintf(ei->subject, sizeof(ei->subject), "nid %llu",
			 (unsigned long long)nid);
	return err;
}

static int run_target(struct dump_opts *o, const struct erofs_image *img,
		      uint64_t nid, struct erofs_json *j,
		      struct erofs_errinfo *ei)
{
	if (o->cat)
		return dump_cat(img, nid, ei);
	if (o->ls)
		return dump_ls(img, nid, o->path, j, ei);
	return dump_inode(img, nid, o->path, j, ei);
}

static int run_views(struct dump_opts *o, const struct erofs_image *img,
		     struct erofs_json *j, struct erofs_errinfo *ei)
{
	uint64_t nid = o->nid;
	int err = 0;

	if (o->udev)
		print_udev(img);
	if (o->super)
		dump_super(img, j);
	if (o->stats) {
		if (!j && o->super)
			printf("\n");
		err = dump_stats(img, j, ei);
		if (err)
			return err;
	}
	if (o->path) {
		err = erofs_path_lookup(img, o->path, &nid, ei);
		if (err)
			return err;
	}
	if (nid == UINT64_MAX)
		return 0;
	return name_target(o, nid, run_target(o, img, nid, j, ei), ei);
}

int main(int argc, char **argv)
{
	struct dump_opts o = { 0 };
	struct erofs_errinfo ei = { 0 };
	struct erofs_image img;
	struct erofs_json j;
	int err;

	if (dump_wants_ishare_report(argc, argv))
		return dump_ishare_report(argc, argv);
	err = parse_args(argc, argv, &o);
	if (err)
		return err > 0 ? 0 : -err;
	err = erofs_image_open(&img, o.image, &o.iparams, &ei);
	if (err) {
		erofs_err_print(&ei, TOOL, stderr);
		return 1;
	}
	if (o.json) {
		ej_init(&j, stdout, true);
		ej_obj_begin(&j, NULL);
		ej_bytes(&j, "image", o.image, strlen(o.image));
	}
	err = run_views(&o, &img, o.json ? &j : NULL, &ei);
	if (o.json) {
		if (err) {
			ej_obj_begin(&j, "error");
			ej_bytes(&j, "subject", ei.subject, strlen(ei.subject));
			ej_str(&j, "reason", ei.reason[0] ? ei.reason :
							   strerror(-err));
			ej_obj_end(&j);
		}
		ej_obj_end(&j);
		ej_finish(&j);
	}
	/* statistics findings were printed as they came */
	if (err && (ei.err || err != -EFSCORRUPTED)) {
		if (!ei.err)
			erofs_err(&ei, err, o.image, NULL);
		erofs_err_print(&ei, TOOL, stderr);
	}
	erofs_image_close(&img);
	return err ? 1 : 0;
}
