import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { HANDLERS } from "../../src/jobs/handlers";
import type { JobHandler, JobRun } from "../../src/jobs/types";
import type { JobName } from "../../src/jobs/table";
import { eventually, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { type ExecRow, primeBefore, tick } from "./support";

const MIN = 60_000;
const saved = new Map<JobName, JobHandler | undefined>();
/** Swaps one job's handler for the test (the consumer reads HANDLERS at run time). */
function handle(job: JobName, h: JobHandler | undefined) {
  if (!saved.has(job)) saved.set(job, HANDLERS[job]);
  if (h) HANDLERS[job] = h;
  else delete HANDLERS[job];
}
afterEach(() => {
  for (const [job, h] of saved) {
    if (h) HANDLERS[job] = h;
    else delete HANDLERS[job];
  }
  saved.clear();
});

const run = async (companyId: number, job: string, at: number) =>
  (await sqlRows<ExecRow>("SELECT * FROM job_executions WHERE company_id = ? AND job = ? AND scheduled_for = ?", companyId, job, at))[0];
const settled = (companyId: number, job: string, at: number, status: string) =>
  eventually(async () => {
    const r = await run(companyId, job, at);
    expect(r?.status).toBe(status);
    return r!;
  }, 20_000);

describe("job runs on the jobs queue", () => {
  it("a dispatched run is claimed, run with its tenant and instant, and recorded with its items and note", async () => {
    const co = await seedCompany({ slug: "jr-ok", timeZone: "America/Sao_Paulo" });
    const seen: JobRun[] = [];
    handle("report_lunch", async (r) => {
      seen.push(r);
      return { items: 7, note: "7 conversations reported" };
    });
    const at = Date.parse("2029-02-06T16:00:00Z"); // Tuesday 13:00 in São Paulo
    await primeBefore("2029-02-06T16:00:00Z");
    await tick(at);
    const done = await settled(co.id, "report_lunch", at, "succeeded");
    expect(done).toMatchObject({ items: 7, note: "7 conversations reported", attempts: 1, error: null });
    const mine = seen.filter((r) => r.company?.id === co.id);
    expect(mine.length).toBe(1);
    expect(mine[0]).toMatchObject({ scheduledFor: at, job: { name: "report_lunch", category: "report" } });
  });

  it("a failing handler ends failed with its error after its attempts; a job with no handler is skipped", async () => {
    const co = await seedCompany({ slug: "jr-fail", timeZone: "America/Sao_Paulo" });
    const at = Date.parse("2029-02-07T20:00:00Z"); // Wednesday 17:00 in São Paulo
    let calls = 0;
    handle("report_afternoon", async (r) => {
      if (r.company?.id === co.id && r.scheduledFor === at) calls++;
      throw new Error("report backend answered 503");
    });
    handle("campaigns_evening", undefined);
    await primeBefore("2029-02-07T20:00:00Z");
    await tick(at);
    const failed = await eventually(async () => {
      const r = await run(co.id, "report_afternoon", at);
      expect(r).toMatchObject({ status: "failed", attempts: 3 });
      return r!;
    }, 45_000);
    expect(failed.error).toBe("report backend answered 503");
    expect(calls).toBe(3);
    expect(await settled(co.id, "campaigns_evening", at, "skipped")).toMatchObject({ note: "no handler", items: 0 });
  }, 60_000);

  it("a crashed run (running for 20 min) is queued again and finishes; one out of attempts is marked timed out", async () => {
    const co = await seedCompany({ slug: "jr-crash", timeZone: "America/Sao_Paulo" });
    const t0 = Date.parse("2029-03-01T00:00:00Z");
    let calls = 0;
    handle("template_sync", async (r) => {
      if (r.company?.id === co.id && r.scheduledFor === t0) calls++;
      return { items: 1 };
    });
    const s = store();
    const [crashed, hopeless] = await s.jobs.insertDue([
      { job: "template_sync", category: "sync", scheduledFor: t0, companyIds: [co.id] },
      { job: "template_sync", category: "sync", scheduledFor: t0 + 6 * 60 * MIN, companyIds: [co.id] },
    ]);
    const long = Date.now() - 20 * MIN;
    await s.jobs.claim(crashed!.id, long, 3); // attempt 1, its isolate died
    for (let i = 0; i < 3; i++) {
      await s.jobs.claim(hopeless!.id, long, 3);
      if (i < 2) await s.jobs.finish(hopeless!.id, { status: "failed", items: 0, error: "boom" }, long);
    }
    // The next tick (now, give or take) sweeps them: t0 is within the 24 h a run may still be retried.
    const now = Math.max(Date.now(), t0 + 60 * MIN);
    await tick(now + 7 * 60 * MIN);
    const retried = await eventually(async () => {
      const r = await s.jobs.byId(crashed!.id);
      expect(r?.status).toBe("succeeded");
      return r!;
    }, 20_000);
    expect(retried.attempts).toBe(2);
    expect(await s.jobs.byId(hopeless!.id)).toMatchObject({ status: "failed", error: "timed out after 3 attempts" });
    expect(calls).toBe(1);
  });

  it("at run time: a pause set after dispatch skips it, a suspended tenant is skipped, a platform job is told whom to leave alone", async () => {
    const paused = await seedCompany({ slug: "jr-paused", timeZone: "Europe/Lisbon" });
    const gone = await seedCompany({ slug: "jr-gone", timeZone: "Europe/Lisbon" });
    const quiet = await seedCompany({ slug: "jr-quiet", timeZone: "Europe/Lisbon" });
    const s = store();
    const at = Date.parse("2029-04-02T17:00:00Z"); // Monday 18:00 in Lisbon (UTC+1), minute 0: channel health
    const [pRun, gRun] = await s.jobs.insertDue([{ job: "report_end_of_day", category: "report", scheduledFor: at, companyIds: [paused.id, gone.id] }]);
    await s.jobControls.set(paused.id, "report_end_of_day", { paused: true }, null, Date.now());
    await s.jobControls.set(quiet.id, "monitoring", { paused: true }, null, Date.now());
    await s.companies.setStatus(gone.id, "suspended", { from: ["active"], reason: "test", at: Date.now() });
    let leftAlone: ReadonlySet<number> | null = null;
    handle("channel_health", async (r) => {
      leftAlone = r.pausedTenants;
      return { items: 0 };
    });
    const { runExecutions } = await import("../../src/jobs/run");
    await runExecutions(env, s, [pRun!.id, gRun!.id]);
    expect(await s.jobs.byId(pRun!.id)).toMatchObject({ status: "skipped", note: "paused" });
    expect(await s.jobs.byId(gRun!.id)).toMatchObject({ status: "skipped", note: "tenant is suspended" });
    await primeBefore("2029-04-02T17:00:00Z");
    await tick(at);
    await settled(0, "channel_health", at, "succeeded");
    expect(leftAlone && [...(leftAlone as ReadonlySet<number>)]).toContain(quiet.id);
    expect([...(leftAlone as unknown as ReadonlySet<number>)]).not.toContain(paused.id);
  });
});
