import { type AnyColumn, and, desc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { Appointment, Store } from "../types";
import type { EngineSpecific, PortableCtx } from "./context";

export const toAppointment = (r: typeof schema.appointments.$inferSelect): Appointment => ({
  id: r.id,
  companyId: r.companyId,
  contactId: r.contactId,
  provider: r.provider,
  bookingUid: r.bookingUid,
  externalId: r.externalId,
  service: r.service,
  startsAt: r.startsAt,
  endsAt: r.endsAt,
  status: r.status,
  source: r.source,
  bookedAt: r.bookedAt,
  confirmedAt: r.confirmedAt,
  cancelledAt: r.cancelledAt,
  attendedAt: r.attendedAt,
  rescheduledFromUid: r.rescheduledFromUid,
  notes: r.notes,
  reminderSent: r.reminderSent,
  reminderAnswered: r.reminderAnswered,
  noShowProb: r.noShowProb,
  riskReasons: r.riskReasons ?? null,
  riskFlaggedAt: r.riskFlaggedAt,
  rescheduleOfferedAt: r.rescheduleOfferedAt,
});

/** The timestamp column each status sets when an appointment enters it. */
const STATUS_STAMP = { confirmed: "confirmedAt", cancelled: "cancelledAt", attended: "attendedAt" } as const;

export const LIVE: Appointment["status"][] = ["scheduled", "confirmed"];

/** What a move writes on either engine: the new time and uid, back to scheduled, the old uid kept as rescheduled_from_uid. */
export const movedTo = (current: Pick<Appointment, "bookingUid" | "rescheduledFromUid">, m: Parameters<Store["appointments"]["move"]>[2], at: number) => ({
  startsAt: m.startsAt,
  endsAt: m.endsAt,
  bookingUid: m.bookingUid,
  rescheduledFromUid: m.bookingUid !== current.bookingUid ? current.bookingUid : current.rescheduledFromUid,
  status: "scheduled" as const,
  confirmedAt: null,
  updatedAt: at,
});

/** The WHERE of a move on either engine's appointments table: this tenant's row, still live, and (with a room) a place left. */
export const movable = (t: { companyId: AnyColumn; id: AnyColumn; status: AnyColumn }, companyId: number, id: number, placeLeft?: SQL) =>
  and(eq(t.companyId, companyId), eq(t.id, id), inArray(t.status, LIVE), placeLeft);

export function appointments({ db, schema: s }: PortableCtx): Omit<Store["appointments"], EngineSpecific["appointments"]> {
  const byUid = async (companyId: number, uid: string) => {
    const [row] = await db
      .select()
      .from(s.appointments)
      .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.bookingUid, uid)))
      .limit(1);
    return row ? toAppointment(row) : null;
  };
  const byId = async (companyId: number, id: number) => {
    const [row] = await db
      .select()
      .from(s.appointments)
      .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id)))
      .limit(1);
    return row ? toAppointment(row) : null;
  };
  return {
    // Idempotent by the unique booking uid: insert-or-nothing, then read the winner.
    async create(companyId, a) {
      const inserted = await db
        .insert(s.appointments)
        .values({ companyId, ...a, status: a.status ?? "scheduled", updatedAt: a.bookedAt })
        .onConflictDoNothing()
        .returning();
      if (inserted[0]) return { appointment: toAppointment(inserted[0]), inserted: true };
      const row = await byUid(companyId, a.bookingUid);
      if (!row) throw new Error("appointment neither inserted nor found");
      return { appointment: row, inserted: false };
    },
    byId,
    byUid,
    async list(companyId, f) {
      const rows = await db
        .select()
        .from(s.appointments)
        .where(
          and(
            eq(s.appointments.companyId, companyId),
            f.from !== undefined ? gte(s.appointments.startsAt, f.from) : undefined,
            f.to !== undefined ? lt(s.appointments.startsAt, f.to) : undefined,
            f.contactId !== undefined ? eq(s.appointments.contactId, f.contactId) : undefined,
            f.status?.length ? inArray(s.appointments.status, f.status) : undefined,
          ),
        )
        .orderBy(...(f.newestFirst ? [desc(s.appointments.startsAt), desc(s.appointments.id)] : [s.appointments.startsAt, s.appointments.id]))
        .limit(f.limit);
      return rows.map(toAppointment);
    },
    async nextForContact(companyId, contactId, now) {
      const [row] = await db
        .select()
        .from(s.appointments)
        .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.contactId, contactId), inArray(s.appointments.status, LIVE), gte(s.appointments.endsAt, now)))
        .orderBy(s.appointments.startsAt)
        .limit(1);
      return row ? toAppointment(row) : null;
    },
    // A conditional UPDATE (status IN from): one winner per transition on both engines.
    async transition(companyId, id, from, to, at) {
      const stamp = to in STATUS_STAMP ? { [STATUS_STAMP[to as keyof typeof STATUS_STAMP]]: at } : {};
      const [row] = await db
        .update(s.appointments)
        .set({ status: to, updatedAt: at, ...stamp })
        .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id), inArray(s.appointments.status, from)))
        .returning();
      return row ? toAppointment(row) : null;
    },
    // Bounded from below: live appointments ending after `from`, by appointments_company_status_ends_idx.
    // The unary + (valid on both engines) keeps SQLite from walking the starts_at index back to the
    // tenant's first appointment instead (test/store/d1-plans.test.ts checks the plan).
    async busy(companyId, from, to) {
      return db
        .select({ start: s.appointments.startsAt, end: s.appointments.endsAt })
        .from(s.appointments)
        .where(
          and(eq(s.appointments.companyId, companyId), inArray(s.appointments.status, LIVE), sql`${s.appointments.endsAt} > ${from}`, sql`+${s.appointments.startsAt} < ${to}`),
        );
    },
  };
}
