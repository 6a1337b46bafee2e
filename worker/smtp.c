/*
 * smtp.c — the `smtp` transport: libcurl SMTP.  smtp://host:587 with
 * STARTTLS required (CURLUSESSL_ALL) unless smtp_starttls = no (a local
 * test relay); smtps://host:465 for TLS from the first byte.
 *
 * Outcomes: connection failures and SMTP 4xx retry; SMTP 5xx fail for good
 * with the server's reply; a failure after the data went out is unknown.
 *
 * This file must never log the SMTP password, nor enable CURLOPT_VERBOSE.
 */
#include "credential.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    scc_transport base;
    CURL *curl;
    char *url;
    char *user;
    char *password;
    int   starttls;
} smtp_transport;

typedef struct {
    const char *p;
    size_t left;
} upload;

static size_t read_cb(char *buf, size_t size, size_t n, void *ud)
{
    upload *u = ud;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

static void smtp_send(scc_transport *t, const scc_envelope *env,
                      const char *msg, size_t len, scc_send_result *r)
{
    smtp_transport *s = (smtp_transport *)t;
    memset(r, 0, sizeof(*r));
    struct curl_slist *rcpt = NULL;
    char line[400];
    for (size_t i = 0; i < env->n_to + env->n_bcc; i++) {
        const char *a = i < env->n_to ? env->to[i] : env->bcc[i - env->n_to];
        snprintf(line, sizeof(line), "<%s>", a);
        struct curl_slist *x = curl_slist_append(rcpt, line);
        if (!x) {
            curl_slist_free_all(rcpt);
            r->status = SCC_SEND_RETRY;
            snprintf(r->error, sizeof(r->error), "out of memory");
            return;
        }
        rcpt = x;
    }
    char from[400];
    snprintf(from, sizeof(from), "<%s>", env->from);
    upload u = { msg, len };

    CURL *c = s->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, s->url);
    if (strncmp(s->url, "smtp://", 7) == 0 && s->starttls)
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (s->user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, s->password ? s->password : "");
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 0L);

    CURLcode cc = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->code);
    if (cc == CURLE_OK) {
        r->status = SCC_SEND_OK;
        return;
    }
    snprintf(r->error, sizeof(r->error), "SMTP %ld: %s", r->code, curl_easy_strerror(cc));
    if (r->code >= 500 || cc == CURLE_LOGIN_DENIED || cc == CURLE_USE_SSL_FAILED)
        r->status = SCC_SEND_FAIL;          /* refused for good (or no TLS where required) */
    else if (r->code >= 400)
        r->status = SCC_SEND_RETRY;         /* the server said: try later */
    else if (u.left == len)
        r->status = SCC_SEND_RETRY;         /* no byte of the message left: safe to retry */
    else
        r->status = SCC_SEND_UNKNOWN;       /* broke during or after DATA: it may have been queued */
}

static void smtp_destroy(scc_transport *t)
{
    smtp_transport *s = (smtp_transport *)t;
    if (s->curl)
        curl_easy_cleanup(s->curl);
    free(s->url);
    free(s->user);
    scc_secret_free(s->password);
    free(s);
}

scc_transport *scc_smtp_transport_new(const scc_config *cfg, char *err, size_t errlen)
{
    if (!cfg->smtp_url || !*cfg->smtp_url) {
        snprintf(err, errlen, "transport smtp needs smtp_url (smtp://host:587 or smtps://host:465)");
        return NULL;
    }
    if (strncmp(cfg->smtp_url, "smtp://", 7) != 0 && strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
        snprintf(err, errlen, "smtp_url must start with smtp:// or smtps://");
        return NULL;
    }
    int starttls = 1;
    if (cfg->smtp_starttls && *cfg->smtp_starttls) {
        if (strcmp(cfg->smtp_starttls, "yes") == 0)
            starttls = 1;
        else if (strcmp(cfg->smtp_starttls, "no") == 0)
            starttls = 0;
        else {
            snprintf(err, errlen, "smtp_starttls must be yes or no");
            return NULL;
        }
    }
    char *password = NULL;
    if (cfg->smtp_password_file && *cfg->smtp_password_file) {
        password = scc_read_secret_file(cfg->smtp_password_file, "smtp_password", err, errlen);
        if (!password)
            return NULL;
    } else if (cfg->smtp_password) {
        password = strdup(cfg->smtp_password);
    }
    smtp_transport *s = calloc(1, sizeof(*s));
    if (!s) {
        free(password);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->base.name = "smtp";
    s->base.send = smtp_send;
    s->base.destroy = smtp_destroy;
    s->password = password;
    s->url = strdup(cfg->smtp_url);
    s->user = cfg->smtp_user && *cfg->smtp_user ? strdup(cfg->smtp_user) : NULL;
    s->starttls = starttls;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    s->curl = curl_easy_init();
    if (!s->url || !s->curl) {
        smtp_destroy(&s->base);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return &s->base;
}
