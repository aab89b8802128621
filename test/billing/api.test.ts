import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { assertUserQuota } from "../../src/billing/users-quota";
import { sha256Hex } from "../../src/lib/crypto";
import { AppError } from "../../src/lib/errors";
import { api, seedCompany, store } from "../support/helpers";
import { sqlCount } from "../support/sql";
import { subscribed } from "./support";

const as = (token: string, path: string, init: RequestInit = {}) =>
  api(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
const planOf = async (companyId: number) => (await store().subscriptions.get(companyId))?.plan.code;

describe("billing API", () => {
  let a = 0;
  let b = 0;
  beforeAll(async () => {
    a = (await seedCompany({ slug: "bill-api-a" })).id;
    b = (await seedCompany({ slug: "bill-api-b" })).id;
    await subscribed(a, "starter");
    await subscribed(b, "pro");
    await store().apiTokens.create(a, await sha256Hex("bill-a-owner-token"), "owner", { scopes: ["*"] });
    await store().apiTokens.create(a, await sha256Hex("bill-a-read-token"), "reader", { scopes: ["billing:read"] });
    await store().apiTokens.create(b, await sha256Hex("bill-b-owner-token"), "owner", { scopes: ["*"] });
  });

  it("lists the four plans with prices and quotas", async () => {
    const res = await as("bill-a-read-token", "/api/billing/plans");
    expect(res.status).toBe(200);
    const { plans } = (await res.json()) as { plans: { code: string; price_cents: number; quotas: Record<string, number | null>; over_quota: string }[] };
    expect(plans.map((p) => p.code)).toEqual(["trial", "starter", "pro", "enterprise"]);
    expect(plans[1]).toMatchObject({ price_cents: 14900, quotas: { messages: 2000, llm_tokens: 1_000_000, contacts: 1000, users: 3 }, over_quota: "templates" });
  });

  it("shows the caller's own tenant only", async () => {
    const mine = (await (await as("bill-b-owner-token", "/api/billing")).json()) as { plan: { code: string }; usage: Record<string, unknown> };
    expect(mine.plan.code).toBe("pro");
    expect(Object.keys(mine.usage)).toEqual(["messages", "llm_tokens", "contacts", "users"]);
    expect((await as("bill-b-owner-token", "/api/billing", { headers: { "x-tenant": "bill-api-a" } })).status).toBe(403);
  });

  it("lets an owner change the plan (audited) and refuses a read-only token, another tenant and a bad body", async () => {
    const readOnly = await as("bill-a-read-token", "/api/billing/plan", { method: "PUT", body: JSON.stringify({ plan: "pro" }) });
    expect(readOnly.status).toBe(403);
    expect(((await readOnly.json()) as { error: { code: string } }).error.code).toBe("forbidden_role");
    // Tenant B's owner token aimed at A: its own tenant is the only one it can reach.
    const cross = await api("/api/billing/plan", {
      method: "PUT",
      body: JSON.stringify({ plan: "enterprise" }),
      headers: { authorization: "Bearer bill-b-owner-token", "x-tenant": "bill-api-a" },
    });
    expect(cross.status).toBe(403);
    expect(await planOf(a)).toBe("starter");
    expect(await planOf(b)).toBe("pro");

    for (const body of [{ plan: "gold" }, { plan: "" }, { nope: 1 }, "not json"]) {
      const res = await as("bill-a-owner-token", "/api/billing/plan", { method: "PUT", body: typeof body === "string" ? body : JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/unknown_plan|invalid_body|invalid_json/);
    }
    expect(await planOf(a)).toBe("starter");

    const ok = await as("bill-a-owner-token", "/api/billing/plan", { method: "PUT", body: JSON.stringify({ plan: "pro" }) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { plan: { code: string } }).plan.code).toBe("pro");
    expect(await planOf(a)).toBe("pro");
    expect(await sqlCount(`SELECT count(*) AS n FROM audit_logs WHERE company_id = ? AND action = 'billing.plan.change' AND detail LIKE '%"to":"pro"%'`, a)).toBe(1);
    expect(await sqlCount(`SELECT count(*) AS n FROM audit_logs WHERE company_id = ? AND action = 'billing.plan.change'`, b)).toBe(0);
  });

  it("creates the subscription of a tenant that had none", async () => {
    const c = await seedCompany({ slug: "bill-api-c" });
    const view = (await (await api("/api/billing", { tenant: "bill-api-c" })).json()) as { plan: null; subscription: null; usage: { messages: { quota: null; percent: null } } };
    expect(view).toMatchObject({ plan: null, subscription: null, usage: { messages: { quota: null, percent: null } } });
    expect((await api("/api/billing/plan", { method: "PUT", tenant: "bill-api-c", body: JSON.stringify({ plan: "starter" }) })).status).toBe(200);
    expect((await store().subscriptions.get(c.id))?.subscription.status).toBe("active");
  });
});

describe("assertUserQuota", () => {
  it("refuses a user beyond the plan's max_users with 409 quota_exceeded", async () => {
    const c = await seedCompany({ slug: "bill-users" });
    await assertUserQuota(store(), c.id); // no subscription: no limit
    await subscribed(c.id, "trial"); // 2 users
    const user = (n: number) => store().users.create({ companyId: c.id, email: `u${n}-${c.id}@example.com`, name: `U${n}`, role: "agent", passwordHash: null, status: "active" });
    await user(1);
    await assertUserQuota(store(), c.id);
    await user(2);
    const err = await assertUserQuota(store(), c.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 409, code: "quota_exceeded", details: { metric: "users", quota: 2, used: 2 } });
    await env.DB.prepare(`UPDATE subscriptions SET plan_id = (SELECT id FROM plans WHERE code = 'enterprise') WHERE company_id = ?`).bind(c.id).run();
    await assertUserQuota(store(), c.id); // unlimited
  });
});
