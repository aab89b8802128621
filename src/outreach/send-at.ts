/**
 * When something scheduled goes (a scheduled message, a campaign's start): the API takes the tenant's
 * local wall time ("YYYY-MM-DDTHH:MM", read on company.timeZone) or an ISO instant with an offset. A wall
 * time the zone skips (spring-forward gap) is refused rather than moved: the person meant a time that
 * never shows on the clock. The browser never converts: its one-offset guess is wrong at a DST change.
 */
import { AppError } from "../lib/errors";
import { DAY_MS, parseLocalDate, utcToZoned, zonedTimeToUtc } from "../lib/time-zone";

const LOCAL = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;
// An instant must say where it is (Z or ±HH:MM): a bare "…T10:00:00" would be read in the server's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The furthest ahead a message may be scheduled. */
export const MAX_AHEAD_MS = 366 * DAY_MS;

export function parseSendAt(value: string, timeZone: string, now: number): number {
  const at = parseWallTime(value, timeZone, "send_at");
  if (at <= now) throw new AppError(422, "send_at_past", "send_at is in the past");
  if (at - now > MAX_AHEAD_MS) throw new AppError(422, "send_at_too_far", "send_at is more than a year ahead");
  return at;
}

/**
 * A local wall time on the tenant's clock or an ISO instant with its offset → ms; 422 `<field>_invalid` or
 * `<field>_nonexistent` (a time the DST change skips) otherwise.
 * @example parseWallTime("2027-03-14T03:30", "America/New_York", "starts_at") // Date.parse("2027-03-14T07:30:00Z")
 */
export function parseWallTime(value: string, timeZone: string, field: string): number {
  const local = LOCAL.exec(value);
  if (local) {
    const [, date = "", hh, mm] = local;
    if (!parseLocalDate(date)) throw new AppError(422, `${field}_invalid`, `"${value}" is not a real date`);
    const instant = zonedTimeToUtc(date, `${hh}:${mm}`, timeZone);
    if (!instant) throw new AppError(422, `${field}_nonexistent`, `${date} ${hh}:${mm} does not exist in ${timeZone} (the clocks skip it for daylight saving time)`);
    return instant.getTime();
  }
  if (INSTANT.test(value) && Number.isFinite(Date.parse(value))) return Date.parse(value);
  throw new AppError(422, `${field}_invalid`, `${field} must be a local "YYYY-MM-DDTHH:MM" or an ISO instant with its offset`);
}

/** An instant as the tenant reads it: "YYYY-MM-DDTHH:MM" on its wall clock. */
export function localOf(ms: number, timeZone: string): string {
  const z = utcToZoned(ms, timeZone);
  return `${z.date}T${z.time}`;
}
