import { and, asc, between, desc, eq, gte, isNotNull, isNull, lt, notInArray, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { HoursStore, TenantAlert } from "../contracts/hours";
import type { PortableCtx } from "./context";

const toAlert = (r: typeof schema.tenantAlerts.$inferSelect): TenantAlert => ({
  id: r.id,
  companyId: r.companyId,
  kind: r.kind,
  key: r.key,
  detail: (r.detail ?? {}) as Record<string, unknown>,
  firedAt: r.firedAt,
  resolvedAt: r.resolvedAt,
});

const num = (v: unknown) => Number(v ?? 0);

/** Handoffs waiting for their escalation (conversations) and the tenants' alerts (tenant_alerts). */
export function hours(ctx: PortableCtx): HoursStore {
  const { db, schema: s, dialect } = ctx;
  const c = s.conversations;
  const a = s.tenantAlerts;
  const m = s.messages;
  /**
   * The ids of the messages written at or after `since` (first, newest): a binary search over the primary key (each
   * probe one index seek, ~log2(ids) of them, ~23 for 8 M messages), relying on ids being handed out in
   * insert order and created_at set by the database at insert (non-decreasing in id).
   */
  const idRangeSince = async (since: number): Promise<[number, number]> => {
    const [top] = await db.select({ id: sql<number>`max(${m.id})`.mapWith(Number) }).from(m);
    let lo = 0;
    let hi = (top?.id ?? 0) + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const [row] = await db.select({ id: m.id, createdAt: m.createdAt }).from(m).where(gte(m.id, mid)).orderBy(asc(m.id)).limit(1);
      if (!row || row.createdAt >= since) hi = mid;
      else lo = row.id + 1;
    }
    return [lo, top?.id ?? 0];
  };
  return {
    escalations: {
      async candidates(companyIds, olderThan, limit) {
        if (companyIds.length === 0) return [];
        const rows = await db
          .select({ companyId: c.companyId, conversationId: c.id, contactId: c.contactId, handoffAt: c.handoffAt, assignedUserId: c.assignedUserId })
          .from(c)
          .where(and(dialect.inList(c.companyId, companyIds), eq(c.status, "human"), lt(c.handoffAt, olderThan), isNull(c.firstHumanReplyAt), isNull(c.escalatedAt)))
          .orderBy(asc(c.handoffAt))
          .limit(limit);
        return rows.map((r) => ({ ...r, handoffAt: r.handoffAt ?? 0 }));
      },
      async markEscalated(companyId, conversationId, handoffAt, at) {
        const rows = await db
          .update(c)
          .set({ escalatedAt: at })
          .where(and(eq(c.companyId, companyId), eq(c.id, conversationId), eq(c.status, "human"), eq(c.handoffAt, handoffAt), isNull(c.firstHumanReplyAt), isNull(c.escalatedAt)))
          .returning({ id: c.id });
        return rows.length > 0;
      },
    },
    alerts: {
      async fire(companyId, alert, at) {
        // Insert, or reopen a resolved row (it happened again); an open one is left alone: no row back.
        const rows = await db
          .insert(a)
          .values({ companyId, kind: alert.kind, key: alert.key, detail: alert.detail, firedAt: at })
          .onConflictDoUpdate({
            target: [a.companyId, a.kind, a.key],
            set: { detail: sql`excluded.detail`, firedAt: sql`excluded.fired_at`, resolvedAt: null },
            setWhere: isNotNull(a.resolvedAt),
          })
          .returning();
        return rows[0] ? toAlert(rows[0]) : null;
      },
      async resolveOpen(companyId, kind, at, key) {
        const rows = await db
          .update(a)
          .set({ resolvedAt: at })
          .where(and(eq(a.companyId, companyId), eq(a.kind, kind), isNull(a.resolvedAt), key === undefined ? undefined : eq(a.key, key)))
          .returning({ id: a.id });
        return rows.length;
      },
      async open(companyId, kind) {
        const rows = await db
          .select()
          .from(a)
          .where(and(eq(a.companyId, companyId), eq(a.kind, kind), isNull(a.resolvedAt)))
          .orderBy(asc(a.firedAt));
        return rows.map(toAlert);
      },
      async list(companyId, opts) {
        const rows = await db
          .select()
          .from(a)
          .where(and(eq(a.companyId, companyId), opts.open ? isNull(a.resolvedAt) : undefined))
          .orderBy(desc(a.firedAt), desc(a.id))
          .limit(opts.limit);
        return rows.map(toAlert);
      },
      async resolve(companyId, id, at) {
        await db
          .update(a)
          .set({ resolvedAt: at })
          .where(and(eq(a.companyId, companyId), eq(a.id, id), isNull(a.resolvedAt)));
        const [row] = await db
          .select()
          .from(a)
          .where(and(eq(a.companyId, companyId), eq(a.id, id)))
          .limit(1);
        return row ? toAlert(row) : null;
      },
      // Grouped across tenants: two statements whatever the tenant count. messages has no index on
      // created_at, so the window is first turned into an id range (idRangeSince): the grouped read then
      // scans only the last day's rows by primary key, not the whole table.
      async signals(since) {
        const oldest = Math.min(since.sends, since.held);
        // Both bounds: with only a lower one SQLite's planner prefers walking an index for the GROUP BY.
        const [fromId, toId] = await idRangeSince(oldest);
        const [dead, sends] = await Promise.all([
          db
            .select({ companyId: s.deadLetters.companyId, n: sql<number>`count(*)`.mapWith(Number) })
            .from(s.deadLetters)
            .where(gte(s.deadLetters.createdAt, since.deadLetters))
            .groupBy(s.deadLetters.companyId),
          db
            .select({
              companyId: m.companyId,
              total: sql<number>`sum(case when ${m.createdAt} >= ${since.sends} and ${m.status} not in ('held', 'withdrawn') then 1 else 0 end)`,
              failed: sql<number>`sum(case when ${m.createdAt} >= ${since.sends} and ${m.status} in ('failed', 'dead') then 1 else 0 end)`,
              held: sql<number>`sum(case when ${m.createdAt} >= ${since.held} and ${m.status} = 'held' then 1 else 0 end)`,
            })
            .from(m)
            .where(and(between(m.id, fromId, toId), eq(m.direction, "out"), gte(m.createdAt, oldest), notInArray(m.status, ["received"])))
            .groupBy(m.companyId),
        ]);
        return {
          deadLetters: dead.map((r) => ({ companyId: r.companyId, n: num(r.n) })),
          sends: sends.map((r) => ({ companyId: r.companyId, total: num(r.total), failed: num(r.failed) })).filter((r) => r.total > 0),
          held: sends.map((r) => ({ companyId: r.companyId, n: num(r.held) })).filter((r) => r.n > 0),
        };
      },
    },
  };
}
