import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { sha256Hex } from "../../src/lib/crypto";
import { hmacSha256Hex } from "../../src/lib/hmac";
import { queueOutbound } from "../../src/outbox/queue";
import { tenantStub } from "../../src/tenants/stubs";
import { suspendAfterGrace } from "../../src/billing/status";
import { eventFrom, postBilling } from "../billing/support";
import created from "../fixtures/calcom/webhook-booking-created.json";
import subscriptionCreated from "../fixtures/stripe/subscription-created.json";
import subscriptionDeleted from "../fixtures/stripe/subscription-deleted.json";
import { sandboxSay } from "../support/ai";
import { api, drained, eventually, flushMetrics, metaText, metricsText, outbox, postMeta, seedCompany, seriesValue, store } from "../support/helpers";
import { sqlCount, sqlRows } from "../support/sql";

const FAST = { debounceMs: 0, maxTurnWaitMs: 0 };
const suspend = (slug: string) => api(`/api/tenants/${slug}/suspend`, { method: "POST", body: JSON.stringify({ reason: "teste" }) });
const resume = (slug: string) => api(`/api/tenants/${slug}/resume`, { method: "POST" });
const rows = (companyId: number) =>
  sqlCount("SELECT (SELECT count(*) FROM messages WHERE company_id = ?1) + (SELECT count(*) FROM contacts WHERE company_id = ?1) AS n", companyId);

describe("a suspended tenant", () => {
  it("gets 403 tenant_suspended on every /api route with its token, the sandbox included; after resume the token works", async () => {
    const co = await seedCompany({ slug: "susp-matrix" });
    await store().apiTokens.create(co.id, await sha256Hex("susp-matrix-token"), "t", { scopes: ["*"] });
    expect((await suspend("susp-matrix")).status).toBe(200);
    // Sign-in takes no token (its own test refuses a suspended tenant's people: test/identity).
    const routes = [...new Set(app.routes.filter((r) => r.method !== "ALL" && r.path.startsWith("/api/") && !r.path.startsWith("/api/auth/")).map((r) => `${r.method} ${r.path}`))];
    expect(routes.length).toBeGreaterThan(40);
    const answered: string[] = [];
    for (const route of routes) {
      const [method = "GET", path = ""] = route.split(" ");
      const url = path.replace(":tenant", "susp-matrix").replace(/:\w+/g, "1");
      const res = await exports.default.fetch(`http://localhost${url}`, {
        method,
        headers: { authorization: "Bearer susp-matrix-token", "content-type": "application/json" },
        ...(method === "GET" ? {} : { body: "{}" }),
      });
      const code = res.status === 403 ? ((await res.json()) as { error: { code: string } }).error.code : String(res.status);
      if (code !== "tenant_suspended") answered.push(`${route} → ${code}`);
    }
    // Only the API document is public.
    expect(answered.filter((a) => !a.startsWith("GET /api/openapi") && !a.startsWith("GET /api/docs"))).toEqual([]);
    expect((await resume("susp-matrix")).status).toBe(200);
    expect((await exports.default.fetch("http://localhost/api/me", { headers: { authorization: "Bearer susp-matrix-token" } })).status).toBe(200);
  });

  it("has its webhooks answered 200 with nothing stored or queued, counted as tenant_suspended", async () => {
    const co = await seedCompany({ slug: "susp-hook", metaPhoneNumberId: "100000000000771", channelSettings: FAST });
    expect((await suspend("susp-hook")).status).toBe(200);
    const before = await rows(co.id);
    const res = await postMeta(metaText("100000000000771", "5511966660001", "Oi, tem horário?"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, received: 0, ignored: "tenant_suspended" });
    expect(await tenantStub(env, co.id).inFlight()).toBe(0);
    expect(await rows(co.id)).toBe(before);
    await flushMetrics({ storeGauges: false });
    expect(seriesValue(await metricsText(), "secretaria_webhook_requests_total", { company: "susp-hook", channel: "meta", outcome: "tenant_suspended" })).toBe(1);
    // A number nobody serves is still a 404, not a silent 200.
    expect((await postMeta(metaText("100000000000779", "5511966660001", "Oi"))).status).toBe(404);
    // Resumed: the same webhook is stored and answered.
    await resume("susp-hook");
    expect((await postMeta(metaText("100000000000771", "5511966660001", "Oi de novo"))).status).toBe(200);
    await eventually(async () => expect(await sqlCount("SELECT count(*) AS n FROM messages WHERE company_id = ? AND direction = 'in'", co.id)).toBe(1));
  });

  it("Evolution and Whaticket: credentials still checked (401), then 200 with nothing stored", async () => {
    const evo = await seedCompany({
      slug: "susp-evo",
      evolutionInstance: "susp-evo",
      channelSettings: { evolution: { baseUrl: "http://evolution.fake.test", instance: "susp-evo", apikey: "evo-key-susp" }, ...FAST },
    });
    const wht = await seedCompany({
      slug: "susp-wht",
      whaticketTokenHash: await sha256Hex("susp-wht-token"),
      channelSettings: { whaticket: { baseUrl: "http://whaticket.fake.test", token: "out", webhookSecret: "wht-secret-susp" }, ...FAST },
    });
    await suspend("susp-evo");
    await suspend("susp-wht");
    const upsert = (apikey: string) =>
      JSON.stringify({
        event: "messages.upsert",
        instance: "susp-evo",
        data: {
          key: { remoteJid: "5511966660005@s.whatsapp.net", fromMe: false, id: "EVO-SUSP-1" },
          pushName: "João",
          message: { conversation: "Olá" },
          messageType: "conversation",
          messageTimestamp: Math.floor(Date.now() / 1000),
        },
        apikey,
      });
    const postEvo = (body: string) =>
      exports.default.fetch("http://localhost/webhooks/evolution/susp-evo", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect((await postEvo(upsert("wrong"))).status).toBe(401);
    const evoRes = await postEvo(upsert("evo-key-susp"));
    expect([evoRes.status, await evoRes.json()]).toMatchObject([200, { ignored: "tenant_suspended" }]);

    const raw = JSON.stringify({ event: "message", message: { id: "WHT-SUSP-1", body: "Oi", fromMe: false }, contact: { number: "5511966660006", name: "Ana" } });
    const postWht = async (secret: string) =>
      exports.default.fetch("http://localhost/webhook/whaticket", {
        method: "POST",
        headers: { "content-type": "application/json", "x-webhook-token": "susp-wht-token", "x-signature": `sha256=${await hmacSha256Hex(secret, raw)}` },
        body: raw,
      });
    expect((await postWht("forged")).status).toBe(401);
    const whtRes = await postWht("wht-secret-susp");
    expect([whtRes.status, await whtRes.json()]).toMatchObject([200, { ignored: "tenant_suspended" }]);
    for (const co of [evo, wht]) {
      expect(await rows(co.id)).toBe(0);
      expect(await tenantStub(env, co.id).inFlight()).toBe(0);
    }
  });

  it("Cal.com: a signed booking for a suspended tenant is answered 200 and creates no appointment", async () => {
    const co = await seedCompany({ slug: "susp-cal" });
    const secret = "whsec-susp-0123456789";
    const put = await api("/api/agenda/settings", {
      method: "PUT",
      tenant: "susp-cal",
      body: JSON.stringify({ provider: "calcom", calcom: { eventTypeId: 812345, apiKey: "cal_live_0123456789", webhookSecret: secret } }),
    });
    expect(put.status).toBe(200);
    await suspend("susp-cal");
    const start = new Date(Date.now() + 3 * 86_400_000);
    const raw = JSON.stringify({ ...created, payload: { ...created.payload, startTime: start.toISOString(), endTime: new Date(start.getTime() + 1_800_000).toISOString() } });
    const post = async (key: string) =>
      exports.default.fetch("http://localhost/webhooks/calcom/susp-cal", {
        method: "POST",
        headers: { "content-type": "application/json", "x-cal-signature-256": await hmacSha256Hex(key, raw) },
        body: raw,
      });
    expect((await post("forged")).status).toBe(401);
    const res = await post(secret);
    expect([res.status, await res.json()]).toMatchObject([200, { ignored: "tenant_suspended" }]);
    expect(await sqlCount("SELECT count(*) AS n FROM appointments WHERE company_id = ?", co.id)).toBe(0);
  });

  it("holds queued outbound work (not sent, not lost) and sends it after resume", async () => {
    const co = await seedCompany({ slug: "susp-out", channelSettings: FAST });
    await sandboxSay("susp-out", "5511966660002", "Oi"); // opens the 24 h window
    await eventually(async () => expect((await outbox("susp-out", "5511966660002")).filter((m) => m.status === "accepted")).toHaveLength(1));
    await drained("susp-out");
    expect((await suspend("susp-out")).status).toBe(200);
    const company = (await store().companies.byId(co.id)) ?? co;
    const contact = await store().contacts.ensure(co.id, "5511966660002");
    const conversation = await store().conversations.open(co.id, contact.id, Date.now());
    // A reply of a turn admitted just before the suspension reaches the outbox now.
    const id = await queueOutbound(env, store(), {
      company,
      contact,
      conversation,
      clientRef: "susp-out-1",
      payload: { kind: "text", text: "Resposta retida" },
      correlationId: "susp-out",
      author: "bot",
      purpose: "reply",
    });
    await eventually(async () => expect(await tenantStub(env, co.id).held()).toBe(1));
    expect(await sqlRows("SELECT status FROM messages WHERE id = ?", id)).toEqual([{ status: "queued" }]);
    expect(await sqlCount("SELECT count(*) AS n FROM dead_letters WHERE company_id = ?", co.id)).toBe(0);

    expect(await (await resume("susp-out")).json()).toMatchObject({ status: "active", released: 1 });
    await eventually(async () => expect((await outbox("susp-out", "5511966660002")).find((m) => m.id === id)?.status).toBe("accepted"));
    expect(await tenantStub(env, co.id).held()).toBe(0);
  });

  it("holds sends while billing suspends it, and paying again releases them (the same path as an operator's resume)", async () => {
    const co = await seedCompany({ slug: "susp-bill", channelSettings: FAST });
    const phone = "5511966660009";
    await sandboxSay("susp-bill", phone, "Oi");
    await eventually(async () => expect((await outbox("susp-bill", phone)).filter((m) => m.status === "accepted")).toHaveLength(1));
    await drained("susp-bill");
    const sub = "sub_susp_bill";
    await postBilling(eventFrom(subscriptionCreated, { slug: "susp-bill", subscription: sub }));
    await postBilling(eventFrom(subscriptionDeleted, { slug: "susp-bill", subscription: sub }));
    const grace = (await store().subscriptions.get(co.id))?.subscription.graceUntil ?? 0;
    expect(await suspendAfterGrace(env, store(), grace + 1)).toEqual([co.id]);
    const company = (await store().companies.byId(co.id)) ?? co;
    expect(company).toMatchObject({ status: "suspended", statusReason: "billing" });
    const contact = await store().contacts.ensure(co.id, phone);
    const conversation = await store().conversations.open(co.id, contact.id, Date.now());
    const id = await queueOutbound(env, store(), {
      company,
      contact,
      conversation,
      clientRef: "susp-bill-1",
      payload: { kind: "text", text: "Lembrete retido" },
      correlationId: "susp-bill",
      author: "system",
      purpose: "reminder",
    });
    await eventually(async () => expect(await tenantStub(env, co.id).held()).toBe(1));

    const renewed = eventFrom(subscriptionCreated, { slug: "susp-bill", subscription: sub });
    renewed.type = "customer.subscription.updated";
    renewed.data.object.status = "active";
    expect((await postBilling(renewed)).status).toBe(200);
    expect(await store().companies.byId(co.id)).toMatchObject({ status: "active", statusReason: null });
    await eventually(async () => expect((await outbox("susp-bill", phone)).find((m) => m.id === id)?.status).toBe("accepted"));
    expect(await tenantStub(env, co.id).held()).toBe(0);
  });

  it("postpones a reminder that comes due while suspended and sends it after resume", async () => {
    const co = await seedCompany({ slug: "susp-rem", channelSettings: FAST });
    const phone = "5511966660003";
    await sandboxSay("susp-rem", phone, "Oi");
    await eventually(async () => expect((await outbox("susp-rem", phone)).filter((m) => m.status === "accepted")).toHaveLength(1));
    await drained("susp-rem");
    const slots = ((await (await api("/api/agenda/availability?days=7", { tenant: "susp-rem" })).json()) as { slots: { start: string }[] }).slots;
    const booked = await api("/api/agenda/appointments", { method: "POST", tenant: "susp-rem", body: JSON.stringify({ contact: phone, start: slots[3]?.start }) });
    expect(booked.status).toBe(201);
    const [task] = await sqlRows<{ id: number }>("SELECT id FROM appointment_tasks WHERE company_id = ? AND kind = 'reminder' ORDER BY due_at LIMIT 1", co.id);
    expect(task).toBeDefined();
    expect((await suspend("susp-rem")).status).toBe(200);
    // The reminder's time comes while the tenant is suspended.
    await tenantStub(env, co.id).scheduleTasks(co.id, [{ taskId: task?.id ?? 0, dueAt: Date.now() }]);
    await eventually(async () => expect(await tenantStub(env, co.id).held()).toBe(1));
    expect(await sqlRows("SELECT status FROM appointment_tasks WHERE id = ?", task?.id)).toEqual([{ status: "pending" }]);
    expect(await sqlCount("SELECT count(*) AS n FROM messages WHERE company_id = ? AND direction = 'out' AND body LIKE '%Lembrete%'", co.id)).toBe(0);

    await resume("susp-rem");
    await eventually(async () => expect((await outbox("susp-rem", phone)).filter((m) => /Lembrete/.test(m.text) && m.status === "accepted")).toHaveLength(1));
    expect(await sqlRows("SELECT status FROM appointment_tasks WHERE id = ?", task?.id)).toEqual([{ status: "done" }]);
  });

  it("is seen by this isolate's webhook lookups at once (the cache is dropped), not after the 30 s TTL", async () => {
    const co = await seedCompany({ slug: "susp-cache", metaPhoneNumberId: "100000000000772", channelSettings: FAST });
    // Warm the lookup cache with the active tenant.
    expect((await postMeta(metaText("100000000000772", "5511966660004", "Oi"))).status).toBe(200);
    await drained("susp-cache");
    const stored = await sqlCount("SELECT count(*) AS n FROM messages WHERE company_id = ? AND direction = 'in'", co.id);
    await suspend("susp-cache");
    const res = await postMeta(metaText("100000000000772", "5511966660004", "Oi?"));
    expect(await res.json()).toMatchObject({ ignored: "tenant_suspended" });
    expect(await sqlCount("SELECT count(*) AS n FROM messages WHERE company_id = ? AND direction = 'in'", co.id)).toBe(stored);
  });
});
