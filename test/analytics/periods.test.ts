import { describe, expect, it } from "vitest";
import { edgesOf, localStart, mondayOf, periodStarts, usageDays } from "../../src/analytics/periods";

const H = 3_600_000;

describe("local periods", () => {
  it("a local day starts at its midnight: São Paulo (UTC−3), Tokyo (UTC+9)", () => {
    expect(new Date(localStart("2026-12-02", "America/Sao_Paulo")).toISOString()).toBe("2026-12-02T03:00:00.000Z");
    expect(new Date(localStart("2026-12-02", "Asia/Tokyo")).toISOString()).toBe("2026-12-01T15:00:00.000Z");
  });

  it("DST: New York's spring-forward day has 23 hours and its fall-back day 25; a skipped midnight starts at the first minute that exists", () => {
    const ny = (d: string) => localStart(d, "America/New_York");
    expect(ny("2026-03-09") - ny("2026-03-08")).toBe(23 * H);
    expect(ny("2026-11-02") - ny("2026-11-01")).toBe(25 * H);
    // Santiago moves its clocks at midnight (00:00 → 01:00 on 2026-09-06): that day starts at 01:00 local, 04:00 UTC.
    expect(new Date(localStart("2026-09-06", "America/Santiago")).toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });

  it("ISO weeks start on Monday; a run's edges bound consecutive periods; a week takes its seven UTC usage days", () => {
    expect(mondayOf("2026-12-06")).toBe("2026-11-30");
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
    expect(periodStarts("week", "2026-11-26", "2026-12-09")).toEqual(["2026-11-23", "2026-11-30", "2026-12-07"]);
    expect(periodStarts("day", "2026-11-29", "2026-12-01")).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    const edges = edgesOf("week", ["2026-11-23", "2026-11-30"], "America/Sao_Paulo");
    expect(edges.map((e) => new Date(e).toISOString())).toEqual(["2026-11-23T03:00:00.000Z", "2026-11-30T03:00:00.000Z", "2026-12-07T03:00:00.000Z"]);
    expect(usageDays("week", "2026-11-30")).toEqual(["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"]);
  });
});
