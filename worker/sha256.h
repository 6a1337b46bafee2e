/*
 * sha256.h — SHA-256 as lower-case hex, for migration checksums (and later
 * anything else that needs a content fingerprint).
 *
 * This file must never be used for secrets comparison or MACs: it is a plain
 * digest; secret material needs HMAC and constant-time compares elsewhere.
 */
#ifndef SCC_SHA256_H
#define SCC_SHA256_H

#include <stddef.h>

#define SCC_SHA256_HEX_SIZE 65 /* 64 hex digits + NUL */

/* Write the digest of `data` into `hex`. Returns 0, or -1 if OpenSSL fails. */
int scc_sha256_hex(const void *data, size_t len, char hex[SCC_SHA256_HEX_SIZE]);

#endif
