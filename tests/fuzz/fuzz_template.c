/*
 * Fuzz target: the Mustache compiler and renderer (worker/template.c) on any
 * template, over a fixed data tree with lists, objects and markup, with a
 * partial that includes itself.  Errors are fine; crashes and unbounded
 * recursion are not.
 */
#include "template.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static yajl_val data;

static const char *partial(void *ud, const char *name, size_t len, size_t *out_len)
{
    static const char self[] = "[{{>p}}{{#list}}{{.}}{{/list}}]";
    (void)ud;
    if (len == 1 && name[0] == 'p') {
        *out_len = sizeof(self) - 1;
        return self;
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    char err[256];
    if (data == NULL) {
        data = yajl_tree_parse("{\"a\":{\"b\":{\"c\":\"<x&y>\"}},\"list\":[1,2.5,\"s\",{\"n\":null}],"
                               "\"t\":true,\"f\":false,\"e\":\"\",\"z\":0,\"html\":\"<b>'\\\"\"}",
                               err, sizeof(err));
        if (data == NULL)
            abort();
    }
    char *src = malloc(size ? size : 1);
    if (src == NULL)
        return 0;
    memcpy(src, bytes, size);
    scc_template *t = scc_template_compile(src, size, err, sizeof(err));
    if (t) {
        scc_buf out;
        scc_buf_init(&out);
        (void)scc_template_render(t, data, partial, NULL, &out, err, sizeof(err));
        scc_buf_free(&out);
        scc_template_free(t);
    }
    free(src);
    return 0;
}
