/**
 * One appointment of a tenant's history, as the scheduling intelligence reads it: an imported CSV row
 * (`external_id, contact, booked_at, starts_at, ends_at, status, reminder_sent, confirmed, attr_*`)
 * or a live appointment of the store, both mapped to this shape. Instants are epoch milliseconds.
 */
import * as z from "../lib/zod";

export const AppointmentOutcome = z.enum(["scheduled", "confirmed", "attended", "no_show", "cancelled"]);
export type AppointmentOutcome = z.infer<typeof AppointmentOutcome>;

const Instant = z.number().int();

export const HistoryRow = z
  .object({
    externalId: z.string().min(1).max(200),
    /** Phone or contact id: every row of one person carries the same value. */
    contact: z.string().min(1).max(200),
    bookedAt: Instant,
    startsAt: Instant,
    endsAt: Instant,
    status: AppointmentOutcome,
    reminderSent: z.boolean(),
    /** The contact replied to the reminder (undefined = unknown, read as "no"). */
    reminderAnswered: z.boolean().optional(),
    confirmed: z.boolean(),
    /** The contact's last inbound message before the appointment started, if any is known. */
    lastContactAt: Instant.optional(),
    /** The `attr_<name>` columns without the prefix: numbers or categories. */
    attrs: z.record(z.string().min(1).max(64), z.union([z.string().max(200), z.number()])),
  })
  .refine((r) => r.endsAt >= r.startsAt, { message: "ends_at must not be before starts_at", path: ["endsAt"] });
export type HistoryRow = z.infer<typeof HistoryRow>;

/** An appointment to score: a history row whose outcome is not known (or not looked at). */
export type RiskInput = Omit<HistoryRow, "status"> & { status?: AppointmentOutcome };

/** The fields the columns (columns.ts) take from a row; both `HistoryRow` and `RiskInput` have them. */
export type ScoredAppointment = Pick<HistoryRow, "contact" | "bookedAt" | "startsAt" | "endsAt" | "reminderSent" | "reminderAnswered" | "confirmed" | "lastContactAt" | "attrs">;
