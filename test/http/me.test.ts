import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { api, seedCompany, store } from "../support/helpers";

describe("GET /api/me (the panel's sign-in check)", () => {
  it("names the tenant a token belongs to, and nothing else", async () => {
    const c = await seedCompany({ slug: "me-a", name: "Clínica Eu" });
    await store().apiTokens.create(c.id, await sha256Hex("me-a-token-0001"), "panel");
    const res = await exports.default.fetch("http://localhost/api/me", { headers: { authorization: "Bearer me-a-token-0001" } });
    expect(await res.json()).toMatchObject({
      kind: "token",
      role: "owner",
      company: { slug: "me-a", name: "Clínica Eu", channel: "sandbox", time_zone: "America/Sao_Paulo", locale: "pt-BR", status: "active" },
    });
    // The platform token without a tenant is signed in but acts for no tenant yet.
    expect(await (await api("/api/me")).json()).toMatchObject({ kind: "platform", role: "platform", company: null });
    expect((await (await api("/api/me", { tenant: "me-a" })).json()) as { company: { slug: string } }).toMatchObject({ company: { slug: "me-a" } });
    // A tenant token naming another tenant, or no token: the error envelope.
    await seedCompany({ slug: "me-b" });
    const crossed = await exports.default.fetch("http://localhost/api/me", { headers: { authorization: "Bearer me-a-token-0001", "x-tenant": "me-b" } });
    expect(crossed.status).toBe(403);
    const none = await exports.default.fetch("http://localhost/api/me");
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });
});
