/**
 * On Postgres, a large import refreshes the planner's statistics of the tables it filled before it
 * reports done (scheduling.analyzeImported), so the analysis that follows plans against the new
 * rows; a small one leaves that to autovacuum.
 */
import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/lib/time-zone";
import { ANALYZE_AFTER_ROWS } from "../../src/scheduling/import";
import { generateHistory } from "../../src/scheduling/synthetic";
import { seedCompany } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { historyCsv, importCsv } from "./support";

const NOW = Date.now();
const history = (rows: number, seed: number) => generateHistory({ seed, rows, contacts: 300, start: NOW - 200 * DAY_MS, days: 195, now: NOW });

/** How many times each imported table has been analysed (ANALYZE reports to the statistics at once). */
async function analyses(): Promise<Record<string, number>> {
  const rows = await sqlRows<{ relname: string; n: string | number }>(
    "SELECT relname, analyze_count AS n FROM pg_stat_user_tables WHERE relname IN ('appointments', 'contacts') ORDER BY relname",
  );
  return Object.fromEntries(rows.map((r) => [r.relname, Number(r.n)]));
}

describe("import on Postgres: the planner's statistics", () => {
  it("are refreshed after an import of ANALYZE_AFTER_ROWS rows or more, not after a smaller one", async () => {
    await seedCompany({ slug: "imp-analyze" });
    const before = await analyses();

    const small = await importCsv("imp-analyze", historyCsv(history(ANALYZE_AFTER_ROWS - 1, 3), "s"));
    expect(small.body).toMatchObject({ status: "done", rows_imported: ANALYZE_AFTER_ROWS - 1 });
    expect(await analyses()).toEqual(before);

    const large = await importCsv("imp-analyze", historyCsv(history(ANALYZE_AFTER_ROWS, 4), "l"));
    expect(large.body).toMatchObject({ status: "done", rows_imported: ANALYZE_AFTER_ROWS });
    expect(await analyses()).toEqual({ appointments: (before.appointments ?? 0) + 1, contacts: (before.contacts ?? 0) + 1 });
  });
});
