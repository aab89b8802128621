import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BusinessCalendar, BusinessHours, businessHoursProblems, businessMillisBetween, isOpenAt, nextOpeningAt } from "../../src/tenants/business-hours";

const MIN = 60_000;
const ms = (iso: string) => Date.parse(iso);
const SP = "America/Sao_Paulo"; // UTC−3, no DST since 2019
const NY = "America/New_York"; // DST: 2026-03-08 02:00 → 03:00, 2026-11-01 02:00 → 01:00
const weekdays = (start = "08:00", end = "18:00") => Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [{ start, end }]]));
const hours = (over: Partial<BusinessHours> = {}) => BusinessHours.parse({ enabled: true, weekly: weekdays(), ...over });

describe("nextOpeningAt", () => {
  it("is the instant itself when open, and null when never open", () => {
    const h = hours();
    expect(nextOpeningAt(h, SP, ms("2026-12-02T14:00:00Z"))).toBe(ms("2026-12-02T14:00:00Z")); // Wed 11:00
    expect(nextOpeningAt(hours({ weekly: {} }), SP, ms("2026-12-02T14:00:00Z"))).toBeNull();
    // Off: always open, as before business hours existed.
    expect(nextOpeningAt(BusinessHours.parse({}), SP, 123)).toBe(123);
  });

  it("crosses the night, the weekend and a holiday, in the tenant's zone", () => {
    const h = hours({ holidays: [{ date: "2026-12-25", name: "Natal" }] });
    // Wed 19:00 local → Thu 08:00 local (11:00Z).
    expect(nextOpeningAt(h, SP, ms("2026-12-02T22:00:00Z"))).toBe(ms("2026-12-03T11:00:00Z"));
    // Fri 18:30 → Mon 08:00.
    expect(nextOpeningAt(h, SP, ms("2026-12-04T21:30:00Z"))).toBe(ms("2026-12-07T11:00:00Z"));
    // Thu 24 Dec 19:00 → Christmas is closed → Mon 28 Dec 08:00.
    expect(nextOpeningAt(h, SP, ms("2026-12-24T22:00:00Z"))).toBe(ms("2026-12-28T11:00:00Z"));
    // Same wall clock in New York (UTC−5 in December).
    expect(nextOpeningAt(h, NY, ms("2026-12-05T00:00:00Z"))).toBe(ms("2026-12-07T13:00:00Z"));
  });

  it("a lunch break: back at 13:00 the same day", () => {
    const h = hours({
      weekly: {
        wed: [
          { start: "08:00", end: "12:00" },
          { start: "13:00", end: "18:00" },
        ],
      },
    });
    expect(nextOpeningAt(h, SP, ms("2026-12-02T15:10:00Z"))).toBe(ms("2026-12-02T16:00:00Z"));
  });

  it("across the spring-forward DST change: 08:00 EDT is 12:00Z, not 13:00Z", () => {
    const h = hours();
    // Fri 6 Mar 2026 19:00 EST → Mon 9 Mar 08:00 EDT.
    expect(nextOpeningAt(h, NY, ms("2026-03-07T00:00:00Z"))).toBe(ms("2026-03-09T12:00:00Z"));
    // An opening inside the gap (Sun 02:30 does not exist) opens at 03:00 EDT = 07:00Z.
    const sunday = hours({ weekly: { sun: [{ start: "02:30", end: "05:00" }] } });
    expect(nextOpeningAt(sunday, NY, ms("2026-03-08T05:00:00Z"))).toBe(ms("2026-03-08T07:00:00Z"));
  });
});

describe("businessMillisBetween", () => {
  it("Friday 17:50 with a 15 min SLA: 10 min by Saturday, 16 min on Monday 08:06", () => {
    const h = hours();
    const handoff = ms("2026-12-04T20:50:00Z"); // Fri 17:50 São Paulo
    expect(businessMillisBetween(h, SP, handoff, ms("2026-12-05T15:00:00Z"))).toBe(10 * MIN);
    expect(businessMillisBetween(h, SP, handoff, ms("2026-12-07T11:06:00Z"))).toBe(16 * MIN);
    expect(new BusinessCalendar(h, SP).deadline(handoff, 15 * MIN)).toBe(ms("2026-12-07T11:05:00Z"));
  });

  it("is the wall time while business hours are off, and 0 backwards", () => {
    const off = BusinessHours.parse({});
    expect(businessMillisBetween(off, SP, 1_000, 61_000)).toBe(60_000);
    expect(businessMillisBetween(hours(), SP, 61_000, 1_000)).toBe(0);
  });

  it("counts real time across DST: a Sunday 00:00–06:00 is 5 h in spring, 7 h in the fall", () => {
    const sunday = hours({ weekly: { sun: [{ start: "00:00", end: "06:00" }] } });
    expect(businessMillisBetween(sunday, NY, ms("2026-03-08T00:00:00Z"), ms("2026-03-09T00:00:00Z"))).toBe(5 * 60 * MIN);
    expect(businessMillisBetween(sunday, NY, ms("2026-11-01T00:00:00Z"), ms("2026-11-02T00:00:00Z"))).toBe(7 * 60 * MIN);
    expect(businessMillisBetween(sunday, SP, ms("2026-11-01T00:00:00Z"), ms("2026-11-02T06:00:00Z"))).toBe(6 * 60 * MIN);
  });

  it("a whole-day interval ends at the next midnight (24:00)", () => {
    const h = hours({ weekly: { sat: [{ start: "00:00", end: "24:00" }] } });
    expect(businessMillisBetween(h, SP, ms("2026-12-04T00:00:00Z"), ms("2026-12-08T00:00:00Z"))).toBe(24 * 60 * MIN);
    expect(isOpenAt(h, SP, ms("2026-12-06T02:59:00Z"))).toBe(true); // Sat 23:59
    expect(isOpenAt(h, SP, ms("2026-12-06T03:00:00Z"))).toBe(false); // Sun 00:00
  });

  it("property: additive over any split point, never more than the wall time, consistent with isOpenAt", () => {
    const zone = fc.constantFrom(SP, NY, "Europe/Lisbon", "Australia/Lord_Howe");
    const interval = fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1440 })).map(([a, b]) => ({ s: Math.min(a, b - 1), e: Math.max(a + 1, b) }));
    const day = fc.array(interval, { maxLength: 3 }).map((list) => {
      // Sorted and non-overlapping, as a PUT requires.
      const out: { start: string; end: string }[] = [];
      let last = 0;
      for (const i of [...list].sort((x, y) => x.s - y.s)) {
        if (i.s < last) continue;
        out.push({ start: hm(i.s), end: i.e === 1440 ? "24:00" : hm(i.e) });
        last = i.e;
      }
      return out;
    });
    const instant = fc.integer({ min: ms("2026-01-01T00:00:00Z"), max: ms("2026-12-31T00:00:00Z") });
    fc.assert(
      fc.property(
        zone,
        fc.array(day, { minLength: 7, maxLength: 7 }),
        instant,
        fc.integer({ min: 0, max: 9 * 86_400_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (tz, days, from, span, cut) => {
          const weekly = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d, i) => [d, days[i] ?? []]));
          const h = BusinessHours.parse({ enabled: true, weekly, holidays: [{ date: "2026-06-15" }] });
          const to = from + span;
          const mid = from + Math.floor(span * cut);
          const whole = businessMillisBetween(h, tz, from, to);
          expect(whole).toBeLessThanOrEqual(to - from);
          expect(whole).toBeGreaterThanOrEqual(0);
          expect(businessMillisBetween(h, tz, from, mid) + businessMillisBetween(h, tz, mid, to)).toBe(whole);
          const next = nextOpeningAt(h, tz, from);
          if (next !== null) expect(businessMillisBetween(h, tz, from, next)).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

describe("businessHoursProblems", () => {
  it("names each problem: bad times, an end before its start, overlaps, bad or doubled holidays", () => {
    const problems = businessHoursProblems({
      enabled: true,
      weekly: {
        mon: [
          { start: "08:00", end: "12:00" },
          { start: "11:00", end: "18:00" },
        ],
        tue: [{ start: "25:00", end: "18:00" }],
        wed: [{ start: "18:00", end: "08:00" }],
        thu: [{ start: "08:00", end: "24:00" }],
      },
      holidays: [{ date: "2026-02-30" }, { date: "2026-12-25" }, { date: "2026-12-25" }],
      quiet: { start: "20:00", end: "8h" },
    });
    expect(problems.map((p) => p.path.join("."))).toEqual(["weekly.mon.1.start", "weekly.tue.0.start", "weekly.wed.0.end", "holidays.0.date", "holidays.2.date", "quiet.end"]);
    expect(problems[0]?.message).toMatch(/overlapping|previous interval/);
  });
});
