/* SPDX-License-Identifier: MIT */
/* Streaming SHA-256 (OpenSSL libcrypto) for content fingerprints. */
#ifndef EROFS_DIGEST_H
#define EROFS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define EROFS_SHA256_LEN 32

struct erofs_sha256 {
	void *md_ctx;	/* EVP_MD_CTX, opaque so users need no OpenSSL headers */
};

int erofs_sha256_init(struct erofs_sha256 *h);
int erofs_sha256_update(struct erofs_sha256 *h, const void *data, size_t len);
int erofs_sha256_final(struct erofs_sha256 *h, uint8_t out[EROFS_SHA256_LEN]);
void erofs_sha256_free(struct erofs_sha256 *h);

/* One-shot convenience. */
int erofs_sha256(const void *data, size_t len, uint8_t out[EROFS_SHA256_LEN]);

#endif
