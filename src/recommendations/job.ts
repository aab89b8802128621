import type { JobHandler } from "../jobs/types";
import { refreshRecommendations } from "./refresh";

/** The daily recomputation (07:00 on the tenant's clock): one tenant per run. */
export const recommendationsJob: JobHandler = async (run) => {
  if (!run.company) throw new Error("recommendations is a tenant job");
  const r = await refreshRecommendations(run.env, run.store, run.company, run.scheduledFor);
  return { items: r.open, note: `${r.created} new, ${r.expired} expired` };
};
