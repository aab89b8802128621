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
