import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { api, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

interface Entry {
  id: number;
  at: string;
  actor: string;
  user_id: number | null;
  role: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  ip: string | null;
  request_id: string | null;
}
interface Page {
  entries: Entry[];
  next_before: number | null;
}
const page = async (tenant: string, query = "", headers: Record<string, string> = {}) => {
  const res = await api(`/api/audit${query}`, { tenant, headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
};
const mintFor = async (tenant: string, scopes: string[]) =>
  ((await (await api("/api/tokens", { method: "POST", tenant, body: JSON.stringify({ name: "t", scopes }) })).json()) as { secret: string }).secret;

describe("GET /api/audit", () => {
  it("names who, role, what, IP and request id, newest first, and pages with next_before", async () => {
    await seedCompany({ slug: "aud-who" });
    const headers = { "cf-connecting-ip": "203.0.113.7", "x-request-id": "req-aud-1" };
    for (const name of ["one", "two", "three"]) await api("/api/tokens", { method: "POST", tenant: "aud-who", headers, body: JSON.stringify({ name, scopes: ["agenda:read"] }) });
    const first = await page("aud-who", "?action=tokens&limit=2");
    expect(first.entries.map((e) => (e.detail as { name: string }).name)).toEqual(["three", "two"]);
    expect(first.entries[0]).toMatchObject({ actor: "platform", role: "platform", user_id: null, action: "tokens.create", ip: "203.0.113.7", request_id: "req-aud-1" });
    expect(Date.parse(first.entries[0]?.at ?? "")).toBeGreaterThan(Date.now() - 60_000);
    expect(first.next_before).toBe(first.entries[1]?.id);
    const second = await page("aud-who", `?action=tokens&limit=2&before=${first.next_before}`);
    expect(second.entries.map((e) => (e.detail as { name: string }).name)).toEqual(["one"]);
    expect(second.next_before).toBeNull();
  });

  it("filters by actor and by days in the tenant's zone", async () => {
    const co = await seedCompany({ slug: "aud-filter", timeZone: "America/Sao_Paulo" });
    const secret = await mintFor("aud-filter", ["*"]);
    const tokenId = (await store().apiTokens.list(co.id))[0]?.id;
    await exports.default.fetch("http://localhost/api/tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${secret}` },
      body: JSON.stringify({ name: "by token", scopes: ["agenda:read"] }),
    });
    const byToken = await page("aud-filter", `?actor=token:${tokenId}`);
    expect(byToken.entries.map((e) => [e.action, e.role])).toEqual([["tokens.create", "owner"]]);
    // 2026-03-01 02:30 UTC is still 28 February in São Paulo (UTC−3).
    const [oldest] = (await page("aud-filter", "?actor=platform")).entries;
    await sqlRows("UPDATE audit_logs SET created_at = ? WHERE id = ?", Date.parse("2026-03-01T02:30:00Z"), oldest?.id);
    expect((await page("aud-filter", "?from=2026-02-28&to=2026-02-28")).entries.map((e) => e.id)).toEqual([oldest?.id]);
    expect((await page("aud-filter", "?from=2026-03-01&to=2026-03-01")).entries).toEqual([]);
    expect((await page("aud-filter", "?to=2026-03-01T02:30:00Z")).entries).toEqual([]);
    expect((await page("aud-filter", "?to=2026-03-01T02:30:00.001Z")).entries.map((e) => e.id)).toEqual([oldest?.id]);
  });

  it("answers bad filters with the error envelope", async () => {
    await seedCompany({ slug: "aud-bad" });
    for (const [query, code] of [
      ["?from=yesterday", "invalid_date"],
      ["?to=2026-02-30", "invalid_date"],
      ["?to=2026-03-01T10:00:00", "invalid_date"],
      ["?limit=0", "invalid_body"],
      ["?before=-1", "invalid_body"],
      ["?action=Tokens%20create", "invalid_body"],
    ]) {
      const res = await api(`/api/audit${query}`, { tenant: "aud-bad" });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, query).toBe(code);
    }
  });

  it("shows a tenant only its own entries, and only to callers allowed to read the audit", async () => {
    const a = await seedCompany({ slug: "aud-iso-a" });
    const b = await seedCompany({ slug: "aud-iso-b" });
    await store().auditLogs.append(b.id, { actor: "user:99", action: "config.tone.update", target: "b-only" });
    const readerA = await mintFor("aud-iso-a", ["audit:read"]);
    const agendaA = await mintFor("aud-iso-a", ["agenda:write"]);
    const asA = (secret: string, headers: Record<string, string> = {}) =>
      exports.default.fetch("http://localhost/api/audit?limit=200", { headers: { authorization: `Bearer ${secret}`, ...headers } });
    const mine = (await (await asA(readerA)).json()) as Page;
    expect(mine.entries.length).toBeGreaterThan(0);
    expect(mine.entries.some((e) => e.target === "b-only")).toBe(false);
    expect(JSON.stringify(mine)).not.toContain("aud-iso-b");
    expect((await asA(readerA, { "x-tenant": "aud-iso-b" })).status).toBe(403);
    const refused = await asA(agendaA);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("forbidden_role");
    expect((await page("aud-iso-b")).entries.map((e) => e.target)).toEqual(["b-only"]);
    expect(a.id).not.toBe(b.id);
  });
});

describe("bulk reads of personal data are audited, one entry per request", () => {
  it("conversation lists and searches and appointment lists, with their counts and never the search text; a CSV import as an import", async () => {
    const co = await seedCompany({ slug: "aud-pd" });
    const contact = await store().contacts.upsertInbound(co.id, { phone: "5511900005001", name: "Maria", at: Date.now() });
    await store().conversations.open(co.id, contact.id, Date.now());
    expect((await api("/api/conversations", { tenant: "aud-pd" })).status).toBe(200);
    expect((await api("/api/conversations/search", { method: "POST", tenant: "aud-pd", body: JSON.stringify({ q: "11900005001" }) })).status).toBe(200);
    expect((await api("/api/agenda/appointments", { tenant: "aud-pd" })).status).toBe(200);
    const csv = "external_id,contact,booked_at,starts_at,ends_at,status\r\nx1,5511900005002,2026-01-02T12:00:00Z,2026-01-05T13:00:00Z,2026-01-05T13:30:00Z,attended\r\n";
    const imported = (await (await api("/api/agenda/appointments/import", { method: "POST", tenant: "aud-pd", body: csv, headers: { "content-type": "text/csv" } })).json()) as {
      rows_imported: number;
      rows_read: number;
    };
    const entries = (await page("aud-pd", "?action=personal_data")).entries;
    expect(entries.map((e) => [e.target, e.detail])).toEqual([
      ["appointments.list", { count: 0 }],
      ["conversations.search", { count: 1 }],
      ["conversations.list", { count: 1 }],
    ]);
    expect(entries.every((e) => e.action === "personal_data.read" && e.actor === "platform")).toBe(true);
    expect(JSON.stringify(entries)).not.toContain("11900005001");
    // The import writes appointments: logged as an import, not as a read.
    const [imports] = (await page("aud-pd", "?action=appointment.import")).entries;
    expect(imports).toMatchObject({ action: "appointment.import", detail: { count: imported.rows_imported, rows_read: imported.rows_read, rows_failed: expect.any(Number) } });
  });

  it("folds an inbox that polls its list: one entry per reader and window, a second reader gets its own, searches are never folded", async () => {
    const co = await seedCompany({ slug: "aud-poll" });
    await store().apiTokens.create(co.id, await sha256Hex("aud-poll-token"), "poller", { scopes: ["*"] });
    for (let i = 0; i < 3; i++) expect((await api("/api/conversations", { tenant: "aud-poll" })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await api("/api/conversations", { headers: { authorization: "Bearer aud-poll-token" } })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await api("/api/conversations/search", { method: "POST", tenant: "aud-poll", body: JSON.stringify({ q: "Maria" }) })).status).toBe(200);
    const entries = (await page("aud-poll", "?action=personal_data")).entries;
    const seen = entries.map((e) => `${e.actor.replace(/^token:\d+$/, "token")} ${e.target}`).sort();
    expect(seen).toEqual(["platform conversations.list", "platform conversations.search", "platform conversations.search", "token conversations.list"]);
  });
});
