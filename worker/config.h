/*
 * config.h — scc-worker's configuration: what the settings are and how they
 * are loaded (a `key = value` file, then the environment on top).
 *
 * This file must never talk to the database or any other service: it only
 * reads text, so every subcommand can validate its configuration before it
 * touches anything.
 */
#ifndef SCC_CONFIG_H
#define SCC_CONFIG_H

#include <stddef.h>

/* Every setting the worker knows.  Strings are owned by the struct and
 * released by scc_config_free(); NULL means "not set". */
typedef struct {
    char *pg;              /* libpq conninfo (key `pg`, env SCC_PG) */
    char *migrations_dir;  /* key `migrations_dir`; default "sql/migrations" */
    char *log_level;       /* debug | info | warn | error (env SCC_LOG_LEVEL wins); default info */
    char *log_file;        /* run: append log lines here instead of stderr; SIGHUP reopens it */
    /* scc-worker run (parsed and checked by scc_config_run_settings) */
    char *poll_interval;   /* seconds between polls when no NOTIFY came; default 5 */
    char *lease_seconds;   /* a claimed job's lease; default 60 */
    char *batch_size;      /* jobs claimed per round trip; default 100 */
    char *job_retention;   /* days a done job is kept; default 7 */
    char *dead_job_retention;  /* days a dead job is kept; default 30 */
    char *link_retention;      /* days an expired or used magic link is kept; default 7 */
    char *throttle_retention;  /* days a magic-link throttle row is kept; default 1 */
    char *session_retention;   /* days an ended session family is kept; default 30 */
    char *sns_retention;       /* days a decided SNS delivery is kept; default 30 */
    char *worker_id;       /* jobs' locked_by; default host:pid */
    char *retry_base;      /* seconds: first retry delay (doubles each time); default 2 */
    char *retry_max;       /* seconds: longest retry delay; default 3600 */
    /* email (mail.c, transport.c; parsed and checked by mail_settings) */
    char *transport;       /* ses | smtp | outbox; default outbox */
    char *sender;          /* From: "Name <addr>" (required to send) */
    char *public_url;      /* links in emails: public_url + "/signin.html?code=..." */
    char *region;          /* AWS region (env AWS_REGION / AWS_DEFAULT_REGION win) */
    char *ses_endpoint;    /* default https://email.REGION.amazonaws.com */
    char *aws_access_key_id;          /* env AWS_ACCESS_KEY_ID wins */
    char *aws_secret_access_key_file; /* file holding the secret (env AWS_SECRET_ACCESS_KEY wins) */
    char *smtp_url;        /* smtp://host:587 (STARTTLS) or smtps://host:465 */
    char *smtp_starttls;   /* yes | no; default yes: refuse to send in clear */
    char *smtp_user;
    char *smtp_password;   /* prefer smtp_password_file */
    char *smtp_password_file;
    char *outbox_dir;      /* outbox transport: folder of .eml files; default var/mail */
    char *send_rate;       /* messages per second, 0 = no limit; default 0 */
    char *send_pause;      /* seconds all sending pauses on AccountSuspended/SendingPaused; default 3600 */
    char *audit_bcc;       /* an address blind-copied on every message */
    char *templates_dir;   /* default worker/templates */
    /* SNS bounces and complaints (helper Q4; job_sns.c) */
    char *sns_cert_host;   /* fnmatch pattern for SigningCertURL/SubscribeURL hosts; default sns.*.amazonaws.com */
    char *sns_ca_file;     /* PEM CA bundle for those HTTPS fetches; default the system's */
    char *sns_topic_arn;   /* fnmatch pattern for the topics accepted; default any */
} scc_config;

/* Size of the buffer config functions write their error message into. */
#define SCC_CONFIG_ERR_SIZE 512

/* Fill `cfg` with defaults. */
void scc_config_init(scc_config *cfg);

/* Read `path` (a file of `key = value` lines, `#` comments, blank lines
 * allowed; a value may be wrapped in double quotes to keep leading or
 * trailing spaces).  Unknown keys and malformed lines are errors, because a
 * typo silently ignored is a setting silently lost.  Returns 0, or -1 with a
 * message naming the file and line in `err`. */
int scc_config_load_file(scc_config *cfg, const char *path, char *err, size_t errlen);

/* Apply the environment on top (SCC_PG, SCC_LOG_LEVEL).  Never fails. */
void scc_config_load_env(scc_config *cfg);

/* Check that what is needed is present and well formed (the conninfo is
 * parsed by libpq here, without connecting).  Returns 0 or -1 with `err`. */
int scc_config_check_pg(const scc_config *cfg, char *err, size_t errlen);

/* Free every string of cfg (secrets among them) and zero it. */
void scc_config_free(scc_config *cfg);

/* A number setting: `value` parsed when set (non-NULL, non-empty), else
 * `def`; it must lie within [lo, hi].  Returns 0 with *out, or -1 with err
 * saying "KEY must be a number from LO to HI (got ...)". */
int scc_config_number(const char *key, const char *value, double def, double lo, double hi,
                      double *out, char *err, size_t errlen);

/* The settings of `scc-worker run`, as numbers, with defaults applied. */
typedef struct {
    double poll_interval;   /* > 0 */
    double lease_seconds;   /* >= 1 */
    int    batch_size;      /* 1..10000 */
    double job_retention;   /* days, >= 0 (0: prune done jobs at once) */
    double dead_job_retention;  /* days, >= 0 */
    double link_retention;      /* days after a link expired or was used, >= 0 */
    double throttle_retention;  /* days after a throttle row was last used, >= 0 */
    double session_retention;   /* days after a session family ended, >= 0 */
    double sns_retention;       /* days after an SNS delivery was decided, >= 0 */
    double retry_base;      /* > 0 */
    double retry_max;       /* >= retry_base */
    char   worker_id[128];
} scc_run_settings;

/* Parse and check the run settings.  Returns 0, or -1 with `err` naming
 * the key and what is wrong. */
int scc_config_run_settings(const scc_config *cfg, scc_run_settings *out, char *err, size_t errlen);

#endif
