/*
 * json.c — see json.h.  Numbers are written from the text yajl kept, so a
 * value copied through here keeps its exact digits (12.50 stays 12.50).
 *
 * This file must never parse or hold state.
 */
#include "json.h"

#include <string.h>

void scc_json_gen_str(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void scc_json_gen_value(yajl_gen g, yajl_val v)
{
    if (v == NULL || YAJL_IS_NULL(v)) {
        yajl_gen_null(g);
    } else if (YAJL_IS_STRING(v)) {
        scc_json_gen_str(g, YAJL_GET_STRING(v));
    } else if (YAJL_IS_NUMBER(v)) {
        const char *n = YAJL_GET_NUMBER(v);
        yajl_gen_number(g, n, strlen(n));
    } else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
        yajl_gen_bool(g, YAJL_IS_TRUE(v));
    } else if (YAJL_IS_ARRAY(v)) {
        yajl_gen_array_open(g);
        for (size_t i = 0; i < v->u.array.len; i++)
            scc_json_gen_value(g, v->u.array.values[i]);
        yajl_gen_array_close(g);
    } else if (YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);
        for (size_t i = 0; i < v->u.object.len; i++) {
            scc_json_gen_str(g, v->u.object.keys[i]);
            scc_json_gen_value(g, v->u.object.values[i]);
        }
        yajl_gen_map_close(g);
    }
}
