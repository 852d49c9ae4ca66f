// SPDX-License-Identifier: MIT
/*
 * The data pass: one read of each regular file. The fingerprint digest is
 * computed over the very buffers that are written to the image, and the
 * source is checked before and after, so a file that changes while we
 * read it fails the build instead of getting a fingerprint that does not
 * match the stored bytes (other containers would read those bytes).
 *
 * Files are independent (each has its own planned blocks and tail slot),
 * so a few workers take them in turn; hashing is what costs CPU. Output
 * positions are fixed by the layout, so the image does not depend on
 * scheduling.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "erofs/data_pass.h"
#include "erofs/digest.h"
#include "erofs/format.h"
#include "erofs/writer.h"

/*
 * Small enough to stay in a core's L2 cache between read(), SHA-256 and
 * pwrite(). On /usr/lib/x86_64-linux-gnu (1.3 GB, 2 cores) 1 MiB chunks
 * gave the same best case but far more slow outliers (kernel time up to
 * 2 s instead of 0.43 s). Mapping the sources instead (mmap, populated)
 * was slower (0.57 s of kernel time) and would let a concurrent writer
 * change a page between the hash and the write.
 */
#define READ_CHUNK	(256U << 10)
#define MAX_WORKERS	64

struct data_pass {
	struct erofs_writer *w;
	atomic_size_t next;		/* next node index to take */
	atomic_bool stop;
	pthread_mutex_t lock;		/* progress counters and callback */
};

struct data_worker {
	struct data_pass *dp;
	struct erofs_writer *w;
	uint8_t *buf;
	struct erofs_errinfo ei;
	size_t err_index;		/* node that failed, for a stable pick */
	int ret;
	pthread_t thread;
};

/* ---- plain (uncompressed) stream out ---- */

static uint64_t plain_block_bytes(const struct erofs_wnode *n)
{
	return n->size - n->tail_len;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	return !len || (!p[0] && !memcmp(p, p + 1, len - 1));
}

static int plain_write(struct erofs_stream_out *so, const void *buf,
		       size_t len)
{
	struct erofs_writer *w = so->w;
	const struct erofs_wnode *n = so->n;
	uint64_t blocks = plain_block_bytes(n);
	const uint8_t *p = buf;

	if (so->pos + len > n->size)
		return -EFBIG;
	if (so->pos < blocks) {
		size_t k = len < blocks - so->pos ? len : blocks - so->pos;
		int ret = 0;

		/* the image starts zeroed: all-zero runs stay holes */
		if (!all_zero(p, k))
			ret = erofs_image_pwrite(&w->img, p, k,
				((uint64_t)n->startblk << w->blkszbits) + so->pos,
				so->ei);
		if (ret)
			return ret;
		p += k;
		len -= k;
		so->pos += k;
	}
	if (len) {
		/* the inline tail lives in the metadata buffer */
		uint64_t tail = n->meta_off + (n->extended ? 64 : 32) +
				n->xattr_isize;

		memcpy(w->meta + tail + (so->pos - blocks), p, len);
		so->pos += len;
	}
	return 0;
}

static uint64_t plain_copyable(const struct erofs_stream_out *so)
{
	return plain_block_bytes(so->n) - so->pos;
}

static int64_t plain_copy(struct erofs_stream_out *so, int fd, uint64_t len)
{
	struct erofs_writer *w = so->w;
	int64_t n = erofs_image_copy_from(&w->img, fd, so->src_path, len,
			((uint64_t)so->n->startblk << w->blkszbits) + so->pos,
			so->ei);

	if (n > 0)
		so->pos += n;
	return n;
}

const struct erofs_stream_ops erofs_plain_stream_ops = {
	.write = plain_write,
	.copy = plain_copy,
	.copyable = plain_copyable,
};

/* ---- reading sources ---- */

static int changed(struct erofs_errinfo *ei, const char *path)
{
	return erofs_err(ei, -EAGAIN, path, "file changed during build");
}

static bool same_as_scanned(const struct erofs_wnode *n, const struct stat *st)
{
	return S_ISREG(st->st_mode) && (uint64_t)st->st_size == n->size &&
	       st->st_mtim.tv_sec == n->src_mtime &&
	       (uint32_t)st->st_mtim.tv_nsec == n->src_mtime_nsec &&
	       st->st_ctim.tv_sec == n->src_ctime &&
	       (uint32_t)st->st_ctim.tv_nsec == n->src_ctime_nsec;
}

/*
 * A path longer than PATH_MAX cannot be opened in one call: walk it from
 * SOURCE_DIR a component at a time, following no symlink on the way (the
 * scan did not either). The scan built @path as SOURCE_DIR/rel/name.
 */
static int open_long(const char *source, const char *path, int flags)
{
	size_t slen = strlen(source);
	const char *p = path + slen, *end;
	char name[EROFS_NAME_LEN + 1];
	int dfd, fd, err;

	if (strncmp(path, source, slen) || *p != '/')
		return -ENAMETOOLONG;
	dfd = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	for (;;) {
		while (*p == '/')
			p++;
		end = strchr(p, '/');
		if (!end)
			break;
		if (end - p > EROFS_NAME_LEN) {
			close(dfd);
			return -ENAMETOOLONG;
		}
		memcpy(name, p, end - p);
		name[end - p] = '\0';
		fd = openat(dfd, name,
			    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		err = errno;
		close(dfd);
		if (fd < 0)
			return -err;
		dfd = fd;
		p = end;
	}
	fd = openat(dfd, p, flags);
	err = errno;
	close(dfd);
	return fd < 0 ? -err : fd;
}

static int open_path(const char *source, const char *path, int flags)
{
	int fd;

	if (strlen(path) >= PATH_MAX)
		return open_long(source, path, flags);
	fd = open(path, flags);
	return fd < 0 ? -errno : fd;
}

static int open_source(struct erofs_errinfo *ei, const char *source,
		       const char *path)
{
	/*
	 * O_NONBLOCK: a file swapped for a FIFO since the scan must fail the
	 * S_ISREG check, not hang in open(); it changes nothing for regular
	 * files. O_NOATIME is a courtesy only the file's owner may ask for.
	 */
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	int fd = open_path(source, path, flags | O_NOATIME);

	if (fd == -EPERM)
		fd = open_path(source, path, flags);
	if (fd < 0)
		return erofs_err(ei, fd, path, NULL);
	return fd;
}

static int check_source(struct erofs_errinfo *ei, int fd,
			const struct erofs_wnode *n, const char *path)
{
	struct stat st;

	if (fstat(fd, &st))
		return erofs_err(ei, -errno, path, NULL);
	return same_as_scanned(n, &st) ? 0 : changed(ei, path);
}

static int stream_reads(struct data_worker *wk, struct erofs_stream_out *so,
			int fd, struct erofs_sha256 *h)
{
	const char *path = so->src_path;
	int ret;

	while (so->pos < so->n->size) {
		uint64_t left = so->n->size - so->pos;
		ssize_t k = read(fd, wk->buf, left < READ_CHUNK ? left : READ_CHUNK);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return erofs_err(so->ei, -errno, path, NULL);
		if (!k)
			return changed(so->ei, path);	/* shrank */
		if (h && erofs_sha256_update(h, wk->buf, k))
			return erofs_err(so->ei, -EIO, path, "SHA-256 failed");
		ret = so->ops->write(so, wk->buf, k);
		if (ret)
			return ret == -EFBIG ? changed(so->ei, path) : ret;
	}
	return 0;
}

static int copy_leading(struct erofs_stream_out *so, int fd)
{
	uint64_t want = so->ops->copy && so->ops->copyable ?
			so->ops->copyable(so) : 0;
	int64_t got;

	if (!want)
		return 0;
	got = so->ops->copy(so, fd, want);
	if (got < 0)
		return got;
	return (uint64_t)got == want ? 0 : changed(so->ei, so->src_path);
}

static int stream_file(struct data_worker *wk, struct erofs_wnode *n,
		       const struct erofs_stream_ops *ops)
{
	struct erofs_stream_out so = {
		.ops = ops, .w = wk->w, .n = n, .src_path = n->src.path,
		.ei = &wk->ei,
	};
	struct erofs_sha256 h = { 0 };
	int fd = open_source(&wk->ei, wk->w->source, n->src.path), ret;

	if (fd < 0)
		return fd;
	ret = check_source(&wk->ei, fd, n, so.src_path);
	if (!ret && n->fingerprint && erofs_sha256_init(&h))
		ret = erofs_err(&wk->ei, -ENOMEM, so.src_path, NULL);
	if (!ret && !n->fingerprint)
		ret = copy_leading(&so, fd);
	if (!ret)
		ret = stream_reads(wk, &so, fd, n->fingerprint ? &h : NULL);
	/*
	 * No read-until-EOF probe: growth shows in the size here, and any
	 * other write since the scan in the mtime, or in the ctime when the
	 * writer put the mtime back.
	 */
	if (!ret)
		ret = check_source(&wk->ei, fd, n, so.src_path);
	if (!ret && n->fingerprint && erofs_sha256_final(&h, n->digest))
		ret = erofs_err(&wk->ei, -EIO, so.src_path, "SHA-256 failed");
	if (h.md_ctx)
		erofs_sha256_free(&h);
	close(fd);
	return ret;
}

static void report(struct data_pass *dp, const struct erofs_wnode *n)
{
	struct erofs_writer *w = dp->w;

	pthread_mutex_lock(&dp->lock);
	w->prog.files_done++;
	w->prog.bytes_done += n->size;
	if (w->p->progress)
		w->p->progress(w->p->progress_arg, &w->prog);
	pthread_mutex_unlock(&dp->lock);
}

static void *worker_main(void *arg)
{
	struct data_worker *wk = arg;
	struct data_pass *dp = wk->dp;
	struct erofs_writer *w = dp->w;

	while (!atomic_load(&dp->stop)) {
		size_t i = atomic_fetch_add(&dp->next, 1);
		struct erofs_wnode *n;

		if (i >= w->n_nodes)
			break;
		n = w->nodes[i];
		if (!erofs_wnode_is_reg(n) || !n->size)
			continue;
		wk->ret = stream_file(wk, n, &erofs_plain_stream_ops);
		if (wk->ret) {
			wk->err_index = i;
			atomic_store(&dp->stop, true);
			break;
		}
		report(dp, n);
	}
	return NULL;
}

static unsigned int worker_count(const struct erofs_writer *w)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 1)
		cpus = 1;
	/*
	 * Plain copies are kernel-bound (copy_file_range) and serialise on
	 * the image inode's lock, so threads gain nothing; hashing is what
	 * is worth spreading, one worker per online CPU.
	 */
	if (w->prog.files_total < 2 || w->prefixes.ishare_id < 0)
		return 1;
	return cpus < MAX_WORKERS ? cpus : MAX_WORKERS;
}

/* Several workers may fail; report the one at the lowest node index. */
static int pick_error(struct erofs_writer *w, struct data_worker *wk,
		      unsigned int n)
{
	struct data_worker *first = NULL;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (wk[i].ret && (!first || wk[i].err_index < first->err_index))
			first = &wk[i];
	if (!first)
		return 0;
	if (w->ei && !w->ei->err)
		*w->ei = first->ei;
	return first->ret;
}

int erofs_data_pass(struct erofs_writer *w)
{
	struct data_pass dp = { .w = w };
	unsigned int n = worker_count(w), started = 0, i;
	/* each carries an errinfo (4.6 KiB): too many for a caller's stack */
	struct data_worker *wk = calloc(n, sizeof(*wk));
	int ret = 0;

	if (!wk)
		return erofs_err(w->ei, -ENOMEM, w->source, NULL);
	pthread_mutex_init(&dp.lock, NULL);
	atomic_init(&dp.next, 0);
	atomic_init(&dp.stop, false);
	for (i = 0; i < n; i++) {
		wk[i].dp = &dp;
		wk[i].w = w;
		wk[i].buf = malloc(READ_CHUNK);
		if (!wk[i].buf) {
			ret = erofs_err(w->ei, -ENOMEM, w->source, NULL);
			break;
		}
	}
	/* worker 0 is this thread: a failed thread start only costs speed */
	for (i = 1; !ret && i < n; i++)
		if (!pthread_create(&wk[i].thread, NULL, worker_main, &wk[i]))
			started = i;
		else
			break;
	if (!ret)
		worker_main(&wk[0]);
	for (i = 1; i <= started; i++)
		pthread_join(wk[i].thread, NULL);
	if (!ret)
		ret = pick_error(w, wk, n);
	for (i = 0; i < n; i++)
		free(wk[i].buf);
	free(wk);
	pthread_mutex_destroy(&dp.lock);
	return ret;
}
