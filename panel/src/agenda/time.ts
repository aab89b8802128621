/**
 * Dates in the TENANT's time zone (not the browser's): a receptionist abroad still sees the clinic's
 * day. Local dates are "YYYY-MM-DD" strings; instants are epoch milliseconds.
 */
import { currentLocale } from "../i18n";
import type { Weekday } from "./types";

const parts = new Map<string, Intl.DateTimeFormat>();
function partsFormat(tz: string): Intl.DateTimeFormat {
  let f = parts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      weekday: "short",
    });
    parts.set(tz, f);
  }
  return f;
}

/** The wall-clock date, minute of the day and weekday of an instant in `tz`. */
export function zoned(ms: number, tz: string): { date: string; minute: number; weekday: Weekday } {
  const p = Object.fromEntries(
    partsFormat(tz)
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, minute: Number(p.hour) * 60 + Number(p.minute), weekday: String(p.weekday).slice(0, 3).toLowerCase() as Weekday };
}

const utcOf = (date: string) => {
  const [y = 1970, m = 1, d = 1] = date.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
};

/** The instant a local date and minute happen in `tz` (two corrections cover a DST change). */
export function instantOf(date: string, minute: number, tz: string): number {
  const wanted = utcOf(date) + minute * 60_000;
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const z = zoned(guess, tz);
    guess += wanted - (utcOf(z.date) + z.minute * 60_000);
  }
  return guess;
}

export const addDays = (date: string, n: number) => new Date(utcOf(date) + n * 86_400_000).toISOString().slice(0, 10);
export const today = (tz: string) => zoned(Date.now(), tz).date;
/** Monday of the local week of `date`. */
export function weekStart(date: string): string {
  const dow = new Date(utcOf(date)).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}
export const weekdayOf = (date: string): Weekday => (["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const)[new Date(utcOf(date)).getUTCDay()] ?? "mon";
export const daysBetween = (from: string, to: string) => Math.round((utcOf(to) - utcOf(from)) / 86_400_000);

/** "HH:MM" ↔ minutes of the day. */
export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

// A local date is formatted as that day at noon UTC, in UTC: no zone can move it to the next day.
const dateFormat = (opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(currentLocale(), { ...opts, timeZone: "UTC" });
export const formatDay = (date: string, opts: Intl.DateTimeFormatOptions = { weekday: "short", day: "2-digit", month: "2-digit" }) =>
  dateFormat(opts).format(new Date(utcOf(date) + 43_200_000));
export function formatRange(from: string, to: string): string {
  const f = dateFormat({ day: "numeric", month: "short", year: "numeric" });
  const a = new Date(utcOf(from) + 43_200_000);
  return from === to ? dateFormat({ weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(a) : f.formatRange(a, new Date(utcOf(to) + 43_200_000));
}
/** An instant's time of day in the tenant's zone, in the panel's language. */
export const formatTime = (iso: string, tz: string) => new Intl.DateTimeFormat(currentLocale(), { timeZone: tz, hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
export const formatWhen = (iso: string, tz: string) =>
  new Intl.DateTimeFormat(currentLocale(), { timeZone: tz, weekday: "short", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
