import { Hono } from "hono";
import { forgetZones } from "../../jobs/dispatcher";
import { cronProblem, nextRun } from "../../jobs/schedule";
import { JOB_CATEGORIES, JOB_NAMES, jobByName } from "../../jobs/table";
import { dayRuns, jobViews, localIso } from "../../jobs/view";
import { AppError } from "../../lib/errors";
import { log } from "../../lib/log";
import { iso, zonedParts } from "../../lib/time-zone";
import * as z from "../../lib/zod";
import type { JobExecution } from "../../store/types";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, queryParams } from "../openapi/validate";
import type { AppEnv } from "../types";

/** The job table for a tenant: its schedule in local time, its runs, its pause switches and overrides. */
export const jobs = new Hono<AppEnv>();
jobs.use("/api/jobs", requireCaller);
jobs.use("/api/jobs/*", requireCaller);
const doc = describer({ tag: "Jobs", auth: "admin", resource: "jobs" });

/** A tenant's own cron may run at most this often (a week's runs): no per-minute fan-out per tenant. */
const MAX_OVERRIDE_RUNS_PER_WEEK = 7 * 24;
const STATUSES = ["queued", "running", "succeeded", "failed", "skipped"] as const;

const executionView = (e: JobExecution, timeZone: string) => ({
  id: e.id,
  job: e.job,
  category: e.category,
  /** "platform": a run for every tenant (company 0). */
  scope: e.companyId === 0 ? "platform" : "tenant",
  scheduled_for: iso(e.scheduledFor),
  scheduled_for_local: localIso(e.scheduledFor, timeZone),
  status: e.status,
  attempts: e.attempts,
  started_at: iso(e.startedAt),
  finished_at: iso(e.finishedAt),
  items: e.items,
  error: e.error,
  note: e.note,
});

jobs.get(
  "/api/jobs",
  doc({
    summary: "The job table with each job's next run for this tenant (local time and UTC), its pause state and override, and today's timeline",
    responses: {
      200: {
        description:
          "`{time_zone, now: {local, utc}, jobs: [{name, category, scope, description, cron, override, effective_cron, zone, campaign_types, next_run: {local, utc}, paused, paused_by: global|tenant|null}], today: {date, runs: [{job, category, time, at, paused}]}, controls: [{scope: global|tenant, target, paused, cron, updated_at}]}`",
      },
    },
  }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const controls = await c.get("store").jobControls.list([0, company.id]);
    const now = Date.now();
    const tz = company.timeZone;
    const date = zonedParts(now, tz).date;
    return c.json({
      time_zone: tz,
      now: { local: localIso(now, tz), utc: new Date(now).toISOString() },
      jobs: jobViews(controls, company.id, tz, now),
      today: { date, runs: dayRuns(controls, company.id, tz, date) },
      controls: controls.map((k) => ({ scope: k.companyId === 0 ? "global" : "tenant", target: k.target, paused: k.paused, cron: k.cron, updated_at: iso(k.updatedAt) })),
    });
  },
);

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const ExecutionQuery = z.object({
  job: z.enum(JOB_NAMES as [string, ...string[]]).optional(),
  category: z.enum(JOB_CATEGORIES).optional(),
  status: z.enum(STATUSES).optional(),
  /** tenant: this tenant's own runs; platform: the runs for everyone; both when absent. */
  scope: z.enum(["tenant", "platform"]).optional(),
  from: instant.optional(),
  to: instant.optional(),
  /** Keyset: the previous page's `next_before`. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

jobs.get(
  "/api/jobs/executions",
  doc({
    summary: "Runs of the job table for this tenant and the platform's runs for everyone (`scope` to keep one), newest first (keyset paging)",
    responses: {
      200: {
        description:
          "`{executions: [{id, job, category, scope: tenant|platform, scheduled_for, scheduled_for_local, status, attempts, started_at, finished_at, items, error, note}], next_before}`; pass `next_before` as `before` for the next page (null: no more)",
      },
    },
  }),
  queryParams(ExecutionQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const q = c.req.valid("query");
    if (q.from !== undefined && q.to !== undefined && q.from >= q.to) throw new AppError(400, "invalid_range", "`from` must be before `to`");
    const rows = await c
      .get("store")
      .jobs.list(company.id, { job: q.job, category: q.category, status: q.status, scope: q.scope, from: q.from, to: q.to, beforeId: q.before, limit: q.limit });
    return c.json({
      executions: rows.map((e) => executionView(e, company.timeZone)),
      next_before: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null,
    });
  },
);

const TARGETS = ["*", ...JOB_CATEGORIES, ...JOB_NAMES] as [string, ...string[]];
const Switch = z.strictObject({
  target: z.enum(TARGETS),
  /** "global": every tenant (the platform only). */
  scope: z.enum(["tenant", "global"]).default("tenant"),
});

for (const [path, paused] of [
  ["/api/jobs/pause", true],
  ["/api/jobs/resume", false],
] as const) {
  jobs.post(
    path,
    doc({
      summary: paused
        ? "Pause everything (`*`), a category or one job for this tenant, or for every tenant (`scope: global`, platform only)"
        : "Resume what a pause switch held (this tenant's, or the platform's with `scope: global`)",
      responses: { 200: { description: "`{scope, target, paused}`" } },
      errors: { 403: "`global_scope_platform_only`: only the platform switches jobs for every tenant" },
    }),
    jsonBody(Switch),
    async (c) => {
      const caller = c.get("caller");
      const { target, scope } = c.req.valid("json");
      if (scope === "global" && caller.kind !== "platform") throw new AppError(403, "global_scope_platform_only", "Only the platform pauses jobs for every tenant");
      const companyId = scope === "global" ? 0 : callerCompany(caller).id;
      await c.get("store").jobControls.set(companyId, target, { paused }, caller.userId, Date.now());
      const action = paused ? "jobs.pause" : "jobs.resume";
      if (caller.company) await audit(c, caller.company.id, { action, target: `jobs:${target}`, detail: { scope } });
      else log.info("platform job switch", { action, target, actor: caller.actor });
      return c.json({ scope, target, paused });
    },
  );
}

const Override = z.strictObject({ cron: z.string().max(100).nullable() });

jobs.put(
  "/api/jobs/:job/override",
  doc({
    summary: "This tenant's own schedule for a tenant job (5-field cron in its zone), or null for the table's",
    responses: { 200: { description: "`{job, override, effective_cron, next_run: {local, utc}}`" } },
    errors: {
      404: "`job_not_found`: no such job in the table",
      422: "`invalid_cron`: not a 5-field cron; `cron_too_frequent`: more than 24 runs a day on average; `not_a_tenant_job`: a platform job runs for everyone",
    },
  }),
  jsonBody(Override),
  async (c) => {
    const caller = c.get("caller");
    const company = callerCompany(caller);
    const job = jobByName(c.req.param("job") ?? "");
    if (!job) throw new AppError(404, "job_not_found", "No such job in the table");
    if (job.scope !== "tenant") throw new AppError(422, "not_a_tenant_job", "A platform job runs once for every tenant; it has no per-tenant schedule");
    const { cron } = c.req.valid("json");
    if (cron !== null) checkCron(cron, company.timeZone);
    const normalized = cron === null ? null : cron.trim().replace(/\s+/g, " ");
    await c.get("store").jobControls.set(company.id, job.name, { cron: normalized }, caller.userId, Date.now());
    forgetZones();
    await audit(c, company.id, { action: "jobs.override", target: `jobs:${job.name}`, detail: { cron: normalized } });
    const effective = normalized ?? job.cron;
    const next = nextRun(effective, company.timeZone, Date.now());
    return c.json({
      job: job.name,
      override: normalized,
      effective_cron: effective,
      next_run: next === null ? null : { local: localIso(next, company.timeZone), utc: new Date(next).toISOString() },
    });
  },
);

function checkCron(cron: string, timeZone: string): void {
  const problem = cronProblem(cron);
  if (problem) throw new AppError(422, "invalid_cron", `Not a valid 5-field cron: ${problem}`);
  const start = Date.now();
  let n = 0;
  for (let t = nextRun(cron, timeZone, start); t !== null && t < start + 7 * 86_400_000; t = nextRun(cron, timeZone, t))
    if (++n > MAX_OVERRIDE_RUNS_PER_WEEK) throw new AppError(422, "cron_too_frequent", "A tenant's own schedule may run at most 24 times a day on average");
}
