// SPDX-License-Identifier: MIT
/* dump.erofs -s: the superblock, features by name and the prefix table. */
#include <inttypes.h>
#include <string.h>
#include "erofs/features.h"
#include "erofs/rxattr.h"
#include "erofs/zmap.h"
#include "dump.h"

static void features_text(const char *label, uint32_t v,
			  erofs_feature_name_fn name)
{
	char buf[EROFS_FEATURE_LABEL_MAX];
	const char *sep = "";
	unsigned int i;

	printf("%-30s", label);
	for (i = 0; i < 32; i++) {
		if (!(v & (1U << i)))
			continue;
		printf("%s%s", sep, erofs_feature_label(1U << i, name, buf));
		sep = " ";
	}
	printf("\n");
}

static void devices_text(const struct erofs_image *img)
{
	unsigned int i;

	for (i = 0; i < img->device_count; i++) {
		const struct erofs_device_info *d = &img->devices[i];

		printf("Device %-23u%" PRIu64 " blocks at block %" PRIu64 ", tag \"",
		       i + 1, d->blocks, d->uniaddr);
		dump_bytes_text(d->tag, strnlen((const char *)d->tag, sizeof(d->tag)));
		printf("\"\n");
	}
}

static void devices_json(const struct erofs_image *img, struct erofs_json *j)
{
	unsigned int i;

	ej_arr_begin(j, "devices");
	for (i = 0; i < img->device_count; i++) {
		const struct erofs_device_info *d = &img->devices[i];

		ej_obj_begin(j, NULL);
		ej_u64(j, "id", i + 1);
		ej_u64(j, "blocks", d->blocks);
		ej_u64(j, "uniaddr", d->uniaddr);
		ej_bytes(j, "tag", d->tag, strnlen((const char *)d->tag,
						   sizeof(d->tag)));
		ej_obj_end(j);
	}
	ej_arr_end(j);
}

static void prefixes_text(const struct erofs_image *img)
{
	unsigned int i;

	for (i = 0; i < img->prefix_count; i++) {
		char text[EROFS_XATTR_PREFIX_MAX_LEN + 32];

		erofs_xattr_prefix_text(&img->prefixes[i], text, sizeof(text));
		printf("Xattr prefix %-17u base %u, \"", i,
		       img->prefixes[i].base_index);
		dump_bytes_text(text, strlen(text));
		printf("\"\n");
	}
}

static void algorithms_text(const struct erofs_sb_info *sb)
{
	int alg;

	if (!(sb->feature_incompat & EROFS_INCOMPAT_COMPR_CFGS))
		return;
	printf("%-30s", "Compression algorithms:");
	for (alg = 0; alg < EROFS_COMPR_MAX; alg++)
		if (sb->available_compr_algs & (1U << alg))
			printf(" %s", erofs_compr_alg_name(alg));
	printf("\n");
}

static void super_text(const struct erofs_image *img)
{
	const struct erofs_sb_info *sb = &img->sb;
	char uuid[40], fp[EROFS_XATTR_PREFIX_MAX_LEN + 32];

	dump_uuid_text(sb->uuid, uuid);
	printf("%-30s0x%08X\n", "Filesystem magic number:", EROFS_SUPER_MAGIC);
	printf("%-30s%u\n", "Filesystem blocksize:", sb->blksz);
	printf("%-30s%" PRIu64 "\n", "Filesystem blocks:", sb->blocks);
	printf("%-30s%" PRIu64 " bytes\n", "Image size:", img->size);
	printf("%-30s%u\n", "Inode metadata start block:", sb->meta_blkaddr);
	printf("%-30s%u\n", "Shared xattr start block:", sb->xattr_blkaddr);
	printf("%-30s%" PRIu64 "\n", "Root nid:", sb->root_nid);
	printf("%-30s%" PRIu64 "\n", "Packed nid:", sb->packed_nid);
	printf("%-30s%" PRIu64 "\n", "Inode count:", sb->inos);
	printf("%-30s", "Build time:");
	dump_time_text((int64_t)(sb->epoch + sb->build_time), 0);
	printf("\n%-30s%" PRIu64 " + %u ns\n", "Epoch:", sb->epoch, sb->fixed_nsec);
	printf("%-30s0x%08x (%s)\n", "Checksum:", sb->checksum,
	       !(sb->feature_compat & EROFS_COMPAT_SB_CHKSUM) ? "not used" :
	       sb->checksum_ok ? "valid" : "MISMATCH");
	features_text("Compat features:", sb->feature_compat,
		      erofs_feature_compat_name);
	features_text("Incompat features:", sb->feature_incompat,
		      erofs_feature_incompat_name);
	algorithms_text(sb);
	printf("%-30s%s\n", "UUID:", uuid);
	printf("%-30s", "Label:");
	dump_bytes_text(sb->volume_name, strlen(sb->volume_name));
	printf("\n%-30s%u\n", "Extra devices:", sb->extra_devices);
	devices_text(img);
	printf("%-30s%u\n", "Xattr prefixes:", sb->xattr_prefix_count);
	prefixes_text(img);
	if (sb->feature_compat & EROFS_COMPAT_ISHARE_XATTRS) {
		printf("%-30s", "Fingerprint xattr:");
		if (erofs_fingerprint_name(img, fp, sizeof(fp))) {
			printf("\"");
			dump_bytes_text(fp, strlen(fp));
			printf("\" (prefix %u)\n", sb->ishare_xattr_prefix_id);
		} else {
			printf("INVALID prefix id %u\n", sb->ishare_xattr_prefix_id);
		}
	}
}

static void prefixes_json(const struct erofs_image *img, struct erofs_json *j)
{
	unsigned int i;

	ej_arr_begin(j, "xattr_prefixes");
	for (i = 0; i < img->prefix_count; i++) {
		char text[EROFS_XATTR_PREFIX_MAX_LEN + 32];

		erofs_xattr_prefix_text(&img->prefixes[i], text, sizeof(text));
		ej_obj_begin(j, NULL);
		ej_u64(j, "id", i);
		ej_u64(j, "base_index", img->prefixes[i].base_index);
		ej_bytes(j, "infix", img->prefixes[i].infix,
			 img->prefixes[i].infix_len);
		ej_bytes(j, "name", text, strlen(text));
		ej_obj_end(j);
	}
	ej_arr_end(j);
}

static void fingerprint_json(const struct erofs_image *img,
			     struct erofs_json *j)
{
	char fp[EROFS_XATTR_PREFIX_MAX_LEN + 32];

	if (!(img->sb.feature_compat & EROFS_COMPAT_ISHARE_XATTRS)) {
		ej_null(j, "fingerprint_xattr");
		return;
	}
	ej_obj_begin(j, "fingerprint_xattr");
	ej_u64(j, "prefix_id", img->sb.ishare_xattr_prefix_id);
	ej_bool(j, "valid", erofs_fingerprint_name(img, fp, sizeof(fp)));
	if (erofs_fingerprint_name(img, fp, sizeof(fp)))
		ej_bytes(j, "name", fp, strlen(fp));
	ej_obj_end(j);
}

static void super_json(const struct erofs_image *img, struct erofs_json *j)
{
	const struct erofs_sb_info *sb = &img->sb;
	char uuid[40];

	dump_uuid_text(sb->uuid, uuid);
	ej_obj_begin(j, "superblock");
	ej_u64(j, "block_size", sb->blksz);
	ej_u64(j, "blocks", sb->blocks);
	ej_u64(j, "image_size", img->size);
	ej_u64(j, "meta_blkaddr", sb->meta_blkaddr);
	ej_u64(j, "xattr_blkaddr", sb->xattr_blkaddr);
	ej_u64(j, "root_nid", sb->root_nid);
	ej_u64(j, "packed_nid", sb->packed_nid);
	ej_u64(j, "inodes", sb->inos);
	ej_u64(j, "epoch", sb->epoch);
	ej_u64(j, "fixed_nsec", sb->fixed_nsec);
	ej_u64(j, "build_time", sb->epoch + sb->build_time);
	ej_u64(j, "checksum", sb->checksum);
	ej_bool(j, "checksum_ok", sb->checksum_ok);
	erofs_features_json(j, "compat", sb->feature_compat,
			    erofs_feature_compat_name);
	erofs_features_json(j, "incompat", sb->feature_incompat,
		      erofs_feature_incompat_name);
	ej_u64(j, "available_compr_algs", sb->available_compr_algs);
	ej_str(j, "uuid", uuid);
	ej_bytes(j, "label", sb->volume_name, strlen(sb->volume_name));
	ej_u64(j, "extra_devices", sb->extra_devices);
	devices_json(img, j);
	prefixes_json(img, j);
	fingerprint_json(img, j);
	ej_obj_end(j);
}

int dump_super(const struct erofs_image *img, struct erofs_json *j)
{
	if (j)
		super_json(img, j);
	else
		super_text(img);
	return 0;
}
