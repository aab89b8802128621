import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signAccess } from "../../src/identity/tokens";
import { sha256Hex } from "../../src/lib/crypto";
import { seedCompany, store } from "../support/helpers";
import { sqlCount, sqlRows } from "../support/sql";
import { browserFetch, codeOf, Jar, seedUser, signIn } from "../support/sessions";

const ACCESS = "__Host-secretaria-access";
const REFRESH = "__Secure-secretaria-refresh";
const tone = { formality: "formal" };

describe("panel sessions (cookies)", () => {
  it("demands the CSRF header on writes authenticated by cookie: missing or wrong → 403 csrf_failed, nothing changed; tokens are exempt", async () => {
    const company = await seedCompany({ slug: "csrf-a" });
    await seedUser(company, "owner", "owner@csrf-a.test");
    const { jar } = await signIn("owner@csrf-a.test");
    const before = await (await browserFetch(jar, "/api/config")).json();
    for (const csrf of [null, "", "forged-0123456789", jar.csrf.replace(/.$/, (ch) => (ch === "0" ? "1" : "0"))]) {
      const res = await browserFetch(jar, "/api/config/tone", { method: "PUT", body: JSON.stringify(tone), csrf });
      expect(res.status).toBe(403);
      expect(await codeOf(res)).toBe("csrf_failed");
    }
    // The header must match the session's own token: another session's cookie and header together do not pass.
    await seedUser(company, "admin", "admin@csrf-a.test");
    const other = await signIn("admin@csrf-a.test");
    const mixed = await browserFetch(jar, "/api/config/tone", {
      method: "PUT",
      body: JSON.stringify(tone),
      csrf: other.jar.csrf,
      headers: { cookie: `${ACCESS}=${jar.cookies.get(ACCESS)}; __Host-secretaria-csrf=${other.jar.csrf}` },
    });
    expect(await codeOf(mixed)).toBe("csrf_failed");
    expect(await (await browserFetch(jar, "/api/config")).json()).toEqual(before);
    // With the header the same write goes through.
    expect((await browserFetch(jar, "/api/config/tone", { method: "PUT", body: JSON.stringify(tone) })).status).toBe(200);
    // An integration token sends no cookie, so it needs no CSRF header.
    await store().apiTokens.create(company.id, await sha256Hex("csrf-a-token-000001"), "integration");
    const token = await exports.default.fetch("http://localhost/api/config/tone", {
      method: "PUT",
      headers: { authorization: "Bearer csrf-a-token-000001", "content-type": "application/json" },
      body: JSON.stringify({ formality: "casual" }),
    });
    expect(token.status).toBe(200);
  });

  it("an expired access token is a 401 session_expired envelope; refresh issues a new one and the request then works", async () => {
    const company = await seedCompany({ slug: "expiry-a" });
    const user = await seedUser(company, "agent", "agent@expiry-a.test");
    const { jar, body } = await signIn("agent@expiry-a.test");
    const sid = (await sqlRows<{ id: string }>("SELECT id FROM sessions WHERE user_id = ?", user.id))[0]?.id ?? "";
    // The same session's JWT, issued eleven minutes ago (ten-minute lifetime).
    jar.cookies.set(ACCESS, await signAccess(env.SESSION_SECRET, { sub: String(user.id), sid, cid: company.id, role: "agent" }, Date.now() - 11 * 60_000));
    const expired = await browserFetch(jar, "/api/conversations");
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { status: 401, code: "session_expired" } });
    const refreshed = await browserFetch(jar, "/api/auth/refresh", { method: "POST" });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({ role: "agent", csrf: body.csrf });
    expect((await browserFetch(jar, "/api/conversations")).status).toBe(200);
    // A forged JWT (another key) is not "expired": it is refused outright.
    const forged = new Jar();
    forged.cookies.set(ACCESS, await signAccess("another-secret-0123456789abcdef", { sub: String(user.id), sid, cid: company.id, role: "owner" }, Date.now()));
    expect(await codeOf(await browserFetch(forged, "/api/me"))).toBe("unauthorized");
  });

  it("rotates the refresh token on every use; replaying an old one revokes the session for everyone holding it", async () => {
    const company = await seedCompany({ slug: "rotate-a" });
    await seedUser(company, "viewer", "viewer@rotate-a.test");
    const { jar } = await signIn("viewer@rotate-a.test");
    const first = jar.cookies.get(REFRESH) ?? "";
    expect((await browserFetch(jar, "/api/auth/refresh", { method: "POST" })).status).toBe(200);
    const second = jar.cookies.get(REFRESH) ?? "";
    expect(second).not.toBe(first);
    // A refresh without the CSRF header is refused like any other cookie write.
    expect(await codeOf(await browserFetch(jar, "/api/auth/refresh", { method: "POST", csrf: null }))).toBe("csrf_failed");
    // The thief replays the first token: the session ends, the legitimate holder is signed out too.
    const thief = new Jar();
    thief.cookies.set(REFRESH, first);
    thief.cookies.set("__Host-secretaria-csrf", jar.csrf);
    const replay = await browserFetch(thief, "/api/auth/refresh", { method: "POST" });
    expect(replay.status).toBe(401);
    expect(await codeOf(replay)).toBe("session_revoked");
    expect(await codeOf(await browserFetch(jar, "/api/me"))).toBe("session_revoked");
    expect(await codeOf(await browserFetch(jar, "/api/auth/refresh", { method: "POST" }))).toBe("session_revoked");
    // A made-up refresh token that names the session but lacks our MAC revokes nothing.
    const { jar: fresh } = await signIn("viewer@rotate-a.test");
    const sid = (fresh.cookies.get(REFRESH) ?? "").split(".")[0];
    const fake = new Jar();
    fake.cookies.set(REFRESH, `${sid}.bogus.0000`);
    fake.cookies.set("__Host-secretaria-csrf", fresh.csrf);
    expect(await codeOf(await browserFetch(fake, "/api/auth/refresh", { method: "POST" }))).toBe("unauthorized");
    // No refresh cookie at all: 401, so the panel goes to sign-in.
    expect(await codeOf(await browserFetch(new Jar(), "/api/auth/refresh", { method: "POST", csrf: "x" }))).toBe("unauthorized");
    expect((await browserFetch(fresh, "/api/me")).status).toBe(200);
  });

  it("logout revokes the session at once: the very next request with the old cookies is 401 session_revoked", async () => {
    const company = await seedCompany({ slug: "logout-a" });
    await seedUser(company, "admin", "admin@logout-a.test");
    const { jar } = await signIn("admin@logout-a.test");
    const kept = new Jar();
    for (const [k, v] of jar.cookies) kept.cookies.set(k, v);
    expect(await codeOf(await browserFetch(jar, "/api/auth/logout", { method: "POST", csrf: null }))).toBe("csrf_failed");
    const out = await browserFetch(jar, "/api/auth/logout", { method: "POST" });
    expect(out.status).toBe(200);
    expect(jar.cookies.size).toBe(0);
    expect(await codeOf(await browserFetch(kept, "/api/me"))).toBe("session_revoked");
    expect(await codeOf(await browserFetch(kept, "/api/auth/refresh", { method: "POST" }))).toBe("session_revoked");
  });

  it("disabling a user or suspending the tenant acts on the next request", async () => {
    const company = await seedCompany({ slug: "revoke-a" });
    const agent = await seedUser(company, "agent", "agent@revoke-a.test");
    const owner = await seedUser(company, "owner", "owner@revoke-a.test");
    const { jar } = await signIn("agent@revoke-a.test");
    const { jar: ownerJar } = await signIn("owner@revoke-a.test");
    expect((await browserFetch(jar, "/api/me")).status).toBe(200);
    const off = await browserFetch(ownerJar, `/api/users/${agent.id}`, { method: "PATCH", body: JSON.stringify({ status: "disabled" }) });
    expect(off.status).toBe(200);
    expect(await codeOf(await browserFetch(jar, "/api/me"))).toBe("session_revoked");
    expect(await sqlCount("SELECT count(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL", agent.id)).toBe(0);
    await sqlRows("UPDATE companies SET status = 'suspended' WHERE id = ?", company.id);
    const suspended = await browserFetch(ownerJar, "/api/conversations");
    expect(suspended.status).toBe(403);
    expect(await codeOf(suspended)).toBe("tenant_suspended");
    expect(owner.id).toBeGreaterThan(0);
  });

  it("a user's session acts only for its own tenant: x-tenant of another → 403, another tenant's ids → 404, nothing changed", async () => {
    const a = await seedCompany({ slug: "iso-a" });
    const b = await seedCompany({ slug: "iso-b" });
    await seedUser(a, "owner", "owner@iso-a.test");
    const victim = await seedUser(b, "agent", "agent@iso-b.test");
    const { jar } = await signIn("owner@iso-a.test");
    expect((await browserFetch(jar, "/api/users", { tenant: "iso-b" })).status).toBe(403);
    expect((await browserFetch(jar, "/api/config", { tenant: "iso-b" })).status).toBe(403);
    const patch = await browserFetch(jar, `/api/users/${victim.id}`, { method: "PATCH", body: JSON.stringify({ role: "viewer", status: "disabled" }) });
    expect(patch.status).toBe(404);
    expect((await browserFetch(jar, `/api/users/${victim.id}/reset`, { method: "POST" })).status).toBe(404);
    const listed = (await (await browserFetch(jar, "/api/users")).json()) as { users: { email: string }[] };
    expect(listed.users.map((u) => u.email)).toEqual(["owner@iso-a.test"]);
    expect(await store().users.byId(victim.id)).toMatchObject({ role: "agent", status: "active" });
  });

  it("a platform admin's session picks the tenant with x-tenant (the tenant switcher)", async () => {
    await seedCompany({ slug: "plat-a", name: "Clínica Plataforma" });
    const admin = await seedUser(null, "platform", "root@plataforma.test");
    const { jar, body } = await signIn("root@plataforma.test");
    expect(body).toMatchObject({ role: "platform", company: null });
    expect(await (await browserFetch(jar, "/api/me")).json()).toMatchObject({ kind: "platform", company: null });
    expect(await (await browserFetch(jar, "/api/me", { tenant: "plat-a" })).json()).toMatchObject({ kind: "platform", company: { slug: "plat-a" } });
    expect((await browserFetch(jar, "/api/users", { tenant: "plat-a" })).status).toBe(200);
    expect(await codeOf(await browserFetch(jar, "/api/me", { tenant: "no-such-tenant" }))).toBe("unknown_tenant");
    const invited = await browserFetch(jar, "/api/users", { method: "POST", tenant: "plat-a", body: JSON.stringify({ email: "first@plat-a.test", name: "Dona", role: "owner" }) });
    expect(invited.status).toBe(201);
    const [entry] = await sqlRows<{ actor: string; user_id: number }>("SELECT actor, user_id FROM audit_logs WHERE action = 'user.invite' AND user_id = ?", admin.id);
    expect(entry).toEqual({ actor: `user:${admin.id}`, user_id: admin.id });
  });
});
