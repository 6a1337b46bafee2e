/*
 * prom_text.c — Prometheus's text exposition format, written (see
 * prom_text.h).
 *
 * This file must never allocate or touch the database: it escapes and
 * prints what it is given.
 */
#include "prom_text.h"

/* help texts escape \ and newline; label values the quote as well */
static int put_escaped(FILE *out, const char *s, int quote)
{
    for (; *s; s++) {
        int rc;
        if (*s == '\\')
            rc = fputs("\\\\", out);
        else if (*s == '\n')
            rc = fputs("\\n", out);
        else if (*s == '"' && quote)
            rc = fputs("\\\"", out);
        else
            rc = fputc(*s, out);
        if (rc == EOF)
            return -1;
    }
    return 0;
}

int scc_prom_head(FILE *out, const char *name, const char *type, const char *help)
{
    if (fprintf(out, "# HELP %s ", name) < 0 || put_escaped(out, help, 0) != 0 ||
        fprintf(out, "\n# TYPE %s %s\n", name, type) < 0)
        return -1;
    return 0;
}

int scc_prom_sample(FILE *out, const char *name, const char *label,
                    const char *label_value, const char *value)
{
    if (fputs(name, out) == EOF)
        return -1;
    if (label != NULL) {
        if (fprintf(out, "{%s=\"", label) < 0 ||
            put_escaped(out, label_value ? label_value : "", 1) != 0 ||
            fputs("\"}", out) == EOF)
            return -1;
    }
    return fprintf(out, " %s\n", value) < 0 ? -1 : 0;
}
