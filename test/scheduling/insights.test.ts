import { describe, expect, it } from "vitest";
import type { HistoryRow } from "../../src/scheduling/history";
import { INSIGHTS_PRIOR_STRENGTH, slotInsights, slotLabel } from "../../src/scheduling/insights";
import type { SlotInsight } from "../../src/scheduling/insights";
import { generateHistory } from "../../src/scheduling/synthetic";
import { DAY_MS, HOUR_MS, zonedTimeToUtc } from "../../src/lib/time-zone";

const SP = "America/Sao_Paulo";
const NOW = Date.UTC(2025, 5, 2, 12); // Monday 2 June 2025, 09:00 in São Paulo

let seq = 0;

/** An appointment at a São Paulo wall time (local date and "HH:MM"). */
function at(date: string, time: string, status: HistoryRow["status"], over: Partial<HistoryRow> = {}): HistoryRow {
  const start = zonedTimeToUtc(date, time, SP);
  if (!start) throw new Error("no such local time");
  const s = start.getTime();
  return {
    externalId: `${date}T${time}-${++seq}`,
    contact: "c",
    bookedAt: s - 3 * DAY_MS,
    startsAt: s,
    endsAt: s + HOUR_MS / 2,
    status,
    reminderSent: true,
    confirmed: false,
    attrs: {},
    ...over,
  };
}

/** The local dates of the last `weeks` Mondays/Tuesdays/... before NOW (offset 0 = Monday). */
function dates(weekdayOffset: number, weeks: number): string[] {
  const out: string[] = [];
  for (let w = 1; w <= weeks; w++) out.push(new Date(NOW - w * 7 * DAY_MS + weekdayOffset * DAY_MS).toISOString().slice(0, 10));
  return out;
}

function slot(slots: readonly SlotInsight[], weekday: string, hour: number): SlotInsight {
  const s = slots.find((x) => x.weekday === weekday && x.hour === hour);
  if (!s) throw new Error(`no slot ${weekday} ${hour}`);
  return s;
}

describe("slot labels", () => {
  it("read 'Segunda · 14h-15h' in pt-BR, 'Monday · 2pm-3pm' in en, 'Lunes · 14h-15h' in es", () => {
    expect(slotLabel(0, 14, "pt-BR")).toBe("Segunda · 14h-15h");
    expect(slotLabel(0, 14, "en")).toBe("Monday · 2pm-3pm");
    expect(slotLabel(0, 14, "es")).toBe("Lunes · 14h-15h");
    expect(slotLabel(2, 9, "pt-BR")).toBe("Quarta · 9h-10h");
    expect(slotLabel(5, 11, "en")).toBe("Saturday · 11am-12pm");
    expect(slotLabel(6, 23, "en")).toBe("Sunday · 11pm-12am");
    expect(slotLabel(2, 12, "es")).toBe("Miércoles · 12h-13h");
  });
});

describe("slotInsights", () => {
  // 20 weeks: Tuesdays 10h always 20 % no-show (5 per week), Wednesday 14h 5 % no-shows and confirmed,
  // and one Sunday 10h with two no-shows.
  const rows: HistoryRow[] = [];
  for (const d of dates(1, 20)) for (let k = 0; k < 5; k++) rows.push(at(d, "10:00", k === 0 ? "no_show" : "attended"));
  for (const [i, d] of dates(2, 20).entries()) for (let k = 0; k < 5; k++) rows.push(at(d, "14:00", i % 5 === 0 && k === 0 ? "no_show" : "attended", { confirmed: true }));
  for (const d of dates(4, 20)) for (let k = 0; k < 5; k++) rows.push(at(d, "08:00", k < 2 ? "no_show" : "attended"));
  const sunday = dates(6, 2)[0] ?? "";
  rows.push(at(sunday, "10:00", "no_show"), at(sunday, "10:30", "no_show"));
  // Outside the 180-day window, and cancelled: neither counts.
  rows.push(at("2024-06-04", "10:00", "no_show"), at(dates(1, 1)[0] ?? "", "10:00", "cancelled"));

  const result = slotInsights(rows, { now: NOW, timeZone: SP, locale: "pt-BR" });

  it("counts the last 180 days per weekday × hour in the tenant's zone (no cancelled, nothing older)", () => {
    expect(result.slots.map((s) => `${s.weekday} ${s.hour}`)).toEqual(["tue 10", "wed 14", "fri 8", "sun 10"]);
    expect(slot(result.slots, "tue", 10)).toMatchObject({ volume: 100, resolved: 100, noShows: 20 });
    expect(result.to - result.from).toBe(180 * DAY_MS);
  });

  it("smooths thin slots toward the tenant mean: 2 of 2 no-shows is not 100 %", () => {
    const m = result.meanNoShowRate;
    const thin = slot(result.slots, "sun", 10);
    expect(thin.resolved).toBe(2);
    expect(thin.noShowProb).toBeCloseTo((2 + INSIGHTS_PRIOR_STRENGTH * m) / (2 + INSIGHTS_PRIOR_STRENGTH), 10);
    expect(thin.noShowProb).toBeLessThan(0.5);
    expect(thin.noShowProb).toBeGreaterThan(m);
    // A slot with 100 appointments stays near its own rate.
    expect(slot(result.slots, "tue", 10).noShowProb).toBeCloseTo(0.2, 1);
    expect(slot(result.slots, "fri", 8).noShowProb).toBeGreaterThan(0.35);
    for (const s of result.slots) expect(s.attendanceRate + s.noShowProb).toBeCloseTo(1, 12);
  });

  it("marks the three best scores as suggested; the confirmed, low-no-show slot is first", () => {
    const suggested = result.slots.filter((s) => s.suggested);
    expect(suggested).toHaveLength(3);
    const worstSuggested = Math.min(...suggested.map((s) => s.score));
    for (const s of result.slots.filter((x) => !x.suggested)) expect(s.score).toBeLessThanOrEqual(worstSuggested);
    const best = [...result.slots].sort((a, b) => b.score - a.score)[0];
    expect(best).toMatchObject({ weekday: "wed", hour: 14, label: "Quarta · 14h-15h", suggested: true });
    expect(slot(result.slots, "wed", 14).confirmationRate).toBeGreaterThan(slot(result.slots, "tue", 10).confirmationRate);
    // Stability: the thin Sunday slot does not beat the Tuesday slot it resembles.
    expect(slot(result.slots, "sun", 10).score).toBeLessThan(slot(result.slots, "tue", 10).score);
  });

  it("recommends the best window against the mean, and warns about the worst", () => {
    const m = result.meanNoShowRate;
    const wed = slot(result.slots, "wed", 14).noShowProb;
    expect(result.recommendations[0]).toBe(`Quartas entre 14h–15h têm ${Math.round(((m - wed) / m) * 100)}% menos faltas`);
    expect(result.recommendations[1]).toMatch(/^Sextas entre 8h–9h têm \d+% mais faltas$/);
  });

  it("speaks en and es", () => {
    const en = slotInsights(rows, { now: NOW, timeZone: SP, locale: "en" });
    expect(slot(en.slots, "wed", 14).label).toBe("Wednesday · 2pm-3pm");
    expect(en.recommendations[0]).toMatch(/^Wednesdays between 2pm–3pm have \d+% fewer no-shows$/);
    const es = slotInsights(rows, { now: NOW, timeZone: SP, locale: "es" });
    expect(slot(es.slots, "wed", 14).label).toBe("Miércoles · 14h-15h");
    expect(es.recommendations[1]).toMatch(/^Los viernes entre 8h–9h tienen \d+% más ausencias$/);
  });

  it("with no history: nothing to show, nothing to say", () => {
    expect(slotInsights([], { now: NOW, timeZone: SP })).toMatchObject({ slots: [], recommendations: [], meanNoShowRate: 0.2, resolved: 0 });
  });
});

describe("slotInsights on synthetic history (the seeds' analysis)", () => {
  const start = NOW - 400 * DAY_MS;
  const rows = generateHistory({ seed: 8, rows: 20_000, contacts: 2000, start, days: 400, now: NOW });
  const result = slotInsights(rows, { now: NOW, timeZone: SP });

  it("finds the generator's best window (mid-afternoon) and says it in one sentence", () => {
    const [best] = result.recommendations;
    const m = /^(Segundas|Terças|Quartas|Quintas|Sextas|Sábados) entre (\d+)h–(\d+)h têm (\d+)% menos faltas$/.exec(best ?? "");
    expect(m).not.toBeNull();
    const [, , from, to, percent] = m ?? [];
    // The generator makes 14h–17h the best hours: the window overlaps them.
    expect(Number(from)).toBeLessThan(17);
    expect(Number(to)).toBeGreaterThan(14);
    expect(Number(percent)).toBeGreaterThanOrEqual(15);
    // Most suggestions fall in the generator's good afternoon hours (confirmation noise may move one).
    expect(result.slots.filter((s) => s.suggested && s.hour >= 13 && s.hour <= 16).length).toBeGreaterThanOrEqual(2);
    expect(result.meanNoShowRate).toBeGreaterThan(0.1);
    expect(result.meanNoShowRate).toBeLessThan(0.3);
  });
});
