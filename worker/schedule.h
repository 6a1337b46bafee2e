/*
 * schedule.h — turns due report schedules (scc.report_schedules) into
 * report jobs, one per schedule and slot.
 *
 * This file must never enqueue a slot without its unique key (the SQL
 * function scc.enqueue_schedule_slot adds it) and never enqueue more than
 * the last missed slot of a schedule: after downtime, only the latest slot
 * runs (cron.h, scc_cron_prev_slot).
 */
#ifndef SCC_SCHEDULE_H
#define SCC_SCHEDULE_H

#include <time.h>
#include <libpq-fe.h>

/* Evaluate every enabled schedule at `now`: when its latest slot at or
 * before now is after the last slot queued (or its creation), queue that
 * slot.  A schedule whose cron or zone the parser refuses is parked with
 * the reason.  Returns how many jobs were queued, or -1 on a database
 * error. */
int scc_schedule_tick(PGconn *conn, time_t now);

#endif
