import { and, asc, desc, eq, inArray, notExists, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { AbCount, AbEventKind, AbGoal, AbTest, AbVariant, ExperimentStore } from "../contracts/experiments";
import type { PortableCtx } from "./context";

const toTest = (r: typeof schema.abTests.$inferSelect): AbTest => ({
  id: r.id,
  companyId: r.companyId,
  name: r.name,
  target: r.target,
  goal: r.goal as AbGoal,
  epsilon: r.epsilon,
  variants: (r.variants ?? []) as AbVariant[],
  status: r.status,
  winner: r.winner,
  createdAt: r.createdAt,
  startedAt: r.startedAt,
  stoppedAt: r.stoppedAt,
  updatedAt: r.updatedAt,
});

/** ab_tests, ab_assignments and ab_events, every statement filtered by company_id. */
export function experiments(ctx: PortableCtx): ExperimentStore["abTests"] {
  const { db, schema: s, dialect } = ctx;
  const t = s.abTests;
  const a = s.abAssignments;
  const e = s.abEvents;
  const byId = async (companyId: number, id: number) => {
    const [row] = await db
      .select()
      .from(t)
      .where(and(eq(t.companyId, companyId), eq(t.id, id)))
      .limit(1);
    return row ? toTest(row) : null;
  };
  return {
    async create(companyId, n, at) {
      const [row] = await db
        .insert(t)
        .values({ companyId, name: n.name, target: n.target, goal: n.goal, epsilon: n.epsilon, variants: n.variants, createdAt: at, updatedAt: at })
        .returning();
      if (!row) throw new Error("ab test insert returned no row");
      return toTest(row);
    },
    byId,
    async list(companyId, limit) {
      const rows = await db.select().from(t).where(eq(t.companyId, companyId)).orderBy(desc(t.id)).limit(limit);
      return rows.map(toTest);
    },
    async transition(companyId, id, from, to, at) {
      // Starting: no other running test on its target (the test's target is read first; the update re-checks it).
      const target = to === "running" ? (await byId(companyId, id))?.target : undefined;
      const other = db
        .select({ one: sql`1` })
        .from(t)
        .where(and(eq(t.companyId, companyId), eq(t.status, "running"), eq(t.target, target ?? "")));
      const stamp = to === "running" ? { startedAt: at, stoppedAt: null } : to === "stopped" ? { stoppedAt: at } : {};
      const rows = await db
        .update(t)
        .set({ status: to, updatedAt: at, ...stamp })
        .where(and(eq(t.companyId, companyId), eq(t.id, id), inArray(t.status, [...from]), to === "running" ? notExists(other) : undefined))
        .returning();
      return rows[0] ? toTest(rows[0]) : null;
    },
    async declareWinner(companyId, id, variant, at) {
      const rows = await db
        .update(t)
        .set({ winner: variant, updatedAt: at })
        .where(and(eq(t.companyId, companyId), eq(t.id, id), eq(t.status, "stopped")))
        .returning();
      return rows[0] ? toTest(rows[0]) : null;
    },
    async counts(companyId, testId) {
      const rows = await db
        .select({ variant: e.variant, event: e.event, contacts: sql<number>`count(distinct ${e.contactId})`.mapWith(Number) })
        .from(e)
        .where(and(eq(e.companyId, companyId), eq(e.testId, testId)))
        .groupBy(e.variant, e.event);
      return rows.map((r): AbCount => ({ variant: r.variant, event: r.event as AbEventKind, contacts: r.contacts }));
    },
    async assignment(companyId, testId, contactId) {
      const [row] = await db
        .select({ variant: a.variant })
        .from(a)
        .where(and(eq(a.companyId, companyId), eq(a.testId, testId), eq(a.contactId, contactId)))
        .limit(1);
      return row?.variant ?? null;
    },
    async assign(companyId, testId, contactId, variant, at) {
      const inserted = await db.insert(a).values({ companyId, testId, contactId, variant, assignedAt: at }).onConflictDoNothing().returning({ variant: a.variant });
      if (inserted[0]) return inserted[0].variant;
      // Another send drew first: its draw holds.
      const [row] = await db
        .select({ variant: a.variant })
        .from(a)
        .where(and(eq(a.companyId, companyId), eq(a.testId, testId), eq(a.contactId, contactId)))
        .limit(1);
      return row?.variant ?? variant;
    },
    async assignments(companyId, testIds, contactIds) {
      if (testIds.length === 0 || contactIds.length === 0) return [];
      const rows = await db
        .select({ testId: a.testId, contactId: a.contactId, variant: a.variant, firstSentAt: sql<number | null>`min(${e.createdAt})` })
        .from(a)
        .leftJoin(e, and(eq(e.companyId, a.companyId), eq(e.testId, a.testId), eq(e.contactId, a.contactId), eq(e.event, "sent")))
        .where(and(eq(a.companyId, companyId), dialect.inList(a.testId, testIds), dialect.inList(a.contactId, contactIds)))
        .groupBy(a.testId, a.contactId, a.variant)
        .orderBy(asc(a.testId));
      return rows.map((r) => ({ ...r, firstSentAt: r.firstSentAt === null ? null : Number(r.firstSentAt) }));
    },
    async record(companyId, rows) {
      // Seven parameters a row and D1 binds at most 100 a statement: 14 rows per statement.
      let added = 0;
      for (let i = 0; i < rows.length; i += 14) {
        const inserted = await db
          .insert(e)
          .values(rows.slice(i, i + 14).map((r) => ({ companyId, testId: r.testId, contactId: r.contactId, variant: r.variant, event: r.event, ref: r.ref, createdAt: r.at })))
          .onConflictDoNothing()
          .returning({ id: e.id });
        added += inserted.length;
      }
      return added;
    },
  };
}
