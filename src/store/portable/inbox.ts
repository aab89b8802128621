import { and, eq, sql } from "drizzle-orm";
import type { InboxFacts, Store } from "../types";
import type { PortableCtx } from "./context";
import { toMessage } from "./messages";

type InboxMethods = Pick<Store["conversations"], "inboxFacts" | "markRead">;

/**
 * The inbox's reads over many conversations at once: a constant number of statements per listing,
 * not one per row (the list route's statement count is pinned in test/http/inbox-statements.test.ts).
 */
export function inbox({ db, schema: s, dialect }: PortableCtx): InboxMethods {
  const m = s.messages;
  const c = s.conversations;
  return {
    async inboxFacts(companyId, ids) {
      if (ids.length === 0) return [];
      // Each conversation's newest human reply, joined to its messages so the same pass finds the
      // first inbound after it. Both read messages_company_conversation_idx for these conversations only.
      const human = db
        .select({
          conversationId: m.conversationId,
          lastId: sql<number>`max(${m.id})`.as("human_last_id"),
          lastAt: sql<number>`max(${m.createdAt})`.as("human_last_at"),
        })
        .from(m)
        .where(and(eq(m.companyId, companyId), dialect.inList(m.conversationId, ids), eq(m.author, "human")))
        .groupBy(m.conversationId)
        .as("h");
      const stats = db
        .select({
          lastId: sql<number>`max(${m.id})`.as("last_id"),
          unread: sql<number>`sum(case when ${m.direction} = 'in' and ${m.id} > coalesce(${c.lastReadMessageId}, 0) then 1 else 0 end)`.as("unread"),
          lastHumanReplyAt: sql<number | null>`max(${human.lastAt})`.as("last_human_at"),
          firstInboundAfterHumanAt: sql<number | null>`min(case when ${m.direction} = 'in' and ${m.id} > coalesce(${human.lastId}, 0) then ${m.createdAt} end)`.as(
            "first_in_after",
          ),
        })
        .from(m)
        .innerJoin(c, and(eq(c.companyId, m.companyId), eq(c.id, m.conversationId)))
        .leftJoin(human, eq(human.conversationId, m.conversationId))
        .where(and(eq(m.companyId, companyId), dialect.inList(m.conversationId, ids)))
        .groupBy(m.conversationId)
        .as("st");
      // The aggregate and the newest message of each conversation in one statement: the preview joined on max(id).
      const rows = await db
        .select({ message: m, unread: stats.unread, lastHumanReplyAt: stats.lastHumanReplyAt, firstInboundAfterHumanAt: stats.firstInboundAfterHumanAt })
        .from(stats)
        .innerJoin(m, and(eq(m.companyId, companyId), eq(m.id, stats.lastId)));
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      return rows.map(
        (r): InboxFacts => ({
          conversationId: r.message.conversationId,
          last: toMessage(r.message),
          unread: num(r.unread) ?? 0,
          lastHumanReplyAt: num(r.lastHumanReplyAt),
          firstInboundAfterHumanAt: num(r.firstInboundAfterHumanAt),
        }),
      );
    },
    // One conditional UPDATE: greatest() keeps the mark from moving back when two tabs mark at once.
    async markRead(companyId, id, upTo) {
      const newest = sql`(select max(${m.id}) from ${m} where ${m.companyId} = ${companyId} and ${m.conversationId} = ${id}${upTo === undefined ? sql`` : sql` and ${m.id} <= ${upTo}`})`;
      const rows = await db
        .update(c)
        .set({ lastReadMessageId: dialect.greatest(sql`coalesce(${c.lastReadMessageId}, 0)`, sql`coalesce(${newest}, 0)`) })
        .where(and(eq(c.companyId, companyId), eq(c.id, id)))
        .returning({ id: c.id });
      return rows.length > 0;
    },
  };
}
