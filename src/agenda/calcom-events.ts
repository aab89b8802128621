/**
 * Cal.com webhooks, as pure functions: the `X-Cal-Signature-256` check and the parser that turns a
 * BOOKING_* / no-show payload into one CalcomEvent (applied by calcom-webhook.ts). Also the
 * placeholder attendee email both directions use, and the instant format Cal.com prints.
 */
import * as z from "../lib/zod";
import { hmacSha256Verify } from "../lib/hmac";
import type { HmacData } from "../lib/hmac";
import { normalizePhone } from "../lib/phone";

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

/**
 * The placeholder for a contact with no phone, only a BSUID: `bsuid.br.1502576394655843@…invalid`.
 * It never matches PLACEHOLDER_EMAIL (digits only), so a webhook can't mistake it for a phone.
 */
export const bsuidPlaceholderEmail = (userId: string) => `bsuid.${userId.toLowerCase().replace(/[^a-z0-9.]/g, "")}@${PLACEHOLDER_EMAIL_DOMAIN}`;

const PLACEHOLDER_EMAIL = /^(\d{6,15})@whatsapp\.secretaria\.invalid$/i;

/** Any ISO 8601 instant Cal.com prints ("…Z", "…+00:00", "…-03:00"), normalised to UTC ISO. */
export const Instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), "expected an ISO 8601 instant")
  .transform((s) => new Date(s).toISOString());

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
