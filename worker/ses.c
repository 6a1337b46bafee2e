/*
 * ses.c — the `ses` transport: Amazon SES v2 SendEmail
 * (POST {endpoint}/v2/email/outbound-emails) with Content.Raw, signed by
 * libcurl's own SigV4 (CURLOPT_AWS_SIGV4 "aws:amz:REGION:ses"; the body is
 * given with CURLOPT_POSTFIELDS so libcurl hashes it).
 *
 * Outcomes: 2xx sent; 429 and 5xx retry; a network error before the request
 * left retry, after it left unknown (SES has no idempotency key, so a
 * resend could deliver twice); AccountSuspended / SendingPaused pause all
 * sending; every other 4xx fails for good with SES's message.
 *
 * This file must never log or put in an error message the access key
 * secret or the session token, and never turns on CURLOPT_VERBOSE (it would
 * print the Authorization header).
 */
#include "errmsg.h"
#include "credential.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "buf.h"

typedef struct {
    scc_transport base;
    CURL   *curl;
    char   *url;            /* endpoint + /v2/email/outbound-emails */
    char   *region;
    char   *key_id;
    char   *secret;
    char   *token;          /* NULL when no session token */
    scc_buf body;           /* request JSON, reused */
    scc_buf b64;            /* base64 of the message, reused */
    scc_buf resp;           /* response body */
    char    error_type[128];/* x-amzn-ErrorType */
} ses_transport;

int scc_ses_setup(CURL *c, const scc_ses_request *rq, struct curl_slist **headers,
                  char *err, size_t errlen)
{
    char sigv4[256];
    struct curl_slist *h = NULL, *t;

    if (snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:%s", rq->region, rq->service)
        >= (int)sizeof(sigv4)) {
        snprintf(err, errlen, "region or service too long");
        return -1;
    }
#define ADD(line) do { t = curl_slist_append(h, (line)); if (!t) goto oom; h = t; } while (0)
    char line[4096];
    /* libcurl 7.88 signs every header of this list, the removal form
     * ("Name:") included, as an empty value the server never sees: so only
     * headers that are really sent go here (no "Expect:", no "Accept"). */
    if (rq->content_type) {
        snprintf(line, sizeof(line), "Content-Type: %s", rq->content_type);
        ADD(line);
    }
    if (rq->amz_date) {
        snprintf(line, sizeof(line), "X-Amz-Date: %s", rq->amz_date);
        ADD(line);
    }
    if (rq->session_token && *rq->session_token) {
        if (snprintf(line, sizeof(line), "X-Amz-Security-Token: %s", rq->session_token)
            >= (int)sizeof(line)) {
            snprintf(err, errlen, "session token too long");
            curl_slist_free_all(h);
            return -1;
        }
        ADD(line);
    }
    for (const char *const *x = rq->extra_headers; x && *x; x++)
        ADD(*x);
#undef ADD

    CURLcode rc = CURLE_OK;
#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val); } while (0)
    SET(CURLOPT_URL, rq->url);
    SET(CURLOPT_POST, 1L);
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
    SET(CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
    SET(CURLOPT_HTTPHEADER, h);
    SET(CURLOPT_USERNAME, rq->access_key_id);
    SET(CURLOPT_PASSWORD, rq->secret_access_key);
    SET(CURLOPT_AWS_SIGV4, sigv4);
    SET(CURLOPT_VERBOSE, 0L);
    SET(CURLOPT_NOSIGNAL, 1L);
#undef SET
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl setup failed: %s", curl_easy_strerror(rc));
        curl_slist_free_all(h);
        return -1;
    }
    *headers = h;
    return 0;
oom:
    curl_slist_free_all(h);
    snprintf(err, errlen, "out of memory");
    return -1;
}

static size_t write_body(char *p, size_t size, size_t n, void *ud)
{
    scc_buf *b = ud;
    if (b->len + size * n > (1u << 20))     /* an error body is small */
        return size * n;
    return scc_buf_append(b, p, size * n) == 0 ? size * n : 0;
}

static size_t header_line(char *p, size_t size, size_t n, void *ud)
{
    ses_transport *s = ud;
    size_t len = size * n;
    static const char name[] = "x-amzn-errortype:";
    if (len > sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0)
        scc_copy_message(s->error_type, sizeof(s->error_type), p + sizeof(name) - 1,
                         len - (sizeof(name) - 1));
    return len;
}

static int gen_str(yajl_gen g, const char *s)
{
    return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0 : -1;
}

static int build_body(ses_transport *s, const scc_envelope *env, const char *msg, size_t len)
{
    /* base64 of the raw message (no line breaks) */
    size_t need = 4 * ((len + 2) / 3) + 1;
    scc_buf_reset(&s->b64);
    if (s->b64.cap < need) {
        char *p = realloc(s->b64.data, need);
        if (p == NULL)
            return -1;
        s->b64.data = p;
        s->b64.cap = need;
    }
    s->b64.len = (size_t)EVP_EncodeBlock((unsigned char *)s->b64.data,
                                         (const unsigned char *)msg, (int)len);

    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        return -1;
    int bad = 0;
    bad |= yajl_gen_map_open(g);
    bad |= gen_str(g, "FromEmailAddress") | gen_str(g, env->from);
    bad |= gen_str(g, "Destination");
    bad |= yajl_gen_map_open(g);
    bad |= gen_str(g, "ToAddresses");
    bad |= yajl_gen_array_open(g);
    for (size_t i = 0; i < env->n_to; i++)
        bad |= gen_str(g, env->to[i]);
    bad |= yajl_gen_array_close(g);
    if (env->n_bcc > 0) {
        bad |= gen_str(g, "BccAddresses");
        bad |= yajl_gen_array_open(g);
        for (size_t i = 0; i < env->n_bcc; i++)
            bad |= gen_str(g, env->bcc[i]);
        bad |= yajl_gen_array_close(g);
    }
    bad |= yajl_gen_map_close(g);
    bad |= gen_str(g, "Content");
    bad |= yajl_gen_map_open(g);
    bad |= gen_str(g, "Raw");
    bad |= yajl_gen_map_open(g);
    bad |= gen_str(g, "Data");
    bad |= yajl_gen_string(g, (const unsigned char *)s->b64.data, s->b64.len);
    bad |= yajl_gen_map_close(g);
    bad |= yajl_gen_map_close(g);
    /* Tags let a human find the message in SES events by outbox row. */
    bad |= gen_str(g, "EmailTags");
    bad |= yajl_gen_array_open(g);
    if (env->outbox_id > 0) {
        char v[32];
        snprintf(v, sizeof(v), "%lld", (long long)env->outbox_id);
        bad |= yajl_gen_map_open(g);
        bad |= gen_str(g, "Name") | gen_str(g, "scc-outbox-id");
        bad |= gen_str(g, "Value") | gen_str(g, v);
        bad |= yajl_gen_map_close(g);
    }
    if (env->template && *env->template) {
        bad |= yajl_gen_map_open(g);
        bad |= gen_str(g, "Name") | gen_str(g, "scc-template");
        bad |= gen_str(g, "Value") | gen_str(g, env->template);
        bad |= yajl_gen_map_close(g);
    }
    bad |= yajl_gen_array_close(g);
    bad |= yajl_gen_map_close(g);

    const unsigned char *out;
    size_t outlen;
    scc_buf_reset(&s->body);
    if (!bad && yajl_gen_get_buf(g, &out, &outlen) == yajl_gen_status_ok)
        bad = scc_buf_append(&s->body, (const char *)out, outlen);
    else
        bad = -1;
    yajl_gen_free(g);
    return bad ? -1 : 0;
}

/* SES's error message from the body: {"message": ...} (or Message). */
static void provider_message(ses_transport *s, char *dst, size_t dstlen)
{
    char text[400] = "";
    yajl_val root = s->resp.len ? yajl_tree_parse(s->resp.data, NULL, 0) : NULL;
    if (root && YAJL_IS_OBJECT(root)) {
        static const char *keys[] = { "message", "Message", "detail" };
        for (size_t i = 0; i < 3 && text[0] == '\0'; i++) {
            const char *path[] = { keys[i], NULL };
            yajl_val v = yajl_tree_get(root, path, yajl_t_string);
            const char *sv = v ? v->u.string : NULL;
            if (sv)
                scc_copy_message(text, sizeof(text), sv, strlen(sv));
        }
        if (s->error_type[0] == '\0') {
            static const char *tkeys[] = { "__type", "type", "code", "Code" };
            for (size_t i = 0; i < 4 && s->error_type[0] == '\0'; i++) {
                const char *path[] = { tkeys[i], NULL };
                yajl_val v = yajl_tree_get(root, path, yajl_t_string);
                const char *sv = v ? v->u.string : NULL;
                if (sv)
                    scc_copy_message(s->error_type, sizeof(s->error_type), sv, strlen(sv));
            }
        }
    } else if (s->resp.len) {
        scc_copy_message(text, sizeof(text), s->resp.data, s->resp.len > 300 ? 300 : s->resp.len);
    }
    if (root)
        yajl_tree_free(root);
    /* x-amzn-ErrorType may carry ":http://internal..." after the name. */
    char *colon = strchr(s->error_type, ':');
    if (colon)
        *colon = '\0';
    snprintf(dst, dstlen, "%s%s%s", s->error_type, s->error_type[0] && text[0] ? ": " : "", text);
}

static void ses_send(scc_transport *t, const scc_envelope *env,
                     const char *msg, size_t len, scc_send_result *r)
{
    ses_transport *s = (ses_transport *)t;
    memset(r, 0, sizeof(*r));
    if (build_body(s, env, msg, len) != 0) {
        r->status = SCC_SEND_RETRY;
        snprintf(r->error, sizeof(r->error), "out of memory building the SES request");
        return;
    }
    scc_ses_request rq = {
        .url = s->url, .region = s->region, .service = "ses",
        .access_key_id = s->key_id, .secret_access_key = s->secret,
        .session_token = s->token, .amz_date = NULL,
        .content_type = "application/json",
        .body = s->body.data, .body_len = s->body.len,
    };
    struct curl_slist *headers = NULL;
    if (scc_ses_setup(s->curl, &rq, &headers, r->error, sizeof(r->error)) != 0) {
        r->status = SCC_SEND_RETRY;
        return;
    }
    scc_buf_reset(&s->resp);
    s->error_type[0] = '\0';
    curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, &s->resp);
    curl_easy_setopt(s->curl, CURLOPT_HEADERFUNCTION, header_line);
    curl_easy_setopt(s->curl, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, 60L);

    CURLcode cc = curl_easy_perform(s->curl);
    curl_slist_free_all(headers);
    curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, NULL);

    if (cc != CURLE_OK) {
        long sent = 0;
        curl_easy_getinfo(s->curl, CURLINFO_REQUEST_SIZE, &sent);
        if (sent == 0) {
            r->status = SCC_SEND_RETRY;
            snprintf(r->error, sizeof(r->error), "SES unreachable: %s", curl_easy_strerror(cc));
        } else {
            r->status = SCC_SEND_UNKNOWN;
            snprintf(r->error, sizeof(r->error),
                     "the SES request was sent but the answer was lost (%s): delivery unknown",
                     curl_easy_strerror(cc));
        }
        return;
    }
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &r->code);
    if (r->code >= 200 && r->code < 300) {
        yajl_val root = yajl_tree_parse(s->resp.data ? s->resp.data : "", NULL, 0);
        const char *path[] = { "MessageId", NULL };
        yajl_val id = root ? yajl_tree_get(root, path, yajl_t_string) : NULL;
        if (id && id->u.string)
            snprintf(r->message_id, sizeof(r->message_id), "%s", id->u.string);
        if (root)
            yajl_tree_free(root);
        r->status = SCC_SEND_OK;
        return;
    }
    char msgtext[480];
    provider_message(s, msgtext, sizeof(msgtext));
    snprintf(r->error, sizeof(r->error), "SES %ld %s", r->code, msgtext);
    if (strstr(s->error_type, "AccountSuspended") || strstr(s->error_type, "SendingPaused") ||
        strstr(msgtext, "AccountSuspended") || strstr(msgtext, "SendingPaused"))
        r->status = SCC_SEND_PAUSE;
    else if (r->code == 429 || r->code >= 500 || strstr(s->error_type, "TooManyRequests") ||
             strstr(s->error_type, "LimitExceeded") || strstr(s->error_type, "Throttling"))
        r->status = SCC_SEND_RETRY;
    else
        r->status = SCC_SEND_FAIL;
}

static void ses_destroy(scc_transport *t)
{
    ses_transport *s = (ses_transport *)t;
    if (s->curl)
        curl_easy_cleanup(s->curl);
    free(s->url);
    free(s->region);
    free(s->key_id);
    scc_secret_free(s->secret);
    scc_secret_free(s->token);
    scc_buf_free(&s->body);
    scc_buf_free(&s->b64);
    scc_buf_free(&s->resp);
    free(s);
}

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

scc_transport *scc_ses_transport_new(const scc_config *cfg, char *err, size_t errlen)
{
    const char *region = env_nonempty("AWS_REGION");
    if (!region)
        region = env_nonempty("AWS_DEFAULT_REGION");
    if (!region && cfg->region && *cfg->region)
        region = cfg->region;
    if (!region) {
        snprintf(err, errlen, "transport ses needs a region: set AWS_REGION or `region = ...`");
        return NULL;
    }
    for (const char *p = region; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
            snprintf(err, errlen, "bad region \"%s\" (expected e.g. us-east-1)", region);
            return NULL;
        }
    }
    const char *key_id = env_nonempty("AWS_ACCESS_KEY_ID");
    if (!key_id && cfg->aws_access_key_id && *cfg->aws_access_key_id)
        key_id = cfg->aws_access_key_id;
    if (!key_id) {
        snprintf(err, errlen, "transport ses needs credentials: set AWS_ACCESS_KEY_ID and "
                 "AWS_SECRET_ACCESS_KEY, or aws_access_key_id and aws_secret_access_key_file");
        return NULL;
    }
    char *secret = NULL;
    if (env_nonempty("AWS_SECRET_ACCESS_KEY"))
        secret = strdup(getenv("AWS_SECRET_ACCESS_KEY"));
    else if (cfg->aws_secret_access_key_file && *cfg->aws_secret_access_key_file) {
        secret = scc_read_secret_file(cfg->aws_secret_access_key_file, "aws_secret_access_key",
                                      err, errlen);
        if (!secret)
            return NULL;
    } else {
        snprintf(err, errlen, "transport ses needs a secret key: set AWS_SECRET_ACCESS_KEY or "
                 "aws_secret_access_key_file");
        return NULL;
    }

    ses_transport *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        free(secret);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->base.name = "ses";
    s->base.send = ses_send;
    s->base.destroy = ses_destroy;
    s->secret = secret;
    s->key_id = strdup(key_id);
    s->region = strdup(region);
    if (env_nonempty("AWS_SESSION_TOKEN"))
        s->token = strdup(getenv("AWS_SESSION_TOKEN"));

    char endpoint[512];
    if (cfg->ses_endpoint && *cfg->ses_endpoint)
        snprintf(endpoint, sizeof(endpoint), "%s", cfg->ses_endpoint);
    else
        snprintf(endpoint, sizeof(endpoint), "https://email.%s.amazonaws.com", region);
    size_t el = strlen(endpoint);
    while (el > 0 && endpoint[el - 1] == '/')
        endpoint[--el] = '\0';
    if (strncmp(endpoint, "https://", 8) != 0 && strncmp(endpoint, "http://", 7) != 0) {
        snprintf(err, errlen, "ses_endpoint must start with https:// (or http:// for a local emulator)");
        ses_destroy(&s->base);
        return NULL;
    }
    if (asprintf(&s->url, "%s/v2/email/outbound-emails", endpoint) < 0)
        s->url = NULL;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    s->curl = curl_easy_init();
    if (!s->url || !s->key_id || !s->region || !s->curl) {
        snprintf(err, errlen, "out of memory");
        ses_destroy(&s->base);
        return NULL;
    }
    return &s->base;
}
