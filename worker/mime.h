/*
 * mime.h — builds the RFC 5322 / MIME message of one email with GMime 3:
 * multipart/alternative (text/plain first, text/html last), inside
 * multipart/mixed when there are attachments; quoted-printable bodies,
 * base64 attachments, RFC 2047 encoded words for UTF-8 subjects and display
 * names, Date, Message-ID, X-SCC-Outbox-Id; CRLF line endings, no line
 * longer than 998 octets.
 *
 * Bcc is never written into the message: blind copies travel only in the
 * envelope (SES Destination.BccAddresses, SMTP RCPT TO), so no recipient
 * can see them in the raw message.
 *
 * This file must never send anything, touch the database or read files:
 * it turns strings into bytes.
 */
#ifndef SCC_MIME_H
#define SCC_MIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

/* An attachment (e.g. a report's CSV): bytes are base64-encoded. */
typedef struct {
    const char *filename;       /* "report.csv" (UTF-8 allowed: RFC 2231) */
    const char *content_type;   /* "text/csv; charset=utf-8"; NULL = application/octet-stream */
    const char *data;
    size_t      len;
} scc_mime_attachment;

typedef struct {
    const char  *from;          /* "Name <addr@x>" or "addr@x" */
    const char *const *to;      /* n_to addresses ("Name <a@b>" or "a@b") */
    size_t       n_to;
    const char  *subject;       /* UTF-8 */
    const char  *text;          /* text/plain body, UTF-8 (required) */
    const char  *html;          /* text/html body, UTF-8 (NULL = text only) */
    const scc_mime_attachment *attachments;
    size_t       n_attachments;
    int64_t      outbox_id;     /* > 0: X-SCC-Outbox-Id header */
    time_t       date;          /* 0 = now */
    const char  *message_id;    /* NULL = generated "<random@sender-domain>" */
} scc_mime_message;

/* Initialise GMime once per process (safe to call many times). */
void scc_mime_init(void);

/* Build the message into OUT (appended).  Returns 0, or -1 with err. */
int scc_mime_build(const scc_mime_message *m, scc_buf *out, char *err, size_t errlen);

/* The bare address of "Name <addr>" or "addr" into buf (for envelopes).
 * Returns 0, or -1 when it does not parse as exactly one mailbox. */
int scc_mime_addr_spec(const char *mailbox, char *buf, size_t len);

#endif
