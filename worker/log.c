/*
 * log.c — the logging layer (see log.h): level filter, UTC timestamp,
 * component, one write(2) per line.
 *
 * This file must never allocate or block on anything but stderr, so it is
 * safe to call on any error path (out of memory included).  A log file
 * (scc_log_open) is put in place of stderr with dup2, so the one write per
 * line stays one write.
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static scc_log_level log_min = SCC_LOG_INFO;

static const char *const log_names[] = { "debug", "info", "warn", "error" };

/* The file of scc_log_open, kept to open it again on SIGHUP. */
static char log_path[4096];

int scc_log_open(const char *path)
{
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(log_path)) {
        errno = len == 0 ? ENOENT : ENAMETOOLONG;
        return -1;
    }
    memcpy(log_path, path, len + 1);
    if (scc_log_reopen() != 0) {
        log_path[0] = '\0';
        return -1;
    }
    return 0;
}

int scc_log_reopen(void)
{
    int fd, saved;

    if (log_path[0] == '\0')
        return 0;
    fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    fflush(stderr);
    /* dup2 drops O_CLOEXEC on the new descriptor 2: children inherit it */
    if (fd != STDERR_FILENO && dup2(fd, STDERR_FILENO) < 0) {
        saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if (fd != STDERR_FILENO)
        close(fd);
    return 0;
}

void scc_log_set_level(scc_log_level level)
{
    log_min = level;
}

int scc_log_parse_level(const char *name, scc_log_level *level)
{
    for (size_t i = 0; name != NULL && i < sizeof(log_names) / sizeof(log_names[0]); i++) {
        if (strcmp(name, log_names[i]) == 0) {
            *level = (scc_log_level)i;
            return 0;
        }
    }
    return -1;
}

void scc_log(scc_log_level level, const char *component, const char *fmt, ...)
{
    char            line[4096 + 128];
    struct timeval  tv;
    struct tm       tm;
    va_list         ap;
    size_t          len;
    int             n;

    if (level < log_min)
        return;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    len = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
    n = snprintf(line + len, sizeof(line) - len, ".%03ldZ %s %s: ", (long)(tv.tv_usec / 1000),
                 log_names[level], component);
    len += (size_t)n;

    va_start(ap, fmt);
    n = vsnprintf(line + len, sizeof(line) - len - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    len = (size_t)n >= sizeof(line) - len - 1 ? sizeof(line) - 2 : len + (size_t)n;
    /* one line, even when a message (a server's) holds newlines */
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[len++] = '\n';

    /* stdio's buffer is bypassed: one write keeps the line whole */
    fflush(stderr);
    while (len > 0) {
        ssize_t w = write(STDERR_FILENO, line, len);
        if (w <= 0)
            break;
        memmove(line, line + w, len - (size_t)w);
        len -= (size_t)w;
    }
}
