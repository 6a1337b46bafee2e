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

