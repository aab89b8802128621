import { describe, expect, it } from "vitest";
import { LOGIN_BURST } from "../../src/identity/login-limit";
import { seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { browserFetch, codeOf, Jar, PASSWORD, seedUser, signIn } from "../support/sessions";

describe("POST /api/auth/login", () => {
  it("signs an owner in: the session cookies with their flags, who they are, the CSRF token; then cookies alone authenticate", async () => {
    const company = await seedCompany({ slug: "login-ok", name: "Clínica Login" });
    const owner = await seedUser(company, "owner", "Dona@Login-OK.test");
    const { jar, res, body } = await signIn("dona@login-ok.test");
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ user: { id: owner.id, email: "dona@login-ok.test", role: "owner", status: "active" }, company: { slug: "login-ok" }, role: "owner" });
    expect(body.permissions).toContain("users:write");
    expect(body.csrf).toBe(jar.csrf);
    const lines = Object.fromEntries(jar.lastSet.map((l) => [l.split("=")[0], l.toLowerCase()]));
    for (const name of ["__Host-secretaria-access", "__Secure-secretaria-refresh", "__Host-secretaria-csrf"]) {
      expect(lines[name]).toContain("secure");
      expect(lines[name]).toContain("samesite=strict");
    }
    expect(lines["__Host-secretaria-access"]).toContain("httponly");
    expect(lines["__Secure-secretaria-refresh"]).toContain("httponly");
    expect(lines["__Secure-secretaria-refresh"]).toContain("path=/api/auth");
    // The panel reads the CSRF cookie, so it is not HttpOnly; the access cookie is on every path.
    expect(lines["__Host-secretaria-csrf"]).not.toContain("httponly");
    expect(lines["__Host-secretaria-access"]).toContain("path=/");
    expect(JSON.stringify(body)).not.toContain("pbkdf2");

    const me = await browserFetch(jar, "/api/me");
    expect(await me.json()).toMatchObject({ kind: "user", role: "owner", company: { slug: "login-ok" } });
    const [row] = await sqlRows<{ last_login_at: number | null }>("SELECT last_login_at FROM users WHERE id = ?", owner.id);
    expect(Number(row?.last_login_at)).toBeGreaterThan(0);
  });

  it("answers an unknown e-mail and a wrong password alike (401 invalid_credentials), and never says which", async () => {
    const company = await seedCompany({ slug: "login-bad" });
    await seedUser(company, "agent", "agente@login-bad.test");
    const unknown = await signIn("ninguem@login-bad.test");
    const wrong = await signIn("agente@login-bad.test", "senha-errada-123");
    expect([unknown.res.status, wrong.res.status]).toEqual([401, 401]);
    const a = unknown.body as { error: { code: string; message: string } };
    const b = wrong.body as { error: { code: string; message: string } };
    expect([a.error.code, a.error.message]).toEqual([b.error.code, b.error.message]);
    expect(a.error.code).toBe("invalid_credentials");
    expect(unknown.jar.cookies.size + wrong.jar.cookies.size).toBe(0);
    // An invited user has no password yet: the same answer, whatever is typed.
    await store().users.create({ companyId: company.id, email: "convidado@login-bad.test", name: "C", role: "agent" });
    expect(await codeOf((await signIn("convidado@login-bad.test", "")).res)).toBe("invalid_body");
    expect(await codeOf((await signIn("convidado@login-bad.test", "qualquer-coisa")).res)).toBe("invalid_credentials");
    // Bad input is a 400 envelope, not a 500.
    const garbage = await browserFetch(new Jar(), "/api/auth/login", { method: "POST", body: "{nope", csrf: null });
    expect(garbage.status).toBe(400);
    // Another site's page posting the attacker's credentials (login CSRF) is refused, and sets no cookie.
    const jar = new Jar();
    const forced = await browserFetch(jar, "/api/auth/login", {
      method: "POST",
      csrf: null,
      headers: { "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      body: JSON.stringify({ email: "agente@login-bad.test", password: PASSWORD }),
    });
    expect([forced.status, await codeOf(forced), jar.cookies.size]).toEqual([403, "csrf_failed", 0]);
  });

  it("locks the account after five wrong passwords: 429 too_many_attempts with Retry-After, even for the right password", async () => {
    const company = await seedCompany({ slug: "login-lock" });
    const user = await seedUser(company, "admin", "admin@login-lock.test");
    for (let i = 0; i < 5; i++) expect((await signIn("admin@login-lock.test", `errada-${i}-xxxxx`)).res.status).toBe(401);
    const locked = await signIn("admin@login-lock.test", PASSWORD);
    expect(locked.res.status).toBe(429);
    expect(await codeOf(locked.res)).toBe("too_many_attempts");
    const retryAfter = Number(locked.res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.jar.cookies.size).toBe(0);
    // Once the lock has passed (moved into the past by SQL), the right password works and the count starts over.
    await sqlRows("UPDATE users SET locked_until = ? WHERE id = ?", Date.now() - 1, user.id);
    expect((await signIn("admin@login-lock.test", PASSWORD)).res.status).toBe(200);
    const [row] = await sqlRows<{ failed_logins: number; locked_until: number | null }>("SELECT failed_logins, locked_until FROM users WHERE id = ?", user.id);
    expect(row).toEqual({ failed_logins: 0, locked_until: null });
  });

  it("limits attempts per IP address: past the burst, 429 with Retry-After, while another address still signs in", async () => {
    const company = await seedCompany({ slug: "login-ip" });
    await seedUser(company, "viewer", "viewer@login-ip.test");
    const ip = "203.0.113.77";
    for (let i = 0; i < LOGIN_BURST; i++) await signIn(`nobody-${i}@login-ip.test`, "x-wrong-password", ip);
    const limited = await signIn("viewer@login-ip.test", PASSWORD, ip);
    expect(limited.res.status).toBe(429);
    expect(await codeOf(limited.res)).toBe("too_many_attempts");
    expect(Number(limited.res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await signIn("viewer@login-ip.test", PASSWORD, "203.0.113.78")).res.status).toBe(200);
  });

  it("refuses a disabled account and a suspended tenant's users", async () => {
    const company = await seedCompany({ slug: "login-closed" });
    const user = await seedUser(company, "agent", "agent@login-closed.test");
    await store().users.update(company.id, user.id, { status: "disabled" });
    expect(await codeOf((await signIn("agent@login-closed.test")).res)).toBe("account_disabled");
    const other = await seedCompany({ slug: "login-suspended" });
    await seedUser(other, "owner", "owner@login-suspended.test");
    await sqlRows("UPDATE companies SET status = 'suspended' WHERE id = ?", other.id);
    const res = (await signIn("owner@login-suspended.test")).res;
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("tenant_suspended");
  });
});
