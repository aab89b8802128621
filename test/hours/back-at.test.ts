import { describe, expect, it } from "vitest";
import { backAtNote } from "../../src/conversation/handoff";
import { BusinessHours } from "../../src/tenants/business-hours";

const ms = (iso: string) => Date.parse(iso);
const SP = "America/Sao_Paulo";
const NY = "America/New_York";
const hours = BusinessHours.parse({
  enabled: true,
  weekly: Object.fromEntries(
    ["mon", "tue", "wed", "thu", "fri"].map((d) => [
      d,
      [
        { start: "08:00", end: "12:00" },
        { start: "13:00", end: "18:00" },
      ],
    ]),
  ),
  holidays: [{ date: "2026-12-25" }, { date: "2026-12-28" }, { date: "2026-12-29" }, { date: "2026-12-30" }, { date: "2026-12-31" }, { date: "2027-01-01" }],
});

describe("backAtNote: when the team is back, in the tenant's zone and locale", () => {
  it("today, tomorrow, a weekday, a date", () => {
    // Wed 12:30 São Paulo (lunch) → today 13:00.
    expect(backAtNote(hours, SP, "pt-BR", ms("2026-12-02T15:30:00Z"))).toBe("Nossa equipe volta hoje às 13:00.");
    // Wed 19:00 → tomorrow 08:00.
    expect(backAtNote(hours, SP, "pt-BR", ms("2026-12-02T22:00:00Z"))).toBe("Nossa equipe volta amanhã às 08:00.");
    // Fri 18:30 → Monday.
    expect(backAtNote(hours, SP, "pt-BR", ms("2026-12-04T21:30:00Z"))).toBe("Nossa equipe volta segunda-feira às 08:00.");
    expect(backAtNote(hours, SP, "en", ms("2026-12-04T21:30:00Z"))).toBe("Our team is back on Monday at 08:00.");
    expect(backAtNote(hours, SP, "es", ms("2026-12-04T21:30:00Z"))).toBe("Nuestro equipo vuelve el lunes a las 08:00.");
    // Thu 24 Dec 19:00: Christmas and the week after are closed → Monday 4 January, more than a week away.
    expect(backAtNote(hours, SP, "pt-BR", ms("2026-12-24T22:00:00Z"))).toBe("Nossa equipe volta no dia 04/01 às 08:00.");
    expect(backAtNote(hours, SP, "en", ms("2026-12-24T22:00:00Z"))).toBe("Our team is back on Jan 4 at 08:00.");
    expect(backAtNote(hours, SP, "es", ms("2026-12-24T22:00:00Z"))).toBe("Nuestro equipo vuelve el 04/01 a las 08:00.");
  });

  it("nothing while open, while off, or when never open", () => {
    expect(backAtNote(hours, SP, "pt-BR", ms("2026-12-02T14:00:00Z"))).toBeNull();
    expect(backAtNote(BusinessHours.parse({}), SP, "pt-BR", ms("2026-12-05T14:00:00Z"))).toBeNull();
    expect(backAtNote(BusinessHours.parse({ enabled: true, weekly: {} }), SP, "pt-BR", ms("2026-12-05T14:00:00Z"))).toBeNull();
  });

  it("the wall clock across the DST change: Saturday in New York before spring-forward → Monday 08:00 EDT", () => {
    expect(backAtNote(hours, NY, "en", ms("2026-03-07T15:00:00Z"))).toBe("Our team is back on Monday at 08:00.");
  });
});
