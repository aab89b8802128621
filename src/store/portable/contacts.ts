import { and, eq, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { Contact, Store } from "../types";
import type { EngineSpecific, PortableCtx } from "./context";

export const toContact = (r: typeof schema.contacts.$inferSelect): Contact => ({
  id: r.id,
  companyId: r.companyId,
  phone: r.phone,
  userId: r.userId,
  waId: r.waId,
  lid: r.lid,
  name: r.name,
  attributes: typeof r.attributes === "object" && r.attributes !== null ? (r.attributes as Record<string, unknown>) : {},
  optedOut: r.optedOut,
  lastInboundAt: r.lastInboundAt,
});

export function contacts({ db, schema: s, dialect }: PortableCtx): Omit<Store["contacts"], EngineSpecific["contacts"]> {
  const byPhone = async (companyId: number, phone: string) => {
    const [row] = await db
      .select()
      .from(s.contacts)
      .where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.phone, phone)))
      .limit(1);
    return row ? toContact(row) : null;
  };
  const byIdOf = async (companyId: number, id: number) => {
    const [row] = await db
      .select()
      .from(s.contacts)
      .where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.id, id)))
      .limit(1);
    return row ? toContact(row) : null;
  };
  return {
    // Idempotent by the unique (company_id, phone) index with ON CONFLICT DO UPDATE: atomic per row on both engines.
    async upsertInbound(companyId, c) {
      const [row] = await db
        .insert(s.contacts)
        .values({ companyId, phone: c.phone, waId: c.waId ?? null, lid: c.lid ?? null, name: c.name ?? null, lastInboundAt: c.at })
        .onConflictDoUpdate({
          target: [s.contacts.companyId, s.contacts.phone],
          set: {
            waId: sql`coalesce(excluded.wa_id, ${s.contacts.waId})`,
            lid: sql`coalesce(excluded.lid, ${s.contacts.lid})`,
            name: sql`coalesce(excluded.name, ${s.contacts.name})`,
            // Out-of-order processing must not move the 24 h window backwards.
            lastInboundAt: dialect.greatest(sql`coalesce(${s.contacts.lastInboundAt}, 0)`, sql`excluded.last_inbound_at`),
          },
        })
        .returning();
      if (!row) throw new Error("contact upsert returned no row");
      return toContact(row);
    },
    byPhone,
    // Insert-or-nothing on the unique (company_id, phone), then read: two racing callers both get the one row.
    async ensure(companyId, phone) {
      await db.insert(s.contacts).values({ companyId, phone }).onConflictDoNothing();
      const row = await byPhone(companyId, phone);
      if (!row) throw new Error("contact neither inserted nor found");
      return row;
    },
    async byId(companyId, id) {
      const [row] = await db
        .select()
        .from(s.contacts)
        .where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.id, id)))
        .limit(1);
      return row ? toContact(row) : null;
    },
    async many(companyId, q) {
      // Two indexed queries (by id, by phone) instead of one OR the planner answers with a scan of the
      // tenant; dialect.inList, not inArray: D1 binds at most 100 parameters per statement.
      const byIds = q.ids?.length
        ? db
            .select()
            .from(s.contacts)
            .where(and(eq(s.contacts.companyId, companyId), dialect.inList(s.contacts.id, q.ids)))
        : null;
      const byPhones = q.phones?.length
        ? db
            .select()
            .from(s.contacts)
            .where(and(eq(s.contacts.companyId, companyId), dialect.inList(s.contacts.phone, q.phones)))
        : null;
      const found = new Map<number, Contact>();
      for (const rows of await Promise.all([byIds, byPhones])) for (const r of rows ?? []) found.set(r.id, toContact(r));
      return [...found.values()];
    },
    async update(companyId, id, patch) {
      const set: { name?: string | null; attributes?: Record<string, unknown> } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.attributes !== undefined) set.attributes = patch.attributes;
      if (!Object.keys(set).length) return byIdOf(companyId, id);
      const [row] = await db
        .update(s.contacts)
        .set(set)
        .where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.id, id)))
        .returning();
      return row ? toContact(row) : null;
    },
    async card(companyId, id) {
      const v = s.conversations;
      const [row] = await db
        .select({
          contact: s.contacts,
          // The id as a parameter, not a column: drizzle writes columns unqualified here, and inside the subquery `id` would be the conversation's.
          conversations: sql<number>`(select count(*) from ${v} where ${v.companyId} = ${companyId} and ${v.contactId} = ${id})`.mapWith(Number),
        })
        .from(s.contacts)
        .where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.id, id)))
        .limit(1);
      return row ? { contact: toContact(row.contact), createdAt: row.contact.createdAt, conversations: row.conversations } : null;
    },
  };
}
