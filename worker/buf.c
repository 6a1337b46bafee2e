/*
 * buf.c — the growable byte buffer (see buf.h).
 *
 * This file must never print: a failed allocation is returned, the caller
 * reports it.
 */
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void
scc_buf_init(scc_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

int
scc_buf_append(scc_buf *b, const char *s, size_t n)
{
    size_t  need, cap;
    char   *p;

    if (n > SIZE_MAX - b->len - 1)
        return -1;
    need = b->len + n + 1;
    if (need > b->cap) {
        cap = b->cap ? b->cap : 256;
        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        p = realloc(b->data, cap);
        if (p == NULL)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void
scc_buf_reset(scc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void
scc_buf_free(scc_buf *b)
{
    free(b->data);
    scc_buf_init(b);
}
