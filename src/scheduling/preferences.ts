/**
 * A contact's habits, read from their own appointments (one statement): the usual weekday, period of
 * the day and service. A habit needs at least two agreeing visits that are also a majority of the
 * visits, so one odd booking says nothing. Visits are the appointments that were kept or are still on
 * (attended, confirmed, scheduled); no-shows and cancellations are not a choice the contact stood by.
 * Weekday and period are the tenant's clock, in the same windows `matchSlots` uses for "de manhã".
 * There is no professional in the product (one calendar per tenant): the service is the only "who/what".
 */
import type { AgendaCtx } from "../agenda/service";
import { type DayPeriod, matchSlots } from "../agenda/when";
import { WEEKDAYS, type Weekday } from "../lib/time-zone";
import type { Appointment, Contact } from "../store/types";

/** A habit needs this many agreeing visits (and a majority of them). */
export const MIN_AGREEING = 2;
/** Far more than a person's visits; bounds the statement for a contact with a long imported past. */
export const CONTACT_HISTORY_LIMIT = 500;

const VISIT: ReadonlySet<Appointment["status"]> = new Set(["attended", "confirmed", "scheduled"]);
const PERIODS: readonly DayPeriod[] = ["morning", "afternoon", "evening"];

export interface Preferences {
  weekday?: Weekday;
  period?: DayPeriod;
  service?: string;
  /** The visits they were read from. */
  visits: number;
}

/** What one offer knows of the contact: every appointment of theirs (no-shows too, for the risk) and their habits. */
export interface ContactHistory {
  appointments: Appointment[];
  preferences: Preferences;
}

/** The value two or more visits, and more than half of them, agree on. */
function usual<T>(counts: Map<T, number>, visits: number): T | undefined {
  for (const [value, n] of counts) if (n >= MIN_AGREEING && n * 2 > visits) return value;
  return undefined;
}

/** Habits of a list of appointments, in the tenant's zone. */
export function preferencesOf(appointments: readonly Appointment[], timeZone: string): Preferences {
  const visits = appointments.filter((a) => VISIT.has(a.status)).map((a) => ({ start: new Date(a.startsAt).toISOString(), service: a.service }));
  const n = visits.length;
  if (n < MIN_AGREEING) return { visits: n };
  const byWeekday = new Map(WEEKDAYS.map((w) => [w, matchSlots(visits, { weekday: w }, timeZone).length]));
  const byPeriod = new Map(PERIODS.map((p) => [p, matchSlots(visits, { period: p }, timeZone).length]));
  const byService = new Map<string, number>();
  for (const v of visits) {
    const key = v.service?.trim();
    if (key) byService.set(key, (byService.get(key) ?? 0) + 1);
  }
  const weekday = usual(byWeekday, n);
  const period = usual(byPeriod, n);
  const service = usual(byService, n);
  return { visits: n, ...(weekday ? { weekday } : {}), ...(period ? { period } : {}), ...(service ? { service } : {}) };
}

/**
 * The contact's appointments (this tenant's only) and habits; null for a contact with none, who is
 * offered as before. The usual service is kept only while the business still lists it (in its spelling),
 * so a habit never books a service that is no longer offered.
 */
export async function contactHistory(ctx: AgendaCtx, contact: Contact): Promise<ContactHistory | null> {
  const appointments = await ctx.store.appointments.list(ctx.company.id, { contactId: contact.id, limit: CONTACT_HISTORY_LIMIT, newestFirst: true });
  if (appointments.length === 0) return null;
  return { appointments, preferences: listedPreferences(appointments, ctx.company.timeZone, ctx.profile.knowledge.services) };
}

/** Habits as the offers follow them (and the contact card shows them): the usual service only while listed, in the business's spelling. */
export function listedPreferences(appointments: readonly Appointment[], timeZone: string, services: readonly { name: string }[]): Preferences {
  const { service, ...preferences } = preferencesOf(appointments, timeZone);
  const key = service?.toLocaleLowerCase();
  const listed = key ? services.find((s) => s.name.trim().toLocaleLowerCase() === key) : undefined;
  return listed ? { ...preferences, service: listed.name } : preferences;
}
