/*
 * config.c — loads scc-worker's settings from a `key = value` file and the
 * environment (environment wins, so a deployment can keep secrets such as a
 * conninfo with a password out of files).
 *
 * This file must never connect to anything or print: callers decide how to
 * report an error (they get it as text) and which exit code it means.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

/* One row per key the file may contain; the offset says which field. */
static const struct {
    const char *key;
    size_t      offset;
} config_keys[] = {
    { "pg",             offsetof(scc_config, pg) },
    { "migrations_dir", offsetof(scc_config, migrations_dir) },
};

void config_init(scc_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
}

static int set_string(char **slot, const char *value)
{
    char *copy = strdup(value);
    if (copy == NULL)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

int config_load_file(scc_config *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read config file %s: %s", path, strerror(errno));
        return -1;
    }

    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;

    while (getline(&line, &cap, f) != -1) {
        lineno++;
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;

        char *eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s:%d: expected `key = value`, got \"%s\"", path, lineno, s);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = trim(s);
        char *value = trim(eq + 1);

        /* Double quotes let a value keep the spaces a conninfo may need at
         * its ends; inside, everything is literal (no escapes to get wrong). */
        size_t vlen = strlen(value);
        if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
            value[vlen - 1] = '\0';
            value++;
        }

        size_t i;
        for (i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++) {
            if (strcmp(key, config_keys[i].key) == 0)
                break;
        }
        if (i == sizeof(config_keys) / sizeof(config_keys[0])) {
            snprintf(err, errlen, "%s:%d: unknown setting \"%s\"", path, lineno, key);
            rc = -1;
            break;
        }
        if (set_string((char **)((char *)cfg + config_keys[i].offset), value) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "error reading %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

void config_load_env(scc_config *cfg)
{
    const char *pg = getenv("SCC_PG");
    /* An empty SCC_PG is treated as unset: `SCC_PG= cmd` is a common way to
     * clear a variable and should not mean "connect with libpq defaults". */
    if (pg != NULL && *pg != '\0')
        (void)set_string(&cfg->pg, pg);
}

int config_check_pg(const scc_config *cfg, char *err, size_t errlen)
{
    if (cfg->pg == NULL || *cfg->pg == '\0') {
        snprintf(err, errlen,
                 "no database configured: set SCC_PG or `pg = ...` in the config file "
                 "(a libpq conninfo such as \"host=/path/to/socket dbname=scc user=scc_owner\")");
        return -1;
    }
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(cfg->pg, &perr);
    if (opts == NULL) {
        /* libpq's message ends with a newline; drop it for one-line output. */
        size_t n = perr ? strlen(perr) : 0;
        while (n > 0 && (perr[n - 1] == '\n' || perr[n - 1] == '\r'))
            perr[--n] = '\0';
        snprintf(err, errlen, "bad database conninfo: %s", perr ? perr : "out of memory");
        PQfreemem(perr);
        return -1;
    }
    PQconninfoFree(opts);
    return 0;
}

void config_free(scc_config *cfg)
{
    free(cfg->pg);
    free(cfg->migrations_dir);
    memset(cfg, 0, sizeof(*cfg));
}
