/**
 * Cal.com API v2 booking provider, plus its webhook signature check and parser.
 * Every endpoint pins its own `cal-api-version` header: without it Cal.com silently serves an
 * older version of the endpoint with a different body.
 */
import { z } from "zod";
import { cleanReason } from "../channels/send-http";
import { defaultFetch, requestJson, type FetchFn, type JsonOutcome } from "../lib/http";
import { hmacSha256Verify } from "../lib/hmac";
import type { HmacData } from "../lib/hmac";
import { normalizePhone } from "../lib/phone";
import type { AvailabilityQuery, Booking, BookingErrorCode, BookingProvider, BookingRequest, BookingResult, Slot } from "./types";

export const DEFAULT_CALCOM_API_URL = "https://api.cal.com";
/** `GET /v2/slots` is served in this shape only with this version. */
export const CALCOM_SLOTS_API_VERSION = "2024-09-04";
/** `/v2/bookings` (create, cancel, reschedule) with attendee objects and `{status, data}` answers. */
export const CALCOM_BOOKINGS_API_VERSION = "2024-08-13";
export const DEFAULT_CALCOM_TIMEOUT_MS = 10_000;

/**
 * Cal.com requires an attendee email; WhatsApp contacts rarely give one. We send
 * `<phone digits>@whatsapp.secretaria.invalid`: `.invalid` is reserved (RFC 2606 / RFC 6761) and can
 * never resolve, so Cal.com's confirmation mails cannot reach a stranger's inbox, and the address is
 * deterministic, so a webhook that carries only the email still leads back to the contact's phone.
 */
export const PLACEHOLDER_EMAIL_DOMAIN = "whatsapp.secretaria.invalid";

/** `<digits>@whatsapp.secretaria.invalid` for a phone, or null without digits. */
export function placeholderEmail(phone: string): string | null {
  const digits = phone.replace(/\D/g, "");
  return digits === "" ? null : `${digits}@${PLACEHOLDER_EMAIL_DOMAIN}`;
}

const PLACEHOLDER_EMAIL = /^(\d{6,15})@whatsapp\.secretaria\.invalid$/i;

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

/** Any ISO 8601 instant Cal.com prints ("…Z", "…+00:00", "…-03:00"), normalised to UTC ISO. */
const Instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), "expected an ISO 8601 instant")
  .transform((s) => new Date(s).toISOString());

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
  error: z
    .union([
      z.looseObject({ code: z.unknown().optional(), message: z.unknown().optional(), details: z.unknown().optional() }),
      z.string(),
    ])
    .optional(),
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
      const digits = req.attendee.phone.replace(/\D/g, "");
      const email = req.attendee.email?.trim() || placeholderEmail(req.attendee.phone);
      if (email === null) return fail("invalid_request", "A booking needs the contact's phone number or email.");
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
      if (req.notes !== undefined && req.notes.trim() !== "") body.bookingFieldsResponses = { notes: req.notes };
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

// ---------------------------------------------------------------------------------------------
// Webhooks

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Checks `X-Cal-Signature-256`: the bare hex HMAC-SHA256 of the raw body with the webhook secret
 * (no "sha256=" prefix, no timestamp: replays are absorbed by idempotent handling per booking uid).
 * Missing or malformed header, or an empty secret → false.
 */
export function verifyCalcomSignature(rawBody: HmacData, header: string | null | undefined, secret: string): Promise<boolean> {
  if (typeof header !== "string") return Promise.resolve(false);
  const signature = header.trim();
  if (!HEX_SHA256.test(signature)) return Promise.resolve(false);
  return hmacSha256Verify(secret, rawBody, signature);
}

/**
 * The envelope every Cal.com webhook shares. `payload` is checked per trigger by parseCalcomWebhook:
 * MEETING_STARTED / MEETING_ENDED put the booking at the top level with no payload at all.
 */
export const CalcomWebhook = z.looseObject({
  triggerEvent: z.string().min(1),
  createdAt: z.string().min(1),
  payload: z.unknown().optional(),
});
export type CalcomWebhook = z.infer<typeof CalcomWebhook>;

const CalcomWebhookAttendee = z.looseObject({
  name: z.string().nullish(),
  email: z.string().nullish(),
  phoneNumber: z.string().nullish(),
  timeZone: z.string().nullish(),
  noShow: z.boolean().nullish(),
});

/** Booking triggers: BOOKING_CREATED / RESCHEDULED / CANCELLED / REJECTED (webhook version 2021-10-20). */
export const CalcomBookingPayload = z.looseObject({
  uid: z.string().min(1),
  startTime: Instant.optional(),
  endTime: Instant.optional(),
  status: z.string().nullish(),
  attendees: z.array(CalcomWebhookAttendee).nullish(),
  responses: z.record(z.string(), z.unknown()).nullish(),
  smsReminderNumber: z.string().nullish(),
  /** On BOOKING_RESCHEDULED: the uid of the booking this one replaces. */
  rescheduleUid: z.string().nullish(),
  /** The Booking row's own pointer to the booking it was rescheduled from (older payloads). */
  fromReschedule: z.string().nullish(),
  rescheduledFromUid: z.string().nullish(),
});
export type CalcomBookingPayload = z.infer<typeof CalcomBookingPayload>;

/** BOOKING_NO_SHOW_UPDATED and AFTER_{HOSTS,GUESTS}_CAL_VIDEO_NO_SHOW carry `bookingUid`, not `uid`. */
export const CalcomNoShowPayload = z.looseObject({
  bookingUid: z.string().min(1),
  startTime: Instant.optional(),
  endTime: Instant.optional(),
  attendees: z.array(CalcomWebhookAttendee).nullish(),
  noShowHost: z.boolean().nullish(),
});
export type CalcomNoShowPayload = z.infer<typeof CalcomNoShowPayload>;

export type CalcomEventKind = "created" | "rescheduled" | "cancelled" | "rejected" | "no_show" | "ignored";

export interface CalcomEvent {
  kind: CalcomEventKind;
  /** The booking the event is about (for "rescheduled": the NEW booking); "" when an ignored event has none. */
  uid: string;
  /** "rescheduled" only: the uid of the booking that was moved (now cancelled in Cal.com). */
  previousUid?: string;
  start?: string;
  end?: string;
  /** E.164 digits without "+", from the attendee's phone fields or our placeholder email. */
  attendeePhone?: string;
  attendeeName?: string;
  /** "no_show": whether the attendee is (now) marked absent; false when a mark was removed. */
  noShowAttendee?: boolean;
  /** "no_show": the host did not join (AFTER_HOSTS_CAL_VIDEO_NO_SHOW). */
  noShowHost?: boolean;
  /** Cal.com's raw trigger name, e.g. "BOOKING_CREATED". */
  trigger: string;
  /** When Cal.com emitted the event: webhooks arrive out of order, newer wins. */
  createdAt: string;
}

const TRIGGER_KINDS = new Map<string, Exclude<CalcomEventKind, "ignored">>([
  ["BOOKING_CREATED", "created"],
  ["BOOKING_RESCHEDULED", "rescheduled"],
  ["BOOKING_CANCELLED", "cancelled"],
  ["BOOKING_REJECTED", "rejected"],
  ["BOOKING_NO_SHOW_UPDATED", "no_show"],
  ["AFTER_HOSTS_CAL_VIDEO_NO_SHOW", "no_show"],
  ["AFTER_GUESTS_CAL_VIDEO_NO_SHOW", "no_show"],
]);

/** Parses a payload with `schema`; issues are reported under "payload." like the rest of the body. */
function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  throw new z.ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: ["payload", ...issue.path] })));
}

type Attendee = z.infer<typeof CalcomWebhookAttendee>;

function nonEmpty(s: string | null | undefined): string | undefined {
  const t = s?.trim();
  return t === undefined || t === "" ? undefined : t;
}

/** `responses.<key>.value` as a string (the booking form's answers). */
function responseText(responses: Record<string, unknown> | null | undefined, key: string): string | undefined {
  const r = responses?.[key];
  if (typeof r === "string") return nonEmpty(r);
  if (typeof r === "object" && r !== null && "value" in r && typeof r.value === "string") return nonEmpty(r.value);
  return undefined;
}

/** The first phone that normalises; else the one inside our placeholder email (see PLACEHOLDER_EMAIL_DOMAIN). */
function phoneFrom(phones: (string | undefined)[], emails: (string | undefined)[]): string | undefined {
  for (const raw of phones) {
    const phone = raw === undefined ? null : normalizePhone(raw);
    if (phone !== null) return phone;
  }
  for (const email of emails) {
    const digits = email === undefined ? undefined : PLACEHOLDER_EMAIL.exec(email)?.[1];
    // The digits are E.164 without "+": say so, or a foreign number reads as a Brazilian national one.
    const phone = digits === undefined ? null : normalizePhone(`+${digits}`);
    if (phone !== null) return phone;
  }
  return undefined;
}

function attendeeFields(
  attendee: Attendee | undefined,
  more: { phones?: (string | undefined)[]; emails?: (string | undefined)[] } = {},
): Pick<CalcomEvent, "attendeePhone" | "attendeeName"> {
  const out: Pick<CalcomEvent, "attendeePhone" | "attendeeName"> = {};
  const phone = phoneFrom([nonEmpty(attendee?.phoneNumber), ...(more.phones ?? [])], [nonEmpty(attendee?.email), ...(more.emails ?? [])]);
  if (phone !== undefined) out.attendeePhone = phone;
  const name = nonEmpty(attendee?.name);
  if (name !== undefined) out.attendeeName = name;
  return out;
}

function withTimes(event: CalcomEvent, start: string | undefined, end: string | undefined): CalcomEvent {
  if (start !== undefined) event.start = start;
  if (end !== undefined) event.end = end;
  return event;
}

/** The uid of a trigger we do not act on, wherever that trigger keeps it. */
function looseUid(hook: CalcomWebhook): string {
  const fromPayload = typeof hook.payload === "object" && hook.payload !== null ? (hook.payload as Record<string, unknown>) : {};
  for (const v of [fromPayload.uid, fromPayload.bookingUid, (hook as Record<string, unknown>).uid]) {
    if (typeof v === "string" && v !== "") return v;
  }
  return "";
}

/**
 * Normalises a Cal.com webhook body. Throws ZodError when the envelope, or the payload of a trigger we
 * act on, is malformed (a custom payload template produces that too: keep Cal.com's default payload).
 * BOOKING_RESCHEDULED: `payload.uid` is the new booking and `payload.rescheduleUid` the one it replaces
 * (older payloads: `fromReschedule`); see Cal.com's webhook payload reference.
 */
export function parseCalcomWebhook(body: unknown): CalcomEvent {
  const hook = CalcomWebhook.parse(body);
  const base = { trigger: hook.triggerEvent, createdAt: hook.createdAt };
  const kind = TRIGGER_KINDS.get(hook.triggerEvent);
  // PING (the "test" button), BOOKING_REQUESTED, BOOKING_PAID, MEETING_*, RECORDING_*, FORM_*, ...
  if (kind === undefined) return { kind: "ignored", uid: looseUid(hook), ...base };

  if (kind === "no_show") {
    const p = parsePayload(CalcomNoShowPayload, hook.payload);
    const attendees = p.attendees ?? [];
    const event: CalcomEvent = { kind, uid: p.bookingUid, ...base };
    if (hook.triggerEvent === "AFTER_HOSTS_CAL_VIDEO_NO_SHOW") {
      event.noShowHost = true;
      Object.assign(event, attendeeFields(attendees[0]));
    } else if (hook.triggerEvent === "AFTER_GUESTS_CAL_VIDEO_NO_SHOW") {
      // The trigger itself is the verdict; the attendees' noShow flags are the stored state, not yet updated.
      event.noShowAttendee = true;
      Object.assign(event, attendeeFields(attendees[0]));
    } else {
      // A manual mark or unmark: the payload lists only the attendees whose flag changed.
      const marked = attendees.find((a) => a.noShow === true);
      event.noShowAttendee = marked !== undefined;
      Object.assign(event, attendeeFields(marked ?? attendees[0]));
    }
    return withTimes(event, p.startTime, p.endTime);
  }

  const p = parsePayload(CalcomBookingPayload, hook.payload);
  if ((kind === "created" || kind === "rescheduled") && (p.startTime === undefined || p.endTime === undefined)) {
    const missing = p.startTime === undefined ? "startTime" : "endTime";
    throw new z.ZodError([{ code: "custom", path: ["payload", missing], message: `${hook.triggerEvent} without ${missing}`, input: p }]);
  }
  const event: CalcomEvent = { kind, uid: p.uid, ...base };
  if (kind === "rescheduled") {
    const previous = nonEmpty(p.rescheduleUid) ?? nonEmpty(p.fromReschedule) ?? nonEmpty(p.rescheduledFromUid);
    if (previous !== undefined && previous !== p.uid) event.previousUid = previous;
  }
  const responses = p.responses;
  Object.assign(
    event,
    attendeeFields(p.attendees?.[0], {
      phones: [responseText(responses, "attendeePhoneNumber"), nonEmpty(p.smsReminderNumber)],
      emails: [responseText(responses, "email")],
    }),
  );
  if (event.attendeeName === undefined) {
    const name = responseText(responses, "name");
    if (name !== undefined) event.attendeeName = name;
  }
  return withTimes(event, p.startTime, p.endTime);
}
