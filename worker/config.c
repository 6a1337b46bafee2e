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
#include <unistd.h>

#include <libpq-fe.h>

/* One row per key the file may contain; the offset says which field. */
static const struct {
    const char *key;
    size_t      offset;
} config_keys[] = {
    { "pg",             offsetof(scc_config, pg) },
    { "migrations_dir", offsetof(scc_config, migrations_dir) },
    { "poll_interval",  offsetof(scc_config, poll_interval) },
    { "lease_seconds",  offsetof(scc_config, lease_seconds) },
    { "batch_size",     offsetof(scc_config, batch_size) },
    { "job_retention",  offsetof(scc_config, job_retention) },
    { "dead_job_retention", offsetof(scc_config, dead_job_retention) },
    { "link_retention", offsetof(scc_config, link_retention) },
    { "throttle_retention", offsetof(scc_config, throttle_retention) },
    { "session_retention", offsetof(scc_config, session_retention) },
    { "sns_retention", offsetof(scc_config, sns_retention) },
    { "log_level",      offsetof(scc_config, log_level) },
    { "log_file",       offsetof(scc_config, log_file) },
    { "worker_id",      offsetof(scc_config, worker_id) },
    { "retry_base",     offsetof(scc_config, retry_base) },
    { "retry_max",      offsetof(scc_config, retry_max) },
    { "transport",    offsetof(scc_config, transport) },
    { "sender",       offsetof(scc_config, sender) },
    { "public_url",   offsetof(scc_config, public_url) },
    { "region",       offsetof(scc_config, region) },
    { "ses_endpoint", offsetof(scc_config, ses_endpoint) },
    { "aws_access_key_id", offsetof(scc_config, aws_access_key_id) },
    { "aws_secret_access_key_file", offsetof(scc_config, aws_secret_access_key_file) },
    { "smtp_url",     offsetof(scc_config, smtp_url) },
    { "smtp_starttls", offsetof(scc_config, smtp_starttls) },
    { "smtp_user",    offsetof(scc_config, smtp_user) },
    { "smtp_password", offsetof(scc_config, smtp_password) },
    { "smtp_password_file", offsetof(scc_config, smtp_password_file) },
    { "outbox_dir",   offsetof(scc_config, outbox_dir) },
    { "send_rate",    offsetof(scc_config, send_rate) },
    { "send_pause",   offsetof(scc_config, send_pause) },
    { "audit_bcc",    offsetof(scc_config, audit_bcc) },
    { "templates_dir", offsetof(scc_config, templates_dir) },
    /* SNS bounces and complaints (helper Q4) */
    { "sns_cert_host", offsetof(scc_config, sns_cert_host) },
    { "sns_ca_file",   offsetof(scc_config, sns_ca_file) },
    { "sns_topic_arn", offsetof(scc_config, sns_topic_arn) },
};

void scc_config_init(scc_config *cfg)
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

int scc_config_load_file(scc_config *cfg, const char *path, char *err, size_t errlen)
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

void scc_config_load_env(scc_config *cfg)
{
    const char *pg = getenv("SCC_PG");
    /* An empty SCC_PG is treated as unset: `SCC_PG= cmd` is a common way to
     * clear a variable and should not mean "connect with libpq defaults". */
    if (pg != NULL && *pg != '\0')
        (void)set_string(&cfg->pg, pg);
    const char *level = getenv("SCC_LOG_LEVEL");
    if (level != NULL && *level != '\0')
        (void)set_string(&cfg->log_level, level);
}

int scc_config_check_pg(const scc_config *cfg, char *err, size_t errlen)
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

void scc_config_free(scc_config *cfg)
{
    free(cfg->pg);
    free(cfg->migrations_dir);
    free(cfg->poll_interval);
    free(cfg->lease_seconds);
    free(cfg->batch_size);
    free(cfg->job_retention);
    free(cfg->dead_job_retention);
    free(cfg->link_retention);
    free(cfg->throttle_retention);
    free(cfg->session_retention);
    free(cfg->sns_retention);
    free(cfg->log_level);
    free(cfg->log_file);
    free(cfg->worker_id);
    free(cfg->retry_base);
    free(cfg->retry_max);
    free(cfg->transport);
    free(cfg->sender);
    free(cfg->public_url);
    free(cfg->region);
    free(cfg->ses_endpoint);
    free(cfg->aws_access_key_id);
    free(cfg->aws_secret_access_key_file);
    free(cfg->smtp_url);
    free(cfg->smtp_starttls);
    free(cfg->smtp_user);
    free(cfg->smtp_password);
    free(cfg->smtp_password_file);
    free(cfg->outbox_dir);
    free(cfg->send_rate);
    free(cfg->send_pause);
    free(cfg->audit_bcc);
    free(cfg->templates_dir);
    free(cfg->sns_cert_host);  /* SNS (helper Q4) */
    free(cfg->sns_ca_file);
    free(cfg->sns_topic_arn);
    memset(cfg, 0, sizeof(*cfg));
}

int scc_config_number(const char *key, const char *value, double def, double lo, double hi,
                      double *out, char *err, size_t errlen)
{
    if (value == NULL || *value == '\0') {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (errno != 0 || end == value || *end != '\0' || v != v || v < lo || v > hi) {
        snprintf(err, errlen, "%s must be a number from %g to %g (got \"%s\")", key, lo, hi, value);
        return -1;
    }
    *out = v;
    return 0;
}

int scc_config_run_settings(const scc_config *cfg, scc_run_settings *out, char *err, size_t errlen)
{
    /* The numbers of `run`: key, where the text is, where the number
     * goes, default, range. */
    double batch;
    const struct {
        const char  *key;
        const char  *value;
        double      *out;
        double       def, lo, hi;
    } nums[] = {
        { "poll_interval", cfg->poll_interval, &out->poll_interval, 5, 0.01, 3600 },
        { "lease_seconds", cfg->lease_seconds, &out->lease_seconds, 60, 1, 86400 },
        { "batch_size", cfg->batch_size, &batch, 100, 1, 10000 },
        { "job_retention", cfg->job_retention, &out->job_retention, 7, 0, 36500 },
        { "dead_job_retention", cfg->dead_job_retention, &out->dead_job_retention, 30, 0, 36500 },
        { "link_retention", cfg->link_retention, &out->link_retention, 7, 0, 36500 },
        { "throttle_retention", cfg->throttle_retention, &out->throttle_retention, 1, 0, 36500 },
        { "session_retention", cfg->session_retention, &out->session_retention, 30, 0, 36500 },
        { "sns_retention", cfg->sns_retention, &out->sns_retention, 30, 0, 36500 },
        { "retry_base", cfg->retry_base, &out->retry_base, 2, 0.001, 86400 },
        { "retry_max", cfg->retry_max, &out->retry_max, 3600, 0.001, 30 * 86400 },
    };

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        if (scc_config_number(nums[i].key, nums[i].value, nums[i].def, nums[i].lo, nums[i].hi,
                              nums[i].out, err, errlen) != 0)
            return -1;
    if (batch != (int)batch) {
        snprintf(err, errlen, "batch_size must be a whole number (got \"%s\")", cfg->batch_size);
        return -1;
    }
    out->batch_size = (int)batch;
    if (out->retry_max < out->retry_base) {
        snprintf(err, errlen, "retry_max (%g) must not be less than retry_base (%g)",
                 out->retry_max, out->retry_base);
        return -1;
    }
    if (cfg->worker_id != NULL && *cfg->worker_id != '\0') {
        if (strlen(cfg->worker_id) >= sizeof(out->worker_id)) {
            snprintf(err, errlen, "worker_id is longer than %zu bytes", sizeof(out->worker_id) - 1);
            return -1;
        }
        snprintf(out->worker_id, sizeof(out->worker_id), "%s", cfg->worker_id);
    } else {
        char host[64] = "localhost";
        if (gethostname(host, sizeof(host)) != 0)
            snprintf(host, sizeof(host), "localhost");
        host[sizeof(host) - 1] = '\0';
        snprintf(out->worker_id, sizeof(out->worker_id), "%s:%ld", host, (long)getpid());
    }
    return 0;
}
