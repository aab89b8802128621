import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { JOBS } from "../../src/jobs/table";
import { sha256Hex } from "../../src/lib/crypto";
import { api, seedCompany, store } from "../support/helpers";
import { codeOf } from "../support/sessions";
import { sqlRows } from "../support/sql";
import { primeBefore, tick } from "./support";

/** A tenant's integration token with these scopes (as an owner's, bounded by them). */
async function tenantToken(companyId: number, scopes: string[]): Promise<string> {
  const token = `sk_jobs_${crypto.randomUUID()}`;
  await store().apiTokens.create(companyId, await sha256Hex(token), `jobs ${scopes.join(" ")}`, { scopes });
  return token;
}
const as = (token: string, path: string, init: RequestInit = {}) =>
  exports.default.fetch(`http://localhost${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) } });
const json = <T>(res: Response) => res.json() as Promise<T>;

interface JobView {
  name: string;
  scope: string;
  override: string | null;
  effective_cron: string;
  next_run: { local: string; utc: string } | null;
  paused: boolean;
  paused_by: string | null;
}

describe("the jobs API", () => {
  it("GET /api/jobs: every job with its next run in the tenant's local time and UTC, and today's timeline", async () => {
    const co = await seedCompany({ slug: "ja-table", timeZone: "America/New_York" });
    const body = await json<{ time_zone: string; jobs: JobView[]; today: { date: string; runs: { job: string; time: string }[] } }>(await api("/api/jobs", { tenant: co.slug }));
    expect(body.time_zone).toBe("America/New_York");
    // Every job of the table (the areas add theirs).
    expect(body.jobs.map((j) => j.name).sort()).toEqual(JOBS.map((j) => j.name).sort());
    const analysis = body.jobs.find((j) => j.name === "scheduling_analysis")!;
    expect(analysis.next_run!.local).toMatch(/T02:00:00-0[45]:00$/);
    expect(Date.parse(analysis.next_run!.local)).toBe(Date.parse(analysis.next_run!.utc));
    expect(Date.parse(analysis.next_run!.utc)).toBeGreaterThan(Date.now());
    // Platform jobs read UTC; the every-minute one is due within a minute.
    const sm = body.jobs.find((j) => j.name === "scheduled_messages")!;
    expect(sm.scope).toBe("platform");
    expect(Date.parse(sm.next_run!.utc) - Date.now()).toBeLessThanOrEqual(60_000);
    // The day's timeline holds the night jobs at their local hour, every day.
    expect(body.today.runs.filter((r) => r.job === "scheduling_analysis").map((r) => r.time)).toEqual(["02:00"]);
    expect(body.today.runs.filter((r) => r.job === "template_sync").map((r) => r.time)).toEqual(["00:00", "06:00", "12:00", "18:00"]);
  });

  it("pause and resume for the tenant; global only for the platform; the switches hold the dispatcher and are audited", async () => {
    const co = await seedCompany({ slug: "ja-pause", timeZone: "America/Sao_Paulo" });
    const other = await seedCompany({ slug: "ja-pause-other", timeZone: "America/Sao_Paulo" });
    const owner = await tenantToken(co.id, ["*"]);
    const viewer = await tenantToken(co.id, ["jobs:read"]);
    expect((await as(owner, "/api/jobs/pause", { method: "POST", body: JSON.stringify({ target: "report" }) })).status).toBe(200);
    // A tenant cannot pause for everyone, and a reader cannot pause at all.
    const global = await as(owner, "/api/jobs/pause", { method: "POST", body: JSON.stringify({ target: "*", scope: "global" }) });
    expect(global.status).toBe(403);
    expect(await codeOf(global)).toBe("global_scope_platform_only");
    expect((await as(viewer, "/api/jobs/pause", { method: "POST", body: JSON.stringify({ target: "report" }) })).status).toBe(403);
    // Hostile input: an unknown target, a missing one, extra keys.
    for (const body of [{ target: "drop table" }, {}, { target: "report", company_id: other.id }])
      expect((await as(owner, "/api/jobs/pause", { method: "POST", body: JSON.stringify(body) })).status).toBe(400);

    const views = await json<{ jobs: JobView[] }>(await as(viewer, "/api/jobs"));
    expect(views.jobs.filter((j) => j.paused).map((j) => j.name)).toEqual(["report_morning", "report_lunch", "report_afternoon", "report_end_of_day", "report_weekly"]);
    expect(views.jobs.find((j) => j.name === "report_lunch")?.paused_by).toBe("tenant");
    // The other tenant is not paused.
    const theirs = await json<{ jobs: JobView[] }>(await api("/api/jobs", { tenant: other.slug }));
    expect(theirs.jobs.some((j) => j.paused)).toBe(false);

    // 13:00 in São Paulo: the lunch report runs for the other tenant only.
    const at = "2030-05-07T16:00:00Z";
    await primeBefore(at);
    await tick(at);
    const rows = await sqlRows<{ company_id: number }>("SELECT company_id FROM job_executions WHERE job = 'report_lunch' AND scheduled_for = ?", Date.parse(at));
    expect(rows.map((r) => r.company_id).sort()).toEqual([other.id].sort());

    expect((await as(owner, "/api/jobs/resume", { method: "POST", body: JSON.stringify({ target: "report" }) })).status).toBe(200);
    expect((await json<{ jobs: JobView[] }>(await as(viewer, "/api/jobs"))).jobs.some((j) => j.paused)).toBe(false);
    // The platform pauses a category for everyone.
    expect((await api("/api/jobs/pause", { method: "POST", body: JSON.stringify({ target: "campaign", scope: "global" }) })).status).toBe(200);
    expect((await json<{ jobs: JobView[] }>(await as(viewer, "/api/jobs"))).jobs.find((j) => j.name === "campaigns_morning")?.paused_by).toBe("global");
    expect((await api("/api/jobs/resume", { method: "POST", body: JSON.stringify({ target: "campaign", scope: "global" }) })).status).toBe(200);

    const audit = await sqlRows<{ action: string; target: string }>("SELECT action, target FROM audit_logs WHERE company_id = ? AND action LIKE 'jobs.%' ORDER BY id", co.id);
    expect(audit).toEqual([
      { action: "jobs.pause", target: "jobs:report" },
      { action: "jobs.resume", target: "jobs:report" },
    ]);
  });

  it("PUT override: validated with croner, per tenant, shown with its next run; null goes back to the table", async () => {
    const co = await seedCompany({ slug: "ja-ovr", timeZone: "Europe/Lisbon" });
    const owner = await tenantToken(co.id, ["*"]);
    const put = (job: string, cron: unknown) => as(owner, `/api/jobs/${job}/override`, { method: "PUT", body: JSON.stringify({ cron }) });
    for (const [cron, code] of [
      ["not a cron", "invalid_cron"],
      ["61 * * * *", "invalid_cron"],
      ["0 0 3 * * *", "invalid_cron"],
      ["*/5 * * * *", "cron_too_frequent"],
    ] as const) {
      const res = await put("maintenance", cron);
      expect(res.status, cron).toBe(422);
      expect(await codeOf(res)).toBe(code);
    }
    expect(await codeOf(await put("channel_health", "0 4 * * *"))).toBe("not_a_tenant_job");
    expect((await put("no_such_job", "0 4 * * *")).status).toBe(404);
    expect((await put("maintenance", 42)).status).toBe(400);

    const ok = await json<{ override: string; next_run: { local: string } }>(await put("maintenance", "30  4 * * *"));
    expect(ok.override).toBe("30 4 * * *");
    expect(ok.next_run.local).toMatch(/T04:30:00\+0[01]:00$/);
    const view = (await json<{ jobs: JobView[] }>(await as(owner, "/api/jobs"))).jobs.find((j) => j.name === "maintenance")!;
    expect(view).toMatchObject({ override: "30 4 * * *", effective_cron: "30 4 * * *" });
    expect((await json<{ override: null }>(await put("maintenance", null))).override).toBeNull();
    expect((await json<{ jobs: JobView[] }>(await as(owner, "/api/jobs"))).jobs.find((j) => j.name === "maintenance")?.effective_cron).toBe("0 3 * * *");
  });

  it("GET executions: the tenant's runs and the platform's, never another tenant's; filters, keyset pages, bad input refused", async () => {
    const a = await seedCompany({ slug: "ja-ex-a", timeZone: "America/Sao_Paulo" });
    const b = await seedCompany({ slug: "ja-ex-b", timeZone: "America/Sao_Paulo" });
    const t = Date.parse("2030-06-03T13:00:00Z");
    await store().jobs.insertDue([
      { job: "report_morning", category: "report", scheduledFor: t, companyIds: [a.id, b.id] },
      { job: "followups_morning", category: "followup", scheduledFor: t, companyIds: [a.id, b.id] },
      { job: "alerts", category: "monitoring", scheduledFor: t, companyIds: [0] },
    ]);
    const token = await tenantToken(a.id, ["jobs:read"]);
    const q = "from=2030-06-03T12:00:00Z&to=2030-06-03T14:00:00Z";
    const all = await json<{ executions: { id: number; job: string; scope: string; scheduled_for_local: string }[] }>(await as(token, `/api/jobs/executions?${q}`));
    expect(all.executions.map((e) => [e.job, e.scope]).sort()).toEqual([
      ["alerts", "platform"],
      ["followups_morning", "tenant"],
      ["report_morning", "tenant"],
    ]);
    expect(all.executions[0]?.scheduled_for_local).toBe("2030-06-03T10:00:00-03:00");
    const bIds = (await store().jobs.list(b.id, { from: t, to: t + 1, limit: 10 })).filter((e) => e.companyId === b.id).map((e) => e.id);
    expect(all.executions.some((e) => bIds.includes(e.id))).toBe(false);
    const page1 = await json<{ executions: { id: number }[]; next_before: number }>(await as(token, `/api/jobs/executions?${q}&limit=2`));
    const page2 = await json<{ executions: { id: number }[]; next_before: number | null }>(await as(token, `/api/jobs/executions?${q}&limit=2&before=${page1.next_before}`));
    expect(page1.executions.length).toBe(2);
    expect(page2.executions.map((e) => e.id)).toEqual(all.executions.slice(2).map((e) => e.id));
    expect((await json<{ executions: unknown[] }>(await as(token, `/api/jobs/executions?${q}&category=followup`))).executions.length).toBe(1);
    expect((await json<{ executions: { scope: string }[] }>(await as(token, `/api/jobs/executions?${q}&scope=platform`))).executions.map((e) => e.scope)).toEqual(["platform"]);
    for (const bad of ["scope=everyone", "status=exploded", "job=x'--", "from=yesterday", "limit=0", "before=-1", "category=1"])
      expect((await as(token, `/api/jobs/executions?${bad}`)).status, bad).toBe(400);
    expect(await codeOf(await as(token, "/api/jobs/executions?from=2030-06-03T14:00:00Z&to=2030-06-03T12:00:00Z"))).toBe("invalid_range");
  });
});
