/* SPDX-License-Identifier: MIT */
/*
 * Minimal streaming JSON writer for --json output.
 *
 * EROFS names are arbitrary bytes but JSON strings are Unicode, so byte
 * strings are escaped losslessly: valid UTF-8 passes through (with the usual
 * JSON escapes), a backslash byte becomes the two characters "\\" and every
 * byte that is not part of valid UTF-8 becomes the four characters "\xHH".
 * Decoding: after JSON parsing, replace "\\" by "\" and "\xHH" by byte HH.
 */
#ifndef EROFS_JSON_H
#define EROFS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EROFS_JSON_MAX_DEPTH 32

struct erofs_json {
	FILE *f;
	int depth;
	bool has_items[EROFS_JSON_MAX_DEPTH];
	bool pretty;
};

void ej_init(struct erofs_json *j, FILE *f, bool pretty);
/* @key is NULL inside arrays and for the top-level value. */
void ej_obj_begin(struct erofs_json *j, const char *key);
void ej_obj_end(struct erofs_json *j);
void ej_arr_begin(struct erofs_json *j, const char *key);
void ej_arr_end(struct erofs_json *j);
void ej_str(struct erofs_json *j, const char *key, const char *s);
void ej_bytes(struct erofs_json *j, const char *key, const void *s, size_t len);
void ej_u64(struct erofs_json *j, const char *key, uint64_t v);
void ej_i64(struct erofs_json *j, const char *key, int64_t v);
void ej_double(struct erofs_json *j, const char *key, double v);
void ej_bool(struct erofs_json *j, const char *key, bool v);
void ej_null(struct erofs_json *j, const char *key);
/* Ends the document with a newline. */
void ej_finish(struct erofs_json *j);

/* Write @s escaped as above (without quotes) to @f; shared with tests. */
void ej_escape_bytes(FILE *f, const void *s, size_t len);

#endif
