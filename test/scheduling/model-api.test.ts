import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/lib/time-zone";
import { generateHistory } from "../../src/scheduling/synthetic";
import { api, eventually, seedCompany } from "../support/helpers";
import { historyCsv, importCsv } from "../scheduling-api/support";

interface ModelView {
  kind: string;
  evaluation: {
    chosen: string | null;
    calibration: string;
    candidates: { kind: string; auc: number | null; brier: number | null }[] | null;
  } | null;
}

const NOW = Date.now();
const rows = generateHistory({ seed: 12, rows: 4000, contacts: 400, start: NOW - 200 * DAY_MS, days: 195, now: NOW });

describe("GET /api/agenda/insights: the model's choice", () => {
  it("names the chosen candidate and each candidate's validation figures, per tenant", async () => {
    await seedCompany({ slug: "choice-a" });
    await seedCompany({ slug: "choice-b" });
    await importCsv("choice-a", historyCsv(rows));
    expect((await api("/api/agenda/optimize", { method: "POST", tenant: "choice-a" })).status).toBe(200);
    const model = await eventually(async () => {
      const body = (await (await api("/api/agenda/insights", { tenant: "choice-a" })).json()) as { model: ModelView | null };
      expect(body.model?.evaluation?.candidates).toHaveLength(2);
      return body.model as ModelView;
    });
    const ev = model.evaluation;
    expect(ev?.candidates?.map((c) => c.kind)).toEqual(["logistic", "gbdt"]);
    for (const c of ev?.candidates ?? []) {
      expect(c.auc).toBeGreaterThan(0.6);
      expect(c.brier).toBeGreaterThan(0);
      expect(Object.keys(c).sort()).toEqual(["auc", "brier", "kind"]);
    }
    expect(ev?.chosen).toBe(model.kind);
    expect(["platt", "isotonic", "none"]).toContain(ev?.calibration);
    // Another tenant without history: its own prior, nothing of the first tenant's choice.
    const other = (await (await api("/api/agenda/insights", { tenant: "choice-b" })).json()) as { model: ModelView | null };
    expect(other.model?.evaluation ?? null).toBeNull();
  });
});
