import { type AnyColumn, and, asc, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { ComplianceContact, ConsentEvent, ContactRecords, Store } from "../types";
import { toContact } from "./contacts";
import type { PortableCtx } from "./context";
import { auditTargets, erasure } from "./erase";
import type * as schema from "../schema";

const toComplianceContact = (r: typeof schema.contacts.$inferSelect): ComplianceContact => ({
  ...toContact(r),
  consentChangedAt: r.consentChangedAt,
  erasedAt: r.erasedAt,
  createdAt: r.createdAt,
});

export function compliance(x: PortableCtx): Store["compliance"] {
  const { db, schema: s, dialect } = x;
  const contact = async (companyId: number, contactId: number) => {
    const [row] = await db
      .select()
      .from(s.contacts)
      .where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.id, contactId)))
      .limit(1);
    return row ? toComplianceContact(row) : null;
  };
  return {
    contact,
    async consentHistory(companyId, contactId) {
      const rows = await db
        .select()
        .from(s.consentEvents)
        .where(and(eq(s.consentEvents.companyId, companyId), eq(s.consentEvents.contactId, contactId)))
        .orderBy(asc(s.consentEvents.id));
      return rows.map((r): ConsentEvent => ({ id: r.id, contactId: r.contactId, kind: r.kind, source: r.source, actor: r.actor, detail: r.detail, createdAt: r.createdAt }));
    },
    async findContacts(companyId, q) {
      const k = s.contacts;
      const rows = await db
        .select()
        .from(k)
        .where(
          and(
            eq(k.companyId, companyId),
            or(dialect.contains(sql`lower(${k.name})`, sql`lower(cast(${q.text} as text))`), q.digits ? dialect.contains(k.phone, q.digits) : undefined),
          ),
        )
        .orderBy(desc(k.id))
        .limit(q.limit);
      return rows.map(toComplianceContact);
    },
    async records(companyId, contactId) {
      const own = (t: { companyId: AnyColumn; contactId: AnyColumn }) => and(eq(t.companyId, companyId), eq(t.contactId, contactId));
      const contacts = await db
        .select()
        .from(s.contacts)
        .where(and(eq(s.contacts.companyId, companyId), eq(s.contacts.id, contactId)));
      if (!contacts.length) return null;
      const messageIds = db.select({ id: s.messages.id }).from(s.messages).where(own(s.messages));
      const appointmentIds = db.select({ id: s.appointments.id }).from(s.appointments).where(own(s.appointments));
      const [conversations, messages, deliveryLogs, appointments, tasks, feedback, consent, recipients, scheduled, assignments, abEvents] = await Promise.all([
        db.select().from(s.conversations).where(own(s.conversations)).orderBy(asc(s.conversations.id)),
        db.select().from(s.messages).where(own(s.messages)).orderBy(asc(s.messages.id)),
        db
          .select()
          .from(s.deliveryLogs)
          .where(and(eq(s.deliveryLogs.companyId, companyId), inArray(s.deliveryLogs.messageId, messageIds)))
          .orderBy(asc(s.deliveryLogs.id)),
        db.select().from(s.appointments).where(own(s.appointments)).orderBy(asc(s.appointments.id)),
        db
          .select()
          .from(s.appointmentTasks)
          .where(and(eq(s.appointmentTasks.companyId, companyId), inArray(s.appointmentTasks.appointmentId, appointmentIds)))
          .orderBy(asc(s.appointmentTasks.id)),
        db.select().from(s.feedbackEvents).where(own(s.feedbackEvents)).orderBy(asc(s.feedbackEvents.id)),
        db.select().from(s.consentEvents).where(own(s.consentEvents)).orderBy(asc(s.consentEvents.id)),
        db.select().from(s.campaignRecipients).where(own(s.campaignRecipients)).orderBy(asc(s.campaignRecipients.id)),
        db.select().from(s.scheduledMessages).where(own(s.scheduledMessages)).orderBy(asc(s.scheduledMessages.id)),
        db.select().from(s.abAssignments).where(own(s.abAssignments)),
        db.select().from(s.abEvents).where(own(s.abEvents)).orderBy(asc(s.abEvents.id)),
      ]);
      const targets = auditTargets(
        contactId,
        conversations.map((c) => c.id),
        appointments.map((a) => a.id),
      );
      const audit = await db
        .select()
        .from(s.auditLogs)
        .where(and(eq(s.auditLogs.companyId, companyId), isNotNull(s.auditLogs.target), dialect.inList(s.auditLogs.target, targets)))
        .orderBy(asc(s.auditLogs.id));
      const records: ContactRecords = {
        contacts,
        conversations,
        messages,
        delivery_logs: deliveryLogs,
        appointments,
        appointment_tasks: tasks,
        feedback_events: feedback,
        consent_events: consent,
        campaign_recipients: recipients,
        scheduled_messages: scheduled,
        ab_assignments: assignments,
        ab_events: abEvents,
        audit_logs: audit,
      };
      return records;
    },
    async providerIds(companyId, contactId) {
      const rows = await db
        .select({ id: s.messages.providerMessageId })
        .from(s.messages)
        .where(and(eq(s.messages.companyId, companyId), eq(s.messages.contactId, contactId), isNotNull(s.messages.providerMessageId)));
      return rows.flatMap((r) => (r.id ? [r.id] : []));
    },
    ...erasure(x, contact),
  };
}
