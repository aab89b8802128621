import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import * as s from "./schema";
import type { Appointment, Room, Store } from "../types";
import type { PgCtx } from "./db";

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

/** How many live appointments (other than `except`) overlap [start, end) widened by the buffer. */
const overlapping = (companyId: number, start: number, end: number, room: Room, except = 0) =>
  sql`(SELECT count(*) FROM appointments WHERE company_id = ${companyId} AND status IN ('scheduled', 'confirmed') AND id != ${except}
    AND starts_at < ${end + room.bufferMs} AND ends_at > ${start - room.bufferMs})`;

/** Advisory lock keys: (CALENDAR_LOCK, company id) serialises what takes a place in a tenant's calendar. */
const CALENDAR_LOCK = 1;
const lockCalendar = (tx: { execute: PgCtx["db"]["execute"] }, companyId: number) => tx.execute(sql`SELECT pg_advisory_xact_lock(${CALENDAR_LOCK}::int, ${companyId}::int)`);

/** The timestamp column each status sets when an appointment enters it. */
const STATUS_STAMP = { confirmed: "confirmedAt", cancelled: "cancelledAt", attended: "attendedAt" } as const;

const LIVE: Appointment["status"][] = ["scheduled", "confirmed"];

export function appointments({ db }: PgCtx): Store["appointments"] {
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
    // A conditional UPDATE (status IN from): READ COMMITTED re-checks the WHERE after the row lock, so one winner.
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
      });
    },
    async busy(companyId, from, to) {
      return db
        .select({ start: s.appointments.startsAt, end: s.appointments.endsAt })
        .from(s.appointments)
        .where(and(eq(s.appointments.companyId, companyId), inArray(s.appointments.status, LIVE), lt(s.appointments.startsAt, to), sql`${s.appointments.endsAt} > ${from}`));
    },
  };
}
