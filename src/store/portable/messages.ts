import { and, desc, eq, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { type ChannelName, type OutboundPayload, payloadText } from "../../channels/types";
import type * as schema from "../schema";
import type { MessageRow, MessageStatus, Store } from "../types";
import type { EngineSpecific, PortableCtx } from "./context";

/** Outbound statuses a consumer may still act on (retry, give up, hold); anything later is final. */
const IN_FLIGHT = ["queued", "sending", "retrying"];

// channel and status are plain TEXT columns (no CHECK) written only by this file, from typed values.
export const toMessage = (r: typeof schema.messages.$inferSelect): MessageRow => ({
  id: r.id,
  companyId: r.companyId,
  conversationId: r.conversationId,
  contactId: r.contactId,
  direction: r.direction,
  channel: r.channel as ChannelName,
  author: r.author,
  purpose: r.purpose,
  providerMessageId: r.providerMessageId,
  clientRef: r.clientRef,
  type: r.type,
  body: r.body,
  payload: (r.payload as OutboundPayload | null) ?? null,
  status: r.status as MessageStatus,
  error: r.error,
  unanswered: r.unanswered,
  attempts: r.attempts,
  correlationId: r.correlationId,
  authorUserId: r.authorUserId,
  createdAt: r.createdAt,
});

export function messages({ db, schema: s }: PortableCtx): Omit<Store["messages"], EngineSpecific["messages"]> {
  const where = (companyId: number, id: number) => and(eq(s.messages.companyId, companyId), eq(s.messages.id, id));
  /** Insert-or-nothing on a unique index, then read the winner by that index's key: racing callers all get the one row. */
  const insertOrRead = async (values: typeof schema.messages.$inferInsert, key: SQL | undefined, what: string) => {
    const [fresh] = await db.insert(s.messages).values(values).onConflictDoNothing().returning();
    if (fresh) return { message: toMessage(fresh), inserted: true };
    const [row] = await db.select().from(s.messages).where(key).limit(1);
    if (!row) throw new Error(`${what} message neither inserted nor found`);
    return { message: toMessage(row), inserted: false };
  };
  return {
    // Idempotent by the unique (company_id, provider_message_id) index: insert-or-nothing, then read the
    // winner (ON CONFLICT DO NOTHING RETURNING, then SELECT), so racing deliveries all get the one row.
    async insertInbound(companyId, m) {
      const values = {
        companyId,
        conversationId: m.conversationId,
        contactId: m.contactId,
        direction: "in" as const,
        channel: m.channel,
        providerMessageId: m.providerMessageId,
        type: m.type,
        body: m.body,
        status: "received",
        unanswered: m.unanswered,
        correlationId: m.correlationId,
        providerTimestamp: m.providerTimestamp,
      };
      return insertOrRead(values, and(eq(s.messages.companyId, companyId), eq(s.messages.providerMessageId, m.providerMessageId)), "inbound");
    },
    // Idempotent by the unique (company_id, client_ref) index, like insertInbound.
    async insertOutbound(companyId, m) {
      const values = {
        companyId,
        conversationId: m.conversationId,
        contactId: m.contactId,
        direction: "out" as const,
        channel: m.channel,
        author: m.author ?? "bot",
        purpose: m.purpose ?? "reply",
        clientRef: m.clientRef,
        type: m.payload.kind,
        body: payloadText(m.payload),
        payload: m.payload,
        status: "queued",
        correlationId: m.correlationId,
        authorUserId: m.authorUserId ?? null,
      };
      return insertOrRead(values, and(eq(s.messages.companyId, companyId), eq(s.messages.clientRef, m.clientRef)), "outbound");
    },
    async byId(companyId, id) {
      const [row] = await db.select().from(s.messages).where(where(companyId, id)).limit(1);
      return row ? toMessage(row) : null;
    },
    /**
     * One conditional UPDATE … RETURNING, so exactly one consumer gets the row: on D1 the single writer
     * makes the status test and the claim one step; Postgres under READ COMMITTED makes the second
     * claimer wait on the row lock, then re-checks the WHERE on the new row version and finds it taken.
     * Keep it one statement (never a SELECT then UPDATE).
     */
    async claimOutbound(companyId, id, now, staleMs) {
      const [row] = await db
        .update(s.messages)
        .set({ status: "sending", claimedAt: now, attempts: sql`${s.messages.attempts} + 1`, updatedAt: now })
        .where(
          and(
            where(companyId, id),
            eq(s.messages.direction, "out"),
            or(inArray(s.messages.status, ["queued", "retrying"]), and(eq(s.messages.status, "sending"), lt(s.messages.claimedAt, now - staleMs))),
          ),
        )
        .returning();
      return row ? toMessage(row) : null;
    },
    async markAccepted(companyId, id, providerMessageId, now) {
      await db
        .update(s.messages)
        .set({ status: "accepted", providerMessageId, error: null, updatedAt: now })
        .where(and(where(companyId, id), eq(s.messages.status, "sending")));
    },
    async markRetrying(companyId, id, error, now) {
      // Guarded like markDead: a consumer whose stale claim was taken over must not turn an accepted
      // (or delivered, read, dead) message back into a claimable one, which would send it twice.
      await db
        .update(s.messages)
        .set({ status: "retrying", error, updatedAt: now })
        .where(and(where(companyId, id), inArray(s.messages.status, IN_FLIGHT)));
    },
    async markDead(companyId, id, error, now) {
      await db
        .update(s.messages)
        .set({ status: "dead", error, updatedAt: now })
        .where(and(where(companyId, id), inArray(s.messages.status, IN_FLIGHT)));
    },
    async markHeld(companyId, id, reason, now) {
      await db
        .update(s.messages)
        .set({ status: "held", error: reason, updatedAt: now })
        .where(and(where(companyId, id), inArray(s.messages.status, IN_FLIGHT)));
    },
    async requeueHeld(companyId, contactId, now) {
      const rows = await db
        .update(s.messages)
        .set({ status: "queued", attempts: 0, claimedAt: null, error: null, updatedAt: now })
        .where(and(eq(s.messages.companyId, companyId), eq(s.messages.contactId, contactId), eq(s.messages.direction, "out"), eq(s.messages.status, "held")))
        .returning({ id: s.messages.id });
      return rows.map((r) => r.id);
    },
    async withdrawHeld(companyId, clientRefs, reason, now) {
      if (clientRefs.length === 0) return [];
      const rows = await db
        .update(s.messages)
        .set({ status: "withdrawn", error: reason, updatedAt: now })
        .where(and(eq(s.messages.companyId, companyId), eq(s.messages.status, "held"), inArray(s.messages.clientRef, clientRefs)))
        .returning({ id: s.messages.id });
      return rows.map((r) => r.id);
    },
    async setPayload(companyId, id, payload, body) {
      await db.update(s.messages).set({ payload, body, type: payload.kind }).where(where(companyId, id));
    },
    async requeueDead(companyId, id, now) {
      const rows = await db
        .update(s.messages)
        .set({ status: "queued", attempts: 0, claimedAt: null, updatedAt: now })
        .where(and(where(companyId, id), eq(s.messages.status, "dead")))
        .returning({ id: s.messages.id });
      return rows.length > 0;
    },
    async listByConversation(companyId, conversationId, limit) {
      const rows = await db
        .select()
        .from(s.messages)
        .where(and(eq(s.messages.companyId, companyId), eq(s.messages.conversationId, conversationId)))
        .orderBy(desc(s.messages.id))
        .limit(limit);
      return rows.reverse().map(toMessage);
    },
    async listByContact(companyId, contactId, opts) {
      const rows = await db
        .select()
        .from(s.messages)
        .where(and(eq(s.messages.companyId, companyId), eq(s.messages.contactId, contactId), opts.direction ? eq(s.messages.direction, opts.direction) : undefined))
        .orderBy(s.messages.id)
        .limit(opts.limit);
      return rows.map(toMessage);
    },
  };
}
