import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { suspendAfterGrace } from "../../src/billing/status";
import { GRACE_MS } from "../../src/billing/status";
import created from "../fixtures/stripe/subscription-created.json";
import deleted from "../fixtures/stripe/subscription-deleted.json";
import legacyUpdated from "../fixtures/stripe/subscription-updated-legacy.json";
import paid from "../fixtures/stripe/invoice-paid.json";
import failed from "../fixtures/stripe/invoice-payment-failed.json";
import { hooksReceived, putConfig } from "../support/ai";
import { api, eventually, metricsText, seedCompany, seriesValue, store } from "../support/helpers";
import { sqlCount } from "../support/sql";
import { eventFrom, postBilling, signature } from "./support";

type Body = { ok?: boolean; applied?: boolean; duplicate?: boolean; ignored?: boolean; error?: { status: number; code: string } };
const json = async (r: Response) => (await r.json()) as Body;

describe("POST /webhook/billing", () => {
  let companyId = 0;
  const SUB = "sub_billing_wh_1";
  const subscription = async () => (await store().subscriptions.get(companyId))?.subscription;
  const company = async () => store().companies.byId(companyId);

  beforeAll(async () => {
    companyId = (await seedCompany({ slug: "billing-wh", name: "Clínica Cobrança" })).id;
    await putConfig("billing-wh", "handoff", { notifyUrl: "http://hooks.fake.test/slack/billing-wh" });
  });

  it("creates the subscription from customer.subscription.created (plan by price lookup_key, period from the item)", async () => {
    const r = await postBilling(eventFrom(created, { slug: "billing-wh", subscription: SUB }));
    expect(r.status).toBe(200);
    expect(await json(r)).toEqual({ ok: true, applied: true });
    const got = await store().subscriptions.get(companyId);
    expect(got?.plan.code).toBe("starter");
    expect(got?.subscription).toMatchObject({
      status: "trialing",
      externalId: SUB,
      externalCustomer: "cus_RtE0vhW8hYQv4d",
      currentPeriodStart: 1764633597000,
      currentPeriodEnd: 1767312000000,
      graceUntil: null,
    });
  });

  it("applies a replayed event id once: the second delivery is 200 {duplicate} and changes nothing", async () => {
    const event = eventFrom(legacyUpdated, { subscription: SUB }); // the older API shape: period on the subscription, no metadata
    expect(await json(await postBilling(event))).toEqual({ ok: true, applied: true });
    const after = await subscription();
    expect(after?.status).toBe("past_due");
    expect((await store().subscriptions.get(companyId))?.plan.code).toBe("pro");
    // Changed in between by someone else: a replay must not put the event's values back.
    await store().subscriptions.update(companyId, { status: "active", updatedAt: 1 });
    const replay = await postBilling(event);
    expect(replay.status).toBe(200);
    expect(await json(replay)).toEqual({ ok: true, duplicate: true });
    expect((await subscription())?.status).toBe("active");
    expect(await sqlCount(`SELECT count(*) AS n FROM billing_events WHERE id = ?`, event.id)).toBe(1);
  });

  it("past_due warns: notify URL, audit entry; invoice.paid settles it", async () => {
    const r = await postBilling(eventFrom(failed, { slug: "billing-wh", subscription: SUB }));
    expect(await json(r)).toEqual({ ok: true, applied: true });
    expect((await subscription())?.status).toBe("past_due");
    await eventually(async () => {
      const got = await hooksReceived("/slack/billing-wh");
      expect(got.some((h) => h.secretaria?.event === "billing.past_due")).toBe(true);
    });
    expect(await sqlCount(`SELECT count(*) AS n FROM audit_logs WHERE company_id = ? AND action = 'billing.past_due'`, companyId)).toBeGreaterThanOrEqual(1);
    const view = (await (await api("/api/billing", { tenant: "billing-wh" })).json()) as { subscription: { status: string } };
    expect(view.subscription.status).toBe("past_due");

    expect(await json(await postBilling(eventFrom(paid, { slug: "billing-wh", subscription: SUB })))).toEqual({ ok: true, applied: true });
    expect((await subscription())?.status).toBe("active");
  });

  it("canceled suspends only after the grace period (the job at a chosen now), and paying again resumes", async () => {
    const before = Date.now();
    expect(await json(await postBilling(eventFrom(deleted, { slug: "billing-wh", subscription: SUB })))).toEqual({ ok: true, applied: true });
    const sub = await subscription();
    expect(sub?.status).toBe("canceled");
    expect(sub?.graceUntil).toBeGreaterThanOrEqual(before + GRACE_MS);
    // A later "canceled" never extends the grace.
    await postBilling(eventFrom(deleted, { slug: "billing-wh", subscription: SUB }));
    expect((await subscription())?.graceUntil).toBe(sub?.graceUntil);

    const grace = sub?.graceUntil ?? 0;
    expect(await suspendAfterGrace(env, store(), grace - 1)).toEqual([]);
    expect((await company())?.status).toBe("active");
    expect(await suspendAfterGrace(env, store(), grace + 1)).toEqual([companyId]);
    expect(await company()).toMatchObject({ status: "suspended", statusReason: "billing" });
    // Suspended tenants' tokens get 403 tenant_suspended (src/http/auth.ts): billing's suspension holds like any other.
    expect(await suspendAfterGrace(env, store(), grace + 2)).toEqual([]);
    await eventually(async () => expect((await hooksReceived("/slack/billing-wh")).some((h) => h.secretaria?.event === "billing.suspended")).toBe(true));

    const renewed = eventFrom(created, { slug: "billing-wh", subscription: SUB });
    renewed.type = "customer.subscription.updated";
    renewed.data.object.status = "active";
    expect(await json(await postBilling(renewed))).toEqual({ ok: true, applied: true });
    expect(await company()).toMatchObject({ status: "active", statusReason: null });
    expect(await subscription()).toMatchObject({ status: "active", graceUntil: null });
  });

  it("never lifts a suspension billing did not make", async () => {
    await env.DB.prepare(`UPDATE companies SET status = 'suspended', status_reason = 'operator' WHERE id = ?`).bind(companyId).run();
    const active = eventFrom(created, { slug: "billing-wh", subscription: SUB });
    active.type = "customer.subscription.updated";
    active.data.object.status = "active";
    expect(await json(await postBilling(active))).toEqual({ ok: true, applied: true });
    expect(await company()).toMatchObject({ status: "suspended", statusReason: "operator" });
    await env.DB.prepare(`UPDATE companies SET status = 'active', status_reason = NULL WHERE id = ?`).bind(companyId).run();
  });

  it("answers 200 ignored for an unknown tenant or an event type it does not handle, and records nothing", async () => {
    const unknown = eventFrom(created, { slug: "no-such-tenant", subscription: "sub_nobody" });
    const r = await postBilling(unknown);
    expect(r.status).toBe(200);
    expect(await json(r)).toMatchObject({ ok: true, ignored: true });
    const other = { ...eventFrom(paid, { slug: "billing-wh", subscription: SUB }), type: "charge.refunded" };
    expect(await json(await postBilling(other))).toMatchObject({ ok: true, ignored: true });
    expect(await sqlCount(`SELECT count(*) AS n FROM billing_events WHERE id IN (?, ?)`, unknown.id, other.id)).toBe(0);
  });

  it("answers bad signatures with 401 and bad bodies with 400, in the error envelope, changing nothing", async () => {
    const event = eventFrom(deleted, { slug: "billing-wh", subscription: SUB });
    const raw = JSON.stringify(event);
    const stale = Math.floor(Date.now() / 1000) - 301;
    const cases: [Response, number, string][] = [
      [await postBilling(event, { header: null }), 401, "invalid_signature"],
      [await postBilling(event, { header: "t=1,v1=zz" }), 401, "invalid_signature"],
      [await postBilling(event, { secret: "whsec_forged" }), 401, "invalid_signature"],
      [await postBilling(event, { t: stale }), 401, "invalid_signature"],
      [await postBilling(event, { header: `${await signature(raw, { secret: "whsec_old" })},v1=${(await signature(raw)).split("v1=")[1]}` }), 200, ""],
    ];
    for (const [res, status, code] of cases.slice(0, 4)) {
      expect(res.status).toBe(status);
      expect((await json(res)).error).toMatchObject({ status, code });
    }
    // Two v1 values, one valid: accepted (that case was the fifth), and applied once.
    expect(cases[4]?.[0].status).toBe(200);
    expect((await subscription())?.status).toBe("canceled");
    await store().subscriptions.update(companyId, { status: "active", graceUntil: null, updatedAt: Date.now() });

    const notJson = await postBilling(null, { raw: "{not json" });
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).error?.code).toBe("invalid_json");
    const notEvent = await postBilling({ hello: "world" });
    expect(notEvent.status).toBe(400);
    expect((await json(notEvent)).error?.code).toBe("invalid_body");
    const badObject = eventFrom(deleted, { slug: "billing-wh", subscription: SUB });
    (badObject.data.object as Record<string, unknown>).status = 42;
    const bad = await postBilling(badObject);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error?.code).toBe("invalid_body");
    expect((await subscription())?.status).toBe("active");
    const huge = await postBilling(null, { raw: JSON.stringify({ id: "evt_x", pad: "x".repeat(300 * 1024) }) });
    expect(huge.status).toBe(413);
  });

  it("counts deliveries by outcome", async () => {
    const m = await metricsText();
    expect(seriesValue(m, "secretaria_billing_webhooks_total", { company: "billing-wh", outcome: "applied" })).toBeGreaterThanOrEqual(6);
    expect(seriesValue(m, "secretaria_billing_webhooks_total", { company: "billing-wh", outcome: "duplicate" })).toBe(1);
    expect(seriesValue(m, "secretaria_billing_webhooks_total", { company: "unknown", outcome: "unauthorized" })).toBeGreaterThanOrEqual(4);
    expect(seriesValue(m, "secretaria_billing_webhooks_total", { company: "unknown", outcome: "bad_request" })).toBeGreaterThanOrEqual(3);
  });
});
