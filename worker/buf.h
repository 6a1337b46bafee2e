/*
 * buf.h — a growable byte buffer, the worker's one way to build text of
 * unknown length (templates, MIME, SQL array literals, HTTP bodies).
 *
 * This file must never hold a feature's logic: it only grows memory.
 */
#ifndef SCC_BUF_H
#define SCC_BUF_H

#include <stddef.h>

/* A growable byte buffer, owned by the caller.  data is always
 * NUL-terminated once anything was appended (len excludes the NUL). */
typedef struct scc_buf {
    char   *data;
    size_t  len;
    size_t  cap;
} scc_buf;

/* An empty buffer (data NULL): nothing allocated until the first append. */
void scc_buf_init(scc_buf *b);

/* Append n bytes of s (which may hold NULs).  Returns 0, or -1 when memory
 * ran out (the buffer is left unchanged). */
int  scc_buf_append(scc_buf *b, const char *s, size_t n);

/* Empty it for reuse: len = 0, the memory kept. */
void scc_buf_reset(scc_buf *b);

/* Release the memory; the buffer is empty again (as after scc_buf_init). */
void scc_buf_free(scc_buf *b);

#endif
