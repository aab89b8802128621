import type { Locale } from "../conversation/templates";
import { resolveLocale } from "../conversation/templates";
import { queueOutbound } from "../outbox/queue";
import { openSecret } from "../lib/secret-box";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Appointment, AppointmentTask, Company, Contact, Store } from "../store/types";
import type { AgendaSettings, CompanyProfile } from "../tenants/profile";
import { readProfile } from "../tenants/profile";
import { recordMetrics, tenantStub } from "../tenants/stubs";
import { publish } from "../events/publish";
import { appointmentData, businessEvent } from "../events/types";
import type { AgendaTaskJob } from "../jobs/agenda-task";
import { nextFollowupWindow } from "../jobs/schedule";
import { phoneOfAddress } from "../lib/phone";
import { utcToZoned, zonedTimeToUtc } from "../lib/time-zone";
import { builtinProvider, builtinUid, calendarSettings } from "./builtin";
import { formatSlotLabel } from "./calendar";
import { createCalcomProvider } from "./calcom";
import { commaName, type say } from "./messages";
import { agendaText, recordSent } from "../experiments/send";
import type { Booking, BookingProvider, BookingResult, Slot } from "./types";

const MINUTE = 60_000;

/** Everything an agenda operation needs about the tenant. */
export interface AgendaCtx {
  env: Env;
  store: Store;
  company: Company;
  profile: CompanyProfile;
  /** Where Cal.com calls go (tests inject the fake vendor); the real fetch by default. */
  fetch?: typeof fetch;
}

export const agendaCtx = async (env: Env, store: Store, company: Company, fetchFn?: typeof fetch): Promise<AgendaCtx> => ({
  env,
  store,
  company,
  profile: readProfile(await store.profiles.get(company.id)),
  fetch: fetchFn,
});

export const localeOf = (ctx: AgendaCtx): Locale => resolveLocale(ctx.company.locale);
export const label = (ctx: AgendaCtx, slot: { start: string; end: string }) => formatSlotLabel(slot, ctx.company.timeZone, localeOf(ctx), new Date().toISOString());
export const slotOf = (a: Pick<Appointment, "startsAt" | "endsAt">): Slot => ({ start: new Date(a.startsAt).toISOString(), end: new Date(a.endsAt).toISOString() });
const roomOf = (ctx: AgendaCtx) => {
  const settings = calendarSettings(ctx.profile.agenda);
  return { capacity: settings.capacity, bufferMs: settings.bufferMinutes * MINUTE };
};

/** The tenant's booking provider: Cal.com when configured (key sealed in its profile), else the built-in calendar. */
export async function bookingProvider(ctx: AgendaCtx): Promise<BookingProvider> {
  const cal = ctx.profile.agenda.calcom;
  if (ctx.profile.agenda.provider === "calcom" && cal?.apiKeyCipher && ctx.env.SECRETS_KEY) {
    const apiKey = await openSecret(ctx.env.SECRETS_KEY, cal.apiKeyCipher);
    if (apiKey) return createCalcomProvider({ apiUrl: cal.apiUrl ?? ctx.env.CALCOM_API_URL, apiKey, eventTypeId: cal.eventTypeId, fetch: ctx.fetch });
  }
  return builtinProvider(ctx);
}

/** Free slots from now for the tenant's search window, each long enough for `service` when one is named. */
export async function freeSlots(ctx: AgendaCtx, fromMs = Date.now(), days = ctx.profile.agenda.searchDays, service?: string): Promise<BookingResult<Slot[]>> {
  const provider = await bookingProvider(ctx);
  return provider.availability({
    from: new Date(fromMs).toISOString(),
    to: new Date(fromMs + days * 24 * 60 * MINUTE).toISOString(),
    timeZone: ctx.company.timeZone,
    service,
  });
}

/**
 * When a reminder `offsetMinutes` before `startsAt` is due. Whole days are counted in the tenant's
 * calendar — "24 h before" a Sunday 10:00 appointment is Saturday 10:00 local, even across a DST
 * change (23 or 25 real hours) — other offsets are plain durations.
 */
export function reminderDue(startsAt: number, offsetMinutes: number, timeZone: string): number {
  if (offsetMinutes % 1440 !== 0) return startsAt - offsetMinutes * MINUTE;
  const local = utcToZoned(startsAt, timeZone);
  const [y = 0, m = 1, d = 1] = local.date.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d - offsetMinutes / 1440)).toISOString().slice(0, 10);
  return zonedTimeToUtc(day, local.time, timeZone)?.getTime() ?? startsAt - offsetMinutes * MINUTE;
}

/** The reminders and no-show check an appointment needs from now on (past ones are not created). */
export function planTasks(agenda: AgendaSettings, a: Pick<Appointment, "startsAt" | "endsAt">, now: number, timeZone: string) {
  const reminders = agenda.reminderOffsetsMinutes
    .map((offset) => ({ kind: "reminder" as const, offsetMinutes: offset, dueAt: reminderDue(a.startsAt, offset, timeZone) }))
    .filter((t) => t.dueAt > now);
  return [...reminders, { kind: "no_show_check" as const, offsetMinutes: 0, dueAt: a.endsAt + agenda.noShowGraceMinutes * MINUTE }];
}

async function schedule(ctx: AgendaCtx, a: Appointment, tasks: { kind: AppointmentTask["kind"]; offsetMinutes: number; dueAt: number }[]) {
  const rows = await ctx.store.appointmentTasks.ensure(ctx.company.id, a.id, tasks);
  await tenantStub(ctx.env, ctx.company.id).scheduleTasks(
    ctx.company.id,
    rows.map((t) => ({ taskId: t.id, dueAt: t.dueAt })),
  );
}

async function unschedule(ctx: AgendaCtx, a: Appointment, kinds?: AppointmentTask["kind"][]) {
  const ids = await ctx.store.appointmentTasks.cancelPending(ctx.company.id, a.id, kinds);
  if (ids.length) await tenantStub(ctx.env, ctx.company.id).unscheduleTasks(ids);
  // A reminder already sent but held (24 h window closed) would go out when the contact next writes,
  // naming the old time or a cancelled appointment: it is withdrawn with the plan it belonged to.
  const sent = (await ctx.store.appointmentTasks.list(ctx.company.id, a.id)).filter((t) => t.kind === "reminder" && t.status === "done");
  if (sent.length)
    await ctx.store.messages.withdrawHeld(
      ctx.company.id,
      sent.map((t) => `task:${t.id}`),
      `appointment ${a.status === "cancelled" ? "cancelled" : "changed"} before it could be sent`,
      Date.now(),
    );
}

const count = (ctx: AgendaCtx, events: MetricEvent[]) => recordMetrics(ctx.env, ctx.company.id, events);

export type AgendaResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** A contact not stored yet (a manual booking for a new number): created only once the slot is booked. */
export interface PendingContact {
  phone: string;
  name: string | null;
  create(): Promise<Contact>;
}

/** Books a slot with the provider, stores the appointment, plans its reminders. Idempotent by `idempotencyKey`. */
export async function bookAppointment(
  ctx: AgendaCtx,
  contact: Contact | PendingContact,
  slot: { start: string },
  opts: { source: Appointment["source"]; idempotencyKey: string; service?: string; notes?: string },
): Promise<AgendaResult<Appointment>> {
  const provider = await bookingProvider(ctx);
  // A retry of a booking we already made (same key) returns it instead of finding its own slot taken.
  if (provider.name === "builtin") {
    const existing = await ctx.store.appointments.byUid(ctx.company.id, builtinUid(opts.idempotencyKey));
    if (existing) return { ok: true, value: existing };
  }
  const started = Date.now();
  const booked = await provider.book({
    start: slot.start,
    idempotencyKey: opts.idempotencyKey,
    service: opts.service,
    notes: opts.notes,
    // A contact known only by its BSUID has no phone: the provider is told so instead of getting the BSUID as a number.
    attendee: {
      name: contact.name ?? contact.phone,
      phone: phoneOfAddress(contact.phone) ?? undefined,
      userId: phoneOfAddress(contact.phone) === null ? contact.phone : undefined,
      timeZone: ctx.company.timeZone,
      language: localeOf(ctx).slice(0, 2),
    },
  });
  if (!booked.ok) return { ok: false, code: booked.code, message: booked.message };
  // A refused booking leaves no contact behind; past this point only a lost race for the last place can.
  const savedContact = "create" in contact ? await contact.create() : contact;
  const now = Date.now();
  const record = {
    contactId: savedContact.id,
    provider: provider.name,
    bookingUid: booked.value.uid,
    service: opts.service ?? null,
    startsAt: Date.parse(booked.value.start),
    endsAt: Date.parse(booked.value.end),
    source: opts.source,
    bookedAt: now,
    notes: opts.notes ?? null,
  };
  // The built-in calendar is its own source of truth: the place is taken by the insert itself, so two
  // contacts racing for the last place can't both get it (Cal.com arbitrates its own bookings).
  const stored =
    provider.name === "builtin" ? await ctx.store.appointments.reserve(ctx.company.id, record, roomOf(ctx)) : await ctx.store.appointments.create(ctx.company.id, record);
  if (!stored) return { ok: false, code: "slot_taken", message: "That time is no longer available" };
  const { appointment, inserted } = stored;
  if (inserted) {
    await schedule(ctx, appointment, planTasks(ctx.profile.agenda, appointment, now, ctx.company.timeZone));
    await count(ctx, [
      { metric: "secretaria_appointments_created_total", labels: { source: opts.source }, inc: 1 },
      { metric: "secretaria_appointments_booking_latency_seconds", labels: { provider: provider.name }, observe: (now - started) / 1000 },
    ]);
    await ctx.store.auditLogs.append(ctx.company.id, { actor: opts.source, action: "appointment.create", target: `appointment:${appointment.id}` });
    await publish(ctx.env, ctx.store, [businessEvent("appointment.booked", ctx.company.id, appointment.id, appointmentData(appointment))]);
  }
  return { ok: true, value: appointment };
}

export async function cancelAppointment(ctx: AgendaCtx, a: Appointment, source: string, reason?: string): Promise<AgendaResult<Appointment>> {
  if (!["scheduled", "confirmed"].includes(a.status)) return { ok: false, code: "not_cancellable", message: `The appointment is ${a.status}` };
  if (source !== "calcom") {
    const done = await (await bookingProvider(ctx)).cancel(a.bookingUid, reason);
    if (!done.ok && done.code !== "not_found") return { ok: false, code: done.code, message: done.message };
  }
  const cancelled = await ctx.store.appointments.transition(ctx.company.id, a.id, ["scheduled", "confirmed"], "cancelled", Date.now());
  if (!cancelled) return { ok: false, code: "not_cancellable", message: "The appointment changed meanwhile" };
  await unschedule(ctx, cancelled);
  await count(ctx, [{ metric: "secretaria_appointments_cancelled_total", labels: { source }, inc: 1 }]);
  await ctx.store.auditLogs.append(ctx.company.id, { actor: source, action: "appointment.cancel", target: `appointment:${a.id}`, detail: reason ? { reason } : undefined });
  await publish(ctx.env, ctx.store, [businessEvent("appointment.cancelled", ctx.company.id, a.id, { ...appointmentData(cancelled), reason: reason ?? null })]);
  return { ok: true, value: cancelled };
}

/** Moves an appointment (Cal.com may give it a new uid) and moves its reminders with it. */
export async function rescheduleAppointment(ctx: AgendaCtx, a: Appointment, start: string, source: string, known?: Booking): Promise<AgendaResult<Appointment>> {
  if (!["scheduled", "confirmed"].includes(a.status)) return { ok: false, code: "not_reschedulable", message: `The appointment is ${a.status}` };
  let booking = known;
  if (!booking) {
    const moved = await (await bookingProvider(ctx)).reschedule(a.bookingUid, start);
    if (!moved.ok) return { ok: false, code: moved.code, message: moved.message };
    booking = moved.value;
  }
  const now = Date.now();
  const room = a.provider === "builtin" ? roomOf(ctx) : undefined;
  const updated = await ctx.store.appointments.move(
    ctx.company.id,
    a.id,
    { startsAt: Date.parse(booking.start), endsAt: Date.parse(booking.end), bookingUid: booking.uid },
    now,
    room,
  );
  if (!updated) {
    const still = room && (await ctx.store.appointments.byId(ctx.company.id, a.id));
    if (still && ["scheduled", "confirmed"].includes(still.status)) return { ok: false, code: "slot_taken", message: "That time is no longer available" };
    return { ok: false, code: "not_reschedulable", message: "The appointment changed meanwhile" };
  }
  await unschedule(ctx, updated);
  await schedule(ctx, updated, planTasks(ctx.profile.agenda, updated, now, ctx.company.timeZone));
  await count(ctx, [{ metric: "secretaria_appointments_rescheduled_total", labels: { source }, inc: 1 }]);
  await ctx.store.auditLogs.append(ctx.company.id, { actor: source, action: "appointment.reschedule", target: `appointment:${a.id}` });
  const previous = new Date(a.startsAt).toISOString();
  await publish(ctx.env, ctx.store, [
    businessEvent("appointment.rescheduled", ctx.company.id, `${a.id}:${updated.startsAt}`, { ...appointmentData(updated), previous_starts_at: previous }),
  ]);
  return { ok: true, value: updated };
}

export async function confirmAppointment(ctx: AgendaCtx, a: Appointment): Promise<Appointment | null> {
  const confirmed = await ctx.store.appointments.transition(ctx.company.id, a.id, ["scheduled"], "confirmed", Date.now());
  if (confirmed) {
    await count(ctx, [{ metric: "secretaria_appointments_confirmed_total", labels: {}, inc: 1 }]);
    await publish(ctx.env, ctx.store, [businessEvent("appointment.confirmed", ctx.company.id, a.id, appointmentData(confirmed))]);
  }
  return confirmed;
}

/**
 * An outcome (attended, no-show) is known only once the appointment has started: marked earlier, it
 * would feed a false outcome into the no-show model's history.
 */
function notStarted(a: Appointment, now: number): AgendaResult<never> | null {
  return a.startsAt > now ? { ok: false, code: "not_started", message: "The appointment has not started yet: mark attended or no-show once it has" } : null;
}

const cannotMark = (a: Appointment, what: string): AgendaResult<never> => ({
  ok: false,
  code: "invalid_transition",
  message: `An appointment that is ${a.status} cannot be marked ${what}`,
});

/**
 * Attended: the no-show check is off, the follow-up is planned in the first follow-up window (10:00 /
 * 16:00 Mon–Fri, the tenant's clock) at least the tenant's delay after the visit ends.
 */
export async function markAttended(ctx: AgendaCtx, a: Appointment): Promise<AgendaResult<Appointment>> {
  const now = Date.now();
  const early = notStarted(a, now);
  if (early) return early;
  const attended = await ctx.store.appointments.transition(ctx.company.id, a.id, ["scheduled", "confirmed", "no_show"], "attended", now);
  if (!attended) return cannotMark(a, "attended");
  await unschedule(ctx, attended, ["no_show_check", "reminder"]);
  if (ctx.profile.agenda.followupEnabled) {
    const earliest = Math.max(now, attended.endsAt) + ctx.profile.agenda.followupDelayMinutes * MINUTE;
    await schedule(ctx, attended, [{ kind: "followup", offsetMinutes: 0, dueAt: nextFollowupWindow(ctx.company.timeZone, earliest) }]);
  }
  await count(ctx, [{ metric: "secretaria_appointments_attended_total", labels: {}, inc: 1 }]);
  return { ok: true, value: attended };
}

/** No-show: recorded as feedback ("Cliente não compareceu") and, if the tenant wants, a rebooking offer goes out. */
export async function markNoShow(ctx: AgendaCtx, a: Appointment, source: string): Promise<AgendaResult<Appointment>> {
  const now = Date.now();
  const early = notStarted(a, now);
  if (early) return early;
  const missed = await ctx.store.appointments.transition(ctx.company.id, a.id, ["scheduled", "confirmed"], "no_show", now);
  if (!missed) return cannotMark(a, "no-show");
  await unschedule(ctx, missed);
  await ctx.store.feedback.add(ctx.company.id, { appointmentId: missed.id, contactId: missed.contactId, kind: "no_show", score: -1, text: "Cliente não compareceu" });
  await count(ctx, [{ metric: "secretaria_appointments_no_shows_total", labels: {}, inc: 1 }]);
  await ctx.store.auditLogs.append(ctx.company.id, { actor: source, action: "appointment.no_show", target: `appointment:${a.id}` });
  await publish(ctx.env, ctx.store, [businessEvent("appointment.no_show", ctx.company.id, a.id, appointmentData(missed))]);
  if (ctx.profile.agenda.rebookOnNoShow) await sendAbout(ctx, missed, "noShow", "reactivation", `noshow:${missed.id}`);
  return { ok: true, value: missed };
}

/** Sends an agenda message about an appointment to its contact (idempotent by clientRef). */
async function sendAbout(ctx: AgendaCtx, a: Appointment, key: Parameters<typeof say>[1], purpose: string, clientRef: string): Promise<number | null> {
  const contact = await ctx.store.contacts.byId(ctx.company.id, a.contactId);
  if (!contact || contact.optedOut) return null;
  const conversation = await ctx.store.conversations.open(ctx.company.id, contact.id, Date.now());
  const vars = { name: commaName(contact.name), business: ctx.company.name, slot: label(ctx, slotOf(a)) };
  // The tenant's own text, or a running A/B test's variant for this contact.
  const { text, pick } = await agendaText(ctx.store, ctx.company.id, ctx.profile, key, localeOf(ctx), contact.id, vars);
  const message = { company: ctx.company, contact, conversation, clientRef, correlationId: clientRef, author: "system" as const, purpose };
  const messageId = await queueOutbound(ctx.env, ctx.store, { ...message, payload: { kind: "text", text } });
  if (pick) await recordSent(ctx.env, ctx.store, ctx.company.id, pick, contact.id, clientRef);
  return messageId;
}

/**
 * Runs one due appointment task (from the jobs queue). The outbound message is idempotent by the task
 * id and the task row completes once, so an alarm or queue delivered twice does nothing twice.
 */
async function holdTask(env: Env, company: Company, job: AgendaTaskJob): Promise<void> {
  if (company.status !== "suspended") return;
  await tenantStub(env, company.id).hold([{ kind: "task", job }]);
  await recordMetrics(env, company.id, [{ metric: "secretaria_work_held_total", labels: { kind: "task" }, inc: 1 }]);
}

export async function runAppointmentTask(env: Env, store: Store, companyId: number, taskId: number): Promise<void> {
  const task = await store.appointmentTasks.byId(companyId, taskId);
  if (task?.status !== "pending") return;
  const company = await store.companies.byId(companyId);
  // Suspended: the task stays pending and its DO offers it again on resume; closed: it stays pending with the data.
  if (company && company.status !== "active") return holdTask(env, company, { kind: "agenda_task", companyId, taskId, generation: 0 });
  const appointment = await store.appointments.byId(companyId, task.appointmentId);
  if (!company || !appointment) return void (await store.appointmentTasks.complete(companyId, task.id, Date.now(), { status: "skipped", detail: "appointment gone" }));
  const ctx = await agendaCtx(env, store, company);
  const tenant = tenantStub(env, company.id);
  const contact = await store.contacts.byId(companyId, appointment.contactId);
  const live = ["scheduled", "confirmed"].includes(appointment.status);
  // Checked at send time: an opt-out after booking stops its reminders and follow-up, recorded as skipped (not as sent).
  if (contact?.optedOut && task.kind !== "no_show_check")
    return void (await store.appointmentTasks.complete(companyId, task.id, Date.now(), { status: "skipped", detail: "contact opted out" }));

  if (task.kind === "reminder") {
    if (!live || appointment.startsAt <= Date.now() || !contact)
      return void (await store.appointmentTasks.complete(companyId, task.id, Date.now(), { status: "skipped", detail: `appointment ${appointment.status}` }));
    const messageId = await sendAbout(ctx, appointment, "reminder", "reminder", `task:${task.id}`);
    await store.scheduling.noteReminder(companyId, appointment.id, "sent");
    await tenant.setAgendaState(contact.phone, { stage: "reminded", appointmentId: appointment.id });
    if (await store.appointmentTasks.complete(companyId, task.id, Date.now(), { status: "done", messageId })) {
      await count(ctx, [{ metric: "secretaria_appointments_reminders_sent_total", labels: { offset: String(task.offsetMinutes) }, inc: 1 }]);
    }
    return;
  }
  if (task.kind === "no_show_check") {
    if (live) await markNoShow(ctx, appointment, "system");
    await store.appointmentTasks.complete(companyId, task.id, Date.now(), {
      status: live ? "done" : "skipped",
      detail: live ? "marked no_show" : `appointment ${appointment.status}`,
    });
    return;
  }
  // followup
  if (appointment.status !== "attended" || !contact)
    return void (await store.appointmentTasks.complete(companyId, task.id, Date.now(), { status: "skipped", detail: `appointment ${appointment.status}` }));
  const messageId = await sendAbout(ctx, appointment, "followup", "followup", `task:${task.id}`);
  await tenant.setAgendaState(contact.phone, { stage: "awaiting_followup", appointmentId: appointment.id }, 7 * 24 * 3_600_000);
  if (await store.appointmentTasks.complete(companyId, task.id, Date.now(), { status: "done", messageId })) {
    await count(ctx, [{ metric: "secretaria_appointments_followups_sent_total", labels: {}, inc: 1 }]);
  }
}
