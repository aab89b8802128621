import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../src/lib/hmac";
import { eventually, metaText, metricsText, outbox, postMeta, seedCompany, seriesValue, drained, store } from "../support/helpers";
import { sqlCount } from "../support/sql";

interface Envelope {
  error: { status: number; code: string; message: string; request_id?: string };
}

async function expectEnvelope(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await res.json()) as Envelope;
  expect(body.error).toMatchObject({ status, code });
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

async function storedMessages(slug: string) {
  const company = (await store().companies.bySlug(slug))!;
  return sqlCount("SELECT count(*) AS n FROM messages WHERE company_id = ?", company.id);
}

describe("webhook rejections: one JSON envelope, a counter, nothing stored", () => {
  it("401 for a forged signature, and the message is never stored or answered", async () => {
    await seedCompany({ slug: "rej-a", metaPhoneNumberId: "100000000000301" });
    const body = metaText("100000000000301", "5511987650301", "Oi");
    await expectEnvelope(await postMeta(body, { secret: "not-the-app-secret" }), 401, "invalid_signature");
    await expectEnvelope(await postMeta(body, { headers: { "x-hub-signature-256": "sha256=deadbeef" } }), 401, "invalid_signature");
    const unsigned = await exports.default.fetch("http://localhost/webhooks/whatsapp", { method: "POST", body: JSON.stringify(body) });
    await expectEnvelope(unsigned, 401, "invalid_signature");
    await drained("rej-a");
    expect(await storedMessages("rej-a")).toBe(0);
    expect(await outbox("rej-a", "5511987650301")).toHaveLength(0);
    // The same body correctly signed is accepted afterwards: the forged copies did not poison dedup.
    expect((await postMeta(body)).status).toBe(200);
    await eventually(async () => expect(await outbox("rej-a", "5511987650301")).toHaveLength(1));
  });

  it("413 for a 2 MB body, before any signature work", async () => {
    const raw = JSON.stringify({ object: "whatsapp_business_account", entry: [], pad: "x".repeat(2 * 1024 * 1024) });
    await expectEnvelope(await postMeta(null, { raw }), 413, "payload_too_large");
  });

  it("400 for garbage JSON and for JSON of the wrong shape, even when correctly signed", async () => {
    await expectEnvelope(await postMeta(null, { raw: "{not json" }), 400, "invalid_json");
    await expectEnvelope(await postMeta({ object: "whatsapp_business_account", entry: [{ changes: [{ value: { messages: [{ id: 1 }] } }] }] }), 400, "invalid_body");
  });

  it("404 for a phone_number_id no tenant owns", async () => {
    await expectEnvelope(await postMeta(metaText("999999999999999", "5511987650399", "Oi")), 404, "unknown_tenant");
  });

  it("429 when one IP goes over the tenant's limit; that request stores nothing", async () => {
    await seedCompany({ slug: "rej-ip", metaPhoneNumberId: "100000000000302", channelSettings: { rateLimit: { perIpPerMinute: 1, perIpBurst: 2 } } });
    const headers = { "cf-connecting-ip": "203.0.113.7" };
    expect((await postMeta(metaText("100000000000302", "5511987650311", "Oi"), { headers })).status).toBe(200);
    expect((await postMeta(metaText("100000000000302", "5511987650312", "Oi"), { headers })).status).toBe(200);
    await expectEnvelope(await postMeta(metaText("100000000000302", "5511987650313", "Oi"), { headers }), 429, "rate_limited");
    // Another address is not affected.
    expect((await postMeta(metaText("100000000000302", "5511987650314", "Oi"), { headers: { "cf-connecting-ip": "203.0.113.8" } })).status).toBe(200);
    await eventually(async () => expect(await outbox("rej-ip", "5511987650314")).toHaveLength(1));
    expect(await outbox("rej-ip", "5511987650313")).toHaveLength(0);
    const company = (await store().companies.bySlug("rej-ip"))!;
    expect(await store().contacts.byPhone(company.id, "5511987650313")).toBeNull();
  });

  it("a number over its limit is stored and counted, answered 200, but not replied to", async () => {
    await seedCompany({
      slug: "rej-num",
      metaPhoneNumberId: "100000000000303",
      channelSettings: { debounceMs: 0, maxTurnWaitMs: 0, rateLimit: { perNumberPerMinute: 1, perNumberBurst: 1 } },
    });
    const first = await postMeta(metaText("100000000000303", "5511987650321", "Oi"));
    expect(await first.json()).toMatchObject({ received: 1 });
    await eventually(async () => expect(await outbox("rej-num", "5511987650321")).toHaveLength(1));
    const second = await postMeta(metaText("100000000000303", "5511987650321", "Oi de novo"));
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ received: 1 });
    const company = (await store().companies.bySlug("rej-num"))!;
    const contact = (await store().contacts.byPhone(company.id, "5511987650321"))!;
    await eventually(async () => {
      const inbound = await store().messages.listByContact(company.id, contact.id, { direction: "in", limit: 10 });
      expect(inbound.map((m) => [m.body, m.unanswered])).toEqual([
        ["Oi", null],
        ["Oi de novo", "rate_limited"],
      ]);
    });
    await eventually(async () => {
      const metrics = await metricsText();
      expect(seriesValue(metrics, "secretaria_webhook_requests_total", { company: "rej-num", outcome: "rate_limited" })).toBe(1);
      expect(seriesValue(metrics, "secretaria_turns_total", { company: "rej-num", intent: "unanswered_rate_limited" })).toBe(1);
    });
    expect(await outbox("rej-num", "5511987650321")).toHaveLength(1);
  });

  it("answers Meta's verification handshake only with the right token", async () => {
    const ok = await exports.default.fetch("http://localhost/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    await expectEnvelope(await exports.default.fetch("http://localhost/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"), 403, "verification_failed");
  });

  it("unknown routes and bad admin calls get the envelope too", async () => {
    await expectEnvelope(await exports.default.fetch("http://localhost/api/nothing-here"), 404, "not_found");
    await expectEnvelope(await exports.default.fetch("http://localhost/api/dead-letters"), 401, "unauthorized");
  });
});

describe("Evolution and Whaticket webhooks", () => {
  it("Evolution: apikey checked, fromMe ignored, @lid sender resolved, reply sent", async () => {
    await seedCompany({
      slug: "evo",
      evolutionInstance: "clinica-evo",
      channelSettings: { evolution: { baseUrl: "http://evolution.fake.test", instance: "clinica-evo", apikey: "evo-key-123" } },
    });
    const upsert = (fromMe: boolean, id: string) => ({
      event: "messages.upsert",
      instance: "clinica-evo",
      data: {
        key: { remoteJid: "123456789012345@lid", senderPn: "5511987650401@s.whatsapp.net", fromMe, id },
        pushName: "João",
        message: { conversation: "Olá, bom dia" },
        messageType: "conversation",
        messageTimestamp: Math.floor(Date.now() / 1000),
      },
      apikey: "evo-key-123",
    });
    const post = (body: unknown, apikey?: string) =>
      exports.default.fetch("http://localhost/webhooks/evolution/clinica-evo", {
        method: "POST",
        headers: { "content-type": "application/json", ...(apikey ? { apikey } : {}) },
        body: JSON.stringify(body),
      });
    await expectEnvelope(await post({ ...upsert(false, "EVO1"), apikey: "wrong" }), 401, "invalid_apikey");
    await expectEnvelope(await exports.default.fetch("http://localhost/webhooks/evolution/nobody", { method: "POST", body: "{}" }), 404, "unknown_tenant");
    expect(await (await post(upsert(true, "EVO-ECHO"))).json()).toMatchObject({ received: 0 });
    expect(await (await post(upsert(false, "EVO2"))).json()).toMatchObject({ received: 1 });
    await eventually(async () => expect(await outbox("evo", "5511987650401")).toHaveLength(1));
    const company = (await store().companies.bySlug("evo"))!;
    expect((await store().contacts.byPhone(company.id, "5511987650401"))?.lid).toBe("123456789012345@lid");
  });

  it("Whaticket: token names the tenant, HMAC proves the body", async () => {
    const { sha256Hex } = await import("../../src/lib/crypto");
    await seedCompany({
      slug: "wht",
      whaticketTokenHash: await sha256Hex("wht-token"),
      channelSettings: { whaticket: { baseUrl: "http://whaticket.fake.test", token: "out-token", webhookSecret: "wht-secret" } },
    });
    const raw = JSON.stringify({ event: "message", message: { id: "WHT1", body: "Oi, quero marcar", fromMe: false }, contact: { number: "5511987650501", name: "Ana" } });
    const post = async (token: string, secret: string) =>
      exports.default.fetch("http://localhost/webhook/whaticket", {
        method: "POST",
        headers: { "content-type": "application/json", "x-webhook-token": token, "x-signature": `sha256=${await hmacSha256Hex(secret, raw)}` },
        body: raw,
      });
    await expectEnvelope(await post("unknown-token", "wht-secret"), 401, "invalid_token");
    await expectEnvelope(await post("wht-token", "forged"), 401, "invalid_signature");
    expect((await post("wht-token", "wht-secret")).status).toBe(200);
    await eventually(async () => expect(await outbox("wht", "5511987650501")).toHaveLength(1));
  });
});
