/**
 * Every bound the channel parsers put on a provider value, in one place (issue 9: "nothing lost,
 * whatever comes in"). A value that passes a provider's schema but cannot be carried (a 200 KB id,
 * an `Infinity` timestamp) used to travel on and break the queue or the lane much later; here it
 * is clamped, or the one message that carries it is dropped and counted, before anything is stored.
 *
 * Two kinds of answer, on purpose:
 * - content (text, caption, names, titles, flow answers) and the timestamp are *clamped*: the
 *   message is still worth answering, and the field name goes into `InboundMessage.clamped`;
 * - identity (provider message id, sender) cannot be clamped: a cut id no longer dedups Meta's
 *   retries, a cut phone is someone else. Such a message is *rejected* on its own (its field name
 *   goes into `InboundBatch.rejected`) and the rest of the body goes on: a 400 would make Meta
 *   retry the whole body for days and lose the good messages in it.
 */
import { sanitizeText } from "../lib/text";

/** Maximum lengths. Ids are ASCII and counted in UTF-16 units; texts are counted in code points. */
export const BOUNDS = {
  /** Meta wamids are ~60-100 chars, Evolution/Baileys key ids ~32; 256 leaves room and is still a small dedup key. */
  providerMessageId: 256,
  /** A raw sender address before normalisation (phone, wa_id, JID with device suffix). */
  senderAddress: 64,
  /** BSUID: 2-letter country, ".", optional "ENT.", up to 128 alphanumerics (Meta's format) = 135. */
  userId: 135,
  /** WhatsApp profile names are short (25 in the app); helpdesk forks allow more. */
  contactName: 128,
  /** Meta's own limit for a text body. */
  text: 4096,
  /** Meta's own limit for a media caption. */
  caption: 1024,
  /** Meta allows 256 for button ids and 200 for list row ids. */
  replyId: 256,
  /** Meta allows 20 (button) / 24 (row) for titles; legacy template buttons and other providers more. */
  replyTitle: 256,
  /** Meta media ids are numeric strings; Whaticket's "media id" is the media URL. */
  mediaId: 2048,
  /** A Flow's flow_token and name. */
  flowToken: 512,
  flowName: 256,
  /** A Flow's response_json: a handful of form answers; 8 KB keeps a burst well under the queue's 128 KB. */
  flowResponse: 8192,
  /** Delivery error title/details stored on the delivery log. */
  errorTitle: 512,
} as const;

/** A provider timestamp is plausible within [now - 30 days, now + 1 hour]; outside it becomes `now`. */
export const TIMESTAMP_WINDOW = {
  /** Meta retries a delivery for up to 7 days; 30 days also covers provider queues drained after an outage. */
  pastMs: 30 * 24 * 60 * 60 * 1000,
  /** Provider clocks drift by seconds; an hour ahead is already a wrong clock. */
  futureMs: 60 * 60 * 1000,
} as const;

/** What the boundary had to cut; ends up as `InboundMessage.clamped`. */
export type Clamps = string[];

/**
 * Sanitises untrusted text and cuts it to `max` code points, recording `field` in `clamps` when cut.
 * @example boundText("a".repeat(5000), BOUNDS.text, "text", clamps) // 4096 "a"s, clamps = ["text"]
 */
export function boundText(raw: string, max: number, field: string, clamps: Clamps): string {
  // Sanitise first (it can only shorten), then measure what is actually kept.
  const clean = sanitizeText(raw, Number.POSITIVE_INFINITY);
  let points = 0;
  for (const _ of clean) if (++points > max) break;
  if (points <= max) return clean;
  note(clamps, field);
  return sanitizeText(clean, max);
}

/** An id-like value (reply id, media id, flow token): cut, not sanitised, since it is matched byte for byte. */
export function boundId(raw: string, max: number, field: string, clamps: Clamps): string {
  if (raw.length <= max) return raw;
  note(clamps, field);
  return raw.slice(0, max);
}

/** Whether an identity value (message id, sender) can be carried as is: present and within its bound. */
export function fitsIdentity(raw: string | null | undefined, max: number): raw is string {
  return typeof raw === "string" && raw.length > 0 && raw.length <= max;
}

/**
 * A provider time as ms since epoch, plausible around `now`; anything else (absent, not a number,
 * Infinity, 1e308, "99999999999999", years away) becomes `now` and records "timestamp" in `clamps`.
 * `unit` says what a bare number means: "s" (Meta, Evolution) or "auto" (below 1e12 is seconds,
 * else ms: Whaticket forks send either; 1e12 ms is 2001-09-09). ISO strings are accepted in "auto".
 * @example boundTimestamp("1731600000", "s", 1731600060000, clamps) // 1731600000000
 */
export function boundTimestamp(raw: unknown, unit: "s" | "auto", now: number, clamps: Clamps): number {
  const ms = toMs(raw, unit);
  if (ms !== null && ms >= now - TIMESTAMP_WINDOW.pastMs && ms <= now + TIMESTAMP_WINDOW.futureMs) return Math.floor(ms);
  note(clamps, "timestamp");
  return now;
}

/** Same window as boundTimestamp, without the record (status updates have no `clamped`). */
export function plausibleTime(raw: unknown, unit: "s" | "auto", now: number): number {
  return boundTimestamp(raw, unit, now, []);
}

function toMs(raw: unknown, unit: "s" | "auto"): number | null {
  let n: number;
  if (typeof raw === "number") n = raw;
  // Digits only: Number("1e3"), Number("0x10") and Number(" 12 ") would all pass as numbers.
  else if (typeof raw === "string" && /^\d{1,16}$/.test(raw)) n = Number(raw);
  else if (typeof raw === "string" && unit === "auto" && raw.length <= 64) n = Date.parse(raw);
  else return null;
  if (!Number.isFinite(n) || n < 0) return null;
  const ms = unit === "s" || n < 1e12 ? n * 1000 : n;
  return Number.isFinite(ms) ? ms : null;
}

function note(clamps: Clamps, field: string): void {
  if (!clamps.includes(field)) clamps.push(field);
}

/** Meta's BSUID format: "BR.1502576394655843", parent BSUIDs "US.ENT.11815799212886844830". */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/** The BSUID when `raw` is one within its bound, else null. */
export function asUserId(raw: string | null | undefined): string | null {
  if (!fitsIdentity(raw, BOUNDS.userId)) return null;
  const id = raw.trim();
  return BSUID.test(id) ? id : null;
}
