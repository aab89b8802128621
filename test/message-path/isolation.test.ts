import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { api, seedCompany, store } from "../support/helpers";

/** Tenant isolation is a security boundary: these tests try to cross it with a real tenant token. */
describe("tenant isolation on the admin API", () => {
  let otherDeadLetterId = 0;
  beforeAll(async () => {
    const a = await seedCompany({ slug: "iso-a" });
    const b = await seedCompany({ slug: "iso-b" });
    await store().apiTokens.create(a.id, await sha256Hex("token-of-a"), "test");
    await store().deadLetters.insert(b.id, {
      queue: "outbound",
      payload: { kind: "send", companyId: b.id, messageId: 1, correlationId: "x", generation: 0 },
      reason: "b's secret failure",
      attempts: 3,
      dedupKey: "b-1",
    });
    otherDeadLetterId = (await store().deadLetters.list(b.id, { pendingOnly: true, limit: 1 }))[0]!.id;
  });
  const asA = { authorization: "Bearer token-of-a" };

  it("a tenant token sees only its own dead letters", async () => {
    const res = await api("/api/dead-letters", { headers: asA });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { dead_letters: unknown[] }).dead_letters).toEqual([]);
  });

  it("naming another tenant with x-tenant is refused", async () => {
    const res = await api("/api/dead-letters", { headers: asA, tenant: "iso-b" });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
  });

  it("another tenant's dead letter cannot be reprocessed by id", async () => {
    const res = await api(`/api/dead-letters/${otherDeadLetterId}/reprocess`, { method: "POST", headers: asA });
    expect(res.status).toBe(404);
    const b = (await store().companies.bySlug("iso-b"))!;
    expect((await store().deadLetters.byId(b.id, otherDeadLetterId))?.reprocessedAt).toBeNull();
  });

  it("another tenant's sandbox inbox and outbox are refused", async () => {
    expect((await api("/api/sandbox/iso-b/outbox?contact_id=1", { headers: asA })).status).toBe(403);
    const post = await api("/api/sandbox/iso-b/inbound", { method: "POST", headers: asA, body: JSON.stringify({ from: "5511987650801", text: "Oi" }) });
    expect(post.status).toBe(403);
  });

  it("a wrong token is a 401 and the platform token must name a tenant", async () => {
    expect((await api("/api/dead-letters", { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    const res = await api("/api/dead-letters");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "tenant_required" } });
    expect((await api("/api/dead-letters", { tenant: "no-such-tenant" })).status).toBe(404);
  });

  it("sandbox endpoints need a token unless the deployment opens them", async () => {
    const res = await exports.default.fetch("http://localhost/api/sandbox/iso-a/outbox?contact_id=1");
    expect(res.status).toBe(401);
  });
});
