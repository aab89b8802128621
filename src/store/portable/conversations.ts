import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { Conversation, ConversationCursor, ListedConversation, Store } from "../types";
import type { PortableCtx } from "./context";
import { inbox } from "./inbox";

export const toConversation = (r: typeof schema.conversations.$inferSelect): Conversation => ({
  id: r.id,
  companyId: r.companyId,
  contactId: r.contactId,
  status: r.status,
  summary: r.summary,
  lastMessageAt: r.lastMessageAt,
  handoffAt: r.handoffAt,
  handoffReason: r.handoffReason,
  firstHumanReplyAt: r.firstHumanReplyAt,
  assignedUserId: r.assignedUserId,
  assignedAt: r.assignedAt,
  createdAt: r.createdAt,
});

export function conversations(ctx: PortableCtx): Store["conversations"] {
  const { db, schema: s } = ctx;
  const k = s.contacts;
  // The search's contacts as a subquery (no second round trip); lower() on both sides, in SQL so each engine folds both alike.
  const matchingContacts = (companyId: number, q: { text: string; digits: string | null }) =>
    db
      .select({ id: k.id })
      .from(k)
      .where(
        and(
          eq(k.companyId, companyId),
          or(ctx.dialect.contains(sql`lower(${k.name})`, sql`lower(cast(${q.text} as text))`), q.digits ? ctx.dialect.contains(k.phone, q.digits) : undefined),
        ),
      );
  const c = s.conversations;
  // The assignee's name joined in the same statement (the inbox pays no extra round trip for it);
  // the join also checks the company, so a stray id from another tenant never shows a name.
  const listed = () =>
    db
      .select({ row: c, assigneeName: s.users.name })
      .from(c)
      .leftJoin(s.users, and(eq(s.users.id, c.assignedUserId), eq(s.users.companyId, c.companyId)));
  const toListed = (r: { row: typeof schema.conversations.$inferSelect; assigneeName: string | null }): ListedConversation => ({
    ...toConversation(r.row),
    assigneeName: r.assigneeName,
  });
  // The rows after a cursor in (last_message_at DESC NULLS LAST, id DESC) order.
  const after = (k: ConversationCursor) =>
    k.lastMessageAt === null
      ? and(isNull(c.lastMessageAt), lt(c.id, k.id))
      : or(lt(c.lastMessageAt, k.lastMessageAt), and(eq(c.lastMessageAt, k.lastMessageAt), lt(c.id, k.id)), isNull(c.lastMessageAt));
  return {
    ...inbox(ctx),
    /**
     * One INSERT … ON CONFLICT on the partial unique index of open conversations
     * (conversations_company_contact_open_uq: one bot-or-human row per contact), so two opens racing
     * for one contact (its lane, a reminder, an operator's message) both get the same row on both engines.
     */
    async open(companyId, contactId, at): Promise<Conversation> {
      const [row] = await db
        .insert(s.conversations)
        .values({ companyId, contactId, status: "bot", lastMessageAt: at })
        .onConflictDoUpdate({
          target: [s.conversations.companyId, s.conversations.contactId],
          targetWhere: sql`${s.conversations.status} IN ('bot', 'human')`, // literals: SQLite matches the index's WHERE as written, and Postgres's planner proves it implies the index's predicate
          set: { lastMessageAt: at },
        })
        .returning();
      if (!row) throw new Error("conversation upsert returned no row");
      return toConversation(row);
    },
    async byId(companyId, id) {
      const [row] = await listed()
        .where(and(eq(c.companyId, companyId), eq(c.id, id)))
        .limit(1);
      return row ? toListed(row) : null;
    },
    async list(companyId, f) {
      const rows = await listed()
        .where(
          and(
            eq(s.conversations.companyId, companyId),
            f.status ? eq(s.conversations.status, f.status) : undefined,
            f.contactId ? eq(s.conversations.contactId, f.contactId) : undefined,
            f.before ? after(f.before) : undefined,
            f.search ? inArray(s.conversations.contactId, matchingContacts(companyId, f.search)) : undefined,
            f.assignee === "none" ? and(eq(c.status, "human"), isNull(c.assignedUserId)) : f.assignee ? eq(c.assignedUserId, f.assignee) : undefined,
          ),
        )
        // Latest activity first (conversations_company_last_idx); the id breaks ties so pages never overlap.
        // NULLS LAST spelled out: Postgres puts nulls first in a DESC order, SQLite last.
        .orderBy(sql`${c.lastMessageAt} DESC NULLS LAST`, desc(c.id))
        .limit(f.limit);
      return rows.map(toListed);
    },
    // handoff, release and markHumanReply are conditional UPDATEs (status / null guard in the WHERE):
    // atomic per row on both engines, so no lock is needed.
    async handoff(companyId, id, reason, at, assignTo) {
      const assignee = assignTo ?? null;
      const rows = await db
        .update(s.conversations)
        .set({
          status: "human",
          handoffAt: at,
          handoffReason: reason,
          firstHumanReplyAt: null,
          escalatedAt: null,
          assignedUserId: assignee,
          assignedAt: assignee === null ? null : at,
        })
        .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id), eq(s.conversations.status, "bot")))
        .returning({ id: s.conversations.id });
      return rows.length > 0;
    },
    async release(companyId, id) {
      const rows = await db
        .update(s.conversations)
        .set({ status: "bot", assignedUserId: null, assignedAt: null }) // back with the bot: the next handoff assigns afresh
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
    async assign(companyId, id, userId, at, opts) {
      const rows = await db
        .update(c)
        .set({ assignedUserId: userId, assignedAt: userId === null ? null : at })
        .where(and(eq(c.companyId, companyId), eq(c.id, id), opts?.onlyIfUnassigned ? isNull(c.assignedUserId) : undefined))
        .returning({ id: c.id });
      return rows.length > 0;
    },
    async setSummary(companyId, id, summary) {
      await db
        .update(s.conversations)
        .set({ summary })
        .where(and(eq(s.conversations.companyId, companyId), eq(s.conversations.id, id)));
    },
    async countOverdueHandoffs(companyId, olderThan) {
      const [row] = await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(s.conversations)
        .where(
          and(eq(s.conversations.companyId, companyId), eq(s.conversations.status, "human"), isNull(s.conversations.firstHumanReplyAt), lt(s.conversations.handoffAt, olderThan)),
        );
      return row?.n ?? 0;
    },
  };
}
