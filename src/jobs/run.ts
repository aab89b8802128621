import { log } from "../lib/log";
import type { JobExecution, Store } from "../store/types";
import { isPaused, pauseTargets } from "./controls";
import { HANDLERS } from "./handlers";
import { type JobDef, type JobName, jobByName } from "./table";

/** Attempts of one execution (claims), across queue redeliveries and the dispatcher's sweep. */
export const MAX_RUN_ATTEMPTS = 3;
/** Executions of one message run this many at a time: a window's 25 tenants never all hit the store at once. */
const CONCURRENCY = 5;

type Outcome = "done" | "failed";

/**
 * The jobs queue's job_run: each execution claimed by compare-and-set (so a redelivery or the sweep's
 * requeue never runs it twice at once), run, and its outcome written. `failed` counts what should be
 * retried (the message is retried; runs already finished are not claimable again).
 */
export async function runExecutions(env: Env, store: Store, ids: readonly number[]): Promise<{ failed: number }> {
  let failed = 0;
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) if ((await runExecution(env, store, id)) === "failed") failed++;
    }),
  );
  return { failed };
}

export async function runExecution(env: Env, store: Store, id: number): Promise<Outcome> {
  const run = await store.jobs.claim(id, Date.now(), MAX_RUN_ATTEMPTS);
  if (!run) return "done";
  const finish = (o: Parameters<Store["jobs"]["finish"]>[1]) => store.jobs.finish(id, o, Date.now());
  const job = jobByName(run.job);
  if (!job) {
    await finish({ status: "skipped", items: 0, note: "not in the job table" });
    return "done";
  }
  try {
    const ready = await prepare(store, run, job);
    if ("skip" in ready) {
      await finish({ status: "skipped", items: 0, note: ready.skip });
      return "done";
    }
    const handler = HANDLERS[job.name as JobName];
    if (!handler) {
      await finish({ status: "skipped", items: 0, note: "no handler" });
      return "done";
    }
    const result = await handler({ env, store, job, scheduledFor: run.scheduledFor, company: ready.company, pausedTenants: ready.pausedTenants });
    await finish({ status: result.status ?? "succeeded", items: result.items, note: result.note ?? null });
    return "done";
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
    log.error("job run failed", { execution_id: id, job: run.job, company_id: run.companyId, attempts: run.attempts, error: err });
    await finish({ status: "failed", items: 0, error });
    return run.attempts < MAX_RUN_ATTEMPTS ? "failed" : "done";
  }
}

/** The run's tenant (still active) and pause switches, read at run time: a pause set after dispatch still holds. */
async function prepare(store: Store, run: JobExecution, job: JobDef) {
  if (run.companyId === 0) {
    const paused = await store.jobControls.pausedOn(pauseTargets(job));
    if (paused.some((c) => c.companyId === 0)) return { skip: "paused for every tenant" };
    return { company: null, pausedTenants: new Set(paused.map((c) => c.companyId)) };
  }
  const [company, controls] = await Promise.all([store.companies.byId(run.companyId), store.jobControls.list([0, run.companyId])]);
  if (company?.status !== "active") return { skip: `tenant is ${company?.status ?? "gone"}` };
  if (isPaused(controls, run.companyId, job)) return { skip: "paused" };
  return { company, pausedTenants: new Set<number>() };
}
