/*
 * template.h - Mustache templates rendered over a yajl JSON tree.
 *
 * Reports and emails are Mustache templates (worker/templates/, NAME.mustache)
 * rendered over the JSON a report function returns.  This is the worker's
 * own renderer because Debian packages no C Mustache library; it passes
 * the core suites of the Mustache specification (comments, delimiters,
 * interpolation, inverted, partials, sections).  Lambdas and the optional
 * '~' modules (inheritance, dynamic names) are not supported.
 *
 * It must never read files, touch the database or keep global state:
 * partial sources come from a caller-supplied callback, so the caller
 * decides where templates live and how they are cached.
 *
 * Semantics, where the spec leaves a choice to the implementation:
 *  - {{x}} escapes & < > " and ' (as &amp; &lt; &gt; &quot; &#39;);
 *    {{{x}}} and {{&x}} do not escape.
 *  - Numbers print exactly as the JSON wrote them (85 -> "85",
 *    1.5 -> "1.5"), so a report keeps the scale PostgreSQL gives a numeric
 *    (round(x, 2) prints "12.50").  A tree built by hand without the text
 *    prints integers plainly and doubles in the shortest form that reads
 *    back the same.  true/false print as "true"/"false"; null, missing
 *    names, objects and arrays print nothing.
 *  - Falsey (a {{#section}} is skipped, {{^inverted}} is shown): missing
 *    names, null, false, the empty array, the empty string and the number
 *    0 (as in mustache.js, so {{^count}}none{{/count}} works for counts).
 *  - A section over an array renders once per element; over any other
 *    truthy value it renders once with that value pushed on the context.
 *  - A missing partial renders as nothing (spec "Failed Lookup").
 *  - Partials nest at most SCC_TEMPLATE_MAX_DEPTH deep (a partial that
 *    includes itself without end would otherwise recurse forever), and
 *    sections nest at most that deep in one template.
 *  - A render stops with an error past SCC_TEMPLATE_MAX_OUTPUT bytes or
 *    SCC_TEMPLATE_MAX_STEPS rendered nodes (nested sections over lists
 *    grow exponentially).
 */
#ifndef SCC_TEMPLATE_H
#define SCC_TEMPLATE_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "buf.h"

#define SCC_TEMPLATE_MAX_DEPTH 100

/* Sections nested over lists multiply (20 sections over a 4-item list is
 * 4^20 renderings): a render stops with an error past this much output or
 * this many rendered nodes, far beyond any email or report. */
#define SCC_TEMPLATE_MAX_OUTPUT  (16u << 20)
#define SCC_TEMPLATE_MAX_STEPS   1000000u


typedef struct scc_template scc_template;

/*
 * Looks up partial NAME (name_len bytes, also NUL-terminated) and returns
 * its source, setting *len; or NULL when there is no such partial.  The
 * returned memory must stay valid until scc_template_render returns.
 */
typedef const char *(*scc_partial_fn)(void *ud, const char *name,
                                      size_t name_len, size_t *len);

/*
 * Compiles SRC (len bytes; it may contain NULs) once so it can be rendered
 * many times.  Returns NULL on error with a message such as
 * "line 3: section 'items' opened on line 1 is closed by '/item'" in err
 * (err may be NULL).
 */
scc_template *scc_template_compile(const char *src, size_t len,
                                   char *err, size_t errlen);
void scc_template_free(scc_template *t);

/*
 * Renders T over DATA (NULL renders as an empty context), appending to
 * OUT.  PARTIALS may be NULL when the template uses none.  Returns 0, or
 * -1 with a message in err (out of memory, a partial that does not
 * compile, partials nested too deep); OUT then holds a partial result.
 * T is not modified, so one compiled template may be shared.
 */
int scc_template_render(const scc_template *t, yajl_val data,
                        scc_partial_fn partials, void *ud, scc_buf *out,
                        char *err, size_t errlen);

/* Compile and render in one call, for templates used once. */
int scc_template_render_string(const char *src, size_t len, yajl_val data,
                               scc_partial_fn partials, void *ud,
                               scc_buf *out, char *err, size_t errlen);

#endif
