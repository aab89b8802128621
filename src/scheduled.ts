import type { AgendaOptimizeJob } from "./jobs/agenda-optimize";
import { sendAll } from "./lib/queue-send";
import { openStore } from "./store";

/**
 * The daily cron: one agenda_optimize job per active tenant on the jobs queue (retries, DLQ), so one
 * slow tenant never holds up the others. Each run claims its tenant for 23 h, so a second trigger
 * (a retried cron, two schedules) does nothing.
 */
export async function scheduled(_controller: ScheduledController, env: Env): Promise<void> {
  const companies = (await openStore(env).companies.list()).filter((c) => c.status === "active");
  const queuedAt = Date.now();
  const jobs = companies.map((c): AgendaOptimizeJob => ({ kind: "agenda_optimize", companyId: c.id, trigger: "cron", queuedAt, generation: 0 }));
  await sendAll(env.JOBS_QUEUE, jobs);
}
