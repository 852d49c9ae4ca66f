/* SPDX-License-Identifier: MIT */
/*
 * The image check behind fsck.erofs (format doc §9): walks every inode
 * reachable from the start directory, checks the invariants, reads all
 * data, optionally verifies the page-cache-sharing fingerprints and
 * optionally extracts the tree. Findings go to a callback; the library
 * never prints.
 */
#ifndef EROFS_FSCK_H
#define EROFS_FSCK_H

#include "erofs/extract.h"
#include "erofs/reader.h"

enum erofs_fsck_kind {
	EROFS_FSCK_ERROR,		/* corruption: exit status 4 */
	EROFS_FSCK_WARNING,		/* odd but harmless: reported only */
	EROFS_FSCK_UNSUPPORTED,		/* not checked (compressed data): 8 */
	EROFS_FSCK_NOT_EXTRACTED,	/* checked, but not written out: 8 */
};

struct erofs_fsck_finding {
	enum erofs_fsck_kind kind;
	const char *path;		/* path, or the image for global ones */
	const char *reason;
};

typedef void (*erofs_fsck_report_fn)(const struct erofs_fsck_finding *f,
				     void *arg);

struct erofs_fsck_params {
	bool check_ishare;		/* verify fingerprints (§8.1) */
	bool ignore_sb_checksum;	/* --no-sbcrc: no finding either */
	uint64_t start_nid;		/* UINT64_MAX: the root */
	const char *start_path;		/* path of start_nid, for messages */
	/* extract while checking; NULL for a check only */
	const struct erofs_extract_params *extract;
};

struct erofs_fsck_stats {
	uint64_t inodes;		/* distinct inodes reached */
	uint64_t dirs, regular, symlinks, special, hardlinks;
	uint64_t data_bytes;		/* file bytes read */
	uint64_t fingerprints;		/* fingerprints verified */
	uint64_t compressed;		/* files whose data was not checked */
	uint64_t errors, warnings, unsupported;
	uint64_t not_extracted;		/* entries extraction failed for */
};

void erofs_fsck_params_init(struct erofs_fsck_params *p);

/*
 * Run the check. Returns 0 when the walk completed (the findings are in
 * @stats and went to @report), or a negative errno for an operational
 * failure that stopped it (out of memory, a target directory that cannot
 * be made, or see erofs_extract_err_fatal()), described in @ei. A file
 * that cannot be extracted for any other reason is a finding of kind
 * EROFS_FSCK_NOT_EXTRACTED and the walk goes on.
 */
int erofs_fsck_run(const struct erofs_image *img,
		   const struct erofs_fsck_params *p,
		   erofs_fsck_report_fn report, void *arg,
		   struct erofs_fsck_stats *stats, struct erofs_errinfo *ei);

#endif
