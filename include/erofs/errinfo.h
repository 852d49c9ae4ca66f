/* SPDX-License-Identifier: MIT */
/*
 * Error details travelling from lib/ to the front ends.
 *
 * Library functions return a negative errno; when they can say more (which
 * file, which inode, why) they also fill an erofs_errinfo owned by the
 * caller's context. Only front ends print, always as one line
 * "tool: subject: reason".
 */
#ifndef EROFS_ERRINFO_H
#define EROFS_ERRINFO_H

#include <stdio.h>

#define EROFS_ERR_SUBJECT_MAX	4096
#define EROFS_ERR_REASON_MAX	512

struct erofs_errinfo {
	int err;				/* negative errno, 0 if unset */
	char subject[EROFS_ERR_SUBJECT_MAX];	/* path, image or "inode N" */
	char reason[EROFS_ERR_REASON_MAX];
};

/*
 * Record an error unless one is already recorded (the first error is the
 * cause; later ones are usually consequences). Returns @err so callers can
 * write `return erofs_err(ei, -EIO, path, "...")`. @ei may be NULL.
 */
int erofs_err(struct erofs_errinfo *ei, int err, const char *subject,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void erofs_err_clear(struct erofs_errinfo *ei);

/*
 * @s with control bytes as \xHH: names come from images and source trees,
 * and a newline in one must not split a message into two lines.
 */
void erofs_fputs_oneline(const char *s, FILE *f);

/* Print "tool: subject: reason" (falls back to strerror) on one line. */
void erofs_err_print(const struct erofs_errinfo *ei, const char *tool, FILE *f);

#endif
