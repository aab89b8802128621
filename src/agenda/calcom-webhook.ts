import { normalizePhone } from "../lib/phone";
import type { Appointment } from "../store/types";
import type { CalcomEvent } from "./calcom-events";
import { cancelAppointment, markNoShow, planTasks, rescheduleAppointment, type AgendaCtx } from "./service";
import { recordMetrics, tenantStub } from "../tenants/stubs";

export type Applied = { applied: boolean; appointmentId?: number; note: string };

/**
 * Applies one Cal.com event to our appointments. Every branch is idempotent by booking uid: Cal.com
 * retries webhooks, so the same event twice changes nothing the second time.
 */
export async function applyCalcomEvent(ctx: AgendaCtx, e: CalcomEvent): Promise<Applied> {
  const { store, company } = ctx;
  const byUid = (uid: string | undefined) => (uid ? store.appointments.byUid(company.id, uid) : Promise.resolve(null));

  if (e.kind === "created") {
    if (await byUid(e.uid)) return { applied: false, note: "already known" };
    return create(ctx, e);
  }
  if (e.kind === "rescheduled") {
    const current = await byUid(e.uid);
    if (current) return { applied: false, appointmentId: current.id, note: "already moved" };
    const old = await byUid(e.previousUid);
    if (!old) return create(ctx, e);
    if (!e.start || !e.end) return { applied: false, note: "rescheduled without times" };
    const moved = await rescheduleAppointment(ctx, old, e.start, "calcom", { uid: e.uid, start: e.start, end: e.end, status: "accepted" });
    return { applied: moved.ok, appointmentId: old.id, note: moved.ok ? "moved" : moved.message };
  }
  if (e.kind === "cancelled" || e.kind === "rejected") {
    const a = await byUid(e.uid);
    if (!a) return { applied: false, note: "unknown booking" };
    const done = await cancelAppointment(ctx, a, "calcom");
    return { applied: done.ok, appointmentId: a.id, note: done.ok ? "cancelled" : done.message };
  }
  if (e.kind === "no_show") {
    const a = await byUid(e.uid);
    if (!a || !e.noShowAttendee) return { applied: false, note: a ? "host no-show or mark removed" : "unknown booking" };
    const missed = await markNoShow(ctx, a, "calcom");
    return { applied: missed.ok, appointmentId: a.id, note: missed.ok ? "no_show" : missed.code === "not_started" ? "not started yet" : `already ${a.status}` };
  }
  return { applied: false, note: `ignored ${e.trigger}` };
}

/** A booking made on Cal.com's own page: we learn it here and remind the attendee on WhatsApp. */
async function create(ctx: AgendaCtx, e: CalcomEvent): Promise<Applied> {
  const phone = e.attendeePhone ? normalizePhone(e.attendeePhone) : null;
  if (!phone || !e.start || !e.end) return { applied: false, note: "booking without a WhatsApp number or times" };
  const contact = await ctx.store.contacts.ensure(ctx.company.id, phone);
  const now = Date.now();
  const { appointment, inserted } = await ctx.store.appointments.create(ctx.company.id, {
    contactId: contact.id,
    provider: "calcom",
    bookingUid: e.uid,
    startsAt: Date.parse(e.start),
    endsAt: Date.parse(e.end),
    source: "calcom",
    bookedAt: now,
    rescheduledFromUid: e.previousUid ?? null,
  });
  if (inserted) await scheduleNew(ctx, appointment, now);
  return { applied: inserted, appointmentId: appointment.id, note: inserted ? "created" : "already known" };
}

async function scheduleNew(ctx: AgendaCtx, a: Appointment, now: number) {
  const rows = await ctx.store.appointmentTasks.ensure(ctx.company.id, a.id, planTasks(ctx.profile.agenda, a, now, ctx.company.timeZone));
  await tenantStub(ctx.env, ctx.company.id).scheduleTasks(
    ctx.company.id,
    rows.map((t) => ({ taskId: t.id, dueAt: t.dueAt })),
  );
  await recordMetrics(ctx.env, ctx.company.id, [{ metric: "secretaria_appointments_created_total", labels: { source: "calcom" }, inc: 1 }]);
}
