import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RotateInput, rotateSecrets } from "../../src/channels/rotate";
import { sha256Hex } from "../../src/lib/crypto";
import { hmacSha256Hex } from "../../src/lib/hmac";
import upsertText from "../fixtures/evolution/upsert-text.json";
import whaticketMessage from "../fixtures/whaticket/message.json";
import { api, metaText, postMeta, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

// Rotation: new values at once, the replaced ones accepted until the window ends, and only then refused.

async function tenant(slug: string, scopes?: string[]) {
  const company = await seedCompany({ slug });
  const token = `tok-${slug}-${crypto.randomUUID()}`;
  await store().apiTokens.create(company.id, await sha256Hex(token), "test", scopes ? { scopes } : {});
  return { company, auth: { authorization: `Bearer ${token}` } };
}
const put = (auth: Record<string, string>, body: unknown) => api("/api/channel", { method: "PUT", headers: auth, body: JSON.stringify(body) });
const rotate = (id: string | number, auth: Record<string, string> | null, body?: unknown) =>
  api(`/api/tenants/${id}/rotate-secrets`, { method: "POST", ...(auth ? { headers: auth } : {}), ...(body ? { body: JSON.stringify(body) } : {}) });
const handshake = async (token: string) =>
  (await exports.default.fetch(`http://localhost/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=7`)).status;
const verifyToken = async (auth: Record<string, string>) => ((await (await api("/api/channel", { headers: auth })).json()) as { verify_token: string }).verify_token;

const whaticketRaw = JSON.stringify(whaticketMessage);
const postWhaticket = async (token: string, secret: string) =>
  (
    await exports.default.fetch("http://localhost/webhook/whaticket", {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-token": token, "x-signature": `sha256=${await hmacSha256Hex(secret, whaticketRaw)}` },
      body: whaticketRaw,
    })
  ).status;
const postEvolution = async (instance: string, apikey: string) =>
  (
    await exports.default.fetch(`http://localhost/webhooks/evolution/${instance}`, {
      method: "POST",
      headers: { "content-type": "application/json", apikey },
      body: JSON.stringify({ ...upsertText, instance }),
    })
  ).status;

describe("POST /api/tenants/:id/rotate-secrets: during the window", () => {
  it("Meta: a new verify token and app secret; the old ones still pass, as do the new", async () => {
    const { auth } = await tenant("rot-meta");
    await put(auth, { provider: "meta", phone_number_id: "210000000000001", access_token: "EAAG-rot-token-1", app_secret: "old-app-secret-1" });
    const oldToken = await verifyToken(auth);
    const res = await rotate("rot-meta", auth, { app_secret: "new-app-secret-2" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rotated: string[]; verify_token: string; previous_until: string };
    expect(body.rotated).toEqual(["meta.verify_token", "meta.app_secret"]);
    expect(body.verify_token).not.toBe(oldToken);
    expect(Date.parse(body.previous_until) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    expect(await verifyToken(auth)).toBe(body.verify_token);
    expect(await handshake(oldToken)).toBe(200);
    expect(await handshake(body.verify_token)).toBe(200);
    const msg = () => metaText("210000000000001", "5511987652001", "Oi");
    expect((await postMeta(msg(), { secret: "old-app-secret-1" })).status).toBe(200);
    expect((await postMeta(msg(), { secret: "new-app-secret-2" })).status).toBe(200);
    expect((await postMeta(msg(), { secret: "never-the-secret" })).status).toBe(401);
  });

  it("Whaticket and Evolution: the old webhook secret and apikey pass beside the new ones", async () => {
    const w = await tenant("rot-wht");
    const connected = (await (await put(w.auth, { provider: "whaticket", base_url: "http://whaticket.fake.test", token: "rot-wht-connection-1" })).json()) as {
      generated: { webhook_secret: string };
    };
    const oldSecret = connected.generated.webhook_secret;
    const rr = await rotate(w.company.id, w.auth);
    const r = (await rr.json()) as { rotated: string[]; webhook_secret: string };
    expect(r.rotated).toEqual(["whaticket.webhook_secret"]);
    expect(await postWhaticket("rot-wht-connection-1", oldSecret)).toBe(200);
    expect(await postWhaticket("rot-wht-connection-1", r.webhook_secret)).toBe(200);
    expect(await postWhaticket("rot-wht-connection-1", "not-a-secret-at-all")).toBe(401);

    const e = await tenant("rot-evo");
    await put(e.auth, { provider: "evolution", base_url: "http://evolution.fake.test", instance: "rot-evo-inst", apikey: "rot-evo-old-key" });
    expect((await rotate("rot-evo", e.auth, { apikey: "rot-evo-new-key" })).status).toBe(200);
    expect(await postEvolution("rot-evo-inst", "rot-evo-old-key")).toBe(200);
    expect(await postEvolution("rot-evo-inst", "rot-evo-new-key")).toBe(200);
  });
});

describe("POST /api/tenants/:id/rotate-secrets: after the window", () => {
  it("window_hours 0 ends the old values at once", async () => {
    const { auth } = await tenant("rot-now");
    await put(auth, { provider: "meta", phone_number_id: "210000000000011", access_token: "EAAG-rot-token-11" });
    const oldToken = await verifyToken(auth);
    const body = (await (await rotate("rot-now", auth, { window_hours: 0 })).json()) as { verify_token: string };
    expect(await handshake(oldToken)).toBe(403);
    expect(await handshake(body.verify_token)).toBe(200);
  });

  it("once the window has passed only the new values pass (Meta app secret, Whaticket secret, Evolution apikey)", async () => {
    const m = await tenant("rot-late-meta");
    await put(m.auth, { provider: "meta", phone_number_id: "210000000000021", access_token: "EAAG-rot-token-21", app_secret: "late-old-app-secret" });
    const oldToken = await verifyToken(m.auth);
    const w = await tenant("rot-late-wht");
    const old = (await (await put(w.auth, { provider: "whaticket", base_url: "http://whaticket.fake.test", token: "rot-late-connection" })).json()) as {
      generated: { webhook_secret: string };
    };
    const e = await tenant("rot-late-evo");
    await put(e.auth, { provider: "evolution", base_url: "http://evolution.fake.test", instance: "rot-late-inst", apikey: "late-old-apikey" });

    // A rotation two hours ago with a one-hour window: its previous values expired an hour ago.
    const twoHoursAgo = Date.now() - 2 * 3_600_000;
    const at = async (slug: string, body: unknown) => {
      const company = await store().companies.bySlug(slug);
      if (!company) throw new Error(slug);
      return rotateSecrets(env, store(), company, RotateInput.parse(body), twoHoursAgo);
    };
    const meta = await at("rot-late-meta", { window_hours: 1, app_secret: "late-new-app-secret" });
    const wht = await at("rot-late-wht", { window_hours: 1 });
    await at("rot-late-evo", { window_hours: 1, apikey: "late-new-apikey" });

    expect(await handshake(oldToken)).toBe(403);
    expect(await handshake(meta.verify_token ?? "")).toBe(200);
    const msg = () => metaText("210000000000021", "5511987652021", "Oi");
    expect((await postMeta(msg(), { secret: "late-old-app-secret" })).status).toBe(401);
    expect((await postMeta(msg(), { secret: "late-new-app-secret" })).status).toBe(200);
    expect(await postWhaticket("rot-late-connection", old.generated.webhook_secret)).toBe(401);
    expect(await postWhaticket("rot-late-connection", wht.webhook_secret ?? "")).toBe(200);
    expect(await postEvolution("rot-late-inst", "late-old-apikey")).toBe(401);
    expect(await postEvolution("rot-late-inst", "late-new-apikey")).toBe(200);
    // GET shows no window any more.
    expect(await (await api("/api/channel", { headers: m.auth })).json()).toMatchObject({ verify_token_previous_until: null, meta: { app_secret_previous_until: null } });
  });
});

describe("who may rotate", () => {
  it("the platform by slug or id; another tenant's token and a viewer-scoped token may not, and nothing changes", async () => {
    const a = await tenant("rot-who-a");
    await put(a.auth, { provider: "meta", phone_number_id: "210000000000031", access_token: "EAAG-rot-token-31" });
    const b = await tenant("rot-who-b");
    const viewer = await tenant("rot-who-v", ["channel:read"]);
    const before = await verifyToken(a.auth);
    const settings = async () => (await sqlRows<{ s: unknown }>("SELECT channel_settings AS s FROM companies WHERE id = ?", a.company.id))[0]?.s;
    const stored = await settings();

    const other = await rotate("rot-who-a", b.auth);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    expect((await rotate(a.company.id, b.auth)).status).toBe(403);
    const ro = await rotate("rot-who-v", viewer.auth);
    expect(ro.status).toBe(403);
    expect(((await ro.json()) as { error: { code: string } }).error.code).toBe("forbidden_role");
    expect(await settings()).toEqual(stored);
    expect(await verifyToken(a.auth)).toBe(before);

    expect((await rotate("rot-who-a", null)).status).toBe(200);
    expect((await rotate(a.company.id, null)).status).toBe(200);
    expect(await verifyToken(a.auth)).not.toBe(before);
    expect((await rotate("no-such-tenant", null)).status).toBe(404);
    expect((await rotate("rot-who-b", null)).status).toBe(422); // a sandbox tenant has nothing to rotate
    const audit = await sqlRows<{ action: string; actor: string }>("SELECT action, actor FROM audit_logs WHERE company_id = ? AND action = 'channel.rotate_secrets'", a.company.id);
    expect(audit.map((x) => x.actor)).toEqual(["platform", "platform"]);
  });

  it("bad input is one envelope", async () => {
    const res = await rotate("rot-who-a", null, { window_hours: -1 });
    expect(res.status).toBe(400);
    expect((await rotate("rot-who-a", null, { surprise: true })).status).toBe(400);
  });
});
