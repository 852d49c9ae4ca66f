/* SPDX-License-Identifier: MIT */
/*
 * Kernel-semantics model of EROFS page cache sharing (format doc §8.2-8.3).
 *
 * The model works on plain records: one per image (facts from its
 * superblock plus the mount options it is modelled with) and one per
 * regular-file inode (size, read path, fingerprint value). lib/ishare_scan.c
 * fills them from the reader; unit tests build them by hand. From them it
 * derives what Linux 7.x does: whether each image mounts, which inodes take
 * part, which share one page cache, the messages the kernel logs, and how
 * many 4 KiB pages a workload leaves in the page cache with and without
 * sharing.
 */
#ifndef EROFS_ISHARE_MODEL_H
#define EROFS_ISHARE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "erofs/errinfo.h"

/* The page cache is counted in 4 KiB pages whatever the block size. */
#define EROFS_ISHARE_PAGE_SHIFT	12
#define EROFS_ISHARE_PAGE_SIZE	(1U << EROFS_ISHARE_PAGE_SHIFT)
#define EROFS_ISHARE_DOMAIN_MAX	255
#define EROFS_ISHARE_NONE	UINT32_MAX

/* How the image is attached; it decides the read path of plain files. */
enum erofs_ishare_backing {
	EROFS_ISHARE_LOOP,	/* block device (loop) */
	EROFS_ISHARE_FILE,	/* file-backed mount */
};

/*
 * The address-space operations a shared page cache inherits from its first
 * inode; a later inode joins only with the same ones (verified on 7.3.4).
 */
enum erofs_ishare_path {
	EROFS_ISHARE_PATH_BDEV,		/* uncompressed, block device */
	EROFS_ISHARE_PATH_FILE,		/* uncompressed, file-backed */
	EROFS_ISHARE_PATH_COMPRESSED,
};

struct erofs_ishare_mountopts {
	bool inode_share;
	bool has_domain;
	char domain_id[EROFS_ISHARE_DOMAIN_MAX + 1];
	enum erofs_ishare_backing backing;
};

/* Why an inode does or does not take part in sharing. */
enum erofs_ishare_reason {
	EROFS_ISHARE_ELIGIBLE,
	EROFS_ISHARE_NO_MOUNT,		/* the image fails to mount */
	EROFS_ISHARE_NO_OPTION,		/* mounted without inode_share */
	EROFS_ISHARE_NO_FEATURE,	/* image lacks COMPAT_ISHARE_XATTRS */
	EROFS_ISHARE_NO_VALUE,		/* no fingerprint xattr */
	EROFS_ISHARE_BAD_LENGTH,	/* value empty or longer than a block */
	EROFS_ISHARE_SIZE_MISMATCH,	/* equal key, other i_size than the first */
};

/* What is known about a fingerprint compared with the file's bytes. */
enum erofs_ishare_fpstate {
	EROFS_ISHARE_FP_UNCHECKED,	/* not read (trusted as written) */
	EROFS_ISHARE_FP_VERIFIED,	/* "sha256:" + digest of the content */
	EROFS_ISHARE_FP_MISMATCH,	/* sha256 form, wrong digest */
	EROFS_ISHARE_FP_OPAQUE,		/* not in sha256 form: says nothing */
	EROFS_ISHARE_FP_UNREADABLE,	/* content cannot be read (yet) */
};

struct erofs_ishare_image {
	char *path;
	struct erofs_ishare_mountopts opts;

	/* facts from the superblock */
	bool has_feature;		/* COMPAT_ISHARE_XATTRS */
	bool prefix_id_valid;		/* ishare_xattr_prefix_id < prefix count */
	unsigned int prefix_id;
	unsigned int blkszbits;

	/*
	 * Metadata pages a full traversal brings in: directory contents go
	 * through each directory's own page cache; inodes, xattrs and inline
	 * tails through the device's (block device or backing file).
	 */
	uint64_t dir_pages;
	uint64_t meta_pages;

	/* model output */
	int mount_err;			/* 0, -EUCLEAN or -EINVAL */
	bool sharing_on;

	/* erofs_ishare_match_content() output, for files without a value */
	uint64_t nofp_files;		/* identical to a file elsewhere */
	uint64_t nofp_bytes;		/* page cache bytes they cost */
	uint64_t nofp_not_compared;	/* size matches, content not read */
};

struct erofs_ishare_file {
	uint32_t image;
	uint64_t nid;
	char *path;			/* first path to the inode, raw bytes */
	uint32_t path_len;
	uint64_t size;
	bool compressed;
	bool chunked;
	int read_err;			/* content could not be read: -errno */
	uint8_t *value;			/* fingerprint value, NULL if none */
	uint32_t value_len;
	enum erofs_ishare_fpstate fpstate;

	/* model output */
	enum erofs_ishare_reason reason;
	uint32_t cache;			/* index into set->caches */
	uint32_t next;			/* next member of that cache, or NONE */
	uint64_t pages;			/* resident pages without sharing */
};

enum erofs_ishare_safety {
	EROFS_ISHARE_SAFE_TRUSTED,	/* equal sha256-form values, not re-read */
	EROFS_ISHARE_SAFE_VERIFIED,	/* every member's digest verified */
	EROFS_ISHARE_SAFE_COMPARED,	/* contents compared byte by byte */
	EROFS_ISHARE_UNVERIFIABLE,	/* content could not be read */
	EROFS_ISHARE_UNSAFE,		/* members differ: the kernel mixes them */
};

/* One page cache object: an unshared inode or a sharing group. */
struct erofs_ishare_cache {
	uint32_t first;			/* file that opened it (sets path, size) */
	uint32_t nmembers;
	enum erofs_ishare_path path;
	uint64_t pages;			/* resident pages with sharing */
	enum erofs_ishare_safety safety;
};

/* A message the kernel logs for this image set (or a mount error). */
struct erofs_ishare_warning {
	uint32_t image;
	int64_t file;			/* -1 when about the whole image */
	int err;			/* mount error, 0 for a plain message */
	char text[160];
};

/* Equal values that still cost separate page caches, and how to fix it. */
enum erofs_ishare_miss_kind {
	EROFS_ISHARE_MISS_READ_PATH,
	EROFS_ISHARE_MISS_BACKING,
	EROFS_ISHARE_MISS_SIZE,
	EROFS_ISHARE_MISS_VALUE_LENGTH,
	EROFS_ISHARE_MISS_FEATURE,
	EROFS_ISHARE_MISS_OPTION,
	EROFS_ISHARE_MISS_DOMAIN,
	EROFS_ISHARE_MISS_MOUNT,
	/* same content found by SHA-256, but no fingerprint to share by */
	EROFS_ISHARE_MISS_NO_VALUE,	/* this file has none */
	EROFS_ISHARE_MISS_NO_FEATURE,	/* its image was built without any */
};

struct erofs_ishare_miss {
	uint32_t file;			/* a file left out */
	uint32_t peer;			/* a file of the largest cache it could join */
	enum erofs_ishare_miss_kind kind;
	uint64_t bytes;			/* page cache bytes it costs */
};

/* One access of a recorded workload (--trace). */
struct erofs_ishare_access {
	uint32_t file;
	uint64_t offset;
	uint64_t length;
};

struct erofs_ishare_totals {
	uint64_t files;			/* regular-file inodes */
	uint64_t eligible;
	uint64_t data_without;		/* file pages, bytes */
	uint64_t data_with;
	/*
	 * Metadata pages of the images the workload touches, the same with
	 * and without sharing. Directory contents sit in each directory's own
	 * page cache, which /proc/meminfo counts in Cached: as file data;
	 * inodes, xattrs and inline tails in the block device's, counted in
	 * Buffers:. What a workload adds to the page cache is data + both.
	 */
	uint64_t dir_bytes;
	uint64_t meta_bytes;		/* the Buffers: part */
	uint64_t shared_groups;
	uint64_t unsafe_groups;
	uint64_t unverifiable_groups;
	uint64_t near_miss_bytes;	/* every near miss, content ones too */
	/* files without a value matched by content, and those not read */
	uint64_t nofp_files;
	uint64_t nofp_bytes;
	uint64_t nofp_not_compared;
};

/*
 * A further name of a regular-file inode (a hard link): the page cache
 * belongs to the inode, but a trace may name it by any of its paths.
 */
struct erofs_ishare_alias {
	uint32_t image;
	uint64_t nid;
	char *path;			/* raw bytes, NUL-terminated */
	uint32_t path_len;
};

struct erofs_ishare_set {
	struct erofs_ishare_image *images;
	uint32_t nimages;
	struct erofs_ishare_file *files;
	uint32_t nfiles, files_cap;
	struct erofs_ishare_alias *aliases;
	uint32_t naliases, aliases_cap;

	/* model output */
	struct erofs_ishare_cache *caches;
	uint32_t ncaches;
	struct erofs_ishare_warning *warnings;
	uint32_t nwarnings;
	struct erofs_ishare_miss *misses;
	uint32_t nmisses;
	struct erofs_ishare_totals totals;
};

/*
 * Parse mount-style options ("inode_share,domain_id=X,file") on top of
 * @opts. Accepted: inode_share, noinode_share, domain_id=X, nodomain_id
 * (as if none was given), loop, file. An empty "domain_id=" is taken as
 * given: the model turns it into the mount error the kernel returns.
 */
int erofs_ishare_parse_mountopts(const char *s,
				 struct erofs_ishare_mountopts *opts,
				 struct erofs_errinfo *ei);

/* Set construction; the set owns every string and value it is given. */
void erofs_ishare_set_init(struct erofs_ishare_set *set);
int erofs_ishare_set_add_image(struct erofs_ishare_set *set,
			       const char *path,
			       const struct erofs_ishare_mountopts *opts);
/* Returns the new file's index, or a negative errno. */
int64_t erofs_ishare_set_add_file(struct erofs_ishare_set *set,
				  const struct erofs_ishare_file *f);
/* Another path to the inode @nid of @image (added before or after it). */
int erofs_ishare_set_add_alias(struct erofs_ishare_set *set, uint32_t image,
			       uint64_t nid, const char *path, uint32_t path_len);
void erofs_ishare_set_free(struct erofs_ishare_set *set);

/* Read path an inode gets on its image's mount. */
enum erofs_ishare_path erofs_ishare_read_path(const struct erofs_ishare_set *set,
					      const struct erofs_ishare_file *f);

/*
 * The workload the footprint is counted for. A trace is taken as it is,
 * even when it has no access at all (then nothing is read).
 */
struct erofs_ishare_workload {
	bool read_all;			/* every regular file read fully */
	const struct erofs_ishare_access *accesses;
	size_t naccesses;
};

/*
 * Run the model: mounts, eligibility, caches (in file order, which stands
 * for the order the workload opens them), warnings and near misses.
 */
int erofs_ishare_model_run(struct erofs_ishare_set *set,
			   const struct erofs_ishare_workload *w);

/*
 * Decide the safety of every multi-member cache. Members whose digests
 * were all verified are safe. Otherwise, with @trust_values, equal values
 * in sha256 form are taken at their word; everything else is compared with
 * @compare, which returns 0 for identical content, 1 when it differs, or a
 * negative errno when a file cannot be read (-EOPNOTSUPP: not readable
 * yet). @compare may be NULL: such groups are then unverifiable.
 */
typedef int (*erofs_ishare_compare_fn)(void *ctx,
				       const struct erofs_ishare_file *a,
				       const struct erofs_ishare_file *b);
int erofs_ishare_check_groups(struct erofs_ishare_set *set, bool trust_values,
			      erofs_ishare_compare_fn compare, void *ctx);

/*
 * Near misses by content, after erofs_ishare_model_run(): files left out
 * for want of a fingerprint (their image lacks the feature, or they lack
 * a value) whose SHA-256 equals that of an eligible file's "sha256:"
 * value, or of another such file, with the same domain and read path.
 * Only files whose size some other candidate or eligible file has are
 * hashed, through @digest, which returns 0, -EOPNOTSUPP when the content
 * cannot be read yet, or another negative errno. With @digest NULL
 * nothing is read. Files not read are counted as not compared; only
 * -ENOMEM stops the matching. Adds to set->misses and the totals.
 */
typedef int (*erofs_ishare_digest_fn)(void *ctx,
				      const struct erofs_ishare_file *f,
				      uint8_t digest[32]);
int erofs_ishare_match_content(struct erofs_ishare_set *set,
			       erofs_ishare_digest_fn digest, void *ctx);

/* True for the near misses erofs_ishare_match_content() finds. */
bool erofs_ishare_miss_is_content(enum erofs_ishare_miss_kind k);

/* True when @value is "sha256:" followed by 32 bytes. */
bool erofs_ishare_value_is_sha256(const uint8_t *value, uint32_t len);

/*
 * Parse a trace ("IMAGE_INDEX PATH OFFSET LENGTH" per line, decimal
 * numbers; PATH may hold spaces and be any name of the inode, '#' starts a
 * comment) against @set's files. The caller frees *@out.
 */
int erofs_ishare_parse_trace(const struct erofs_ishare_set *set,
			     const char *text, size_t len,
			     struct erofs_ishare_access **out, size_t *nout,
			     struct erofs_errinfo *ei);

/* Short human texts for reports. */
const char *erofs_ishare_reason_text(enum erofs_ishare_reason r);
const char *erofs_ishare_path_text(enum erofs_ishare_path p);
const char *erofs_ishare_safety_text(enum erofs_ishare_safety s);
const char *erofs_ishare_miss_text(enum erofs_ishare_miss_kind k);

/*
 * What to change so a near miss shares, e.g. "rebuild b.img uncompressed"
 * or "mount b.img with inode_share,domain_id=X". Written to @buf.
 */
void erofs_ishare_miss_advice(const struct erofs_ishare_set *set,
			      const struct erofs_ishare_miss *m,
			      char *buf, size_t bufsz);

#endif
