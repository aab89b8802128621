import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { createCalcomProvider } from "../../src/agenda/calcom";
import { parseCalcomWebhook, placeholderEmail, verifyCalcomSignature } from "../../src/agenda/calcom-events";
import type { BookingRequest, BookingResult } from "../../src/agenda/types";
import bookingSlotTaken from "../fixtures/calcom/booking-error-slot-taken.json";
import bookingSuccess from "../fixtures/calcom/booking-success.json";
import cancelSuccess from "../fixtures/calcom/cancel-success.json";
import error401 from "../fixtures/calcom/error-401.json";
import error404 from "../fixtures/calcom/error-404.json";
import error500 from "../fixtures/calcom/error-500.json";
import rescheduleSuccess from "../fixtures/calcom/reschedule-success.json";
import slotsRange from "../fixtures/calcom/slots-success-range.json";
import slotsTime from "../fixtures/calcom/slots-success.json";
import webhookCancelled from "../fixtures/calcom/webhook-booking-cancelled.json";
import webhookCreated from "../fixtures/calcom/webhook-booking-created.json";
import webhookNoShow from "../fixtures/calcom/webhook-booking-no-show-updated.json";
import webhookRejected from "../fixtures/calcom/webhook-booking-rejected.json";
import webhookRescheduled from "../fixtures/calcom/webhook-booking-rescheduled.json";
import webhookPing from "../fixtures/calcom/webhook-ping.json";
import { brokenFetch, fakeFetch, hangingFetch, jsonResponse } from "../channels/fake-fetch";

const API_KEY = "cal_live_0123456789abcdef0123456789abcdef";
const EVENT_TYPE = 812345;
const SP = "America/Sao_Paulo";

function providerAnswering(body: unknown, status = 200, extra: { lengthInMinutes?: number; apiUrl?: string } = {}) {
  const fake = fakeFetch(() => jsonResponse(body, status));
  return { provider: createCalcomProvider({ apiKey: API_KEY, eventTypeId: EVENT_TYPE, fetch: fake.fetch, ...extra }), requests: fake.requests };
}

function failure<T>(result: BookingResult<T>) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result;
}

const bookingReq: BookingRequest = {
  start: "2025-11-26T17:00:00.000Z",
  attendee: { name: "Maria Souza", phone: "5511987654321", timeZone: SP, language: "pt-BR" },
  idempotencyKey: "appt-7f3c2a",
};

describe("createCalcomProvider: availability", () => {
  const query = { from: "2025-11-26T03:00:00.000Z", to: "2025-11-28T03:00:00.000Z", timeZone: SP };

  it("asks GET /v2/slots for the event type with the pinned 2024-09-04 version", async () => {
    const { provider, requests } = providerAnswering(slotsTime);
    await provider.availability(query);
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req?.method).toBe("GET");
    const url = new URL(req?.url ?? "");
    expect(`${url.origin}${url.pathname}`).toBe("https://api.cal.com/v2/slots");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      eventTypeId: "812345",
      start: "2025-11-26T03:00:00.000Z",
      end: "2025-11-28T03:00:00.000Z",
      timeZone: SP,
    });
    expect(req?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(req?.headers.get("cal-api-version")).toBe("2024-09-04");
    expect(req?.json).toBeUndefined();
    expect(req?.signal).toBeDefined();
  });

  it("turns the default format into UTC slots of the event's length", async () => {
    const result = await providerAnswering(slotsTime).provider.availability(query);
    expect(result).toEqual({
      ok: true,
      value: [
        { start: "2025-11-26T17:00:00.000Z", end: "2025-11-26T17:30:00.000Z" },
        { start: "2025-11-26T17:30:00.000Z", end: "2025-11-26T18:00:00.000Z" },
        { start: "2025-11-26T18:00:00.000Z", end: "2025-11-26T18:30:00.000Z" },
        { start: "2025-11-27T12:00:00.000Z", end: "2025-11-27T12:30:00.000Z" },
        { start: "2025-11-27T12:30:00.000Z", end: "2025-11-27T13:00:00.000Z" },
      ],
    });
  });

  it("uses lengthInMinutes for slots without an end", async () => {
    const result = await providerAnswering(slotsTime, 200, { lengthInMinutes: 50 }).provider.availability(query);
    expect(result.ok && result.value[0]).toEqual({ start: "2025-11-26T17:00:00.000Z", end: "2025-11-26T17:50:00.000Z" });
  });

  it("takes the end Cal.com gives in the range format", async () => {
    const result = await providerAnswering(slotsRange).provider.availability({ ...query, to: "2025-11-29T03:00:00.000Z" });
    expect(result).toEqual({
      ok: true,
      value: [
        { start: "2025-11-26T17:00:00.000Z", end: "2025-11-26T17:45:00.000Z" },
        { start: "2025-11-26T18:00:00.000Z", end: "2025-11-26T18:45:00.000Z" },
        { start: "2025-11-28T12:30:00.000Z", end: "2025-11-28T13:15:00.000Z" },
      ],
    });
  });

  it("keeps only starts inside [from, to), sorted, once each", async () => {
    const body = {
      status: "success",
      data: {
        "2025-11-27": [{ start: "2025-11-27T09:30:00.000-03:00" }, { start: "2025-11-27T12:30:00.000Z" }, { start: "2025-11-27T09:00:00.000-03:00" }],
        "2025-11-26": [{ start: "2025-11-26T00:00:00.000-03:00" }, { start: "2025-11-26T14:00:00.000-03:00" }],
        "2025-11-28": [{ start: "2025-11-28T00:00:00.000-03:00" }],
      },
    };
    const result = await providerAnswering(body).provider.availability(query);
    expect(result.ok && result.value.map((s) => s.start)).toEqual(["2025-11-26T03:00:00.000Z", "2025-11-26T17:00:00.000Z", "2025-11-27T12:00:00.000Z", "2025-11-27T12:30:00.000Z"]);
  });

  it("accepts plain strings as slot entries and an empty day map", async () => {
    const strings = await providerAnswering({ status: "success", data: { "2025-11-26": ["2025-11-26T14:00:00.000-03:00"] } }).provider.availability(query);
    expect(strings).toEqual({ ok: true, value: [{ start: "2025-11-26T17:00:00.000Z", end: "2025-11-26T17:30:00.000Z" }] });
    expect(await providerAnswering({ status: "success", data: {} }).provider.availability(query)).toEqual({ ok: true, value: [] });
  });

  it("honours a custom apiUrl with a trailing slash", async () => {
    const { provider, requests } = providerAnswering(slotsTime, 200, { apiUrl: "http://127.0.0.1:8788/" });
    await provider.availability(query);
    expect(requests[0]?.url.startsWith("http://127.0.0.1:8788/v2/slots?")).toBe(true);
  });

  it("answers an invalid range without calling Cal.com", async () => {
    const { provider, requests } = providerAnswering(slotsTime);
    expect(await provider.availability({ ...query, from: "amanhã" })).toMatchObject({ ok: false, code: "invalid_request", retryable: false });
    expect(await provider.availability({ ...query, to: query.from })).toEqual({ ok: true, value: [] });
    expect(requests).toHaveLength(0);
  });

  it("maps a 200 without a slot map to a retryable unavailable", async () => {
    expect(await providerAnswering({ status: "success" }).provider.availability(query)).toMatchObject({ ok: false, code: "unavailable", retryable: true });
    expect(await providerAnswering({ status: "success", data: { "2025-11-26": [{ start: "14h" }] } }).provider.availability(query)).toMatchObject({
      ok: false,
      code: "unavailable",
    });
  });
});

describe("createCalcomProvider: book", () => {
  it("posts /v2/bookings with the 2024-08-13 version, the attendee and our idempotency key", async () => {
    const { provider, requests } = providerAnswering(bookingSuccess, 201);
    const result = await provider.book({ ...bookingReq, notes: "Primeira consulta" });
    expect(result).toEqual({
      ok: true,
      value: { uid: "hT4vB8Qm2XkLp9RzYc3NwE", start: "2025-11-26T17:00:00.000Z", end: "2025-11-26T17:30:00.000Z", status: "accepted" },
    });
    const [req] = requests;
    expect(req?.url).toBe("https://api.cal.com/v2/bookings");
    expect(req?.method).toBe("POST");
    expect(req?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(req?.headers.get("cal-api-version")).toBe("2024-08-13");
    expect(req?.headers.get("content-type")).toBe("application/json");
    expect(req?.json).toEqual({
      start: "2025-11-26T17:00:00.000Z",
      eventTypeId: EVENT_TYPE,
      attendee: {
        name: "Maria Souza",
        // Cal.com requires an email; the contact gave none.
        email: "5511987654321@whatsapp.secretaria.invalid",
        timeZone: SP,
        phoneNumber: "+5511987654321",
        language: "pt-BR",
      },
      metadata: { idempotencyKey: "appt-7f3c2a" },
      bookingFieldsResponses: { notes: "Primeira consulta" },
    });
  });

  it("uses the contact's own email when there is one, and omits what is absent", async () => {
    const { provider, requests } = providerAnswering(bookingSuccess, 201);
    await provider.book({
      ...bookingReq,
      start: "2025-11-26T14:00:00-03:00",
      attendee: { name: "Maria Souza", phone: "5511987654321", email: " maria@example.com ", timeZone: SP },
    });
    expect(requests[0]?.json).toEqual({
      start: "2025-11-26T17:00:00.000Z",
      eventTypeId: EVENT_TYPE,
      attendee: { name: "Maria Souza", email: "maria@example.com", timeZone: SP, phoneNumber: "+5511987654321" },
      metadata: { idempotencyKey: "appt-7f3c2a" },
    });
  });

  it("names a contact without a WhatsApp profile name by the phone number", async () => {
    const { provider, requests } = providerAnswering(bookingSuccess, 201);
    await provider.book({ ...bookingReq, attendee: { ...bookingReq.attendee, name: "  " } });
    expect(requests[0]?.json).toMatchObject({ attendee: { name: "+5511987654321" } });
  });

  it("builds the placeholder email from the phone digits", () => {
    expect(placeholderEmail("+55 (11) 98765-4321")).toBe("5511987654321@whatsapp.secretaria.invalid");
    expect(placeholderEmail("")).toBeNull();
  });

  it("reports a booking that awaits the host's confirmation as pending", async () => {
    const pending = structuredClone(bookingSuccess);
    pending.data.status = "pending";
    expect(await providerAnswering(pending, 201).provider.book(bookingReq)).toMatchObject({ ok: true, value: { status: "pending" } });
  });

  it("takes the first occurrence of a recurring event's answer", async () => {
    const second = { ...bookingSuccess.data, uid: "second", start: "2025-12-03T17:00:00.000Z", end: "2025-12-03T17:30:00.000Z" };
    const result = await providerAnswering({ status: "success", data: [bookingSuccess.data, second] }, 201).provider.book(bookingReq);
    expect(result).toMatchObject({ ok: true, value: { uid: "hT4vB8Qm2XkLp9RzYc3NwE" } });
  });

  it("refuses a start that is not an instant, or a contact with neither phone nor email, without calling Cal.com", async () => {
    const { provider, requests } = providerAnswering(bookingSuccess, 201);
    expect(await provider.book({ ...bookingReq, start: "quarta às 14h" })).toMatchObject({ ok: false, code: "invalid_request" });
    expect(await provider.book({ ...bookingReq, attendee: { ...bookingReq.attendee, phone: "" } })).toMatchObject({ ok: false, code: "no_phone" });
    expect(requests).toHaveLength(0);
  });

  it("maps a 2xx without a booking to a retryable unavailable", async () => {
    expect(await providerAnswering({ status: "success", data: {} }, 201).provider.book(bookingReq)).toMatchObject({ ok: false, code: "unavailable", retryable: true });
    const fake = fakeFetch(() => new Response("", { status: 201 }));
    const result = await createCalcomProvider({ apiKey: API_KEY, eventTypeId: EVENT_TYPE, fetch: fake.fetch }).book(bookingReq);
    expect(result).toMatchObject({ ok: false, code: "unavailable", retryable: true });
  });
});

describe("createCalcomProvider: cancel and reschedule", () => {
  it("posts /v2/bookings/{uid}/cancel with the reason", async () => {
    const { provider, requests } = providerAnswering(cancelSuccess);
    const result = await provider.cancel("hT4vB8Qm2XkLp9RzYc3NwE", "Paciente pediu pelo WhatsApp");
    expect(result).toEqual({
      ok: true,
      value: { uid: "hT4vB8Qm2XkLp9RzYc3NwE", start: "2025-11-26T17:00:00.000Z", end: "2025-11-26T17:30:00.000Z", status: "cancelled" },
    });
    const [req] = requests;
    expect(req?.url).toBe("https://api.cal.com/v2/bookings/hT4vB8Qm2XkLp9RzYc3NwE/cancel");
    expect(req?.method).toBe("POST");
    expect(req?.headers.get("cal-api-version")).toBe("2024-08-13");
    expect(req?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(req?.json).toEqual({ cancellationReason: "Paciente pediu pelo WhatsApp" });
  });

  it("sends an empty body without a reason and escapes the uid", async () => {
    const { provider, requests } = providerAnswering(cancelSuccess);
    await provider.cancel("a/b?c");
    expect(requests[0]?.url).toBe("https://api.cal.com/v2/bookings/a%2Fb%3Fc/cancel");
    expect(requests[0]?.json).toEqual({});
  });

  it("posts /v2/bookings/{uid}/reschedule and returns the NEW booking uid", async () => {
    const { provider, requests } = providerAnswering(rescheduleSuccess, 201);
    const result = await provider.reschedule("hT4vB8Qm2XkLp9RzYc3NwE", "2025-11-28T09:30:00-03:00", "Paciente pediu outro horário");
    expect(result).toEqual({
      ok: true,
      value: { uid: "Vq8sN3kP5tYw2ZmXr7LbHd", start: "2025-11-28T12:30:00.000Z", end: "2025-11-28T13:00:00.000Z", status: "accepted" },
    });
    const [req] = requests;
    expect(req?.url).toBe("https://api.cal.com/v2/bookings/hT4vB8Qm2XkLp9RzYc3NwE/reschedule");
    expect(req?.headers.get("cal-api-version")).toBe("2024-08-13");
    expect(req?.json).toEqual({ start: "2025-11-28T12:30:00.000Z", reschedulingReason: "Paciente pediu outro horário" });
  });

  it("omits the rescheduling reason when there is none", async () => {
    const { provider, requests } = providerAnswering(rescheduleSuccess, 201);
    await provider.reschedule("hT4vB8Qm2XkLp9RzYc3NwE", "2025-11-28T12:30:00.000Z");
    expect(requests[0]?.json).toEqual({ start: "2025-11-28T12:30:00.000Z" });
  });

  it("refuses an empty uid or a bad start without calling Cal.com", async () => {
    const { provider, requests } = providerAnswering(rescheduleSuccess, 201);
    expect(await provider.cancel(" ")).toMatchObject({ ok: false, code: "invalid_request" });
    expect(await provider.reschedule("", "2025-11-28T12:30:00.000Z")).toMatchObject({ ok: false, code: "invalid_request" });
    expect(await provider.reschedule("hT4vB8Qm2XkLp9RzYc3NwE", "sexta")).toMatchObject({ ok: false, code: "invalid_request" });
    expect(requests).toHaveLength(0);
  });
});

describe("createCalcomProvider: failures", () => {
  const cases = [
    ["401 bad API key", error401, 401, "unauthorized", false, "Your api key is not valid"],
    [
      "403 forbidden",
      { status: "error", error: { code: "ForbiddenException", message: "Insufficient permissions to access resource" } },
      403,
      "unauthorized",
      false,
      "Insufficient permissions",
    ],
    ["404 unknown booking", error404, 404, "not_found", false, "not found"],
    ["400 host already booked", bookingSlotTaken, 400, "slot_taken", false, "already has booking at this time"],
    ["409 conflict", { status: "error", error: { code: "ConflictException", message: "Booking conflict" } }, 409, "slot_taken", false, "Booking conflict"],
    [
      "422 no available users",
      { status: "error", error: { code: "no_available_users_found_error", message: "No available users found." } },
      422,
      "slot_taken",
      false,
      "No available users",
    ],
    [
      "400 out of the booking window",
      {
        status: "error",
        error: {
          code: "BadRequestException",
          message:
            "The event type can't be booked at the \"start\" time provided. This could be because it's too soon (violating the minimum booking notice) or too far in the future (outside the event's scheduling window).",
        },
      },
      400,
      "slot_taken",
      false,
      "minimum booking notice",
    ],
    ["400 in the past", { status: "error", error: { code: "BadRequestException", message: "Attempting to book a meeting in the past." } }, 400, "slot_taken", false, "in the past"],
    [
      "400 validation",
      { status: "error", error: { code: "BadRequestException", message: "attendee.timeZone must be a valid IANA time zone", details: { errors: [] } } },
      400,
      "invalid_request",
      false,
      "timeZone",
    ],
    [
      "400 already cancelled",
      { status: "error", error: { code: "BadRequestException", message: "This booking has already been cancelled." } },
      400,
      "invalid_request",
      false,
      "already been cancelled",
    ],
    ["500 server error", error500, 500, "unavailable", true, "Internal server error"],
    ["503 without details", {}, 503, "unavailable", true, "HTTP 503"],
    ["429 rate limit", { status: "error", error: { code: "ThrottlerException", message: "ThrottlerException: Too Many Requests" } }, 429, "unavailable", true, "Too Many Requests"],
  ] as const;

  it.each(cases)("maps %s on a booking", async (_label, body, status, code, retryable, says) => {
    const result = failure(await providerAnswering(body, status).provider.book(bookingReq));
    expect(result).toMatchObject({ ok: false, code, retryable });
    expect(result.message).toContain(says);
  });

  it.each([
    ["availability", (p: ReturnType<typeof createCalcomProvider>) => p.availability({ from: "2025-11-26T03:00:00Z", to: "2025-11-27T03:00:00Z", timeZone: SP })],
    ["cancel", (p: ReturnType<typeof createCalcomProvider>) => p.cancel("hT4vB8Qm2XkLp9RzYc3NwX")],
    ["reschedule", (p: ReturnType<typeof createCalcomProvider>) => p.reschedule("hT4vB8Qm2XkLp9RzYc3NwX", "2025-11-28T12:30:00Z")],
  ])("maps 401, 404 and 500 the same way on %s", async (_label, call) => {
    expect(await call(providerAnswering(error401, 401).provider)).toMatchObject({ ok: false, code: "unauthorized", retryable: false });
    expect(await call(providerAnswering(error404, 404).provider)).toMatchObject({ ok: false, code: "not_found", retryable: false });
    expect(await call(providerAnswering(error500, 500).provider)).toMatchObject({ ok: false, code: "unavailable", retryable: true });
  });

  it("says which booking a 404 could not find", async () => {
    const result = failure(await providerAnswering(error404, 404).provider.cancel("hT4vB8Qm2XkLp9RzYc3NwX"));
    expect(result.message).toContain("booking hT4vB8Qm2XkLp9RzYc3NwX");
  });

  it("maps a 502 HTML page to a retryable unavailable", async () => {
    const fake = fakeFetch(() => new Response("<html>502 Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } }));
    const result = failure(await createCalcomProvider({ apiKey: API_KEY, eventTypeId: EVENT_TYPE, fetch: fake.fetch }).book(bookingReq));
    expect(result).toMatchObject({ code: "unavailable", retryable: true });
    expect(result.message).toContain("HTTP 502");
  });

  it("maps another 4xx without a Cal.com body to invalid_request", async () => {
    const fake = fakeFetch(() => new Response("Method Not Allowed", { status: 405 }));
    expect(await createCalcomProvider({ apiKey: API_KEY, eventTypeId: EVENT_TYPE, fetch: fake.fetch }).cancel("x")).toMatchObject({
      ok: false,
      code: "invalid_request",
      retryable: false,
    });
  });

  it("maps a dropped connection to a retryable unavailable", async () => {
    const result = failure(await createCalcomProvider({ apiKey: API_KEY, eventTypeId: EVENT_TYPE, fetch: brokenFetch().fetch }).book(bookingReq));
    expect(result).toMatchObject({ code: "unavailable", retryable: true });
    expect(result.message).toContain("Network connection lost");
  });

  it("gives up on a request that does not answer within the timeout", async () => {
    const fake = hangingFetch();
    const provider = createCalcomProvider({ apiKey: API_KEY, eventTypeId: EVENT_TYPE, fetch: fake.fetch, timeoutMs: 50 });
    const result = failure(await provider.availability({ from: "2025-11-26T03:00:00Z", to: "2025-11-27T03:00:00Z", timeZone: SP }));
    expect(result).toMatchObject({ code: "unavailable", retryable: true });
    expect(result.message).toContain("did not answer in time");
    expect(fake.requests[0]?.signal?.aborted).toBe(true);
  });

  it("keeps phone numbers and the API key out of failure messages", async () => {
    const body = { status: "error", error: { code: "BadRequestException", message: "attendee.phoneNumber +5511987654321 is invalid" } };
    const result = failure(await providerAnswering(body, 400).provider.book(bookingReq));
    expect(result.message).not.toContain("5511987654321");
    expect(result.message).not.toContain(API_KEY);
  });
});

describe("verifyCalcomSignature", () => {
  const secret = "calcom-webhook-secret-test";
  // Computed independently with Node's crypto.createHmac over JSON.stringify(webhook-booking-created fixture).
  const expected = "365da4e447ad388a0d9267cf44a8fa520dd3983157865e1c7dd9dc20e50b4a3d";
  const text = JSON.stringify(webhookCreated);
  const raw = new TextEncoder().encode(text);

  it("accepts the signature Cal.com sends, for bytes, buffers and strings", async () => {
    expect(await verifyCalcomSignature(raw, expected, secret)).toBe(true);
    expect(await verifyCalcomSignature(raw.slice().buffer, expected.toUpperCase(), secret)).toBe(true);
    expect(await verifyCalcomSignature(text, ` ${expected}\n`, secret)).toBe(true);
  });

  it("rejects a tampered body", async () => {
    const tampered = new TextEncoder().encode(text.replace("2025-11-26T17:00:00Z", "2025-11-26T18:00:00Z"));
    expect(await verifyCalcomSignature(tampered, expected, secret)).toBe(false);
  });

  it("rejects a signature made with another secret, and an empty secret", async () => {
    expect(await verifyCalcomSignature(raw, expected, "other-secret")).toBe(false);
    expect(await verifyCalcomSignature(raw, expected, "")).toBe(false);
  });

  it.each([null, undefined, "", "no-secret-provided", `sha256=${expected}`, expected.slice(2), `${expected}00`, "zz".repeat(32)])(
    "rejects the malformed header %s",
    async (header) => {
      expect(await verifyCalcomSignature(raw, header, secret)).toBe(false);
    },
  );
});

describe("parseCalcomWebhook", () => {
  it("maps BOOKING_CREATED with the attendee's phone and name", () => {
    expect(parseCalcomWebhook(webhookCreated)).toEqual({
      kind: "created",
      uid: "hT4vB8Qm2XkLp9RzYc3NwE",
      start: "2025-11-26T17:00:00.000Z",
      end: "2025-11-26T17:30:00.000Z",
      attendeePhone: "5511987654321",
      attendeeName: "Maria Souza",
      trigger: "BOOKING_CREATED",
      createdAt: "2025-11-25T12:04:12.201Z",
    });
  });

  it("maps BOOKING_RESCHEDULED: uid is the new booking, rescheduleUid the old one", () => {
    expect(parseCalcomWebhook(webhookRescheduled)).toEqual({
      kind: "rescheduled",
      uid: "Vq8sN3kP5tYw2ZmXr7LbHd",
      previousUid: "hT4vB8Qm2XkLp9RzYc3NwE",
      start: "2025-11-28T12:30:00.000Z",
      end: "2025-11-28T13:00:00.000Z",
      // No phone field in this payload: recovered from our placeholder email.
      attendeePhone: "5511987654321",
      attendeeName: "Maria Souza",
      trigger: "BOOKING_RESCHEDULED",
      createdAt: "2025-11-25T16:10:46.019Z",
    });
  });

  it("reads a foreign number back from the placeholder email as international", () => {
    const foreign = structuredClone(webhookRescheduled);
    const attendee = foreign.payload.attendees[0];
    if (attendee) attendee.email = "14155550123@whatsapp.secretaria.invalid";
    foreign.payload.responses.email.value = "14155550123@whatsapp.secretaria.invalid";
    expect(parseCalcomWebhook(foreign).attendeePhone).toBe("14155550123");
  });

  it("falls back to fromReschedule, and drops a previous uid equal to the new one", () => {
    const older = structuredClone(webhookRescheduled) as { payload: Record<string, unknown> };
    delete older.payload.rescheduleUid;
    older.payload.fromReschedule = "hT4vB8Qm2XkLp9RzYc3NwE";
    expect(parseCalcomWebhook(older).previousUid).toBe("hT4vB8Qm2XkLp9RzYc3NwE");
    const seated = structuredClone(webhookRescheduled) as { payload: Record<string, unknown> };
    seated.payload.rescheduleUid = "Vq8sN3kP5tYw2ZmXr7LbHd";
    expect(parseCalcomWebhook(seated).previousUid).toBeUndefined();
  });

  it("maps BOOKING_CANCELLED, reading the phone from the booking form", () => {
    expect(parseCalcomWebhook(webhookCancelled)).toEqual({
      kind: "cancelled",
      uid: "hT4vB8Qm2XkLp9RzYc3NwE",
      start: "2025-11-26T17:00:00.000Z",
      end: "2025-11-26T17:30:00.000Z",
      attendeePhone: "5511987654321",
      attendeeName: "Maria Souza",
      trigger: "BOOKING_CANCELLED",
      createdAt: "2025-11-25T15:40:02.884Z",
    });
  });

  it("maps BOOKING_REJECTED; a booker with only an email has no phone", () => {
    const event = parseCalcomWebhook(webhookRejected);
    expect(event).toEqual({
      kind: "rejected",
      uid: "Rk2pW9dF4sJx7QnBv6MtZa",
      start: "2025-11-27T15:00:00.000Z",
      end: "2025-11-27T16:00:00.000Z",
      attendeeName: "Carlos Pereira",
      trigger: "BOOKING_REJECTED",
      createdAt: "2025-11-25T14:00:00.000Z",
    });
  });

  it("maps BOOKING_NO_SHOW_UPDATED (bookingUid, marked attendee)", () => {
    expect(parseCalcomWebhook(webhookNoShow)).toEqual({
      kind: "no_show",
      uid: "hT4vB8Qm2XkLp9RzYc3NwE",
      noShowAttendee: true,
      attendeePhone: "5511987654321",
      trigger: "BOOKING_NO_SHOW_UPDATED",
      createdAt: "2025-11-26T18:05:31.663Z",
    });
    const unmarked = structuredClone(webhookNoShow);
    const attendee = unmarked.payload.attendees[0];
    if (attendee) attendee.noShow = false;
    expect(parseCalcomWebhook(unmarked)).toMatchObject({ kind: "no_show", noShowAttendee: false });
  });

  it("maps the Cal Video no-show triggers: guests absent, or the host absent", () => {
    const calVideo = (trigger: string) => ({
      triggerEvent: trigger,
      createdAt: "2025-11-26T17:05:00.320Z",
      payload: {
        title: "Consulta entre Dra. Ana Lima e Maria Souza",
        bookingId: 48213,
        bookingUid: "hT4vB8Qm2XkLp9RzYc3NwE",
        startTime: "2025-11-26T17:00:00.000Z",
        endTime: "2025-11-26T17:30:00.000Z",
        attendees: [
          {
            id: 90211,
            email: "5511987654321@whatsapp.secretaria.invalid",
            name: "Maria Souza",
            timeZone: SP,
            phoneNumber: "+5511987654321",
            locale: "pt-BR",
            bookingId: 48213,
            noShow: false,
          },
        ],
        participants: [],
        hostEmail: "ana@clinicabemestar.com.br",
        eventType: { id: EVENT_TYPE, teamId: null, parentId: null, calVideoSettings: null },
        message: "Guest didn't join the call or didn't join before 2025-11-26 17:05:00 +00:00",
      },
    });
    expect(parseCalcomWebhook(calVideo("AFTER_GUESTS_CAL_VIDEO_NO_SHOW"))).toEqual({
      kind: "no_show",
      uid: "hT4vB8Qm2XkLp9RzYc3NwE",
      noShowAttendee: true,
      start: "2025-11-26T17:00:00.000Z",
      end: "2025-11-26T17:30:00.000Z",
      attendeePhone: "5511987654321",
      attendeeName: "Maria Souza",
      trigger: "AFTER_GUESTS_CAL_VIDEO_NO_SHOW",
      createdAt: "2025-11-26T17:05:00.320Z",
    });
    const host = parseCalcomWebhook(calVideo("AFTER_HOSTS_CAL_VIDEO_NO_SHOW"));
    expect(host).toMatchObject({ kind: "no_show", uid: "hT4vB8Qm2XkLp9RzYc3NwE", noShowHost: true });
    expect(host.noShowAttendee).toBeUndefined();
  });

  it("ignores PING and the triggers we do not act on, whatever their shape", () => {
    expect(parseCalcomWebhook(webhookPing)).toEqual({ kind: "ignored", uid: "", trigger: "PING", createdAt: "2025-11-25T11:58:00.312Z" });
    const requested = { ...webhookCreated, triggerEvent: "BOOKING_REQUESTED" };
    expect(parseCalcomWebhook(requested)).toMatchObject({ kind: "ignored", uid: "hT4vB8Qm2XkLp9RzYc3NwE", trigger: "BOOKING_REQUESTED" });
    // MEETING_ENDED puts the booking at the top level, with no payload at all.
    const meetingEnded = { triggerEvent: "MEETING_ENDED", createdAt: "2025-11-25T12:04:11.000Z", uid: "hT4vB8Qm2XkLp9RzYc3NwE", id: 48213, attendees: [] };
    expect(parseCalcomWebhook(meetingEnded)).toMatchObject({ kind: "ignored", uid: "hT4vB8Qm2XkLp9RzYc3NwE", trigger: "MEETING_ENDED" });
  });

  it.each([
    ["a non-object body", "BOOKING_CREATED"],
    ["null", null],
    ["no triggerEvent", { createdAt: "2025-11-25T12:04:12.201Z", payload: webhookCreated.payload }],
    ["no createdAt", { triggerEvent: "PING", payload: {} }],
    ["a created booking without payload", { triggerEvent: "BOOKING_CREATED", createdAt: "2025-11-25T12:04:12.201Z" }],
    ["a created booking without uid", { ...webhookCreated, payload: { ...webhookCreated.payload, uid: undefined } }],
    ["a created booking without startTime", { ...webhookCreated, payload: { ...webhookCreated.payload, startTime: undefined } }],
    ["a created booking with a bad startTime", { ...webhookCreated, payload: { ...webhookCreated.payload, startTime: "amanhã 14h" } }],
    ["a rescheduled booking without endTime", { ...webhookRescheduled, payload: { ...webhookRescheduled.payload, endTime: undefined } }],
    ["a cancellation without uid", { ...webhookCancelled, payload: { ...webhookCancelled.payload, uid: "" } }],
    ["a no-show update without bookingUid", { ...webhookNoShow, payload: { ...webhookNoShow.payload, bookingUid: undefined } }],
  ])("throws ZodError on %s", (_label, body) => {
    expect(() => parseCalcomWebhook(body)).toThrow(ZodError);
  });

  it("reports where a malformed payload is wrong", () => {
    try {
      parseCalcomWebhook({ ...webhookCreated, payload: { ...webhookCreated.payload, uid: 42 } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ZodError);
      expect((err as ZodError).issues.map((i) => i.path.join("."))).toContain("payload.uid");
    }
  });
});
