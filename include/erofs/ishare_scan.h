/* SPDX-License-Identifier: MIT */
/*
 * Filling the sharing model's records from images, through the one image
 * reader fsck and dump use (no parser of its own).
 */
#ifndef EROFS_ISHARE_SCAN_H
#define EROFS_ISHARE_SCAN_H

#include <stdbool.h>
#include "erofs/errinfo.h"
#include "erofs/ishare_model.h"

struct erofs_ishare_scan_params {
	/*
	 * Read every fingerprinted file and check its value against the
	 * SHA-256 of its content (fsck); otherwise values are recorded as
	 * written and the report says it trusted them.
	 */
	bool verify_digests;
	/*
	 * With @finding, damage is reported through it and the scan goes on:
	 * a file whose xattrs or content cannot be read is recorded with its
	 * read_err, a subtree the walk cannot enter is skipped, and an image
	 * that cannot be opened or walked from its root ends only its own
	 * scan (@path NULL then). Without it the first error ends the scan.
	 */
	void (*finding)(void *arg, uint32_t image, const char *path,
			const struct erofs_errinfo *ei);
	void *finding_arg;
};

/* The open images of one set; kept open so groups can be compared. */
struct erofs_ishare_scanner;

/* Open every image of @set (paths and mount options already added). */
int erofs_ishare_scanner_open(struct erofs_ishare_scanner **out,
			      struct erofs_ishare_set *set,
			      const struct erofs_ishare_scan_params *params,
			      struct erofs_errinfo *ei);

/*
 * Add each image's superblock facts, metadata pages and regular files.
 * @params must be the ones the scanner was opened with.
 */
int erofs_ishare_scan(struct erofs_ishare_scanner *s,
		      const struct erofs_ishare_scan_params *params,
		      struct erofs_errinfo *ei);

/* erofs_ishare_compare_fn over the scanner's images (ctx = scanner). */
int erofs_ishare_scanner_compare(void *ctx, const struct erofs_ishare_file *a,
				 const struct erofs_ishare_file *b);

/* erofs_ishare_digest_fn over the scanner's images (ctx = scanner). */
int erofs_ishare_scanner_digest(void *ctx, const struct erofs_ishare_file *f,
				uint8_t digest[32]);

void erofs_ishare_scanner_close(struct erofs_ishare_scanner *s);

#endif
