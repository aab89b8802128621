import { and, eq, sql } from "drizzle-orm";
import { LIVE, movable, movedTo, toAppointment } from "../portable/appointments";
import type { Room, Store } from "../types";
import type { PgCtx } from "./db";
import * as s from "./schema";

/** How many live appointments (other than `except`) overlap [start, end) widened by the buffer. */
const overlapping = (companyId: number, start: number, end: number, room: Room, except = 0) =>
  sql`(SELECT count(*) FROM appointments WHERE company_id = ${companyId} AND status IN ('scheduled', 'confirmed') AND id != ${except}
    AND starts_at < ${end + room.bufferMs} AND ends_at > ${start - room.bufferMs})`;

/** Advisory lock keys: (CALENDAR_LOCK, company id) serialises what takes a place in a tenant's calendar. */
const CALENDAR_LOCK = 1;
const lockCalendar = (tx: { execute: PgCtx["db"]["execute"] }, companyId: number) => tx.execute(sql`SELECT pg_advisory_xact_lock(${CALENDAR_LOCK}::int, ${companyId}::int)`);

/** What takes a place in a room on Postgres: each in a transaction under the tenant's calendar lock. */
export function calendarWrites({ db }: PgCtx): Pick<Store["appointments"], "reserve" | "move"> {
  return {
    /**
     * Count-then-insert under the tenant's calendar lock (pg_advisory_xact_lock, held to the end of the
     * transaction): under READ COMMITTED two bookings would otherwise both see the old count and take
     * one last place. Each statement after the lock sees what the previous holder committed.
     */
    async reserve(companyId, a, room) {
      return db.transaction(async (tx) => {
        await lockCalendar(tx, companyId);
        const [taken] = await tx.execute<{ n: number }>(sql`SELECT ${overlapping(companyId, a.startsAt, a.endsAt, room)}::int AS n`);
        const inserted =
          Number(taken?.n ?? 0) < room.capacity
            ? await tx
                .insert(s.appointments)
                .values({ companyId, ...a, status: a.status ?? "scheduled", updatedAt: a.bookedAt })
                .onConflictDoNothing()
                .returning({ id: s.appointments.id })
            : [];
        const [row] = await tx
          .select()
          .from(s.appointments)
          .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.bookingUid, a.bookingUid)))
          .limit(1);
        return row ? { appointment: toAppointment(row), inserted: inserted.length > 0 } : null;
      });
    },
    /**
     * With a room, the overlap count and the move are one conditional UPDATE taken under the same
     * calendar lock as `reserve`, so a move and a booking can't both take the last place. The read of
     * `current` only computes rescheduled_from_uid; the UPDATE re-checks the status itself.
     */
    async move(companyId, id, m, at, room) {
      return db.transaction(async (tx) => {
        if (room) await lockCalendar(tx, companyId);
        const [current] = await tx
          .select()
          .from(s.appointments)
          .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id)))
          .limit(1);
        if (!current || !LIVE.includes(current.status)) return null;
        const [row] = await tx
          .update(s.appointments)
          .set(movedTo(current, m, at))
          .where(movable(s.appointments, companyId, id, room ? sql`${overlapping(companyId, m.startsAt, m.endsAt, room, id)} < ${room.capacity}` : undefined))
          .returning();
        return row ? toAppointment(row) : null;
      });
    },
  };
}
