import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, seedCompany, store } from "../support/helpers";
import { sqlCount, sqlRows } from "../support/sql";

interface TokenView {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  status: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}
interface Minted {
  token: TokenView;
  secret: string;
  previous?: TokenView;
}

const withToken = (secret: string, path: string, init: RequestInit = {}) =>
  exports.default.fetch(`http://localhost${path}`, { ...init, headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", ...init.headers } });
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function mint(tenant: string, body: unknown): Promise<Minted> {
  const res = await api("/api/tokens", { method: "POST", tenant, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return (await res.json()) as Minted;
}
const listed = async (tenant: string) => ((await (await api("/api/tokens", { tenant })).json()) as { tokens: TokenView[] }).tokens;
const auditActions = async (companyId: number) => (await store().auditLogs.list(companyId, { limit: 50 })).map((e) => e.action);

describe("integration tokens: create → use → revoke", () => {
  it("shows the token once, lists it by prefix with its last use, and a revoked token is a 401 on the next call", async () => {
    const co = await seedCompany({ slug: "tok-life" });
    const { token, secret } = await mint("tok-life", { name: "CRM", scopes: ["conversations:read"], expires_in_days: 30 });
    expect(secret).toMatch(/^sk_[A-Za-z0-9_-]{32}$/);
    expect(token).toMatchObject({ name: "CRM", scopes: ["conversations:read"], status: "active", prefix: secret.slice(0, 9), last_used_at: null, revoked_at: null });
    expect(Date.parse(token.expires_at ?? "") - Date.now()).toBeGreaterThan(29 * 86_400_000);
    // Only the hash is stored: the secret appears nowhere in the table.
    const rows = await sqlRows<{ token_hash: string; prefix: string }>("SELECT token_hash, prefix FROM api_tokens WHERE id = ?", token.id);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(secret);

    expect((await withToken(secret, "/api/conversations")).status).toBe(200);
    const [seen] = await listed("tok-life");
    expect(seen?.id).toBe(token.id);
    expect(seen?.last_used_at).not.toBeNull();
    expect(JSON.stringify(await listed("tok-life"))).not.toContain(secret);

    const revoked = await api(`/api/tokens/${token.id}`, { method: "DELETE", tenant: "tok-life" });
    expect(await revoked.json()).toMatchObject({ changed: true, token: { status: "revoked" } });
    const after = await withToken(secret, "/api/conversations");
    expect(after.status).toBe(401);
    expect(await code(after)).toBe("unauthorized");
    // Revoking again changes nothing and is not audited twice.
    expect(await (await api(`/api/tokens/${token.id}`, { method: "DELETE", tenant: "tok-life" })).json()).toMatchObject({ changed: false });
    const actions = await auditActions(co.id);
    expect(actions.filter((a) => a.startsWith("tokens."))).toEqual(["tokens.revoke", "tokens.create"]);
  });

  it("an expired token is a 401 token_expired", async () => {
    await seedCompany({ slug: "tok-exp" });
    const { token, secret } = await mint("tok-exp", { name: "old", scopes: ["*"], expires_in_days: 1 });
    await sqlRows("UPDATE api_tokens SET expires_at = ? WHERE id = ?", Date.now() - 1000, token.id);
    const res = await withToken(secret, "/api/me");
    expect(res.status).toBe(401);
    expect(await code(res)).toBe("token_expired");
    expect((await listed("tok-exp"))[0]?.status).toBe("expired");
  });

  it("rotation: a new token with the same name and scopes; both work during the grace, the old one fails after", async () => {
    const co = await seedCompany({ slug: "tok-rot" });
    const old = await mint("tok-rot", { name: "agenda bot", scopes: ["agenda:write"] });
    const res = await api(`/api/tokens/${old.token.id}/rotate`, { method: "POST", tenant: "tok-rot", body: JSON.stringify({ grace_hours: 2 }) });
    expect(res.status).toBe(201);
    const rotated = (await res.json()) as Minted;
    expect(rotated.secret).not.toBe(old.secret);
    expect(rotated.token).toMatchObject({ name: "agenda bot", scopes: ["agenda:write"], status: "active", expires_at: null });
    const graceEnd = Date.parse(rotated.previous?.expires_at ?? "");
    expect(Math.abs(graceEnd - (Date.now() + 2 * 3_600_000))).toBeLessThan(60_000);

    for (const s of [old.secret, rotated.secret]) expect((await withToken(s, "/api/agenda/appointments")).status).toBe(200);
    // The grace ends (moved into the past by SQL): the old token is expired, the new one goes on.
    await sqlRows("UPDATE api_tokens SET expires_at = ? WHERE id = ?", Date.now() - 1, old.token.id);
    expect(await code(await withToken(old.secret, "/api/agenda/appointments"))).toBe("token_expired");
    expect((await withToken(rotated.secret, "/api/agenda/appointments")).status).toBe(200);
    // An expired or revoked token cannot be rotated again.
    const again = await api(`/api/tokens/${old.token.id}/rotate`, { method: "POST", tenant: "tok-rot" });
    expect(again.status).toBe(409);
    expect(await code(again)).toBe("token_inactive");
    const entry = (await store().auditLogs.list(co.id, { action: "tokens.rotate", limit: 5 }))[0];
    expect(entry).toMatchObject({ target: String(old.token.id), detail: { new_token: rotated.token.id, grace_hours: 2 } });
  });

  it("a rotation without a body keeps the old token for 24 hours", async () => {
    await seedCompany({ slug: "tok-rot24" });
    const old = await mint("tok-rot24", { name: "n8n", scopes: ["*"] });
    const rotated = (await (await api(`/api/tokens/${old.token.id}/rotate`, { method: "POST", tenant: "tok-rot24" })).json()) as Minted;
    expect(Math.abs(Date.parse(rotated.previous?.expires_at ?? "") - (Date.now() + 24 * 3_600_000))).toBeLessThan(60_000);
  });
});

describe("integration tokens: scopes", () => {
  it("agenda:write books but cannot change the tone; conversations:read lists but cannot send; webhooks:none does nothing", async () => {
    const co = await seedCompany({ slug: "tok-scope" });
    const agenda = (await mint("tok-scope", { name: "agenda", scopes: ["agenda:write"] })).secret;
    const reader = (await mint("tok-scope", { name: "bi", scopes: ["conversations:read"] })).secret;
    const none = (await mint("tok-scope", { name: "hooks", scopes: ["webhooks:none"] })).secret;

    const slots = ((await (await withToken(agenda, "/api/agenda/availability?days=7")).json()) as { slots: { start: string }[] }).slots;
    const booked = await withToken(agenda, "/api/agenda/appointments", { method: "POST", body: JSON.stringify({ contact: "5511900003001", start: slots[0]?.start }) });
    expect(booked.status).toBe(201);
    const tone = await withToken(agenda, "/api/config/tone", { method: "PUT", body: JSON.stringify({ formality: "formal" }) });
    expect(tone.status).toBe(403);
    expect(await code(tone)).toBe("forbidden_role");
    const config = (await (await api("/api/config", { tenant: "tok-scope" })).json()) as { tone: { formality: string } };
    expect(config.tone.formality).not.toBe("formal");

    expect((await withToken(reader, "/api/conversations")).status).toBe(200);
    const send = await withToken(reader, "/api/messages", { method: "POST", body: JSON.stringify({ to: "5511900003001", text: "Olá", purpose: "reminder" }) });
    expect(send.status).toBe(403);
    expect(await code(send)).toBe("forbidden_role");
    expect(await sqlCount("SELECT count(*) AS n FROM messages WHERE company_id = ? AND direction = 'out'", co.id)).toBe(0);

    for (const [method, path] of [
      ["GET", "/api/conversations"],
      ["GET", "/api/agenda/appointments"],
      ["GET", "/api/config"],
      ["GET", "/api/tokens"],
      ["GET", "/api/audit"],
      ["POST", "/api/tokens"],
    ] as const) {
      const res = await withToken(none, path, { method, body: method === "POST" ? JSON.stringify({ name: "x", scopes: ["*"] }) : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await listed("tok-scope")).map((t) => t.name)).toEqual(["hooks", "bi", "agenda"]);
  });

  it("unknown scopes are a 400 invalid_scope; a token cannot mint or rotate one broader than itself", async () => {
    await seedCompany({ slug: "tok-mint" });
    const bad = await api("/api/tokens", { method: "POST", tenant: "tok-mint", body: JSON.stringify({ name: "x", scopes: ["agenda:write", "tenants:read", "admin"] }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_scope", details: { invalid: ["tenants:read", "admin"] } } });
    expect((await api("/api/tokens", { method: "POST", tenant: "tok-mint", body: JSON.stringify({ name: "x", scopes: [] }) })).status).toBe(400);
    expect((await api("/api/tokens", { method: "POST", tenant: "tok-mint", body: "{oops" })).status).toBe(400);

    const admin = (await mint("tok-mint", { name: "provisioner", scopes: ["tokens:write", "agenda:write"] })).secret;
    const wider = await withToken(admin, "/api/tokens", { method: "POST", body: JSON.stringify({ name: "root", scopes: ["*"] }) });
    expect(wider.status).toBe(403);
    expect(await code(wider)).toBe("scope_exceeds_caller");
    const alsoWider = await withToken(admin, "/api/tokens", { method: "POST", body: JSON.stringify({ name: "cfg", scopes: ["agenda:read", "config:write"] }) });
    expect(await alsoWider.json()).toMatchObject({ error: { code: "scope_exceeds_caller", details: { beyond: ["config:read", "config:write"] } } });
    const narrower = await withToken(admin, "/api/tokens", { method: "POST", body: JSON.stringify({ name: "agenda reader", scopes: ["agenda:read"] }) });
    expect(narrower.status).toBe(201);
    // Rotating a token wider than the caller would mint its scopes again: refused, the old token untouched.
    const root = await mint("tok-mint", { name: "root", scopes: ["*"] });
    const rotate = await withToken(admin, `/api/tokens/${root.token.id}/rotate`, { method: "POST" });
    expect(await code(rotate)).toBe("scope_exceeds_caller");
    expect((await listed("tok-mint")).map((t) => t.name)).toEqual(["root", "agenda reader", "provisioner"]);
    expect((await listed("tok-mint"))[0]).toMatchObject({ status: "active", expires_at: null });
  });
});

describe("integration tokens: tenant isolation", () => {
  it("another tenant's token ids are 404 to revoke or rotate, and its tokens stay as they were", async () => {
    await seedCompany({ slug: "tok-iso-a" });
    await seedCompany({ slug: "tok-iso-b" });
    const theirs = await mint("tok-iso-b", { name: "theirs", scopes: ["*"] });
    const mine = (await mint("tok-iso-a", { name: "mine", scopes: ["tokens:write"] })).secret;
    for (const [method, path] of [
      ["DELETE", `/api/tokens/${theirs.token.id}`],
      ["POST", `/api/tokens/${theirs.token.id}/rotate`],
    ] as const) {
      for (const res of [await api(path, { method, tenant: "tok-iso-a" }), await withToken(mine, path, { method })]) {
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(await code(res)).toBe("token_not_found");
      }
    }
    expect((await listed("tok-iso-a")).map((t) => t.name)).toEqual(["mine"]);
    expect(await listed("tok-iso-b")).toEqual([expect.objectContaining({ name: "theirs", status: "active", expires_at: null, revoked_at: null })]);
    expect((await withToken(theirs.secret, "/api/me")).status).toBe(200);
    // A token naming another tenant in x-tenant is refused before anything runs.
    expect((await withToken(mine, "/api/tokens", { headers: { "x-tenant": "tok-iso-b" } })).status).toBe(403);
    expect((await api("/api/tokens/abc", { method: "DELETE", tenant: "tok-iso-a" })).status).toBe(400);
  });
});
