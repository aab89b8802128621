import { describe, expect, it } from "vitest";
import { eventually, seedCompany, store } from "../support/helpers";
import { hooksReceived, putConfig } from "../support/ai";
import { sqlRows } from "../support/sql";
import { browserFetch, codeOf, Jar, seedUser, signIn } from "../support/sessions";

type Invited = { user: { id: number; role: string; status: string }; invitation: { url: string; expires_at: string; notified: boolean } };
const tokenOf = (url: string) => decodeURIComponent(url.split("token=")[1] ?? "");
const json = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });

describe("users and roles (/api/users, /api/auth/accept, /api/auth/reset-request)", () => {
  it("an owner invites an agent; the one-time link sets the password and signs them in; the link works once", async () => {
    const company = await seedCompany({ slug: "users-a" });
    await seedUser(company, "owner", "owner@users-a.test");
    const { jar } = await signIn("owner@users-a.test");
    const res = await browserFetch(jar, "/api/users", json({ email: "Agente@Users-A.test", name: "Ana Agente", role: "agent" }));
    expect(res.status).toBe(201);
    const { user, invitation } = (await res.json()) as Invited;
    expect(user).toMatchObject({ role: "agent", status: "invited" });
    expect(invitation.url).toMatch(/^https:\/\/panel\.test\/#aceitar\?token=/);
    expect(invitation.notified).toBe(false);
    // Stored hashed only: the token itself appears nowhere in the database.
    expect(JSON.stringify(await sqlRows("SELECT * FROM user_links WHERE user_id = ?", user.id))).not.toContain(tokenOf(invitation.url));
    expect(await codeOf(await browserFetch(jar, "/api/users", json({ email: "agente@users-a.test", name: "Again", role: "agent" })))).toBe("email_taken");

    const accept = await browserFetch(new Jar(), "/api/auth/accept", json({ token: tokenOf(invitation.url), password: "curta" }));
    expect(await codeOf(accept)).toBe("invalid_body");
    const agent = new Jar();
    const accepted = await browserFetch(agent, "/api/auth/accept", json({ token: tokenOf(invitation.url), password: "senha-da-ana-2026" }));
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ user: { email: "agente@users-a.test", status: "active" }, role: "agent" });
    expect(await (await browserFetch(agent, "/api/me")).json()).toMatchObject({ kind: "user", role: "agent" });
    expect(await codeOf(await browserFetch(new Jar(), "/api/auth/accept", json({ token: tokenOf(invitation.url), password: "outra-senha-2026" })))).toBe("invalid_link");
    expect((await signIn("agente@users-a.test", "senha-da-ana-2026")).res.status).toBe(200);
    const [entry] = await sqlRows<{ actor: string; actor_role: string }>("SELECT actor, actor_role FROM audit_logs WHERE action = 'user.invite' AND target = ?", `user:${user.id}`);
    expect(entry?.actor_role).toBe("owner");
  });

  it("holds the role matrix: agent cannot PUT config, viewer cannot book, neither manages users", async () => {
    const company = await seedCompany({ slug: "matrix-a" });
    await seedUser(company, "agent", "agent@matrix-a.test");
    await seedUser(company, "viewer", "viewer@matrix-a.test");
    const agent = (await signIn("agent@matrix-a.test")).jar;
    const viewer = (await signIn("viewer@matrix-a.test")).jar;
    const before = await (await browserFetch(agent, "/api/config")).json();
    const put = await browserFetch(agent, "/api/config/tone", { method: "PUT", body: JSON.stringify({ formality: "casual" }) });
    expect(put.status).toBe(403);
    expect(await codeOf(put)).toBe("forbidden_role");
    expect(await (await browserFetch(agent, "/api/config")).json()).toEqual(before);
    const book = await browserFetch(viewer, "/api/agenda/appointments", json({ phone: "5511999990001", start: new Date(Date.now() + 86_400_000).toISOString() }));
    expect(book.status).toBe(403);
    expect(await codeOf(book)).toBe("forbidden_role");
    expect((await sqlRows("SELECT id FROM appointments WHERE company_id = ?", company.id)).length).toBe(0);
    expect((await browserFetch(viewer, "/api/agenda/appointments")).status).toBe(200);
    for (const jar of [agent, viewer]) {
      expect((await browserFetch(jar, "/api/users")).status).toBe(403);
      expect((await browserFetch(jar, "/api/users", json({ email: "x@matrix-a.test", name: "X", role: "owner" }))).status).toBe(403);
    }
    const me = (await (await browserFetch(agent, "/api/me")).json()) as { permissions: string[] };
    expect(me.permissions).toContain("agenda:write");
    expect(me.permissions).not.toContain("config:write");
  });

  it("an admin may not create, promote, change or reset owners; the last active owner cannot be demoted or disabled", async () => {
    const company = await seedCompany({ slug: "owners-a" });
    const owner = await seedUser(company, "owner", "owner@owners-a.test");
    const admin = await seedUser(company, "admin", "admin@owners-a.test");
    const agent = await seedUser(company, "agent", "agent@owners-a.test");
    const adminJar = (await signIn("admin@owners-a.test")).jar;
    const ownerJar = (await signIn("owner@owners-a.test")).jar;
    expect(await codeOf(await browserFetch(adminJar, "/api/users", json({ email: "o2@owners-a.test", name: "O", role: "owner" })))).toBe("owner_only");
    expect(await codeOf(await browserFetch(adminJar, `/api/users/${agent.id}`, { method: "PATCH", body: JSON.stringify({ role: "owner" }) }))).toBe("owner_only");
    expect(await codeOf(await browserFetch(adminJar, `/api/users/${owner.id}`, { method: "PATCH", body: JSON.stringify({ status: "disabled" }) }))).toBe("owner_only");
    expect(await codeOf(await browserFetch(adminJar, `/api/users/${owner.id}/reset`, { method: "POST" }))).toBe("owner_only");
    // What an admin may do: an agent becomes a viewer.
    const demoted = await browserFetch(adminJar, `/api/users/${agent.id}`, { method: "PATCH", body: JSON.stringify({ role: "viewer", name: "Vera" }) });
    expect(await demoted.json()).toMatchObject({ user: { role: "viewer", name: "Vera" } });
    // The owner cannot leave the tenant without an owner…
    for (const patch of [{ role: "admin" }, { status: "disabled" }]) {
      const res = await browserFetch(ownerJar, `/api/users/${owner.id}`, { method: "PATCH", body: JSON.stringify(patch) });
      expect(res.status).toBe(409);
      expect(await codeOf(res)).toBe("last_owner");
    }
    // …but may once someone else is owner.
    expect((await browserFetch(ownerJar, `/api/users/${admin.id}`, { method: "PATCH", body: JSON.stringify({ role: "owner" }) })).status).toBe(200);
    expect((await browserFetch(ownerJar, `/api/users/${owner.id}`, { method: "PATCH", body: JSON.stringify({ role: "admin" }) })).status).toBe(200);
    expect((await store().users.byId(owner.id))?.role).toBe("admin");
    // The role is read on every request: the former owner is an admin already, with the same session.
    expect(await (await browserFetch(ownerJar, "/api/me")).json()).toMatchObject({ role: "admin" });
    expect(await codeOf(await browserFetch(ownerJar, "/api/users/abc", { method: "PATCH", body: "{}" }))).toBe("invalid_id");
    expect(await codeOf(await browserFetch(ownerJar, "/api/users/999999", { method: "PATCH", body: JSON.stringify({ name: "X" }) }))).toBe("user_not_found");
    expect(await codeOf(await browserFetch(ownerJar, `/api/users/${agent.id}`, { method: "PATCH", body: JSON.stringify({ role: "platform" }) }))).toBe("invalid_body");
  });

  it("reset links: shown once to the admin, posted to the notify URL when set; a self-service request is always 202", async () => {
    const company = await seedCompany({ slug: "reset-a" });
    await seedUser(company, "owner", "owner@reset-a.test");
    const agent = await seedUser(company, "agent", "agent@reset-a.test");
    const { jar } = await signIn("owner@reset-a.test");
    const agentJar = (await signIn("agent@reset-a.test")).jar;
    const res = await browserFetch(jar, `/api/users/${agent.id}/reset`, { method: "POST" });
    expect(res.status).toBe(201);
    const { reset } = (await res.json()) as { reset: { url: string; notified: boolean } };
    expect(reset.notified).toBe(false);
    expect((await browserFetch(new Jar(), "/api/auth/accept", json({ token: tokenOf(reset.url), password: "nova-senha-agente-1" }))).status).toBe(200);
    // A new password ends the sessions opened with the old one.
    expect(await codeOf(await browserFetch(agentJar, "/api/me"))).toBe("session_revoked");
    expect((await signIn("agent@reset-a.test", "nova-senha-agente-1")).res.status).toBe(200);

    await putConfig("reset-a", "handoff", { notifyUrl: "http://hooks.fake.test/slack/reset-a" });
    const unknown = await browserFetch(new Jar(), "/api/auth/reset-request", json({ email: "ninguem@reset-a.test" }));
    const known = await browserFetch(new Jar(), "/api/auth/reset-request", json({ email: "agent@reset-a.test" }));
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(await unknown.text()).toBe(await known.text());
    const [notice] = await eventually(async () => {
      const r = await hooksReceived("/slack/reset-a");
      expect(r).toHaveLength(1);
      return r;
    });
    expect(notice?.text).toContain("https://panel.test/#aceitar?token=");
    expect(notice?.secretaria).toMatchObject({ event: "user.reset", user_id: agent.id });
    expect((await browserFetch(new Jar(), "/api/auth/accept", json({ token: tokenOf(notice?.text ?? ""), password: "terceira-senha-99" }))).status).toBe(200);
  });
});
