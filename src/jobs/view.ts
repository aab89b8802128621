import { hhmm, offsetAt, zonedParts, zonedTimeToUtc } from "../lib/time-zone";
import type { JobControl } from "../store/types";
import { isPaused, overrideOf } from "./controls";
import { nextRun } from "./schedule";
import { JOBS, type JobDef } from "./table";

const TABLE = JOBS as readonly JobDef[];

/** An instant on a zone's clock with its offset: "2026-12-07T10:00:00-03:00". */
export function localIso(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  const off = Math.round(offsetAt(ms, timeZone) / 60_000);
  const sign = off < 0 ? "-" : "+";
  return `${p.date}T${p.time}:${String(Math.floor((ms / 1000) % 60)).padStart(2, "0")}${sign}${hhmm(Math.abs(off))}`;
}

/** Where a job's pause comes from for a tenant: the platform's switch wins over the tenant's own. */
function pausedBy(controls: readonly JobControl[], companyId: number, job: JobDef): "global" | "tenant" | null {
  if (
    isPaused(
      controls.filter((c) => c.companyId === 0),
      companyId,
      job,
    )
  )
    return "global";
  return isPaused(controls, companyId, job) ? "tenant" : null;
}

/** The cron a job runs on for a tenant (its override, else the table's) and the zone it is read in. */
export function effectiveSchedule(job: JobDef, controls: readonly JobControl[], companyId: number, timeZone: string) {
  const override = job.scope === "tenant" ? overrideOf(controls, companyId, job.name) : null;
  return { cron: override ?? job.cron, override, zone: job.scope === "tenant" ? timeZone : "UTC" };
}

/** The job table as a tenant sees it: next run in its local time and UTC, pause state and override. */
export function jobViews(controls: readonly JobControl[], companyId: number, timeZone: string, now: number) {
  return TABLE.map((job) => {
    const s = effectiveSchedule(job, controls, companyId, timeZone);
    const next = nextRun(s.cron, s.zone, now);
    return {
      name: job.name,
      category: job.category,
      scope: job.scope,
      description: job.description,
      cron: job.cron,
      override: s.override,
      effective_cron: s.cron,
      /** The zone the cron is read in: the tenant's for tenant jobs, UTC for the platform's. */
      zone: s.zone,
      campaign_types: "campaignTypes" in job ? (job.campaignTypes ?? null) : null,
      next_run: next === null ? null : { local: localIso(next, timeZone), utc: new Date(next).toISOString() },
      paused: pausedBy(controls, companyId, job) !== null,
      paused_by: pausedBy(controls, companyId, job),
    };
  });
}

/** Runs of the tenant's jobs on one local day (its own clock), in order: the timeline. */
export function dayRuns(controls: readonly JobControl[], companyId: number, timeZone: string, date: string) {
  const start = zonedTimeToUtc(date, "00:00", timeZone)?.getTime() ?? Date.parse(`${date}T00:00:00Z`);
  const end = start + 26 * 3_600_000;
  const runs: { job: string; category: string; time: string; at: string; paused: boolean }[] = [];
  for (const job of TABLE.filter((j) => j.scope === "tenant")) {
    const s = effectiveSchedule(job, controls, companyId, timeZone);
    const paused = pausedBy(controls, companyId, job) !== null;
    for (let t = nextRun(s.cron, timeZone, start - 1); t !== null && t < end; t = nextRun(s.cron, timeZone, t)) {
      const p = zonedParts(t, timeZone);
      if (p.date !== date) continue;
      runs.push({ job: job.name, category: job.category, time: p.time, at: new Date(t).toISOString(), paused });
    }
  }
  return runs.sort((a, b) => a.at.localeCompare(b.at) || a.job.localeCompare(b.job));
}
