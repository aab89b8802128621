import type { AgendaOptimizeJob } from "./jobs/agenda-optimize";
import { openStore } from "./store";

/**
 * The daily cron: one agenda_optimize job per active tenant on the jobs queue (retries, DLQ), so one
 * slow tenant never holds up the others. Each run claims its tenant for 23 h, so a second trigger
 * (a retried cron, two schedules) does nothing.
 */
export async function scheduled(_controller: ScheduledController, env: Env): Promise<void> {
  const companies = (await openStore(env).companies.list()).filter((c) => c.status === "active");
  const queuedAt = Date.now();
  const jobs = companies.map((c): { body: AgendaOptimizeJob } => ({ body: { kind: "agenda_optimize", companyId: c.id, trigger: "cron", queuedAt, generation: 0 } }));
  // sendBatch takes up to 100 messages per call.
  for (let i = 0; i < jobs.length; i += 100) await env.JOBS_QUEUE.sendBatch(jobs.slice(i, i + 100));
}
