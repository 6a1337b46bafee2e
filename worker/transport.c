/*
 * transport.c — picks the transport the configuration names, and what the
 * transports share: the process-wide sending pause and reading secrets.
 *
 * This file must never send anything itself, and never print or return a
 * secret in an error message.
 */
#include "transport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

scc_transport *scc_transport_new(const scc_config *cfg, const char *name,
                                 char *err, size_t errlen)
{
    if (name == NULL || *name == '\0')
        name = cfg->transport && *cfg->transport ? cfg->transport : "outbox";
    if (strcmp(name, "ses") == 0)
        return scc_ses_transport_new(cfg, err, errlen);
    if (strcmp(name, "smtp") == 0)
        return scc_smtp_transport_new(cfg, err, errlen);
    if (strcmp(name, "outbox") == 0)
        return scc_outbox_transport_new(cfg, err, errlen);
    snprintf(err, errlen, "unknown transport \"%s\" (expected ses, smtp or outbox)", name);
    return NULL;
}

void scc_transport_free(scc_transport *t)
{
    if (t != NULL)
        t->destroy(t);
}

static time_t paused_until;

void scc_send_pause_until(time_t until)
{
    if (until > paused_until)
        paused_until = until;
}

double scc_send_paused(time_t now)
{
    return paused_until > now ? (double)(paused_until - now) : 0;
}

char *scc_read_secret_file(const char *path, const char *what, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read %s file %s: %s", what, path, strerror(errno));
        return NULL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    fclose(f);
    if (n <= 0) {
        free(line);
        snprintf(err, errlen, "%s file %s is empty", what, path);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n == 0) {
        free(line);
        snprintf(err, errlen, "%s file %s is empty", what, path);
        return NULL;
    }
    return line;
}

void scc_secret_free(char *s)
{
    if (s == NULL)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

void scc_copy_message(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    size_t j = 0;
    if (dstlen == 0)
        return;
    for (size_t i = 0; i < srclen && src[i] && j + 1 < dstlen; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '\r' || ch == '\n' || ch == '\t')
            ch = ' ';
        if (ch < 0x20 || ch == 0x7f)
            continue;
        if (ch == ' ' && (j == 0 || dst[j - 1] == ' '))
            continue;
        dst[j++] = (char)ch;
    }
    while (j > 0 && dst[j - 1] == ' ')
        j--;
    dst[j] = '\0';
}
