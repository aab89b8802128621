/**
 * Cal.com API v2 booking provider (its webhooks' signature check and parser are calcom-events.ts).
 * Every endpoint pins its own `cal-api-version` header: without it Cal.com silently serves an
 * older version of the endpoint with a different body.
 */
import * as z from "../lib/zod";
import { cleanReason } from "../channels/send-http";
import { defaultFetch, requestJson, type FetchFn, type JsonOutcome } from "../lib/http";
import { Instant, bsuidPlaceholderEmail, placeholderEmail } from "./calcom-events";
import type { AvailabilityQuery, Booking, BookingErrorCode, BookingProvider, BookingRequest, BookingResult, Slot } from "./types";

export const DEFAULT_CALCOM_API_URL = "https://api.cal.com";
/** `GET /v2/slots` is served in this shape only with this version. */
export const CALCOM_SLOTS_API_VERSION = "2024-09-04";
/** `/v2/bookings` (create, cancel, reschedule) with attendee objects and `{status, data}` answers. */
export const CALCOM_BOOKINGS_API_VERSION = "2024-08-13";
export const DEFAULT_CALCOM_TIMEOUT_MS = 10_000;

export interface CalcomProviderOptions {
  /** Default "https://api.cal.com"; a self-hosted Cal.com API v2 works the same. */
  apiUrl?: string;
  /** A `cal_live_…` / `cal_…` API key (or a managed-user access token). */
  apiKey: string;
  /** The event type every availability query and booking of this provider uses. */
  eventTypeId: number;
  /** Length of the event type: the end of slots Cal.com reports without one. Default 30. */
  lengthInMinutes?: number;
  fetch?: FetchFn;
  /** Whole request including the body read; default 10 s. */
  timeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Response shapes (loose: Cal.com adds fields freely; only what we read is required)

const SlotEntry = z.union([Instant.transform((start) => ({ start, end: undefined })), z.looseObject({ start: Instant, end: Instant.optional() })]);

/** `{status:"success", data:{"YYYY-MM-DD":[{start}] | [{start,end}]}}` (time or range format). */
export const CalcomSlotsResponse = z.looseObject({
  status: z.string().optional(),
  data: z.record(z.string(), z.array(SlotEntry)),
});

export const CalcomBookingData = z.looseObject({
  uid: z.string().min(1),
  start: Instant,
  end: Instant,
  status: z.string(),
});

export const CalcomBookingResponse = z.looseObject({
  status: z.string().optional(),
  // A recurring event type answers with one booking per occurrence; the first is the one asked for.
  data: z.union([CalcomBookingData, z.array(CalcomBookingData).min(1)]),
});

/** `{status:"error", timestamp, path, error:{code, message, details}}`. */
export const CalcomErrorBody = z.looseObject({
  status: z.string().optional(),
  message: z.unknown().optional(),
  error: z.union([z.looseObject({ code: z.unknown().optional(), message: z.unknown().optional(), details: z.unknown().optional() }), z.string()]).optional(),
});

// ---------------------------------------------------------------------------------------------
// HTTP

type Failure = Extract<BookingResult<never>, { ok: false }>;

/** `secrets` (the API key) are scrubbed from messages that carry Cal.com's own text: they reach API answers and dead letters. */
function fail(code: BookingErrorCode, message: string, retryable = false, secrets: readonly string[] = []): Failure {
  return { ok: false, code, message: cleanReason(message, secrets), retryable };
}

/**
 * Messages Cal.com gives when the time can no longer be booked: taken, host busy, seats full, out of
 * the booking window, in the past. For the contact they all mean "pick another time".
 */
const SLOT_TAKEN =
  /already has (a )?booking|already booked|not available|no longer available|unavailable|no_available_users|no available users|can'?t be booked|cannot be booked|booking_time_out_of_bounds|out of bounds|seats? (are |is )?full|fully booked|in the past|slot.{0,20}(taken|reserved)/i;

/** Cal.com's code + message of an error body, for matching and for the operator. */
function errorDetail(body: unknown): { code: string; message: string } {
  const parsed = CalcomErrorBody.safeParse(body);
  if (!parsed.success) return { code: "", message: "" };
  const err = parsed.data.error;
  const text = (v: unknown): string => (typeof v === "string" ? v : Array.isArray(v) ? v.filter((x) => typeof x === "string").join("; ") : "");
  if (typeof err === "string") return { code: "", message: err };
  return { code: text(err?.code), message: text(err?.message) || text(parsed.data.message) };
}

/** What a non-2xx answer means for the caller; `what` names the thing a 404 did not find. */
function httpFailure(status: number, body: unknown, what: string, secrets: readonly string[]): Failure {
  const { code, message } = errorDetail(body);
  const said = [code, message].filter((s) => s !== "").join(": ");
  const suffix = said === "" ? "" : ` — ${said}`;
  if (status === 401 || status === 403) {
    return fail("unauthorized", `Cal.com refused the API key (HTTP ${status})${suffix}. Check the Cal.com API key configured for this tenant.`, false, secrets);
  }
  if (status === 404) return fail("not_found", `Cal.com could not find ${what} (HTTP 404)${suffix}`, false, secrets);
  if (status === 429) return fail("unavailable", `Cal.com rate limit hit (HTTP 429)${suffix}`, true, secrets);
  if (status === 408 || status === 425 || status >= 500) return fail("unavailable", `Cal.com is temporarily unavailable (HTTP ${status})${suffix}`, true, secrets);
  if (status === 409 || ((status === 400 || status === 422) && SLOT_TAKEN.test(said))) {
    return fail("slot_taken", `That time can no longer be booked in Cal.com (HTTP ${status})${suffix}`, false, secrets);
  }
  return fail("invalid_request", `Cal.com rejected the request (HTTP ${status})${suffix}`, false, secrets);
}

function transportFailure(outcome: Exclude<JsonOutcome, { kind: "response" }>, secrets: readonly string[]): Failure {
  if (outcome.kind === "timeout") return fail("unavailable", "Cal.com did not answer in time.", true);
  return fail("unavailable", `Could not reach Cal.com: ${outcome.message}`, true, secrets);
}

function toBooking(data: z.infer<typeof CalcomBookingResponse>["data"]): Booking {
  const b = Array.isArray(data) ? data[0] : data;
  // min(1) above guarantees an element; the guard only satisfies the type checker.
  if (!b) throw new Error("empty booking list");
  return { uid: b.uid, start: b.start, end: b.end, status: bookingStatus(b.status) };
}

/** Cal.com statuses: accepted, pending, cancelled, rejected (and upper-case in webhooks). */
function bookingStatus(raw: string): Booking["status"] {
  const s = raw.toLowerCase();
  if (s === "accepted") return "accepted";
  if (s === "cancelled" || s === "canceled" || s === "rejected") return "cancelled";
  // pending, awaiting_host and any new status: not confirmed yet.
  return "pending";
}

function isoInstant(value: string): string | null {
  const ms = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

// ---------------------------------------------------------------------------------------------
// Provider

/** BookingProvider over Cal.com API v2 for one event type. Never throws: failures are values. */
export function createCalcomProvider(opts: CalcomProviderOptions): BookingProvider {
  const base = `${(opts.apiUrl ?? DEFAULT_CALCOM_API_URL).replace(/\/+$/, "")}/v2`;
  const doFetch = opts.fetch ?? defaultFetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CALCOM_TIMEOUT_MS;
  const lengthMs = (opts.lengthInMinutes ?? 30) * 60_000;
  const auth = { authorization: `Bearer ${opts.apiKey}` };
  const secrets = [opts.apiKey];
  const slotsHeaders = { ...auth, "cal-api-version": CALCOM_SLOTS_API_VERSION };
  const bookingHeaders = { ...auth, "cal-api-version": CALCOM_BOOKINGS_API_VERSION };
  const eventType = `event type ${opts.eventTypeId}`;

  async function bookingCall(url: string, body: unknown, what: string): Promise<BookingResult<Booking>> {
    const outcome = await requestJson(doFetch, "POST", url, bookingHeaders, body, timeoutMs);
    if (outcome.kind !== "response") return transportFailure(outcome, secrets);
    if (outcome.status < 200 || outcome.status >= 300) return httpFailure(outcome.status, outcome.body, what, secrets);
    const parsed = CalcomBookingResponse.safeParse(outcome.body);
    if (!parsed.success) {
      // The booking may well exist: retryable, and the webhook will tell us if it does.
      return fail("unavailable", `Cal.com answered HTTP ${outcome.status} without a usable booking.`, true);
    }
    return { ok: true, value: toBooking(parsed.data.data) };
  }

  return {
    name: "calcom",

    async availability(q: AvailabilityQuery): Promise<BookingResult<Slot[]>> {
      const from = isoInstant(q.from);
      const to = isoInstant(q.to);
      if (from === null || to === null) return fail("invalid_request", "The availability range needs two ISO instants.");
      if (Date.parse(to) <= Date.parse(from)) return { ok: true, value: [] };
      const params = new URLSearchParams({ eventTypeId: String(opts.eventTypeId), start: from, end: to, timeZone: q.timeZone });
      const outcome = await requestJson(doFetch, "GET", `${base}/slots?${params.toString()}`, slotsHeaders, undefined, timeoutMs);
      if (outcome.kind !== "response") return transportFailure(outcome, secrets);
      if (outcome.status < 200 || outcome.status >= 300) return httpFailure(outcome.status, outcome.body, eventType, secrets);
      const parsed = CalcomSlotsResponse.safeParse(outcome.body);
      if (!parsed.success) return fail("unavailable", `Cal.com answered HTTP ${outcome.status} without a slot list.`, true);

      const fromMs = Date.parse(from);
      const toMs = Date.parse(to);
      const slots = new Map<string, Slot>();
      for (const day of Object.values(parsed.data.data)) {
        for (const entry of day) {
          const start = Date.parse(entry.start);
          // Cal.com widens a date-only range to whole days; the contract is [from, to).
          if (start < fromMs || start >= toMs) continue;
          slots.set(entry.start, { start: entry.start, end: entry.end ?? new Date(start + lengthMs).toISOString() });
        }
      }
      return { ok: true, value: [...slots.values()].sort((a, b) => Date.parse(a.start) - Date.parse(b.start)) };
    },

    async book(req: BookingRequest): Promise<BookingResult<Booking>> {
      const start = isoInstant(req.start);
      if (start === null) return fail("invalid_request", "The booking start must be an ISO instant.");
      const digits = req.attendee.phone?.replace(/\D/g, "") ?? "";
      // No phone (a username user known by BSUID): no phoneNumber at all, a placeholder email from the BSUID, and a note saying why.
      const userId = digits === "" ? req.attendee.userId : undefined;
      const email = req.attendee.email?.trim() || (digits !== "" ? placeholderEmail(digits) : userId ? bsuidPlaceholderEmail(userId) : null);
      if (email === null) return fail("no_phone", "A booking needs the contact's phone number or email, and this contact has neither.");
      const attendee: Record<string, string> = {
        // WhatsApp profiles often have no name; Cal.com requires one.
        name: req.attendee.name.trim() || (digits === "" ? email : `+${digits}`),
        email,
        timeZone: req.attendee.timeZone,
      };
      // E.164 with "+": the format Cal.com validates (and needs for SMS reminder workflows).
      if (digits !== "") attendee.phoneNumber = `+${digits}`;
      if (req.attendee.language !== undefined) attendee.language = req.attendee.language;
      const body: Record<string, unknown> = {
        start,
        eventTypeId: opts.eventTypeId,
        attendee,
        metadata: { idempotencyKey: req.idempotencyKey },
      };
      const notes = [req.notes?.trim(), userId ? `WhatsApp username user without a phone number (BSUID ${userId}): reminders by SMS cannot reach them.` : undefined].filter(
        Boolean,
      );
      if (notes.length) body.bookingFieldsResponses = { notes: notes.join("\n") };
      return bookingCall(`${base}/bookings`, body, eventType);
    },

    async cancel(uid: string, reason?: string): Promise<BookingResult<Booking>> {
      if (uid.trim() === "") return fail("invalid_request", "A booking uid is needed to cancel.");
      const body = reason === undefined ? {} : { cancellationReason: reason };
      return bookingCall(`${base}/bookings/${encodeURIComponent(uid)}/cancel`, body, `booking ${uid}`);
    },

    async reschedule(uid: string, newStart: string, reason?: string): Promise<BookingResult<Booking>> {
      if (uid.trim() === "") return fail("invalid_request", "A booking uid is needed to reschedule.");
      const start = isoInstant(newStart);
      if (start === null) return fail("invalid_request", "The new start must be an ISO instant.");
      const body: Record<string, unknown> = { start };
      if (reason !== undefined) body.reschedulingReason = reason;
      // Cal.com answers with a NEW booking (new uid); the old one becomes cancelled/rescheduled.
      return bookingCall(`${base}/bookings/${encodeURIComponent(uid)}/reschedule`, body, `booking ${uid}`);
    },
  };
}
