// SPDX-License-Identifier: MIT
/* Text rendering shared by the dump.erofs views. */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <uuid/uuid.h>
#include "dump.h"

void dump_bytes_text(const void *s, size_t len)
{
	/* the JSON escaping keeps every name on one line, losslessly */
	ej_escape_bytes(stdout, s, len);
}

void dump_hex(FILE *f, const uint8_t *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", v[i]);
}

static bool printable(const uint8_t *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			return false;
	return true;
}

void dump_value_text(const uint8_t *v, size_t len)
{
	if (printable(v, len)) {
		printf("\"%.*s\"", (int)len, (const char *)v);
		return;
	}
	printf("0x");
	dump_hex(stdout, v, len);
}

void dump_time_text(int64_t sec, uint32_t nsec)
{
	time_t t = sec;
	struct tm tm;
	char buf[64];

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
		buf[0] = '\0';
	printf("%lld.%09u (%s UTC)", (long long)sec, nsec, buf);
}

const char *dump_type_name(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symlink";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	default: return "unknown";
	}
}

const char *dump_layout_name(unsigned int layout)
{
	static const char *const names[] = {
		"flat_plain", "compressed_full", "flat_inline",
		"compressed_compact", "chunk_based",
	};

	return layout < EROFS_LAYOUT_MAX ? names[layout] : "unknown";
}

void dump_json_hex(struct erofs_json *j, const char *key, const uint8_t *v,
		   size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(2 * len + 1);
	size_t i;

	if (!s) {
		ej_null(j, key);
		return;
	}
	for (i = 0; i < len; i++) {
		s[2 * i] = digits[v[i] >> 4];
		s[2 * i + 1] = digits[v[i] & 15];
	}
	s[2 * len] = '\0';
	ej_str(j, key, s);
	free(s);
}

void dump_uuid_text(const uint8_t uuid[16], char *buf)
{
	uuid_unparse_lower(uuid, buf);
}
