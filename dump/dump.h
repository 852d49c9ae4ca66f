/* SPDX-License-Identifier: MIT */
/*
 * dump.erofs views. Each prints text on stdout, or adds its members to
 * the open JSON object @j when @j is not NULL.
 */
#ifndef DUMP_DUMP_H
#define DUMP_DUMP_H

#include <stdio.h>
#include "erofs/json.h"
#include "erofs/reader.h"

#define TOOL	"dump.erofs"

int dump_super(const struct erofs_image *img, struct erofs_json *j);
int dump_stats(const struct erofs_image *img, struct erofs_json *j,
	       struct erofs_errinfo *ei);
int dump_inode(const struct erofs_image *img, uint64_t nid, const char *path,
	       struct erofs_json *j, struct erofs_errinfo *ei);
int dump_ls(const struct erofs_image *img, uint64_t nid, const char *path,
	    struct erofs_json *j, struct erofs_errinfo *ei);
int dump_cat(const struct erofs_image *img, uint64_t nid,
	     struct erofs_errinfo *ei);

/* Shared printing helpers (dump/print.c). */
void dump_bytes_text(const void *s, size_t len);	/* escaped like JSON */
/* 8-4-4-4-12 lower-case hex; @buf holds 37 bytes */
void dump_uuid_text(const uint8_t uuid[16], char *buf);
void dump_value_text(const uint8_t *v, size_t len);	/* "text" or hex */
void dump_hex(FILE *f, const uint8_t *v, size_t len);
void dump_json_hex(struct erofs_json *j, const char *key, const uint8_t *v,
		   size_t len);
void dump_time_text(int64_t sec, uint32_t nsec);
const char *dump_type_name(uint32_t mode);
const char *dump_layout_name(unsigned int layout);

#endif
