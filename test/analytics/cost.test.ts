import { describe, expect, it } from "vitest";
import { computeReports } from "../../src/analytics/compute";
import { localStart } from "../../src/analytics/periods";
import { costs, metered, resetCosts } from "../../src/lib/cost-meter";
import { createD1Store } from "../../src/store/d1";
import { envWith, store as plain } from "../support/helpers";
import { seedTenant } from "../store/analytics-seed";

// Wrapped once for the file (a second wrapper counts each statement twice; see d1-statements.test.ts).
const meteredDb = metered(envWith({ COST_METER: "true" })).DB;
const DAYS = ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"];

/** D1 statements of one run over these days, for a tenant seeded `times` times over (more rows, same periods). */
async function statementsFor(days: string[], times: number): Promise<number> {
  const company = await plain().companies.create({ slug: `an-cost-${crypto.randomUUID().slice(0, 8)}`, name: "Clínica", timeZone: "America/Sao_Paulo" });
  const bounds = [...days.slice(1), "2026-12-01"].map((d) => localStart(d, company.timeZone));
  await seedTenant(company.id, bounds, days, 10 + times, times);
  resetCosts();
  await computeReports(createD1Store(meteredDb), company, "day", days, Date.now());
  return costs.d1Statements;
}

describe("what a night's analytics run costs", () => {
  it("a fixed number of grouped statements per run, whatever the rows; one upsert per period; the id search grows with log2(ids)", async () => {
    const oneDay = await statementsFor(DAYS.slice(-1), 1);
    const week = await statementsFor(DAYS, 1);
    const weekTripled = await statementsFor(DAYS, 3);
    console.log(`analytics run: ${oneDay} D1 statements for 1 day, ${week} for 7 days, ${weekTripled} for 7 days with 3× the rows`);
    // 7 days instead of 1: six more report upserts and the same grouped reads; the two id searches take a
    // probe per halving of the table's ids (which grew meanwhile), ~log2(ids) each.
    expect(week - oneDay).toBeGreaterThanOrEqual(6);
    expect(week - oneDay).toBeLessThanOrEqual(6 + 10);
    // Three times the rows: only the binary searches may take a probe or two more, never a statement per row.
    expect(Math.abs(weekTripled - week)).toBeLessThanOrEqual(4);
    expect(week).toBeLessThan(80);
  });
});
