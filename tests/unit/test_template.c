/*
 * test_template.c - the Mustache renderer against the specification's core
 * suites (the JSON files in tests/vectors/mustache, loaded as they are,
 * one cmocka test per case) plus the choices the spec leaves open and
 * error reporting.
 *
 * Must never copy or edit the vectors; a case that cannot pass is listed
 * in KNOWN_EXCEPTIONS with its reason instead (currently none).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "template.h"

#ifndef SCC_VECTORS
#define SCC_VECTORS "tests/vectors"
#endif
#define SPEC_DIR SCC_VECTORS "/mustache"

/* "file: case name" of spec cases that are expected to fail, and why. */
static const char *const KNOWN_EXCEPTIONS[][2] = {
    { NULL, NULL }
};

struct spec_case {
    char    *label;         /* "sections.json: Truthy" */
    yajl_val data;
    yajl_val partials;      /* an object, or NULL */
    char    *tmpl;
    char    *expected;
};

static char *
read_file(const char *path)
{
    FILE  *f = fopen(path, "rb");
    char  *buf = NULL, *p;
    size_t len = 0, cap = 0, n;

    if (f == NULL)
        return NULL;
    for (;;) {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 65536;
            p = realloc(buf, cap);
            if (p == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

static const char *
partial_lookup(void *ud, const char *name, size_t name_len, size_t *len)
{
    yajl_val obj = ud, v;
    size_t   i;

    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (i = 0; i < obj->u.object.len; i++) {
        if (strlen(obj->u.object.keys[i]) == name_len
            && memcmp(obj->u.object.keys[i], name, name_len) == 0) {
            v = obj->u.object.values[i];
            if (!YAJL_IS_STRING(v))
                return NULL;
            *len = strlen(v->u.string);
            return v->u.string;
        }
    }
    return NULL;
}

static int
is_known_exception(const char *label)
{
    size_t i;

    for (i = 0; KNOWN_EXCEPTIONS[i][0] != NULL; i++)
        if (strcmp(KNOWN_EXCEPTIONS[i][0], label) == 0)
            return 1;
    return 0;
}

static void
run_spec_case(void **state)
{
    struct spec_case *c = *state;
    scc_buf           out;
    char              err[256];
    int               rc;

    scc_buf_init(&out);
    rc = scc_template_render_string(c->tmpl, strlen(c->tmpl), c->data,
                                    partial_lookup, c->partials, &out, err,
                                    sizeof(err));
    if (is_known_exception(c->label)) {
        scc_buf_free(&out);
        skip();
    }
    if (rc != 0) {
        scc_buf_free(&out);
        fail_msg("%s: render failed: %s", c->label, err);
    }
    if (strcmp(out.data, c->expected) != 0) {
        print_error("%s\n  template: %s\n  expected: [%s]\n  got:      [%s]\n",
                    c->label, c->tmpl, c->expected, out.data);
        scc_buf_free(&out);
        fail_msg("%s: output differs", c->label);
    }
    scc_buf_free(&out);
}

/* ---- cases the spec does not cover -------------------------------------- */

static char *
render(const char *tmpl, const char *json)
{
    char     errbuf[256];
    yajl_val data = NULL;
    scc_buf  out;
    char    *s;

    if (json) {
        data = yajl_tree_parse(json, errbuf, sizeof(errbuf));
        assert_non_null(data);
    }
    scc_buf_init(&out);
    assert_int_equal(scc_template_render_string(tmpl, strlen(tmpl), data,
                                                NULL, NULL, &out, errbuf,
                                                sizeof(errbuf)), 0);
    yajl_tree_free(data);
    s = out.data;
    return s;
}

static void
check(const char *tmpl, const char *json, const char *expected)
{
    char *got = render(tmpl, json);

    assert_string_equal(got, expected);
    free(got);
}

static void
test_escaping_and_scalars(void **state)
{
    (void)state;
    check("{{x}}", "{\"x\":\"<a href='x'>&\\\"</a>\"}",
          "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    check("{{{x}}}|{{&x}}", "{\"x\":\"<'>\"}", "<'>|<'>");
    check("{{a}} {{b}} {{c}} {{d}} {{e}}",
          "{\"a\":1.5,\"b\":42,\"c\":12.50,\"d\":-0.25,\"e\":1e3}",
          "1.5 42 12.50 -0.25 1e3");
    check("{{t}} {{f}} [{{n}}] [{{o}}] [{{l}}]",
          "{\"t\":true,\"f\":false,\"n\":null,\"o\":{\"a\":1},\"l\":[1]}",
          "true false [] [] []");
    check("{{x}}", "{\"x\":\"caf\xc3\xa9\"}", "caf\xc3\xa9");
    check("", "{}", "");
    check("plain", NULL, "plain");
}

static void
test_numbers_without_source_text(void **state)
{
    struct yajl_val_s num;
    struct yajl_val_s obj;
    const char       *keys[1] = { "x" };
    yajl_val          vals[1] = { &num };
    scc_buf           out;
    char              err[128];

    (void)state;
    memset(&num, 0, sizeof(num));
    num.type = yajl_t_number;
    num.u.number.d = 1.5;
    num.u.number.flags = YAJL_NUMBER_DOUBLE_VALID;
    memset(&obj, 0, sizeof(obj));
    obj.type = yajl_t_object;
    obj.u.object.keys = keys;
    obj.u.object.values = vals;
    obj.u.object.len = 1;
    scc_buf_init(&out);
    assert_int_equal(scc_template_render_string("{{x}}", 5, &obj, NULL, NULL,
                                                &out, err, sizeof(err)), 0);
    assert_string_equal(out.data, "1.5");
    num.u.number.i = 85;
    num.u.number.flags = YAJL_NUMBER_INT_VALID | YAJL_NUMBER_DOUBLE_VALID;
    num.u.number.d = 85.0;
    scc_buf_reset(&out);
    assert_int_equal(scc_template_render_string("{{x}}", 5, &obj, NULL, NULL,
                                                &out, err, sizeof(err)), 0);
    assert_string_equal(out.data, "85");
    scc_buf_free(&out);
}

static void
test_falsey_values(void **state)
{
    (void)state;
    check("{{#s}}S{{/s}}{{^s}}s{{/s}}", "{\"s\":\"\"}", "s");
    check("{{#n}}N{{/n}}{{^n}}n{{/n}}", "{\"n\":0}", "n");
    check("{{#n}}N{{/n}}{{^n}}n{{/n}}", "{\"n\":0.0}", "n");
    check("{{#n}}{{n}}{{/n}}", "{\"n\":3}", "3");
    check("{{#o}}{{a}}{{/o}}{{^o}}no{{/o}}", "{\"o\":{}}", "");
    check("{{#rows}}{{name}}={{v}};{{/rows}}{{^rows}}none{{/rows}}",
          "{\"rows\":[{\"name\":\"a\",\"v\":1},{\"name\":\"b\",\"v\":2}]}",
          "a=1;b=2;");
    /* A key present with null stops the search up the context stack. */
    check("{{#o}}[{{a}}]{{/o}}", "{\"a\":\"outer\",\"o\":{\"a\":null}}",
          "[]");
}

static void
test_compile_once_render_many(void **state)
{
    const char   *src = "{{#items}}<li>{{.}}</li>\n{{/items}}";
    scc_template *t;
    yajl_val      d1, d2;
    scc_buf       out;
    char          err[128];

    (void)state;
    t = scc_template_compile(src, strlen(src), err, sizeof(err));
    assert_non_null(t);
    d1 = yajl_tree_parse("{\"items\":[\"a\",\"<b>\"]}", NULL, 0);
    d2 = yajl_tree_parse("{\"items\":[]}", NULL, 0);
    assert_non_null(d1);
    assert_non_null(d2);
    scc_buf_init(&out);
    assert_int_equal(scc_template_render(t, d1, NULL, NULL, &out, err,
                                         sizeof(err)), 0);
    assert_string_equal(out.data, "<li>a</li>\n<li>&lt;b&gt;</li>\n");
    scc_buf_reset(&out);
    assert_int_equal(scc_template_render(t, d2, NULL, NULL, &out, err,
                                         sizeof(err)), 0);
    assert_string_equal(out.data, "");
    scc_buf_reset(&out);
    assert_int_equal(scc_template_render(t, d1, NULL, NULL, &out, err,
                                         sizeof(err)), 0);
    assert_string_equal(out.data, "<li>a</li>\n<li>&lt;b&gt;</li>\n");
    scc_buf_free(&out);
    yajl_tree_free(d1);
    yajl_tree_free(d2);
    scc_template_free(t);
}

static void
expect_compile_error(const char *src, const char *fragment)
{
    char          err[256];
    scc_template *t;

    err[0] = '\0';
    t = scc_template_compile(src, strlen(src), err, sizeof(err));
    if (t != NULL) {
        scc_template_free(t);
        fail_msg("'%s' compiled, expected an error with '%s'", src,
                 fragment);
    }
    if (strstr(err, fragment) == NULL)
        fail_msg("'%s': error '%s' lacks '%s'", src, err, fragment);
}

static void
test_compile_errors(void **state)
{
    (void)state;
    expect_compile_error("a\n{{#items}}\nx\n",
                         "section 'items' opened on line 2 is never closed");
    expect_compile_error("{{#a}}\n{{#b}}\n{{/a}}",
                         "line 3: section 'b' opened on line 2 is closed by "
                         "'/a'");
    expect_compile_error("x{{/a}}", "line 1: closing tag '/a' without an "
                         "open section");
    expect_compile_error("hello {{name", "line 1: tag '{{' is never closed");
    expect_compile_error("{{{name}}", "never closed");
    expect_compile_error("{{=<% %>=}}\n<%name", "line 2: tag '<%' is never "
                         "closed by '%>'");
    expect_compile_error("{{=<%>=}}", "two delimiters");
    expect_compile_error("{{= a b c =}}", "two delimiters");
    expect_compile_error("{{}}", "empty tag name");
    expect_compile_error("{{#}}{{/}}", "empty tag name");
    expect_compile_error("{{a b}}", "contains whitespace");
}

static const char *
self_partial(void *ud, const char *name, size_t name_len, size_t *len)
{
    (void)ud;
    if (name_len == 4 && memcmp(name, "loop", 4) == 0) {
        *len = 10;
        return "{{>loop}}x";
    }
    if (name_len == 3 && memcmp(name, "bad", 3) == 0) {
        *len = 6;
        return "{{#a}}";
    }
    return NULL;
}

static void
test_render_errors(void **state)
{
    scc_buf out;
    char    err[256];

    (void)state;
    scc_buf_init(&out);
    assert_int_equal(scc_template_render_string("{{>loop}}", 9, NULL,
                                                self_partial, NULL, &out,
                                                err, sizeof(err)), -1);
    assert_non_null(strstr(err, "partials nested deeper"));
    scc_buf_reset(&out);
    assert_int_equal(scc_template_render_string("a{{>bad}}", 9, NULL,
                                                self_partial, NULL, &out,
                                                err, sizeof(err)), -1);
    assert_non_null(strstr(err, "partial 'bad': section 'a'"));
    scc_buf_free(&out);
}

/* Arbitrary bytes from a small alphabet must compile or fail cleanly. */
static void
test_no_crash_on_garbage(void **state)
{
    static const char alphabet[] = "{}#^/!&=>.ab <%\n\r\t";
    char              src[64], err[128];
    yajl_val          data;
    scc_buf           out;
    unsigned          seed = 12345, i, j, len;
    scc_template     *t;

    (void)state;
    data = yajl_tree_parse("{\"a\":[{\"b\":1},{\"b\":[true]}],\"b\":\"<\"}",
                           NULL, 0);
    assert_non_null(data);
    scc_buf_init(&out);
    for (i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        len = (seed >> 16) % sizeof(src);
        for (j = 0; j < len; j++) {
            seed = seed * 1103515245u + 12345u;
            src[j] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        t = scc_template_compile(src, len, err, sizeof(err));
        if (t == NULL) {
            assert_true(err[0] != '\0');
            continue;
        }
        scc_buf_reset(&out);
        (void)scc_template_render(t, data, self_partial, NULL, &out, err,
                                  sizeof(err));
        scc_template_free(t);
    }
    scc_buf_free(&out);
    yajl_tree_free(data);
}

/* ---- spec loading ------------------------------------------------------- */

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
str_field(yajl_val obj, const char *key)
{
    const char *path[2] = { key, NULL };
    yajl_val    v = yajl_tree_get(obj, path, yajl_t_string);

    return v ? v->u.string : NULL;
}

/* Sections nested over a list multiply: the render must stop with a clear
 * error instead of running (or allocating) without end. */
static void
test_runaway_is_stopped(void **state)
{
    char     err[256] = "";
    char     tpl[512];
    size_t   n = 0;
    yajl_val data;
    scc_buf  out;
    int      i, rc;

    (void)state;
    data = yajl_tree_parse("{\"l\":[1,2,3,4]}", err, sizeof(err));
    assert_non_null(data);
    for (i = 0; i < 14; i++)       /* 4^14 = 268 million renderings */
        n += (size_t)sprintf(tpl + n, "{{#l}}");
    n += (size_t)sprintf(tpl + n, "x");
    for (i = 0; i < 14; i++)
        n += (size_t)sprintf(tpl + n, "{{/l}}");

    scc_buf_init(&out);
    rc = scc_template_render_string(tpl, n, data, NULL, NULL, &out, err, sizeof(err));
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "rendering stopped"));
    assert_true(out.len <= SCC_TEMPLATE_MAX_OUTPUT + 4096);
    scc_buf_free(&out);

    /* the same nesting with an empty body: no output, still stopped */
    n = 0;
    for (i = 0; i < 14; i++)
        n += (size_t)sprintf(tpl + n, "{{#l}}");
    for (i = 0; i < 14; i++)
        n += (size_t)sprintf(tpl + n, "{{/l}}");
    scc_buf_init(&out);
    err[0] = '\0';
    rc = scc_template_render_string(tpl, n, data, NULL, NULL, &out, err, sizeof(err));
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "rendering stopped"));
    scc_buf_free(&out);

    /* a large but reasonable render is untouched: 4^6 = 4096 rows */
    n = 0;
    for (i = 0; i < 6; i++)
        n += (size_t)sprintf(tpl + n, "{{#l}}");
    n += (size_t)sprintf(tpl + n, "<td>{{.}}</td>");
    for (i = 0; i < 6; i++)
        n += (size_t)sprintf(tpl + n, "{{/l}}");
    scc_buf_init(&out);
    rc = scc_template_render_string(tpl, n, data, NULL, NULL, &out, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_int_equal(out.len, 4096 * strlen("<td>1</td>"));
    scc_buf_free(&out);
    yajl_tree_free(data);
}


int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_escaping_and_scalars),
        cmocka_unit_test(test_numbers_without_source_text),
        cmocka_unit_test(test_falsey_values),
        cmocka_unit_test(test_compile_once_render_many),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_render_errors),
        cmocka_unit_test(test_no_crash_on_garbage),
        cmocka_unit_test(test_runaway_is_stopped),
    };
    const char        *tests_path[2] = { "tests", NULL };
    const char        *data_path[2] = { "data", NULL };
    const char        *partials_path[2] = { "partials", NULL };
    struct CMUnitTest *tests = NULL, *tp;
    struct spec_case  *cases = NULL, *cp;
    yajl_val           trees[32], list, tc;
    char              *names[32], *text, path[4096], err[256];
    size_t             nfiles = 0, ntests = 0, cap = 0, i, j, k;
    DIR               *dir;
    struct dirent     *de;
    int                rc;

    dir = opendir(SPEC_DIR);
    if (dir == NULL) {
        fprintf(stderr, "cannot open %s\n", SPEC_DIR);
        return 1;
    }
    while ((de = readdir(dir)) != NULL && nfiles < 32) {
        size_t n = strlen(de->d_name);

        /* '~' files are the spec's optional modules (lambdas etc.). */
        if (de->d_name[0] == '~' || n < 6
            || strcmp(de->d_name + n - 5, ".json") != 0)
            continue;
        names[nfiles] = strdup(de->d_name);
        if (names[nfiles] == NULL)
            return 1;
        nfiles++;
    }
    closedir(dir);
    if (nfiles == 0) {
        fprintf(stderr, "no spec files in %s\n", SPEC_DIR);
        return 1;
    }
    qsort(names, nfiles, sizeof(names[0]), cmp_names);

    cap = sizeof(fixed) / sizeof(fixed[0]);
    for (i = 0; i < nfiles; i++) {
        snprintf(path, sizeof(path), "%s/%s", SPEC_DIR, names[i]);
        text = read_file(path);
        if (text == NULL) {
            fprintf(stderr, "cannot read %s\n", path);
            return 1;
        }
        trees[i] = yajl_tree_parse(text, err, sizeof(err));
        free(text);
        list = trees[i] ? yajl_tree_get(trees[i], tests_path, yajl_t_array)
                        : NULL;
        if (list == NULL) {
            fprintf(stderr, "%s: not a spec file: %s\n", path, err);
            return 1;
        }
        cap += list->u.array.len;
    }
    tests = calloc(cap, sizeof(*tests));
    cases = calloc(cap, sizeof(*cases));
    if (tests == NULL || cases == NULL)
        return 1;
    for (k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
        tests[ntests++] = fixed[k];
    cp = cases;
    for (i = 0; i < nfiles; i++) {
        list = yajl_tree_get(trees[i], tests_path, yajl_t_array);
        for (j = 0; j < list->u.array.len; j++, cp++) {
            const char *name, *tmpl, *expected;
            size_t      lablen;

            tc = list->u.array.values[j];
            name = str_field(tc, "name");
            tmpl = str_field(tc, "template");
            expected = str_field(tc, "expected");
            if (name == NULL || tmpl == NULL || expected == NULL) {
                fprintf(stderr, "%s: case %zu is malformed\n", names[i], j);
                return 1;
            }
            lablen = strlen(names[i]) + strlen(name) + 3;
            cp->label = malloc(lablen);
            if (cp->label == NULL)
                return 1;
            snprintf(cp->label, lablen, "%s: %s", names[i], name);
            cp->data = yajl_tree_get(tc, data_path, yajl_t_any);
            cp->partials = yajl_tree_get(tc, partials_path, yajl_t_object);
            cp->tmpl = (char *)tmpl;
            cp->expected = (char *)expected;
            tp = &tests[ntests++];
            tp->name = cp->label;
            tp->test_func = run_spec_case;
            tp->initial_state = cp;
        }
    }
    rc = _cmocka_run_group_tests("template", tests, ntests, NULL, NULL);
    for (k = 0; k < (size_t)(cp - cases); k++)
        free(cases[k].label);
    for (i = 0; i < nfiles; i++) {
        yajl_tree_free(trees[i]);
        free(names[i]);
    }
    free(tests);
    free(cases);
    return rc;
}
