/*
 * errmsg.c — see errmsg.h.
 *
 * This file must never print or allocate.
 */
#include "errmsg.h"

#include <stdarg.h>
#include <stdio.h>

void scc_errmsg_set(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void scc_copy_message(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    size_t j = 0;
    if (dstlen == 0)
        return;
    for (size_t i = 0; i < srclen && src[i] && j + 1 < dstlen; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '\r' || ch == '\n' || ch == '\t')
            ch = ' ';
        if (ch < 0x20 || ch == 0x7f)
            continue;
        if (ch == ' ' && (j == 0 || dst[j - 1] == ' '))
            continue;
        dst[j++] = (char)ch;
    }
    while (j > 0 && dst[j - 1] == ' ')
        j--;
    dst[j] = '\0';
}
