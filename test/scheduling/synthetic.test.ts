import { describe, expect, it } from "vitest";
import type { HistoryRow } from "../../src/scheduling/history";
import { HistoryRow as HistoryRowSchema } from "../../src/scheduling/history";
import { auc } from "../../src/scheduling/evaluate";
import { generateHistory, generateSyntheticHistory, mulberry32 } from "../../src/scheduling/synthetic";
import { DAY_MS, HOUR_MS, ZoneClock } from "../../src/lib/time-zone";

const SP = "America/Sao_Paulo";
const START = Date.UTC(2024, 0, 1, 3);

/** No-show share among resolved rows matching `keep`. */
function rate(rows: readonly HistoryRow[], keep: (r: HistoryRow) => boolean): { rate: number; n: number } {
  let n = 0;
  let ns = 0;
  for (const r of rows) {
    if ((r.status !== "attended" && r.status !== "no_show") || !keep(r)) continue;
    n++;
    if (r.status === "no_show") ns++;
  }
  return { rate: n === 0 ? Number.NaN : ns / n, n };
}

describe("mulberry32", () => {
  it("is a deterministic uniform stream", () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe("generateHistory", () => {
  const options = { seed: 1, rows: 5000, contacts: 500, start: Date.UTC(2025, 0, 6, 3), days: 120 };

  it("gives the same rows for the same seed, other rows for another seed", () => {
    const a = generateHistory(options);
    const b = generateHistory(options);
    expect(b).toEqual(a);
    const c = generateHistory({ ...options, seed: 2 });
    expect(c.map((r) => r.status)).not.toEqual(a.map((r) => r.status));
  });

  it("is pinned: a change to the generator shows up here (fingerprint of seed 1)", () => {
    const rows = generateHistory(options);
    expect(rows.filter((r) => r.status === "no_show")).toHaveLength(1061);
    expect(rows[0]).toEqual({
      externalId: "syn-1-0",
      contact: "contact-000361",
      bookedAt: 1736073000000,
      startsAt: 1736159400000,
      endsAt: 1736161200000,
      status: "attended",
      reminderSent: true,
      reminderAnswered: false,
      confirmed: false,
      lastContactAt: 1734883260000,
      attrs: { insurance: "sus", age: 68 },
    });
  });

  it("is pinned byte for byte: SHA-256 of the rows and true probabilities (with and without `now`)", async () => {
    const sha256 = async (value: unknown) => {
      const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(value)));
      return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
    };
    // Probabilities to 10 digits: Math.exp/log may differ in the last bit between V8 builds (Node, workerd).
    const tenDigits = (p: number) => p.toFixed(10);
    const pinned = { seed: 7, rows: 2000, contacts: 600, start: Date.UTC(2024, 0, 1, 3), days: 365 };
    const plain = generateSyntheticHistory(pinned);
    expect(await sha256(plain.rows)).toBe("7dd80961bdbc46d5a1885c35320f9c12f2a26a20e134def29c64d84a93eddf43");
    expect(await sha256(Array.from(plain.noShowProb, tenDigits))).toBe("30bef80ba4ab82df480f75219b66c68d5cc1807764740fd3ad033df066d93eda");
    const cut = generateSyntheticHistory({ ...pinned, now: Date.UTC(2024, 9, 1) });
    expect(await sha256(cut.rows)).toBe("83ff93ea512f97d8826c29f275ff41777beb6efb54004b458df34b355b54dd54");
    expect(await sha256(Array.from(cut.noShowProb, tenDigits))).toBe("fc79883df32d3713d4b8f21f02dd3732891efd0f055cf27dc30d318f1efa5ec6");
  });

  it("produces valid, time-ordered rows inside opening hours", () => {
    const rows = generateHistory(options);
    const zone = new ZoneClock(SP);
    expect(rows).toHaveLength(5000);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as HistoryRow;
      expect(HistoryRowSchema.safeParse(r).success).toBe(true);
      if (i > 0) expect(r.startsAt).toBeGreaterThanOrEqual((rows[i - 1] as HistoryRow).startsAt);
      expect(r.bookedAt).toBeLessThanOrEqual(r.startsAt);
      const { weekday, hour } = zone.local(r.startsAt);
      expect(weekday).not.toBe(6); // closed on Sundays
      expect(hour).toBeGreaterThanOrEqual(7);
      expect(hour).toBeLessThanOrEqual(weekday === 5 ? 11 : 18);
    }
  });

  it("with `now`: nothing booked after it, nothing resolved that ends after it", () => {
    const now = options.start + 60 * DAY_MS;
    const rows = generateHistory({ ...options, now });
    expect(rows.length).toBeLessThan(5000);
    for (const r of rows) {
      expect(r.bookedAt).toBeLessThanOrEqual(now);
      if (r.endsAt > now && r.status !== "cancelled") expect(["scheduled", "confirmed"]).toContain(r.status);
      if (r.startsAt - 24 * HOUR_MS > now) expect(r.reminderSent).toBe(false);
      if (r.lastContactAt !== undefined) expect(r.lastContactAt).toBeLessThanOrEqual(now);
    }
    expect(rows.some((r) => r.status === "scheduled" || r.status === "confirmed")).toBe(true);
  });
});

describe("the documented effects are in the data", () => {
  const { rows, noShowProb } = generateSyntheticHistory({ seed: 11, rows: 60_000, contacts: 6000, start: START, days: 540 });
  const zone = new ZoneClock(SP);
  const leadDays = (r: HistoryRow) => (r.startsAt - r.bookedAt) / DAY_MS;

  it("base no-show rate is realistic (10–30 %) and matches the true probabilities; ~6 % cancelled", () => {
    const base = rate(rows, () => true).rate;
    expect(base).toBeGreaterThan(0.1);
    expect(base).toBeLessThan(0.3);
    let sum = 0;
    let n = 0;
    rows.forEach((r, i) => {
      if (r.status === "cancelled") return;
      sum += noShowProb[i] ?? 0;
      n++;
    });
    expect(Math.abs(sum / n - base)).toBeLessThan(0.01);
    const cancelled = rows.filter((r) => r.status === "cancelled").length / rows.length;
    expect(cancelled).toBeGreaterThan(0.05);
    expect(cancelled).toBeLessThan(0.07);
  });

  it("longer lead time → more no-shows; same-day bookings the fewest", () => {
    const sameDay = rate(rows, (r) => zone.dayOf(r.bookedAt) === zone.dayOf(r.startsAt));
    const week = rate(rows, (r) => leadDays(r) >= 3 && leadDays(r) < 10);
    const month = rate(rows, (r) => leadDays(r) >= 20);
    expect(sameDay.n).toBeGreaterThan(3000);
    expect(week.rate - sameDay.rate).toBeGreaterThan(0.05);
    expect(month.rate - week.rate).toBeGreaterThan(0.03);
  });

  it("a contact's no-shows persist: past record predicts the future", () => {
    const byContact = new Map<string, HistoryRow[]>();
    for (const r of rows) {
      if (r.status !== "attended" && r.status !== "no_show") continue;
      const list = byContact.get(r.contact) ?? [];
      list.push(r);
      byContact.set(r.contact, list);
    }
    let flakyN = 0;
    let flakyNs = 0;
    let reliableN = 0;
    let reliableNs = 0;
    for (const list of byContact.values()) {
      if (list.length < 6) continue;
      const half = Math.floor(list.length / 2);
      const first = list.slice(0, half).filter((r) => r.status === "no_show").length / half;
      const later = list.slice(half);
      const laterNs = later.filter((r) => r.status === "no_show").length;
      if (first >= 0.4) {
        flakyN += later.length;
        flakyNs += laterNs;
      } else if (first === 0) {
        reliableN += later.length;
        reliableNs += laterNs;
      }
    }
    expect(flakyN).toBeGreaterThan(1000);
    expect(reliableN).toBeGreaterThan(1000);
    expect(flakyNs / flakyN).toBeGreaterThan(2.5 * (reliableNs / reliableN));
  });

  it("reminders and confirmations lower no-shows", () => {
    const booked = (r: HistoryRow) => leadDays(r) >= 1;
    const sent = rate(rows, (r) => booked(r) && r.reminderSent);
    const notSent = rate(rows, (r) => booked(r) && !r.reminderSent);
    expect(notSent.rate - sent.rate).toBeGreaterThan(0.04);
    const answered = rate(rows, (r) => r.reminderSent && r.reminderAnswered === true);
    const unanswered = rate(rows, (r) => r.reminderSent && r.reminderAnswered !== true);
    expect(unanswered.rate - answered.rate).toBeGreaterThan(0.08);
    expect(rate(rows, (r) => !r.confirmed).rate - rate(rows, (r) => r.confirmed).rate).toBeGreaterThan(0.08);
  });

  it("weekday and hour effects: mondays/saturdays and early mornings worse, mid-afternoons better", () => {
    const on = (weekday: number) => rate(rows, (r) => zone.local(r.startsAt).weekday === weekday).rate;
    expect(on(0)).toBeGreaterThan(on(2) + 0.03); // mon vs wed
    expect(on(5)).toBeGreaterThan(on(2) + 0.03); // sat vs wed
    const early = rate(rows, (r) => zone.local(r.startsAt).hour <= 8).rate;
    const afternoon = rate(rows, (r) => [14, 15, 16].includes(zone.local(r.startsAt).hour)).rate;
    expect(early - afternoon).toBeGreaterThan(0.06);
  });

  it("attributes matter: insurance sus > particular, young > old; rare plans exist (< 1 % each)", () => {
    const plan = (name: string) => rate(rows, (r) => r.attrs.insurance === name);
    expect(plan("sus").rate - plan("particular").rate).toBeGreaterThan(0.08);
    const age = (r: HistoryRow) => (typeof r.attrs.age === "number" ? r.attrs.age : Number.NaN);
    expect(rate(rows, (r) => age(r) < 30).rate - rate(rows, (r) => age(r) > 60).rate).toBeGreaterThan(0.06);
    const rare = rows.filter((r) => r.attrs.insurance === "cassi").length / rows.length;
    expect(rare).toBeGreaterThan(0);
    expect(rare).toBeLessThan(0.01);
    expect(rows.some((r) => r.attrs.age === undefined)).toBe(true);
  });

  it("a recent message from the contact lowers no-shows; silence raises them", () => {
    const silence = (r: HistoryRow) => (r.lastContactAt === undefined ? Number.POSITIVE_INFINITY : (r.startsAt - r.lastContactAt) / DAY_MS);
    const recent = rate(rows, (r) => silence(r) <= 2).rate;
    const silent = rate(rows, (r) => silence(r) > 60).rate;
    expect(silent - recent).toBeGreaterThan(0.06);
  });
});

describe("dateOnly on the default shape", () => {
  const options = { seed: 4, rows: 3000, contacts: 400, start: Date.UTC(2025, 0, 6, 3), days: 120 };

  it("keeps the outcomes and shows dates only: starts at 08:00 local, booked and last message at local midnight", () => {
    const zone = new ZoneClock(SP);
    const timed = generateSyntheticHistory(options);
    const dated = generateSyntheticHistory({ ...options, dateOnly: true });
    expect(dated.rows.map((r) => r.status)).toEqual(timed.rows.map((r) => r.status));
    expect(Array.from(dated.noShowProb)).toEqual(Array.from(timed.noShowProb));
    dated.rows.forEach((r, i) => {
      const t = timed.rows[i] as HistoryRow;
      expect(zone.dayOf(r.startsAt)).toBe(zone.dayOf(t.startsAt));
      expect(zone.local(r.startsAt).hour).toBe(8);
      expect(r.startsAt % HOUR_MS).toBe(0);
      expect(r.endsAt - r.startsAt).toBe(t.endsAt - t.startsAt);
      expect(r.bookedAt).toBe(zone.toUtc(zone.dayOf(t.bookedAt), 0));
      expect(r.bookedAt).toBeLessThanOrEqual(r.startsAt);
      if (r.lastContactAt !== undefined) expect(r.lastContactAt).toBeLessThanOrEqual(r.startsAt);
    });
  });

  it("with `now`: nothing booked after it and nothing resolved that ends after it", () => {
    const now = options.start + 60 * DAY_MS + 9 * HOUR_MS;
    const rows = generateHistory({ ...options, dateOnly: true, now });
    for (const r of rows) {
      expect(r.bookedAt).toBeLessThanOrEqual(now);
      if (r.endsAt > now && r.status !== "cancelled") expect(["scheduled", "confirmed"]).toContain(r.status);
    }
  });
});

describe("the clinic shape", () => {
  const options = { seed: 5, rows: 4000, contacts: 1, start: Date.UTC(2025, 0, 6, 3), days: 90, shape: "clinic" as const };
  const zone = new ZoneClock(SP);

  it("is deterministic per seed and valid: date-only rows on weekdays, clinic attributes, no message history", () => {
    const a = generateSyntheticHistory(options);
    expect(generateSyntheticHistory(options)).toEqual(a);
    expect(generateHistory({ ...options, seed: 6 }).map((r) => r.status)).not.toEqual(a.rows.map((r) => r.status));
    expect(a.rows).toHaveLength(4000);
    expect(a.noShowProb).toHaveLength(4000);
    a.rows.forEach((r, i) => {
      expect(HistoryRowSchema.safeParse(r).success).toBe(true);
      if (i > 0) expect(r.startsAt).toBeGreaterThanOrEqual((a.rows[i - 1] as HistoryRow).startsAt);
      const local = zone.local(r.startsAt);
      expect(local.hour).toBe(8);
      expect(local.weekday).toBeLessThan(5);
      expect(r.bookedAt).toBe(zone.toUtc(zone.dayOf(r.bookedAt), 0));
      expect(r.lastContactAt).toBeUndefined();
      expect(r.reminderAnswered).toBeUndefined();
      expect(Object.keys(r.attrs).sort()).toEqual(["age", "alcoholism", "diabetes", "gender", "handicap", "hypertension", "neighbourhood", "scholarship"]);
      expect(r.attrs.age).toBeGreaterThanOrEqual(0);
      expect(r.attrs.age).toBeLessThanOrEqual(100);
      expect(["F", "M"]).toContain(r.attrs.gender);
    });
  });

  it("dateOnly: false gives times inside opening hours, booked before the start", () => {
    const rows = generateHistory({ ...options, dateOnly: false });
    const hours = new Set(rows.map((r) => zone.local(r.startsAt).hour));
    expect(hours.size).toBeGreaterThan(5);
    for (const r of rows) {
      const { hour } = zone.local(r.startsAt);
      expect(hour).toBeGreaterThanOrEqual(7);
      expect(hour).toBeLessThanOrEqual(17);
      expect(r.bookedAt).toBeLessThanOrEqual(r.startsAt);
    }
  });

  it("with `now`: nothing booked after it, unresolved after it, reminders only once due", () => {
    const now = options.start + 45 * DAY_MS;
    const rows = generateHistory({ ...options, now });
    expect(rows.length).toBeLessThan(4000);
    for (const r of rows) {
      expect(r.bookedAt).toBeLessThanOrEqual(now);
      if (r.endsAt > now) expect(["scheduled", "confirmed"]).toContain(r.status);
      if (r.startsAt - 24 * HOUR_MS > now) expect(r.reminderSent).toBe(false);
    }
  });
});

describe("the clinic shape's mechanics are in the data (100k rows)", () => {
  const { rows, noShowProb } = generateSyntheticHistory({ seed: 3, rows: 100_000, contacts: 1, start: START, days: 365, shape: "clinic" });
  const lead = (r: HistoryRow) => Math.round((r.startsAt - r.bookedAt) / DAY_MS);
  const leadIn = (lo: number, hi: number) => (r: HistoryRow) => lead(r) >= lo && lead(r) <= hi;
  const age = (r: HistoryRow) => Number(r.attrs.age);

  it("about 20 % no-shows; the true probabilities rank them at AUC 0.70–0.80, above lead time alone", () => {
    const base = rate(rows, () => true).rate;
    expect(base).toBeGreaterThan(0.17);
    expect(base).toBeLessThan(0.23);
    const labels = rows.map((r) => (r.status === "no_show" ? 1 : 0));
    const truth = auc(noShowProb, labels) ?? 0;
    expect(truth).toBeGreaterThan(0.7);
    expect(truth).toBeLessThan(0.8);
    expect(truth - (auc(rows.map(lead), labels) ?? 1)).toBeGreaterThan(0.04);
  });

  it("lead time: ~35 % same-day with < 8 % no-shows, then climbing and flattening", () => {
    expect(rows.filter(leadIn(0, 0)).length / rows.length).toBeCloseTo(0.35, 1);
    expect(rate(rows, leadIn(0, 0)).rate).toBeLessThan(0.08);
    const short = rate(rows, leadIn(1, 3)).rate;
    const month = rate(rows, leadIn(14, 30)).rate;
    const longer = rate(rows, leadIn(31, 60)).rate;
    expect(month - short).toBeGreaterThan(0.08);
    expect(month).toBeGreaterThan(0.25);
    expect(month).toBeLessThan(0.4);
    expect(Math.abs(longer - month)).toBeLessThan(0.04); // saturated: not log-linear
  });

  it("age is a hump: teens and young adults miss most, small children and the elderly less", () => {
    const young = rate(rows, (r) => age(r) >= 12 && age(r) <= 25).rate;
    expect(young - rate(rows, (r) => age(r) <= 5).rate).toBeGreaterThan(0.06);
    expect(young - rate(rows, (r) => age(r) >= 66).rate).toBeGreaterThan(0.12);
    expect(rows.some((r) => age(r) === 0) && rows.some((r) => age(r) >= 95)).toBe(true);
  });

  it("reminders only from 3 days' lead (65 % of those), and reminded rows miss MORE (the lead confound)", () => {
    expect(rows.some((r) => r.reminderSent && lead(r) < 3)).toBe(false);
    const eligible = rows.filter(leadIn(3, 999));
    const share = eligible.filter((r) => r.reminderSent).length / eligible.length;
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.7);
    expect(rate(rows, (r) => r.reminderSent).rate - rate(rows, (r) => !r.reminderSent).rate).toBeGreaterThan(0.08);
    // Among comparable leads the reminder's own effect is small (slightly protective).
    const within = rate(rows, (r) => lead(r) >= 3 && !r.reminderSent).rate - rate(rows, (r) => lead(r) >= 3 && r.reminderSent).rate;
    expect(within).toBeGreaterThan(-0.01);
    expect(within).toBeLessThan(0.04);
  });

  it("lead time hurts the young more than children and the elderly (an interaction a linear model misses)", () => {
    const climb = (keep: (r: HistoryRow) => boolean) => rate(rows, (r) => keep(r) && lead(r) >= 14).rate - rate(rows, (r) => keep(r) && lead(r) === 0).rate;
    const young = climb((r) => age(r) >= 12 && age(r) <= 30);
    expect(young - climb((r) => age(r) >= 60)).toBeGreaterThan(0.3);
    expect(young - climb((r) => age(r) < 12)).toBeGreaterThan(0.2);
  });

  it("neighbourhood: ≥ 80 levels, Zipf-like (many rare), differing rates among the common ones", () => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(String(r.attrs.neighbourhood), (counts.get(String(r.attrs.neighbourhood)) ?? 0) + 1);
    expect(counts.size).toBeGreaterThanOrEqual(80);
    const sizes = [...counts.values()].sort((a, b) => b - a);
    expect((sizes[0] ?? 0) / rows.length).toBeLessThan(0.1);
    expect(sizes.filter((n) => n < 100).length).toBeGreaterThanOrEqual(10);
    const common = [...counts].filter(([, n]) => n >= 2000).map(([name]) => rate(rows, (r) => r.attrs.neighbourhood === name).rate);
    expect(Math.max(...common) - Math.min(...common)).toBeGreaterThan(0.08);
  });

  it("binary attributes at realistic prevalences; scholarship raises no-shows, hypertension comes with age", () => {
    const share = (name: string) => rows.filter((r) => r.attrs[name] === 1).length / rows.length;
    expect(share("scholarship")).toBeGreaterThan(0.08);
    expect(share("scholarship")).toBeLessThan(0.2);
    expect(share("hypertension")).toBeGreaterThan(0.1);
    expect(share("hypertension")).toBeLessThan(0.3);
    for (const name of ["diabetes", "alcoholism", "handicap"]) expect(share(name)).toBeLessThan(0.1);
    expect(rate(rows, (r) => r.attrs.scholarship === 1).rate - rate(rows, (r) => r.attrs.scholarship === 0).rate).toBeGreaterThan(0.02);
    const old = rows.filter((r) => age(r) >= 60);
    expect(old.filter((r) => r.attrs.hypertension === 1).length / old.length).toBeGreaterThan(0.25);
    expect(rows.filter((r) => r.attrs.gender === "F").length / rows.length).toBeCloseTo(0.65, 1);
  });

  it("thin personal history: ≥ 55 % of patients come once, ≥ 85 % at most 3 times, a few often; confirmations rare", () => {
    const visits = new Map<string, number>();
    for (const r of rows) visits.set(r.contact, (visits.get(r.contact) ?? 0) + 1);
    const counts = [...visits.values()];
    expect(counts.filter((n) => n <= 1).length / counts.length).toBeGreaterThanOrEqual(0.55);
    expect(counts.filter((n) => n <= 3).length / counts.length).toBeGreaterThanOrEqual(0.85);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(10);
    expect(rows.filter((r) => r.confirmed).length / rows.length).toBeLessThan(0.05);
  });
});
