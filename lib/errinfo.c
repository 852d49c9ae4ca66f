// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "erofs/errinfo.h"

int erofs_err(struct erofs_errinfo *ei, int err, const char *subject,
	      const char *fmt, ...)
{
	va_list ap;

	if (!ei || ei->err)
		return err;
	ei->err = err;
	snprintf(ei->subject, sizeof(ei->subject), "%s", subject ? subject : "");
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(ei->reason, sizeof(ei->reason), fmt, ap);
		va_end(ap);
	} else {
		snprintf(ei->reason, sizeof(ei->reason), "%s", strerror(-err));
	}
	return err;
}

void erofs_err_clear(struct erofs_errinfo *ei)
{
	memset(ei, 0, sizeof(*ei));
}

void erofs_fputs_oneline(const char *s, FILE *f)
{
	const unsigned char *c;

	for (c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			fprintf(f, "\\x%02x", *c);
		else
			fputc(*c, f);
	}
}

void erofs_err_print(const struct erofs_errinfo *ei, const char *tool, FILE *f)
{
	fprintf(f, "%s: ", tool);
	if (ei->subject[0]) {
		erofs_fputs_oneline(ei->subject, f);
		fputs(": ", f);
	}
	erofs_fputs_oneline(ei->reason[0] ? ei->reason : strerror(-ei->err), f);
	fputc('\n', f);
}
