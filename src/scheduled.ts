import { suspendAfterGrace } from "./billing/status";
import { dispatch } from "./jobs/dispatcher";
import { log } from "./lib/log";
import { refreshStoreGauges, STORE_GAUGES_CRON } from "./metrics/store-gauges";
import { openStore } from "./store";

/**
 * Every cron wrangler.toml may declare; a test holds each environment's triggers to this list. One
 * minute trigger: the job table's dispatcher evaluates every window (tenant zones included) itself.
 */
export const HANDLED_CRONS = [STORE_GAUGES_CRON] as const;

export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  switch (controller.cron) {
    case STORE_GAUGES_CRON: {
      const store = openStore(env);
      // Each part runs even when another fails; the first failure is rethrown so the trigger shows it.
      const parts = await Promise.allSettled([
        refreshStoreGauges(env, controller.scheduledTime),
        // Ends canceled subscriptions' grace: one query over subscriptions when nobody is due.
        suspendAfterGrace(env, store, controller.scheduledTime),
        dispatch(env, store, controller.scheduledTime),
      ]);
      const failed = parts.find((p): p is PromiseRejectedResult => p.status === "rejected");
      if (failed) throw failed.reason;
      return;
    }
    default:
      log.warn("cron trigger with no handler: add it to src/scheduled.ts or remove it from wrangler.toml", { cron: controller.cron });
  }
}
