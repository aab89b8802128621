import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/lib/time-zone";
import { trainRiskModel } from "../../src/scheduling/model";
import { currentModel } from "../../src/scheduling/service";
import { generateHistory } from "../../src/scheduling/synthetic";
import { seedCompany, store } from "../support/helpers";

const NOW = Date.parse("2026-11-02T12:00:00Z");
const TZ = "America/Sao_Paulo";
const trained = (seed: number) =>
  trainRiskModel(generateHistory({ seed, rows: 3000, contacts: 300, start: NOW - 200 * DAY_MS, days: 195, now: NOW, timeZone: TZ }), { now: NOW, timeZone: TZ }).model;

describe("currentModel reuses a parsed model only while the stored one is the same", () => {
  it("the same row parses once; a newer training, or another model stored at the same instant, is parsed anew", async () => {
    const company = await seedCompany({ slug: "model-cache" });
    const s = store();
    const first = trained(1);
    await s.scheduling.saveModel(company.id, { kind: first.kind, trainedAt: first.trainedAt, model: first });
    const a = await currentModel(s, company, NOW, { train: false });
    expect(a.evaluation?.auc).toBe(first.evaluation?.auc);
    expect(await currentModel(s, company, NOW, { train: false })).toBe(a);

    const second = trained(2);
    await s.scheduling.saveModel(company.id, { kind: second.kind, trainedAt: second.trainedAt + 1, model: { ...second, trainedAt: second.trainedAt + 1 } });
    const b = await currentModel(s, company, NOW, { train: false });
    expect(b).not.toBe(a);
    expect(b.trainedAt).toBe(second.trainedAt + 1);

    const third = trained(3);
    await s.scheduling.saveModel(company.id, { kind: third.kind, trainedAt: second.trainedAt + 1, model: { ...third, trainedAt: second.trainedAt + 1 } });
    const c = await currentModel(s, company, NOW, { train: false });
    expect(c).not.toBe(b);
    expect(c.evaluation?.auc).toBe(third.evaluation?.auc);
  });

  it("a stored model that does not parse is never cached: the chat gets the prior and says why", async () => {
    const company = await seedCompany({ slug: "model-cache-bad" });
    const s = store();
    await s.scheduling.saveModel(company.id, { kind: "logistic", trainedAt: NOW, model: { version: 9 } });
    const m = await currentModel(s, company, NOW, { train: false });
    expect(m.kind).toBe("prior");
    expect(m.fallbackFactor?.code).toBe("prior_untrained");
  });
});
