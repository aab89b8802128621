import { describe, expect, it } from "vitest";
import type { HistoryRow } from "../../src/scheduling/history";
import { HistoryRow as HistoryRowSchema } from "../../src/scheduling/history";
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
