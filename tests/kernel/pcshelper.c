/*
 * pcshelper - tiny static helper for page-cache experiments inside the
 * test guest (busybox initramfs, no libc other than what is linked in).
 *
 * Build: gcc -static -O2 -Wall -o pcshelper pcshelper.c
 *
 * Commands (all output on stdout, errors on stderr, exit 0 on success):
 *   read FILE [OFFSET LENGTH]   read the file (or a byte range) through
 *                               read(2); prints the number of bytes read
 *   touch FILE                  fault every page in through a shared mmap
 *                               (reads one byte per page); prints pages
 *   drop FILE                   posix_fadvise(POSIX_FADV_DONTNEED) on the
 *                               whole file
 *   resident FILE               mmap + mincore(2); prints
 *                               "RESIDENT TOTAL" (pages)
 *   cached                      prints the "Cached:" value of /proc/meminfo
 *                               in KiB
 *   mount SRC DIR FSTYPE [OPTS] mount(2) directly; OPTS is a comma list,
 *                               "ro" becomes MS_RDONLY, the rest is passed
 *                               as the data string
 *   umount DIR                  umount2(DIR, 0)
 *   odirect FILE                try open(O_RDONLY|O_DIRECT); prints "ok" or
 *                               the errno name/number (exit 0 either way)
 *
 * On failure the message names the errno, e.g. "mount: ENOTBLK (15): ...".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case ENOTBLK: return "ENOTBLK";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EROFS: return "EROFS";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EUCLEAN: return "EUCLEAN";	/* EFSCORRUPTED in the kernel */
	case EFBIG: return "EFBIG";
	case EOVERFLOW: return "EOVERFLOW";
	default: return "E?";
	}
}

static int die(const char *what, const char *arg)
{
	int e = errno;

	fprintf(stderr, "pcshelper: %s: %s (%d): %s: %s\n", what, errname(e), e,
		arg, strerror(e));
	return 1;
}

static int parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "pcshelper: bad number: %s\n", s);
		return -1;
	}
	return 0;
}

static int cmd_read(int argc, char **argv)
{
	static char buf[1 << 20];
	unsigned long long off = 0, len = ~0ULL, total = 0;
	int fd;

	if (argc != 1 && argc != 3) {
		fprintf(stderr, "usage: pcshelper read FILE [OFFSET LENGTH]\n");
		return 2;
	}
	if (argc == 3 && (parse_u64(argv[1], &off) || parse_u64(argv[2], &len)))
		return 2;
	fd = open(argv[0], O_RDONLY);
	if (fd < 0)
		return die("open", argv[0]);
	while (total < len) {
		size_t want = sizeof(buf);
		ssize_t n;

		if (len - total < want)
			want = len - total;
		n = pread(fd, buf, want, (off_t)(off + total));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return die("read", argv[0]);
		}
		if (n == 0)
			break;
		total += (unsigned long long)n;
	}
	close(fd);
	printf("%llu\n", total);
	return 0;
}

/* Map FILE read-only and shared; returns the mapping or NULL (size 0 is
 * reported through *size with a NULL mapping and no error). */
static void *map_file(const char *path, size_t *size, int *err)
{
	struct stat st;
	void *p;
	int fd;

	*err = 0;
	*size = 0;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		*err = die("open", path);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		*err = die("fstat", path);
		close(fd);
		return NULL;
	}
	if (st.st_size == 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		*err = die("mmap", path);
		return NULL;
	}
	*size = (size_t)st.st_size;
	return p;
}

static int cmd_resident(int argc, char **argv)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *vec;
	size_t size, pages, i, res = 0;
	void *p;
	int err;

	if (argc != 1) {
		fprintf(stderr, "usage: pcshelper resident FILE\n");
		return 2;
	}
	p = map_file(argv[0], &size, &err);
	if (err)
		return err;
	if (!p) {
		printf("0 0\n");
		return 0;
	}
	pages = (size + (size_t)pg - 1) / (size_t)pg;
	vec = malloc(pages);
	if (!vec) {
		munmap(p, size);
		return die("malloc", argv[0]);
	}
	if (mincore(p, size, vec) < 0) {
		free(vec);
		munmap(p, size);
		return die("mincore", argv[0]);
	}
	for (i = 0; i < pages; i++)
		res += vec[i] & 1;
	free(vec);
	munmap(p, size);
	printf("%zu %zu\n", res, pages);
	return 0;
}

static int cmd_touch(int argc, char **argv)
{
	long pg = sysconf(_SC_PAGESIZE);
	volatile unsigned char sink = 0;
	const unsigned char *p;
	size_t size, off, n = 0;
	int err;

	if (argc != 1) {
		fprintf(stderr, "usage: pcshelper touch FILE\n");
		return 2;
	}
	p = map_file(argv[0], &size, &err);
	if (err)
		return err;
	for (off = 0; off < size; off += (size_t)pg, n++)
		sink ^= p[off];
	(void)sink;
	if (p)
		munmap((void *)p, size);
	printf("%zu\n", n);
	return 0;
}

static int cmd_drop(int argc, char **argv)
{
	int fd, rc;

	if (argc != 1) {
		fprintf(stderr, "usage: pcshelper drop FILE\n");
		return 2;
	}
	fd = open(argv[0], O_RDONLY);
	if (fd < 0)
		return die("open", argv[0]);
	rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	if (rc) {
		errno = rc;
		return die("posix_fadvise", argv[0]);
	}
	return 0;
}

static int cmd_cached(int argc, char **argv)
{
	char line[256];
	FILE *f;

	(void)argv;
	if (argc != 0) {
		fprintf(stderr, "usage: pcshelper cached\n");
		return 2;
	}
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return die("open", "/proc/meminfo");
	while (fgets(line, sizeof(line), f)) {
		unsigned long long kb;

		if (sscanf(line, "Cached: %llu kB", &kb) == 1) {
			fclose(f);
			printf("%llu\n", kb);
			return 0;
		}
	}
	fclose(f);
	fprintf(stderr, "pcshelper: no Cached: line in /proc/meminfo\n");
	return 1;
}

static int cmd_mount(int argc, char **argv)
{
	unsigned long flags = 0;
	char *data, *opts, *tok, *save = NULL;
	size_t dlen = 0;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: pcshelper mount SRC DIR FSTYPE [OPTS]\n");
		return 2;
	}
	opts = strdup(argc == 4 ? argv[3] : "");
	data = calloc(1, strlen(opts) + 1);
	if (!opts || !data)
		return die("malloc", "options");
	for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "ro")) {
			flags |= MS_RDONLY;
			continue;
		}
		if (!strcmp(tok, "rw"))
			continue;
		if (dlen)
			data[dlen++] = ',';
		strcpy(data + dlen, tok);
		dlen += strlen(tok);
	}
	if (mount(argv[0], argv[1], argv[2], flags, dlen ? data : NULL) < 0)
		return die("mount", argv[0]);
	free(opts);
	free(data);
	return 0;
}

static int cmd_umount(int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: pcshelper umount DIR\n");
		return 2;
	}
	if (umount2(argv[0], 0) < 0)
		return die("umount", argv[0]);
	return 0;
}

static int cmd_odirect(int argc, char **argv)
{
	int fd;

	if (argc != 1) {
		fprintf(stderr, "usage: pcshelper odirect FILE\n");
		return 2;
	}
	fd = open(argv[0], O_RDONLY | O_DIRECT);
	if (fd < 0) {
		printf("%s %d\n", errname(errno), errno);
		return 0;
	}
	close(fd);
	printf("ok\n");
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "read", cmd_read },
	{ "touch", cmd_touch },
	{ "drop", cmd_drop },
	{ "resident", cmd_resident },
	{ "cached", cmd_cached },
	{ "mount", cmd_mount },
	{ "umount", cmd_umount },
	{ "odirect", cmd_odirect },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "usage: pcshelper read|touch|drop|resident|cached|mount|umount|odirect ARGS...\n");
		return 2;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "pcshelper: unknown command %s\n", argv[1]);
	return 2;
}
