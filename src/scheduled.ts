import type { AgendaOptimizeJob } from "./jobs/agenda-optimize";
import { log } from "./lib/log";
import { sendAll } from "./lib/queue-send";
import { refreshStoreGauges, STORE_GAUGES_CRON } from "./metrics/store-gauges";
import { suspendAfterGrace } from "./billing/status";
import { openStore } from "./store";

/** The daily analysis' trigger (wrangler.toml). */
export const DAILY_ANALYSIS_CRON = "0 6 * * *";
/** Every cron wrangler.toml may declare; a test holds each environment's triggers to this list. */
export const HANDLED_CRONS = [DAILY_ANALYSIS_CRON, STORE_GAUGES_CRON] as const;

/**
 * The daily cron: one agenda_optimize job per active tenant on the jobs queue (retries, DLQ), so one
 * slow tenant never holds up the others. Each run claims its tenant for 23 h, so a second trigger
 * (a retried cron, two schedules) does nothing.
 */
async function queueDailyAnalysis(env: Env): Promise<void> {
  const companies = (await openStore(env).companies.list()).filter((c) => c.status === "active");
  const queuedAt = Date.now();
  const jobs = companies.map((c): AgendaOptimizeJob => ({ kind: "agenda_optimize", companyId: c.id, trigger: "cron", queuedAt, generation: 0 }));
  await sendAll(env.JOBS_QUEUE, jobs);
}

export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  switch (controller.cron) {
    case DAILY_ANALYSIS_CRON:
      return queueDailyAnalysis(env);
    case STORE_GAUGES_CRON:
      await refreshStoreGauges(env, controller.scheduledTime);
      // The minute cron also ends canceled subscriptions' grace: one query over subscriptions when nobody is due.
      await suspendAfterGrace(env, openStore(env), controller.scheduledTime);
      return;
    default:
      log.warn("cron trigger with no handler: add it to src/scheduled.ts or remove it from wrangler.toml", { cron: controller.cron });
  }
}
