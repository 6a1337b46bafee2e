/*
 * cmd_send_test_email.c — `scc-worker send-test-email TO [--transport X]`:
 * sends the `test` template to TO now, through the configured transport
 * (or X), with its row in scc.email_outbox like any other message.
 *
 * This file must never contain sending logic (mail.c does it): it parses
 * options, checks the configuration and maps the outcome to exit codes.
 */
#include "cli.h"
#include "db.h"
#include "mail.h"
#include "log.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

static const char send_test_help[] =
    "usage: scc-worker send-test-email TO [--transport ses|smtp|outbox] [--config FILE]\n"
    "\n"
    "Send the `test` email (worker/templates/test.*.mustache) to TO now, through the\n"
    "configured transport or the one given, recording it in scc.email_outbox.\n"
    "Prints the outbox id and the provider's message id.  Needs `sender` and the\n"
    "transport's settings (see worker/README.md); connects as the worker role.\n"
    "Exit: 0 sent, 1 not sent (provider refused, unreachable, database down),\n"
    "2 usage or configuration error.\n"
    "\n"
    "  --transport X   ses, smtp or outbox instead of the config's `transport`\n";

int scc_cmd_send_test_email(int argc, char **argv)
{
    static const struct option opts[] = {
        { "transport", required_argument, NULL, 't' },
        { "config",    required_argument, NULL, 'c' },
        { "help",      no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *transport = NULL, *config_path = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":ht:c:", opts, NULL)) != -1) {
        switch (c) {
        case 't': transport = optarg; break;
        case 'c': config_path = optarg; break;
        default:
            return scc_cli_common_option("send-test-email", c, argv, send_test_help);
        }
    }
    if (optind != argc - 1) {
        return scc_cli_usage("send-test-email", "expected one address: "
                             "scc-worker send-test-email TO (see --help)");
    }
    const char *to = argv[optind];
    char addr[320];
    if (scc_mime_addr_spec(to, addr, sizeof(addr)) != 0) {
        return scc_cli_usage("send-test-email", "\"%s\" is not an email address", to);
    }

    scc_config cfg;
    int rc = scc_cli_load_config(&cfg, "send-test-email", config_path);
    if (rc != SCC_EXIT_OK)
        return rc;
    char err[SCC_CONFIG_ERR_SIZE];
    scc_mailer *m = scc_mailer_new(&cfg, transport, err, sizeof(err));
    if (!m) {
        scc_config_free(&cfg);
        return scc_cli_usage("send-test-email", "%s", err);
    }
    PGconn *conn = scc_db_connect(cfg.pg, "scc-worker send-test-email");
    if (!conn) {
        scc_mailer_free(m);
        scc_config_free(&cfg);
        return SCC_EXIT_FAILURE;
    }

    char host[256] = "", when[64], json[1024];
    gethostname(host, sizeof(host) - 1);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
    /* Plain text values only (no quotes or backslashes): safe in JSON. */
    for (char *p = host; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
            *p = '?';
    snprintf(json, sizeof(json), "{\"sent_at\":\"%s\",\"host\":\"%s\",\"transport\":\"%s\"}",
             when, host, scc_mailer_transport_name(m));
    yajl_val data = yajl_tree_parse(json, NULL, 0);

    const char *list[1] = { to };
    scc_mail mail = { .template = "test", .to = list, .n_to = 1, .data = data };
    int64_t outbox_id = 0;
    char info[1024];
    scc_mail_outcome o = scc_mail_send(m, conn, &mail, &outbox_id, info, sizeof(info));
    switch (o) {
    case SCC_MAIL_SENT:
        printf("sent a test email to %s via %s (outbox id %" PRId64 ", provider id %s)\n",
               addr, scc_mailer_transport_name(m), outbox_id, info[0] ? info : "none");
        rc = SCC_EXIT_OK;
        break;
    case SCC_MAIL_SUPPRESSED:
        scc_log_error("email", "not sent: %s is on the suppression list (outbox id %" PRId64 ")",
                      addr, outbox_id);
        rc = SCC_EXIT_FAILURE;
        break;
    default:
        scc_log_error("email", "not sent via %s%s: %s", scc_mailer_transport_name(m),
                      (o == SCC_MAIL_RETRY || o == SCC_MAIL_PAUSED) ? " (temporary)" : "", info);
        rc = SCC_EXIT_FAILURE;
        break;
    }
    if (data)
        yajl_tree_free(data);
    PQfinish(conn);
    scc_mailer_free(m);
    scc_config_free(&cfg);
    return rc;
}
