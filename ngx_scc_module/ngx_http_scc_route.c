
/*
 * SCC: the route table and the matcher (see ngx_http_scc_route.h).
 *
 * The table is the whole public surface of the API: each row names the
 * method, the path pattern, what answers it (the scc_api function it
 * calls, or a local handler), the least role allowed and what the request
 * must carry.  Matching is a linear scan
 * over a few dozen rows comparing bytes; it allocates nothing.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc_route.h"


#define ngx_http_scc_route(m, p, f, role, flags)                             \
    { m, ngx_string(p), ngx_string(f), NGX_HTTP_SCC_LOCAL_NONE, role, flags }

#define ngx_http_scc_route_local(m, p, local, role, flags)                   \
    { m, ngx_string(p), ngx_null_string, local, role, flags }


ngx_http_scc_route_t  ngx_http_scc_routes[] = {

    /* liveness and the pool's figures: one round trip to PostgreSQL */
    ngx_http_scc_route(NGX_HTTP_GET, "/api/health", "scc_api.health",
                       NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_PG_STATS),

    /* signing in: magic links, tokens, sessions */
    ngx_http_scc_route(NGX_HTTP_POST, "/api/auth/magic-link",
                       "scc_api.auth_magic_link", NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/auth/link",
                       "scc_api.auth_link", NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/auth/redeem",
                       "scc_api.auth_redeem", NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_BODY
                       |NGX_HTTP_SCC_ISSUE),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/auth/refresh",
                       "scc_api.auth_refresh", NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_BODY_OPT
                       |NGX_HTTP_SCC_REFRESH|NGX_HTTP_SCC_ISSUE),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/auth/logout",
                       "scc_api.auth_logout", NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_BODY_OPT
                       |NGX_HTTP_SCC_REFRESH|NGX_HTTP_SCC_CLEAR),

    /* SES bounces and complaints through SNS (helper Q4) */
    ngx_http_scc_route(NGX_HTTP_POST, "/api/ses/sns", "scc_api.ses_sns",
                       NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_BODY
                       |NGX_HTTP_SCC_BODY_TEXT),

    /* who the token says you are: no database round trip */
    ngx_http_scc_route_local(NGX_HTTP_GET, "/api/me", NGX_HTTP_SCC_LOCAL_ME,
                             NGX_HTTP_SCC_ROLE_GUEST, 0),

    /* people */
    ngx_http_scc_route(NGX_HTTP_POST, "/api/invites", "scc_api.invite_create",
                       NGX_HTTP_SCC_ROLE_CAPTAIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/users", "scc_api.users_list",
                       NGX_HTTP_SCC_ROLE_ADMIN, 0),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/users/:id", "scc_api.user_get",
                       NGX_HTTP_SCC_ROLE_ADMIN, 0),
    ngx_http_scc_route(NGX_HTTP_PATCH, "/api/users/:id", "scc_api.user_update",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/users/:id/disable",
                       "scc_api.user_disable", NGX_HTTP_SCC_ROLE_ADMIN,
                       NGX_HTTP_SCC_BODY_OPT),

    /* charter: boats and events */
    ngx_http_scc_route(NGX_HTTP_GET, "/api/boats", "scc_api.boats_list",
                       NGX_HTTP_SCC_ROLE_CREW, 0),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/boats", "scc_api.boat_create",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_PATCH, "/api/boats/:id", "scc_api.boat_update",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/events", "scc_api.events_list",
                       NGX_HTTP_SCC_ROLE_GUEST, 0),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events", "scc_api.event_create",
                       NGX_HTTP_SCC_ROLE_CAPTAIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/events/:id", "scc_api.event_get",
                       NGX_HTTP_SCC_ROLE_GUEST, 0),
    ngx_http_scc_route(NGX_HTTP_PATCH, "/api/events/:id", "scc_api.event_update",
                       NGX_HTTP_SCC_ROLE_CREW, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/transition",
                       "scc_api.event_transition", NGX_HTTP_SCC_ROLE_CREW,
                       NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/copy",
                       "scc_api.event_copy", NGX_HTTP_SCC_ROLE_CAPTAIN,
                       NGX_HTTP_SCC_BODY),
    /* charter: the roster */
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/roles/:role/claim",
                       "scc_api.role_claim", NGX_HTTP_SCC_ROLE_GUEST,
                       NGX_HTTP_SCC_BODY_OPT),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/roles/:role/release",
                       "scc_api.role_release", NGX_HTTP_SCC_ROLE_GUEST,
                       NGX_HTTP_SCC_BODY_OPT),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/roles/:role/accept",
                       "scc_api.role_accept", NGX_HTTP_SCC_ROLE_GUEST,
                       NGX_HTTP_SCC_BODY_OPT),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/designate",
                       "scc_api.role_designate", NGX_HTTP_SCC_ROLE_CAPTAIN,
                       NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/override",
                       "scc_api.role_override", NGX_HTTP_SCC_ROLE_ADMIN,
                       NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/events/:id/candidates",
                       "scc_api.event_candidates", NGX_HTTP_SCC_ROLE_CAPTAIN, 0),
    /* guests: designation, party links, holds (helper C) */
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/party-links",
                       "scc_api.party_link_create", NGX_HTTP_SCC_ROLE_CAPTAIN,
                       NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/events/:id/party-links",
                       "scc_api.party_links_list", NGX_HTTP_SCC_ROLE_CAPTAIN, 0),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/party/:token",
                       "scc_api.party_get", NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/party/:token",
                       "scc_api.party_join", NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/holds/:user_id/release",
                       "scc_api.hold_release", NGX_HTTP_SCC_ROLE_ADMIN,
                       NGX_HTTP_SCC_BODY),
    /* charter: calendar and settings */
    ngx_http_scc_route(NGX_HTTP_GET, "/api/me/profile", "scc_api.me_get",
                       NGX_HTTP_SCC_ROLE_GUEST, 0),
    ngx_http_scc_route(NGX_HTTP_PATCH, "/api/me", "scc_api.me_update",
                       NGX_HTTP_SCC_ROLE_GUEST, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/me/calendar",
                       "scc_api.me_calendar_get", NGX_HTTP_SCC_ROLE_GUEST, 0),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/me/calendar/reset",
                       "scc_api.me_calendar_reset", NGX_HTTP_SCC_ROLE_GUEST,
                       NGX_HTTP_SCC_BODY_OPT),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/calendar/:token",
                       "scc_api.calendar_feed", NGX_HTTP_SCC_ROLE_NONE,
                       NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_FILE),
    /* charter: checklists and the audit log */
    ngx_http_scc_route(NGX_HTTP_GET, "/api/checklist-templates",
                       "scc_api.checklist_templates_list",
                       NGX_HTTP_SCC_ROLE_CAPTAIN, 0),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/checklist-templates",
                       "scc_api.checklist_template_create",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_PATCH, "/api/checklist-templates/:id",
                       "scc_api.checklist_template_update",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_PUT, "/api/events/:id/checklist/:item",
                       "scc_api.checklist_answer",
                       NGX_HTTP_SCC_ROLE_CREW, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/checklists/analysis",
                       "scc_api.checklist_analysis",
                       NGX_HTTP_SCC_ROLE_CAPTAIN, NGX_HTTP_SCC_FILE),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/audit", "scc_api.audit_list",
                       NGX_HTTP_SCC_ROLE_ADMIN, 0),
    /* waivers: templates, versions, an event's version (helper A) */
    ngx_http_scc_route(NGX_HTTP_GET, "/api/waiver-templates",
                       "scc_api.waiver_templates_list",
                       NGX_HTTP_SCC_ROLE_CAPTAIN, 0),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/waiver-templates",
                       "scc_api.waiver_template_create",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/waiver-templates/:id/versions",
                       "scc_api.waiver_template_versions",
                       NGX_HTTP_SCC_ROLE_CAPTAIN, 0),
    ngx_http_scc_route(NGX_HTTP_PATCH, "/api/waiver-templates/:id",
                       "scc_api.waiver_template_update",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/waiver-version",
                       "scc_api.event_waiver_version",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    /* waivers: signing (helper B) */
    ngx_http_scc_route(NGX_HTTP_GET, "/api/events/:id/waiver",
                       "scc_api.waiver_get", NGX_HTTP_SCC_ROLE_GUEST, 0),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/waiver",
                       "scc_api.waiver_sign", NGX_HTTP_SCC_ROLE_GUEST,
                       NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/waivers/:id",
                       "scc_api.waiver_signature_get", NGX_HTTP_SCC_ROLE_GUEST,
                       0),
    /* end waivers: signing (helper B) */
    /* waivers: the dock, manifest and check-in (helper D) */
    ngx_http_scc_route(NGX_HTTP_GET, "/api/events/:id/manifest",
                       "scc_api.event_manifest", NGX_HTTP_SCC_ROLE_CREW,
                       NGX_HTTP_SCC_FILE),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/events/:id/check-in",
                       "scc_api.event_checkin", NGX_HTTP_SCC_ROLE_CREW,
                       NGX_HTTP_SCC_BODY),
    /* end waivers: the dock (helper D) */
    /* waivers: issue 10's gaps, the version move and party links (helper F) */
    ngx_http_scc_route(NGX_HTTP_GET, "/api/events/:id/waiver-version",
                       "scc_api.event_waiver_version_get",
                       NGX_HTTP_SCC_ROLE_ADMIN, 0),
    ngx_http_scc_route(NGX_HTTP_POST,
                       "/api/events/:id/party-links/:link_id/revoke",
                       "scc_api.party_link_revoke", NGX_HTTP_SCC_ROLE_CAPTAIN,
                       NGX_HTTP_SCC_BODY),
    /* end waivers: issue 10's gaps (helper F) */
    /* ledger: CSV import (helper K) */
    ngx_http_scc_route(NGX_HTTP_POST, "/api/imports", "scc_api.import_create",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/imports", "scc_api.imports_list",
                       NGX_HTTP_SCC_ROLE_ADMIN, 0),
    /* end ledger: CSV import (helper K) */
    /* reports: routes and pages (helper J2) */
    ngx_http_scc_route(NGX_HTTP_GET, "/api/reports", "scc_api.reports_list",
                       NGX_HTTP_SCC_ROLE_ADMIN, 0),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/reports/:kind/runs",
                       "scc_api.report_run_create", NGX_HTTP_SCC_ROLE_ADMIN,
                       NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/report-runs",
                       "scc_api.report_runs_list", NGX_HTTP_SCC_ROLE_ADMIN, 0),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/report-runs/:id",
                       "scc_api.report_run_get", NGX_HTTP_SCC_ROLE_ADMIN, 0),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/report-runs/:id/html",
                       "scc_api.report_run_html", NGX_HTTP_SCC_ROLE_ADMIN,
                       NGX_HTTP_SCC_FILE),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/report-runs/:id/text",
                       "scc_api.report_run_text", NGX_HTTP_SCC_ROLE_ADMIN,
                       NGX_HTTP_SCC_FILE),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/report-runs/:id/csv",
                       "scc_api.report_run_csv", NGX_HTTP_SCC_ROLE_ADMIN,
                       NGX_HTTP_SCC_FILE),
    ngx_http_scc_route(NGX_HTTP_GET, "/api/report-schedules",
                       "scc_api.report_schedules_list",
                       NGX_HTTP_SCC_ROLE_ADMIN, 0),
    ngx_http_scc_route(NGX_HTTP_POST, "/api/report-schedules",
                       "scc_api.report_schedule_create",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_PATCH, "/api/report-schedules/:id",
                       "scc_api.report_schedule_update",
                       NGX_HTTP_SCC_ROLE_ADMIN, NGX_HTTP_SCC_BODY),
    ngx_http_scc_route(NGX_HTTP_DELETE, "/api/report-schedules/:id",
                       "scc_api.report_schedule_delete",
                       NGX_HTTP_SCC_ROLE_ADMIN, 0),
    /* end reports: routes and pages (helper J2) */
};

const ngx_uint_t  ngx_http_scc_nroutes =
    sizeof(ngx_http_scc_routes) / sizeof(ngx_http_scc_route_t);


static ngx_uint_t ngx_http_scc_route_path(ngx_http_scc_route_t *route,
    ngx_str_t *path, ngx_http_scc_match_t *m);


static struct {
    ngx_uint_t    method;
    ngx_str_t     name;
} ngx_http_scc_methods[] = {
    { NGX_HTTP_GET, ngx_string("GET") },
    { NGX_HTTP_POST, ngx_string("POST") },
    { NGX_HTTP_PUT, ngx_string("PUT") },
    { NGX_HTTP_PATCH, ngx_string("PATCH") },
    { NGX_HTTP_DELETE, ngx_string("DELETE") },
};


ngx_int_t
ngx_http_scc_route_match(ngx_str_t *path, ngx_uint_t method,
    ngx_http_scc_match_t *m)
{
    ngx_uint_t             i;
    ngx_http_scc_route_t  *route;

    /* HEAD is GET without the body; nginx drops the body itself */
    if (method == NGX_HTTP_HEAD) {
        method = NGX_HTTP_GET;
    }

    m->allow = 0;

    for (i = 0; i < ngx_http_scc_nroutes; i++) {
        route = &ngx_http_scc_routes[i];

        if (!ngx_http_scc_route_path(route, path, m)) {
            continue;
        }

        if (route->method == method) {
            m->index = i;
            m->route = route;
            return NGX_OK;
        }

        m->allow |= route->method;
    }

    m->route = NULL;
    m->nparams = 0;

    return m->allow ? NGX_ABORT : NGX_DECLINED;
}


/*
 * A ":name" segment in the pattern takes one non-empty path segment;
 * everything else must be equal byte for byte, including the end.
 */

static ngx_uint_t
ngx_http_scc_route_path(ngx_http_scc_route_t *route, ngx_str_t *path,
    ngx_http_scc_match_t *m)
{
    u_char                *p, *pe, *u, *ue, *start;
    ngx_http_scc_param_t  *param;

    p = route->pattern.data;
    pe = p + route->pattern.len;
    u = path->data;
    ue = u + path->len;

    m->nparams = 0;

    while (p < pe && u < ue) {

        if (*p == ':' && p[-1] == '/') {

            if (m->nparams == NGX_HTTP_SCC_MAX_PARAMS) {
                return 0;
            }

            param = &m->params[m->nparams++];

            start = ++p;
            while (p < pe && *p != '/') {
                p++;
            }

            param->name.data = start;
            param->name.len = p - start;

            start = u;
            while (u < ue && *u != '/') {
                u++;
            }

            if (u == start) {
                return 0;
            }

            param->value.data = start;
            param->value.len = u - start;

            continue;
        }

        if (*p++ != *u++) {
            return 0;
        }
    }

    return p == pe && u == ue;
}


size_t
ngx_http_scc_route_allow(ngx_uint_t allow, u_char *buf)
{
    u_char      *p;
    ngx_uint_t   i;

    p = buf;

    for (i = 0; i < sizeof(ngx_http_scc_methods)
                    / sizeof(ngx_http_scc_methods[0]); i++)
    {
        if (!(allow & ngx_http_scc_methods[i].method)) {
            continue;
        }

        if (p != buf) {
            *p++ = ',';
            *p++ = ' ';
        }

        p = ngx_cpymem(p, ngx_http_scc_methods[i].name.data,
                       ngx_http_scc_methods[i].name.len);
    }

    return p - buf;
}


ngx_int_t
ngx_http_scc_route_check(ngx_str_t *err)
{
    u_char                *p, *pe;
    ngx_uint_t             i, n;
    ngx_http_scc_route_t  *route;

    for (i = 0; i < ngx_http_scc_nroutes; i++) {
        route = &ngx_http_scc_routes[i];

        p = route->pattern.data;
        pe = p + route->pattern.len;

        if (route->pattern.len < 5 || ngx_strncmp(p, "/api/", 5) != 0) {
            *err = route->pattern;
            return NGX_ERROR;
        }

        n = 0;

        for ( /* void */ ; p < pe; p++) {
            if (*p == ':' && (p[-1] != '/' || p + 1 == pe || p[1] == '/')) {
                *err = route->pattern;
                return NGX_ERROR;
            }

            n += (*p == ':');
        }

        if (n > NGX_HTTP_SCC_MAX_PARAMS) {
            *err = route->pattern;
            return NGX_ERROR;
        }

        if (route->local != NGX_HTTP_SCC_LOCAL_NONE) {

            /* a local handler, and no function (nor file answer) as well */

            if (route->local >= NGX_HTTP_SCC_LOCAL_LAST
                || route->function.len != 0
                || (route->flags & NGX_HTTP_SCC_FILE))
            {
                *err = route->pattern;
                return NGX_ERROR;
            }

            continue;
        }

        if (route->function.len <= 8
            || ngx_strncmp(route->function.data, "scc_api.", 8) != 0)
        {
            *err = route->function;
            return NGX_ERROR;
        }

        /* a file is sent as it is: no tokens or cookies come with it */

        if ((route->flags & NGX_HTTP_SCC_FILE)
            && (route->flags & (NGX_HTTP_SCC_ISSUE|NGX_HTTP_SCC_CLEAR)))
        {
            *err = route->pattern;
            return NGX_ERROR;
        }

        /*
         * text/plain is for a public machine sender (SNS) only: a cookie
         * must never ride a body a cross-site form can send (helper Q4)
         */

        if ((route->flags & NGX_HTTP_SCC_BODY_TEXT)
            && (!(route->flags & NGX_HTTP_SCC_PUBLIC)
                || !(route->flags & NGX_HTTP_SCC_BODY)
                || (route->flags & (NGX_HTTP_SCC_REFRESH|NGX_HTTP_SCC_ISSUE
                                    |NGX_HTTP_SCC_CLEAR))))
        {
            *err = route->pattern;
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


ngx_uint_t
ngx_http_scc_route_file_type_ok(u_char *p, size_t len)
{
    u_char  *last;

    if (len == 0 || len > 255) {
        return 0;
    }

    for (last = p + len; p < last; p++) {
        if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\') {
            return 0;
        }
    }

    return 1;
}


ngx_uint_t
ngx_http_scc_route_file_name_ok(u_char *p, size_t len)
{
    u_char  *last;

    if (len == 0 || len > NGX_HTTP_SCC_FILENAME_MAX || *p == '.') {
        return 0;
    }

    for (last = p + len; p < last; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
            || (*p >= '0' && *p <= '9')
            || *p == '.' || *p == '_' || *p == '-')
        {
            continue;
        }

        return 0;
    }

    return 1;
}
