import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { CalendarSettings, formatSlotLabel, slotsBetween } from "../../src/agenda/calendar";
import { utcToZoned, zonedTimeToUtc } from "../../src/lib/time-zone";
import type { TakenInterval } from "../../src/agenda/calendar";
import type { Slot } from "../../src/agenda/types";

const SP = "America/Sao_Paulo"; // UTC-3 all year (no DST since 2019)
const NY = "America/New_York";
const LISBON = "Europe/Lisbon";

/** Settings with defaults, then overrides (as a tenant would store them). */
function settings(overrides: Record<string, unknown> = {}): CalendarSettings {
  return CalendarSettings.parse(overrides);
}

/** Slot starts as UTC ISO strings without milliseconds, for short expectations. */
function starts(slots: Slot[]): string[] {
  return slots.map((s) => s.start.replace(".000Z", "Z"));
}

/** Slot starts as São Paulo wall times "HH:MM". */
function spTimes(slots: Slot[]): string[] {
  return slots.map((s) => utcToZoned(s.start, SP).time);
}

/** The São Paulo slots of one local day, with `now` the evening before (min notice out of the way). */
function spDay(date: string, s: CalendarSettings, taken: TakenInterval[] = []): Slot[] {
  const from = zonedTimeToUtc(date, "00:00", SP);
  if (!from) throw new Error("bad date");
  const to = new Date(from.getTime() + 86_400_000);
  const now = new Date(from.getTime() - 4 * 3_600_000);
  return slotsBetween(s, { from: from.toISOString(), to: to.toISOString(), timeZone: SP, now: now.toISOString() }, taken);
}

describe("CalendarSettings", () => {
  it("defaults to mon–fri 08–12 and 13–18, sat 08–12, 30-minute slots", () => {
    const s = settings();
    expect(s.weeklyHours.mon).toEqual([
      { start: "08:00", end: "12:00" },
      { start: "13:00", end: "18:00" },
    ]);
    expect(s.weeklyHours.fri).toEqual(s.weeklyHours.mon);
    expect(s.weeklyHours.sat).toEqual([{ start: "08:00", end: "12:00" }]);
    expect(s.weeklyHours.sun).toBeUndefined();
    expect(s).toMatchObject({ slotMinutes: 30, bufferMinutes: 0, capacity: 1, closedDates: [], minNoticeMinutes: 60, horizonDays: 30 });
  });

  it("does not share the default hours between parses", () => {
    const a = settings();
    a.weeklyHours.mon?.push({ start: "19:00", end: "20:00" });
    expect(settings().weeklyHours.mon).toHaveLength(2);
  });

  it.each([
    ["an unknown weekday", { weeklyHours: { monday: [{ start: "08:00", end: "12:00" }] } }],
    ["a time that is not HH:MM", { weeklyHours: { mon: [{ start: "8:00", end: "12:00" }] } }],
    ["an interval ending before it starts", { weeklyHours: { mon: [{ start: "12:00", end: "08:00" }] } }],
    ["a slot shorter than 5 minutes", { slotMinutes: 4 }],
    ["a slot longer than 8 hours", { slotMinutes: 481 }],
    ["a negative buffer", { bufferMinutes: -5 }],
    ["zero capacity", { capacity: 0 }],
    ["an impossible closed date", { closedDates: ["2025-02-30"] }],
    ["a closed date in another format", { closedDates: ["25/12/2025"] }],
  ])("rejects %s", (_label, input) => {
    expect(() => CalendarSettings.parse(input)).toThrow(ZodError);
  });

  it("accepts 24:00 as the end of a day", () => {
    expect(settings({ weeklyHours: { fri: [{ start: "20:00", end: "24:00" }] } }).weeklyHours.fri).toEqual([{ start: "20:00", end: "24:00" }]);
  });
});

describe("slotsBetween: weekly hours", () => {
  it("offers a Monday's default hours in São Paulo, skipping the lunch break", () => {
    const slots = spDay("2025-11-24", settings());
    expect(spTimes(slots)).toEqual([
      "08:00",
      "08:30",
      "09:00",
      "09:30",
      "10:00",
      "10:30",
      "11:00",
      "11:30",
      "13:00",
      "13:30",
      "14:00",
      "14:30",
      "15:00",
      "15:30",
      "16:00",
      "16:30",
      "17:00",
      "17:30",
    ]);
    // 08:00 in São Paulo is 11:00 UTC; each slot lasts slotMinutes.
    expect(slots[0]).toEqual({ start: "2025-11-24T11:00:00.000Z", end: "2025-11-24T11:30:00.000Z" });
    expect(slots.at(-1)).toEqual({ start: "2025-11-24T20:30:00.000Z", end: "2025-11-24T21:00:00.000Z" });
  });

  it("offers Saturday mornings only and nothing on Sunday by default", () => {
    expect(spTimes(spDay("2025-11-29", settings()))).toEqual(["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]);
    expect(spDay("2025-11-30", settings())).toEqual([]);
  });

  it("uses each weekday's own intervals", () => {
    const s = settings({ weeklyHours: { sun: [{ start: "10:00", end: "11:00" }], tue: [{ start: "19:00", end: "20:00" }] } });
    expect(spTimes(spDay("2025-11-30", s))).toEqual(["10:00", "10:30"]);
    expect(spDay("2025-11-24", s)).toEqual([]);
    expect(spTimes(spDay("2025-11-25", s))).toEqual(["19:00", "19:30"]);
  });

  it("never lets a slot run past closing time", () => {
    const s = settings({ slotMinutes: 50, weeklyHours: { mon: [{ start: "08:00", end: "10:00" }] } });
    // 08:00–08:50 and 08:50–09:40 fit; 09:40–10:30 would not.
    expect(spTimes(spDay("2025-11-24", s))).toEqual(["08:00", "08:50"]);
  });

  it("returns overlapping intervals' slots once, in order", () => {
    const s = settings({
      weeklyHours: {
        mon: [
          { start: "09:00", end: "11:00" },
          { start: "08:00", end: "10:00" },
        ],
      },
    });
    expect(spTimes(spDay("2025-11-24", s))).toEqual(["08:00", "08:30", "09:00", "09:30", "10:00", "10:30"]);
  });

  it("keeps slot starts inside [from, to)", () => {
    const q = { from: "2025-11-24T12:00:00.000Z", to: "2025-11-24T13:30:00.000Z", timeZone: SP, now: "2025-11-23T12:00:00.000Z" };
    // 09:00 local is included (== from); 10:30 local (== to) is not.
    expect(spTimes(slotsBetween(settings(), q, []))).toEqual(["09:00", "09:30", "10:00"]);
    expect(slotsBetween(settings(), { ...q, to: q.from }, [])).toEqual([]);
  });

  it("spans several days, sorted ascending", () => {
    const q = { from: "2025-11-28T03:00:00.000Z", to: "2025-12-02T03:00:00.000Z", timeZone: SP, now: "2025-11-27T12:00:00.000Z" };
    const slots = slotsBetween(settings(), q, []);
    // Fri 18 + Sat 8 + Sun 0 + Mon 18.
    expect(slots).toHaveLength(44);
    const sorted = [...slots].sort((a, b) => a.start.localeCompare(b.start));
    expect(slots).toEqual(sorted);
    expect(new Set(slots.map((s) => s.start)).size).toBe(44);
  });

  it("throws on an unknown time zone or an invalid instant", () => {
    const q = { from: "2025-11-24T00:00:00Z", to: "2025-11-25T00:00:00Z", timeZone: "America/Atlantis", now: "2025-11-23T00:00:00Z" };
    expect(() => slotsBetween(settings(), q, [])).toThrow(RangeError);
    expect(() => slotsBetween(settings(), { ...q, timeZone: SP, now: "yesterday" }, [])).toThrow(RangeError);
  });
});

describe("slotsBetween: closed dates, notice and horizon", () => {
  it("offers nothing on a closed date and keeps the next day open", () => {
    const s = settings({ closedDates: ["2025-11-24"] });
    expect(spDay("2025-11-24", s)).toEqual([]);
    expect(spDay("2025-11-25", s)).toHaveLength(18);
  });

  it("matches closed dates in the tenant's zone, not in UTC", () => {
    // Monday 21:00 in São Paulo is already Tuesday in UTC: closing Tuesday must not remove it.
    const s = settings({ closedDates: ["2025-11-25"], weeklyHours: { mon: [{ start: "21:00", end: "22:00" }] } });
    expect(starts(spDay("2025-11-24", s))).toEqual(["2025-11-25T00:00:00Z", "2025-11-25T00:30:00Z"]);
  });

  it("starts no slot sooner than the minimum notice", () => {
    const q = { from: "2025-11-24T03:00:00.000Z", to: "2025-11-25T03:00:00.000Z", timeZone: SP, now: "2025-11-24T12:10:00.000Z" }; // 09:10 local
    expect(spTimes(slotsBetween(settings(), q, [])).slice(0, 2)).toEqual(["10:30", "11:00"]);
    expect(spTimes(slotsBetween(settings({ minNoticeMinutes: 0 }), q, [])).slice(0, 2)).toEqual(["09:30", "10:00"]);
    expect(spTimes(slotsBetween(settings({ minNoticeMinutes: 80 }), q, [])).slice(0, 2)).toEqual(["10:30", "11:00"]);
    expect(spTimes(slotsBetween(settings({ minNoticeMinutes: 81 }), q, [])).slice(0, 2)).toEqual(["11:00", "11:30"]);
  });

  it("offers nothing in the past even with no notice", () => {
    const q = { from: "2025-11-17T03:00:00.000Z", to: "2025-11-25T03:00:00.000Z", timeZone: SP, now: "2025-11-24T20:45:00.000Z" }; // Mon 17:45
    expect(slotsBetween(settings({ minNoticeMinutes: 0 }), q, [])).toEqual([]);
  });

  it("stops at the local date horizonDays after today", () => {
    const q = { from: "2025-11-24T03:00:00.000Z", to: "2025-12-31T03:00:00.000Z", timeZone: SP, now: "2025-11-24T10:00:00.000Z" }; // Mon 07:00
    const days = (s: CalendarSettings) => [...new Set(slotsBetween(s, q, []).map((x) => utcToZoned(x.start, SP).date))];
    expect(days(settings({ horizonDays: 2 }))).toEqual(["2025-11-24", "2025-11-25", "2025-11-26"]);
    expect(days(settings({ horizonDays: 0 }))).toEqual(["2025-11-24"]);
    expect(days(settings()).at(-1)).toBe("2025-12-24"); // 30 days on, the last open day (Wed)
  });

  it("counts the horizon's today in the tenant's zone", () => {
    // 01:00 UTC on Tuesday is still Monday 22:00 in São Paulo: with horizon 1, Tuesday is the last day.
    const q = { from: "2025-11-25T01:00:00.000Z", to: "2025-11-28T03:00:00.000Z", timeZone: SP, now: "2025-11-25T01:00:00.000Z" };
    const days = [...new Set(slotsBetween(settings({ horizonDays: 1 }), q, []).map((x) => utcToZoned(x.start, SP).date))];
    expect(days).toEqual(["2025-11-25"]);
  });
});

describe("slotsBetween: buffer and capacity", () => {
  const morning = { weeklyHours: { mon: [{ start: "08:00", end: "12:00" }] } };

  it("spaces slots by slotMinutes + bufferMinutes", () => {
    const s = settings({ ...morning, slotMinutes: 45, bufferMinutes: 15 });
    const slots = spDay("2025-11-24", s);
    expect(spTimes(slots)).toEqual(["08:00", "09:00", "10:00", "11:00"]);
    expect(slots[0]).toEqual({ start: "2025-11-24T11:00:00.000Z", end: "2025-11-24T11:45:00.000Z" });
  });

  it("drops the slot a booking takes and keeps one that starts a buffer after it", () => {
    const s = settings({ ...morning, slotMinutes: 45, bufferMinutes: 15 });
    const taken = [{ start: "2025-11-24T12:00:00.000Z", end: "2025-11-24T12:45:00.000Z" }]; // 09:00–09:45
    expect(spTimes(spDay("2025-11-24", s, taken))).toEqual(["08:00", "10:00", "11:00"]);
  });

  it("drops slots within the buffer of a booking made elsewhere", () => {
    const s = settings({ ...morning, slotMinutes: 45, bufferMinutes: 15 });
    // 10:50–11:20 local, off our grid (e.g. booked by the receptionist).
    const taken = [{ start: "2025-11-24T13:50:00.000Z", end: "2025-11-24T14:20:00.000Z" }];
    // 10:00–10:45 ends 5 min before it (< 15 min buffer); 11:00 overlaps it; 08:00 and 09:00 are clear.
    expect(spTimes(spDay("2025-11-24", s, taken))).toEqual(["08:00", "09:00"]);
    // Without a buffer only the overlapping slot goes.
    expect(spTimes(spDay("2025-11-24", settings({ ...morning, slotMinutes: 45, bufferMinutes: 0 }), taken))).toEqual(["08:00", "08:45", "09:30"]);
  });

  it("keeps a slot that merely touches a booking when there is no buffer", () => {
    const taken = [{ start: "2025-11-24T11:30:00.000Z", end: "2025-11-24T12:00:00.000Z" }]; // 08:30–09:00
    expect(spTimes(spDay("2025-11-24", settings(morning), taken)).slice(0, 3)).toEqual(["08:00", "09:00", "09:30"]);
  });

  it("keeps a slot until overlapping bookings reach the capacity", () => {
    const s = settings({ ...morning, capacity: 2 });
    const one = [{ start: "2025-11-24T12:00:00.000Z", end: "2025-11-24T12:30:00.000Z" }]; // 09:00–09:30
    const two = [...one, { start: "2025-11-24T11:45:00.000Z", end: "2025-11-24T12:15:00.000Z" }]; // 08:45–09:15
    expect(spTimes(spDay("2025-11-24", s, one))).toContain("09:00");
    const withTwo = spTimes(spDay("2025-11-24", s, two));
    expect(withTwo).not.toContain("09:00");
    // 08:30–09:00 overlaps only the 08:45 booking: one seat is still free.
    expect(withTwo).toContain("08:30");
    expect(spTimes(spDay("2025-11-24", settings(morning), one))).not.toContain("09:00");
  });

  it("counts simultaneous bookings, not all bookings inside a long slot", () => {
    const s = settings({ ...morning, capacity: 2, slotMinutes: 60 });
    // 09:00–09:30 and 09:30–10:00 follow each other: at most one at a time, a second seat stays free.
    const backToBack = [
      { start: "2025-11-24T12:00:00.000Z", end: "2025-11-24T12:30:00.000Z" },
      { start: "2025-11-24T12:30:00.000Z", end: "2025-11-24T13:00:00.000Z" },
    ];
    expect(spTimes(spDay("2025-11-24", s, backToBack))).toContain("09:00");
    // A third booking overlapping the first fills both seats from 09:00 to 09:20.
    const crowded = [...backToBack, { start: "2025-11-24T11:50:00.000Z", end: "2025-11-24T12:20:00.000Z" }];
    expect(spTimes(spDay("2025-11-24", s, crowded))).not.toContain("09:00");
  });

  it("ignores malformed or empty taken bookings", () => {
    const taken = [
      { start: "not a date", end: "2025-11-24T12:30:00.000Z" },
      { start: "2025-11-24T12:00:00.000Z", end: "2025-11-24T12:00:00.000Z" },
    ];
    expect(spDay("2025-11-24", settings(morning), taken)).toHaveLength(8);
  });
});

describe("zone helpers", () => {
  it("reads an instant in the tenant's zone", () => {
    expect(utcToZoned("2025-11-26T17:00:00Z", SP)).toEqual({ date: "2025-11-26", time: "14:00", weekday: "wed" });
    expect(utcToZoned("2025-11-26T02:30:00Z", SP)).toEqual({ date: "2025-11-25", time: "23:30", weekday: "tue" });
    expect(utcToZoned(new Date("2026-03-08T07:00:00Z"), NY)).toEqual({ date: "2026-03-08", time: "03:00", weekday: "sun" });
    expect(utcToZoned("2026-11-01T06:30:00Z", NY)).toEqual({ date: "2026-11-01", time: "01:30", weekday: "sun" });
  });

  it("converts wall times around New York's spring-forward gap (2026-03-08, 02:00 → 03:00)", () => {
    expect(zonedTimeToUtc("2026-03-08", "01:59", NY)?.toISOString()).toBe("2026-03-08T06:59:00.000Z");
    expect(zonedTimeToUtc("2026-03-08", "02:00", NY)).toBeNull();
    expect(zonedTimeToUtc("2026-03-08", "02:30", NY)).toBeNull();
    expect(zonedTimeToUtc("2026-03-08", "03:00", NY)?.toISOString()).toBe("2026-03-08T07:00:00.000Z");
    expect(zonedTimeToUtc("2026-03-06", "08:00", NY)?.toISOString()).toBe("2026-03-06T13:00:00.000Z"); // EST
    expect(zonedTimeToUtc("2026-03-09", "08:00", NY)?.toISOString()).toBe("2026-03-09T12:00:00.000Z"); // EDT
  });

  it("takes the first occurrence in New York's fall-back overlap (2026-11-01, 01:00–02:00 twice)", () => {
    expect(zonedTimeToUtc("2026-11-01", "00:30", NY)?.toISOString()).toBe("2026-11-01T04:30:00.000Z");
    expect(zonedTimeToUtc("2026-11-01", "01:00", NY)?.toISOString()).toBe("2026-11-01T05:00:00.000Z");
    expect(zonedTimeToUtc("2026-11-01", "01:30", NY)?.toISOString()).toBe("2026-11-01T05:30:00.000Z");
    expect(zonedTimeToUtc("2026-11-01", "02:00", NY)?.toISOString()).toBe("2026-11-01T07:00:00.000Z");
  });

  it("handles Lisbon's change at 01:00 (2026-03-29 gap, 2026-10-25 overlap)", () => {
    expect(zonedTimeToUtc("2026-03-29", "00:30", LISBON)?.toISOString()).toBe("2026-03-29T00:30:00.000Z");
    expect(zonedTimeToUtc("2026-03-29", "01:30", LISBON)).toBeNull();
    expect(zonedTimeToUtc("2026-03-29", "02:00", LISBON)?.toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(zonedTimeToUtc("2026-10-25", "01:30", LISBON)?.toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });

  it("converts São Paulo without DST, including the old DST dates", () => {
    expect(zonedTimeToUtc("2025-11-24", "08:00", SP)?.toISOString()).toBe("2025-11-24T11:00:00.000Z");
    expect(zonedTimeToUtc("2025-01-15", "08:00", SP)?.toISOString()).toBe("2025-01-15T11:00:00.000Z");
  });

  it("rejects invalid local dates and times", () => {
    expect(() => zonedTimeToUtc("2026-02-30", "08:00", SP)).toThrow(RangeError);
    expect(() => zonedTimeToUtc("2026-02-10", "8h", SP)).toThrow(RangeError);
    expect(() => zonedTimeToUtc("2026-02-10", "24:00", SP)).toThrow(RangeError);
  });
});

describe("slotsBetween across DST", () => {
  /** Sunday hours from midnight, no notice: the DST change happens inside them. */
  const night = (minutes: number, end: string) => settings({ slotMinutes: minutes, minNoticeMinutes: 0, weeklyHours: { sun: [{ start: "00:00", end }] } });
  const query = (tz: string, from: string, to: string) => ({ from, to, timeZone: tz, now: from });

  it("skips the hour that does not exist when New York springs forward", () => {
    const slots = slotsBetween(night(60, "05:00"), query(NY, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z"), []);
    // 00:00 and 01:00 EST, no 02:00, then 03:00 and 04:00 EDT.
    expect(starts(slots)).toEqual(["2026-03-08T05:00:00Z", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"]);
    expect(slots.map((s) => utcToZoned(s.start, NY).time)).toEqual(["00:00", "01:00", "03:00", "04:00"]);
    // A slot is slotMinutes of real time: 01:00 EST + 60 min = 03:00 EDT.
    expect(slots[1]?.end).toBe("2026-03-08T07:00:00.000Z");
  });

  it("offers the repeated hour once when New York falls back", () => {
    const slots = slotsBetween(night(30, "03:00"), query(NY, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"), []);
    expect(starts(slots)).toEqual([
      "2026-11-01T04:00:00Z", // 00:00 EDT
      "2026-11-01T04:30:00Z",
      "2026-11-01T05:00:00Z", // 01:00 EDT (first occurrence)
      "2026-11-01T05:30:00Z",
      "2026-11-01T07:00:00Z", // 02:00 EST
      "2026-11-01T07:30:00Z",
    ]);
  });

  it("keeps business hours at the same wall time on both sides of the change", () => {
    const s = settings({ minNoticeMinutes: 0, weeklyHours: { fri: [{ start: "08:00", end: "09:00" }], mon: [{ start: "08:00", end: "09:00" }] } });
    const slots = slotsBetween(s, query(NY, "2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z"), []);
    expect(starts(slots)).toEqual(["2026-03-06T13:00:00Z", "2026-03-06T13:30:00Z", "2026-03-09T12:00:00Z", "2026-03-09T12:30:00Z"]);
  });

  it("skips Lisbon's missing 01:00 on 2026-03-29", () => {
    const slots = slotsBetween(night(60, "03:00"), query(LISBON, "2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z"), []);
    expect(starts(slots)).toEqual(["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"]);
    expect(slots.map((s) => utcToZoned(s.start, LISBON).time)).toEqual(["00:00", "02:00"]);
  });
});

describe("formatSlotLabel", () => {
  const now = "2025-11-25T12:00:00.000Z"; // Tue 09:00 in São Paulo
  const slot = (start: string): Slot => ({ start, end: new Date(Date.parse(start) + 1_800_000).toISOString() });

  it.each([
    ["pt-BR", "2025-11-26T17:00:00.000Z", "amanhã (qua, 26/11) às 14:00"],
    ["pt-BR", "2025-11-28T12:30:00.000Z", "sex, 28/11 às 09:30"],
    ["pt-BR", "2025-11-25T19:00:00.000Z", "hoje (ter, 25/11) às 16:00"],
    ["en", "2025-11-26T17:00:00.000Z", "tomorrow (Wed, Nov 26) at 2:00 PM"],
    ["en", "2025-11-28T12:30:00.000Z", "Fri, Nov 28 at 9:30 AM"],
    ["en", "2025-11-25T19:00:00.000Z", "today (Tue, Nov 25) at 4:00 PM"],
    ["es", "2025-11-26T17:00:00.000Z", "mañana (mié 26/11) a las 14:00"],
    ["es", "2025-11-28T12:30:00.000Z", "vie 28/11 a las 09:30"],
    ["es", "2025-11-25T19:00:00.000Z", "hoy (mar 25/11) a las 16:00"],
  ] as const)("%s %s → %s", (locale, start, label) => {
    expect(formatSlotLabel(slot(start), SP, locale, now)).toBe(label);
  });

  it("decides today and tomorrow in the tenant's zone, not in UTC", () => {
    const lateEvening = "2025-11-26T01:30:00.000Z"; // Tue 22:30 in São Paulo, already Wed in UTC
    expect(formatSlotLabel(slot("2025-11-26T11:00:00.000Z"), SP, "pt-BR", lateEvening)).toBe("amanhã (qua, 26/11) às 08:00");
    expect(formatSlotLabel(slot("2025-11-26T02:00:00.000Z"), SP, "en", lateEvening)).toBe("today (Tue, Nov 25) at 11:00 PM");
  });

  it("writes midnight and noon in English, and the one o'clock article in Portuguese and Spanish", () => {
    const midnight = slot("2025-11-28T03:30:00.000Z"); // Fri 00:30
    const noon = slot("2025-11-28T15:00:00.000Z");
    const one = slot("2025-11-28T16:30:00.000Z"); // Fri 13:30
    const oneAm = slot("2025-11-28T04:15:00.000Z"); // Fri 01:15
    expect(formatSlotLabel(midnight, SP, "en", now)).toBe("Fri, Nov 28 at 12:30 AM");
    expect(formatSlotLabel(noon, SP, "en", now)).toBe("Fri, Nov 28 at 12:00 PM");
    expect(formatSlotLabel(one, SP, "es", now)).toBe("vie 28/11 a las 13:30");
    expect(formatSlotLabel(oneAm, SP, "es", now)).toBe("vie 28/11 a la 01:15");
    expect(formatSlotLabel(oneAm, SP, "pt-BR", now)).toBe("sex, 28/11 à 01:15");
  });

  it("labels in the given zone", () => {
    expect(formatSlotLabel(slot("2026-03-09T12:00:00.000Z"), NY, "en", "2026-03-08T15:00:00.000Z")).toBe("tomorrow (Mon, Mar 9) at 8:00 AM");
    expect(formatSlotLabel(slot("2026-03-09T12:00:00.000Z"), LISBON, "pt-BR", "2026-03-01T15:00:00.000Z")).toBe("seg, 09/03 às 12:00");
  });
});
