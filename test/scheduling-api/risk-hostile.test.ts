/**
 * POST /api/agenda/risk with hostile bodies: keys that differ from row to row, odd values, prototype
 * names. Every answer is a JSON envelope (200 with per-row errors, or a 4xx), never a 500 or a stall.
 */
import { describe, expect, it } from "vitest";
import { api, seedCompany } from "../support/helpers";

const NOW = Date.now();
const HOUR = 3_600_000;

const row = (i: number, extra: Record<string, unknown> = {}) => ({
  external_id: `x-${i}`,
  contact: `55219${String(i).padStart(8, "0")}`,
  booked_at: new Date(NOW - HOUR).toISOString(),
  starts_at: new Date(NOW + 24 * HOUR).toISOString(),
  ends_at: new Date(NOW + 25 * HOUR).toISOString(),
  ...extra,
});

const risk = (tenant: string, body: string) => api("/api/agenda/risk", { method: "POST", tenant, body, headers: { "content-type": "application/json" } });

describe("POST /api/agenda/risk: hostile JSON bodies", () => {
  it("rejects a batch whose rows bring more distinct keys than a header may have (400 too_many_columns), before widening every row to all of them", async () => {
    await seedCompany({ slug: "risk-wide" });
    // 10,000 rows × 10,000 distinct keys would be 100M cells once every row is widened to the union.
    const rows = Array.from({ length: 10_000 }, (_, i) => row(i, { [`attr_k${i}`]: i }));
    const res = await risk("risk-wide", JSON.stringify({ appointments: rows }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("too_many_columns");
  });

  it("scores odd but bounded rows and lists the bad ones, prototype names included", async () => {
    await seedCompany({ slug: "risk-odd" });
    const body = `{"appointments":[${[
      JSON.stringify(row(1, { attr___proto__: "x", attr_constructor: "y", attr_clinic: "__proto__" })),
      JSON.stringify(row(2, { attr_age: "NaN", attr_score: "Infinity", confirmed: "maybe" })),
      JSON.stringify(row(3, { booked_at: "2026-02-31T10:00:00Z" })),
      // Raw JSON: an object literal would set the prototype instead of a key.
      JSON.stringify(row(4, { constructor: "w" })).replace("{", '{"__proto__":"z",'),
    ].join(",")}]}`;
    const res = await risk("risk-odd", body);
    expect(res.status).toBe(200);
    const out = (await res.json()) as { results: { external_id: string; no_show_prob: number }[]; errors: { line: number }[] };
    expect(out.results.map((r) => r.external_id).sort()).toEqual(["x-1", "x-4"]);
    expect(out.results.every((r) => Number.isFinite(r.no_show_prob) && r.no_show_prob > 0 && r.no_show_prob < 1)).toBe(true);
    expect(out.errors.map((e) => e.line).sort()).toEqual([2, 3]);
  });

  it("answers a number beyond float range (JSON 1e999 is Infinity) with the body envelope, not a 500", async () => {
    await seedCompany({ slug: "risk-inf" });
    const body = JSON.stringify({ appointments: [row(1)] }).replace(/"booked_at":"[^"]+"/, '"booked_at":1e999');
    const res = await risk("risk-inf", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_body");
  });
});

describe("POST /api/agenda/risk: extreme values against a trained model, and another tenant's contact", () => {
  it("scores a 200-digit age (the longest field) to a probability, and another tenant's contact id as a first visit", async () => {
    const { generateHistory } = await import("../../src/scheduling/synthetic");
    const { historyCsv, importCsv, phoneOf } = await import("./support");
    const { contactId } = await import("../support/helpers");
    const DAY = 24 * HOUR;
    const history = generateHistory({ seed: 5, rows: 3000, contacts: 400, start: NOW - 200 * DAY, days: 195, now: NOW });
    await seedCompany({ slug: "risk-x-a" });
    await seedCompany({ slug: "risk-x-b" });
    expect((await importCsv("risk-x-a", historyCsv(history, "a"))).body.rows_imported).toBe(history.length);
    expect((await importCsv("risk-x-b", historyCsv(history, "b"))).body.rows_imported).toBe(history.length);
    const score = async (tenant: string, rows: Record<string, unknown>[]) => {
      const res = await risk(tenant, JSON.stringify({ appointments: rows }));
      expect(res.status).toBe(200);
      const out = (await res.json()) as { results: { no_show_prob: number | null }[]; errors: unknown[] };
      expect(out.errors).toEqual([]);
      return out.results.map((r) => r.no_show_prob);
    };
    const huge = "9".repeat(200);
    const probs = await score("risk-x-a", [row(1, { attr_age: huge }), row(2, { attr_age: `-${huge.slice(1)}` }), row(3, { attr_age: "0.0000000001" })]);
    expect(probs).toHaveLength(3);
    for (const p of probs) expect(p !== null && Number.isFinite(p) && p > 0 && p < 1).toBe(true);

    // The busiest contact of tenant A, named by id in tenant B: B knows nothing of it.
    const counts = new Map<string, number>();
    for (const r of history) counts.set(r.contact, (counts.get(r.contact) ?? 0) + 1);
    const busiest = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
    const idInA = await contactId("risk-x-a", phoneOf(busiest));
    expect(idInA).not.toBeNull();
    const [asA] = await score("risk-x-a", [row(1, { contact: String(idInA) })]);
    const [crossed, stranger] = await score("risk-x-b", [row(1, { contact: String(idInA) }), row(2, { contact: "987654321" })]);
    const [sameInB] = await score("risk-x-b", [row(1, { contact: phoneOf(busiest) })]);
    expect(crossed).toBe(stranger);
    // The contact's history matters (else the comparison above proves nothing).
    expect(sameInB).not.toBe(stranger);
    expect(asA).toBe(sameInB);
  });
});
