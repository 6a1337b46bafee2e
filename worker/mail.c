/*
 * mail.c — one email from template to provider (see mail.h), and the
 * 'email' job kind.
 *
 * Order of events for one message (why: SES has no idempotency key):
 *   1. render subject, text and HTML; parse the recipients;
 *   2. scc.email_prepare: find or create the job's outbox row (suppressed
 *      recipients dropped; a row an earlier attempt left `sending` becomes
 *      `unknown` and is NOT sent again);
 *   0. (before 2) wait for the rate limit;
 *   3. email_prepare has also marked the row `sending` and taken its
 *      advisory lock, COMMITTED (autocommit) BEFORE the provider call;
 *      the message is built with the outbox id in X-SCC-Outbox-Id;
 *   4. the transport sends; 5. scc.email_finish records the outcome and,
 *      once final, removes the plain code from the job's payload.
 *
 * This file must never build SQL from values, log credentials, or put the
 * magic-link code in a log line or an error message.
 */
#include "mail.h"

#include "clock.h"
#include "db.h"
#include "jobs.h"
#include "log.h"
#include "json.h"
#include "ratelimit.h"
#include "template.h"
#include "errmsg.h"
#include "credential.h"
#include "transport.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

typedef struct {
    char         *key;      /* "name.kind" */
    scc_template *t;        /* NULL: the file does not exist */
} tpl_entry;

#define MAX_TRANSPORTS 3

struct scc_mailer {
    scc_transport *transport;     /* the first of transports[] */
    scc_transport *transports[MAX_TRANSPORTS];  /* failover order (mail.h) */
    size_t         n_transports;
    char          *sender;        /* as configured: "Name <addr>" or "addr" */
    char           sender_addr[320];
    char          *audit_bcc;     /* bare address or NULL */
    char          *public_url;    /* without trailing slash, or NULL */
    char          *templates_dir;
    double         pause_seconds;
    scc_ratelimit  rl;
    tpl_entry     *tpl;
    size_t         ntpl;
    scc_buf        mime;
};

/* ---- configuration ----------------------------------------------------------- */

/* The config's `transport`: one name or a comma-separated failover list
 * ("ses, smtp"), each ses, smtp or outbox, none twice, at most
 * MAX_TRANSPORTS.  Empty: outbox.  Returns how many, or -1 with err. */
static int transport_list(const char *t, char names[MAX_TRANSPORTS][16], char *err, size_t errlen)
{
    int n = 0;

    if (t == NULL || *t == '\0') {
        snprintf(names[0], sizeof(names[0]), "outbox");
        return 1;
    }
    for (const char *p = t;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strcspn(p, ",");
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if ((len != 3 || strncmp(p, "ses", 3)) && (len != 4 || strncmp(p, "smtp", 4)) &&
            (len != 6 || strncmp(p, "outbox", 6))) {
            snprintf(err, errlen, "unknown transport \"%.*s\" (expected ses, smtp or outbox); a "
                     "failover list: \"ses, smtp\"", (int)(len < 64 ? len : 64), p);
            return -1;
        }
        if (n == MAX_TRANSPORTS) {
            snprintf(err, errlen, "transport: at most %d in a failover list", MAX_TRANSPORTS);
            return -1;
        }
        snprintf(names[n], sizeof(names[n]), "%.*s", (int)len, p);
        for (int i = 0; i < n; i++) {
            if (strcmp(names[i], names[n]) == 0) {
                snprintf(err, errlen, "transport \"%s\" is listed twice", names[n]);
                return -1;
            }
        }
        n++;
        p = strchr(p, ',');
        if (p == NULL)
            return n;
        p++;
    }
}

int scc_mail_check_config(const scc_config *cfg, int need_sender, char *err, size_t errlen)
{
    double d;
    char   names[MAX_TRANSPORTS][16];
    if (transport_list(cfg->transport, names, err, errlen) < 0)
        return -1;
    if (scc_config_number("send_rate", cfg->send_rate, 0, 0, 100000, &d, err, errlen) ||
        scc_config_number("send_pause", cfg->send_pause, 3600, 1, 7 * 86400.0, &d, err, errlen))
        return -1;
    char addr[320];
    if (cfg->sender == NULL || *cfg->sender == '\0') {
        if (need_sender) {
            snprintf(err, errlen, "no sender configured: set `sender = SCC <noreply@example.com>` "
                     "in the config file (the From of every email)");
            return -1;
        }
    } else if (scc_mime_addr_spec(cfg->sender, addr, sizeof(addr)) != 0) {
        snprintf(err, errlen, "sender \"%s\" is not one email address", cfg->sender);
        return -1;
    }
    if (cfg->audit_bcc && *cfg->audit_bcc &&
        scc_mime_addr_spec(cfg->audit_bcc, addr, sizeof(addr)) != 0) {
        snprintf(err, errlen, "audit_bcc \"%s\" is not one email address", cfg->audit_bcc);
        return -1;
    }
    if (cfg->public_url && *cfg->public_url && strncmp(cfg->public_url, "http://", 7) &&
        strncmp(cfg->public_url, "https://", 8)) {
        snprintf(err, errlen, "public_url must start with http:// or https:// (got \"%s\")",
                 cfg->public_url);
        return -1;
    }
    return 0;
}

scc_mailer *scc_mailer_new(const scc_config *cfg, const char *transport, char *err, size_t errlen)
{
    if (scc_mail_check_config(cfg, 1, err, errlen) != 0)
        return NULL;
    scc_mailer *m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char names[MAX_TRANSPORTS][16];
    int  n = 1;
    if (transport && *transport)
        snprintf(names[0], sizeof(names[0]), "%s", transport);
    else
        n = transport_list(cfg->transport, names, err, errlen);
    for (int i = 0; i < n; i++) {
        m->transports[i] = scc_transport_new(cfg, names[i], err, errlen);
        if (!m->transports[i]) {
            for (int k = 0; k < i; k++)
                scc_transport_free(m->transports[k]);
            free(m);
            return NULL;
        }
    }
    m->n_transports = (size_t)n;
    m->transport = m->transports[0];
    m->sender = strdup(cfg->sender);
    scc_mime_addr_spec(cfg->sender, m->sender_addr, sizeof(m->sender_addr));
    if (cfg->audit_bcc && *cfg->audit_bcc) {
        char a[320];
        scc_mime_addr_spec(cfg->audit_bcc, a, sizeof(a));
        m->audit_bcc = strdup(a);
    }
    if (cfg->public_url && *cfg->public_url) {
        m->public_url = strdup(cfg->public_url);
        size_t n = strlen(m->public_url);
        while (n > 0 && m->public_url[n - 1] == '/')
            m->public_url[--n] = '\0';
    }
    m->templates_dir = strdup(cfg->templates_dir && *cfg->templates_dir ? cfg->templates_dir
                                                                        : "worker/templates");
    double rate = 0;
    scc_config_number("send_rate", cfg->send_rate, 0, 0, 100000, &rate, err, errlen);
    scc_config_number("send_pause", cfg->send_pause, 3600, 1, 7 * 86400.0, &m->pause_seconds, err, errlen);
    /* A burst of one second's worth (at least 1): steady, never above rate. */
    scc_ratelimit_init(&m->rl, rate, rate, scc_clock_monotonic());
    scc_buf_init(&m->mime);
    return m;
}

void scc_mailer_free(scc_mailer *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_transports; i++)
        scc_transport_free(m->transports[i]);
    free(m->sender);
    free(m->audit_bcc);
    free(m->public_url);
    free(m->templates_dir);
    for (size_t i = 0; i < m->ntpl; i++) {
        free(m->tpl[i].key);
        scc_template_free(m->tpl[i].t);
    }
    free(m->tpl);
    scc_buf_free(&m->mime);
    free(m);
}

const char *scc_mailer_transport_name(const scc_mailer *m)
{
    return m->transport->name;
}

/* ---- templates --------------------------------------------------------------- */

static int name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* The compiled template NAME.KIND.mustache; *missing set when there is no
 * such file.  NULL with err on a read or compile error. */
static const scc_template *get_template(scc_mailer *m, const char *name, const char *kind,
                                        int *missing, char *err, size_t errlen)
{
    char key[160];
    snprintf(key, sizeof(key), "%s.%s", name, kind);
    *missing = 0;
    for (size_t i = 0; i < m->ntpl; i++) {
        if (strcmp(m->tpl[i].key, key) == 0) {
            *missing = m->tpl[i].t == NULL;
            return m->tpl[i].t;
        }
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s.mustache", m->templates_dir, key);
    scc_template *t = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (errno != ENOENT) {
            snprintf(err, errlen, "cannot read template %.300s: %s", path, strerror(errno));
            return NULL;
        }
        *missing = 1;
    } else {
        scc_buf src;
        scc_buf_init(&src);
        char chunk[8192];
        size_t n;
        int bad = 0;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            bad |= scc_buf_append(&src, chunk, n);
        fclose(f);
        char cerr[256] = "";
        if (!bad)
            t = scc_template_compile(src.data ? src.data : "", src.len, cerr, sizeof(cerr));
        scc_buf_free(&src);
        if (t == NULL) {
            snprintf(err, errlen, "template %.300s: %s", path, bad ? "out of memory" : cerr);
            return NULL;
        }
    }
    tpl_entry *grown = realloc(m->tpl, sizeof(*grown) * (m->ntpl + 1));
    if (!grown) {
        scc_template_free(t);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->tpl = grown;
    m->tpl[m->ntpl].key = strdup(key);
    m->tpl[m->ntpl].t = t;
    m->ntpl++;
    return t;
}

static int render(scc_mailer *m, const char *name, const char *kind, yajl_val ctx,
                  scc_buf *out, int required, char *err, size_t errlen)
{
    int missing;
    const scc_template *t = get_template(m, name, kind, &missing, err, errlen);
    if (missing) {
        if (required) {
            snprintf(err, errlen, "no template %s/%s.%s.mustache", m->templates_dir, name, kind);
            return -1;
        }
        return 1;
    }
    if (!t)
        return -1;
    return scc_template_render(t, ctx, NULL, NULL, out, err, errlen);
}

/* The rendering context: data's keys, then link / public_url / to / sender. */
static yajl_val build_context(scc_mailer *m, const scc_mail *mail, char *err, size_t errlen)
{
    char *link = NULL;
    if (mail->code && *mail->code) {
        if (!m->public_url) {
            snprintf(err, errlen, "public_url is not configured: cannot build the link of a "
                     "%s email", mail->template);
            return NULL;
        }
        /* Codes are URL-safe (base64url / hex); refuse anything else rather
         * than build a broken link. */
        for (const char *p = mail->code; *p; p++) {
            if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~')) {
                snprintf(err, errlen, "the code of this %s email is not URL-safe", mail->template);
                return NULL;
            }
        }
        if (asprintf(&link, "%s/signin.html?code=%s", m->public_url, mail->code) < 0)
            link = NULL;
    }
    yajl_gen g = yajl_gen_alloc(NULL);
    yajl_gen_map_open(g);
    if (mail->data && YAJL_IS_OBJECT(mail->data)) {
        for (size_t i = 0; i < mail->data->u.object.len; i++) {
            const char *k = mail->data->u.object.keys[i];
            if (link && strcmp(k, "link") == 0)
                continue;
            scc_json_gen_str(g, k);
            scc_json_gen_value(g, mail->data->u.object.values[i]);
        }
    }
    if (link) {
        scc_json_gen_str(g, "link");
        scc_json_gen_str(g, link);
    }
    if (m->public_url) {
        scc_json_gen_str(g, "public_url");
        scc_json_gen_str(g, m->public_url);
    }
    scc_json_gen_str(g, "to");
    scc_json_gen_str(g, mail->n_to ? mail->to[0] : "");
    scc_json_gen_str(g, "sender");
    scc_json_gen_str(g, m->sender_addr);
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    char *text = strndup((const char *)buf, len);
    /* link, and so the generated text, hold the magic-link code */
    explicit_bzero((void *)buf, len);
    yajl_gen_free(g);
    scc_secret_free(link);
    char perr[128];
    yajl_val v = text ? yajl_tree_parse(text, perr, sizeof(perr)) : NULL;
    scc_secret_free(text);
    if (!v)
        snprintf(err, errlen, "out of memory building the template context");
    return v;
}

/* ---- database steps --------------------------------------------------------------- */

static int db_error(PGconn *conn, PGresult *res, const char *what, char *info, size_t infolen)
{
    scc_db_error(conn, res, what, info, infolen);
    PQclear(res);
    return -1;
}

/* scc.email_finish: the outcome of the provider call; with scrub_job > 0
 * the job's plain code goes in the same transaction. */
static int finish(PGconn *conn, int64_t id, const char *status, const char *message_id,
                  const char *error, int64_t scrub_job, const char *transport,
                  char *info, size_t infolen)
{
    char idbuf[24], jobbuf[24];
    snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
    snprintf(jobbuf, sizeof(jobbuf), "%" PRId64, scrub_job);
    const char *params[6] = { idbuf, status, message_id && *message_id ? message_id : NULL,
                              error && *error ? error : NULL, scrub_job > 0 ? jobbuf : NULL,
                              transport };
    /* 033's overload also records which transport delivered a sent row */
    PGresult *res = PQexecParams(conn,
        "select scc.email_finish($1::bigint, $2, $3, $4, $5::bigint, $6)",
        6, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        return db_error(conn, res, "recording the email outcome", info, infolen);
    PQclear(res);
    return 0;
}

int scc_mail_recover(PGconn *conn)
{
    PGresult *res = PQexec(conn, "select scc.email_recover()");
    int n = -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        n = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return n;
}

static void sleep_seconds(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- one message, step by step ------------------------------------------------------- */

/* One message on its way.  Each step returns 0 to go on, or -1 with `out`
 * and `info` saying why the message stops there. */
typedef struct {
    scc_mailer        *m;
    PGconn            *conn;
    const scc_mail    *mail;
    char             (*addrs)[320]; /* bare addresses of mail->to */
    const char       **addrp;
    scc_buf            subject, text, html;
    int                has_html;
    const char        *bcc[1];      /* the audit address, if any */
    size_t             n_bcc;
    int64_t            outbox_id;
    char             **kept;        /* the recipients this attempt mails */
    size_t             n_kept;
    scc_mail_outcome   out;
    char              *info;
    size_t             infolen;
    size_t             first;       /* the transport to start with (a pause skips the first) */
} mail_msg;

static int mail_stop(mail_msg *g, scc_mail_outcome out)
{
    g->out = out;
    return -1;
}

/* 1. Render: the recipients' bare addresses, then subject, text and HTML.
 * Before any outbox row, so a broken template leaves none behind. */
static int mail_render(mail_msg *g)
{
    const scc_mail *mail = g->mail;
    yajl_val        ctx;
    int             bad;

    if (!name_ok(mail->template)) {
        snprintf(g->info, g->infolen, "bad template name \"%.64s\"",
                 mail->template ? mail->template : "");
        return mail_stop(g, SCC_MAIL_FAILED);
    }
    if (mail->n_to == 0) {
        snprintf(g->info, g->infolen, "no recipient");
        return mail_stop(g, SCC_MAIL_FAILED);
    }
    g->addrs = calloc(mail->n_to, sizeof(*g->addrs));
    g->addrp = calloc(mail->n_to, sizeof(char *));
    if (!g->addrs || !g->addrp) {
        snprintf(g->info, g->infolen, "out of memory");
        return mail_stop(g, SCC_MAIL_RETRY);
    }
    for (size_t i = 0; i < mail->n_to; i++) {
        if (scc_mime_addr_spec(mail->to[i], g->addrs[i], sizeof(g->addrs[i])) != 0) {
            snprintf(g->info, g->infolen, "bad recipient address \"%.200s\"", mail->to[i]);
            return mail_stop(g, SCC_MAIL_FAILED);
        }
        g->addrp[i] = g->addrs[i];
    }
    if (mail->text) {
        /* already rendered: sent as it is */
        if (scc_buf_append(&g->subject, mail->subject ? mail->subject : "",
                           mail->subject ? strlen(mail->subject) : 0) ||
            scc_buf_append(&g->text, mail->text, strlen(mail->text)) ||
            (mail->html && scc_buf_append(&g->html, mail->html, strlen(mail->html)))) {
            snprintf(g->info, g->infolen, "out of memory");
            return mail_stop(g, SCC_MAIL_RETRY);
        }
        g->has_html = mail->html != NULL;
        goto one_line;
    }
    ctx = build_context(g->m, mail, g->info, g->infolen);
    if (!ctx)
        return mail_stop(g, SCC_MAIL_RETRY);
    int hr = 1;
    bad = render(g->m, mail->template, "subject", ctx, &g->subject, 1, g->info, g->infolen) != 0 ||
          render(g->m, mail->template, "txt", ctx, &g->text, 1, g->info, g->infolen) != 0 ||
          (hr = render(g->m, mail->template, "html", ctx, &g->html, 0, g->info, g->infolen)) < 0;
    yajl_tree_free(ctx);
    /* A missing or broken template is a deployment problem: retry, it may
     * be fixed before the attempts run out. */
    if (bad)
        return mail_stop(g, SCC_MAIL_RETRY);
    g->has_html = hr == 0;
one_line:
    /* Subjects are one line. */
    for (size_t i = 0; i < g->subject.len; i++)
        if (g->subject.data[i] == '\r' || g->subject.data[i] == '\n' || g->subject.data[i] == '\t')
            g->subject.data[i] = ' ';
    while (g->subject.len > 0 && g->subject.data[g->subject.len - 1] == ' ')
        g->subject.data[--g->subject.len] = '\0';
    return 0;
}

/* 2. Our turn: not while sending is paused; the send rate's token taken
 * before the row is claimed, so no row sits in `sending` while we sleep. */
static int mail_wait_turn(mail_msg *g)
{
    double wait = scc_send_paused(time(NULL));
    g->first = 0;
    if (wait > 0 && g->m->n_transports > 1) {
        /* the first transport's account is paused: the next one sends */
        g->first = 1;
    } else if (wait > 0) {
        snprintf(g->info, g->infolen, "sending is paused for %.0f more seconds (the provider "
                 "said the account cannot send)", wait);
        return mail_stop(g, SCC_MAIL_PAUSED);
    }
    for (;;) {
        double w = scc_ratelimit_take(&g->m->rl, scc_clock_monotonic());
        if (w <= 0)
            return 0;
        sleep_seconds(w);
    }
}

/* 3. Prepare: scc.email_prepare finds or creates the outbox row, drops the
 * recipients suppressed now, and when the row is ours to send marks it
 * `sending` under its advisory lock, committed before the provider call. */
static int mail_prepare(mail_msg *g)
{
    const scc_mail *mail = g->mail;
    scc_buf         arr, bcc;
    char            jobbuf[24], status[16];
    int             bad;

    g->bcc[0] = g->m->audit_bcc;
    g->n_bcc = g->m->audit_bcc ? 1 : 0;
    snprintf(jobbuf, sizeof(jobbuf), "%" PRId64, mail->job_id);
    scc_buf_init(&arr);
    scc_buf_init(&bcc);
    bad = scc_db_text_array(&arr, g->addrp, mail->n_to) ||
          scc_db_text_array(&bcc, g->bcc, g->n_bcc);
    if (bad) {
        scc_buf_free(&arr);
        scc_buf_free(&bcc);
        snprintf(g->info, g->infolen, "out of memory");
        return mail_stop(g, SCC_MAIL_RETRY);
    }
    const char *params[7] = { mail->job_id > 0 ? jobbuf : NULL, g->m->sender_addr, arr.data,
                              bcc.data, g->subject.data ? g->subject.data : "", mail->template,
                              g->m->transport->name };
    PGresult *res = PQexecParams(g->conn,
        "select outbox_id, status, recipients from scc.email_prepare($1::bigint, $2, $3::text[], "
        "$4::text[], $5, $6, $7)", 7, NULL, params, NULL, NULL, 0);
    scc_buf_free(&arr);
    scc_buf_free(&bcc);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        db_error(g->conn, res, "recording the email in scc.email_outbox", g->info, g->infolen);
        return mail_stop(g, SCC_MAIL_RETRY);
    }
    g->outbox_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    snprintf(status, sizeof(status), "%s", PQgetvalue(res, 0, 1));
    g->kept = scc_db_parse_text_array(PQgetvalue(res, 0, 2), &g->n_kept);
    PQclear(res);

    if (strcmp(status, "sent") == 0 || strcmp(status, "failed") == 0) {
        snprintf(g->info, g->infolen, "outbox %" PRId64 " was already %s by an earlier attempt",
                 g->outbox_id, status);
        return mail_stop(g, SCC_MAIL_NOTHING);
    }
    if (strcmp(status, "suppressed") == 0) {
        snprintf(g->info, g->infolen, "outbox %" PRId64 ": every recipient is suppressed; not sent",
                 g->outbox_id);
        return mail_stop(g, SCC_MAIL_SUPPRESSED);
    }
    if (strcmp(status, "unknown") == 0) {
        snprintf(g->info, g->infolen, "outbox %" PRId64 " is 'unknown': an earlier attempt stopped "
                 "during the provider call, so it may have been delivered; not resent "
                 "automatically (check the provider's logs for X-SCC-Outbox-Id %" PRId64 ", then "
                 "resend by hand)", g->outbox_id, g->outbox_id);
        return mail_stop(g, SCC_MAIL_UNKNOWN);
    }
    if (strcmp(status, "sending") != 0 || !g->kept || g->n_kept == 0) {
        snprintf(g->info, g->infolen, "outbox %" PRId64 " is being sent by another worker",
                 g->outbox_id);
        return mail_stop(g, SCC_MAIL_RETRY);
    }
    return 0;
}

/* 4. Build the MIME message, tagged with its outbox id, addressed to the
 * recipients still mailed (with the display names they were given).  A
 * message that cannot be built is recorded as failed. */
static int mail_build(mail_msg *g)
{
    const scc_mail *mail = g->mail;
    char            merr[256], ferr[256];

    const char **shown = calloc(g->n_kept, sizeof(char *));
    if (!shown) {
        snprintf(g->info, g->infolen, "out of memory");
        finish(g->conn, g->outbox_id, "queued", NULL, g->info, 0, NULL, ferr, sizeof(ferr));
        return mail_stop(g, SCC_MAIL_RETRY);
    }
    for (size_t k = 0; k < g->n_kept; k++) {
        shown[k] = g->kept[k];
        for (size_t i = 0; i < mail->n_to; i++)
            if (strcasecmp(g->addrs[i], g->kept[k]) == 0) {
                shown[k] = mail->to[i];
                break;
            }
    }
    scc_mime_message mm = {
        .from = g->m->sender, .to = shown, .n_to = g->n_kept,
        .subject = g->subject.data ? g->subject.data : "",
        .text = g->text.data ? g->text.data : "",
        .html = g->has_html ? (g->html.data ? g->html.data : "") : NULL,
        .attachments = mail->attachments, .n_attachments = mail->n_attachments,
        .outbox_id = g->outbox_id,
    };
    scc_buf_reset(&g->m->mime);
    int built = scc_mime_build(&mm, &g->m->mime, merr, sizeof(merr));
    free(shown);
    if (built != 0) {
        snprintf(g->info, g->infolen, "building the message: %s", merr);
        finish(g->conn, g->outbox_id, "failed", NULL, g->info, mail->job_id, NULL, ferr,
               sizeof(ferr));
        return mail_stop(g, SCC_MAIL_FAILED);
    }
    return 0;
}

/* Did the transport certainly not accept the message, so that the next
 * one may send it (mail.h, failover)? */
static int certainly_not_accepted(const scc_send_result *r, const scc_mail *mail)
{
    if (r->status == SCC_SEND_PAUSE)
        return 1;
    if (r->status != SCC_SEND_RETRY)
        return 0;                   /* sent, refused, or unknown: never again elsewhere */
    return r->code == 0 || mail->last_attempt;
}

/* 5. Send and record: the transport's answer becomes the row's outcome
 * (scc.email_finish), the job's code goes once the outcome is final.  With
 * a failover list, a message the transport certainly did not accept goes
 * to the next one (certainly_not_accepted), still under the row's lock. */
static void mail_send_and_record(mail_msg *g)
{
    scc_mailer      *m = g->m;
    scc_transport   *t = m->transports[g->first];
    scc_send_result  r;
    const char      *st;
    char             ferr[256];

    /* The row is `sending` (committed) and this session holds its lock. */
    scc_envelope env = {
        .from = m->sender_addr, .to = (const char *const *)g->kept, .n_to = g->n_kept,
        .bcc = g->bcc, .n_bcc = g->n_bcc, .outbox_id = g->outbox_id,
        .template = g->mail->template,
    };
    for (size_t i = g->first;; i++) {
        t = m->transports[i];
        t->send(t, &env, m->mime.data, m->mime.len, &r);
        if (r.status == SCC_SEND_PAUSE && i == 0)
            scc_send_pause_until(time(NULL) + (time_t)m->pause_seconds);
        if (i + 1 >= m->n_transports || !certainly_not_accepted(&r, g->mail))
            break;
        scc_log_warn("email", "outbox=%" PRId64 " %s did not accept it (%s): failing over to %s",
                     g->outbox_id, t->name, r.error, m->transports[i + 1]->name);
    }

    switch (r.status) {
    case SCC_SEND_OK:
        st = "sent";
        g->out = SCC_MAIL_SENT;
        snprintf(g->info, g->infolen, "%s", r.message_id);
        break;
    case SCC_SEND_FAIL:
        st = "failed";
        g->out = SCC_MAIL_FAILED;
        snprintf(g->info, g->infolen, "%s", r.error);
        break;
    case SCC_SEND_UNKNOWN:
        st = "unknown";
        g->out = SCC_MAIL_UNKNOWN;
        snprintf(g->info, g->infolen, "outbox %" PRId64 ": %s; not resent automatically",
                 g->outbox_id, r.error);
        break;
    case SCC_SEND_PAUSE:
        /* The account, not this message: it waits out the pause like the
         * others, without using an attempt. */
        scc_send_pause_until(time(NULL) + (time_t)m->pause_seconds);
        scc_log_warn("email", "sending paused for %.0f s: %s", m->pause_seconds, r.error);
        st = "queued";
        g->out = SCC_MAIL_PAUSED;
        snprintf(g->info, g->infolen, "%s", r.error);
        break;
    default:
        st = "queued";
        g->out = SCC_MAIL_RETRY;
        snprintf(g->info, g->infolen, "%s", r.error);
        break;
    }
    /* A message tried again later keeps its code; the job's end scrubs it
     * in any case (the jobs_scrub_code trigger). */
    int64_t scrub = strcmp(st, "queued") == 0 ? 0 : g->mail->job_id;
    if (finish(g->conn, g->outbox_id, st, r.status == SCC_SEND_OK ? r.message_id : NULL,
               r.status == SCC_SEND_OK ? NULL : r.error, scrub, t->name, ferr, sizeof(ferr)) != 0) {
        /* The provider's outcome stands; the row stays `sending` and a later
         * attempt marks it `unknown` (never resent blindly). */
        scc_log_error("email", "outbox %" PRId64 " %s but %s", g->outbox_id, st, ferr);
        if (g->out == SCC_MAIL_RETRY || g->out == SCC_MAIL_PAUSED)
            g->out = SCC_MAIL_UNKNOWN;
    }
    scc_log_info("email", "outbox=%" PRId64 " template=%s to=%s%s transport=%s outcome=%s%s%s",
                 g->outbox_id, g->mail->template, g->kept[0], g->n_kept > 1 ? ",..." : "",
                 t->name, st,
                 r.status == SCC_SEND_OK && r.message_id[0] ? " provider_id=" : "",
                 r.status == SCC_SEND_OK ? r.message_id : "");
}

scc_mail_outcome scc_mail_send(scc_mailer *m, PGconn *conn, const scc_mail *mail,
                               int64_t *outbox_id, char *info, size_t infolen)
{
    mail_msg g;

    memset(&g, 0, sizeof(g));
    g.m = m;
    g.conn = conn;
    g.mail = mail;
    g.info = info;
    g.infolen = infolen;
    g.out = SCC_MAIL_RETRY;
    info[0] = '\0';
    scc_buf_init(&g.subject);
    scc_buf_init(&g.text);
    scc_buf_init(&g.html);

    if (mail_render(&g) != 0 || mail_wait_turn(&g) != 0)
        goto not_recorded;
    if (mail_prepare(&g) != 0 || mail_build(&g) != 0)
        goto not_sent;
    mail_send_and_record(&g);
    goto cleanup;

not_recorded:   /* no outbox row was touched */
not_sent:       /* the row says why (or was finished by an earlier attempt) */
cleanup:
    *outbox_id = g.outbox_id;
    free(g.kept);
    free(g.addrs);
    free(g.addrp);
    scc_buf_free(&g.subject);
    scc_buf_free(&g.text);
    scc_buf_free(&g.html);
    return g.out;
}

/* ---- the 'email' job kind --------------------------------------------------------------- */

static scc_mailer *proc_mailer;
static int proc_recovered;

/* A report run's email (payload "report_run_id"): its archived subject,
 * text, HTML and CSV (scc.report_run_mail), sent as they are with the CSV
 * attached as <kind>-<period>.csv.  SCC_JOB_DONE with mail filled (*res
 * holds the row it points into: PQclear it after sending), or the job's
 * outcome with err. */
static scc_job_result report_mail(scc_worker *w, yajl_val rid, scc_mail *mail, scc_mime_attachment *att,
                       PGresult **res, char *err, size_t errlen)
{
    char id[32];

    if (!YAJL_IS_INTEGER(rid)) {
        snprintf(err, errlen, "email: report_run_id must be an integer");
        return SCC_JOB_FAIL;
    }
    snprintf(id, sizeof(id), "%lld", YAJL_GET_INTEGER(rid));
    const char *vals[] = { id };
    *res = PQexecParams(w->conn, "select subject, text, html, csv, filename, template "
                        "from scc.report_run_mail($1::bigint)", 1, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(*res) != PGRES_TUPLES_OK) {
        scc_db_error(w->conn, *res, "email: reading the report run", err, errlen);
        return SCC_JOB_RETRY;
    }
    if (PQntuples(*res) != 1) {
        snprintf(err, errlen, "email: report run %s is not done (nothing to send)", id);
        return SCC_JOB_FAIL;
    }
    mail->subject = PQgetvalue(*res, 0, 0);
    mail->text = PQgetvalue(*res, 0, 1);
    mail->html = PQgetvalue(*res, 0, 2);
    mail->template = PQgetvalue(*res, 0, 5);
    att->filename = PQgetvalue(*res, 0, 4);
    att->content_type = "text/csv; charset=utf-8";
    att->data = PQgetvalue(*res, 0, 3);
    att->len = (size_t)PQgetlength(*res, 0, 3);
    mail->attachments = att;
    mail->n_attachments = 1;
    return SCC_JOB_DONE;
}

/* payload: {"template": "...", "to": "a@b" | ["a@b", ...], "data": {...}, "code": "..."}
 * or, for a report run, {"template": "report_<kind>", "to": [...], "report_run_id": N} */
scc_job_result scc_job_email(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    if (!proc_mailer) {
        char merr[512];
        proc_mailer = scc_mailer_new(w->cfg, NULL, merr, sizeof(merr));
        if (!proc_mailer) {
            scc_log_error("email", "cannot send: %s", merr);
            snprintf(err, errlen, "email settings: %s", merr);
            return SCC_JOB_RETRY;
        }
    }
    if (!proc_recovered) {
        int n = scc_mail_recover(w->conn);
        if (n < 0) {
            snprintf(err, errlen, "scc.email_recover failed (is migration 003_email applied?)");
            return SCC_JOB_RETRY;
        }
        if (n > 0)
            scc_log_warn("email", "%d outbox row(s) left 'sending' by a stopped worker are now "
                         "'unknown' (not resent)", n);
        proc_recovered = 1;
    }

    const char *tp[] = { "template", NULL }, *top[] = { "to", NULL };
    const char *dp[] = { "data", NULL }, *cp[] = { "code", NULL };
    yajl_val tv = yajl_tree_get(job->payload, tp, yajl_t_string);
    yajl_val to = yajl_tree_get(job->payload, top, yajl_t_any);
    yajl_val data = yajl_tree_get(job->payload, dp, yajl_t_object);
    yajl_val code = yajl_tree_get(job->payload, cp, yajl_t_string);

    const char *list[64];
    size_t n = 0;
    if (to && YAJL_IS_STRING(to)) {
        list[n++] = to->u.string;
    } else if (to && YAJL_IS_ARRAY(to)) {
        for (size_t i = 0; i < to->u.array.len && n < 64; i++) {
            yajl_val e = to->u.array.values[i];
            if (!YAJL_IS_STRING(e)) {
                snprintf(err, errlen, "email: \"to\" must hold strings");
                return SCC_JOB_FAIL;
            }
            list[n++] = e->u.string;
        }
        if (to->u.array.len > 64) {
            snprintf(err, errlen, "email: at most 64 recipients per message");
            return SCC_JOB_FAIL;
        }
    }
    if (!tv || n == 0) {
        snprintf(err, errlen, "email: payload needs \"template\" and \"to\"");
        return SCC_JOB_FAIL;
    }
    scc_mail mail = {
        .template = tv->u.string, .to = list, .n_to = n, .data = data,
        .code = code ? code->u.string : NULL, .job_id = job->id,
        .last_attempt = job->attempt >= job->max_attempts,
    };
    const char *rp[] = { "report_run_id", NULL };
    yajl_val rid = yajl_tree_get(job->payload, rp, yajl_t_number);
    scc_mime_attachment att;
    PGresult *rres = NULL;
    if (rid) {
        scc_job_result rr = report_mail(w, rid, &mail, &att, &rres, err, errlen);
        if (rr != SCC_JOB_DONE) {
            PQclear(rres);
            return rr;
        }
    }
    int64_t outbox_id;
    char info[1024];
    scc_mail_outcome o = scc_mail_send(proc_mailer, w->conn, &mail, &outbox_id, info, sizeof(info));
    PQclear(rres);
    switch (o) {
    case SCC_MAIL_SENT:
    case SCC_MAIL_NOTHING:
    case SCC_MAIL_SUPPRESSED:
        return SCC_JOB_DONE;
    case SCC_MAIL_RETRY:
        snprintf(err, errlen, "%s", info);
        return SCC_JOB_RETRY;
    case SCC_MAIL_PAUSED:
        /* until the pause ends (at least a second, so it is not claimed
         * again at once) */
        snprintf(err, errlen, "%s", info);
        w->defer_seconds = scc_send_paused(time(NULL));
        if (w->defer_seconds < 1)
            w->defer_seconds = 1;
        return SCC_JOB_DEFER;
    case SCC_MAIL_FAILED:
        if (outbox_id > 0)
            snprintf(err, errlen, "outbox %" PRId64 " failed: %s", outbox_id, info);
        else
            snprintf(err, errlen, "%s", info);
        return SCC_JOB_FAIL;
    case SCC_MAIL_UNKNOWN:
    default:
        snprintf(err, errlen, "%s", info);
        return SCC_JOB_FAIL;
    }
}
