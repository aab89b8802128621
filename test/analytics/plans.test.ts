/**
 * A night's analytics run reads ranges through indexes: every statement's plan searches (primary key
 * ranges for messages and conversations, the tenant indexes for the others), none scans a table.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { computeReports } from "../../src/analytics/compute";
import { createD1Store } from "../../src/store/d1";
import { capturing, planOf } from "../support/d1-plans";

describe("analytics query plans", () => {
  it("no statement of a run scans a table", async () => {
    const plain = createD1Store(env.DB);
    const company = await plain.companies.create({ slug: `an-plans-${crypto.randomUUID().slice(0, 8)}`, name: "Clínica", timeZone: "America/Sao_Paulo" });
    const { db, seen } = capturing(env.DB);
    await computeReports(createD1Store(db), company, "day", ["2026-11-29", "2026-11-30"], Date.now());
    const reads = seen.filter((c) => /^select/i.test(c.sql.trim()));
    expect(reads.length).toBeGreaterThan(12);
    const scans: string[] = [];
    for (const c of reads) {
      const plan = await planOf(c);
      // A SCAN over a subquery's result or a covering index is fine; a SCAN of a base table is not.
      for (const line of plan)
        if (
          /^SCAN (messages|conversations|contacts|appointments|appointment_tasks|feedback_events|campaign_recipients|campaigns|llm_usage|llm_prices|analytics_reports)\b(?! USING COVERING INDEX)/.test(
            line,
          )
        )
          scans.push(`${line} ← ${c.sql.slice(0, 90)}`);
    }
    expect(scans).toEqual([]);
  });
});
