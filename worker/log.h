/*
 * log.h — the worker's one logging layer.  Every line goes to stderr as
 *
 *     2026-11-25T02:10:05.123Z info job: kind=noop id=4 ... outcome=done
 *
 * (UTC time to the millisecond, level, component, message), one write per
 * line so lines of concurrent processes sharing a file never interleave.
 * Lines below the level set by scc_log_set_level (the `log_level` setting,
 * env SCC_LOG_LEVEL; default info) are dropped.
 *
 * This file must never be handed a secret: callers keep credentials and
 * magic-link codes out of every message.  Usage errors of the command line
 * and the --help text are not log lines (cli.h prints them plainly).
 */
#ifndef SCC_LOG_H
#define SCC_LOG_H

typedef enum {
    SCC_LOG_DEBUG,
    SCC_LOG_INFO,
    SCC_LOG_WARN,
    SCC_LOG_ERROR,
} scc_log_level;

/* Lines below `level` are dropped from now on. */
void scc_log_set_level(scc_log_level level);

/* "debug", "info", "warn" or "error" into *level.  Returns 0, or -1 for
 * anything else (level untouched). */
int scc_log_parse_level(const char *name, scc_log_level *level);

/* From now on every line goes to the file `path` (opened for appending,
 * created 0640, and put in place of stderr, so what a library prints there
 * lands in it too) instead of the stderr the process was started with.
 * Returns 0, or -1 with errno (stderr untouched). */
int scc_log_open(const char *path);

/* Opens the file of scc_log_open again (it was moved away by logrotate: a
 * new one is created) and puts it in place of stderr.  Returns 0 (also
 * when no file was set: nothing to do), or -1 with errno, the old file kept.
 * Not for a signal handler: call it from the loop that saw the signal. */
int scc_log_reopen(void);

/* One line: level, component (a short word: "run", "job", "email", "db",
 * "migrate", "schedule", "prune"), then the message (printf format; no
 * trailing newline, a long message is cut at 4 KiB). */
void scc_log(scc_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define scc_log_debug(component, ...) scc_log(SCC_LOG_DEBUG, component, __VA_ARGS__)
#define scc_log_info(component, ...)  scc_log(SCC_LOG_INFO, component, __VA_ARGS__)
#define scc_log_warn(component, ...)  scc_log(SCC_LOG_WARN, component, __VA_ARGS__)
#define scc_log_error(component, ...) scc_log(SCC_LOG_ERROR, component, __VA_ARGS__)

#endif
