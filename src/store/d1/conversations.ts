import { and, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import * as s from "../schema";
import type { Conversation, Store } from "../types";
import type { D1Ctx } from "./db";

const toConversation = (r: typeof s.conversations.$inferSelect): Conversation => ({
  id: r.id,
  companyId: r.companyId,
  contactId: r.contactId,
  status: r.status,
  summary: r.summary,
  lastMessageAt: r.lastMessageAt,
  handoffAt: r.handoffAt,
  handoffReason: r.handoffReason,
  firstHumanReplyAt: r.firstHumanReplyAt,
  createdAt: r.createdAt,
});

export function conversations({ db }: D1Ctx): Store["conversations"] {
  return {
    /**
     * Check-then-insert in two statements, so it relies on no two opens for one contact running at the
     * same moment: the contact's turns are serialised by its lane, and the other callers (a reminder,
     * an operator's message, an auto-reschedule offer) are rare. D1's single writer keeps each statement
     * atomic but does not stop another request's INSERT from landing between this SELECT and INSERT,
     * so the window is small here, not closed. A Postgres engine (and D1, with a migration) should close
     * it: a partial unique index on (company_id, contact_id) WHERE status IN ('bot', 'human') and
     * INSERT … ON CONFLICT DO UPDATE SET last_message_at, or pg_advisory_xact_lock(company_id, contact_id)
     * around the pair.
     */
    async open(companyId, contactId, at): Promise<Conversation> {
      const where = and(eq(s.conversations.companyId, companyId), eq(s.conversations.contactId, contactId), inArray(s.conversations.status, ["bot", "human"]));
      const [existing] = await db.select().from(s.conversations).where(where).orderBy(desc(s.conversations.id)).limit(1);
      if (existing) {
        await db.update(s.conversations).set({ lastMessageAt: at }).where(eq(s.conversations.id, existing.id));
        return toConversation({ ...existing, lastMessageAt: at });
      }
      const [row] = await db.insert(s.conversations).values({ companyId, contactId, status: "bot", lastMessageAt: at }).returning();
      if (!row) throw new Error("conversation insert returned no row");
      return toConversation(row);
    },
    async byId(companyId, id) {
      const [row] = await db
        .select()
        .from(s.conversations)
        .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id)))
        .limit(1);
      return row ? toConversation(row) : null;
    },
    async list(companyId, f) {
      const rows = await db
        .select()
        .from(s.conversations)
        .where(
          and(
            eq(s.conversations.companyId, companyId),
            f.status ? eq(s.conversations.status, f.status) : undefined,
            f.contactId ? eq(s.conversations.contactId, f.contactId) : undefined,
            f.beforeId ? lt(s.conversations.id, f.beforeId) : undefined,
          ),
        )
        .orderBy(desc(s.conversations.id))
        .limit(f.limit);
      return rows.map(toConversation);
    },
    // handoff, release and markHumanReply are conditional UPDATEs (status / null guard in the WHERE):
    // atomic per row on any engine, so no lock is needed.
    async handoff(companyId, id, reason, at) {
      const rows = await db
        .update(s.conversations)
        .set({ status: "human", handoffAt: at, handoffReason: reason, firstHumanReplyAt: null })
        .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id), eq(s.conversations.status, "bot")))
        .returning({ id: s.conversations.id });
      return rows.length > 0;
    },
    async release(companyId, id) {
      const rows = await db
        .update(s.conversations)
        .set({ status: "bot" })
        .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id), eq(s.conversations.status, "human")))
        .returning({ id: s.conversations.id });
      return rows.length > 0;
    },
    async markHumanReply(companyId, id, at) {
      const [row] = await db
        .update(s.conversations)
        .set({ firstHumanReplyAt: at })
        .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id), isNull(s.conversations.firstHumanReplyAt), sql`${s.conversations.handoffAt} IS NOT NULL`))
        .returning({ handoffAt: s.conversations.handoffAt });
      return row?.handoffAt ?? null;
    },
    async setSummary(companyId, id, summary) {
      await db
        .update(s.conversations)
        .set({ summary })
        .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id)));
    },
    async countOverdueHandoffs(companyId, olderThan) {
      const [row] = await db
        .select({ n: sql<number>`count(*)` })
        .from(s.conversations)
        .where(
          and(eq(s.conversations.companyId, companyId), eq(s.conversations.status, "human"), isNull(s.conversations.firstHumanReplyAt), lt(s.conversations.handoffAt, olderThan)),
        );
      return row?.n ?? 0;
    },
  };
}
