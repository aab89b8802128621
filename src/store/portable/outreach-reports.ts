import { and, desc, eq, gte, inArray, isNull, lt, ne, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { OutreachStore } from "../contracts/outreach";
import type { PortableCtx } from "./context";
import type { OutboundPayload } from "../../channels/types";
import { toContact } from "./contacts";
import { toConversation } from "./conversations";

/** Appointments that started this long before a period are not counted as booked or cancelled in it. */
const APPOINTMENT_LOOKBACK_MS = 30 * 86_400_000;

/** count(*) of the rows where `cond` holds, as a number on both engines (Postgres counts are bigint strings). */
const countIf = (cond: SQL) => sql<number>`coalesce(sum(case when ${cond} then 1 else 0 end), 0)`.mapWith(Number);
const within = (col: AnyColumn, from: number, to: number) => sql`${col} >= ${from} and ${col} < ${to}`;

/**
 * What the periodic reports and re-engagement read: a grouped statement per question (seven for a
 * report, run together), each on a tenant index, whatever the number of rows. campaign_recipients may be empty (campaigns are optional).
 */
export function outreachReports({ db, schema: s }: PortableCtx): OutreachStore["outreachReports"] {
  return {
    async counts(companyId, from, to) {
      const msg = s.messages;
      const a = s.appointments;
      const f = s.feedbackEvents;
      const cv = s.conversations;
      const r = s.campaignRecipients;
      const [conv, contacts, appts, fb, handoffs, waiting, camp] = await Promise.all([
        // Conversations the contacts wrote in during the period (not those the business alone wrote to). Only
        // those active since the period's start (last_message_at follows the contact's messages; an hour's
        // margin for the provider's clock) are looked into, each on its own messages: not the tenant's history.
        db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(cv)
          .where(
            and(
              eq(cv.companyId, companyId),
              gte(cv.lastMessageAt, from - 3_600_000),
              sql`exists (select 1 from ${msg} m where m.company_id = ${cv.companyId} and m.conversation_id = ${cv.id} and m.direction = 'in' and m.created_at >= ${from} and m.created_at < ${to})`,
            ),
          ),
        db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(s.contacts)
          .where(and(eq(s.contacts.companyId, companyId), gte(s.contacts.createdAt, from), lt(s.contacts.createdAt, to))),
        db
          .select({ booked: countIf(and(ne(a.source, "import"), within(a.bookedAt, from, to)) as SQL), cancelled: countIf(within(a.cancelledAt, from, to)) })
          .from(a)
          // What is booked or cancelled in a period starts after it, or shortly before: not the tenant's whole history.
          .where(and(eq(a.companyId, companyId), gte(a.startsAt, from - APPOINTMENT_LOOKBACK_MS))),
        db
          .select({ noShows: countIf(sql`${f.kind} = 'no_show'`), answers: countIf(sql`${f.kind} <> 'no_show'`) })
          .from(f)
          .where(and(eq(f.companyId, companyId), gte(f.createdAt, from), lt(f.createdAt, to))),
        // Handed over during the period, whatever became of them since: a range per status on conversations_company_status_idx.
        db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(cv)
          .where(and(eq(cv.companyId, companyId), inArray(cv.status, ["bot", "human", "closed"]), gte(cv.handoffAt, from), lt(cv.handoffAt, to))),
        // Waiting for a person right now.
        db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(cv)
          .where(and(eq(cv.companyId, companyId), eq(cv.status, "human"), isNull(cv.firstHumanReplyAt))),
        db
          .select({ sent: countIf(within(r.sentAt, from, to)), replied: countIf(within(r.repliedAt, from, to)), booked: countIf(within(r.bookedAt, from, to)) })
          .from(r)
          .where(eq(r.companyId, companyId)),
      ]);
      return {
        conversations: conv[0]?.n ?? 0,
        newContacts: contacts[0]?.n ?? 0,
        bookings: appts[0]?.booked ?? 0,
        cancellations: appts[0]?.cancelled ?? 0,
        noShows: fb[0]?.noShows ?? 0,
        handoffs: handoffs[0]?.n ?? 0,
        waiting: waiting[0]?.n ?? 0,
        followupAnswers: fb[0]?.answers ?? 0,
        campaigns: { sent: camp[0]?.sent ?? 0, replied: camp[0]?.replied ?? 0, booked: camp[0]?.booked ?? 0 },
      };
    },
    async stalled(companyId, from, to, limit) {
      const cv = s.conversations;
      const msg = s.messages;
      // The conversation's newest message, found on messages_company_conversation_idx.
      const newest = sql`(select max(m2.id) from ${msg} m2 where m2.company_id = ${cv.companyId} and m2.conversation_id = ${cv.id})`;
      const rows = await db
        .select({ conversation: cv, contact: s.contacts, body: msg.body, payload: msg.payload, at: msg.createdAt })
        .from(cv)
        .innerJoin(msg, and(eq(msg.companyId, cv.companyId), sql`${msg.id} = ${newest}`))
        .innerJoin(s.contacts, and(eq(s.contacts.companyId, cv.companyId), eq(s.contacts.id, cv.contactId)))
        .where(
          and(
            eq(cv.companyId, companyId),
            eq(cv.status, "bot"),
            // last_message_at follows the contact's messages; the assistant answers right after, so a day's margin covers it.
            gte(cv.lastMessageAt, from - 86_400_000),
            lt(cv.lastMessageAt, to),
            eq(msg.direction, "out"),
            eq(msg.author, "bot"),
            gte(msg.createdAt, from),
            lt(msg.createdAt, to),
            eq(s.contacts.optedOut, false),
            // Nudged once per conversation, ever: the nudge's clientRef, on messages_company_client_ref_uq.
            sql`not exists (select 1 from ${msg} m3 where m3.company_id = ${cv.companyId} and m3.client_ref = cast(${"reengage:"} as text) || cast(${cv.id} as text))`,
          ),
        )
        .orderBy(desc(msg.createdAt))
        .limit(limit);
      return rows.map((r) => ({
        conversation: toConversation(r.conversation),
        contact: toContact(r.contact),
        lastText: r.body,
        lastPayload: (r.payload ?? null) as OutboundPayload | null,
        lastAt: r.at,
      }));
    },
  };
}
