import { describe, expect, it } from "vitest";
import { api, seedCompany } from "../support/helpers";

const book = (tenant: string, contact: string, start: string) => api("/api/agenda/appointments", { method: "POST", tenant, body: JSON.stringify({ contact, start }) });
const freeSlots = async (tenant: string) => ((await (await api("/api/agenda/availability?days=7", { tenant })).json()) as { slots: { start: string }[] }).slots;

describe("built-in calendar under concurrent bookings", () => {
  it("two contacts booking the last place of a slot at the same instant: one gets it, the other a 409", async () => {
    await seedCompany({ slug: "race" });
    const [slot] = await freeSlots("race");
    const results = await Promise.all(["5511900001001", "5511900001002", "5511900001003"].map((p) => book("race", p, slot!.start)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const losers = await Promise.all(results.filter((r) => r.status === 409).map(async (r) => ((await r.json()) as { error: { code: string } }).error.code));
    expect(losers).toEqual(["slot_taken", "slot_taken"]);
    expect((await freeSlots("race")).map((s) => s.start)).not.toContain(slot!.start);
  });

  it("with capacity 2 exactly two of three concurrent bookings land, and a concurrent reschedule into a full slot is refused", async () => {
    await seedCompany({ slug: "race-cap" });
    expect((await api("/api/agenda/settings", { method: "PUT", tenant: "race-cap", body: JSON.stringify({ calendar: { capacity: 2 } }) })).status).toBe(200);
    const [slot, other] = await freeSlots("race-cap");
    const results = await Promise.all(["5511900002001", "5511900002002", "5511900002003"].map((p) => book("race-cap", p, slot!.start)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409]);
    // Two appointments elsewhere both try to move into `other` (2 places) while a third books it.
    const elsewhere = await Promise.all(
      ["5511900002004", "5511900002005"].map(async (p, i) => ((await (await book("race-cap", p, (await freeSlots("race-cap"))[5 + i]!.start)).json()) as { id: number }).id),
    );
    const moves = await Promise.all([
      ...elsewhere.map((id) => api(`/api/agenda/appointments/${id}/reschedule`, { method: "POST", tenant: "race-cap", body: JSON.stringify({ start: other!.start }) })),
      book("race-cap", "5511900002006", other!.start),
    ]);
    const statuses = moves.map((r) => r.status);
    expect(statuses.filter((st) => st === 200 || st === 201)).toHaveLength(2);
    expect(statuses.filter((st) => st === 409)).toHaveLength(1);
  });
});
