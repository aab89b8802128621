/**
 * When a scheduled message goes: the API takes the tenant's local wall time ("YYYY-MM-DDTHH:MM", read on
 * company.timeZone) or an ISO instant with an offset. A wall time the zone skips (spring-forward gap) is
 * refused rather than moved: the person meant a time that never shows on the clock.
 */
import { AppError } from "../lib/errors";
import { DAY_MS, parseLocalDate, utcToZoned, zonedTimeToUtc } from "../lib/time-zone";

const LOCAL = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;
// An instant must say where it is (Z or ±HH:MM): a bare "…T10:00:00" would be read in the server's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The furthest ahead a message may be scheduled. */
export const MAX_AHEAD_MS = 366 * DAY_MS;

export function parseSendAt(value: string, timeZone: string, now: number): number {
  const local = LOCAL.exec(value);
  let at: number;
  if (local) {
    const [, date = "", hh, mm] = local;
    if (!parseLocalDate(date)) throw new AppError(422, "send_at_invalid", `"${value}" is not a real date`);
    const instant = zonedTimeToUtc(date, `${hh}:${mm}`, timeZone);
    if (!instant) throw new AppError(422, "send_at_nonexistent", `${date} ${hh}:${mm} does not exist in ${timeZone} (the clocks skip it for daylight saving time)`);
    at = instant.getTime();
  } else if (INSTANT.test(value) && Number.isFinite(Date.parse(value))) {
    at = Date.parse(value);
  } else {
    throw new AppError(422, "send_at_invalid", 'send_at must be a local "YYYY-MM-DDTHH:MM" or an ISO instant with its offset');
  }
  if (at <= now) throw new AppError(422, "send_at_past", "send_at is in the past");
  if (at - now > MAX_AHEAD_MS) throw new AppError(422, "send_at_too_far", "send_at is more than a year ahead");
  return at;
}

/** An instant as the tenant reads it: "YYYY-MM-DDTHH:MM" on its wall clock. */
export function localOf(ms: number, timeZone: string): string {
  const z = utcToZoned(ms, timeZone);
  return `${z.date}T${z.time}`;
}
