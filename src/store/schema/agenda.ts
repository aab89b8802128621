import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { companies } from "./tenants";
import { contacts } from "./messaging";
import type { StoredRiskReason } from "../contracts/agenda";

// The agenda: appointments, the tasks they schedule (reminders, follow-ups) and feedback.

/** An appointment, whoever booked it (chat, API, Cal.com, import); the provider's uid is its key. */
export const appointments = sqliteTable(
  "appointments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    /** "import": history brought by CSV; it feeds the risk model and insights but no calendar. */
    provider: text("provider", { enum: ["builtin", "calcom", "import"] }).notNull(),
    bookingUid: text("booking_uid").notNull(),
    /** An importer's own id (CSV external_id), for idempotent imports. */
    externalId: text("external_id"),
    service: text("service"),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    status: text("status", { enum: ["scheduled", "confirmed", "cancelled", "attended", "no_show"] })
      .notNull()
      .default("scheduled"),
    source: text("source", { enum: ["whatsapp", "api", "calcom", "import"] }).notNull(),
    bookedAt: integer("booked_at").notNull(),
    confirmedAt: integer("confirmed_at"),
    cancelledAt: integer("cancelled_at"),
    attendedAt: integer("attended_at"),
    /** The booking this one replaced when it was rescheduled (Cal.com gives the new booking a new uid). */
    rescheduledFromUid: text("rescheduled_from_uid"),
    notes: text("notes"),
    /** Set when a reminder went out / the contact answered one (imports carry both as columns). */
    reminderSent: integer("reminder_sent", { mode: "boolean" }).notNull().default(false),
    reminderAnswered: integer("reminder_answered", { mode: "boolean" }).notNull().default(false),
    /** Imports only: the contact's last message before the start (live rows read it from messages). */
    lastContactAt: integer("last_contact_at"),
    /** The CSV's attr_<name> columns (numbers or categories), without the prefix. */
    attrs: text("attrs", { mode: "json" }).$type<Record<string, string | number>>(),
    /** The latest no-show score of an upcoming appointment, its reasons and when it was computed. */
    noShowProb: real("no_show_prob"),
    riskReasons: text("risk_reasons", { mode: "json" }).$type<StoredRiskReason[]>(),
    riskScoredAt: integer("risk_scored_at"),
    /** First time it was marked high risk (counted once), and when a better slot was offered (offered once). */
    riskFlaggedAt: integer("risk_flagged_at"),
    rescheduleOfferedAt: integer("reschedule_offered_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at"),
  },
  (t) => [
    uniqueIndex("appointments_company_uid_uq").on(t.companyId, t.bookingUid),
    uniqueIndex("appointments_company_external_uq").on(t.companyId, t.externalId),
    index("appointments_company_starts_idx").on(t.companyId, t.startsAt),
    // Availability and overlap checks: live appointments ending after a time, a range bounded from below (not every past appointment).
    index("appointments_company_status_ends_idx").on(t.companyId, t.status, t.endsAt),
    index("appointments_company_contact_idx").on(t.companyId, t.contactId, t.startsAt),
  ],
);

/**
 * Work tied to an appointment's clock: reminders (offset before the start), the no-show check and
 * the follow-up. The tenant's Durable Object fires them (alarms); this row makes each one happen once.
 */
export const appointmentTasks = sqliteTable(
  "appointment_tasks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    appointmentId: integer("appointment_id")
      .notNull()
      .references(() => appointments.id),
    kind: text("kind", { enum: ["reminder", "no_show_check", "followup"] }).notNull(),
    /** Reminders: minutes before the start (1440, 60…); 0 for the others. */
    offsetMinutes: integer("offset_minutes").notNull().default(0),
    dueAt: integer("due_at").notNull(),
    status: text("status", { enum: ["pending", "done", "cancelled", "skipped"] })
      .notNull()
      .default("pending"),
    doneAt: integer("done_at"),
    messageId: integer("message_id"),
    detail: text("detail"),
  },
  (t) => [
    uniqueIndex("appointment_tasks_uq").on(t.companyId, t.appointmentId, t.kind, t.offsetMinutes),
    index("appointment_tasks_company_due_idx").on(t.companyId, t.status, t.dueAt),
  ],
);

/** What contacts said after a visit, and no-shows: the history the risk model and reports read. */
export const feedbackEvents = sqliteTable(
  "feedback_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    appointmentId: integer("appointment_id").references(() => appointments.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    kind: text("kind", { enum: ["no_show", "followup_positive", "followup_negative", "followup_feedback", "nps", "comment"] }).notNull(),
    /** Where it came from: a follow-up answer, a no-show, or an external system (POST /api/feedback/ingest). */
    source: text("source").notNull().default("followup"),
    /** NPS 0–10 when the source gave one (kind nps). */
    nps: integer("nps"),
    /** The external system's id: ingesting it twice stores it once. */
    externalId: text("external_id"),
    /** -1 … 1 from the answer's sentiment (no_show: -1). */
    score: real("score").notNull(),
    text: text("text"),
    createdAt: createdAt(),
  },
  (t) => [
    index("feedback_company_appt_idx").on(t.companyId, t.appointmentId),
    index("feedback_company_created_idx").on(t.companyId, t.createdAt),
    index("feedback_company_contact_idx").on(t.companyId, t.contactId, t.createdAt),
    uniqueIndex("feedback_company_external_uq").on(t.companyId, t.source, t.externalId),
  ],
);
