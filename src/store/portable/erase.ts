import { type AnyColumn, and, asc, count, eq, inArray, isNotNull, lt, ne, or, sql } from "drizzle-orm";
import type { ComplianceContact, Store, TableCounts } from "../types";
import type { PortableCtx } from "./context";

/** The audit targets that are about a contact: itself, its conversations and its appointments. */
export const auditTargets = (contactId: number, conversationIds: number[], appointmentIds: number[]) => [
  `contact:${contactId}`,
  ...conversationIds.map((id) => `conversation:${id}`),
  ...appointmentIds.map((id) => `appointment:${id}`),
];

type Erasure = Pick<Store["compliance"], "erase" | "retentionPreview" | "applyRetention">;

/** Provider ids per CASE statement: two bound parameters each (the IN list is one JSON parameter on D1), under D1's 100. */
const HASHES_PER_STATEMENT = 45;

/**
 * Erasure and retention. Each is a sequence of idempotent UPDATEs (set to the anonymous value, so
 * running one twice changes nothing more); erase writes contacts.erased_at last, so a run cut short
 * is finished by the caller's retry rather than left looking complete.
 */
export function erasure({ db, schema: s, dialect }: PortableCtx, contactOf: (companyId: number, id: number) => Promise<ComplianceContact | null>): Erasure {
  const rowsOf = (rows: unknown[]) => rows.length;
  // Anonymised messages stay as rows with an empty body: the next run skips them.
  const stillHeld = (mode: "purge" | "anonymise") => (mode === "purge" ? undefined : or(ne(s.messages.body, ""), isNotNull(s.messages.payload)));
  return {
    async erase(companyId, contactId, plan) {
      const before = await contactOf(companyId, contactId);
      if (!before) return null;
      if (before.erasedAt !== null) return "already_erased";
      const own = (t: { companyId: AnyColumn; contactId: AnyColumn }) => and(eq(t.companyId, companyId), eq(t.contactId, contactId));
      const counts: TableCounts = {};
      const m = s.messages;
      counts.messages = rowsOf(await db.update(m).set({ body: "", payload: null, error: null }).where(own(m)).returning({ id: m.id }));
      // Provider ids only as hashes: a raw id (a wamid encodes the phone) leaves, a hashed one stays unique.
      const pairs = [...plan.providerIdHashes];
      for (let i = 0; i < pairs.length; i += HASHES_PER_STATEMENT) {
        const slice = pairs.slice(i, i + HASHES_PER_STATEMENT);
        const cases = sql.join(
          slice.map(([raw, hash]) => sql`when ${raw} then ${hash}`),
          sql` `,
        );
        await db
          .update(m)
          .set({ providerMessageId: sql`case ${m.providerMessageId} ${cases} end` })
          .where(
            and(
              own(m),
              dialect.inList(
                m.providerMessageId,
                slice.map(([raw]) => raw),
              ),
            ),
          );
      }
      const messageIds = db.select({ id: m.id }).from(m).where(own(m));
      counts.delivery_logs = rowsOf(
        await db
          .update(s.deliveryLogs)
          .set({ detail: null })
          .where(and(eq(s.deliveryLogs.companyId, companyId), inArray(s.deliveryLogs.messageId, messageIds)))
          .returning({ id: s.deliveryLogs.id }),
      );
      const conversations = await db.update(s.conversations).set({ summary: null, handoffReason: null }).where(own(s.conversations)).returning({ id: s.conversations.id });
      counts.conversations = conversations.length;
      // Statistics stay (times, status, service, source); what identifies or describes the person goes.
      const appointments = await db.update(s.appointments).set({ notes: null, attrs: null }).where(own(s.appointments)).returning({ id: s.appointments.id });
      counts.appointments = appointments.length;
      if (appointments.length) {
        counts.appointment_tasks = rowsOf(
          await db
            .update(s.appointmentTasks)
            .set({ detail: null })
            .where(
              and(
                eq(s.appointmentTasks.companyId, companyId),
                dialect.inList(
                  s.appointmentTasks.appointmentId,
                  appointments.map((a) => a.id),
                ),
              ),
            )
            .returning({ id: s.appointmentTasks.id }),
        );
      }
      counts.feedback_events = rowsOf(await db.update(s.feedbackEvents).set({ text: null }).where(own(s.feedbackEvents)).returning({ id: s.feedbackEvents.id }));
      counts.consent_events = rowsOf(await db.update(s.consentEvents).set({ detail: null }).where(own(s.consentEvents)).returning({ id: s.consentEvents.id }));
      const sm = s.scheduledMessages;
      counts.scheduled_messages = rowsOf(
        await db
          .update(sm)
          .set({ text: "", error: null, status: sql`case when ${sm.status} in ('pending', 'sending') then 'cancelled' else ${sm.status} end`, updatedAt: plan.at })
          .where(own(sm))
          .returning({ id: sm.id }),
      );
      counts.campaign_recipients = rowsOf(
        await db
          .update(s.campaignRecipients)
          .set({
            skipReason: sql`case when ${s.campaignRecipients.status} = 'pending' then 'erased' else ${s.campaignRecipients.skipReason} end`,
            status: sql`case when ${s.campaignRecipients.status} = 'pending' then 'skipped' else ${s.campaignRecipients.status} end`,
          })
          .where(own(s.campaignRecipients))
          .returning({ id: s.campaignRecipients.id }),
      );
      const targets = auditTargets(
        contactId,
        conversations.map((c) => c.id),
        appointments.map((a) => a.id),
      );
      counts.audit_logs = rowsOf(
        await db
          .update(s.auditLogs)
          .set({ detail: null })
          .where(and(eq(s.auditLogs.companyId, companyId), isNotNull(s.auditLogs.target), dialect.inList(s.auditLogs.target, targets), isNotNull(s.auditLogs.detail)))
          .returning({ id: s.auditLogs.id }),
      );
      // Dead letters and webhook deliveries carry raw payloads: those naming the phone (or, for events, the contact) keep only a marker.
      const asText = (col: typeof s.deadLetters.payload | typeof s.webhookDeliveries.payload) => sql`cast(${col} as text)`;
      const addresses = [before.phone, before.waId, before.lid, before.userId].filter((a): a is string => !!a && a.length >= 6);
      counts.dead_letters = addresses.length
        ? rowsOf(
            await db
              .update(s.deadLetters)
              .set({ payload: { erased: true } })
              .where(and(eq(s.deadLetters.companyId, companyId), or(...addresses.map((a) => dialect.contains(asText(s.deadLetters.payload), a)))))
              .returning({ id: s.deadLetters.id }),
          )
        : 0;
      // jsonb prints `"contact_id": 7`, SQLite's JSON text `"contact_id":7`; a closing `,` or `}` keeps 7 from matching 70.
      const idSpellings = [":", ": "].flatMap((sep) => [",", "}"].map((end) => `"contact_id"${sep}${contactId}${end}`));
      counts.webhook_deliveries = rowsOf(
        await db
          .update(s.webhookDeliveries)
          .set({ payload: { erased: true } })
          .where(and(eq(s.webhookDeliveries.companyId, companyId), or(...idSpellings.map((p) => dialect.contains(asText(s.webhookDeliveries.payload), p)))))
          .returning({ id: s.webhookDeliveries.id }),
      );
      // Last: the anonymous token frees (company, phone), so the same number writing again is a new contact.
      await db
        .update(s.contacts)
        .set({ phone: plan.token, name: null, waId: null, lid: null, userId: null, attributes: {}, optedOut: true, erasedAt: plan.at })
        .where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.id, contactId)));
      counts.contacts = 1;
      return counts;
    },
    async retentionPreview(companyId, before, mode) {
      const m = s.messages;
      const old = and(eq(m.companyId, companyId), lt(m.createdAt, before), stillHeld(mode));
      const dl = s.deliveryLogs;
      const [[msgs], [logs]] = await Promise.all([
        db.select({ n: count() }).from(m).where(old),
        db
          .select({ n: count() })
          .from(dl)
          .where(and(eq(dl.companyId, companyId), inArray(dl.messageId, db.select({ id: m.id }).from(m).where(old)), mode === "purge" ? undefined : isNotNull(dl.detail))),
      ]);
      return { messages: msgs?.n ?? 0, deliveryLogs: logs?.n ?? 0 };
    },
    async applyRetention(companyId, before, mode, limit) {
      const m = s.messages;
      const rows = await db
        .select({ id: m.id })
        .from(m)
        .where(and(eq(m.companyId, companyId), lt(m.createdAt, before), stillHeld(mode)))
        .orderBy(asc(m.id))
        .limit(limit);
      const ids = rows.map((r) => r.id);
      if (!ids.length) return { messages: 0, deliveryLogs: 0 };
      const logs = and(eq(s.deliveryLogs.companyId, companyId), dialect.inList(s.deliveryLogs.messageId, ids));
      const mine = and(eq(m.companyId, companyId), dialect.inList(m.id, ids));
      if (mode === "purge") {
        const deliveryLogs = rowsOf(await db.delete(s.deliveryLogs).where(logs).returning({ id: s.deliveryLogs.id }));
        // The conversation's read mark may point at a purged message: harmless, it only compares ids.
        const messages = rowsOf(await db.delete(m).where(mine).returning({ id: m.id }));
        return { messages, deliveryLogs };
      }
      const deliveryLogs = rowsOf(await db.update(s.deliveryLogs).set({ detail: null }).where(logs).returning({ id: s.deliveryLogs.id }));
      const messages = rowsOf(await db.update(m).set({ body: "", payload: null, error: null }).where(mine).returning({ id: m.id }));
      return { messages, deliveryLogs };
    },
  };
}
