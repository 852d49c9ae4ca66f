// SPDX-License-Identifier: MIT
/* Lossless escaping of byte names into JSON strings. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/json.h"

static char *escape(const char *s, size_t len)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);

	ej_escape_bytes(f, s, len);
	fclose(f);
	return buf;
}

Test(json, utf8_passes_through)
{
	char *e = escape("caf\xc3\xa9", 5);

	cr_expect_str_eq(e, "caf\xc3\xa9");
	free(e);
}

Test(json, invalid_bytes_become_backslash_x)
{
	char *e = escape("a\xff" "b\xc3", 4);

	cr_expect_str_eq(e, "a\\\\xffb\\\\xc3");
	free(e);
}

Test(json, backslash_and_controls)
{
	char *e = escape("\\\"\n\x01", 4);

	cr_expect_str_eq(e, "\\\\\\\\\\\"\\n\\u0001");
	free(e);
}

Test(json, rejects_overlong_and_surrogates)
{
	char *e = escape("\xc0\xaf\xed\xa0\x80", 5);

	cr_expect_str_eq(e, "\\\\xc0\\\\xaf\\\\xed\\\\xa0\\\\x80");
	free(e);
}

Test(json, document_shape)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);
	struct erofs_json j;

	ej_init(&j, f, false);
	ej_obj_begin(&j, NULL);
	ej_u64(&j, "n", 3);
	ej_arr_begin(&j, "a");
	ej_str(&j, NULL, "x");
	ej_bool(&j, NULL, true);
	ej_arr_end(&j);
	ej_obj_end(&j);
	ej_finish(&j);
	fclose(f);
	cr_expect_str_eq(buf, "{\"n\":3,\"a\":[\"x\",true]}\n");
	free(buf);
}
