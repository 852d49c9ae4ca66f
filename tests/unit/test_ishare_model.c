// SPDX-License-Identifier: MIT
/* The page-cache-sharing model on hand-made image and file records. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "erofs/format.h"
#include "erofs/ishare_model.h"

static struct erofs_ishare_set set;

static void setup(void)
{
	erofs_ishare_set_init(&set);
}

static void teardown(void)
{
	erofs_ishare_set_free(&set);
}

TestSuite(ishare, .init = setup, .fini = teardown);

/* An image with the feature, mounted inode_share,domain_id=@domain. */
static uint32_t image(const char *opts)
{
	struct erofs_ishare_mountopts o = { 0 };
	struct erofs_errinfo ei = { 0 };
	int i;

	cr_assert_eq(erofs_ishare_parse_mountopts(opts, &o, &ei), 0, "%s", ei.reason);
	i = erofs_ishare_set_add_image(&set, "img", &o);
	cr_assert_geq(i, 0);
	set.images[i].has_feature = true;
	set.images[i].prefix_id_valid = true;
	set.images[i].blkszbits = 12;
	return i;
}

/* A sha256-form value whose digest bytes are all @seed. */
static uint32_t file_v(uint32_t img, const char *path, uint64_t size,
		       const void *value, uint32_t vlen, bool compressed)
{
	struct erofs_ishare_file f = { 0 };
	int64_t i;

	f.image = img;
	f.path = (char *)path;
	f.path_len = strlen(path);
	f.size = size;
	f.compressed = compressed;
	f.value = (uint8_t *)value;
	f.value_len = vlen;
	i = erofs_ishare_set_add_file(&set, &f);
	cr_assert_geq(i, 0);
	return i;
}

static uint32_t file(uint32_t img, const char *path, uint64_t size, int seed)
{
	uint8_t v[EROFS_ISHARE_VALUE_LEN];

	memcpy(v, EROFS_ISHARE_VALUE_TAG, EROFS_ISHARE_TAG_LEN);
	memset(v + EROFS_ISHARE_TAG_LEN, seed, EROFS_ISHARE_DIGEST_LEN);
	return file_v(img, path, size, v, sizeof(v), false);
}

static void run(void)
{
	const struct erofs_ishare_workload readall = { .read_all = true };

	cr_assert_eq(erofs_ishare_model_run(&set, &readall), 0);
}

static bool shared(uint32_t a, uint32_t b)
{
	return set.files[a].cache == set.files[b].cache;
}

Test(ishare, same_domain_across_images_shares)
{
	uint32_t a = image("inode_share,domain_id=d"), b = image("inode_share,domain_id=d");
	uint32_t fa = file(a, "/bin/x", 10000, 1), fb = file(b, "/bin/x", 10000, 1);

	run();
	cr_expect(shared(fa, fb));
	cr_expect_eq(set.totals.shared_groups, 1);
	cr_expect_eq(set.totals.data_without, 2 * 3 * 4096);
	cr_expect_eq(set.totals.data_with, 3 * 4096);
	cr_expect_eq(set.nmisses, 0);
	cr_expect_eq(set.nwarnings, 0);
}

Test(ishare, different_domains_do_not_share)
{
	uint32_t a = image("inode_share,domain_id=d1"), b = image("inode_share,domain_id=d2");
	uint32_t fa = file(a, "x", 4096, 1), fb = file(b, "x", 4096, 1);

	run();
	cr_expect_not(shared(fa, fb));
	cr_expect_eq(set.totals.shared_groups, 0);
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_DOMAIN);
	cr_expect_eq(set.misses[0].bytes, 4096);
}

Test(ishare, without_inode_share_nothing_shares)
{
	uint32_t a = image("inode_share,domain_id=d"), b = image("domain_id=d");
	uint32_t fa = file(a, "x", 4096, 1), fb = file(b, "x", 4096, 1);
	char advice[256];

	run();
	cr_expect_not(shared(fa, fb));
	cr_expect_eq(set.files[fb].reason, EROFS_ISHARE_NO_OPTION);
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_OPTION);
	erofs_ishare_miss_advice(&set, &set.misses[0], advice, sizeof(advice));
	cr_expect_str_eq(advice, "mount img with inode_share,domain_id=d");
}

Test(ishare, identical_files_in_one_image_share)
{
	uint32_t a = image("inode_share,domain_id=d");
	uint32_t f1 = file(a, "x", 8192, 7), f2 = file(a, "y", 8192, 7);
	uint32_t f3 = file(a, "z", 8192, 8);

	run();
	cr_expect(shared(f1, f2));
	cr_expect_not(shared(f1, f3));
	cr_expect_eq(set.totals.data_with, 4 * 4096);
	cr_expect_eq(set.totals.data_without, 6 * 4096);
}

Test(ishare, compressed_and_uncompressed_do_not_share)
{
	uint8_t v[EROFS_ISHARE_VALUE_LEN] = "sha256:";
	uint32_t a = image("inode_share,domain_id=d"), b = image("inode_share,domain_id=d");
	uint32_t fa = file_v(a, "x", 5000, v, sizeof(v), true);
	uint32_t fb = file_v(b, "x", 5000, v, sizeof(v), false);
	uint32_t fc = file_v(b, "y", 5000, v, sizeof(v), true);

	run();
	cr_expect_not(shared(fa, fb));
	cr_expect(shared(fa, fc));
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_READ_PATH);
	cr_expect_eq(set.misses[0].file, fb);
	cr_expect_eq(set.misses[0].bytes, 2 * 4096);
}

Test(ishare, file_backed_and_loop_do_not_share)
{
	uint32_t a = image("inode_share,domain_id=d,file"), b = image("inode_share,domain_id=d,loop");
	uint32_t c = image("inode_share,domain_id=d,file");
	uint32_t fa = file(a, "x", 1, 1), fb = file(b, "x", 1, 1), fc = file(c, "x", 1, 1);

	run();
	cr_expect_not(shared(fa, fb));
	cr_expect(shared(fa, fc));
	cr_expect_eq(erofs_ishare_read_path(&set, &set.files[fa]), EROFS_ISHARE_PATH_FILE);
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_BACKING);
}

Test(ishare, chunked_files_share_with_flat_ones)
{
	uint32_t a = image("inode_share,domain_id=d"), b = image("inode_share,domain_id=d");
	uint32_t fa = file(a, "x", 9000, 3), fb = file(b, "x", 9000, 3);

	set.files[fb].chunked = true;
	run();
	cr_expect(shared(fa, fb));
}

Test(ishare, value_length_limit_is_the_block_size)
{
	static uint8_t big[4097], exact[4096];
	uint32_t a = image("inode_share,domain_id=d"), b = image("inode_share,domain_id=d");
	uint32_t f1 = file_v(a, "big", 100, big, sizeof(big), false);
	uint32_t f2 = file_v(b, "big", 100, big, sizeof(big), false);
	uint32_t f3 = file_v(a, "exact", 100, exact, sizeof(exact), false);
	uint32_t f4 = file_v(b, "exact", 100, exact, sizeof(exact), false);

	run();
	cr_expect_not(shared(f1, f2));
	cr_expect_eq(set.files[f1].reason, EROFS_ISHARE_BAD_LENGTH);
	cr_expect(shared(f3, f4));
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_VALUE_LENGTH);
	/* no kernel message for an overlong value: it is silent */
	cr_expect_eq(set.nwarnings, 0);
}

Test(ishare, bad_prefix_id_fails_the_mount_even_without_inode_share)
{
	uint32_t a = image("");
	uint32_t f = file(a, "x", 100, 1);

	set.images[a].prefix_id_valid = false;
	set.images[a].prefix_id = 5;
	run();
	cr_expect_eq(set.images[a].mount_err, -EUCLEAN);
	cr_expect_eq(set.files[f].reason, EROFS_ISHARE_NO_MOUNT);
	cr_assert_eq(set.nwarnings, 1);
	cr_expect_str_eq(set.warnings[0].text, "invalid ishare xattr prefix id 5");
	cr_expect_eq(set.totals.data_without, 0);
}

Test(ishare, inode_share_needs_domain_id)
{
	uint32_t a = image("inode_share");

	file(a, "x", 100, 1);
	run();
	cr_expect_eq(set.images[a].mount_err, -EINVAL);
	cr_assert_eq(set.nwarnings, 1);
	cr_expect_str_eq(set.warnings[0].text, "domain_id is needed when inode_share is on");
}

Test(ishare, image_without_feature_turns_inode_share_off)
{
	uint32_t a = image("inode_share,domain_id=d"), b = image("inode_share,domain_id=d");
	uint32_t fa = file(a, "x", 100, 1), fb = file(b, "x", 100, 1);

	set.images[b].has_feature = false;
	run();
	cr_expect_eq(set.images[b].mount_err, 0);
	cr_expect_not(set.images[b].sharing_on);
	cr_expect_eq(set.files[fb].reason, EROFS_ISHARE_NO_FEATURE);
	cr_expect_not(shared(fa, fb));
	cr_assert_eq(set.nwarnings, 1);
	cr_expect_str_eq(set.warnings[0].text,
			 "on-disk ishare xattrs not found. Turning off inode_share.");
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_FEATURE);
}

Test(ishare, size_mismatch_keeps_its_own_cache_and_warns)
{
	uint32_t a = image("inode_share,domain_id=d");
	uint32_t f1 = file(a, "x", 4096, 1), f2 = file(a, "y", 8192, 1);
	uint32_t f3 = file(a, "z", 4096, 1);

	run();
	cr_expect(shared(f1, f3));
	cr_expect_not(shared(f1, f2));
	cr_expect_eq(set.files[f2].reason, EROFS_ISHARE_SIZE_MISMATCH);
	cr_assert_eq(set.nwarnings, 1);
	cr_expect(strstr(set.warnings[0].text, "i_size mismatch") != NULL);
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_SIZE);
}

/* The kernel joins value and domain_id without a separator. */
Test(ishare, key_is_the_concatenation)
{
	uint32_t a = image("inode_share,domain_id=c"), b = image("inode_share,domain_id=bc");
	uint32_t fa = file_v(a, "x", 10, "ab", 2, false);
	uint32_t fb = file_v(b, "x", 10, "a", 1, false);

	run();
	cr_expect(shared(fa, fb));
}

Test(ishare, files_without_values_never_share)
{
	uint32_t a = image("inode_share,domain_id=d");
	uint32_t f1 = file_v(a, "x", 10, NULL, 0, false);
	uint32_t f2 = file_v(a, "y", 10, NULL, 0, false);

	run();
	cr_expect_not(shared(f1, f2));
	cr_expect_eq(set.files[f1].reason, EROFS_ISHARE_NO_VALUE);
}

Test(ishare, trace_counts_the_union_of_touched_pages)
{
	uint32_t a = image("inode_share,domain_id=d"), b = image("inode_share,domain_id=d");
	uint32_t fa = file(a, "x", 10 * 4096, 1), fb = file(b, "x", 10 * 4096, 1);
	struct erofs_ishare_access acc[] = {
		{ fa, 0, 4096 },		/* page 0 */
		{ fa, 4095, 2 },		/* pages 0-1 */
		{ fb, 3 * 4096, 2 * 4096 },	/* pages 3-4 */
		{ fb, 0, 1 },			/* page 0 */
		{ fb, 9 * 4096 + 5, 1 << 20 },	/* page 9, clipped */
		{ fb, 20 * 4096, 10 },		/* past EOF: nothing */
	};
	const struct erofs_ishare_workload w = { false, acc, 6 };

	cr_assert_eq(erofs_ishare_model_run(&set, &w), 0);
	cr_expect_eq(set.files[fa].pages, 2);
	cr_expect_eq(set.files[fb].pages, 4);
	cr_expect_eq(set.caches[set.files[fa].cache].pages, 5);
	cr_expect_eq(set.totals.data_without, 6 * 4096);
	cr_expect_eq(set.totals.data_with, 5 * 4096);
}

/* Parse @t, which must be valid; the caller frees the result. */
static struct erofs_ishare_access *parse_ok(const char *t, size_t *n)
{
	struct erofs_ishare_access *acc;
	struct erofs_errinfo ei = { 0 };

	cr_assert_eq(erofs_ishare_parse_trace(&set, t, strlen(t), &acc, n, &ei), 0,
		     "%s", ei.reason);
	return acc;
}

Test(ishare, trace_parser_resolves_paths_with_spaces)
{
	uint32_t a = image("inode_share,domain_id=d");
	struct erofs_ishare_access *acc;
	size_t n;

	file(a, "/a b/c", 8192, 1);
	file(a, "/x", 8192, 2);
	acc = parse_ok("# comment\n0 /a b/c 4096 100\n\n0 x 0 016\n", &n);
	cr_assert_eq(n, 2);
	cr_expect_eq(acc[0].file, 0);
	cr_expect_eq(acc[0].offset, 4096);
	cr_expect_eq(acc[0].length, 100);
	cr_expect_eq(acc[1].file, 1);
	cr_expect_eq(acc[1].length, 16);
	free(acc);
}

Test(ishare, trace_parser_rejects_unknown_paths)
{
	uint32_t a = image("inode_share,domain_id=d");
	struct erofs_ishare_access *acc;
	struct erofs_errinfo ei = { 0 };
	const char *t = "0 /x 0 1\n0 /nope 0 1\n";
	size_t n;

	file(a, "/x", 8192, 1);
	cr_expect_eq(erofs_ishare_parse_trace(&set, t, strlen(t), &acc, &n, &ei), -ENOENT);
	cr_expect_str_eq(ei.subject, "trace line 2");
	cr_expect_str_eq(ei.reason, "no regular file '/nope' in image 0");
	cr_expect_null(acc);
}

static int cmp_seed(void *ctx, const struct erofs_ishare_file *a,
		    const struct erofs_ishare_file *b)
{
	int *calls = ctx;

	(*calls)++;
	/* the "content" of these records is their path's first byte */
	if (a->path[0] == '?' || b->path[0] == '?')
		return -EOPNOTSUPP;
	return a->path[0] != b->path[0];
}

Test(ishare, forged_collision_is_unsafe)
{
	uint32_t a = image("inode_share,domain_id=d"), b = image("inode_share,domain_id=d");
	int calls = 0;

	file(a, "p", 4096, 9);
	file(b, "q", 4096, 9);
	run();
	cr_assert_eq(set.totals.shared_groups, 1);
	/* trusting sha256-form values: no reading */
	cr_assert_eq(erofs_ishare_check_groups(&set, true, cmp_seed, &calls), 0);
	cr_expect_eq(calls, 0);
	cr_expect_eq(set.caches[set.files[0].cache].safety, EROFS_ISHARE_SAFE_TRUSTED);
	/* not trusting: compared, found different */
	cr_assert_eq(erofs_ishare_check_groups(&set, false, cmp_seed, &calls), 0);
	cr_expect_eq(calls, 1);
	cr_expect_eq(set.caches[set.files[0].cache].safety, EROFS_ISHARE_UNSAFE);
	cr_expect_eq(set.totals.unsafe_groups, 1);
}

Test(ishare, mismatched_digest_is_never_trusted)
{
	uint32_t a = image("inode_share,domain_id=d");
	int calls = 0;

	file(a, "p", 4096, 9);
	file(a, "q", 4096, 9);
	run();
	set.files[0].fpstate = EROFS_ISHARE_FP_VERIFIED;
	set.files[1].fpstate = EROFS_ISHARE_FP_MISMATCH;
	cr_assert_eq(erofs_ishare_check_groups(&set, true, cmp_seed, &calls), 0);
	cr_expect_eq(set.caches[0].safety, EROFS_ISHARE_UNSAFE);
}

Test(ishare, verified_groups_need_no_reading)
{
	uint32_t a = image("inode_share,domain_id=d");
	int calls = 0;

	file(a, "p", 4096, 9);
	file(a, "q", 4096, 9);
	run();
	set.files[0].fpstate = EROFS_ISHARE_FP_VERIFIED;
	set.files[1].fpstate = EROFS_ISHARE_FP_VERIFIED;
	cr_assert_eq(erofs_ishare_check_groups(&set, false, cmp_seed, &calls), 0);
	cr_expect_eq(calls, 0);
	cr_expect_eq(set.caches[0].safety, EROFS_ISHARE_SAFE_VERIFIED);
}

Test(ishare, unreadable_content_is_reported_not_passed)
{
	uint32_t a = image("inode_share,domain_id=d");
	int calls = 0;

	file_v(a, "?compressed", 10, "opaque", 6, true);
	file_v(a, "?other", 10, "opaque", 6, true);
	run();
	cr_assert_eq(erofs_ishare_check_groups(&set, true, cmp_seed, &calls), 0);
	cr_expect_eq(set.caches[0].safety, EROFS_ISHARE_UNVERIFIABLE);
	cr_expect_eq(set.totals.unverifiable_groups, 1);
	cr_expect_eq(set.totals.unsafe_groups, 0);
}

Test(ishare, mount_option_errors)
{
	struct erofs_ishare_mountopts o = { 0 };
	struct erofs_errinfo ei = { 0 };

	cr_expect_eq(erofs_ishare_parse_mountopts("inode_share,bogus", &o, &ei), -EINVAL);
	cr_expect(strstr(ei.reason, "'bogus'") != NULL);
	erofs_err_clear(&ei);
	cr_expect_eq(erofs_ishare_parse_mountopts("domain_id=x,noinode_share,file", &o, &ei), 0);
	cr_expect_str_eq(o.domain_id, "x");
	cr_expect_not(o.inode_share);
	cr_expect_eq(o.backing, EROFS_ISHARE_FILE);
}

Test(ishare, empty_trace_reads_nothing)
{
	uint32_t a = image("inode_share,domain_id=d"), b = image("inode_share,domain_id=d");
	/* what an empty or comment-only trace file parses to */
	const struct erofs_ishare_workload w = { false, NULL, 0 };

	file(a, "x", 10 * 4096, 1);
	file(b, "x", 10 * 4096, 1);
	cr_assert_eq(erofs_ishare_model_run(&set, &w), 0);
	cr_expect_eq(set.totals.data_without, 0);
	cr_expect_eq(set.totals.data_with, 0);
	cr_expect_eq(set.totals.dir_bytes, 0);
	cr_expect_eq(set.totals.shared_groups, 1);
}

Test(ishare, empty_domain_id_fails_the_mount)
{
	uint32_t a = image("inode_share,domain_id="), b = image("domain_id=");
	uint32_t c = image("inode_share,domain_id=d");
	uint32_t fa = file(a, "x", 4096, 1), fb = file(b, "x", 4096, 1);

	file(c, "x", 4096, 1);
	run();
	cr_expect_eq(set.images[a].mount_err, -EINVAL);
	cr_expect_eq(set.images[b].mount_err, -EINVAL);
	cr_expect_eq(set.images[c].mount_err, 0);
	cr_expect_eq(set.files[fa].reason, EROFS_ISHARE_NO_MOUNT);
	cr_expect_eq(set.files[fb].reason, EROFS_ISHARE_NO_MOUNT);
	cr_assert_eq(set.nwarnings, 2);
	cr_expect_eq(set.warnings[0].err, -EINVAL);
	cr_expect_str_eq(set.warnings[0].text, "Bad value for 'domain_id'");
	cr_expect_str_eq(set.warnings[1].text, "Bad value for 'domain_id'");
}

Test(ishare, trace_parser_finds_hard_links_by_any_name)
{
	uint32_t a = image("inode_share,domain_id=d");
	struct erofs_ishare_access *acc;
	size_t n;

	file(a, "/a", 8192, 1);
	set.files[0].nid = 42;
	file(a, "/b", 8192, 2);
	set.files[1].nid = 43;
	cr_assert_eq(erofs_ishare_set_add_alias(&set, a, 42, "/d/z", 4), 0);
	acc = parse_ok("0 /d/z 0 1\n0 /a 4096 1\n", &n);
	cr_assert_eq(n, 2);
	cr_expect_eq(acc[0].file, 0);
	cr_expect_eq(acc[1].file, 0);
	free(acc);
}

Test(ishare, trace_numbers_are_decimal)
{
	uint32_t a = image("inode_share,domain_id=d");
	static const char *const bad[] = {
		"0 /x 0x10 1\n", "0 /x +1 1\n", "0 /x 0 -1\n",
		"0 /x 0 18446744073709551616\n", "00x0 /x 0 1\n",
	};
	struct erofs_ishare_access *acc;
	struct erofs_errinfo ei = { 0 };
	size_t n, i;

	file(a, "/x", 8192, 1);
	acc = parse_ok("00 /x 010 18446744073709551615\n", &n);
	cr_expect_eq(acc[0].offset, 10);
	cr_expect_eq(acc[0].length, UINT64_MAX);
	free(acc);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		erofs_err_clear(&ei);
		cr_expect_eq(erofs_ishare_parse_trace(&set, bad[i], strlen(bad[i]),
						      &acc, &n, &ei), -EINVAL,
			     "accepted %s", bad[i]);
	}
}

Test(ishare, near_miss_tie_lists_the_file_that_cannot_share)
{
	uint32_t a = image("inode_share,domain_id=d"), b = image("inode_share,domain_id=d");
	uint32_t fa, fb;

	set.images[a].has_feature = false;
	fa = file(a, "/same", 4096, 1);
	fb = file(b, "/same", 4096, 1);
	run();
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].file, fa);
	cr_expect_eq(set.misses[0].peer, fb);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_FEATURE);
}

/* Content digests for files without a value: the first path byte. */
static int digest_by_name(void *ctx, const struct erofs_ishare_file *f,
			  uint8_t digest[32])
{
	int *calls = ctx;

	(*calls)++;
	if (f->path[0] == '!')
		return -EIO;
	memset(digest, f->path[0], 32);
	return 0;
}

/* A file with no value; its content digest is all @seed bytes. */
static uint32_t bare(uint32_t img, char seed, const char *rest, uint64_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "%c%s", seed, rest);
	return file_v(img, path, size, NULL, 0, false);
}

/* Two images in one domain; the second built without fingerprints. */
static void fingerprinted_and_not(uint32_t *a, uint32_t *b)
{
	*a = image("inode_share,domain_id=d");
	*b = image("inode_share,domain_id=d");
	set.images[*b].has_feature = false;
}

Test(ishare, file_without_value_matches_an_eligible_twin_by_content)
{
	uint32_t a, b, pa, twin, other;
	int calls = 0;

	fingerprinted_and_not(&a, &b);
	pa = file(a, "/same", 70000, 'x');
	twin = bare(b, 'x', "/same", 70000);
	other = bare(b, 'y', "/other", 70000);
	/* a size nobody else has: never read */
	bare(b, 'x', "/unique", 123);
	run();
	cr_assert_eq(erofs_ishare_match_content(&set, digest_by_name, &calls), 0);
	cr_expect_eq(calls, 2);
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].file, twin);
	cr_expect_eq(set.misses[0].peer, pa);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_NO_FEATURE);
	/* 70000 bytes: 18 pages */
	cr_expect_eq(set.misses[0].bytes, 18 * 4096);
	cr_expect_eq(set.totals.near_miss_bytes, 18 * 4096);
	cr_expect_eq(set.totals.nofp_files, 1);
	cr_expect_eq(set.images[b].nofp_files, 1);
	cr_expect_eq(set.images[b].nofp_bytes, 18 * 4096);
	cr_expect_eq(set.images[b].nofp_not_compared, 0);
	(void)other;
}

Test(ishare, files_without_values_match_each_other)
{
	uint32_t a = image("inode_share,domain_id=d");
	uint32_t first, second, third;
	int calls = 0;

	first = bare(a, 'z', "/1", 5000);
	second = bare(a, 'z', "/2", 5000);
	third = bare(a, 'z', "/3", 5000);
	run();
	cr_assert_eq(set.files[first].reason, EROFS_ISHARE_NO_VALUE);
	cr_assert_eq(erofs_ishare_match_content(&set, digest_by_name, &calls), 0);
	cr_assert_eq(set.nmisses, 2);
	cr_expect_eq(set.misses[0].file, second);
	cr_expect_eq(set.misses[1].file, third);
	cr_expect_eq(set.misses[0].peer, first);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_NO_VALUE);
	cr_expect_eq(set.totals.nofp_bytes, 2 * 2 * 4096);
}

Test(ishare, content_matching_needs_same_domain_and_a_trusted_value)
{
	uint32_t a = image("inode_share,domain_id=d");
	uint32_t b = image("inode_share,domain_id=e");
	uint32_t c = image("inode_share,domain_id=d");
	int calls = 0;

	set.images[b].has_feature = false;
	set.images[c].has_feature = false;
	file(a, "/p", 9000, 'x');
	/* another domain: would not share even with a fingerprint */
	bare(b, 'x', "/q", 9000);
	file(a, "/bad", 7000, 'w');
	bare(c, 'w', "/r", 7000);
	run();
	/* a value known to be wrong says nothing about the content */
	set.files[2].fpstate = EROFS_ISHARE_FP_MISMATCH;
	cr_assert_eq(erofs_ishare_match_content(&set, digest_by_name, &calls), 0);
	cr_expect_eq(set.nmisses, 0);
	cr_expect_eq(set.totals.nofp_files, 0);
}

Test(ishare, unread_candidates_are_counted_not_compared)
{
	uint32_t a, b;
	int calls = 0;

	fingerprinted_and_not(&a, &b);
	file(a, "/p", 9000, 'x');
	file_v(b, "x/compressed", 9000, NULL, 0, true);
	bare(b, '!', "/unreadable", 9000);
	run();
	cr_assert_eq(erofs_ishare_match_content(&set, digest_by_name, &calls), 0);
	cr_expect_eq(calls, 1);
	cr_expect_eq(set.nmisses, 0);
	cr_expect_eq(set.images[b].nofp_not_compared, 2);
	/* without a digest function (--trust) nothing is read */
	cr_assert_eq(erofs_ishare_match_content(&set, NULL, NULL), 0);
	cr_expect_eq(set.totals.nofp_not_compared, 2);
	cr_expect_eq(set.images[b].nofp_not_compared, 2);
}

Test(ishare, a_value_based_near_miss_is_not_counted_again_by_content)
{
	uint32_t a, b;
	int calls = 0;

	/* the fallback name found a value: the value's near miss covers it */
	fingerprinted_and_not(&a, &b);
	file(a, "/p", 9000, 'x');
	file(b, "x/q", 9000, 'x');
	run();
	cr_assert_eq(set.nmisses, 1);
	cr_expect_eq(set.misses[0].kind, EROFS_ISHARE_MISS_FEATURE);
	cr_assert_eq(erofs_ishare_match_content(&set, digest_by_name, &calls), 0);
	cr_expect_eq(calls, 0);
	cr_expect_eq(set.nmisses, 1);
}
