/**
 * Business hours, holidays and quiet hours of a tenant, on its IANA zone's wall clock. Outside business
 * hours the assistant still answers and books; a handoff says when a person is back and the SLA clock
 * stops. Quiet hours are when nothing the business starts (campaigns, re-engagement, reports) goes out.
 * `enabled: false` (the default) means always open, as before business hours existed.
 */
import * as z from "../lib/zod";
import { HH_MM, isTime, minutesOf, parseLocalDate, Weekday, zonedParts } from "../lib/time-zone";

const LocalTime = z.string().regex(HH_MM, 'expected "HH:MM" between 00:00 and 23:59');
const EndTime = z.union([LocalTime, z.literal("24:00")]);

export const OpenInterval = z
  .object({ start: LocalTime, end: EndTime })
  .refine((i) => !isTime(i.start) || !isTime(i.end) || minutesOf(i.start) < minutesOf(i.end), { message: "end must be after start", path: ["end"] });
export type OpenInterval = z.infer<typeof OpenInterval>;

function defaultWeekly(): Partial<Record<Weekday, OpenInterval[]>> {
  const day = () => [{ start: "08:00", end: "18:00" }];
  return { mon: day(), tue: day(), wed: day(), thu: day(), fri: day() };
}

export const BusinessHours = z.object({
  enabled: z.boolean().default(false),
  /** Opening intervals per weekday; a missing weekday is closed. */
  weekly: z.partialRecord(Weekday, z.array(OpenInterval).max(8)).default(defaultWeekly),
  /** Local dates closed all day. */
  holidays: z
    .array(z.object({ date: z.string().refine((s) => parseLocalDate(s) !== null, 'expected a date "YYYY-MM-DD"'), name: z.string().trim().max(80).default("") }))
    .max(366)
    .default([]),
  /** Nothing the business starts goes out from `start` to `end` (local; may cross midnight). */
  quiet: z.object({ start: LocalTime.default("20:00"), end: LocalTime.default("08:00") }).prefault({}),
});
export type BusinessHours = z.infer<typeof BusinessHours>;

/** Whether a person is expected to be working at `at` (always true while business hours are off). */
export function isOpenAt(hours: BusinessHours, timeZone: string, at: number): boolean {
  if (!hours.enabled) return true;
  const local = zonedParts(at, timeZone);
  if (hours.holidays.some((h) => h.date === local.date)) return false;
  const minute = minutesOf(local.time);
  return (hours.weekly[local.weekday] ?? []).some((i) => minutesOf(i.start) <= minute && minute < minutesOf(i.end));
}

/** Whether `at` falls in the tenant's quiet hours (an empty range, start = end, means never quiet). */
export function inQuietHours(hours: BusinessHours, timeZone: string, at: number): boolean {
  const minute = minutesOf(zonedParts(at, timeZone).time);
  const start = minutesOf(hours.quiet.start);
  const end = minutesOf(hours.quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}
