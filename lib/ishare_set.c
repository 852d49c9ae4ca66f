// SPDX-License-Identifier: MIT
/*
 * Building the record set the sharing model runs on, and the mount
 * options it is modelled with.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/ishare_model.h"

void erofs_ishare_set_init(struct erofs_ishare_set *set)
{
	memset(set, 0, sizeof(*set));
}

static int set_domain(struct erofs_ishare_mountopts *opts, const char *s,
		      size_t len, struct erofs_errinfo *ei)
{
	/*
	 * Kept even when empty: the kernel refuses such a mount, and the
	 * model reports that rather than a parse error here.
	 */
	if (len > EROFS_ISHARE_DOMAIN_MAX)
		return erofs_err(ei, -EINVAL, "domain_id",
				 "longer than %u bytes", EROFS_ISHARE_DOMAIN_MAX);
	memcpy(opts->domain_id, s, len);
	opts->domain_id[len] = '\0';
	opts->has_domain = true;
	return 0;
}

static void clear_domain(struct erofs_ishare_mountopts *opts)
{
	opts->has_domain = false;
	opts->domain_id[0] = '\0';
}

static int parse_one_opt(const char *s, size_t len,
			 struct erofs_ishare_mountopts *opts,
			 struct erofs_errinfo *ei)
{
	static const char domain[] = "domain_id=";

	if (len == 11 && !memcmp(s, "inode_share", len))
		opts->inode_share = true;
	else if (len == 13 && !memcmp(s, "noinode_share", len))
		opts->inode_share = false;
	else if (len == 11 && !memcmp(s, "nodomain_id", len))
		clear_domain(opts);
	else if (len == 4 && !memcmp(s, "loop", len))
		opts->backing = EROFS_ISHARE_LOOP;
	else if (len == 4 && !memcmp(s, "file", len))
		opts->backing = EROFS_ISHARE_FILE;
	else if (len >= sizeof(domain) - 1 && !memcmp(s, domain, sizeof(domain) - 1))
		return set_domain(opts, s + sizeof(domain) - 1,
				  len - (sizeof(domain) - 1), ei);
	else
		return erofs_err(ei, -EINVAL, "mount options",
				 "unknown option '%.*s' (want inode_share, noinode_share, domain_id=X, nodomain_id, loop or file)",
				 (int)len, s);
	return 0;
}

int erofs_ishare_parse_mountopts(const char *s,
				 struct erofs_ishare_mountopts *opts,
				 struct erofs_errinfo *ei)
{
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		int ret;

		if (len) {
			ret = parse_one_opt(s, len, opts, ei);
			if (ret)
				return ret;
		}
		s += len + (comma ? 1 : 0);
	}
	return 0;
}

int erofs_ishare_set_add_image(struct erofs_ishare_set *set,
			       const char *path,
			       const struct erofs_ishare_mountopts *opts)
{
	struct erofs_ishare_image *imgs, *img;

	imgs = realloc(set->images, (set->nimages + 1) * sizeof(*imgs));
	if (!imgs)
		return -ENOMEM;
	set->images = imgs;
	img = &imgs[set->nimages];
	memset(img, 0, sizeof(*img));
	img->path = strdup(path);
	if (!img->path)
		return -ENOMEM;
	img->opts = *opts;
	img->blkszbits = 12;
	return set->nimages++;
}

static void *memdup(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	if (q && len)
		memcpy(q, p, len);
	return q;
}

/* Room for one more of @n elements of @size in *@v, doubling *@cap. */
static int grow(void **v, uint32_t n, uint32_t *cap, size_t size,
		uint32_t first_cap)
{
	uint32_t ncap = *cap ? *cap * 2 : first_cap;
	void *nv;

	if (n < *cap)
		return 0;
	nv = realloc(*v, (size_t)ncap * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

int64_t erofs_ishare_set_add_file(struct erofs_ishare_set *set,
				  const struct erofs_ishare_file *f)
{
	struct erofs_ishare_file *nf;

	if (f->image >= set->nimages)
		return -EINVAL;
	if (grow((void **)&set->files, set->nfiles, &set->files_cap,
		 sizeof(*set->files), 256))
		return -ENOMEM;
	nf = &set->files[set->nfiles];
	*nf = *f;
	nf->path = memdup(f->path, f->path_len + 1);
	nf->value = f->value ? memdup(f->value, f->value_len) : NULL;
	if (!nf->path || (f->value && !nf->value)) {
		free(nf->path);
		free(nf->value);
		return -ENOMEM;
	}
	nf->path[f->path_len] = '\0';
	return set->nfiles++;
}

int erofs_ishare_set_add_alias(struct erofs_ishare_set *set, uint32_t image,
			       uint64_t nid, const char *path, uint32_t path_len)
{
	struct erofs_ishare_alias *a;

	if (image >= set->nimages)
		return -EINVAL;
	if (grow((void **)&set->aliases, set->naliases, &set->aliases_cap,
		 sizeof(*set->aliases), 16))
		return -ENOMEM;
	a = &set->aliases[set->naliases];
	a->path = malloc((size_t)path_len + 1);
	if (!a->path)
		return -ENOMEM;
	memcpy(a->path, path, path_len);
	a->path[path_len] = '\0';
	a->path_len = path_len;
	a->image = image;
	a->nid = nid;
	set->naliases++;
	return 0;
}

void erofs_ishare_set_free(struct erofs_ishare_set *set)
{
	uint32_t i;

	for (i = 0; i < set->naliases; i++)
		free(set->aliases[i].path);
	free(set->aliases);

	for (i = 0; i < set->nfiles; i++) {
		free(set->files[i].path);
		free(set->files[i].value);
	}
	for (i = 0; i < set->nimages; i++)
		free(set->images[i].path);
	free(set->files);
	free(set->images);
	free(set->caches);
	free(set->warnings);
	free(set->misses);
	erofs_ishare_set_init(set);
}

const char *erofs_ishare_reason_text(enum erofs_ishare_reason r)
{
	switch (r) {
	case EROFS_ISHARE_ELIGIBLE:
		return "eligible";
	case EROFS_ISHARE_NO_MOUNT:
		return "image does not mount";
	case EROFS_ISHARE_NO_OPTION:
		return "mounted without inode_share";
	case EROFS_ISHARE_NO_FEATURE:
		return "image lacks the ishare feature bit";
	case EROFS_ISHARE_NO_VALUE:
		return "no fingerprint";
	case EROFS_ISHARE_BAD_LENGTH:
		return "fingerprint empty or longer than a block";
	case EROFS_ISHARE_SIZE_MISMATCH:
		return "i_size differs from the shared inode";
	}
	return "?";
}

const char *erofs_ishare_path_text(enum erofs_ishare_path p)
{
	switch (p) {
	case EROFS_ISHARE_PATH_BDEV:
		return "uncompressed/bdev";
	case EROFS_ISHARE_PATH_FILE:
		return "uncompressed/file";
	case EROFS_ISHARE_PATH_COMPRESSED:
		return "compressed";
	}
	return "?";
}

const char *erofs_ishare_safety_text(enum erofs_ishare_safety s)
{
	switch (s) {
	case EROFS_ISHARE_SAFE_TRUSTED:
		return "trusted";
	case EROFS_ISHARE_SAFE_VERIFIED:
		return "verified";
	case EROFS_ISHARE_SAFE_COMPARED:
		return "compared";
	case EROFS_ISHARE_UNVERIFIABLE:
		return "unverifiable";
	case EROFS_ISHARE_UNSAFE:
		return "UNSAFE";
	}
	return "?";
}
