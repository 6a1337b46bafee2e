-- 040_report_stubs_dropped.sql — 033's scaffolding for reports whose data
-- did not exist yet, dead since 035, 037 and 039 compute all eight:
-- scc.report_pending (a section awaiting data), scc.report_pending_csv
-- (the CSV listing such sections), scc.report_pending_only (a report of
-- them only) and scc.report_with_charter (pending sections around the
-- charter's).  No function calls them.  The shape keeps "pending" (the
-- worker and the pages still show a section that says so), for a report
-- that one day awaits data again.

drop function scc.report_with_charter(text, text, scc.report_span, text, jsonb, jsonb);
drop function scc.report_pending_only(text, text, scc.report_span, jsonb);
drop function scc.report_pending_csv(jsonb);
drop function scc.report_pending(text, text, text);
