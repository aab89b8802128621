/**
 * A billing period is a calendar month in the tenant's IANA time zone ("2026-12"): a clinic in São
 * Paulo starts December at 03:00 UTC, not at midnight UTC.
 */
import { zonedParts, zonedTimeToUtc } from "../lib/time-zone";

/** The period holding an instant, e.g. `periodOf(Date.parse("2026-12-01T02:00Z"), "America/Sao_Paulo")` → "2026-11". */
export function periodOf(ms: number, timeZone: string): string {
  return zonedParts(ms, timeZone).date.slice(0, 7);
}

/** When the period after the one holding `ms` starts (local midnight of the 1st; 01:00 if midnight falls in a DST gap). */
export function nextPeriodStart(ms: number, timeZone: string): number {
  const [y, m] = periodOf(ms, timeZone).split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  return (zonedTimeToUtc(next, "00:00", timeZone) ?? zonedTimeToUtc(next, "01:00", timeZone) ?? new Date(Date.parse(`${next}T00:00:00Z`))).getTime();
}
