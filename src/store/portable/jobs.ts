import { and, desc, eq, gte, inArray, isNotNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { JobControl, JobExecution, Store } from "../types";
import type { DueGroup } from "../contracts/jobs";
import type { EngineSpecific, PortableCtx } from "./context";

/** The dispatcher's own row per tick (company 0): the guard against doubled triggers and the cursor. */
export const DISPATCH_JOB = "dispatch";

const toExecution = (r: typeof schema.jobExecutions.$inferSelect): JobExecution => ({
  id: r.id,
  companyId: r.companyId,
  job: r.job,
  category: r.category,
  scheduledFor: r.scheduledFor,
  status: r.status,
  attempts: r.attempts,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  items: r.items,
  error: r.error,
  note: r.note,
  createdAt: r.createdAt,
});

/** The due groups as the engines' insertDue expands them in SQL: one parameter for any tenant count. */
export const dueJson = (groups: readonly DueGroup[]) => JSON.stringify(groups.map((g) => ({ j: g.job, c: g.category, t: g.scheduledFor, ids: g.companyIds })));

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A raw RETURNING * row (snake_case; Postgres.js gives bigint as strings). */
export const executionFromSql = (r: Record<string, unknown>): JobExecution => ({
  id: Number(r.id),
  companyId: Number(r.company_id),
  job: String(r.job),
  category: String(r.category),
  scheduledFor: Number(r.scheduled_for),
  status: r.status as JobExecution["status"],
  attempts: Number(r.attempts),
  startedAt: num(r.started_at),
  finishedAt: num(r.finished_at),
  items: Number(r.items),
  error: (r.error as string | null) ?? null,
  note: (r.note as string | null) ?? null,
  createdAt: Number(r.created_at),
});

const toControl = (r: typeof schema.jobControls.$inferSelect): JobControl => ({
  companyId: r.companyId,
  target: r.target,
  paused: r.paused,
  cron: r.cron,
  updatedAt: r.updatedAt,
  updatedBy: r.updatedBy,
});

export function jobs({ db, schema: s, dialect }: PortableCtx): Omit<Store["jobs"], EngineSpecific["jobs"]> {
  const e = s.jobExecutions;
  return {
    async beginTick(tick) {
      const inserted = await db
        .insert(e)
        .values({ companyId: 0, job: DISPATCH_JOB, category: "critical", scheduledFor: tick, status: "succeeded", attempts: 1, startedAt: tick, finishedAt: tick })
        .onConflictDoNothing()
        .returning({ id: e.id });
      if (inserted.length === 0) return null;
      const [prev] = await db
        .select({ at: sql<number | null>`max(${e.scheduledFor})` })
        .from(e)
        .where(and(eq(e.companyId, 0), eq(e.job, DISPATCH_JOB), lt(e.scheduledFor, tick)));
      const at = prev?.at;
      return { cursor: at === null || at === undefined ? null : Number(at) };
    },
    async releaseTick(tick) {
      await db.delete(e).where(and(eq(e.companyId, 0), eq(e.job, DISPATCH_JOB), eq(e.scheduledFor, tick)));
    },
    async endTick(tick, items, note) {
      await db
        .update(e)
        .set({ items, note, finishedAt: Date.now() })
        .where(and(eq(e.companyId, 0), eq(e.job, DISPATCH_JOB), eq(e.scheduledFor, tick)));
    },
    async claim(id, now, maxAttempts) {
      const [row] = await db
        .update(e)
        .set({ status: "running", attempts: sql`${e.attempts} + 1`, startedAt: now, finishedAt: null, error: null })
        .where(and(eq(e.id, id), or(eq(e.status, "queued"), and(eq(e.status, "failed"), lt(e.attempts, maxAttempts)))))
        .returning();
      return row ? toExecution(row) : null;
    },
    async finish(id, o, now) {
      await db
        .update(e)
        .set({ status: o.status, items: o.items, note: o.note ?? null, error: o.error ?? null, finishedAt: now })
        .where(and(eq(e.id, id), eq(e.status, "running")));
    },
    async stuck(before, limit) {
      const rows = await db
        .select()
        .from(e)
        .where(and(inArray(e.status, ["queued", "running"]), lt(sql`coalesce(${e.startedAt}, ${e.createdAt})`, before), ne(e.job, DISPATCH_JOB)))
        .orderBy(e.id)
        .limit(limit);
      return rows.map(toExecution);
    },
    async requeue(id, seen, now) {
      const rows = await db
        .update(e)
        .set({ status: "queued", startedAt: now })
        .where(and(eq(e.id, id), eq(e.attempts, seen), inArray(e.status, ["queued", "running"])))
        .returning({ id: e.id });
      return rows.length > 0;
    },
    async giveUp(id, seen, error, now) {
      const rows = await db
        .update(e)
        .set({ status: "failed", error, finishedAt: now })
        .where(and(eq(e.id, id), eq(e.attempts, seen), inArray(e.status, ["queued", "running"])))
        .returning({ id: e.id });
      return rows.length > 0;
    },
    async byId(id) {
      const [row] = await db.select().from(e).where(eq(e.id, id)).limit(1);
      return row ? toExecution(row) : null;
    },
    async list(companyId, f) {
      const rows = await db
        .select()
        .from(e)
        .where(
          and(
            f.scope === "tenant"
              ? eq(e.companyId, companyId)
              : f.scope === "platform"
                ? and(eq(e.companyId, 0), ne(e.job, DISPATCH_JOB))
                : or(eq(e.companyId, companyId), and(eq(e.companyId, 0), ne(e.job, DISPATCH_JOB))),
            f.job ? eq(e.job, f.job) : undefined,
            f.category ? eq(e.category, f.category) : undefined,
            f.status ? eq(e.status, f.status) : undefined,
            f.from !== undefined ? gte(e.scheduledFor, f.from) : undefined,
            f.to !== undefined ? lt(e.scheduledFor, f.to) : undefined,
            f.beforeId !== undefined ? lt(e.id, f.beforeId) : undefined,
          ),
        )
        .orderBy(desc(e.id))
        .limit(f.limit);
      return rows.map(toExecution);
    },
    async purge(companyId, before) {
      const rows = await db
        .delete(e)
        .where(and(eq(e.companyId, companyId), lt(e.scheduledFor, before)))
        .returning({ id: e.id });
      return rows.length;
    },
    async purgeResolvedAlerts(companyId, before) {
      const a = s.tenantAlerts;
      const rows = await db
        .delete(a)
        .where(and(eq(a.companyId, companyId), isNotNull(a.resolvedAt), lte(a.firedAt, before)))
        .returning({ id: a.id });
      return rows.length;
    },
    async activeZones() {
      const rows = await db.selectDistinct({ tz: s.companies.timeZone }).from(s.companies).where(eq(s.companies.status, "active"));
      return rows.map((r) => r.tz).sort();
    },
    async activeInZones(zones) {
      if (zones.length === 0) return [];
      return db
        .select({ id: s.companies.id, timeZone: s.companies.timeZone })
        .from(s.companies)
        .where(and(eq(s.companies.status, "active"), dialect.inList(s.companies.timeZone, zones)))
        .orderBy(s.companies.id);
    },
  };
}

export function jobControls({ db, schema: s, dialect }: PortableCtx): Store["jobControls"] {
  const c = s.jobControls;
  return {
    async list(companyIds) {
      if (companyIds.length === 0) return [];
      const rows = await db.select().from(c).where(dialect.inList(c.companyId, companyIds));
      return rows.map(toControl);
    },
    async pausedOn(targets) {
      if (targets.length === 0) return [];
      const rows = await db
        .select()
        .from(c)
        .where(and(eq(c.paused, true), dialect.inList(c.target, targets)));
      return rows.map(toControl);
    },
    async overrides() {
      const rows = await db
        .select({ control: c, timeZone: s.companies.timeZone })
        .from(c)
        .innerJoin(s.companies, eq(s.companies.id, c.companyId))
        .where(and(isNotNull(c.cron), eq(s.companies.status, "active")));
      return rows.map((r) => ({ ...toControl(r.control), timeZone: r.timeZone }));
    },
    async set(companyId, target, change, by, now) {
      const set: Partial<typeof c.$inferInsert> = { updatedAt: now, updatedBy: by };
      if (change.paused !== undefined) set.paused = change.paused;
      if (change.cron !== undefined) set.cron = change.cron;
      const [row] = await db
        .insert(c)
        .values({ companyId, target, paused: change.paused ?? false, cron: change.cron ?? null, updatedAt: now, updatedBy: by })
        .onConflictDoUpdate({ target: [c.companyId, c.target], set })
        .returning();
      if (!row) throw new Error("job control upsert returned nothing");
      return toControl(row);
    },
  };
}
