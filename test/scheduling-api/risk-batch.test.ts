/**
 * POST /api/agenda/risk at its limit: 10,000 appointments in one call, on whichever engine the config
 * runs (D1, or Postgres in vitest.pg.config.ts). The contacts' histories load CONTACT_CHUNK contacts
 * per query, so the call's statements are bounded: counted with the cost meter around the bindings.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { costs, metered, resetCosts } from "../../src/lib/cost-meter";
import { CONTACT_CHUNK } from "../../src/scheduling/service";
import { generateHistory } from "../../src/scheduling/synthetic";
import { DAY_MS } from "../../src/lib/time-zone";
import { ADMIN, envWith, seedCompany } from "../support/helpers";
import { historyCsv, importCsv, phoneOf } from "./support";

const NOW = Date.now();
// 10,000 contacts over 14,000 rows: most have one to three visits, as in real clinic exports.
const history = generateHistory({ seed: 23, rows: 14_000, contacts: 10_000, start: NOW - 200 * DAY_MS, days: 195, now: NOW });
const known = [...new Set(history.map((r) => r.contact))];
const MAX = 10_000;
const meteredEnv = metered(envWith({ COST_METER: "true" }));

interface RiskAnswer {
  results: { line: number; external_id: string; no_show_prob: number; fallback: boolean }[];
  errors: unknown[];
  error?: { code: string; status: number };
}

/** Row i: a known contact's phone for the first `known.length` rows, then first-time phones. */
function batch(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    external_id: `b-${i}`,
    contact: i < known.length ? phoneOf(known[i] ?? "") : `55219${String(i).padStart(8, "0")}`,
    booked_at: new Date(NOW - (i % 20) * DAY_MS).toISOString(),
    starts_at: new Date(NOW + (1 + (i % 14)) * DAY_MS).toISOString(),
    ends_at: new Date(NOW + (1 + (i % 14)) * DAY_MS + 1_800_000).toISOString(),
    reminder_sent: i % 3 === 0,
    confirmed: i % 5 === 0,
  }));
}

const asCsv = (rows: ReturnType<typeof batch>) => [Object.keys(rows[0] ?? {}).join(","), ...rows.map((r) => Object.values(r).map(String).join(","))].join("\n");

async function risk(tenant: string, body: string, type = "application/json"): Promise<{ status: number; body: RiskAnswer; statements: number }> {
  resetCosts();
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request("http://localhost/api/agenda/risk", { method: "POST", body, headers: { ...ADMIN, "x-tenant": tenant, "content-type": type } }),
    meteredEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as RiskAnswer, statements: costs.d1Statements + costs.pgStatements };
}

describe("POST /api/agenda/risk: 10,000 appointments per call", () => {
  it("scores 10,000 rows (JSON and CSV) with each contact's history, in a bounded number of statements; 10,001 → 413", async () => {
    await seedCompany({ slug: "risk-10k" });
    const imported = await importCsv("risk-10k", historyCsv(history));
    expect(imported.body.rows_imported).toBe(history.length);
    expect(known.length).toBeGreaterThan(2 * CONTACT_CHUNK); // more contacts than two history chunks

    // The first call trains and stores the model; the counted calls then only score.
    expect((await risk("risk-10k", JSON.stringify({ appointments: batch(1) }))).status).toBe(200);
    const few = await risk("risk-10k", JSON.stringify({ appointments: batch(10) }));
    const full = await risk("risk-10k", JSON.stringify({ appointments: batch(MAX) }));
    expect(full.status).toBe(200);
    expect(full.body.results).toHaveLength(MAX);
    expect(full.body.errors).toEqual([]);
    expect(full.body.results.every((r) => r.fallback === false && r.no_show_prob > 0 && r.no_show_prob < 1)).toBe(true);
    // A row scores the same in a batch of 10 and in one of 10,000: its contact's history came with it
    // (a chunk that lost rows would change the contact features of some of the first ten).
    expect(full.body.results.slice(0, 10).map((r) => r.no_show_prob)).toEqual(few.body.results.map((r) => r.no_show_prob));
    // D1: the history is ⌈contacts / 2000⌉ statements (3 here, at most 5 for 10k rows) instead of one;
    // everything else costs what it costs for 10 rows (4 statements). The Postgres meter counts every
    // socket of the isolate, background writes of earlier requests included, so only D1's is exact.
    if (costs.d1Statements > 0) {
      expect(full.statements - few.statements).toBe(Math.ceil(known.length / CONTACT_CHUNK) - 1);
      expect(full.statements).toBeLessThanOrEqual(few.statements + 4);
    }

    const csv = await risk("risk-10k", asCsv(batch(MAX)), "text/csv");
    expect(csv.status).toBe(200);
    expect(csv.body.results.map((r) => r.no_show_prob)).toEqual(full.body.results.map((r) => r.no_show_prob));

    for (const [body, type] of [
      [JSON.stringify({ appointments: batch(MAX + 1) }), "application/json"],
      [asCsv(batch(MAX + 1)), "text/csv"],
    ] as const) {
      const over = await risk("risk-10k", body, type);
      expect(over.status).toBe(413);
      expect(over.body.error).toMatchObject({ code: "too_many_rows" });
    }
  });
});
