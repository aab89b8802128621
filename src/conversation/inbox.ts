/**
 * What the inbox shows beside each conversation: the last message's preview, the unread count, and
 * for a conversation with a person since when the customer waits for a human answer against the
 * tenant's handoff SLA. Pure helpers plus one loader that reads everything for a page of
 * conversations in a constant number of statements.
 */
import type { Company, Contact, Conversation, InboxFacts, ListedConversation, MessageRow, Store } from "../store/types";
import { readProfile } from "../tenants/profile";
import { iso } from "../lib/time-zone";
import { BusinessCalendar } from "../tenants/business-hours";

export const PREVIEW_CHARS = 120;

/** The preview's text: one line, at most PREVIEW_CHARS characters (an ellipsis when cut). */
export function previewText(body: string): string {
  const line = body.replace(/\s+/g, " ").trim();
  const chars = [...line];
  return chars.length <= PREVIEW_CHARS
    ? line
    : `${chars
        .slice(0, PREVIEW_CHARS - 1)
        .join("")
        .trimEnd()}…`;
}

/**
 * Since when the customer of a conversation with a person waits for a human reply: the handoff when
 * no person answered since it (first_human_reply_at, reset by each handoff), else the first inbound
 * message after the last human reply; null when the person spoke last, or the conversation is with
 * the bot. Ordered by the handoff's own mark and by message ids, not by comparing times: D1 writes
 * created_at in whole seconds, so a reply in the handoff's second would look older than it.
 * @example waitingSince({status: "human", handoffAt: 10, firstHumanReplyAt: null}, undefined) // 10
 */
export function waitingSince(
  conv: Pick<Conversation, "status" | "handoffAt" | "firstHumanReplyAt">,
  facts: Pick<InboxFacts, "firstInboundAfterHumanAt"> | undefined,
): number | null {
  if (conv.status !== "human" || conv.handoffAt === null) return null;
  if (conv.firstHumanReplyAt === null) return conv.handoffAt;
  return facts?.firstInboundAfterHumanAt ?? null;
}

/**
 * The SLA of a waiting conversation: when the answer is due and whether that has passed. With business
 * hours on (`calendar`), the clock runs only while the business is open: overdue once the business time
 * since `since` exceeds the SLA (a Friday 17:50 handoff with 15 min is not overdue on Saturday).
 * `due_at` is null only when the business never opens again.
 */
export function slaOf(since: number | null, slaMinutes: number, now: number, calendar?: BusinessCalendar | null) {
  if (since === null) return null;
  const sla = slaMinutes * 60_000;
  if (!calendar?.hours.enabled) return { minutes: slaMinutes, due_at: new Date(since + sla).toISOString(), overdue: now > since + sla };
  return { minutes: slaMinutes, due_at: iso(calendar.deadline(since, sla)), overdue: calendar.millisBetween(since, now) > sla };
}

export const previewOf = (m: MessageRow | null) => (m ? { text: previewText(m.body), direction: m.direction, author: m.author, at: iso(m.createdAt) } : null);

export interface InboxEntry {
  conversation: ListedConversation;
  contact: Contact | null;
  facts: InboxFacts | undefined;
  waitingSince: number | null;
}

/**
 * The entries for a page of conversations: their contacts, facts and the tenant's SLA, read in three
 * statements at once: the contacts, the messages' aggregate with the previews, the profile. `calendar`
 * is the tenant's business clock (null while business hours are off), shared by the page's rows.
 */
export async function loadInbox(
  store: Store,
  company: Pick<Company, "id" | "timeZone">,
  rows: ListedConversation[],
): Promise<{ entries: InboxEntry[]; slaMinutes: number; calendar: BusinessCalendar | null }> {
  const companyId = company.id;
  const ids = rows.map((r) => r.id);
  const [contacts, facts, stored] = await Promise.all([
    store.contacts.many(companyId, { ids: [...new Set(rows.map((r) => r.contactId))] }),
    store.conversations.inboxFacts(companyId, ids),
    store.profiles.get(companyId),
  ]);
  const byContact = new Map(contacts.map((k) => [k.id, k]));
  const byConversation = new Map(facts.map((f) => [f.conversationId, f]));
  const entries = rows.map((conversation) => {
    const f = byConversation.get(conversation.id);
    return { conversation, contact: byContact.get(conversation.contactId) ?? null, facts: f, waitingSince: waitingSince(conversation, f) };
  });
  const profile = readProfile(stored);
  const calendar = profile.businessHours.enabled ? new BusinessCalendar(profile.businessHours, company.timeZone) : null;
  return { entries, slaMinutes: profile.handoff.slaMinutes, calendar };
}
