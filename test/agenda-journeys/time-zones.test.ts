import { afterAll, describe, expect, it, vi } from "vitest";
import { zonedTimeToUtc } from "../../src/lib/time-zone";
import { reminderDue } from "../../src/agenda/service";
import { sha256Hex } from "../../src/lib/crypto";
import { api, seedCompany, store } from "../support/helpers";
import { appointment, freezeClockAtNextMonday } from "./support";

afterAll(() => vi.useRealTimers());

const local = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));

describe("reminders land at the right local time", () => {
  it("24 h before is the day before at the same local time, also across a DST change (New York)", () => {
    // DST starts Sunday 2027-03-14 at 02:00: Sunday 10:00 EDT is 14:00Z, Saturday 10:00 EST is 15:00Z.
    const start = Date.parse("2027-03-14T14:00:00Z");
    expect(new Date(reminderDue(start, 1440, "America/New_York")).toISOString()).toBe("2027-03-13T15:00:00.000Z"); // 23 real hours
    expect(new Date(reminderDue(start, 60, "America/New_York")).toISOString()).toBe("2027-03-14T13:00:00.000Z");
    // DST ends Sunday 2027-11-07: Sunday 10:00 EST is 15:00Z, Saturday 10:00 EDT is 14:00Z (25 real hours).
    expect(new Date(reminderDue(Date.parse("2027-11-07T15:00:00Z"), 1440, "America/New_York")).toISOString()).toBe("2027-11-06T14:00:00.000Z");
    // São Paulo has no DST: exactly 24 h.
    const sp = Date.parse("2027-03-14T13:00:00Z");
    expect(reminderDue(sp, 1440, "America/Sao_Paulo")).toBe(sp - 24 * 3_600_000);
  });

  it("a Brazilian tenant and a New York tenant book 10:00 local and are reminded at 10:00 local the day before", async () => {
    const monday = freezeClockAtNextMonday();
    for (const [slug, timeZone] of [
      ["tz-sp", "America/Sao_Paulo"],
      ["tz-ny", "America/New_York"],
    ] as const) {
      await seedCompany({ slug, timeZone });
      // Wednesday 10:00 in the tenant's own zone.
      const wed = new Date(monday + 2 * 24 * 3_600_000).toISOString().slice(0, 10);
      const start = zonedTimeToUtc(wed, "10:00", timeZone)!.toISOString();
      const res = await api("/api/agenda/appointments", { method: "POST", tenant: slug, body: JSON.stringify({ contact: "5511987657001", start }) });
      expect(res.status, await res.clone().text()).toBe(201);
      const { id } = (await res.json()) as { id: number };
      const tasks = (await appointment(slug, id)).tasks ?? [];
      const day = tasks.find((t) => t.offset_minutes === 1440)!;
      expect(local(day.due_at, timeZone)).toMatch(/^Tue,? \d\d\/\d\d, 10:00$/);
      expect(local(tasks.find((t) => t.offset_minutes === 60)!.due_at, timeZone)).toMatch(/^Wed,? \d\d\/\d\d, 09:00$/);
    }
  });
});

describe("/api/agenda rejects bad input and stays inside the tenant", () => {
  it("validation errors use the envelope", async () => {
    freezeClockAtNextMonday();
    const c = await seedCompany({ slug: "agd-api" });
    const bad = [
      ["/api/agenda/appointments", { contact: "5511987657002" }, 400],
      ["/api/agenda/appointments", { contact: "nope", start: "2030-01-01T10:00:00Z" }, 422],
      ["/api/agenda/appointments", { contact: "5511987657002", start: "2000-01-01T10:00:00Z" }, 422], // slot_in_past, not "taken"
    ] as const;
    for (const [path, body, status] of bad) {
      const res = await api(path, { method: "POST", tenant: "agd-api", body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code.length).toBeGreaterThan(0);
    }
    expect((await api("/api/agenda/appointments/999999/cancel", { method: "POST", tenant: "agd-api" })).status).toBe(404);
    expect((await api("/api/agenda/settings", { method: "PUT", tenant: "agd-api", body: JSON.stringify({ calendar: { slotMinutes: 1 } }) })).status).toBe(400);
    expect((await api("/api/agenda/settings", { method: "PUT", tenant: "agd-api", body: JSON.stringify({ reminderOffsets: [60] }) })).status).toBe(400);

    // Another tenant's token sees none of this tenant's appointments.
    const slots = (await (await api("/api/agenda/availability?days=7", { tenant: "agd-api" })).json()) as { slots: { start: string; label: string }[] };
    expect(slots.slots.length).toBeGreaterThan(5);
    const made = await api("/api/agenda/appointments", { method: "POST", tenant: "agd-api", body: JSON.stringify({ contact: "5511987657002", start: slots.slots[0]!.start }) });
    const { id } = (await made.json()) as { id: number };
    const other = await seedCompany({ slug: "agd-other" });
    await store().apiTokens.create(other.id, await sha256Hex("token-agd-other"), "t");
    const asOther = { authorization: "Bearer token-agd-other" };
    expect((await api(`/api/agenda/appointments/${id}`, { headers: asOther })).status).toBe(404);
    expect((await api(`/api/agenda/appointments/${id}/cancel`, { method: "POST", headers: asOther })).status).toBe(404);
    expect(((await (await api("/api/agenda/appointments", { headers: asOther })).json()) as { appointments: unknown[] }).appointments).toEqual([]);
    expect((await appointment("agd-api", id)).status).toBe("scheduled");
    // Booking the same slot again (capacity 1) is a 409.
    const taken = await api("/api/agenda/appointments", { method: "POST", tenant: "agd-api", body: JSON.stringify({ contact: "5511987657003", start: slots.slots[0]!.start }) });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: { code: "slot_taken" } });
    expect(c.id).not.toBe(other.id);
  });
});
