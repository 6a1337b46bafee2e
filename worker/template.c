/*
 * template.c - compile and render Mustache templates (see template.h).
 *
 * A template is parsed once into a tree of nodes (text, variables,
 * sections, partials) with the spec's standalone-line rules already
 * applied, so rendering is a plain walk over the tree and the JSON data.
 *
 * Must never: read files or the environment, keep global state, crash or
 * loop forever on any template or data (errors are reported instead),
 * or modify a compiled template while rendering it.
 */
#include "template.h"
#include "errmsg.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Delimiters longer than this are refused; real ones are 2 or 3 bytes. */
#define MAX_DELIM 16

enum node_kind {
    N_TEXT,
    N_VAR,          /* {{name}}, escaped */
    N_RAW,          /* {{{name}}} or {{&name}} */
    N_SECTION,      /* {{#name}} ... {{/name}} */
    N_INVERTED,     /* {{^name}} ... {{/name}} */
    N_PARTIAL       /* {{>name}} */
};

struct node;

struct block {
    struct node *v;
    size_t       n;
    size_t       cap;
};

struct node {
    enum node_kind kind;
    char          *str;         /* text, or the tag's name */
    size_t         len;
    char          *indent;      /* partials: standalone indentation */
    size_t         indent_len;
    struct block   body;        /* sections */
};

struct scc_template {
    struct block root;
};

/* ---- tree --------------------------------------------------------------- */

static void
block_free(struct block *b)
{
    size_t i;

    for (i = 0; i < b->n; i++) {
        free(b->v[i].str);
        free(b->v[i].indent);
        block_free(&b->v[i].body);
    }
    free(b->v);
    b->v = NULL;
    b->n = b->cap = 0;
}

void
scc_template_free(scc_template *t)
{
    if (t == NULL)
        return;
    block_free(&t->root);
    free(t);
}

static char *
dup_bytes(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Appends an empty node of KIND; NULL when memory ran out. */
static struct node *
block_add(struct block *b, enum node_kind kind)
{
    struct node *v;
    size_t       cap;

    if (b->n == b->cap) {
        cap = b->cap ? b->cap * 2 : 8;
        v = realloc(b->v, cap * sizeof(*v));
        if (v == NULL)
            return NULL;
        b->v = v;
        b->cap = cap;
    }
    v = &b->v[b->n++];
    memset(v, 0, sizeof(*v));
    v->kind = kind;
    return v;
}

/* ---- parser ------------------------------------------------------------- */

struct open_section {
    struct node *node;
    unsigned     line;
};

struct parser {
    const char          *src;
    size_t               len;
    char                 otag[MAX_DELIM + 1];
    size_t               olen;
    char                 ctag[MAX_DELIM + 1];
    size_t               clen;
    struct open_section  open[SCC_TEMPLATE_MAX_DEPTH];
    size_t               depth;
    struct block        *root;
    size_t               line_pos;  /* line numbers are counted lazily */
    unsigned             line;
    char                *err;
    size_t               errlen;
};

static unsigned
line_at(struct parser *p, size_t pos)
{
    for (; p->line_pos < pos; p->line_pos++)
        if (p->src[p->line_pos] == '\n')
            p->line++;
    return p->line;
}

static struct block *
current_block(struct parser *p)
{
    return p->depth ? &p->open[p->depth - 1].node->body : p->root;
}

static const char *
find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    return memmem(hay, hlen, needle, nlen);
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v'
        || c == '\f';
}

static void
trim(const char **s, size_t *n)
{
    while (*n && is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

static int
emit_text(struct parser *p, size_t from, size_t to)
{
    struct node *n;

    if (from >= to)
        return 0;
    n = block_add(current_block(p), N_TEXT);
    if (n == NULL || (n->str = dup_bytes(p->src + from, to - from)) == NULL)
        return -1;
    n->len = to - from;
    return 0;
}

/* "{{=<% %>=}}": CONTENT is what lies between the two '='. */
static int
set_delimiters(struct parser *p, const char *s, size_t n, unsigned line)
{
    size_t a = 0, alen, b, blen;

    trim(&s, &n);
    while (a < n && !is_space(s[a]))
        a++;
    alen = a;
    b = a;
    while (b < n && is_space(s[b]))
        b++;
    blen = n - b;
    if (alen == 0 || b == a || blen == 0
        || memchr(s + b, ' ', blen) || memchr(s + b, '\t', blen)
        || memchr(s + b, '\n', blen) || memchr(s + b, '\r', blen)
        || memchr(s, '=', alen) || memchr(s + b, '=', blen)) {
        scc_errmsg_set(p->err, p->errlen,
                "line %u: a set-delimiter tag needs two delimiters without "
                "spaces or '=', as in {{=<%% %%>=}}", line);
        return -1;
    }
    if (alen > MAX_DELIM || blen > MAX_DELIM) {
        scc_errmsg_set(p->err, p->errlen,
                "line %u: delimiters longer than %d bytes are not supported",
                line, MAX_DELIM);
        return -1;
    }
    memcpy(p->otag, s, alen);
    p->olen = alen;
    memcpy(p->ctag, s + b, blen);
    p->clen = blen;
    return 0;
}

/* Names are non-empty and hold no whitespace (spec: "non-whitespace
 * character sequence"); anything else is almost certainly a typo. */
static int
check_name(struct parser *p, const char *s, size_t n, unsigned line)
{
    size_t i;

    if (n == 0) {
        scc_errmsg_set(p->err, p->errlen, "line %u: empty tag name", line);
        return -1;
    }
    for (i = 0; i < n; i++)
        if (is_space(s[i])) {
            scc_errmsg_set(p->err, p->errlen,
                    "line %u: tag name '%.*s' contains whitespace", line,
                    (int)(n > 60 ? 60 : n), s);
            return -1;
        }
    return 0;
}

/*
 * Finds the end of a tag whose content starts at Q.  For '{' and '=' tags
 * the closing delimiter must be preceded by that character.  Sets
 * *content_end and returns the offset just past the closing delimiter, or
 * 0 when the tag never closes.
 */
static size_t
find_tag_end(struct parser *p, size_t q, char type, size_t *content_end)
{
    size_t      s = q;
    const char *k;
    size_t      at;

    for (;;) {
        k = find(p->src + s, p->len - s, p->ctag, p->clen);
        if (k == NULL)
            return 0;
        at = (size_t)(k - p->src);
        if (type != '{' && type != '=') {
            *content_end = at;
            return at + p->clen;
        }
        if (at > q && p->src[at - 1] == (type == '{' ? '}' : '=')) {
            *content_end = at - 1;
            return at + p->clen;
        }
        s = at + 1;
    }
}

static int
open_section(struct parser *p, enum node_kind kind, const char *name,
             size_t nlen, unsigned line)
{
    struct node *n;

    if (p->depth == SCC_TEMPLATE_MAX_DEPTH) {
        scc_errmsg_set(p->err, p->errlen,
                "line %u: sections nested deeper than %d", line,
                SCC_TEMPLATE_MAX_DEPTH);
        return -1;
    }
    n = block_add(current_block(p), kind);
    if (n == NULL || (n->str = dup_bytes(name, nlen)) == NULL)
        return -1;
    n->len = nlen;
    p->open[p->depth].node = n;
    p->open[p->depth].line = line;
    p->depth++;
    return 0;
}

static int
close_section(struct parser *p, const char *name, size_t nlen,
              unsigned line)
{
    struct open_section *o;

    if (p->depth == 0) {
        scc_errmsg_set(p->err, p->errlen,
                "line %u: closing tag '/%.*s' without an open section",
                line, (int)(nlen > 60 ? 60 : nlen), name);
        return -1;
    }
    o = &p->open[p->depth - 1];
    if (o->node->len != nlen || memcmp(o->node->str, name, nlen) != 0) {
        scc_errmsg_set(p->err, p->errlen,
                "line %u: section '%.60s' opened on line %u is closed by "
                "'/%.*s'", line, o->node->str, o->line,
                (int)(nlen > 60 ? 60 : nlen), name);
        return -1;
    }
    p->depth--;
    return 0;
}

static int
add_tag(struct parser *p, enum node_kind kind, const char *name, size_t nlen,
        const char *indent, size_t ilen)
{
    struct node *n = block_add(current_block(p), kind);

    if (n == NULL || (n->str = dup_bytes(name, nlen)) == NULL)
        return -1;
    n->len = nlen;
    if (ilen) {
        if ((n->indent = dup_bytes(indent, ilen)) == NULL)
            return -1;
        n->indent_len = ilen;
    }
    return 0;
}

/* Returns 0, or -1 with p->err set (or left empty for out of memory). */
static int
parse(struct parser *p)
{
    size_t      text_start = 0, pos = 0, tag, q, cend, tend, ls, e;
    size_t      clen;
    const char *k, *content;
    char        type;
    int         standalone;
    unsigned    line;

    for (;;) {
        k = find(p->src + pos, p->len - pos, p->otag, p->olen);
        if (k == NULL)
            break;
        tag = (size_t)(k - p->src);
        line = line_at(p, tag);
        q = tag + p->olen;
        type = q < p->len ? p->src[q] : '\0';
        if (strchr("!#^/>&{=", type) != NULL && type != '\0')
            q++;
        else
            type = '\0';
        tend = find_tag_end(p, q, type, &cend);
        if (tend == 0) {
            scc_errmsg_set(p->err, p->errlen, "line %u: tag '%s' is never closed "
                    "by '%s'", line, p->otag, p->ctag);
            return -1;
        }
        content = p->src + q;
        clen = cend - q;
        trim(&content, &clen);

        /*
         * Section, comment, partial and delimiter tags alone on their line
         * (bar blanks) take the whole line with them, so templates can be
         * laid out readably without blank lines in the output.
         */
        standalone = 0;
        ls = tag;
        e = tend;
        if (type != '\0' && type != '&' && type != '{') {
            while (ls > text_start && is_blank(p->src[ls - 1]))
                ls--;
            if (ls == 0 || p->src[ls - 1] == '\n') {
                while (e < p->len && is_blank(p->src[e]))
                    e++;
                if (e == p->len)
                    standalone = 1;
                else if (p->src[e] == '\n')
                    standalone = 1, e++;
                else if (p->src[e] == '\r' && e + 1 < p->len
                         && p->src[e + 1] == '\n')
                    standalone = 1, e += 2;
            }
        }
        if (!standalone) {
            ls = tag;
            e = tend;
        }
        if (emit_text(p, text_start, ls) != 0)
            return -1;
        text_start = pos = e;

        switch (type) {
        case '!':
            break;
        case '=':
            if (set_delimiters(p, content, clen, line) != 0)
                return -1;
            break;
        case '#':
        case '^':
            if (check_name(p, content, clen, line) != 0
                || open_section(p, type == '#' ? N_SECTION : N_INVERTED,
                                content, clen, line) != 0)
                return -1;
            break;
        case '/':
            if (check_name(p, content, clen, line) != 0
                || close_section(p, content, clen, line) != 0)
                return -1;
            break;
        case '>':
            /* Only a standalone partial is indented (spec "Inline
             * Indentation"). */
            if (check_name(p, content, clen, line) != 0
                || add_tag(p, N_PARTIAL, content, clen, p->src + ls,
                           tag - ls) != 0)
                return -1;
            break;
        default:
            if (check_name(p, content, clen, line) != 0
                || add_tag(p, type ? N_RAW : N_VAR, content, clen, NULL,
                           0) != 0)
                return -1;
            break;
        }
    }
    if (emit_text(p, text_start, p->len) != 0)
        return -1;
    if (p->depth) {
        scc_errmsg_set(p->err, p->errlen, "section '%.60s' opened on line %u is "
                "never closed", p->open[p->depth - 1].node->str,
                p->open[p->depth - 1].line);
        return -1;
    }
    return 0;
}

scc_template *
scc_template_compile(const char *src, size_t len, char *err, size_t errlen)
{
    scc_template  *t;
    struct parser *p;

    scc_errmsg_set(err, errlen, "out of memory");
    t = calloc(1, sizeof(*t));
    /* The parser holds the open-section stack, too big for a deep
     * render's C stack. */
    p = calloc(1, sizeof(*p));
    if (t == NULL || p == NULL) {
        free(t);
        free(p);
        return NULL;
    }
    p->src = src ? src : "";
    p->len = src ? len : 0;
    memcpy(p->otag, "{{", 3);
    p->olen = 2;
    memcpy(p->ctag, "}}", 3);
    p->clen = 2;
    p->root = &t->root;
    p->line = 1;
    p->err = err;
    p->errlen = errlen;
    if (parse(p) != 0) {
        free(p);
        scc_template_free(t);
        return NULL;
    }
    free(p);
    if (err && errlen)
        err[0] = '\0';
    return t;
}

/* ---- rendering ---------------------------------------------------------- */

/* The context stack lives on the C stack: one frame per section entered. */
struct ctx {
    yajl_val          v;
    const struct ctx *up;
};

/* Partials compiled during one render, keyed by name and indentation. */
struct partial_cache {
    char                 *name;
    size_t                nlen;
    char                 *indent;
    size_t                ilen;
    scc_template         *t;
    struct partial_cache *next;
};

struct render {
    scc_partial_fn        fn;
    void                 *ud;
    scc_buf              *out;
    char                 *err;
    size_t                errlen;
    struct partial_cache *cache;
    int                   partial_depth;
    size_t                steps;      /* nodes rendered, against runaway */
};

static int render_block(struct render *r, const struct block *b,
                        const struct ctx *c);

/* Sets *found when OBJ (an object) has key S (N bytes). */
static yajl_val
object_get(yajl_val obj, const char *s, size_t n, int *found)
{
    size_t i;

    *found = 0;
    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (i = 0; i < obj->u.object.len; i++) {
        const char *key = obj->u.object.keys[i];

        /* strnlen first: a name may hold a NUL byte, and then strncmp
         * would stop early and key[n] lie past a shorter key */
        if (key && strnlen(key, n + 1) == n && memcmp(key, s, n) == 0) {
            *found = 1;
            return obj->u.object.values[i];
        }
    }
    return NULL;
}

/*
 * Spec name resolution: "." is the top of the context stack; otherwise the
 * first part of a dotted name is looked up from the top of the stack down,
 * and the remaining parts only inside what that found.
 */
static yajl_val
lookup(const char *name, size_t len, const struct ctx *c)
{
    const char *dot, *end = name + len;
    yajl_val    v = NULL;
    int         found = 0;
    size_t      n;

    if (len == 1 && name[0] == '.')
        return c ? c->v : NULL;
    dot = memchr(name, '.', len);
    n = (size_t)((dot ? dot : end) - name);
    for (; c != NULL; c = c->up) {
        v = object_get(c->v, name, n, &found);
        if (found)
            break;
    }
    if (!found)
        return NULL;
    while (dot != NULL) {
        name = dot + 1;
        dot = memchr(name, '.', (size_t)(end - name));
        n = (size_t)((dot ? dot : end) - name);
        v = object_get(v, name, n, &found);
        if (!found)
            return NULL;
    }
    return v;
}

static int
falsey(yajl_val v)
{
    if (v == NULL || YAJL_IS_NULL(v) || YAJL_IS_FALSE(v))
        return 1;
    if (YAJL_IS_ARRAY(v))
        return v->u.array.len == 0;
    if (YAJL_IS_STRING(v))
        return v->u.string == NULL || v->u.string[0] == '\0';
    if (YAJL_IS_INTEGER(v))
        return YAJL_GET_INTEGER(v) == 0;
    if (YAJL_IS_DOUBLE(v))
        return YAJL_GET_DOUBLE(v) == 0.0;
    return 0;
}

static int
append_escaped(scc_buf *out, const char *s, size_t n)
{
    size_t      i, run = 0;
    const char *rep;

    for (i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        if (scc_buf_append(out, s + run, i - run) != 0
            || scc_buf_append(out, rep, strlen(rep)) != 0)
            return -1;
        run = i + 1;
    }
    return scc_buf_append(out, s + run, n - run);
}

/* Text of a scalar for interpolation; NULL when it prints nothing. */
static const char *
scalar_text(yajl_val v, char *tmp, size_t tmplen)
{
    double d;
    int    prec;

    if (v == NULL)
        return NULL;
    if (YAJL_IS_STRING(v))
        return v->u.string;
    if (YAJL_IS_TRUE(v))
        return "true";
    if (YAJL_IS_FALSE(v))
        return "false";
    if (!YAJL_IS_NUMBER(v))
        return NULL;
    if (v->u.number.r != NULL)
        return v->u.number.r;
    if (YAJL_IS_INTEGER(v)) {
        snprintf(tmp, tmplen, "%lld", YAJL_GET_INTEGER(v));
        return tmp;
    }
    if (!YAJL_IS_DOUBLE(v) || !isfinite(YAJL_GET_DOUBLE(v)))
        return NULL;
    d = YAJL_GET_DOUBLE(v);
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, tmplen, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return tmp;
}

static int
render_var(struct render *r, const struct node *n, const struct ctx *c)
{
    char        tmp[40];
    const char *s = scalar_text(lookup(n->str, n->len, c), tmp, sizeof(tmp));

    if (s == NULL)
        return 0;
    if (n->kind == N_RAW)
        return scc_buf_append(r->out, s, strlen(s));
    return append_escaped(r->out, s, strlen(s));
}

static int
render_section(struct render *r, const struct node *n, const struct ctx *c)
{
    yajl_val   v = lookup(n->str, n->len, c);
    struct ctx inner;
    size_t     i;

    if (n->kind == N_INVERTED)
        return falsey(v) ? render_block(r, &n->body, c) : 0;
    if (falsey(v))
        return 0;
    inner.up = c;
    if (YAJL_IS_ARRAY(v)) {
        for (i = 0; i < v->u.array.len; i++) {
            inner.v = v->u.array.values[i];
            if (render_block(r, &n->body, &inner) != 0)
                return -1;
        }
        return 0;
    }
    inner.v = v;
    return render_block(r, &n->body, &inner);
}

/*
 * The spec indents every line of a standalone partial's *source*, so text
 * the partial interpolates is not indented (spec "Standalone Indentation").
 */
static char *
indent_source(const char *src, size_t len, const char *ind, size_t ilen,
              size_t *outlen)
{
    scc_buf b;
    size_t  i, start = 0;

    scc_buf_init(&b);
    if (scc_buf_append(&b, ind, ilen) != 0)
        goto oom;
    for (i = 0; i < len; i++) {
        if (src[i] != '\n' || i + 1 == len)
            continue;
        if (scc_buf_append(&b, src + start, i + 1 - start) != 0
            || scc_buf_append(&b, ind, ilen) != 0)
            goto oom;
        start = i + 1;
    }
    if (scc_buf_append(&b, src + start, len - start) != 0)
        goto oom;
    *outlen = b.len;
    return b.data;
oom:
    scc_buf_free(&b);
    return NULL;
}

static scc_template *
get_partial(struct render *r, const struct node *n, int *missing)
{
    struct partial_cache *pc;
    const char           *src;
    char                 *indented = NULL;
    size_t                len = 0, ilen;
    char                  msg[200];

    *missing = 0;
    for (pc = r->cache; pc != NULL; pc = pc->next)
        if (pc->nlen == n->len && memcmp(pc->name, n->str, n->len) == 0
            && pc->ilen == n->indent_len
            && (pc->ilen == 0 || memcmp(pc->indent, n->indent, pc->ilen) == 0))
            return pc->t;
    src = r->fn ? r->fn(r->ud, n->str, n->len, &len) : NULL;
    if (src == NULL) {
        *missing = 1;
        return NULL;
    }
    pc = calloc(1, sizeof(*pc));
    if (pc == NULL)
        goto oom;
    if ((pc->name = dup_bytes(n->str, n->len)) == NULL)
        goto oom;
    pc->nlen = n->len;
    if (n->indent_len) {
        if ((pc->indent = dup_bytes(n->indent, n->indent_len)) == NULL)
            goto oom;
        pc->ilen = n->indent_len;
        indented = indent_source(src, len, n->indent, n->indent_len, &ilen);
        if (indented == NULL)
            goto oom;
        src = indented;
        len = ilen;
    }
    msg[0] = '\0';
    pc->t = scc_template_compile(src, len, msg, sizeof(msg));
    free(indented);
    if (pc->t == NULL) {
        scc_errmsg_set(r->err, r->errlen, "partial '%s': %s", pc->name,
                msg[0] ? msg : "out of memory");
        free(pc->name);
        free(pc->indent);
        free(pc);
        return NULL;
    }
    pc->next = r->cache;
    r->cache = pc;
    return pc->t;
oom:
    scc_errmsg_set(r->err, r->errlen, "out of memory");
    if (pc) {
        free(pc->name);
        free(pc->indent);
        free(pc);
    }
    return NULL;
}

static int
render_partial(struct render *r, const struct node *n, const struct ctx *c)
{
    scc_template *t;
    int           missing, rc;

    if (r->partial_depth >= SCC_TEMPLATE_MAX_DEPTH) {
        scc_errmsg_set(r->err, r->errlen, "partials nested deeper than %d "
                "(does '%s' include itself?)", SCC_TEMPLATE_MAX_DEPTH,
                n->str);
        return -1;
    }
    t = get_partial(r, n, &missing);
    if (t == NULL)
        return missing ? 0 : -1;
    r->partial_depth++;
    rc = render_block(r, &t->root, c);
    r->partial_depth--;
    return rc;
}

static int
render_block(struct render *r, const struct block *b, const struct ctx *c)
{
    size_t             i;
    const struct node *n;
    int                rc;

    for (i = 0; i < b->n; i++) {
        n = &b->v[i];
        if (++r->steps > SCC_TEMPLATE_MAX_STEPS || r->out->len > SCC_TEMPLATE_MAX_OUTPUT) {
            scc_errmsg_set(r->err, r->errlen, "rendering stopped: more than %u nodes or %u bytes "
                       "(sections nested over lists multiply)",
                       SCC_TEMPLATE_MAX_STEPS, SCC_TEMPLATE_MAX_OUTPUT);
            return -1;
        }
        switch (n->kind) {
        case N_TEXT:
            rc = scc_buf_append(r->out, n->str, n->len);
            break;
        case N_VAR:
        case N_RAW:
            rc = render_var(r, n, c);
            break;
        case N_SECTION:
        case N_INVERTED:
            rc = render_section(r, n, c);
            break;
        case N_PARTIAL:
            rc = render_partial(r, n, c);
            break;
        default:
            rc = 0;
            break;
        }
        if (rc != 0) {
            if (r->err && r->errlen && r->err[0] == '\0')
                scc_errmsg_set(r->err, r->errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

int
scc_template_render(const scc_template *t, yajl_val data,
                    scc_partial_fn partials, void *ud, scc_buf *out,
                    char *err, size_t errlen)
{
    struct render         r;
    struct ctx            root;
    struct partial_cache *pc;
    int                   rc;

    if (err && errlen)
        err[0] = '\0';
    memset(&r, 0, sizeof(r));
    r.fn = partials;
    r.ud = ud;
    r.out = out;
    r.err = err;
    r.errlen = errlen;
    root.v = data;
    root.up = NULL;
    /* An empty result must still be a valid C string. */
    rc = scc_buf_append(out, "", 0);
    if (rc == 0)
        rc = render_block(&r, &t->root, &root);
    else
        scc_errmsg_set(err, errlen, "out of memory");
    while ((pc = r.cache) != NULL) {
        r.cache = pc->next;
        scc_template_free(pc->t);
        free(pc->name);
        free(pc->indent);
        free(pc);
    }
    return rc;
}

int
scc_template_render_string(const char *src, size_t len, yajl_val data,
                           scc_partial_fn partials, void *ud, scc_buf *out,
                           char *err, size_t errlen)
{
    scc_template *t = scc_template_compile(src, len, err, errlen);
    int           rc;

    if (t == NULL)
        return -1;
    rc = scc_template_render(t, data, partials, ud, out, err, errlen);
    scc_template_free(t);
    return rc;
}
