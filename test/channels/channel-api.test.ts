import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { hmacSha256Hex } from "../../src/lib/hmac";
import upsertText from "../fixtures/evolution/upsert-text.json";
import whaticketMessage from "../fixtures/whaticket/message.json";
import { api, eventually, metaText, postMeta, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

// The Channel API end to end: connect, what is stored (sealed), what is shown (never a secret), what routes.

const ACCESS_TOKEN = "EAAG-plain-access-token-4711";
const APP_SECRET = "tenant-own-app-secret-0815";

/** A tenant with an integration token (the panel's login), scoped as given. */
async function tenant(slug: string, scopes?: string[]) {
  const company = await seedCompany({ slug });
  const token = `tok-${slug}-${crypto.randomUUID()}`;
  await store().apiTokens.create(company.id, await sha256Hex(token), "test", scopes ? { scopes } : {});
  return { company, auth: { authorization: `Bearer ${token}` } };
}

const put = (auth: Record<string, string>, body: unknown) => api("/api/channel", { method: "PUT", headers: auth, body: JSON.stringify(body) });
const get = (auth: Record<string, string>, tenantSlug?: string) => api("/api/channel", { headers: auth, ...(tenantSlug ? { tenant: tenantSlug } : {}) });
/** The company row as stored, read by SQL (the settings JSON parsed: D1 keeps it as text). */
async function row(id: number) {
  const [r] = await sqlRows<{ channel: string; meta_phone_number_id: string | null; evolution_instance: string | null; channel_settings: unknown }>(
    "SELECT channel, meta_phone_number_id, evolution_instance, channel_settings FROM companies WHERE id = ?",
    id,
  );
  return r && { ...r, channel_settings: typeof r.channel_settings === "string" ? (JSON.parse(r.channel_settings) as unknown) : r.channel_settings };
}
const settingsText = async (id: number) => JSON.stringify((await row(id))?.channel_settings);
const sent = async (pnid: string) => ((await (await fetch(`http://graph.fake.test/__fake/${pnid}/sent`)).json()) as { sent: { to: string }[] }).sent;

describe("PUT /api/channel: Meta", () => {
  it("seals the token and app secret at rest, never shows them, and a signed webhook for the number reaches the tenant", async () => {
    const { company, auth } = await tenant("chan-meta");
    const res = await put(auth, { provider: "meta", phone_number_id: "200000000000001", waba_id: "300000000000001", access_token: ACCESS_TOKEN, app_secret: APP_SECRET });
    expect(res.status).toBe(200);
    const shown = await get(auth);
    const text = await shown.text();
    expect(text).not.toContain(ACCESS_TOKEN);
    expect(text).not.toContain(APP_SECRET);
    const view = JSON.parse(text);
    expect(view).toMatchObject({
      provider: "meta",
      webhook_url: "http://localhost/webhooks/whatsapp",
      meta: { phone_number_id: "200000000000001", waba_id: "300000000000001", has_access_token: true, has_app_secret: true },
    });
    expect(view.verify_token).toMatch(/^chan-meta\.vt_[A-Za-z0-9_-]{32}$/);
    // At rest: ciphertexts only (the verify token too), routing key copied out.
    const stored = await row(company.id);
    expect(stored?.meta_phone_number_id).toBe("200000000000001");
    const raw = await settingsText(company.id);
    for (const secret of [ACCESS_TOKEN, APP_SECRET, view.verify_token]) expect(raw).not.toContain(secret);
    expect(raw).toMatch(/"accessTokenSealed":\{"cipher":"v1\./);
    // The platform's secret does not speak for a tenant with its own app secret; the tenant's does.
    const body = metaText("200000000000001", "5511987651001", "Oi, quero marcar");
    expect((await postMeta(body)).status).toBe(401);
    expect((await postMeta(body, { secret: APP_SECRET })).status).toBe(200);
    // The reply went out through Graph with the unsealed token (the fake refuses a request without one).
    await eventually(async () => expect((await sent("200000000000001")).map((m) => m.to)).toContain("5511987651001"));
    const audit = await sqlRows<{ action: string; target: string; detail: string }>("SELECT action, target, detail FROM audit_logs WHERE company_id = ?", company.id);
    expect(audit.map((a) => a.action)).toContain("channel.connect");
    expect(JSON.stringify(audit)).not.toContain(ACCESS_TOKEN);
  });

  it("is write-only: a save without secrets keeps the stored ones; the first save without a token is a 422", async () => {
    const { company, auth } = await tenant("chan-keep");
    const first = await put(auth, { provider: "meta", phone_number_id: "200000000000002" });
    expect(first.status).toBe(422);
    expect(((await first.json()) as { error: { code: string } }).error.code).toBe("missing_credential");
    expect((await put(auth, { provider: "meta", phone_number_id: "200000000000002", access_token: ACCESS_TOKEN })).status).toBe(200);
    const cipher = (await row(company.id))?.channel_settings as { meta: { accessTokenSealed: { cipher: string } } };
    const again = await put(auth, { provider: "meta", phone_number_id: "200000000000003" });
    expect(again.status).toBe(200);
    const after = (await row(company.id))?.channel_settings as { meta: { phoneNumberId: string; accessTokenSealed: { cipher: string } } };
    expect(after.meta.accessTokenSealed.cipher).toBe(cipher.meta.accessTokenSealed.cipher);
    expect(after.meta.phoneNumberId).toBe("200000000000003");
    // The old number no longer routes here.
    expect((await postMeta(metaText("200000000000002", "5511987651002", "Oi"))).status).toBe(404);
  });

  it("answers bad input with one envelope, never a 500", async () => {
    const { auth } = await tenant("chan-bad");
    for (const body of [
      { provider: "telegram" },
      { provider: "meta", phone_number_id: "abc", access_token: ACCESS_TOKEN },
      { provider: "evolution", base_url: "ftp://x", instance: "a", apikey: "12345678" },
      { provider: "sandbox", extra: 1 },
    ]) {
      const res = await put(auth, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_body");
    }
    const notJson = await api("/api/channel", { method: "PUT", headers: auth, body: "{" });
    expect(notJson.status).toBe(400);
  });
});

describe("PUT /api/channel across tenants", () => {
  it("never takes another tenant's phone number id or instance (409 channel_taken), and the owner keeps them", async () => {
    const a = await tenant("chan-own-a");
    const b = await tenant("chan-own-b");
    expect((await put(a.auth, { provider: "meta", phone_number_id: "200000000000011", access_token: ACCESS_TOKEN })).status).toBe(200);
    const taken = await put(b.auth, { provider: "meta", phone_number_id: "200000000000011", access_token: "EAAG-other-tenant-token" });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: { code: "channel_taken", details: { field: "meta_phone_number_id" } } });
    expect((await row(b.company.id))?.channel).toBe("sandbox");
    expect((await row(a.company.id))?.meta_phone_number_id).toBe("200000000000011");
    expect((await postMeta(metaText("200000000000011", "5511987651011", "Oi"))).status).toBe(200);

    expect((await put(a.auth, { provider: "evolution", base_url: "http://evolution.fake.test", instance: "chan-own-inst", apikey: "evo-key-a-123456" })).status).toBe(200);
    const takenInstance = await put(b.auth, { provider: "evolution", base_url: "http://evolution.fake.test", instance: "chan-own-inst", apikey: "evo-key-b-123456" });
    expect(takenInstance.status).toBe(409);
    expect((await row(a.company.id))?.evolution_instance).toBe("chan-own-inst");
    // Switching A to Evolution freed its Meta number.
    expect((await row(a.company.id))?.meta_phone_number_id).toBeNull();
  });

  it("another tenant's token can neither read nor change the channel", async () => {
    const a = await tenant("chan-iso-a");
    const b = await tenant("chan-iso-b");
    expect((await put(a.auth, { provider: "meta", phone_number_id: "200000000000021", access_token: ACCESS_TOKEN })).status).toBe(200);
    const before = await settingsText(a.company.id);
    expect((await get(b.auth, "chan-iso-a")).status).toBe(403);
    const change = await api("/api/channel", { method: "PUT", tenant: "chan-iso-a", headers: b.auth, body: JSON.stringify({ provider: "sandbox" }) });
    expect(change.status).toBe(403);
    expect((await api("/api/channel/test", { method: "POST", tenant: "chan-iso-a", headers: b.auth })).status).toBe(403);
    expect(await settingsText(a.company.id)).toBe(before);
    expect((await row(a.company.id))?.channel).toBe("meta");
    // B's own channel is its own: what B reads is B's sandbox.
    expect(await (await get(b.auth)).json()).toMatchObject({ provider: "sandbox", meta: null });
  });

  it("a token without the channel scope is refused (403 forbidden_role)", async () => {
    const { auth } = await tenant("chan-scope", ["conversations:read"]);
    const res = await get(auth);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden_role");
    const ro = await tenant("chan-scope-ro", ["channel:read"]);
    expect((await get(ro.auth)).status).toBe(200);
    expect((await put(ro.auth, { provider: "sandbox" })).status).toBe(403);
  });
});

describe("Evolution, Whaticket and the Meta handshake through the connected channel", () => {
  it("Evolution: the apikey given at connect opens the webhook; another one does not", async () => {
    const { auth } = await tenant("chan-evo");
    expect((await put(auth, { provider: "evolution", base_url: "http://evolution.fake.test", instance: "chan-evo-inst", apikey: "evo-key-0123456789" })).status).toBe(200);
    const view = (await (await get(auth)).json()) as { webhook_url: string; evolution: { has_apikey: boolean } };
    expect(view.webhook_url).toBe("http://localhost/webhooks/evolution/chan-evo-inst");
    expect(view.evolution.has_apikey).toBe(true);
    const post = (apikey: string) =>
      exports.default.fetch("http://localhost/webhooks/evolution/chan-evo-inst", {
        method: "POST",
        headers: { "content-type": "application/json", apikey },
        body: JSON.stringify({ ...upsertText, instance: "chan-evo-inst" }),
      });
    expect((await post("evo-key-0123456789")).status).toBe(200);
    expect((await post("evo-key-wrong-000")).status).toBe(401);
  });

  it("Whaticket: a generated webhook secret is shown once and signs the webhook; X-Webhook-Token is the connection token", async () => {
    const { company, auth } = await tenant("chan-wht");
    const res = await put(auth, { provider: "whaticket", base_url: "http://whaticket.fake.test", token: "wht-connection-token-1" });
    expect(res.status).toBe(200);
    const { generated, whaticket } = (await res.json()) as { generated: { webhook_secret: string }; whaticket: { has_webhook_secret: boolean } };
    expect(generated.webhook_secret).toMatch(/^whs_/);
    expect(whaticket.has_webhook_secret).toBe(true);
    expect(await (await get(auth)).text()).not.toContain(generated.webhook_secret);
    expect(await settingsText(company.id)).not.toContain(generated.webhook_secret);
    const raw = JSON.stringify(whaticketMessage);
    const signed = async (secret: string) =>
      exports.default.fetch("http://localhost/webhook/whaticket", {
        method: "POST",
        headers: { "content-type": "application/json", "x-webhook-token": "wht-connection-token-1", "x-signature": `sha256=${await hmacSha256Hex(secret, raw)}` },
        body: raw,
      });
    expect((await signed(generated.webhook_secret)).status).toBe(200);
    expect((await signed("some-other-secret")).status).toBe(401);
  });

  it("Meta's GET handshake accepts the tenant's verify token (and the platform's), nothing else", async () => {
    const { auth } = await tenant("chan-vt");
    await put(auth, { provider: "meta", phone_number_id: "200000000000031", access_token: ACCESS_TOKEN });
    const { verify_token } = (await (await get(auth)).json()) as { verify_token: string };
    const hs = (token: string) => exports.default.fetch(`http://localhost/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=4242`);
    const ok = await hs(verify_token);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("4242");
    expect((await hs("test-verify-token")).status).toBe(200);
    expect((await hs(`${verify_token}x`)).status).toBe(403);
    expect((await hs("chan-vt.vt_forged")).status).toBe(403);
    expect((await hs("nobody.vt_x")).status).toBe(403);
  });
});

describe("older plaintext rows", () => {
  it("keep sending and receiving, and the next save seals them", async () => {
    const company = await seedCompany({
      slug: "chan-legacy",
      channel: "meta",
      metaPhoneNumberId: "200000000000041",
      channelSettings: { meta: { phoneNumberId: "200000000000041", accessToken: "EAAG-legacy-plaintext" } },
    });
    const token = "tok-chan-legacy-0001";
    await store().apiTokens.create(company.id, await sha256Hex(token), "test");
    const auth = { authorization: `Bearer ${token}` };
    expect((await postMeta(metaText("200000000000041", "5511987651041", "Oi"))).status).toBe(200);
    await eventually(async () => expect((await sent("200000000000041")).map((m) => m.to)).toContain("5511987651041"));
    expect(await (await get(auth)).json()).toMatchObject({ meta: { has_access_token: true } });
    expect((await put(auth, { provider: "meta", phone_number_id: "200000000000041" })).status).toBe(200);
    const raw = await settingsText(company.id);
    expect(raw).not.toContain("EAAG-legacy-plaintext");
    expect(raw).toContain("accessTokenSealed");
  });
});

describe("POST /api/channel/test", () => {
  it("reports Meta's answer, and an expired token as a clear result (never a 500); GET shows the last one", async () => {
    const { auth } = await tenant("chan-test");
    await put(auth, { provider: "meta", phone_number_id: "200000000000051", access_token: ACCESS_TOKEN });
    const ok = await api("/api/channel/test", { method: "POST", headers: auth });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, provider: "meta", code: "ok", detail: "+55 11 3000-1000 · Clínica Sorriso · quality GREEN" });
    await fetch("http://graph.fake.test/__fake/200000000000051/mode", { method: "POST", body: JSON.stringify({ mode: "190" }) });
    const bad = await api("/api/channel/test", { method: "POST", headers: auth });
    expect(bad.status).toBe(200);
    const result = (await bad.json()) as { ok: boolean; code: string; detail: string };
    expect(result).toMatchObject({ ok: false, code: "meta_invalid_token" });
    expect(result.detail).not.toContain(ACCESS_TOKEN);
    expect(await (await get(auth)).json()).toMatchObject({ last_test: { ok: false, code: "meta_invalid_token", provider: "meta" } });
  });

  it("the sandbox needs no provider; a channel without credentials is a 422", async () => {
    const { auth } = await tenant("chan-test-sb");
    expect(await (await api("/api/channel/test", { method: "POST", headers: auth })).json()).toMatchObject({ ok: true, provider: "sandbox" });
    const bare = await seedCompany({ slug: "chan-test-bare", channel: "evolution" });
    const res = await api("/api/channel/test", { method: "POST", tenant: bare.slug });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("channel_not_configured");
  });
});
