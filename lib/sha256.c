// SPDX-License-Identifier: MIT
#include <errno.h>
#include <openssl/evp.h>
#include "erofs/digest.h"

int erofs_sha256_init(struct erofs_sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->md_ctx = ctx;
	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		erofs_sha256_free(h);
		return -EIO;
	}
	return 0;
}

int erofs_sha256_update(struct erofs_sha256 *h, const void *data, size_t len)
{
	return EVP_DigestUpdate(h->md_ctx, data, len) == 1 ? 0 : -EIO;
}

int erofs_sha256_final(struct erofs_sha256 *h, uint8_t out[EROFS_SHA256_LEN])
{
	unsigned int n = 0;
	int ret = EVP_DigestFinal_ex(h->md_ctx, out, &n) == 1 &&
		  n == EROFS_SHA256_LEN ? 0 : -EIO;

	erofs_sha256_free(h);
	return ret;
}

void erofs_sha256_free(struct erofs_sha256 *h)
{
	EVP_MD_CTX_free(h->md_ctx);
	h->md_ctx = NULL;
}

int erofs_sha256(const void *data, size_t len, uint8_t out[EROFS_SHA256_LEN])
{
	struct erofs_sha256 h;
	int ret = erofs_sha256_init(&h);

	if (ret)
		return ret;
	ret = erofs_sha256_update(&h, data, len);
	if (ret) {
		erofs_sha256_free(&h);
		return ret;
	}
	return erofs_sha256_final(&h, out);
}
