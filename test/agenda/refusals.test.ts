import { describe, expect, it } from "vitest";
import { putConfig } from "../support/ai";
import { api, seedCompany } from "../support/helpers";

const DAY = 24 * 3_600_000;
const book = (tenant: string, contact: string, start: string, service?: string) =>
  api("/api/agenda/appointments", { method: "POST", tenant, body: JSON.stringify({ contact, start, ...(service ? { service } : {}) }) });
const error = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });
/** The next `weekday` (0 = Sunday) at least two days ahead, at `hh:mm` in São Paulo (UTC−3, no DST). */
function next(weekday: number, hhmm: string): string {
  const d = new Date(Date.now() + 2 * DAY);
  while (d.getUTCDay() !== weekday) d.setTime(d.getTime() + DAY);
  const [h = 0, m = 0] = hhmm.split(":").map(Number);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h + 3, m)).toISOString();
}

describe("a refused time says why", () => {
  it("past, too soon, beyond the horizon, a closed day, outside the hours or off the grid: 422 with its own code; taken: 409", async () => {
    await seedCompany({ slug: "why-not" });
    const closedDay = next(3, "09:00").slice(0, 10); // a Wednesday, closed for a holiday
    expect((await api("/api/agenda/settings", { method: "PUT", tenant: "why-not", body: JSON.stringify({ calendar: { closedDates: [closedDay] } }) })).status).toBe(200);
    const cases: [string, string][] = [
      [new Date(Date.now() - 3_600_000).toISOString(), "slot_in_past"],
      [new Date(Date.now() + 10 * 60_000).toISOString(), "too_soon"],
      [next(2, "09:00").replace(/^\d{4}/, (y) => String(Number(y) + 1)), "beyond_horizon"],
      [next(0, "10:00"), "outside_hours"], // Sunday: no hours
      [next(3, "09:00"), "outside_hours"], // the closed date
      [next(2, "12:30"), "outside_hours"], // lunch break
      [next(2, "08:10"), "outside_hours"], // not a slot start
    ];
    for (const [i, [start, code]] of cases.entries()) {
      const e = await error(await book("why-not", `55119000040${i}0`, start));
      expect([e.status, e.code], start).toEqual([422, code]);
      expect(e.message).not.toMatch(/no longer available/);
    }
    const free = next(2, "09:00");
    expect((await book("why-not", "5511900004101", free)).status).toBe(201);
    expect(await error(await book("why-not", "5511900004102", free))).toMatchObject({ status: 409, code: "slot_taken" });
  });

  it("a service that does not fit before closing is outside the hours, and a reschedule into the past is slot_in_past", async () => {
    await seedCompany({ slug: "why-not-svc" });
    await putConfig("why-not-svc", "knowledge", { services: [{ name: "Clareamento dental", durationMinutes: 60 }] });
    expect(await error(await book("why-not-svc", "5511900004201", next(2, "11:30"), "Clareamento dental"))).toMatchObject({ status: 422, code: "outside_hours" });
    const res = await book("why-not-svc", "5511900004202", next(2, "11:00"), "Clareamento dental");
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    const moved = await api(`/api/agenda/appointments/${id}/reschedule`, {
      method: "POST",
      tenant: "why-not-svc",
      body: JSON.stringify({ start: new Date(Date.now() - DAY).toISOString() }),
    });
    expect(await error(moved)).toMatchObject({ status: 422, code: "slot_in_past" });
  });
});
