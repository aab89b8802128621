import { and, asc, desc, eq, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { AudienceQuery, Campaign, CampaignResults, CampaignTemplate, Store } from "../types";
import type { PortableCtx } from "./context";

const DAY_MS = 86_400_000;
/**
 * Rows per multi-row insert: every value is inlined (no bound parameters, so D1's 100-parameter cap
 * does not apply), about 90 bytes a row, well under D1's 100 KB statement limit.
 */
const INSERT_CHUNK = 500;

const toCampaign = (r: typeof schema.campaigns.$inferSelect): Campaign => ({
  id: r.id,
  companyId: r.companyId,
  name: r.name,
  type: r.type,
  status: r.status,
  audience: r.audience,
  message: r.message,
  template: (r.template as CampaignTemplate | null) ?? null,
  startsAt: r.startsAt,
  throttlePerMinute: r.throttlePerMinute,
  createdBy: r.createdBy,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  updatedAt: r.updatedAt,
  createdAt: r.createdAt,
});

/** A JSON array of strings holds `label`: its text contains the label as a quoted JSON string (exact, since inner quotes are escaped). */
const hasLabel = (x: PortableCtx, label: string) =>
  x.dialect.contains(sql`coalesce(cast(${x.schema.contacts.attributes} -> cast('labels' as text) as text), '')`, JSON.stringify(label));

/** The audience as one WHERE clause over contacts (correlated subqueries on indexed columns), same SQL on both engines. */
export function audienceWhere(x: PortableCtx, companyId: number, a: AudienceQuery, now: number, campaignId?: number): SQL {
  const { contacts: k, conversations: cv, appointments: ap, campaignRecipients: cr } = x.schema;
  const parts: (SQL | undefined)[] = [
    eq(k.companyId, companyId),
    eq(k.optedOut, false),
    sql`not exists (select 1 from ${cv} where ${cv.companyId} = ${companyId} and ${cv.contactId} = ${k.id} and ${cv.status} = 'human')`,
  ];
  if (campaignId !== undefined)
    parts.push(sql`not exists (select 1 from ${cr} where ${cr.companyId} = ${companyId} and ${cr.campaignId} = ${campaignId} and ${cr.contactId} = ${k.id})`);
  if (a.labels.length) {
    const each = a.labels.map((l) => hasLabel(x, l));
    parts.push(a.labelMatch === "all" ? and(...each) : or(...each));
  }
  for (const l of a.excludeLabels) parts.push(sql`not (${hasLabel(x, l)})`);
  // Keys are [A-Za-z0-9_] (audience.ts), so `->>` reads them as an object key on both engines; text compare.
  for (const { key, value } of a.attributes) parts.push(sql`cast(${k.attributes} ->> cast(${key} as text) as text) = ${value}`);
  if (a.lastInbound.olderThanDays !== undefined) parts.push(sql`${k.lastInboundAt} < ${now - a.lastInbound.olderThanDays * DAY_MS}`);
  if (a.lastInbound.withinDays !== undefined) parts.push(sql`${k.lastInboundAt} >= ${now - a.lastInbound.withinDays * DAY_MS}`);
  const appt = (cond: SQL) => sql`exists (select 1 from ${ap} where ${ap.companyId} = ${companyId} and ${ap.contactId} = ${k.id} and ${cond})`;
  const h = a.appointments;
  if (h.withinDays !== undefined) parts.push(appt(sql`${ap.startsAt} >= ${now - h.withinDays * DAY_MS} and ${ap.startsAt} <= ${now} and ${ap.status} <> 'cancelled'`));
  if (h.noneSinceDays !== undefined) parts.push(sql`not ${appt(sql`${ap.startsAt} >= ${now - h.noneSinceDays * DAY_MS} and ${ap.status} <> 'cancelled'`)}`);
  if (h.noShowWithinDays !== undefined) parts.push(appt(sql`${ap.startsAt} >= ${now - h.noShowWithinDays * DAY_MS} and ${ap.status} = 'no_show'`));
  if (h.service !== undefined) parts.push(appt(sql`${ap.service} = ${h.service} and ${ap.status} <> 'cancelled'`));
  return and(...parts) as SQL;
}

const num = (v: unknown) => Number(v ?? 0);

export function campaigns(x: PortableCtx): Store["campaigns"] {
  const { db, schema: s, dialect } = x;
  const c = s.campaigns;
  const r = s.campaignRecipients;
  const mine = (companyId: number, id: number) => and(eq(c.companyId, companyId), eq(c.id, id));
  const ofCampaign = (companyId: number, campaignId: number) => and(eq(r.companyId, companyId), eq(r.campaignId, campaignId));
  const byId = async (companyId: number, id: number) => {
    const [row] = await db.select().from(c).where(mine(companyId, id)).limit(1);
    return row ? toCampaign(row) : null;
  };
  return {
    async create(companyId, n, now) {
      const [row] = await db
        .insert(c)
        .values({
          companyId,
          name: n.name,
          type: n.type,
          audience: n.audience,
          message: n.message,
          template: n.template,
          startsAt: n.startsAt,
          throttlePerMinute: n.throttlePerMinute,
          createdBy: n.createdBy,
          updatedAt: now,
        })
        .returning();
      if (!row) throw new Error("campaign insert returned no row");
      return toCampaign(row);
    },
    byId,
    async list(companyId, { limit }) {
      const rows = await db.select().from(c).where(eq(c.companyId, companyId)).orderBy(desc(c.id)).limit(limit);
      return rows.map(toCampaign);
    },
    async update(companyId, id, patch, from, now) {
      const [row] = await db
        .update(c)
        .set({ ...patch, updatedAt: now })
        .where(and(mine(companyId, id), inArray(c.status, from)))
        .returning();
      return row ? toCampaign(row) : null;
    },
    async transition(companyId, id, from, to, now, stamps = {}) {
      const rows = await db
        .update(c)
        .set({ status: to, updatedAt: now, ...stamps })
        .where(and(mine(companyId, id), inArray(c.status, from)))
        .returning({ id: c.id });
      return rows.length > 0;
    },
    async advance(companyId, id, token, next) {
      const rows = await db
        .update(c)
        .set({ updatedAt: next })
        .where(and(mine(companyId, id), eq(c.status, "running"), eq(c.updatedAt, token)))
        .returning({ id: c.id });
      return rows.length > 0;
    },
    async dueForWindow(companyId, types, now) {
      if (!types.length) return [];
      const rows = await db
        .select()
        .from(c)
        .where(and(eq(c.companyId, companyId), inArray(c.status, ["scheduled", "running"]), inArray(c.type, [...types]), or(isNull(c.startsAt), lte(c.startsAt, now))))
        .orderBy(asc(c.id));
      return rows.map(toCampaign);
    },
    async preview(companyId, audience, now, sample) {
      const where = audienceWhere(x, companyId, audience, now);
      const k = s.contacts;
      const [counted, rows] = await Promise.all([
        db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(k)
          .where(where),
        db.select({ id: k.id, phone: k.phone, name: k.name }).from(k).where(where).orderBy(asc(k.id)).limit(sample),
      ]);
      return { count: counted[0]?.n ?? 0, sample: rows };
    },
    async materialise(companyId, campaignId, audience, now, start, perMinute) {
      const k = s.contacts;
      const [ids, [last]] = await Promise.all([
        db
          .select({ id: k.id })
          .from(k)
          .where(audienceWhere(x, companyId, audience, now, campaignId))
          .orderBy(asc(k.id)),
        db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(r)
          .where(ofCampaign(companyId, campaignId)),
      ]);
      const offset = last?.n ?? 0;
      // Inlined integers we computed ourselves (never input): one statement per chunk, however many contacts.
      const lit = (n: number) => sql.raw(String(Math.trunc(n)));
      for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
        const rows = ids.slice(i, i + INSERT_CHUNK).map((row, j) => ({
          companyId: lit(companyId),
          campaignId: lit(campaignId),
          contactId: lit(row.id),
          status: sql.raw("'pending'") as never,
          // Recipient n is due at start + n × 60 000 / throttle.
          dueAt: lit(start + Math.floor(((offset + i + j) * 60_000) / perMinute)),
        }));
        await db.insert(r).values(rows).onConflictDoNothing();
      }
      return ids.length;
    },
    async respace(companyId, campaignId, from) {
      const pending = and(ofCampaign(companyId, campaignId), eq(r.status, "pending"));
      const [first] = await db
        .select({ at: sql<number>`min(${r.dueAt})`.mapWith(Number) })
        .from(r)
        .where(pending);
      const shift = first?.at ? from - first.at : 0;
      if (shift > 0)
        await db
          .update(r)
          .set({ dueAt: sql`${r.dueAt} + ${shift}` })
          .where(pending);
    },
    async claimDue(companyId, campaignId, { dueBy, now, limit, staleBefore }) {
      if (limit <= 0) return [];
      const claimable = and(ofCampaign(companyId, campaignId), eq(r.status, "pending"), lte(r.dueAt, dueBy), or(isNull(r.sentAt), lte(r.sentAt, staleBefore)));
      const candidates = await db.select({ id: r.id }).from(r).where(claimable).orderBy(asc(r.dueAt), asc(r.id)).limit(limit);
      if (!candidates.length) return [];
      // Compare-and-set: the same conditions again, so a concurrent batch that took a row first keeps it.
      const taken = await db
        .update(r)
        .set({ sentAt: now })
        .where(
          and(
            claimable,
            dialect.inList(
              r.id,
              candidates.map((c) => c.id),
            ),
          ),
        )
        .returning({ id: r.id, contactId: r.contactId, dueAt: r.dueAt });
      return taken.sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
    },
    async finish(companyId, campaignId, outcomes) {
      const scope = ofCampaign(companyId, campaignId);
      const sent = outcomes.filter((o) => o.status === "sent").map((o) => o.id);
      const m = s.messages;
      if (sent.length)
        await db
          .update(r)
          .set({
            status: "sent",
            // The message queueOutbound stored, found by its clientRef: one statement for the whole batch.
            messageId: sql`(select ${m.id} from ${m} where ${m.companyId} = ${companyId} and ${m.clientRef} = 'campaign:' || ${r.campaignId} || ':' || ${r.contactId})`,
          })
          .where(and(scope, eq(r.status, "pending"), dialect.inList(r.id, sent)));
      const byReason = new Map<string, { status: "skipped" | "failed"; ids: number[] }>();
      for (const o of outcomes) {
        if (o.status === "sent") continue;
        const key = `${o.status}:${o.reason}`;
        const entry = byReason.get(key) ?? { status: o.status, ids: [] };
        entry.ids.push(o.id);
        byReason.set(key, entry);
      }
      for (const [key, { status, ids }] of byReason)
        await db
          .update(r)
          .set({ status, skipReason: key.slice(status.length + 1) })
          .where(and(scope, eq(r.status, "pending"), dialect.inList(r.id, ids)));
    },
    async skipPending(companyId, campaignId, reason) {
      const rows = await db
        .update(r)
        .set({ status: "skipped", skipReason: reason })
        .where(and(ofCampaign(companyId, campaignId), eq(r.status, "pending")))
        .returning({ id: r.id });
      return rows.length;
    },
    async pendingCount(companyId, campaignId) {
      const [row] = await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(r)
        .where(and(ofCampaign(companyId, campaignId), eq(r.status, "pending")));
      return row?.n ?? 0;
    },
    async progress(companyId, campaignIds) {
      if (!campaignIds.length) return [];
      const rows = await db
        .select({ campaignId: r.campaignId, status: r.status, n: sql<number>`count(*)`.mapWith(Number) })
        .from(r)
        .where(and(eq(r.companyId, companyId), dialect.inList(r.campaignId, campaignIds)))
        .groupBy(r.campaignId, r.status);
      return campaignIds.map((campaignId) => {
        const of = rows.filter((row) => row.campaignId === campaignId);
        const n = (st: string) => of.find((row) => row.status === st)?.n ?? 0;
        return { campaignId, pending: n("pending"), sent: n("sent"), skipped: n("skipped"), failed: n("failed"), total: of.reduce((t, row) => t + row.n, 0) };
      });
    },
    async results(companyId, campaignId, bookedWithinMs) {
      const m = s.messages;
      const k = s.contacts;
      const ap = s.appointments;
      const [byStatus, [after]] = await Promise.all([
        db
          .select({ status: r.status, reason: r.skipReason, message: m.status, n: sql<number>`count(*)`.mapWith(Number) })
          .from(r)
          .leftJoin(m, and(eq(m.companyId, r.companyId), eq(m.id, r.messageId)))
          .where(ofCampaign(companyId, campaignId))
          .groupBy(r.status, r.skipReason, m.status),
        db
          .select({
            // created_at has whole seconds on D1 (unixepoch() * 1000): a reply in the send's second counts.
            replied: sql`sum(case when exists (select 1 from ${m} where ${m.companyId} = ${companyId} and ${m.contactId} = ${r.contactId} and ${m.direction} = 'in' and ${m.createdAt} >= ${r.sentAt} - ${r.sentAt} % 1000) then 1 else 0 end)`,
            booked: sql`sum(case when exists (select 1 from ${ap} where ${ap.companyId} = ${companyId} and ${ap.contactId} = ${r.contactId} and ${ap.source} in ('whatsapp', 'calcom') and ${ap.bookedAt} > ${r.sentAt} and ${ap.bookedAt} <= ${r.sentAt} + ${bookedWithinMs}) then 1 else 0 end)`,
            optedOut: sql`sum(case when ${k.optedOut} then 1 else 0 end)`,
          })
          .from(r)
          .innerJoin(k, and(eq(k.companyId, r.companyId), eq(k.id, r.contactId)))
          .where(and(ofCampaign(companyId, campaignId), eq(r.status, "sent"))),
      ]);
      const out: CampaignResults = {
        sent: 0,
        delivered: 0,
        read: 0,
        replied: num(after?.replied),
        booked: num(after?.booked),
        optedOut: num(after?.optedOut),
        failed: 0,
        skipped: 0,
        held: 0,
        skipReasons: {},
      };
      for (const row of byStatus) {
        if (row.status === "sent") {
          out.sent += row.n;
          if (row.message === "delivered" || row.message === "read") out.delivered += row.n;
          if (row.message === "read") out.read += row.n;
          if (row.message === "held") out.held += row.n;
          if (row.message === "dead") out.failed += row.n;
        } else if (row.status === "skipped" || row.status === "failed") {
          out[row.status] += row.n;
          const reason = row.reason ?? "unknown";
          out.skipReasons[reason] = (out.skipReasons[reason] ?? 0) + row.n;
        }
      }
      return out;
    },
    async schedule(companyId, campaignId) {
      return db
        .select({ contactId: r.contactId, dueAt: r.dueAt, status: r.status, skipReason: r.skipReason, sentAt: r.sentAt })
        .from(r)
        .where(ofCampaign(companyId, campaignId))
        .orderBy(asc(r.dueAt), asc(r.id));
    },
  };
}
