/*
 * transport.h — how a built message leaves the worker: one small interface
 * (`scc_transport`) with three implementations:
 *
 *   ses     Amazon SES v2 SendEmail with Raw content, signed by libcurl's
 *           own SigV4 (ses.c)
 *   smtp    libcurl SMTP, STARTTLS required on smtp://, TLS on smtps:// (smtp.c)
 *   outbox  .eml files in a folder, for development and tests (outbox.c)
 *
 * A transport only moves bytes and classifies the outcome; it never touches
 * the database, renders templates or decides about retries beyond saying
 * which kind of failure it saw.  It never logs credentials.
 */
#ifndef SCC_TRANSPORT_H
#define SCC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

typedef enum {
    SCC_SEND_OK,       /* accepted by the provider (message_id set when it gave one) */
    SCC_SEND_RETRY,    /* not accepted, temporary (network before the request left, 429, 5xx) */
    SCC_SEND_FAIL,     /* refused for good (4xx): error holds the provider's message */
    SCC_SEND_UNKNOWN,  /* the request left but the answer was lost: it may have been sent */
    SCC_SEND_PAUSE     /* the account cannot send (AccountSuspended, SendingPaused) */
} scc_send_status;

typedef struct {
    scc_send_status status;
    long            code;            /* HTTP or SMTP status, 0 when none */
    char            message_id[256]; /* provider's id (SES MessageId, .eml path) */
    char            error[512];      /* why, for humans; never a credential */
} scc_send_result;

/* Who the message goes to: bare addresses (user@example.com). */
typedef struct {
    const char        *from;
    const char *const *to;
    size_t             n_to;
    const char *const *bcc;    /* envelope only: never in the message headers */
    size_t             n_bcc;
    int64_t            outbox_id;
    const char        *template;   /* tagged on the message (SES EmailTags) */
} scc_envelope;

typedef struct scc_transport scc_transport;
struct scc_transport {
    const char *name;               /* "ses", "smtp", "outbox" */
    void (*send)(scc_transport *t, const scc_envelope *env,
                 const char *msg, size_t len, scc_send_result *r);
    void (*destroy)(scc_transport *t);
};

/* A transport from the configuration (`name` overrides cfg->transport;
 * both NULL = "outbox").  Returns NULL with a clear message in err for an
 * unknown transport or a missing setting/credential. */
scc_transport *scc_transport_new(const scc_config *cfg, const char *name,
                                 char *err, size_t errlen);

/* Close its connection and free it (its secrets wiped); NULL is fine. */
void scc_transport_free(scc_transport *t);

/* The constructors (one file each). */
scc_transport *scc_ses_transport_new(const scc_config *cfg, char *err, size_t errlen);
scc_transport *scc_smtp_transport_new(const scc_config *cfg, char *err, size_t errlen);
scc_transport *scc_outbox_transport_new(const scc_config *cfg, char *err, size_t errlen);

/* Process-wide sending pause (SES AccountSuspended/SendingPaused): every
 * message waits until then.  scc_send_paused returns the seconds left (0 =
 * not paused). */
void   scc_send_pause_until(time_t until);
double scc_send_paused(time_t now);

/* ---- SES request setup, shared by ses.c and the signing test ---- */
#include <curl/curl.h>

typedef struct {
    const char *url;                /* full URL of the request */
    const char *region;             /* "us-east-1" */
    const char *service;            /* "ses" (the test uses "service") */
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;      /* NULL or "": no X-Amz-Security-Token */
    const char *amz_date;           /* "20150830T123600Z", or NULL: libcurl uses now */
    const char *content_type;       /* NULL: no Content-Type header is sent */
    const char *body;               /* POST body (libcurl hashes it for SigV4) */
    size_t      body_len;
    const char *const *extra_headers; /* "Name: value" lines, NULL-terminated, or NULL */
} scc_ses_request;

/* Put a signed POST on easy handle C: URL, body via CURLOPT_POSTFIELDS,
 * CURLOPT_AWS_SIGV4 "aws:amz:REGION:SERVICE", credentials, headers.
 * *headers receives the list to free after the transfer (curl_slist_free_all).
 * Verbose output stays off (it would print the Authorization header).
 * Returns 0, or -1 with err. */
int scc_ses_setup(CURL *c, const scc_ses_request *rq, struct curl_slist **headers,
                  char *err, size_t errlen);

#endif
