import { JOBS, type JobDef } from "../jobs/table";
import { iso } from "../lib/time-zone";
import type { Campaign, CampaignProgress } from "../store/types";

export const VIEW =
  "{id, name, type, status, window: {job, local_time}, audience, message, template, starts_at, throttle_per_minute, created_at, started_at, finished_at, progress: {total, pending, sent, skipped, failed, percent}}";

/** The window a campaign type goes out in (job name and local time, from the job table). */
export function windowOf(type: string) {
  const job = (JOBS as readonly JobDef[]).find((j) => j.campaignTypes?.includes(type as never));
  if (!job) return null;
  const [minute, hour, , , days] = job.cron.split(" ");
  return { job: job.name, local_time: `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`, days };
}

export function campaignView(k: Campaign, p: CampaignProgress | undefined) {
  const total = p?.total ?? 0;
  const done = (p?.sent ?? 0) + (p?.skipped ?? 0) + (p?.failed ?? 0);
  return {
    id: k.id,
    name: k.name,
    type: k.type,
    status: k.status,
    window: windowOf(k.type),
    audience: k.audience,
    message: k.message,
    template: k.template,
    starts_at: iso(k.startsAt),
    throttle_per_minute: k.throttlePerMinute,
    created_at: iso(k.createdAt),
    started_at: iso(k.startedAt),
    finished_at: iso(k.finishedAt),
    progress: { total, pending: p?.pending ?? 0, sent: p?.sent ?? 0, skipped: p?.skipped ?? 0, failed: p?.failed ?? 0, percent: total ? Math.round((done / total) * 100) : 0 },
  };
}
