import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { verifyPassword } from "../../src/lib/password";
import { tenantStub } from "../../src/tenants/stubs";
import { api, seedCompany, store } from "../support/helpers";
import { sqlCount } from "../support/sql";

const provision = (body: unknown, headers: Record<string, string> = {}) => api("/api/tenants/provision", { method: "POST", body: JSON.stringify(body), headers });
const body = (slug: string, owner: Record<string, unknown> = {}) => ({
  slug,
  name: "Clínica Nova",
  time_zone: "America/Recife",
  locale: "es",
  plan: "starter",
  owner: { email: `dona@${slug}.test`, name: "Dona", ...owner },
});
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
interface Created {
  created: boolean;
  tenant: { id: number; slug: string; status: string; time_zone: string; locale: string; plan: { code: string }; subscription: { status: string }; users: number };
  owner: { id: number; email: string; role: string; status: string };
  integration_token?: { token: string; prefix: string; scopes: string[] };
  invitation?: { url: string; expires_at: string } | null;
}

describe("POST /api/tenants/provision", () => {
  it("creates company, subscription, invited owner with a one-time link, a working token and the DO; a replay shows no secret", async () => {
    const res = await provision(body("prov-a"));
    expect(res.status).toBe(201);
    const got = (await res.json()) as Created;
    expect(got).toMatchObject({
      created: true,
      tenant: { slug: "prov-a", status: "active", time_zone: "America/Recife", locale: "es", plan: { code: "starter" }, subscription: { status: "active" }, users: 1 },
      owner: { email: "dona@prov-a.test", role: "owner", status: "invited" },
    });
    // The invitation link's token is stored hashed and consumable once.
    const link = new URL(got.invitation?.url ?? "");
    expect(link.hash).toMatch(/^#aceitar\?token=inv_/);
    const inviteToken = decodeURIComponent(link.hash.split("token=")[1] ?? "");
    expect(await sqlCount("SELECT count(*) AS n FROM user_links WHERE token_hash = ?", await sha256Hex(inviteToken))).toBe(1);
    expect(await sqlCount("SELECT count(*) AS n FROM user_links WHERE token_hash = ?", inviteToken)).toBe(0);
    // The integration token works for this tenant, and only its hash is stored.
    const token = got.integration_token?.token ?? "";
    expect(token.startsWith(got.integration_token?.prefix ?? "-")).toBe(true);
    const me = await exports.default.fetch("http://localhost/api/me", { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ kind: "token", company: { slug: "prov-a" } });
    expect(await sqlCount("SELECT count(*) AS n FROM api_tokens WHERE token_hash = ?", token)).toBe(0);
    // The DO knows its tenant and has its schema.
    expect((await tenantStub(env, got.tenant.id).init(got.tenant.id)).schemaVersion).toBeGreaterThan(0);
    expect(await sqlCount("SELECT count(*) AS n FROM audit_logs WHERE company_id = ? AND action = 'tenant.provision'", got.tenant.id)).toBe(1);

    const again = await provision(body("prov-a"));
    expect(again.status).toBe(200);
    const replay = (await again.json()) as Record<string, unknown>;
    expect(replay).toMatchObject({ created: false, tenant: { id: got.tenant.id }, owner: { id: got.owner.id } });
    expect(replay).not.toHaveProperty("integration_token");
    expect(replay).not.toHaveProperty("invitation");
    expect(await sqlCount("SELECT count(*) AS n FROM api_tokens WHERE company_id = ?", got.tenant.id)).toBe(1);
    expect(await sqlCount("SELECT count(*) AS n FROM users WHERE company_id = ?", got.tenant.id)).toBe(1);
  });

  it("with a password: an active owner whose password verifies, no link; a trial is trialing for 14 days", async () => {
    const res = await provision({ ...body("prov-b", { password: "correct horse battery" }), plan: "trial" });
    const got = (await res.json()) as Created & { tenant: { subscription: { current_period_end: string } } };
    expect(got).toMatchObject({ created: true, owner: { status: "active" }, invitation: null, tenant: { subscription: { status: "trialing" } } });
    const days = (Date.parse(got.tenant.subscription.current_period_end) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
    const login = await store().users.byEmailForLogin("dona@prov-b.test");
    expect(await verifyPassword("correct horse battery", login?.passwordHash ?? null)).toBe(true);
    expect(login?.user).toMatchObject({ companyId: got.tenant.id, role: "owner" });
  });

  it("a slug with another owner is 409 slug_taken and changes nothing; a taken e-mail is 409 email_taken and creates nothing", async () => {
    await provision(body("prov-c"));
    const res = await provision(body("prov-c", { email: "intruso@x.test" }));
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("slug_taken");
    expect(await sqlCount("SELECT count(*) AS n FROM users WHERE email = 'intruso@x.test'")).toBe(0);
    const dup = await provision(body("prov-c2", { email: "dona@prov-c.test" }));
    expect(dup.status).toBe(409);
    expect(await errorCode(dup)).toBe("email_taken");
    expect(await store().companies.bySlug("prov-c2")).toBeNull();
  });

  it("finishes a tenant left half-made (company without owner or subscription) instead of refusing the retry", async () => {
    const half = await seedCompany({ slug: "prov-half" });
    const res = await provision(body("prov-half"));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ created: true, tenant: { id: half.id, users: 1, subscription: { status: "active" } } });
  });

  it("rejects bad input with one envelope: shape 400, zone / plan / reserved slug 422", async () => {
    const cases: [unknown, number, string][] = [
      [{ ...body("Bad Slug") }, 400, "invalid_body"],
      [{ ...body("prov-d"), locale: "fr" }, 400, "invalid_body"],
      [{ ...body("prov-d"), owner: { email: "not-an-email", name: "x" } }, 400, "invalid_body"],
      [{ ...body("prov-d"), extra: 1 }, 400, "invalid_body"],
      [{ ...body("prov-d"), time_zone: "America/Atlantis" }, 422, "invalid_time_zone"],
      [{ ...body("prov-d"), plan: "platinum" }, 422, "unknown_plan"],
      [{ ...body("www") }, 422, "reserved_slug"],
    ];
    for (const [b, status, code] of cases) {
      const res = await provision(b);
      expect([res.status, await errorCode(res)], JSON.stringify(b)).toEqual([status, code]);
    }
    const raw = await api("/api/tenants/provision", { method: "POST", body: "{not json" });
    expect(raw.status).toBe(400);
    expect(await store().companies.bySlug("prov-d")).toBeNull();
  });

  it("is the platform's only: a tenant's own token (even all-scopes) gets 403 on every /api/tenants route, and nothing changes", async () => {
    const mine = await seedCompany({ slug: "prov-own" });
    const other = await seedCompany({ slug: "prov-other" });
    await store().apiTokens.create(mine.id, await sha256Hex("prov-own-token-1"), "t", { scopes: ["*"] });
    const as = (path: string, init: RequestInit = {}) =>
      exports.default.fetch(`http://localhost${path}`, { ...init, headers: { authorization: "Bearer prov-own-token-1", "content-type": "application/json" } });
    const attempts: [string, RequestInit][] = [
      ["/api/tenants", {}],
      [`/api/tenants/${other.id}`, {}],
      [`/api/tenants/${mine.id}`, {}],
      [`/api/tenants/${other.slug}`, { method: "PATCH", body: JSON.stringify({ name: "Hacked" }) }],
      [`/api/tenants/${other.slug}/suspend`, { method: "POST", body: JSON.stringify({ reason: "x" }) }],
      [`/api/tenants/${other.slug}/close`, { method: "POST", body: JSON.stringify({ confirm: other.slug }) }],
      [`/api/tenants/${mine.slug}/resume`, { method: "POST" }],
      ["/api/tenants/provision", { method: "POST", body: JSON.stringify(body("prov-sneaky")) }],
    ];
    for (const [path, init] of attempts) {
      const res = await as(path, init);
      expect([path, res.status, await errorCode(res)]).toEqual([path, 403, "forbidden_role"]);
    }
    expect(await store().companies.byId(other.id)).toMatchObject({ name: other.name, status: "active" });
    expect(await store().companies.bySlug("prov-sneaky")).toBeNull();
  });
});

describe("tenant lifecycle API", () => {
  it("shows this month's usage in the tenant's own month (the counters are filed that way), not the UTC one", async () => {
    const co = await seedCompany({ slug: "life-tokyo", timeZone: "Asia/Tokyo" });
    // 20:00 UTC on 31 December is already 05:00 on 1 January in Tokyo.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-12-31T20:00:00Z") });
    try {
      await store().usage.add(co.id, "2026-12", { messages: 3 }, Date.now());
      await store().usage.add(co.id, "2027-01", { messages: 7 }, Date.now());
      expect(await (await api("/api/tenants/life-tokyo")).json()).toMatchObject({ usage: { period: "2027-01", messages: 7 } });
    } finally {
      vi.useRealTimers();
    }
  });
  it("lists, shows by id or slug, updates, suspends, resumes and closes (typed slug), each audited", async () => {
    const created = (await (await provision(body("life-a"))).json()) as Created;
    const id = created.tenant.id;
    const list = (await (await api("/api/tenants?status=active")).json()) as { tenants: { slug: string; usage: { messages: number } }[] };
    expect(list.tenants.find((t) => t.slug === "life-a")).toMatchObject({ usage: { messages: 0 } });
    expect(await (await api(`/api/tenants/life-a`)).json()).toMatchObject({ id });
    expect((await api("/api/tenants/nope-nope")).status).toBe(404);
    expect((await api("/api/tenants?status=bogus")).status).toBe(400);

    const patched = await api(`/api/tenants/${id}`, { method: "PATCH", body: JSON.stringify({ name: "Clínica Renomeada", time_zone: "Europe/Madrid", plan: "pro" }) });
    expect(await patched.json()).toMatchObject({ name: "Clínica Renomeada", time_zone: "Europe/Madrid", plan: { code: "pro" } });
    expect((await api(`/api/tenants/${id}`, { method: "PATCH", body: JSON.stringify({ time_zone: "Mars/Base" }) })).status).toBe(422);

    const suspended = await api(`/api/tenants/${id}/suspend`, { method: "POST", body: JSON.stringify({ reason: "fatura em atraso" }) });
    expect(await suspended.json()).toMatchObject({ status: "suspended", status_reason: "fatura em atraso", changed: true });
    expect(await (await api(`/api/tenants/${id}/suspend`, { method: "POST", body: JSON.stringify({ reason: "again" }) })).json()).toMatchObject({
      changed: false,
      status_reason: "fatura em atraso",
    });
    expect((await api(`/api/tenants/${id}/suspend`, { method: "POST", body: "{}" })).status).toBe(400);
    expect(await (await api(`/api/tenants/${id}/resume`, { method: "POST" })).json()).toMatchObject({ status: "active", changed: true });

    const wrong = await api(`/api/tenants/${id}/close`, { method: "POST", body: JSON.stringify({ confirm: "life-b" }) });
    expect([wrong.status, await errorCode(wrong)]).toEqual([422, "confirm_mismatch"]);
    expect((await store().companies.byId(id))?.status).toBe("active");
    expect(await (await api(`/api/tenants/${id}/close`, { method: "POST", body: JSON.stringify({ confirm: "life-a" }) })).json()).toMatchObject({ status: "closed" });
    const reopen = await api(`/api/tenants/${id}/resume`, { method: "POST" });
    expect([reopen.status, await errorCode(reopen)]).toEqual([409, "tenant_closed"]);
    const actions = await sqlCount("SELECT count(*) AS n FROM audit_logs WHERE company_id = ? AND action IN ('tenant.update','tenant.suspend','tenant.resume','tenant.close')", id);
    expect(actions).toBe(4);
  });
});
