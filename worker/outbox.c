/*
 * outbox.c — the `outbox` transport: each message becomes a file
 * OUTBOX_DIR/YYYYMMDDTHHMMSSZ-<outbox id>-<n>.eml (written to a .tmp name,
 * then renamed, so a reader never sees half a file).  The default under
 * `make run`: everything works with no account anywhere.
 *
 * The files hold live magic-link codes: folders are created 0700 and files
 * 0600 by mkdir(2) and open(2) themselves (the umask can only take bits
 * away), never widened by a chmod afterwards.  An existing folder keeps
 * the mode its owner gave it.
 *
 * This file must never write outside its folder, nor create anything
 * readable by other users.
 */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    scc_transport base;
    char *dir;
    unsigned long n;
} outbox_transport;

static int mkdir_p(const char *path)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
        return -1;
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return (mkdir(tmp, 0700) != 0 && errno != EEXIST) ? -1 : 0;
}

static void outbox_send(scc_transport *t, const scc_envelope *env,
                        const char *msg, size_t len, scc_send_result *r)
{
    outbox_transport *o = (outbox_transport *)t;
    memset(r, 0, sizeof(*r));
    char stamp[32], path[4200], tmp[4300];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    snprintf(path, sizeof(path), "%s/%s-%lld-%d-%lu.eml", o->dir, stamp,
             (long long)env->outbox_id, (int)getpid(), ++o->n);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);

    if (mkdir_p(o->dir) != 0) {
        r->status = SCC_SEND_RETRY;
        snprintf(r->error, sizeof(r->error), "cannot create outbox_dir %.400s: %s", o->dir, strerror(errno));
        return;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        r->status = SCC_SEND_RETRY;
        snprintf(r->error, sizeof(r->error), "cannot write %.400s: %s", tmp, strerror(errno));
        return;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, msg + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        off += (size_t)w;
    }
    if (off < len || close(fd) != 0 || rename(tmp, path) != 0) {
        r->status = SCC_SEND_RETRY;
        snprintf(r->error, sizeof(r->error), "cannot write %.400s: %s", path, strerror(errno));
        unlink(tmp);
        return;
    }
    r->status = SCC_SEND_OK;
    snprintf(r->message_id, sizeof(r->message_id), "%.255s", strrchr(path, '/') + 1);
}

static void outbox_destroy(scc_transport *t)
{
    outbox_transport *o = (outbox_transport *)t;
    free(o->dir);
    free(o);
}

scc_transport *scc_outbox_transport_new(const scc_config *cfg, char *err, size_t errlen)
{
    outbox_transport *o = calloc(1, sizeof(*o));
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    o->base.name = "outbox";
    o->base.send = outbox_send;
    o->base.destroy = outbox_destroy;
    o->dir = strdup(cfg->outbox_dir && *cfg->outbox_dir ? cfg->outbox_dir : "var/mail");
    if (!o->dir) {
        free(o);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    size_t n = strlen(o->dir);
    while (n > 1 && o->dir[n - 1] == '/')
        o->dir[--n] = '\0';
    return &o->base;
}
