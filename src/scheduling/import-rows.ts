/**
 * One CSV record (csv.ts) → one appointment row of the history import or the risk batch, or a short
 * reason naming the column ("booked_at: not a date (\"31/02/2026 10:00\")"). Dates are ISO 8601 with an
 * offset or the tenant's local wall time; booleans take sim/não, yes/no, true/false, 1/0.
 */
import { dayConverter, hhmm, MINUTE_MS } from "../lib/time-zone";
import { normalizePhone } from "../lib/phone";
import type { ImportRecord } from "../store/types";
import { AppointmentOutcome } from "./history";

export const IMPORT_STATUSES = AppointmentOutcome.options;
export type ImportStatus = AppointmentOutcome;

/** A parsed row: what the store imports, with what a risk batch may leave out left optional. */
export type ImportRow = Omit<ImportRecord, "status" | "reminderAnswered" | "lastContactAt"> & { status?: ImportStatus; reminderAnswered?: boolean; lastContactAt?: number };

/** Field index of each column read; `width` is the header's field count. */
export interface ColumnMap {
  width: number;
  externalId: number;
  contact: number;
  bookedAt: number;
  startsAt: number;
  endsAt: number;
  status?: number;
  reminderSent?: number;
  reminderAnswered?: number;
  confirmed?: number;
  lastContactAt?: number;
  /** [name without the `attr_` prefix, field index] */
  attrs: [string, number][];
}

const REQUIRED = ["external_id", "contact", "booked_at", "starts_at", "ends_at"] as const;
const OPTIONAL = ["reminder_sent", "reminder_answered", "confirmed", "last_contact_at"] as const;
const ATTR_COLUMN = /^attr_([a-z0-9_]{1,64})$/;
const MAX_TEXT = 200;

/**
 * The column map of a header record. Names are trimmed and lower-cased; unknown columns (and `status`
 * when it is not required, since the risk batch predicts it) are listed in `ignored`, nameless ones
 * (a trailing delimiter) are not. A column read twice is an error; an ignored one may repeat.
 */
export function readHeader(
  fields: string[],
  opts: { requireStatus: boolean },
): { ok: true; columns: ColumnMap; ignored: string[] } | { ok: false; missing: string[]; duplicate: string[] } {
  const read = new Set<string>([...REQUIRED, ...OPTIONAL, ...(opts.requireStatus ? ["status"] : [])]);
  const index = new Map<string, number>();
  const attrs: [string, number][] = [];
  const ignored: string[] = [];
  const duplicate: string[] = [];
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    const attr = ATTR_COLUMN.exec(name)?.[1];
    if (!read.has(name) && attr === undefined) {
      if (name !== "") ignored.push(name);
    } else if (index.has(name)) {
      if (!duplicate.includes(name)) duplicate.push(name);
    } else {
      index.set(name, i);
      if (attr !== undefined) attrs.push([attr, i]);
    }
  });
  const missing = [...REQUIRED, ...(opts.requireStatus ? ["status"] : [])].filter((c) => !index.has(c));
  if (missing.length > 0 || duplicate.length > 0) return { ok: false, missing, duplicate };
  const at = (name: string): number => index.get(name) as number;
  return {
    ok: true,
    columns: {
      width: fields.length,
      externalId: at("external_id"),
      contact: at("contact"),
      bookedAt: at("booked_at"),
      startsAt: at("starts_at"),
      endsAt: at("ends_at"),
      status: index.get("status"),
      reminderSent: index.get("reminder_sent"),
      reminderAnswered: index.get("reminder_answered"),
      confirmed: index.get("confirmed"),
      lastContactAt: index.get("last_contact_at"),
      attrs,
    },
    ignored,
  };
}

/** Thrown inside parseRow with the reason for the row; never escapes it. */
class RowError extends Error {}

/**
 * One data record → an appointment row, or the first reason it is not one. Wall times without an
 * offset are read in `timeZone` (the tenant's).
 */
export function parseRow(
  columns: ColumnMap,
  rec: { line: number; fields: string[] },
  opts: { timeZone: string; requireStatus: boolean },
): { ok: true; row: ImportRow } | { ok: false; line: number; reason: string } {
  const { line, fields } = rec;
  if (fields.length !== columns.width) {
    return { ok: false, line, reason: `expected ${columns.width} fields, found ${fields.length}` };
  }
  const get = (i: number | undefined): string => (i === undefined ? "" : (fields[i] ?? "").trim());
  const instant = (column: string, i: number): number => parseInstant(column, get(i), opts.timeZone);
  try {
    const externalId = get(columns.externalId);
    if (externalId === "" || externalId.length > MAX_TEXT) {
      throw new RowError(`external_id: must be 1–${MAX_TEXT} characters`);
    }
    const contact = parseContact(get(columns.contact));
    const bookedAt = instant("booked_at", columns.bookedAt);
    const startsAt = instant("starts_at", columns.startsAt);
    const endsAt = instant("ends_at", columns.endsAt);
    if (endsAt < startsAt) throw new RowError("ends_at is before starts_at");
    if (bookedAt > startsAt) throw new RowError("booked_at is after starts_at");
    const lastContact = get(columns.lastContactAt);
    const row: ImportRow = {
      line,
      externalId,
      contact,
      bookedAt,
      startsAt,
      endsAt,
      reminderSent: parseBool("reminder_sent", get(columns.reminderSent)) ?? false,
      reminderAnswered: parseBool("reminder_answered", get(columns.reminderAnswered)),
      confirmed: parseBool("confirmed", get(columns.confirmed)) ?? false,
      attrs: {},
    };
    if (opts.requireStatus) row.status = parseStatus(get(columns.status));
    if (lastContact !== "") row.lastContactAt = parseInstant("last_contact_at", lastContact, opts.timeZone);
    for (const [name, i] of columns.attrs) {
      const v = get(i);
      if (v === "") continue;
      if (v.length > MAX_TEXT) throw new RowError(`attr_${name}: longer than ${MAX_TEXT} characters`);
      row.attrs[name] = NUMBER.test(v) ? Number(v.replace(",", ".")) : v;
    }
    return { ok: true, row };
  } catch (e) {
    if (e instanceof RowError) return { ok: false, line, reason: e.message };
    throw e;
  }
}

// A decimal comma is accepted; thousands separators are not ("1.000" is one).
const NUMBER = /^-?\d+(?:[.,]\d+)?$/;

function parseContact(v: string): ImportRow["contact"] {
  if (/^\d{1,9}$/.test(v) && Number(v) > 0) return { contactId: Number(v) };
  // Only something with a phone's digit count goes to normalizePhone: shorter numbers without a DDD
  // ("8765-4321") would otherwise read as an id or as someone else's phone.
  if (/^\d{10,}$/.test(v.replace(/[\s\-.()]/g, "").replace(/^\+/, ""))) {
    const phone = normalizePhone(v);
    if (phone) return { phone };
  }
  throw new RowError(`contact must be a phone number or a contact id (${quote(v)})`);
}

const TRUE = new Set(["true", "1", "yes", "y", "sim", "s"]);
const FALSE = new Set(["false", "0", "no", "n", "não", "nao"]);

/** undefined for an empty cell: the caller decides what unknown means. */
function parseBool(column: string, v: string): boolean | undefined {
  const k = v.toLowerCase();
  if (k === "") return undefined;
  if (TRUE.has(k)) return true;
  if (FALSE.has(k)) return false;
  throw new RowError(`${column}: not a yes/no value (${quote(v)})`);
}

function parseStatus(v: string): ImportStatus {
  const k = v.toLowerCase().replace(/^no[- ]?show$/, "no_show");
  const status = IMPORT_STATUSES.find((s) => s === k);
  if (!status) throw new RowError(`status: must be one of ${IMPORT_STATUSES.join(", ")} (${quote(v)})`);
  return status;
}

// Date and time parts are captured by name so the layouts share one validation.
const ISO = /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})(?:[T ](?<h>\d{2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.(?<ms>\d{1,3}))?)?(?:(?<z>Z)|(?<sign>[+-])(?<oh>\d{2}):?(?<om>\d{2}))?)?$/i;
const BR_DATE = /^(?<d>\d{1,2})\/(?<mo>\d{1,2})\/(?<y>\d{4})(?: (?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?)?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch ms of an ISO 8601 instant with offset, or of a wall time / date (midnight) in `timeZone`:
 * `YYYY-MM-DD[( |T)HH:MM[:SS]]` or `DD/MM/YYYY[ HH:MM[:SS]]`.
 */
function parseInstant(column: string, v: string, timeZone: string): number {
  if (v === "") throw new RowError(`${column}: missing`);
  const g = (ISO.exec(v) ?? BR_DATE.exec(v))?.groups;
  if (!g) throw notADate(column, v);
  const n = (part: string | undefined): number => (part === undefined ? 0 : Number(part));
  const [y, mo, d, h, mi, s] = [n(g.y), n(g.mo), n(g.d), n(g.h), n(g.mi), n(g.s)] as const;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const monthDays = mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1];
  // Date.UTC reads years below 100 as 19xx; no appointment is that old anyway.
  const valid = y >= 1900 && monthDays !== undefined && d >= 1 && d <= monthDays && h <= 23 && mi <= 59 && s <= 59;
  if (!valid) throw notADate(column, v);
  const minutes = h * 60 + mi;
  const fraction = s * 1000 + Number((g.ms ?? "").padEnd(3, "0"));
  if (g.z !== undefined || g.sign !== undefined) {
    const offset = g.sign === "-" ? -n(g.oh) * 60 - n(g.om) : n(g.oh) * 60 + n(g.om);
    if (Math.abs(offset) > 14 * 60) throw notADate(column, v);
    return Date.UTC(y, mo - 1, d) + (minutes - offset) * MINUTE_MS + fraction;
  }
  const date = `${g.y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  const utc = wallToUtc(date, minutes, timeZone);
  if (utc === null) throw new RowError(`${column}: ${date} ${hhmm(minutes)} does not exist in ${timeZone} (clock change)`);
  return utc + fraction;
}

function notADate(column: string, v: string): RowError {
  return new RowError(`${column}: not a date (${quote(v)})`);
}

// zonedTimeToUtc asks Intl several times per call (~20 µs): 100k rows × 3 instants would take seconds.
// The calendar's per-day converter (arithmetic on days without a clock change) is kept per
// "<zone> <date>"; cleared when large, not LRU: a file spans a few hundred days.
const converters = new Map<string, (minutes: number) => number | null>();

/** The instant of wall time `minutes` after local midnight of `date` in `timeZone`; null in a gap. */
function wallToUtc(date: string, minutes: number, timeZone: string): number | null {
  const key = `${timeZone} ${date}`;
  let convert = converters.get(key);
  if (!convert) {
    convert = dayConverter(date, timeZone);
    if (converters.size >= 10_000) converters.clear();
    converters.set(key, convert);
  }
  return convert(minutes);
}

function quote(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}
