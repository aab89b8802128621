/** The built-in calendar provider: the tenant's hours (agenda settings) minus what is booked in the store. */
import type { Company, Store } from "../store/types";
import type { AgendaSettings, CompanyProfile } from "../tenants/profile";
import { CalendarSettings, refusalOf, type SlotRefusal, slotsBetween } from "./calendar";
import type { BookingProvider, BookingResult, Slot } from "./types";

const MINUTE = 60_000;

export const calendarSettings = (a: AgendaSettings) => CalendarSettings.parse(a.calendar);
export const builtinUid = (idempotencyKey: string) => `builtin-${idempotencyKey}`;

const refusalMessage = (why: SlotRefusal, settings: CalendarSettings, lengthMinutes: number): string =>
  ({
    slot_in_past: "That time has already passed",
    too_soon: `Appointments are booked at least ${settings.minNoticeMinutes} minutes ahead`,
    beyond_horizon: `Appointments are booked at most ${settings.horizonDays} days ahead`,
    outside_hours: `The business is closed then, or a ${lengthMinutes} min appointment does not fit an opening (slots every ${settings.slotMinutes + settings.bufferMinutes} min)`,
  })[why];

/**
 * How long an appointment for `service` lasts: the duration the business gave that service
 * (knowledge.services, matched by name whatever the case and spacing), else the calendar's slot.
 */
export function serviceMinutes(profile: CompanyProfile, service?: string | null): number {
  const key = service?.trim().toLocaleLowerCase();
  const named = key ? profile.knowledge.services.find((s) => s.name.trim().toLocaleLowerCase() === key) : undefined;
  return named?.durationMinutes ?? calendarSettings(profile.agenda).slotMinutes;
}

/** The built-in calendar: availability from the tenant's hours minus what is booked in D1. */
export function builtinProvider(ctx: { store: Store; company: Company; profile: CompanyProfile }): BookingProvider {
  const settings = calendarSettings(ctx.profile.agenda);
  const free = async (from: string, to: string, service?: string | null) => {
    const busy = await ctx.store.appointments.busy(ctx.company.id, Date.parse(from) - 24 * 60 * MINUTE, Date.parse(to) + 24 * 60 * MINUTE);
    return slotsBetween(
      settings,
      { from, to, timeZone: ctx.company.timeZone, now: new Date().toISOString(), lengthMinutes: serviceMinutes(ctx.profile, service) },
      busy.map((b) => ({ start: new Date(b.start).toISOString(), end: new Date(b.end).toISOString() })),
    );
  };
  const check = async (start: string, service?: string | null): Promise<BookingResult<Slot>> => {
    // Only slot starts in [start, start + 1 min) can match: the one asked for, or none.
    const found = (await free(start, new Date(Date.parse(start) + MINUTE).toISOString(), service)).find((s) => s.start === start);
    if (found) return { ok: true, value: found };
    const length = serviceMinutes(ctx.profile, service);
    const why = refusalOf(settings, start, { timeZone: ctx.company.timeZone, now: new Date().toISOString(), lengthMinutes: length });
    if (why === null) return { ok: false, code: "slot_taken", message: "That time is no longer available", retryable: false };
    return { ok: false, code: why, message: refusalMessage(why, settings, length), retryable: false };
  };
  return {
    name: "builtin",
    async availability(q) {
      return { ok: true, value: await free(q.from, q.to, q.service) };
    },
    async book(req) {
      const slot = await check(req.start, req.service);
      if (!slot.ok) return slot;
      return { ok: true, value: { uid: builtinUid(req.idempotencyKey), start: slot.value.start, end: slot.value.end, status: "accepted" } };
    },
    async cancel(uid) {
      return { ok: true, value: { uid, start: "", end: "", status: "cancelled" } };
    },
    async reschedule(uid, newStart) {
      // The new time must hold the whole service the appointment was booked for.
      const current = await ctx.store.appointments.byUid(ctx.company.id, uid);
      const slot = await check(newStart, current?.service);
      if (!slot.ok) return slot;
      return { ok: true, value: { uid, start: slot.value.start, end: slot.value.end, status: "accepted" } };
    },
  };
}
