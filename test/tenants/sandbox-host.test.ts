import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { hostLabel } from "../../src/http/host-tenant";
import { publicSandboxTenants } from "../../src/http/routes/sandbox";
import { sha256Hex } from "../../src/lib/crypto";
import { envWith, metaText, seedCompany, store } from "../support/helpers";
import { hmacSha256Hex } from "../../src/lib/hmac";
import { sqlCount } from "../support/sql";

const vars = envWith({ SANDBOX_PUBLIC: "sbx-open, demo", PANEL_DOMAIN: "example.app" });
const call = (url: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  headers.set("content-type", "application/json");
  return app.request(url, { ...init, headers }, vars);
};
const codeOf = async (res: Response) => [res.status, ((await res.json()) as { error?: { code: string } }).error?.code ?? "ok"];
const say = (from: string) => ({ method: "POST", body: JSON.stringify({ from, text: "Oi" }) }) as const;
const outboxOf = (phone: string) => ({ method: "POST", body: JSON.stringify({ contact: phone }) }) as const;

async function tenantWithToken(slug: string, extra: Record<string, unknown> = {}) {
  const co = await seedCompany({ slug, ...extra });
  await store().apiTokens.create(co.id, await sha256Hex(`${slug}-token-123`), "t");
  return { co, token: `${slug}-token-123` };
}

describe("SANDBOX_PUBLIC never lets one tenant act for another", () => {
  it("parses the list; `true` opens nothing", () => {
    expect([...publicSandboxTenants("demo, Clinica-B ,")]).toEqual(["demo", "clinica-b"]);
    expect(publicSandboxTenants("true").size).toBe(0);
    expect(publicSandboxTenants("false").size).toBe(0);
    expect(publicSandboxTenants(undefined).size).toBe(0);
  });

  it("a token is checked against the path's tenant even when that tenant is public; anonymous only for listed tenants", async () => {
    const a = await tenantWithToken("sbx-a");
    await seedCompany({ slug: "sbx-open" });
    await seedCompany({ slug: "sbx-closed" });
    // Tenant A's token on B's outbox (B public or not) → 403.
    expect(await codeOf(await call("http://localhost/api/sandbox/sbx-open/outbox", { ...outboxOf("5511955550001"), token: a.token }))).toEqual([403, "forbidden"]);
    expect(await codeOf(await call("http://localhost/api/sandbox/sbx-closed/inbound", { ...say("5511955550001"), token: a.token }))).toEqual([403, "forbidden"]);
    // Anonymous: a tenant not listed → 401; the listed one works, and only its own simulator.
    expect(await codeOf(await call("http://localhost/api/sandbox/sbx-closed/outbox", outboxOf("5511955550001")))).toEqual([401, "unauthorized"]);
    expect(await codeOf(await call("http://localhost/api/sandbox/sbx-a/inbound", say("5511955550001")))).toEqual([401, "unauthorized"]);
    expect((await call("http://localhost/api/sandbox/sbx-open/outbox", outboxOf("5511955550001"))).status).toBe(200);
    // Anonymous reaches nothing else of the listed tenant.
    expect((await call("http://localhost/api/conversations", { headers: { "x-tenant": "sbx-open" } })).status).toBe(401);
    // A forged token is not anonymous.
    expect(await codeOf(await call("http://localhost/api/sandbox/sbx-open/outbox", { ...outboxOf("5511955550001"), token: "nope" }))).toEqual([401, "unauthorized"]);
    expect(await sqlCount("SELECT count(*) AS n FROM messages m JOIN companies c ON c.id = m.company_id WHERE c.slug IN ('sbx-closed', 'sbx-open')")).toBe(0);
  });
});

describe("tenants by host name (<slug>.PANEL_DOMAIN)", () => {
  it("reads the label under the domain only", () => {
    expect(hostLabel("clinica.example.app", "example.app")).toBe("clinica");
    expect(hostLabel("CLINICA.Example.App.", "example.app")).toBe("clinica");
    expect(hostLabel("example.app", "example.app")).toBeNull();
    expect(hostLabel("www.example.app", "example.app")).toBeNull();
    expect(hostLabel("clinica.other.app", "example.app")).toBeNull();
    expect(hostLabel("a.b.example.app", "example.app")).toBe("a.b");
  });

  it("platform token acts for the host's tenant without x-tenant; another tenant's token → 403; unknown subdomain → 404", async () => {
    const h = await tenantWithToken("host-a");
    const other = await tenantWithToken("host-b");
    const me = await call("http://host-a.example.app/api/me", { token: "test-admin-token" });
    expect(await me.json()).toMatchObject({ kind: "platform", company: { slug: "host-a" } });
    expect(await codeOf(await call("http://host-a.example.app/api/me", { token: "test-admin-token", headers: { "x-tenant": "host-b" } }))).toEqual([403, "forbidden"]);
    expect(await (await call("http://host-a.example.app/api/me", { token: h.token })).json()).toMatchObject({ kind: "token", company: { slug: "host-a" } });
    expect(await codeOf(await call("http://host-a.example.app/api/conversations", { token: other.token }))).toEqual([403, "forbidden"]);
    expect(await codeOf(await call("http://nobody.example.app/api/me", { token: "test-admin-token" }))).toEqual([404, "unknown_tenant"]);
    expect(await codeOf(await call("http://bad_label.example.app/api/me", { token: "test-admin-token" }))).toEqual([404, "unknown_tenant"]);
    // The apex is the platform's: no tenant named.
    expect(await (await call("http://example.app/api/me", { token: "test-admin-token" })).json()).toMatchObject({ company: null });
    // The simulator on a host is that host's tenant's only (public or not).
    expect(await codeOf(await call("http://host-a.example.app/api/sandbox/host-b/outbox", { ...outboxOf("5511955550002"), token: "test-admin-token" }))).toEqual([
      403,
      "forbidden",
    ]);
  });

  it("a webhook on a tenant's host name is accepted only for that tenant's numbers", async () => {
    await seedCompany({ slug: "hook-a", metaPhoneNumberId: "100000000000781" });
    await seedCompany({ slug: "hook-b", metaPhoneNumberId: "100000000000782" });
    const raw = JSON.stringify(metaText("100000000000782", "5511955550003", "Oi"));
    const sig = await hmacSha256Hex("test-app-secret", raw);
    const res = await call("http://hook-a.example.app/webhooks/whatsapp", { method: "POST", body: raw, headers: { "x-hub-signature-256": `sha256=${sig}` } });
    expect(await codeOf(res)).toEqual([404, "unknown_tenant"]);
  });
});
