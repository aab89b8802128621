import { type AnyColumn, and, asc, eq, gt, lt, lte, not, or, type SQL, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { OutreachStore, ScheduledMessage } from "../contracts/outreach";
import type { PortableCtx } from "./context";
import { toContact } from "./contacts";

const toScheduled = (r: typeof schema.scheduledMessages.$inferSelect): ScheduledMessage => ({
  id: r.id,
  companyId: r.companyId,
  contactId: r.contactId,
  text: r.text,
  purpose: r.purpose,
  sendAt: r.sendAt,
  status: r.status,
  messageId: r.messageId,
  error: r.error,
  createdBy: r.createdBy,
  updatedAt: r.updatedAt,
  createdAt: r.createdAt,
});

export function scheduledMessages({ db, schema: s, dialect }: PortableCtx): OutreachStore["scheduledMessages"] {
  const m = s.scheduledMessages;
  // A literal, not a bound parameter: SQLite only uses the partial index scheduled_messages_due_idx
  // when the query's term is the index's own `status = 'pending'`.
  const pending = sql`${m.status} = 'pending'`;
  /** Rows across active tenants (not those in `skip`) with their contact, oldest first. */
  async function withContacts(where: SQL | undefined, order: AnyColumn, limit: number, skip: readonly number[]) {
    const rows = await db
      .select({ message: m, contact: s.contacts })
      .from(m)
      .innerJoin(s.companies, and(eq(s.companies.id, m.companyId), eq(s.companies.status, "active")))
      .innerJoin(s.contacts, and(eq(s.contacts.companyId, m.companyId), eq(s.contacts.id, m.contactId)))
      .where(and(where, skip.length > 0 ? not(dialect.inList(m.companyId, skip)) : undefined))
      .orderBy(asc(order))
      .limit(limit);
    return rows.map((r) => ({ message: toScheduled(r.message), contact: toContact(r.contact) }));
  }
  return {
    async create(companyId, x) {
      const [row] = await db
        .insert(m)
        .values({ companyId, contactId: x.contactId, text: x.text, purpose: x.purpose, sendAt: x.sendAt, createdBy: x.createdBy, updatedAt: x.now, createdAt: x.now })
        .returning();
      if (!row) throw new Error("scheduled message insert returned nothing");
      return toScheduled(row);
    },
    async byId(companyId, id) {
      const [row] = await db
        .select()
        .from(m)
        .where(and(eq(m.companyId, companyId), eq(m.id, id)))
        .limit(1);
      return row ? toScheduled(row) : null;
    },
    async list(companyId, f) {
      const rows = await db
        .select()
        .from(m)
        .where(
          and(
            eq(m.companyId, companyId),
            f.status ? eq(m.status, f.status) : undefined,
            f.contactId !== undefined ? eq(m.contactId, f.contactId) : undefined,
            f.after ? or(gt(m.sendAt, f.after.sendAt), and(eq(m.sendAt, f.after.sendAt), gt(m.id, f.after.id))) : undefined,
          ),
        )
        .orderBy(asc(m.sendAt), asc(m.id))
        .limit(f.limit);
      return rows.map(toScheduled);
    },
    async update(companyId, id, patch, now) {
      const [row] = await db
        .update(m)
        .set({ ...(patch.text !== undefined ? { text: patch.text } : {}), ...(patch.sendAt !== undefined ? { sendAt: patch.sendAt } : {}), updatedAt: now })
        .where(and(eq(m.companyId, companyId), eq(m.id, id), pending))
        .returning();
      return row ? toScheduled(row) : null;
    },
    async cancel(companyId, id, now) {
      const [row] = await db
        .update(m)
        .set({ status: "cancelled", updatedAt: now })
        .where(and(eq(m.companyId, companyId), eq(m.id, id), pending))
        .returning();
      return row ? toScheduled(row) : null;
    },
    // The platform's one cross-tenant read of this table: a range on the partial due index, joined to
    // the contact and to the company (active tenants only).
    due: (now, limit, skip) => withContacts(and(pending, lte(m.sendAt, now)), m.sendAt, limit, skip),
    stuck: (claimedBefore, limit, skip) => withContacts(and(eq(m.status, "sending"), lt(m.updatedAt, claimedBefore)), m.updatedAt, limit, skip),
    // Compare-and-set on status: two runs claiming the same rows split them, none is taken twice.
    async claim(ids, now) {
      if (ids.length === 0) return [];
      const rows = await db
        .update(m)
        .set({ status: "sending", updatedAt: now })
        .where(and(dialect.inList(m.id, ids), pending))
        .returning({ id: m.id });
      return rows.map((r) => r.id);
    },
    async finish(companyId, id, outcome, now) {
      await db
        .update(m)
        .set(outcome.status === "sent" ? { status: "sent", messageId: outcome.messageId, error: null, updatedAt: now } : { status: "failed", error: outcome.error, updatedAt: now })
        .where(and(eq(m.companyId, companyId), eq(m.id, id), eq(m.status, "sending")));
    },
  };
}
