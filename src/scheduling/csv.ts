/**
 * CSV for the appointment-history import (`POST /api/agenda/appointments/import`) and the risk batch
 * (`POST /api/agenda/risk`): a streaming RFC 4180 reader over a request body, and the mapping of one
 * record to an appointment row with a short, line-numbered reason when it cannot be one.
 *
 * Hand-written because the CSV libraries assume Node streams and the Worker only has Web streams.
 * Memory stays bounded by one record (plus one decoded chunk), whatever the body size.
 */
import { dayConverter, hhmm, MINUTE_MS } from "../lib/time-zone";
import type { ImportRecord } from "../store/types";
import { AppointmentOutcome } from "./history";
import { normalizePhone } from "../lib/phone";

// ---------------------------------------------------------------------------------------------
// Records

export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

export interface CsvOptions {
  /** Longer fields turn their record into an error record. Default 10 000. */
  maxFieldChars?: number;
  /** Data records (after the header) read before one "too many records" error ends the stream. */
  maxRecords?: number;
}

const QUOTE = 34; // "
const CR = 13;
const LF = 10;
const DELIMITERS = { ",": 44, ";": 59, "\t": 9 };

// The header is scanned for its delimiter before parsing, from the start on each chunk until its line
// end arrives; past this length (a header has a few hundred) the counts so far decide.
const HEADER_SCAN_CHARS = 8192;

// Parser states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: either the first of a `""` pair or the closing quote. */
const QUOTE_IN_QUOTED = 3;

/**
 * The records of a CSV body, each with the 1-based physical line it starts on (the header is line 1),
 * so that a reason points at the line a spreadsheet user sees. Blank lines are skipped; a broken
 * record (oversized field, unterminated quote) is yielded as `{ line, error }` and reading goes on.
 * Leaving the iteration early cancels the body.
 */
export async function* csvRecords(body: ReadableStream<Uint8Array>, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const maxRecords = opts.maxRecords ?? Number.POSITIVE_INFINITY;
  const reader = body.getReader();
  // Non-fatal: a stray Latin-1 byte becomes U+FFFD in that one field instead of failing the file.
  // The decoder drops a leading BOM by itself (ignoreBOM defaults to false).
  const decoder = new TextDecoder();
  let parser: CsvParser | undefined;
  let head = ""; // decoded text held back until the header's delimiter is known
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      let text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (!parser) {
        head += text;
        const delimiter = headerDelimiter(head, done);
        if (delimiter === undefined) continue;
        parser = new CsvParser(delimiter, opts.maxFieldChars ?? 10_000);
        text = head;
        head = "";
      }
      parser.feed(text);
      if (done) parser.end();
      for (const rec of parser.take()) {
        // The header is record 0.
        if (seen++ > maxRecords) {
          yield { line: rec.line, error: `too many records (max ${maxRecords})` };
          return;
        }
        yield rec;
      }
      if (done) return;
    }
  } finally {
    // Stops the upload when the consumer leaves early; a no-op on a finished body.
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The delimiter of the header (the first non-blank line): ';' (Brazilian spreadsheets) or tab when it
 * outnumbers ',' there outside quotes, else ','. undefined while the header's end has not arrived.
 */
function headerDelimiter(text: string, final: boolean): number | undefined {
  const count = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  let blank = true;
  let i = 0;
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    // Each quote toggles, so a `""` escape toggles twice and changes nothing.
    if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === "\n" || ch === "\r") {
      if (!blank) break;
      continue;
    } else if (ch === "," || ch === ";" || ch === "\t") count[ch]++;
    if (ch.trim() !== "") blank = false;
  }
  if (i === text.length && !final && text.length < HEADER_SCAN_CHARS) return undefined;
  if (count["\t"] > count[","] && count["\t"] > count[";"]) return DELIMITERS["\t"];
  return count[";"] > count[","] ? DELIMITERS[";"] : DELIMITERS[","];
}

/**
 * The RFC 4180 state machine, fed decoded text chunk by chunk. Field text is taken as slices of the
 * chunk; only a field that spans chunks (or holds a `""`) is concatenated, once per piece.
 */
class CsvParser {
  private state = FIELD_START;
  private fields: string[] = [];
  private field = ""; // the current field's text from earlier pieces
  private oversized = false;
  private line = 1; // physical line at the cursor
  private recordLine = 1;
  private prevCR = false; // a CR just passed: an LF right after it ends no further line
  private out: CsvRecord[] = [];

  constructor(
    private readonly delimiter: number,
    private readonly maxFieldChars: number,
  ) {}

  feed(s: string): void {
    const delimiter = this.delimiter;
    let state = this.state;
    let prevCR = this.prevCR;
    let start = 0; // where the current field's text begins in `s`
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const crlfTail = c === LF && prevCR;
      prevCR = c === CR;
      if (state === QUOTED) {
        if (c === QUOTE) {
          this.append(s, start, i);
          state = QUOTE_IN_QUOTED;
        } else if (c === CR || (c === LF && !crlfTail)) this.line++;
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        start = i;
        // `""`: the second quote starts the next piece of the field.
        if (c === QUOTE) {
          state = QUOTED;
          continue;
        }
        // Text after a closing quote (`"a"b`) is kept as if unquoted rather than rejected.
        state = UNQUOTED;
      }
      if (c === delimiter) {
        this.append(s, start, i);
        this.fields.push(this.field);
        this.field = "";
        state = FIELD_START;
        start = i + 1;
      } else if (c === CR || c === LF) {
        // The LF of a CRLF: the record and the line were both ended at the CR.
        if (!crlfTail) {
          this.append(s, start, i);
          this.endRecord();
        }
        state = FIELD_START;
        start = i + 1;
      } else if (state === FIELD_START) {
        state = c === QUOTE ? QUOTED : UNQUOTED;
        start = c === QUOTE ? i + 1 : i;
      }
    }
    if (state === QUOTED || state === UNQUOTED) this.append(s, start, s.length);
    this.state = state;
    this.prevCR = prevCR;
  }

  /** End of input: the last record needs no line end; an open quote is an error. */
  end(): void {
    if (this.state === QUOTED) this.out.push({ line: this.recordLine, error: "unterminated quoted field" });
    else this.endRecord();
  }

  /** The records completed since the last call. */
  take(): CsvRecord[] {
    const done = this.out;
    this.out = [];
    return done;
  }

  private append(s: string, from: number, to: number): void {
    if (this.oversized || to <= from) return;
    if (this.field.length + (to - from) > this.maxFieldChars) {
      // Dropped rather than kept: the record is reported, and memory stays bounded.
      this.oversized = true;
      this.field = "";
    } else {
      this.field += s.slice(from, to);
    }
  }

  private endRecord(): void {
    const fields = this.fields;
    fields.push(this.field);
    if (this.oversized) {
      this.out.push({ line: this.recordLine, error: `field longer than ${this.maxFieldChars} characters` });
    } else if (fields.length > 1 || (fields[0] ?? "").trim() !== "") {
      this.out.push({ line: this.recordLine, fields });
    }
    this.fields = [];
    this.field = "";
    this.oversized = false;
    this.line++;
    this.recordLine = this.line;
  }
}

// ---------------------------------------------------------------------------------------------
// Rows

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
const ISO =
  /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})(?:[T ](?<h>\d{2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.(?<ms>\d{1,3}))?)?(?:(?<z>Z)|(?<sign>[+-])(?<oh>\d{2}):?(?<om>\d{2}))?)?$/i;
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
