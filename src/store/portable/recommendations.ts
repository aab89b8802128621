import type { AnyColumn } from "drizzle-orm";
import { and, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { Recommendation, RecommendationStore, RecommendationWrite } from "../contracts/recommendations";
import type { PortableCtx } from "./context";

const toRec = (r: typeof schema.recommendations.$inferSelect): Recommendation => ({
  id: r.id,
  companyId: r.companyId,
  kind: r.kind,
  key: r.key,
  severity: r.severity,
  title: r.title,
  body: r.body,
  evidence: (r.evidence ?? {}) as Record<string, unknown>,
  status: r.status,
  firstSeenAt: r.firstSeenAt,
  computedAt: r.computedAt,
  dismissedAt: r.dismissedAt,
  notifiedAt: r.notifiedAt,
});

const n = (v: unknown) => Number(v ?? 0);

/** recommendations, and the grouped counts they are computed from. */
export function recommendations(ctx: PortableCtx): RecommendationStore["recommendations"] {
  const { db, schema: s } = ctx;
  const r = s.recommendations;
  const between = (col: AnyColumn, from: number, to: number) => sql`case when ${col} >= ${from} and ${col} < ${to} then 1 else 0 end`;
  const upsert = (companyId: number, rows: readonly RecommendationWrite[], at: number) =>
    db
      .insert(r)
      .values(rows.map((w) => ({ companyId, ...w, computedAt: at })))
      .onConflictDoUpdate({
        target: [r.companyId, r.kind, r.key],
        set: {
          severity: sql`excluded.severity`,
          title: sql`excluded.title`,
          body: sql`excluded.body`,
          evidence: sql`excluded.evidence`,
          status: sql`excluded.status`,
          firstSeenAt: sql`excluded.first_seen_at`,
          dismissedAt: sql`excluded.dismissed_at`,
          computedAt: sql`excluded.computed_at`,
        },
      })
      .returning();
  return {
    // Six grouped statements in parallel, each on a (company_id, …) index or the tenant's own rows.
    async signals(companyId, w) {
      const m = s.messages;
      const a = s.appointments;
      const f = s.feedbackEvents;
      const c = s.conversations;
      const k = s.contacts;
      const [inbound, appts, followups, tomorrow, inactive, handoffs] = await Promise.all([
        db
          .select({
            thisWeek: sql<number>`sum(${between(m.createdAt, w.weekAgo, w.now)})`,
            lastWeek: sql<number>`sum(${between(m.createdAt, w.twoWeeksAgo, w.weekAgo)})`,
          })
          .from(m)
          .where(and(eq(m.companyId, companyId), eq(m.direction, "in"), gte(m.createdAt, w.twoWeeksAgo))),
        db
          .select({
            thisWeek: sql<number>`sum(${between(a.startsAt, w.weekAgo, w.now)})`,
            lastWeek: sql<number>`sum(${between(a.startsAt, w.twoWeeksAgo, w.weekAgo)})`,
            noShowsThisWeek: sql<number>`sum(case when ${a.status} = 'no_show' and ${a.startsAt} >= ${w.weekAgo} then 1 else 0 end)`,
            noShowsLastWeek: sql<number>`sum(case when ${a.status} = 'no_show' and ${a.startsAt} < ${w.weekAgo} then 1 else 0 end)`,
          })
          .from(a)
          .where(and(eq(a.companyId, companyId), gte(a.startsAt, w.twoWeeksAgo), lt(a.startsAt, w.now), sql`${a.status} <> 'cancelled'`)),
        db
          .select({
            total: sql<number>`count(*)`,
            negative: sql<number>`sum(case when ${f.kind} = 'followup_negative' then 1 else 0 end)`,
          })
          .from(f)
          .where(and(eq(f.companyId, companyId), gte(f.createdAt, w.twoWeeksAgo), inArray(f.kind, ["followup_positive", "followup_negative", "followup_feedback"]))),
        db
          .select({ n: sql<number>`count(*)` })
          .from(a)
          .where(and(eq(a.companyId, companyId), eq(a.status, "scheduled"), gte(a.startsAt, w.tomorrowFrom), lt(a.startsAt, w.tomorrowTo))),
        db
          .select({ n: sql<number>`count(*)` })
          .from(k)
          .where(
            and(
              eq(k.companyId, companyId),
              eq(k.optedOut, false),
              isNull(k.erasedAt),
              sql`${k.id} in (select ${a.contactId} from ${a} where ${a.companyId} = ${companyId} and ${a.status} <> 'cancelled' group by ${a.contactId} having max(${a.startsAt}) < ${w.inactiveBefore})`,
            ),
          ),
        db
          .select({ n: sql<number>`count(*)` })
          .from(c)
          .where(and(eq(c.companyId, companyId), eq(c.status, "human"), isNull(c.firstHumanReplyAt))),
      ]);
      return {
        inbound: { thisWeek: n(inbound[0]?.thisWeek), lastWeek: n(inbound[0]?.lastWeek) },
        appointments: {
          thisWeek: n(appts[0]?.thisWeek),
          lastWeek: n(appts[0]?.lastWeek),
          noShowsThisWeek: n(appts[0]?.noShowsThisWeek),
          noShowsLastWeek: n(appts[0]?.noShowsLastWeek),
        },
        followups: { total: n(followups[0]?.total), negative: n(followups[0]?.negative) },
        unconfirmedTomorrow: n(tomorrow[0]?.n),
        inactive: n(inactive[0]?.n),
        handoffsWaiting: n(handoffs[0]?.n),
      };
    },
    async all(companyId) {
      const rows = await db.select().from(r).where(eq(r.companyId, companyId)).orderBy(desc(r.computedAt), desc(r.id));
      return rows.map(toRec);
    },
    async list(companyId, opts) {
      const rows = await db
        .select()
        .from(r)
        .where(and(eq(r.companyId, companyId), inArray(r.status, [...opts.statuses])))
        .orderBy(desc(r.computedAt), desc(r.id))
        .limit(opts.limit);
      return rows.map(toRec);
    },
    async byId(companyId, id) {
      const [row] = await db
        .select()
        .from(r)
        .where(and(eq(r.companyId, companyId), eq(r.id, id)))
        .limit(1);
      return row ? toRec(row) : null;
    },
    async write(companyId, rows, at) {
      // Eleven parameters a row and D1 binds at most 100 a statement: 9 rows per statement (a tenant has about that many).
      const stored: (typeof r.$inferSelect)[] = [];
      for (let i = 0; i < rows.length; i += 9) stored.push(...(await upsert(companyId, rows.slice(i, i + 9), at)));
      return stored.map(toRec);
    },
    async expire(companyId, ids, at) {
      if (ids.length === 0) return 0;
      const rows = await db
        .update(r)
        .set({ status: "expired", computedAt: at })
        .where(and(eq(r.companyId, companyId), inArray(r.id, [...ids]), eq(r.status, "open")))
        .returning({ id: r.id });
      return rows.length;
    },
    async close(companyId, id, to, at) {
      const rows = await db
        .update(r)
        .set({ status: to, dismissedAt: at })
        .where(and(eq(r.companyId, companyId), eq(r.id, id), eq(r.status, "open")))
        .returning();
      return rows[0] ? toRec(rows[0]) : null;
    },
    async notified(companyId, ids, at) {
      if (ids.length === 0) return;
      await db
        .update(r)
        .set({ notifiedAt: at })
        .where(and(eq(r.companyId, companyId), inArray(r.id, [...ids])));
    },
  };
}
