/*
 * mail.h — sending one email the way SCC does it: render its templates,
 * record it in scc.email_outbox, respect suppressions, the send rate and a
 * sending pause, build the MIME message, hand it to the transport, record
 * the outcome, and scrub the magic-link code from its job once sent.
 *
 * Used by the 'email' job kind (scc_job_email, below) and by
 * `scc-worker send-test-email`.
 *
 * This file must never build SQL from values (PQexecParams only) and keeps
 * the outbox state machine in sql/migrations/003_email.sql's functions.
 */
#ifndef SCC_MAIL_H
#define SCC_MAIL_H

#include <stdint.h>
#include <libpq-fe.h>
#include <yajl/yajl_tree.h>

#include "config.h"
#include "mime.h"

typedef struct scc_mailer scc_mailer;

/* Check the email settings (transport name, send_rate, send_pause, sender
 * and audit_bcc syntax; with need_sender, that a sender is set).  Returns
 * 0, or -1 with a message naming the setting. */
int scc_mail_check_config(const scc_config *cfg, int need_sender, char *err, size_t errlen);

/* A mailer for this process: the transport (`transport` overrides the
 * config's), templates, rate limit.  NULL with err on a bad configuration.
 *
 * Failover: the config's `transport` may list several, `ses, smtp`: a
 * message goes through the next one only when the one before CERTAINLY
 * did not accept it: nothing reached it (connection refused, DNS; HTTP or
 * SMTP status 0), the account is paused (SCC_SEND_PAUSE: the next one is
 * used at once while the pause lasts), or it still answered 429/5xx (or
 * an SMTP 4xx) on the job's last attempt.  Never after an ambiguous
 * outcome (SCC_SEND_UNKNOWN: the request left and the answer was lost) nor
 * a refusal (SCC_SEND_FAIL).  The outbox row records the transport that
 * delivered it (`delivered_by`). */
scc_mailer *scc_mailer_new(const scc_config *cfg, const char *transport, char *err, size_t errlen);
void scc_mailer_free(scc_mailer *m);
const char *scc_mailer_transport_name(const scc_mailer *m);

typedef struct {
    const char        *template;    /* worker/templates/<template>.{subject,txt,html}.mustache */
    const char *const *to;          /* "a@b" or "Name <a@b>" */
    size_t             n_to;
    yajl_val           data;        /* template variables (object) or NULL */
    const char        *code;        /* plain magic-link code or NULL: data.link is built */
    const scc_mime_attachment *attachments;
    size_t             n_attachments;
    int64_t            job_id;      /* the email job, 0 for none (send-test-email) */
    /* Already rendered (a report run's archive): when text is set, these
     * are sent as they are and no template is read; template still names
     * the message in the outbox.  html may be NULL (text only). */
    const char        *subject;
    const char        *text;
    const char        *html;
    int                last_attempt; /* the job's last attempt: a provider still
                                      * answering 429/5xx fails over (below) */
} scc_mail;

typedef enum {
    SCC_MAIL_SENT,      /* handed to the transport and accepted */
    SCC_MAIL_NOTHING,   /* an earlier attempt finished it (sent or failed): nothing to do */
    SCC_MAIL_SUPPRESSED,/* every recipient is suppressed: recorded as failed, not sent */
    SCC_MAIL_RETRY,     /* temporary: try again later (info says why) */
    SCC_MAIL_PAUSED,    /* not tried: the provider paused sending (info says how long) */
    SCC_MAIL_FAILED,    /* refused for good, recorded (info has the provider's message) */
    SCC_MAIL_UNKNOWN    /* delivery unknown: never resent automatically (info says so) */
} scc_mail_outcome;

/* Send one email.  *outbox_id is set once the outbox row exists (else 0).
 * info receives a one-line explanation (or the provider's message id). */
scc_mail_outcome scc_mail_send(scc_mailer *m, PGconn *conn, const scc_mail *mail,
                               int64_t *outbox_id, char *info, size_t infolen);

/* Rows left `sending` by a dead worker become `unknown` (scc.email_recover).
 * Returns how many, or -1 on a database error. */
int scc_mail_recover(PGconn *conn);

#endif
