import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hmacSha256Hex } from "../../src/lib/hmac";
import { api, metricsText, seedCompany, seriesValue } from "../support/helpers";
import created from "../fixtures/calcom/webhook-booking-created.json";
import rescheduled from "../fixtures/calcom/webhook-booking-rescheduled.json";
import cancelled from "../fixtures/calcom/webhook-booking-cancelled.json";
import ping from "../fixtures/calcom/webhook-ping.json";
import { appointment, appointmentsOf, freezeClockAtNextMonday } from "./support";

const SECRET = "whsec-cal-0123456789";
const PHONE = "5511987654321"; // the attendee in the recorded payloads
let monday = 0;

/** The recorded payload with its times moved into the test's week (Cal.com sends future bookings). */
function at<T extends { payload: Record<string, unknown> }>(fixture: T, startOffsetH: number, patch: Record<string, unknown> = {}): T {
  const start = new Date(monday + startOffsetH * 3_600_000);
  return { ...fixture, payload: { ...fixture.payload, startTime: start.toISOString(), endTime: new Date(start.getTime() + 30 * 60_000).toISOString(), ...patch } };
}

async function post(body: unknown, secret = SECRET) {
  const raw = JSON.stringify(body);
  return exports.default.fetch("http://localhost/webhooks/calcom/cal", {
    method: "POST",
    headers: { "content-type": "application/json", "x-cal-signature-256": await hmacSha256Hex(secret, raw) },
    body: raw,
  });
}

describe("Cal.com webhooks keep appointments and reminders in step, idempotently", () => {
  beforeAll(async () => {
    monday = freezeClockAtNextMonday();
    await seedCompany({ slug: "cal" });
    const res = await api("/api/agenda/settings", {
      method: "PUT",
      tenant: "cal",
      body: JSON.stringify({ provider: "calcom", calcom: { eventTypeId: 812345, apiKey: "cal_live_0123456789", webhookSecret: SECRET } }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => vi.useRealTimers());

  it("rejects a forged signature with 401 and changes nothing", async () => {
    const res = await post(at(created, 48), "not-the-secret");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_signature" } });
    expect(await appointmentsOf("cal", PHONE)).toEqual([]);
    const garbage = await exports.default.fetch("http://localhost/webhooks/calcom/cal", {
      method: "POST",
      headers: { "x-cal-signature-256": await hmacSha256Hex(SECRET, "{") },
      body: "{",
    });
    expect(garbage.status).toBe(400);
  });

  it("BOOKING_CREATED creates the appointment with its reminders; the same webhook again changes nothing", async () => {
    const first = await post(at(created, 48));
    expect(await first.json()).toMatchObject({ event: "created", applied: true });
    const again = await post(at(created, 48));
    expect(await again.json()).toMatchObject({ event: "created", applied: false });
    const list = await appointmentsOf("cal", PHONE);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ booking_uid: "hT4vB8Qm2XkLp9RzYc3NwE", status: "scheduled" });
    const tasks = (await appointment("cal", list[0]!.id)).tasks ?? [];
    expect(tasks.map((t) => t.kind)).toEqual(["reminder", "reminder", "no_show_check"]);
  });

  it("BOOKING_RESCHEDULED moves it (new uid) and its reminders; repeated, nothing more", async () => {
    for (let i = 0; i < 2; i++) expect((await post(at(rescheduled, 72))).status).toBe(200);
    const [a] = await appointmentsOf("cal", PHONE);
    expect(a).toMatchObject({ booking_uid: "Vq8sN3kP5tYw2ZmXr7LbHd", starts_at: new Date(monday + 72 * 3_600_000).toISOString() });
    const tasks = (await appointment("cal", a!.id)).tasks ?? [];
    const oneHour = tasks.find((t) => t.kind === "reminder" && t.offset_minutes === 60);
    expect(oneHour).toMatchObject({ status: "pending", due_at: new Date(monday + 71 * 3_600_000).toISOString() });
    expect(seriesValue(await metricsText(), "secretaria_appointments_rescheduled_total", { company: "cal", source: "calcom" })).toBe(1);
  });

  it("BOOKING_CANCELLED cancels it and every pending reminder; PING is acknowledged and ignored", async () => {
    const res = await post(at(cancelled, 72, { uid: "Vq8sN3kP5tYw2ZmXr7LbHd" }));
    expect(await res.json()).toMatchObject({ event: "cancelled", applied: true });
    expect(await (await post(at(cancelled, 72, { uid: "Vq8sN3kP5tYw2ZmXr7LbHd" }))).json()).toMatchObject({ applied: false });
    const [a] = await appointmentsOf("cal", PHONE);
    const detail = await appointment("cal", a!.id);
    expect(detail.status).toBe("cancelled");
    expect(detail.tasks?.every((t) => t.status === "cancelled")).toBe(true);
    expect(await (await post(ping)).json()).toMatchObject({ event: "ignored", applied: false });
  });
});
