// SPDX-License-Identifier: MIT
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "erofs/json.h"

void ej_init(struct erofs_json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

/* Length of the valid UTF-8 sequence at @s, or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned int c = s[0], n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	/* reject overlongs, surrogates and values past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return n;
}

void ej_escape_bytes(FILE *f, const void *data, size_t len)
{
	const unsigned char *s = data;
	size_t i = 0, n;

	while (i < len) {
		unsigned char c = s[i];

		n = utf8_seq_len(s + i, len - i);
		if (!n) {
			fprintf(f, "\\\\x%02x", c);
			i++;
			continue;
		}
		if (n > 1) {
			fwrite(s + i, 1, n, f);
		} else if (c == '"') {
			fputs("\\\"", f);
		} else if (c == '\\') {
			fputs("\\\\\\\\", f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
		i += n;
	}
}

static void ej_sep(struct erofs_json *j, const char *key)
{
	if (j->depth > 0 && j->has_items[j->depth])
		fputc(',', j->f);
	if (j->depth > 0)
		j->has_items[j->depth] = true;
	if (j->pretty && j->depth > 0)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	if (key) {
		fputc('"', j->f);
		ej_escape_bytes(j->f, key, strlen(key));
		fputs(j->pretty ? "\": " : "\":", j->f);
	}
}

static void ej_open(struct erofs_json *j, const char *key, char c)
{
	ej_sep(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < EROFS_JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void ej_close(struct erofs_json *j, char c)
{
	bool had = j->has_items[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (j->pretty && had)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(c, j->f);
}

void ej_obj_begin(struct erofs_json *j, const char *key) { ej_open(j, key, '{'); }
void ej_obj_end(struct erofs_json *j) { ej_close(j, '}'); }
void ej_arr_begin(struct erofs_json *j, const char *key) { ej_open(j, key, '['); }
void ej_arr_end(struct erofs_json *j) { ej_close(j, ']'); }

void ej_bytes(struct erofs_json *j, const char *key, const void *s, size_t len)
{
	ej_sep(j, key);
	fputc('"', j->f);
	ej_escape_bytes(j->f, s, len);
	fputc('"', j->f);
}

void ej_str(struct erofs_json *j, const char *key, const char *s)
{
	if (!s)
		ej_null(j, key);
	else
		ej_bytes(j, key, s, strlen(s));
}

void ej_u64(struct erofs_json *j, const char *key, uint64_t v)
{
	ej_sep(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void ej_i64(struct erofs_json *j, const char *key, int64_t v)
{
	ej_sep(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void ej_double(struct erofs_json *j, const char *key, double v)
{
	ej_sep(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.6g", v);
	else
		fputs("null", j->f);	/* JSON has no NaN/Inf */
}

void ej_bool(struct erofs_json *j, const char *key, bool v)
{
	ej_sep(j, key);
	fputs(v ? "true" : "false", j->f);
}

void ej_null(struct erofs_json *j, const char *key)
{
	ej_sep(j, key);
	fputs("null", j->f);
}

void ej_finish(struct erofs_json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
