/*
 * json.h — writing JSON with yajl's generator: the one helper the worker's
 * files share for strings and for copying a parsed value back out.
 *
 * This file must never parse or hold state: it only forwards to yajl.
 */
#ifndef SCC_JSON_H
#define SCC_JSON_H

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/* A NUL-terminated string (a key or a value). */
void scc_json_gen_str(yajl_gen g, const char *s);

/* A parsed value as it was (NULL writes null): numbers keep their text. */
void scc_json_gen_value(yajl_gen g, yajl_val v);

#endif
