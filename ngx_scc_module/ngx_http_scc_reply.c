
/*
 * SCC: responses (see ngx_http_scc_reply.h).
 *
 * A route's SQL function answers (status int, body json), or for a FILE
 * route (status, body text, content_type, filename); the body is sent
 * from libpq's own result memory, released with the request pool, so a
 * success is never parsed or copied again.  Errors raised by SQL
 * carry their own SQLSTATE: "SCnnn" means HTTP nnn with the machine code
 * in DETAIL; PostgreSQL's own classes map as the table below says.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc.h"


typedef struct {
    ngx_uint_t                status;
    ngx_str_t                 code;
    ngx_str_t                 message;
    ngx_str_t                 challenge;  /* WWW-Authenticate, or empty */
} ngx_http_scc_error_t;


typedef struct {
    ngx_str_t                 sqlstate;   /* a prefix: a class or a code */
    ngx_http_scc_err_e        err;
    ngx_uint_t                own;        /* PostgreSQL's words instead */
} ngx_http_scc_sqlstate_t;


static ngx_int_t ngx_http_scc_send_error_as(ngx_http_request_t *r,
    ngx_uint_t status, ngx_str_t *code, ngx_str_t *message);
static void *ngx_http_scc_yajl_malloc(void *ctx, size_t size);
static void *ngx_http_scc_yajl_realloc(void *ctx, void *p, size_t size);
static void ngx_http_scc_yajl_free(void *ctx, void *p);
static void ngx_http_scc_json_print(void *ctx, const char *s, size_t len);
static ngx_int_t ngx_http_scc_send_body(ngx_http_request_t *r,
    ngx_uint_t status, ngx_str_t *type, ngx_buf_t *b);
static ngx_int_t ngx_http_scc_result(ngx_http_request_t *r, PGresult *res,
    int nfields, ngx_int_t *rc);
static ngx_buf_t *ngx_http_scc_result_body(ngx_http_request_t *r,
    PGresult *res);
static ngx_int_t ngx_http_scc_send_pg_error(ngx_http_request_t *r,
    PGresult *res);
static void ngx_http_scc_pqclear(void *data);


#define ngx_http_scc_error(status, code, message)                            \
    { status, ngx_string(code), ngx_string(message), ngx_null_string }

#define ngx_http_scc_refusal(status, code, message, challenge)               \
    { status, ngx_string(code), ngx_string(message), ngx_string(challenge) }


/* indexed by ngx_http_scc_err_e: the order is the enum's */

static ngx_http_scc_error_t  ngx_http_scc_errors[] = {

    /* the route table */
    ngx_http_scc_error(NGX_HTTP_NOT_FOUND, "not_found", "no such API route"),
    ngx_http_scc_error(NGX_HTTP_NOT_ALLOWED, "method_not_allowed",
                       "this route does not take this method"),

    /* the request itself */
    ngx_http_scc_error(NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                       "unsupported_media_type",
                       "send the body as application/json"),
    ngx_http_scc_error(NGX_HTTP_BAD_REQUEST, "invalid_body",
                       "the body is not a JSON object"),
    ngx_http_scc_error(NGX_HTTP_BAD_REQUEST, "invalid_utf8",
                       "the path or query string is not valid UTF-8"),

    /* authentication (RFC 6750) */
    ngx_http_scc_error(NGX_HTTP_FORBIDDEN, "origin_mismatch",
                       "cross-site request refused"),
    ngx_http_scc_refusal(NGX_HTTP_UNAUTHORIZED, "invalid_token",
                         "the access token is invalid or expired",
                         "Bearer realm=\"scc\", error=\"invalid_token\""),
    ngx_http_scc_refusal(NGX_HTTP_UNAUTHORIZED, "unauthorized",
                         "this route needs an access token",
                         "Bearer realm=\"scc\""),
    ngx_http_scc_refusal(NGX_HTTP_FORBIDDEN, "insufficient_scope",
                         "your role may not do this",
                         "Bearer realm=\"scc\", "
                         "error=\"insufficient_scope\""),

    /* the connection set and the database */
    ngx_http_scc_error(NGX_HTTP_SERVICE_UNAVAILABLE, "busy",
                       "the service is busy; retry shortly"),
    ngx_http_scc_error(NGX_HTTP_SERVICE_UNAVAILABLE, "busy",
                       "no database connection came free in time; "
                       "retry shortly"),
    ngx_http_scc_error(NGX_HTTP_SERVICE_UNAVAILABLE, "db_unavailable",
                       "the database is unavailable; retry shortly"),
    ngx_http_scc_error(NGX_HTTP_SERVICE_UNAVAILABLE, "db_unavailable",
                       "the database is out of resources; retry shortly"),
    ngx_http_scc_error(NGX_HTTP_GATEWAY_TIME_OUT, "db_timeout",
                       "the database did not answer in time"),
    ngx_http_scc_error(NGX_HTTP_SERVICE_UNAVAILABLE, "retry",
                       "a concurrent change got in the way; retry"),

    /* PostgreSQL's own errors (the SQLSTATE table below) */
    ngx_http_scc_error(NGX_HTTP_BAD_REQUEST, "invalid_input",
                       "a value is not valid"),
    ngx_http_scc_error(NGX_HTTP_BAD_REQUEST, "invalid_input",
                       "a required value is missing"),
    ngx_http_scc_error(NGX_HTTP_BAD_REQUEST, "invalid_input",
                       "a value is not allowed here"),
    ngx_http_scc_error(NGX_HTTP_CONFLICT, "conflict", "this already exists"),
    ngx_http_scc_error(NGX_HTTP_CONFLICT, "conflict",
                       "this refers to something that does not exist or is "
                       "still in use"),
    ngx_http_scc_error(NGX_HTTP_CONFLICT, "conflict",
                       "this overlaps with something that exists"),

    ngx_http_scc_error(NGX_HTTP_INTERNAL_SERVER_ERROR, "internal",
                       "internal error")
};

/* a row for every ngx_http_scc_err_e, or the build fails */
typedef char  ngx_http_scc_errors_complete_t[
    sizeof(ngx_http_scc_errors) / sizeof(ngx_http_scc_error_t)
    == NGX_HTTP_SCC_ERR_LAST ? 1 : -1];


static ngx_http_scc_sqlstate_t  ngx_http_scc_sqlstates[] = {

    /* data exceptions: bad uuid, bad timestamp, out of range, \u0000 */
    { ngx_string("22"), NGX_HTTP_SCC_ERR_INVALID_INPUT, 1 },

    { ngx_string("23502"), NGX_HTTP_SCC_ERR_MISSING_VALUE, 0 },
    { ngx_string("23514"), NGX_HTTP_SCC_ERR_VALUE_REFUSED, 0 },
    { ngx_string("23505"), NGX_HTTP_SCC_ERR_EXISTS, 0 },
    { ngx_string("23503"), NGX_HTTP_SCC_ERR_REFERENCE, 0 },
    { ngx_string("23P01"), NGX_HTTP_SCC_ERR_OVERLAP, 0 },

    /* serialization failure, deadlock: the same request may well pass */
    { ngx_string("40"), NGX_HTTP_SCC_ERR_RETRY, 0 },

    { ngx_string("57014"), NGX_HTTP_SCC_ERR_DB_TIMEOUT, 0 },
    { ngx_string("57P"), NGX_HTTP_SCC_ERR_DB_UNAVAILABLE, 0 },
    { ngx_string("08"), NGX_HTTP_SCC_ERR_DB_UNAVAILABLE, 0 },
    { ngx_string("53"), NGX_HTTP_SCC_ERR_DB_RESOURCES, 0 },
};

ngx_int_t
ngx_http_scc_json_out_init(ngx_http_scc_json_out_t *out, ngx_pool_t *pool,
    size_t size)
{
    yajl_alloc_funcs  afs;

    out->pool = pool;
    out->failed = 0;

    out->buf = ngx_create_temp_buf(pool, size);
    if (out->buf == NULL) {
        return NGX_ERROR;
    }

    /* yajl copies the functions; everything it allocates is the pool's */

    afs.malloc = ngx_http_scc_yajl_malloc;
    afs.realloc = ngx_http_scc_yajl_realloc;
    afs.free = ngx_http_scc_yajl_free;
    afs.ctx = pool;

    out->gen = yajl_gen_alloc(&afs);
    if (out->gen == NULL) {
        return NGX_ERROR;
    }

    if (!yajl_gen_config(out->gen, yajl_gen_print_callback,
                         ngx_http_scc_json_print, out)
        || !yajl_gen_config(out->gen, yajl_gen_validate_utf8, 1))
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_scc_json_out_raw(ngx_http_scc_json_out_t *out, u_char *data,
    size_t len)
{
    ngx_http_scc_json_print(out, (const char *) data, len);

    return out->failed ? NGX_ERROR : NGX_OK;
}


static void *
ngx_http_scc_yajl_malloc(void *ctx, size_t size)
{
    return ngx_palloc(ctx, size);
}


/*
 * yajl reallocates only its own output buffer, which the print callback
 * replaces before anything is generated, so a realloc of live memory
 * never happens; refusing it keeps that promise checked.
 */

static void *
ngx_http_scc_yajl_realloc(void *ctx, void *p, size_t size)
{
    return p == NULL ? ngx_palloc(ctx, size) : NULL;
}


static void
ngx_http_scc_yajl_free(void *ctx, void *p)
{
    /* the pool frees everything at once */
}


static void
ngx_http_scc_json_print(void *ctx, const char *s, size_t len)
{
    size_t                    size;
    ngx_buf_t                *b;
    ngx_http_scc_json_out_t  *out;

    out = ctx;
    b = out->buf;

    if (out->failed) {
        return;
    }

    if ((size_t) (b->end - b->last) < len) {
        size = ngx_max(2 * (size_t) (b->end - b->start),
                       (size_t) (b->last - b->start) + len);

        out->buf = ngx_create_temp_buf(out->pool, size);
        if (out->buf == NULL) {
            out->buf = b;
            out->failed = 1;
            return;
        }

        out->buf->last = ngx_cpymem(out->buf->pos, b->pos, b->last - b->pos);
        (void) ngx_pfree(out->pool, b->start);

        b = out->buf;
    }

    b->last = ngx_cpymem(b->last, s, len);
}


ngx_int_t
ngx_http_scc_add_header(ngx_http_request_t *r, char *key, u_char *value,
    size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value.data = value;
    h->value.len = len;

    return NGX_OK;
}


ngx_int_t
ngx_http_scc_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b)
{
    static ngx_str_t  json = ngx_string("application/json");

    return ngx_http_scc_send_body(r, status, &json, b);
}


/* b may be NULL: no body; type must outlive the request's header */

static ngx_int_t
ngx_http_scc_send_body(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b)
{
    ngx_int_t    rc;
    ngx_chain_t  out;

    r->headers_out.status = status;

    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.content_type_lowcase = NULL;

    r->headers_out.content_length_n = b ? b->last - b->pos : 0;

    /* answers are per user and per moment */

    if (ngx_http_scc_add_header(r, "Cache-Control", (u_char *) "no-store",
                                sizeof("no-store") - 1)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (b == NULL || b->last == b->pos) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


ngx_int_t
ngx_http_scc_send_error(ngx_http_request_t *r, ngx_http_scc_err_e err,
    const char *message)
{
    ngx_str_t              text;
    ngx_http_scc_error_t  *e;

    e = &ngx_http_scc_errors[err];

    if (e->challenge.len
        && ngx_http_scc_add_header(r, "WWW-Authenticate", e->challenge.data,
                                   e->challenge.len)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (message == NULL) {
        return ngx_http_scc_send_error_as(r, e->status, &e->code,
                                          &e->message);
    }

    text.data = (u_char *) message;
    text.len = ngx_strlen(message);

    return ngx_http_scc_send_error_as(r, e->status, &e->code, &text);
}


/*
 * {"error":{"code","message","request_id"}} with any code and message:
 * the table's, or an SQL function's own (SCnnn, DETAIL the code).
 */

static ngx_int_t
ngx_http_scc_send_error_as(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *code, ngx_str_t *message)
{
    u_char                     *p;
    size_t                      len;
    ngx_buf_t                  *b;
    ngx_http_variable_value_t  *id;
    ngx_http_scc_main_conf_t   *smcf;

    static ngx_str_t  unprintable = ngx_string("(unprintable)");

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scc: error %ui \"%V\" \"%V\"", status, code, message);

    /*
     * An error may come before the body was read: it must be drained for
     * keep-alive.  Once read or discarded, this does nothing.
     */

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (status == NGX_HTTP_SERVICE_UNAVAILABLE
        && ngx_http_scc_add_header(r, "Retry-After", (u_char *) "1", 1)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    id = ngx_http_get_indexed_variable(r, smcf->request_id_index);

    if (id && id->not_found) {
        id = NULL;
    }

    /*
     * The code (an SQL function's DETAIL) and the message (PostgreSQL's
     * words) are UTF-8, but never trust a byte blindly
     */

    if (!ngx_http_scc_json_utf8(code->data, code->len)) {
        code = &unprintable;
    }

    if (!ngx_http_scc_json_utf8(message->data, message->len)) {
        message = &unprintable;
    }

    /*
     * Built without yajl: every refusal (a bad token, an unknown route)
     * is answered here, and must cost no more than a success.
     */

    len = sizeof("{\"error\":{\"code\":,\"message\":,\"request_id\":}}") - 1
          + NGX_HTTP_SCC_JSON_STRING_MAX(code->len)
          + NGX_HTTP_SCC_JSON_STRING_MAX(message->len)
          + (id ? NGX_HTTP_SCC_JSON_STRING_MAX(id->len) : sizeof("null") - 1);

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(b->last, "{\"error\":{\"code\":",
                   sizeof("{\"error\":{\"code\":") - 1);
    p = ngx_http_scc_json_string(p, code->data, code->len);
    p = ngx_cpymem(p, ",\"message\":", sizeof(",\"message\":") - 1);
    p = ngx_http_scc_json_string(p, message->data, message->len);
    p = ngx_cpymem(p, ",\"request_id\":", sizeof(",\"request_id\":") - 1);

    if (id) {
        p = ngx_http_scc_json_string(p, id->data, id->len);

    } else {
        p = ngx_cpymem(p, "null", sizeof("null") - 1);
    }

    *p++ = '}';
    *p++ = '}';

    b->last = p;

    return ngx_http_scc_send_json(r, status, b);
}


u_char *
ngx_http_scc_json_string(u_char *p, u_char *s, size_t len)
{
    *p++ = '"';
    p = (u_char *) ngx_escape_json(p, s, len);
    *p++ = '"';

    return p;
}


ngx_int_t
ngx_http_scc_send_result(ngx_http_request_t *r, PGresult *res)
{
    ngx_int_t   rc, status;
    ngx_buf_t  *b;

    status = ngx_http_scc_result(r, res, 2, &rc);

    if (status == 0) {
        return rc;
    }

    if (PQgetisnull(res, 0, 1)) {
        return ngx_http_scc_send_json(r, status, NULL);
    }

    b = ngx_http_scc_result_body(r, res);
    if (b == NULL) {
        return NGX_ERROR;
    }

    return ngx_http_scc_send_json(r, status, b);
}


/*
 * The media type and the file name come from SQL and go into headers:
 * a byte outside the safe set (CR, LF, a quote...) is a bug of the route
 * function, refused here rather than sent, and logged without the bytes.
 */

ngx_int_t
ngx_http_scc_send_file(ngx_http_request_t *r, PGresult *res)
{
    u_char              *p, *name;
    size_t               len;
    ngx_int_t            rc, status;
    ngx_str_t            type;
    ngx_buf_t           *b;
    ngx_http_scc_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_scc_module);

    status = ngx_http_scc_result(r, res, 4, &rc);

    if (status == 0) {
        return rc;
    }

    type.data = (u_char *) PQgetvalue(res, 0, 2);
    type.len = PQgetlength(res, 0, 2);

    if (PQgetisnull(res, 0, 2)
        || !ngx_http_scc_route_file_type_ok(type.data, type.len))
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "scc: %V gave no content type, or one with bytes "
                      "outside the safe set; not sent",
                      &ctx->match.route->function);
        return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_INTERNAL, NULL);
    }

    if (!PQgetisnull(res, 0, 3)) {
        name = (u_char *) PQgetvalue(res, 0, 3);
        len = PQgetlength(res, 0, 3);

        if (!ngx_http_scc_route_file_name_ok(name, len)) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "scc: %V gave a file name outside "
                          "[A-Za-z0-9._-] or longer than %d bytes; "
                          "not sent", &ctx->match.route->function,
                          NGX_HTTP_SCC_FILENAME_MAX);
            return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_INTERNAL,
                                           NULL);
        }

        p = ngx_pnalloc(r->pool, sizeof("attachment; filename=\"\"") - 1
                                 + len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        if (ngx_http_scc_add_header(r, "Content-Disposition", p,
                                    ngx_sprintf(p, "attachment; "
                                                "filename=\"%*s\"",
                                                len, name)
                                    - p)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "scc: file answer, an attachment named \"%*s\"",
                       len, name);
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scc: file answer %i \"%V\"", status, &type);

    if (PQgetisnull(res, 0, 1)) {
        return ngx_http_scc_send_body(r, status, &type, NULL);
    }

    b = ngx_http_scc_result_body(r, res);
    if (b == NULL) {
        return NGX_ERROR;
    }

    return ngx_http_scc_send_body(r, status, &type, b);
}


/*
 * A route function's result: one row of nfields columns, the first a
 * status 200..599.  Returns that status, res then belonging to the
 * request pool (cleared with it); or 0 when res was an error or
 * malformed, answered already (cleared), with the answer's code in *rc.
 */

static ngx_int_t
ngx_http_scc_result(ngx_http_request_t *r, PGresult *res, int nfields,
    ngx_int_t *rc)
{
    ngx_int_t            status;
    ngx_pool_cleanup_t  *cln;

    if (res == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "scc: PostgreSQL gave no result");
        *rc = ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_INTERNAL, NULL);
        return 0;
    }

    switch (PQresultStatus(res)) {

    case PGRES_TUPLES_OK:
        break;

    case PGRES_FATAL_ERROR:
        *rc = ngx_http_scc_send_pg_error(r, res);
        return 0;

    default:
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "scc: unexpected PostgreSQL result %s",
                      PQresStatus(PQresultStatus(res)));
        PQclear(res);
        *rc = ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_INTERNAL, NULL);
        return 0;
    }

    status = NGX_ERROR;

    if (PQntuples(res) == 1 && PQnfields(res) == nfields
        && !PQgetisnull(res, 0, 0))
    {
        status = ngx_atoi((u_char *) PQgetvalue(res, 0, 0),
                          PQgetlength(res, 0, 0));
    }

    if (status < 200 || status > 599) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "scc: a route function must return one row "
                      "(status 200..599, then its %d columns); got %d rows",
                      nfields - 1, PQntuples(res));
        PQclear(res);
        *rc = ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_INTERNAL, NULL);
        return 0;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        PQclear(res);
        *rc = NGX_ERROR;
        return 0;
    }

    cln->handler = ngx_http_scc_pqclear;
    cln->data = res;

    return status;
}


/* the body column, sent from libpq's memory as it is */

static ngx_buf_t *
ngx_http_scc_result_body(ngx_http_request_t *r, PGresult *res)
{
    ngx_buf_t  *b;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NULL;
    }

    b->pos = (u_char *) PQgetvalue(res, 0, 1);
    b->last = b->pos + PQgetlength(res, 0, 1);
    b->memory = 1;

    return b;
}


static ngx_int_t
ngx_http_scc_send_pg_error(ngx_http_request_t *r, PGresult *res)
{
    u_char                   *state;
    ngx_int_t                 rc, status;
    ngx_str_t                 code, text;
    ngx_uint_t                i, level;
    const char               *message, *detail;
    ngx_http_scc_sqlstate_t  *s;

    state = (u_char *) PQresultErrorField(res, PG_DIAG_SQLSTATE);
    message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);

    if (state == NULL || ngx_strlen(state) != 5 || message == NULL) {
        goto internal;
    }

    /* our own: raise ... using errcode = 'SC409', detail = 'role_full' */

    if (state[0] == 'S' && state[1] == 'C') {
        status = ngx_atoi(state + 2, 3);

        if (status >= 400 && status <= 599 && detail && detail[0]) {
            code.data = (u_char *) detail;
            code.len = ngx_strlen(detail);
            text.data = (u_char *) message;
            text.len = ngx_strlen(message);

            rc = ngx_http_scc_send_error_as(r, status, &code, &text);
            PQclear(res);
            return rc;
        }

        goto internal;
    }

    for (i = 0; i < sizeof(ngx_http_scc_sqlstates)
                    / sizeof(ngx_http_scc_sqlstate_t); i++)
    {
        s = &ngx_http_scc_sqlstates[i];

        if (ngx_strncmp(state, s->sqlstate.data, s->sqlstate.len) != 0) {
            continue;
        }

        level = (ngx_http_scc_errors[s->err].status >= 500) ? NGX_LOG_ERR
                                                             : NGX_LOG_INFO;

        ngx_log_error(level, r->connection->log, 0, "scc: PostgreSQL: %s %s",
                      state, PQresultErrorMessage(res));

        rc = ngx_http_scc_send_error(r, s->err, s->own ? message : NULL);
        PQclear(res);
        return rc;
    }

internal:

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "scc: PostgreSQL: %s %s", state ? (char *) state : "-",
                  PQresultErrorMessage(res));
    PQclear(res);

    return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_INTERNAL, NULL);
}


static void
ngx_http_scc_pqclear(void *data)
{
    PQclear(data);
}
