import { describe, expect, it } from "vitest";
import { spreadOverDays } from "../../src/agenda/offer-spread";

const TZ = "America/Sao_Paulo";
// 2026-12-07 is a Monday; 11:00Z is 08:00 in São Paulo.
const at = (day: number, hour: number, minute = 0) => ({ start: new Date(Date.UTC(2026, 11, day, hour + 3, minute)).toISOString() });

describe("spreadOverDays", () => {
  it("takes one slot per local day first, in the order given, then fills from the rest", () => {
    const slots = [at(7, 8), at(7, 8, 30), at(7, 9), at(8, 8), at(8, 8, 30), at(9, 14)];
    expect(spreadOverDays(slots, 3, TZ)).toEqual([at(7, 8), at(8, 8), at(9, 14)]);
    expect(spreadOverDays(slots, 5, TZ)).toEqual([at(7, 8), at(8, 8), at(9, 14), at(7, 8, 30), at(7, 9)]);
  });

  it("keeps a ranked order (habits first) and counts days on the tenant's clock, not UTC", () => {
    // 22:30 local on the 8th is 01:30Z on the 9th: still the 8th for the tenant.
    const late = at(8, 22, 30);
    const slots = [at(9, 10), late, at(9, 11), at(8, 9)];
    expect(spreadOverDays(slots, 3, TZ)).toEqual([at(9, 10), late, at(9, 11)]);
  });

  it("with one day only, or fewer slots than asked, gives what there is", () => {
    expect(spreadOverDays([at(7, 8), at(7, 9)], 3, TZ)).toEqual([at(7, 8), at(7, 9)]);
    expect(spreadOverDays([], 3, TZ)).toEqual([]);
  });
});
