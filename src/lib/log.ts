/**
 * Structured logs: one JSON line per event, which Workers Logs indexes by field. Every line has
 * `level` and `msg`; lines about a message carry `correlation_id`, the tenant (`company` slug and/or
 * `company_id`) and `phone`, which is masked here, so a caller cannot log a full number by mistake.
 * Free text (errors, reasons) goes through the credential scrubber and has phone-like digit runs
 * masked too: an error message may quote a request or a number.
 */
import { maskPhone } from "./phone";
import { REDACTED, scrubSecrets } from "./scrub";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogFields {
  /** Follows one message or request through webhook, queues and DO (the ack's correlation id, a request id, a turn id). */
  correlation_id?: string | null;
  /** Tenant slug. */
  company?: string | null;
  company_id?: number | null;
  /** The contact's number in full: only its masked form is written. */
  phone?: string | null;
  error?: unknown;
  [field: string]: unknown;
}

// Keys that name a credential: their value never reaches a log, whatever it looks like.
const SECRET_KEY = /token|secret|password|passwd|authorization|api_?key|apikey|cookie|cipher/i;
// Identifiers are opaque and often long digit strings (timestamps, queue ids): not phone numbers.
const ID_KEY = /(^|_)(ids?|at|ms|attempts|count)$/;
// E.164 digits, possibly with "+", wherever they stand ("wa_id5511…", "5511…@s.whatsapp.net"); a longer digit
// run is not a phone. Hashes in free text may lose a few digits to this, which costs nothing.
const PHONE_RUN = /(?<!\d)\+?\d{10,15}(?!\d)/g;
/** Long strings are cut: a runaway error text must not become a multi-kilobyte line. */
const MAX_STRING = 1000;
const MAX_ITEMS = 20;
const FIRST = ["correlation_id", "company", "company_id", "phone"] as const;

function text(value: string): string {
  const masked = scrubSecrets(value).replace(PHONE_RUN, (run) => maskPhone(run.replace(/^\+/, "")));
  return masked.length > MAX_STRING ? `${masked.slice(0, MAX_STRING)}…` : masked;
}

function field(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (SECRET_KEY.test(key)) return REDACTED;
  if (key === "phone" || key.endsWith("_phone")) return typeof value === "string" ? maskPhone(value.replace(/\D/g, "")) : REDACTED;
  if (value instanceof Error) return text(`${value.name}: ${value.message}`);
  if (typeof value === "string") return ID_KEY.test(key) ? value.slice(0, MAX_STRING) : text(value);
  if (typeof value === "number" || typeof value === "boolean") return value;
  // A batch's ids: each element as its own value, a bounded number of them.
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => (typeof v === "object" && v !== null ? describeBody(v) : field(key, v)));
  // Objects are logged by shape only: they may be message bodies.
  if (typeof value === "object") return describeBody(value);
  return String(value);
}

/** The line as written: `level`, `msg`, the correlation fields, then the rest in the caller's order. */
export function formatLog(level: LogLevel, msg: string, fields: LogFields = {}): string {
  const line: Record<string, unknown> = { level, msg: text(msg) };
  for (const key of FIRST) if (fields[key] !== undefined) line[key] = field(key, fields[key]);
  for (const [key, value] of Object.entries(fields)) {
    if (key === "level" || key === "msg" || key in line || value === undefined) continue;
    line[key] = field(key, value);
  }
  return JSON.stringify(line);
}

export const log = {
  debug: (msg: string, fields?: LogFields) => console.debug(formatLog("debug", msg, fields)),
  info: (msg: string, fields?: LogFields) => console.info(formatLog("info", msg, fields)),
  warn: (msg: string, fields?: LogFields) => console.warn(formatLog("warn", msg, fields)),
  error: (msg: string, fields?: LogFields) => console.error(formatLog("error", msg, fields)),
};

/** Message bodies carry phone numbers and texts: logs get their shape, never their content. */
export function describeBody(body: unknown): string {
  if (typeof body !== "object" || body === null) return typeof body;
  return `{${Object.keys(body).slice(0, 20).join(",")}}`;
}
