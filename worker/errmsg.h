/*
 * errmsg.h — the worker's one way of filling a caller's error buffer
 * (`char *err, size_t errlen`), which every fallible function takes.
 *
 * This file must never print or allocate: callers decide where a message goes.
 */
#ifndef SCC_ERRMSG_H
#define SCC_ERRMSG_H

#include <stddef.h>

/* printf into err (always NUL-terminated, truncated to errlen); a NULL or
 * empty buffer is allowed and ignored. */
void scc_errmsg_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copy a message from elsewhere (a provider's answer, a server's error)
 * into dst as one printable line: newlines and tabs become spaces, other
 * control characters are dropped, runs of spaces folded, ends trimmed. */
void scc_copy_message(char *dst, size_t dstlen, const char *src, size_t srclen);

#endif
