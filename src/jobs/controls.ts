import type { JobControl } from "../store/types";
import type { JobDef } from "./table";

/** The targets that pause a job: everything, its category, itself. */
export const pauseTargets = (job: Pick<JobDef, "name" | "category">): string[] => ["*", job.category, job.name];

/**
 * Whether `job` is paused for `companyId` (0: the platform's own run): a global switch (company 0) on
 * "*", the category or the job, or the tenant's own switch on any of them.
 */
export function isPaused(controls: readonly JobControl[], companyId: number, job: Pick<JobDef, "name" | "category">): boolean {
  const targets = pauseTargets(job);
  return controls.some((c) => c.paused && (c.companyId === 0 || c.companyId === companyId) && targets.includes(c.target));
}

/** A tenant's own cron for a job, when it set one. */
export const overrideOf = (controls: readonly JobControl[], companyId: number, job: string): string | null =>
  controls.find((c) => c.companyId === companyId && c.target === job && c.cron)?.cron ?? null;
