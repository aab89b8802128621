import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import * as s from "../schema";
import type { Appointment, Room, Store } from "../types";
import type { D1Ctx } from "./db";

const toAppointment = (r: typeof s.appointments.$inferSelect): Appointment => ({
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

/**
 * How many live appointments (other than `except`) overlap [start, end) widened by the buffer.
 * Bounded from below: the search walks appointments_company_status_ends_idx over live appointments
 * ending after the start (those still ahead), never the tenant's past. The unary + keeps SQLite from
 * picking the starts_at index instead, whose range (starts_at < end) would run back to the first
 * appointment ever booked (test/store/d1-plans.test.ts checks the plan).
 */
const overlapping = (companyId: number, start: number, end: number, room: Room, except = 0) =>
  sql`(SELECT count(*) FROM appointments WHERE company_id = ${companyId} AND status IN ('scheduled', 'confirmed') AND id != ${except}
    AND ends_at > ${start - room.bufferMs} AND +starts_at < ${end + room.bufferMs})`;

/** The timestamp column each status sets when an appointment enters it. */
const STATUS_STAMP = { confirmed: "confirmedAt", cancelled: "cancelledAt", attended: "attendedAt" } as const;

const LIVE: Appointment["status"][] = ["scheduled", "confirmed"];

export function appointments({ db }: D1Ctx): Store["appointments"] {
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
    // Idempotent by the unique booking uid: insert-or-nothing, then read the winner (portable as is).
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
    /**
     * Single writer: count-then-insert in one INSERT … SELECT … WHERE count < capacity. On D1 no other
     * statement runs between the count and the insert, so two bookings can't take one last place.
     * Postgres (READ COMMITTED) would let both see the old count: take
     * pg_advisory_xact_lock(company_id) (or lock the tenant's calendar row FOR UPDATE) in the same
     * transaction before this statement, or use SERIALIZABLE and retry on 40001.
     */
    async reserve(companyId, a, room) {
      const done = await db.run(sql`
        INSERT INTO appointments (company_id, contact_id, provider, booking_uid, service, starts_at, ends_at, status, source, booked_at, rescheduled_from_uid, notes, updated_at)
        SELECT ${companyId}, ${a.contactId}, ${a.provider}, ${a.bookingUid}, ${a.service ?? null}, ${a.startsAt}, ${a.endsAt}, ${a.status ?? "scheduled"}, ${a.source},
          ${a.bookedAt}, ${a.rescheduledFromUid ?? null}, ${a.notes ?? null}, ${a.bookedAt}
        WHERE ${overlapping(companyId, a.startsAt, a.endsAt, room)} < ${room.capacity}
        ON CONFLICT DO NOTHING`);
      const row = await byUid(companyId, a.bookingUid);
      return row ? { appointment: row, inserted: done.meta.changes > 0 } : null;
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
        .orderBy(s.appointments.startsAt, s.appointments.id)
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
    // A conditional UPDATE (status IN from): one winner per transition on any engine.
    async transition(companyId, id, from, to, at) {
      const stamp = to in STATUS_STAMP ? { [STATUS_STAMP[to as keyof typeof STATUS_STAMP]]: at } : {};
      const [row] = await db
        .update(s.appointments)
        .set({ status: to, updatedAt: at, ...stamp })
        .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id), inArray(s.appointments.status, from)))
        .returning();
      return row ? toAppointment(row) : null;
    },
    /**
     * Single writer, as `reserve`: with a room, the overlap count and the move are one UPDATE … WHERE
     * count < capacity, atomic on D1 only. Postgres needs the same tenant-wide advisory lock (or
     * SERIALIZABLE) so a move and a booking can't both take the last place. The read of `current`
     * before it only computes rescheduled_from_uid; the UPDATE re-checks the status itself.
     */
    async move(companyId, id, m, at, room) {
      const [current] = await db
        .select()
        .from(s.appointments)
        .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id)))
        .limit(1);
      if (!current || !LIVE.includes(current.status)) return null;
      const [row] = await db
        .update(s.appointments)
        .set({
          startsAt: m.startsAt,
          endsAt: m.endsAt,
          bookingUid: m.bookingUid,
          rescheduledFromUid: m.bookingUid !== current.bookingUid ? current.bookingUid : current.rescheduledFromUid,
          status: "scheduled",
          confirmedAt: null,
          updatedAt: at,
        })
        .where(
          and(
            eq(s.appointments.companyId, companyId),
            eq(s.appointments.id, id),
            inArray(s.appointments.status, LIVE),
            room ? sql`${overlapping(companyId, m.startsAt, m.endsAt, room, id)} < ${room.capacity}` : undefined,
          ),
        )
        .returning();
      return row ? toAppointment(row) : null;
    },
    // Bounded from below like `overlapping`: live appointments ending after `from`, by the ends_at index.
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
