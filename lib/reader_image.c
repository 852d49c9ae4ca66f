// SPDX-License-Identifier: MIT
/*
 * Opening an image: the file or block device, the superblock, the long
 * xattr prefix table and the device table, all validated up front so that
 * later readers can rely on them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "erofs/byteorder.h"
#include "erofs/rdata.h"
#include "erofs/reader.h"

int erofs_image_read(const struct erofs_image *img, void *buf, size_t len,
		     uint64_t pos, const char *what, struct erofs_errinfo *ei)
{
	uint8_t *p = buf;

	if (pos > img->size || len > img->size - pos)
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "%s at byte %llu (+%zu) is beyond the end of the image",
				 what, (unsigned long long)pos, len);
	while (len) {
		ssize_t n = pread(img->fd, p, len, img->offset + pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return erofs_err(ei, -errno, img->path, "read error: %s",
					 strerror(errno));
		if (!n)
			return erofs_err(ei, -EIO, img->path,
					 "unexpected end of file");
		p += n;
		pos += n;
		len -= n;
	}
	return 0;
}

static int image_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*size = st.st_size;
	return 0;
}

/* Where the prefix table lives (§5.6): plain space, or an inode's data. */
static int prefix_source(const struct erofs_image *img, uint64_t *nid)
{
	const struct erofs_sb_info *sb = &img->sb;
	bool has_metabox = sb->feature_incompat & EROFS_INCOMPAT_METABOX;

	*nid = UINT64_MAX;
	if ((sb->feature_compat & EROFS_COMPAT_PLAIN_XATTR_PFX) ||
	    (!has_metabox && !sb->packed_nid))
		return 0;
	*nid = has_metabox ? sb->metabox_nid : sb->packed_nid;
	return 0;
}

static int prefix_read(const struct erofs_image *img,
		       const struct erofs_inode *holder, void *buf, size_t len,
		       uint64_t pos, struct erofs_errinfo *ei)
{
	ssize_t n;

	if (!holder)
		return erofs_image_read(img, buf, len, pos,
					"xattr prefix table", ei);
	n = erofs_inode_pread(img, holder, buf, len, pos, ei);
	if (n < 0)
		return n;
	if ((size_t)n != len)
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "xattr prefix table beyond the end of inode %llu",
				 (unsigned long long)holder->nid);
	return 0;
}

static int load_prefixes(struct erofs_image *img, struct erofs_errinfo *ei)
{
	unsigned int count = img->sb.xattr_prefix_count, i;
	struct erofs_inode holder, *hp = NULL;
	uint64_t pos = (uint64_t)img->sb.xattr_prefix_start * 4, nid;
	int err;

	if (!count)
		return 0;
	if (!(img->sb.feature_incompat & EROFS_INCOMPAT_XATTR_PREFIXES))
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "xattr prefixes without the xattr_prefixes feature");
	prefix_source(img, &nid);
	if (nid != UINT64_MAX) {
		err = erofs_inode_read(img, nid, &holder, ei);
		if (err)
			return err;
		hp = &holder;
	}
	img->prefixes = calloc(count, sizeof(*img->prefixes));
	if (!img->prefixes)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		struct erofs_xattr_prefix *p = &img->prefixes[i];
		uint8_t hdr[3];
		unsigned int len;

		pos = (pos + 3) & ~3ULL;
		err = prefix_read(img, hp, hdr, 3, pos, ei);
		if (err)
			return err;
		len = get_le16(hdr);
		if (len < 1 || len > EROFS_XATTR_PREFIX_MAX_LEN)
			return erofs_err(ei, -EFSCORRUPTED, NULL,
					 "xattr prefix %u has bad length %u", i, len);
		p->base_index = hdr[2];
		p->infix_len = len - 1;
		err = prefix_read(img, hp, p->infix, p->infix_len, pos + 3, ei);
		if (err)
			return err;
		pos += 2 + len;
	}
	img->prefix_count = count;
	return 0;
}

static int load_devices(struct erofs_image *img, struct erofs_errinfo *ei)
{
	unsigned int n = img->sb.extra_devices, i, mask = 1;
	uint64_t pos = (uint64_t)img->sb.devt_slotoff * sizeof(struct erofs_deviceslot);
	bool is48 = img->sb.feature_incompat & EROFS_INCOMPAT_48BIT;

	if (!(img->sb.feature_incompat & EROFS_INCOMPAT_DEVICE_TABLE) || !n)
		return 0;
	if (n > EROFS_READER_MAX_DEVICES)
		return erofs_err(ei, -EFSCORRUPTED, NULL,
				 "absurd number of extra devices (%u)", n);
	img->devices = calloc(n, sizeof(*img->devices));
	if (!img->devices)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		uint8_t slot[sizeof(struct erofs_deviceslot)];
		struct erofs_device_info *d = &img->devices[i];
		int err = erofs_image_read(img, slot, sizeof(slot),
					   pos + i * sizeof(slot),
					   "device table", ei);

		if (err)
			return err;
		memcpy(d->tag, slot, sizeof(d->tag));
		d->blocks = get_le32(slot + 64);
		d->uniaddr = get_le32(slot + 68);
		if (is48) {
			d->blocks |= (uint64_t)get_le16(slot + 72) << 32;
			d->uniaddr |= (uint64_t)get_le16(slot + 74) << 32;
		}
	}
	img->device_count = n;
	while (mask < n + 1)
		mask <<= 1;
	img->device_id_mask = mask - 1;
	return 0;
}

static int load_super(struct erofs_image *img,
		      const struct erofs_image_params *params,
		      struct erofs_errinfo *ei)
{
	uint8_t raw[4096];
	size_t len = img->size < sizeof(raw) ? img->size : sizeof(raw);
	int err;

	memset(raw, 0, sizeof(raw));
	err = erofs_image_read(img, raw, len, 0, "superblock", ei);
	if (err)
		return err;
	err = erofs_sb_decode(raw, len, &img->sb, ei);
	if (err)
		return err;
	if (!img->sb.checksum_ok && !params->skip_sb_checksum)
		return erofs_err(ei, -EBADMSG, NULL,
				 "superblock checksum mismatch (stored 0x%08x)",
				 img->sb.checksum);
	return 0;
}

static int image_attach(struct erofs_image *img, const char *path,
			uint64_t offset, struct erofs_errinfo *ei)
{
	uint64_t total;
	int err;

	img->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (img->fd < 0)
		return erofs_err(ei, -errno, NULL, "cannot open: %s",
				 strerror(errno));
	err = image_size(img->fd, &total);
	if (err == -EINVAL)
		return erofs_err(ei, err, NULL,
				 "not a regular file or block device");
	if (err)
		return erofs_err(ei, err, NULL, "cannot get size: %s",
				 strerror(-err));
	if (offset > total)
		return erofs_err(ei, -EINVAL, NULL,
				 "offset %llu is beyond the end of the image",
				 (unsigned long long)offset);
	img->offset = offset;
	img->size = total - offset;
	return 0;
}

int erofs_image_open(struct erofs_image *img, const char *path,
		     const struct erofs_image_params *params,
		     struct erofs_errinfo *ei)
{
	static const struct erofs_image_params defaults;
	struct erofs_errinfo local = { 0 };
	int err;

	if (!params)
		params = &defaults;
	memset(img, 0, sizeof(*img));
	img->fd = -1;
	img->path = strdup(path);
	if (!img->path)
		return -ENOMEM;
	err = image_attach(img, path, params->offset, &local);
	if (!err)
		err = load_super(img, params, &local);
	if (!err)
		err = load_devices(img, &local);
	if (!err)
		err = load_prefixes(img, &local);
	if (err) {
		/* errors at open are about the image as a whole */
		if (!local.subject[0] || !strcmp(local.subject, path))
			snprintf(local.subject, sizeof(local.subject), "%s", path);
		if (!local.err)
			erofs_err(&local, err, path, NULL);
		if (ei && !ei->err)
			*ei = local;
		erofs_image_close(img);
		return err;
	}
	return 0;
}

void erofs_image_close(struct erofs_image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	free(img->path);
	free(img->prefixes);
	free(img->devices);
	memset(img, 0, sizeof(*img));
	img->fd = -1;
}
