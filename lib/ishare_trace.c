// SPDX-License-Identifier: MIT
/*
 * Recorded workloads: "IMAGE_INDEX PATH OFFSET LENGTH" per line. PATH is
 * relative to the image root (a leading '/' is optional) and may contain
 * spaces, so it is everything between the first and the last two fields.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/ishare_model.h"

/* One name of the lookup table, sorted by (image, path bytes). */
struct name {
	uint32_t image;
	uint32_t file;
	const char *path;
	size_t len;
};

static const char *strip_slashes(const char *p, size_t *len)
{
	while (*len && *p == '/') {
		p++;
		(*len)--;
	}
	return p;
}

static int cmp_name(const void *pa, const void *pb)
{
	const struct name *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->image != b->image)
		return a->image < b->image ? -1 : 1;
	c = memcmp(a->path, b->path, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* (image, nid) of every file, sorted, to find the inode an alias names. */
struct inode_ref {
	uint32_t image;
	uint64_t nid;
	uint32_t file;
};

static int cmp_inode(const void *pa, const void *pb)
{
	const struct inode_ref *a = pa, *b = pb;

	if (a->image != b->image)
		return a->image < b->image ? -1 : 1;
	return a->nid < b->nid ? -1 : a->nid > b->nid;
}

static void set_name(struct name *n, uint32_t image, uint32_t file,
		     const char *path, size_t len)
{
	n->image = image;
	n->file = file;
	n->len = len;
	n->path = strip_slashes(path, &n->len);
}

/* Hard links: every further name maps to the file of its inode. */
static int alias_names(const struct erofs_ishare_set *set, struct name *names,
		       size_t *n)
{
	struct inode_ref *inodes, key, *hit;
	uint32_t i;

	if (!set->naliases)
		return 0;
	inodes = malloc((set->nfiles ? set->nfiles : 1) * sizeof(*inodes));
	if (!inodes)
		return -ENOMEM;
	for (i = 0; i < set->nfiles; i++)
		inodes[i] = (struct inode_ref){ set->files[i].image,
						set->files[i].nid, i };
	qsort(inodes, set->nfiles, sizeof(*inodes), cmp_inode);
	for (i = 0; i < set->naliases; i++) {
		const struct erofs_ishare_alias *a = &set->aliases[i];

		key.image = a->image;
		key.nid = a->nid;
		hit = bsearch(&key, inodes, set->nfiles, sizeof(*inodes), cmp_inode);
		if (hit)
			set_name(&names[(*n)++], a->image, hit->file, a->path,
				 a->path_len);
	}
	free(inodes);
	return 0;
}

static struct name *build_names(const struct erofs_ishare_set *set, size_t *n)
{
	size_t max = (size_t)set->nfiles + set->naliases;
	struct name *names = malloc((max ? max : 1) * sizeof(*names));
	uint32_t i;

	if (!names)
		return NULL;
	for (i = 0; i < set->nfiles; i++)
		set_name(&names[i], set->files[i].image, i, set->files[i].path,
			 set->files[i].path_len);
	*n = set->nfiles;
	if (alias_names(set, names, n)) {
		free(names);
		return NULL;
	}
	qsort(names, *n, sizeof(*names), cmp_name);
	return names;
}

/* Decimal digits only: "010" is ten, and "0x10", "+1", "-1" are refused. */
static int parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/* Split "A PATH B C" at the first blank and the last two blanks. */
static int split_line(const char *s, size_t len, const char *f[4], size_t l[4])
{
	const char *end = s + len, *p, *q;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	for (p = s; p < end && *p != ' ' && *p != '\t'; p++)
		;
	f[0] = s;
	l[0] = p - s;
	for (q = end; q > p && q[-1] != ' ' && q[-1] != '\t'; q--)
		;
	f[3] = q;
	l[3] = end - q;
	for (end = q; end > p && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	for (q = end; q > p && q[-1] != ' ' && q[-1] != '\t'; q--)
		;
	f[2] = q;
	l[2] = end - q;
	for (end = q; end > p && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	f[1] = p;
	l[1] = end > p ? (size_t)(end - p) : 0;
	return (l[0] && l[1] && l[2] && l[3]) ? 0 : -EINVAL;
}

static int parse_line(const struct erofs_ishare_set *set, const struct name *names,
		      size_t nnames, const char *s, size_t len, struct erofs_ishare_access *a,
		      unsigned long lineno, struct erofs_errinfo *ei)
{
	const char *f[4];
	size_t l[4];
	uint64_t image;
	struct name key, *hit;
	char subject[64];

	snprintf(subject, sizeof(subject), "trace line %lu", lineno);
	if (split_line(s, len, f, l))
		return erofs_err(ei, -EINVAL, subject,
				 "want IMAGE_INDEX PATH OFFSET LENGTH");
	if (parse_u64(f[0], l[0], &image) || image >= set->nimages)
		return erofs_err(ei, -EINVAL, subject, "bad image index '%.*s'",
				 (int)l[0], f[0]);
	if (parse_u64(f[2], l[2], &a->offset) || parse_u64(f[3], l[3], &a->length))
		return erofs_err(ei, -EINVAL, subject, "bad offset or length");
	key.image = image;
	key.len = l[1];
	key.path = strip_slashes(f[1], &key.len);
	hit = bsearch(&key, names, nnames, sizeof(*names), cmp_name);
	if (!hit)
		return erofs_err(ei, -ENOENT, subject,
				 "no regular file '%.*s' in image %llu",
				 (int)l[1], f[1], (unsigned long long)image);
	a->file = hit->file;
	return 0;
}

static int push(struct erofs_ishare_access **v, size_t *n, size_t *cap,
		const struct erofs_ishare_access *a)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct erofs_ishare_access *nv = realloc(*v, ncap * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = *a;
	return 0;
}

int erofs_ishare_parse_trace(const struct erofs_ishare_set *set,
			     const char *text, size_t len,
			     struct erofs_ishare_access **out, size_t *nout,
			     struct erofs_errinfo *ei)
{
	size_t n = 0, cap = 0, nnames = 0;
	struct name *names = build_names(set, &nnames);
	const char *p = text, *end = text + len;
	unsigned long lineno = 0;
	int ret = 0;

	*out = NULL;
	if (!names)
		return -ENOMEM;
	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', end - p);
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *q = p;
		struct erofs_ishare_access a;

		lineno++;
		while (q < p + l && (*q == ' ' || *q == '\t'))
			q++;
		if (q < p + l && *q != '#' && *q != '\r') {
			ret = parse_line(set, names, nnames, p, l, &a, lineno, ei);
			if (!ret)
				ret = push(out, &n, &cap, &a);
		}
		p += l + 1;
	}
	free(names);
	if (ret) {
		free(*out);
		*out = NULL;
		return ret;
	}
	*nout = n;
	return 0;
}
