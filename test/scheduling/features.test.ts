import { describe, expect, it } from "vitest";
import { featureNames } from "../../src/scheduling/design";
import { factsAt } from "../../src/scheduling/features";
import { encodingOf, factsOf, matrixOf } from "./rows";
import type { FactTable, FeatureOptions } from "../../src/scheduling/features";
import type { HistoryRow } from "../../src/scheduling/history";
import { generateHistory, mulberry32 } from "../../src/scheduling/synthetic";
import { DAY_MS, HOUR_MS, utcToZoned, WEEKDAYS, ZoneClock } from "../../src/lib/time-zone";

const SP = "America/Sao_Paulo";
const T0 = Date.UTC(2025, 2, 3, 13); // Monday 10:00 in São Paulo

function row(over: Partial<HistoryRow> & Pick<HistoryRow, "externalId" | "bookedAt" | "startsAt">): HistoryRow {
  return {
    contact: "ana",
    endsAt: over.startsAt + 30 * 60_000,
    status: "attended",
    reminderSent: false,
    confirmed: false,
    attrs: {},
    ...over,
  };
}

/** Every fact and every encoded column of target i. */
function snapshot(table: FactTable, x: Float32Array, d: number, i: number) {
  return { facts: factsAt(table, i), x: Array.from(x.subarray(i * d, (i + 1) * d)) };
}

/** Flips attended ↔ no_show (and cancels every 7th) for rows ending after `cutoff`: "the future". */
function rewriteFuture(rows: readonly HistoryRow[], cutoff: number): HistoryRow[] {
  return rows.map((r, k) => {
    if (r.endsAt <= cutoff) return r;
    if (k % 7 === 0) return { ...r, status: "cancelled" };
    if (r.status === "attended") return { ...r, status: "no_show" };
    if (r.status === "no_show") return { ...r, status: "attended" };
    return r;
  });
}

describe("contact history: only appointments that ended by the scored one's booking", () => {
  // Ana: #1 ended long before #3 was booked; #2 was booked before #3 and ends after #3 was booked
  // but before #3 starts (the case that leaks if the cutoff were the start).
  const rows = [
    row({ externalId: "1", bookedAt: T0 - 30 * DAY_MS, startsAt: T0 - 20 * DAY_MS, status: "no_show" }),
    row({ externalId: "2", bookedAt: T0 - 12 * DAY_MS, startsAt: T0 - 2 * DAY_MS, status: "no_show" }),
    row({ externalId: "3", bookedAt: T0 - 10 * DAY_MS, startsAt: T0 }),
    row({ externalId: "4", bookedAt: T0 - 1 * DAY_MS, startsAt: T0 + 7 * DAY_MS }),
  ];
  const opts: FeatureOptions = { timeZone: SP };

  it("counts #1 for #3, not #2 (which ended before #3 started but after it was booked)", () => {
    const facts = factsOf(rows, rows, opts);
    expect(factsAt(facts, 2)).toMatchObject({ contactResolved: 1, contactNoShows: 1 });
    // #4 (booked at T0 − 1 d) sees #1 and #2; #3 was still ahead (it starts at T0).
    expect(factsAt(facts, 3)).toMatchObject({ contactResolved: 2, contactNoShows: 2 });
    expect(factsAt(facts, 0)).toMatchObject({ contactResolved: 0, contactNoShows: 0 });
  });

  it("an outcome ending exactly at the booking counts; other contacts never do", () => {
    const exact = [
      row({ externalId: "a", bookedAt: T0 - 5 * DAY_MS, startsAt: T0 - 2 * DAY_MS, endsAt: T0 - DAY_MS, status: "no_show" }),
      row({ externalId: "b", bookedAt: T0 - DAY_MS, startsAt: T0 }),
      row({ externalId: "c", contact: "bia", bookedAt: T0 - DAY_MS, startsAt: T0 }),
    ];
    const facts = factsOf(exact, exact, opts);
    expect(factsAt(facts, 1)).toMatchObject({ contactResolved: 1, contactNoShows: 1 });
    expect(factsAt(facts, 2)).toMatchObject({ contactResolved: 0, contactNoShows: 0 });
  });

  it("the contact rate is smoothed: one no-show is not 100 %", () => {
    const facts = factsOf(rows, rows, opts);
    const f = factsAt(facts, 2);
    expect(f.contactRate).toBeGreaterThan(f.globalRate);
    expect(f.contactRate).toBeLessThan(0.6);
  });
});

describe("no feature leaks the outcome", () => {
  const rows = generateHistory({ seed: 3, rows: 6000, contacts: 400, start: Date.UTC(2024, 0, 1, 3), days: 365 });
  const encoding = encodingOf(rows.slice(0, 3000));
  const d = featureNames(encoding).length;
  const opts: FeatureOptions = { timeZone: SP };
  const base = factsOf(rows, rows, opts);
  const baseX = matrixOf(rows, base, encoding);

  it("rewriting every outcome that ends after a cutoff (own outcome included) changes no feature of rows booked by then", () => {
    const cutoff = (rows[3000] as HistoryRow).startsAt;
    const altered = rewriteFuture(rows, cutoff);
    expect(altered.filter((r, k) => r.status !== rows[k]?.status).length).toBeGreaterThan(2000);
    const facts = factsOf(altered, altered, opts);
    const x = matrixOf(altered, facts, encoding);
    let checked = 0;
    for (let i = 0; i < rows.length; i++) {
      if ((rows[i] as HistoryRow).bookedAt > cutoff) continue;
      expect(snapshot(facts, x, d, i)).toEqual(snapshot(base, baseX, d, i));
      checked++;
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it("per row: outcomes ending after its own booking — even before its start — cannot move its features", () => {
    const rnd = mulberry32(99);
    let sensitive = 0;
    for (let k = 0; k < 40; k++) {
      const i = 1000 + Math.floor(rnd() * 5000);
      const target = rows[i] as HistoryRow;
      const altered = rewriteFuture(rows, target.bookedAt);
      const facts = factsOf([altered[i] as HistoryRow], altered, opts);
      const x = matrixOf([altered[i] as HistoryRow], facts, encoding);
      expect(snapshot(facts, x, d, 0)).toEqual(snapshot(base, baseX, d, i));
      // Of the rows that did change, some of the same contact ended before this one started: the
      // rule "ended before the start" would have leaked them.
      if (rows.some((r, j) => r.contact === target.contact && r.endsAt > target.bookedAt && r.endsAt <= target.startsAt && altered[j]?.status !== r.status)) sensitive++;
    }
    expect(sensitive).toBeGreaterThan(0);
  });

  it("the check can fail: rewriting a past outcome of the contact does change the features", () => {
    const i = rows.findIndex((_, k) => k > 3000 && (base.contactResolved[k] ?? 0) >= 2);
    const target = rows[i] as HistoryRow;
    const j = rows.findIndex((r) => r.contact === target.contact && r.endsAt <= target.bookedAt && (r.status === "attended" || r.status === "no_show"));
    const altered = rows.map((r, k) => (k === j ? { ...r, status: r.status === "attended" ? ("no_show" as const) : ("attended" as const) } : r));
    const facts = factsOf(altered, altered, opts);
    expect(factsAt(facts, i).contactNoShows).not.toBe(factsAt(base, i).contactNoShows);
  });

  it("slot statistics stop at the training window (slotCutoff): holdout outcomes never feed them", () => {
    const slotCutoff = (rows[4800] as HistoryRow).startsAt;
    const withCut: FeatureOptions = { timeZone: SP, slotCutoff };
    const before = factsOf(rows, rows, withCut);
    const altered = rows.map((r) => (r.endsAt > slotCutoff ? { ...r, contact: `${r.contact}-moved`, status: r.status === "attended" ? ("no_show" as const) : r.status } : r));
    const after = factsOf(rows, altered, withCut);
    for (let i = 0; i < rows.length; i++) {
      expect(after.slotRate[i]).toBe(before.slotRate[i]);
      expect(after.slotResolved[i]).toBe(before.slotResolved[i]);
    }
  });
});

describe("attribute encoding", () => {
  const rows: HistoryRow[] = [];
  for (let i = 0; i < 1000; i++) {
    const attrs: Record<string, string | number> = {
      plan: i < 600 ? "unimed" : i < 995 ? "SUS " : `rare-${i}`,
      age: 20 + (i % 50),
    };
    if (i % 10 === 0) delete attrs.age;
    rows.push(row({ externalId: String(i), bookedAt: T0, startsAt: T0 + HOUR_MS, attrs }));
  }

  it("standardises numbers (with a missing indicator), one-hots categories, pools rare ones (< 1 %)", () => {
    const enc = encodingOf(rows);
    expect(enc.numeric).toEqual([expect.objectContaining({ name: "age", hasMissing: true })]);
    expect(enc.categorical).toEqual([{ name: "plan", levels: ["unimed", "sus"], hasOther: true }]);
    const names = featureNames(enc);
    expect(names.filter((n) => n.startsWith("attr_"))).toEqual(["attr_age", "attr_age_missing", "attr_plan=unimed", "attr_plan=sus", "attr_plan=other"]);

    const facts = factsOf(rows, rows, { timeZone: SP });
    const x = matrixOf(rows, facts, enc);
    const d = names.length;
    const col = (name: string) => Array.from({ length: rows.length }, (_, i) => x[i * d + names.indexOf(name)] ?? Number.NaN);
    const age = col("attr_age").filter((_, i) => i % 10 !== 0);
    const mean = age.reduce((s, v) => s + v, 0) / age.length;
    const sd = Math.sqrt(age.reduce((s, v) => s + (v - mean) ** 2, 0) / age.length);
    expect(Math.abs(mean)).toBeLessThan(1e-6);
    expect(sd).toBeCloseTo(1, 5);
    expect(col("attr_age_missing")[0]).toBe(1);
    expect(col("attr_age")[0]).toBe(0);
    expect(col("attr_plan=sus")[700]).toBe(1); // "SUS " normalised
    expect(col("attr_plan=other")[997]).toBe(1);
    expect(col("attr_plan=other").reduce((s, v) => s + v, 0)).toBe(5);
  });

  it("an unseen category at scoring time goes to 'other'; a numeric string reads as a number", () => {
    const enc = encodingOf(rows);
    const names = featureNames(enc);
    const scored = [row({ externalId: "x", bookedAt: T0, startsAt: T0 + HOUR_MS, attrs: { plan: "never-seen", age: "44" } })];
    const x = matrixOf(scored, factsOf(scored, [], { timeZone: SP }), enc);
    expect(x[names.indexOf("attr_plan=other")]).toBe(1);
    expect(x[names.indexOf("attr_plan=unimed")]).toBe(0);
    expect(x[names.indexOf("attr_age_missing")]).toBe(0);
    expect(x[names.indexOf("attr_age")]).not.toBe(0);
  });
});

describe("attribute encoding of decimals", () => {
  it("a numeric attribute's mean and sd are the row-by-row sums (the same floating-point result as reading each row)", () => {
    const values = [0.1, 0.2, 0.3, 0.1, 36.6, 0.2];
    let sum = 0;
    let sumSq = 0;
    for (const v of values) {
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / values.length;
    const [t] = encodingOf(values.map((v) => ({ attrs: { t: v } }))).numeric;
    // 0.1 + 0.2 + 0.3 + 0.1 in row order is not 2 × 0.1 + 0.2 + 0.3 in floating point.
    expect(t?.mean).toBe(mean);
    expect(t?.sd).toBe(Math.sqrt(sumSq / values.length - mean * mean));
  });
});

describe("ZoneClock", () => {
  it("agrees with utcToZoned everywhere, DST days included", () => {
    const rnd = mulberry32(5);
    for (const tz of ["America/Sao_Paulo", "America/New_York", "Europe/Lisbon", "Australia/Lord_Howe", "Asia/Kathmandu"]) {
      const zone = new ZoneClock(tz);
      for (let k = 0; k < 400; k++) {
        // Around 2016–2026, biased to whole and half hours where transitions happen.
        const ms = Date.UTC(2016, 0, 1) + Math.floor(rnd() * 3650 * 48) * 30 * 60_000 + (k % 3 === 0 ? 0 : Math.floor(rnd() * 1800_000));
        const z = utcToZoned(ms, tz);
        const local = zone.local(ms);
        expect(WEEKDAYS[local.weekday]).toBe(z.weekday);
        expect(local.hour).toBe(Number(z.time.slice(0, 2)));
      }
      // Both sides of a US DST change.
      if (tz === "America/New_York") {
        expect(zone.local(Date.UTC(2026, 2, 8, 6, 59)).hour).toBe(1);
        expect(zone.local(Date.UTC(2026, 2, 8, 7, 0)).hour).toBe(3);
      }
    }
  });

  it("rejects an unknown zone up front", () => {
    expect(() => new ZoneClock("Mars/Olympus_Mons")).toThrow(RangeError);
  });
});
