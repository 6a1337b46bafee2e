/*
 * job_sns.c — the 'sns' job: one message Amazon SNS posted to
 * /api/ses/sns (scc.sns_messages, stored untrusted by the route), verified
 * here before anything it says is believed.
 *
 * Verification: the TopicArn must match sns_topic_arn (fnmatch; default
 * any: set it, since any AWS account's topic is signed by SNS too); the
 * SigningCertURL must be https:// with a host that
 * matches the config key sns_cert_host (fnmatch; default
 * sns.*.amazonaws.com) and no user info; the certificate is fetched once
 * with libcurl (https only, no redirects, at most 64 KiB) and cached in
 * scc.sns_certs by URL; the signature (base64) is checked over the
 * canonical string AWS documents ("Key\nvalue\n" for each signed field in
 * order: Notification: Message, MessageId, Subject when present,
 * Timestamp, TopicArn, Type; the confirmations: Message, MessageId,
 * SubscribeURL, Timestamp, Token, TopicArn, Type) with SHA1withRSA
 * (SignatureVersion 1) or SHA256withRSA (2), and the certificate must be
 * within its validity dates.  A SubscriptionConfirmation is confirmed by a
 * GET of its SubscribeURL (same host rule).  Then scc.sns_accept applies
 * it (suppressions, events) or scc.sns_refuse records why not.
 *
 * This file must never act on a message before its signature verified,
 * never fetch anything but an https URL on an allowed host, and never
 * build SQL from the message (PQexecParams only).
 */
#include "jobs.h"
#include "db.h"
#include "log.h"

#include <ctype.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "buf.h"

#define SNS_FETCH_MAX   65536
#define SNS_REASON_LEN  256

static const char *cert_host_pattern(const scc_config *cfg)
{
    return cfg->sns_cert_host && *cfg->sns_cert_host ? cfg->sns_cert_host
                                                     : "sns.*.amazonaws.com";
}

/*
 * Any AWS account can make a topic whose messages SNS signs: the signature
 * proves SNS sent it, the topic says whose it is.
 */
static const char *topic_pattern(const scc_config *cfg)
{
    return cfg->sns_topic_arn && *cfg->sns_topic_arn ? cfg->sns_topic_arn : "*";
}

/* 1 when url is https://HOST[:port]/... with HOST matching the pattern. */
static int url_allowed(const scc_config *cfg, const char *url)
{
    char host[256];
    size_t n = 0;
    if (url == NULL || strncasecmp(url, "https://", 8) != 0)
        return 0;
    const char *p = url + 8;
    while (*p && *p != '/' && *p != '?' && *p != '#') {
        if (*p == '@' || *p == '\\' || n + 1 >= sizeof(host))
            return 0;
        host[n++] = (char)tolower((unsigned char)*p++);
    }
    host[n] = '\0';
    char *colon = strchr(host, ':');
    if (colon) {
        for (const char *d = colon + 1; *d; d++)
            if (!isdigit((unsigned char)*d))
                return 0;
        *colon = '\0';
    }
    return host[0] != '\0' && fnmatch(cert_host_pattern(cfg), host, 0) == 0;
}

static size_t fetch_write(char *p, size_t size, size_t n, void *ud)
{
    scc_buf *b = ud;
    if (b->len + size * n > SNS_FETCH_MAX || scc_buf_append(b, p, size * n) != 0)
        return 0;
    return size * n;
}

/* GET an allowed https URL into b.  0 on a 2xx answer, else -1 with why. */
static int https_get(const scc_config *cfg, const char *url, scc_buf *b,
                     char *why, size_t whylen)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(why, whylen, "libcurl init failed");
        return -1;
    }
    long code = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    if (cfg->sns_ca_file && *cfg->sns_ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, cfg->sns_ca_file);
    CURLcode cc = curl_easy_perform(c);
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    if (cc != CURLE_OK) {
        snprintf(why, whylen, "%s", curl_easy_strerror(cc));
        return -1;
    }
    if (code < 200 || code > 299) {
        snprintf(why, whylen, "HTTP %ld", code);
        return -1;
    }
    return 0;
}

/* The signing certificate: the cache, else fetched and cached.  Returns
 * the PEM (free it), or NULL with why; *temporary says a retry may help. */
static char *signing_cert(scc_worker *w, const char *url, int *temporary,
                          char *why, size_t whylen)
{
    const char *vals[2] = { url, NULL };
    PGresult *res = PQexecParams(w->conn, "select scc.sns_cert_get($1)", 1, NULL, vals,
                                 NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_db_error(w->conn, res, "sns_cert_get", why, whylen);
        PQclear(res);
        *temporary = 1;
        return NULL;
    }
    if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
        char *pem = strdup(PQgetvalue(res, 0, 0));
        PQclear(res);
        if (!pem) {
            *temporary = 1;
            snprintf(why, whylen, "out of memory");
        }
        return pem;
    }
    PQclear(res);

    scc_buf b;
    char cwhy[200];
    scc_buf_init(&b);
    if (https_get(w->cfg, url, &b, cwhy, sizeof(cwhy)) != 0 || b.len == 0) {
        scc_buf_free(&b);
        *temporary = 1;
        snprintf(why, whylen, "cannot fetch the signing certificate: %s",
                 b.len == 0 ? "empty" : cwhy);
        return NULL;
    }
    vals[1] = b.data;
    res = PQexecParams(w->conn, "select scc.sns_cert_put($1, $2)", 2, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_db_error(w->conn, res, "sns_cert_put", why, whylen);
        PQclear(res);
        scc_buf_free(&b);
        *temporary = 1;
        return NULL;
    }
    PQclear(res);
    return b.data;      /* the buffer's memory, NUL-terminated */
}

static const char *field(yajl_val msg, const char *name)
{
    const char *path[] = { name, NULL };
    yajl_val v = yajl_tree_get(msg, path, yajl_t_string);
    return v ? v->u.string : NULL;
}

/* The canonical string SNS signed, into b.  0, or -1 with why. */
static int canonical(yajl_val msg, const char *type, scc_buf *b, char *why, size_t whylen)
{
    static const char *notification[] = {
        "Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type", NULL };
    static const char *confirmation[] = {
        "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type", NULL };
    int is_notification = strcmp(type, "Notification") == 0;
    const char **keys = is_notification ? notification : confirmation;
    for (; *keys; keys++) {
        const char *v = field(msg, *keys);
        if (v == NULL) {
            if (is_notification && strcmp(*keys, "Subject") == 0)
                continue;
            snprintf(why, whylen, "%s missing", *keys);
            return -1;
        }
        if (scc_buf_append(b, *keys, strlen(*keys)) != 0 || scc_buf_append(b, "\n", 1) != 0
            || scc_buf_append(b, v, strlen(v)) != 0 || scc_buf_append(b, "\n", 1) != 0) {
            snprintf(why, whylen, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* 0 when sig (base64) is the signature of data by pem's key with md, and
 * the certificate is within its dates; else -1 with why. */
static int verify(const char *pem, const EVP_MD *md, const char *sig_b64,
                  const scc_buf *data, char *why, size_t whylen)
{
    int ok = -1;
    unsigned char *sig = NULL;
    X509 *x = NULL;
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *mctx = NULL;
    BIO *bio = BIO_new_mem_buf(pem, -1);

    size_t b64len = strlen(sig_b64);
    sig = malloc(b64len / 4 * 3 + 3);
    if (!bio || !sig) {
        snprintf(why, whylen, "out of memory");
        goto out;
    }
    int n = EVP_DecodeBlock(sig, (const unsigned char *)sig_b64, (int)b64len);
    if (n <= 0 || b64len % 4 != 0) {
        snprintf(why, whylen, "Signature is not base64");
        goto out;
    }
    if (b64len >= 1 && sig_b64[b64len - 1] == '=')
        n--;
    if (b64len >= 2 && sig_b64[b64len - 2] == '=')
        n--;
    x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    if (!x || !(key = X509_get_pubkey(x))) {
        snprintf(why, whylen, "the signing certificate is not a PEM certificate");
        goto out;
    }
    if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0
        || X509_cmp_current_time(X509_get0_notAfter(x)) < 0) {
        snprintf(why, whylen, "the signing certificate is not valid now");
        goto out;
    }
    if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
        snprintf(why, whylen, "the signing certificate's key is not RSA");
        goto out;
    }
    mctx = EVP_MD_CTX_new();
    if (!mctx || EVP_DigestVerifyInit(mctx, NULL, md, NULL, key) != 1) {
        snprintf(why, whylen, "cannot set up the verification");
        goto out;
    }
    if (EVP_DigestVerify(mctx, sig, (size_t)n, (const unsigned char *)data->data,
                         data->len) != 1) {
        snprintf(why, whylen, "bad signature");
        goto out;
    }
    ok = 0;
out:
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_free(key);
    X509_free(x);
    BIO_free(bio);
    free(sig);
    return ok;
}

/* Run "select FN($1[, $2])" for message id.  0 or -1 (err filled). */
static int call(scc_worker *w, const char *sql, const char *id, const char *reason,
                char *err, size_t errlen)
{
    const char *vals[2] = { id, reason };
    PGresult *res = PQexecParams(w->conn, sql, reason ? 2 : 1, NULL, vals, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = scc_db_error(w->conn, res, sql, err, errlen);
    PQclear(res);
    return rc;
}

/* What to do with a verified-or-not message: the reason it is refused
 * (why set, return 1), a temporary failure (return -1), or 0: accept. */
static int check(scc_worker *w, yajl_val msg, char *why, size_t whylen)
{
    const char *type = field(msg, "Type");
    const char *ver = field(msg, "SignatureVersion");
    const char *sig = field(msg, "Signature");
    const char *url = field(msg, "SigningCertURL");
    const EVP_MD *md;
    int temporary = 0, rc = 1;

    if (!type || (strcmp(type, "Notification") != 0 && strcmp(type, "SubscriptionConfirmation") != 0
                  && strcmp(type, "UnsubscribeConfirmation") != 0)) {
        snprintf(why, whylen, "unknown Type");
        return 1;
    }
    if (ver && strcmp(ver, "1") == 0)
        md = EVP_sha1();
    else if (ver && strcmp(ver, "2") == 0)
        md = EVP_sha256();
    else {
        snprintf(why, whylen, "unknown SignatureVersion");
        return 1;
    }
    if (!sig) {
        snprintf(why, whylen, "Signature missing");
        return 1;
    }
    const char *topic = field(msg, "TopicArn");
    if (!topic || fnmatch(topic_pattern(w->cfg), topic, 0) != 0) {
        snprintf(why, whylen, "TopicArn %.100s does not match sns_topic_arn %.100s",
                 topic ? topic : "(none)", topic_pattern(w->cfg));
        return 1;
    }
    if (!url_allowed(w->cfg, url)) {
        snprintf(why, whylen, "SigningCertURL is not https on a host matching %s",
                 cert_host_pattern(w->cfg));
        return 1;
    }
    scc_buf data;
    scc_buf_init(&data);
    if (canonical(msg, type, &data, why, whylen) != 0) {
        scc_buf_free(&data);
        return 1;
    }
    char *pem = signing_cert(w, url, &temporary, why, whylen);
    if (pem == NULL) {
        scc_buf_free(&data);
        return temporary ? -1 : 1;
    }
    if (verify(pem, md, sig, &data, why, whylen) == 0)
        rc = 0;
    free(pem);
    scc_buf_free(&data);
    if (rc != 0 || strcmp(type, "SubscriptionConfirmation") != 0)
        return rc;

    /* verified: confirm the subscription */
    const char *sub = field(msg, "SubscribeURL");
    if (!url_allowed(w->cfg, sub)) {
        snprintf(why, whylen, "SubscribeURL is not https on a host matching %s",
                 cert_host_pattern(w->cfg));
        return 1;
    }
    scc_buf b;
    char cwhy[200];
    scc_buf_init(&b);
    rc = https_get(w->cfg, sub, &b, cwhy, sizeof(cwhy));
    scc_buf_free(&b);
    if (rc != 0) {
        snprintf(why, whylen, "cannot confirm the subscription: %s", cwhy);
        return -1;
    }
    scc_log(SCC_LOG_INFO, "sns", "subscription confirmed: %.200s",
            field(msg, "TopicArn") ? field(msg, "TopicArn") : "?");
    return 0;
}

scc_job_result scc_job_sns(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    const char *path[] = { "sns_message", NULL };
    yajl_val idv = yajl_tree_get(job->payload, path, yajl_t_number);
    if (!idv || !YAJL_IS_INTEGER(idv)) {
        snprintf(err, errlen, "payload needs sns_message (an id)");
        return SCC_JOB_FAIL;
    }
    char id[32];
    snprintf(id, sizeof(id), "%lld", (long long)YAJL_GET_INTEGER(idv));

    const char *vals[1] = { id };
    PGresult *res = PQexecParams(w->conn, "select body, status from scc.sns_message_get($1)",
                                 1, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_db_error(w->conn, res, "sns_message_get", err, errlen);
        PQclear(res);
        return SCC_JOB_RETRY;
    }
    if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "queued") != 0) {
        PQclear(res);
        return SCC_JOB_DONE;        /* gone, or decided by an earlier run */
    }
    char perr[128];
    yajl_val msg = yajl_tree_parse(PQgetvalue(res, 0, 0), perr, sizeof(perr));
    PQclear(res);
    if (!msg) {
        snprintf(err, errlen, "stored message is not JSON: %s", perr);
        return SCC_JOB_FAIL;
    }

    char why[SNS_REASON_LEN] = "";
    int rc = check(w, msg, why, sizeof(why));
    yajl_tree_free(msg);
    if (rc < 0 && job->attempt < job->max_attempts) {
        snprintf(err, errlen, "%s", why);
        return SCC_JOB_RETRY;
    }
    if (rc != 0) {      /* refused, or still unverifiable at the last attempt */
        scc_log(SCC_LOG_WARN, "sns", "message %s refused: %s", id, why);
        return call(w, "select scc.sns_refuse($1, $2)", id, why, err, errlen) == 0
               ? SCC_JOB_DONE : SCC_JOB_RETRY;
    }
    if (call(w, "select scc.sns_accept($1)", id, NULL, err, errlen) != 0)
        return SCC_JOB_RETRY;
    scc_log(SCC_LOG_INFO, "sns", "message %s accepted", id);
    return SCC_JOB_DONE;
}
