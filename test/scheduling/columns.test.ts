import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/lib/time-zone";
import { historyColumns, knownAt, NO_SHOW, NO_STATUS, STATUSES, withTargets } from "../../src/scheduling/columns";
import type { HistoryRow } from "../../src/scheduling/history";
import { predictMany, trainRiskModel } from "../../src/scheduling/model";
import { generateSyntheticHistory } from "../../src/scheduling/synthetic";

const SP = "America/Sao_Paulo";
const START = Date.UTC(2024, 0, 1, 3);
const row = (over: Partial<HistoryRow>): HistoryRow => ({
  externalId: "x",
  contact: "ana",
  bookedAt: START,
  startsAt: START + DAY_MS,
  endsAt: START + DAY_MS + 3_600_000,
  status: "attended",
  reminderSent: false,
  confirmed: false,
  attrs: {},
  ...over,
});

describe("a history as columns", () => {
  const rows = [
    row({ contact: "ana", status: "no_show", reminderSent: true, reminderAnswered: true, lastContactAt: START - 1, attrs: { bairro: "Centro", idade: 40 } }),
    row({ contact: "bia", status: "cancelled", confirmed: true, attrs: { idade: "40" } }),
    row({ contact: "ana", status: "scheduled", reminderAnswered: false, attrs: { bairro: "Centro" } }),
  ];
  const c = historyColumns(rows);

  it("interns contacts, codes statuses and flags, and keeps an unknown last contact as NaN", () => {
    expect(c.length).toBe(3);
    expect(c.contacts).toBe(2);
    expect([...c.contact]).toEqual([0, 1, 0]);
    expect([...c.status].map((s) => STATUSES[s])).toEqual(["no_show", "cancelled", "scheduled"]);
    expect([...c.reminderSent, ...c.reminderAnswered, ...c.confirmed]).toEqual([1, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(c.lastContactAt[0]).toBe(START - 1);
    expect(c.lastContactAt[1]).toBeNaN();
  });

  it("dictionary-encodes each attribute: one code per distinct raw value, absent rows −1", () => {
    const bairro = c.attrs.get("bairro");
    const idade = c.attrs.get("idade");
    expect([...(bairro?.codes ?? [])]).toEqual([0, -1, 0]);
    expect(bairro?.values).toEqual(["Centro"]);
    // 40 and "40" are different raw values (the encoding decides later what they mean).
    expect(idade?.values).toEqual([40, "40"]);
    expect([...(idade?.codes ?? [])]).toEqual([0, 1, -1]);
  });

  it("an outcome is known when attended or missed and ended by then", () => {
    expect(knownAt(c, 0, START + 2 * DAY_MS)).toBe(true);
    expect(knownAt(c, 0, START + DAY_MS)).toBe(false);
    expect(knownAt(c, 1, START + 2 * DAY_MS)).toBe(false);
  });

  it("rows to score come after the history with their statuses unread, sharing its contacts", () => {
    const t = withTargets(rows.slice(0, 1), [row({ contact: "ana", status: "no_show" }), row({ contact: "caio" })]);
    expect([...t.targets]).toEqual([1, 2]);
    expect([...t.columns.status]).toEqual([NO_SHOW, NO_STATUS, NO_STATUS]);
    expect([...t.columns.contact]).toEqual([0, 0, 1]);
  });
});

describe("scoring reads the contacts' histories, never the scored rows' own outcome", () => {
  const days = 200;
  const now = START + (days + 1) * DAY_MS;
  const { rows } = generateSyntheticHistory({ seed: 11, rows: 6_000, contacts: 600, start: START, days });
  const { model } = trainRiskModel(historyColumns(rows), { now, timeZone: SP });

  it("the same probabilities whether the scored rows say no_show, attended or nothing", () => {
    expect(model.kind).not.toBe("prior");
    const last = rows.slice(-30);
    const score = (status?: HistoryRow["status"]) =>
      predictMany(
        model,
        last.map(({ status: _, ...r }) => (status ? { ...r, status } : r)),
        { history: rows.slice(0, -30), now },
      ).map((p) => p.noShowProb);
    const none = score();
    expect(score("no_show")).toEqual(none);
    expect(score("attended")).toEqual(none);
    // The history does count: without it the contacts are new and the scores move.
    expect(predictMany(model, last, { history: [], now }).map((p) => p.noShowProb)).not.toEqual(none);
  });
});
