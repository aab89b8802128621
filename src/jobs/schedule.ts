import { Cron } from "croner";
import { JOBS, type JobDef } from "./table";

/**
 * The job table's crons read on a zone's wall clock (croner handles DST: a 02:30 that does not exist
 * runs at 03:00, a repeated 01:30 runs once). One Cron object per (pattern, zone), kept for the isolate.
 */
const crons = new Map<string, Cron>();

export function cronIn(pattern: string, timeZone: string): Cron {
  const key = `${pattern}\u0000${timeZone}`;
  let c = crons.get(key);
  if (!c) {
    c = new Cron(pattern, { timezone: timeZone, paused: true });
    crons.set(key, c);
  }
  return c;
}

/** A 5-field cron croner accepts (seconds and years refused: the dispatcher ticks by the minute); else why not. */
export function cronProblem(pattern: string): string | null {
  if (pattern.trim().split(/\s+/).length !== 5) return "a cron has five fields: minute hour day-of-month month day-of-week";
  try {
    new Cron(pattern, { paused: true });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The latest instant of `pattern` in (from, to] on `timeZone`'s clock, or null: a gap is caught up once. */
export function latestDue(pattern: string, timeZone: string, from: number, to: number): number | null {
  const [prev] = cronIn(pattern, timeZone).previousRuns(1, new Date(to + 1));
  const at = prev?.getTime();
  return at !== undefined && at > from ? at : null;
}

/** The first instant of `pattern` strictly after `after`, or null when it never runs again. */
export function nextRun(pattern: string, timeZone: string, after: number): number | null {
  return cronIn(pattern, timeZone).nextRun(new Date(after))?.getTime() ?? null;
}

/** The follow-up windows (the table's followups_* crons). */
export const FOLLOWUP_WINDOW_JOBS = (JOBS as readonly JobDef[]).filter((j) => j.category === "followup");

/**
 * When a follow-up goes out: the first follow-up window at or after `earliest` (an appointment's end
 * plus the tenant's delay, now a minimum), on the tenant's clock. Falls back to `earliest` if the
 * table had no window (it always has).
 */
export function nextFollowupWindow(timeZone: string, earliest: number): number {
  const next = FOLLOWUP_WINDOW_JOBS.map((j) => nextRun(j.cron, timeZone, earliest - 1)).filter((t): t is number => t !== null);
  return next.length ? Math.min(...next) : earliest;
}
