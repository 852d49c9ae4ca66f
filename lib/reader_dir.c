// SPDX-License-Identifier: MIT
/*
 * Directories (format doc §4, §9 items 15-16): every block is validated
 * as a whole before its entries are handed out, so callers never see a
 * name that runs outside its block, contains '/' or NUL, or breaks the
 * global byte order the kernel's binary search depends on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "erofs/byteorder.h"
#include "erofs/rdata.h"
#include "erofs/rdir.h"

static int name_cmp(const uint8_t *a, unsigned int alen, const uint8_t *b,
		    unsigned int blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

/* End of entry @i's name: next nameoff, or the first NUL / end of block. */
static unsigned int name_end(const uint8_t *blk, unsigned int len,
			     unsigned int n, unsigned int i)
{
	const uint8_t *nul;
	unsigned int off = get_le16(blk + i * 12 + 8);

	if (i + 1 < n)
		return get_le16(blk + (i + 1) * 12 + 8);
	if (off >= len)
		return off;
	nul = memchr(blk + off, 0, len - off);
	return nul ? (unsigned int)(nul - blk) : len;
}

static const char *check_name(const uint8_t *name, unsigned int len)
{
	if (!len)
		return "empty name in directory entry";
	if (len > EROFS_NAME_LEN)
		return "name longer than 255 bytes";
	if (memchr(name, '/', len) || memchr(name, 0, len))
		return "name contains '/' or NUL";
	return NULL;
}

int erofs_dirblock_check(const uint8_t *blk, unsigned int len,
			 unsigned int blksz, const uint8_t *prev,
			 unsigned int prev_len, const char **reason)
{
	unsigned int nameoff0, n, i, prev_end;

	if (len < 12) {
		*reason = "directory block too short";
		return -EFSCORRUPTED;
	}
	nameoff0 = get_le16(blk + 8);
	if (nameoff0 < 12 || nameoff0 >= blksz || nameoff0 % 12 ||
	    nameoff0 >= len) {
		*reason = "bad nameoff[0] in directory block";
		return -EFSCORRUPTED;
	}
	n = nameoff0 / 12;
	prev_end = nameoff0;
	for (i = 0; i < n; i++) {
		unsigned int off = get_le16(blk + i * 12 + 8);
		unsigned int end = name_end(blk, len, n, i);

		if (off != prev_end && (i == 0 || off < prev_end)) {
			*reason = "directory entry names overlap";
			return -EFSCORRUPTED;
		}
		if (end > len || end <= off) {
			*reason = end <= off ? "empty name in directory entry" :
					       "name runs past the directory block";
			return -EFSCORRUPTED;
		}
		*reason = check_name(blk + off, end - off);
		if (*reason)
			return -EFSCORRUPTED;
		if (blk[i * 12 + 10] >= EROFS_FT_MAX) {
			*reason = "invalid file type in directory entry";
			return -EFSCORRUPTED;
		}
		if (prev && name_cmp(prev, prev_len, blk + off, end - off) >= 0) {
			*reason = "directory entries not in strict byte order";
			return -EFSCORRUPTED;
		}
		prev = blk + off;
		prev_len = end - off;
		prev_end = end;
	}
	*reason = NULL;
	return 0;
}

struct dir_state {
	const struct erofs_image *img;
	const struct erofs_inode *dir;
	erofs_dir_cb cb;
	void *arg;
	unsigned int dots, dotdots;
	uint8_t last[EROFS_NAME_LEN];
	unsigned int last_len;
	bool has_last;
};

static int dir_err(struct erofs_errinfo *ei, uint64_t nid, const char *reason)
{
	char subj[40];

	erofs_inode_subject(nid, subj, sizeof(subj));
	return erofs_err(ei, -EFSCORRUPTED, subj, "%s", reason);
}

static int dir_entry(struct dir_state *st, const struct erofs_dirent_info *de,
		     struct erofs_errinfo *ei)
{
	if (de->name_len == 1 && de->name[0] == '.') {
		if (st->dir->dot_omitted || st->dots++)
			return dir_err(ei, st->dir->nid, "unexpected '.' entry");
		if (de->nid != st->dir->nid)
			return dir_err(ei, st->dir->nid,
				       "'.' does not point to the directory itself");
	} else if (de->name_len == 2 && !memcmp(de->name, "..", 2)) {
		st->dotdots++;
	}
	if ((de->name_len <= 2 && de->name[0] == '.' &&
	     (de->name_len == 1 || de->name[1] == '.')) &&
	    de->file_type != EROFS_FT_DIR)
		return dir_err(ei, st->dir->nid,
			       "'.' or '..' entry is not a directory");
	return st->cb(de, st->arg);
}

static int dir_block(struct dir_state *st, const uint8_t *blk, unsigned int len,
		     uint64_t dirpos, struct erofs_errinfo *ei)
{
	unsigned int n = get_le16(blk + 8) / 12, i;
	const char *reason;
	int err;

	err = erofs_dirblock_check(blk, len, st->img->sb.blksz,
				   st->has_last ? st->last : NULL, st->last_len,
				   &reason);
	if (err)
		return dir_err(ei, st->dir->nid, reason);
	for (i = 0; i < n; i++) {
		unsigned int off = get_le16(blk + i * 12 + 8);
		struct erofs_dirent_info de = {
			.nid = get_le64(blk + i * 12),
			.name = blk + off,
			.name_len = name_end(blk, len, n, i) - off,
			.file_type = blk[i * 12 + 10],
			.pos = dirpos + i * 12,
		};

		err = dir_entry(st, &de, ei);
		if (err)
			return err;
		if (i + 1 == n) {
			memcpy(st->last, de.name, de.name_len);
			st->last_len = de.name_len;
			st->has_last = true;
		}
	}
	return 0;
}

static int dir_synth_dot(struct dir_state *st)
{
	struct erofs_dirent_info de = {
		.nid = st->dir->nid, .name = (const uint8_t *)".",
		.name_len = 1, .file_type = EROFS_FT_DIR, .synthesized = true,
	};

	return st->cb(&de, st->arg);
}

int erofs_dir_foreach(const struct erofs_image *img,
		      const struct erofs_inode *dir, erofs_dir_cb cb, void *arg,
		      struct erofs_errinfo *ei)
{
	struct dir_state st = { .img = img, .dir = dir, .cb = cb, .arg = arg };
	unsigned int blksz = img->sb.blksz;
	uint64_t off;
	uint8_t *blk;
	int err = 0;

	if (!S_ISDIR(dir->mode))
		return dir_err(ei, dir->nid, "not a directory");
	if (erofs_inode_read_path(dir) == EROFS_READ_COMPRESSED) {
		char subj[40];

		erofs_inode_subject(dir->nid, subj, sizeof(subj));
		return erofs_err(ei, -EOPNOTSUPP, subj, "%s",
				 EROFS_COMPRESSED_UNSUPPORTED);
	}
	blk = malloc(blksz);
	if (!blk)
		return -ENOMEM;
	if (dir->dot_omitted)
		err = dir_synth_dot(&st);
	for (off = 0; !err && off < dir->size; off += blksz) {
		unsigned int len = dir->size - off < blksz ? dir->size - off : blksz;
		ssize_t n = erofs_inode_pread(img, dir, blk, len, off, ei);

		if (n < 0)
			err = n;
		else if ((unsigned int)n != len)
			err = dir_err(ei, dir->nid, "short directory read");
		else
			err = dir_block(&st, blk, len, off, ei);
	}
	free(blk);
	if (err)
		return err;
	if (st.dotdots != 1)
		return dir_err(ei, dir->nid, st.dotdots ? "more than one '..' entry" :
						      "no '..' entry");
	if (!dir->dot_omitted && st.dots != 1)
		return dir_err(ei, dir->nid, "no '.' entry");
	return 0;
}

struct lookup_state {
	const void *name;
	size_t len;
	uint64_t nid;
};

static int lookup_cb(const struct erofs_dirent_info *de, void *arg)
{
	struct lookup_state *ls = arg;

	if (de->name_len != ls->len || memcmp(de->name, ls->name, ls->len))
		return 0;
	ls->nid = de->nid;
	return 1;
}

int erofs_dir_lookup(const struct erofs_image *img,
		     const struct erofs_inode *dir, const void *name,
		     size_t name_len, uint64_t *nid, struct erofs_errinfo *ei)
{
	struct lookup_state ls = { .name = name, .len = name_len };
	int err = erofs_dir_foreach(img, dir, lookup_cb, &ls, ei);

	if (err < 0)
		return err;
	if (!err)
		return -ENOENT;
	*nid = ls.nid;
	return 0;
}

int erofs_path_lookup(const struct erofs_image *img, const char *path,
		      uint64_t *nid, struct erofs_errinfo *ei)
{
	struct erofs_inode dir;
	uint64_t cur = img->sb.root_nid;
	const char *p = path;
	unsigned int hops = 0;
	int err;

	while (*p) {
		const char *end;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		if (++hops > 4096)
			return erofs_err(ei, -ELOOP, path, "path too deep");
		err = erofs_inode_read(img, cur, &dir, ei);
		if (err)
			return err;
		if (!S_ISDIR(dir.mode))
			return erofs_err(ei, -ENOTDIR, path, "Not a directory");
		err = erofs_dir_lookup(img, &dir, p, end - p, &cur, ei);
		if (err == -ENOENT)
			return erofs_err(ei, err, path, "No such file or directory");
		if (err)
			return err;
		p = end;
	}
	*nid = cur;
	return 0;
}
