/*
 * cmd_invite.c — `scc-worker invite --role ROLE [--name NAME] [--ttl 7d] EMAIL`:
 * make an invite link and print it, so the first admin of a new deployment
 * (or anyone, when email is not set up yet) can sign in.
 *
 * This file must never make codes or touch tables itself: the link is made
 * by scc.create_magic_link() in SQL (which stores only the code's SHA-256);
 * here we parse options, call it with PQexecParams and print
 * <public_url>/signin.html?code=<code>.  Nothing is emailed.
 */
#include "cli.h"
#include "db.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char invite_help[] =
    "usage: scc-worker invite --role ROLE [--name NAME] [--ttl 7d] [--config FILE] EMAIL\n"
    "\n"
    "Make an invite link for EMAIL and print it on stdout:\n"
    "  <public_url>/signin.html?code=<code>\n"
    "Redeeming it signs in as the user with that address, created with ROLE and\n"
    "NAME when new (an existing user's role is raised to ROLE, never lowered).\n"
    "The link works once.  Nothing is emailed: hand the link over yourself.\n"
    "\n"
    "  --role ROLE     admin, captain, crew or guest (required)\n"
    "  --name NAME     the new user's name\n"
    "  --ttl TIME      how long the link works: 30m, 12h, 7d (default 7d, at most 30d)\n"
    "\n"
    "public_url comes from the environment (SCC_PUBLIC_URL), else the config key\n"
    "public_url, else http://127.0.0.1:8080.\n";

/* "15m", "7d", "3600s", "12h" (a bare number is seconds) -> seconds, or -1. */
static long parse_ttl(const char *s)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (errno != 0 || end == s || n <= 0 || !isdigit((unsigned char)*s))
        return -1;
    long mult;
    if (*end == '\0' || strcmp(end, "s") == 0)
        mult = 1;
    else if (strcmp(end, "m") == 0)
        mult = 60;
    else if (strcmp(end, "h") == 0)
        mult = 3600;
    else if (strcmp(end, "d") == 0)
        mult = 86400;
    else
        return -1;
    if (n > 30L * 86400 / mult)
        return -1;
    return n * mult;
}

int scc_cmd_invite(int argc, char **argv)
{
    static const struct option opts[] = {
        { "role",   required_argument, NULL, 'r' },
        { "name",   required_argument, NULL, 'n' },
        { "ttl",    required_argument, NULL, 't' },
        { "config", required_argument, NULL, 'c' },
        { "help",   no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *role = NULL, *name = NULL, *ttl_arg = "7d", *config_path = NULL;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hr:n:t:c:", opts, NULL)) != -1) {
        switch (c) {
        case 'r': role = optarg; break;
        case 'n': name = optarg; break;
        case 't': ttl_arg = optarg; break;
        case 'c': config_path = optarg; break;
        default:
            return scc_cli_common_option("invite", c, argv, invite_help);
        }
    }
    if (optind != argc - 1) {
        return scc_cli_usage("invite", "give exactly one EMAIL (see --help)");
    }
    const char *email = argv[optind];
    if (role == NULL) {
        return scc_cli_usage("invite", "--role is required (admin, captain, crew or guest)");
    }
    if (strcmp(role, "admin") != 0 && strcmp(role, "captain") != 0 &&
        strcmp(role, "crew") != 0 && strcmp(role, "guest") != 0) {
        return scc_cli_usage("invite", "--role must be admin, captain, crew or guest (got \"%s\")",
                             role);
    }
    long ttl = parse_ttl(ttl_arg);
    if (ttl < 0) {
        return scc_cli_usage("invite", "--ttl must be a time such as 30m, 12h or 7d, "
                             "at most 30d (got \"%s\")", ttl_arg);
    }

    scc_config cfg;
    int rc = scc_cli_load_config(&cfg, "invite", config_path);
    if (rc != SCC_EXIT_OK)
        return rc;
    const char *base = getenv("SCC_PUBLIC_URL");
    if (base == NULL || *base == '\0')
        base = cfg.public_url && *cfg.public_url ? cfg.public_url : "http://127.0.0.1:8080";
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;

    PGconn *conn = scc_db_connect(cfg.pg, "scc-worker invite");
    if (conn == NULL) {
        scc_config_free(&cfg);
        return SCC_EXIT_FAILURE;
    }
    char ttl_text[32];
    snprintf(ttl_text, sizeof(ttl_text), "%ld", ttl);
    const char *params[4] = { email, role, ttl_text, name };
    PGresult *res = PQexecParams(conn,
        "select scc.create_magic_link($1, 'invite', $2, null, make_interval(secs => $3::int), $4)",
        4, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        printf("%.*s/signin.html?code=%s\n", (int)blen, base, PQgetvalue(res, 0, 0));
        rc = SCC_EXIT_OK;
    } else {
        /* SC400: the database refused the input (a malformed address) */
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        if (state != NULL && strcmp(state, "SC400") == 0) {
            rc = scc_cli_usage("invite", "%s (\"%s\")", msg ? msg : "refused", email);
        } else {
            scc_db_report(conn, res, "cannot make the invite link", NULL);
            rc = SCC_EXIT_FAILURE;
        }
    }
    PQclear(res);
    PQfinish(conn);
    scc_config_free(&cfg);
    return rc;
}
