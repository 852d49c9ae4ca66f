// SPDX-License-Identifier: MIT
/*
 * Writer entry point callbacks: the per-file log lines of -d3 and the
 * temporary-image notifications that let a front end clean up on signals.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "erofs/mkfs.h"

#define MAX_LINES 16

struct log_sink {
	char *line[MAX_LINES];
	unsigned int level[MAX_LINES];
	unsigned int n;
};

struct tmp_sink {
	char path[4096];
	bool existed;		/* the announced file was there */
	unsigned int announced, cleared;
};

static char dir[] = "/tmp/test_writer_build.XXXXXX";
static char src[4200], img[4200];

static void put(const char *rel, const char *content)
{
	char p[4300];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", src, rel);
	f = fopen(p, "w");
	cr_assert_not_null(f, "%s", p);
	fputs(content, f);
	fclose(f);
}

static void make_tree(void)
{
	char p[4300];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(img, sizeof(img), "%s/img.erofs", dir);
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub", src);
	cr_assert_eq(mkdir(p, 0755), 0);
	put("a", "hello\n");
	put("sub/b", "");
	snprintf(p, sizeof(p), "%s/sub/b", src);
	{
		char q[4300];

		snprintf(q, sizeof(q), "%s/hard", src);
		cr_assert_eq(link(p, q), 0);
	}
}

static void remove_tree(void)
{
	char cmd[4300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

static void collect_log(void *arg, unsigned int level, const char *msg)
{
	struct log_sink *s = arg;

	cr_assert_lt(s->n, MAX_LINES, "too many log lines");
	s->level[s->n] = level;
	s->line[s->n++] = strdup(msg);
}

static void collect_tmp(void *arg, const char *tmp_path)
{
	struct tmp_sink *s = arg;

	if (!tmp_path) {
		s->cleared++;
		return;
	}
	s->announced++;
	snprintf(s->path, sizeof(s->path), "%s", tmp_path);
	s->existed = !access(tmp_path, F_OK);
}

static int build(struct erofs_mkfs_params *p, struct erofs_errinfo *ei)
{
	struct erofs_mkfs_stats st;

	p->time_set = true;
	p->build_time = 0;
	return erofs_mkfs_build(p, img, src, &st, ei);
}

static const char *find_line(const struct log_sink *s, const char *prefix)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strncmp(s->line[i], prefix, strlen(prefix)))
			return s->line[i];
	return NULL;
}

Test(writer_build, file_lines_at_info_level, .init = make_tree,
     .fini = remove_tree)
{
	struct erofs_mkfs_params p;
	struct erofs_errinfo ei = { 0 };
	struct log_sink s = { 0 };
	unsigned long long nid_hard, nid_b, size;
	const char *l;
	unsigned int i;

	erofs_mkfs_params_init(&p);
	p.log = collect_log;
	p.log_arg = &s;
	p.log_level = EROFS_MKFS_LOG_INFO;
	cr_assert_eq(build(&p, &ei), 0, "%s: %s", ei.subject, ei.reason);

	/* one line per name: /, /a, /hard, /sub, /sub/b; root first */
	cr_assert_eq(s.n, 5);
	cr_expect(!strncmp(s.line[0], "file / nid ", 11), "%s", s.line[0]);
	for (i = 0; i < s.n; i++)
		cr_expect_eq(s.level[i], EROFS_MKFS_LOG_INFO);
	l = find_line(&s, "file /a ");
	cr_assert_not_null(l);
	cr_expect_eq(sscanf(l, "file /a nid %*u size %llu layout flat_inline",
			    &size), 1, "%s", l);
	cr_expect_eq(size, 6);
	/* a hard link shows under each name with the same nid */
	l = find_line(&s, "file /hard ");
	cr_assert_not_null(l);
	cr_assert_eq(sscanf(l, "file /hard nid %llu size 0", &nid_hard), 1, "%s", l);
	l = find_line(&s, "file /sub/b ");
	cr_assert_not_null(l);
	cr_assert_eq(sscanf(l, "file /sub/b nid %llu size 0", &nid_b), 1, "%s", l);
	cr_expect_eq(nid_hard, nid_b);
	cr_expect_not_null(find_line(&s, "file /sub nid "));
	for (i = 0; i < s.n; i++)
		free(s.line[i]);
}

Test(writer_build, no_lines_at_default_level, .init = make_tree,
     .fini = remove_tree)
{
	struct erofs_mkfs_params p;
	struct erofs_errinfo ei = { 0 };
	struct log_sink s = { 0 };

	erofs_mkfs_params_init(&p);
	p.log = collect_log;
	p.log_arg = &s;
	cr_assert_eq(p.log_level, EROFS_MKFS_LOG_WARN);
	cr_assert_eq(build(&p, &ei), 0);
	cr_expect_eq(s.n, 0);
}

Test(writer_build, temporary_announced_then_cleared, .init = make_tree,
     .fini = remove_tree)
{
	struct erofs_mkfs_params p;
	struct erofs_errinfo ei = { 0 };
	struct tmp_sink t = { 0 };
	char prefix[4300];

	erofs_mkfs_params_init(&p);
	p.tmp_image = collect_tmp;
	p.tmp_image_arg = &t;
	cr_assert_eq(build(&p, &ei), 0);
	cr_expect_eq(t.announced, 1);
	cr_expect_eq(t.cleared, 1);
	cr_expect(t.existed, "temporary %s did not exist when announced", t.path);
	snprintf(prefix, sizeof(prefix), "%s.tmp", img);
	cr_expect(!strncmp(t.path, prefix, strlen(prefix)), "%s", t.path);
	cr_expect_neq(access(t.path, F_OK), 0, "temporary left behind");
	cr_expect_eq(access(img, F_OK), 0, "no image");
}

Test(writer_build, failure_clears_without_image, .init = make_tree,
     .fini = remove_tree)
{
	struct erofs_mkfs_params p;
	struct erofs_errinfo ei = { 0 };
	struct tmp_sink t = { 0 };

	erofs_mkfs_params_init(&p);
	p.tmp_image = collect_tmp;
	p.tmp_image_arg = &t;
	/* a bad block size fails before anything is created */
	p.blkszbits = 13;
	cr_assert_lt(build(&p, &ei), 0);
	cr_expect_eq(t.announced, 0);
	cr_expect_eq(t.cleared, 1);
	cr_expect_neq(access(img, F_OK), 0);
}
