/**
 * Work postponed while the tenant is suspended: outbound sends and appointment tasks that reached
 * their consumer while the tenant was not active. Each is a "held" schedule row carrying its job;
 * `resume` makes them all due at once, and a recheck every HOLD_RECHECK_MS re-offers them anyway (a
 * resume whose RPC was lost still releases them; a still-suspended tenant's consumer holds them
 * again). Nothing is dropped, nothing is sent while suspended.
 */
import type { AgendaTaskJob } from "../../src/jobs/agenda-task";
import type { OutboundJob } from "../../src/outbox/job";
import type { HeldWork } from "../../src/tenants/state";
import type { ScheduleRow, Scheduler } from "./scheduler";

export const HOLD_RECHECK_MS = 3_600_000;

const keyOf = (w: HeldWork) => (w.kind === "send" ? `held:send:${w.job.messageId}` : `held:task:${w.job.taskId}`);

export function hold(scheduler: Scheduler, work: HeldWork[], now: number): void {
  scheduler.putMany(
    "held",
    work.map((w) => ({ key: keyOf(w), dueAt: now + HOLD_RECHECK_MS, payload: JSON.stringify(w) })),
  );
}

/** The due held rows as queue jobs, by queue. */
export function released(rows: ScheduleRow[]): { sends: OutboundJob[]; tasks: AgendaTaskJob[] } {
  const work = rows.flatMap((r) => (r.payload ? [JSON.parse(r.payload) as HeldWork] : []));
  return {
    sends: work.flatMap((w) => (w.kind === "send" ? [w.job] : [])),
    tasks: work.flatMap((w) => (w.kind === "task" ? [w.job] : [])),
  };
}

/** Everything held is due now; returns how many rows that was. */
export function releaseAll(sql: SqlStorage, now: number): number {
  const n = heldCount(sql);
  sql.exec(`UPDATE schedule SET due_at = ? WHERE kind = 'held'`, now);
  return n;
}

export const heldCount = (sql: SqlStorage): number => sql.exec<{ n: number }>(`SELECT count(*) AS n FROM schedule WHERE kind = 'held'`).one().n;
