import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { Store, WebhookDelivery, WebhookEndpoint } from "../types";
import type { PortableCtx } from "./context";

/** Eight bound values a row (defaults included): 12 rows stay under D1's 100 parameters per statement. */
const ENQUEUE_CHUNK = 12;

const toEndpoint = (r: typeof schema.webhookEndpoints.$inferSelect): WebhookEndpoint => ({
  id: r.id,
  companyId: r.companyId,
  url: r.url,
  description: r.description,
  events: Array.isArray(r.events) ? r.events.filter((e): e is string => typeof e === "string") : [],
  secret: r.secret,
  active: r.active,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const toDelivery = (r: typeof schema.webhookDeliveries.$inferSelect): WebhookDelivery => ({
  id: r.id,
  companyId: r.companyId,
  endpointId: r.endpointId,
  event: r.event,
  eventId: r.eventId,
  payload: r.payload,
  status: r.status,
  attempts: r.attempts,
  responseStatus: r.responseStatus,
  error: r.error,
  createdAt: r.createdAt,
  lastAttemptAt: r.lastAttemptAt,
  deliveredAt: r.deliveredAt,
});

export function webhookEndpoints({ db, schema: s }: PortableCtx): Store["webhookEndpoints"] {
  const w = s.webhookEndpoints;
  const own = (companyId: number, id: number) => and(eq(w.companyId, companyId), eq(w.id, id));
  return {
    async create(companyId, e, at) {
      const [row] = await db
        .insert(w)
        .values({ companyId, ...e, createdAt: at, updatedAt: at })
        .returning();
      if (!row) throw new Error("webhook endpoint insert returned nothing");
      return toEndpoint(row);
    },
    async byId(companyId, id) {
      const [row] = await db.select().from(w).where(own(companyId, id)).limit(1);
      return row ? toEndpoint(row) : null;
    },
    async list(companyId, opts = {}) {
      const rows = await db
        .select()
        .from(w)
        .where(and(eq(w.companyId, companyId), opts.activeOnly ? eq(w.active, true) : undefined))
        .orderBy(asc(w.id));
      return rows.map(toEndpoint);
    },
    async update(companyId, id, patch, at) {
      const [row] = await db
        .update(w)
        .set({ ...patch, updatedAt: at })
        .where(own(companyId, id))
        .returning();
      return row ? toEndpoint(row) : null;
    },
    async remove(companyId, id) {
      const d = s.webhookDeliveries;
      await db.delete(d).where(and(eq(d.companyId, companyId), eq(d.endpointId, id)));
      const gone = await db.delete(w).where(own(companyId, id)).returning({ id: w.id });
      return gone.length > 0;
    },
  };
}

export function webhookDeliveries({ db, schema: s }: PortableCtx): Store["webhookDeliveries"] {
  const d = s.webhookDeliveries;
  const own = (companyId: number, id: number) => and(eq(d.companyId, companyId), eq(d.id, id));
  return {
    async enqueue(companyId, rows, at) {
      const out: WebhookDelivery[] = [];
      for (let i = 0; i < rows.length; i += ENQUEUE_CHUNK) {
        const values = rows.slice(i, i + ENQUEUE_CHUNK).map((r) => ({ companyId, ...r, createdAt: at }));
        const inserted = await db.insert(d).values(values).onConflictDoNothing().returning();
        out.push(...inserted.map(toDelivery));
      }
      return out;
    },
    async byId(companyId, id) {
      const [row] = await db.select().from(d).where(own(companyId, id)).limit(1);
      return row ? toDelivery(row) : null;
    },
    async list(companyId, f) {
      const rows = await db
        .select()
        .from(d)
        .where(
          and(
            eq(d.companyId, companyId),
            f.endpointId !== undefined ? eq(d.endpointId, f.endpointId) : undefined,
            f.status ? eq(d.status, f.status) : undefined,
            f.beforeId !== undefined ? lt(d.id, f.beforeId) : undefined,
          ),
        )
        .orderBy(desc(d.id))
        .limit(f.limit);
      return rows.map(toDelivery);
    },
    async recordAttempt(companyId, id, o) {
      const [row] = await db
        .update(d)
        .set({
          status: o.status,
          attempts: sql`${d.attempts} + 1`,
          responseStatus: o.responseStatus,
          error: o.error,
          lastAttemptAt: o.at,
          ...(o.status === "delivered" ? { deliveredAt: o.at } : {}),
        })
        .where(own(companyId, id))
        .returning();
      return row ? toDelivery(row) : null;
    },
    async reopen(companyId, id) {
      const [row] = await db.update(d).set({ status: "pending" }).where(own(companyId, id)).returning();
      return row ? toDelivery(row) : null;
    },
  };
}
