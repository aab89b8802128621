import { and, eq, sql } from "drizzle-orm";
import { LIVE, movable, movedTo, toAppointment } from "../portable/appointments";
import * as s from "../schema";
import type { Room, Store } from "../types";
import type { D1Ctx } from "./db";

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

/** What takes a place in a room on D1: one statement each, so SQLite's single writer makes count-and-write atomic. */
export function calendarWrites({ db }: D1Ctx, read: Pick<Store["appointments"], "byUid">): Pick<Store["appointments"], "reserve" | "move"> {
  return {
    /**
     * Single writer: count-then-insert in one INSERT … SELECT … WHERE count < capacity. On D1 no other
     * statement runs between the count and the insert, so two bookings can't take one last place
     * (Postgres takes a calendar lock instead: store/postgres/appointments.ts).
     */
    async reserve(companyId, a, room) {
      const done = await db.run(sql`
        INSERT INTO appointments (company_id, contact_id, provider, booking_uid, service, starts_at, ends_at, status, source, booked_at, rescheduled_from_uid, notes, updated_at)
        SELECT ${companyId}, ${a.contactId}, ${a.provider}, ${a.bookingUid}, ${a.service ?? null}, ${a.startsAt}, ${a.endsAt}, ${a.status ?? "scheduled"}, ${a.source},
          ${a.bookedAt}, ${a.rescheduledFromUid ?? null}, ${a.notes ?? null}, ${a.bookedAt}
        WHERE ${overlapping(companyId, a.startsAt, a.endsAt, room)} < ${room.capacity}
        ON CONFLICT DO NOTHING`);
      const row = await read.byUid(companyId, a.bookingUid);
      return row ? { appointment: row, inserted: done.meta.changes > 0 } : null;
    },
    /**
     * Single writer, as `reserve`: with a room, the overlap count and the move are one UPDATE … WHERE
     * count < capacity, so a move and a booking can't both take the last place. The read of `current`
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
        .set(movedTo(current, m, at))
        .where(movable(s.appointments, companyId, id, room ? sql`${overlapping(companyId, m.startsAt, m.endsAt, room, id)} < ${room.capacity}` : undefined))
        .returning();
      return row ? toAppointment(row) : null;
    },
  };
}
