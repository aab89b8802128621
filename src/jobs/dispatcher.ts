import { log } from "../lib/log";
import { sendAll } from "../lib/queue-send";
import type { DueGroup, JobControl, Store } from "../store/types";
import { isPaused } from "./controls";
import { MAX_RUN_ATTEMPTS } from "./run";
import { jobRunMessages } from "./run-message";
import { latestDue } from "./schedule";
import { JOBS, type JobDef } from "./table";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A longer gap (a trigger outage) is caught up as if it were 24 h: each job once, never per missed minute. */
export const MAX_GAP_MS = 24 * HOUR;
/** A run queued or running this long without finishing is presumed lost (a crashed isolate). */
export const STUCK_AFTER_MS = 15 * MINUTE;
const SWEEP_EVERY_MS = 5 * MINUTE;
/** How long an isolate trusts its copy of the active zones and the per-tenant overrides. */
export const ZONE_CACHE_MS = 2 * MINUTE;
/** The platform's own runs (company 0) are kept this long, purged at 03:00 UTC. */
const PLATFORM_RETENTION_MS = 30 * 24 * HOUR;

const TABLE = JOBS as readonly JobDef[];
const PLATFORM_JOBS = TABLE.filter((j) => j.scope === "platform");
const TENANT_JOBS = TABLE.filter((j) => j.scope === "tenant");

type Override = JobControl & { timeZone: string };
let zoneCache: { at: number; zones: string[]; overrides: Override[] } | null = null;

/** Forgets the isolate's zones/overrides (a tenant created, an override set through this isolate, tests). */
export function forgetZones(): void {
  zoneCache = null;
}

async function zonesAndOverrides(store: Store, now: number) {
  if (zoneCache && now - zoneCache.at < ZONE_CACHE_MS && now >= zoneCache.at) return zoneCache;
  const [zones, overrides] = await Promise.all([store.jobs.activeZones(), store.jobControls.overrides()]);
  zoneCache = { at: now, zones, overrides };
  return zoneCache;
}

export interface DispatchSummary {
  /** The same minute had already been dispatched (a doubled trigger). */
  doubled: boolean;
  cursor: number | null;
  queued: number;
  requeued: number;
  timedOut: number;
}

/**
 * The minute tick. Its cost does not grow with tenants when no tenant job is due: the guard row, the
 * cursor, the stuck sweep and (every few minutes) the zones; tenants are read only when a (zone, job)
 * has an instant in (cursor, tick], and all that is due goes in one insert and a few queue batches.
 */
export async function dispatch(env: Env, store: Store, tickMs: number): Promise<DispatchSummary> {
  const tick = Math.floor(tickMs / MINUTE) * MINUTE;
  const begun = await store.jobs.beginTick(tick);
  if (!begun) return { doubled: true, cursor: null, queued: 0, requeued: 0, timedOut: 0 };
  // The first tick ever has no cursor: only this minute is due.
  const cursor = Math.max(begun.cursor ?? tick - MINUTE, tick - MAX_GAP_MS);
  try {
    return await dispatchWindow(env, store, tick, cursor, begun.cursor);
  } catch (err) {
    // A tick that failed half-way gives its window back: the next tick catches it up (inserts are idempotent).
    await store.jobs.releaseTick(tick).catch(() => undefined);
    throw err;
  }
}

async function dispatchWindow(env: Env, store: Store, tick: number, cursor: number, previous: number | null): Promise<DispatchSummary> {
  const groups: DueGroup[] = [];
  for (const job of PLATFORM_JOBS) {
    const at = latestDue(job.cron, "UTC", cursor, tick);
    if (at !== null) groups.push({ job: job.name, category: job.category, scheduledFor: at, companyIds: [0] });
  }
  groups.push(...(await dueTenantRuns(store, cursor, tick)));

  const inserted = await store.jobs.insertDue(groups);
  const ids = inserted.map((r) => r.id);
  // The sweep is one indexed read; every 5 minutes (and after a gap) is soon enough for a 15-minute timeout.
  const sweep = tick % SWEEP_EVERY_MS === 0 || tick - cursor > MINUTE;
  const swept = sweep ? await sweepStuck(store, tick) : { requeued: [], timedOut: 0 };
  if (ids.length + swept.requeued.length > 0) await sendAll(env.JOBS_QUEUE, jobRunMessages([...ids, ...swept.requeued]));

  if (latestDue("0 3 * * *", "UTC", cursor, tick) !== null) await store.jobs.purge(0, tick - PLATFORM_RETENTION_MS);
  // The guard row says what the tick did when it did more than the every-minute platform run.
  if (ids.length > 1 || swept.requeued.length || swept.timedOut)
    await store.jobs.endTick(tick, ids.length, `${ids.length} queued, ${swept.requeued.length} requeued, ${swept.timedOut} timed out`);
  if (swept.timedOut > 0) log.warn("job runs timed out", { count: swept.timedOut });
  return { doubled: false, cursor: previous, queued: ids.length, requeued: swept.requeued.length, timedOut: swept.timedOut };
}

/** Tenant jobs due in (cursor, tick], each zone's clock; tenants and switches read only when something is. */
async function dueTenantRuns(store: Store, cursor: number, tick: number): Promise<DueGroup[]> {
  const { zones, overrides } = await zonesAndOverrides(store, tick);
  // (zone, job) → instant, by the table's crons.
  const due = new Map<string, number>();
  for (const zone of zones)
    for (const job of TENANT_JOBS) {
      const at = latestDue(job.cron, zone, cursor, tick);
      if (at !== null) due.set(`${zone}\u0000${job.name}`, at);
    }
  // Tenants whose own cron is due; their table cron no longer applies to them.
  const overridden = new Set(overrides.map((o) => `${o.companyId}\u0000${o.target}`));
  const overrideDue = overrides.flatMap((o) => {
    const job = TENANT_JOBS.find((j) => j.name === o.target);
    const at = job && o.cron ? latestDue(o.cron, o.timeZone, cursor, tick) : null;
    return job && at !== null ? [{ job, companyId: o.companyId, at }] : [];
  });
  if (due.size === 0 && overrideDue.length === 0) return [];

  const dueZones = [...new Set([...due.keys()].map((k) => k.split("\u0000")[0] as string))];
  const tenants = await store.jobs.activeInZones(dueZones);
  const controls = await store.jobControls.list([0, ...new Set([...tenants.map((t) => t.id), ...overrideDue.map((o) => o.companyId)])]);

  const byKey = new Map<string, DueGroup & { companyIds: number[] }>();
  const add = (job: JobDef, at: number, companyId: number) => {
    if (isPaused(controls, companyId, job)) return;
    const key = `${job.name}\u0000${at}`;
    const g = byKey.get(key) ?? { job: job.name, category: job.category, scheduledFor: at, companyIds: [] };
    g.companyIds.push(companyId);
    byKey.set(key, g);
  };
  for (const t of tenants)
    for (const job of TENANT_JOBS) {
      const at = due.get(`${t.timeZone}\u0000${job.name}`);
      if (at !== undefined && !overridden.has(`${t.id}\u0000${job.name}`)) add(job, at, t.id);
    }
  for (const o of overrideDue) add(o.job, o.at, o.companyId);
  return [...byKey.values()];
}

/** Runs that never finished: queued again while they have attempts left, else failed "timed out". */
async function sweepStuck(store: Store, tick: number): Promise<{ requeued: number[]; timedOut: number }> {
  const stuck = await store.jobs.stuck(tick - STUCK_AFTER_MS, 200);
  const requeued: number[] = [];
  let timedOut = 0;
  for (const run of stuck) {
    const hopeless = run.attempts >= MAX_RUN_ATTEMPTS || run.scheduledFor < tick - MAX_GAP_MS;
    if (hopeless) {
      if (await store.jobs.giveUp(run.id, run.attempts, `timed out after ${run.attempts} attempts`, tick)) timedOut++;
    } else if (await store.jobs.requeue(run.id, run.attempts, tick)) requeued.push(run.id);
  }
  return { requeued, timedOut };
}
