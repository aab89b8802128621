import { describe, expect, it } from "vitest";
import type { HistoryRow } from "../../src/scheduling/history";
import { auc, brier } from "../../src/scheduling/evaluate";
import { predict, predictMany, RiskModel, trainRiskModel } from "../../src/scheduling/model";
import { reasonText } from "../../src/scheduling/reasons";
import { generateHistory, generateSyntheticHistory } from "../../src/scheduling/synthetic";
import { DAY_MS, HOUR_MS } from "../../src/lib/time-zone";

const SP = "America/Sao_Paulo";
const START = Date.UTC(2024, 0, 1, 3);
const DAYS = 540;
const NOW = START + (DAYS + 1) * DAY_MS;

describe("auc / brier", () => {
  it("score rankings and squared errors", () => {
    expect(auc([0.1, 0.9, 0.4], [0, 1, 0])).toBe(1);
    expect(auc([0.9, 0.1], [0, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5], [0, 1, 0])).toBe(0.5);
    expect(auc([0.2, 0.3], [1, 1])).toBeNull();
    expect(brier([0.2, 0.8], [0, 1])).toBeCloseTo(0.04, 12);
  });
});

describe("trainRiskModel on 20k synthetic appointments (time-ordered holdout)", () => {
  const { rows, noShowProb } = generateSyntheticHistory({ seed: 42, rows: 20_000, contacts: 2000, start: START, days: DAYS });
  const result = trainRiskModel(rows, { now: NOW, timeZone: SP });
  const ev = result.evaluation;

  it("trains a real model, evaluated on the last 20 % by start time", () => {
    expect(result.fallback).toBe(false);
    expect(result.model.kind).toBe("logistic");
    if (!ev) throw new Error("no evaluation");
    const resolved = rows.filter((r) => r.status === "attended" || r.status === "no_show");
    expect(ev.rows).toBe(resolved.length);
    expect(ev.trainRows + ev.calibrationRows + ev.holdoutRows).toBe(ev.rows);
    expect(ev.holdoutRows / ev.rows).toBeCloseTo(0.2, 2);
    expect(ev.trainedAt).toBe(NOW);
    // Stationary data: the logistic output is already calibrated, Platt would not help and is not used.
    expect(result.model.calibration).toEqual({ kind: "none", a: 1, b: 0 });
    // Time order: exactly the resolved rows starting at or after holdoutFrom are the holdout.
    expect(resolved.filter((r) => r.startsAt >= (ev.holdoutFrom ?? 0))).toHaveLength(ev.holdoutRows);
    // The holdout by tenths of served probability: every holdout row in one band, its no-shows with it,
    // and the riskier bands miss more (what "X in 10 of those flagged missed" reads from).
    const bands = ev.bands ?? [];
    expect(bands).toHaveLength(10);
    expect(bands.reduce((n, b) => n + b.rows, 0)).toBe(ev.holdoutRows);
    expect(bands.reduce((n, b) => n + b.noShows, 0)).toBe(Math.round((ev.baseRate ?? 0) * ev.holdoutRows));
    const rate = (from: number, to: number) => {
      const part = bands.slice(from, to);
      return (
        part.reduce((n, b) => n + b.noShows, 0) /
        Math.max(
          1,
          part.reduce((n, b) => n + b.rows, 0),
        )
      );
    };
    expect(rate(5, 10)).toBeGreaterThan(rate(0, 2));
    console.info(
      `risk model (20k synthetic): AUC ${ev.auc?.toFixed(3)} vs slot heuristic ${ev.heuristicAuc?.toFixed(3)}; ` +
        `Brier ${ev.brier?.toFixed(4)} vs base-rate ${ev.baseRateBrier?.toFixed(4)}; base rate ${ev.baseRate?.toFixed(3)}; ` +
        `calibration ${ev.calibration}; holdout ${ev.holdoutRows}/${ev.rows}`,
    );
  });

  it("beats the base rate and the weekday×hour heuristic by a clear margin", () => {
    if (!ev || ev.auc === null || ev.heuristicAuc === null || ev.brier === null || ev.baseRateBrier === null || ev.baseRate === null) {
      throw new Error("incomplete evaluation");
    }
    expect(ev.baseRate).toBeGreaterThan(0.1);
    expect(ev.baseRate).toBeLessThan(0.3);
    expect(ev.auc).toBeGreaterThanOrEqual(0.7);
    expect(ev.auc - ev.heuristicAuc).toBeGreaterThanOrEqual(0.05);
    // At least 10 % of the base rate's Brier score gone.
    expect(ev.brier).toBeLessThan(ev.baseRateBrier * 0.9);
    expect(ev.brier).toBeLessThan(ev.heuristicBrier ?? 1);
  });

  it("is not better than the truth (a sanity bound), and close to it", () => {
    const holdout = rows
      .map((r, i) => ({ r, p: noShowProb[i] ?? 0 }))
      .filter(({ r }) => (r.status === "attended" || r.status === "no_show") && r.startsAt >= (ev?.holdoutFrom ?? 0));
    const oracle =
      auc(
        holdout.map((h) => h.p),
        holdout.map((h) => (h.r.status === "no_show" ? 1 : 0)),
      ) ?? 0;
    expect(ev?.auc ?? 1).toBeLessThanOrEqual(oracle + 0.005);
    expect(oracle - (ev?.auc ?? 0)).toBeLessThan(0.08);
  });

  it("is calibrated on the holdout: mean predicted ≈ observed, and riskiest decile ≫ safest", () => {
    const holdout = rows.filter((r) => (r.status === "attended" || r.status === "no_show") && r.startsAt >= (ev?.holdoutFrom ?? 0));
    const preds = predictMany(result.model, holdout, { history: rows, now: NOW }).map((p) => p.noShowProb);
    const y = holdout.map((r) => (r.status === "no_show" ? 1 : 0));
    const meanPred = preds.reduce((s, p) => s + p, 0) / preds.length;
    const observed = y.reduce((s: number, v) => s + v, 0) / y.length;
    expect(Math.abs(meanPred - observed)).toBeLessThan(0.03);
    const order = preds.map((p, i) => [p, y[i] ?? 0] as const).sort((a, b) => a[0] - b[0]);
    const tenth = Math.floor(order.length / 10);
    const low = order.slice(0, tenth).reduce((s, [, v]) => s + v, 0) / tenth;
    const high = order.slice(-tenth).reduce((s, [, v]) => s + v, 0) / tenth;
    expect(high).toBeGreaterThan(4 * low);
  });

  it("is plain JSON that parses back to the same predictions; training is deterministic", () => {
    const json = JSON.parse(JSON.stringify(result.model)) as unknown;
    const parsed = RiskModel.parse(json);
    expect(parsed).toEqual(result.model);
    const sample = rows.slice(-50);
    expect(predictMany(parsed, sample, { history: rows })).toEqual(predictMany(result.model, sample, { history: rows }));
    expect(trainRiskModel(rows, { now: NOW, timeZone: SP }).model).toEqual(result.model);
  });

  it("explains a prediction: a contact who keeps missing, booked far ahead, unconfirmed, is high risk with those reasons", () => {
    const at = NOW + 2 * DAY_MS;
    const misses: HistoryRow[] = [0, 1, 2, 3].map((k) => ({
      externalId: `miss-${k}`,
      contact: "+5511999990000",
      bookedAt: at - (200 - k * 30) * DAY_MS,
      startsAt: at - (190 - k * 30) * DAY_MS,
      endsAt: at - (190 - k * 30) * DAY_MS + HOUR_MS,
      status: "no_show",
      reminderSent: true,
      reminderAnswered: false,
      confirmed: false,
      attrs: { insurance: "unimed", age: 40 },
    }));
    const upcoming = {
      externalId: "next",
      contact: "+5511999990000",
      bookedAt: at - 40 * DAY_MS,
      startsAt: at,
      endsAt: at + HOUR_MS,
      reminderSent: true,
      reminderAnswered: false,
      confirmed: false,
      lastContactAt: at - 90 * DAY_MS,
      attrs: { insurance: "unimed", age: 40 },
    };
    const risky = predict(result.model, upcoming, { history: [...rows, ...misses] });
    expect(risky.fallback).toBe(false);
    expect(risky.noShowProb).toBeGreaterThan(0.6);
    expect(risky.reasons.length).toBeGreaterThan(0);
    expect(risky.reasons.length).toBeLessThanOrEqual(3);
    expect(risky.reasons[0]).toBe("Faltou em 4 de 4 atendimentos anteriores");
    expect(risky.reasons.join(" | ")).toMatch(/Lembrete enviado, ainda sem confirmação|Atendimento não confirmado|40 dias de antecedência/);
    // The same reasons as codes + numbers, for the panel to word in its language; the text is rendered from them.
    expect(risky.factors[0]).toEqual({ code: "contact_no_shows", params: { no_shows: 4, resolved: 4 } });
    expect(risky.factors.map((f) => f.code).join(" ")).toMatch(/reminder_unanswered|not_confirmed|lead_days/);
    expect(risky.factors.map(reasonText)).toEqual(risky.reasons);

    // The same appointment for a reliable contact, booked the same day, confirmed and answered.
    const attended = misses.map((m) => ({ ...m, contact: "+5511888880000", status: "attended" as const }));
    const safe = predict(
      result.model,
      { ...upcoming, contact: "+5511888880000", bookedAt: at - 3 * HOUR_MS, confirmed: true, reminderAnswered: true, lastContactAt: at - 3 * HOUR_MS },
      { history: [...rows, ...attended] },
    );
    expect(safe.noShowProb).toBeLessThan(0.1);
    expect(safe.reasons).not.toContain("Faltou em 4 de 4 atendimentos anteriores");
  });

  it("names a bad slot when the slot is what makes the difference", () => {
    // Monday 7:00 in São Paulo (the generator's worst weekday and hour); everything else reassuring.
    const monday7 = Date.UTC(2025, 5, 30, 10); // 2025-06-30 is a Monday
    const regular = "+5511777770000";
    const past: HistoryRow[] = [1, 2, 3].map((k) => ({
      externalId: `reg-${k}`,
      contact: regular,
      bookedAt: monday7 - (100 + k * 20) * DAY_MS,
      startsAt: monday7 - (90 + k * 20) * DAY_MS,
      endsAt: monday7 - (90 + k * 20) * DAY_MS + HOUR_MS,
      status: "attended",
      reminderSent: true,
      reminderAnswered: true,
      confirmed: true,
      attrs: { insurance: "unimed", age: 45 },
    }));
    const p = predict(
      result.model,
      {
        externalId: "mon7",
        contact: regular,
        bookedAt: monday7 - 3 * DAY_MS,
        startsAt: monday7,
        endsAt: monday7 + HOUR_MS,
        reminderSent: true,
        reminderAnswered: true,
        confirmed: true,
        lastContactAt: monday7 - DAY_MS,
        attrs: { insurance: "unimed", age: 45 },
      },
      { history: [...rows, ...past] },
    );
    expect(p.reasons[0]).toMatch(/^Horário com mais faltas: segunda às 7h \(\d+% de faltas\)$/);
    expect(p.factors[0]).toMatchObject({ code: "slot_no_shows", params: { weekday: 0, hour: 7 } });
    expect(p.factors[0]?.params.rate).toBeGreaterThan(0);
  });

  it("a scored appointment's own status is ignored", () => {
    const target = rows[rows.length - 1] as HistoryRow;
    const a = predict(result.model, { ...target, status: "no_show" }, { history: rows });
    const b = predict(result.model, { ...target, status: "attended" }, { history: rows });
    const c = predict(result.model, { ...target, status: undefined }, { history: rows });
    expect(a).toEqual(b);
    expect(a).toEqual(c);
  });
});

describe("calibration", () => {
  it("when the no-show level drifts upward, a calibration (Platt or isotonic) is chosen on the validation slice and helps the holdout", () => {
    // 350 days at the default level, then 150 days with a much higher one (intercept −1.55 → −0.6):
    // the calibration slice and the holdout sit in the second period, the fit in the first.
    const early = generateHistory({ seed: 21, rows: 14_000, contacts: 2000, start: START, days: 350 });
    const late = generateHistory({ seed: 22, rows: 6000, contacts: 2000, start: START + 350 * DAY_MS, days: 150, effects: { intercept: -0.6 } });
    const rows = [...early, ...late.map((r) => ({ ...r, externalId: `late-${r.externalId}` }))];
    const r = trainRiskModel(rows, { now: START + 501 * DAY_MS, timeZone: SP });
    expect(r.fallback).toBe(false);
    expect(["platt", "isotonic"]).toContain(r.model.calibration.kind);
    const ev = r.evaluation;
    expect(ev?.calibration).toBe(r.model.calibration.kind);
    expect(ev?.brier ?? 1).toBeLessThan((ev?.brierUncalibrated ?? 0) - 0.005);
  });
});

describe("fallback to a prior", () => {
  const few = generateHistory({ seed: 5, rows: 160, contacts: 50, start: START, days: 60 });
  const now = START + 61 * DAY_MS;

  it("with fewer than minRows resolved appointments: base rate, fallback: true, and it says so", () => {
    const r = trainRiskModel(few, { now, timeZone: SP });
    const resolved = few.filter((x) => x.status === "attended" || x.status === "no_show");
    expect(r.fallback).toBe(true);
    expect(r.model.kind).toBe("prior");
    expect(r.reason).toContain(`${resolved.length} atendimentos com desfecho (mínimo 200)`);
    const observed = resolved.filter((x) => x.status === "no_show").length / resolved.length;
    expect(Math.abs(r.model.prior - observed)).toBeLessThan(0.03);
    const p = predict(r.model, { ...(few[0] as HistoryRow), status: undefined }, { history: few });
    expect(p).toEqual({
      noShowProb: r.model.prior,
      factors: [{ code: "prior_few_rows", params: { rows: resolved.length, min: 200, rate: expect.any(Number) } }],
      reasons: [r.reason],
      fallback: true,
    });
    expect(r.model.fallbackFactor?.code).toBe("prior_few_rows");
    expect(RiskModel.parse(JSON.parse(JSON.stringify(r.model)))).toEqual(r.model);
  });

  it("minRows is an option; with no history at all the prior is 20 %", () => {
    const more = generateHistory({ seed: 5, rows: 3000, contacts: 300, start: START, days: 300 });
    const moreNow = START + 301 * DAY_MS;
    expect(trainRiskModel(more, { now: moreNow, timeZone: SP }).fallback).toBe(false);
    const strict = trainRiskModel(more, { now: moreNow, timeZone: SP, minRows: 5000 });
    expect(strict.fallback).toBe(true);
    expect(strict.reason).toMatch(/\(mínimo 5000\)/);
    const empty = trainRiskModel([], { now, timeZone: SP });
    expect(empty.fallback).toBe(true);
    expect(empty.model.prior).toBe(0.2);
    expect(empty.reason).toMatch(/Sem histórico/);
  });

  it("with one class only (nobody ever missed): a small smoothed prior, not 0 %", () => {
    const allAttended = generateHistory({ seed: 6, rows: 600, contacts: 100, start: START, days: 90 }).map((x) =>
      x.status === "no_show" ? { ...x, status: "attended" as const } : x,
    );
    const r = trainRiskModel(allAttended, { now: START + 91 * DAY_MS, timeZone: SP });
    expect(r.fallback).toBe(true);
    expect(r.reason).toMatch(/sem faltas/);
    expect(r.model.prior).toBeGreaterThan(0);
    expect(r.model.prior).toBeLessThan(0.02);
  });

  it("outcomes after `now` are not labels", () => {
    const r = trainRiskModel(few, { now: START, timeZone: SP });
    expect(r.fallback).toBe(true);
    expect(r.model.prior).toBe(0.2);
  });
});
