/**
 * The built-in calendar: a pure slot engine over the tenant's weekly hours, in the tenant's IANA time zone.
 * Wall times are the business's ("08:00 on Mondays"); slots come out as UTC instants. The zone
 * conversions (and their DST rules: a wall time in the spring-forward gap is skipped, one in the
 * fall-back overlap means its first occurrence) are lib/time-zone's.
 */
import * as z from "../lib/zod";
import {
  addDays,
  dayConverter,
  dayDiff,
  formatterFor,
  HH_MM,
  isTime,
  MINUTE_MS,
  minutesOf,
  parseLocalDate,
  requireLocalDate,
  toMs,
  utcToZoned,
  Weekday,
  weekdayOf,
  zonedParts,
} from "../lib/time-zone";
import type { Slot } from "./types";

// ---------------------------------------------------------------------------------------------
// Settings

const LocalTime = z.string().regex(HH_MM, 'expected "HH:MM" between 00:00 and 23:59');
const EndTime = z.union([LocalTime, z.literal("24:00")]);
const LocalDate = z.string().refine((s) => parseLocalDate(s) !== null, 'expected a date "YYYY-MM-DD"');

/** One opening interval of a weekday, in the tenant's wall-clock time; "24:00" may close the day. */
export const OpeningInterval = z
  .object({ start: LocalTime, end: EndTime })
  // zod still runs this when a field failed its regex: only compare two well-formed times.
  .refine((i) => !isTime(i.start) || !isTime(i.end) || minutesOf(i.start) < minutesOf(i.end), {
    message: "end must be after start",
    path: ["end"],
  });
export type OpeningInterval = z.infer<typeof OpeningInterval>;

function defaultWeeklyHours(): Partial<Record<Weekday, OpeningInterval[]>> {
  const weekday = () => [
    { start: "08:00", end: "12:00" },
    { start: "13:00", end: "18:00" },
  ];
  return { mon: weekday(), tue: weekday(), wed: weekday(), thu: weekday(), fri: weekday(), sat: [{ start: "08:00", end: "12:00" }] };
}

export const CalendarSettings = z.object({
  /** Opening hours per weekday; a missing weekday is closed. Default: mon–fri 08–12 and 13–18, sat 08–12. */
  weeklyHours: z.partialRecord(Weekday, z.array(OpeningInterval).max(24)).default(defaultWeeklyHours),
  /** Length of one appointment. */
  slotMinutes: z.number().int().min(5).max(480).default(30),
  /** Free time kept between appointments (the next slot starts after slotMinutes + bufferMinutes). */
  bufferMinutes: z.number().int().min(0).max(480).default(0),
  /** How many bookings may overlap one slot (chairs, rooms, professionals). */
  capacity: z.number().int().min(1).max(1000).default(1),
  /** Local dates with no slots at all (holidays, vacations). */
  closedDates: z.array(LocalDate).max(2000).default([]),
  /** A slot must start at least this long after now. */
  minNoticeMinutes: z.number().int().min(0).max(525_600).default(60),
  /** Bookable through the local date `horizonDays` after today (0 = today only). */
  horizonDays: z.number().int().min(0).max(730).default(30),
});
export type CalendarSettings = z.infer<typeof CalendarSettings>;

// ---------------------------------------------------------------------------------------------
// Slots

export interface SlotQuery {
  /** Inclusive range start / exclusive end for slot starts, as instants (ISO). */
  from: string;
  to: string;
  /** IANA time zone of the tenant. */
  timeZone: string;
  /** The current instant: min notice and the horizon count from it. */
  now: string;
  /** How long the booking lasts (a service's duration); slotMinutes when absent. Slots start on the slotMinutes grid. */
  lengthMinutes?: number;
}

/** A booking that already holds capacity (any provider, any length). */
export interface TakenInterval {
  start: string;
  end: string;
}

/**
 * Free slots of the built-in calendar whose start lies in [from, to), ascending, without duplicates;
 * each lasts `lengthMinutes` and is offered only where all of it fits in an opening interval and has room.
 * Taken bookings (widened by the buffer on both sides) remove a slot once as many of them overlap at
 * one moment of the slot as its capacity allows.
 */
export function slotsBetween(settings: CalendarSettings, q: SlotQuery, taken: readonly TakenInterval[]): Slot[] {
  const from = toMs(q.from, "from");
  const to = toMs(q.to, "to");
  const now = toMs(q.now, "now");
  const tz = q.timeZone;
  formatterFor(tz); // an unknown zone fails here, even for an empty range
  if (to <= from) return [];

  const length = q.lengthMinutes ?? settings.slotMinutes;
  const slotMs = length * MINUTE_MS;
  const step = settings.slotMinutes + settings.bufferMinutes;
  const bufferMs = settings.bufferMinutes * MINUTE_MS;
  const earliest = Math.max(from, now + settings.minNoticeMinutes * MINUTE_MS);
  const lastBookableDay = addDays(zonedParts(now, tz).date, settings.horizonDays);
  const closed = new Set(settings.closedDates);
  const busy = prepareTaken(taken, bufferMs);

  // One day of margin each side: a zone changing offset at midnight can put a slot's instant on the
  // neighbouring UTC-derived date; the instant filters below are what decide.
  const lastDayOfRange = addDays(zonedParts(to, tz).date, 1);
  const lastDay = lastDayOfRange < lastBookableDay ? lastDayOfRange : lastBookableDay;
  const found = new Map<number, number>();
  for (let day = addDays(zonedParts(earliest, tz).date, -1); day <= lastDay; day = addDays(day, 1)) {
    if (closed.has(day)) continue;
    const intervals = settings.weeklyHours[weekdayOf(day)] ?? [];
    if (intervals.length === 0) continue;
    const toInstant = dayConverter(day, tz);
    for (const interval of intervals) {
      const close = minutesOf(interval.end);
      for (let t = minutesOf(interval.start); t + length <= close; t += step) {
        const s = toInstant(t);
        if (s === null) continue; // in the spring-forward gap
        if (s < earliest || s >= to || found.has(s)) continue;
        const e = s + slotMs;
        if (hasRoom(busy, s, e, settings.capacity)) found.set(s, e);
      }
    }
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([s, e]) => ({ start: new Date(s).toISOString(), end: new Date(e).toISOString() }));
}

/** Why a start is not one of the calendar's slots, whatever is booked; null when it is one. */
export type SlotRefusal = "slot_in_past" | "too_soon" | "beyond_horizon" | "outside_hours";

/**
 * Checks `start` against the calendar alone (now, notice, horizon, closed dates, opening hours and the
 * slot grid) so a refusal can say what is wrong instead of "taken". A booking of `lengthMinutes` must
 * fit its opening interval whole.
 */
export function refusalOf(settings: CalendarSettings, start: string, q: Pick<SlotQuery, "timeZone" | "now" | "lengthMinutes">): SlotRefusal | null {
  const s = toMs(start, "start");
  const now = toMs(q.now, "now");
  if (s < now) return "slot_in_past";
  if (s < now + settings.minNoticeMinutes * MINUTE_MS) return "too_soon";
  const at = zonedParts(s, q.timeZone);
  if (at.date > addDays(zonedParts(now, q.timeZone).date, settings.horizonDays)) return "beyond_horizon";
  if (settings.closedDates.includes(at.date)) return "outside_hours";
  const minute = minutesOf(at.time);
  const length = q.lengthMinutes ?? settings.slotMinutes;
  const step = settings.slotMinutes + settings.bufferMinutes;
  const fits = (settings.weeklyHours[weekdayOf(at.date)] ?? []).some((i) => {
    const open = minutesOf(i.start);
    return minute >= open && minute + length <= minutesOf(i.end) && (minute - open) % step === 0;
  });
  return fits ? null : "outside_hours";
}

interface Busy {
  start: number;
  end: number;
}

function prepareTaken(taken: readonly TakenInterval[], bufferMs: number): Busy[] {
  const out: Busy[] = [];
  for (const t of taken) {
    const start = Date.parse(t.start);
    const end = Date.parse(t.end);
    // A malformed or empty booking holds nothing; the store validates them on the way in.
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) continue;
    out.push({ start: start - bufferMs, end: end + bufferMs });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** True while fewer than `capacity` busy intervals overlap at any one moment of [s, e). */
function hasRoom(busy: readonly Busy[], s: number, e: number, capacity: number): boolean {
  const overlapping: Busy[] = [];
  for (const b of busy) {
    if (b.start >= e) break;
    if (b.end > s) overlapping.push(b);
  }
  if (overlapping.length < capacity) return true;
  // Bookings inside one slot may follow each other without overlapping: count the peak, not the total.
  const events: [number, number][] = [];
  for (const b of overlapping) events.push([Math.max(b.start, s), 1], [Math.min(b.end, e), -1]);
  // Half-open intervals: at equal times an end frees room before a start takes it.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  for (const [, delta] of events) {
    running += delta;
    if (running >= capacity) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Labels

export type LabelLocale = "pt-BR" | "en" | "es";

// Fixed tables rather than Intl names: ICU versions differ in abbreviations, dots and the narrow
// no-break space before AM/PM, and these labels go verbatim into WhatsApp messages and tests.
const WEEKDAY_NAMES: Record<LabelLocale, Record<Weekday, string>> = {
  "pt-BR": { mon: "seg", tue: "ter", wed: "qua", thu: "qui", fri: "sex", sat: "sáb", sun: "dom" },
  en: { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" },
  es: { mon: "lun", tue: "mar", wed: "mié", thu: "jue", fri: "vie", sat: "sáb", sun: "dom" },
};
const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const RELATIVE: Record<LabelLocale, [today: string, tomorrow: string]> = {
  "pt-BR": ["hoje", "amanhã"],
  en: ["today", "tomorrow"],
  es: ["hoy", "mañana"],
};

/**
 * A short label for a slot in the tenant's zone, relative to `now` for today and tomorrow.
 * @example formatSlotLabel(slot, "America/Sao_Paulo", "pt-BR", now) // "amanhã (qua, 26/11) às 14:00"
 * @example formatSlotLabel(slot, "America/Sao_Paulo", "en", now) // "Fri, Nov 28 at 9:30 AM"
 */
export function formatSlotLabel(slot: Slot, timeZone: string, locale: LabelLocale, now: string): string {
  const at = utcToZoned(slot.start, timeZone);
  const today = utcToZoned(now, timeZone).date;
  const diff = dayDiff(today, at.date);
  const relative = diff === 0 ? RELATIVE[locale][0] : diff === 1 ? RELATIVE[locale][1] : null;
  const [, month, day] = requireLocalDate(at.date);
  const dd = String(day).padStart(2, "0");
  const mm = String(month).padStart(2, "0");
  const wd = WEEKDAY_NAMES[locale][at.weekday];
  const hour = Number(at.time.slice(0, 2));
  const minute = at.time.slice(3);

  let date: string;
  let time: string;
  switch (locale) {
    case "en":
      date = `${wd}, ${EN_MONTHS[month - 1] ?? ""} ${day}`;
      time = `at ${hour % 12 === 0 ? 12 : hour % 12}:${minute} ${hour < 12 ? "AM" : "PM"}`;
      break;
    case "es":
      date = `${wd} ${dd}/${mm}`;
      // "a la una", "a las dos": the article agrees with the hour.
      time = `${hour === 1 ? "a la" : "a las"} ${at.time}`;
      break;
    default:
      date = `${wd}, ${dd}/${mm}`;
      // "à uma", "às duas": crase agrees with the hour.
      time = `${hour === 1 ? "à" : "às"} ${at.time}`;
  }
  return relative === null ? `${date} ${time}` : `${relative} (${date}) ${time}`;
}
