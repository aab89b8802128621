import type { JobHandler } from "../jobs/types";
import { computeReports, periodsDue } from "./compute";

/** analytics_daily / analytics_weekly (tenant jobs, shortly after local midnight): yesterday's or last week's report, with catch-up. */
export const analyticsJob: JobHandler = async ({ store, job, company, scheduledFor }) => {
  if (!company) return { items: 0, status: "skipped", note: "tenant job without a tenant" };
  const granularity = job.name === "analytics_weekly" ? "week" : "day";
  const due = await periodsDue(store, company, granularity, scheduledFor);
  const items = await computeReports(store, company, granularity, due, Date.now());
  return { items, note: due.length > 0 ? `${granularity} ${due[0]} … ${due[due.length - 1]}` : undefined };
};
