/*
 * sha256.c — SHA-256 hex digests through OpenSSL's EVP interface.
 *
 * This file must never carry its own hash implementation: OpenSSL's is
 * reviewed and fast, ours would be neither.
 */
#include "sha256.h"

#include <openssl/evp.h>

int scc_sha256_hex(const void *data, size_t len, char hex[SCC_SHA256_HEX_SIZE])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    static const char digits[] = "0123456789abcdef";

    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return -1;
    for (unsigned int i = 0; i < mdlen; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 0x0f];
    }
    hex[64] = '\0';
    return 0;
}
