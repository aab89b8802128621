import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { verifyStripeSignature } from "../../src/billing/signature";
import { publish } from "../../src/events/publish";
import { appointmentData, businessEvent } from "../../src/events/types";
import { WEBHOOK_MAX_ATTEMPTS } from "../../src/integrations/delivery-job";
import { runWebhookDelivery } from "../../src/integrations/deliver";
import { checkWebhookUrl } from "../../src/integrations/url-guard";
import { QUEUE_MAX_ATTEMPTS } from "../../src/queues";
import { createD1Store } from "../../src/store/d1";
import type { Appointment, Company } from "../../src/store/types";
import { readProfile } from "../../src/tenants/profile";
import { loadTenant } from "../../src/tenants/tenant-cache";
import { FAKE_RECEIVER_URL } from "../support/fake-receiver";
import { capturing } from "../support/d1-plans";
import { envWith, eventually, store } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { asToken, capturedQueue, contact, createEndpoint, json, received, tenant, tokenOf } from "./support";

const booked = (company: Company, id: number, contactId: number) =>
  businessEvent(
    "appointment.booked",
    company.id,
    id,
    appointmentData({
      id,
      contactId,
      startsAt: Date.parse("2026-12-03T13:00:00Z"),
      endsAt: Date.parse("2026-12-03T13:30:00Z"),
      service: "Limpeza",
      status: "scheduled",
      source: "whatsapp",
    } as Appointment),
  );
const received_ = (company: Company, n: number, contactId: number) =>
  businessEvent("message.received", company.id, `${company.id}-${n}`, {
    message_id: n,
    conversation_id: 1,
    contact_id: contactId,
    channel: "sandbox",
    type: "text",
    text: "Oi, queria marcar uma limpeza",
  });

/** A fake receiver as a fetch: answers `status` and keeps each request. */
function fakeFetch(status: number | (() => number)) {
  const calls: Request[] = [];
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(new Request(input, init));
    return new Response(status === 200 ? "ok" : "no", { status: typeof status === "function" ? status() : status });
  }) as typeof fetch;
  return { fn, calls };
}

describe("webhook endpoints: the API", () => {
  it("creates an endpoint with a secret shown once and sealed at rest, lists it without it, keeps the subscribed types in the profile", async () => {
    const a = await tenant("wh-create");
    const token = await tokenOf(a);
    const { endpoint, secret } = await createEndpoint(
      a,
      { url: "https://n8n.clinica.example/webhook/agenda", events: ["appointment.booked", "appointment.cancelled", "appointment.booked"], description: "n8n agenda" },
      token,
    );
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(endpoint).toMatchObject({
      url: "https://n8n.clinica.example/webhook/agenda",
      events: ["appointment.booked", "appointment.cancelled"],
      active: true,
      description: "n8n agenda",
    });
    const [row] = await sqlRows<{ secret: string }>("select secret from webhook_endpoints where id = ?", endpoint.id);
    expect(row?.secret.startsWith("v1.")).toBe(true);
    expect(row?.secret).not.toContain(secret.slice(6));
    const list = await json<{ endpoints: Record<string, unknown>[]; event_types: string[] }>(asToken(token, "/api/webhooks/endpoints"));
    expect(list.endpoints).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(secret);
    expect(list.event_types).toContain("followup.answered");
    expect(readProfile(await store().profiles.get(a.id)).webhooks.events).toEqual(["appointment.booked", "appointment.cancelled"]);

    // Rotate: a new secret, shown once; deactivate: the profile no longer lists its types; delete: gone.
    const rotated = await json<{ secret: string }>(asToken(token, `/api/webhooks/endpoints/${endpoint.id}/rotate`, { method: "POST" }));
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    const off = await asToken(token, `/api/webhooks/endpoints/${endpoint.id}`, { method: "PATCH", body: JSON.stringify({ active: false }) });
    expect(off.status).toBe(200);
    expect(readProfile(await store().profiles.get(a.id)).webhooks.events).toEqual([]);
    expect((await asToken(token, `/api/webhooks/endpoints/${endpoint.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await asToken(token, `/api/webhooks/endpoints/${endpoint.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("refuses URLs a webhook may not go to (SSRF), unknown events and unknown fields, with 4xx codes", async () => {
    const a = await tenant("wh-ssrf");
    const token = await tokenOf(a);
    const refused: [string, string][] = [
      ["http://n8n.clinica.example/hook", "https_required"],
      ["https://127.0.0.1/hook", "private_host"],
      ["https://localhost:8787/hook", "private_host"],
      ["https://10.1.2.3/hook", "private_host"],
      ["https://172.20.0.1/hook", "private_host"],
      ["https://192.168.0.10/hook", "private_host"],
      ["https://169.254.169.254/latest/meta-data", "private_host"],
      ["https://[::1]/hook", "private_host"],
      ["https://[fe80::1]/hook", "private_host"],
      ["https://[::ffff:127.0.0.1]/hook", "private_host"],
      ["https://2130706433/hook", "private_host"],
      ["https://metadata.google.internal/hook", "private_host"],
      ["https://intranet/hook", "private_host"],
      ["https://admin:senha@n8n.clinica.example/hook", "credentials_in_url"],
      ["ftp://n8n.clinica.example/hook", "https_required"],
      ["não é url", "invalid_url"],
      // The local allowance needs WEBHOOKS_ALLOW_LOCAL=1 in development: not set here.
      ["http://127.0.0.1:9000/hook", "https_required"],
    ];
    for (const [url, code] of refused) {
      const res = await asToken(token, "/api/webhooks/endpoints", { method: "POST", body: JSON.stringify({ url, events: ["appointment.booked"] }) });
      expect([url, res.status]).toEqual([url, 422]);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    for (const body of [
      { url: "https://ok.example/h", events: ["appointment.teleported"] },
      { url: "https://ok.example/h", events: [] },
      { url: "https://ok.example/h", events: ["appointment.booked"], secret: "mine" },
    ]) {
      const res = await asToken(token, "/api/webhooks/endpoints", { method: "POST", body: JSON.stringify(body) });
      expect(res.status).toBe(400);
    }
    expect((await json<{ endpoints: unknown[] }>(asToken(token, "/api/webhooks/endpoints"))).endpoints).toEqual([]);
    // With the dev var, a local receiver is fine; a private address is still not.
    expect(checkWebhookUrl("http://127.0.0.1:9000/hook", true)).toBeNull();
    expect(checkWebhookUrl("http://10.0.0.1/hook", true)).toBe("https_required");
    expect(checkWebhookUrl("https://n8n.clinica.example/webhook/x", false)).toBeNull();
  });

  it("keeps tenants apart and asks for the integrations permission", async () => {
    const a = await tenant("wh-iso-a");
    const b = await tenant("wh-iso-b");
    const { endpoint } = await createEndpoint(a, { url: `${FAKE_RECEIVER_URL}/iso-a`, events: ["appointment.booked"] });
    const [delivery] = await store().webhookDeliveries.enqueue(
      a.id,
      [{ endpointId: endpoint.id, event: "appointment.booked", eventId: "appointment.booked:1", payload: {} }],
      Date.now(),
    );
    const other = await tokenOf(b);
    expect((await json<{ endpoints: unknown[] }>(asToken(other, "/api/webhooks/endpoints"))).endpoints).toEqual([]);
    expect((await json<{ deliveries: unknown[] }>(asToken(other, `/api/webhooks/deliveries?endpoint_id=${endpoint.id}`))).deliveries).toEqual([]);
    for (const [method, path] of [
      ["PATCH", `/api/webhooks/endpoints/${endpoint.id}`],
      ["DELETE", `/api/webhooks/endpoints/${endpoint.id}`],
      ["POST", `/api/webhooks/endpoints/${endpoint.id}/rotate`],
      ["POST", `/api/webhooks/endpoints/${endpoint.id}/test`],
      ["POST", `/api/webhooks/deliveries/${delivery?.id}/redeliver`],
    ] as const) {
      const res = await asToken(other, path, { method, body: method === "PATCH" ? JSON.stringify({ active: false }) : undefined });
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await store().webhookEndpoints.byId(a.id, endpoint.id))?.active).toBe(true);
    expect(await received("/iso-a")).toEqual([]);

    const reader = await tokenOf(a, ["integrations:read"]);
    expect((await asToken(reader, "/api/webhooks/endpoints")).status).toBe(200);
    expect(
      (await asToken(reader, "/api/webhooks/endpoints", { method: "POST", body: JSON.stringify({ url: "https://x.example/h", events: ["appointment.booked"] }) })).status,
    ).toBe(403);
    const analyst = await tokenOf(a, ["analytics:read", "feedback:*"]);
    expect((await asToken(analyst, "/api/webhooks/endpoints")).status).toBe(403);
    expect((await asToken(analyst, "/api/webhooks/deliveries")).status).toBe(403);
  });
});

describe("webhook deliveries", () => {
  it("an event becomes one signed delivery per endpoint that takes it, through the real jobs queue; a republished event is delivered once", async () => {
    const a = await tenant("wh-e2e");
    const k = await contact(a);
    const { endpoint, secret } = await createEndpoint(a, { url: `${FAKE_RECEIVER_URL}/e2e`, events: ["appointment.booked"] });
    await createEndpoint(a, { url: `${FAKE_RECEIVER_URL}/e2e-other`, events: ["appointment.cancelled"] });
    const event = booked(a, 910_001, k.id);
    await publish(env, store(), [event]);
    await publish(env, store(), [event]);
    await eventually(async () => expect(await received("/e2e")).toHaveLength(1));
    const [got] = await received("/e2e");
    if (!got) throw new Error("nothing received");
    expect(got.headers["secretaria-event"]).toBe("appointment.booked");
    const check = await verifyStripeSignature(new TextEncoder().encode(got.body), got.headers["secretaria-signature"], secret, Date.now());
    expect(check.ok).toBe(true);
    expect((await verifyStripeSignature(new TextEncoder().encode(got.body.replace("Limpeza", "Implante")), got.headers["secretaria-signature"], secret, Date.now())).ok).toBe(
      false,
    );
    const body = JSON.parse(got.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: "appointment.booked:910001",
      type: "appointment.booked",
      company: { id: a.id, slug: a.slug },
      data: { appointment_id: 910_001, contact_id: k.id, service: "Limpeza" },
    });
    expect(Date.parse(String(body.created_at))).toBeGreaterThan(0);
    expect(await received("/e2e-other")).toEqual([]);
    const log = await json<{ deliveries: { endpoint_id: number; status: string; attempts: number; response_status: number }[] }>(
      asToken(await tokenOf(a), "/api/webhooks/deliveries"),
    );
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ endpoint_id: endpoint.id, status: "delivered", attempts: 1, response_status: 200 });
  });

  it("retries a failing receiver with backoff, then marks it dead with a dead letter, and the next delivery still goes; redelivery sends it again", async () => {
    const a = await tenant("wh-retry");
    const k = await contact(a);
    const { endpoint } = await createEndpoint(a, { url: "https://n8n.clinica.example/webhook/falha", events: ["appointment.booked"] });
    const { queue, sent } = capturedQueue();
    const e = envWith({ JOBS_QUEUE: queue });
    await publish(e, store(), [booked(a, 920_001, k.id), booked(a, 920_002, k.id)]);
    expect(sent).toHaveLength(2);
    const [first, second] = sent as { kind: "webhook_delivery"; companyId: number; deliveryId: number; generation: number }[];
    if (!first || !second) throw new Error("nothing queued");
    const down = fakeFetch(503);
    for (let attempt = 1; attempt < WEBHOOK_MAX_ATTEMPTS; attempt++) {
      const outcome = await runWebhookDelivery(e, store(), first, attempt, down.fn);
      expect(outcome.ack).toBe(false);
      if (!outcome.ack) expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(0);
      expect(await store().webhookDeliveries.byId(a.id, first.deliveryId)).toMatchObject({ status: "failed", attempts: attempt, responseStatus: 503, error: "HTTP 503" });
    }
    expect(await runWebhookDelivery(e, store(), first, WEBHOOK_MAX_ATTEMPTS, down.fn)).toEqual({ ack: true, result: "dead" });
    expect(await store().webhookDeliveries.byId(a.id, first.deliveryId)).toMatchObject({ status: "dead", attempts: WEBHOOK_MAX_ATTEMPTS });
    const letters = await sqlRows<{ reason: string; attempts: number }>("select reason, attempts from dead_letters where company_id = ? and queue = 'jobs'", a.id);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reason).toContain("HTTP 503");
    expect(letters[0]?.reason).toContain("n8n.clinica.example");
    expect(down.calls).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    // The dead one does not hold up the next.
    const up = fakeFetch(200);
    expect(await runWebhookDelivery(e, store(), second, 1, up.fn)).toEqual({ ack: true, result: "delivered" });
    // A URL stored while local receivers were allowed is refused at send time elsewhere.
    await store().webhookEndpoints.update(a.id, endpoint.id, { url: "http://127.0.0.1:9000/hook" }, Date.now());
    const [third] = await store().webhookDeliveries.enqueue(
      a.id,
      [{ endpointId: endpoint.id, event: "appointment.booked", eventId: "appointment.booked:920003", payload: {} }],
      Date.now(),
    );
    if (!third) throw new Error("no third delivery");
    const local = fakeFetch(200);
    expect(await runWebhookDelivery(e, store(), { kind: "webhook_delivery", companyId: a.id, deliveryId: third.id, generation: 0 }, 1, local.fn)).toMatchObject({ ack: false });
    expect(local.calls).toHaveLength(0);
    expect((await store().webhookDeliveries.byId(a.id, third.id))?.error).toBe("URL refused (https_required)");
    // A queue redelivery of a delivered one sends nothing.
    expect(await runWebhookDelivery(e, store(), second, 2, up.fn)).toEqual({ ack: true, result: "skipped" });
    expect(up.calls).toHaveLength(1);

    const token = await tokenOf(a);
    const dead = await json<{ deliveries: { id: number }[] }>(asToken(token, `/api/webhooks/deliveries?status=dead&endpoint_id=${endpoint.id}`));
    expect(dead.deliveries.map((d) => d.id)).toEqual([first.deliveryId]);
    const again = await asToken(token, `/api/webhooks/deliveries/${first.deliveryId}/redeliver`, { method: "POST" });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { delivery: { status: string } }).delivery.status).toBe("pending");
    // The real queue takes it: that receiver does not exist in the test network, so it fails again, one more attempt in the log.
    await eventually(async () => expect((await store().webhookDeliveries.byId(a.id, first.deliveryId))?.attempts).toBe(WEBHOOK_MAX_ATTEMPTS + 1));
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(QUEUE_MAX_ATTEMPTS.jobs);
  });

  it("a test send posts a signed webhook.test now and shows the receiver's answer, good or bad", async () => {
    const a = await tenant("wh-test-send");
    const token = await tokenOf(a);
    const good = await createEndpoint(a, { url: `${FAKE_RECEIVER_URL}/test-ok`, events: ["handoff.started"] }, token);
    const bad = await createEndpoint(a, { url: `${FAKE_RECEIVER_URL}/test/status/500`, events: ["handoff.started"] }, token);
    const ok = await json<{ ok: boolean; status: number; body: string; error: string | null }>(
      asToken(token, `/api/webhooks/endpoints/${good.endpoint.id}/test`, { method: "POST" }),
    );
    expect(ok).toMatchObject({ ok: true, status: 200, body: '{"received":true}', error: null });
    const [got] = await received("/test-ok");
    expect(got?.headers["secretaria-event"]).toBe("webhook.test");
    expect((await verifyStripeSignature(new TextEncoder().encode(got?.body ?? ""), got?.headers["secretaria-signature"], good.secret, Date.now())).ok).toBe(true);
    // The other endpoint's secret does not verify it.
    expect((await verifyStripeSignature(new TextEncoder().encode(got?.body ?? ""), got?.headers["secretaria-signature"], bad.secret, Date.now())).ok).toBe(false);
    const failed = await json<{ ok: boolean; status: number; body: string; error: string }>(asToken(token, `/api/webhooks/endpoints/${bad.endpoint.id}/test`, { method: "POST" }));
    expect(failed).toMatchObject({ ok: false, status: 500, error: "HTTP 500" });
    expect(failed.body).toContain("receiver says no");
    // Not an event: nothing in the delivery log.
    expect((await json<{ deliveries: unknown[] }>(asToken(token, "/api/webhooks/deliveries"))).deliveries).toEqual([]);
  });

  it("costs no statement and no queue send on the message path when nothing takes the event", async () => {
    const a = await tenant("wh-cost");
    const k = await contact(a);
    await createEndpoint(a, { url: "https://n8n.clinica.example/webhook/agenda", events: ["appointment.booked"] });
    const quiet = await tenant("wh-cost-quiet");
    const { queue, sent } = capturedQueue();
    const e = envWith({ JOBS_QUEUE: queue });
    for (const company of [a, quiet]) {
      // The inbound consumer has loaded the tenant before it publishes (the same per-isolate cache).
      await loadTenant(store(), company.id);
      const { db, seen } = capturing(env.DB);
      await publish(e, createD1Store(db), [received_(company, 1, k.id), received_(company, 2, k.id)]);
      expect([company.slug, seen.length, sent.length]).toEqual([company.slug, 0, 0]);
    }
    // An endpoint that takes message.received: one read of the endpoints, one insert, one send for the batch.
    await createEndpoint(a, { url: "https://n8n.clinica.example/webhook/mensagens", events: ["message.received"] });
    await loadTenant(store(), a.id);
    const { db, seen } = capturing(env.DB);
    await publish(e, createD1Store(db), [received_(a, 3, k.id), received_(a, 4, k.id)]);
    expect(seen.length).toBe(2);
    expect(sent).toHaveLength(2);
  });
});
